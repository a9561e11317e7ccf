"""Beat tracking on onset patterns with known answers: pickups before the beat, and the end of the music."""

from __future__ import annotations

import mir_eval
import numpy as np

from redshoes.hear import hear
from redshoes.hear.audio import SAMPLE_RATE, Audio
from redshoes.hear.beats import _lead_in_discounted, track_beats
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


def _plucks(
    times: np.ndarray, seconds: float, *, decay: float = 0.3, gain: float = 0.5, rise: float = 0.0
) -> np.ndarray:
    """A 3/4 accompaniment: a bass note on every third time, a chord on the others; `rise` seconds of attack."""
    samples = np.zeros(int(seconds * SAMPLE_RATE), np.float32)
    for i, time in enumerate(times):
        note = _tone(1.0, (110.0, 220.0) if i % 3 == 0 else (330.0, 440.0, 554.0), decay, gain)
        if rise > 0.0:
            note *= np.minimum(1.0, np.arange(len(note)) / (rise * SAMPLE_RATE)).astype(np.float32)
        a = int(round(time * SAMPLE_RATE))
        end = min(len(samples), a + len(note))
        samples[a:end] += note[: end - a]
    return samples


def test_a_beat_just_before_the_file_cuts_the_music_off_is_not_counted() -> None:
    # steady notes at 100 BPM; the file stops 0.2 s after the last one struck, while it still sounds
    period = 0.6
    played = 0.5 + period * np.arange(60)
    samples = _plucks(played, played[-1] + 0.2, decay=1.0)
    music = hear(Audio(samples, SAMPLE_RATE), source="cut off")
    assert abs(music.beats[-1] - played[-2]) < 0.05
    assert mir_eval.beat.f_measure(played[:-1], np.array(music.beats)) == 1.0


def test_a_short_soft_last_note_on_a_new_downbeat_is_a_pickup_not_a_count() -> None:
    # twelve bars of 3/4 at 90, then a soft short note where bar 13 would begin, then silence: the piece stops
    # before the phrase that note leads into, so the count ends with bar 12 (a held chord there would count)
    period = 60.0 / 90
    played = 0.5 + period * np.arange(36)
    samples = _plucks(played, played[-1] + period + 4.0, decay=0.3, gain=0.6)
    pickup = _tone(0.5, (440.0, 880.0), 0.05, 0.25)
    a = int(round((played[-1] + period) * SAMPLE_RATE))
    samples[a : a + len(pickup)] += pickup
    music = hear(Audio(samples, SAMPLE_RATE), source="pickup at the end")
    assert len(music.beats) == len(played)
    assert np.max(np.abs(np.array(music.beats) - played)) < 0.05


def test_swelling_notes_are_not_counted_late() -> None:
    # bowed-like notes that take 30 ms to speak: the count falls where they begin, not where they are loudest
    period = 0.6
    played = 0.5 + period * np.arange(60)
    samples = _plucks(played, played[-1] + 2.0, rise=0.03)
    beats = np.array(hear(Audio(samples, SAMPLE_RATE), source="swelling").beats)
    offsets = [beats[np.argmin(np.abs(beats - t))] - t for t in played]
    assert abs(float(np.mean(offsets))) < 0.010



def _weights(times: np.ndarray, period: float, seconds: float) -> tuple[np.ndarray, np.ndarray]:
    """The pickup-discounted onset strength of equal notes at `times`, and their frames."""
    onset = _impulses(times, np.ones(len(times)), seconds)
    frames = np.round(times / FRAME).astype(int)
    return _lead_in_discounted(onset, np.full(len(onset), period / FRAME)), frames


def test_two_notes_a_seventh_of_a_beat_apart_are_one_attack_not_a_pickup_and_its_beat() -> None:
    # a rolled chord or a cello speaking just after the viola: the first note keeps its weight
    period = 0.6
    weight, frames = _weights(np.array([2.0, 2.0 + period / 7]), period, 4.0)
    assert weight[frames[0]] >= 0.9 * weight[frames[1]]


def test_a_grace_note_a_third_of_a_beat_before_its_note_is_a_pickup() -> None:
    # a grace note, the note it leads into a third of a beat later, then the next note half a beat on
    period = 0.6
    times = np.array([2.0, 2.0 + period / 3, 2.0 + period / 3 + period / 2])
    weight, frames = _weights(times, period, 4.0)
    assert weight[frames[0]] < 0.5 * weight[frames[1]]
