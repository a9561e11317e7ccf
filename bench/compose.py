"""Benchmark of `compose`: phrase alignment, accents hit, variety, links, form, stage use, and composing time.

Run: .venv/bin/python bench/compose.py  (the material pieces are heard first when ../shared/material is there)
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from redshoes.compose import compose  # noqa: E402
from redshoes.compose.check import check  # noqa: E402
from redshoes.compose.choreography import Choreography  # noqa: E402
from redshoes.compose.measure import (  # noqa: E402
    accents_hit,
    distinct_per_minute,
    link_share,
    longest_run,
    phrase_alignment,
    stage_covered,
    structure_score,
)
from redshoes.hear.music_map import MusicMap  # noqa: E402
from tests.compose.conftest import make_map, material_pieces  # noqa: E402

RUNS = 5
HEADER = ("piece", "min", "steps", "aligned %", "accents %", "distinct/min", "longest run", "links %",
          "form", "stage %", "violations", "seconds")


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


def row(title: str, music: MusicMap, choreo: Choreography, seconds: float) -> tuple[str, ...]:
    """The figures of one ballet, as table cells."""
    run, name = longest_run(choreo)
    form = structure_score(choreo, music)
    return (title, f"{music.duration / 60:.1f}", str(len(choreo.steps)), f"{100 * phrase_alignment(choreo, music):.0f}",
            f"{100 * accents_hit(choreo, music):.0f}", f"{distinct_per_minute(choreo):.1f}", f"{run} {name}",
            f"{100 * link_share(choreo):.0f}", "n/a" if math.isnan(form) else f"{form:.2f}",
            f"{100 * stage_covered(choreo):.0f}", str(len(check(choreo, music))), f"{seconds:.2f}")


def table(rows: list[tuple[str, ...]]) -> str:
    """A Markdown table of the rows under the header."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "|".join("---" for _ in HEADER) + "|"]
    lines.extend("| " + " | ".join(r) + " |" for r in rows)
    return "\n".join(lines)


def pieces() -> list[tuple[str, MusicMap]]:
    """The built-in piece, hand-made maps and every material piece (heard now)."""
    from redshoes.hear import hear_file
    from redshoes.music.builtin import builtin_music

    out = [("built-in", builtin_music()[0]),
           ("map waltz 3/4 at 170", make_map("3/4", 170, 64)),
           ("map allegro 2/4 at 120", make_map("2/4", 120, 64, staccato=True)),
           ("map adagio 4/4 at 60", make_map("4/4", 60, 32, phrase_bars=4))]
    out.extend((f.stem, hear_file(f)[0]) for f in material_pieces())
    return out


def main() -> None:
    """Print the table for every piece, then the time to compose a one-hour map."""
    rows = []
    for title, music in pieces():
        t = time.perf_counter()
        choreo = compose(music)
        rows.append(row(title, music, choreo, time.perf_counter() - t))
    for repeats in (True, False):
        music = one_hour_map(repeats=repeats)
        times = []
        for _ in range(RUNS):
            t = time.perf_counter()
            choreo = compose(music)
            times.append(time.perf_counter() - t)
        form = "A B A′ C returning" if repeats else "no section returns"
        rows.append(row(f"one hour 2/4, {form} (best of {RUNS}, median {float(np.median(times)):.2f} s)", music,
                        choreo, min(times)))
    print(table(rows))


if __name__ == "__main__":
    main()
