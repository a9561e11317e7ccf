"""Bars from beats and meter: the counted beats grouped under their downbeats."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

import numpy as np

from redshoes.hear.meter import Meter, meter_name
from redshoes.hear.music_map import Bar


class TimedBar(Protocol):
    """A bar written in a score, placed in time (seconds)."""

    @property
    def start(self) -> float: ...
    @property
    def end(self) -> float: ...
    @property
    def meter(self) -> str: ...
    @property
    def beats(self) -> tuple[float, ...]: ...


def written_bars(timed: Iterable[TimedBar]) -> tuple[Bar, ...]:
    """The music map's bars, numbered from 1, for bars read off a score (times to the microsecond, as saved)."""
    return tuple(
        Bar(index=i + 1, start=round(b.start, 6), end=round(b.end, 6), meter=b.meter,
            beats=tuple(round(t, 6) for t in b.beats))
        for i, b in enumerate(timed)
    )


def make_bars(beats: np.ndarray, meter: Meter, duration: float) -> tuple[Bar, ...]:
    """One Bar per downbeat (a pickup before the first downbeat is left out of the bars)."""
    starts = np.flatnonzero(meter.position == 0)
    bars: list[Bar] = []
    for index, first in enumerate(starts):
        last = starts[index + 1] if index + 1 < len(starts) else len(beats)
        bar_beats = tuple(float(t) for t in beats[first:last])
        if index + 1 < len(starts):
            end = float(beats[starts[index + 1]])
        else:
            gap = float(np.median(np.diff(beats))) if len(beats) > 1 else 0.5
            end = min(duration, bar_beats[-1] + gap)
        name = meter_name(int(meter.beats_per_bar[first]), bool(meter.compound[first]))
        bars.append(Bar(index=index + 1, start=bar_beats[0], end=end, meter=name, beats=bar_beats))
    return tuple(bars)


def end_at_bar(beats: np.ndarray, meter: Meter, held: int, *, fades: bool = False) -> tuple[np.ndarray, Meter]:
    """Drop the held beats (the last `held`, counted through a final chord) from the first that would start a
    new bar: the count of a held chord ends with its bar. With `fades` (the last note dies away within its beat, see
    `redshoes.hear.beats.last_note_fades`), a last beat that would start a bar alone is a pickup into music the
    recording stops before, and is dropped too."""
    if held == 0 and fades and len(beats) > 1 and meter.position[-1] == 0:
        return beats[:-1], Meter(meter.position[:-1], meter.beats_per_bar[:-1], meter.compound[:-1])
    if held == 0:
        return beats, meter
    tail = np.arange(len(beats) - held, len(beats))
    new_bar = tail[meter.position[tail] == 0]
    if len(new_bar) == 0:
        return beats, meter
    cut = int(new_bar[0])
    return beats[:cut], Meter(meter.position[:cut], meter.beats_per_bar[:cut], meter.compound[:cut])
