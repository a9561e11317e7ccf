"""The character of a phrase of music and how well each step suits it, before any choice of steps.

Scoring (points, higher is better) of a step taking `counts` counts from a given count of a phrase:
  family   by character: waltz in 3/4 at 110+ → waltz steps (+3); slow, or moderate and legato → adagio;
           quick staccato → petit allegro (a count of 6/8 counts as 1.3 counts of 2/4); strong and broad →
           grand allegro; turns more with energy; links +0.2 (glue, not the dance); poses -1 (held)
  quality  legato steps lose 2 × (articulation - 0.45) when above, staccato steps 2 × (0.4 - articulation)
  tempo    0 inside the step's tempo range, minus 2 per factor 1.25 outside it
  accent   +1.2 when the step's accent instant falls within 50 ms of a music accent, +0.6 more for a jump
           (its peak or landing) or a turn (its finish) there; × (1 - 0.7 × accents a count in the phrase)
  bar      +0.6 for a step that fills a whole bar from count 1; -0.4 for one straddling a bar line mid-bar
           (× the bar's length / 1.2 s when longer: a slow bar is felt)
  moments  sustained note under the step: +1.5 × share for a held step (adagio, pose), -1 × share for a jump;
           climax (the loudest phrase): +1 for a big jump or a whole turn, +0.5 for a small jump, -0.3 a link;
           cadence (the step ending the phrase): +1.8 for a pose, +1 for a turn, an adagio step or a grand
           allegro finish, +0.6 for a jump landing on the count, -0.5 for a link
Slow 3/4 (70-110 counts a minute): a ballet master sets a slow waltz, not a quick one. Balancés are danced
broad (a legato step may be slowed to 0.7 × the slowest tempo it is marked for), adagio steps lead (articulation
counts half: the oom-pah-pah's accents are not staccato at that pace), pas de valse only in passing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from redshoes.ballet.vocabulary import StepDef
from redshoes.compose.timeline import Segment, Timeline, meter_of
from redshoes.hear.music_map import MusicMap

ACCENT_WINDOW = 0.05
SLOW_WALTZ = 110.0
LEGATO_STRETCH = 0.7
COMPOUND = ("6/8", "9/8", "12/8")
LINK = 0.2
POSE = -1.0  # a held pose stops the dance: for the phrase's end and sustained notes (see `moment_scores`)


@dataclass(frozen=True)
class Character:
    """What a phrase sounds like to a dancer: counted tempo (BPM), meter, energy 0..1, articulation 0..1."""

    tempo: float
    meter: str
    energy: float
    articulation: float


def phrase_character(music: MusicMap, timeline: Timeline, first: int, length: int,
                     accents: np.ndarray | None = None) -> Character:
    """Tempo from the counts, energy and its flux from the energy curve, accent density from the accents.

    `accents`: the music's accents sorted (seconds), to spare sorting them for every phrase.
    """
    if accents is None:
        accents = np.sort(np.asarray(music.accents, dtype=float))
    counts = timeline.counts[first : first + length]
    t0 = counts[0].time
    t1 = timeline.end_of(first + length - 1)
    times = [c.time for c in counts] + [t1]
    gaps = np.diff(np.asarray(times))
    gaps = gaps[gaps > 1e-3]
    tempo = float(60.0 / np.median(gaps)) if len(gaps) else music.tempo
    values = music.energy.values
    hop = music.energy.hop
    if values and hop > 0:
        i0 = max(0, int(t0 / hop))
        i1 = min(len(values), max(i0 + 1, int(math.ceil(t1 / hop))))
        seg = np.asarray(values[i0:i1], dtype=float)
        energy = float(seg.mean()) if len(seg) else 0.5
        flux = float(np.abs(np.diff(seg)).mean()) if len(seg) > 1 else 0.0
    else:
        energy, flux = 0.5, 0.0
    a0, a1 = np.searchsorted(accents, [t0 - 1e-6, t1 - 1e-6])
    density = float(a1 - a0) / max(1, length)
    articulation = float(np.clip(0.6 * min(1.0, density) + 0.4 * min(1.0, flux * 20.0), 0.0, 1.0))
    return Character(tempo=tempo, meter=meter_of(counts), energy=energy, articulation=articulation)


def _unit(value: float) -> float:
    return 0.0 if value < 0.0 else 1.0 if value > 1.0 else value


def family_score(family: str, ch: Character) -> float:
    """How well a family of steps suits the phrase's character."""
    pulse = ch.tempo * (1.3 if ch.meter in COMPOUND else 1.0)  # a count of 6/8 carries three quick notes
    slow = _unit((100.0 - ch.tempo) / 30.0)
    moderate = _unit((130.0 - ch.tempo) / 40.0)
    quick = _unit((pulse - 95.0) / 25.0)
    broad = _unit((ch.energy - 0.6) / 0.3)
    a = ch.articulation
    if family == "waltz":
        if ch.meter != "3/4":
            return 0.0
        return 3.0 if ch.tempo >= 110 else 1.5 if ch.tempo >= 70 else 0.0
    if ch.tempo < SLOW_WALTZ and ch.meter == "3/4":
        a *= 0.5
    if family == "adagio":
        return 3.0 * slow * (1.0 - 0.5 * a) + 1.5 * moderate * (1.0 - a)
    if family == "petit allegro":
        return 2.5 * quick * a + 0.5 * quick
    if family == "grand allegro":
        return 2.5 * broad * (1.0 - slow)
    if family == "turn":
        return 0.3 + 0.7 * broad
    if family == "link":
        return LINK
    return POSE


def quality_score(step: StepDef, ch: Character) -> float:
    """Legato steps suit legato music, staccato steps staccato music."""
    if step.quality == "legato":
        a = ch.articulation * (0.5 if ch.tempo < SLOW_WALTZ and ch.meter == "3/4" else 1.0)
        return -2.0 * max(0.0, a - 0.45)
    if step.quality == "staccato":
        return -2.0 * max(0.0, 0.4 - ch.articulation)
    return 0.0


def tempo_score(step: StepDef, tempo: float) -> float:
    """0 inside the step's tempo range (down to 0.7 × its slowest for a legato step), -2 per factor 1.25 outside,
    at most -6."""
    lo, hi = step.tempo
    if step.quality == "legato":
        lo *= LEGATO_STRETCH  # a legato step is held longer at a slower pace (a broad balancé at 84)
    if tempo < lo:
        return -min(6.0, 2.0 * math.log(lo / tempo) / math.log(1.25))
    if tempo > hi and step.family != "pose":  # a pose is held: at a quick tempo it is held for more counts
        return -min(6.0, 2.0 * math.log(tempo / hi) / math.log(1.25))
    return 0.0


def step_fit(step: StepDef, ch: Character) -> float:
    """The part of a step's score that depends only on the phrase: family, quality, tempo."""
    return family_score(step.family, ch) + quality_score(step, ch) + tempo_score(step, ch.tempo)


@dataclass(frozen=True)
class CountArrays:
    """The timeline's counts as arrays of shape (N,): start, end (s), bar id, number in bar, counts in bar."""

    start: np.ndarray
    end: np.ndarray
    bar: np.ndarray
    number: np.ndarray
    bar_counts: np.ndarray


def count_arrays(timeline: Timeline) -> CountArrays:
    """Arrays of the counts, for scoring every placement of a step at once."""
    cs = timeline.counts
    start = np.asarray([c.time for c in cs], dtype=float)
    end = np.append(start[1:], timeline.duration)
    bar = np.asarray([c.bar for c in cs], dtype=np.int64)
    _, inverse, sizes = np.unique(bar, return_inverse=True, return_counts=True)
    number = np.asarray([c.number for c in cs], dtype=np.int64)
    return CountArrays(start=start, end=end, bar=bar, number=number, bar_counts=sizes[inverse])


def placement_scores(step: StepDef, counts: int, first: int, length: int, arrays: CountArrays,
                     accents: np.ndarray) -> np.ndarray:
    """The part of a step's score that depends on where it falls, for every start count of a phrase.

    Returns shape (length - counts + 1,): +1.2 for the accent on a music accent (within 50 ms), +0.6 for a
    whole bar filled from count 1, -0.4 for straddling a bar line from mid-bar.
    """
    n = length - counts + 1
    if n <= 0:
        return np.zeros(0)
    heads = np.arange(first, first + n)
    tails = heads + counts - 1
    start = arrays.start[heads]
    instant = start + step.accent * (arrays.end[tails] - start)
    score = np.zeros(n)
    if len(accents):
        i = np.clip(np.searchsorted(accents, instant), 1, len(accents) - 1) if len(accents) > 1 else np.zeros(
            n, dtype=np.int64)
        near = np.abs(accents[i] - instant)
        if len(accents) > 1:
            near = np.minimum(near, np.abs(accents[i - 1] - instant))
        hit = 1.2 + (0.6 if step.jump > 0.0 or step.turn > 0.0 else 0.0)
        t0, t1 = arrays.start[first], arrays.end[first + length - 1]
        a0, a1 = np.searchsorted(accents, [t0 - 1e-6, t1 - 1e-6])
        density = min(1.0, float(a1 - a0) / max(1, length))
        hit *= 1.0 - 0.7 * density  # when every count is accented, an accent hit says little
        score += np.where(near <= ACCENT_WINDOW + 1e-9, hit, 0.0)
    on_one = arrays.number[heads] == 1
    score += np.where(on_one & (arrays.bar_counts[heads] == counts), 0.6, 0.0)
    if counts > 1:
        # a slow bar is felt: crossing its line costs more (0.4 up to a bar of 1.2 s, in proportion beyond)
        bar_seconds = (arrays.end[heads] - arrays.start[heads]) * arrays.bar_counts[heads]
        cost = 0.4 * np.maximum(1.0, bar_seconds / 1.2)
        score -= np.where(~on_one & (arrays.bar[tails] != arrays.bar[heads]), cost, 0.0)
    return score


@dataclass(frozen=True)
class Moments:
    """What each count of the timeline asks, arrays of shape (N,): the share of the count under a sustained
    note (0..1), whether it lies in the climax phrase, whether it is the last count of its phrase."""

    sustained: np.ndarray
    climax: np.ndarray
    phrase_end: np.ndarray


def musical_moments(music: MusicMap, timeline: Timeline, segments: Sequence[Segment],
                    chars: Sequence[Character]) -> Moments:
    """The sustained notes, the climax (loudest phrase, when it stands out) and the phrase ends, per count."""
    arrays = count_arrays(timeline)
    n = len(timeline.counts)
    sustained = np.zeros(n)
    for t0, t1 in music.sustained:
        overlap = np.minimum(arrays.end, t1) - np.maximum(arrays.start, t0)
        length = np.maximum(arrays.end - arrays.start, 1e-6)
        sustained = np.maximum(sustained, np.clip(overlap / length, 0.0, 1.0))
    climax = np.zeros(n, dtype=bool)
    phrase_end = np.zeros(n, dtype=bool)
    for seg in segments:
        phrase_end[seg.first + seg.length - 1] = True
    top = climax_phrase(chars)
    if top is not None:
        climax[segments[top].first : segments[top].first + segments[top].length] = True
    return Moments(sustained=sustained, climax=climax, phrase_end=phrase_end)


def climax_phrase(chars: Sequence[Character]) -> int | None:
    """The loudest phrase when it stands out (0.05 above the mean energy), else None."""
    if len(chars) < 2:
        return None
    energies = np.asarray([c.energy for c in chars])
    top = int(np.argmax(energies))
    return top if energies[top] >= energies.mean() + 0.05 else None


def _held(step: StepDef) -> bool:
    return step.family in ("adagio", "pose") and step.jump == 0.0


def moment_scores(step: StepDef, counts: int, first: int, length: int, arrays: CountArrays,
                  moments: Moments) -> np.ndarray:
    """Scores for sustained notes, the climax and the phrase's cadence, for every start count, shape
    (length - counts + 1,)."""
    n = length - counts + 1
    if n <= 0:
        return np.zeros(0)
    heads = np.arange(first, first + n)
    tails = heads + counts - 1
    score = np.zeros(n)
    if moments.sustained.any():
        csum = np.concatenate([[0.0], np.cumsum(moments.sustained)])
        share = (csum[tails + 1] - csum[heads]) / counts
        if _held(step):
            score += 1.5 * share
        elif step.jump > 0.0:
            score -= 1.0 * share
    if moments.climax[heads].any():
        if step.jump >= 0.35 or step.turn >= 1.0:
            bonus = 1.0
        elif step.jump > 0.0:
            bonus = 0.5
        elif step.family == "link":
            bonus = -0.3
        else:
            bonus = 0.0
        score += np.where(moments.climax[heads], bonus, 0.0)
    if step.family == "pose":
        cadence = 1.8
    elif step.family in ("adagio", "turn", "grand allegro"):
        cadence = 1.0
    elif step.jump > 0.0 and step.accent >= 0.99 and step.family != "link":
        cadence = 0.6
    elif step.family == "link":
        cadence = -0.5
    else:
        cadence = 0.0
    if cadence:
        score += np.where(moments.phrase_end[tails], cadence, 0.0)
    return score


def _cadence(step: StepDef) -> float:
    if step.family == "pose":
        return 1.8
    if step.family in ("adagio", "turn", "grand allegro"):
        return 1.0
    if step.jump > 0.0 and step.accent >= 0.99 and step.family != "link":
        return 0.6
    if step.family == "link":
        return -0.5
    return 0.0


def _climax_bonus(step: StepDef) -> float:
    if step.jump >= 0.35 or step.turn >= 1.0:
        return 1.0
    if step.jump > 0.0:
        return 0.5
    return -0.3 if step.family == "link" else 0.0


def placement_table(cands: Sequence[tuple[StepDef, int]], first: int, length: int, arrays: CountArrays,
                    accents: np.ndarray, moments: Moments, sustained_sums: np.ndarray | None = None) -> np.ndarray:
    """`placement_scores` + `moment_scores` of every candidate at once, shape (len(cands), length); 0 where the
    step would run past the phrase. Element for element the same arithmetic, so the same floats, done in one pass.

    `sustained_sums`: the cumulative sums of `moments.sustained` with a leading 0, to spare them for every phrase.
    """
    table = np.zeros((len(cands), length))
    if not cands or length <= 0:
        return table
    counts = np.asarray([c for _, c in cands], dtype=np.int64)[:, None]
    valid = np.arange(length)[None, :] <= length - counts  # (C, L)
    heads = np.broadcast_to(np.arange(first, first + length)[None, :], valid.shape)
    tails = np.where(valid, heads + counts - 1, heads)
    start = arrays.start[heads]
    accent = np.asarray([s.accent for s, _ in cands])[:, None]
    instant = start + accent * (arrays.end[tails] - start)
    score = np.zeros(valid.shape)
    if len(accents):
        i = np.clip(np.searchsorted(accents, instant), 1, len(accents) - 1) if len(accents) > 1 else np.zeros(
            valid.shape, dtype=np.int64)
        near = np.abs(accents[i] - instant)
        if len(accents) > 1:
            near = np.minimum(near, np.abs(accents[i - 1] - instant))
        t0, t1 = arrays.start[first], arrays.end[first + length - 1]
        a0, a1 = np.searchsorted(accents, [t0 - 1e-6, t1 - 1e-6])
        density = min(1.0, float(a1 - a0) / max(1, length))
        hits = []
        for step, _ in cands:
            hit = 1.2 + (0.6 if step.jump > 0.0 or step.turn > 0.0 else 0.0)
            hit *= 1.0 - 0.7 * density
            hits.append(hit)
        score += np.where(near <= ACCENT_WINDOW + 1e-9, np.asarray(hits)[:, None], 0.0)
    on_one = arrays.number[heads] == 1
    score += np.where(on_one & (arrays.bar_counts[heads] == counts), 0.6, 0.0)
    bar_seconds = (arrays.end[heads] - arrays.start[heads]) * arrays.bar_counts[heads]
    cost = 0.4 * np.maximum(1.0, bar_seconds / 1.2)
    score -= np.where((counts > 1) & ~on_one & (arrays.bar[tails] != arrays.bar[heads]), cost, 0.0)

    moment = np.zeros(valid.shape)
    if moments.sustained.any():
        csum = sustained_sums if sustained_sums is not None else np.concatenate(
            [[0.0], np.cumsum(moments.sustained)])
        share = (csum[tails + 1] - csum[heads]) / counts
        held = np.asarray([_held(s) for s, _ in cands])[:, None]
        jumps = np.asarray([s.jump > 0.0 for s, _ in cands])[:, None]
        moment = np.where(held, moment + 1.5 * share, np.where(jumps, moment - 1.0 * share, moment))
    bonus = np.asarray([_climax_bonus(s) for s, _ in cands])[:, None]
    moment += np.where(moments.climax[heads], bonus, 0.0)
    cadence = np.asarray([_cadence(s) for s, _ in cands])[:, None]
    moment += np.where(moments.phrase_end[tails], cadence, 0.0)
    return np.where(valid, score + moment, 0.0)
