"""Reading written music (MIDI, MusicXML, Humdrum kern): bars, counted beats, meters and notes in seconds.

A score says exactly where the bars and beats are, so nothing is guessed: MIDI is read with pretty_midi (its
times are already seconds), MusicXML and kern with music21. Repeats are expanded (a class pianist plays them
and the dancers dance them); when music21 cannot expand them the score is read as written. A pickup's beats
are counted beats but form no bar, as in a heard map. In compound meters (6/8, 9/8, 12/8) the counted beat is
the dotted value.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from redshoes.errors import InputError
from redshoes.music.synth import Note

MIDI_SUFFIXES = (".mid", ".midi")
SCORE_SUFFIXES = (".musicxml", ".xml", ".mxl", ".krn")
NOTATION_SUFFIXES = MIDI_SUFFIXES + SCORE_SUFFIXES
DANCEABLE_BPM = (40.0, 200.0)  # a written tempo outside this is played at the nearest end (counted beats)
MAX_NOTES = 200_000
MAX_SECONDS = 4 * 3600.0


@dataclass(frozen=True)
class NotatedBar:
    """One written bar: start and end (seconds), its counted beats (seconds), meter ("6/8")."""

    start: float
    end: float
    beats: tuple[float, ...]
    meter: str


@dataclass(frozen=True)
class Notation:
    """A piece as written: the counted beats in no bar (pickups), bars, the bars (from 0) where the notation
    starts a new section, the notes."""

    pickup: tuple[float, ...]
    bars: tuple[NotatedBar, ...]
    section_starts: tuple[int, ...]
    notes: tuple[Note, ...]

    @property
    def end(self) -> float:
        """When the last bar or note ends (seconds)."""
        last_note = max((n.start + n.duration for n in self.notes), default=0.0)
        return max(self.bars[-1].end if self.bars else 0.0, last_note)


def beat_length(numerator: int, denominator: int) -> float:
    """Counted beat in quarter notes: the dotted value in compound meters (6/8 → 1.5), else 4/denominator."""
    unit = 4.0 / denominator
    return 3 * unit if numerator % 3 == 0 and numerator > 3 else unit


def read_notation(path: Path) -> Notation:
    """Read a MIDI file or a score, or say in one line why it cannot be used."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file; give the path of a music file or a score")
    if path.is_dir():
        raise InputError(f"{path} is a folder; give the path of a music file or a score")
    suffix = path.suffix.lower()
    reader: Callable[[Path], Notation] = _read_midi if suffix in MIDI_SUFFIXES else _read_score
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            notation = reader(path)
    except InputError:
        raise
    except Exception as error:  # noqa: BLE001 - any parser failure on a damaged file is the user's input
        kind = "MIDI file" if suffix in MIDI_SUFFIXES else "score"
        raise InputError(
            f"{path}: cannot read it as a {kind} (damaged or not {suffix[1:]}: {type(error).__name__}); "
            "re-export it from your notation program"
        ) from error
    if not notation.notes:
        raise InputError(f"{path}: the score has no notes; give a score with music in it")
    if len(notation.bars) < 1:
        raise InputError(f"{path}: the score has no complete bar; give a longer score")
    if notation.end > MAX_SECONDS:
        raise InputError(f"{path} lasts {notation.end / 3600:.1f} hours; Red Shoes takes up to 4 hours")
    return notation


def _read_midi(path: Path) -> Notation:
    """MIDI via pretty_midi: its beats and downbeats follow the file's tempo and meter changes exactly."""
    import pretty_midi

    midi = pretty_midi.PrettyMIDI(str(path))
    notes = tuple(
        Note(float(n.start), float(n.end - n.start), int(n.pitch), n.velocity / 127.0)
        for instrument in midi.instruments
        if not instrument.is_drum
        for n in instrument.notes
        if n.end > n.start
    )
    if len(notes) > MAX_NOTES:
        raise InputError(f"{path} has {len(notes)} notes; Red Shoes takes scores of up to {MAX_NOTES}")
    if not notes:
        return Notation((), (), (), ())
    last = max(n.start + n.duration for n in notes)
    beats = np.asarray(midi.get_beats())
    downbeats = np.asarray(midi.get_downbeats())
    signatures = midi.time_signature_changes or [pretty_midi.TimeSignature(4, 4, 0.0)]

    def meter_at(time: float) -> tuple[int, int]:
        current = signatures[0]
        for signature in signatures:
            if signature.time <= time + 1e-6:
                current = signature
        return current.numerator, current.denominator

    starts = downbeats[downbeats < last - 1e-3]
    bars: list[NotatedBar] = []
    for i, start in enumerate(starts):
        numerator, denominator = meter_at(float(start))
        if i + 1 < len(starts):
            end = float(starts[i + 1])
        else:
            gap = float(np.median(np.diff(beats))) if len(beats) > 1 else 0.5
            counted = numerator // 3 if numerator % 3 == 0 and numerator > 3 else numerator
            end = min(float(start) + counted * gap, max(last, float(start) + gap))
        inside = beats[(beats >= start - 1e-6) & (beats < end - 1e-6)]
        bars.append(NotatedBar(float(start), end, tuple(float(b) for b in inside), f"{numerator}/{denominator}"))
    pickup = tuple(float(b) for b in beats[beats < (starts[0] if len(starts) else 0.0) - 1e-6])
    changes = tuple(i for i in range(1, len(bars)) if bars[i].meter != bars[i - 1].meter)
    return Notation(pickup, tuple(bars), changes, tuple(sorted(notes, key=lambda n: (n.start, n.pitch))))


def _read_score(path: Path) -> Notation:
    """MusicXML or kern via music21: measures, time signatures, metronome marks, repeats, notes."""
    import music21

    score = music21.converter.parse(str(path))
    if not isinstance(score, music21.stream.Score):
        wrapped = music21.stream.Score()
        wrapped.insert(0, score)
        score = wrapped
    try:
        score = score.expandRepeats()
    except Exception:  # noqa: BLE001 - repeats music21 cannot follow are read as written
        pass
    score = score.stripTies()
    parts = list(score.parts)
    if not parts:
        return Notation((), (), (), ())
    measures = list(parts[0].getElementsByClass("Measure"))
    if not measures:
        return Notation((), (), (), ())
    seconds = _tempo_map(score, measures)
    return _score_bars(measures, seconds, _score_notes(score, seconds))


def _tempo_map(score: Any, measures: list[Any]) -> Callable[[float], float]:
    """Quarter-note offset → seconds from the metronome marks, each held within a danceable counted tempo."""
    segments = [
        (float(a), float(b), float(mark.getQuarterBPM() or 120.0))
        for a, b, mark in score.metronomeMarkBoundaries()
        if b > a
    ] or [(0.0, float(score.highestTime) or 1.0, 120.0)]
    signature = measures[0].getContextByClass("TimeSignature") if measures else None
    beat = beat_length(signature.numerator, signature.denominator) if signature is not None else 1.0
    lo, hi = DANCEABLE_BPM
    per_quarter = np.array([60.0 / float(np.clip(q / beat, lo, hi) * beat) for _, _, q in segments])
    edges = np.array([segments[0][0]] + [b for _, b, _ in segments])
    at_edges = np.concatenate([[0.0], np.cumsum(np.diff(edges) * per_quarter)])

    def seconds(offset: float) -> float:
        i = int(np.clip(np.searchsorted(edges, offset, side="right") - 1, 0, len(per_quarter) - 1))
        return float(at_edges[i] + (offset - edges[i]) * per_quarter[i])

    return seconds


def _score_notes(score: Any, seconds: Callable[[float], float]) -> tuple[Note, ...]:
    """Every sounding pitch, its velocity from the part's last dynamic mark (mezzo-forte before any)."""
    notes: list[Note] = []
    for part in score.parts:
        flat = part.flatten()
        marks = sorted((float(d.offset), float(d.volumeScalar or 0.7)) for d in flat.getElementsByClass("Dynamic"))
        mark_offsets = np.array([offset for offset, _ in marks])
        for element in flat.notes:
            offset = float(element.offset)
            length = float(element.duration.quarterLength)
            start = seconds(offset)
            duration = seconds(offset + length) - start if length > 0 else 0.08  # a grace note: a short touch
            i = int(np.searchsorted(mark_offsets, offset + 1e-9)) - 1
            velocity = marks[i][1] if i >= 0 else 0.7
            for pitch in element.pitches:
                notes.append(Note(start, max(duration, 0.05), int(pitch.midi), float(np.clip(velocity, 0.2, 1.0))))
            if len(notes) > MAX_NOTES:
                raise InputError(f"the score has more than {MAX_NOTES} notes; give a shorter one")
    return tuple(sorted(notes, key=lambda n: (n.start, n.pitch)))


@dataclass(frozen=True)
class _Span:
    """A written measure: offset and length in quarter notes, its time signature, and whether a section ends."""

    offset: float
    length: float
    numerator: int
    denominator: int
    closes: bool

    @property
    def full(self) -> float:
        """The length of a whole bar of its meter (quarter notes)."""
        return self.numerator * 4.0 / self.denominator


def _spans(measures: list[Any]) -> list[_Span]:
    """Measures as spans, with a bar split around a repeat (the end of one pass and the pickup of the next)
    joined back into one bar."""
    spans: list[_Span] = []
    signature = None
    for i, measure in enumerate(measures):
        signature = measure.timeSignature or signature or measure.getContextByClass("TimeSignature")
        numerator, denominator = (signature.numerator, signature.denominator) if signature else (4, 4)
        offset = float(measure.offset)
        full = numerator * 4.0 / denominator
        if i + 1 < len(measures):
            length = float(measures[i + 1].offset) - offset
        else:
            length = min(full, float(measure.highestTime) or full)
        if length <= 1e-6:
            continue
        barline = measure.rightBarline
        closes = barline is not None and (
            barline.type in ("double", "final", "light-light", "light-heavy") or hasattr(barline, "direction")
        )
        previous = spans[-1] if spans else None
        if (
            previous is not None
            and len(spans) > 1
            and previous.length < previous.full - 1e-6
            and (previous.numerator, previous.denominator) == (numerator, denominator)
            and abs(previous.length + length - full) < 1e-6
        ):
            spans[-1] = _Span(previous.offset, full, numerator, denominator, previous.closes or closes)
            continue
        spans.append(_Span(offset, length, numerator, denominator, closes))
    return spans


def _score_bars(measures: list[Any], seconds: Callable[[float], float], notes: tuple[Note, ...]) -> Notation:
    """Bars from measures; a short measure before a full one is a pickup (also one played again after a repeat
    sign): its beats are counted, in no bar. Double bars, repeats and meter changes start a section."""
    pickup: list[float] = []
    bars: list[NotatedBar] = []
    starts: list[int] = []
    last_meter = ""
    cut_next = False
    spans = _spans(measures)
    for i, span in enumerate(spans):
        beat = beat_length(span.numerator, span.denominator)
        short = span.length < span.full - 1e-6
        before_full_bar = i + 1 < len(spans) and spans[i + 1].length >= spans[i + 1].full - 1e-6
        padding = span.full - span.length if short and (i == 0 or before_full_bar) else 0.0
        positions = [k * beat - padding for k in range(int(round(span.full / beat)) + 1)]
        beats = tuple(seconds(span.offset + p) for p in positions if -1e-6 <= p < span.length - 1e-6)
        meter = f"{span.numerator}/{span.denominator}"
        if padding > 0:
            pickup.extend(beats)
            continue
        if bars and (meter != last_meter or cut_next):
            starts.append(len(bars))
        bars.append(NotatedBar(seconds(span.offset), seconds(span.offset + span.length), beats, meter))
        last_meter = meter
        cut_next = span.closes
    return Notation(tuple(pickup), tuple(bars), tuple(sorted(set(starts))), notes)
