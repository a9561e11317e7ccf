"""Editing: locked steps are kept exactly, the rest composed around them; replacing a step; a passage again."""

from __future__ import annotations

from dataclasses import replace

import pytest

from redshoes.ballet.vocabulary import LEVELS, load_vocabulary
from redshoes.compose import compose
from redshoes.compose.check import check
from redshoes.compose.choreography import Choreography
from redshoes.compose.edit import lock_bars, recompose, regenerate_bars, replace_step, step_index
from redshoes.errors import OptionError
from redshoes.hear.music_map import MusicMap
from redshoes.serial import dumps

from .conftest import make_map

WALTZ = make_map("3/4", 162, 48, sections=[("A", 16), ("B", 16), ("A′", 16)], energy=[0.45, 0.8, 0.5])
ALLEGRO = make_map("2/4", 120, 32, staccato=True, pickups=2, sections=[("A", 16), ("B", 16)])


@pytest.fixture(scope="module", params=["waltz", "allegro"])
def piece(request: pytest.FixtureRequest) -> tuple[MusicMap, Choreography]:
    music = WALTZ if request.param == "waltz" else ALLEGRO
    return music, compose(music, seed=0)


def _lock(choreo: Choreography, indices: set[int]) -> Choreography:
    return replace(choreo, steps=tuple(replace(s, locked=True) if k in indices else s
                                       for k, s in enumerate(choreo.steps)))


def test_recompose_without_locks_is_compose(piece: tuple[MusicMap, Choreography]) -> None:
    music, choreo = piece
    assert recompose(choreo, music) == choreo
    assert recompose(choreo, music, seed=4) == compose(music, seed=4)


def test_locked_steps_are_kept_exactly_whatever_the_seed(piece: tuple[MusicMap, Choreography]) -> None:
    music, choreo = piece
    locked = lock_bars(choreo, 9, 14)
    kept = [s for s in locked.steps if s.locked]
    assert kept and all(9 <= s.bar <= 14 for s in kept)
    results = [recompose(locked, music, seed=seed) for seed in range(4)]
    for r in results:
        assert [s for s in r.steps if s.locked] == kept
        assert check(r, music) == []
    assert len({r.steps for r in results}) > 1  # the free steps do change with the seed


@pytest.mark.parametrize("every", [5, 7])
def test_single_locked_steps_anywhere_are_joined(piece: tuple[MusicMap, Choreography], every: int) -> None:
    music, choreo = piece
    for start in range(1, len(choreo.steps) - 1, every):
        locked = _lock(choreo, {start, min(start + 3, len(choreo.steps) - 2)})
        result = recompose(locked, music, seed=11)
        assert [s for s in result.steps if s.locked] == [s for s in locked.steps if s.locked]
        assert check(result, music) == [], f"locking step {start}"


def test_recompose_is_byte_identical(piece: tuple[MusicMap, Choreography]) -> None:
    music, choreo = piece
    locked = lock_bars(choreo, 3, 6)
    assert dumps(recompose(locked, music, seed=5)) == dumps(recompose(locked, music, seed=5))


def test_lock_bars_can_unlock_and_refuses_bad_bars() -> None:
    choreo = compose(WALTZ)
    assert lock_bars(lock_bars(choreo, 2, 5), 2, 5, locked=False) == choreo
    with pytest.raises(OptionError, match="first bar comes after"):
        lock_bars(choreo, 5, 2)
    with pytest.raises(OptionError, match="no step starts"):
        lock_bars(choreo, 500, 600)


def test_locked_steps_off_this_music_are_refused() -> None:
    locked = lock_bars(compose(WALTZ), 5, 8)
    with pytest.raises(OptionError, match="does not start on a count"):
        recompose(locked, make_map("3/4", 100, 48))


def test_locked_steps_that_do_not_meet_are_refused() -> None:
    choreo = compose(ALLEGRO)
    k = next(i for i, s in enumerate(choreo.steps[1:-2], 1) if s.end_at != s.start_at)
    moved = replace(choreo.steps[k + 1], locked=True, start_at=choreo.steps[k].start_at)
    steps = list(choreo.steps)
    steps[k] = replace(steps[k], locked=True)
    steps[k + 1] = moved
    with pytest.raises(OptionError, match="does not join"):
        recompose(replace(choreo, steps=tuple(steps)), ALLEGRO)


def test_replace_step_by_bar_and_count(piece: tuple[MusicMap, Choreography]) -> None:
    music, choreo = piece
    vocab = load_vocabulary()
    k = next(i for i, s in enumerate(choreo.steps) if s.bar >= 10 and s.count == 1)
    old = choreo.steps[k]
    name = next(s.name for s in vocab.steps if s.family == "turn" and s.name != old.name
                and music.meter in s.meters)
    result = replace_step(choreo, music, (old.bar, old.count), name)
    new = next(s for s in result.steps if abs(s.start - old.start) < 1e-9)
    assert (new.name, new.locked, new.foot) == (name, True, old.foot)
    assert new.counts in vocab.get(name).counts
    assert check(result, music) == []
    phrase = max((p for p in music.phrases if p.start <= old.start + 1e-9), key=lambda p: p.start)
    before = [s for s in choreo.steps if s.end <= phrase.start + 1e-9]
    assert list(result.steps[: len(before)]) == before  # what comes before the phrase is untouched


def test_replace_step_by_index_keeps_far_steps(piece: tuple[MusicMap, Choreography]) -> None:
    music, choreo = piece
    k = len(choreo.steps) // 3
    result = replace_step(choreo, music, k, "glissade")
    assert check(result, music) == []
    far = [s for s in choreo.steps if s.start > choreo.steps[k].start + 20.0]
    assert far and all(s in result.steps for s in far[-5:])


def test_replace_with_a_step_that_joins_changes_only_that_step() -> None:
    vocab = load_vocabulary()
    for music in (ALLEGRO, WALTZ):
        choreo = compose(music)
        for k, s in enumerate(choreo.steps[1:-1], 1):
            old = vocab.get(s.name)
            for other in vocab.steps:
                same = (other.counts, other.start_position, other.end_position, other.working_foot_after)
                if other.name == s.name or same != (old.counts, old.start_position, old.end_position,
                                                    old.working_foot_after) or other.travel or old.travel:
                    continue
                result = replace_step(choreo, music, k, other.name)
                changed = [i for i, (a, b) in enumerate(zip(choreo.steps, result.steps, strict=True)) if a != b]
                if changed == [k]:
                    assert result.steps[k].name == other.name and result.steps[k].locked
                    return
    pytest.skip("no step in this vocabulary swaps for another without moving its neighbours")


def test_replace_step_that_does_not_fit_the_counts_is_refused() -> None:
    choreo = compose(ALLEGRO)
    vocab = load_vocabulary()
    longest = max(vocab.steps, key=lambda s: min(s.counts))
    phrase_starts = {round(p.start, 6) for p in ALLEGRO.phrases}
    k = next(i for i, s in enumerate(choreo.steps[1:-1], 1)
             if round(choreo.steps[i + 1].start, 6) in phrase_starts and s.counts < min(longest.counts))
    with pytest.raises(OptionError, match="remain in the phrase"):
        replace_step(choreo, ALLEGRO, k, longest.name)


def test_replace_with_an_unknown_step_names_the_close_ones() -> None:
    with pytest.raises(OptionError, match="glissade"):
        replace_step(compose(ALLEGRO), ALLEGRO, 3, "glisade")
    with pytest.raises(OptionError, match="no step starts on bar"):
        step_index(compose(ALLEGRO), (3, 7))


def test_regenerate_a_passage_with_another_seed_and_level(piece: tuple[MusicMap, Choreography]) -> None:
    music, choreo = piece
    levels = {s.name: s.level for s in load_vocabulary().steps}
    results = [regenerate_bars(choreo, music, 17, 24, seed=seed, level="beginner") for seed in (1, 2, 3)]
    for r in results:
        assert check(r, music) == []
        assert r.level == choreo.level and r.seed == choreo.seed
        outside = [s for s in choreo.steps if s.bar < 16 or s.bar > 25]
        assert all(s in r.steps for s in outside)
        inside = [s for s in r.steps if 17 <= s.bar <= 24 and s not in choreo.steps]
        assert all(LEVELS.index(levels[s.name]) == 0 for s in inside)
    assert any(r.steps != choreo.steps for r in results)


def test_regenerated_passage_at_a_higher_level_raises_the_ballet_level() -> None:
    choreo = compose(ALLEGRO, level="beginner")
    result = regenerate_bars(choreo, ALLEGRO, 9, 16, level="advanced")
    assert result.level == "advanced"
    assert check(result, ALLEGRO) == []
    assert dumps(result) == dumps(regenerate_bars(choreo, ALLEGRO, 9, 16, level="advanced"))


def test_replace_step_is_byte_identical() -> None:
    choreo = compose(WALTZ, seed=2)
    assert dumps(replace_step(choreo, WALTZ, 9, "pirouette en dehors")) == dumps(
        replace_step(choreo, WALTZ, 9, "pirouette en dehors"))
