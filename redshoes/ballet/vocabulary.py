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
WEIGHTS = ("both", "working", "supporting")

# Directions of the body (Vaganova): the facing, degrees (0 = the audience, +90 = stage left), in which a
# step is shown with the RIGHT foot working; a left working foot mirrors it. Croisé: the legs seen crossed,
# the working leg the one nearer the audience when it works devant; effacé: the legs seen open; écarté: the
# working leg à la seconde toward the audience (devant) or away from it (derrière).
DIRECTIONS: dict[str, float] = {
    "": 0.0,
    "en face": 0.0,
    "croisé devant": 45.0,
    "croisé derrière": -45.0,
    "effacé devant": -45.0,
    "effacé derrière": 45.0,
    "écarté devant": 45.0,
    "écarté derrière": -45.0,
}


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
    `direction` is the direction of the body the step is shown in (a key of DIRECTIONS; "" = whatever the
    choreographer chooses); `start_weight`/`end_weight` say on which foot the weight is at the start and end
    (both, working, supporting). Every step starts with its working foot in front; it ends, in fifth, with the
    foot that works next in front, in fourth with it behind (ready to push off).
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
    direction: str = ""
    start_weight: str = "both"
    end_weight: str = "both"

    def facing_for(self, foot: str) -> float:
        """The facing (degrees, 0 = the audience) the step's direction of the body asks for, per working foot."""
        yaw = DIRECTIONS[self.direction]
        return -yaw if foot == "left" else yaw


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


def _mid(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else (a + b) / 2


def with_weight_transfers(poses: tuple[KeyPose, ...], travel_direction: str = "none") -> tuple[KeyPose, ...]:
    """Insert, between two keys standing on different legs without a jump, the instant both feet are down.

    A dancer steps from one foot onto the other through both feet (pas de bourrée, pas de valse, a step into
    arabesque); without this key the animation would lift one foot before the other lands. When the step
    travels between the two keys, the new foot lands open: in fourth (forward or back, the foot stepped onto
    ahead when going forward) or in second (sideways).
    """
    out: list[KeyPose] = []
    for a, b in zip(poses, poses[1:], strict=False):
        out.append(a)
        one_leg = {a.support, b.support} == {"supporting", "working"}
        if one_leg and not a.jump and not b.jump:
            feet, front = b.feet, b.front
            moving = a.travel is None or b.travel is None or b.travel != a.travel
            if moving and travel_direction in ("forward", "back", "any"):
                onto = b.support  # the leg that takes the weight steps ahead going forward
                other = "supporting" if onto == "working" else "working"
                feet, front = "fourth", onto if travel_direction != "back" else other
            elif moving and travel_direction == "side":
                feet = "second"
            out.append(
                KeyPose(
                    at=(a.at + b.at) / 2, support="both", feet=feet, front=front,
                    plie=(a.plie + b.plie) / 2, releve=b.releve, arms=b.arms, head=b.head,
                    epaulement=b.epaulement, turn=_mid(a.turn, b.turn), travel=_mid(a.travel, b.travel),
                    torso=(a.torso + b.torso) / 2, pelvis=(a.pelvis + b.pelvis) / 2,
                )
            )
    return (*out, poses[-1]) if poses else ()


def _step(entry: dict[str, Any]) -> StepDef:
    entry = dict(entry)
    poses = with_weight_transfers(
        tuple(_key_pose(entry["name"], p) for p in entry.pop("pose", [])), entry.get("travel_direction", "none")
    )
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
    if step.direction not in DIRECTIONS:
        raise ValueError(f"step {step.name}: direction {step.direction!r} is not one of {tuple(DIRECTIONS)}")
    for label, weight in (("start_weight", step.start_weight), ("end_weight", step.end_weight)):
        if weight not in WEIGHTS:
            raise ValueError(f"step {step.name}: {label} {weight!r} is not one of {WEIGHTS}")
    if step.level not in LEVELS:
        raise ValueError(f"step {step.name}: level {step.level!r} is not one of {LEVELS}")
    return step


@lru_cache(maxsize=1)
def load_vocabulary() -> Vocabulary:
    """The vocabulary shipped with Red Shoes."""
    text = resources.files("redshoes.ballet").joinpath("steps.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    return Vocabulary(steps=tuple(_step(e) for e in data["step"]))
