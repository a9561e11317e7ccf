"""The step sheet: the ballet written the way a teacher writes a combination — bar, counts, French name, gloss."""

from __future__ import annotations

from pathlib import Path

from redshoes.ballet.vocabulary import load_vocabulary
from redshoes.compose.choreography import Choreography, Step
from redshoes.hear.music_map import MusicMap
from redshoes.serial import write_text_atomic


def _clock(seconds: float) -> str:
    minutes, secs = divmod(seconds, 60.0)
    return f"{int(minutes)}:{secs:05.2f}"


def counts_label(step: Step, music: MusicMap) -> str:
    """The counts a step takes, as a teacher says them: "1 2 3", or "2 | 1" when it crosses the bar line."""
    bars = {b.index: b for b in music.bars}
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


def _section_of(time: float, music: MusicMap) -> str:
    for s in music.sections:
        if s.start - 1e-6 <= time < s.end - 1e-6:
            return s.label
    return ""


def step_sheet_markdown(choreography: Choreography, music: MusicMap, *, title: str) -> str:
    """The step sheet as Markdown, one table per section of the music."""
    vocabulary = load_vocabulary()
    lines = [
        f"# {title}",
        "",
        f"Music: {music.source} · {music.meter} · {music.tempo:.0f} counts a minute · {_clock(music.duration)}",
        f"Choreography: level {choreography.level}, seed {choreography.seed}, "
        f"{len(choreography.steps)} steps on a {choreography.stage.width:g} m × {choreography.stage.depth:g} m stage.",
        "",
        "Directions of the body and stage points follow the Vaganova school. Feet: R = right, L = left works.",
    ]
    current = None
    for step in choreography.steps:
        section = _section_of(step.start, music)
        if section != current:
            current = section
            lines += ["", f"## Section {section}" if section else "## —", ""]
            lines += ["| bar | counts | step | gloss | foot | direction | time |", "|---:|---|---|---|---|---|---|"]
        gloss = vocabulary.get(step.name).gloss if step.name in vocabulary.names else ""
        lines.append(
            f"| {step.bar} | {counts_label(step, music)} | **{step.name}** | {gloss} | "
            f"{'R' if step.foot == 'right' else 'L'} | {step.direction} | {_clock(step.start)} |"
        )
    return "\n".join(lines) + "\n"


def write_step_sheet(choreography: Choreography, music: MusicMap, path: Path, *, title: str) -> None:
    """Write steps.md."""
    write_text_atomic(path, step_sheet_markdown(choreography, music, title=title))
