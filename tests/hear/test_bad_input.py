"""Unusable or unusual input: a clear one-line message or a sensible map, never a crash."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import mir_eval
import numpy as np
import pytest
import soundfile as sf

from redshoes.errors import InputError
from redshoes.hear import hear_file, load_audio
from redshoes.hear.audio import SAMPLE_RATE

from .conftest import click_track


def _write(path: Path, samples: np.ndarray, rate: int) -> Path:
    sf.write(str(path), samples, rate, subtype="PCM_16")
    return path


def test_silent_file_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "silence.wav", np.zeros(SAMPLE_RATE * 10, np.float32), SAMPLE_RATE)
    with pytest.raises(InputError, match="is silent") as error:
        hear_file(path)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("colour", ["white", "pink"])
def test_noise_is_refused_as_noise(tmp_path: Path, colour: str) -> None:
    from scipy.signal import lfilter

    noise = np.random.default_rng(1).normal(0, 1, SAMPLE_RATE * 20)
    if colour == "pink":
        noise = lfilter([0.0499, -0.0960, 0.0506, -0.0044], [1, -2.4950, 2.0173, -0.5222], noise)
    noise = 0.3 * noise / np.abs(noise).max()
    path = _write(tmp_path / f"{colour}.wav", noise.astype(np.float32), SAMPLE_RATE)
    with pytest.raises(InputError, match="steady noise"):
        hear_file(path)


def test_one_second_file_is_too_short(tmp_path: Path) -> None:
    audio, _ = click_track(120, 4, 1.0, start=0.1)
    path = _write(tmp_path / "one.wav", audio.samples, SAMPLE_RATE)
    with pytest.raises(InputError, match="too short"):
        hear_file(path)


@pytest.mark.parametrize("rate", [8000, 11025, 44100, 96000, 192000])
def test_sample_rates_from_8_to_192_khz(tmp_path: Path, rate: int) -> None:
    from scipy.signal import resample_poly

    audio, truth = click_track(120, 4, 20.0)
    samples = resample_poly(audio.samples, rate, SAMPLE_RATE) if rate != SAMPLE_RATE else audio.samples
    music, heard = hear_file(_write(tmp_path / f"r{rate}.flac", samples.astype(np.float32), rate))
    assert heard.sample_rate == SAMPLE_RATE
    assert heard.duration == pytest.approx(20.0, abs=0.01)
    assert mir_eval.beat.f_measure(truth, np.array(music.beats)) >= 0.9


@pytest.mark.parametrize("channels", [1, 2, 6])
def test_mono_to_five_one(tmp_path: Path, channels: int) -> None:
    audio, truth = click_track(100, 3, 20.0)
    gains = np.linspace(1.0, 0.5, channels)
    samples = audio.samples[:, None] * gains[None, :]
    music, heard = hear_file(_write(tmp_path / f"c{channels}.wav", samples.astype(np.float32), SAMPLE_RATE))
    assert heard.samples.ndim == 1
    assert music.meter == "3/4"
    assert mir_eval.beat.f_measure(truth, np.array(music.beats)) >= 0.9


def test_long_file_decodes_in_bounded_memory(tmp_path: Path) -> None:
    """20 minutes at 8 kHz: decoding holds little beyond the decoded signal itself (blocks, not the file)."""
    rate, minutes = 8000, 20
    path = tmp_path / "long.flac"
    tick = np.zeros(rate, np.float32)
    tick[:200] = 0.5
    with sf.SoundFile(str(path), "w", rate, 1, format="FLAC") as handle:
        for _ in range(minutes * 60):
            handle.write(tick)
    tracemalloc.start()
    audio = load_audio(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert audio.duration == pytest.approx(minutes * 60, abs=0.1)
    decoded = audio.samples.nbytes
    assert peak < 1.5 * decoded  # one output array and a block or two, not a copy of the whole file
