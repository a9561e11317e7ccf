"""The choreographer: a beam search per phrase; motifs echoed when the music returns.

A ballet master's decisions, as the code makes them:
- every combination starts and ends on a phrase line; the préparation opens, the révérence is the last chord's pose;
- a returning section (A′) replays its first occurrence's phrases (mirrored when on the other foot; counts the motif
  cannot cover, such as the préparation's, are composed and joined to it); within a section the second phrase of a
  pair answers the first to the other side, unless it clearly changes character;
- the loudest phrase, when it stands out, is the climax: downstage, with the big jumps and whole turns;
- sustained notes are held (adagio steps, poses); a quick waltz mixes balancé, pas de valse, turns and poses (no
  family for more than 12 counts running); slow 3/4 (70-110) is an adagio waltz: broad balancés, adagio steps;
- steps kept by the user (`compose_around`) are never changed: the free counts around them are composed so as to
  join them (foot, position, place on the stage), reaching into the phrase before when too few counts are left.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

import numpy as np

from redshoes.ballet.vocabulary import LEVELS, StepDef, load_vocabulary
from redshoes.compose import grammar
from redshoes.compose.character import (
    Character,
    CountArrays,
    Moments,
    climax_phrase,
    count_arrays,
    musical_moments,
    phrase_character,
    placement_table,
    step_fit,
)
from redshoes.compose.choreography import Choreography, Stage, StagePoint, Step
from redshoes.compose.search import Entry, Exit, Placed, Task, replay, search_phrase
from redshoes.compose.stagecraft import body_direction, bounds, on_stage
from redshoes.compose.timeline import Segment, Timeline, build_timeline
from redshoes.errors import InputError, OptionError, RedShoesError
from redshoes.hear.music_map import MusicMap

JITTER = 0.05
REPLAY_SIMILARITY = 0.5
MIN_STEPS_FOR_METER = 4
METER_PENALTY = 1.5
PRUNE = 4.0
ANSWER_SIMILARITY = 0.35
TIME_TOLERANCE = 1e-3


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
    top = climax_phrase(chars)
    if top is not None:
        goals[top] = (0.0, hz)
    if goals:
        goals[-1] = (0.0, 0.5 * hz)
    return goals


def _merge_short_tail(segments: tuple[Segment, ...], closing_counts: int) -> tuple[Segment, ...]:
    if len(segments) >= 2 and segments[-1].length < closing_counts:
        a, b = segments[-2], segments[-1]
        return (*segments[:-2], Segment(first=a.first, length=a.length + b.length, section=a.section))
    return segments


def _candidates(vocab: tuple[StepDef, ...], meter: str, length: int, first: StepDef | None,
                last: StepDef | None, *, any_meter: bool = False) -> list[tuple[StepDef, int]]:
    """The (step, counts) that fit in the phrase; steps of other meters too when this meter has too few. The
    opening and closing poses only where asked (`first`, `last`); the other poses anywhere."""
    special = {step.name for step in (first, last) if step is not None} | {grammar.OPENING, grammar.CLOSING}
    regular = [s for s in vocab if s.name not in special and meter in s.meters]
    if any_meter or len([s for s in regular if s.family != "pose"]) < MIN_STEPS_FOR_METER:
        regular = [s for s in vocab if s.name not in special]
    out: list[tuple[StepDef, int]] = []
    for s in regular:
        out.extend((s, c) for c in s.counts if c <= length)
    for asked in (first, last):
        if asked is not None:
            out.extend((asked, c) for c in asked.counts if c <= length and (asked, c) not in out)
    return out


_FITS: dict[Character, dict[int, tuple[StepDef, float]]] = {}


def _fit(step: StepDef, ch: Character) -> float:
    """`step_fit`, remembered: the phrases of a long piece share a few characters (its sections return)."""
    by_step = _FITS.get(ch)
    if by_step is None:
        if len(_FITS) > 4096:
            _FITS.clear()
        by_step = _FITS[ch] = {}
    hit = by_step.get(id(step))
    if hit is not None and hit[0] is step:
        return hit[1]
    fit = step_fit(step, ch)
    by_step[id(step)] = (step, fit)
    return fit


def _score(cands: list[tuple[StepDef, int]], ch: Character, seg: Segment, arrays: CountArrays,
           accents: np.ndarray, jitter: np.ndarray, moments: Moments) -> np.ndarray:
    """Phrase scores of every candidate at every start count, shape (len(cands), seg.length)."""
    fits = np.asarray([_fit(step, ch) + jitter[ci] - (0.0 if ch.meter in step.meters else METER_PENALTY)
                       for ci, (step, _) in enumerate(cands)])
    table = placement_table(cands, seg.first, seg.length, arrays, accents, moments)
    valid = np.arange(seg.length)[None, :] <= seg.length - np.asarray([c for _, c in cands], dtype=np.int64)[:, None]
    return np.where(valid, fits[:, None] + table, 0.0) if cands else np.zeros((0, seg.length))


def _prune_candidates(cands: list[tuple[StepDef, int]], scores: np.ndarray, first: StepDef | None,
                      last: StepDef | None) -> tuple[list[tuple[StepDef, int]], np.ndarray]:
    """Drop steps that cannot compete in this phrase (`PRUNE` points below the best); links and poses stay."""
    if not cands:
        return cands, scores
    best = float(scores.max())
    row_best = scores.max(axis=1).tolist()
    keep = [ci for ci, (step, _) in enumerate(cands)
            if step.family == "link" or step is first or step is last or row_best[ci] >= best - PRUNE]
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


def _echoes(segments: tuple[Segment, ...], music: MusicMap, chars: list[Character]) -> dict[int, int]:
    """For each phrase that repeats an earlier one, the phrase it echoes.

    A phrase of a returning section (same letter, e.g. "A" for "A′") echoes the phrase at the same place in
    the section's first occurrence, whatever their lengths (the replay fills what the motif leaves). Within a
    section, the second phrase of each pair answers the first when it sounds the same (a combination is then
    danced to the other side, as in class).
    """
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
        if 0 <= j < i and segments[j].section == origin:
            echo[i] = j
    top = climax_phrase(chars)
    for i, s in enumerate(segments):
        if i in echo or i == 0 or s.section < 0 or segments[i - 1].section != s.section or i == top:
            continue
        pair_index = i - first_segment_of_section[s.section]
        if pair_index % 2 == 1 and (i - 1) not in echo:
            if similarity(chars[i], chars[i - 1]) >= ANSWER_SIMILARITY:
                echo[i] = i - 1
    return echo


DEFAULT_STAGE = Stage()


def compose(
    music: MusicMap, *, seed: int = 0, level: str = "advanced", stage: Stage = DEFAULT_STAGE
) -> Choreography:
    """A ballet for the music: préparation, phrase-filling combinations found by beam search, révérence.

    Deterministic: the seed only breaks near-ties (a jitter of at most 0.05 on each step's phrase score).
    Raises InputError for a map without beats, OptionError for an unknown level or a stage under 2 m.
    """
    return compose_around(music, (), seed=seed, level=level, stage=stage)


@dataclass(frozen=True)
class _Fixed:
    """A step kept as it is (locked by the user), at the timeline count it starts on (-1: the upbeat)."""

    first: int
    step: Step
    definition: StepDef


def _fixed_steps(kept: tuple[Step, ...], timeline: Timeline, stage: Stage) -> tuple[_Fixed | None, dict[int, _Fixed]]:
    """The kept steps by the count they start on; a kept step off the counts of this music is refused."""
    vocabulary = load_vocabulary()
    times = np.asarray([c.time for c in timeline.counts], dtype=float)
    pickup: _Fixed | None = None
    by_count: dict[int, _Fixed] = {}
    covered: set[int] = set()
    for s in kept:
        definition = vocabulary.get(s.name)
        if not (on_stage(s.start_at.x, s.start_at.z, stage, 1e-3) and on_stage(s.end_at.x, s.end_at.z, stage, 1e-3)):
            raise OptionError(f"the locked {s.name} at bar {s.bar} lies off this stage; unlock it or give a "
                              f"larger --stage")
        if len(times) and s.end <= times[0] + TIME_TOLERANCE and timeline.pickups:
            pickup = _Fixed(-1, s, definition)
            continue
        k = int(np.argmin(np.abs(times - s.start))) if len(times) else -1
        if k < 0 or abs(times[k] - s.start) > TIME_TOLERANCE or k + s.counts > len(times):
            raise OptionError(f"the locked {s.name} at bar {s.bar} count {s.count} does not start on a count of "
                              f"this music; unlock it or compose again from scratch")
        span = set(range(k, k + s.counts))
        if span & covered:
            raise OptionError(f"the locked {s.name} at bar {s.bar} overlaps another locked step; unlock one")
        covered |= span
        by_count[k] = _Fixed(k, s, definition)
    return pickup, by_count


def _placed_of(fixed: _Fixed, offset: int) -> Placed:
    s = fixed.step
    return Placed(fixed.definition, s.counts, offset, s.foot, s.facing, s.end_facing, s.start_at.x, s.start_at.z,
                  s.end_at.x, s.end_at.z)


def _advance(entry: Entry, placed: list[Placed]) -> Entry:
    """Where the dancer is after the placed steps."""
    if not placed:
        return entry
    run, prev = entry.run, entry.previous
    for p in placed:
        run = run + 1 if p.step.name == prev.name else 1
        prev = p.step
    tail = placed[-1]
    recent = (*entry.recent, *(p.step.name for p in placed))[-8:]
    return Entry(tail.step, grammar.foot_after(tail.step, tail.foot), tail.x1, tail.z1, tail.end_facing, run,
                 recent)


def _check_meets(before: Placed, foot: str, fixed: _Fixed) -> None:
    """Two kept steps in a row must meet: place, foot and position of the feet."""
    s = fixed.step
    far = max(abs(before.x1 - s.start_at.x), abs(before.z1 - s.start_at.z)) > TIME_TOLERANCE
    if far or foot != s.foot or not grammar.positions_join(before.step, fixed.definition):
        raise OptionError(f"the locked {s.name} at bar {s.bar} count {s.count} does not join the step before "
                          f"it ({before.step.name}): place, foot or position differ; unlock one of them")


def _exit_for(fixed: _Fixed | None) -> Exit | None:
    if fixed is None:
        return None
    s = fixed.step
    return Exit(fixed.definition, s.foot, s.start_at.x, s.start_at.z)


def compose_around(
    music: MusicMap, kept: tuple[Step, ...], *, seed: int = 0, level: str = "advanced",
    stage: Stage = DEFAULT_STAGE, notes: tuple[str, ...] = (),
) -> Choreography:
    """A ballet for the music that keeps the `kept` steps exactly and composes the rest around them.

    The steps before a kept one end where it starts, on the foot it works, in a position it starts from (a
    link travels there when needed). Raises OptionError when the kept steps leave counts nothing can fill.
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
    moments = musical_moments(music, timeline, segments, chars)
    pickup_fixed, fixed = _fixed_steps(kept, timeline, stage)
    covered = {k for f in fixed.values() for k in range(f.first, f.first + f.step.counts)}

    echo = _echoes(segments, music, chars)

    steps: list[Step] = []
    phrase_steps: list[list[Step]] = []
    tail_from: list[tuple[int, Entry] | None] = []  # each phrase's last free passage: offset, entry
    notes_out: list[str] = list(notes)
    entry = Entry(previous=opening, foot="right", x=0.0, z=-0.25 * stage.depth / 2, facing=0.0, run=0,
                  recent=())
    if timeline.pickups:
        t = timeline.pickups
        first_bar = timeline.counts[0]
        if pickup_fixed is not None:
            hold = pickup_fixed.step
            steps.append(hold)
            entry = Entry(pickup_fixed.definition, grammar.foot_after(pickup_fixed.definition, hold.foot),
                          hold.end_at.x, hold.end_at.z, hold.end_facing, 1, (hold.name,))
        else:
            steps.append(Step(
                name=opening.name, start=t[0], end=first_bar.time, bar=max(1, first_bar.bar - 1),
                count=max(1, len([c for c in timeline.counts if c.bar == first_bar.bar]) - len(t) + 1),
                counts=len(t), count_times=t, foot="right", start_at=StagePoint(entry.x, entry.z),
                end_at=StagePoint(entry.x, entry.z), facing=0.0, end_facing=0.0, direction="en face",
                accent=first_bar.time))
            entry = Entry(opening, "right", entry.x, entry.z, 0.0, 1, (opening.name,))
        notes_out.append(f"{steps[0].name} on the {len(t)} upbeat count(s) before bar {first_bar.bar}")

    composed: list[list[Placed]] = []
    entries: list[Entry] = []
    usage: dict[str, int] = {}
    total = 0
    for i, seg in enumerate(segments):
        last = closing if i == len(segments) - 1 else None
        first = opening if i == 0 and not timeline.pickups else None
        cands = _candidates(vocab, chars[i].meter, seg.length, first, last)
        jitter = JITTER * rng.random(len(cands))
        raw = _score(cands, chars[i], seg, arrays, accent_array, jitter, moments)
        cands, scores = _prune_candidates(cands, raw, first, last)
        motif = motif_foot = None
        weight = 0.0
        if i in echo:
            j = echo[i]
            motif = {p.offset: (p.step.name, p.counts, p.facing) for p in composed[j]
                     if p.step not in (opening, closing) and p.offset + p.counts <= seg.length}
            motif_foot = next((p.foot for p in composed[j] if p.step not in (opening, closing)), entries[j].foot)
            weight = similarity(chars[i], chars[j])
        end_foot = None
        if i + 1 in echo and echo[i + 1] < i:
            j = echo[i + 1]
            end_foot = grammar.other_foot(next((p.foot for p in composed[j] if p.step not in (opening, closing)),
                                               entries[j].foot))
        elif i + 1 in echo:
            end_foot = grammar.other_foot(entry.foot)  # the answer is danced to the other side
        seg_end = seg.first + seg.length
        here = [k for k in range(seg.first, seg_end) if k in covered]
        exit_step = _exit_for(fixed.get(seg_end))
        goal = goals[i]
        task = Task(length=seg.length, candidates=tuple(cands), scores=scores.tolist(), goal=goal,
                    first=first, last=last, motif=motif or None, motif_weight=weight, motif_foot=motif_foot,
                    end_foot=end_foot, exit=exit_step)
        shares = {k: v / total for k, v in usage.items()} if total else {}
        bar = timeline.counts[seg.first].bar
        if not here:
            placed = None
            held_here = float(moments.sustained[seg.first:seg_end].sum())
            held_there = float(moments.sustained[segments[echo[i]].first:segments[echo[i]].first
                                                 + segments[echo[i]].length].sum()) if i in echo else 0.0
            if abs(held_here - held_there) >= 1.0:
                # its sustained notes differ from the phrase it echoes: the search weighs a lighter motif
                task = replace(task, motif_weight=0.25 * weight)
            elif motif and weight >= REPLAY_SIMILARITY:
                placed = replay(task, entry, stage)
            if placed is None:
                placed = _fill(task, entry, stage, shares, notes_out, bar, vocab, chars[i], seg, arrays,
                               accent_array, moments, locked=exit_step is not None)
            if motif:
                label = music.sections[seg.section].label if seg.section >= 0 else ""
                side = "mirrored" if motif_foot != entry.foot else "same side"
                kept_n = sum(1 for p in placed
                             if motif.get(p.offset, ("", 0, 0.0))[:2] == (p.step.name, p.counts))
                there = timeline.counts[segments[echo[i]].first].bar
                what = "echoes" if segments[echo[i]].section != seg.section else "answers"
                notes_out.append(f"{label} bar {bar}: {what} bar {there} ({side}, {kept_n}/{len(placed)} "
                                 f"steps kept)".strip())
            out_steps = _to_steps(placed, seg, timeline)
        else:
            start_entry = entry
            tail_start: tuple[int, Entry] | None = None
            placed, out_steps = [], []
            o = 0
            while o < seg.length:
                k = seg.first + o
                if k in fixed:
                    f = fixed[k]
                    if o > 0 and placed and placed[-1].offset + placed[-1].counts == o:
                        _check_meets(placed[-1], entry.foot, f)
                    elif o == 0 and steps and k - 1 in covered:
                        _check_meets(composed[-1][-1], entry.foot, f)
                    p = _placed_of(f, o)
                    placed.append(p)
                    out_steps.append(f.step)
                    entry = _advance(entry, [p])
                    o += f.step.counts
                    continue
                if k in covered:  # inside a kept step that began in the phrase before
                    o += 1
                    continue
                g = o
                while g < seg.length and seg.first + g not in covered:
                    g += 1
                gap = Segment(first=seg.first + o, length=g - o, section=seg.section)
                nxt = fixed.get(seg.first + g) if g < seg.length else fixed.get(seg_end)
                ex = _exit_for(nxt)
                sub = Task(length=gap.length, candidates=tuple(cands),
                           scores=[row[o:g] for row in task.scores],
                           goal=(ex.x, ex.z) if ex is not None and ex.x is not None and ex.z is not None else goal,
                           first=first if k == 0 else None, last=last if g == seg.length else None, exit=ex)
                gap_bar = timeline.counts[gap.first].bar
                entry_before = entry
                try:
                    filled = _fill(sub, entry, stage, shares, notes_out, gap_bar, vocab, chars[i], gap, arrays,
                                   accent_array, moments, locked=True)
                except OptionError:
                    if o > 0 or i == 0 or tail_from[i - 1] is None or ex is None:
                        raise
                    # too few counts to join the kept step from where the phrase before ended: compose the end
                    # of that phrase again together with them, a step still starting on this phrase's first count
                    off, entry = tail_from[i - 1] or (0, entry)
                    undone = [q for q in composed[i - 1] if q.offset >= off]
                    composed[i - 1] = [q for q in composed[i - 1] if q.offset < off]
                    del phrase_steps[i - 1][len(phrase_steps[i - 1]) - len(undone):]
                    for q in undone:
                        usage[q.step.name] -= 1
                        total -= 1
                    prev_seg = segments[i - 1]
                    before = Segment(first=prev_seg.first + off, length=prev_seg.length - off,
                                     section=prev_seg.section)
                    opens = opening if i - 1 == 0 and off == 0 and not timeline.pickups else None
                    head, tail = _fill_across(before, gap, ex, entry, stage, vocab, chars[i - 1], arrays,
                                              accent_array, moments, timeline, notes_out, opens)
                    composed[i - 1].extend(replace(q, offset=q.offset + off) for q in head)
                    phrase_steps[i - 1].extend(_to_steps(head, before, timeline))
                    for q in head:
                        usage[q.step.name] = usage.get(q.step.name, 0) + 1
                        total += 1
                    entry = _advance(entry, head)
                    start_entry = entry
                    filled = tail
                if g == seg.length:
                    tail_start = (o, entry_before)
                out_steps.extend(_to_steps(filled, gap, timeline))
                placed.extend(Placed(p.step, p.counts, p.offset + o, p.foot, p.facing, p.end_facing, p.x0, p.z0,
                                     p.x1, p.z1) for p in filled)
                entry = _advance(entry, filled)
                o = g
            phrase_steps.append(out_steps)
            tail_from.append(tail_start)
            entries.append(start_entry)
            composed.append(placed)
            for p in placed:
                usage[p.step.name] = usage.get(p.step.name, 0) + 1
                total += 1
            continue
        entries.append(entry)
        composed.append(placed)
        for p in placed:
            usage[p.step.name] = usage.get(p.step.name, 0) + 1
            total += 1
        phrase_steps.append(out_steps)
        tail_from.append((0, entry))
        entry = _advance(entry, placed)
    steps.extend(s for part in phrase_steps for s in part)
    return Choreography(music=music.source, duration=music.duration, seed=seed, level=level, stage=stage,
                        steps=tuple(steps), notes=tuple(notes_out))


def _fill_across(before: Segment, gap: Segment, ex: Exit, entry: Entry, stage: Stage, vocab: tuple[StepDef, ...],
                 ch: Character, arrays: CountArrays, accents: np.ndarray, moments: Moments, timeline: Timeline,
                 notes: list[str], first: StepDef | None) -> tuple[list[Placed], list[Placed]]:
    """A phrase and the first counts of the next one (up to a kept step) composed as one passage; no step
    straddles the phrase line. Returns its part in the phrase and its part in the next (offsets from the part's
    own start)."""
    merged = Segment(first=before.first, length=before.length + gap.length, section=before.section)
    cands = _candidates(vocab, ch.meter, merged.length, first, None)
    scores = _score(cands, ch, merged, arrays, accents, np.zeros(len(cands)), moments)
    task = Task(length=merged.length, candidates=tuple(cands), scores=scores.tolist(),
                goal=(ex.x, ex.z) if ex.x is not None and ex.z is not None else (0.0, 0.0), first=first,
                exit=ex, breaks=(before.length,))
    bar = timeline.counts[gap.first].bar
    placed = _fill(task, entry, stage, {}, notes, bar, vocab, ch, merged, arrays, accents, moments, locked=True)
    head = [p for p in placed if p.offset < before.length]
    tail = [replace(p, offset=p.offset - before.length) for p in placed if p.offset >= before.length]
    return head, tail


def _fill(task: Task, entry: Entry, stage: Stage, shares: dict[str, float], notes: list[str], bar: int,
          vocab: tuple[StepDef, ...], ch: Character, seg: Segment, arrays: CountArrays, accents: np.ndarray,
          moments: Moments, *, locked: bool = False) -> list[Placed]:
    """The best combination for the task, relaxing the rules step by step when none keeps them all."""
    placed = search_phrase(task, entry, stage, shares)
    if placed is not None:
        return placed
    placed = search_phrase(task, entry, stage, shares, relaxed=True)
    if placed is not None:
        notes.append(f"bar {bar}: no combination keeps every rule; rules relaxed")
        return placed
    first, last = task.first, task.last
    if first is not None and last is not None:
        # music too short for both the préparation and the révérence: keep one of them
        for keep_first, keep_last in ((None, last), (first, None)):
            dropped = first if keep_first is None else last
            idx = [k for k, c in enumerate(task.candidates) if c[0] is not dropped]
            fewer = replace(task, candidates=tuple(task.candidates[k] for k in idx),
                            scores=[task.scores[k] for k in idx], first=keep_first, last=keep_last)
            placed = search_phrase(fewer, entry, stage, shares)
            if placed is not None:
                return placed
    any_cands = _candidates(vocab, ch.meter, seg.length, None, None, any_meter=True)
    any_scores = _score(any_cands, ch, seg, arrays, accents, np.zeros(len(any_cands)), moments)
    loose = replace(task, candidates=tuple(any_cands), scores=any_scores.tolist(), first=None, last=None)
    placed = search_phrase(loose, entry, stage, shares, relaxed=True)
    if placed is not None:
        notes.append(f"bar {bar}: no combination keeps every rule; rules relaxed, any step")
        return placed
    if locked:
        raise OptionError(f"the locked steps leave {seg.length} count(s) at bar {bar} that no step can fill "
                          f"joining them (foot, position, place); unlock a step next to them")
    raise RedShoesError(f"no steps fit the phrase at bar {bar} ({seg.length} counts of {ch.meter}); add steps "
                        f"for this meter to steps.toml")
