"""Decoding music files to one mono signal at one sample rate, so every later step can trust its input."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from math import gcd
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import resample_poly

from redshoes.errors import InputError, OutputError
from redshoes.hear.resample import StreamResampler

SAMPLE_RATE = 22050
MIN_SECONDS = 2.0
MAX_SECONDS = 4 * 3600.0
BLOCK_SECONDS = 60.0
SUPPORTED = ".wav .flac .ogg .oga .mp3 .aif .aiff"


@dataclass(frozen=True, eq=False)
class Audio:
    """Mono samples (n,) float32 in -1..1 at `sample_rate` Hz."""

    samples: np.ndarray
    sample_rate: int

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return len(self.samples) / float(self.sample_rate)


def resample(samples: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    """Polyphase resampling (anti-aliased), float32 out."""
    if rate_in == rate_out:
        return samples.astype(np.float32, copy=False)
    g = gcd(rate_in, rate_out)
    return resample_poly(samples, rate_out // g, rate_in // g).astype(np.float32)


@contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Silence the C decoders' own notes on stderr (libmpg123 prints "Illegal Audio-MPEG-Header")."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _open(path: Path) -> sf.SoundFile:
    """Open a sound file or say in one line why it cannot be used."""
    if not path.exists():
        raise InputError(f"{path}: no such file; give the path of a music file ({SUPPORTED})")
    if path.is_dir():
        raise InputError(f"{path} is a folder; give the path of a music file ({SUPPORTED})")
    try:
        with _quiet_stderr():
            return sf.SoundFile(str(path))
    except (sf.LibsndfileError, RuntimeError, TypeError) as error:
        raise InputError(
            f"{path}: cannot read it as audio (not a sound format Red Shoes knows, or damaged); "
            "give a wav, flac, ogg or mp3 file (or a score: .mid, .musicxml, .mxl, .krn)"
        ) from error


def load_audio(path: Path) -> Audio:
    """Decode a music file in blocks to mono float32 at 22050 Hz, bounding memory for very long files."""
    path = Path(path)
    with _open(path) as handle:
        rate = int(handle.samplerate)
        frames = handle.frames
        if rate <= 0:
            raise InputError(f"{path}: the file gives no sample rate; re-save it as wav, flac or ogg")
        if 0 < frames and frames / rate > MAX_SECONDS:
            raise InputError(
                f"{path} lasts {frames / rate / 3600:.1f} hours; Red Shoes takes music up to "
                f"{MAX_SECONDS / 3600:.0f} hours, cut it shorter"
            )
        resampler = StreamResampler(rate, SAMPLE_RATE, context=4096)
        output = _Output(int(frames * SAMPLE_RATE / rate) + 16 if frames > 0 else 0)
        block = int(BLOCK_SECONDS * rate)
        total = 0.0
        try:
            while True:
                with _quiet_stderr():
                    data = handle.read(block, dtype="float32", always_2d=True)
                if len(data) == 0:
                    break
                mono = data.mean(axis=1) if data.shape[1] > 1 else data[:, 0]
                output.add(resampler.push(mono))
                total += len(data) / rate
                if total > MAX_SECONDS:
                    raise InputError(f"{path} is longer than {MAX_SECONDS / 3600:.0f} hours; cut it shorter")
                if len(data) < block:
                    break
        except sf.LibsndfileError as error:
            raise InputError(f"{path}: the audio is damaged ({error}); re-save it and try again") from error
        output.add(resampler.finish())
    samples = output.samples()
    if len(samples) < MIN_SECONDS * SAMPLE_RATE:
        raise InputError(
            f"{path} is too short ({len(samples) / SAMPLE_RATE:.1f} s); "
            f"give at least {MIN_SECONDS:.0f} s of music"
        )
    np.clip(samples, -1.0, 1.0, out=samples)
    return Audio(samples=samples, sample_rate=SAMPLE_RATE)


class _Output:
    """Decoded samples written into one array sized from the file's length, so a long file is held once."""

    def __init__(self, expected: int) -> None:
        self.buffer = np.zeros(expected, np.float32)
        self.used = 0
        self.extra: list[np.ndarray] = []

    def add(self, piece: np.ndarray) -> None:
        """Append a block of samples (beyond the expected length, kept aside)."""
        room = max(0, min(len(piece), len(self.buffer) - self.used)) if not self.extra else 0
        self.buffer[self.used : self.used + room] = piece[:room]
        self.used += room
        if room < len(piece):
            self.extra.append(piece[room:])

    def samples(self) -> np.ndarray:
        """All samples in order."""
        if not self.extra:
            return self.buffer[: self.used]
        return np.concatenate([self.buffer[: self.used], *self.extra])


def write_audio_ogg(audio: Audio, path: Path) -> None:
    """Write Ogg Vorbis in blocks (one long write once crashed libsndfile)."""
    path = Path(path)
    try:
        with sf.SoundFile(
            str(path), mode="w", samplerate=audio.sample_rate, channels=1, format="OGG", subtype="VORBIS"
        ) as handle:
            block = audio.sample_rate * 10
            for start in range(0, len(audio.samples), block):
                handle.write(np.asarray(audio.samples[start : start + block], dtype=np.float32))
    except (sf.LibsndfileError, OSError) as error:
        raise OutputError(
            f"{path}: cannot write the music ({error}); check the folder is writable"
        ) from error
