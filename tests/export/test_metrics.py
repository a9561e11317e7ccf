"""The motion measures give the known answers on motions built to have them."""

import numpy as np
import pytest

from redshoes.animate.motion import forward_kinematics
from redshoes.ballet.skeleton import ballerina
from redshoes.export import metrics

FPS = 60.0


def _standing(frames: int) -> tuple[np.ndarray, tuple[str, ...], metrics.Body]:
    skeleton = ballerina()
    rotations = np.tile([0.0, 0.0, 0.0, 1.0], (frames, len(skeleton), 1))
    root = np.tile(skeleton.offsets[0], (frames, 1))
    positions, _ = forward_kinematics(skeleton, root, rotations)
    body = metrics.body_from_names(skeleton.names, clearances=(0.08, 0.02))
    return positions, skeleton.names, body


def test_standing_still_is_physically_perfect() -> None:
    positions, names, body = _standing(120)
    assert metrics.pfc(positions, FPS, body) == 0.0
    assert metrics.foot_skating_ratio(positions, FPS, body) == 0.0
    assert metrics.worst_penetration(positions, body) == pytest.approx(0.0, abs=1e-9)
    assert metrics.balanced_share(positions, FPS, names, body) == 1.0
    assert metrics.mean_jerk(positions, FPS) == pytest.approx(0.0, abs=1e-9)


def test_sliding_feet_under_an_accelerating_body_score_badly() -> None:
    positions, _, body = _standing(120)
    t = np.arange(120) / FPS
    slide = positions.copy()
    slide[:, :, 0] += 0.5 * t[:, None] ** 2  # the whole body, feet on the floor, accelerates sideways
    assert metrics.pfc(slide, FPS, body) > 1.0
    assert metrics.foot_skating_ratio(slide, FPS, body) > 0.5


def test_sinking_foot_is_measured_in_metres() -> None:
    positions, _, body = _standing(10)
    positions[5, body.left_toe, 1] -= 0.03
    assert metrics.worst_penetration(positions, body) == pytest.approx(0.03, abs=1e-9)


def test_leaning_far_outside_the_feet_is_not_balanced() -> None:
    positions, names, body = _standing(30)
    upper = [i for i, n in enumerate(names) if not any(k in n for k in ("Leg", "Foot", "Toe"))]
    positions[:, upper, 2] += 0.6
    assert metrics.balanced_share(positions, FPS, names, body) == 0.0


@pytest.mark.parametrize("variant", [metrics.beat_alignment_fact, metrics.beat_alignment_bailando])
def test_beat_alignment_rewards_moving_on_the_beat(variant) -> None:  # type: ignore[no-untyped-def]
    positions, _, _ = _standing(600)
    t = np.arange(600) / FPS
    beats = np.arange(0.5, 9.5, 0.5)
    # arms swing with speed falling to rest exactly on each beat (a kinematic beat on every music beat)
    swing = 0.2 * (1 - np.cos(2 * np.pi * t / 0.5)) / 2
    on = positions.copy()
    on[:, 5:13, 1] += np.cumsum(swing)[:, None] / FPS
    off = positions.copy()
    off[:, 5:13, 1] += np.cumsum(np.roll(swing, 15))[:, None] / FPS  # a quarter of a beat late
    assert variant(beats, on, FPS) > 0.8
    assert variant(beats, off, FPS) < variant(beats, on, FPS) - 0.3


def test_bone_length_drift_of_a_rigid_skeleton_is_zero() -> None:
    positions, _, _ = _standing(10)
    assert metrics.bone_length_drift(positions, ballerina().parents) == pytest.approx(0.0, abs=1e-12)
