"""Shared helpers for the hear tests: synthetic click tracks with known beats and meter."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from redshoes.hear.audio import SAMPLE_RATE, Audio

MATERIAL = Path(__file__).resolve().parents[2] / "../shared/material"


def material_or_skip() -> Path:
    """The shared material folder, or skip when absent (fail if REDSHOES_REQUIRE_MATERIAL is set)."""
    if not MATERIAL.exists():
        if os.environ.get("REDSHOES_REQUIRE_MATERIAL"):
            pytest.fail(f"material required but missing at {MATERIAL}")
        pytest.skip("shared material absent")
    return MATERIAL


def click_track(
    bpm: float, beats_per_bar: int, seconds: float, start: float = 0.5
) -> tuple[Audio, np.ndarray]:
    """Pitched clicks: a low loud click on each downbeat, higher softer clicks on the other beats."""
    n = int(seconds * SAMPLE_RATE)
    samples = np.zeros(n, np.float32)
    period = 60.0 / bpm
    times = np.arange(start, seconds - 0.3, period)
    t = np.arange(int(0.08 * SAMPLE_RATE)) / SAMPLE_RATE
    for i, time in enumerate(times):
        down = i % beats_per_bar == 0
        freq, gain = (110.0, 0.9) if down else (880.0, 0.4)
        click = gain * np.sin(2 * np.pi * freq * t) * np.exp(-t * 40)
        if down:
            click += 0.3 * np.sin(2 * np.pi * 261.6 * t) * np.exp(-t * 30)
        a = int(time * SAMPLE_RATE)
        samples[a : a + len(click)] += click[: n - a].astype(np.float32)
    return Audio(samples, SAMPLE_RATE), times


def compound_click_track(dotted_quarter_bpm: float, seconds: float) -> tuple[Audio, np.ndarray]:
    """6/8 clicks: a low click on 1, a middle one on 4, soft high ones on the other eighths; returns beats."""
    n = int(seconds * SAMPLE_RATE)
    samples = np.zeros(n, np.float32)
    eighth = 60.0 / dotted_quarter_bpm / 3
    t = np.arange(int(0.08 * SAMPLE_RATE)) / SAMPLE_RATE
    beats = []
    for i, time in enumerate(np.arange(0.5, seconds - 0.3, eighth)):
        freq, gain = {0: (110.0, 0.9), 3: (220.0, 0.6)}.get(i % 6, (880.0, 0.25))
        if i % 3 == 0:
            beats.append(time)
        click = gain * np.sin(2 * np.pi * freq * t) * np.exp(-t * 40)
        a = int(time * SAMPLE_RATE)
        samples[a : a + len(click)] += click[: n - a].astype(np.float32)
    return Audio(samples, SAMPLE_RATE), np.array(beats)
