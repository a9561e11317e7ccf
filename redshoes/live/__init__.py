"""Live: the ballerina dances to music as it plays (online hear, compose, animate; a local web page).

The names below load on first use, so that `redshoes --help` does not pay for the audio libraries.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_WHERE = {"AudioBlock": "stage", "OnlineStage": "stage", "LiveOptions": "perform", "LivePerformance": "perform",
          "LiveUpdate": "perform"}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'redshoes.live' has no attribute {name!r}")
    return getattr(import_module(f"redshoes.live.{_WHERE[name]}"), name)
