"""Synthetic inputs for the export tests: a motion, a choreography and a music map with known content."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from redshoes.animate.motion import Motion
from redshoes.ballet.skeleton import ballerina
from redshoes.compose.choreography import Choreography, Stage, StagePoint, Step
from redshoes.hear.music_map import Bar, Curve, MusicMap

FPS = 30.0
SECONDS = 4.0


def synthetic_motion(fps: float = FPS, seconds: float = SECONDS) -> Motion:
    """Rest pose, arms rising, legs swinging as in a walk, a slow turn and the hips travelling forward."""
    skeleton = ballerina()
    frames = int(round(fps * seconds))
    t = np.arange(frames) / fps
    rotations = np.tile([0.0, 0.0, 0.0, 1.0], (frames, len(skeleton), 1))

    def set_rot(name: str, rotvec: np.ndarray) -> None:
        rotations[:, skeleton.index(name)] = Rotation.from_rotvec(rotvec).as_quat()

    lift = np.clip(t / seconds, 0.0, 1.0)[:, None]
    set_rot("LeftArm", lift * [0.0, 0.0, 1.2] + [0.0, 0.3, 0.0])
    set_rot("RightArm", lift * [0.0, 0.0, -1.2] + [0.0, -0.3, 0.0])
    set_rot("LeftForeArm", lift * [0.0, 0.6, 0.0])
    swing = np.sin(2 * np.pi * t / 1.2)[:, None]
    set_rot("LeftUpLeg", swing * [0.5, 0.0, 0.0])
    set_rot("RightUpLeg", -swing * [0.5, 0.0, 0.0])
    set_rot("LeftLeg", (0.5 + 0.5 * swing) * [0.6, 0.0, 0.0])
    set_rot("RightFoot", np.ones_like(swing) * [0.8, 0.0, 0.0])
    set_rot("Hips", (t / seconds)[:, None] * [0.0, np.pi, 0.0])
    set_rot("Spine1", swing * [0.1, 0.0, 0.05])
    set_rot("Head", swing * [0.0, 0.3, 0.0])
    root = np.stack([0.2 * np.sin(t), 0.95 - 0.03 * (1 - np.cos(2 * np.pi * t / 1.2)), 0.4 * t - 0.8], axis=1)
    return Motion(fps=fps, skeleton=skeleton, root_positions=root, rotations=rotations)


def synthetic_music(seconds: float = SECONDS, tempo: float = 120.0) -> MusicMap:
    """A 3/4 piece at a steady tempo: one beat every 0.5 s, bars of three beats."""
    period = 60.0 / tempo
    beats = tuple(float(b) for b in np.arange(0.0, seconds - 1e-9, period))
    bars = tuple(
        Bar(index=i, start=beats[k], end=beats[k] + 3 * period, meter="3/4", beats=beats[k : k + 3])
        for i, k in enumerate(range(0, len(beats), 3))
    )
    return MusicMap(
        source="synthetic.wav",
        duration=seconds,
        tempo=tempo,
        meter="3/4",
        beats=beats,
        downbeats=tuple(b.start for b in bars),
        bars=bars,
        phrases=(),
        sections=(),
        energy=Curve(hop=0.5, values=(0.5,) * int(seconds * 2)),
    )


def synthetic_choreography(seconds: float = SECONDS) -> Choreography:
    """Two steps that split the piece in halves: a balancé then a pirouette."""
    half = seconds / 2
    names = ("balancé", "pirouette en dehors")

    def step(i: int) -> Step:
        start, end = i * half, (i + 1) * half
        return Step(
            name=names[i],
            start=start,
            end=end,
            bar=1 + 2 * i,
            count=1,
            counts=4,
            count_times=tuple(float(x) for x in np.linspace(start, end, 4, endpoint=False)),
            foot="right",
            start_at=StagePoint(0.0, 0.0),
            end_at=StagePoint(0.0, 0.0),
            facing=0.0,
            end_facing=0.0,
            direction="en face",
            accent=0.5,
        )

    return Choreography(
        music="synthetic.wav",
        duration=seconds,
        seed=1,
        level="student",
        stage=Stage(),
        steps=(step(0), step(1)),
    )


@pytest.fixture(scope="session")
def make_motion() -> Callable[..., Motion]:
    return synthetic_motion


@pytest.fixture(scope="session")
def motion() -> Motion:
    return synthetic_motion()


@pytest.fixture(scope="session")
def choreography() -> Choreography:
    return synthetic_choreography()


@pytest.fixture(scope="session")
def music() -> MusicMap:
    return synthetic_music()
