"""`redshoes live` (the click command the CLI registers): what it refuses, in one line each."""

from __future__ import annotations

import pytest

from redshoes.errors import InputError, OptionError
from redshoes.live.command import live


def _run(*args: str) -> None:
    live.main(list(args), prog_name="redshoes live", standalone_mode=False)


def test_no_source_is_refused() -> None:
    with pytest.raises(OptionError, match="give a music file, - for standard input, or --mic"):
        _run("--no-browser")


def test_a_missing_file_is_named(tmp_path) -> None:
    with pytest.raises(InputError, match="no such file"):
        _run(str(tmp_path / "nothing.mp3"), "--no-browser")


def test_bad_options_are_refused() -> None:
    with pytest.raises(OptionError, match="--speed"):
        _run("song.mp3", "--speed", "0")
    with pytest.raises(OptionError, match="--stage"):
        _run("song.mp3", "--stage", "huge")


def test_the_microphone_needs_sounddevice() -> None:
    try:
        import sounddevice  # noqa: F401
    except (ImportError, OSError):
        with pytest.raises(InputError, match="sounddevice"):
            _run("--mic", "--no-browser")
    else:
        pytest.skip("sounddevice is installed here")
