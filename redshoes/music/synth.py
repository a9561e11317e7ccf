"""A small piano-like additive synthesiser: a score becomes audio with no sample library and no randomness."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from redshoes.hear.audio import SAMPLE_RATE, Audio

PARTIALS = 8
RELEASE = 0.12  # seconds of damping after a note is let go
AUDIBLE_NEPERS = 6.9  # a partial is computed until it has decayed by this much (-60 dB)


@dataclass(frozen=True)
class Note:
    """A sounding note: start and length in seconds, MIDI pitch, velocity 0..1."""

    start: float
    duration: float
    pitch: int
    velocity: float


def piano_tone(pitch: int, duration: float, velocity: float, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """One note: decaying, slightly stretched partials, a soft 4 ms attack, a short release. Shape (n,)."""
    length = int((duration + RELEASE) * sample_rate)
    t = np.arange(length) / sample_rate
    f0 = 440.0 * 2 ** ((pitch - 69) / 12)
    decay_base = 0.6 + 2.2 * (f0 / 1000.0)  # higher notes die faster
    tone = np.zeros(length)
    for k in range(1, PARTIALS + 1):
        freq = f0 * k * np.sqrt(1 + 0.0004 * k * k)
        if freq > 0.45 * sample_rate:
            break
        amplitude = (velocity**0.5 if k > 2 else 1.0) / k**1.4
        rate = decay_base * (1 + 0.6 * (k - 1))
        audible = min(length, int(AUDIBLE_NEPERS / rate * sample_rate) + 1)  # below -60 dB adds nothing
        tk = t[:audible]
        tone[:audible] += amplitude * np.exp(-tk * rate) * np.sin(2 * np.pi * freq * tk)
    attack = np.minimum(1.0, t / 0.004)
    release = np.clip((duration + RELEASE - t) / RELEASE, 0.0, 1.0)
    return (velocity * tone * attack * release).astype(np.float32)


def render_notes(notes: tuple[Note, ...], total: float, sample_rate: int = SAMPLE_RATE) -> Audio:
    """Mix notes into one normalised mono signal of `total` seconds."""
    out = np.zeros(int(total * sample_rate) + 1, dtype=np.float32)
    for note in notes:
        tone = piano_tone(note.pitch, note.duration, note.velocity, sample_rate)
        first = int(round(note.start * sample_rate))
        last = min(len(out), first + len(tone))
        out[first:last] += tone[: last - first]
    peak = float(np.abs(out).max())
    if peak > 0:
        out *= 0.8 / peak
    return Audio(samples=out, sample_rate=sample_rate)
