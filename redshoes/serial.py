"""Canonical JSON for the values passed between stages, so saved files are byte-identical run to run.

Floats are rounded to 6 decimals (microseconds, micrometres); dataclasses keep their field order.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any, TypeVar

import dacite
import numpy as np

from redshoes.errors import InputError

T = TypeVar("T")

FLOAT_DECIMALS = 6


def to_jsonable(value: Any) -> Any:
    """Turn dataclasses, tuples and NumPy values into plain JSON types with rounded floats."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [to_jsonable(v) for v in value.tolist()]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        f = float(value)
        if not math.isfinite(f):
            raise ValueError(f"cannot save a non-finite number ({f})")
        r = round(f, FLOAT_DECIMALS)
        return 0.0 if r == 0 else r
    return value


def dumps(value: Any) -> str:
    """Serialise a stage value to canonical JSON text."""
    return json.dumps(to_jsonable(value), ensure_ascii=False, indent=1) + "\n"


def from_jsonable(cls: type[T], data: Any) -> T:
    """Build a (nested, frozen) dataclass from parsed JSON, turning lists into tuples."""
    return dacite.from_dict(cls, data, config=dacite.Config(cast=[tuple], strict=False))


def write_text_atomic(path: Path, text: str | bytes) -> None:
    """Write a file so that a crash never leaves it half-written."""
    path = Path(path)
    data = text.encode("utf-8") if isinstance(text, str) else text
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def save(value: Any, path: Path) -> None:
    """Save a stage value as canonical JSON."""
    write_text_atomic(Path(path), dumps(value))


def load(cls: type[T], path: Path) -> T:
    """Load a stage value saved by `save`, with a clear error when the file is not one."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file; give the path of a {cls.__name__} JSON file saved by Red Shoes")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return from_jsonable(cls, data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not valid JSON ({exc}); give a file saved by Red Shoes") from None
    except dacite.DaciteError as exc:
        raise InputError(f"{path}: not a {cls.__name__} file ({exc})") from None
