"""The validator: clean choreographies pass, and each broken rule is named at its bar and count."""

from __future__ import annotations

from dataclasses import replace

import pytest

from redshoes.compose import compose
from redshoes.compose.check import Violation, check, format_violations
from redshoes.compose.choreography import Choreography, StagePoint, Step
from redshoes.hear.music_map import MusicMap

from .conftest import make_map


@pytest.fixture(scope="module")
def clean() -> tuple[MusicMap, Choreography]:
    music = make_map("2/4", 120, 16, staccato=True)
    return music, compose(music)


def _with(choreo: Choreography, k: int, step: Step) -> Choreography:
    steps = list(choreo.steps)
    steps[k] = step
    return replace(choreo, steps=tuple(steps))


def _rules(found: list[Violation]) -> set[str]:
    return {v.rule for v in found}


def test_clean_choreography_passes(clean: tuple[MusicMap, Choreography]) -> None:
    music, choreo = clean
    assert check(choreo, music) == []
    assert check(choreo) == []


def test_unknown_step_is_named(clean: tuple[MusicMap, Choreography]) -> None:
    music, choreo = clean
    found = check(_with(choreo, 3, replace(choreo.steps[3], name="moonwalk")), music)
    assert "known-step" in _rules(found)
    v = next(v for v in found if v.rule == "known-step")
    assert (v.bar, v.count) == (choreo.steps[3].bar, choreo.steps[3].count)


def test_gap_in_time_breaks_contiguity(clean: tuple[MusicMap, Choreography]) -> None:
    music, choreo = clean
    s = choreo.steps[4]
    found = check(_with(choreo, 4, replace(s, start=s.start + 0.1)), music)
    assert "contiguous" in _rules(found)


def test_count_off_the_beat(clean: tuple[MusicMap, Choreography]) -> None:
    music, choreo = clean
    s = choreo.steps[5]
    moved = replace(s, count_times=tuple(t + 0.12 for t in s.count_times), start=s.start + 0.12)
    assert "on-beat" in _rules(check(_with(choreo, 5, moved), music))


def test_counts_not_in_the_vocabulary(clean: tuple[MusicMap, Choreography]) -> None:
    _, choreo = clean
    s = choreo.steps[-1]  # révérence takes 4 counts
    assert "counts" in _rules(check(_with(choreo, len(choreo.steps) - 1, replace(s, counts=3))))


def test_off_stage(clean: tuple[MusicMap, Choreography]) -> None:
    _, choreo = clean
    s = choreo.steps[2]
    edge = choreo.stage.width / 2 - 0.2  # inside the stage but within the 0.5 m margin
    assert "stage" in _rules(check(_with(choreo, 2, replace(s, end_at=StagePoint(edge, 0.0)))))


def test_wrong_foot(clean: tuple[MusicMap, Choreography]) -> None:
    _, choreo = clean
    s = choreo.steps[6]
    other = "left" if s.foot == "right" else "right"
    assert "foot" in _rules(check(_with(choreo, 6, replace(s, foot=other))))


def _sequence(names: list[str]) -> Choreography:
    """A choreography of the named steps done in place, counts 0.5 s apart (timing is not the point here)."""
    from redshoes.ballet.vocabulary import load_vocabulary

    vocab = load_vocabulary()
    steps, t = [], 0.0
    for k, name in enumerate(names):
        d = vocab.get(name)
        n = d.counts[0]
        times = tuple(t + 0.5 * i for i in range(n))
        end = t + 0.5 * n
        foot = "right"
        if steps:
            prev = vocab.get(steps[-1].name)
            foot = steps[-1].foot if prev.working_foot_after == "same" else (
                "left" if steps[-1].foot == "right" else "right")
        steps.append(Step(name=name, start=t, end=end, bar=k + 1, count=1, counts=n, count_times=times,
                          foot=foot, start_at=StagePoint(0.0, 0.0), end_at=StagePoint(0.0, 0.0), facing=0.0,
                          end_facing=0.0, direction="en face", accent=t + d.accent * (end - t)))
        t = end
    from redshoes.compose.choreography import Stage

    return Choreography(music="x", duration=t, seed=0, level="advanced", stage=Stage(), steps=tuple(steps))


def test_sequence_helper_is_clean() -> None:
    assert check(_sequence(["préparation", "glissade", "grand jeté", "pas de bourrée", "révérence"])) == []


def test_big_jump_without_preparation() -> None:
    found = check(_sequence(["préparation", "changement", "grand jeté", "pas de bourrée", "révérence"]))
    assert _rules(found) == {"preparation"}
    assert found[0].bar == 3


def test_turn_without_preparation() -> None:
    found = check(_sequence(["préparation", "assemblé", "soutenu en tournant", "révérence"]))
    assert "preparation" in _rules(found)


def test_long_run_of_one_step() -> None:
    found = check(_sequence(["préparation", "changement", "changement", "changement", "révérence"]))
    assert _rules(found) == {"run"}


def test_repeating_steps_may_run() -> None:
    names = ["préparation", *["balancé"] * 6, "révérence"]
    assert check(_sequence(names)) == []


def test_position_mismatch() -> None:
    found = check(_sequence(["préparation", "assemblé", "pirouette en dehors", "révérence"]))
    assert "position" in _rules(found)


def test_step_straddling_a_phrase() -> None:
    music = make_map("2/4", 120, 16, staccato=True)
    choreo = compose(music)
    p = music.phrases[1]
    k = next(i for i, s in enumerate(choreo.steps) if abs(s.start - p.start) < 1e-6)
    s = choreo.steps[k - 1]
    beat = 0.5
    longer = replace(s, end=s.end + beat, counts=s.counts + 1, count_times=(*s.count_times, s.end))
    found = check(_with(choreo, k - 1, longer), music)
    assert "phrase" in _rules(found)


def test_format_violations_one_line_per_rule_in_music_order() -> None:
    found = check(_sequence(["préparation", "changement", "grand jeté", "changement", "changement", "changement",
                             "révérence"]))
    text = format_violations(list(reversed(found)))
    lines = text.splitlines()
    assert len(lines) == len(found) >= 2
    assert lines[0].startswith("bar 3 count 1") and "preparation" in lines[0] and "grand jeté" in lines[0]
    assert any(line.startswith("bar 6 count 1") and "run" in line for line in lines)
    assert format_violations([]) == ""
