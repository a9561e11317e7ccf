"""Beat tracking on onset patterns with known answers: pickups before the beat, and the end of the music."""

from __future__ import annotations

import mir_eval
import numpy as np

from redshoes.hear import hear
from redshoes.hear.audio import SAMPLE_RATE, Audio
from redshoes.hear.beats import track_beats
from redshoes.hear.features import HOP

FRAME = HOP / SAMPLE_RATE


def _impulses(times: np.ndarray, heights: np.ndarray, seconds: float) -> np.ndarray:
    """An onset-strength curve (frames) with a short peak of the given height at each time."""
    onset = np.zeros(int(seconds / FRAME), np.float32)
    for time, height in zip(times, heights, strict=True):
        frame = int(round(time / FRAME))
        onset[frame - 1 : frame + 2] += height * np.array([0.5, 1.0, 0.5], np.float32)
    return onset


def test_a_loud_pickup_leads_into_the_beat_and_is_not_the_beat() -> None:
    # a polonaise-like figure: every beat is preceded, a sixteenth earlier, by a louder short note
    period, seconds = 0.6, 40.0
    beats = np.arange(1.0, seconds - 1.0, period)
    pickups = beats - period / 4
    times = np.concatenate([beats, pickups])
    heights = np.concatenate([np.ones(len(beats)), 1.6 * np.ones(len(pickups))])
    track = track_beats(_impulses(times, heights, seconds), FRAME)
    assert mir_eval.beat.f_measure(beats, track.beats, f_measure_threshold=0.05) >= 0.95


def _tone(seconds: float, frequencies: tuple[float, ...], decay: float, gain: float) -> np.ndarray:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    wave = sum(np.sin(2 * np.pi * f * t) for f in frequencies) / len(frequencies)
    return (gain * wave * np.exp(-t / decay)).astype(np.float32)


def test_a_final_held_chord_is_counted_to_the_end_of_its_bar() -> None:
    # 3/4 at 90: twelve bars of plucked chords, then a held chord on the downbeat of bar 13, then silence
    period = 60.0 / 90
    start, bars = 0.5, 12
    played = start + period * np.arange(3 * bars)
    held = start + period * 3 * bars
    samples = np.zeros(int((held + 6.0) * SAMPLE_RATE), np.float32)
    for i, time in enumerate(played):
        pluck = _tone(0.5, (110.0, 220.0, 330.0) if i % 3 == 0 else (440.0, 554.0, 659.0), 0.08, 0.6)
        a = int(time * SAMPLE_RATE)
        samples[a : a + len(pluck)] += pluck
    chord = _tone(3.0, (110.0, 277.0, 330.0, 440.0), 1.5, 0.8)
    chord[-int(0.2 * SAMPLE_RATE) :] *= np.linspace(1.0, 0.0, int(0.2 * SAMPLE_RATE), dtype=np.float32)
    a = int(held * SAMPLE_RATE)
    samples[a : a + len(chord)] += chord
    music = hear(Audio(samples, SAMPLE_RATE), source="held chord")
    expected = np.concatenate([played, held + period * np.arange(3)])
    assert len(music.beats) == len(expected)
    assert np.max(np.abs(np.array(music.beats) - expected)) < 0.05
    assert len(music.bars[-1].beats) == 3
