"""Drum-kit music: counted on every kick and snare (not at half tempo) and in bars of four."""

from __future__ import annotations

import mir_eval
import numpy as np
import pytest

from redshoes.hear import hear
from redshoes.hear.audio import SAMPLE_RATE, Audio
from redshoes.hear.features import compute_features, percussiveness

from .conftest import click_track


def drum_loop(bpm: float, seconds: float) -> tuple[Audio, np.ndarray]:
    """Kick on 1 and 3 (loud, noisy attack), a snare on 2 and 4 too soft for the full-band onsets to count (the
    tracker heard this at half tempo before it let drums set the tempo with their bass), a new chord every bar."""
    rng = np.random.default_rng(7)
    n = int(seconds * SAMPLE_RATE)
    out = np.zeros(n, np.float32)
    period = 60.0 / bpm
    t = np.arange(int(0.15 * SAMPLE_RATE)) / SAMPLE_RATE
    click = rng.normal(0, 1, len(t)) * np.exp(-t * 200)  # the beater's noisy attack
    kick = 0.9 * np.sin(2 * np.pi * (50 + 60 * np.exp(-t * 30)) * t) * np.exp(-t * 18) + 0.5 * click
    snare = 0.05 * rng.normal(0, 1, len(t)) * np.exp(-t * 25) + 0.15 * np.sin(2 * np.pi * 180 * t) * np.exp(-t * 30)
    beats = np.arange(0.5, seconds - 0.5, period)
    roots = (220.0, 174.6, 261.6, 196.0)
    for i, time in enumerate(beats):
        a = int(time * SAMPLE_RATE)
        sound = kick if i % 2 == 0 else snare
        out[a : a + len(t)] += sound[: n - a].astype(np.float32)
        if i % 4 == 0:
            length = min(n - a, int(4 * period * SAMPLE_RATE))
            tt = np.arange(length) / SAMPLE_RATE
            chord = sum(np.sin(2 * np.pi * roots[(i // 4) % 4] * r * tt) for r in (1.0, 1.26, 1.5))
            out[a : a + length] += (0.08 * chord * np.exp(-tt * 0.8)).astype(np.float32)
    return Audio(np.clip(out, -1, 1), SAMPLE_RATE), beats


def test_drums_are_percussive_and_clicks_of_tones_are_not() -> None:
    drums, _ = drum_loop(120, 20.0)
    tones, _ = click_track(120, 4, 20.0)
    assert percussiveness(compute_features(drums)) > 0.01 > percussiveness(compute_features(tones))


def test_drum_loop_is_counted_at_its_tempo_in_four() -> None:
    audio, truth = drum_loop(120, 40.0)
    music = hear(audio, source="drums")
    assert music.tempo == pytest.approx(120, rel=0.03)
    assert mir_eval.beat.f_measure(truth, np.array(music.beats)) >= 0.95
    assert music.meter == "4/4"
