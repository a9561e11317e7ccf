"""The music-map picture is written."""

from __future__ import annotations

from pathlib import Path

from redshoes.hear import hear
from redshoes.hear.plot import plot_music_map

from .conftest import click_track


def test_plot_writes_png(tmp_path: Path) -> None:
    audio, _ = click_track(120, 4, 20.0)
    plot_music_map(hear(audio, source="clicks"), audio, tmp_path / "music.png")
    assert (tmp_path / "music.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
