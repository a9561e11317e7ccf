"""The pipeline's paths a user takes: a long piece is streamed in bounded memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from redshoes import pipeline
from redshoes.export.bvh import read_bvh


def test_a_long_piece_streams_its_bvh_and_says_what_it_left_out(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "LONG_PIECE_SECONDS", 10.0)  # the built-in piece (66 s) counts as long
    files = pipeline.dance(None, tmp_path / "long", pipeline.DanceOptions(progress=False))
    names = {f.name for f in files}
    assert {"dancer.bvh", "steps.md", "steps.html", "choreography.json"} <= names
    assert not {"dancer.glb", "index.html", "motion.npz"} & names
    clip = read_bvh(tmp_path / "long" / "dancer.bvh")
    assert clip.root_positions.shape[0] == pytest.approx(66 * 60, rel=0.02)
    assert not (tmp_path / "long" / "dancer.glb").exists()
