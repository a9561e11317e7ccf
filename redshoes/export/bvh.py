"""BVH export and import: the motion as every animation tool reads it.

Conventions of the written file: centimetres, Y up, the dancer faces +z, the Red Shoes joint names, End
Sites from `END_SITES`. The root has 6 channels ``Xposition Yposition Zposition Zrotation Xrotation
Yrotation``, every other joint 3 channels ``Zrotation Xrotation Yrotation``. As in every BVH reader, the
rotation channels compose in the order they are listed (intrinsic Z, then X, then Y: R = Rz · Rx · Ry),
degrees.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.spatial.transform import Rotation

from redshoes.animate.motion import Motion
from redshoes.ballet.skeleton import END_SITES, Skeleton
from redshoes.errors import InputError, OutputError
from redshoes.export.glb import root_in_place

CM_PER_M = 100.0
ROTATION_CHANNELS = ("Zrotation", "Xrotation", "Yrotation")
_EULER_ORDER = "ZXY"  # scipy upper case = intrinsic, matching the channel order above


def _children(parents: np.ndarray, joint: int) -> list[int]:
    return [int(c) for c in np.flatnonzero(parents == joint)]


def _hierarchy_lines(skeleton: Skeleton) -> list[str]:
    lines = ["HIERARCHY"]

    def emit(joint: int, depth: int) -> None:
        pad = "\t" * depth
        keyword = "ROOT" if skeleton.parents[joint] < 0 else "JOINT"
        offset = skeleton.offsets[joint] * CM_PER_M if skeleton.parents[joint] >= 0 else np.zeros(3)
        lines.append(f"{pad}{keyword} {skeleton.names[joint]}")
        lines.append(f"{pad}{{")
        lines.append(f"{pad}\tOFFSET {_fmt(offset)}")
        if skeleton.parents[joint] < 0:
            lines.append(f"{pad}\tCHANNELS 6 Xposition Yposition Zposition {' '.join(ROTATION_CHANNELS)}")
        else:
            lines.append(f"{pad}\tCHANNELS 3 {' '.join(ROTATION_CHANNELS)}")
        for child in _children(skeleton.parents, joint):
            emit(child, depth + 1)
        tip = END_SITES.get(skeleton.names[joint])
        if tip is not None:
            lines.append(f"{pad}\tEnd Site")
            lines.append(f"{pad}\t{{")
            lines.append(f"{pad}\t\tOFFSET {_fmt(np.asarray(tip) * CM_PER_M)}")
            lines.append(f"{pad}\t}}")
        lines.append(f"{pad}}}")

    for root in np.flatnonzero(skeleton.parents < 0):
        emit(int(root), 0)
    return lines


def _fmt(values: np.ndarray) -> str:
    return " ".join(f"{v + 0.0:.4f}" for v in np.round(np.asarray(values, dtype=np.float64), 4))


def _joint_order(skeleton: Skeleton) -> list[int]:
    """Joints in the depth-first order the HIERARCHY lists them (the order of the MOTION columns)."""
    order: list[int] = []

    def visit(joint: int) -> None:
        order.append(joint)
        for child in _children(skeleton.parents, joint):
            visit(child)

    for root in np.flatnonzero(skeleton.parents < 0):
        visit(int(root))
    return order


def write_bvh(motion: Motion, path: Path, *, in_place: bool = False) -> None:
    """Write a motion as BVH (cm, Y up, ZXY euler degrees) so DCC tools and mocap viewers can play it;
    `in_place` removes the horizontal travel of the Hips (root motion left for the game engine)."""
    if in_place:
        motion = root_in_place(motion)
    skeleton = motion.skeleton
    order = _joint_order(skeleton)
    frames = motion.frames
    columns = [motion.root_positions * CM_PER_M]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # gimbal lock: the angles still compose to the rotation
        for joint in order:
            columns.append(
                Rotation.from_quat(motion.rotations[:, joint]).as_euler(_EULER_ORDER, degrees=True)
            )
    table = np.concatenate(columns, axis=1) if frames else np.zeros((0, 3 + 3 * len(order)))
    table = np.where(np.abs(table) < 5e-7, 0.0, table)
    lines = _hierarchy_lines(skeleton)
    lines += ["MOTION", f"Frames: {frames}", f"Frame Time: {1.0 / motion.fps:.8f}"]
    lines += [" ".join(f"{v:.6f}" for v in row) for row in table]
    try:
        Path(path).write_text("\n".join(lines) + "\n", encoding="ascii", newline="\n")
    except OSError as exc:
        raise OutputError(f"cannot write BVH {path}: {exc.strerror}; check the output folder") from None


@dataclass(frozen=True, eq=False)
class BvhClip:
    """A BVH file read back: skeleton (offsets in metres), frame time (s), root positions (F, 3) metres and
    local rotations (F, J, 4) xyzw relative to the file's rest pose."""

    skeleton: Skeleton
    frame_time: float
    root_positions: np.ndarray
    rotations: np.ndarray

    def to_motion(self) -> Motion:
        """The clip as a Red Shoes motion (valid when its skeleton is the Red Shoes skeleton)."""
        return Motion(1.0 / self.frame_time, self.skeleton, self.root_positions, self.rotations)


def read_bvh(path: Path, *, units_per_metre: float = CM_PER_M) -> BvhClip:
    """Read any BVH (CRLF or LF, any rotation channel order) to test round trips and import mocap."""
    try:
        tokens = Path(path).read_text(encoding="utf-8", errors="replace").split()
    except OSError as exc:
        raise InputError(f"cannot read BVH {path}: {exc.strerror}") from None
    try:
        return _parse(tokens, units_per_metre)
    except (IndexError, ValueError) as exc:
        raise InputError(f"{path}: not a valid BVH file ({exc}); export it again from your tool") from None


def _parse(tokens: list[str], units_per_metre: float) -> BvhClip:
    names: list[str] = []
    parents: list[int] = []
    offsets: list[list[float]] = []
    channels: list[list[str]] = []
    stack: list[int] = []
    pos = tokens.index("HIERARCHY") + 1
    pending_end = False
    while tokens[pos] != "MOTION":
        tok = tokens[pos]
        if tok in ("ROOT", "JOINT"):
            names.append(tokens[pos + 1])
            parents.append(stack[-1] if stack else -1)
            offsets.append([0.0, 0.0, 0.0])
            channels.append([])
            pos += 2
        elif tok == "End":
            pending_end = True
            pos += 2
        elif tok == "{":
            stack.append(-2 if pending_end else len(names) - 1)
            pending_end = False
            pos += 1
        elif tok == "}":
            stack.pop()
            pos += 1
        elif tok == "OFFSET":
            values = [float(v) for v in tokens[pos + 1 : pos + 4]]
            if stack[-1] >= 0:
                offsets[stack[-1]] = values
            pos += 4
        elif tok == "CHANNELS":
            count = int(tokens[pos + 1])
            channels[stack[-1]] = tokens[pos + 2 : pos + 2 + count]
            pos += 2 + count
        else:
            raise ValueError(f"unexpected token {tok!r}")
    frames = int(tokens[pos + 2])
    frame_time = float(tokens[pos + 5])
    width = sum(len(c) for c in channels)
    data = np.array(tokens[pos + 6 : pos + 6 + frames * width], dtype=np.float64).reshape(frames, width)
    rotations = np.zeros((frames, len(names), 4))
    root_positions = np.zeros((frames, 3))
    column = 0
    for joint, chans in enumerate(channels):
        block = data[:, column : column + len(chans)]
        column += len(chans)
        translation = np.array(offsets[joint], dtype=np.float64) * np.ones((frames, 3))
        for axis, name in enumerate("XYZ"):
            if f"{name}position" in chans:
                translation[:, axis] = block[:, chans.index(f"{name}position")]
        rot_names = [c for c in chans if c.endswith("rotation")]
        if rot_names:
            order = "".join(c[0].upper() for c in rot_names)
            angles = block[:, [chans.index(c) for c in rot_names]]
            rotations[:, joint] = Rotation.from_euler(order, angles, degrees=True).as_quat()
        else:
            rotations[:, joint] = (0.0, 0.0, 0.0, 1.0)
        if parents[joint] < 0:
            root_positions = translation / units_per_metre
    skeleton = Skeleton(
        names=tuple(names),
        parents=np.array(parents, dtype=np.int64),
        offsets=np.array(offsets, dtype=np.float64) / units_per_metre,
    )
    return BvhClip(skeleton, frame_time, root_positions, rotations)
