"""The dancer's body: a procedural, skinned ballerina mesh in the rest pose of `redshoes.ballet.skeleton`.

Built from lathed surfaces (a ring profile swept along an axis): limbs as one tapered tube per leg and arm
so knees and elbows bend smoothly, an elliptical torso, a head with a hair cap and a bun, a layered pancake
tutu skinned to the Hips only, pink tights and red pointe shoes with ankle ribbons. Metres, Y up, facing +z.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from redshoes.ballet.skeleton import END_SITES, Skeleton

# Weight keys: (parameter along the part, {joint name: weight}); interpolated smoothly between keys.
WeightKeys = Sequence[tuple[float, dict[str, float]]]


@dataclass(frozen=True)
class Material:
    """A surface look: linear RGBA base colour, roughness, and whether both faces are drawn (the tutu)."""

    name: str
    color: tuple[float, float, float, float]
    roughness: float
    double_sided: bool = False


MATERIALS: tuple[Material, ...] = (
    Material("skin", (0.78, 0.52, 0.40, 1.0), 0.6),
    Material("tights", (0.88, 0.50, 0.48, 1.0), 0.55),
    Material("bodice", (0.92, 0.86, 0.80, 1.0), 0.45),
    Material("tutu", (0.95, 0.90, 0.86, 1.0), 0.7, double_sided=True),
    Material("pointe_shoes", (0.62, 0.02, 0.03, 1.0), 0.3),
    Material("hair", (0.10, 0.045, 0.025, 1.0), 0.5),
)
_MATERIAL_INDEX = {m.name: i for i, m in enumerate(MATERIALS)}


@dataclass(frozen=True, eq=False)
class BodyMesh:
    """Vertices shared by all parts: positions/normals (V, 3) float32 metres; joints (V, 4) uint8 skeleton
    indices and weights (V, 4) float32 summing to 1; one triangle list (T, 3) uint32 per material."""

    positions: np.ndarray
    normals: np.ndarray
    joints: np.ndarray
    weights: np.ndarray
    triangles: tuple[np.ndarray, ...]
    materials: tuple[Material, ...]


@dataclass
class _Part:
    positions: np.ndarray  # (V, 3)
    weights: np.ndarray  # (V, joints) dense
    triangles: np.ndarray  # (T, 3) local indices
    material: Callable[[np.ndarray], np.ndarray]  # face centroids (T, 3) -> material index (T,)


def _smoothstep(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


def _keyed_weights(skeleton: Skeleton, t: np.ndarray, keys: WeightKeys) -> np.ndarray:
    """Dense (N, joints) skin weights from keys along a parameter, held beyond the first and last key."""
    table = np.zeros((len(keys), len(skeleton)))
    for k, (_, weights) in enumerate(keys):
        for name, w in weights.items():
            table[k, skeleton.index(name)] = w
    stops = np.array([k[0] for k in keys])
    out = np.repeat(table[:1], len(t), axis=0)
    for k in range(1, len(keys)):
        s = _smoothstep((t - stops[k - 1]) / max(stops[k] - stops[k - 1], 1e-9))[:, None]
        inside = (t > stops[k - 1])[:, None]
        out = np.where(inside, table[k - 1] * (1 - s) + table[k] * s, out)
    return out


def _lathe(
    start: np.ndarray,
    axis: np.ndarray,
    up: np.ndarray,
    profile: np.ndarray,
    segments: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sweep elliptical rings along an axis, closed by a pole at each end.

    `profile` rows: (t along the axis from `start`, half-width, half-depth along `up`, centre shift along
    `up`), metres; the first and last rows are the poles (their radii are ignored). Returns positions (V, 3),
    the t of each vertex (V,), and outward-facing triangles (T, 3).
    """
    d = axis / np.linalg.norm(axis)
    v = up - np.dot(up, d) * d
    v /= np.linalg.norm(v)
    u = np.cross(v, d)  # u × v = d
    theta = 2 * np.pi * np.arange(segments) / segments
    rings = profile[1:-1]
    ring_pts = (
        start
        + rings[:, 0, None, None] * d
        + (rings[:, 3, None, None] + rings[:, 2, None, None] * np.sin(theta)[None, :, None]) * v
        + rings[:, 1, None, None] * np.cos(theta)[None, :, None] * u
    )
    first = start + profile[0, 0] * d + profile[1, 3] * v
    last = start + profile[-1, 0] * d + profile[-2, 3] * v
    positions = np.concatenate([first[None], ring_pts.reshape(-1, 3), last[None]])
    t = np.concatenate([[profile[0, 0]], np.repeat(rings[:, 0], segments), [profile[-1, 0]]])
    n = len(rings)
    j = np.arange(segments)
    j1 = (j + 1) % segments
    tris = [np.stack([np.zeros(segments, int), 1 + j1, 1 + j], axis=1)]
    for r in range(n - 1):
        a, b = 1 + r * segments, 1 + (r + 1) * segments
        tris.append(np.stack([a + j, a + j1, b + j], axis=1))
        tris.append(np.stack([a + j1, b + j1, b + j], axis=1))
    end = len(positions) - 1
    base = 1 + (n - 1) * segments
    tris.append(np.stack([np.full(segments, end), base + j, base + j1], axis=1))
    return positions, t, np.concatenate(tris)


def _round_profile(
    radii: Sequence[tuple[float, float, float, float]], caps: tuple[float, float] | None = None
) -> np.ndarray:
    """A profile from (t, half-width, half-depth, shift) knots, resampled finely and closed with domes of the
    given lengths (default: the end half-widths)."""
    knots = np.array(radii, dtype=np.float64)
    ts = np.linspace(knots[0, 0], knots[-1, 0], max(int(round((knots[-1, 0] - knots[0, 0]) / 0.012)), 4) + 1)
    body = np.stack([ts] + [np.interp(ts, knots[:, 0], knots[:, c]) for c in (1, 2, 3)], axis=1)
    cap_steps = np.sin(np.linspace(0.0, np.pi / 2, 6))[:-1]  # 0 .. <1
    r0, r1 = body[0], body[-1]
    c0, c1 = caps if caps is not None else (r0[1], r1[1])
    head = [(r0[0] - c0 * np.cos(np.arcsin(s)), r0[1] * s, r0[2] * s, r0[3]) for s in cap_steps[1:]]
    tail = [(r1[0] + c1 * np.cos(np.arcsin(s)), r1[1] * s, r1[2] * s, r1[3]) for s in cap_steps[::-1][:-1]]
    pole0 = (r0[0] - c0, 0, 0, r0[3])
    pole1 = (r1[0] + c1, 0, 0, r1[3])
    return np.array([pole0, *head, *body, *tail, pole1], dtype=np.float64)


def _single(name: str) -> Callable[[np.ndarray], np.ndarray]:
    index = _MATERIAL_INDEX[name]
    return lambda centroids: np.full(len(centroids), index)


def _world_rest(skeleton: Skeleton) -> np.ndarray:
    pos = np.zeros((len(skeleton), 3))
    for j, p in enumerate(skeleton.parents):
        pos[j] = skeleton.offsets[j] + (pos[p] if p >= 0 else 0.0)
    return pos


def _leg(skeleton: Skeleton, rest: np.ndarray, side: str) -> _Part:
    hip, knee, ankle = (rest[skeleton.index(side + n)] for n in ("UpLeg", "Leg", "Foot"))
    thigh, shin = float(np.linalg.norm(knee - hip)), float(np.linalg.norm(ankle - knee))
    k, a = thigh, thigh + shin
    profile = _round_profile(
        [
            (0.0, 0.080, 0.078, 0.0),
            (0.12, 0.066, 0.068, 0.0),
            (k - 0.09, 0.050, 0.052, 0.0),
            (k, 0.044, 0.046, 0.0),
            (k + 0.06, 0.045, 0.046, -0.004),
            (k + 0.14, 0.047, 0.050, -0.008),
            (a - 0.14, 0.034, 0.036, -0.004),
            (a - 0.04, 0.026, 0.028, 0.0),
            (a, 0.026, 0.028, 0.0),
        ],
    )
    positions, t, tris = _lathe(hip, knee - hip, np.array([0.0, 0.0, 1.0]), profile, 36)
    weights = _keyed_weights(
        skeleton,
        t,
        [
            (-0.02, {"Hips": 0.5, side + "UpLeg": 0.5}),
            (0.10, {side + "UpLeg": 1.0}),
            (k - 0.07, {side + "UpLeg": 1.0}),
            (k + 0.05, {side + "Leg": 1.0}),
            (a - 0.06, {side + "Leg": 1.0}),
            (a + 0.01, {side + "Foot": 0.7, side + "Leg": 0.3}),
        ],
    )
    tights, shoes = _MATERIAL_INDEX["tights"], _MATERIAL_INDEX["pointe_shoes"]

    def material(centroids: np.ndarray) -> np.ndarray:
        along = (centroids - hip) @ ((knee - hip) / thigh)
        ribbon = (along > a - 0.055) & (along < a - 0.035)
        ribbon |= along > a - 0.006
        return np.where(ribbon, shoes, tights)

    return _Part(positions, weights, tris, material)


def _shoe(skeleton: Skeleton, rest: np.ndarray, side: str) -> _Part:
    ankle, toe = rest[skeleton.index(side + "Foot")], rest[skeleton.index(side + "ToeBase")]
    tip = toe + np.asarray(END_SITES[side + "ToeBase"])
    heel = np.array([ankle[0], 0.0, ankle[2] - 0.045])
    # t along +z from the heel; shift along +y measured from the floor
    profile = _round_profile(
        [
            (0.012, 0.022, 0.024, 0.035),
            (0.045, 0.029, 0.040, 0.055),
            (0.09, 0.031, 0.030, 0.042),
            (0.14, 0.033, 0.021, 0.026),
            (0.19, 0.029, 0.018, 0.021),
            (tip[2] - heel[2] - 0.018, 0.018, 0.015, 0.019),
        ],
    )
    positions, t, tris = _lathe(heel, np.array([0.0, 0.0, 1.0]), np.array([0.0, 1.0, 0.0]), profile, 28)
    ball = float(toe[2] - heel[2])
    weights = _keyed_weights(
        skeleton,
        t,
        [
            (0.0, {side + "Foot": 1.0}),
            (ball - 0.04, {side + "Foot": 1.0}),
            (ball + 0.02, {side + "ToeBase": 1.0}),
        ],
    )
    return _Part(positions, weights, tris, _single("pointe_shoes"))


def _arm(skeleton: Skeleton, rest: np.ndarray, side: str) -> _Part:
    shoulder, elbow, wrist = (rest[skeleton.index(side + n)] for n in ("Arm", "ForeArm", "Hand"))
    upper, lower = float(np.linalg.norm(elbow - shoulder)), float(np.linalg.norm(wrist - elbow))
    e, w = upper, upper + lower
    profile = _round_profile(
        [
            (-0.03, 0.046, 0.044, 0.0),
            (0.05, 0.038, 0.036, 0.0),
            (e - 0.05, 0.030, 0.029, 0.0),
            (e, 0.028, 0.027, 0.0),
            (e + 0.07, 0.030, 0.027, 0.0),
            (w - 0.03, 0.021, 0.018, 0.0),
            (w, 0.020, 0.016, 0.0),
        ],
    )
    positions, t, tris = _lathe(shoulder, elbow - shoulder, np.array([0.0, 1.0, 0.0]), profile, 24)
    weights = _keyed_weights(
        skeleton,
        t,
        [
            (-0.06, {side + "Shoulder": 0.8, side + "Arm": 0.2}),
            (0.04, {side + "Arm": 1.0}),
            (e - 0.05, {side + "Arm": 1.0}),
            (e + 0.05, {side + "ForeArm": 1.0}),
            (w - 0.02, {side + "ForeArm": 1.0}),
            (w + 0.02, {side + "Hand": 1.0}),
        ],
    )
    return _Part(positions, weights, tris, _single("skin"))


def _hand(skeleton: Skeleton, rest: np.ndarray, side: str) -> _Part:
    wrist = rest[skeleton.index(side + "Hand")]
    tip = np.asarray(END_SITES[side + "Hand"])
    profile = _round_profile(
        [
            (0.0, 0.021, 0.016, 0.0),
            (0.05, 0.027, 0.012, 0.0),
            (0.09, 0.024, 0.009, 0.0),
            (0.13, 0.014, 0.007, 0.0),
        ],
    )
    positions, _, tris = _lathe(wrist, tip, np.array([0.0, 1.0, 0.0]), profile, 20)
    return _Part(
        positions,
        _keyed_weights(skeleton, np.zeros(len(positions)), [(0.0, {side + "Hand": 1.0})]),
        tris,
        _single("skin"),
    )


def _torso(skeleton: Skeleton, rest: np.ndarray) -> _Part:
    y0 = 0.79
    knots = [
        (0.81, 0.120, 0.085, 0.0),
        (0.87, 0.150, 0.098, 0.0),
        (0.94, 0.148, 0.096, 0.0),
        (1.02, 0.118, 0.080, 0.0),
        (1.08, 0.112, 0.078, 0.0),
        (1.16, 0.126, 0.086, 0.006),
        (1.23, 0.138, 0.092, 0.012),
        (1.29, 0.142, 0.084, 0.006),
        (1.34, 0.135, 0.068, -0.004),
        (1.375, 0.095, 0.056, -0.006),
        (1.40, 0.045, 0.040, -0.008),
    ]
    profile = _round_profile([(y - y0, a, b, c) for y, a, b, c in knots], caps=(0.05, 0.03))
    # cap the top flatter: the neck tube covers it
    positions, t, tris = _lathe(
        np.array([0.0, y0, 0.0]), np.array([0.0, 1.0, 0.0]), np.array([0.0, 0.0, 1.0]), profile, 48
    )
    y = t + y0
    weights = _keyed_weights(
        skeleton,
        y,
        [
            (0.96, {"Hips": 1.0}),
            (1.05, {"Spine": 1.0}),
            (1.13, {"Spine": 1.0}),
            (1.22, {"Spine1": 1.0}),
            (1.36, {"Spine1": 1.0}),
            (1.42, {"Neck": 1.0}),
        ],
    )
    for side, sign in (("Left", 1.0), ("Right", -1.0)):
        share = 0.6 * _smoothstep((sign * positions[:, 0] - 0.08) / 0.07) * _smoothstep((y - 1.24) / 0.08)
        weights *= (1 - share)[:, None]
        weights[:, skeleton.index(side + "Shoulder")] += share
    bodice, skin, tights = _MATERIAL_INDEX["bodice"], _MATERIAL_INDEX["skin"], _MATERIAL_INDEX["tights"]

    def material(centroids: np.ndarray) -> np.ndarray:
        below_tutu = np.where(centroids[:, 1] < 0.89, tights, bodice)
        return np.where(centroids[:, 1] > 1.30, skin, below_tutu)

    return _Part(positions, weights, tris, material)


def _neck_and_head(skeleton: Skeleton, rest: np.ndarray) -> list[_Part]:
    neck, head = rest[skeleton.index("Neck")], rest[skeleton.index("Head")]
    up, fwd = np.array([0.0, 1.0, 0.0]), np.array([0.0, 0.0, 1.0])
    neck_profile = _round_profile(
        [(-0.03, 0.040, 0.038, 0.0), (0.06, 0.032, 0.034, 0.0), (0.13, 0.032, 0.034, 0.0)]
    )
    npos, nt, ntris = _lathe(neck, up, fwd, neck_profile, 20)
    nweights = _keyed_weights(
        skeleton, nt, [(0.0, {"Neck": 1.0}), (0.09, {"Neck": 1.0}), (0.12, {"Head": 1.0})]
    )
    parts = [_Part(npos, nweights, ntris, _single("skin"))]

    def ellipsoid(
        centre: np.ndarray, rx: float, ry: float, rz: float, material: str, rings: int = 18
    ) -> _Part:
        phi = np.linspace(0, np.pi, rings + 1)
        profile = np.stack(
            [ry - ry * np.cos(phi), rx * np.sin(phi), rz * np.sin(phi), np.zeros_like(phi)], axis=1
        )
        pos, _, tris = _lathe(centre - up * ry, up, fwd, profile, 32)
        w = _keyed_weights(skeleton, np.zeros(len(pos)), [(0.0, {"Head": 1.0})])
        return _Part(pos, w, tris, _single(material))

    parts.append(ellipsoid(head + [0.0, 0.07, 0.012], 0.072, 0.098, 0.088, "skin"))
    parts.append(ellipsoid(head + [0.0, 0.105, -0.006], 0.079, 0.09, 0.09, "hair"))
    parts.append(ellipsoid(head + [0.0, 0.115, -0.10], 0.045, 0.042, 0.032, "hair", rings=12))
    parts.append(
        ellipsoid(head + [0.0, 0.100, -0.07], 0.052, 0.014, 0.024, "pointe_shoes", rings=8)
    )  # ribbon
    return parts


def _tutu(skeleton: Skeleton) -> list[_Part]:
    parts = []
    segments, radial = 120, 7
    theta = 2 * np.pi * np.arange(segments) / segments
    for layer in range(4):
        y0 = 0.925 - 0.012 * layer
        inner, outer = 0.10, 0.47 - 0.028 * layer
        s = np.linspace(0.0, 1.0, radial)
        r = inner + (outer - inner) * s
        ruffle = 0.010 * np.sin(theta * 18 + 1.3 * layer)[None, :] * s[:, None] ** 2
        y = y0 + 0.035 * s[:, None] - 0.055 * s[:, None] ** 2 + ruffle
        depth = 0.75 + 0.25 * _smoothstep(s / 0.3)  # the inner edge hugs the elliptical waist
        pos = np.stack(
            [
                np.broadcast_to(r[:, None] * np.sin(theta)[None, :], y.shape),
                y,
                (r * depth)[:, None] * np.cos(theta)[None, :],
            ],
            axis=2,
        ).reshape(-1, 3)
        j = np.arange(segments)
        j1 = (j + 1) % segments
        tris = []
        for i in range(radial - 1):
            a, b = i * segments, (i + 1) * segments
            tris.append(np.stack([a + j, b + j, a + j1], axis=1))
            tris.append(np.stack([a + j1, b + j, b + j1], axis=1))
        w = _keyed_weights(skeleton, np.zeros(len(pos)), [(0.0, {"Hips": 1.0})])
        parts.append(_Part(pos, w, np.concatenate(tris), _single("tutu")))
    return parts


def _smooth_normals(positions: np.ndarray, triangles: np.ndarray) -> np.ndarray:
    a, b, c = (positions[triangles[:, k]] for k in range(3))
    face = np.cross(b - a, c - a)
    normals = np.zeros_like(positions)
    for k in range(3):
        np.add.at(normals, triangles[:, k], face)
    length = np.linalg.norm(normals, axis=1, keepdims=True)
    return normals / np.where(length > 0, length, 1.0)


def _top_four(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(-weights, axis=1, kind="stable")[:, :4]
    top = np.take_along_axis(weights, order, axis=1)
    top = np.where(top > 1e-4, top, 0.0)
    top /= top.sum(axis=1, keepdims=True)
    order = np.where(top > 0, order, 0)  # glTF: an unused slot has weight 0 and joint 0
    return order.astype(np.uint8), top.astype(np.float32)


def ballerina_mesh(skeleton: Skeleton) -> BodyMesh:
    """The ballerina's skinned body in the skeleton's rest pose (T-pose, facing +z, soles at y = 0)."""
    rest = _world_rest(skeleton)
    parts: list[_Part] = [_torso(skeleton, rest), *_neck_and_head(skeleton, rest), *_tutu(skeleton)]
    for side in ("Left", "Right"):
        parts += [
            _leg(skeleton, rest, side),
            _shoe(skeleton, rest, side),
            _arm(skeleton, rest, side),
            _hand(skeleton, rest, side),
        ]
    positions, normals, weights, tris, mats = [], [], [], [], []
    base = 0
    for part in parts:
        positions.append(part.positions)
        normals.append(_smooth_normals(part.positions, part.triangles))
        weights.append(part.weights)
        tris.append(part.triangles + base)
        a, b, c = (part.positions[part.triangles[:, k]] for k in range(3))
        mats.append(part.material((a + b + c) / 3))
        base += len(part.positions)
    all_tris, all_mats = np.concatenate(tris), np.concatenate(mats)
    joints, top = _top_four(np.concatenate(weights))
    return BodyMesh(
        positions=np.concatenate(positions).astype(np.float32),
        normals=np.concatenate(normals).astype(np.float32),
        joints=joints,
        weights=top,
        triangles=tuple(all_tris[all_mats == i].astype(np.uint32) for i in range(len(MATERIALS))),
        materials=MATERIALS,
    )
