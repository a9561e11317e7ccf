"""Quaternion arithmetic on plain arrays (x, y, z, w; scalar last, as scipy), vectorised over any leading axes.

scipy's Rotation is the reference; these few operations are what the per-frame synthesis repeats on every
joint of every frame, where building Rotation objects would cost most of the time.
"""

from __future__ import annotations

import numpy as np


def mul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The rotation `b` then `a` (as scipy's `Rotation(a) * Rotation(b)`), (..., 4)."""
    ax, ay, az, aw = np.moveaxis(a, -1, 0)
    bx, by, bz, bw = np.moveaxis(b, -1, 0)
    return np.stack(
        [
            aw * bx + ax * bw + ay * bz - az * by,
            aw * by - ax * bz + ay * bw + az * bx,
            aw * bz + ax * by - ay * bx + az * bw,
            aw * bw - ax * bx - ay * by - az * bz,
        ],
        axis=-1,
    )


def inv(q: np.ndarray) -> np.ndarray:
    """The inverse of unit quaternions, (..., 4)."""
    return q * np.array([-1.0, -1.0, -1.0, 1.0])


def apply(q: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Rotate vectors `v` (..., 3) by unit quaternions `q` (..., 4)."""
    u, w = q[..., :3], q[..., 3:]
    t = 2.0 * _cross(u, v)
    return v + w * t + _cross(u, t)


def _cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a, b = np.broadcast_arrays(a, b)
    return np.stack(
        [
            a[..., 1] * b[..., 2] - a[..., 2] * b[..., 1],
            a[..., 2] * b[..., 0] - a[..., 0] * b[..., 2],
            a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0],
        ],
        axis=-1,
    )


def from_rotvec(r: np.ndarray) -> np.ndarray:
    """Unit quaternions from rotation vectors (..., 3) radians."""
    angle = np.linalg.norm(r, axis=-1, keepdims=True)
    half = 0.5 * angle
    small = angle < 1e-6
    scale = np.where(small, 0.5 - angle**2 / 48.0, np.sin(half) / np.where(small, 1.0, angle))
    return np.concatenate([r * scale, np.cos(half)], axis=-1)


def to_rotvec(q: np.ndarray) -> np.ndarray:
    """Rotation vectors (..., 3) radians, angle in [0, π], of unit quaternions (..., 4)."""
    q = np.where(q[..., 3:] < 0, -q, q)
    s = np.linalg.norm(q[..., :3], axis=-1, keepdims=True)
    angle = 2.0 * np.arctan2(s, q[..., 3:])
    small = s < 1e-6
    scale = np.where(small, 2.0 + angle**2 / 12.0, angle / np.where(small, 1.0, s))
    return q[..., :3] * scale
