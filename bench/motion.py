"""Motion quality of Red Shoes next to real ballet motion capture, measured the same way in the same run.

    .venv/bin/python bench/motion.py [--quick]

Rows: Red Shoes on the built-in piece and on every piece of ../shared/material (ground truth and recordings),
then the CMU ballet takes. Columns: PFC (EDGE, ×10⁴, lower is better), beat alignment (FACT's and Bailando's,
σ = 3 frames at 60 fps; music beats are the map's counted beats), foot-skating ratio, worst floor penetration,
share of balanced frames with the centre of mass over the support, bone-length drift, mean jerk, and how many
times faster than real time the motion was made.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from redshoes.animate import animate  # noqa: E402
from redshoes.compose import compose  # noqa: E402
from redshoes.export import metrics  # noqa: E402
from redshoes.export.bvh import read_bvh  # noqa: E402

MATERIAL = REPO.parent / "shared" / "material"
# CMU's BVH units: the ASF length unit (0.45 in → 1/0.05644 units per metre); the three.js take is in centimetres.
MOCAP_UNITS = {"cmu_05_20_ballet_mb.bvh": 1.0 / 0.05644, "threejs_pirouette_cmu.bvh": 100.0}


def _row(name: str, positions: np.ndarray, fps: float, names: tuple[str, ...], parents: np.ndarray,
         body: metrics.Body, beats: np.ndarray | None, speed: float | None) -> dict[str, object]:
    return {
        "piece": name,
        "PFC": metrics.pfc(positions, fps, body),
        "BAS FACT": metrics.beat_alignment_fact(beats, positions, fps) if beats is not None else None,
        "BAS Bailando": metrics.beat_alignment_bailando(beats, positions, fps) if beats is not None else None,
        "skating %": 100 * metrics.foot_skating_ratio(positions, fps, body),
        "penetration mm": 1000 * metrics.worst_penetration(positions, body),
        "balanced %": 100 * metrics.balanced_share(positions, fps, names, body)
        if "Spine" in names and "LeftArm" in names else None,
        "bone drift mm": 1000 * metrics.bone_length_drift(positions, parents),
        "jerk m/s³": metrics.mean_jerk(positions, fps),
        "× real time": speed,
    }


def red_shoes_rows(quick: bool) -> list[dict[str, object]]:
    from redshoes.hear import hear_file
    from redshoes.music.builtin import builtin_music

    pieces: list[tuple[str, object]] = [("built-in piece", None)]
    if MATERIAL.is_dir():
        files = sorted((MATERIAL / "groundtruth").glob("*.flac")) + sorted((MATERIAL / "music").glob("*.ogg"))
        pieces += [(f.stem, f) for f in (files[:3] if quick else files)]
    rows = []
    for name, path in pieces:
        music = builtin_music()[0] if path is None else hear_file(Path(str(path)))[0]
        ballet = compose(music, seed=0)
        started = time.perf_counter()
        motion = animate(ballet, fps=60.0)
        seconds = time.perf_counter() - started
        positions = motion.positions()
        body = metrics.body_from_names(motion.skeleton.names, clearances=(0.08, 0.02))
        rows.append(_row(name, positions, motion.fps, motion.skeleton.names, motion.skeleton.parents, body,
                         np.asarray(music.beats), motion.duration / seconds))
    return rows


def mocap_rows() -> list[dict[str, object]]:
    rows = []
    for file, units in MOCAP_UNITS.items():
        path = MATERIAL / "mocap" / "cmu" / file
        if not path.is_file():
            continue
        clip = read_bvh(path, units_per_metre=units)
        start = 1 if file.startswith("cmu_05") else 0  # frame 0 of that take is an added T-pose
        motion = clip.to_motion()
        positions = motion.positions()[start:]
        body = metrics.body_from_names(motion.skeleton.names, positions)
        rows.append(_row(f"CMU {file}", positions, motion.fps, motion.skeleton.names, motion.skeleton.parents,
                         body, None, None))
    return rows


def _fmt(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="three pieces of the material only")
    args = parser.parse_args()
    rows = red_shoes_rows(args.quick) + mocap_rows()
    columns = list(rows[0].keys())
    widths = [max(len(c), *(len(_fmt(r[c])) for r in rows)) for c in columns]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    for r in rows:
        print("  ".join(_fmt(r[c]).ljust(w) for c, w in zip(columns, widths, strict=True)))
    ours = [r for r in rows if not str(r["piece"]).startswith("CMU")]
    print()
    print("targets: PFC ≤ 1.0, BAS ≥ 0.29, skating ≤ 1 %, penetration ≤ 5 mm, bone drift 0")
    for key in ("PFC", "BAS FACT", "BAS Bailando", "skating %", "penetration mm"):
        values = [float(str(r[key])) for r in ours if r[key] is not None]
        print(f"Red Shoes mean {key}: {np.mean(values):.3f}")


if __name__ == "__main__":
    main()
