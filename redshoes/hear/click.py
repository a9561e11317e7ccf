"""A click track on the counts, mixed into the music, so a user can hear where Red Shoes counts."""

from __future__ import annotations

import numpy as np

from redshoes.hear.audio import Audio
from redshoes.hear.music_map import MusicMap

CLICK_SECONDS = 0.03
DOWNBEAT_HZ = 1760.0  # the "one" of each bar: high
BEAT_HZ = 880.0  # the other counts: an octave lower
CLICK_GAIN = 0.5  # of full scale, over the music lowered to leave room


def click(frequency: float, sample_rate: int) -> np.ndarray:
    """One short percussive click: a sine burst with a fast exponential decay. Shape (n,)."""
    t = np.arange(int(CLICK_SECONDS * sample_rate)) / sample_rate
    return (np.sin(2 * np.pi * frequency * t) * np.exp(-t / 0.006)).astype(np.float32)


def mix_click(audio: Audio, music: MusicMap) -> Audio:
    """The music with a high click on every downbeat and a lower one on every other counted beat."""
    out = audio.samples.astype(np.float32) * (1.0 - CLICK_GAIN)
    high, low = click(DOWNBEAT_HZ, audio.sample_rate), click(BEAT_HZ, audio.sample_rate)
    downbeats = {round(t, 3) for t in music.downbeats}
    for time in music.beats:
        tone = high if round(time, 3) in downbeats else low
        first = int(round(time * audio.sample_rate))
        if first < 0 or first >= len(out):
            continue
        last = min(len(out), first + len(tone))
        out[first:last] += CLICK_GAIN * tone[: last - first]
    np.clip(out, -1.0, 1.0, out=out)
    return Audio(samples=out, sample_rate=audio.sample_rate)
