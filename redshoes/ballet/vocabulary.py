"""Loads the vocabulary of steps from `steps.toml`, the file a ballet teacher reads and corrects."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from redshoes.errors import OptionError

FAMILIES = ("pose", "link", "adagio", "turn", "petit allegro", "grand allegro", "waltz")
LEVELS = ("beginner", "intermediate", "advanced", "professional")


@dataclass(frozen=True)
class StepDef:
    """What a teacher says of a step: its counts, accent, positions, travel, turn, jump and the music it suits.

    `accent` is the fraction of the step's duration at which its count-carrying instant falls (1.0: the end,
    as a landing on the count; 0.5: the top of a jump mid-step). Travel is metres along `travel_direction`
    relative to where the dancer faces ("side" is toward the working foot). Turn is in whole revolutions,
    positive en dehors (toward the supporting-leg side's back). Jump is the hip rise at the top, metres.
    """

    name: str
    gloss: str
    family: str
    counts: tuple[int, ...]
    accent: float
    start_position: str
    end_position: str
    working_foot_after: str
    travel: float
    travel_direction: str
    turn: float
    jump: float
    pointe: bool
    level: str
    tempo: tuple[float, float]
    meters: tuple[str, ...]
    quality: str
    school: str = ""
    notes: str = ""
    motion: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Vocabulary:
    """All the steps Red Shoes knows, by name."""

    steps: tuple[StepDef, ...]

    def get(self, name: str) -> StepDef:
        """A step by its French name; a clear error names the closest known steps."""
        for s in self.steps:
            if s.name == name:
                return s
        import difflib

        close = difflib.get_close_matches(name, [s.name for s in self.steps], n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise OptionError(f"unknown step {name!r}{hint}; `redshoes vocabulary` lists the steps")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.steps)


def _step(entry: dict[str, Any]) -> StepDef:
    known = {f for f in StepDef.__dataclass_fields__}
    extra = {k: v for k, v in entry.items() if k not in known}
    base = {k: v for k, v in entry.items() if k in known}
    base["counts"] = tuple(base["counts"])
    base["tempo"] = tuple(float(t) for t in base["tempo"])
    base["meters"] = tuple(base["meters"])
    base.setdefault("motion", {})
    base["motion"] = {**base["motion"], **extra}
    step = StepDef(**base)
    if step.family not in FAMILIES:
        raise ValueError(f"step {step.name}: family {step.family!r} is not one of {FAMILIES}")
    if step.level not in LEVELS:
        raise ValueError(f"step {step.name}: level {step.level!r} is not one of {LEVELS}")
    return step


@lru_cache(maxsize=1)
def load_vocabulary() -> Vocabulary:
    """The vocabulary shipped with Red Shoes."""
    text = resources.files("redshoes.ballet").joinpath("steps.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    return Vocabulary(steps=tuple(_step(e) for e in data["step"]))
