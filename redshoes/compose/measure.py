"""Measures of a choreography against its music: what a ballet master checks first, as numbers for the bench."""

from __future__ import annotations

import math

import numpy as np

from redshoes.ballet.vocabulary import load_vocabulary
from redshoes.compose.choreography import Choreography
from redshoes.compose.composer import base_label
from redshoes.hear.music_map import MusicMap, Phrase


def phrase_alignment(choreo: Choreography, music: MusicMap) -> float:
    """Share of phrases whose first count starts a step (a combination begins on the phrase), 0..1."""
    starts = {round(s.start, 6) for s in choreo.steps}
    return float(np.mean([round(p.start, 6) in starts for p in music.phrases])) if music.phrases else 1.0


def accents_hit(choreo: Choreography, music: MusicMap, window: float = 0.05) -> float:
    """Share of music accents with a step's accent instant within `window` seconds, 0..1."""
    if not music.accents or not choreo.steps:
        return 1.0
    marks = np.sort(np.asarray([s.accent for s in choreo.steps]))
    acc = np.asarray(music.accents)
    if len(marks) == 1:
        return float(np.mean(np.abs(acc - marks[0]) <= window))
    i = np.clip(np.searchsorted(marks, acc), 1, len(marks) - 1)
    d = np.minimum(np.abs(marks[i] - acc), np.abs(marks[i - 1] - acc))
    return float(np.mean(d <= window))


def distinct_per_minute(choreo: Choreography) -> float:
    """Distinct steps danced per minute, the mean over the minutes of the piece (a last part minute counts in
    proportion: its distinct steps divided by its length in minutes, at most the count of a whole minute)."""
    rates = []
    minute = 0.0
    while minute < choreo.duration:
        span = min(60.0, choreo.duration - minute)
        names = {s.name for s in choreo.steps if minute <= s.start < minute + 60.0}
        if names and span >= 20.0:
            rates.append(len(names) * 60.0 / span if span < 60.0 else len(names))
        minute += 60.0
    if not rates:
        names = {s.name for s in choreo.steps}
        return len(names) * 60.0 / max(choreo.duration, 1e-6)
    return float(np.mean(rates))


def longest_run(choreo: Choreography) -> tuple[int, str]:
    """The longest run of one step done again and again, and its name."""
    if not choreo.steps:
        return 0, ""
    longest, run, name = 1, 1, choreo.steps[0].name
    for a, b in zip(choreo.steps, choreo.steps[1:], strict=False):
        run = run + 1 if a.name == b.name else 1
        if run > longest:
            longest, name = run, b.name
    return longest, name


def link_share(choreo: Choreography) -> float:
    """Share of the counts danced as links (glissade, pas de bourrée...), 0..1."""
    family = {s.name: s.family for s in load_vocabulary().steps}
    total = sum(s.counts for s in choreo.steps)
    return sum(s.counts for s in choreo.steps if family.get(s.name) == "link") / total if total else 0.0


def stage_covered(choreo: Choreography, cell: float = 0.5) -> float:
    """Share of the usable stage's `cell`-metre squares the dancer's path passes through, 0..1."""
    hx, hz = choreo.stage.width / 2 - 0.5, choreo.stage.depth / 2 - 0.5
    nx, nz = max(1, int(np.ceil(2 * hx / cell))), max(1, int(np.ceil(2 * hz / cell)))
    seen = np.zeros((nx, nz), dtype=bool)
    for s in choreo.steps:
        for f in np.linspace(0.0, 1.0, 9):
            x = s.start_at.x + f * (s.end_at.x - s.start_at.x)
            z = s.start_at.z + f * (s.end_at.z - s.start_at.z)
            seen[min(nx - 1, max(0, int((x + hx) / cell))), min(nz - 1, max(0, int((z + hz) / cell)))] = True
    return float(seen.mean())


def _label(music: MusicMap, phrase: Phrase) -> str:
    for s in music.sections:
        if s.first_bar <= phrase.first_bar < s.first_bar + s.bars:
            return base_label(s.label)
    return ""


def _counted_names(choreo: Choreography, phrase: Phrase) -> list[str]:
    """The step danced on each count of the phrase, in order."""
    out: list[str] = []
    for s in choreo.steps:
        out.extend(s.name for t in s.count_times if phrase.start - 1e-6 <= t < phrase.end - 1e-6)
    return out


def _alike(a: list[str], b: list[str]) -> float:
    """How alike two phrases are danced, 0..1: the share of counts where the same step is danced."""
    if not a or not b:
        return 0.0
    same = sum(1 for x, y in zip(a, b, strict=False) if x == y)
    return same / max(len(a), len(b))


def structure_score(choreo: Choreography, music: MusicMap) -> float:
    """How well the dance repeats where the music repeats: the correlation, over every pair of phrases, between
    how alike they are danced (share of counts with the same step) and whether the music gives them the same
    section letter (A and A′ alike). 1: the dance's form is the music's; 0: unrelated; NaN when the music has
    no pair of phrases both alike and unlike (one section, or no letter returning)."""
    phrases = sorted(music.phrases, key=lambda p: p.start)
    names = [_counted_names(choreo, p) for p in phrases]
    labels = [_label(music, p) for p in phrases]
    dance, form = [], []
    for i in range(len(phrases)):
        for j in range(i + 1, len(phrases)):
            dance.append(_alike(names[i], names[j]))
            form.append(1.0 if labels[i] and labels[i] == labels[j] else 0.0)
    if len(set(form)) < 2 or len(set(dance)) < 2:
        return math.nan
    return float(np.corrcoef(np.asarray(dance), np.asarray(form))[0, 1])
