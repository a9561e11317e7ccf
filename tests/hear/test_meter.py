"""Grouping beats into bars with known answers: a slipped bar, a new meter with a new tempo, none without."""

from __future__ import annotations

import numpy as np

from redshoes.hear.meter import TEMPLATES, _viterbi, change_costs


def _strengths(per_bar: list[int]) -> np.ndarray:
    """Downbeat strengths that follow the templates exactly, for bars of the given lengths."""
    return np.concatenate([np.array(TEMPLATES[n]) for n in per_bar])


def test_one_slipped_bar_shifts_the_count_and_keeps_the_meter() -> None:
    bars = [3] * 12 + [4] + [3] * 12  # the tracker added a beat in bar 13
    strength = _strengths(bars)
    beats = 0.5 * np.arange(len(strength))  # one steady tempo: no new section
    position, per_bar = _viterbi(strength, change_costs(beats))
    starts = np.flatnonzero(position == 0)
    assert list(np.diff(starts)) == [3] * 12 + [4] + [3] * 11
    assert np.count_nonzero(per_bar != 3) == 4  # the four beats of the slipped bar, no more


def test_a_new_tempo_may_bring_a_new_meter() -> None:
    waltz, galop = _strengths([3] * 16), _strengths([2] * 16)
    beats = np.concatenate([0.37 * np.arange(len(waltz)), 0.37 * len(waltz) + 0.5 * np.arange(len(galop))])
    position, per_bar = _viterbi(np.concatenate([waltz, galop]), change_costs(beats))
    assert set(per_bar[: len(waltz)]) == {3} and set(per_bar[len(waltz) :]) == {2}
    assert list(np.flatnonzero(position == 0)[-3:]) == [len(waltz) + 26, len(waltz) + 28, len(waltz) + 30]


def test_accents_that_shift_for_a_few_bars_at_one_tempo_keep_the_bars() -> None:
    # a mazurka's passage: for four bars the accent falls on the second beat; the tempo does not change
    shifted = [(-0.5, 1.0, -0.5)] * 4
    strength = np.concatenate([_strengths([3] * 12), np.concatenate(shifted), _strengths([3] * 12)])
    beats = 0.38 * np.arange(len(strength))
    position, per_bar = _viterbi(strength, change_costs(beats))
    assert set(per_bar) == {3}
    assert list(np.flatnonzero(position == 0)) == list(range(0, len(strength), 3))
