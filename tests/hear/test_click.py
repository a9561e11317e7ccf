"""The click track: a high click on each downbeat and a lower one on the other counts, on time."""

from __future__ import annotations

import numpy as np
import pytest

from redshoes.hear import hear, mix_click
from redshoes.hear.audio import SAMPLE_RATE, Audio
from redshoes.hear.click import BEAT_HZ, DOWNBEAT_HZ

from .conftest import click_track


def _pitch(segment: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(segment * np.hanning(len(segment)), 8192))
    return float(np.argmax(spectrum) * SAMPLE_RATE / 8192)


def test_clicks_fall_on_the_counts() -> None:
    audio, _ = click_track(100, 3, 20.0)
    music = hear(audio, source="clicks")
    silent = Audio(np.zeros_like(audio.samples), SAMPLE_RATE)
    mixed = mix_click(silent, music)
    assert len(mixed.samples) == len(audio.samples) and mixed.sample_rate == SAMPLE_RATE
    n = int(0.02 * SAMPLE_RATE)
    down = int(round(music.downbeats[1] * SAMPLE_RATE))
    other = int(round(music.bars[1].beats[1] * SAMPLE_RATE))
    assert _pitch(mixed.samples[down : down + n]) == pytest.approx(DOWNBEAT_HZ, abs=10.0)
    assert _pitch(mixed.samples[other : other + n]) == pytest.approx(BEAT_HZ, abs=10.0)
    between = int(round((music.bars[1].beats[1] + music.bars[1].beats[2]) / 2 * SAMPLE_RATE))
    assert np.abs(mixed.samples[between : between + n]).max() == 0.0


def test_mixing_keeps_the_music_and_stays_in_range() -> None:
    audio, _ = click_track(120, 4, 10.0)
    loud = Audio(np.clip(audio.samples * 1.2, -1, 1), SAMPLE_RATE)
    mixed = mix_click(loud, hear(audio, source="clicks"))
    assert np.abs(mixed.samples).max() <= 1.0
    assert np.corrcoef(mixed.samples, loud.samples)[0, 1] > 0.7

