"""The phrase scores of every candidate at once equal the step-by-step scores, float for float."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from redshoes.ballet.vocabulary import load_vocabulary
from redshoes.compose.character import (
    count_arrays,
    moment_scores,
    musical_moments,
    phrase_character,
    placement_scores,
    placement_table,
)
from redshoes.compose.timeline import build_timeline
from tests.compose.conftest import make_map


def test_placement_table_is_the_step_by_step_scores_exactly() -> None:
    music = make_map("3/4", 150, 24, sections=[("A", 8), ("B", 8), ("A′", 8)], energy=[0.4, 0.9, 0.5],
                     staccato=True)
    music = replace(music, sustained=((3.0, 5.5), (9.0, 9.4)))
    timeline = build_timeline(music)
    accents = np.sort(np.asarray(music.accents, dtype=float))
    chars = [phrase_character(music, timeline, s.first, s.length, accents) for s in timeline.segments]
    arrays = count_arrays(timeline)
    moments = musical_moments(music, timeline, timeline.segments, chars)
    assert moments.sustained.any() and moments.climax.any()
    cands = [(s, c) for s in load_vocabulary().steps for c in s.counts]
    for seg in timeline.segments:
        table = placement_table(cands, seg.first, seg.length, arrays, accents, moments)
        assert table.shape == (len(cands), seg.length)
        for ci, (step, counts) in enumerate(cands):
            one = placement_scores(step, counts, seg.first, seg.length, arrays, accents)
            one = one + moment_scores(step, counts, seg.first, seg.length, arrays, moments)
            assert table[ci, : len(one)].tolist() == one.tolist()
            assert not table[ci, len(one):].any()
