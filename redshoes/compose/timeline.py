"""The counted beats of a music map, grouped into the phrases a combination fills.

A count is one counted beat (in 6/8 the dotted quarter). Times are seconds.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from redshoes.hear.music_map import MusicMap

EPS = 1e-6


@dataclass(frozen=True)
class Count:
    """One counted beat: its time, its bar (numbered from 1 in map order), its number in it, the meter."""

    time: float
    bar: int
    number: int
    meter: str


@dataclass(frozen=True)
class Segment:
    """The counts of one phrase (indices into the timeline's counts) and the section it belongs to."""

    first: int
    length: int
    section: int


@dataclass(frozen=True)
class Timeline:
    """Pickup beats before the first downbeat, the counts of all bars, and the phrases cutting them up."""

    pickups: tuple[float, ...]
    counts: tuple[Count, ...]
    segments: tuple[Segment, ...]
    duration: float

    def end_of(self, index: int) -> float:
        """When the count at `index` ends: at the next count, or at the music's end."""
        return self.counts[index + 1].time if index + 1 < len(self.counts) else self.duration


def _section_of(bar_index: int, music: MusicMap) -> int:
    for i, s in enumerate(music.sections):
        if s.first_bar <= bar_index < s.first_bar + s.bars:
            return i
    return -1


def build_timeline(music: MusicMap, *, chunk_bars: int = 4) -> Timeline:
    """Counts from the bars' beats; segments from the phrases (bars outside any grouped by `chunk_bars`)."""
    counts: list[Count] = []
    first_count_of_bar: dict[int, int] = {}
    for ordinal, bar in enumerate(music.bars, start=1):
        first_count_of_bar[bar.index] = len(counts)
        for k, t in enumerate(bar.beats):
            counts.append(Count(time=float(t), bar=ordinal, number=bar.first_count + k, meter=bar.meter))
    start = music.bars[0].start if music.bars else music.duration
    pickups = tuple(float(b) for b in music.beats if b < start - EPS)

    bar_order = [b.index for b in music.bars]
    phrase_of_bar: dict[int, int] = {}
    for p_i, p in enumerate(sorted(music.phrases, key=lambda p: p.first_bar)):
        for b in range(p.first_bar, p.first_bar + p.bars):
            phrase_of_bar.setdefault(b, p_i)
    groups: list[list[int]] = []
    key_prev: tuple[int, int] | None = None
    loose = 0
    for b in bar_order:
        if b in phrase_of_bar:
            key = (0, phrase_of_bar[b])
            loose = 0
        else:
            if key_prev is None or key_prev[0] != 1 or loose >= chunk_bars:
                loose = 0
            key = (1, b - loose)
            loose += 1
        if key != key_prev:
            groups.append([])
            key_prev = key
        groups[-1].append(b)
    segments = []
    position = {b: i for i, b in enumerate(bar_order)}
    for g in groups:
        first = first_count_of_bar[g[0]]
        nxt = position[g[-1]] + 1
        end = first_count_of_bar[bar_order[nxt]] if nxt < len(bar_order) else len(counts)
        if end > first:
            segments.append(Segment(first=first, length=end - first, section=_section_of(g[0], music)))
    return Timeline(pickups=pickups, counts=tuple(counts), segments=tuple(segments), duration=music.duration)


def meter_of(counts: tuple[Count, ...]) -> str:
    """The most common meter among counts."""
    return Counter(c.meter for c in counts).most_common(1)[0][0] if counts else "4/4"
