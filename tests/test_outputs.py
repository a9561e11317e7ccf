"""The output folder never loses a user's file."""

from pathlib import Path

import pytest

from redshoes.errors import OutputError
from redshoes.outputs import MANIFEST, OutputFolder


def test_empty_folder_is_created_and_outputs_are_recorded(tmp_path: Path) -> None:
    folder = OutputFolder(tmp_path / "new", planned=["a.json"])
    folder.file("a.json").write_text("{}")
    assert (tmp_path / "new" / MANIFEST).is_file()
    # a second run into the same folder is allowed: everything there is Red Shoes' own
    OutputFolder(tmp_path / "new", planned=["a.json"]).file("a.json").write_text("{}")


def test_folder_with_other_files_is_refused_without_force(tmp_path: Path) -> None:
    (tmp_path / "holiday.jpg").write_bytes(b"mine")
    with pytest.raises(OutputError, match="--force"):
        OutputFolder(tmp_path, planned=["a.json"])
    OutputFolder(tmp_path, planned=["a.json"], force=True).file("a.json").write_text("{}")
    assert (tmp_path / "holiday.jpg").read_bytes() == b"mine"


def test_a_users_file_with_an_output_name_is_never_overwritten_even_with_force(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("my page")
    with pytest.raises(OutputError, match="never overwrites"):
        OutputFolder(tmp_path, planned=["index.html"], force=True)
    assert (tmp_path / "index.html").read_text() == "my page"


def test_a_file_given_as_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "song.mp3").write_bytes(b"x")
    with pytest.raises(OutputError, match="is a file"):
        OutputFolder(tmp_path / "song.mp3", planned=["a.json"])


def test_unwritable_folder_is_refused(tmp_path: Path) -> None:
    import os

    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):  # root ignores permissions: use a path below a file instead
            (tmp_path / "plain").write_text("x")
            with pytest.raises(OutputError):
                OutputFolder(tmp_path / "plain" / "out", planned=["a.json"])
        else:
            with pytest.raises(OutputError, match="permission"):
                OutputFolder(locked, planned=["a.json"])
    finally:
        locked.chmod(0o700)
