"""Dynamics a dancer shows: the loudness curve, the strong accents and the sustained (legato) passages."""

from __future__ import annotations

import numpy as np
from scipy.ndimage import uniform_filter1d

from redshoes.hear.features import Features
from redshoes.hear.music_map import Curve

ENERGY_HOP = 0.05  # seconds
DYNAMIC_RANGE_DB = 40.0
SILENCE_DB = -55.0  # loudest frame below this (dBFS RMS) means the file is silent


def loudest_db(features: Features) -> float:
    """Loudness of the loudest frame, dB relative to full scale."""
    return float(20 * np.log10(features.rms.max() + 1e-12)) if len(features.rms) else -240.0


def energy_curve(features: Features, duration: float) -> Curve:
    """RMS loudness every 50 ms mapped to 0..1 over the 40 dB below the loudest moment."""
    times = np.arange(0.0, duration, ENERGY_HOP)
    window = max(1, int(round(ENERGY_HOP / features.hop)))
    smoothed = np.sqrt(
        np.maximum(uniform_filter1d(features.rms.astype(np.float64) ** 2, window, mode="nearest"), 0)
    )
    rms = smoothed[features.time_to_frame(times)]
    db = 20 * np.log10(rms + 1e-9)
    top = db.max() if len(db) else 0.0
    values = np.clip((db - (top - DYNAMIC_RANGE_DB)) / DYNAMIC_RANGE_DB, 0.0, 1.0)
    return Curve(hop=ENERGY_HOP, values=tuple(float(round(v, 4)) for v in values))


def accents(features: Features, *, threshold: float = 2.5, spacing: float = 0.25) -> tuple[float, ...]:
    """Times of strong onsets: onset-strength peaks well above its typical level, `spacing` apart."""
    onset = features.onset
    if len(onset) < 3:
        return ()
    level = np.median(onset) + threshold * (np.percentile(onset, 90) - np.median(onset) + 1e-9)
    peaks = (
        np.flatnonzero((onset[1:-1] > onset[:-2]) & (onset[1:-1] >= onset[2:]) & (onset[1:-1] > level)) + 1
    )
    chosen: list[float] = []
    for frame in peaks[np.argsort(-onset[peaks])]:
        t = frame * features.hop
        if all(abs(t - c) >= spacing for c in chosen):
            chosen.append(t)
    return tuple(sorted(round(t, 4) for t in chosen))


def sustained(
    features: Features, curve: Curve, *, min_seconds: float = 2.0
) -> tuple[tuple[float, float], ...]:
    """Spans where the music sounds on (energy above 0.3) with few new attacks: legato, held notes."""
    window = max(1, int(round(1.0 / features.hop)))
    density = uniform_filter1d(features.onset.astype(np.float64), window, mode="nearest")
    quiet_attacks = density < 0.5 * np.median(density[density > 0]) if np.any(density > 0) else density < 1
    values = np.asarray(curve.values) if curve.values else np.zeros(1)
    index = np.clip(
        np.round(np.arange(len(density)) * features.hop / curve.hop).astype(int), 0, len(values) - 1
    )
    energy = values[index]
    flag = quiet_attacks & (energy > 0.3)
    spans: list[tuple[float, float]] = []
    start = None
    for k, on in enumerate(np.append(flag, False)):
        if on and start is None:
            start = k
        elif not on and start is not None:
            if (k - start) * features.hop >= min_seconds:
                spans.append((round(start * features.hop, 4), round(k * features.hop, 4)))
            start = None
    return tuple(spans)
