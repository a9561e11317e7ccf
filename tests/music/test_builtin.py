"""The built-in piece: its map is exactly the score, and hearing its audio agrees with the score."""

from __future__ import annotations

import mir_eval
import numpy as np
import pytest

from redshoes.hear import hear
from redshoes.music.builtin import builtin_music, builtin_score, render_score, score_music_map


def test_score_map_is_exact() -> None:
    music = score_music_map(builtin_score(), source="score")
    assert [s.label for s in music.sections] == ["I", "A", "B", "A′", "C"]
    assert [s.bars for s in music.sections] == [4, 16, 16, 16, 6]
    assert [p.bars for p in music.phrases] == [4, 8, 8, 8, 8, 8, 8, 6]
    assert [p.first_bar for p in music.phrases] == [1, 5, 13, 21, 29, 37, 45, 53]
    assert [s.first_bar for s in music.sections] == [1, 5, 21, 37, 53]
    assert [bar.index for bar in music.bars] == list(range(1, 59))
    assert music.beats[0] == pytest.approx(0.5)
    waltz_beat, allegro_beat = 60.0 / 162, 60.0 / 120
    assert music.bars[4].beats[1] - music.bars[4].beats[0] == pytest.approx(waltz_beat, abs=1e-6)
    b_bar = music.bars[20]
    assert b_bar.meter == "2/4" and len(b_bar.beats) == 2
    assert b_bar.beats[1] - b_bar.beats[0] == pytest.approx(allegro_beat, abs=1e-6)
    assert {bar.meter for bar in music.bars[4:20]} == {"3/4"}
    assert len(music.beats) == 4 * 3 + 16 * 3 + 16 * 2 + 16 * 3 + 6 * 3
    assert music.downbeats == tuple(bar.start for bar in music.bars)
    assert 60.0 <= music.duration <= 90.0


def test_render_is_deterministic() -> None:
    a, b = render_score(builtin_score()), render_score(builtin_score())
    assert np.array_equal(a.samples, b.samples)
    assert a.sample_rate == 22050 and np.abs(a.samples).max() <= 1.0


def test_hearing_the_piece_agrees_with_its_score() -> None:
    music, audio = builtin_music()
    heard = hear(audio, source="built-in")
    assert mir_eval.beat.f_measure(np.array(music.beats), np.array(heard.beats)) >= 0.9
    waltz = [bar.meter for bar in heard.bars if bar.end <= music.sections[2].start + 0.1]
    allegro_section = music.sections[2]
    allegro = [
        bar.meter
        for bar in heard.bars
        if allegro_section.start - 0.1 <= bar.start < allegro_section.end - 0.1
    ]
    assert waltz.count("3/4") >= 0.9 * len(waltz)
    assert allegro.count("2/4") >= 0.8 * len(allegro)
    assert [section.label for section in heard.sections] == ["I", "A", "B", "A′", "C"]
    heard_downbeats = np.array(heard.downbeats)
    assert mir_eval.beat.f_measure(np.array(music.downbeats), heard_downbeats) >= 0.85


def test_builtin_map_follows_the_schema() -> None:
    import json

    from redshoes import serial
    from redshoes.schemas import problems

    music, _ = builtin_music()
    assert problems("music", json.loads(serial.dumps(music))) == []
