"""The choreographer: a beam search per phrase; motifs echoed when the music returns."""

from __future__ import annotations

import math
import re
from dataclasses import replace

import numpy as np

from redshoes.ballet.vocabulary import LEVELS, StepDef, load_vocabulary
from redshoes.compose import grammar
from redshoes.compose.character import (
    Character,
    CountArrays,
    count_arrays,
    phrase_character,
    placement_scores,
    step_fit,
)
from redshoes.compose.choreography import Choreography, Stage, StagePoint, Step
from redshoes.compose.search import Entry, Placed, Task, replay, search_phrase
from redshoes.compose.stagecraft import body_direction, bounds
from redshoes.compose.timeline import Segment, Timeline, build_timeline
from redshoes.errors import InputError, OptionError, RedShoesError
from redshoes.hear.music_map import MusicMap

JITTER = 0.05
REPLAY_SIMILARITY = 0.8
MIN_STEPS_FOR_METER = 4
METER_PENALTY = 1.5
PRUNE = 4.0


def base_label(label: str) -> str:
    """The section's letter without its marks of variation: "A′" and "A''" → "A"."""
    return re.sub(r"[′″'\"’0-9\s]+$", "", label) or label


def similarity(a: Character, b: Character) -> float:
    """How alike two phrases sound, 0..1: energy, articulation and tempo."""
    d = 4.0 * abs(a.energy - b.energy) + 2.0 * abs(a.articulation - b.articulation)
    d += 3.0 * abs(math.log(max(a.tempo, 1e-3) / max(b.tempo, 1e-3)))
    return float(math.exp(-d)) if a.meter == b.meter else 0.0


def _goals(segments: tuple[Segment, ...], chars: list[Character], stage: Stage) -> list[tuple[float, float]]:
    """A point on the stage for each phrase: round the diagonals and across, downstage at the climax."""
    hx, hz = bounds(stage)
    pattern = [(-0.8 * hx, -0.8 * hz), (0.8 * hx, 0.8 * hz), (0.8 * hx, -0.8 * hz), (-0.8 * hx, 0.8 * hz),
               (0.8 * hx, 0.0), (-0.8 * hx, 0.0)]
    goals = [pattern[i % len(pattern)] for i in range(len(segments))]
    if chars:
        energies = np.asarray([c.energy for c in chars])
        top = int(np.argmax(energies))
        if energies[top] >= energies.mean() + 0.05:
            goals[top] = (0.0, hz)
        goals[-1] = (0.0, 0.5 * hz)
    return goals


def _merge_short_tail(segments: tuple[Segment, ...], closing_counts: int) -> tuple[Segment, ...]:
    if len(segments) >= 2 and segments[-1].length < closing_counts:
        a, b = segments[-2], segments[-1]
        return (*segments[:-2], Segment(first=a.first, length=a.length + b.length, section=a.section))
    return segments


def _candidates(vocab: tuple[StepDef, ...], meter: str, length: int, first: StepDef | None,
                last: StepDef | None, *, any_meter: bool = False) -> list[tuple[StepDef, int]]:
    """The (step, counts) that fit in the phrase; steps of other meters too when this meter has too few."""
    regular = [s for s in vocab if s.family != "pose" and meter in s.meters]
    if any_meter or len(regular) < MIN_STEPS_FOR_METER:
        regular = [s for s in vocab if s.family != "pose"]
    out: list[tuple[StepDef, int]] = []
    for s in regular:
        out.extend((s, c) for c in s.counts if c <= length)
    for special in (first, last):
        if special is not None:
            out.extend((special, c) for c in special.counts if c <= length and (special, c) not in out)
    return out


def _score(cands: list[tuple[StepDef, int]], ch: Character, seg: Segment, arrays: CountArrays,
           accents: np.ndarray, jitter: np.ndarray) -> np.ndarray:
    """Phrase scores of every candidate at every start count, shape (len(cands), seg.length)."""
    scores = np.zeros((len(cands), seg.length))
    for ci, (step, counts) in enumerate(cands):
        fit = step_fit(step, ch) + jitter[ci] - (0.0 if ch.meter in step.meters else METER_PENALTY)
        placed = placement_scores(step, counts, seg.first, seg.length, arrays, accents)
        scores[ci, : len(placed)] = fit + placed
    return scores


def _prune_candidates(cands: list[tuple[StepDef, int]], scores: np.ndarray, first: StepDef | None,
                      last: StepDef | None) -> tuple[list[tuple[StepDef, int]], np.ndarray]:
    """Drop steps that cannot compete in this phrase (`PRUNE` points below the best); links and poses stay."""
    if not cands:
        return cands, scores
    best = float(scores.max())
    keep = [ci for ci, (step, _) in enumerate(cands)
            if step.family == "link" or step in (first, last) or float(scores[ci].max()) >= best - PRUNE]
    return [cands[ci] for ci in keep], scores[keep]


def _to_steps(placed: list[Placed], seg: Segment, timeline: Timeline) -> list[Step]:
    steps = []
    for p in placed:
        i = seg.first + p.offset
        times = tuple(timeline.counts[i + k].time for k in range(p.counts))
        start, end = times[0], timeline.end_of(i + p.counts - 1)
        steps.append(Step(
            name=p.step.name, start=start, end=end, bar=timeline.counts[i].bar,
            count=timeline.counts[i].number,
            counts=p.counts, count_times=times, foot=p.foot, start_at=StagePoint(p.x0, p.z0),
            end_at=StagePoint(p.x1, p.z1), facing=p.facing, end_facing=p.end_facing,
            direction=body_direction(p.step, p.facing, p.foot), accent=start + p.step.accent * (end - start),
        ))
    return steps


def _echoes(segments: tuple[Segment, ...], music: MusicMap) -> dict[int, int]:
    """For each phrase of a returning section, the phrase it echoes: the same place in the section's first
    occurrence (same letter, e.g. "A" for "A′"), when both have the same number of counts."""
    first_segment_of_section: dict[int, int] = {}
    for i, s in enumerate(segments):
        first_segment_of_section.setdefault(s.section, i)
    first_section_of_letter: dict[str, int] = {}
    for k, sec in enumerate(music.sections):
        first_section_of_letter.setdefault(base_label(sec.label), k)
    echo: dict[int, int] = {}
    for i, s in enumerate(segments):
        if s.section < 0:
            continue
        origin = first_section_of_letter[base_label(music.sections[s.section].label)]
        if origin == s.section or origin not in first_segment_of_section:
            continue
        j = first_segment_of_section[origin] + (i - first_segment_of_section[s.section])
        if 0 <= j < i and segments[j].length == s.length and segments[j].section == origin:
            echo[i] = j
    return echo


DEFAULT_STAGE = Stage()


def compose(
    music: MusicMap, *, seed: int = 0, level: str = "advanced", stage: Stage = DEFAULT_STAGE
) -> Choreography:
    """A ballet for the music: préparation, phrase-filling combinations found by beam search, révérence.

    Deterministic: the seed only breaks near-ties (a jitter of at most 0.05 on each step's phrase score).
    Raises InputError for a map without beats, OptionError for an unknown level or a stage under 2 m.
    """

    if level not in LEVELS:
        raise OptionError(f"unknown level {level!r}; use one of {', '.join(LEVELS)}")
    if not music.bars or not any(b.beats for b in music.bars):
        raise InputError("the music map has no bars with beats; run `hear` again on a piece with a beat")
    if stage.width < 2.0 or stage.depth < 2.0:
        raise OptionError("the stage is too small: give at least 2 m of width and depth")
    rng = np.random.default_rng(seed)
    vocabulary = load_vocabulary()
    vocab = tuple(s for s in vocabulary.steps if grammar.level_allows(s, level))
    opening = grammar.find_step(vocabulary, grammar.OPENING, "pose")
    closing = grammar.find_step(vocabulary, grammar.CLOSING, "pose")
    if opening is None or closing is None:
        raise RedShoesError("the vocabulary has no pose to open or close with; add one to steps.toml")
    timeline = build_timeline(music)
    segments = _merge_short_tail(timeline.segments, min(closing.counts))
    accent_array = np.sort(np.asarray(music.accents, dtype=float))
    chars = [phrase_character(music, timeline, s.first, s.length, accent_array) for s in segments]
    goals = _goals(segments, chars, stage)
    arrays = count_arrays(timeline)

    echo = _echoes(segments, music)

    pickup_steps: list[Step] = []
    pickup_note = ""
    entry = Entry(previous=opening, foot="right", x=0.0, z=-0.25 * stage.depth / 2, facing=0.0, run=0,
                  recent=())
    if timeline.pickups:
        t = timeline.pickups
        first_bar = timeline.counts[0]
        pickup_steps.append(Step(
            name=opening.name, start=t[0], end=first_bar.time, bar=max(1, first_bar.bar - 1),
            count=max(1, len([c for c in timeline.counts if c.bar == first_bar.bar]) - len(t) + 1),
            counts=len(t), count_times=t, foot="right", start_at=StagePoint(entry.x, entry.z),
            end_at=StagePoint(entry.x, entry.z), facing=0.0, end_facing=0.0, direction="en face",
            accent=first_bar.time))
        entry = Entry(opening, "right", entry.x, entry.z, 0.0, 1, (opening.name,))
        pickup_note = f"{opening.name} on the {len(t)} upbeat count(s) before bar {first_bar.bar}"

    composed: list[list[Placed]] = []
    entries: list[Entry] = []
    usage: dict[str, int] = {}
    total = 0
    notes: list[str] = [pickup_note] if pickup_note else []
    steps: list[Step] = list(pickup_steps)
    for i, seg in enumerate(segments):
        last = closing if i == len(segments) - 1 else None
        first = opening if i == 0 and not timeline.pickups else None
        cands = _candidates(vocab, chars[i].meter, seg.length, first, last)
        jitter = JITTER * rng.random(len(cands))
        cands, scores = _prune_candidates(cands, _score(cands, chars[i], seg, arrays, accent_array, jitter),
                                          first, last)
        motif = motif_foot = None
        weight = 0.0
        if i in echo:
            j = echo[i]
            motif = {p.offset: (p.step.name, p.counts, p.facing) for p in composed[j]}
            motif_foot = entries[j].foot
            weight = similarity(chars[i], chars[j])
        end_foot = None
        if i + 1 in echo and echo[i + 1] <= i:
            end_foot = grammar.other_foot(entries[echo[i + 1]].foot)
        task = Task(length=seg.length, candidates=tuple(cands), scores=scores.tolist(), goal=goals[i],
                    first=first, last=last, motif=motif, motif_weight=weight, motif_foot=motif_foot,
                    end_foot=end_foot)
        shares = {k: v / total for k, v in usage.items()} if total else {}
        placed = None
        if motif is not None and weight >= REPLAY_SIMILARITY:
            placed = replay(task, entry, stage)
        if placed is None:
            placed = search_phrase(task, entry, stage, shares)
        if placed is None:
            placed = search_phrase(task, entry, stage, shares, relaxed=True)
            if placed is not None:
                bar = timeline.counts[seg.first].bar
                notes.append(f"bar {bar}: no combination keeps every rule; rules relaxed")
        if placed is None and first is not None and last is not None:
            # music too short for both the préparation and the révérence: keep one of them
            for keep_first, keep_last in ((None, last), (first, None)):
                dropped = first if keep_first is None else last
                idx = [k for k, c in enumerate(task.candidates) if c[0] is not dropped]
                fewer = replace(task, candidates=tuple(task.candidates[k] for k in idx),
                                scores=[task.scores[k] for k in idx], first=keep_first, last=keep_last)
                placed = search_phrase(fewer, entry, stage, shares)
                if placed is not None:
                    break
        if placed is None:
            any_cands = _candidates(vocab, chars[i].meter, seg.length, None, None, any_meter=True)
            any_scores = _score(any_cands, chars[i], seg, arrays, accent_array, np.zeros(len(any_cands)))
            loose = replace(task, candidates=tuple(any_cands), scores=any_scores.tolist(), first=None,
                            last=None)
            placed = search_phrase(loose, entry, stage, shares, relaxed=True)
            if placed is not None:
                bar = timeline.counts[seg.first].bar
                notes.append(f"bar {bar}: no combination keeps every rule; rules relaxed, any step")
        if placed is None:
            raise RedShoesError(
                f"no steps fit the phrase at bar {timeline.counts[seg.first].bar} "
                f"({seg.length} counts of {chars[i].meter}); add steps for this meter to steps.toml")
        if motif is not None:
            label = music.sections[seg.section].label
            side = "mirrored" if motif_foot != entry.foot else "same side"
            kept = sum(1 for p in placed if motif.get(p.offset, ("", 0, 0.0))[:2] == (p.step.name, p.counts))
            here, there = timeline.counts[seg.first].bar, timeline.counts[segments[echo[i]].first].bar
            notes.append(f"{label} bar {here}: echoes bar {there} ({side}, {kept}/{len(placed)} steps kept)")
        entries.append(entry)
        composed.append(placed)
        for p in placed:
            usage[p.step.name] = usage.get(p.step.name, 0) + 1
            total += 1
        steps.extend(_to_steps(placed, seg, timeline))
        tail = placed[-1]
        run = entry.run
        prev = entry.previous
        for p in placed:
            run = run + 1 if p.step.name == prev.name else 1
            prev = p.step
        recent = (*entry.recent, *(p.step.name for p in placed))[-8:]
        entry = Entry(tail.step, grammar.foot_after(tail.step, tail.foot), tail.x1, tail.z1, tail.end_facing,
                      run, recent)
    return Choreography(music=music.source, duration=music.duration, seed=seed, level=level, stage=stage,
                        steps=tuple(steps), notes=tuple(notes))
