"""Benchmark of `compose`: phrase alignment, accents hit, variety, stage use, and time for a one-hour map.

Run: .venv/bin/python bench/compose.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from redshoes.compose import compose  # noqa: E402
from redshoes.compose.check import check  # noqa: E402
from redshoes.compose.choreography import Choreography  # noqa: E402
from redshoes.hear.music_map import MusicMap  # noqa: E402
from tests.compose.conftest import make_map  # noqa: E402

RUNS = 3


def phrase_alignment(choreo: Choreography, music: MusicMap) -> float:
    """Share of phrases whose first count starts a step (a combination begins on the phrase)."""
    starts = {round(s.start, 6) for s in choreo.steps}
    return float(np.mean([round(p.start, 6) in starts for p in music.phrases])) if music.phrases else 1.0


def accents_hit(choreo: Choreography, music: MusicMap, window: float = 0.05) -> float:
    """Share of music accents with a step's accent instant within `window` seconds."""
    if not music.accents:
        return 1.0
    marks = np.sort(np.asarray([s.accent for s in choreo.steps]))
    acc = np.asarray(music.accents)
    i = np.clip(np.searchsorted(marks, acc), 1, len(marks) - 1)
    d = np.minimum(np.abs(marks[i] - acc), np.abs(marks[i - 1] - acc))
    return float(np.mean(d <= window))


def variety(choreo: Choreography) -> tuple[float, int, str]:
    """Distinct steps per minute (mean over whole minutes) and the longest run of one step."""
    per_minute = []
    minute = 0.0
    while minute < choreo.duration:
        names = {s.name for s in choreo.steps if minute <= s.start < minute + 60.0}
        if names:
            per_minute.append(len(names))
        minute += 60.0
    longest, run, name = 1, 1, choreo.steps[0].name
    for a, b in zip(choreo.steps, choreo.steps[1:], strict=False):
        run = run + 1 if a.name == b.name else 1
        if run > longest:
            longest, name = run, b.name
    return float(np.mean(per_minute)), longest, name


def stage_covered(choreo: Choreography, cell: float = 0.5) -> float:
    """Share of the usable stage's 0.5 m cells the dancer's path passes through."""
    hx, hz = choreo.stage.width / 2 - 0.5, choreo.stage.depth / 2 - 0.5
    nx, nz = int(np.ceil(2 * hx / cell)), int(np.ceil(2 * hz / cell))
    seen = np.zeros((nx, nz), dtype=bool)
    for s in choreo.steps:
        for f in np.linspace(0.0, 1.0, 9):
            x = s.start_at.x + f * (s.end_at.x - s.start_at.x)
            z = s.start_at.z + f * (s.end_at.z - s.start_at.z)
            seen[min(nx - 1, int((x + hx) / cell)), min(nz - 1, int((z + hz) / cell))] = True
    return float(seen.mean())


def one_hour_map(*, repeats: bool = True) -> MusicMap:
    """A synthetic hour of 2/4 allegro: sections A B A′ C returning (or all new), energies varying."""
    bars = 3600 * 120 // 60 // 2  # 2/4 at 120 counted beats a minute
    labels = ["A", "B", "A′", "C"]
    sections, energies, b, k = [], [], 0, 0
    while b < bars:
        n = min(16, bars - b)
        label = labels[k % 4] if k < 4 else labels[k % 4] + "′" * (k // 4)
        sections.append((label if repeats else f"S{k}", n))
        energies.append([0.45, 0.8, 0.5, 0.65][k % 4])
        b += n
        k += 1
    return make_map("2/4", 120, bars, sections=sections, energy=energies, staccato=True)


def report(title: str, music: MusicMap, seconds: float, choreo: Choreography) -> None:
    per_min, longest, name = variety(choreo)
    print(f"{title}: {len(choreo.steps)} steps in {music.duration / 60:.1f} min, composed in {seconds:.3f} s")
    print(f"  combinations aligned to phrases: {100 * phrase_alignment(choreo, music):.1f} %")
    print(f"  accents hit by a step accent (50 ms): {100 * accents_hit(choreo, music):.1f} %")
    print(f"  distinct steps per minute: {per_min:.1f}; longest run of one step: {longest} ({name})")
    print(f"  stage area covered (0.5 m cells): {100 * stage_covered(choreo):.1f} %")
    print(f"  validator violations: {len(check(choreo, music))}")


def main() -> None:
    """Print the figures for the test maps and the one-hour map."""
    cases = {
        "waltz 3/4 at 170": make_map("3/4", 170, 64),
        "allegro 2/4 at 120": make_map("2/4", 120, 64, staccato=True),
        "adagio 4/4 at 60": make_map("4/4", 60, 32, phrase_bars=4),
        "6/8 at 100": make_map("6/8", 100, 64, energy=0.8),
    }
    for title, music in cases.items():
        t = time.perf_counter()
        choreo = compose(music)
        report(title, music, time.perf_counter() - t, choreo)
    for repeats in (True, False):
        music = one_hour_map(repeats=repeats)
        times = []
        for _ in range(RUNS):
            t = time.perf_counter()
            choreo = compose(music)
            times.append(time.perf_counter() - t)
        form = "sections A B A′ C returning" if repeats else "no section returns"
        title = f"one-hour synthetic map, {form} (best of {RUNS}; median {float(np.median(times)):.3f} s)"
        report(title, music, min(times), choreo)


if __name__ == "__main__":
    main()
