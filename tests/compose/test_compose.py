"""The composer on hand-built maps: it covers the music, keeps the rules, fits it and echoes its form."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from redshoes.ballet.vocabulary import load_vocabulary
from redshoes.compose import compose
from redshoes.compose.check import check
from redshoes.compose.choreography import Choreography, Stage
from redshoes.compose.stagecraft import on_stage
from redshoes.errors import InputError, OptionError
from redshoes.hear.music_map import MusicMap
from redshoes.schemas import problems
from redshoes.serial import dumps, from_jsonable

from .conftest import make_map

FAMILY = {s.name: s.family for s in load_vocabulary().steps}

MAPS = {
    "waltz 3/4 170": lambda: make_map("3/4", 170, 32),
    "allegro 2/4 120": lambda: make_map("2/4", 120, 32, staccato=True),
    "adagio 4/4 60": lambda: make_map("4/4", 60, 16, phrase_bars=4),
    "6/8 100": lambda: make_map("6/8", 100, 32, energy=0.8),
    "A B A′ 3/4": lambda: make_map("3/4", 170, 48, sections=[("A", 16), ("B", 16), ("A′", 16)],
                                   energy=[0.4, 0.8, 0.4]),
    "pickups 2/4": lambda: make_map("2/4", 120, 16, pickups=2, staccato=True),
}


@pytest.fixture(params=sorted(MAPS), scope="module")
def composed(request: pytest.FixtureRequest) -> tuple[MusicMap, Choreography]:
    music = MAPS[request.param]()
    return music, compose(music, seed=0)


def test_validator_passes(composed: tuple[MusicMap, Choreography]) -> None:
    music, choreo = composed
    assert check(choreo, music) == []


def test_steps_cover_the_music_contiguously(composed: tuple[MusicMap, Choreography]) -> None:
    music, choreo = composed
    assert choreo.steps[0].start == pytest.approx(music.beats[0])
    assert choreo.steps[-1].end == pytest.approx(music.duration)
    for a, b in zip(choreo.steps, choreo.steps[1:], strict=False):
        assert b.start == pytest.approx(a.end)
        assert (b.start_at.x, b.start_at.z) == pytest.approx((a.end_at.x, a.end_at.z))


def test_every_count_is_a_beat(composed: tuple[MusicMap, Choreography]) -> None:
    music, choreo = composed
    beats = list(music.beats)
    for s in choreo.steps:
        assert s.start == pytest.approx(s.count_times[0])
        assert len(s.count_times) == s.counts
        for t in s.count_times:
            assert min(abs(b - t) for b in beats) < 1e-6


def test_no_step_straddles_a_phrase_start(composed: tuple[MusicMap, Choreography]) -> None:
    music, choreo = composed
    starts = {round(s.start, 6) for s in choreo.steps}
    for p in music.phrases:
        assert round(p.start, 6) in starts


def test_opens_with_preparation_and_closes_with_reverence(composed: tuple[MusicMap, Choreography]) -> None:
    music, choreo = composed
    assert choreo.steps[0].name == "préparation"
    assert choreo.steps[-1].name == "révérence"
    assert all(s.name not in ("préparation", "révérence") for s in choreo.steps[1:-1])


def test_dancer_stays_on_stage_with_margin(composed: tuple[MusicMap, Choreography]) -> None:
    _, choreo = composed
    for s in choreo.steps:
        assert on_stage(s.start_at.x, s.start_at.z, choreo.stage)
        assert on_stage(s.end_at.x, s.end_at.z, choreo.stage)
        assert abs(s.end_at.x) <= choreo.stage.width / 2 - 0.5 + 1e-9


def test_accent_is_where_the_vocabulary_puts_it(composed: tuple[MusicMap, Choreography]) -> None:
    _, choreo = composed
    vocab = load_vocabulary()
    for s in choreo.steps:
        assert s.accent == pytest.approx(s.start + vocab.get(s.name).accent * (s.end - s.start))


def _families(choreo: Choreography) -> list[str]:
    return [FAMILY[s.name] for s in choreo.steps[1:-1]]


def test_waltz_uses_waltz_steps() -> None:
    choreo = compose(MAPS["waltz 3/4 170"]())
    fam = _families(choreo)
    assert fam.count("waltz") / len(fam) > 0.5


def test_quick_staccato_is_petit_allegro() -> None:
    fam = _families(compose(MAPS["allegro 2/4 120"]()))
    assert fam.count("petit allegro") / len(fam) > 0.5


def test_slow_legato_is_adagio() -> None:
    choreo = compose(MAPS["adagio 4/4 60"]())
    counted = sum(s.counts for s in choreo.steps[1:-1] if FAMILY[s.name] == "adagio")
    assert counted / sum(s.counts for s in choreo.steps[1:-1]) > 0.5
    assert not any(FAMILY[s.name] in ("petit allegro", "grand allegro", "waltz") for s in choreo.steps)


def test_six_eight_counts_two_per_bar() -> None:
    music = MAPS["6/8 100"]()
    choreo = compose(music)
    assert all(s.count in (1, 2) for s in choreo.steps)
    assert not any(FAMILY[s.name] == "waltz" for s in choreo.steps)


def test_return_of_a_repeats_its_motif() -> None:
    music = MAPS["A B A′ 3/4"]()
    choreo = compose(music)
    a, _, a2 = music.sections

    def part(sec_first: float, sec_end: float) -> list[tuple[float, str, int]]:
        return [(round(s.start - sec_first, 4), s.name, s.counts) for s in choreo.steps
                if sec_first - 1e-6 <= s.start < sec_end - 1e-6]

    first, again = part(a.start, a.end), part(a2.start, a2.end)
    same = len(set(first) & set(again))
    assert same / len(first) > 0.6
    assert any("echoes" in n for n in choreo.notes)


def test_return_is_mirrored_when_the_foot_changes_sides() -> None:
    music = MAPS["A B A′ 3/4"]()
    choreo = compose(music)
    a, _, a2 = music.sections
    first = [s for s in choreo.steps if a.start - 1e-6 <= s.start < a.end - 1e-6 and s.name != "préparation"]
    again = [s for s in choreo.steps if a2.start - 1e-6 <= s.start < a2.end - 1e-6]
    pairs = [(p, q) for p in first for q in again
             if p.name == q.name and abs((p.start - a.start) - (q.start - a2.start)) < 1e-6]
    flipped = [(p, q) for p, q in pairs if p.foot != q.foot]
    assert len(flipped) >= len(pairs) // 2
    mirrored = sum(1 for p, q in flipped if abs(q.facing + p.facing) < 1e-6)
    assert mirrored / len(flipped) >= 0.6  # the rest are turned where the stage's edge forbids the mirror


def test_same_seed_same_output_and_seeds_can_differ() -> None:
    music = make_map("2/4", 120, 64, staccato=True, sections=[("A", 32), ("B", 32)], energy=[0.5, 0.7])
    assert compose(music, seed=3) == compose(music, seed=3)
    outputs = {compose(music, seed=k).steps for k in range(6)}
    assert len(outputs) > 1  # seeds break near-ties, so some seeds change some steps


def test_level_limits_the_vocabulary() -> None:
    choreo = compose(make_map("6/8", 100, 32, energy=0.8), level="beginner")
    levels = {s.name: s.level for s in load_vocabulary().steps}
    assert all(levels[s.name] == "beginner" for s in choreo.steps)
    assert check(choreo) == []


def test_small_stage_keeps_the_dancer_on_it() -> None:
    music = make_map("3/4", 170, 64)
    choreo = compose(music, stage=Stage(width=3.0, depth=3.0))
    assert check(choreo, music) == []


def test_climax_goes_downstage() -> None:
    music = make_map("6/8", 100, 48, sections=[("A", 16), ("B", 16), ("C", 16)], energy=[0.4, 0.95, 0.4])
    choreo = compose(music)
    b = music.sections[1]
    in_b = [s for s in choreo.steps if b.start <= s.start < b.end]
    assert max(s.end_at.z for s in in_b) > max(s.end_at.z for s in choreo.steps if s.end <= b.start)


def test_meter_no_step_is_written_for_still_composes() -> None:
    music = make_map("5/4", 110, 16)
    choreo = compose(music)
    assert check(choreo, music) == []
    assert choreo.steps[-1].end == pytest.approx(music.duration)


def test_map_without_phrases_or_sections() -> None:
    music = replace(make_map("2/4", 120, 13, staccato=True), phrases=(), sections=())
    choreo = compose(music)
    assert check(choreo, music) == []
    assert choreo.steps[0].name == "préparation" and choreo.steps[-1].name == "révérence"


def test_very_short_music() -> None:
    music = make_map("3/4", 150, 2, pickups=1)
    choreo = compose(music)
    assert check(choreo, music) == []
    assert choreo.steps[-1].end == pytest.approx(music.duration)


def test_music_without_bars_is_refused() -> None:
    music = replace(make_map("2/4", 120, 4), bars=())
    with pytest.raises(InputError, match="no bars"):
        compose(music)


def test_unknown_level_is_refused() -> None:
    with pytest.raises(OptionError, match="level"):
        compose(make_map("2/4", 120, 4), level="prima")


def test_short_last_phrase_closes_with_the_bow() -> None:
    music = make_map("2/4", 120, 17, staccato=True)  # phrases of 8, 8 and 1 bar: too short for the révérence
    choreo = compose(music)
    assert check(choreo, music) == []
    assert choreo.steps[-1].name == "révérence"
    assert choreo.steps[-1].end == pytest.approx(music.duration)


def test_saved_choreography_follows_the_schema_and_is_byte_identical() -> None:
    music = make_map("3/4", 170, 24, pickups=2, sections=[("A", 8), ("B", 8), ("A′", 8)])
    text = dumps(compose(music, seed=7))
    assert text == dumps(compose(music, seed=7))
    assert problems("choreography", json.loads(text)) == []
    back = from_jsonable(Choreography, json.loads(text))
    assert check(back, music) == []


def test_step_accents_land_on_music_accents() -> None:
    music = MAPS["waltz 3/4 170"]()  # accents on the downbeats
    marks = sorted(s.accent for s in compose(music).steps)
    hit = sum(1 for a in music.accents if min(abs(m - a) for m in marks) <= 0.05)
    assert hit / len(music.accents) >= 0.75  # a turn or a pose now and then breaks the waltz's downbeats


@pytest.mark.parametrize("meter", ["2/4", "3/4", "4/4", "6/8"])
def test_one_bar_of_music_still_opens_or_closes(meter: str) -> None:
    music = make_map(meter, 120, 1)
    choreo = compose(music)
    assert check(choreo, music) == []
    assert choreo.steps[0].name == "préparation" or choreo.steps[-1].name == "révérence"
