"""JSON Schemas of the files users read and edit: music.json and choreography.json."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def schema(name: str) -> dict[str, Any]:
    """The schema shipped for "music" or "choreography"."""
    text = resources.files("redshoes.schemas").joinpath(f"{name}.schema.json").read_text(encoding="utf-8")
    return dict(json.loads(text))


def problems(name: str, document: Any) -> list[str]:
    """Every way a parsed JSON document breaks its schema, as readable lines (empty when valid)."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema(name))
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(top)'}: {error.message}"
        for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    ]
