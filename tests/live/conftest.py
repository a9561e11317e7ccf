"""Shared helpers of the live tests: the ground-truth pieces, and feeding a file block by block."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from threadpoolctl import threadpool_limits

from redshoes.live.stage import AudioBlock

MATERIAL = Path(__file__).resolve().parents[2] / "../shared/material"
GROUNDTRUTH = MATERIAL / "groundtruth"


def groundtruth(name: str) -> Path:
    """A ground-truth piece (.flac); skips only where the material is absent and not required."""
    path = GROUNDTRUTH / f"{name}.flac"
    if not path.exists():
        if os.environ.get("REDSHOES_REQUIRE_MATERIAL"):
            raise FileNotFoundError(f"{path} is required (REDSHOES_REQUIRE_MATERIAL is set)")
        pytest.skip(f"{path} is not here")
    return path


def reference_beats(path: Path) -> np.ndarray:
    """The exact beat times of a ground-truth piece, seconds."""
    return np.loadtxt(path.with_suffix(".beats"), ndmin=2)[:, 0]


def file_in_blocks(path: Path, seconds: float = 0.1) -> Iterator[AudioBlock]:
    """A file as the blocks a live source would deliver (no waiting)."""
    samples, rate = sf.read(str(path), dtype="float32", always_2d=True)
    step = int(seconds * rate)
    for start in range(0, len(samples), step):
        yield AudioBlock(samples=samples[start : start + step], sample_rate=rate)


@pytest.fixture(autouse=True)
def one_thread() -> Iterator[None]:
    """Live runs on one core (as `redshoes live` does); BLAS threads would only spin on a shared machine."""
    with threadpool_limits(1):
        yield
