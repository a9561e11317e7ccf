"""Known-answer hearing: click tracks at known tempo and meter, silence, and the ground-truth pieces."""

from __future__ import annotations

import json

import mir_eval
import numpy as np
import pytest

from redshoes.errors import InputError
from redshoes.hear import hear, load_audio
from redshoes.hear.audio import SAMPLE_RATE, Audio
from redshoes.hear.music_map import Bar
from redshoes.hear.phrases import make_phrases

from .conftest import click_track, compound_click_track, material_or_skip


@pytest.mark.parametrize("bpm,beats_per_bar,meter", [(120, 4, "4/4"), (90, 3, "3/4"), (150, 3, "3/4")])
def test_click_track_beats_and_meter(bpm: float, beats_per_bar: int, meter: str) -> None:
    audio, truth = click_track(bpm, beats_per_bar, 40.0)
    music = hear(audio, source="clicks")
    assert mir_eval.beat.f_measure(truth, np.array(music.beats)) >= 0.95
    assert music.tempo == pytest.approx(bpm, rel=0.03)
    assert music.meter == meter
    downbeats = truth[::beats_per_bar]
    assert mir_eval.beat.f_measure(downbeats, np.array(music.downbeats)) >= 0.9


def test_six_eight_counts_dotted_quarters() -> None:
    audio, truth = compound_click_track(100, 40.0)
    music = hear(audio, source="six-eight")
    assert music.meter == "6/8"
    assert music.tempo == pytest.approx(100, rel=0.03)
    assert mir_eval.beat.f_measure(truth, np.array(music.beats)) >= 0.95
    assert mir_eval.beat.f_measure(truth[::2], np.array(music.downbeats)) >= 0.9


def test_silence_is_refused() -> None:
    with pytest.raises(InputError, match="is silent"):
        hear(Audio(np.zeros(SAMPLE_RATE * 10, np.float32), SAMPLE_RATE), source="quiet.wav")


def test_near_silence_is_refused() -> None:
    noise = np.random.default_rng(0).normal(0, 1e-4, SAMPLE_RATE * 10).astype(np.float32)
    with pytest.raises(InputError, match="is silent"):
        hear(Audio(noise, SAMPLE_RATE), source="hiss.wav")


def test_phrases_group_bars_in_eights() -> None:
    bars = tuple(Bar(i + 1, float(i), float(i + 1), "3/4", (float(i),)) for i in range(20))
    phrases = make_phrases(bars)
    assert [p.bars for p in phrases] == [8, 8, 4]
    assert [p.first_bar for p in phrases] == [1, 9, 17]


@pytest.mark.parametrize(
    "piece",
    ["A_synth_waltz_34_84", "F_midi_68_petit_allegro", "J_chopin_mazurka_op33no2", "D_midi_44_120drift"],
)
def test_ground_truth(piece: str) -> None:
    folder = material_or_skip() / "groundtruth"
    truth = np.loadtxt(folder / f"{piece}.beats")
    info = json.loads((folder / f"{piece}.json").read_text())
    music = hear(load_audio(folder / f"{piece}.flac"), source=piece)
    assert mir_eval.beat.f_measure(truth[:, 0], np.array(music.beats)) >= 0.9
    assert music.meter == info["meter"]
    assert mir_eval.beat.f_measure(truth[truth[:, 1] == 1, 0], np.array(music.downbeats)) >= 0.85
    assert all(0.0 <= v <= 1.0 for v in music.energy.values)
    assert music.energy.hop == pytest.approx(0.05)


@pytest.mark.parametrize(
    "piece,beat_f,downbeat_f",
    [
        ("E_m21_haydn_minuet_34", 0.96, 0.95),  # busy violins over the cello's beat (madmom: 1.0, 1.0)
        ("H_chopin_prelude_op28no7", 0.98, 0.98),  # a soft pickup, a final held chord
        ("I_chopin_waltz_op70no1", 0.99, 0.98),
        ("J_chopin_mazurka_op33no2", 0.99, 0.98),  # accents on the second beat for sixteen bars
        ("L_chopin_polonaise_op40no1", 0.98, 0.98),  # loud sixteenths a quarter beat before beats 2 and 3
    ],
)
def test_ground_truth_where_a_peer_heard_better(piece: str, beat_f: float, downbeat_f: float) -> None:
    """The pieces where a peer tracker (madmom) heard better: Red Shoes now hears them as well, but for E."""
    folder = material_or_skip() / "groundtruth"
    truth = np.loadtxt(folder / f"{piece}.beats")
    music = hear(load_audio(folder / f"{piece}.flac"), source=piece)
    assert mir_eval.beat.f_measure(truth[:, 0], np.array(music.beats)) >= beat_f
    assert mir_eval.beat.f_measure(truth[truth[:, 1] == 1, 0], np.array(music.downbeats)) >= downbeat_f
    assert music.meter == "3/4"


def test_very_short_music_still_hears_or_says_why() -> None:
    audio, truth = click_track(120, 4, 4.0)
    music = hear(audio, source="short")
    assert len(music.beats) >= 4 and music.bars


def test_sections_cover_the_phrases() -> None:
    audio, _ = click_track(140, 3, 60.0)
    music = hear(audio, source="clicks")
    assert music.sections[0].start == music.phrases[0].start
    assert music.sections[-1].end == music.phrases[-1].end
    assert sum(s.bars for s in music.sections) == len(music.bars)
    assert [s.label for s in music.sections][0] == "A"


def test_hearing_is_deterministic() -> None:
    from redshoes import serial

    audio, _ = click_track(100, 3, 20.0)
    assert serial.dumps(hear(audio, source="a")) == serial.dumps(hear(audio, source="a"))


def test_saved_map_follows_the_schema() -> None:
    import json

    from redshoes import serial
    from redshoes.schemas import problems

    audio, _ = click_track(132, 3, 30.0)
    assert problems("music", json.loads(serial.dumps(hear(audio, source="clicks")))) == []
