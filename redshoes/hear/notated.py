"""Hearing written music: the map comes exactly from the notation, the audio from Red Shoes' own synthesiser.

Beats, bars and meters (with their changes) are the score's. Phrases are counted in eights (4 bars of 4/4)
from the first full bar, restarting where the notation starts a section (a double bar, a repeat sign, a meter
change). Sections are the notation's (each lettered by the similarity of its music to earlier ones); a score
that marks none is divided as heard music is. Dynamics (energy, accents, legato) are heard from the rendering.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from redshoes.hear.audio import Audio
from redshoes.hear.bars import written_bars
from redshoes.hear.energy import accents, energy_curve, sustained
from redshoes.hear.features import Features, compute_features
from redshoes.hear.music_map import Bar, MusicMap, Phrase, Section
from redshoes.hear.phrases import make_phrases, phrase_length
from redshoes.hear.sections import label_phrases, make_sections, phrase_vectors
from redshoes.music.notation import Notation, read_notation
from redshoes.music.synth import render_notes

TAIL = 1.5  # seconds of ringing after the last note
MIN_SECTION_BARS = 4


def hear_score(path: Path) -> tuple[MusicMap, Audio]:
    """Read a MIDI file or a score (MusicXML, kern) into its exact music map and its rendered audio."""
    path = Path(path)
    notation = read_notation(path)
    audio = render_notes(notation.notes, notation.end + TAIL)
    return notation_music_map(notation, audio, source=path.name), audio


def notation_music_map(notation: Notation, audio: Audio, *, source: str) -> MusicMap:
    """The map written in the notation, with dynamics heard from its rendering."""
    features = compute_features(audio)
    bars = written_bars(notation.bars)
    starts = section_starts(notation.section_starts, len(bars))
    phrases = make_phrases(bars, length=phrase_length(bars), breaks=starts)
    sections = _sections(bars, phrases, starts, features)
    beats = tuple(sorted({round(t, 6) for t in notation.pickup} | {t for bar in bars for t in bar.beats}))
    counted = np.diff([t for bar in bars for t in bar.beats]) if sum(len(b.beats) for b in bars) > 1 else [0.5]
    meters = [bar.meter for bar in bars]
    curve = energy_curve(features, audio.duration)
    return MusicMap(
        source=source,
        duration=round(audio.duration, 6),
        tempo=round(float(60.0 / np.median(counted)), 3),
        meter=max(sorted(set(meters)), key=meters.count),
        beats=beats,
        downbeats=tuple(bar.start for bar in bars),
        bars=bars,
        phrases=phrases,
        sections=sections,
        energy=curve,
        accents=accents(features),
        sustained=sustained(features, curve),
    )


def section_starts(marked: tuple[int, ...], bars: int) -> tuple[int, ...]:
    """The notation's section starts (bar positions from 0), a section shorter than 4 bars joined to the next."""
    kept: list[int] = []
    for start in sorted(marked):
        if start - (kept[-1] if kept else 0) >= MIN_SECTION_BARS:
            kept.append(start)
    while kept and bars - kept[-1] < MIN_SECTION_BARS:
        kept.pop()
    return tuple(kept)


def _sections(
    bars: tuple[Bar, ...], phrases: tuple[Phrase, ...], starts: tuple[int, ...], features: Features
) -> tuple[Section, ...]:
    """The notation's sections lettered by likeness (A, B, A′), or heard sections when it marks none."""
    if not starts:
        return make_sections(phrases, label_phrases(phrase_vectors(features, phrases)))
    cuts = [0, *starts, len(bars)]
    spans = [
        Phrase(bars[a].start, bars[b - 1].end, bars[a].index, b - a)
        for a, b in zip(cuts[:-1], cuts[1:], strict=False)
        if b > a
    ]
    labels = label_phrases(phrase_vectors(features, tuple(spans)))
    sections: list[Section] = []
    for label, span in zip(labels, spans, strict=True):
        if sections and sections[-1].label == label:
            last = sections[-1]
            sections[-1] = Section(label, last.start, span.end, last.first_bar, last.bars + span.bars)
        else:
            sections.append(Section(label, span.start, span.end, span.first_bar, span.bars))
    return tuple(sections)
