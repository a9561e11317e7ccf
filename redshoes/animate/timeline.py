"""The choreography as a timeline of resolved key poses: when each key falls, where and which way she faces.

Jumps are timed by gravity (air time t = 2·sqrt(2h/g)) and pinned to the step's accent; a plié is added
after any landing that the next step does not absorb; a foot that stays planted from one key to the next
keeps its exact place on the floor; the keys between the music's anchors are re-timed so that each movement
gets the time a dancer needs. Made as a generator, so that a piece of any length is laid out as it plays.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
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
    anchor: bool = False  # its time is the music's (a step's start, accent, jump or end): re-timing keeps it


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
        lo = max(times[a - 1] + max(0.04 * dur, 0.06), step.start + 0.1) if a > 0 else step.start
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
        _space_after(times, b)
        a = b + 1
    return times, flights


def _space_after(times: list[float], landing: int, gap: float = 0.09) -> None:
    """The keys after a landing (to the step's last, which stays) at least `gap` s apart where the step
    allows, spread evenly where it does not: no pose is reached in a frame or two."""
    last = len(times) - 1
    if landing >= last:
        return
    g = min(gap, (times[last] - times[landing]) / (last - landing))
    for k in range(landing + 1, last):
        times[k] = min(max(times[k], times[k - 1] + g), times[last] - (last - k) * g)


def build_timeline(choreography: Choreography) -> tuple[list[TimedKey], list[Flight]]:
    """All key poses of the ballet in time order, with the flights of its jumps."""
    flights: list[Flight] = []
    return list(iter_timeline(choreography, flights)), flights


def iter_timeline(choreography: Choreography, flights: list[Flight]) -> Iterator[TimedKey]:
    """The key poses of the ballet in time order, made as they are asked for (a piece of any length in
    little memory); the flights of its jumps are appended to `flights` as their steps are reached."""
    keys = _raw_keys(choreography, flights)
    return _increasing(_fly_straight(_retime(_keep_planted_feet(_absorb_landings(keys)))))


def _raw_keys(choreography: Choreography, flights: list[Flight]) -> Iterator[TimedKey]:
    vocab = load_vocabulary()
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
        # a change of facing into the next step is begun at the end of this one: half before, half after
        following = choreography.steps[index + 1] if index + 1 < len(choreography.steps) else None
        change = _wrap(following.facing - facing1) if following is not None else 0.0
        handover = 0.5 * change if abs(change) <= 90.0 else 0.0  # a half turn round is the next step's own
        start = np.array([step.start_at.x, step.start_at.z])
        end = np.array([step.end_at.x, step.end_at.z])
        for k, pose in enumerate(poses):
            if k == 0 and index > 0:
                continue
            travel = pose.at if pose.travel is None else pose.travel
            turn = pose.at if pose.turn is None else pose.turn
            ease = 3 * pose.at**2 - 2 * pose.at**3
            key = _place(
                times[k],
                pose,
                mirrored,
                start + (end - start) * travel,
                facing0 + (facing1 - facing0) * ease + (handover if k == len(poses) - 1 else 0.0),
                turned + total_turn * turn,
                index,
            )
            # the step's end, its accent and its jumps fall where the music puts them
            anchor = k == len(poses) - 1 or bool(pose.jump) or abs(pose.at - definition.accent) < 1e-6
            yield replace(key, anchor=anchor)
        turned += total_turn
        prev_facing = facing1


def _increasing(keys: Iterable[TimedKey]) -> Iterator[TimedKey]:
    """Key times strictly increasing (by a microsecond where two keys fall together)."""
    last = -math.inf
    for key in keys:
        if key.time <= last:
            key = replace(key, time=last + 1e-6)
        last = key.time
        yield key


MAX_JOINT_SPEED = 800.0  # deg/s, mean over a segment: eased, its peak is 1.5 times this
MAX_HIPS_SPEED = (2.5, 1.2)  # m/s along the floor and up or down, mean over a segment
FOOT_SPEED = 2.0  # m/s: a swinging foot's mean speed from the floor to its next place on it
FOOT_LIFT_S = 0.06  # s: a foot takes this long to leave the floor, and as long to set down on it
MAX_TURN_SPEED = 1100.0  # deg/s, mean over a turning segment (three turns a second)


def _segment_need(a: TimedKey, b: TimedKey) -> float:
    """The least time a dancer needs to go from key a to key b, s: the largest joint turn at the mean speed a
    dancer can do, the hips' travel and rise at theirs."""
    dots = np.abs(np.sum(a.body.quats[1:] * b.body.quats[1:], axis=-1))
    angle = float(np.degrees(2.0 * np.arccos(np.clip(dots, 0.0, 1.0))).max())
    travel = float(np.linalg.norm(b.root - a.root))
    rise = abs(b.body.height - a.body.height)
    turn = abs((b.turn + b.facing) - (a.turn + a.facing))
    if a.pose.jump in ("takeoff", "air"):
        return 0.0  # in the air: the flight's time is gravity's
    return max(angle / MAX_JOINT_SPEED, travel / MAX_HIPS_SPEED[0], rise / MAX_HIPS_SPEED[1],
               turn / MAX_TURN_SPEED)


def _swing_need(keys: list[TimedKey], dur: np.ndarray) -> np.ndarray:
    """The least time each segment needs for the feet that leave the floor at one key and land elsewhere at a
    later one: the swing's length at `FOOT_SPEED`, plus time to rise and to set down, shared among the
    segments of the swing as they are now, (K-1,) s."""
    need = np.zeros(len(keys) - 1)
    for i in range(2):
        down = [k for k, key in enumerate(keys) if key.body.planted[i] and not key.body.glide]
        for a, b in zip(down[:-1], down[1:], strict=True):
            travel = float(np.linalg.norm(keys[b].ball[i] - keys[a].ball[i]))
            if travel < 0.05 or keys[a].pose.jump or keys[b].pose.jump:
                continue
            total = travel / FOOT_SPEED + 2.0 * FOOT_LIFT_S
            share = dur[a:b] / max(float(dur[a:b].sum()), 1e-9)
            need[a:b] = np.maximum(need[a:b], total * share)
    return need


def _retime(keys: Iterable[TimedKey]) -> Iterator[TimedKey]:
    """Between keys whose time is the music's, move the others so that each segment gets the time its
    movement needs, taken from segments that have time to spare (all of them shrunk alike when short)."""
    run: list[TimedKey] = []
    for key in keys:
        run.append(key)
        if key.anchor and len(run) > 1:
            yield from _retime_run(run)[:-1]
            run = run[-1:]
    if run:
        yield from _retime_run(run)


def _retime_run(keys: list[TimedKey]) -> list[TimedKey]:
    if len(keys) < 3:
        return keys
    times = np.array([k.time for k in keys])
    span = times[-1] - times[0]
    dur = np.maximum(np.diff(times), 0.0)
    need = np.array([_segment_need(keys[i], keys[i + 1]) for i in range(len(keys) - 1)])
    need = np.maximum(need, _swing_need(keys, dur))
    need = np.maximum(need, np.minimum(dur, 0.04))  # no segment vanishes
    if need.sum() >= span:
        new = span * need / need.sum() if need.sum() > 0 else dur
    else:
        new = np.maximum(dur, need)
        slack = new - need
        excess = new.sum() - span
        if excess > 0 and slack.sum() > 0:
            new = new - slack * min(1.0, excess / slack.sum())
    times[1:-1] = times[0] + np.cumsum(new)[:-1]
    return [replace(k, time=float(t)) for k, t in zip(keys, times, strict=True)]


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


def _absorb_landings(keys: Iterable[TimedKey]) -> Iterator[TimedKey]:
    """Every landing sinks into a demi-plié (never on straight legs) unless the next key does it."""
    source = iter(keys)
    ahead: list[TimedKey] = []

    def fill(n: int) -> None:
        while len(ahead) < n:
            nxt = next(source, None)
            if nxt is None:
                return
            ahead.append(nxt)

    fill(1)
    while ahead:
        key = ahead.pop(0)
        yield key
        fill(2)
        if key.pose.jump != "landing" or not ahead:
            continue
        nxt = ahead[0]
        gap = nxt.time - key.time
        after = ahead[1].time if len(ahead) > 1 else np.inf
        if nxt.pose.jump == "takeoff":
            continue
        if nxt.pose.plie >= 0.6:
            if gap < 0.1 and key.time + 0.1 < after - 0.05:
                ahead[0] = replace(nxt, time=key.time + 0.1)
            continue
        absorb = key.time + float(np.clip(0.45 * gap, 0.09, 0.16))
        if absorb + 0.1 > nxt.time:
            if absorb + 0.1 > after - 0.05:
                continue
            ahead[0] = replace(nxt, time=absorb + 0.1)
        pose = replace(key.pose, plie=1.0, releve="flat", jump="", at=key.pose.at)
        body = _resolved(pose, key.mirrored)
        yaw = _yaw_matrix(key.facing + key.turn)
        path = key.root - yaw @ key.body.offset
        yield TimedKey(
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


SHUFFLE = 0.07  # m: a planted foot that would shift less than this between close keys stays where it is
SHUFFLE_S = 0.18  # s: keys closer than this are close
WEIGHTED_BRUSH_SPEED = 0.6  # m/s: the fastest a foot bearing weight brushes along the floor (at the peak of its way)
STEP_IN = 0.3  # m: the furthest a foot steps so that the other may keep its place
CLOSED = ("first", "fifth")  # positions of the feet a dancer closes into on pointe
DRIFT_ABSORB = 0.25  # m: how much of the path's shift (from feet kept planted) a step or a jump gives back


def _keep_planted_feet(keys: Iterable[TimedKey]) -> Iterator[TimedKey]:
    """A foot planted at one key and the next keeps its place: the key's path moves with it, and a foot that
    would shuffle a few centimetres in a moment (a fifth re-closed with the other foot in front) stays put
    rather than skate there. The shift so gathered is carried on to the keys after (a flight leaves from and
    lands on the same shifted path, not back on the stage plan mid-air), and given back at most
    `DRIFT_ABSORB` a key wherever no foot is on the floor at both keys (a step or a jump can land a little
    further; feet gliding on the floor do not)."""
    prev: TimedKey | None = None
    shift_on = np.zeros(2)
    for key in keys:
        if prev is not None:
            # gliding, the feet go; rising onto pointe to glide (or coming down from it) in the same position of the
            # feet, they stay where they are; rising into a closed position from another, the supporting foot stays
            # and the working foot steps in; opening out (an échappé), both go
            same = prev.pose.feet == key.pose.feet
            step_in = not prev.body.glide and key.body.glide and not same and key.pose.feet in CLOSED
            rising = prev.body.glide != key.body.glide and (same or step_in)
            gliding = (prev.body.glide or key.body.glide) and not rising
            both = prev.body.planted & key.body.planted & ~np.array([gliding] * 2)
            if not (prev.body.planted & key.body.planted).any():  # (not while her feet glide on the floor)
                norm = float(np.linalg.norm(shift_on))
                shift_on = shift_on * (max(norm - DRIFT_ABSORB, 0.0) / norm) if norm > 0 else shift_on
            key = replace(key, root=key.root + shift_on, ball=key.ball + shift_on)
            if both.any():
                delta = _kept_place_shift(prev, key, both, step_in)
                shift_on = shift_on + delta
                key = replace(key, root=key.root + delta, ball=key.ball + delta)
                moved = np.linalg.norm(prev.ball - key.ball, axis=1)
                stay = both & (moved < SHUFFLE) & (key.time - prev.time < SHUFFLE_S)
                if stay.any():
                    key = replace(key, ball=np.where(stay[:, None], prev.ball, key.ball))
        prev = key
        yield key


def _kept_place_shift(prev: TimedKey, key: TimedKey, both: np.ndarray, step_in: bool) -> np.ndarray:
    """How far a key moves (x, z m) so that the feet planted at it and at the key before keep their places: by the
    mean of their shifts; stepping in onto pointe, so that the supporting foot stays; and where both feet would
    change place at once, too fast to brush there (a re-facing, fourth closed to fifth in a moment), so that the
    one nearer its place stays and the other steps (turning further round on both feet, a détourné, or landing
    from a jump, both go)."""
    mean = np.mean((prev.ball - key.ball)[both], axis=0)
    if not both.all():
        return mean
    if step_in:
        supporting = 1 if key.mirrored else 0
        return prev.ball[supporting] - key.ball[supporting]
    shifts = np.linalg.norm(prev.ball - key.ball - mean, axis=1)
    re_facing = abs((key.facing + key.turn) - (prev.facing + prev.turn)) <= 90.0
    hurried = shifts.max() * 1.5 > WEIGHTED_BRUSH_SPEED * (key.time - prev.time)  # (1.5: the peak of an eased way)
    if prev.pose.jump or key.pose.jump or not re_facing or not hurried or np.any(shifts < SHUFFLE):
        return mean
    stays = int(np.argmin(np.linalg.norm(prev.ball - key.ball, axis=1)))
    one_foot = prev.ball[stays] - key.ball[stays]
    step = np.linalg.norm(prev.ball[1 - stays] - key.ball[1 - stays] - one_foot)
    return one_foot if step <= STEP_IN else mean


def _fly_straight(keys: Iterable[TimedKey]) -> Iterator[TimedKey]:
    """In the air the hips travel in a straight line from take-off to landing (a ballistic flight)."""
    held: list[TimedKey] = []  # from the last take-off, until its landing
    for key in keys:
        if key.pose.jump == "takeoff":
            yield from held
            held = [key]
            continue
        if not held:
            yield key
            continue
        held.append(key)
        if key.pose.jump != "landing":
            continue
        a, b = held[0], key
        for k, mid in enumerate(held):
            if mid.pose.jump == "air":
                s = (mid.time - a.time) / max(b.time - a.time, 1e-9)
                held[k] = replace(mid, root=a.root + s * (b.root - a.root))
        yield from held
        held = []
    yield from held
