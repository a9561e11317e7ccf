"""The choreography as a timeline of resolved key poses: when each key falls, where and which way she faces.

Jumps are retimed by gravity (air time t = 2·sqrt(2h/g)) and pinned to the step's accent; a plié is added
after any landing that the next step does not absorb; a foot that stays planted from one key to the next
keeps its
exact place on the floor.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from redshoes.animate.keys import BodyKey, resolve_key
from redshoes.ballet.positions import load_positions
from redshoes.ballet.vocabulary import KeyPose, StepDef, load_vocabulary
from redshoes.compose.choreography import Choreography, Step

GRAVITY = 9.81
_HOLD = (KeyPose(at=0.0, arms="bras_bas"), KeyPose(at=1.0, arms="bras_bas"))


@dataclass(frozen=True, eq=False)
class TimedKey:
    """A key placed in time (s) and on the stage: root x, z (m), yaw of facing and of turning (deg)."""

    time: float
    body: BodyKey
    pose: KeyPose
    mirrored: bool
    root: np.ndarray
    ball: np.ndarray
    facing: float
    turn: float
    step: int


@dataclass(frozen=True)
class Flight:
    """One jump: take-off and landing times (s) and the rise of the hips in the air (m)."""

    takeoff: float
    landing: float
    rise: float


@lru_cache(maxsize=512)
def _resolved(pose: KeyPose, mirrored: bool) -> BodyKey:
    key = resolve_key(pose, load_positions())
    return key.mirrored() if mirrored else key


def _wrap(deg: float) -> float:
    return (deg + 180.0) % 360.0 - 180.0


def _yaw_matrix(deg: float) -> np.ndarray:
    a = math.radians(deg)
    return np.array([[math.cos(a), math.sin(a)], [-math.sin(a), math.cos(a)]])  # acts on (x, z)


def accent_time(step: Step, definition: StepDef) -> float:
    """The instant that carries the count: the step's accent in seconds (its fraction if out of range)."""
    if step.start - 1e-6 <= step.accent <= step.end + 1e-6:
        return float(step.accent)
    return step.start + definition.accent * (step.end - step.start)


def _key_times(
    step: Step, definition: StepDef, poses: tuple[KeyPose, ...]
) -> tuple[list[float], list[Flight]]:
    dur = step.end - step.start
    times = [step.start + p.at * dur for p in poses]
    flights: list[Flight] = []
    accent = accent_time(step, definition)
    a = 0
    while a < len(poses):
        if poses[a].jump != "takeoff":
            a += 1
            continue
        b = next((k for k in range(a + 1, len(poses)) if poses[k].jump == "landing"), None)
        if b is None:
            break
        rise = max(
            definition.jump, 0.02
        )  # the hips' rise in the air, from take-off (feet pointed) to the top
        air = 2.0 * math.sqrt(2.0 * rise / GRAVITY)
        if abs(poses[b].at - definition.accent) < 1e-6:
            tb = accent
            ta = tb - air
        elif poses[a].at < definition.accent < poses[b].at:
            ta, tb = accent - air / 2, accent + air / 2
        else:
            tb = times[b]
            ta = tb - air
        lo = max(times[a - 1] + max(0.04 * dur, 0.08), step.start + 0.18) if a > 0 else step.start
        hi = times[b + 1] - 0.02 * dur if b + 1 < len(poses) else step.end
        ta, tb = max(ta, lo), min(tb, hi)
        if tb - ta < air:
            air = max(tb - ta, 0.05)
            rise = GRAVITY * air**2 / 8.0
            ta = tb - air
        if a > 1:  # the plié before the take-off: time to sink after the last landing, time to push off
            times[a - 1] = float(np.clip(times[a - 1], min(step.start + 0.1, ta - 0.08), ta - 0.08))
        old_a, old_b = times[a], times[b]
        for k in range(a + 1, b):
            times[k] = ta + (times[k] - old_a) / max(old_b - old_a, 1e-9) * (tb - ta)
        times[a], times[b] = ta, tb
        flights.append(Flight(takeoff=ta, landing=tb, rise=rise))
        a = b + 1
    return times, flights


def build_timeline(choreography: Choreography) -> tuple[list[TimedKey], list[Flight]]:
    """All key poses of the ballet in time order, with the flights of its jumps."""
    vocab = load_vocabulary()
    keys: list[TimedKey] = []
    flights: list[Flight] = []
    turned = 0.0
    prev_facing: float | None = None
    for index, step in enumerate(choreography.steps):
        definition = vocab.get(step.name)
        poses = definition.poses or _HOLD
        mirrored = step.foot == "left"
        direction = 1.0 if mirrored else -1.0  # en dehors: toward the working side's back
        if definition.turn_direction == "en dedans":
            direction = -direction
        total_turn = direction * definition.turn * 360.0
        facing0 = step.facing if prev_facing is None else prev_facing + _wrap(step.facing - prev_facing)
        # The composer's end facing already counts whole and half turns; keep only what is left over.
        facing1 = facing0 + _wrap(step.end_facing - step.facing - total_turn)
        times, step_flights = _key_times(step, definition, poses)
        flights.extend(step_flights)
        start = np.array([step.start_at.x, step.start_at.z])
        end = np.array([step.end_at.x, step.end_at.z])
        for k, pose in enumerate(poses):
            if k == 0 and keys:
                continue
            travel = pose.at if pose.travel is None else pose.travel
            turn = pose.at if pose.turn is None else pose.turn
            ease = 3 * pose.at**2 - 2 * pose.at**3
            keys.append(
                _place(
                    times[k],
                    pose,
                    mirrored,
                    start + (end - start) * travel,
                    facing0 + (facing1 - facing0) * ease,
                    turned + total_turn * turn,
                    index,
                )
            )
        turned += total_turn
        prev_facing = facing1
    keys = _keep_planted_feet(_absorb_landings(keys))
    return _fly_straight(keys), flights


def _place(
    time: float, pose: KeyPose, mirrored: bool, path: np.ndarray, facing: float, turn: float, step: int
) -> TimedKey:
    body = _resolved(pose, mirrored)
    yaw = _yaw_matrix(facing + turn)
    return TimedKey(
        time=time,
        body=body,
        pose=pose,
        mirrored=mirrored,
        root=path + yaw @ body.offset,
        ball=path + body.ball @ yaw.T,
        facing=facing,
        turn=turn,
        step=step,
    )


def _absorb_landings(keys: list[TimedKey]) -> list[TimedKey]:
    """Every landing sinks into a demi-plié (never on straight legs) unless the next key does it."""
    out: list[TimedKey] = []
    keys = list(keys)
    for k, key in enumerate(keys):
        out.append(key)
        if key.pose.jump != "landing" or k + 1 >= len(keys):
            continue
        nxt = keys[k + 1]
        gap = nxt.time - key.time
        after = keys[k + 2].time if k + 2 < len(keys) else np.inf
        if nxt.pose.jump == "takeoff":
            continue
        if nxt.pose.plie >= 0.6:
            if gap < 0.1 and key.time + 0.1 < after - 0.05:
                keys[k + 1] = replace(nxt, time=key.time + 0.1)
            continue
        absorb = key.time + float(np.clip(0.45 * gap, 0.09, 0.16))
        if absorb + 0.1 > nxt.time:
            if absorb + 0.1 > after - 0.05:
                continue
            keys[k + 1] = replace(nxt, time=absorb + 0.1)
        pose = replace(key.pose, plie=1.0, releve="flat", jump="", at=key.pose.at)
        body = _resolved(pose, key.mirrored)
        yaw = _yaw_matrix(key.facing + key.turn)
        path = key.root - yaw @ key.body.offset
        out.append(
            TimedKey(
                time=absorb,
                body=body,
                pose=pose,
                mirrored=key.mirrored,
                root=path + yaw @ body.offset,
                ball=path + body.ball @ yaw.T,
                facing=key.facing,
                turn=key.turn,
                step=key.step,
            )
        )
    return out


def _keep_planted_feet(keys: list[TimedKey]) -> list[TimedKey]:
    out = keys[:1]
    for key in keys[1:]:
        prev = out[-1]
        both = prev.body.planted & key.body.planted & ~np.array([prev.body.glide or key.body.glide] * 2)
        if both.any():
            delta = np.mean((prev.ball - key.ball)[both], axis=0)
            key = replace(key, root=key.root + delta, ball=key.ball + delta)
        out.append(key)
    return out


def _fly_straight(keys: list[TimedKey]) -> list[TimedKey]:
    """In the air the hips travel in a straight line from take-off to landing (a ballistic flight)."""
    out = list(keys)
    for k, key in enumerate(keys):
        if key.pose.jump != "air":
            continue
        a = max((i for i in range(k) if keys[i].pose.jump == "takeoff"), default=None)
        b = min((i for i in range(k + 1, len(keys)) if keys[i].pose.jump == "landing"), default=None)
        if a is None or b is None:
            continue
        s = (key.time - keys[a].time) / max(keys[b].time - keys[a].time, 1e-9)
        out[k] = replace(key, root=keys[a].root + s * (keys[b].root - keys[a].root))
    return out
