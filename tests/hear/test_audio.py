"""Decoding: formats, resampling, and the one-line errors for unusable input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from redshoes.errors import InputError
from redshoes.hear.audio import Audio, load_audio, write_audio_ogg


def _tone(rate: int, seconds: float = 3.0) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)


@pytest.mark.parametrize("suffix,rate", [(".wav", 44100), (".flac", 48000), (".ogg", 22050)])
def test_formats_decode_to_mono_22050(tmp_path: Path, suffix: str, rate: int) -> None:
    stereo = np.stack([_tone(rate), _tone(rate)], axis=1)
    path = tmp_path / f"music{suffix}"
    sf.write(str(path), stereo, rate)
    audio = load_audio(path)
    assert audio.sample_rate == 22050
    assert audio.samples.ndim == 1 and audio.samples.dtype == np.float32
    assert audio.duration == pytest.approx(3.0, abs=0.01)
    assert np.abs(audio.samples).max() == pytest.approx(0.5, abs=0.05)


def test_block_resampling_is_seamless(tmp_path: Path) -> None:
    from scipy.signal import resample_poly

    tone = _tone(44100, 130.0)
    sf.write(str(tmp_path / "long.wav"), tone, 44100, subtype="FLOAT")
    audio = load_audio(tmp_path / "long.wav")
    reference = resample_poly(tone, 1, 2)
    assert len(audio.samples) == len(reference)
    assert np.abs(audio.samples - reference).max() < 1e-4


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_audio(tmp_path / "nothing.mp3")


def test_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a folder"):
        load_audio(tmp_path)


def test_text_renamed_mp3(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "song.mp3"
    path.write_text("this is not music\n" * 50)
    with pytest.raises(InputError, match="cannot read it as audio"):
        load_audio(path)
    assert capfd.readouterr().err == ""  # the decoder's own notes do not reach the user


def test_too_short(tmp_path: Path) -> None:
    sf.write(str(tmp_path / "blip.wav"), _tone(22050, 0.5), 22050)
    with pytest.raises(InputError, match="too short"):
        load_audio(tmp_path / "blip.wav")


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty.wav").write_bytes(b"")
    with pytest.raises(InputError):
        load_audio(tmp_path / "empty.wav")


def test_ogg_round_trip(tmp_path: Path) -> None:
    audio = Audio(_tone(22050, 25.0), 22050)
    write_audio_ogg(audio, tmp_path / "music.ogg")
    again = load_audio(tmp_path / "music.ogg")
    assert again.duration == pytest.approx(25.0, abs=0.05)


def test_unsupported_format(tmp_path: Path) -> None:
    path = tmp_path / "music.m4a"
    path.write_bytes(bytes(range(256)) * 64)
    with pytest.raises(InputError, match="give a wav, flac, ogg or mp3 file"):
        load_audio(path)


def test_too_long_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import redshoes.hear.audio as audio_module

    monkeypatch.setattr(audio_module, "MAX_SECONDS", 5.0)
    sf.write(str(tmp_path / "long.wav"), _tone(22050, 10.0), 22050)
    with pytest.raises(InputError, match="cut it shorter"):
        load_audio(tmp_path / "long.wav")
