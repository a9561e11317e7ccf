"""Where live audio comes from: a file played in real time, a WAV or raw PCM stream on standard input, a
microphone, or synthetic music (for tests and benchmarks). Each is an iterator of `AudioBlock`s."""

from __future__ import annotations

import struct
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

import numpy as np
import soundfile as sf

from redshoes.errors import InputError, OptionError
from redshoes.live.stage import AudioBlock

BLOCK_SECONDS = 0.1


class ByteStream(Protocol):
    """What audio is read from: standard input's buffer, a pipe, a socket file."""

    def read(self, n: int = -1, /) -> bytes: ...


PCM_FORMATS = {"s16le": ("<i2", 32768.0), "s32le": ("<i4", 2147483648.0), "f32le": ("<f4", 1.0)}


class Pacer:
    """Hands blocks on no faster than `speed` times real time (speed 0: as fast as they come)."""

    def __init__(self, speed: float = 1.0, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.speed, self.clock, self.sleep = speed, clock, sleep
        self.started: float | None = None

    def wait_until(self, stream_seconds: float) -> None:
        """Block until the audio up to `stream_seconds` has played (the moment a real source delivers it)."""
        if self.speed <= 0:
            return
        if self.started is None:
            self.started = self.clock()
        delay = self.started + stream_seconds / self.speed - self.clock()
        if delay > 0:
            self.sleep(delay)


def file_blocks(path: Path, *, block_seconds: float = BLOCK_SECONDS, speed: float = 1.0) -> Iterator[AudioBlock]:
    """A music file as blocks, each handed on when it has 'played' (`speed` 1 = real time, 0 = at once)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file; give the path of a music file (wav, flac, ogg, mp3)")
    try:
        handle = sf.SoundFile(str(path))
    except (sf.LibsndfileError, RuntimeError, TypeError) as error:
        raise InputError(f"{path}: cannot read it as audio ({error}); give a wav, flac, ogg or mp3 file") from None
    return _file_iter(handle, block_seconds, Pacer(speed))


def _file_iter(handle: sf.SoundFile, block_seconds: float, pacer: Pacer) -> Iterator[AudioBlock]:
    with handle:
        rate = int(handle.samplerate)
        block = max(1, int(block_seconds * rate))
        done = 0
        while True:
            data = handle.read(block, dtype="float32", always_2d=True)
            if len(data) == 0:
                return
            done += len(data)
            pacer.wait_until(done / rate)
            yield AudioBlock(samples=data, sample_rate=rate)


def wav_stream_blocks(stream: ByteStream, *, block_seconds: float = BLOCK_SECONDS) -> Iterator[AudioBlock]:
    """A WAV stream (RIFF header read here, the data length ignored, so pipes from ffmpeg work) as blocks."""
    rate, channels, dtype, scale = read_wav_header(stream)
    return _pcm_iter(stream, rate, channels, dtype, scale, block_seconds)


def pcm_stream_blocks(stream: ByteStream, *, rate: int, channels: int, pcm: str = "s16le",
                      block_seconds: float = BLOCK_SECONDS) -> Iterator[AudioBlock]:
    """Raw interleaved PCM on a stream (`pcm`: s16le, s32le or f32le) as blocks."""
    if pcm not in PCM_FORMATS:
        raise OptionError(f"--pcm {pcm!r}: use one of {', '.join(PCM_FORMATS)}")
    if not (1000 <= rate <= 384000) or not (1 <= channels <= 32):
        raise OptionError(f"--rate {rate} --channels {channels}: give a rate in Hz (e.g. 44100) and 1 to 32 channels")
    dtype, scale = PCM_FORMATS[pcm]
    return _pcm_iter(stream, rate, channels, dtype, scale, block_seconds)


def _pcm_iter(stream: ByteStream, rate: int, channels: int, dtype: str, scale: float,
              block_seconds: float) -> Iterator[AudioBlock]:
    frame_bytes = np.dtype(dtype).itemsize * channels
    want = max(1, int(block_seconds * rate)) * frame_bytes
    rest = b""
    while True:
        data = rest + _read_up_to(stream, want - len(rest))
        if len(data) < frame_bytes:
            return
        usable = len(data) // frame_bytes * frame_bytes
        data, rest = data[:usable], data[usable:]
        samples = np.frombuffer(data, dtype=dtype).astype(np.float32) / scale
        yield AudioBlock(samples=samples.reshape(-1, channels), sample_rate=rate)


def _read_up_to(stream: ByteStream, n: int) -> bytes:
    """Read n bytes, or fewer only at the end of the stream (pipes deliver in pieces)."""
    parts, got = [], 0
    while got < n:
        piece = stream.read(n - got)
        if not piece:
            break
        parts.append(piece)
        got += len(piece)
    return b"".join(parts)


def read_wav_header(stream: ByteStream) -> tuple[int, int, str, float]:
    """Sample rate, channels, NumPy dtype and full scale of a WAV stream; leaves it at the first sample."""
    head = _read_up_to(stream, 12)
    if len(head) < 12 or head[:4] not in (b"RIFF", b"RF64") or head[8:12] != b"WAVE":
        raise InputError("standard input is not a WAV stream; pipe WAV (ffmpeg -f wav -) or raw PCM with --rate")
    fmt: tuple[int, int, int, int] | None = None
    while True:
        chunk = _read_up_to(stream, 8)
        if len(chunk) < 8:
            raise InputError("the WAV stream ends before its audio data; check the command that feeds it")
        kind, size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
        if kind == b"data":
            break
        body = _read_up_to(stream, size + (size & 1))
        if kind == b"fmt ":
            code, channels, rate = struct.unpack("<HHI", body[:8])
            bits = struct.unpack("<H", body[14:16])[0]
            if code == 0xFFFE and len(body) >= 26:
                code = struct.unpack("<H", body[24:26])[0]
            fmt = (code, channels, rate, bits)
    if fmt is None:
        raise InputError("the WAV stream has no format chunk; re-encode it (ffmpeg -f wav -)")
    code, channels, rate, bits = fmt
    kinds = {(1, 16): ("<i2", 32768.0), (1, 32): ("<i4", 2147483648.0), (3, 32): ("<f4", 1.0),
             (1, 8): ("u1", 128.0)}
    if (code, bits) not in kinds or channels < 1 or rate <= 0:
        raise InputError(f"WAV format {code} with {bits} bits is not read live; use 16-bit PCM "
                         "(ffmpeg -f wav -acodec pcm_s16le -)")
    dtype, scale = kinds[(code, bits)]
    if dtype == "u1":
        raise InputError("8-bit WAV is not read live; use 16-bit PCM (ffmpeg -f wav -acodec pcm_s16le -)")
    return rate, channels, dtype, scale


def mic_blocks(*, rate: int = 22050, block_seconds: float = BLOCK_SECONDS) -> Iterator[AudioBlock]:
    """The default microphone, through the `sounddevice` package (PortAudio)."""
    try:
        import sounddevice
    except (ImportError, OSError):
        raise InputError("--mic needs the sounddevice package and PortAudio (pip install sounddevice); "
                         "or pipe audio in: ffmpeg ... -f wav - | redshoes live -") from None
    try:
        stream = sounddevice.InputStream(samplerate=rate, channels=1, dtype="float32",
                                         blocksize=int(rate * block_seconds))
    except Exception as error:  # PortAudio reports a missing device in many ways
        raise InputError(f"no microphone could be opened ({error}); plug one in or pipe audio in") from None
    return _mic_iter(stream, rate, int(rate * block_seconds))


def _mic_iter(stream: object, rate: int, block: int) -> Iterator[AudioBlock]:
    with stream:  # type: ignore[attr-defined]
        while True:
            data, _ = stream.read(block)  # type: ignore[attr-defined]
            yield AudioBlock(samples=np.asarray(data), sample_rate=rate)


def synthetic_blocks(seconds: float, *, bpm: float = 120.0, beats_per_bar: int = 4, rate: int = 22050,
                     block_seconds: float = BLOCK_SECONDS, speed: float = 0.0, seed: int = 0,
                     silence: tuple[tuple[float, float], ...] = ()) -> Iterator[AudioBlock]:
    """Synthetic music made block by block (bounded memory for hours): a bass on the downbeat, a click on
    every beat, a soft hi-hat on the off-beats and a little noise; `silence` lists (start, end) seconds of rest.
    """
    rng = np.random.default_rng(seed)
    period = 60.0 / bpm
    block = max(1, int(block_seconds * rate))
    total = int(seconds * rate)
    pacer = Pacer(speed)
    for first in range(0, total, block):
        n = min(block, total - first)
        t = (first + np.arange(n)) / rate
        beat = np.floor(t / period)
        since = t - beat * period
        downbeat = (beat % beats_per_bar) == 0
        envelope = np.exp(-since / 0.08)
        out = envelope * (0.35 * np.sin(2 * np.pi * 880.0 * since) + 0.45 * downbeat * np.sin(2 * np.pi * 65.0 * since))
        half = t - (beat + 0.5) * period
        out += 0.08 * np.where(half >= 0, np.exp(-half / 0.02), 0.0) * rng.standard_normal(n)
        out += 0.003 * rng.standard_normal(n)
        for a, b in silence:
            out[(t >= a) & (t < b)] = 0.0
        pacer.wait_until((first + n) / rate)
        yield AudioBlock(samples=out.astype(np.float32), sample_rate=rate)
