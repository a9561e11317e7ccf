"""PNG strips of the dancer at chosen instants, seen from the front and the side, to look at poses."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from scipy.spatial.transform import Rotation  # noqa: E402

from redshoes.animate.motion import Motion  # noqa: E402
from redshoes.ballet.skeleton import END_SITES  # noqa: E402
from redshoes.errors import OutputError  # noqa: E402

_VIEWS = {"front": (0, 1, 1.0), "side": (2, 1, -1.0), "top": (0, 2, 1.0)}  # horizontal axis, vertical, flip


def _points(motion: Motion, frame: int) -> tuple[np.ndarray, list[tuple[int, int]], list[int], np.ndarray]:
    """Joint and end-site positions of one frame (P, 3), the bones as index pairs, the foot points, and the
    nose (2, 3): a short stroke from the head toward where the face looks, to tell front from back."""
    pos, rot = motion.global_transforms()
    pos, rot = pos[frame], rot[frame]
    names = motion.skeleton.names
    pts = [p for p in pos]
    bones = [
        (int(motion.skeleton.parents[j]), j) for j in range(len(names)) if motion.skeleton.parents[j] >= 0
    ]
    feet: list[int] = []
    for name, offset in END_SITES.items():
        j = names.index(name)
        pts.append(pos[j] + Rotation.from_quat(rot[j]).apply(offset))
        bones.append((j, len(pts) - 1))
        if "Toe" in name:
            feet += [names.index(name.replace("ToeBase", "Foot")), j, len(pts) - 1]
    head = names.index("Head")
    centre = pos[head] + Rotation.from_quat(rot[head]).apply([0.0, 0.08, 0.0])
    nose = np.stack([centre, centre + Rotation.from_quat(rot[head]).apply([0.0, 0.0, 0.09])])
    return np.array(pts), bones, feet, nose


def render_frames(
    motion: Motion,
    times: Sequence[float],
    path: Path,
    *,
    views: Sequence[str] = ("front", "side"),
    title: str = "",
) -> None:
    """Draw the body at each time (s) in each view (front, side, top) into one PNG: a row per view."""
    for v in views:
        if v not in _VIEWS:
            raise OutputError(f"unknown view {v!r}; use one of {sorted(_VIEWS)}")
    times = list(times) or [0.0]
    fig, axes = plt.subplots(
        len(views), len(times), figsize=(2.0 * len(times), 3.0 * len(views)), squeeze=False
    )
    for col, t in enumerate(times):
        frame = int(np.clip(round(t * motion.fps), 0, motion.frames - 1))
        pts, bones, feet, nose = _points(motion, frame)
        centre = motion.root_positions[frame]
        for row, view in enumerate(views):
            ax = axes[row][col]
            h, vert, flip = _VIEWS[view]
            x = flip * (pts[:, h] - centre[h])
            y = pts[:, vert] - (centre[vert] if view == "top" else 0.0)
            for a, b in bones:
                left = "Left" in motion.skeleton.names[min(a, len(motion.skeleton.names) - 1)]
                ax.plot(
                    [x[a], x[b]],
                    [y[a], y[b]],
                    color="#345" if left else "#79a",
                    lw=3.2,
                    solid_capstyle="round",
                )
            ax.plot(x[feet], y[feet], "o", color="#d01010", ms=3.5)
            nx = flip * (nose[:, h] - centre[h])
            ny = nose[:, vert] - (centre[vert] if view == "top" else 0.0)
            ax.plot(nx, ny, color="#c07000", lw=2.5, solid_capstyle="round")
            if view != "top":
                ax.axhline(0.0, color="#888", lw=1)
                ax.set_ylim(-0.05, max(2.35, float(y.max()) + 0.1))
            else:
                ax.set_ylim(-1.05, 1.05)
            ax.set_xlim(-1.05, 1.05)
            ax.set_aspect("equal")
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(f"{view} {t:.2f}s", fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    try:
        fig.savefig(path, dpi=90)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc}") from None
    finally:
        plt.close(fig)
