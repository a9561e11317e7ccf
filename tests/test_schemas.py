"""The shipped JSON Schemas describe the files Red Shoes writes, and catch a broken edit."""

import json
from pathlib import Path

from redshoes.schemas import problems


def test_saved_music_and_choreography_follow_their_schemas(danced_builtin: Path) -> None:
    assert problems("music", json.loads((danced_builtin / "music.json").read_text())) == []
    assert problems("choreography", json.loads((danced_builtin / "choreography.json").read_text())) == []


def test_a_broken_edit_is_reported_with_where(danced_builtin: Path) -> None:
    ballet = json.loads((danced_builtin / "choreography.json").read_text())
    ballet["steps"][0]["foot"] = "middle"
    del ballet["steps"][1]["start"]
    found = problems("choreography", ballet)
    assert any(line.startswith("steps/0/foot") for line in found)
    assert any(line.startswith("steps/1") and "start" in line for line in found)
