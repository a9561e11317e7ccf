"""Frame features at the edges of the file."""

from __future__ import annotations

import numpy as np

from redshoes.hear.audio import SAMPLE_RATE, Audio
from redshoes.hear.features import compute_features


def test_a_file_cut_off_while_a_chord_sounds_has_no_attack_at_the_cut() -> None:
    # a chord struck at 0.5 s and still sounding when the file stops at 3.0 s: the only attack is at 0.5 s
    t = np.arange(3 * SAMPLE_RATE) / SAMPLE_RATE
    chord = sum(np.sin(2 * np.pi * f * t) for f in (98.0, 147.0, 196.0, 392.0)) / 4
    samples = (0.5 * chord * (t >= 0.5) * np.exp(-np.maximum(t - 0.5, 0.0) / 4.0)).astype(np.float32)
    features = compute_features(Audio(samples, SAMPLE_RATE))
    struck = int(round(0.5 / features.hop))
    tail = slice(len(features.onset) - 10, None)
    assert features.bass[tail].max() < 0.1 * features.bass[struck - 5 : struck + 5].max()
    assert features.onset[tail].max() < 0.1 * features.onset[struck - 5 : struck + 5].max()
