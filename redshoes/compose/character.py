"""The character of a phrase of music and how well each step suits it, before any choice of steps.

Scoring (points, higher is better) of a step taking `counts` counts from a given count of a phrase:
  family   by character: waltz in 3/4 at 110+ → waltz steps (+3); slow, or moderate and legato → adagio;
           quick staccato → petit allegro (a count of 6/8 counts as 1.3 counts of 2/4); strong and broad →
           grand allegro; turns more with energy; links +0.2 (glue, not the dance); poses -1.5 (held)
  quality  legato steps lose 2 × (articulation - 0.45) when above, staccato steps 2 × (0.4 - articulation)
  tempo    0 inside the step's tempo range, minus 2 per factor 1.25 outside it
  accent   +1.2 when the step's accent instant falls within 50 ms of a music accent
  bar      +0.6 for a step that fills a whole bar from count 1; -0.4 for one straddling a bar line mid-bar
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from redshoes.ballet.vocabulary import StepDef
from redshoes.compose.timeline import Timeline, meter_of
from redshoes.hear.music_map import MusicMap

ACCENT_WINDOW = 0.05
COMPOUND = ("6/8", "9/8", "12/8")
LINK = 0.2


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
        return 3.0 if ch.meter == "3/4" and ch.tempo >= 110 else 0.0
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
    return -1.5


def quality_score(step: StepDef, ch: Character) -> float:
    """Legato steps suit legato music, staccato steps staccato music."""
    if step.quality == "legato":
        return -2.0 * max(0.0, ch.articulation - 0.45)
    if step.quality == "staccato":
        return -2.0 * max(0.0, 0.4 - ch.articulation)
    return 0.0


def tempo_score(step: StepDef, tempo: float) -> float:
    """0 inside the step's tempo range, -2 per factor 1.25 outside, at most -6."""
    lo, hi = step.tempo
    if tempo < lo:
        return -min(6.0, 2.0 * math.log(lo / tempo) / math.log(1.25))
    if tempo > hi:
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
        score += np.where(near <= ACCENT_WINDOW + 1e-9, 1.2, 0.0)
    on_one = arrays.number[heads] == 1
    score += np.where(on_one & (arrays.bar_counts[heads] == counts), 0.6, 0.0)
    if counts > 1:
        score -= np.where(~on_one & (arrays.bar[tails] != arrays.bar[heads]), 0.4, 0.0)
    return score
