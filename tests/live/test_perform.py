"""The whole live pipeline: a stream replays exactly after reset; garbage and silence hold, never crash."""

from __future__ import annotations

import numpy as np

from redshoes.live import AudioBlock, LiveOptions, LivePerformance
from redshoes.live.sources import synthetic_blocks


def _signature(performance: LivePerformance, blocks) -> tuple[list[str], np.ndarray, np.ndarray]:
    names: list[str] = []
    roots, rotations = [], []
    for block in blocks:
        update = performance.process(block)
        names.extend(f"{s.name}@{s.start:.6f}" for s in update.steps)
        roots.append(update.frames.root)
        rotations.append(update.frames.rotations)
    return names, np.concatenate(roots), np.concatenate(rotations)


def test_a_stream_replays_exactly_after_reset_and_not_without() -> None:
    performance = LivePerformance(LiveOptions(seed=2))
    first = _signature(performance, synthetic_blocks(14.0, bpm=116.0))
    on = _signature(performance, synthetic_blocks(14.0, bpm=116.0))
    performance.reset()
    replay = _signature(performance, synthetic_blocks(14.0, bpm=116.0))
    assert first[0] == replay[0]
    assert np.array_equal(first[1], replay[1]) and np.array_equal(first[2], replay[2])
    assert first[0] != on[0]


def test_garbage_in_the_middle_of_a_dance_holds_her_with_a_message() -> None:
    performance = LivePerformance()
    for block in synthetic_blocks(10.0, bpm=120.0):
        performance.process(block)
    rng = np.random.default_rng(0)
    bad = [np.full(2205, np.nan), np.full(2205, -np.inf), rng.standard_normal(2205) * 1e9, np.zeros((3, 3, 3))]
    messages = set()
    for samples in bad * 10:  # four seconds of rubbish
        update = performance.process(AudioBlock(samples=samples, sample_rate=22050))
        messages.add(update.message)
        assert update.compose.state == "holding"
        assert np.all(np.isfinite(update.frames.root)) and np.all(np.isfinite(update.frames.rotations))
    assert any("NaN" in m for m in messages) and any("far outside" in m for m in messages)
    last = None
    for block in synthetic_blocks(8.0, bpm=120.0):
        last = performance.process(block)
    assert last is not None and last.compose.state == "dancing"


def test_silence_from_the_start_is_a_still_dancer() -> None:
    performance = LivePerformance()
    for _ in range(50):
        update = performance.process(AudioBlock(samples=np.zeros(2205, np.float32), sample_rate=22050))
        assert not update.steps and update.frames.held.all()
    assert update.hear.state == "silent"


def test_an_empty_block_is_harmless() -> None:
    update = LivePerformance().process(AudioBlock(samples=np.zeros(0, np.float32), sample_rate=44100))
    assert update.frames.count >= 0 and update.message == ""
