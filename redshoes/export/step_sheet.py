"""The step sheet: the ballet written the way a teacher writes a combination — bar, counts, French name, gloss,
foot, direction of the body — one table per phrase of the music, each with a small floor plan of its path.

The floor plan in steps.md is a character grid (monospace, in a code block): the stage seen from above with the
audience at the bottom, stage left on the right as the audience sees it, ○ where the phrase starts, ● where it
ends, and arrows along the way the dancer travels. steps.html (step_sheet_html.py) draws the same plan as SVG.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from redshoes.ballet.vocabulary import load_vocabulary
from redshoes.compose.choreography import Choreography, Stage, StagePoint, Step
from redshoes.hear.music_map import MusicMap
from redshoes.serial import write_text_atomic

PLAN_COLUMNS = 21  # half a metre a character on a 10 m stage
PLAN_ROWS = 9
_ARROWS = "→↘↓↙←↖↑↗"  # by heading on the plan, clockwise from "toward stage left"


def _clock(seconds: float) -> str:
    minutes, secs = divmod(seconds, 60.0)
    return f"{int(minutes)}:{secs:05.2f}"


def counts_label(step: Step, music: MusicMap) -> str:
    """The counts a step takes, as a teacher says them: "1 2 3", or "2 | 1" when it crosses the bar line."""
    bars = dict(enumerate(music.bars, start=1))  # a step's bar is the bar's ordinal, from 1
    labels: list[str] = []
    bar, count = step.bar, step.count
    for _ in range(step.counts):
        labels.append(str(count))
        per_bar = len(bars[bar].beats) + bars[bar].first_count - 1 if bar in bars else count
        count += 1
        if count > per_bar:
            bar, count = bar + 1, 1
            labels.append("|")
    if labels and labels[-1] == "|":
        labels.pop()
    return " ".join(labels)


@dataclass(frozen=True)
class PhraseGroup:
    """The steps that start within one phrase of the music (numbered from 1), with its section's label."""

    number: int
    section: str
    first_bar: int
    last_bar: int
    steps: tuple[Step, ...]


def _section_of(time: float, music: MusicMap) -> str:
    for s in music.sections:
        if s.start - 1e-6 <= time < s.end - 1e-6:
            return s.label
    return ""


def phrase_groups(choreography: Choreography, music: MusicMap) -> list[PhraseGroup]:
    """The steps grouped by the phrase they start in (steps before the first phrase join it, steps after the
    last join the last); without phrases, one group per section, or one group for the whole piece."""
    bounds = [p.start for p in sorted(music.phrases, key=lambda p: p.start)]
    if not bounds:
        bounds = [s.start for s in sorted(music.sections, key=lambda s: s.start)] or [0.0]
    buckets: list[list[Step]] = [[] for _ in bounds]
    for step in choreography.steps:
        index = max(i for i, b in enumerate([-math.inf, *bounds[1:]]) if step.start >= b - 1e-6)
        buckets[index].append(step)
    groups: list[PhraseGroup] = []
    for steps in buckets:
        if steps:
            groups.append(PhraseGroup(
                number=len(groups) + 1, section=_section_of(steps[0].start, music),
                first_bar=min(s.bar for s in steps), last_bar=max(s.bar for s in steps), steps=tuple(steps),
            ))
    return groups


def phrase_path(steps: tuple[Step, ...]) -> list[StagePoint]:
    """The points the dancer passes through in a phrase, in order, with repeats (standing still) removed."""
    points: list[StagePoint] = []
    for step in steps:
        for p in (step.start_at, step.end_at):
            if not points or math.hypot(p.x - points[-1].x, p.z - points[-1].z) > 0.02:
                points.append(p)
    return points


def _cell(p: StagePoint, stage: Stage) -> tuple[int, int]:
    col = round((p.x / stage.width + 0.5) * (PLAN_COLUMNS - 1))
    row = round((p.z / stage.depth + 0.5) * (PLAN_ROWS - 1))
    return min(max(row, 0), PLAN_ROWS - 1), min(max(col, 0), PLAN_COLUMNS - 1)


def floor_plan_text(steps: tuple[Step, ...], stage: Stage) -> str:
    """A character floor plan of the path (audience at the bottom): ○ start, ● end, arrows the way she goes."""
    grid = [[" "] * PLAN_COLUMNS for _ in range(PLAN_ROWS)]
    points = phrase_path(steps)
    for a, b in zip(points, points[1:], strict=False):
        dx, dz = b.x - a.x, b.z - a.z
        heading = round(math.degrees(math.atan2(dz * PLAN_COLUMNS / stage.width,
                                                dx * PLAN_COLUMNS / stage.width)) / 45.0) % 8
        samples = max(2, int(math.hypot(dx, dz) / 0.1))
        for k in range(samples):
            f = k / samples
            row, col = _cell(StagePoint(a.x + f * dx, a.z + f * dz), stage)
            grid[row][col] = _ARROWS[heading]
    if points:
        end_row, end_col = _cell(points[-1], stage)
        grid[end_row][end_col] = "●"
        start_row, start_col = _cell(points[0], stage)
        grid[start_row][start_col] = "○"
    lines = ["┌" + "─" * PLAN_COLUMNS + "┐  upstage"]
    lines += ["│" + "".join(row) + "│" for row in grid]
    lines += ["└" + "─" * PLAN_COLUMNS + "┘", " " * ((PLAN_COLUMNS - 6) // 2) + "audience"]
    return "\n".join(lines)


def step_gloss(name: str) -> str:
    """The English gloss of a step of the vocabulary ("" for a name it does not know)."""
    vocabulary = load_vocabulary()
    return vocabulary.get(name).gloss if name in vocabulary.names else ""


def step_sheet_markdown(choreography: Choreography, music: MusicMap, *, title: str) -> str:
    """The step sheet as Markdown: per section, one table and one floor plan per phrase."""
    lines = [
        f"# {title}",
        "",
        f"Music: {music.source} · {music.meter} · {music.tempo:.0f} counts a minute · {_clock(music.duration)}",
        f"Choreography: level {choreography.level}, seed {choreography.seed}, "
        f"{len(choreography.steps)} steps on a {choreography.stage.width:g} m × {choreography.stage.depth:g} m stage.",
        "",
        "Directions of the body and stage points follow the Vaganova school. Feet: R = right, L = left works.",
        "Floor plans: the stage from above, audience at the bottom, stage left on the right (as the audience sees",
        "it); ○ where the phrase starts, ● where it ends, arrows the way she travels. steps.html has them drawn.",
    ]
    current = None
    for group in phrase_groups(choreography, music):
        if group.section != current:
            current = group.section
            lines += ["", f"## Section {current}" if current else "## —"]
        bars = f"bar {group.first_bar}" if group.first_bar == group.last_bar else \
            f"bars {group.first_bar}–{group.last_bar}"
        lines += ["", f"### Phrase {group.number} · {bars}", "", "```text",
                  floor_plan_text(group.steps, choreography.stage), "```", ""]
        lines += ["| bar | counts | step | gloss | foot | direction | time |", "|---:|---|---|---|---|---|---|"]
        for step in group.steps:
            counts = counts_label(step, music).replace("|", "\\|")  # a bar line inside a table cell
            lines.append(
                f"| {step.bar} | {counts} | **{step.name}** | {step_gloss(step.name)} | "
                f"{'R' if step.foot == 'right' else 'L'} | {step.direction} | {_clock(step.start)} |"
            )
    return "\n".join(lines) + "\n"


def write_step_sheet(choreography: Choreography, music: MusicMap, path: Path, *, title: str) -> None:
    """Write steps.md."""
    write_text_atomic(path, step_sheet_markdown(choreography, music, title=title))
