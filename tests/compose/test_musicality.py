"""Musicality: variety in a waltz, a slow waltz set as a ballet master would, few links, the music's moments."""

from __future__ import annotations

import math
from dataclasses import replace

from redshoes.ballet.vocabulary import load_vocabulary
from redshoes.compose import compose
from redshoes.compose.check import check
from redshoes.compose.choreography import Choreography
from redshoes.compose.measure import link_share, longest_run, structure_score
from redshoes.hear.music_map import MusicMap

from .conftest import make_map

VOCAB = {s.name: s for s in load_vocabulary().steps}


def _counts_by_family(choreo: Choreography) -> dict[str, int]:
    out: dict[str, int] = {}
    for s in choreo.steps[1:-1]:
        out[VOCAB[s.name].family] = out.get(VOCAB[s.name].family, 0) + s.counts
    return out


def _in(choreo: Choreography, t0: float, t1: float) -> list:
    return [s for s in choreo.steps if t0 - 1e-6 <= s.start < t1 - 1e-6]


def test_a_quick_waltz_phrase_mixes_its_steps() -> None:
    music = make_map("3/4", 162, 32)
    choreo = compose(music)
    run, _ = longest_run(choreo)
    assert run <= 3
    for p in music.phrases:
        names = [s.name for s in _in(choreo, p.start, p.end)]
        assert len(set(names)) >= 3, names
        waltz_run = longest = 0
        for n in names:
            waltz_run = waltz_run + 1 if VOCAB[n].family == "waltz" else 0
            longest = max(longest, waltz_run)
        assert longest <= 5, names


def test_slow_staccato_waltz_is_an_adagio_waltz_not_turns_and_links() -> None:
    music = make_map("3/4", 84, 32, staccato=True)
    fam = _counts_by_family(compose(music))
    total = sum(fam.values())
    held = fam.get("adagio", 0) + fam.get("waltz", 0) + fam.get("pose", 0)
    assert held / total >= 0.5, fam
    assert (fam.get("turn", 0) + fam.get("link", 0)) / total <= 0.35, fam


def test_links_are_few() -> None:
    for music in (make_map("3/4", 162, 32), make_map("2/4", 120, 32, staccato=True), make_map("4/4", 60, 16),
                  make_map("6/8", 100, 32, energy=0.8)):
        assert link_share(compose(music)) <= 0.2


def test_sustained_notes_are_held() -> None:
    music = make_map("4/4", 100, 16, phrase_bars=4)
    bar = 60.0 / 100 * 4
    held = tuple((b.start, b.start + bar) for b in music.bars[4:8])  # bars 5-8 sustained
    plain, sustained = compose(music), compose(replace(music, sustained=held))
    t0, t1 = music.bars[4].start, music.bars[7].end

    def held_counts(choreo: Choreography) -> int:
        return sum(s.counts for s in _in(choreo, t0, t1) if VOCAB[s.name].family in ("adagio", "pose")
                   and VOCAB[s.name].jump == 0.0)

    assert held_counts(sustained) > held_counts(plain)
    assert not any(VOCAB[s.name].jump > 0.1 for s in _in(sustained, t0, t1))
    assert check(sustained, music) == []


def _virtuosity(choreo: Choreography, t0: float, t1: float) -> float:
    steps = _in(choreo, t0, t1)
    big = sum(s.counts for s in steps if VOCAB[s.name].jump >= 0.35 or VOCAB[s.name].turn >= 1.0)
    return big / max(1, sum(s.counts for s in steps))


def test_the_climax_gets_the_most_virtuosic_phrase() -> None:
    music = make_map("2/4", 120, 48, sections=[("A", 16), ("B", 16), ("C", 16)], energy=[0.5, 0.95, 0.55])
    choreo = compose(music)
    scores = [_virtuosity(choreo, p.start, p.end) for p in music.phrases]
    climax = [k for k, p in enumerate(music.phrases) if music.sections[1].start <= p.start < music.sections[1].end]
    assert max(scores[k] for k in climax) == max(scores)


def test_the_last_chord_gets_the_final_pose() -> None:
    choreo = compose(make_map("3/4", 150, 24))
    assert VOCAB[choreo.steps[-1].name].family == "pose" and choreo.steps[-1].end == choreo.duration


def test_an_answering_phrase_is_danced_to_the_other_side() -> None:
    music = make_map("2/4", 120, 16, staccato=True)  # two like phrases of 8 bars in one section
    choreo = compose(music)
    first, second = (_in(choreo, p.start, p.end) for p in music.phrases)
    assert any("answers" in n for n in choreo.notes)
    pairs = [(a, b) for a in first for b in second if a.name == b.name
             and abs((a.start - music.phrases[0].start) - (b.start - music.phrases[1].start)) < 1e-6]
    assert len(pairs) >= 0.6 * len(second)
    assert sum(a.foot != b.foot for a, b in pairs) >= 0.8 * len(pairs)


def test_the_return_replays_the_opening_phrase_despite_the_preparation() -> None:
    music = make_map("3/4", 170, 48, sections=[("A", 16), ("B", 16), ("A′", 16)], energy=[0.4, 0.8, 0.4])
    choreo = compose(music)
    a, a2 = music.phrases[0], music.phrases[4]
    first = {(round(s.start - a.start, 4), s.name) for s in _in(choreo, a.start, a.end) if s.name != "préparation"}
    again = {(round(s.start - a2.start, 4), s.name) for s in _in(choreo, a2.start, a2.end)}
    assert len(first & again) >= 0.7 * len(first)


def test_structure_score_follows_the_form() -> None:
    form = make_map("2/4", 120, 48, staccato=True, sections=[("A", 16), ("B", 16), ("A′", 16)],
                    energy=[0.5, 0.8, 0.5])
    assert structure_score(compose(form), form) > 0.5
    single: MusicMap = make_map("2/4", 120, 16, staccato=True)
    assert math.isnan(structure_score(compose(single), single))
