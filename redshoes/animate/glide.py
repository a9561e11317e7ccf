"""Gliding on pointe (bourrée couru, chaînés, soutenu en tournant): where the feet go along the floor while she
travels or turns on them. The legs reach these places by IK, so the feet glide with the body from the places
they rose at to the places they come down at, with no jump where the gliding begins or ends. A run of gliding
keys that neither travels nor turns (a sous-sus drawn together, an échappé opening) is left to the legs' own
motion between the keys.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from redshoes.animate.runs import true_runs

TURNING_DEG = 90.0  # a run of gliding keys that turns more than this (degrees) is glided round ...
TRAVELLING = 0.1  # ... and one that travels further than this, metres


@dataclass(frozen=True)
class Glides:
    """The feet of the gliding runs, frame by frame.

    `keys` (K,) bool: the keys of the runs glided so; `inside` (frames,) bool: within such a run; `place`
    (2, frames, 2) x, z m of each foot's ball (index 0 left, 1 right).
    """

    keys: np.ndarray
    inside: np.ndarray
    place: np.ndarray


def _rotate(xz: np.ndarray, deg: np.ndarray) -> np.ndarray:
    """x, z vectors (..., 2) turned by `deg` about the vertical (the facing convention: 0 faces +z, 90 faces +x)."""
    a = np.radians(deg)
    c, s = np.cos(a), np.sin(a)
    return np.stack([c * xz[..., 0] + s * xz[..., 1], -s * xz[..., 0] + c * xz[..., 1]], axis=-1)


def glides(
    glide: np.ndarray,
    planted: np.ndarray,
    yaw: np.ndarray,
    root: np.ndarray,
    ball: np.ndarray,
    seg: np.ndarray,
    w: np.ndarray,
) -> Glides:
    """The gliding feet among the keys (`glide` (K,), `planted` (K, 2), `yaw` (K,) deg, `root` (K, 2) and `ball`
    (K, 2, 2) x, z m) at frames in segment `seg` (frames,) at eased progress `w` (frames,) through it: each
    foot keeps its place in the body's frame, which travels and turns as the hips do."""
    frames = len(seg)
    handled = np.zeros(len(glide), dtype=bool)
    inside = np.zeros(frames, dtype=bool)
    place = np.zeros((2, frames, 2))
    both = glide & planted.all(axis=1)
    for a, b in true_runs(both[:-1] & both[1:]):  # gliding segments a..b-1: keys a..b
        if abs(yaw[b] - yaw[a]) <= TURNING_DEG and np.linalg.norm(root[b] - root[a]) < TRAVELLING:
            continue
        handled[a : b + 1] = True
        m = (seg >= a) & (seg < b)
        if not m.any():
            continue
        k, v = seg[m], w[m][:, None]
        local = _rotate(ball - root[:, None, :], -yaw[:, None])  # (K, 2, 2) each ball in the body's frame
        body_at = root[k] + (root[k + 1] - root[k]) * v
        yaw_at = yaw[k] + (yaw[k + 1] - yaw[k]) * v[:, 0]
        for foot in range(2):
            off = local[k, foot] + (local[k + 1, foot] - local[k, foot]) * v
            place[foot, m] = body_at + _rotate(off, yaw_at)
        inside |= m
    return Glides(keys=handled, inside=inside, place=place)
