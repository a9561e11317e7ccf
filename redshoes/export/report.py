"""The figures each stage measured, for report.json: what a user checks to trust the result."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.spatial import ConvexHull, QhullError

from redshoes.animate.motion import Motion
from redshoes.compose.choreography import Choreography
from redshoes.hear.music_map import MusicMap

ACCENT_TOLERANCE = 0.05  # seconds


def hear_figures(music: MusicMap, *, seconds: float) -> dict[str, Any]:
    """Tempo, meter and structure found, and how fast."""
    return {
        "duration_s": music.duration,
        "tempo_bpm": music.tempo,
        "meter": music.meter,
        "beats": len(music.beats),
        "bars": len(music.bars),
        "phrases": len(music.phrases),
        "sections": "".join(s.label + " " for s in music.sections).strip(),
        "accents": len(music.accents),
        "seconds": seconds,
        "times_real_time": music.duration / seconds if seconds > 0 else None,
    }


def _longest_run(names: list[str]) -> int:
    best = run = 0
    previous = None
    for name in names:
        run = run + 1 if name == previous else 1
        best = max(best, run)
        previous = name
    return best


def compose_figures(choreography: Choreography, music: MusicMap, *, seconds: float) -> dict[str, Any]:
    """Musicality, variety and use of the stage of a choreography."""
    steps = choreography.steps
    names = [s.name for s in steps]
    starts = np.array([s.start for s in steps])
    aligned = sum(bool(np.any(np.abs(starts - p.start) < 1e-3)) for p in music.phrases)
    accent_times = np.array([s.accent for s in steps])
    hit = sum(bool(np.any(np.abs(accent_times - a) <= ACCENT_TOLERANCE)) for a in music.accents)
    points = np.array([[s.start_at.x, s.start_at.z] for s in steps] + [[s.end_at.x, s.end_at.z] for s in steps])
    try:
        area = float(ConvexHull(points).volume) if len(points) >= 3 else 0.0
    except QhullError:
        area = 0.0
    minutes = max(music.duration / 60.0, 1e-9)
    return {
        "steps": len(steps),
        "distinct_steps": len(set(names)),
        "distinct_steps_per_minute": len(set(names)) / minutes,
        "longest_run_of_one_step": _longest_run(names),
        "phrases_starting_a_step_pct": 100.0 * aligned / max(len(music.phrases), 1),
        "accents_hit_within_50ms_pct": 100.0 * hit / max(len(music.accents), 1),
        "stage_area_covered_m2": area,
        "seconds": seconds,
    }


def motion_figures(motion: Motion, *, seconds: float) -> dict[str, Any]:
    """Physical plausibility of the motion: floor, feet, bones."""
    positions = motion.positions()
    skeleton = motion.skeleton
    child = [j for j in range(len(skeleton)) if skeleton.parents[j] >= 0]
    lengths = np.linalg.norm(positions[:, child] - positions[:, skeleton.parents[child]], axis=-1)
    rest = np.linalg.norm(skeleton.offsets[child], axis=-1)
    feet = [skeleton.index(n) for n in ("LeftToeBase", "RightToeBase", "LeftFoot", "RightFoot")]
    return {
        "frames": motion.frames,
        "fps": motion.fps,
        "duration_s": motion.duration,
        "bone_length_drift_mm": float(np.max(np.abs(lengths - rest)) * 1000.0) if motion.frames else 0.0,
        "lowest_foot_joint_m": float(positions[:, feet, 1].min()) if motion.frames else 0.0,
        "seconds": seconds,
        "times_real_time": motion.duration / seconds if seconds > 0 else None,
    }
