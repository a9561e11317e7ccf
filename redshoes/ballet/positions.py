"""Loads the positions of the feet, arms, leg gestures and head from `positions.toml` (Vaganova school)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Body:
    """The dancer's facility: turnout (deg per leg), knee at a demi-plié (deg), foot pitches (deg)."""

    turnout: float
    demi_plie_knee: float
    pointed_foot: float
    demi_pointe: float
    pointe: float


@dataclass(frozen=True)
class FeetPosition:
    """Feet on the floor: ankle spread sideways (m, negative = crossed) and depth front to back (m)."""

    name: str
    spread: float
    depth: float


@dataclass(frozen=True)
class ArmPose:
    """One arm: elevation above horizontal, forward from the side, elbow bend, wrist droop (degrees)."""

    name: str
    elevation: float
    forward: float
    elbow: float
    wrist: float
    twist: float = 0.0


@dataclass(frozen=True)
class ArmsPosition:
    """Both arms by name (Vaganova): the arm pose on the working side and on the supporting side."""

    name: str
    working: str
    supporting: str
    also: str = ""


@dataclass(frozen=True)
class Gesture:
    """A free leg: thigh elevation and direction (0 devant, 90 à la seconde, 180 derrière), knee, foot°."""

    name: str
    elevation: float
    direction: float
    knee: float
    foot: float
    turnout: float | None = None
    cross: float = 0.0


@dataclass(frozen=True)
class Head:
    """Head yaw toward the working side, tilt toward the working shoulder, pitch down (degrees)."""

    name: str
    yaw: float
    tilt: float
    pitch: float


@dataclass(frozen=True)
class Positions:
    """Everything a key pose can name."""

    body: Body
    feet: dict[str, FeetPosition]
    arm: dict[str, ArmPose]
    arms: dict[str, ArmsPosition]
    gesture: dict[str, Gesture]
    head: dict[str, Head]
    epaulement: dict[str, float]


@lru_cache(maxsize=1)
def load_positions() -> Positions:
    """The positions shipped with Red Shoes."""
    text = resources.files("redshoes.ballet").joinpath("positions.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    positions = Positions(
        body=Body(**data["body"]),
        feet={k: FeetPosition(name=k, **v) for k, v in data["feet"].items()},
        arm={k: ArmPose(name=k, **v) for k, v in data["arm"].items()},
        arms={k: ArmsPosition(name=k, **v) for k, v in data["arms"].items()},
        gesture={k: Gesture(name=k, **v) for k, v in data["gesture"].items()},
        head={k: Head(name=k, **v) for k, v in data["head"].items()},
        epaulement={k: float(v["shoulders"]) for k, v in data["epaulement"].items()},
    )
    for a in positions.arms.values():
        for side in (a.working, a.supporting):
            if side not in positions.arm:
                raise ValueError(f"arms {a.name}: unknown arm pose {side!r}")
    return positions
