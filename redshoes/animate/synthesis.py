"""From the timeline of key poses to a pose per frame: eased slerp, ballistic flights, spotting, planted feet.

The timeline becomes a `Track` (arrays over keys); any run of frames is then made from the track alone, so
a piece of any length can be made a chunk at a time. Every per-frame step is local in time (at most
`Track.margin` frames of context), which is what lets chunks made with that margin match the whole exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.ndimage import gaussian_filter1d
from scipy.spatial.transform import Rotation

from redshoes.animate import limbs, quat
from redshoes.animate.glide import glides
from redshoes.animate.keys import ARM, LEG, SIDES, SK, J
from redshoes.animate.motion import Motion, forward_kinematics
from redshoes.animate.runs import true_runs
from redshoes.animate.timeline import Flight, TimedKey, build_timeline
from redshoes.ballet.positions import load_positions
from redshoes.compose.choreography import Choreography
from redshoes.errors import InputError

TURNOUT_SIGN = (1.0, -1.0)  # left foot turns out toward +x, right toward -x
WEIGHT_SIGMA_S = 0.035  # how softly the weight passes between a leg's IK and its free gesture, seconds
PATH_SIGMA_S = 0.03  # the hips' path and the feet's pitch pass through their keys this softly, seconds
HIPS_SPEED = 3.2  # m/s: the hips never rise or sink faster (a take-off or landing from a 0.5 m jump)
SPEED_LIMIT = 900.0  # deg/s: joints of free limbs turning faster than this are smoothed (a dancer's limit ~1500)
KNEE_SPEED = 1100.0  # deg/s: the fastest a free knee bends or stretches
SPEED_SIGMA_S = 0.05  # the smoothing of such fast passages, seconds
SMOOTH_RAMP_S = 0.1  # a leg leaving the floor comes into that smoothing over this long, seconds
LIFT_SPREAD_S = 0.05  # s: the last lift of a foot out of the floor comes and goes over this long
POP_STEP = 0.05  # m: a foot point moving further than this in a frame (3 m/s at 60 fps) ...
POP_RATIO = 1.5  # ... and this many times further than in the frames either side has popped
POP_REACH_S = 0.05  # s: such a pop is spread evenly over this long either side (or that much longer)
POP_LOW = 0.12  # m: pops are eased where the foot is this low (higher, fast beats and kicks are the step's own)
POP_FAR = 0.25  # m: a foot point moving further than this in a frame has popped, however high (15 m/s at 60 fps)
POP_KNEE_SPEED = 1400.0  # deg/s: ... if the knee then bends no faster than this (or than it did)
BRUSH_SPEED = 0.3  # m/s: a free foot may brush along the floor up to this speed; faster, it lifts
SWING_LIFT = 0.14  # m of lift per m/s of foot speed above the brush speed
SWING_MAX = 0.09  # the highest a swinging foot is lifted, metres (a low dégagé)
SWING_RAMP_S = 0.1  # a foot leaves the floor and sets down on it over this long, seconds
SWING_SIGMA_S = 0.06  # the swing arc starts a little before the foot moves and lands a little after
STEP_MIN_S = 0.1  # s: a foot given less time than this to change place slides there instead of stepping
PLACE_HOLD = 0.15  # a foot leaving one place for the next keeps its old place this share of the way, and its new one
TOUCH_S = 0.12  # a foot touching down at a key takes its full weight over this long either side, seconds
BALANCE_MAX = 0.1  # m: the most the hips shift to bring the centre of mass over the feet
BALANCE_SIGMA_S = 0.06  # how softly they shift, seconds
FOLLOW_DEG = 7.0  # how far the arms carry on down after a landing, degrees
FOLLOW_S = 0.09  # when they are deepest, seconds after the landing
BREATH_DEG = 5.0  # arms rise and settle by this much through a held position
PIVOT_SPEED = 240.0  # deg/s: the fastest a flat foot bearing weight turns on the floor (the heel shuffled round)
PIVOT_PITCH = (12.0, 18.0)  # deg: a foot pitched up beyond the first turns more freely, fully beyond their sum
ROLL_SPEED = 300.0  # deg/s: the fastest a foot bearing weight rolls through its first degrees off the flat
ROLL_PITCH = (30.0, 15.0)  # deg: past the first the roll is less limited, free past their sum
PIVOT_REACH_S = 0.3  # how far in time the pivot's speed limit reaches, seconds
BEAT_DEPTH = 0.55  # the motion slows to (1 - this) of its pace on each count and quickens to (1 + this) between
BEAT_LONGEST_S = 1.5  # beats longer than this (a held fermata) are not shaped
FLIGHT_MARGIN_S = 0.1  # beats this near a flight keep their time as it is
BEAT_CROWDED_S = (0.06, 0.1)  # a beat whose shortest movement lasts under the first is not shaped, fully over both
BEAT_TURN_DEG = 30.0  # beats in which she turns more than this keep their time as it is
FOOT_REST = (0.08, 0.02)  # heights of the ankle and of the ball joint of a foot standing flat, metres
SLIDE_SPEED = 0.6  # m/s: the fastest a foot near the floor moves along it (a brush); faster, it is in the air
CLEAR = 0.07  # m: how high above its standing height a foot travelling faster than that is carried
HOLD_S = 0.2  # a foot leaving the floor rises in place (at most this long) before it travels; it lands likewise
CATCH_S = 0.25  # ... and catches up with its path (or leaves it, before a landing) over this long
RAISE_KNEE_SPEED = 1200.0  # deg/s: a foot is raised from the floor no faster than a straight knee bends this fast
CHANGE_SPEED = 1490.0  # deg/s: a change that turns a hip or knee faster than this is not made ...
FOOT_TURN_LAG = 0.5  # the foot's turn waits with its way along the floor (this share of the wait)
RAISE_S = 0.1  # the raise that carries a travelling foot clear of the floor comes and goes over this long
ANKLE_CHANGE_SPEED = 2000.0  # deg/s: ... an ankle faster than this (a foot pointing and flexing is quicker)
MARGIN_S = 2.8  # context each side of a chunk, seconds (covers every filter above, chained)


_NO_BEATS = np.zeros(0)


@dataclass(frozen=True, eq=False)
class Track:
    """The timeline as arrays over its K keys (time order).

    `times` (K,) s; `quats` (K, J, 4) local rotations (hemisphere-continuous); `rel` (K-1, J, 3) rotation
    vectors from each key to the next; `facing`, `turn` (K,) degrees; `root` (K, 2) x, z m; `height` (K,) m;
    `ball` (K, 2, 2) x, z of each foot's ball; `pitch` (K, 2) deg; `planted` (K, 2); `glide`, `spot`,
    `on_pointe` (K,) bool; `kind` (K-1,) easing of the hips' path (0 smooth, 1 linear, 2 in, 3 out);
    flights: `takeoff`, `landing`, `rise`, `y0`, `y1` (N,) s and m; `frames` and `fps` of the motion;
    `beats` (B,) the music's counts, s, and `beat_depth` (B-1,) how much the motion slows into the counts
    that bound each beat (0 where a flight is in it: gravity keeps its own time).
    """

    times: np.ndarray
    quats: np.ndarray
    rel: np.ndarray
    facing: np.ndarray
    turn: np.ndarray
    root: np.ndarray
    height: np.ndarray
    ball: np.ndarray
    pitch: np.ndarray
    planted: np.ndarray
    glide: np.ndarray
    spot: np.ndarray
    on_pointe: np.ndarray
    kind: np.ndarray
    takeoff: np.ndarray
    landing: np.ndarray
    rise: np.ndarray
    y0: np.ndarray
    y1: np.ndarray
    frames: int
    fps: float
    beats: np.ndarray = field(default_factory=lambda: _NO_BEATS)
    beat_depth: np.ndarray = field(default_factory=lambda: _NO_BEATS)

    @property
    def margin(self) -> int:
        """Frames of context a chunk needs on each side to come out exactly as in the whole motion."""
        return int(math.ceil(MARGIN_S * self.fps)) + 2


def _ease(u: np.ndarray, kind: np.ndarray) -> np.ndarray:
    smooth = u * u * (3 - 2 * u)
    return np.select([kind == 1, kind == 2, kind == 3], [u, u * u, 1 - (1 - u) ** 2], smooth)


def _smooth(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3 - 2 * x)


def _blend(
    quats: np.ndarray, mask: np.ndarray, joints: list[int], free: np.ndarray, weight: np.ndarray
) -> None:
    """Slerp the joints of the masked frames from their free rotations toward the current ones by `weight`."""
    for n, j in enumerate(joints):
        rel = quat.to_rotvec(quat.mul(quat.inv(free[:, n]), quats[mask, j]))
        quats[mask, j] = quat.mul(free[:, n], quat.from_rotvec(rel * weight[:, None]))


def hemisphere(q: np.ndarray, previous: np.ndarray | None = None) -> np.ndarray:
    """Flip quaternions (N, ..., 4) along axis 0 so that consecutive ones lie in the same hemisphere;
    `previous` (..., 4), the frame before the first, continues an earlier chunk."""
    if previous is not None:
        q = q * np.where(np.sum(q[0] * previous, axis=-1) < 0, -1.0, 1.0)[..., None]
    dots = np.sum(q[1:] * q[:-1], axis=-1)
    flips = np.concatenate([np.ones((1, *dots.shape[1:])), np.cumprod(np.where(dots < 0, -1.0, 1.0), axis=0)])
    return q * flips[..., None]


def _spot(beta: np.ndarray) -> np.ndarray:
    """Head yaw relative to the body as the body turns `beta` degrees: stay, whip round, arrive first."""
    p = np.mod(np.abs(beta), 360.0) / 360.0
    whip = (p - 0.25) / 0.5
    rel = np.select(
        [p < 0.25, p < 0.75], [-360.0 * p, -90.0 + 180.0 * whip * whip * (3 - 2 * whip)], 360.0 * (1 - p)
    )
    return np.sign(beta) * rel


@dataclass(frozen=True, eq=False)
class Animation:
    """The motion and, per frame, which feet bear weight planted on the floor: `planted` (frames, 2) bool,
    column 0 the left foot, 1 the right (what tests and exporters check for foot sliding)."""

    motion: Motion
    planted: np.ndarray


def animate(choreography: Choreography, *, fps: float = 60.0) -> Motion:
    """The dancer's motion for a choreography: `fps` frames a second, local rotations on the ballerina."""
    return animate_with_contacts(choreography, fps=fps).motion


def animate_with_contacts(choreography: Choreography, *, fps: float = 60.0) -> Animation:
    """`animate`, also telling which feet are planted in each frame."""
    track = build_track(choreography, fps=fps)
    root, quats, pinned = synthesise(track, 0, track.frames)
    motion = Motion(fps=float(fps), skeleton=SK, root_positions=root, rotations=hemisphere(quats))
    return Animation(motion=motion, planted=pinned)


def build_track(choreography: Choreography, *, fps: float = 60.0) -> Track:
    """The choreography's timeline as arrays, ready to be made into frames a chunk at a time."""
    if not choreography.steps:
        raise InputError("the choreography has no steps; compose one first (`redshoes compose`)")
    if fps <= 0:
        raise InputError(f"fps must be positive, got {fps}")
    keys, flights = build_timeline(choreography)
    duration = max(choreography.duration, choreography.steps[-1].end)
    frames = max(2, int(round(duration * fps)))
    return track_of(keys, flights, frames, float(fps), counts_of(choreography))


def counts_of(choreography: Choreography, lo: float = -np.inf, hi: float = np.inf) -> np.ndarray:
    """The times of the counts the steps are danced on (the music's beats), sorted, those in [lo, hi]."""
    times = [c for s in choreography.steps if s.end >= lo and s.start <= hi for c in s.count_times]
    times += [s.end for s in choreography.steps[-1:] if lo <= s.end <= hi]
    out = np.unique(np.array(times, dtype=float))
    return out[(out >= lo) & (out <= hi)]


def track_of(keys: list[TimedKey], flights: list[Flight], frames: int, fps: float,
             beats: np.ndarray = _NO_BEATS) -> Track:
    """The arrays of a run of keys (strictly increasing in time) and the flights among them; `beats` the
    counts the motion arrives on."""
    kt = np.array([k.time for k in keys])
    if len(keys) == 1:
        keys, kt = keys * 2, np.array([kt[0], kt[0] + 1.0])
    phase = [k.pose.jump for k in keys]
    in_air = np.array([p in ("takeoff", "air") for p in phase])
    into_takeoff = np.array([p == "takeoff" for p in phase])
    after_landing = np.array([p == "landing" for p in phase])
    kind = np.zeros(len(keys) - 1, dtype=int)
    kind[into_takeoff[1:]] = 2
    kind[after_landing[:-1]] = 3
    kind[in_air[:-1]] = 1
    q_keys = hemisphere(np.stack([k.body.quats for k in keys]))
    rel = Rotation.from_quat(q_keys[:-1].reshape(-1, 4)).inv() * Rotation.from_quat(q_keys[1:].reshape(-1, 4))
    height = np.array([k.body.height for k in keys])
    takeoff = np.array([f.takeoff for f in flights], dtype=float)
    landing = np.array([f.landing for f in flights], dtype=float)
    order = np.argsort(takeoff, kind="stable")
    takeoff, landing = takeoff[order], landing[order]
    rise = np.array([f.rise for f in flights], dtype=float)[order]

    def height_at(times: np.ndarray) -> np.ndarray:
        seg = np.clip(np.searchsorted(kt, times, side="right") - 1, 0, len(kt) - 2)
        u = np.clip((times - kt[seg]) / (kt[seg + 1] - kt[seg]), 0.0, 1.0)
        return height[seg] + (height[seg + 1] - height[seg]) * _ease(u, kind[seg])

    return Track(
        times=kt,
        quats=q_keys,
        rel=rel.as_rotvec().reshape(len(keys) - 1, len(SK.names), 3),
        facing=np.array([k.facing for k in keys]),
        turn=np.array([k.turn for k in keys]),
        root=np.stack([k.root for k in keys]),
        height=height,
        ball=np.stack([k.ball for k in keys]),
        pitch=np.stack([k.body.pitch for k in keys]),
        planted=np.stack([k.body.planted for k in keys]),
        glide=np.array([k.body.glide for k in keys]),
        spot=np.array([k.pose.spot for k in keys]),
        on_pointe=np.array([k.body.glide and bool(np.all(k.body.pitch > 60.0)) for k in keys]),
        kind=kind,
        takeoff=takeoff,
        landing=landing,
        rise=rise,
        y0=height_at(takeoff),
        y1=height_at(landing),
        frames=frames,
        fps=fps,
        beats=beats,
        beat_depth=_beat_depth(beats, takeoff, landing, kt, np.array([k.turn for k in keys])),
    )


def _beat_depth(beats: np.ndarray, takeoff: np.ndarray, landing: np.ndarray, key_times: np.ndarray,
                turn: np.ndarray) -> np.ndarray:
    """`BEAT_DEPTH` for each beat, 0 for those a flight overlaps (with a little margin: gravity keeps its own
    time) and those in which she turns (a turn keeps its even whip and its spotting), (B-1,)."""
    if len(beats) < 2:
        return _NO_BEATS
    depth = np.full(len(beats) - 1, BEAT_DEPTH)
    a, b = beats[:-1], beats[1:]
    if len(takeoff):
        over = (takeoff[None, :] - FLIGHT_MARGIN_S < b[:, None]) & (landing[None, :] + FLIGHT_MARGIN_S > a[:, None])
        depth[over.any(axis=1)] = 0.0
    turned = np.abs(np.interp(b, key_times, turn) - np.interp(a, key_times, turn))
    depth[turned > BEAT_TURN_DEG] = 0.0
    # keys crowded in a beat leave no time to hurry between: the shorter its shortest movement, the less shaped
    seg = np.diff(key_times)
    if len(seg):
        first = np.clip(np.searchsorted(key_times, a, side="right") - 1, 0, len(seg) - 1)
        last = np.clip(np.searchsorted(key_times, b, side="left") - 1, 0, len(seg) - 1)
        span = last - first + 1
        width = int(span.max())
        idx = np.minimum(first[:, None] + np.arange(width)[None, :], last[:, None])
        shortest = seg[idx].min(axis=1)
        depth *= np.clip((shortest - BEAT_CROWDED_S[0]) / BEAT_CROWDED_S[1], 0.0, 1.0)
    return depth


def shown_at(track: Track, times: np.ndarray) -> np.ndarray:
    """The real times (s) at which the choreography's `times` (a key's time, say) are shown, once the motion
    is slowed into the counts and quickened between (the inverse of `shaped_time`)."""
    times = np.asarray(times, dtype=float)
    if len(track.beats) < 2:
        return times
    start, period, target, depth, inside = _within_beat(track, times)
    s = target.copy()
    for _ in range(30):  # s - depth·sin(2πs)/2π = target, monotone in s
        s -= (s - depth * np.sin(2.0 * np.pi * s) / (2.0 * np.pi) - target) / (1.0 - depth * np.cos(2.0 * np.pi * s))
    return np.where(inside, start + s * period, times)


def _within_beat(track: Track, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per time: the start (s) and length (s) of the beat it falls in, how far through it (0..1), how deeply
    that beat is shaped, and whether the time lies between the first and the last beat at all."""
    beats = track.beats
    k = np.clip(np.searchsorted(beats, t, side="right") - 1, 0, len(beats) - 2)
    period = beats[k + 1] - beats[k]
    phase = np.clip((t - beats[k]) / np.maximum(period, 1e-9), 0.0, 1.0)
    inside = (t >= beats[0]) & (t <= beats[-1])
    depth = np.where(inside & (period < BEAT_LONGEST_S), track.beat_depth[k], 0.0)
    return beats[k], period, phase, depth, inside


def shaped_time(track: Track, t: np.ndarray) -> np.ndarray:
    """The time of the choreography shown at real times `t`: slower into and out of each count, quicker
    between, every count where it was (the dancer arrives on the beat), (frames,)."""
    if len(track.beats) < 2:
        return t
    _, period, s, depth, _ = _within_beat(track, t)
    return t - depth * period * np.sin(2.0 * np.pi * s) / (2.0 * np.pi)


def synthesise(track: Track, start: int, stop: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Frames [start, stop) of the motion: root positions (n, 3), local quats (n, J, 4) (not yet made
    hemisphere-continuous) and planted feet (n, 2); made with `track.margin` frames of context each side."""
    lo, hi = max(0, start - track.margin), min(track.frames, stop + track.margin)
    t = np.arange(lo, hi) / track.fps + 1e-7  # a key that falls on a frame (an accent on the count) is in it
    root, quats, pinned = _frames(track, t)
    keep = slice(start - lo, stop - lo)
    return root[keep], quats[keep], pinned[keep]


def _gauss(x: np.ndarray, sigma_s: float, fps: float) -> np.ndarray:
    return gaussian_filter1d(x, sigma_s * fps, axis=0, mode="nearest", truncate=3.0)


def _frames(track: Track, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    fps = track.fps
    t = shaped_time(track, t)
    turnout = load_positions().body.turnout
    kt = track.times
    n_keys, frames = len(kt), len(t)
    seg = np.clip(np.searchsorted(kt, t, side="right") - 1, 0, n_keys - 2)
    dur = kt[seg + 1] - kt[seg]
    u = np.clip((t - kt[seg]) / dur, 0.0, 1.0)
    w_smooth = _ease(u, np.zeros_like(seg))
    w_path = _ease(u, track.kind[seg])

    def track_of(values: np.ndarray, w: np.ndarray) -> np.ndarray:
        a, b = values[seg], values[seg + 1]
        shape = (-1,) + (1,) * (a.ndim - 1)
        return a + (b - a) * w.reshape(shape)

    # Rotations: eased slerp between keys, per joint.
    quats = quat.mul(track.quats[seg], quat.from_rotvec(track.rel[seg] * w_smooth[:, None, None]))
    _breathe(quats, u, dur)

    # The root: path, facing and turn, hip height, ballistic flights.
    facing = track_of(track.facing, w_smooth)
    turn = track_of(track.turn, w_smooth)
    yaw = facing + turn
    root = np.zeros((frames, 3))
    root[:, [0, 2]] = _gauss(track_of(track.root, w_path), PATH_SIGMA_S, fps)
    root[:, 1] = track_of(track.height, w_path)
    airborne = np.zeros(frames, dtype=bool)
    if len(track.takeoff):
        fl = np.clip(np.searchsorted(track.takeoff, t, side="right") - 1, 0, len(track.takeoff) - 1)
        m = (t > track.takeoff[fl]) & (t < track.landing[fl])
        f = fl[m]
        s = (t[m] - track.takeoff[f]) / (track.landing[f] - track.takeoff[f])
        root[m, 1] = track.y0[f] + (track.y1[f] - track.y0[f]) * s + 4.0 * track.rise[f] * s * (1 - s)
        airborne = m
    quats[:, J["Hips"]] = quat.mul(_q(yaw, 1), quats[:, J["Hips"]])
    hips = quats[:, J["Hips"]].copy()
    _follow_through(quats, track, t)

    # Spotting: the head keeps the audience's point while the body turns.
    turning = np.abs(np.diff(track.turn))[seg] > 1
    spot_seg = track.spot[1:][seg] & turning
    if spot_seg.any():
        beta = turn - track.turn[seg]
        rel_yaw = np.where(spot_seg, _spot(beta), 0.0)
        for joint in ("Neck", "Head"):
            quats[:, J[joint]] = quat.mul(_q(0.5 * rel_yaw, 1), quats[:, J[joint]])

    # Planted feet: pinned on the floor where the key put them; the legs reach them by IK. A foot about to
    # leave the floor stays put while the step begins; a foot about to land reaches for its place. Gliding on
    # pointe, travelling or turning, the feet go with the body.
    gliding = glides(track.glide, track.planted, track.facing + track.turn, track.root, track.ball, seg, w_smooth)
    run = gliding.inside
    weight = np.zeros((2, frames))
    pinned = np.zeros((2, frames), dtype=bool)
    core = np.zeros((2, frames), dtype=bool)  # within a frame of a key where the foot is down
    ankle_target = np.zeros((2, frames, 3))
    foot_world: list[np.ndarray] = []
    toe_local: list[np.ndarray] = []
    planted, glide, balls = track.planted, track.glide, track.ball
    anchors = np.zeros((2, frames, 2))
    foot_yaw = np.zeros((2, frames))
    for i in range(2):
        pitch = _gauss(track_of(track.pitch[:, i], w_smooth), PATH_SIGMA_S, fps)
        down_at = (planted[:, i] & ~glide) | gliding.keys  # keys where the foot is on the floor, pinned or gliding
        on_k, on_k1 = down_at[:-1], down_at[1:]
        moves = np.linalg.norm(balls[1:, i] - balls[:-1, i], axis=-1) > 0.01
        full = (on_k & on_k1 & ~moves)[seg] & ~run
        # the foot changes place: it steps there, off the floor; given too little time for a step (a fifth
        # re-closed in a moment), it slides there bearing its weight instead of flicking through the air
        quick = (on_k & on_k1 & moves & (np.diff(kt) < STEP_MIN_S))[seg] & ~run
        step = (on_k & on_k1 & moves)[seg] & ~quick & ~run
        lift = (on_k & ~on_k1)[seg] | (step & (u < 0.5))
        land = (~on_k & on_k1)[seg] | (step & (u >= 0.5))
        w = np.select(
            [full | quick | run, step, lift, land],
            [1.0, np.abs(1.0 - 2.0 * u) ** 2, 1.0 - _smooth((u - 0.1) / 0.4), _smooth((u - 0.2) / 0.8)],
            0.0,
        )
        w = np.where(airborne & ~land, 0.0, w)
        pinned[i] = full & ~airborne
        soft = np.clip(_gauss(w, WEIGHT_SIGMA_S, fps), 0.0, 1.0)
        # a landing foot is fully down at the landing itself, on the count
        soft = np.where(land, np.maximum(w, soft), soft)
        # a foot that touches down at a key and leaves again bears its full weight there (a quick weight change
        # on demi-pointe passes through both feet with straight knees), softly reached either side of it
        stays = np.append(on_k & on_k1 & ~moves, True)  # from this key on the foot stays where it is
        down = _touch_weight(kt[planted[:, i] & ~glide & ~stays], t, fps)
        core[i] = (down >= 1.0) & ~airborne
        touch = np.maximum(soft, down)
        weight[i] = np.where(pinned[i], 1.0, np.where(airborne & ~land, soft, touch))
        # a foot bearing weight rolls up from the floor (or down onto it) no faster than lets the ankle, still
        # low, keep over the ball instead of sliding along the floor
        roll = np.clip(weight[i], 0.0, 1.0) * (1.0 - _smooth((pitch - ROLL_PITCH[0]) / ROLL_PITCH[1]))
        pitch = _rate_limited(pitch, ROLL_SPEED / fps / np.maximum(roll, 1e-3), int(PIVOT_REACH_S * fps))
        # a flat foot bearing weight does not spin on the floor with the body: it turns only as fast as a heel
        # may be shuffled round; up on the ball of the foot it pivots freely
        grip = np.clip(weight[i], 0.0, 1.0) * (1.0 - _smooth((pitch - PIVOT_PITCH[0]) / PIVOT_PITCH[1]))
        foot_yaw[i] = _rate_limited(yaw, PIVOT_SPEED / fps / np.maximum(grip, 1e-3), int(PIVOT_REACH_S * fps))
        foot = quat.mul(_q(foot_yaw[i] + TURNOUT_SIGN[i] * turnout, 1), _q(pitch, 0))
        toe = _q(limbs.toe_pitch(pitch), 0)
        foot_world.append(foot)
        toe_local.append(toe)
        place = _foot_place(kt, balls[:, i], down_at, seg, t)
        anchor = np.where(run[:, None], gliding.place[i], place)
        anchors[i] = anchor
        ball = quat.apply(foot, limbs.BALL)
        ankle_target[i, :, 0] = anchor[:, 0] - ball[:, 0]
        ankle_target[i, :, 2] = anchor[:, 1] - ball[:, 2]
        ankle_target[i, :, 1] = _contact_lift(foot, toe)
    _balance(root, quats, pinned | core, ankle_target, anchors, airborne, fps)
    # The hips come down far enough for every pinned leg to reach its foot, softly on landing.
    reach = limbs.THIGH + limbs.SHIN - 2e-5
    ceiling = np.full(frames, np.inf)
    for i in range(2):
        hip = root + quat.apply(hips, limbs.HIP_OFFSET * np.array([TURNOUT_SIGN[i], 1.0, 1.0]))
        d = ankle_target[i] - hip
        dxz2 = d[:, 0] ** 2 + d[:, 2] ** 2
        highest = ankle_target[i, :, 1] + np.sqrt(np.maximum(reach**2 - dxz2, 1e-4)) + (root[:, 1] - hip[:, 1])
        bearing_now = pinned[i] | ((weight[i] > 0.999) & ~airborne)
        ceiling = np.where(bearing_now, np.minimum(ceiling, highest), ceiling)
    root[:, 1] = _land_then_sink(np.minimum(root[:, 1], ceiling), ceiling, airborne, HIPS_SPEED / fps)
    _come_down_with_the_hips(ankle_target, root, airborne)
    held = pinned | ((weight > 0.999) & ~airborne)  # feet on the floor at full weight: no filter moves them
    for i, side in enumerate(SIDES):
        m = weight[i] > 0.0
        if not m.any():
            continue
        hip = root[m] + quat.apply(hips[m], limbs.HIP_OFFSET * np.array([TURNOUT_SIGN[i], 1.0, 1.0]))
        pole = quat.apply(_q(foot_yaw[i, m] + TURNOUT_SIGN[i] * turnout, 1), np.array([0.0, 0.15, 1.0]))
        free = quats[m][:, LEG[side]].copy()
        _set_leg(quats, m, side, hips[m], hip, ankle_target[i, m], pole, foot_world[i][m], toe_local[i][m])
        _blend(quats, m, LEG[side], free, weight[i, m])
    _flutter(quats, track, seg, u, t, turn)
    _soften_fast_joints(quats, held, fps)
    bearing = (planted[:-1] & planted[1:])[seg].T  # (2, frames): on the floor, pinned or gliding
    floor = _swing_floor(_legs_fk(root, quats)[0], held, bearing, fps)
    _lift_feet_off_floor(quats, root, hips, pinned | core, bearing, floor, 2)
    _limit_knee_speed(quats, pinned | core, fps)
    # feet gliding into place on purpose (a sous-sus drawn together) are not lifted
    sliding = bearing & (glide[:-1] & glide[1:])[seg] & ~run
    _off_the_floor_before_travelling(quats, root, hips, held | core | sliding, fps)
    _lift_feet_off_floor(quats, root, hips, pinned | core, bearing, np.zeros_like(floor), 1)
    if _limit_knee_speed(quats, pinned | core, fps):
        # what the knees' speed limit put through the floor is lifted out of it (by less than a few millimetres)
        _lift_feet_off_floor(quats, root, hips, pinned | core, bearing, np.zeros_like(floor), 1, margin=0.002,
                             fps=fps, spread_s=LIFT_SPREAD_S)
    # where the knees' speed limit slowed the knee that raised a foot off the floor (or set it down in place),
    # undoing that, the foot is made to rise before it travels (and to land in place) once more (whether or not a
    # knee was slowed: every frame's making stays local in time)
    _off_the_floor_before_travelling(quats, root, hips, held | core | sliding, fps)
    if _no_pops(quats, root, held | core | sliding, fps, planted=pinned):
        _lift_feet_off_floor(quats, root, hips, pinned | core, bearing, np.zeros_like(floor), 1, margin=0.002,
                             fps=fps, spread_s=LIFT_SPREAD_S)
    return root, quats, pinned.T.copy()


def _no_pops(quats: np.ndarray, root: np.ndarray, kept: np.ndarray, fps: float, passes: int = 3,
             planted: np.ndarray | None = None) -> bool:
    """No foot jumps in one frame: where a foot point moves much further in a frame than in the frames either
    side (what a change made to a leg in some frames and not the next leaves behind), the ankle goes evenly
    along the floor through a few frames around it instead (no lower than it was), the foot turning evenly;
    the leg reaches it by IK. `kept` (2, frames): legs never changed there while their foot is on the floor
    (`planted` (2, frames): nor there, however briefly it is on the floor). True if a leg was changed."""
    frames = len(quats)
    changed = False
    reach = max(1, int(round(POP_REACH_S * fps)))
    pos, world = _legs_fk(root, quats)
    on_floor = [pos[:, LEG[s][2], 1] - _contact_lift(world[:, LEG[s][2]], quats[:, LEG[s][3]]) < 0.03 for s in SIDES]
    kept = kept & np.stack(on_floor)  # a foot kept where the IK put it in the air may still be smoothed
    # ... and one touching the floor for a frame or two in passing
    kept = np.stack([_runs_at_least(k, 3) for k in kept])
    if planted is not None:  # ... unless it bears its weight there: a foot landing for a frame stays down
        kept |= planted & np.stack(on_floor)
    for _ in range(passes):
        pos, world = _legs_fk(root, quats)
        found = False
        for i, side in enumerate(SIDES):
            up, _, ankle_j, toe_j = LEG[side]
            d = np.zeros(frames)
            d[1:] = np.linalg.norm(np.diff(pos[:, [ankle_j, toe_j]], axis=0), axis=-1).max(axis=1)
            low = np.minimum(pos[:, ankle_j, 1] - FOOT_REST[0], pos[:, toe_j, 1] - FOOT_REST[1]) < POP_LOW
            low[1:] |= low[:-1]
            pops = np.flatnonzero(_jumps(d, low))
            # windows of one pass do not overlap: each starts from the leg as it was; all are first tried at once
            wins: list[tuple[int, int]] = []
            for pop in pops:
                w = _pop_window(kept[i], int(pop), reach, -1, frames)
                if w is not None and wins and w[0] < wins[-1][1]:  # pops close together share one window
                    wins[-1] = (wins[-1][0], max(w[1], wins[-1][1]))
                elif w is not None:
                    wins.append(w)
            if not wins:
                continue
            saved = quats[:, LEG[side]].copy()
            idx = np.concatenate([np.arange(a + 1, b) for a, b in wins])
            a_of = np.concatenate([np.full(b - a - 1, a) for a, b in wins])
            b_of = np.concatenate([np.full(b - a - 1, b) for a, b in wins])
            _ease_pops(quats, pos, world, side, idx, a_of, b_of)
            before = _turn_speed(saved[:, [1]], fps)[:, 0]
            after = _turn_speed(quats[:, [LEG[side][1]]], fps)[:, 0]
            found = changed = True
            for n, (a, b) in enumerate(wins):
                if after[a + 1 : b + 1].max() <= max(POP_KNEE_SPEED, before[a + 1 : b + 1].max()):
                    continue
                quats[a : b + 1, LEG[side]] = saved[a : b + 1]
                lo = wins[n - 1][1] if n > 0 else -1
                hi = wins[n + 1][0] if n + 1 < len(wins) else frames
                _ease_pop_slowly(quats, root, pos, world, kept[i], i, side, (a, b), (lo, hi), reach, fps)
        if not found:
            break
    return changed


def _ease_pops(quats: np.ndarray, pos: np.ndarray, world: np.ndarray, side: str, idx: np.ndarray, a: np.ndarray,
               b: np.ndarray) -> None:
    """The leg of `side` in frames `idx` (n,) re-made by IK: its ankle evenly on the way from frame `a` (n,) to
    frame `b` (n,) (no lower than it was), the foot and toe turning evenly."""
    up, _, ankle_j, toe_j = LEG[side]
    x = ((idx - a) / (b - a))[:, None]
    ankle = pos[a, ankle_j] + (pos[b, ankle_j] - pos[a, ankle_j]) * x
    ankle[:, 1] = np.maximum(ankle[:, 1], pos[idx, ankle_j, 1])
    foot = _slerp_rows(world[a, ankle_j], world[b, ankle_j], x[:, 0])
    toe = _slerp_rows(quats[a, toe_j], quats[b, toe_j], x[:, 0])
    pole = quat.apply(world[idx, up], np.array([0.0, 0.0, 1.0]))
    _set_leg(quats, idx, side, quats[idx, 0], pos[idx, up], ankle, pole, foot, toe)


def _ease_pop_slowly(quats: np.ndarray, root: np.ndarray, pos: np.ndarray, world: np.ndarray, kept: np.ndarray,
                     i: int, side: str, window: tuple[int, int], bounds: tuple[int, int], reach: int,
                     fps: float) -> None:
    """A pop eased by IK over a longer window than `window` (`reach` more each side, within `bounds`, stopping
    at frames `kept`), or else by each joint of the leg turning evenly over `window` or the longer one (lifted
    out of the floor where that takes it through), the first that keeps the knee no faster than
    `POP_KNEE_SPEED` (or than it was); left as it is if none does."""
    frames = len(quats)
    for grow, by_ik in ((1, True), (0, False), (1, False)):
        a = max(window[0] - grow * reach, bounds[0], 0)
        b = min(window[1] + grow * reach, bounds[1], frames - 1)
        before, after = np.flatnonzero(kept[a : window[0]]) + a, np.flatnonzero(kept[window[1] + 1 : b + 1])
        a = int(before.max()) if len(before) else a
        b = window[1] + 1 + int(after.min()) if len(after) else b
        idx = np.arange(a + 1, b)
        legs = quats[a : b + 1][:, LEG[side]].copy()
        limit = max(POP_KNEE_SPEED, _turn_speed(legs[:, [1]], fps)[1:, 0].max())
        if by_ik:
            _ease_pops(quats, pos, world, side, idx, np.full(len(idx), a), np.full(len(idx), b))
        else:
            x = (idx - a) / (b - a)
            for n, j in enumerate(LEG[side]):
                quats[idx, j] = _slerp_pair(legs[0, n], legs[-1, n], x)
            hold = np.ones((2, b + 1 - a), dtype=bool)
            hold[i, 1:-1] = False
            span = slice(a, b + 1)
            _lift_feet_off_floor(quats[span], root[span], quats[span, 0].copy(), hold, np.zeros_like(hold),
                                 np.zeros((2, b + 1 - a)), 1, margin=0.002, fps=fps, spread_s=LIFT_SPREAD_S)
        if _turn_speed(quats[a : b + 1, [LEG[side][1]]], fps)[1:, 0].max() <= limit and (
            by_ik or _above_floor(root[a : b + 1], quats[a : b + 1], side)
        ):
            return
        quats[a : b + 1, LEG[side]] = legs


def _slerp_rows(qa: np.ndarray, qb: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Quaternions (n, 4) from rows of `qa` to rows of `qb` (n, 4) at fractions `x` (n,)."""
    qb = qb * np.where(np.sum(qa * qb, axis=-1) < 0, -1.0, 1.0)[:, None]
    return quat.mul(qa, quat.from_rotvec(quat.to_rotvec(quat.mul(quat.inv(qa), qb)) * x[:, None]))


def _runs_at_least(mask: np.ndarray, n: int) -> np.ndarray:
    """`mask` (frames,) without its runs of True shorter than `n` frames (runs at the edges kept)."""
    out = mask.copy()
    for a, b in true_runs(mask):
        if b - a < n and a > 0 and b < len(mask):
            out[a:b] = False
    return out


def _above_floor(root: np.ndarray, quats: np.ndarray, side: str) -> bool:
    """Whether the foot of `side` stays out of the floor (within a millimetre) in these frames."""
    pos, world = _legs_fk(root, quats, (side,))
    ankle_j, toe_j = LEG[side][2], LEG[side][3]
    return bool((pos[:, ankle_j, 1] - _contact_lift(world[:, ankle_j], quats[:, toe_j]) > -0.001).all())


def _pop_window(kept: np.ndarray, f: int, reach: int, lo: int, hi: int) -> tuple[int, int] | None:
    """Frames (a, b) whose legs are kept, between which a pop into frame `f` is spread: `reach` either side,
    stopping at frames `kept`, within [lo, hi] (frames); None if too narrow."""
    frames = len(kept)
    a, b = max(f - reach, lo, 0), min(f + reach - 1, hi, frames - 1)
    inside = np.flatnonzero(kept[a : b + 1]) + a
    if len(inside):
        before, after = inside[inside < f], inside[inside >= f]
        a = int(before.max()) if len(before) else a
        b = int(after.min()) if len(after) else b
    return (a, b) if b - a >= 2 and a < f else None


def _slerp_pair(qa: np.ndarray, qb: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Quaternions (n, 4) from `qa` to `qb` (4,) at fractions `x` (n,)."""
    qb = qb if float(np.dot(qa, qb)) >= 0 else -qb
    rel = quat.to_rotvec(quat.mul(quat.inv(qa[None]), qb[None]))
    return quat.mul(np.repeat(qa[None], len(x), axis=0), quat.from_rotvec(rel * x[:, None]))


def _foot_place(kt: np.ndarray, balls: np.ndarray, down: np.ndarray, seg: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Where a foot's weight goes on the floor at times `t`, (frames, 2) x, z m: from the place of the last key
    where it was down to that of the next, smoothly (a foot handing its weight from one place to the next never
    jumps, however short the segments; a foot staying down keeps its place). `balls` (K, 2), `down` (K,)."""
    n = len(kt)
    idx = np.arange(n)
    last = np.maximum.accumulate(np.where(down, idx, -1))
    nxt = np.minimum.accumulate(np.where(down, idx, n)[::-1])[::-1]
    a = last[seg]
    b = nxt[np.minimum(seg + 1, n - 1)]
    lo, hi = np.maximum(a, 0), np.minimum(b, n - 1)
    both = (a >= 0) & (b < n)
    x = np.clip((t - kt[lo]) / np.maximum(kt[hi] - kt[lo], 1e-9), 0.0, 1.0)
    s = np.where(both, _smooth((x - PLACE_HOLD) / (1.0 - 2.0 * PLACE_HOLD)), np.where(a >= 0, 0.0, 1.0))
    place = balls[lo] + (balls[hi] - balls[lo]) * s[:, None]
    return np.where(((a >= 0) | (b < n))[:, None], place, balls[seg])


def _touch_weight(times: np.ndarray, t: np.ndarray, fps: float) -> np.ndarray:
    """1 within a frame of each of `times` (the keys where a foot is down), falling smoothly to 0 over
    `TOUCH_S` either side, (frames,)."""
    if not len(times):
        return np.zeros(len(t))
    k = np.clip(np.searchsorted(times, t), 1, len(times) - 1) if len(times) > 1 else np.zeros(len(t), dtype=int)
    d = np.abs(t - times[k])
    if len(times) > 1:
        d = np.minimum(d, np.abs(t - times[k - 1]))
    return _smooth(1.0 - (d - 1.0 / fps) / TOUCH_S)


def _come_down_with_the_hips(ankle: np.ndarray, root: np.ndarray, airborne: np.ndarray) -> None:
    """In the air a foot reaching for its landing keeps its height under the hips: it touches the floor as
    the hips end their fall, not frames before (ankle targets (2, frames, 3) raised in place)."""
    if not airborne.any():
        return
    frames = len(root)
    idx = np.arange(frames)
    after = np.where(~airborne, idx, frames)
    landing = np.minimum.accumulate(after[::-1])[::-1]  # the first frame on the ground from here on
    landing = np.minimum(landing, frames - 1)
    rise = np.where(airborne, np.maximum(root[:, 1] - root[landing, 1], 0.0), 0.0)
    ankle[:, :, 1] += rise[None, :]


def _land_then_sink(y: np.ndarray, ceiling: np.ndarray, airborne: np.ndarray, step: float) -> np.ndarray:
    """The hips' height: `_speed_limited_below` on the ground, ballistic in the air (the push of the take-off
    rising into it at most `step` a frame); after a landing the hips sink into the plié at most `step` a frame
    from where the flight left them: the fall ends on the floor, a frame or two after the plié's key, instead
    of beginning in the air before the foot touches."""
    out = _speed_limited_below(y, step)
    if not airborne.any():
        return out
    out = np.where(airborne, y, out)
    for f in np.flatnonzero(~airborne[:-1] & airborne[1:]) + 1:  # take-offs: the push goes on into the air
        for g in range(int(f), len(out)):
            if not airborne[g] or out[g - 1] + step >= out[g]:
                break
            out[g] = out[g - 1] + step
    for f in np.flatnonzero(airborne[:-1] & ~airborne[1:]) + 1:
        for g in range(int(f), min(int(f) + 40, len(out))):
            if airborne[g]:
                break
            fall = min(max(out[g], out[g - 1] - step), ceiling[g])
            if fall <= out[g]:
                break
            out[g] = fall
    return out


def _speed_limited_below(y: np.ndarray, step: float) -> np.ndarray:
    """The highest curve under `y` that changes by at most `step` a frame: the hips sink early into a
    landing (still in the air) rather than drop through it, and never rise faster than the legs push."""
    radius = int(np.ceil(0.5 / max(step, 1e-9)))
    return _cone(y, step, min(radius, len(y) - 1, 40))


def _balance(
    root: np.ndarray,
    quats: np.ndarray,
    pinned: np.ndarray,
    ankle: np.ndarray,
    ball: np.ndarray,
    airborne: np.ndarray,
    fps: float,
) -> None:
    """Standing, she keeps her centre of mass over her feet: the hips shift (softly, at most `BALANCE_MAX`)
    so that the body's centre of mass comes over the middle of the planted feet (between ankle and ball)."""
    from redshoes.export.metrics import centre_of_mass

    standing = pinned.any(axis=0) & ~airborne
    if not standing.any():
        return
    pos, _ = forward_kinematics(SK, root, quats)
    com = centre_of_mass(pos, SK.names)[:, [0, 2]]
    count = np.maximum(pinned.sum(axis=0), 1)[:, None]
    middle = 0.5 * (ankle[:, :, [0, 2]] + ball)  # (2, frames, 2)
    target = (middle * pinned[:, :, None]).sum(axis=0) / count
    one_foot = standing & (pinned.sum(axis=0) == 1)  # on both feet the support is wide enough as it is
    shift = np.where(one_foot[:, None], target - com, 0.0)
    norm = np.maximum(np.linalg.norm(shift, axis=1, keepdims=True), 1e-9)
    shift *= np.clip(norm - 0.01, 0.0, BALANCE_MAX) / norm
    share = _smooth(2.0 * _gauss(one_foot.astype(float), BALANCE_SIGMA_S / 2, fps) - 0.5)
    root[:, [0, 2]] += _gauss(shift, BALANCE_SIGMA_S, fps) * share[:, None]


def _follow_through(quats: np.ndarray, track: Track, t: np.ndarray) -> None:
    """After a landing the arms and head carry on down a little with the fall and settle back (an alpha
    pulse, at its deepest `FOLLOW_S` after the landing, gone half a second later)."""
    if not len(track.landing):
        return
    last = np.searchsorted(track.landing, t, side="right") - 1
    dt = np.where(last >= 0, t - track.landing[np.maximum(last, 0)], np.inf)
    x = np.clip(dt, 0.0, 10.0) / FOLLOW_S
    pulse = np.where(dt < 0.6, x * np.exp(1.0 - x), 0.0) * np.clip((0.6 - dt) / 0.1, 0.0, 1.0)
    for side, sign in (("Left", 1.0), ("Right", -1.0)):
        arm = ARM[side][0]
        quats[:, arm] = quat.mul(_q(-sign * FOLLOW_DEG * pulse, 2), quats[:, arm])
    quats[:, J["Neck"]] = quat.mul(_q(0.4 * FOLLOW_DEG * pulse, 0), quats[:, J["Neck"]])


def _breathe(quats: np.ndarray, u: np.ndarray, dur: np.ndarray) -> None:
    """Port de bras never freezes: through a held position the arms rise a little and settle, the chest
    lifts with them (nothing at the keys themselves, more the longer the hold)."""
    amount = BREATH_DEG * np.clip((dur - 0.3) / 0.9, 0.0, 1.0) * np.sin(np.pi * u) ** 2
    for side, sign in (("Left", 1.0), ("Right", -1.0)):
        arm, fore, _ = ARM[side]
        quats[:, arm] = quat.mul(_q(sign * amount, 2), quats[:, arm])
        quats[:, fore] = quat.mul(quats[:, fore], _q(-sign * 0.6 * amount, 1))
    quats[:, J["Spine1"]] = quat.mul(_q(-0.25 * amount, 0), quats[:, J["Spine1"]])


def _q(deg: np.ndarray, axis: int) -> np.ndarray:
    """Quaternions (N, 4) of rotations by `deg` about the x (0), y (1) or z (2) axis."""
    half = np.radians(np.asarray(deg, dtype=float)) / 2
    out = np.zeros((*half.shape, 4))
    out[..., axis] = np.sin(half)
    out[..., 3] = np.cos(half)
    return out


def _soften_fast_joints(quats: np.ndarray, pinned: np.ndarray, fps: float) -> None:
    """No limb snaps: where a joint of a free limb turns faster than a dancer can, its rotation is blended
    toward a time-smoothed one (planted legs keep their exact IK; the root keeps its yaw)."""
    frames = len(quats)
    if frames < 3:
        return
    q = hemisphere(quats[:, 1:])
    speed = np.zeros((frames, q.shape[1]))
    speed[1:] = 2.0 * np.degrees(np.arccos(np.clip(np.abs(np.sum(q[1:] * q[:-1], axis=-1)), 0.0, 1.0))) * fps
    fast = np.maximum(speed, np.roll(speed, -1, axis=0)) > SPEED_LIMIT
    if not fast.any():
        return
    reach = max(1, int(round(SPEED_SIGMA_S * fps)))
    grown = np.stack([_max_filter(c, np.ones(2 * reach + 1)) for c in fast.T.astype(float)], axis=1)
    mix = np.clip(_gauss(grown, SPEED_SIGMA_S / 2, fps), 0.0, 1.0)
    # a leg leaving the floor passes from its exact IK to the smoothed turn over a few frames, not in one (a pop)
    ramp = max(1, int(round(SMOOTH_RAMP_S * fps)))
    for side, col in (("Left", 0), ("Right", 1)):
        free = _smooth(_distance_to(pinned[col]) / ramp) if pinned[col].any() else np.ones(frames)
        for j in LEG[side]:
            mix[:, j - 1] = np.minimum(mix[:, j - 1], free)
    smooth = _gauss(q, SPEED_SIGMA_S, fps)
    smooth /= np.linalg.norm(smooth, axis=-1, keepdims=True)
    out = q + (smooth - q) * mix[..., None]
    quats[:, 1:] = out / np.linalg.norm(out, axis=-1, keepdims=True)


def _limit_knee_speed(quats: np.ndarray, pinned: np.ndarray, fps: float) -> bool:
    """Knees bend and stretch no faster than a dancer's (`KNEE_SPEED`): the flexion of a free knee is
    replaced by the middle of its speed-limited envelopes, never moving a knee whose foot is planted. True if
    a knee was changed."""
    step = KNEE_SPEED / fps
    radius = min(int(round(0.2 * fps)), len(quats) - 1)
    changed = False
    if radius < 1:
        return changed
    for side, col in (("Left", 0), ("Right", 1)):
        knee = LEG[side][1]
        q = quats[:, knee]
        angle = np.degrees(2.0 * np.arctan2(q[:, 0] * np.sign(q[:, 3] + 1e-300), np.abs(q[:, 3])))
        low = -_cone(-angle, step, radius)
        high = _cone(angle, step, radius)
        mid = 0.5 * (low + high)
        hard = pinned[col]
        if hard.any():
            lo = np.where(hard, angle, -np.inf)
            hi = np.where(hard, angle, np.inf)
            mid = np.clip(mid, -_cone(-lo, step, radius), _cone(hi, step, radius))
            mid = np.where(hard, angle, mid)
        if np.abs(mid - angle).max() > 1e-3:
            quats[:, knee] = quat.mul(q, _q(mid - angle, 0))
            changed = True
    return changed


def _rate_limited(y: np.ndarray, step: np.ndarray, radius: int) -> np.ndarray:
    """`y` (frames,) changing by at most `step` (frames,) a frame: the middle of its upper and lower
    rate-limited envelopes, each looking `radius` frames either side (local in time)."""
    radius = min(radius, len(y) - 1)
    if radius < 1:
        return y.copy()
    cost = np.concatenate([[0.0], np.cumsum(np.minimum(step[1:], 1e6))])  # cost[f] - cost[g]: steps between
    pad_y = np.pad(y, radius, mode="edge")
    pad_c = np.pad(cost, radius, mode="edge")
    high, low = y.copy(), y.copy()
    n = len(y)
    for k in range(1, radius + 1):
        for off in (radius - k, radius + k):
            d = np.abs(pad_c[off : off + n] - cost)
            high = np.minimum(high, pad_y[off : off + n] + d)
            low = np.maximum(low, pad_y[off : off + n] - d)
    return 0.5 * (high + low)


def _cone(y: np.ndarray, step: float, radius: int) -> np.ndarray:
    """min over |k| ≤ radius of y[f + k] + |k|·step: the highest curve under y rising or falling at most
    `step` a frame (edges held)."""
    padded = np.pad(y, radius, mode="edge")
    out = y.copy()
    for k in range(1, radius + 1):
        out = np.minimum(out, padded[radius - k : radius - k + len(y)] + k * step)
        out = np.minimum(out, padded[radius + k : radius + k + len(y)] + k * step)
    return out


def _set_leg(
    quats: np.ndarray,
    mask: np.ndarray,
    side: str,
    hips: np.ndarray,
    hip: np.ndarray,
    ankle: np.ndarray,
    pole: np.ndarray,
    foot: np.ndarray,
    toe: np.ndarray,
) -> None:
    """Leg joints of the masked frames reaching `ankle` from `hip` (world, (n, 3)) with the foot's world
    rotation `foot` and the toe's local `toe` (n, 4)."""
    thigh_r, shin_r, _ = limbs.two_bone_ik(hip, ankle, pole)
    thigh, shin = thigh_r.as_quat(), shin_r.as_quat()
    up, knee, ankle_j, toe_j = LEG[side]
    quats[mask, up] = quat.mul(quat.inv(hips), thigh)
    quats[mask, knee] = quat.mul(quat.inv(thigh), shin)
    quats[mask, ankle_j] = quat.mul(quat.inv(shin), foot)
    quats[mask, toe_j] = toe


def _contact_lift(foot: np.ndarray, toe: np.ndarray) -> np.ndarray:
    """`limbs.contact_lift` on quaternion arrays: the ankle's height when the foot's lowest point touches."""
    heel = quat.apply(foot, limbs.HEEL)[:, 1]
    toe_world = quat.mul(foot, toe)
    ball = quat.apply(foot, limbs.BALL)[:, 1]
    sole = ball + quat.apply(toe_world, limbs.BALL_SOLE)[:, 1]
    tip = ball + quat.apply(toe_world, limbs.TIP)[:, 1]
    return -np.minimum(heel, np.minimum(sole, tip))


def _flutter(quats: np.ndarray, track: Track, seg: np.ndarray, u: np.ndarray, t: np.ndarray,
             turn: np.ndarray) -> None:
    """Tiny quick steps on pointe (bourrée couru, the steps of chaînés): the feet take turns, a knee at a time."""
    both = (track.on_pointe[:-1] & track.on_pointe[1:])[seg]
    if not both.any():
        return
    turning = np.abs(np.diff(track.turn))[seg] > 1.0
    # steps so far in this segment: 7 a second, or two for every turn
    steps = np.where(turning, 2.0 * np.abs(turn - track.turn[seg]) / 360.0, 7.0 * (t - track.times[seg]))
    phase = np.where(both, steps, 0.0) * np.pi
    envelope = np.where(both, np.sin(np.pi * u), 0.0) ** 0.5
    for j, sign in ((LEG["Left"][1], 1.0), (LEG["Right"][1], -1.0)):
        bend = 14.0 * envelope * np.maximum(0.0, sign * np.sin(phase))
        quats[:, j] = quat.mul(quats[:, j], _q(bend, 0))


def _swing_floor(pos: np.ndarray, pinned: np.ndarray, bearing: np.ndarray, fps: float) -> np.ndarray:
    """How high each free foot must clear the floor, (2, frames) m: a foot travelling faster than a brush
    rises through a low arc (a dégagé) and sets down where it goes, instead of sliding there."""
    out = np.zeros((2, len(pos)))
    if len(pos) < 3:
        return out
    for i, side in enumerate(SIDES):
        pts = pos[:, [J[side + "Foot"], J[side + "ToeBase"]]][:, :, [0, 2]]
        v = np.linalg.norm(np.gradient(pts, axis=0), axis=-1).max(axis=1) * fps
        need = np.clip(SWING_LIFT * (v - BRUSH_SPEED), 0.0, SWING_MAX)
        need = np.where(pinned[i] | bearing[i], 0.0, need)
        # a forward-and-back max filter then a smooth bump: the arc starts before the foot moves
        spread = int(round(SWING_SIGMA_S * fps))
        arc = _gauss(_max_filter(need, np.ones(2 * spread + 1)), SWING_SIGMA_S / 2, fps)
        # and rises from nothing as the foot leaves the floor, sets down to nothing as it arrives
        reach = max(1, int(round(SWING_RAMP_S * fps)))
        cone = 1.0 - np.abs(np.arange(-reach, reach + 1)) / (reach + 1)
        near = _max_filter((pinned[i] | bearing[i]).astype(float), cone)
        out[i] = arc * _smooth(1.0 - near)
    return out


def _max_filter(x: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """max over k of x[f + k] · kernel[k] (kernel centred, odd length), edges held."""
    r = len(kernel) // 2
    windows = np.lib.stride_tricks.sliding_window_view(np.pad(x, r, mode="edge"), len(kernel))
    return (windows * kernel).max(axis=1)


def _lift_feet_off_floor(
    quats: np.ndarray,
    root: np.ndarray,
    hips: np.ndarray,
    pinned: np.ndarray,
    bearing: np.ndarray,
    floor: np.ndarray,
    passes: int,
    margin: float = 0.03,
    fps: float = 60.0,
    spread_s: float = 0.0,
) -> None:
    """A free foot that would go through the floor is lifted onto it by bending the leg (IK), softly: the lift
    starts a little before the contact so that the knee does not snap; a travelling free foot clears the
    floor by its swing arc (`margin`: how far above the floor the soft lift begins, m)."""
    for _ in range(passes):
        pos, world = _legs_fk(root, quats)
        for i, side in enumerate(SIDES):
            up, _, ankle_j, toe_j = LEG[side]
            foot = world[:, ankle_j]
            toe = quats[:, toe_j]
            low = pos[:, ankle_j, 1] - _contact_lift(foot, toe) - floor[i]
            soft = np.where(bearing[i], 1e-6, margin)  # a foot bearing weight stays on the floor
            raise_by = np.where(low < -soft, -low, (soft - low) ** 2 / (4 * soft))
            m = (low < soft) & ~pinned[i]
            if not m.any():
                continue
            if spread_s > 0:  # the lift comes and goes over a few frames (no knee snaps into it)
                reach = max(1, int(round(spread_s * fps)))
                cone = _smooth(1.0 - np.abs(np.arange(-reach, reach + 1)) / (reach + 1))
                raise_by = _max_filter(np.where(m, raise_by, 0.0), cone)
                m = (raise_by > 0) & ~pinned[i]
            ankle = pos[m, ankle_j] + np.stack([0 * low[m], raise_by[m], 0 * low[m]], axis=-1)
            forward = np.array([0.0, 0.0, 1.0])
            pole = quat.apply(world[m, up], forward) + 0.3 * quat.apply(foot[m], forward)
            _set_leg(quats, m, side, hips[m], pos[m, up], ankle, pole, foot[m], toe[m])


def _legs_fk(root: np.ndarray, quats: np.ndarray, sides: tuple[str, ...] = SIDES) -> tuple[np.ndarray, np.ndarray]:
    """World positions (frames, J, 3) and rotations (frames, J, 4) of the hips and the leg joints only
    (the other joints left zero): forward kinematics for what touches the floor."""
    pos = np.zeros((*quats.shape[:2], 3))
    world = np.zeros(quats.shape)
    world[:, 0], pos[:, 0] = quats[:, 0], root
    for side in sides:
        for j in LEG[side]:
            parent = int(SK.parents[j])
            world[:, j] = quat.mul(world[:, parent], quats[:, j])
            pos[:, j] = pos[:, parent] + quat.apply(world[:, parent], SK.offsets[j])
    return pos, world


def _off_the_floor_before_travelling(
    quats: np.ndarray, root: np.ndarray, hips: np.ndarray, fixed: np.ndarray, fps: float
) -> None:
    """A foot leaves the floor upward and lands downward, as a dancer's does: where a free foot would travel
    fast along the floor (skate) as it leaves or reaches it, its way along the floor waits while it rises
    (and is done before it sets down), and where that is not enough it is carried clear of the floor; the
    leg reaches it by IK. A change that would turn a leg joint faster than a dancer can is made smaller or
    not made. `fixed` (2, frames): the feet on the floor bearing weight, never moved."""
    frames = len(root)
    if frames < 4:
        return
    pos, world = _legs_fk(root, quats)
    for i, side in enumerate(SIDES):
        if i == 1:  # the left foot may have been lifted: the right one sees where it is now
            pos, world = _legs_fk(root, quats)
        touching = [pos[:, LEG[s][2], 1] - _contact_lift(world[:, LEG[s][2]], quats[:, LEG[s][3]]) < 0.01
                    for s in SIDES]
        fixed_i = fixed[i] | (touching[i] & ~touching[1 - i])  # the only foot on the floor stays on it
        ankle, ball = pos[:, LEG[side][2]], pos[:, LEG[side][3]]
        low = np.minimum(ankle[:, 1] - FOOT_REST[0], ball[:, 1] - FOOT_REST[1]) < CLEAR
        skate = (_floor_speed(ankle, ball, fps) > SLIDE_SPEED) & low & ~fixed_i
        zero = np.zeros(frames)
        delay, leg = zero, None
        new_ankle, new_foot = ankle, world[:, LEG[side][2]]
        if skate.any():
            leg = _LegRedo(quats, pos, world, hips, side, fps)
            delay = leg.settle(_holds(fixed_i, skate, low, fps), zero)
            new_ankle, new_foot = leg.target(delay, zero)
        # (the raise below is looked for whether or not a foot skated anywhere: each frame's making stays local)
        new_ball = new_ankle + quat.apply(new_foot, limbs.BALL)
        new_low = np.minimum(new_ankle[:, 1] - FOOT_REST[0], new_ball[:, 1] - FOOT_REST[1])
        still_fast = (_floor_speed(new_ankle, new_ball, fps) > SLIDE_SPEED) & ~fixed_i
        need = np.where(still_fast, np.maximum(CLEAR + 0.005 - new_low, 0.0), 0.0)
        if not need.any():
            continue
        reach = max(1, int(round(RAISE_S * fps)))
        raise_by = _max_filter(need, _smooth(1.0 - np.abs(np.arange(-reach, reach + 1)) / (reach + 1)))
        # from a foot on the floor the raise grows no faster than the knee may bend to make it (no snap)
        bend = np.radians(np.minimum(RAISE_KNEE_SPEED * _distance_to(fixed_i) / fps, 90.0))
        straight = limbs.THIGH + limbs.SHIN
        bent = np.sqrt(limbs.THIGH**2 + limbs.SHIN**2 + 2 * limbs.THIGH * limbs.SHIN * np.cos(bend))
        raise_by = np.where(fixed_i, 0.0, np.minimum(raise_by, straight - bent))
        runs = [np.arange(a, b) for a, b in true_runs(raise_by > 0)]
        leg = leg or _LegRedo(quats, pos, world, hips, side, fps)
        leg.settle([(r, raise_by[r]) for r in runs], delay, lifting=True)


class _LegRedo:
    """One leg re-made by IK to reach its own foot moved in time (`delay`, frames) and raised (`lift`, m),
    frames at a time, each change kept only if no leg joint then turns faster than `CHANGE_SPEED` (the ankle
    `ANKLE_CHANGE_SPEED`) where it did not before, the foot pops nowhere it did not, and the thigh stays
    turned out within its range."""

    def __init__(self, quats: np.ndarray, pos: np.ndarray, world: np.ndarray, hips: np.ndarray, side: str,
                 fps: float) -> None:
        self.quats, self.hips, self.side, self.fps = quats, hips, side, fps
        self.joints = LEG[side]
        up, _, ankle_j, toe_j = self.joints
        self.hip, self.ankle, self.foot = pos[:, up], pos[:, ankle_j], world[:, ankle_j]
        # the knee keeps the plane it bends in (the thigh's own forward axis): where the foot is not moved, the
        # leg is exactly as it was, so the IK joins the rest of the motion without a jump in the thigh's twist
        self.pole = quat.apply(world[:, up], np.array([0.0, 0.0, 1.0]))
        self.toe = quats[:, toe_j].copy()
        self.current = quats[:, self.joints].copy()
        self.checked = [0, 1, 2]  # hip, knee and ankle
        self.limit = np.array([CHANGE_SPEED, CHANGE_SPEED, ANKLE_CHANGE_SPEED])
        self.speed_before = _turn_speed(self.current[:, self.checked], fps)  # (frames, 3)
        # what nearly popped already counts as popped: frames a change leaves as they were never count as new pops
        self.popped = _pops(self.ankle, self.foot, slack=0.9)
        self.turned_out = self.in_range(self.current[:, 0])
        self.t = np.arange(len(pos), dtype=float)
        self.local_foot = quat.mul(quat.inv(hips), self.foot)

    def in_range(self, thigh: np.ndarray) -> np.ndarray:
        """Frames (frames,) whose local thigh rotation (frames, 4) keeps the leg turned out, and by no more than
        90° (what a dancer's hip allows)."""
        sign = TURNOUT_SIGN[SIDES.index(self.side)]
        twist = (np.degrees(2 * np.arctan2(thigh[:, 1], thigh[:, 3])) * sign + 180.0) % 360.0 - 180.0
        return (twist <= 90.0) & (twist >= 0.0)

    def target(self, delay: np.ndarray, lift: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The ankle (frames, 3) and foot world rotation (frames, 4) asked for: the ankle's way along the floor
        and the foot's turn relative to the hips shown `delay` frames late, at the original height raised by
        `lift` (both (frames,))."""
        warped = np.clip(self.t - delay, 0.0, len(self.t) - 1.0)
        ankle = np.stack([np.interp(warped, self.t, self.ankle[:, 0]), self.ankle[:, 1] + lift,
                          np.interp(warped, self.t, self.ankle[:, 2])], axis=-1)
        turn_at = np.clip(self.t - FOOT_TURN_LAG * delay, 0.0, len(self.t) - 1.0)
        return ankle, quat.mul(self.hips, _slerp_at(self.local_foot, turn_at))

    def settle(self, changes: list[tuple[np.ndarray, np.ndarray]], delay: np.ndarray, lifting: bool = False
               ) -> np.ndarray:
        """Make the `changes` ((frames, amounts) each, summed into one (frames,) field: the delay, or with
        `lifting` the lift on top of `delay`) in full, or at a fraction, or not at all, whichever is the most
        that keeps every leg joint of their frames turning no faster than `CHANGE_SPEED` (`ANKLE_CHANGE_SPEED`)
        where it did not before, makes the foot pop in none of them and keeps the thigh turned out within its
        range; returns the field made."""
        frames = len(self.t)
        scale = np.zeros(len(changes))
        settled = np.zeros(len(changes), dtype=bool)
        amounts = np.zeros(frames)
        for attempt in (1.0, 0.6, 0.3, 0.0):
            scale = np.where(settled, scale, attempt)
            amounts = np.zeros(frames)
            touched = np.zeros(frames, dtype=bool)
            redo = np.zeros(frames, dtype=bool)  # the frames of changes not yet settled: their leg is made again
            for (idx, amount), k, done in zip(changes, scale, settled, strict=True):
                amounts[idx] += k * amount
                touched[idx] = True
                redo[idx] |= not done
            if redo.any():
                ankle, foot = self.target(delay, amounts) if lifting else self.target(amounts, 0.0 * amounts)
                m = redo
                _set_leg(self.quats, m, self.side, self.hips[m], self.hip[m], ankle[m], self.pole[m], foot[m],
                         self.toe[m])
            if attempt == 0.0:
                break
            speed = _turn_speed(self.quats[:, self.joints][:, self.checked], self.fps)
            bad = ((speed > self.limit) & (speed > self.speed_before + 1.0)).any(axis=1)
            if redo.any():  # nor makes the foot jump in a frame, nor turns the leg out beyond what it can
                bad |= _pops(ankle, foot) & ~self.popped
            bad |= ~self.in_range(self.quats[:, self.joints[0]]) & self.turned_out
            bad[:-1] |= bad[1:]  # a frame turning too fast from the one before blames both
            for n, (idx, _) in enumerate(changes):
                if not settled[n] and not bad[idx].any():
                    settled[n] = True
            if settled.all():
                break
        self.current = self.quats[:, self.joints].copy()
        return amounts


def _pops(ankle: np.ndarray, foot: np.ndarray, slack: float = 1.0) -> np.ndarray:
    """Frames (frames,) into which the ankle (frames, 3) or the ball of a foot turned `foot` (frames, 4) world
    jumps: further than `POP_STEP` and `POP_RATIO` times further than in the frames either side, where the
    ankle is low (as `_no_pops` sees them), or anywhere by more than `POP_FAR`; each bound times `slack`
    (below 1, a jump nearly as far counts too)."""
    d = np.zeros(len(ankle))
    for p in (ankle, ankle + quat.apply(foot, limbs.BALL)):
        d[1:] = np.maximum(d[1:], np.linalg.norm(np.diff(p, axis=0), axis=-1))
    low = ankle[:, 1] - FOOT_REST[0] < POP_LOW / slack
    low[1:] |= low[:-1]
    return _jumps(d, low | (d > slack * POP_FAR), slack)


def _jumps(d: np.ndarray, where: np.ndarray, slack: float = 1.0) -> np.ndarray:
    """Frames (frames,) of `where` whose step `d` (frames,) m, from the frame before, is further than `POP_STEP`
    and `POP_RATIO` times the further of the steps either side (each bound times `slack`): a pop."""
    around = np.zeros(len(d))
    around[:-1] = d[1:]
    around[1:] = np.maximum(around[1:], d[:-1])
    return (d > slack * POP_STEP) & (d > slack * POP_RATIO * around) & where


def _turn_speed(q: np.ndarray, fps: float) -> np.ndarray:
    """Angular speed of each joint (frames, joints) deg/s between a frame and the one before (0 at the first)."""
    out = np.zeros(q.shape[:2])
    dots = np.abs(np.sum(q[1:] * q[:-1], axis=-1))
    out[1:] = 2.0 * np.degrees(np.arccos(np.clip(dots, 0.0, 1.0))) * fps
    return out


def _slerp_at(q: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Quaternions (frames, 4) sampled at fractional frames `at` (normalised linear blend of neighbours)."""
    lo = np.clip(np.floor(at).astype(int), 0, len(q) - 1)
    hi = np.minimum(lo + 1, len(q) - 1)
    f = (at - lo)[:, None]
    b = q[hi] * np.where(np.sum(q[lo] * q[hi], axis=-1) < 0, -1.0, 1.0)[:, None]
    out = q[lo] * (1.0 - f) + b * f
    return out / np.linalg.norm(out, axis=-1, keepdims=True)


def _distance_to(mask: np.ndarray) -> np.ndarray:
    """Frames from each frame to the nearest frame of `mask`, (frames,) float (inf where none)."""
    idx = np.arange(len(mask), dtype=float)
    last = np.maximum.accumulate(np.where(mask, idx, -np.inf))
    nxt = np.minimum.accumulate(np.where(mask, idx, np.inf)[::-1])[::-1]
    return np.minimum(idx - last, nxt - idx)


def _floor_speed(ankle: np.ndarray, ball: np.ndarray, fps: float) -> np.ndarray:
    """The faster of ankle and ball along the floor at each frame, m/s, over one frame and over two (the
    metric samples at half the frame rate), (frames,)."""
    out = np.zeros(len(ankle))
    for p in (ankle[:, [0, 2]], ball[:, [0, 2]]):
        one = np.linalg.norm(np.diff(p, axis=0), axis=-1) * fps
        two = np.linalg.norm(p[2:] - p[:-2], axis=-1) * fps / 2
        out[1:] = np.maximum(out[1:], one)
        out[:-1] = np.maximum(out[:-1], one)
        out[1:-1] = np.maximum(out[1:-1], two)
    return out


def _holds(fixed: np.ndarray, skate: np.ndarray, low: np.ndarray, fps: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """Where a foot would skate as it leaves or reaches the floor, how many frames its way along the floor
    lags (positive: after leaving the floor it rises in place, then catches up) or leads (negative: it
    arrives over its place, then sets down): (frames, lags) per contact. It waits while it is `low` (at
    most `HOLD_S`). Made from each contact's neighbourhood alone (streaming needs it local)."""
    frames = len(fixed)
    hold = max(1, int(round(HOLD_S * fps)))
    catch = max(1, int(round(CATCH_S * fps)))
    look = 2 * (hold + catch)  # a run of free frames longer than this is as good as endless (keeps it local)
    out: list[tuple[np.ndarray, np.ndarray]] = []
    for e in np.flatnonzero(np.diff(fixed.astype(np.int8))):
        leaving = bool(fixed[e])  # frame e is on the floor, e + 1 free: lift-off; else set-down at e + 1
        if leaving:
            n = int(np.argmax(np.append(fixed[e + 1 : e + 1 + look], True)))  # free frames after this lift-off
            near = skate[e + 1 : e + 1 + min(n, hold + catch)]
            side = low[e + 1 : e + 1 + hold]
        else:
            back = fixed[max(e - look + 1, 0) : e + 1][::-1]
            n = int(np.argmax(np.append(back, True)))  # free frames before this landing
            near = skate[max(0, e + 1 - min(n, hold + catch)) : e + 1]
            side = low[max(0, e + 1 - hold) : e + 1][::-1]
        if not near.any():
            continue
        h = min(int(np.argmin(np.append(side, False))) + 1, n // 3)
        c = min(catch, max(n // 2 - h, 1))
        if h < 1:
            continue
        k = np.arange(1, h + c + 1, dtype=float)  # frames from the contact
        lag = np.where(k <= h, k, h * (1.0 - _smooth((k - h) / c)))
        idx = e + k.astype(int) if leaving else e + 1 - k.astype(int)
        ok = (idx >= 0) & (idx < frames)
        out.append((idx[ok], lag[ok] if leaving else -lag[ok]))
    return out
