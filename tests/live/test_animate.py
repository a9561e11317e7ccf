"""Online animation: continuous frames across the joins (moved counts too), a held pose in silence, every frame once."""

from __future__ import annotations

import numpy as np
from scipy.spatial.transform import Rotation

from redshoes.live import AudioBlock
from redshoes.live.perform import LiveOptions, LivePerformance, LiveUpdate
from redshoes.live.sources import synthetic_blocks

from .test_perform import RATE, _clicks, _ritardando


def _perform(blocks, options: LiveOptions | None = None) -> list[LiveUpdate]:
    performance = LivePerformance(options or LiveOptions())
    return [performance.process(block) for block in blocks]


def _frames(updates: list[LiveUpdate]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    first = np.concatenate([u.frames.first + np.arange(u.frames.count) for u in updates])
    root = np.concatenate([u.frames.root for u in updates])
    rotations = np.concatenate([u.frames.rotations for u in updates])
    held = np.concatenate([u.frames.held for u in updates])
    return first, root, rotations, held


def _angles(rotations: np.ndarray) -> np.ndarray:
    """Largest joint rotation change from each frame to the next, degrees, (F-1,)."""
    a = Rotation.from_quat(rotations[:-1].reshape(-1, 4))
    b = Rotation.from_quat(rotations[1:].reshape(-1, 4))
    return np.degrees((a.inv() * b).magnitude()).reshape(len(rotations) - 1, -1).max(axis=1)


def test_every_frame_is_emitted_once_in_order_and_ahead_of_the_audio() -> None:
    updates = _perform(synthetic_blocks(12.0, bpm=120.0), LiveOptions(fps=30.0, lead=0.15))
    index, _, _, _ = _frames(updates)
    assert np.array_equal(index, np.arange(len(index)))
    for u in updates:
        assert u.frames.count == 0 or u.frames.times[-1] <= u.time + 0.15 + 1e-9
    assert index[-1] / 30.0 > updates[-1].time


def test_no_pops_where_the_chunks_join() -> None:
    updates = _perform(synthetic_blocks(20.0, bpm=120.0), LiveOptions(fps=30.0))
    _, root, rotations, held = _frames(updates)
    assert not held[-30:].any()  # she is dancing at the end
    step = np.linalg.norm(np.diff(root, axis=0), axis=1)
    assert step.max() < 0.12  # metres per frame at 30 fps: under 3.6 m/s, no teleport
    turns = _angles(rotations)
    joins = [u.frames.first - 1 for u in updates if u.steps and 0 < u.frames.first < len(turns) - 1]
    assert len(joins) >= 8
    for j in joins:  # where new frames meet the emitted ones, no joint turns much more than just before or after
        assert turns[j] <= 1.5 * max(turns[j - 1], turns[j + 1]) + 5.0, f"a pop at frame {j}"


def test_moved_counts_remake_only_frames_not_sent_and_join_without_a_jump() -> None:
    beats = _ritardando()
    audio = _clicks(beats, beats[-1] + 0.5)
    blocks = (AudioBlock(samples=audio[k : k + 2205], sample_rate=RATE) for k in range(0, len(audio), 2205))
    updates = _perform(blocks, LiveOptions(fps=30.0))
    index, root, rotations, _ = _frames(updates)
    assert np.array_equal(index, np.arange(len(index)))
    turns = _angles(rotations)
    joins = [u.frames.first - 1 for u in updates
             if u.compose.retimed and not u.steps and 5 <= u.frames.first < len(turns) - 6]
    assert len(joins) >= 8  # through the ritardando her counts move onto the slower beats
    step = np.linalg.norm(np.diff(root, axis=0), axis=1)
    for j in joins:  # the frames made again meet the ones sent: no jump, no joint turning faster than nearby
        assert step[j] < 0.12
        nearby = max(turns[j - 5 : j].max(), turns[j + 1 : j + 6].max())
        assert turns[j] <= 1.5 * nearby + 5.0, f"a pop at frame {j}"


def test_silence_holds_the_pose_then_she_dances_again() -> None:
    updates = _perform(synthetic_blocks(26.0, bpm=120.0, silence=((9.0, 15.0),)), LiveOptions(fps=30.0))
    index, root, rotations, held = _frames(updates)
    times = index / 30.0
    still = (times > 12.0) & (times < 15.0)
    assert held[still].all()
    assert np.allclose(rotations[still], rotations[still][0]) and np.allclose(root[still], root[still][0])
    assert not held[times > 22.0].all()
    turns = _angles(rotations)
    edges = np.flatnonzero(np.diff(held.astype(int)) != 0)  # into and out of the hold
    assert len(edges) >= 2
    for j in edges[(edges > 0) & (edges < len(turns) - 1)]:
        assert turns[j] <= 1.5 * max(turns[j - 1], turns[j + 1]) + 5.0, f"a pop at frame {j}"


def test_before_the_count_she_stands_still() -> None:
    updates = _perform(synthetic_blocks(2.0, bpm=120.0))
    _, root, rotations, held = _frames(updates)
    assert held.all() and np.allclose(rotations, rotations[0]) and 0.8 < root[0, 1] < 1.2
