"""Meter and downbeats: how many counted beats make a bar (2, 3 or 4), where bar one falls, and whether the
beat divides in two (2/4, 3/4, 4/4) or three (6/8: two dotted-quarter beats).

Each beat gets a downbeat likelihood from what changes there (bass onsets and harmony change, the way a
pianist marks the bar); a Viterbi pass over (beats per bar, position in bar) states picks the grouping,
allowing the meter to change rarely between bars.
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
CHANGE_COST = 4.0  # a meter change between two bars
LOCAL_BEATS = 24  # beats over which the downbeat strength is z-scored (so each section is judged on its own)


@dataclass(frozen=True, eq=False)
class Meter:
    """Per-beat bar position (0 = downbeat), beats per bar, and `compound` (the beat splits in three)."""

    position: np.ndarray
    beats_per_bar: np.ndarray
    compound: np.ndarray


def downbeat_strength(features: Features, beats: np.ndarray) -> np.ndarray:
    """A z-scored score per beat of how much it sounds like the first beat of a bar."""
    frames = features.time_to_frame(beats)
    reach = max(1, int(0.05 / features.hop))
    bass = np.array([features.bass[max(0, f - reach) : f + reach + 1].max() for f in frames])
    onset = np.array([features.onset[max(0, f - reach) : f + reach + 1].max() for f in frames])
    edges = np.concatenate([frames, [len(features.onset) - 1]])
    chroma = np.stack(
        [features.chroma[a : max(a + 1, b)].mean(axis=0) for a, b in zip(edges[:-1], edges[1:], strict=False)]
    )
    previous = np.vstack([chroma[:1], chroma[:-1]])
    change = 1.0 - (chroma * previous).sum(axis=1) / (
        np.linalg.norm(chroma, axis=1) * np.linalg.norm(previous, axis=1) + 1e-9
    )
    return _z(bass) + _z(change) + 0.5 * _z(onset)


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
    position, per_bar = _viterbi(strength, CHANGE_COST, groupings)
    return Meter(position=position, beats_per_bar=per_bar, compound=_compound(features, beats, per_bar))


def _viterbi(
    strength: np.ndarray, change_cost: float, groupings: tuple[int, ...] = BEATS_PER_BAR
) -> tuple[np.ndarray, np.ndarray]:
    """Best (position in bar, beats per bar) per beat for templated downbeat strengths."""
    n = len(strength)
    states = [(m, p) for m in groupings for p in range(m)]
    k = len(states)
    expected = np.array([TEMPLATES[m][p] for (m, p) in states])
    emission = -0.5 * (strength[:, None] - expected[None, :]) ** 2
    transition = np.full((k, k), -np.inf)
    for i, (m, p) in enumerate(states):
        for j, (m2, p2) in enumerate(states):
            if p < m - 1 and m2 == m and p2 == p + 1:
                transition[i, j] = 0.0
            elif p == m - 1 and p2 == 0:
                transition[i, j] = 0.0 if m2 == m else -change_cost
    value = emission[0].copy()
    back = np.zeros((n, k), dtype=int)
    for t in range(1, n):
        total = value[:, None] + transition
        back[t] = np.argmax(total, axis=0)
        value = total[back[t], np.arange(k)] + emission[t]
    path = np.zeros(n, dtype=int)
    path[-1] = int(np.argmax(value))
    for t in range(n - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return np.array([states[s][1] for s in path]), np.array([states[s][0] for s in path])


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
