"""Live sources: WAV and raw PCM on a pipe, files in real time, the microphone, synthetic music."""

from __future__ import annotations

import io
import struct

import numpy as np
import pytest
import soundfile as sf

from redshoes.errors import InputError, OptionError
from redshoes.live.sources import Pacer, file_blocks, mic_blocks, pcm_stream_blocks, synthetic_blocks, wav_stream_blocks


class _Pipe(io.RawIOBase):
    """A non-seekable stream that hands out at most `piece` bytes per read, like a pipe."""

    def __init__(self, data: bytes, piece: int = 999) -> None:
        self.data, self.pos, self.piece = data, 0, piece

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = self.piece if n < 0 else min(n, self.piece)
        out = self.data[self.pos : self.pos + n]
        self.pos += len(out)
        return out


def _wav_bytes(samples: np.ndarray, rate: int, subtype: str) -> bytes:
    buffer = io.BytesIO()
    sf.write(buffer, samples, rate, format="WAV", subtype=subtype)
    data = bytearray(buffer.getvalue())
    data[4:8] = struct.pack("<I", 0xFFFFFFFF)  # as ffmpeg writes to a pipe: lengths unknown
    at = data.index(b"data")
    data[at + 4 : at + 8] = struct.pack("<I", 0xFFFFFFFF)
    return bytes(data)


@pytest.mark.parametrize(("subtype", "tolerance"), [("PCM_16", 1e-4), ("FLOAT", 1e-7), ("PCM_32", 1e-7)])
def test_a_wav_stream_from_a_pipe_is_read_whole(subtype: str, tolerance: float) -> None:
    rng = np.random.default_rng(0)
    stereo = (0.5 * rng.standard_normal((44100, 2))).clip(-1, 1).astype(np.float32)
    blocks = list(wav_stream_blocks(_Pipe(_wav_bytes(stereo, 44100, subtype))))
    assert {b.sample_rate for b in blocks} == {44100}
    got = np.concatenate([b.samples for b in blocks])
    np.testing.assert_allclose(got, stereo, atol=tolerance)
    assert len(blocks) == 10


def test_raw_pcm_needs_its_rate_and_is_read() -> None:
    pcm = (np.arange(-1000, 1000, dtype="<i2") * 16).tobytes()
    blocks = list(pcm_stream_blocks(_Pipe(pcm), rate=8000, channels=2))
    got = np.concatenate([b.samples for b in blocks])
    assert got.shape == (1000, 2) and got[0, 0] == pytest.approx(-16000 / 32768)
    with pytest.raises(OptionError):
        list(pcm_stream_blocks(_Pipe(pcm), rate=8000, channels=1, pcm="mp3"))


def test_what_is_not_wav_is_told_in_one_line() -> None:
    with pytest.raises(InputError, match="not a WAV stream"):
        list(wav_stream_blocks(_Pipe(b"ID3\x04 this is an mp3")))
    with pytest.raises(InputError, match="ends before"):
        list(wav_stream_blocks(_Pipe(b"RIFF\xff\xff\xff\xffWAVEfmt ")))


def test_a_file_is_played_in_real_time(tmp_path) -> None:
    path = tmp_path / "tone.wav"
    sf.write(path, np.zeros(22050, np.float32), 22050)
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    import redshoes.live.sources as sources

    blocks = sources._file_iter(sf.SoundFile(str(path)), 0.1, Pacer(1.0, clock=lambda: now[0], sleep=sleep))
    assert sum(len(b.samples) for b in blocks) == 22050
    assert now[0] == pytest.approx(1.0)  # one second of music took one second
    assert len(list(file_blocks(path, speed=0))) == 10
    with pytest.raises(InputError, match="no such file"):
        file_blocks(tmp_path / "missing.mp3")


def test_the_microphone_without_sounddevice_is_one_clear_line() -> None:
    try:
        import sounddevice  # noqa: F401
    except (ImportError, OSError):
        with pytest.raises(InputError, match="sounddevice"):
            mic_blocks()
    else:
        pytest.skip("sounddevice is installed here")


def test_synthetic_music_is_deterministic_and_bounded() -> None:
    a = np.concatenate([b.samples for b in synthetic_blocks(3.0, seed=1)])
    b = np.concatenate([b.samples for b in synthetic_blocks(3.0, seed=1)])
    assert np.array_equal(a, b) and len(a) == 3 * 22050 and np.abs(a).max() <= 1.0
