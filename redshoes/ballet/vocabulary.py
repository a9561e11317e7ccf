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


SUPPORTS = ("both", "supporting", "working", "none")
RELEVES = ("flat", "demi", "pointe", "pointed")
JUMP_PHASES = ("", "takeoff", "air", "landing")


@dataclass(frozen=True)
class KeyPose:
    """One key pose of a step, at a fraction `at` of its duration, in ballet terms (names: positions.toml).

    `support`: which leg bears weight (both, supporting, working, none = in the air). `feet`/`front`: the
    position of the feet when both are on the floor and which foot is in front. `plie`: 0 straight, 1
    demi-plié,
    2 grand plié. `releve`: flat, demi, pointe, or pointed (toes just touching, at a take-off or landing).
    `gesture`/`support_gesture`: the free legs. `turn`/`travel`: fraction of the step's turn and travel done
    by this key (None: in proportion to time). `jump`: flight phase. `spot`: the head spots during the turn
    into this key. `glide`: the feet may glide on the floor (bourrée couru, chaînés). `torso`/`pelvis`:
    forward
    lean of the upper back and tilt of the pelvis (degrees).
    """

    at: float
    support: str = "both"
    feet: str = "fifth"
    front: str = "working"
    plie: float = 0.0
    releve: str = "flat"
    gesture: str = ""
    support_gesture: str = "pointed_under"
    arms: str = "bras_bas"
    head: str = "en_face"
    epaulement: str = "en_face"
    turn: float | None = None
    travel: float | None = None
    jump: str = ""
    spot: bool = False
    glide: bool = False
    torso: float = 0.0
    pelvis: float = 0.0


@dataclass(frozen=True)
class StepDef:
    """What a teacher says of a step: its counts, accent, positions, travel, turn, jump and the music it
    suits.

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
    turn_direction: str = "en dehors"
    poses: tuple[KeyPose, ...] = field(default=(), compare=False, hash=False)


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


def _key_pose(step: str, entry: dict[str, Any]) -> KeyPose:
    from redshoes.ballet.positions import load_positions

    pose = KeyPose(**entry)
    pos = load_positions()
    checks = (
        ("support", pose.support, SUPPORTS),
        ("releve", pose.releve, RELEVES),
        ("jump", pose.jump, JUMP_PHASES),
        ("front", pose.front, ("working", "supporting")),
        ("feet", pose.feet, tuple(pos.feet)),
        ("gesture", pose.gesture, ("", *pos.gesture)),
        ("support_gesture", pose.support_gesture, tuple(pos.gesture)),
        ("arms", pose.arms, tuple(pos.arms)),
        ("head", pose.head, tuple(pos.head)),
        ("epaulement", pose.epaulement, tuple(pos.epaulement)),
    )
    for label, value, allowed in checks:
        if value not in allowed:
            raise ValueError(f"step {step}: pose at {pose.at}: {label} {value!r} is not one of {allowed}")
    if pose.support in ("supporting", "none") and not pose.gesture:
        raise ValueError(f"step {step}: pose at {pose.at}: a free working leg needs a gesture")
    return pose


def _step(entry: dict[str, Any]) -> StepDef:
    entry = dict(entry)
    poses = tuple(_key_pose(entry["name"], p) for p in entry.pop("pose", []))
    if poses and (
        poses[0].at != 0.0
        or poses[-1].at != 1.0
        or any(a.at >= b.at for a, b in zip(poses, poses[1:], strict=False))
    ):
        raise ValueError(f"step {entry['name']}: poses must run from at = 0 to at = 1 in increasing order")
    known = {f for f in StepDef.__dataclass_fields__}
    extra = {k: v for k, v in entry.items() if k not in known}
    base = {k: v for k, v in entry.items() if k in known}
    base["counts"] = tuple(base["counts"])
    base["tempo"] = tuple(float(t) for t in base["tempo"])
    base["meters"] = tuple(base["meters"])
    base.setdefault("motion", {})
    base["motion"] = {**base["motion"], **extra}
    step = StepDef(**base, poses=poses)
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
