"""The output folder: Red Shoes writes only its own files there and never loses anything of the user's.

A small manifest (`.redshoes-files.json`) lists the files Red Shoes wrote. A folder holding other files is
refused unless `--force`; even then, a file Red Shoes did not write is never overwritten or deleted.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from redshoes.errors import OutputError
from redshoes.serial import write_text_atomic

MANIFEST = ".redshoes-files.json"


class OutputFolder:
    """A folder Red Shoes may write its outputs into, checked before any stage runs."""

    def __init__(self, path: Path, *, planned: Iterable[str], force: bool = False) -> None:
        self.path = Path(path)
        self._planned = tuple(planned)
        if self.path.exists() and not self.path.is_dir():
            raise OutputError(f"{self.path} is a file, not a folder; give a folder for the outputs with -o")
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(
                f"cannot create the output folder {self.path} ({exc.strerror}); choose another with -o"
            ) from None
        if not os.access(self.path, os.W_OK | os.X_OK):
            raise OutputError(f"cannot write to {self.path} (permission denied); choose another folder with -o")
        self._ours = self._read_manifest()
        foreign = sorted(
            p.name for p in self.path.iterdir() if p.name != MANIFEST and p.name not in self._ours
        )
        clashes = [n for n in self._planned if n in foreign]
        if clashes:
            raise OutputError(
                f"{self.path / clashes[0]} exists and was not written by Red Shoes; move it away or choose "
                "another folder with -o (Red Shoes never overwrites your files)"
            )
        if foreign and not force:
            shown = ", ".join(foreign[:3]) + (" …" if len(foreign) > 3 else "")
            raise OutputError(
                f"{self.path} already holds other files ({shown}); choose an empty folder with -o, or add "
                "--force to write beside them (they are never changed or deleted)"
            )

    def _read_manifest(self) -> set[str]:
        manifest = self.path / MANIFEST
        if not manifest.is_file():
            return set()
        try:
            names = json.loads(manifest.read_text(encoding="utf-8"))["files"]
            return {str(n) for n in names if "/" not in str(n)}
        except (OSError, ValueError, KeyError, TypeError):
            return set()

    def file(self, name: str) -> Path:
        """The path for one planned output, recorded as Red Shoes' own before it is written."""
        if name not in self._planned:
            raise ValueError(f"{name} is not a planned output")
        if name not in self._ours:
            self._ours.add(name)
            write_text_atomic(self.path / MANIFEST, json.dumps({"files": sorted(self._ours)}, indent=1) + "\n")
        return self.path / name
