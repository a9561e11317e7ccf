"""Counts and phrase segments built from a music map."""

from __future__ import annotations

from dataclasses import replace

import pytest

from redshoes.compose.timeline import build_timeline

from .conftest import make_map


def test_counts_follow_the_bars_and_six_eight_counts_two() -> None:
    tl = build_timeline(make_map("6/8", 100, 4))
    assert len(tl.counts) == 8
    assert [c.number for c in tl.counts[:4]] == [1, 2, 1, 2]
    assert tl.counts[1].time - tl.counts[0].time == pytest.approx(0.6)


def test_segments_follow_phrases() -> None:
    tl = build_timeline(make_map("3/4", 170, 16, phrase_bars=8))
    assert [(s.first, s.length) for s in tl.segments] == [(0, 24), (24, 24)]


def test_pickups_are_the_beats_before_the_first_downbeat() -> None:
    music = make_map("2/4", 120, 4, pickups=2)
    tl = build_timeline(music)
    assert tl.pickups == pytest.approx(music.beats[:2])
    assert tl.counts[0].time == pytest.approx(music.bars[0].start)


def test_bars_outside_phrases_are_grouped_by_four() -> None:
    music = replace(make_map("4/4", 100, 10), phrases=())
    tl = build_timeline(music)
    assert [s.length for s in tl.segments] == [16, 16, 8]


def test_last_count_ends_at_the_music_end() -> None:
    music = make_map("2/4", 120, 2)
    tl = build_timeline(music)
    assert tl.end_of(len(tl.counts) - 1) == pytest.approx(music.duration)
