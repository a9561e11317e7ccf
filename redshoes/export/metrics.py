"""Measures of motion quality used by the dance-generation literature, computed the same way on Red Shoes'
motion and on real motion capture so the two can stand side by side.

All functions take world joint positions `positions` of shape (frames, joints, 3) in metres, Y up, sampled at
`fps` frames per second, and a `Body` naming which joints are the root and the feet.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import gaussian_filter1d
from scipy.signal import argrelextrema
from scipy.spatial import ConvexHull, QhullError

UP = 1  # Y is up
FLAT = (0, 2)


@dataclass(frozen=True)
class Body:
    """Indices of the root and the two feet (ankle and ball of the foot), and each foot joint's height above
    the sole when standing flat (metres), so foot heights are measured from the floor."""

    root: int
    left_ankle: int
    left_toe: int
    right_ankle: int
    right_toe: int
    ankle_clearance: float = 0.0
    toe_clearance: float = 0.0

    @property
    def feet(self) -> tuple[int, int, int, int]:
        return (self.left_ankle, self.left_toe, self.right_ankle, self.right_toe)


def body_from_names(names: tuple[str, ...] | list[str], positions: np.ndarray | None = None, *,
                    clearances: tuple[float, float] | None = None) -> Body:
    """A Body from joint names (Red Shoes/CMU "LeftFoot"/"LeftToeBase" or DAZ "lFoot"), with clearances given,
    or estimated from the motion as each joint's 2nd-percentile height (the joint's height when standing)."""
    lookup = {n.lower(): i for i, n in enumerate(names)}

    def find(*candidates: str) -> int:
        for c in candidates:
            if c.lower() in lookup:
                return lookup[c.lower()]
        raise KeyError(f"none of {candidates} among the joints")

    root = find("Hips", "hip", "pelvis")
    la, ra = find("LeftFoot", "lFoot"), find("RightFoot", "rFoot")
    lt = find("LeftToeBase", "LeftToe", "lToe", "lFoot")
    rt = find("RightToeBase", "RightToe", "rToe", "rFoot")
    if clearances is None:
        if positions is None:
            raise ValueError("give clearances or positions")
        ankle = float(np.percentile(positions[:, [la, ra], UP], 2))
        toe = float(np.percentile(positions[:, [lt, rt], UP], 2))
        clearances = (ankle, toe)
    return Body(root, la, lt, ra, rt, clearances[0], clearances[1])


def resample(positions: np.ndarray, fps: float, target_fps: float) -> np.ndarray:
    """Positions resampled to another frame rate by linear interpolation."""
    if abs(fps - target_fps) < 1e-9:
        return positions
    frames = positions.shape[0]
    src = np.arange(frames) / fps
    dst = np.arange(0.0, src[-1] + 1e-9, 1.0 / target_fps)
    flat = positions.reshape(frames, -1)
    out = np.empty((len(dst), flat.shape[1]))
    for k in range(flat.shape[1]):
        out[:, k] = np.interp(dst, src, flat[:, k])
    return out.reshape(len(dst), *positions.shape[1:])


def foot_heights(positions: np.ndarray, body: Body) -> np.ndarray:
    """Height of each foot point above the floor, (frames, 4): left ankle, left toe, right ankle, right toe."""
    clear = np.array([body.ankle_clearance, body.toe_clearance] * 2)
    return positions[:, list(body.feet), UP] - clear


def pfc(positions: np.ndarray, fps: float, body: Body) -> float:
    """EDGE's Physical Foot Contact score ×10⁴ at 30 fps: root acceleration (upward part clamped to ≥ 0,
    normalised by its maximum) times the slower foot point's horizontal speed of each foot, averaged.
    Lower is better; real AIST++ dance scores 1.33."""
    p = resample(positions, fps, 30.0)
    if p.shape[0] < 4:
        return 0.0
    dt = 1.0 / 30.0
    root_v = (p[1:, body.root] - p[:-1, body.root]) / dt
    root_a = (root_v[1:] - root_v[:-1]) / dt
    root_a[:, UP] = np.maximum(root_a[:, UP], 0.0)
    accel = np.linalg.norm(root_a, axis=-1)
    if accel.max() <= 0:
        return 0.0
    accel /= accel.max()
    feet = p[:, list(body.feet)][:, :, list(FLAT)]
    foot_v = np.linalg.norm(feet[2:] - feet[1:-1], axis=-1)
    left = np.minimum(foot_v[:, 0], foot_v[:, 1])
    right = np.minimum(foot_v[:, 2], foot_v[:, 3])
    return float(np.mean(left * right * accel) * 1e4)


def _kinetic_envelope(positions: np.ndarray) -> np.ndarray:
    return np.linalg.norm(positions[1:] - positions[:-1], axis=-1)


def motion_beats_fact(positions: np.ndarray) -> np.ndarray:
    """Kinematic beats as FACT (AIST++) finds them: local minima (order 10) of the summed joint speed."""
    envelope = _kinetic_envelope(positions).sum(axis=1)
    return argrelextrema(envelope, np.less, order=10)[0]


def motion_beats_bailando(positions: np.ndarray) -> np.ndarray:
    """Kinematic beats as Bailando finds them: local minima of the mean joint speed smoothed (σ = 5 frames)."""
    envelope = gaussian_filter1d(_kinetic_envelope(positions).mean(axis=1), 5)
    return argrelextrema(envelope, np.less)[0]


def beat_alignment_fact(music_beats: np.ndarray, positions: np.ndarray, fps: float, *, sigma: float = 3.0) -> float:
    """FACT's Beat Alignment Score at 60 fps: for each kinematic beat, closeness to the nearest music beat."""
    p = resample(positions, fps, 60.0)
    kinematic = motion_beats_fact(p)
    music = np.asarray(music_beats) * 60.0
    if len(kinematic) == 0 or len(music) == 0:
        return 0.0
    dist = np.min(np.abs(kinematic[:, None] - music[None, :]), axis=1)
    return float(np.mean(np.exp(-(dist**2) / (2 * sigma**2))))


def beat_alignment_bailando(music_beats: np.ndarray, positions: np.ndarray, fps: float, *,
                            sigma: float = 3.0) -> float:
    """Bailando's Beat Alignment Score at 60 fps: for each music beat, closeness to the nearest kinematic beat."""
    p = resample(positions, fps, 60.0)
    kinematic = motion_beats_bailando(p)
    music = np.asarray(music_beats) * 60.0
    music = music[music < p.shape[0]]
    if len(kinematic) == 0 or len(music) == 0:
        return 0.0
    dist = np.min(np.abs(music[:, None] - kinematic[None, :]), axis=1)
    return float(np.mean(np.exp(-(dist**2) / (2 * sigma**2))))


def foot_skating_ratio(positions: np.ndarray, fps: float, body: Body, *, height: float = 0.05,
                       slide: float = 0.025) -> float:
    """Share of frames (at 30 fps) in which a foot point below `height` metres moves more than `slide` metres
    along the floor within the frame — the foot-skating ratio of FineDance and Lodge."""
    p = resample(positions, fps, 30.0)
    if p.shape[0] < 2:
        return 0.0
    h = foot_heights(p, body)
    low = (h[1:] < height) & (h[:-1] < height)
    feet = p[:, list(body.feet)][:, :, list(FLAT)]
    moved = np.linalg.norm(feet[1:] - feet[:-1], axis=-1) > slide
    return float(np.mean(np.any(low & moved, axis=1)))


def worst_penetration(positions: np.ndarray, body: Body) -> float:
    """The deepest any foot point goes below the floor, metres (0 when never)."""
    return float(max(0.0, -foot_heights(positions, body).min()))


# Segment mass fractions of a female body (de Leva 1996), by the joint pair that bounds each segment.
_SEGMENTS = (
    ("Hips", "Spine", 0.1247), ("Spine", "Neck", 0.2901), ("Neck", "Head", 0.0668),
    ("LeftArm", "LeftForeArm", 0.0255), ("LeftForeArm", "LeftHand", 0.0138),
    ("RightArm", "RightForeArm", 0.0255), ("RightForeArm", "RightHand", 0.0138),
    ("LeftUpLeg", "LeftLeg", 0.1478), ("LeftLeg", "LeftFoot", 0.0481), ("LeftFoot", "LeftToeBase", 0.0129),
    ("RightUpLeg", "RightLeg", 0.1478), ("RightLeg", "RightFoot", 0.0481),
    ("RightFoot", "RightToeBase", 0.0129),
)


def centre_of_mass(positions: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    """The body's centre of mass per frame, (frames, 3), from segment midpoints weighted by de Leva's fractions."""
    index = {n: i for i, n in enumerate(names)}
    total = np.zeros((positions.shape[0], 3))
    mass = 0.0
    for a, b, m in _SEGMENTS:
        total += m * 0.5 * (positions[:, index[a]] + positions[:, index[b]])
        mass += m
    return total / mass


def balanced_share(positions: np.ndarray, fps: float, names: tuple[str, ...], body: Body, *,
                   contact: float = 0.05, margin: float = 0.03) -> float:
    """Of the frames where the dancer stands still enough to balance (a foot on the floor, the centre of mass
    moving under 0.3 m/s), the share whose centre of mass lies over the support (the floor hull of the feet in
    contact, widened by `margin` metres)."""
    com = centre_of_mass(positions, names)
    speed = np.zeros(len(com))
    speed[1:] = np.linalg.norm(np.diff(com[:, list(FLAT)], axis=0), axis=1) * fps
    heights = foot_heights(positions, body)
    inside = total = 0
    for f in range(len(com)):
        touching = [body.feet[k] for k in range(4) if heights[f, k] < contact]
        if not touching or speed[f] > 0.3:
            continue
        total += 1
        pts = positions[f, touching][:, list(FLAT)]
        if _inside_support(com[f, list(FLAT)], pts, margin):
            inside += 1
    return float(inside / total) if total else 1.0


def _inside_support(point: np.ndarray, pts: np.ndarray, margin: float) -> bool:
    # a foot is a segment from ankle to toe: widen every point by the margin (a disc) and test the hull
    ring = np.array([[np.cos(a), np.sin(a)] for a in np.linspace(0, 2 * np.pi, 8, endpoint=False)]) * margin
    cloud = (pts[:, None, :] + ring[None]).reshape(-1, 2)
    try:
        hull = ConvexHull(cloud)
    except QhullError:
        return bool(np.min(np.linalg.norm(cloud - point, axis=1)) <= margin)
    return bool(np.all(hull.equations[:, :2] @ point + hull.equations[:, 2] <= 1e-9))


def mean_jerk(positions: np.ndarray, fps: float) -> float:
    """Mean magnitude of the third time-derivative of joint positions, m/s³ (lower is smoother)."""
    if positions.shape[0] < 4:
        return 0.0
    jerk = np.diff(positions, n=3, axis=0) * fps**3
    return float(np.linalg.norm(jerk, axis=-1).mean())


def bone_length_drift(positions: np.ndarray, parents: np.ndarray) -> float:
    """Largest change of any bone's length over the motion, metres (0 for a rigid skeleton)."""
    child = [j for j in range(len(parents)) if parents[j] >= 0]
    lengths = np.linalg.norm(positions[:, child] - positions[:, parents[child]], axis=-1)
    return float(np.max(lengths.max(axis=0) - lengths.min(axis=0))) if len(child) else 0.0


def joint_speeds(rotations: np.ndarray, fps: float) -> np.ndarray:
    """Angular speed of every joint but the root in its parent's frame, (frames - 1, joints - 1) deg/s, from
    local quaternions (frames, joints, 4) xyzw: how fast the dancer bends her joints (a turn of the whole
    body about the root is not a joint speed)."""
    q = rotations[:, 1:]
    if q.shape[0] < 2:
        return np.zeros((0, q.shape[1]))
    dots = np.abs(np.sum(q[1:] * q[:-1], axis=-1)) / (
        np.linalg.norm(q[1:], axis=-1) * np.linalg.norm(q[:-1], axis=-1)
    )
    return 2.0 * np.degrees(np.arccos(np.clip(dots, 0.0, 1.0))) * fps


def knee_flexion(rotations: np.ndarray, names: tuple[str, ...] | list[str]) -> np.ndarray:
    """Flexion of each knee, (frames, 2) degrees, left then right, from local quaternions (frames, joints, 4)
    of a skeleton whose rest legs are straight and whose knees hinge about their local +x (the Red Shoes
    ballerina): 0 straight, positive bent forward, negative bent backwards (hyperextended)."""
    out = []
    for side in ("Left", "Right"):
        q = rotations[:, list(names).index(side + "Leg")]
        q = np.where(q[:, 3:] < 0, -q, q)
        s = np.linalg.norm(q[:, :3], axis=-1)
        angle = 2.0 * np.degrees(np.arctan2(s, q[:, 3]))
        out.append(angle * np.where(s > 1e-12, q[:, 0] / np.maximum(s, 1e-12), 1.0))
    return np.stack(out, axis=1)


def joint_limit_violations(rotations: np.ndarray, names: tuple[str, ...] | list[str], *,
                           hyperextension: float = 5.0, deepest: float = 160.0) -> float:
    """Share of frames in which a knee bends backwards beyond `hyperextension` degrees or folds beyond
    `deepest` degrees (past a grand plié) — what a body cannot do (skeletons as `knee_flexion` reads)."""
    knees = knee_flexion(rotations, names)
    bad = (knees < -hyperextension) | (knees > deepest)
    return float(np.mean(np.any(bad, axis=1))) if len(knees) else 0.0
