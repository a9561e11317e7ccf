"""Shared fixtures: the reference material beside the project, and one danced output folder reused by tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
MATERIAL = REPO.parent / "shared" / "material"


def material(*parts: str) -> Path:
    """A file of the shared reference material; skips the test only where the material is absent outside CI."""
    path = MATERIAL.joinpath(*parts)
    if not path.exists():
        if os.environ.get("REDSHOES_REQUIRE_MATERIAL"):
            raise FileNotFoundError(f"{path} is required in CI")
        pytest.skip(f"{path} is not here")
    return path


@pytest.fixture(scope="session")
def danced_builtin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built-in piece danced once, end to end, through the command line."""
    from redshoes.cli import main

    out = tmp_path_factory.mktemp("demo") / "out"
    assert main(["dance", "-o", str(out), "--quiet"]) == 0
    return out
