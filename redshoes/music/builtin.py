"""The built-in piece: an original ballet-class piece as a score, its audio, and its exact music map."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from redshoes.hear.audio import Audio
from redshoes.hear.bars import written_bars
from redshoes.hear.energy import DYNAMIC_RANGE_DB, ENERGY_HOP
from redshoes.hear.music_map import Curve, MusicMap, Phrase, Section
from redshoes.music.score import Score, ScoreSection, load_score
from redshoes.music.synth import Note, render_notes

PIECE = Path(__file__).with_name("builtin_piece.toml")
SOURCE = "Red Shoes Waltz (built-in)"


@dataclass(frozen=True)
class TimedBar:
    """A score bar placed in time: start, counted beat times, section index."""

    start: float
    end: float
    beats: tuple[float, ...]
    section: int
    meter: str


def builtin_score() -> Score:
    """The built-in piece's score (read from builtin_piece.toml)."""
    return load_score(PIECE)


def timed_bars(score: Score) -> tuple[TimedBar, ...]:
    """Every bar with its exact beat times (seconds), in order."""
    bars: list[TimedBar] = []
    now = score.lead_in
    for index, section in enumerate(score.sections):
        beat = 60.0 / section.tempo
        for _ in section.bars:
            beats = tuple(now + i * beat for i in range(section.beats_per_bar))
            end = now + section.beats_per_bar * beat
            bars.append(TimedBar(now, end, beats, index, section.meter))
            now = end
    return tuple(bars)


def score_notes(score: Score) -> tuple[Note, ...]:
    """Melody and accompaniment notes of the whole score, in seconds."""
    notes: list[Note] = []
    timed = iter(timed_bars(score))
    for section in score.sections:
        beat = 60.0 / section.tempo
        for bar in section.bars:
            place = next(timed)
            notes.extend(_melody(bar.melody, place.start, beat, section))
            notes.extend(_accompaniment(bar.chord_root, bar.chord_intervals, bar.hold, place, beat, section))
    final = notes[-1].start + notes[-1].duration if notes else 0.0
    last_bar = timed_bars(score)[-1]
    return tuple(
        Note(
            n.start,
            n.duration + (score.tail - 0.3 if n.start >= last_bar.start - 1e-9 else 0.0),
            n.pitch,
            n.velocity,
        )
        if final
        else n
        for n in notes
    )


def _melody(melody: tuple, start: float, beat: float, section: ScoreSection) -> list[Note]:
    """Melody notes: legato in the waltz, short and light when staccato; a little lift on the downbeat."""
    notes = []
    t = start
    for note in melody:
        if note.pitch is not None:
            length = note.beats * beat * (0.45 if section.staccato else 0.95)
            velocity = 0.75 if abs(t - start) < 1e-9 else 0.62
            notes.append(Note(t, length, note.pitch, velocity))
        t += note.beats * beat
    return notes


def _accompaniment(
    root: int, intervals: tuple[int, ...], hold: bool, bar: TimedBar, beat: float, section: ScoreSection
) -> list[Note]:
    """Left hand: waltz (bass on 1, chords on 2 and 3) or oom-pah (bass on the beats, chords between)."""
    bass = 36 + root if root <= 7 else 24 + root
    chord = [48 + (root + i) % 12 + (12 if (root + i) % 12 < 5 else 0) for i in intervals[1:]]
    chord = sorted(chord) + ([60 + root] if len(intervals) == 3 else [])
    notes: list[Note] = []
    if hold:
        notes.append(Note(bar.start, bar.end - bar.start, bass, 0.8))
        notes.append(Note(bar.start, bar.end - bar.start, bass + 12, 0.5))
        notes.extend(Note(bar.start, bar.end - bar.start, p, 0.45) for p in chord)
        return notes
    if section.accompaniment in ("waltz", "vamp"):
        notes.append(Note(bar.beats[0], 0.95 * beat, bass, 0.85))
        for t in bar.beats[1:]:
            notes.extend(Note(t, 0.6 * beat, p, 0.38) for p in chord)
    elif section.accompaniment == "oompah":
        for i, t in enumerate(bar.beats):
            notes.append(Note(t, 0.45 * beat, bass if i % 2 == 0 else bass + 7, 0.85 if i == 0 else 0.7))
            notes.extend(Note(t + beat / 2, 0.3 * beat, p, 0.36) for p in chord)
    return notes


def render_score(score: Score) -> Audio:
    """The score as audio at 22050 Hz (deterministic)."""
    bars = timed_bars(score)
    return render_notes(score_notes(score), bars[-1].end + score.tail)


def score_music_map(score: Score, *, source: str) -> MusicMap:
    """The exact music map written in the score: beats, bars, meters, phrases, sections, and dynamics."""
    timed = timed_bars(score)
    duration = timed[-1].end + score.tail
    bars = written_bars(timed)
    phrases: list[Phrase] = []
    sections: list[Section] = []
    first = 0
    for section in score.sections:
        count = len(section.bars)
        last = bars[first + count - 1]
        sections.append(Section(section.label, bars[first].start, last.end, bars[first].index, count))
        for offset in range(0, count, 8):
            length = min(8, count - offset)
            a = first + offset
            phrases.append(Phrase(bars[a].start, bars[a + length - 1].end, bars[a].index, length))
        first += count
    beats = tuple(t for bar in bars for t in bar.beats)
    notes = score_notes(score)
    meters = [bar.meter for bar in bars]
    counted = [60.0 / s.tempo for s in score.sections for _ in range(len(s.bars) * s.beats_per_bar)]
    return MusicMap(
        source=source,
        duration=round(duration, 6),
        tempo=round(float(60.0 / np.median(counted)), 3),
        meter=max(sorted(set(meters)), key=meters.count),
        beats=beats,
        downbeats=tuple(bar.start for bar in bars),
        bars=bars,
        phrases=tuple(phrases),
        sections=tuple(sections),
        energy=_score_energy(notes, duration),
        accents=tuple(sorted({round(n.start, 6) for n in notes if n.velocity >= 0.75})),
        sustained=((bars[-1].start, round(duration, 6)),),
    )


def _score_energy(notes: tuple[Note, ...], duration: float) -> Curve:
    """Loudness from the notes (velocity squared, decaying), mapped to 0..1 over 40 dB like heard energy."""
    times = np.arange(0.0, duration, ENERGY_HOP)
    power = np.zeros(len(times))
    for note in notes:
        age = times - note.start
        alive = (age >= 0) & (age <= note.duration + 0.12)
        power[alive] += note.velocity**2 * np.exp(-age[alive] / 0.8)
    db = 10 * np.log10(power + 1e-9)
    values = np.clip((db - (db.max() - DYNAMIC_RANGE_DB)) / DYNAMIC_RANGE_DB, 0.0, 1.0)
    return Curve(hop=ENERGY_HOP, values=tuple(float(round(v, 4)) for v in values))


@lru_cache(maxsize=1)
def builtin_music() -> tuple[MusicMap, Audio]:
    """The built-in piece's exact map and its audio, for `redshoes dance` with no music given."""
    score = builtin_score()
    return score_music_map(score, source=SOURCE), render_score(score)
