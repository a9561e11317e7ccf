"""Phrases: bars grouped as a ballet teacher counts them (eights), restarting where the music changes.

Phrases are 8 bars (4 in 4/4), counted from the first bar of each stretch of one meter; an
introduction of 4 bars is split off when the music's novelty says the first phrase starts there.
"""

from __future__ import annotations

import numpy as np

from redshoes.hear.features import Features
from redshoes.hear.music_map import Bar, Phrase

STEADY_BARS = 4  # a new meter must hold this many bars to restart the count (one odd bar is a tracking slip)
INTRO_GAIN = 1.3  # how much more novelty a 4-bar-late phrase grid needs to win over counting from bar one
INTRO_NOVELTY = 0.1  # and at least this much (music: 0.3-1.9; a click track, where nothing changes: 0.04)


def phrase_length(bars: tuple[Bar, ...]) -> int:
    """Bars per phrase so a phrase holds 16-24 counts: 4 bars of 4/4, else 8 bars (3/4, 2/4, 6/8)."""
    counts = [len(bar.beats) for bar in bars]
    return 4 if counts and max(set(counts), key=counts.count) >= 4 else 8


def make_phrases(bars: tuple[Bar, ...], *, length: int = 8, breaks: tuple[int, ...] = ()) -> tuple[Phrase, ...]:
    """Group bars into phrases of `length` bars (a short remainder of 4 or fewer stands alone).

    `breaks` are bar indices where a new phrase must start (section starts); counting restarts there.
    """
    phrases: list[Phrase] = []
    cuts = sorted({0, *[b for b in breaks if 0 < b < len(bars)], len(bars)})
    for a, b in zip(cuts[:-1], cuts[1:], strict=False):
        first = a
        while first < b:
            count = min(length, b - first)
            if b - first - length in range(1, length // 2):
                count = b - first
            phrases.append(
                Phrase(
                    start=bars[first].start, end=bars[first + count - 1].end, first_bar=bars[first].index, bars=count
                )
            )
            first += count
    return tuple(phrases)


def phrase_breaks(bars: tuple[Bar, ...], features: Features, length: int) -> tuple[int, ...]:
    """Bar indices where counting restarts: meter changes, and the end of a 4-bar introduction."""
    breaks: list[int] = []
    for i in range(1, len(bars)):
        steady = {bar.meter for bar in bars[i : i + STEADY_BARS]} == {bars[i].meter}
        if bars[i].meter != bars[i - 1].meter and steady:
            if not breaks or i - breaks[-1] >= 2:
                breaks.append(i)
    novelty = bar_novelty(bars, features)
    end = breaks[0] if breaks else len(bars)
    half = length // 2
    intro: list[int] = []
    if end >= length + half:
        plain = novelty[length:end:length].mean()
        shifted = novelty[half:end:length].mean()
        if shifted > INTRO_GAIN * plain and shifted > INTRO_NOVELTY:
            intro.append(half)
    return tuple(sorted(set(breaks + intro)))


def bar_novelty(bars: tuple[Bar, ...], features: Features, *, span: int = 4) -> np.ndarray:
    """Per bar: how different the `span` bars from it are from the `span` bars before (chroma and timbre)."""
    rows = []
    for bar in bars:
        a, b = int(features.time_to_frame(bar.start)), int(features.time_to_frame(bar.end))
        b = max(b, a + 1)
        chroma = features.chroma[a:b].mean(axis=0)
        timbre = features.mfcc[a:b, 1:].mean(axis=0) / 10.0
        rows.append(np.concatenate([chroma * 3.0, timbre]))
    vectors = np.array(rows)
    vectors = vectors - vectors.mean(axis=0)
    novelty = np.zeros(len(bars))
    for i in range(span, len(bars) - span + 1):
        left, right = vectors[i - span : i].mean(axis=0), vectors[i : i + span].mean(axis=0)
        denominator = np.linalg.norm(left) * np.linalg.norm(right) + 1e-9
        novelty[i] = 1.0 - float(left @ right) / denominator
    return novelty
