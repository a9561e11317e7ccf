"""Every ballet the composer makes for real music passes the validator: the built-in piece and the material."""

from __future__ import annotations

import pytest

from redshoes.compose import compose
from redshoes.compose.check import check, format_violations
from redshoes.compose.edit import lock_bars, recompose
from redshoes.hear.music_map import MusicMap

from .conftest import material_pieces


def test_material_is_found_or_the_test_says_so(heard_pieces: list[tuple[str, MusicMap]]) -> None:
    if len(heard_pieces) == 1:
        pytest.skip("no shared material beside the project; only the built-in piece was checked")
    assert len(heard_pieces) == 1 + len(material_pieces())


def test_every_composed_ballet_passes_the_validator(heard_pieces: list[tuple[str, MusicMap]]) -> None:
    broken = {}
    for name, music in heard_pieces:
        for level in ("beginner", "advanced"):
            choreo = compose(music, seed=0, level=level)
            found = check(choreo, music)
            if found:
                broken[f"{name} ({level})"] = format_violations(found)
    assert not broken, "\n".join(f"{k}:\n{v}" for k, v in broken.items())


def test_every_recomposed_ballet_keeps_its_locks_and_passes(heard_pieces: list[tuple[str, MusicMap]]) -> None:
    broken = {}
    for name, music in heard_pieces:
        choreo = compose(music, seed=0)
        bars = sorted({s.bar for s in choreo.steps})
        middle = bars[len(bars) // 3 : len(bars) // 3 + 3]
        locked = lock_bars(choreo, middle[0], middle[-1])
        result = recompose(locked, music, seed=1)
        assert [s for s in result.steps if s.locked] == [s for s in locked.steps if s.locked], name
        found = check(result, music)
        if found:
            broken[name] = format_violations(found)
    assert not broken, "\n".join(f"{k}:\n{v}" for k, v in broken.items())
