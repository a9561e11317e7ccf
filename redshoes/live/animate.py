"""Online animation: frames of the decided steps as time advances, stitched without pops, held when she stops.

Each time steps are decided, the offline `animate` runs on a small choreography of the step before (for
continuity) and the new steps, shifted to start near time 0; its frames replace the ones not yet emitted.
Where the new frames meet the last emitted pose, the difference (root offset and a rotation per joint) is
faded out over `BLEND` seconds, so the joins never jump. Frames are emitted up to `lead` seconds ahead of the
audio heard; past the decided steps the last pose is held. When the composer moves the counts of decided steps
onto newer beats (`ComposeUpdate.retimed`), the frames not yet emitted are made again from the moved steps,
joined the same way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from scipy.spatial.transform import Rotation

from redshoes.animate import animate
from redshoes.ballet.skeleton import Skeleton
from redshoes.compose.choreography import Choreography, Stage, StagePoint, Step
from redshoes.live.compose import ComposeUpdate

DEFAULT_STAGE = Stage()
BLEND = 0.25  # seconds over which a join's difference fades out
CONTEXT_STEPS = 1  # steps before the new ones animated again for continuity
SETTLE = 0.2  # seconds of motion before a hold slowed to a stop (over twice as long)


@dataclass(frozen=True, eq=False)
class Frames:
    """Frames emitted at once: frame i of the performance shows time i / fps.

    `first`: index of the first frame; `root` (F, 3) Hips position, metres; `rotations` (F, J, 4) local
    quaternions xyzw relative to the rest pose; `held` (F,) bool: the dancer holds a pose (no decided step).
    """

    fps: float
    first: int
    root: np.ndarray
    rotations: np.ndarray
    held: np.ndarray

    @property
    def count(self) -> int:
        return int(self.root.shape[0])

    @property
    def times(self) -> np.ndarray:
        """Time of each frame, seconds from the start of the stream, (F,)."""
        return (self.first + np.arange(self.count)) / self.fps


class OnlineAnimate:
    """Decided steps in, frames out as time advances (`OnlineStage[ComposeUpdate, Frames]`)."""

    def __init__(self, *, fps: float = 30.0, lead: float = 0.15, stage: Stage = DEFAULT_STAGE) -> None:
        self.fps, self.lead, self.stage = fps, lead, stage
        self.standing_root, self.standing_rotations, self.skeleton = _standing(fps, stage)
        self.reset()

    def reset(self) -> None:
        """Back to the standing dancer at frame 0."""
        self.emitted = 0  # frames emitted so far
        self.last_root = self.standing_root.copy()
        self.last_rotations = self.standing_rotations.copy()
        self.context: list[Step] = []
        self.chunk_first = 0
        self.chunk_root = np.zeros((0, 3))
        self.chunk_rotations = np.zeros((0, len(self.skeleton), 4))
        self.blend_at = -1  # frame at which the current join's difference is full
        self.blend_root = np.zeros(3)
        self.blend_rotvec = np.zeros((len(self.skeleton), 3))

    def process(self, update: ComposeUpdate) -> Frames:
        """Take newly decided steps; emit the frames up to `lead` seconds after the audio heard."""
        if update.hold_from is not None:  # she finishes the step under way and holds its last pose
            kept = [s for s in self.context if s.end <= update.hold_from + 1e-6]
            if kept and len(kept) < len(self.context):  # made again without the withdrawn steps she was turning to
                self.context = kept
                self._animate((), restarted=False)
            keep = max(int(math.floor(update.hold_from * self.fps)) - self.chunk_first + 1, 0)
            self.chunk_root, self.chunk_rotations = self.chunk_root[:keep], self.chunk_rotations[:keep]
            self._settle()
            self.context = []
        if update.retimed and self.context:
            moved = dict(update.retimed)
            self.context = [moved.get(s, s) for s in self.context]
        if update.steps or (update.retimed and self.context):
            self._animate(update.steps, restarted=update.restarted)
        until = int(math.floor((update.time + self.lead) * self.fps))
        return self._emit(max(until - self.emitted + 1, 0))

    def _animate(self, steps: tuple[Step, ...], *, restarted: bool) -> None:
        contiguous = bool(self.context) and not restarted and (
            not steps or abs(self.context[-1].end - steps[0].start) < 1e-6)
        now = self.emitted / self.fps
        # again: the steps not yet over when the next frame is due, and the one before them for continuity
        ongoing = [k for k, s in enumerate(self.context) if s.end > now] if contiguous else []
        since = max(min(ongoing, default=len(self.context)) - CONTEXT_STEPS, 0)
        if not steps:  # moved counts only: the same steps as the frames now shown, so the join differs least
            since = 0
        window = [*(self.context[since:] if contiguous else []), *steps]
        first = int(math.floor(window[0].start * self.fps))
        offset = first / self.fps
        shifted = tuple(_shift(s, -offset) for s in window)
        choreography = Choreography(music="live", duration=shifted[-1].end + 2.0 / self.fps, seed=0,
                                    level="professional", stage=self.stage, steps=shifted)  # the end frame too
        motion = animate(choreography, fps=self.fps)
        self.chunk_first, self.chunk_root, self.chunk_rotations = first, motion.root_positions, motion.rotations
        self.context = window
        # the join: fade out the difference between the last emitted pose and the new frames
        join = max(self.emitted, first)
        ref = min(max(self.emitted - 1, first), first + motion.frames - 1)
        new_root, new_rot = self.chunk_root[ref - first], self.chunk_rotations[ref - first]
        self.blend_at = join
        self.blend_root = self.last_root - new_root
        self.blend_rotvec = (Rotation.from_quat(self.last_rotations) * Rotation.from_quat(new_rot).inv()).as_rotvec()

    def _settle(self) -> None:
        """Slow the last unsent frames before a hold to a stop instead of freezing mid-motion.

        The last `S` frames before the held pose (at most `SETTLE` seconds, none already sent) are played over
        `2 S` frames with an ease-out (chunk time 2x - x^2): the same speed where they begin, none where she holds.
        """
        last = len(self.chunk_root) - 1
        span = min(last - max(self.emitted - self.chunk_first, 0), int(round(SETTLE * self.fps)))
        if span < 2:
            return
        x = np.arange(2 * span + 1) / (2 * span)
        at = last - span + span * (2 * x - x * x)  # fractional chunk frames, from last - span to last
        low = np.minimum(np.floor(at).astype(int), last)
        high = np.minimum(low + 1, last)
        frac = (at - low)[:, None]
        root = self.chunk_root[low] * (1 - frac) + self.chunk_root[high] * frac
        a, b = Rotation.from_quat(self.chunk_rotations[low].reshape(-1, 4)), Rotation.from_quat(
            self.chunk_rotations[high].reshape(-1, 4))
        turn = (a.inv() * b).as_rotvec() * np.repeat(frac, len(self.skeleton), axis=0)
        rotations = (a * Rotation.from_rotvec(turn)).as_quat().reshape(len(at), len(self.skeleton), 4)
        self.chunk_root = np.concatenate([self.chunk_root[: last - span], root])
        self.chunk_rotations = np.concatenate([self.chunk_rotations[: last - span], rotations])

    def _emit(self, n: int) -> Frames:
        index = self.emitted + np.arange(n)
        local = index - self.chunk_first
        inside = (local >= 0) & (local < len(self.chunk_root))
        root = np.repeat(self.last_root[None], n, axis=0)
        rotations = np.repeat(self.last_rotations[None], n, axis=0)
        if inside.any():
            root[inside] = self.chunk_root[local[inside]]
            rotations[inside] = self.chunk_rotations[local[inside]]
            after = index - self.blend_at
            fading = inside & (after >= 0) & (after < BLEND * self.fps)
            if fading.any():
                u = after[fading] / (BLEND * self.fps)
                w = 1.0 - u * u * (3 - 2 * u)
                root[fading] += self.blend_root[None] * w[:, None]
                delta = Rotation.from_rotvec((self.blend_rotvec[None] * w[:, None, None]).reshape(-1, 3))
                base = Rotation.from_quat(rotations[fading].reshape(-1, 4))
                rotations[fading] = (delta * base).as_quat().reshape(-1, len(self.skeleton), 4)
            # before the join (frames between a stop and a restart): hold the last pose
            waiting = index < self.blend_at
            root[waiting] = self.last_root
            rotations[waiting] = self.last_rotations
        held = ~inside | (index < self.blend_at)
        if n:
            self.last_root, self.last_rotations = root[-1].copy(), rotations[-1].copy()
        self.emitted += n
        return Frames(fps=self.fps, first=int(index[0]) if n else self.emitted, root=root,
                      rotations=rotations, held=held)


def _shift(step: Step, by: float) -> Step:
    return replace(step, start=step.start + by, end=step.end + by, accent=step.accent + by,
                   count_times=tuple(t + by for t in step.count_times))


def _standing(fps: float, stage: Stage) -> tuple[np.ndarray, np.ndarray, Skeleton]:
    """The dancer standing in fifth before she begins: the first frame of a préparation."""
    here = StagePoint(0.0, -0.25 * stage.depth / 2)
    step = Step(name="préparation", start=0.0, end=2.0, bar=1, count=1, counts=2, count_times=(0.0, 1.0),
                foot="right", start_at=here, end_at=here, facing=0.0, end_facing=0.0, direction="en face",
                accent=2.0)
    motion = animate(Choreography(music="live", duration=2.0, seed=0, level="professional", stage=stage,
                                  steps=(step,)), fps=fps)
    return motion.root_positions[0].copy(), motion.rotations[0].copy(), motion.skeleton
