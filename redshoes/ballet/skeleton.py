"""The dancer's body: a 1.65 m ballerina's skeleton with the common humanoid joint names.

Rest pose: standing, arms out to the sides (T-pose), facing the audience (+z), Y up,
soles on the floor (y = 0), x toward the dancer's left. Offsets are metres from the parent joint in the
rest pose.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# name, parent, offset from parent (metres, rest pose)
_JOINTS: tuple[tuple[str, str | None, tuple[float, float, float]], ...] = (
    ("Hips", None, (0.0, 0.95, 0.0)),
    ("Spine", "Hips", (0.0, 0.10, 0.0)),
    ("Spine1", "Spine", (0.0, 0.15, 0.0)),
    ("Neck", "Spine1", (0.0, 0.20, 0.0)),
    ("Head", "Neck", (0.0, 0.10, 0.0)),
    ("LeftShoulder", "Spine1", (0.03, 0.14, 0.0)),
    ("LeftArm", "LeftShoulder", (0.14, 0.0, 0.0)),
    ("LeftForeArm", "LeftArm", (0.27, 0.0, 0.0)),
    ("LeftHand", "LeftForeArm", (0.24, 0.0, 0.0)),
    ("RightShoulder", "Spine1", (-0.03, 0.14, 0.0)),
    ("RightArm", "RightShoulder", (-0.14, 0.0, 0.0)),
    ("RightForeArm", "RightArm", (-0.27, 0.0, 0.0)),
    ("RightHand", "RightForeArm", (-0.24, 0.0, 0.0)),
    ("LeftUpLeg", "Hips", (0.09, -0.06, 0.0)),
    ("LeftLeg", "LeftUpLeg", (0.0, -0.41, 0.0)),
    ("LeftFoot", "LeftLeg", (0.0, -0.40, 0.0)),
    ("LeftToeBase", "LeftFoot", (0.0, -0.06, 0.13)),
    ("RightUpLeg", "Hips", (-0.09, -0.06, 0.0)),
    ("RightLeg", "RightUpLeg", (0.0, -0.41, 0.0)),
    ("RightFoot", "RightLeg", (0.0, -0.40, 0.0)),
    ("RightToeBase", "RightFoot", (0.0, -0.06, 0.13)),
)

# End sites (for BVH and for the body's extremities): joint name → offset of the tip, metres.
END_SITES: dict[str, tuple[float, float, float]] = {
    "Head": (0.0, 0.15, 0.0),
    "LeftHand": (0.17, 0.0, 0.0),
    "RightHand": (-0.17, 0.0, 0.0),
    "LeftToeBase": (0.0, 0.0, 0.07),
    "RightToeBase": (0.0, 0.0, 0.07),
}


@dataclass(frozen=True, eq=False)
class Skeleton:
    """Joint names, parent indices (-1 for the root) and rest offsets, shape (joints, 3), metres."""

    names: tuple[str, ...]
    parents: np.ndarray
    offsets: np.ndarray

    def index(self, name: str) -> int:
        """The index of a joint by name."""
        return self.names.index(name)

    def __len__(self) -> int:
        return len(self.names)


def ballerina() -> Skeleton:
    """The Red Shoes dancer's skeleton (1.65 m tall to the top of the head)."""
    names = tuple(j[0] for j in _JOINTS)
    parents = np.array([-1 if p is None else names.index(p) for _, p, _ in _JOINTS], dtype=np.int64)
    offsets = np.array([o for _, _, o in _JOINTS], dtype=np.float64)
    return Skeleton(names=names, parents=parents, offsets=offsets)
