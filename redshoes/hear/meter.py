"""Meter and downbeats: how many counted beats make a bar (2, 3 or 4), where bar one falls, and whether the
beat divides in two (2/4, 3/4, 4/4) or three (6/8: two dotted-quarter beats).

Each beat gets a downbeat likelihood from what changes there (bass onsets, harmony change and bass-note
change, the way a pianist marks the bar); a Viterbi pass over (meter, bar length, position in bar) states picks
the grouping. A bar may slip by a beat once in a while (a beat the tracker added or lost) and the meter goes on;
a lasting change of meter is cheap only where the tempo changes (a new section), so a passage that merely
shifts its accents (a mazurka's second beat) is not heard in another meter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import uniform_filter1d

from redshoes.hear.features import Features

BEATS_PER_BAR = (2, 3, 4)
# Expected downbeat strength (locally z-scored) at each position of a bar: a strong one, weak others, and in
# 4/4 a half-strong third beat (which is what tells 4/4 from two bars of 2/4).
TEMPLATES = {2: (1.0, -0.5), 3: (1.0, -0.5, -0.5), 4: (1.0, -0.5, 0.0, -0.5)}
CHANGE_COST = 4.0  # a change of meter where the music changes (a new section, a new tempo)
STEADY_CHANGE_COST = 12.0  # a change of meter where the music goes on as it was
SLIP_COST = 10.0  # one bar a beat shorter or longer than its meter (a beat the tracker added or lost)
TEMPO_BEATS = 8  # beats either side whose median intervals are compared to find a new tempo
TEMPO_CHANGE = 0.15  # octaves of change in the median beat period that mark a new section
TEMPO_REACH = 2  # beats either side of such a place where the meter may change
BASS_CHANGE = 0.4  # weight of the bass line's change of pitch among the downbeat cues
LOCAL_BEATS = 24  # beats over which the downbeat strength is z-scored (so each section is judged on its own)


@dataclass(frozen=True, eq=False)
class Meter:
    """Per-beat bar position (0 = downbeat), beats per bar, and `compound` (the beat splits in three)."""

    position: np.ndarray
    beats_per_bar: np.ndarray
    compound: np.ndarray


def downbeat_strength(features: Features, beats: np.ndarray) -> np.ndarray:
    """A z-scored score per beat of how much it sounds like the first beat of a bar: a bass onset, a change of
    harmony, a change of bass note (where a mazurka's accents fall on its weak beats, the bass still moves on
    the one), and an onset."""
    frames = features.time_to_frame(beats)
    reach = max(1, int(0.05 / features.hop))
    bass = np.array([features.bass[max(0, f - reach) : f + reach + 1].max() for f in frames])
    onset = np.array([features.onset[max(0, f - reach) : f + reach + 1].max() for f in frames])
    edges = np.concatenate([frames, [len(features.onset) - 1]])
    harmony = _z(_change(features.chroma, edges))
    bass_line = _z(_change(features.bass_chroma, edges))
    return _z(bass) + harmony + BASS_CHANGE * bass_line + 0.5 * _z(onset)


def _change(chroma: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Per beat (frames edges[i] to edges[i + 1]): cosine distance of its mean pitch classes from the beat before."""
    per_beat = np.stack([chroma[a : max(a + 1, b)].mean(axis=0) for a, b in zip(edges[:-1], edges[1:], strict=False)])
    previous = np.vstack([per_beat[:1], per_beat[:-1]])
    return 1.0 - (per_beat * previous).sum(axis=1) / (
        np.linalg.norm(per_beat, axis=1) * np.linalg.norm(previous, axis=1) + 1e-9
    )


def _z(x: np.ndarray) -> np.ndarray:
    """Robust z-score (median, interquartile spread)."""
    spread = np.subtract(*np.percentile(x, [75, 25])) + 1e-9
    return np.clip((x - np.median(x)) / spread, -3.0, 3.0)


def _local_z(x: np.ndarray, width: int) -> np.ndarray:
    """z-score against a sliding window of `width` values."""
    if len(x) < 2:
        return np.zeros_like(x)
    width = min(width, len(x))
    mean = uniform_filter1d(x, width, mode="nearest")
    spread = np.sqrt(np.maximum(uniform_filter1d((x - mean) ** 2, width, mode="nearest"), 1e-6))
    return np.clip((x - mean) / spread, -3.0, 3.0)


def infer_meter(features: Features, beats: np.ndarray, *, groupings: tuple[int, ...] = BEATS_PER_BAR) -> Meter:
    """Group beats into bars by Viterbi over (beats per bar, position) states; `groupings`: the bar lengths
    allowed (music with a drum kit is counted in 4 or 3: its kick-snare-kick-snare is one bar of 4/4)."""
    n = len(beats)
    if n == 0:
        empty = np.zeros(0, dtype=int)
        return Meter(empty, empty, np.zeros(0, dtype=bool))
    strength = _local_z(downbeat_strength(features, beats), LOCAL_BEATS)
    position, per_bar = _viterbi(strength, change_costs(beats), groupings)
    return Meter(position=position, beats_per_bar=per_bar, compound=_compound(features, beats, per_bar))


def _viterbi(
    strength: np.ndarray, change_cost: float | np.ndarray = CHANGE_COST, groupings: tuple[int, ...] = BEATS_PER_BAR
) -> tuple[np.ndarray, np.ndarray]:
    """Best (position in bar, beats in that bar) per beat for templated downbeat strengths.

    States are (meter, bar length, position): in a meter of m beats a bar has m beats, or once in a while
    m - 1 or m + 1 (`SLIP_COST`: a beat the tracker added or lost, a held bar), after which the meter goes on.
    A lasting change of meter into a bar starting at beat t costs `change_cost[t]` (or `change_cost`).
    """
    n = len(strength)
    costs = np.broadcast_to(np.asarray(change_cost, dtype=float), (n,))
    states = [(m, size, p) for m in groupings for size in _bar_sizes(m, groupings) for p in range(size)]
    k = len(states)
    expected = np.array([_template(size, m)[p] for (m, size, p) in states])
    emission = -0.5 * (strength[:, None] - expected[None, :]) ** 2
    transition = np.full((k, k), -np.inf)
    change = np.zeros((k, k))
    for i, (m, size, p) in enumerate(states):
        for j, (m2, size2, p2) in enumerate(states):
            if m2 == m and size2 == size and p2 == p + 1:
                transition[i, j] = 0.0
            elif p == size - 1 and p2 == 0 and m2 == m:
                transition[i, j] = 0.0 if size2 == m else -SLIP_COST
            elif p == size - 1 and p2 == 0 and size2 == m2:
                transition[i, j] = 0.0
                change[i, j] = 1.0
    value = emission[0] - np.array([0.0 if size == m else SLIP_COST for (m, size, _) in states])
    back = np.zeros((n, k), dtype=int)
    for t in range(1, n):
        total = value[:, None] + transition - costs[t] * change
        back[t] = np.argmax(total, axis=0)
        value = total[back[t], np.arange(k)] + emission[t]
    path = np.zeros(n, dtype=int)
    path[-1] = int(np.argmax(value))
    for t in range(n - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return np.array([states[s][2] for s in path]), np.array([states[s][1] for s in path])


def _bar_sizes(beats_per_bar: int, groupings: tuple[int, ...]) -> tuple[int, ...]:
    """The bar lengths a meter of `beats_per_bar` allows: its own, and one beat less or more (a slip) within the
    range of `groupings` (no bars of one beat, none of five)."""
    slips = (beats_per_bar - 1, beats_per_bar + 1)
    return (beats_per_bar, *(size for size in slips if min(groupings) <= size <= max(groupings)))


def _template(size: int, beats_per_bar: int) -> tuple[float, ...]:
    """Expected downbeat strength per position of a bar of `size` beats in a meter of `beats_per_bar`."""
    base = TEMPLATES[beats_per_bar]
    return base[:size] if size <= len(base) else base + (-0.5,) * (size - len(base))


def change_costs(beats: np.ndarray) -> np.ndarray:
    """Per beat, the cost of a lasting meter change into a bar starting there: `CHANGE_COST` where the tempo
    changes (a new section: a waltz giving way to a galop), `STEADY_CHANGE_COST` where it goes on (a passage
    that only shifts its accents, as a mazurka does, keeps its bars)."""
    n = len(beats)
    span = TEMPO_BEATS
    if n < 2 * span + 1:
        return np.full(n, CHANGE_COST)
    intervals = np.diff(beats)
    before = np.array([np.median(intervals[max(0, i - span) : i]) if i > 0 else intervals[0] for i in range(n)])
    after = np.array([np.median(intervals[i : i + span]) if i < n - 1 else intervals[-1] for i in range(n)])
    new_tempo = np.abs(np.log2(after / before)) >= TEMPO_CHANGE
    near = np.convolve(new_tempo.astype(float), np.ones(2 * TEMPO_REACH + 1), mode="same") > 0
    return np.where(near, CHANGE_COST, STEADY_CHANGE_COST)


def _compound(features: Features, beats: np.ndarray, per_bar: np.ndarray) -> np.ndarray:
    """Per beat: does the onset strength between beats peak at thirds rather than halves?"""
    out = np.zeros(len(beats), dtype=bool)
    if len(beats) < 4:
        return out
    values = np.zeros((len(beats) - 1, 2))
    reach = max(1, int(0.03 / features.hop))
    for i, (a, b) in enumerate(zip(beats[:-1], beats[1:], strict=False)):
        span = b - a

        def at(t: float) -> float:
            f = int(features.time_to_frame(t))
            return float(features.onset[max(0, f - reach) : f + reach + 1].max())

        values[i] = (at(a + span / 3) + at(a + 2 * span / 3)) / 2, at(a + span / 2)
    thirds, halves = np.median(values, axis=0)
    out[:] = (thirds > 1.3 * halves) and np.median(per_bar) == 2
    return out


def meter_name(beats_per_bar: int, compound: bool) -> str:
    """Time signature as a dancer's pianist would write it."""
    if compound:
        return f"{3 * beats_per_bar}/8"
    return f"{beats_per_bar}/4"
