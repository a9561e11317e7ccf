"""Scores as input: MIDI and kern give their bars, counted beats and meters exactly, rendered by Red Shoes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pretty_midi
import pytest

from redshoes.errors import InputError
from redshoes.hear import hear_file, hear_score
from redshoes.music.notation import beat_length
from tests.hear.conftest import material_or_skip


def _midi(path: Path, meters: list[tuple[int, int, int]], bpm: float = 120.0) -> Path:
    """A piano MIDI file: for each (numerator, denominator, bars) a run of bars with a note on every eighth."""
    midi = pretty_midi.PrettyMIDI(initial_tempo=bpm)
    piano = pretty_midi.Instrument(program=0)
    quarter = 60.0 / bpm
    now = 0.0
    for numerator, denominator, bars in meters:
        midi.time_signature_changes.append(pretty_midi.TimeSignature(numerator, denominator, now))
        eighth = quarter / 2
        per_bar = numerator * (2 if denominator == 4 else 1)
        for _ in range(bars):
            for k in range(per_bar):
                start = now + k * eighth
                pitch = 48 if k == 0 else 64 + (k % 3)
                piano.notes.append(pretty_midi.Note(100 if k == 0 else 70, pitch, start, start + 0.9 * eighth))
            now += per_bar * eighth
    midi.instruments.append(piano)
    midi.write(str(path))
    return path


def test_six_eight_counts_two_dotted_quarters(tmp_path: Path) -> None:
    music, audio = hear_score(_midi(tmp_path / "jig.mid", [(6, 8, 8)], bpm=120))
    assert music.meter == "6/8"
    assert len(music.bars) == 8
    assert all(len(bar.beats) == 2 for bar in music.bars)
    eighth = 0.25
    assert music.bars[0].beats == pytest.approx((0.0, 3 * eighth))
    assert music.bars[1].start == pytest.approx(6 * eighth)
    assert music.tempo == pytest.approx(60.0 / (3 * eighth))
    assert audio.sample_rate == 22050 and audio.duration >= 8 * 6 * eighth


def test_meter_change_three_four_to_two_four(tmp_path: Path) -> None:
    music, _ = hear_score(_midi(tmp_path / "change.mid", [(3, 4, 8), (2, 4, 8)], bpm=120))
    assert [bar.meter for bar in music.bars] == ["3/4"] * 8 + ["2/4"] * 8
    assert [len(bar.beats) for bar in music.bars] == [3] * 8 + [2] * 8
    assert music.bars[8].start == pytest.approx(8 * 3 * 0.5)
    assert [p.first_bar for p in music.phrases] == [1, 9]
    assert [s.first_bar for s in music.sections][:2] == [1, 9]
    assert music.downbeats == tuple(bar.start for bar in music.bars)


def test_hear_file_dispatches_midi_by_suffix(tmp_path: Path) -> None:
    music, _ = hear_file(_midi(tmp_path / "waltz.MIDI", [(3, 4, 16)], bpm=150))
    assert music.meter == "3/4" and len(music.bars) == 16
    assert music.source == "waltz.MIDI"


def test_rendering_is_deterministic(tmp_path: Path) -> None:
    path = _midi(tmp_path / "w.mid", [(3, 4, 4)])
    assert np.array_equal(hear_score(path)[1].samples, hear_score(path)[1].samples)


BROKEN = [b"MThd\x00\x00\x00\x06\x00\x01\x00\x02\x01\xe0MTrk\xff\xff", b"", b"not midi" * 40]


@pytest.mark.parametrize("content", BROKEN)
def test_corrupt_midi_is_one_line(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.mid"
    path.write_bytes(content)
    with pytest.raises(InputError, match="cannot read it as a MIDI file") as error:
        hear_file(path)
    assert "\n" not in str(error.value)


def test_corrupt_score_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.musicxml"
    path.write_text("<score-partwise><part id='P1'><measure number='1'><note><pitch>")
    with pytest.raises(InputError) as error:
        hear_file(path)
    assert "\n" not in str(error.value)


def test_empty_midi_says_no_notes(tmp_path: Path) -> None:
    path = tmp_path / "empty.mid"
    pretty_midi.PrettyMIDI().write(str(path))
    with pytest.raises(InputError, match="no notes"):
        hear_file(path)


def test_beat_length() -> None:
    assert beat_length(6, 8) == 1.5 and beat_length(12, 8) == 1.5 and beat_length(9, 8) == 1.5
    assert beat_length(3, 4) == 1.0 and beat_length(2, 2) == 2.0 and beat_length(3, 8) == 0.5


def test_chopin_prelude_kern() -> None:
    path = material_or_skip() / "scores/chopin-les-sylphides/028-1-BH-007.krn"
    music, audio = hear_file(path)
    assert music.meter == "3/4"
    assert len(music.bars) == 16
    assert all(len(bar.beats) == 3 for bar in music.bars)
    assert len(music.beats) == 16 * 3 + 1  # a one-beat pickup, counted but not a bar
    assert music.beats[0] < music.bars[0].start
    assert [p.bars for p in music.phrases] == [8, 8]
    assert audio.duration == pytest.approx(music.duration)
    steps = np.diff([t for bar in music.bars for t in bar.beats])
    assert np.allclose(steps, steps[0], atol=1e-5)  # one written tempo


def test_chopin_waltz_kern() -> None:
    music, _ = hear_file(material_or_skip() / "scores/chopin-les-sylphides/070-1-Sam-001.krn")
    assert {bar.meter for bar in music.bars} == {"3/4"}
    assert all(len(bar.beats) == 3 for bar in music.bars)
    assert 40.0 <= music.tempo <= 200.0  # the written tempo, held within a danceable one
    assert all(p.bars in (4, 8) for p in music.phrases[:-1])
    assert len(music.sections) >= 2


def test_musicxml_six_eight_with_pickup_and_repeat(tmp_path: Path) -> None:
    import music21

    part = music21.stream.Part()
    pickup = music21.stream.Measure(number=0)
    pickup.append(music21.meter.TimeSignature("6/8"))
    pickup.append(music21.tempo.MetronomeMark(number=80, referent=music21.note.Note(type="quarter", dots=1)))
    pickup.append(music21.note.Note("G4", quarterLength=1.5))
    pickup.paddingLeft = 1.5
    part.append(pickup)
    for number in range(1, 5):
        measure = music21.stream.Measure(number=number)
        for pitch in ("C4", "E4", "G4", "C5", "G4", "E4"):
            measure.append(music21.note.Note(pitch, quarterLength=0.5))
        part.append(measure)
    part.getElementsByClass("Measure")[-1].rightBarline = music21.bar.Repeat(direction="end")
    score = music21.stream.Score([part])
    path = Path(score.write("musicxml", fp=str(tmp_path / "jig.musicxml")))
    music, _ = hear_file(path)
    dotted_quarter = 60.0 / 80
    assert music.meter == "6/8"
    assert [len(bar.beats) for bar in music.bars] == [2] * 8  # four bars played twice
    assert len(music.beats) == 2 * (1 + 4 * 2)  # the pickup is played again after the repeat sign
    assert [s.first_bar for s in music.sections] == [1, 5]  # the repeat sign starts a section
    assert music.beats[0] == pytest.approx(0.0)  # the pickup: one counted beat before bar one
    assert music.bars[0].start == pytest.approx(dotted_quarter)
    assert music.bars[0].beats[1] - music.bars[0].beats[0] == pytest.approx(dotted_quarter)
    assert music.tempo == pytest.approx(80.0)


def test_chopin_mazurka_kern_plays_its_repeats() -> None:
    music, _ = hear_file(material_or_skip() / "scores/chopin-les-sylphides/033-1-BH-002.krn")
    assert music.meter == "3/4" and all(len(bar.beats) == 3 for bar in music.bars)
    assert len(music.bars) == 144  # 136 written bars, a repeated 8-bar strain played twice
    assert music.sections[0].first_bar == 1 and len(music.sections) >= 3
    assert all(p.bars in (4, 8) for p in music.phrases[:-1])
