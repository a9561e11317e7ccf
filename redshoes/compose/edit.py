"""Editing a choreography: the user's steps are kept, the rest is composed again around them.

Every edit is a plain function from a choreography (and the music map it was composed to) to a new one. The
steps marked `locked` are never changed; the composer joins the free steps to them (the foot they work, the
position they start from, their place on the stage). Same inputs and seed → byte-identical output.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from redshoes.ballet.vocabulary import LEVELS, StepDef, load_vocabulary
from redshoes.compose import grammar
from redshoes.compose.check import check
from redshoes.compose.choreography import Choreography, Stage, StagePoint, Step
from redshoes.compose.composer import TIME_TOLERANCE, _merge_short_tail, compose_around
from redshoes.compose.stagecraft import FACINGS, body_direction, end_facing, on_stage, travel_end
from redshoes.compose.timeline import Segment, Timeline, build_timeline
from redshoes.errors import OptionError
from redshoes.hear.music_map import MusicMap


def recompose(previous: Choreography, music: MusicMap, *, seed: int | None = None, level: str | None = None,
              stage: Stage | None = None, keep: Collection[int] = ()) -> Choreography:
    """A new ballet for the music that keeps every locked step of `previous` exactly (and the steps whose
    indices are in `keep`); seed, level and stage default to those of `previous`.

    Raises OptionError when the kept steps do not fall on this music's counts or leave counts nothing can fill.
    """
    kept = tuple(s for k, s in enumerate(previous.steps) if s.locked or k in keep)
    return compose_around(music, kept, seed=previous.seed if seed is None else seed,
                          level=previous.level if level is None else level,
                          stage=previous.stage if stage is None else stage)


def lock_bars(choreography: Choreography, first_bar: int, last_bar: int, *, locked: bool = True) -> Choreography:
    """The choreography with every step that starts in bars `first_bar`..`last_bar` locked (or unlocked)."""
    if first_bar > last_bar:
        raise OptionError(f"bars {first_bar}-{last_bar}: the first bar comes after the last; give them in order")
    if not any(first_bar <= s.bar <= last_bar for s in choreography.steps):
        bars = f"{choreography.steps[0].bar}-{choreography.steps[-1].bar}" if choreography.steps else "none"
        raise OptionError(f"no step starts in bars {first_bar}-{last_bar}; the steps start in bars {bars}")
    steps = tuple(replace(s, locked=locked) if first_bar <= s.bar <= last_bar else s for s in choreography.steps)
    return replace(choreography, steps=steps)


def step_index(choreography: Choreography, where: int | tuple[int, int]) -> int:
    """The index of a step given by its index or by the (bar, count) it starts on."""
    steps = choreography.steps
    if isinstance(where, int):
        if not 0 <= where < len(steps):
            raise OptionError(f"there is no step {where}; the steps are numbered 0 to {len(steps) - 1}")
        return where
    bar, count = where
    for k, s in enumerate(steps):
        if (s.bar, s.count) == (bar, count):
            return k
    covering = [s for s in steps if s.bar == bar]
    hint = ", ".join(f"{s.name} on count {s.count}" for s in covering) or "none"
    raise OptionError(f"no step starts on bar {bar} count {count} (steps starting in bar {bar}: {hint})")


def _segments(music: MusicMap, timeline: Timeline) -> tuple[Segment, ...]:
    closing = grammar.find_step(load_vocabulary(), grammar.CLOSING, "pose")
    return _merge_short_tail(timeline.segments, min(closing.counts) if closing is not None else 4)


def _count_index(timeline: Timeline, time: float) -> int:
    for k, c in enumerate(timeline.counts):
        if abs(c.time - time) <= TIME_TOLERANCE:
            return k
    return -1


def _placed_step(definition: StepDef, old: Step, timeline: Timeline, k: int, counts: int,
                 stage: Stage) -> Step:
    """The new step on the old one's counts, foot and place, facing as the old one did when the stage allows."""
    times = tuple(timeline.counts[k + i].time for i in range(counts))
    start, end = times[0], timeline.end_of(k + counts - 1)
    x, z = old.start_at.x, old.start_at.z
    for facing in (old.facing, *FACINGS):
        x1, z1 = travel_end(definition, facing, old.foot, x, z)
        if on_stage(x1, z1, stage):
            return Step(name=definition.name, start=start, end=end, bar=timeline.counts[k].bar,
                        count=timeline.counts[k].number, counts=counts, count_times=times, foot=old.foot,
                        start_at=StagePoint(x, z), end_at=StagePoint(x1, z1), facing=facing,
                        end_facing=end_facing(definition, facing),
                        direction=body_direction(definition, facing, old.foot),
                        accent=start + definition.accent * (end - start), locked=True)
    raise OptionError(f"{definition.name} would take the dancer off the stage from bar {old.bar}; "
                      f"choose a step that travels less")


def replace_step(choreography: Choreography, music: MusicMap, where: int | tuple[int, int],
                 name: str) -> Choreography:
    """The choreography with the step at `where` (index, or (bar, count)) replaced by the step `name`, locked.

    The new step starts on the old one's first count and takes as many counts as the vocabulary allows there
    (the old number when it can, never past the phrase). The neighbours are composed again only when the new
    step does not join them: first the rest of its phrase, then the phrases either side, then all unlocked steps.
    Raises OptionError for an unknown step or one that does not fit the counts.
    """
    vocabulary = load_vocabulary()
    definition = vocabulary.get(name)
    index = step_index(choreography, where)
    old = choreography.steps[index]
    timeline = build_timeline(music)
    k = _count_index(timeline, old.start)
    if k < 0:
        raise OptionError(f"the {old.name} at bar {old.bar} is not on a count of this music (the upbeat "
                          f"préparation cannot be replaced); compose again for this music first")
    segments = _segments(music, timeline)
    phrase = next(i for i, s in enumerate(segments) if s.first <= k < s.first + s.length)
    room = segments[phrase].first + segments[phrase].length - k
    fits = [c for c in definition.counts if c <= room]
    if not fits:
        raise OptionError(f"{name} takes {' or '.join(map(str, definition.counts))} counts but only {room} "
                          f"count(s) remain in the phrase from bar {old.bar} count {old.count}; choose a shorter "
                          f"step or replace one that starts earlier")
    counts = old.counts if old.counts in fits else min(fits, key=lambda c: (abs(c - old.counts), c))
    new = _placed_step(definition, old, timeline, k, counts, choreography.stage)
    span = set(range(k, k + counts))

    swapped = _swap(choreography, index, new)
    if swapped is not None and not check(swapped, music):
        return swapped
    spans = [_span(timeline, s) for s in choreography.steps]
    for reach in (0, 1, None):
        if reach is None:
            free = set(range(len(choreography.steps)))
        else:
            lo = segments[max(0, phrase - reach)].first
            last = segments[min(len(segments) - 1, phrase + reach)]
            hi = last.first + last.length
            free = {j for j, sp in enumerate(spans) if sp and sp[0] < hi and sp[-1] >= lo}
        kept = [s for j, s in enumerate(choreography.steps)
                if (j not in free or s.locked) and not (set(spans[j]) & span) and j != index]
        kept.append(new)
        kept.sort(key=lambda s: s.start)
        try:
            result = compose_around(music, tuple(kept), seed=choreography.seed, level=choreography.level,
                                    stage=choreography.stage, notes=())
        except OptionError:
            continue
        if not check(result, music):
            return replace(result, notes=(*choreography.notes, f"bar {old.bar}: {old.name} replaced by {name}"))
    raise OptionError(f"{name} fits the counts at bar {old.bar} but no steps join it to the locked steps around "
                      f"it; unlock them or choose another step")


def _span(timeline: Timeline, step: Step) -> list[int]:
    k = _count_index(timeline, step.start)
    return list(range(k, k + step.counts)) if k >= 0 else []


def _swap(choreography: Choreography, index: int, new: Step) -> Choreography | None:
    """The choreography with one step swapped for another of the same counts, when it joins its neighbours."""
    old = choreography.steps[index]
    if new.counts != old.counts:
        return None
    steps = list(choreography.steps)
    if index + 1 < len(steps):
        nxt = steps[index + 1]
        if max(abs(nxt.start_at.x - new.end_at.x), abs(nxt.start_at.z - new.end_at.z)) > 1e-6:
            return None
    steps[index] = new
    return replace(choreography, steps=tuple(steps))


def regenerate_bars(choreography: Choreography, music: MusicMap, first_bar: int, last_bar: int, *,
                    seed: int | None = None, level: str | None = None) -> Choreography:
    """The choreography with bars `first_bar`..`last_bar` composed again (another seed, another level); every
    step outside them, and every locked step inside them, stays as it is.

    The choreography's level becomes the higher of its own and the passage's, so the validator accepts both.
    """
    if first_bar > last_bar:
        raise OptionError(f"bars {first_bar}-{last_bar}: the first bar comes after the last; give them in order")
    if level is not None and level not in LEVELS:
        raise OptionError(f"unknown level {level!r}; use one of {', '.join(LEVELS)}")
    timeline = build_timeline(music)
    bars = {c.bar for c in timeline.counts}
    if not bars or first_bar > max(bars) or last_bar < min(bars):
        raise OptionError(f"the music has bars {min(bars, default=0)}-{max(bars, default=0)}; bars "
                          f"{first_bar}-{last_bar} are outside it")
    passage_level = choreography.level if level is None else level
    passage_seed = choreography.seed if seed is None else seed

    def inside(s: Step) -> bool:
        k = _count_index(timeline, s.start)
        last = timeline.counts[k + s.counts - 1].bar if 0 <= k and k + s.counts <= len(timeline.counts) else s.bar
        return s.bar <= last_bar and last >= first_bar

    kept = tuple(s for s in choreography.steps if s.locked or not inside(s))
    result = compose_around(music, kept, seed=passage_seed, level=passage_level, stage=choreography.stage)
    overall = max(choreography.level, passage_level, key=LEVELS.index)
    note = f"bars {first_bar}-{last_bar}: composed again (seed {passage_seed}, level {passage_level})"
    return replace(result, seed=choreography.seed, level=overall, notes=(*choreography.notes, note))
