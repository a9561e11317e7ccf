"""The music map: what a dancer needs to know of the music (seconds); made by `hear`, read by `compose`."""

from __future__ import annotations

from dataclasses import dataclass

FORMAT = "redshoes.music/1"


@dataclass(frozen=True)
class Bar:
    """One bar (numbered from 1): its counted beats (seconds), its meter ("3/4"; 6/8 counts dotted quarters)."""

    index: int
    start: float
    end: float
    meter: str
    beats: tuple[float, ...]
    first_count: int = 1


@dataclass(frozen=True)
class Phrase:
    """A group of bars counted as one (usually 4 or 8 bars: one or two "eights")."""

    start: float
    end: float
    first_bar: int
    bars: int


@dataclass(frozen=True)
class Section:
    """A section of the form with its repetition label: "A", "B", "A′" (a varied return)."""

    label: str
    start: float
    end: float
    first_bar: int
    bars: int


@dataclass(frozen=True)
class Curve:
    """A curve sampled every `hop` seconds from time 0; values normalised to 0..1."""

    hop: float
    values: tuple[float, ...]

    def at(self, time: float) -> float:
        """The value at a time (seconds), held at the ends."""
        if not self.values:
            return 0.0
        i = int(round(time / self.hop)) if self.hop > 0 else 0
        return self.values[min(max(i, 0), len(self.values) - 1)]


@dataclass(frozen=True)
class MusicMap:
    """Beats, bars, meter, phrases, sections and dynamics of one piece; times in seconds from its start."""

    source: str
    duration: float
    tempo: float
    meter: str
    beats: tuple[float, ...]
    downbeats: tuple[float, ...]
    bars: tuple[Bar, ...]
    phrases: tuple[Phrase, ...]
    sections: tuple[Section, ...]
    energy: Curve
    accents: tuple[float, ...] = ()
    sustained: tuple[tuple[float, float], ...] = ()
    audio: str = ""
    format: str = FORMAT
