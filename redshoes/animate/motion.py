"""The motion: a skeleton pose per frame. Output of `animate`, input of `export`.

Rotation glossary (as in scipy.spatial.transform): quaternions are (x, y, z, w), scalar last; local rotations
are relative to the rest pose of `redshoes.ballet.skeleton` (parent frame). Positions are metres, Y up.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from redshoes.animate import quat
from redshoes.ballet.skeleton import Skeleton
from redshoes.errors import InputError


@dataclass(frozen=True, eq=False)
class Motion:
    """`root_positions` (frames, 3) metres of the Hips; `rotations` (frames, joints, 4) local quats xyzw."""

    fps: float
    skeleton: Skeleton
    root_positions: np.ndarray
    rotations: np.ndarray

    @property
    def frames(self) -> int:
        return int(self.rotations.shape[0])

    @property
    def duration(self) -> float:
        return self.frames / self.fps

    def global_transforms(self) -> tuple[np.ndarray, np.ndarray]:
        """Forward kinematics: world positions (frames, joints, 3) and world quats (frames, joints, 4)."""
        return forward_kinematics(self.skeleton, self.root_positions, self.rotations)

    def positions(self) -> np.ndarray:
        """World joint positions, (frames, joints, 3), metres."""
        return self.global_transforms()[0]


def forward_kinematics(
    skeleton: Skeleton, root_positions: np.ndarray, rotations: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """World positions (frames, joints, 3) and world rotations (frames, joints, 4 xyzw) from local ones."""
    frames, joints = rotations.shape[:2]
    pos = np.zeros((frames, joints, 3))
    world = np.zeros((frames, joints, 4))
    local = rotations / np.linalg.norm(rotations, axis=-1, keepdims=True)
    for j in range(joints):
        parent = int(skeleton.parents[j])
        if parent < 0:
            world[:, j] = local[:, j]
            pos[:, j] = root_positions
        else:
            world[:, j] = quat.mul(world[:, parent], local[:, j])
            pos[:, j] = pos[:, parent] + quat.apply(world[:, parent], skeleton.offsets[j])
    return pos, world


def save_motion(motion: Motion, path: Path) -> None:
    """Save a motion as a NumPy archive (fps, joint names, parents, offsets, root positions, rotations)."""
    with open(path, "wb") as fh:
        np.savez_compressed(
            fh,
            fps=np.float64(motion.fps),
            names=np.array(motion.skeleton.names),
            parents=motion.skeleton.parents,
            offsets=motion.skeleton.offsets,
            root_positions=motion.root_positions,
            rotations=motion.rotations,
        )


def load_motion(path: Path) -> Motion:
    """Load a motion saved by `save_motion`."""
    try:
        with np.load(path, allow_pickle=False) as data:
            skeleton = Skeleton(
                names=tuple(str(n) for n in data["names"]), parents=data["parents"], offsets=data["offsets"]
            )
            return Motion(
                fps=float(data["fps"]),
                skeleton=skeleton,
                root_positions=data["root_positions"],
                rotations=data["rotations"],
            )
    except (OSError, KeyError, ValueError) as exc:
        raise InputError(f"{path}: not a motion saved by Red Shoes ({exc})") from None
