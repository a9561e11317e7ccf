"""Stage values survive a save and load unchanged, and the saved text is canonical."""

from pathlib import Path

import numpy as np
import pytest

from redshoes import serial
from redshoes.compose.choreography import Choreography, Stage, StagePoint, Step
from redshoes.errors import InputError
from redshoes.hear.music_map import Bar, Curve, MusicMap, Phrase, Section


def _music() -> MusicMap:
    beats = tuple(0.5 * i for i in range(8))
    return MusicMap(
        source="x.wav", duration=4.0, tempo=120.0, meter="4/4", beats=beats, downbeats=(0.0, 2.0),
        bars=(Bar(1, 0.0, 2.0, "4/4", beats[:4]), Bar(2, 2.0, 4.0, "4/4", beats[4:])),
        phrases=(Phrase(0.0, 4.0, 1, 2),), sections=(Section("A", 0.0, 4.0, 1, 2),),
        energy=Curve(0.5, tuple(np.linspace(0, 1, 8))), accents=(2.0,), sustained=((1.0, 2.0),),
    )


def test_music_map_round_trip(tmp_path: Path) -> None:
    music = _music()
    serial.save(music, tmp_path / "music.json")
    loaded = serial.load(MusicMap, tmp_path / "music.json")
    assert serial.dumps(loaded) == serial.dumps(music)  # equal to the saved precision (1 µs)
    assert loaded.bars == music.bars and loaded.sections == music.sections
    assert np.allclose(loaded.energy.values, music.energy.values, atol=1e-6)


def test_choreography_round_trip_keeps_accents_in_names(tmp_path: Path) -> None:
    step = Step("assemblé", 0.0, 0.5, 1, 1, 1, (0.0,), "right", StagePoint(0, 0), StagePoint(0.2, 0),
                0.0, 0.0, "croisé devant", 0.5)
    ballet = Choreography("music.json", 0.5, 7, "advanced", Stage(), (step,))
    serial.save(ballet, tmp_path / "c.json")
    assert "assemblé" in (tmp_path / "c.json").read_text(encoding="utf-8")
    assert serial.load(Choreography, tmp_path / "c.json") == ballet


def test_same_value_gives_identical_bytes() -> None:
    assert serial.dumps(_music()) == serial.dumps(_music())


def test_loading_a_wrong_file_says_so(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(InputError, match="not valid JSON"):
        serial.load(MusicMap, tmp_path / "bad.json")
    (tmp_path / "other.json").write_text('{"hello": 1}')
    with pytest.raises(InputError, match="not a MusicMap"):
        serial.load(MusicMap, tmp_path / "other.json")
