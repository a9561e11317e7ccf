"""From the timeline of key poses to a pose per frame: eased slerp, ballistic flights, spotting, planted feet.

Vectorised over frames: per joint, one scipy Rotation array of all frames.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial.transform import Rotation

from redshoes.animate import limbs
from redshoes.animate.keys import LEG, SIDES, SK, J
from redshoes.animate.motion import Motion, forward_kinematics
from redshoes.animate.timeline import Flight, TimedKey, build_timeline
from redshoes.ballet.positions import load_positions
from redshoes.compose.choreography import Choreography
from redshoes.errors import InputError

TURNOUT_SIGN = (1.0, -1.0)  # left foot turns out toward +x, right toward -x


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
        a = Rotation.from_quat(free[:, n])
        rel = (a.inv() * Rotation.from_quat(quats[mask, j])).as_rotvec()
        quats[mask, j] = (a * Rotation.from_rotvec(rel * weight[:, None])).as_quat()


def _hemisphere(q: np.ndarray) -> np.ndarray:
    """Flip quaternions (N, ..., 4) along axis 0 so that consecutive ones lie in the same hemisphere."""
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
    if not choreography.steps:
        raise InputError("the choreography has no steps; compose one first (`redshoes compose`)")
    if fps <= 0:
        raise InputError(f"fps must be positive, got {fps}")
    keys, flights = build_timeline(choreography)
    duration = max(choreography.duration, choreography.steps[-1].end)
    frames = max(2, int(round(duration * fps)))
    t = np.arange(frames) / fps
    return _synthesise(keys, flights, t, fps)


def _synthesise(keys: list[TimedKey], flights: list[Flight], t: np.ndarray, fps: float) -> Animation:
    pos = load_positions()
    turnout = pos.body.turnout
    kt = np.array([k.time for k in keys])
    kt = np.maximum.accumulate(kt + np.arange(len(kt)) * 1e-6)
    n_keys, frames = len(keys), len(t)
    if n_keys == 1:
        keys, kt, n_keys = keys * 2, np.array([kt[0], kt[0] + 1.0]), 2
    seg = np.clip(np.searchsorted(kt, t, side="right") - 1, 0, n_keys - 2)
    u = np.clip((t - kt[seg]) / (kt[seg + 1] - kt[seg]), 0.0, 1.0)

    phase = [k.pose.jump for k in keys]
    in_air = np.array([p in ("takeoff", "air") for p in phase])
    into_takeoff = np.array([p == "takeoff" for p in phase])
    after_landing = np.array([p == "landing" for p in phase])
    kind = np.zeros(n_keys - 1, dtype=int)
    kind[into_takeoff[1:]] = 2
    kind[after_landing[:-1]] = 3
    kind[in_air[:-1]] = 1
    w_smooth = _ease(u, np.zeros_like(seg))
    w_path = _ease(u, kind[seg])

    def track(values: np.ndarray, w: np.ndarray) -> np.ndarray:
        a, b = values[seg], values[seg + 1]
        shape = (-1,) + (1,) * (a.ndim - 1)
        return a + (b - a) * w.reshape(shape)

    # Rotations: eased slerp between keys, per joint.
    q_keys = _hemisphere(np.stack([k.body.quats for k in keys]))
    rel = Rotation.from_quat(q_keys[:-1].reshape(-1, 4)).inv() * Rotation.from_quat(q_keys[1:].reshape(-1, 4))
    rel_vec = rel.as_rotvec().reshape(n_keys - 1, len(SK.names), 3)
    local = Rotation.from_quat(q_keys[seg].reshape(-1, 4)) * Rotation.from_rotvec(
        (rel_vec[seg] * w_smooth[:, None, None]).reshape(-1, 3)
    )
    quats = local.as_quat().reshape(frames, len(SK.names), 4)

    # The root: path, facing and turn, hip height, ballistic flights.
    facing = track(np.array([k.facing for k in keys]), w_smooth)
    turn = track(np.array([k.turn for k in keys]), w_smooth)
    yaw = facing + turn
    root = np.zeros((frames, 3))
    root[:, [0, 2]] = track(np.stack([k.root for k in keys]), w_path)
    root[:, 1] = track(np.array([k.body.height for k in keys]), w_path)
    airborne = np.zeros(frames, dtype=bool)
    for f in flights:
        m = (t > f.takeoff) & (t < f.landing)
        if not m.any():
            continue
        s = (t[m] - f.takeoff) / (f.landing - f.takeoff)
        y0, y1 = np.interp([f.takeoff, f.landing], t, root[:, 1])
        root[m, 1] = y0 + (y1 - y0) * s + 4.0 * f.rise * s * (1 - s)
        airborne |= m
    hips_local = Rotation.from_quat(quats[:, J["Hips"]])
    hips = limbs.ry(yaw) * hips_local
    quats[:, J["Hips"]] = hips.as_quat()

    # Spotting: the head keeps the audience's point while the body turns.
    spot_seg = np.array([k.pose.spot for k in keys])[1:][seg] & (
        np.abs(np.diff([k.turn for k in keys]))[seg] > 1
    )
    if spot_seg.any():
        beta = turn - np.array([k.turn for k in keys])[seg]
        rel_yaw = np.where(spot_seg, _spot(beta), 0.0)
        for joint in ("Neck", "Head"):
            quats[:, J[joint]] = (limbs.ry(0.5 * rel_yaw) * Rotation.from_quat(quats[:, J[joint]])).as_quat()

    # Planted feet: pinned on the floor where the key put them; the legs reach them by IK. A foot about to
    # leave the floor stays put while the step begins; a foot about to land reaches for its place.
    weight = np.zeros((2, frames))
    pinned = np.zeros((2, frames), dtype=bool)
    ankle_target = np.zeros((2, frames, 3))
    foot_world: list[Rotation] = []
    toe_local: list[Rotation] = []
    planted = np.stack([k.body.planted for k in keys])
    glide = np.array([k.body.glide for k in keys])
    balls = np.stack([k.ball for k in keys])
    for i in range(2):
        pitch = track(np.array([k.body.pitch[i] for k in keys]), w_smooth)
        foot, toe = limbs.floor_foot(yaw, TURNOUT_SIGN[i] * turnout, pitch)
        foot_world.append(foot)
        toe_local.append(toe)
        on_k, on_k1 = planted[:-1, i] & ~glide[:-1], planted[1:, i] & ~glide[1:]
        full = (on_k & on_k1)[seg]
        lift = (on_k & ~on_k1)[seg]
        land = (~on_k & on_k1)[seg]
        weight[i] = np.select(
            [full, lift, land], [1.0, 1.0 - _smooth((u - 0.1) / 0.4), _smooth((u - 0.2) / 0.8)], 0.0
        )
        weight[i] = np.where(airborne & ~land, 0.0, weight[i])
        pinned[i] = full & ~airborne
        anchor = np.where(land[:, None], balls[np.minimum(seg + 1, n_keys - 1), i], balls[seg, i])
        ball = foot.apply(limbs.BALL)
        ankle_target[i, :, 0] = anchor[:, 0] - ball[:, 0]
        ankle_target[i, :, 2] = anchor[:, 1] - ball[:, 2]
        ankle_target[i, :, 1] = limbs.contact_lift(foot, toe)
    # The hips come down far enough for every pinned leg to reach its foot.
    reach = limbs.THIGH + limbs.SHIN - 2e-5
    for i in range(2):
        hip = root + hips.apply(limbs.HIP_OFFSET * np.array([TURNOUT_SIGN[i], 1.0, 1.0]))
        d = ankle_target[i] - hip
        dxz2 = d[:, 0] ** 2 + d[:, 2] ** 2
        highest = (
            ankle_target[i, :, 1] + np.sqrt(np.maximum(reach**2 - dxz2, 1e-4)) + (root[:, 1] - hip[:, 1])
        )
        root[:, 1] = np.where(
            pinned[i] | ((weight[i] > 0.999) & ~airborne), np.minimum(root[:, 1], highest), root[:, 1]
        )
    for i, side in enumerate(SIDES):
        m = weight[i] > 0.0
        if not m.any():
            continue
        hip = root[m] + hips[m].apply(limbs.HIP_OFFSET * np.array([TURNOUT_SIGN[i], 1.0, 1.0]))
        pole = limbs.ry(yaw[m] + TURNOUT_SIGN[i] * turnout).apply([0.0, 0.15, 1.0])
        free = quats[m][:, LEG[side]].copy()
        _set_leg(quats, m, side, hips[m], hip, ankle_target[i, m], pole, foot_world[i][m], toe_local[i][m])
        _blend(quats, m, LEG[side], free, weight[i, m])
    _flutter(quats, keys, seg, u, t, turn)
    bearing = (planted[:-1] & planted[1:])[seg].T  # (2, frames): on the floor, pinned or gliding
    _lift_feet_off_floor(quats, root, hips, pinned, bearing)
    rotations = _hemisphere(quats)
    motion = Motion(fps=float(fps), skeleton=SK, root_positions=root, rotations=rotations)
    return Animation(motion=motion, planted=pinned.T.copy())


def _set_leg(
    quats: np.ndarray,
    mask: np.ndarray,
    side: str,
    hips: Rotation,
    hip: np.ndarray,
    ankle: np.ndarray,
    pole: np.ndarray,
    foot: Rotation,
    toe: Rotation,
) -> None:
    thigh, shin, _ = limbs.two_bone_ik(hip, ankle, pole)
    up, knee, ankle_j, toe_j = LEG[side]
    quats[mask, up] = (hips.inv() * thigh).as_quat()
    quats[mask, knee] = (thigh.inv() * shin).as_quat()
    quats[mask, ankle_j] = (shin.inv() * foot).as_quat()
    quats[mask, toe_j] = toe.as_quat()


def _flutter(quats: np.ndarray, keys: list[TimedKey], seg: np.ndarray, u: np.ndarray, t: np.ndarray,
             turn: np.ndarray) -> None:
    """Tiny quick steps on pointe (bourrée couru, the steps of chaînés): the feet take turns, a knee at a time."""
    on_pointe = np.array([k.body.glide and bool(np.all(k.body.pitch > 60.0)) for k in keys])
    both = (on_pointe[:-1] & on_pointe[1:])[seg]
    if not both.any():
        return
    turning = np.abs(np.diff([k.turn for k in keys]))[seg] > 1.0
    rate = np.where(turning, 2.0 * np.abs(np.gradient(turn, t)) / 360.0, 7.0)  # steps a second
    phase = np.cumsum(np.where(both, rate, 0.0)) * np.mean(np.diff(t)) * np.pi
    envelope = np.where(both, np.sin(np.pi * u), 0.0) ** 0.5
    for j, sign in ((LEG["Left"][1], 1.0), (LEG["Right"][1], -1.0)):
        bend = 14.0 * envelope * np.maximum(0.0, sign * np.sin(phase))
        quats[:, j] = (Rotation.from_quat(quats[:, j]) * limbs.rx(bend)).as_quat()


def _lift_feet_off_floor(
    quats: np.ndarray, root: np.ndarray, hips: Rotation, pinned: np.ndarray, bearing: np.ndarray
) -> None:
    """A free foot that would go through the floor is lifted onto it by bending the leg (IK), softly: the lift
    starts a little before the contact so that the knee does not snap."""
    margin = 0.03
    for _ in range(2):
        pos, world = forward_kinematics(SK, root, quats)
        for i, side in enumerate(SIDES):
            up, _, ankle_j, toe_j = LEG[side]
            foot = Rotation.from_quat(world[:, ankle_j])
            toe = Rotation.from_quat(quats[:, toe_j])
            low = pos[:, ankle_j, 1] - limbs.contact_lift(foot, toe)
            soft = np.where(bearing[i], 1e-6, margin)  # a foot bearing weight stays on the floor
            raise_by = np.where(low < -soft, -low, (soft - low) ** 2 / (4 * soft))
            m = (low < soft) & ~pinned[i]
            if not m.any():
                continue
            ankle = pos[m, ankle_j] + np.stack([0 * low[m], raise_by[m], 0 * low[m]], axis=-1)
            thigh = Rotation.from_quat(world[m, up])
            pole = thigh.apply([0.0, 0.0, 1.0]) + 0.3 * foot[m].apply([0.0, 0.0, 1.0])
            _set_leg(quats, m, side, hips[m], pos[m, up], ankle, pole, foot[m], toe[m])
