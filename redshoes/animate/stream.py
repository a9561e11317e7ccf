"""Pieces of any length: the motion made and written a chunk at a time, in memory that does not grow with it.

Each chunk is made from the whole timeline with a margin of frames either side (every step of the synthesis
is local in time), so the chunks stitch into exactly the motion `animate` makes of the whole.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
from scipy.spatial.transform import Rotation

from redshoes.animate.keys import SK
from redshoes.animate.motion import Motion
from redshoes.animate.synthesis import MARGIN_S, build_track, counts_of, hemisphere, synthesise, track_of
from redshoes.animate.timeline import Flight, TimedKey, iter_timeline
from redshoes.compose.choreography import Choreography
from redshoes.errors import InputError, OutputError

KEY_MARGIN_S = 2.0  # seconds of keys kept beyond a chunk's own context (flights, the segments around it)
CHUNK_S = 60.0  # seconds a chunk: long enough that the context made twice (2 × MARGIN_S) costs under a tenth


def animate_stream(
    choreography: Choreography, *, fps: float = 60.0, chunk_seconds: float = CHUNK_S
) -> Iterator[Motion]:
    """The motion of `animate(choreography, fps=fps)` as consecutive chunks of `chunk_seconds` each, made
    from a window of the timeline that moves with them (memory bounded whatever the piece's length)."""
    if chunk_seconds <= 0:
        raise InputError(f"chunk_seconds must be positive, got {chunk_seconds}")
    if not choreography.steps:
        raise InputError("the choreography has no steps; compose one first (`redshoes compose`)")
    if fps <= 0:
        raise InputError(f"fps must be positive, got {fps}")
    frames = stream_frames(choreography, fps=fps)
    size = max(1, int(round(chunk_seconds * fps)))
    flights: list[Flight] = []
    source = iter_timeline(choreography, flights)
    keys: list[TimedKey] = []
    more = True
    previous: np.ndarray | None = None
    for start in range(0, frames, size):
        stop = min(frames, start + size)
        margin = KEY_MARGIN_S
        lo_t = start / fps - MARGIN_S - margin
        hi_t = stop / fps + MARGIN_S + margin
        while more and (not keys or keys[-1].time <= hi_t):
            key = next(source, None)
            if key is None:
                more = False
            else:
                keys.append(key)
        first = max(0, int(np.searchsorted([k.time for k in keys], lo_t, side="right")) - 1)
        del keys[:first]
        flights[:] = [f for f in flights if f.landing >= lo_t]
        if len(keys) == 1 and not more:  # a piece of a single key: as `build_track` makes it
            track = build_track(choreography, fps=fps)
        else:
            beats = counts_of(choreography, lo_t - margin, hi_t + margin)
            track = track_of(keys, flights, frames, float(fps), beats)
        root, quats, _ = synthesise(track, start, stop)
        quats = hemisphere(quats, previous)
        previous = quats[-1]
        yield Motion(fps=float(fps), skeleton=SK, root_positions=root, rotations=quats)


def stream_frames(choreography: Choreography, *, fps: float = 60.0) -> int:
    """How many frames `animate` makes of a choreography (the BVH header needs it before the first chunk)."""
    duration = max(choreography.duration, choreography.steps[-1].end) if choreography.steps else 0.0
    return max(2, int(round(duration * fps)))


def write_bvh_stream(chunks: Iterable[Motion], path: Path, *, frames: int) -> int:
    """Write consecutive motion chunks as one BVH file (as `redshoes.export.bvh.write_bvh` writes the whole),
    header first, then the frames chunk by chunk; `frames` is their total. Returns the frames written."""
    from redshoes.export.bvh import CM_PER_M, _hierarchy_lines, _joint_order

    written = 0
    try:
        with open(path, "w", encoding="ascii", newline="\n") as fh:
            header = False
            for motion in chunks:
                order = _joint_order(motion.skeleton)
                if not header:
                    lines = _hierarchy_lines(motion.skeleton)
                    lines += ["MOTION", f"Frames: {frames}", f"Frame Time: {1.0 / motion.fps:.8f}"]
                    fh.write("\n".join(lines) + "\n")
                    header = True
                fh.write(_bvh_rows(motion, order, CM_PER_M))
                written += motion.frames
    except OSError as exc:
        raise OutputError(f"cannot write BVH {path}: {exc.strerror}; check the output folder") from None
    if written != frames:
        raise OutputError(f"BVH {path}: {written} frames written where the header says {frames}")
    return written


def _bvh_rows(motion: Motion, order: list[int], cm_per_m: float) -> str:
    if motion.frames == 0:
        return ""
    columns = [motion.root_positions * cm_per_m]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # gimbal lock: the angles still compose to the rotation
        euler = Rotation.from_quat(motion.rotations[:, order].reshape(-1, 4)).as_euler("ZXY", degrees=True)
    columns.append(euler.reshape(motion.frames, -1))
    table = np.concatenate(columns, axis=1)
    table = np.where(np.abs(table) < 5e-7, 0.0, table)
    row = " ".join(["%.6f"] * table.shape[1]) + "\n"
    return "".join(row % tuple(r) for r in table.tolist())
