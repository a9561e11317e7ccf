"""A score as data: sections of bars with melody and harmony, read from a compact TOML notation."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from redshoes.errors import InputError

PITCH_CLASSES = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
CHORD_INTERVALS = {"": (0, 4, 7), "m": (0, 3, 7), "7": (0, 4, 7, 10), "m7": (0, 3, 7, 10), "dim": (0, 3, 6)}


@dataclass(frozen=True)
class ScoreNote:
    """One melody note: MIDI pitch (None = rest) and length in counted beats."""

    pitch: int | None
    beats: float


@dataclass(frozen=True)
class ScoreBar:
    """One bar: its melody, its chord (root pitch class + intervals) and whether the chord is held."""

    melody: tuple[ScoreNote, ...]
    chord_root: int
    chord_intervals: tuple[int, ...]
    hold: bool = False


@dataclass(frozen=True)
class ScoreSection:
    """A section in one meter and tempo (counted beats per minute) with one accompaniment pattern."""

    label: str
    name: str
    meter: str
    tempo: float
    accompaniment: str
    staccato: bool
    bars: tuple[ScoreBar, ...]

    @property
    def beats_per_bar(self) -> int:
        """Counted beats in one bar (6/8 counts two dotted quarters)."""
        top, bottom = (int(x) for x in self.meter.split("/"))
        return top // 3 if bottom == 8 and top % 3 == 0 else top


@dataclass(frozen=True)
class Score:
    """A whole piece: sections in order, with silence before and ringing time after (seconds)."""

    title: str
    lead_in: float
    tail: float
    sections: tuple[ScoreSection, ...]


def parse_pitch(text: str) -> int:
    """'F#5' -> 78 (MIDI)."""
    name, rest = text[0].upper(), text[1:]
    shift = 0
    while rest and rest[0] in "#b":
        shift += 1 if rest[0] == "#" else -1
        rest = rest[1:]
    return 12 * (int(rest) + 1) + PITCH_CLASSES[name] + shift


def parse_bar(melody: str, chord: str, beats_per_bar: int, where: str) -> ScoreBar:
    """Parse one bar's melody and chord strings; the melody must fill the bar exactly."""
    notes = []
    for token in melody.split():
        pitch, _, length = token.partition(":")
        notes.append(ScoreNote(None if pitch == "r" else parse_pitch(pitch), float(length)))
    if abs(sum(n.beats for n in notes) - beats_per_bar) > 1e-9:
        raise InputError(f"{where}: the melody '{melody}' does not fill {beats_per_bar} beats; fix the score")
    hold = chord.endswith("!")
    chord = chord.rstrip("!")
    root_len = 2 if len(chord) > 1 and chord[1] in "#b" else 1
    root = parse_pitch(chord[:root_len] + "0") % 12
    quality = chord[root_len:]
    if quality not in CHORD_INTERVALS:
        raise InputError(f"{where}: unknown chord '{chord}'; use C, Cm, C7, Cm7 or Cdim")
    return ScoreBar(tuple(notes), root, CHORD_INTERVALS[quality], hold)


def load_score(path: Path) -> Score:
    """Read a score written in the TOML notation of builtin_piece.toml."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    sections = []
    for raw in data["section"]:
        top, bottom = (int(x) for x in raw["meter"].split("/"))
        beats_per_bar = top // 3 if bottom == 8 and top % 3 == 0 else top
        if len(raw["chords"]) != len(raw["melody"]):
            raise InputError(f"{path}: section {raw['label']} has unequal chords and melody; fix the score")
        bars = tuple(
            parse_bar(m, c, beats_per_bar, f"{path} section {raw['label']} bar {i + 1}")
            for i, (m, c) in enumerate(zip(raw["melody"], raw["chords"], strict=False))
        )
        sections.append(
            ScoreSection(
                label=raw["label"],
                name=raw["name"],
                meter=raw["meter"],
                tempo=float(raw["tempo"]),
                accompaniment=raw["accompaniment"],
                staccato=bool(raw.get("staccato", False)),
                bars=bars,
            )
        )
    return Score(
        title=data["title"],
        lead_in=float(data["lead_in"]),
        tail=float(data["tail"]),
        sections=tuple(sections),
    )
