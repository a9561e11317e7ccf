"""Motion quality of Red Shoes next to real ballet motion capture, measured the same way in the same run.

    .venv/bin/python bench/motion.py [--quick | --long]

Rows: Red Shoes on the built-in piece and on every piece of ../shared/material (ground truth and recordings),
then the CMU ballet takes. Columns: PFC (EDGE, ×10⁴, lower is better), beat alignment (FACT's and Bailando's,
σ = 3 frames at 60 fps; music beats are the map's counted beats), foot-skating ratio, worst floor penetration,
share of balanced frames with the centre of mass over the support, bone-length drift, mean jerk, the worst knee
angle (negative: bent backwards), the share of frames past a joint limit (knee hyperextended beyond 5° or folded
beyond 160°), the peak and 99th-percentile joint angular speed (°/s, root turn excluded), the knees' peak
speed, and how many times faster than real time the motion was made (target ≥ 200×; duration over the process's
CPU time of the animating thread, the best of three runs, so that other work on the machine — and the threads
that hearing the music leaves spinning for a while — does not count; "first run" includes resolving the piece's
key poses, cached after).
`--long`: 10-minute, 1-hour and 3-hour pieces animated and written as BVH through the streaming path, with their
speed and peak resident memory.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from redshoes.animate import animate  # noqa: E402
from redshoes.animate.motion import Motion  # noqa: E402
from redshoes.ballet.skeleton import ballerina  # noqa: E402
from redshoes.compose import compose  # noqa: E402
from redshoes.compose.choreography import Choreography, Step  # noqa: E402
from redshoes.export import metrics  # noqa: E402
from redshoes.export.bvh import read_bvh  # noqa: E402

SK_NAMES = ballerina().names
MATERIAL = REPO.parent / "shared" / "material"
# CMU's BVH units: the ASF length unit (0.45 in → 1/0.05644 units per metre); the three.js take is in centimetres.
TIMED_RUNS = 3  # the speed is the best of this many runs of the same piece
MOCAP_UNITS = {"cmu_05_20_ballet_mb.bvh": 1.0 / 0.05644, "threejs_pirouette_cmu.bvh": 100.0}


def _row(name: str, motion: Motion, positions: np.ndarray, body: metrics.Body, beats: np.ndarray | None,
         speed: float | None, cold: float | None = None) -> dict[str, object]:
    fps, names, parents = motion.fps, motion.skeleton.names, motion.skeleton.parents
    speeds = metrics.joint_speeds(motion.rotations[-len(positions):], fps)
    ours = tuple(names) == tuple(SK_NAMES)
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
        "jerk m/s³": metrics.mean_jerk(metrics.resample(positions, fps, 60.0), 60.0),
        "knee worst °": float(metrics.knee_flexion(motion.rotations, names).min()) if ours else None,
        "limit viol %": 100 * metrics.joint_limit_violations(motion.rotations, names) if ours else None,
        "peak °/s": float(speeds.max()) if speeds.size else None,
        "knee peak °/s": float(speeds[:, [names.index("LeftLeg") - 1, names.index("RightLeg") - 1]].max())
        if ours and speeds.size else None,
        "p99 °/s": float(np.percentile(speeds.max(axis=1), 99)) if speeds.size else None,
        "× real time": speed,
        "× first run": cold,
    }


def red_shoes_rows(quick: bool) -> list[dict[str, object]]:
    from redshoes.hear import hear_file
    from redshoes.music.builtin import builtin_music

    pieces: list[tuple[str, object]] = [("built-in piece", None)]
    if MATERIAL.is_dir():
        files = sorted((MATERIAL / "groundtruth").glob("*.flac")) + sorted((MATERIAL / "music").glob("*.ogg"))
        pieces += [(f.stem, f) for f in (files[:3] if quick else files)]
    rows: list[dict[str, object]] = []
    for name, path in pieces:
        music = builtin_music()[0] if path is None else hear_file(Path(str(path)))[0]
        ballet = compose(music, seed=0)
        # CPU time of this thread: the threads that hearing the music left spinning for a while are not animating
        started = time.thread_time()
        motion = animate(ballet, fps=60.0)
        cold = time.thread_time() - started  # the first time: the piece's key poses resolved on the way
        seconds = float("inf")
        for _ in range(TIMED_RUNS):  # the best of a few runs
            started = time.thread_time()
            motion = animate(ballet, fps=60.0)
            seconds = min(seconds, time.thread_time() - started)
        positions = motion.positions()
        body = metrics.body_from_names(motion.skeleton.names, clearances=(0.08, 0.02))
        rows.append(_row(name, motion, positions, body, np.asarray(music.beats), motion.duration / seconds,
                         motion.duration / cold))
    return rows


def mocap_rows() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for file, units in MOCAP_UNITS.items():
        path = MATERIAL / "mocap" / "cmu" / file
        if not path.is_file():
            continue
        clip = read_bvh(path, units_per_metre=units)
        start = 1 if file.startswith("cmu_05") else 0  # frame 0 of that take is an added T-pose
        motion = clip.to_motion()
        positions = motion.positions()[start:]
        body = metrics.body_from_names(motion.skeleton.names, positions)
        rows.append(_row(f"CMU {file}", motion, positions, body, None, None))
    return rows


def _fmt(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def long_choreography(seconds: float) -> Choreography:
    """A synthetic piece `seconds` long: the built-in piece's choreography repeated (each repeat starts where
    the first did, so the dancer crosses back at each seam)."""
    from redshoes.music.builtin import builtin_music

    base = compose(builtin_music()[0], seed=0)
    period = base.steps[-1].end
    steps: list[Step] = []
    k = 0
    while k * period < seconds:
        shift = k * period
        for s in base.steps:
            if s.start + shift >= seconds:
                break
            steps.append(replace(s, start=s.start + shift, end=s.end + shift, accent=s.accent + shift,
                                 count_times=tuple(c + shift for c in s.count_times)))
        k += 1
    return replace(base, duration=steps[-1].end, steps=tuple(steps))


def long_one(seconds: float) -> None:
    """Animate and write a `seconds`-long piece as a BVH stream; print JSON figures (one process per length,
    so the peak resident memory is this length's own)."""
    import json
    import resource
    import tempfile

    from redshoes.animate.stream import CHUNK_S, animate_stream, stream_frames, write_bvh_stream

    ballet = long_choreography(seconds)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started, cpu = time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "long.bvh"
        frames = write_bvh_stream(animate_stream(ballet, fps=60.0, chunk_seconds=CHUNK_S), path,
                                  frames=stream_frames(ballet, fps=60.0))
        size = path.stat().st_size
    seconds_taken, cpu = time.perf_counter() - started, time.process_time() - cpu
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": ballet.duration, "steps": len(ballet.steps), "frames": frames,
                      "bvh MB": size / 2**20, "wall s": seconds_taken, "cpu s": cpu,
                      "x real time": ballet.duration / cpu,
                      "peak RSS MB": rss, "RSS before MB": rss_before}))


def long_table() -> None:
    """Ten minutes, one hour, three hours: speed and peak memory of the streaming path."""
    import json
    import subprocess

    print("length   steps   frames     BVH MB   wall s    CPU s   × real time (CPU)   peak RSS MB (before animating)")
    for seconds in (600.0, 3600.0, 10800.0):
        out = subprocess.run([sys.executable, __file__, "--long-one", str(seconds)], check=True,
                             capture_output=True, text=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        print(f"{seconds / 60:5.0f} min {r['steps']:6d} {r['frames']:9d} {r['bvh MB']:9.1f} {r['wall s']:8.1f} "
              f"{r['cpu s']:8.1f} {r['x real time']:18.0f}   {r['peak RSS MB']:8.0f} ({r['RSS before MB']:.0f})"
              + ("" if r["x real time"] >= 200 else "   BELOW 200×"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="three pieces of the material only")
    parser.add_argument("--long", action="store_true", help="10 min, 1 h and 3 h pieces through the stream")
    parser.add_argument("--long-one", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.long_one:
        long_one(args.long_one)
        return
    if args.long:
        long_table()
        return
    rows = red_shoes_rows(args.quick) + mocap_rows()
    columns = list(rows[0].keys())
    widths = [max(len(c), *(len(_fmt(r[c])) for r in rows)) for c in columns]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    for r in rows:
        print("  ".join(_fmt(r[c]).ljust(w) for c, w in zip(columns, widths, strict=True)))
    ours = [r for r in rows if not str(r["piece"]).startswith("CMU")]
    print()
    print("targets: PFC ≤ 1.0, BAS ≥ 0.29, skating ≤ 1 %, penetration ≤ 5 mm, bone drift 0")
    for key in ("PFC", "BAS FACT", "BAS Bailando", "skating %", "penetration mm", "balanced %", "limit viol %",
                "peak °/s", "knee peak °/s"):
        values = [float(str(r[key])) for r in ours if r[key] is not None]
        print(f"Red Shoes mean {key}: {np.mean(values):.3f}")
    slowest = min(float(str(r["× real time"])) for r in ours)
    print(f"slowest speed: {slowest:.0f}× real time ({'ok' if slowest >= 200 else 'BELOW'} the 200× target)")


if __name__ == "__main__":
    main()
