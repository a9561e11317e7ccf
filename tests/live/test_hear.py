"""Online hearing: the same onsets as offline, the same beats after the first bars, silence and garbage."""

from __future__ import annotations

import mir_eval
import numpy as np
import pytest

from redshoes.hear import hear_file
from redshoes.hear.audio import Audio
from redshoes.hear.features import compute_features
from redshoes.live.hear import FRAME, RATE, HearUpdate, OnlineHear, OnsetStream, TempoPath
from redshoes.live.sources import synthetic_blocks
from redshoes.live.stage import AudioBlock

from .conftest import file_in_blocks, groundtruth, reference_beats

# Agreeing, after the first bars (the first 5 s, as mir_eval trims): mir_eval's F-measure (70 ms) of the online
# beats against the offline ones is at least this, i.e. both precision and recall about this high; and as high
# against the true beats (bench/live.py prints every figure)
AGREES = 0.85
PIECES = [
    "A_synth_waltz_34_84", "B_synth_44_120drift", "C_midi_waltz_34_84", "D_midi_44_120drift",
    "E_m21_haydn_minuet_34", "F_midi_68_petit_allegro", "G_midi_adagio_rubato_34", "H_chopin_prelude_op28no7",
    "I_chopin_waltz_op70no1", "J_chopin_mazurka_op33no2", "K_chopin_mazurka_op67no3", "L_chopin_polonaise_op40no1",
]


def _run(hear: OnlineHear, blocks) -> list[HearUpdate]:
    return [hear.process(block) for block in blocks]


def _beats(updates: list[HearUpdate]) -> np.ndarray:
    return np.array([t for u in updates for t in u.beats])


def _f(reference: np.ndarray, estimate: np.ndarray) -> float:
    """F-measure (70 ms window) after the first 5 s (the first bars), as in mir_eval's trimming."""
    return float(mir_eval.beat.f_measure(mir_eval.beat.trim_beats(reference), mir_eval.beat.trim_beats(estimate)))


def test_onsets_streamed_in_odd_blocks_equal_the_offline_features() -> None:
    rng = np.random.default_rng(1)
    samples = (0.2 * rng.standard_normal(RATE * 3)).astype(np.float32)
    offline = compute_features(Audio(samples=samples, sample_rate=RATE)).onset
    stream = OnsetStream()
    cuts = [0, 100, 5000, 31337, len(samples)]
    pieces = [stream.push(samples[a:b])[0] for a, b in zip(cuts[:-1], cuts[1:], strict=True)]
    online = np.concatenate(pieces)
    assert len(online) > len(offline) - 10
    np.testing.assert_allclose(online, offline[: len(online)], rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("name", PIECES)
def test_online_beats_agree_with_offline_and_the_truth_after_the_first_bars(name: str) -> None:
    path = groundtruth(name)
    online = _beats(_run(OnlineHear(), file_in_blocks(path)))
    music, _ = hear_file(path)
    agreement = _f(np.asarray(music.beats), online)
    assert agreement >= AGREES, f"online against offline beats: F {agreement:.3f}"
    truth = _f(reference_beats(path), online)
    assert truth >= AGREES, f"online against the true beats: F {truth:.3f}"


def _notes(notes: list[tuple[float, float, float]], seconds: float) -> list[AudioBlock]:
    """Piano-like tones (start s, pitch Hz, amplitude) as 0.1-s blocks."""
    samples = np.zeros(int(seconds * RATE))
    for start, hz, amplitude in notes:
        first = int(start * RATE)
        t = np.arange(min(int(0.6 * RATE), len(samples) - first)) / RATE
        samples[first : first + len(t)] += amplitude * np.exp(-t / 0.25) * np.sin(2 * np.pi * hz * t)
    step = RATE // 10
    return [AudioBlock(samples=samples[i : i + step].astype(np.float32), sample_rate=RATE)
            for i in range(0, len(samples), step)]


def test_rolling_eighths_in_three_are_counted_in_three_from_the_first_bars() -> None:
    # an adagio: the left hand's even eighths (0.47 s), a bass and a melody note on each bar of six eighths;
    # nothing marks the quarters
    arpeggio = [147.0, 196.0, 247.0, 294.0, 247.0, 196.0]
    notes = [(0.2 + k * 0.47, arpeggio[k % 6], 0.12) for k in range(63) if k % 6]
    notes += [(0.2 + k * 0.47, hz, level) for k in range(0, 63, 6) for hz, level in ((98.0, 0.5), (392.0, 0.3))]
    updates = _run(OnlineHear(), _notes(notes, 30.0))
    intervals = np.diff(_beats(updates))
    assert len(intervals) >= 25
    assert np.allclose(intervals, 0.94, atol=0.03)  # two eighths a count, from the first count on
    assert updates[-1].beats_per_bar == 3


def test_a_pickup_into_each_beat_is_not_counted_as_the_beat() -> None:
    # a note 0.12 s before every beat, a little louder than the beat it leads into (a polonaise's upbeat figure)
    beats = 0.3 + 0.6 * np.arange(50)
    notes = [(t, 220.0, 0.3) for t in beats] + [(t - 0.12, 330.0, 0.4) for t in beats]
    counted = _beats(_run(OnlineHear(), _notes(notes, 30.0)))
    assert len(counted) >= 40
    assert np.mean(np.min(np.abs(counted[:, None] - beats[None, :]), axis=1) < 0.05) > 0.95


def test_one_window_of_another_octave_does_not_switch_the_tempo_but_a_lasting_one_does() -> None:
    lags = np.arange(26, 121)
    beat, double = int(np.argmin(np.abs(lags - 43))), int(np.argmin(np.abs(lags - 86)))
    here, there = np.full(len(lags), 0.1), np.full(len(lags), 0.1)
    here[beat], there[double] = 1.0, 1.0
    path = TempoPath()
    for _ in range(20):
        path.step(here, lags)
    assert path.step(there, lags)[0] == pytest.approx(43 * FRAME, abs=FRAME)
    periods = [path.step(there, lags)[0] for _ in range(60)]
    assert periods[-1] == pytest.approx(86 * FRAME, abs=FRAME)


def test_reset_replays_the_stream_exactly_and_no_reset_does_not() -> None:
    hear = OnlineHear()
    first = _run(hear, synthetic_blocks(12.0, bpm=132.0))
    again = _run(hear, synthetic_blocks(12.0, bpm=132.0))  # not reset: time runs on from 12 s
    hear.reset()
    replay = _run(hear, synthetic_blocks(12.0, bpm=132.0))
    assert first == replay
    assert first != again
    assert _beats(again).max() > 23.0


def test_a_steady_pulse_is_counted_with_its_bars() -> None:
    updates = _run(OnlineHear(), synthetic_blocks(16.0, bpm=120.0, beats_per_bar=3))
    beats = _beats(updates)
    assert len(beats) >= 20
    assert updates[-1].period == pytest.approx(0.5, abs=0.01)
    assert updates[-1].beats_per_bar == 3
    expected = np.arange(0, 16.0, 0.5)
    assert _f(expected, beats) > 0.95
    downbeats = [t for u in updates for t, p in zip(u.beats, u.positions, strict=True) if p == 0]
    assert np.allclose(np.round(np.asarray(downbeats) / 1.5) * 1.5, downbeats, atol=0.05)
    last = updates[-1]
    assert last.predicted[0] > last.time - 0.1 and np.allclose(np.diff(last.predicted), 0.5, atol=0.01)


def test_the_tempo_follows_a_change() -> None:
    hear = OnlineHear()
    _run(hear, synthetic_blocks(12.0, bpm=100.0))
    assert hear.period == pytest.approx(0.6, abs=0.02)
    # the stream goes on at 140 BPM (same clock): feed blocks whose content is a 140 BPM pulse
    for block in synthetic_blocks(12.0, bpm=140.0):
        update = hear.process(block)
    assert update.period == pytest.approx(60 / 140, abs=0.02)


def test_silence_stops_the_count_and_music_restarts_it() -> None:
    updates = _run(OnlineHear(), synthetic_blocks(24.0, bpm=120.0, silence=((8.0, 12.0),)))
    states = [u.state for u in updates]
    assert "silent" in states
    silent = [u for u in updates if u.state == "silent"]
    assert all(not u.beats and not u.predicted for u in silent)
    assert silent[0].time < 9.0  # within a second of the music stopping
    restarts = [u.time for u in updates if u.restarted]
    assert len(restarts) == 2 and 12.0 < restarts[1] < 17.0
    assert not any(8.2 < t < 12.0 for t in _beats(updates))


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        (np.full(2205, np.nan, np.float32), "NaN"),
        (np.full(2205, np.inf), "NaN or infinite"),
        (np.full(2205, 1e6), "far outside"),
        (np.zeros((2, 3, 4)), "samples, channels"),
        (np.array(["a", "b"]), "not audio"),
    ],
)
def test_garbage_holds_with_a_message_and_never_crashes(bad: np.ndarray, words: str) -> None:
    hear = OnlineHear()
    for block in synthetic_blocks(6.0, bpm=120.0):
        hear.process(block)
    update = hear.process(AudioBlock(samples=bad, sample_rate=22050))
    assert update.state == "held" and words in update.message
    assert not update.predicted
    after = _run(hear, synthetic_blocks(6.0, bpm=120.0))
    assert after[-1].state == "beating" and any(u.restarted for u in after)


def test_a_change_of_sample_rate_restarts_the_count_with_a_message() -> None:
    hear = OnlineHear()
    _run(hear, synthetic_blocks(6.0, bpm=120.0, rate=22050))
    updates = _run(hear, synthetic_blocks(8.0, bpm=120.0, rate=44100))
    assert "sample rate changed from 22050 to 44100" in updates[0].message
    assert updates[0].state == "listening"
    assert updates[-1].state == "beating" and updates[-1].period == pytest.approx(0.5, abs=0.01)
    assert updates[-1].time == pytest.approx(14.0, abs=0.3)


def test_an_impossible_sample_rate_is_held() -> None:
    update = OnlineHear().process(AudioBlock(samples=np.zeros(100), sample_rate=0))
    assert update.state == "held" and "sample rate" in update.message
