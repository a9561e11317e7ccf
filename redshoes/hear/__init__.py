"""Stage 1, hear: music (audio file or score) → music map."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from redshoes.errors import InputError
from redshoes.hear.audio import Audio, load_audio, write_audio_ogg
from redshoes.hear.bars import end_at_bar, make_bars
from redshoes.hear.beats import last_note_fades, track_beats, trim_beats
from redshoes.hear.click import mix_click
from redshoes.hear.energy import SILENCE_DB, accents, energy_curve, loudest_db, sustained
from redshoes.hear.features import compute_features, percussiveness, timbre_variation
from redshoes.hear.meter import BEATS_PER_BAR, infer_meter
from redshoes.hear.music_map import MusicMap
from redshoes.hear.phrases import make_phrases, phrase_breaks, phrase_length
from redshoes.hear.sections import label_phrases, make_sections, phrase_vectors

PERCUSSIVE = 0.01  # flatness at the strongest onsets above this: drums (0.02-0.14); piano, strings below 0.005
DRUM_GROUPINGS = (3, 4)  # a drum kit's music is counted in 4 (or 3), never in bars of 2
NOISE_TIMBRE = 1.0  # timbre variation below this is steady noise (music measures 2 and more)

__all__ = ["Audio", "MusicMap", "hear", "hear_file", "hear_score", "load_audio", "mix_click", "write_audio_ogg"]


def hear(audio: Audio, *, source: str) -> MusicMap:
    """Analyse decoded audio into beats, bars, meter, phrases, sections and dynamics."""
    features = compute_features(audio)
    if loudest_db(features) < SILENCE_DB:
        raise InputError(f"{source} is silent (loudest moment {loudest_db(features):.0f} dBFS); give music")
    if timbre_variation(features) < NOISE_TIMBRE:
        raise InputError(f"{source} sounds like steady noise (nothing in it changes); give music with a pulse")
    percussive = percussiveness(features) > PERCUSSIVE
    track = track_beats(features.onset, features.hop, bass=features.bass, percussive=percussive)
    beats, held = trim_beats(track.beats, features)
    if len(beats) < 4:
        raise InputError(
            f"{source}: no steady beat found (is it silent or only noise?); give music with a pulse"
        )
    meter = infer_meter(features, beats, groupings=DRUM_GROUPINGS if percussive else BEATS_PER_BAR)
    beats, meter = end_at_bar(beats, meter, held, fades=last_note_fades(beats, features))
    bars = make_bars(beats, meter, audio.duration)
    if not bars:
        raise InputError(f"{source}: no bars found; give music with a steady pulse")
    length = phrase_length(bars)
    phrases = make_phrases(bars, length=length, breaks=phrase_breaks(bars, features, length))
    labels = label_phrases(phrase_vectors(features, phrases))
    sections = make_sections(phrases, labels)
    curve = energy_curve(features, audio.duration)
    counted = [b for bar in bars for b in bar.beats]
    intervals = np.diff(np.asarray(counted)) if len(counted) > 1 else np.array([0.5])
    meters = [bar.meter for bar in bars]
    return MusicMap(
        source=source,
        duration=round(audio.duration, 6),
        tempo=round(float(60.0 / np.median(intervals)), 3),
        meter=max(sorted(set(meters)), key=meters.count),
        beats=tuple(float(b) for b in beats),
        downbeats=tuple(bar.start for bar in bars),
        bars=bars,
        phrases=phrases,
        sections=sections,
        energy=curve,
        accents=accents(features),
        sustained=sustained(features, curve),
    )


def hear_file(path: Path) -> tuple[MusicMap, Audio]:
    """Hear a music file; a MIDI file or a score (by its suffix) is read exactly and rendered instead."""
    from redshoes.music.notation import NOTATION_SUFFIXES

    if Path(path).suffix.lower() in NOTATION_SUFFIXES:
        return hear_score(Path(path))
    audio = load_audio(Path(path))
    return hear(audio, source=Path(path).name), audio


def hear_score(path: Path) -> tuple[MusicMap, Audio]:
    """Read a MIDI file or a score (MusicXML, kern) into its exact map and its audio from Red Shoes' synthesiser."""
    from redshoes.hear.notated import hear_score as read

    return read(Path(path))
