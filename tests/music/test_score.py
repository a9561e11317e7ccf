"""The score notation: pitches, chords, and one-line errors for a malformed bar."""

from __future__ import annotations

import pytest

from redshoes.errors import InputError
from redshoes.music.score import parse_bar, parse_pitch


def test_pitches() -> None:
    assert parse_pitch("A4") == 69
    assert parse_pitch("C4") == 60
    assert parse_pitch("F#5") == 78
    assert parse_pitch("Bb3") == 58


def test_bar_parses_melody_and_chord() -> None:
    bar = parse_bar("E5:2 r:1", "G7", 3, "test")
    assert [n.pitch for n in bar.melody] == [76, None]
    assert bar.chord_root == 7 and bar.chord_intervals == (0, 4, 7, 10)
    assert parse_bar("C6:3", "C!", 3, "test").hold


def test_bar_that_does_not_fill_the_meter_is_refused() -> None:
    with pytest.raises(InputError, match="does not fill 3 beats"):
        parse_bar("E5:2", "C", 3, "test")


def test_unknown_chord_is_refused() -> None:
    with pytest.raises(InputError, match="unknown chord"):
        parse_bar("E5:3", "Cmaj9", 3, "test")
