"""Online composing: grammatical steps on the counts, a préparation at each start, determinism."""

from __future__ import annotations

import numpy as np
import pytest

from redshoes.compose.check import check
from redshoes.compose.choreography import Choreography, Stage, Step
from redshoes.errors import OptionError
from redshoes.live.compose import OnlineCompose
from redshoes.live.hear import OnlineHear
from redshoes.live.sources import synthetic_blocks

from .conftest import file_in_blocks, groundtruth


def _compose(blocks, *, seed: int = 0, level: str = "advanced") -> tuple[list[list[Step]], list[float], list[str]]:
    """Performances (each a list of steps, split where she stopped), the committed beats, the states."""
    hear, compose = OnlineHear(), OnlineCompose(seed=seed, level=level)
    performances: list[list[Step]] = []
    beats: list[float] = []
    states: list[str] = []
    for block in blocks:
        heard = hear.process(block)
        beats.extend(heard.beats)
        update = compose.process(heard)
        states.append(update.state)
        if update.retimed:  # counts not yet danced moved onto newer beats: the same steps, new times
            moved = dict(update.retimed)
            performances[-1] = [moved.get(s, s) for s in performances[-1]]
        if update.restarted:
            performances.append([])
        if update.steps:
            performances[-1].extend(update.steps)
        if update.withdrawn:  # the music stopped: the steps after the one under way are not danced
            del performances[-1][-len(update.withdrawn):]
    return performances, beats, states


def _choreography(steps: list[Step], level: str = "advanced") -> Choreography:
    return Choreography(music="live", duration=steps[-1].end, seed=0, level=level, stage=Stage(), steps=tuple(steps))


@pytest.mark.parametrize("name", ["A_synth_waltz_34_84", "D_midi_44_120drift", "I_chopin_waltz_op70no1"])
def test_the_online_choreography_passes_the_validator(name: str) -> None:
    performances, beats, _ = _compose(file_in_blocks(groundtruth(name)))
    assert len(performances) == 1
    steps = performances[0]
    assert steps[0].name == "préparation" and steps[0].start < 6.0  # she starts within a few seconds
    assert check(_choreography(steps)) == []
    counts = np.array([t for s in steps for t in s.count_times])
    heard = np.asarray(beats)
    near = np.array([np.min(np.abs(heard - t)) for t in counts[counts < heard.max()]])
    assert np.mean(near < 0.07) > 0.85  # her counts fall on the beats heard


def test_a_waltz_is_danced_in_three() -> None:
    performances, _, _ = _compose(file_in_blocks(groundtruth("A_synth_waltz_34_84")))
    steps = performances[0]
    later = [s for s in steps if s.start > 15.0]
    assert all(s.count + s.counts - 1 <= 3 for s in later)  # no step crosses a bar line
    bars = {s.bar for s in later}
    assert {s.bar for s in later if s.count == 1} == bars  # every bar starts on its count 1


def test_she_holds_in_silence_and_prepares_again() -> None:
    performances, _, states = _compose(synthetic_blocks(30.0, bpm=120.0, silence=((10.0, 15.0),)))
    assert len(performances) == 2
    assert "holding" in states
    first, second = performances
    assert first[-1].end < 11.5  # she finishes the bar she had decided, then holds
    assert second[0].name == "préparation" and 15.0 < second[0].start < 20.0
    for steps in performances:
        assert check(_choreography(steps)) == []


def test_the_same_seed_dances_the_same_and_another_seed_differs() -> None:
    one, _, _ = _compose(synthetic_blocks(20.0, bpm=126.0), seed=3)
    two, _, _ = _compose(synthetic_blocks(20.0, bpm=126.0), seed=3)
    other, _, _ = _compose(synthetic_blocks(20.0, bpm=126.0), seed=4)
    assert one == two
    assert [s.name for s in one[0]] != [s.name for s in other[0]]


def test_a_beginner_does_beginner_steps() -> None:
    performances, _, _ = _compose(synthetic_blocks(20.0, bpm=120.0), level="beginner")
    assert check(_choreography(performances[0], "beginner")) == []


def test_an_unknown_level_is_refused() -> None:
    with pytest.raises(OptionError, match="unknown level"):
        OnlineCompose(level="prima")
