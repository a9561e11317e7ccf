"""The command line end to end, as a user runs it: music in, every file out, and one clear line on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from redshoes.cli import main
from redshoes.pipeline import BVH_IN_PLACE, GLB_IN_PLACE, OUTPUTS, VIDEO


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "redshoes", *args], capture_output=True, text=True, timeout=600)


def test_dance_builtin_writes_every_output(danced_builtin: Path) -> None:
    for name in (n for n in OUTPUTS if n not in (VIDEO, BVH_IN_PLACE, GLB_IN_PLACE)):
        assert (danced_builtin / name).is_file() and (danced_builtin / name).stat().st_size > 0, name
    report = json.loads((danced_builtin / "report.json").read_text())
    assert set(report) == {"hear", "compose", "animate", "export"}
    music = json.loads((danced_builtin / "music.json").read_text())
    assert music["duration"] > 55 and len(music["beats"]) > 60
    ballet = json.loads((danced_builtin / "choreography.json").read_text(encoding="utf-8"))
    names = {s["name"] for s in ballet["steps"]}
    assert len(names) >= 6
    assert (danced_builtin / "dancer.bvh").read_text().startswith("HIERARCHY")
    assert (danced_builtin / "dancer.glb").read_bytes()[:4] == b"glTF"


def test_same_music_and_seed_give_identical_files(danced_builtin: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert main(["dance", "-o", str(again), "--quiet"]) == 0
    for name in ("music.json", "choreography.json", "dancer.bvh", "dancer.glb", "steps.md", "index.html"):
        assert (again / name).read_bytes() == (danced_builtin / name).read_bytes(), name


def test_edited_choreography_is_re_animated(danced_builtin: Path, tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "edit"
    shutil.copytree(danced_builtin, folder)
    path = folder / "choreography.json"
    ballet = json.loads(path.read_text(encoding="utf-8"))
    ballet["steps"] = ballet["steps"][: len(ballet["steps"]) // 2]
    ballet["duration"] = ballet["steps"][-1]["end"]
    path.write_text(json.dumps(ballet, ensure_ascii=False), encoding="utf-8")
    assert main(["animate", str(folder), "--quiet"]) == 0
    motion = np.load(folder / "motion.npz")
    assert motion["rotations"].shape[0] == pytest.approx(ballet["duration"] * 60, abs=2)


def test_dance_own_audio_file(tmp_path: Path) -> None:
    sr = 22050
    t = np.arange(int(sr * 12)) / sr
    clicks = np.zeros_like(t)
    for k, beat in enumerate(np.arange(0, 12, 0.5)):
        i = int(beat * sr)
        clicks[i:i + 2000] += (1.0 if k % 2 == 0 else 0.5) * np.sin(2 * np.pi * 880 * t[:2000]) * np.exp(-t[:2000] * 40)
    song = tmp_path / "song.flac"
    sf.write(song, 0.5 * clicks, sr)
    result = _run("dance", str(song), "-o", str(tmp_path / "out"), "--quiet")
    assert result.returncode == 0, result.stderr
    assert "index.html" in result.stdout


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda d: d / "missing.mp3", "no such file"),
        (lambda d: d, "folder"),
        (lambda d: (d / "notes.mp3").write_text("not music") and d / "notes.mp3", "audio"),
    ],
)
def test_bad_music_gets_one_clear_line(tmp_path: Path, make, expected: str) -> None:  # type: ignore[no-untyped-def]
    music = make(tmp_path)
    result = _run("dance", str(music), "-o", str(tmp_path / "out"), "--quiet")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("redshoes: error:") and expected in lines[0].lower()


def test_silence_is_refused_clearly(tmp_path: Path) -> None:
    silent = tmp_path / "silent.wav"
    sf.write(silent, np.zeros(22050 * 5, dtype=np.float32), 22050)
    result = _run("dance", str(silent), "-o", str(tmp_path / "out"), "--quiet")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "silent" in result.stderr.lower()


def test_folder_with_users_files_is_left_untouched(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text("my own page")
    for extra in ([], ["--force"]):
        result = _run("dance", "-o", str(out), "--quiet", *extra)
        assert result.returncode != 0 and "Traceback" not in result.stderr
    assert (out / "index.html").read_text() == "my own page"
    assert sorted(p.name for p in out.iterdir()) == ["index.html"]


def test_bad_option_is_refused() -> None:
    result = _run("dance", "--fps", "17")
    assert result.returncode != 0 and "Traceback" not in result.stderr


def test_check_passes_the_composed_ballet_and_flags_a_broken_edit(danced_builtin: Path, tmp_path: Path) -> None:
    ok = _run("check", str(danced_builtin / "choreography.json"))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    ballet = json.loads((danced_builtin / "choreography.json").read_text(encoding="utf-8"))
    ballet["steps"][3]["name"] = "pas de deux imaginaire"
    ballet["steps"][5]["start"] += 0.3
    broken = tmp_path / "choreography.json"
    broken.write_text(json.dumps(ballet, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "music.json").write_bytes((danced_builtin / "music.json").read_bytes())
    result = _run("check", str(broken))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "pas de deux imaginaire" in result.stdout and "bar " in result.stdout


def test_locked_bars_survive_a_new_seed_and_edits_keep_the_ballet_valid(danced_builtin: Path, tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "edit"
    shutil.copytree(danced_builtin, folder)

    def steps() -> list[dict]:  # type: ignore[type-arg]
        return json.loads((folder / "choreography.json").read_text(encoding="utf-8"))["steps"]

    assert main(["lock", str(folder), "--bars", "5-8"]) == 0
    locked = [s for s in steps() if s["locked"]]
    assert locked and all(5 <= s["bar"] <= 8 for s in locked)
    assert main(["compose", str(folder), "--seed", "11", "--quiet"]) == 0
    assert [s for s in steps() if s["locked"]] == locked
    assert main(["replace", str(folder), "--at", "12:1", "--step", "pas de valse", "--quiet"]) == 0
    assert any(s["bar"] == 12 and s["count"] == 1 and s["name"] == "pas de valse" for s in steps())
    assert main(["redo", str(folder), "--bars", "21-28", "--seed", "3", "--quiet"]) == 0
    assert main(["check", str(folder / "choreography.json")]) == 0
    unknown = _run("replace", str(folder), "--at", "12:1", "--step", "pas de deux")
    assert unknown.returncode != 0 and "did you mean" in unknown.stderr and "Traceback" not in unknown.stderr


def test_vocabulary_sheets_are_drawn_for_the_steps_asked(tmp_path: Path) -> None:
    result = _run("vocabulary", "--sheet", str(tmp_path / "sheets"), "--step", "assemblé", "--step", "grand jeté")
    assert result.returncode == 0, result.stderr
    pngs = sorted(p.name for p in (tmp_path / "sheets").glob("*.png"))
    assert len(pngs) == 2 and all((tmp_path / "sheets" / p).read_bytes()[:4] == b"\x89PNG" for p in pngs)
    listing = _run("vocabulary")
    assert listing.returncode == 0 and len(listing.stdout.splitlines()) >= 60
