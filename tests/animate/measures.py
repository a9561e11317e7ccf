"""What a teacher looks at, measured on a motion: feet on the floor, knees, facing."""

from __future__ import annotations

import numpy as np
from scipy.spatial.transform import Rotation

from redshoes.animate import limbs
from redshoes.animate.motion import Motion


def foot_points(motion: Motion, side: str) -> np.ndarray:
    """Heel, ball (sole) and toe tip of one foot, (frames, 3, 3) metres."""
    pos, rot = motion.global_transforms()
    sk = motion.skeleton
    a, t = sk.index(side + "Foot"), sk.index(side + "ToeBase")
    foot, toe = Rotation.from_quat(rot[:, a]), Rotation.from_quat(rot[:, t])
    return np.stack(
        [
            pos[:, a] + foot.apply(limbs.HEEL),
            pos[:, t] + toe.apply(limbs.BALL_SOLE),
            pos[:, t] + toe.apply(limbs.TIP),
        ],
        axis=1,
    )


def lowest(motion: Motion, side: str) -> np.ndarray:
    """Height of the lowest point of a foot, (frames,) metres."""
    return foot_points(motion, side)[:, :, 1].min(axis=1)


def joint(motion: Motion, name: str) -> np.ndarray:
    """World position of a joint, (frames, 3)."""
    return motion.positions()[:, motion.skeleton.index(name)]


def knee_flexion(motion: Motion, side: str) -> np.ndarray:
    """Knee bend in degrees (negative: bent backwards), (frames,)."""
    q = motion.rotations[:, motion.skeleton.index(side + "Leg")]
    return np.degrees(Rotation.from_quat(q).as_rotvec()[:, 0])


def hips_yaw(motion: Motion) -> np.ndarray:
    """Unwrapped yaw of the hips about the vertical, degrees (0 = facing the audience, +z)."""
    fwd = Rotation.from_quat(motion.rotations[:, 0]).apply([0.0, 0.0, 1.0])
    return np.degrees(np.unwrap(np.arctan2(fwd[:, 0], fwd[:, 2])))


def frame(motion: Motion, t: float) -> int:
    return int(round(t * motion.fps))
