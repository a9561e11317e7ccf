"""The validator: what a ballet master would circle in red in a choreography, as a list of violations."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from redshoes.ballet.vocabulary import StepDef, load_vocabulary
from redshoes.compose import grammar
from redshoes.compose.choreography import Choreography, Step
from redshoes.compose.stagecraft import on_stage
from redshoes.hear.music_map import MusicMap

TIME_TOLERANCE = 1e-3
PLACE_TOLERANCE = 1e-3


@dataclass(frozen=True)
class Violation:
    """One broken rule, at a bar and count, with a sentence a teacher would say."""

    bar: int
    count: int
    rule: str
    message: str


def _v(step: Step, rule: str, message: str) -> Violation:
    return Violation(bar=step.bar, count=step.count, rule=rule, message=f"{step.name}: {message}")


def _on_a_beat(t: float, beats: list[float]) -> bool:
    i = bisect.bisect_left(beats, t)
    return any(0 <= j < len(beats) and abs(beats[j] - t) <= TIME_TOLERANCE for j in (i - 1, i))


def _timing(choreo: Choreography, music: MusicMap) -> list[Violation]:
    out: list[Violation] = []
    beats = sorted({*music.beats, *(t for bar in music.bars for t in bar.beats)})
    first_downbeat = music.bars[0].start if music.bars else 0.0
    if beats and abs(choreo.steps[0].start - beats[0]) > TIME_TOLERANCE:
        out.append(_v(choreo.steps[0], "contiguous", f"starts at {choreo.steps[0].start:.3f} s, "
                      f"not on the first beat ({beats[0]:.3f} s)"))
    if abs(choreo.steps[-1].end - music.duration) > TIME_TOLERANCE:
        out.append(_v(choreo.steps[-1], "contiguous", f"ends at {choreo.steps[-1].end:.3f} s, "
                      f"not at the music's end ({music.duration:.3f} s)"))
    for k, s in enumerate(choreo.steps):
        off = [t for t in s.count_times if not _on_a_beat(t, beats)]
        if off:
            out.append(_v(s, "on-beat", f"count at {off[0]:.3f} s is not on a beat"))
        if s.end < music.duration - TIME_TOLERANCE:
            i = bisect.bisect_right(beats, s.count_times[-1] + TIME_TOLERANCE) if s.count_times else 0
            if i < len(beats) and abs(beats[i] - s.end) > TIME_TOLERANCE:
                out.append(_v(s, "on-beat", f"ends at {s.end:.3f} s, not at the beat after its last count"))
        # the opening hold before the first downbeat and the closing bow over a short last phrase may straddle
        exempt = (k == 0 and s.end <= first_downbeat + TIME_TOLERANCE) or k == len(choreo.steps) - 1
        for p in music.phrases:
            if s.start + TIME_TOLERANCE < p.start < s.end - TIME_TOLERANCE and not exempt:
                out.append(_v(s, "phrase", f"straddles the phrase starting at bar {p.first_bar}"))
    return out


def check(choreography: Choreography, music: MusicMap | None = None) -> list[Violation]:
    """Every rule the choreography breaks: timing, vocabulary, grammar, stage; empty when it is clean."""
    steps = choreography.steps
    if not steps:
        return [Violation(0, 0, "contiguous", "the choreography has no steps")]
    vocabulary = load_vocabulary()
    known = {s.name: s for s in vocabulary.steps}
    out: list[Violation] = []
    first_downbeat = music.bars[0].start if music is not None and music.bars else steps[0].start
    prev: Step | None = None
    prev_def: StepDef | None = None
    run = 0
    for k, s in enumerate(steps):
        d = known.get(s.name)
        if d is None:
            out.append(_v(s, "known-step", "is not in the vocabulary"))
        opening_hold = k == 0 and s.end <= first_downbeat + TIME_TOLERANCE
        if d is not None and s.counts not in d.counts and not opening_hold:
            out.append(_v(s, "counts", f"takes {s.counts} counts; the vocabulary allows {list(d.counts)}"))
        first_off = bool(s.count_times) and abs(s.count_times[0] - s.start) > TIME_TOLERANCE
        if len(s.count_times) != s.counts or first_off:
            out.append(_v(s, "on-beat", "its count times do not match its start and counts"))
        if s.end <= s.start:
            out.append(_v(s, "contiguous", "ends before it starts"))
        if s.start < -TIME_TOLERANCE or s.end > choreography.duration + TIME_TOLERANCE:
            out.append(_v(s, "inside", "lies outside the music"))
        if s.foot not in grammar.FEET:
            out.append(_v(s, "foot", f"working foot {s.foot!r} is neither right nor left"))
        for point in (s.start_at, s.end_at):
            if not on_stage(point.x, point.z, choreography.stage, PLACE_TOLERANCE):
                where = f"({point.x:.2f}, {point.z:.2f}) m"
                out.append(_v(s, "stage", f"takes the dancer off the stage (0.5 m margin) to {where}"))
                break
        if d is not None:
            if not grammar.level_allows(d, choreography.level):
                out.append(_v(s, "level", f"is a {d.level} step, above {choreography.level}"))
            if abs(s.accent - (s.start + d.accent * (s.end - s.start))) > TIME_TOLERANCE:
                out.append(_v(s, "accent", "its accent is not where the vocabulary puts it"))
        if prev is not None:
            if abs(s.start - prev.end) > TIME_TOLERANCE:
                out.append(_v(s, "contiguous", f"starts at {s.start:.3f} s but the step before ends at "
                              f"{prev.end:.3f} s"))
            jump = max(abs(s.start_at.x - prev.end_at.x), abs(s.start_at.z - prev.end_at.z))
            if jump > PLACE_TOLERANCE:
                out.append(_v(s, "path", "starts where the step before did not end"))
            if d is not None and prev_def is not None:
                if not grammar.positions_join(prev_def, d):
                    out.append(_v(s, "position", f"starts in {d.start_position} but {prev.name} ends in "
                                  f"{prev_def.end_position}"))
                if s.foot != grammar.foot_after(prev_def, prev.foot):
                    out.append(_v(s, "foot", f"works the {s.foot} foot; after {prev.name} it is the "
                                  f"{grammar.foot_after(prev_def, prev.foot)}"))
                if not grammar.prepares(prev_def, d):
                    out.append(_v(s, "preparation", f"needs a link before it, not {prev.name}"))
        run = run + 1 if prev is not None and prev.name == s.name else 1
        if d is not None and run == grammar.max_run(d) + 1:
            out.append(_v(s, "run", f"done more than {grammar.max_run(d)} times in a row"))
        prev, prev_def = s, d
    if music is not None:
        out.extend(_timing(choreography, music))
    return out


def format_violations(violations: list[Violation]) -> str:
    """The violations as a teacher's notes, one line per rule broken, in the order of the music (empty: none).

    Each line reads `bar 12 count 3  position  assemblé: starts in fourth but glissade ends in fifth`.
    """
    ordered = sorted(violations, key=lambda v: (v.bar, v.count))
    width = max((len(v.rule) for v in ordered), default=0)
    return "\n".join(f"bar {v.bar} count {v.count}  {v.rule:<{width}}  {v.message}" for v in ordered)
