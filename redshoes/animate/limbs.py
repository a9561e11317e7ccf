"""Limb geometry of the ballerina: gestures to local rotations, foot contact with the floor, two-bone leg IK.

Glossary: R = scipy Rotation; q = quaternion (x, y, z, w); angles in degrees unless a name ends in `_rad`.
Everything is computed for the body's LEFT side; `mirror_quats` gives the right side (reflection x -> -x).
"""

from __future__ import annotations

import numpy as np
from scipy.spatial.transform import Rotation

from redshoes.ballet.skeleton import END_SITES, ballerina

_SK = ballerina()
THIGH = float(np.linalg.norm(_SK.offsets[_SK.index("LeftLeg")]))
SHIN = float(np.linalg.norm(_SK.offsets[_SK.index("LeftFoot")]))
HIP_OFFSET = _SK.offsets[_SK.index("LeftUpLeg")].copy()  # left hip from the Hips joint, metres
BALL = _SK.offsets[_SK.index("LeftToeBase")].copy()  # ball of the foot from the ankle, foot frame
HEEL = np.array([0.0, -0.08, -0.02])  # bottom of the heel from the ankle, foot frame
BALL_SOLE = np.array([0.0, -0.02, 0.0])  # sole under the ball, toe frame
TIP = np.array(END_SITES["LeftToeBase"]) + BALL_SOLE  # the box of the shoe / tip of the toes, toe frame
DEMI_TOES = 42.0  # foot pitch beyond which the toes stop staying flat on the floor


def rx(deg: np.ndarray | float) -> Rotation:
    """Rotation about +x (flexes a knee, points a foot, leans the body forward)."""
    a = np.radians(np.atleast_1d(np.asarray(deg, dtype=float)))
    return Rotation.from_rotvec(np.stack([a, 0 * a, 0 * a], axis=-1))


def ry(deg: np.ndarray | float) -> Rotation:
    """Rotation about +y (yaw: positive turns +z toward +x, the dancer's left)."""
    a = np.radians(np.atleast_1d(np.asarray(deg, dtype=float)))
    return Rotation.from_rotvec(np.stack([0 * a, a, 0 * a], axis=-1))


def rz(deg: np.ndarray | float) -> Rotation:
    """Rotation about +z."""
    a = np.radians(np.atleast_1d(np.asarray(deg, dtype=float)))
    return Rotation.from_rotvec(np.stack([0 * a, 0 * a, a], axis=-1))


def mirror_quats(q: np.ndarray) -> np.ndarray:
    """Reflect rotations through the x = 0 plane (left side ↔ right side), shape (..., 4)."""
    out = np.array(q, dtype=float, copy=True)
    out[..., 1] *= -1.0
    out[..., 2] *= -1.0
    return out


def swing(rest: np.ndarray, target: np.ndarray) -> Rotation:
    """The smallest rotation taking the unit vector `rest` (3,) to unit vectors `target` (N, 3)."""
    target = np.atleast_2d(target)
    axis = np.cross(np.broadcast_to(rest, target.shape), target)
    s = np.linalg.norm(axis, axis=-1, keepdims=True)
    c = np.clip(target @ rest, -1.0, 1.0)
    angle = np.arctan2(s[:, 0], c)
    unit = np.where(s > 1e-9, axis / np.maximum(s, 1e-12), np.array([1.0, 0.0, 0.0]))
    return Rotation.from_rotvec(unit * angle[:, None])


def toe_pitch(foot_pitch: np.ndarray | float) -> np.ndarray:
    """Toe joint angle that keeps the toes flat up to demi-pointe and in line with the foot on full pointe."""
    p = np.atleast_1d(np.asarray(foot_pitch, dtype=float))
    flat = -p
    rising = -DEMI_TOES * np.clip((73.0 - p) / (73.0 - DEMI_TOES), 0.0, 1.0)
    return np.where(p <= DEMI_TOES, flat, rising)


def leg_gesture(
    elevation: float, direction: float, knee: float, foot: float, turnout: float, cross: float
) -> np.ndarray:
    """Left-leg local quaternions (UpLeg, Leg, Foot, ToeBase), (4, 4), of a free leg gesture."""
    el, di = np.radians(elevation), np.radians(direction)
    d = np.array([np.sin(el) * np.sin(di), -np.cos(el), np.sin(el) * np.cos(di)])
    d[0] -= cross / (THIGH + SHIN)
    d /= np.linalg.norm(d)
    hip = swing(np.array([0.0, -1.0, 0.0]), d) * ry(turnout)
    toe = np.where(foot >= 60.0, 0.0, toe_pitch(foot))
    return np.concatenate([hip.as_quat(), rx(knee).as_quat(), rx(foot).as_quat(), rx(toe).as_quat()])


def arm_pose(elevation: float, forward: float, elbow: float, wrist: float, twist: float = 0.0) -> np.ndarray:
    """Left-arm local quaternions (Arm, ForeArm, Hand), (3, 4); the elbow rounds the arm forward and in."""
    el, fw = np.radians(elevation), np.radians(forward)
    d = np.array([np.cos(el) * np.cos(fw), np.sin(el), np.cos(el) * np.sin(fw)])
    arm = swing(np.array([1.0, 0.0, 0.0]), d) * rx(twist)
    return np.concatenate([arm.as_quat(), ry(-elbow).as_quat(), rz(-wrist).as_quat()])


def contact_lift(foot_world: Rotation, toe_local: Rotation) -> np.ndarray:
    """Height of the ankle above the floor when the lowest point of the foot touches it, (N,) metres."""
    heel = foot_world.apply(HEEL)
    toe_world = foot_world * toe_local
    ball = foot_world.apply(BALL)
    low = np.minimum(
        heel[:, 1],
        np.minimum(ball[:, 1] + toe_world.apply(BALL_SOLE)[:, 1], ball[:, 1] + toe_world.apply(TIP)[:, 1]),
    )
    return -low


def floor_foot(yaw: np.ndarray, turnout: float, pitch: np.ndarray) -> tuple[Rotation, Rotation]:
    """World rotation of a left foot on the floor (yaw, turned out, pitched up onto the toes) and its toe."""
    return ry(np.asarray(yaw) + turnout) * rx(pitch), rx(toe_pitch(pitch))


def two_bone_ik(
    hip: np.ndarray, ankle: np.ndarray, pole: np.ndarray
) -> tuple[Rotation, Rotation, np.ndarray]:
    """World rotations of thigh and shin reaching from `hip` to `ankle` (N, 3), the knee bent toward `pole`.

    The knee only ever bends forward (toward the pole), never backwards; an unreachable ankle is approached
    along the straight line. Returns (thigh, shin, ankle actually reached (N, 3)).
    """
    v = ankle - hip
    dist = np.linalg.norm(v, axis=-1)
    axis = v / np.maximum(dist, 1e-9)[:, None]
    d = np.clip(dist, abs(THIGH - SHIN) + 1e-4, THIGH + SHIN - 1e-5)
    along = (THIGH**2 - SHIN**2 + d**2) / (2 * d)
    radius = np.sqrt(np.maximum(THIGH**2 - along**2, 0.0))
    fwd = pole - np.sum(pole * axis, axis=-1, keepdims=True) * axis
    fwd /= np.maximum(np.linalg.norm(fwd, axis=-1, keepdims=True), 1e-9)
    knee = hip + axis * along[:, None] + fwd * radius[:, None]
    reached = hip + axis * d[:, None]

    def frame(a: np.ndarray, b: np.ndarray) -> Rotation:
        down = (b - a) / np.linalg.norm(b - a, axis=-1, keepdims=True)
        y = -down
        z = fwd - np.sum(fwd * down, axis=-1, keepdims=True) * down
        z /= np.maximum(np.linalg.norm(z, axis=-1, keepdims=True), 1e-9)
        x = np.cross(y, z)
        return Rotation.from_matrix(np.stack([x, y, z], axis=-1))

    return frame(hip, knee), frame(knee, reached), reached
