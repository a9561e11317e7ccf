"""Key poses in ballet terms → numbers: local joint rotations, where the feet stand, how high the hips are.

A `BodyKey` is in the dancer's own frame (facing +z, yaw 0) relative to her path point on the floor; the
working foot is the right one (the canonical side) until `mirrored` swaps the sides for a left working foot.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy.spatial.transform import Rotation

from redshoes.animate import limbs
from redshoes.ballet.positions import Positions
from redshoes.ballet.skeleton import ballerina
from redshoes.ballet.vocabulary import KeyPose

SK = ballerina()
J = {name: i for i, name in enumerate(SK.names)}
LEG = {
    "Left": [J["LeftUpLeg"], J["LeftLeg"], J["LeftFoot"], J["LeftToeBase"]],
    "Right": [J["RightUpLeg"], J["RightLeg"], J["RightFoot"], J["RightToeBase"]],
}
ARM = {
    "Left": [J["LeftArm"], J["LeftForeArm"], J["LeftHand"]],
    "Right": [J["RightArm"], J["RightForeArm"], J["RightHand"]],
}
SWAP = np.array(
    [SK.names.index(n.replace("Left", "#").replace("Right", "Left").replace("#", "Right")) for n in SK.names]
)
SIDES = ("Left", "Right")  # index 0 = left foot, 1 = right foot
HIP = (limbs.HIP_OFFSET, limbs.HIP_OFFSET * np.array([-1.0, 1.0, 1.0]))


@dataclass(frozen=True, eq=False)
class BodyKey:
    """A resolved key pose.

    `quats` (J, 4) local rotations (the Hips entry: pelvis tilt only, no yaw); `offset` (2,) root x, z
    from the path point in the facing frame, m; `height` root y, m; `ball` (2, 2) x, z of each foot's
    ball in the facing frame (index 0 left, 1 right); `pitch` (2,) foot pitch of a foot on the floor, degrees;
    `planted` (2,) bool, the foot bears weight; `glide` the feet may slide (bourrée couru).
    """

    quats: np.ndarray
    offset: np.ndarray
    height: float
    ball: np.ndarray
    pitch: np.ndarray
    planted: np.ndarray
    glide: bool
    jump: str

    def mirrored(self) -> BodyKey:
        """The same key danced on the other side (left working foot)."""
        return replace(
            self,
            quats=limbs.mirror_quats(self.quats[SWAP]),
            offset=self.offset * np.array([-1.0, 1.0]),
            ball=self.ball[::-1] * np.array([-1.0, 1.0]),
            pitch=self.pitch[::-1].copy(),
            planted=self.planted[::-1].copy(),
        )


def _releve_pitch(pos: Positions, releve: str) -> float:
    return {
        "flat": 0.0,
        "demi": pos.body.demi_pointe,
        "pointe": pos.body.pointe,
        "pointed": pos.body.pointed_foot,
    }[releve]


def _put_leg(quats: np.ndarray, side: str, left_quats: np.ndarray) -> None:
    q = left_quats.reshape(-1, 4)
    if side == "Right":
        q = limbs.mirror_quats(q)
    quats[LEG[side]] = q


def resolve_key(key: KeyPose, pos: Positions) -> BodyKey:
    """Turn one key pose (right working foot) into rotations, foot placements and hip height."""
    body = pos.body
    quats = np.tile(np.array([0.0, 0.0, 0.0, 1.0]), (len(SK.names), 1))
    pelvis = limbs.rx(key.pelvis)
    quats[J["Hips"]] = pelvis.as_quat()[0]
    shoulders = pos.epaulement[key.epaulement]
    quats[J["Spine"]] = limbs.rx(0.5 * key.torso - key.pelvis).as_quat()[0]
    quats[J["Spine1"]] = (limbs.ry(shoulders) * limbs.rx(0.5 * key.torso)).as_quat()[0]
    head = pos.head[key.head]
    quats[J["Neck"]] = limbs.rx(0.4 * head.pitch).as_quat()[0]
    quats[J["Head"]] = (limbs.ry(-head.yaw) * limbs.rz(head.tilt) * limbs.rx(0.6 * head.pitch)).as_quat()[0]
    arms = pos.arms[key.arms]
    for side, arm_name in (("Right", arms.working), ("Left", arms.supporting)):
        a = pos.arm[arm_name]
        q = limbs.arm_pose(a.elevation, a.forward, a.elbow, a.wrist, a.twist).reshape(3, 4)
        quats[ARM[side]] = limbs.mirror_quats(q) if side == "Right" else q

    # Feet on the floor: ankles of the named position (the right foot works), then onto the toes.
    feet = pos.feet[key.feet]
    front_right = key.front == "working"
    ankle = np.zeros((2, 2))
    ankle[1, 0] = -feet.spread / 2  # right foot: spread to the right (-x), crossed to the left
    ankle[0, 0] = feet.spread / 2
    ankle[1, 1] = feet.depth / 2 if front_right else -feet.depth / 2
    ankle[0, 1] = -ankle[1, 1]
    on_floor = {
        "both": (True, True),
        "supporting": (True, False),
        "working": (False, True),
        "none": (False, False),
    }[key.support]
    planted = np.array(on_floor)
    pitch = np.full(2, _releve_pitch(pos, key.releve))
    ball = np.zeros((2, 2))
    lift = np.zeros(2)
    turn_sign = (1.0, -1.0)
    for i in range(2):
        flat_foot, _ = limbs.floor_foot(np.zeros(1), turn_sign[i] * body.turnout, np.zeros(1))
        ball_flat = ankle[i] + flat_foot.apply(limbs.BALL)[0, [0, 2]]
        foot, toe = limbs.floor_foot(np.zeros(1), turn_sign[i] * body.turnout, np.array([pitch[i]]))
        ball[i] = ball_flat
        ankle[i] = ball_flat - foot.apply(limbs.BALL)[0, [0, 2]]
        lift[i] = limbs.contact_lift(foot, toe)[0]

    support_idx = [i for i in range(2) if planted[i]]
    if len(support_idx) == 2 and pitch.min() >= 20:
        # on both feet on demi-pointe or pointe the hips stand over the middle of the ankles: both legs reach
        # their feet straight (over the balls, the front knee would have to bend)
        mid = [ankle[i] for i in support_idx]
        offset = np.mean(mid, axis=0)
    elif support_idx:
        mid = [(ball[i] + ankle[i]) / 2 if pitch[i] < 20 else ball[i] for i in support_idx]
        offset = np.mean(mid, axis=0)
    else:
        offset = np.zeros(2)

    # Hip height: every weight-bearing leg reaches its ankle with the knee bent as the plié says.
    knee = np.radians(min(key.plie, 2.0) * body.demi_plie_knee)
    reach = np.sqrt(limbs.THIGH**2 + limbs.SHIN**2 + 2 * limbs.THIGH * limbs.SHIN * np.cos(knee))
    heights = []
    for i in support_idx:
        hip = pelvis.apply(limbs.HIP_OFFSET * np.array([turn_sign[i], 1.0, 1.0]))[0]
        dxz = np.hypot(offset[0] + hip[0] - ankle[i, 0], offset[1] + hip[2] - ankle[i, 1])
        heights.append(lift[i] + np.sqrt(max(reach**2 - dxz**2, 0.01)) - hip[1])
    height = float(min(heights)) if heights else 1.1

    # Free legs take their gestures; legs on the floor are placed by IK when the whole motion is assembled.
    gestures = {1: key.gesture, 0: key.support_gesture}
    for i, side in enumerate(SIDES):
        if planted[i] and key.support != "none":
            continue
        name = gestures[i] if (i == 1 or key.support in ("working", "none")) else ""
        if not name:
            name = "pointed_under"
        g = pos.gesture[name]
        turnout = body.turnout if g.turnout is None else g.turnout
        _put_leg(quats, side, limbs.leg_gesture(g.elevation, g.direction, g.knee, g.foot, turnout, g.cross))
    # Legs on the floor reach their feet (IK in the key's own frame); gliding feet keep this between keys.
    for i, side in enumerate(SIDES):
        if not planted[i]:
            continue
        hip = np.array([offset[0], height, offset[1]]) + pelvis.apply(HIP[i])[0]
        foot, toe = limbs.floor_foot(np.zeros(1), turn_sign[i] * body.turnout, np.array([pitch[i]]))
        ankle_at = np.array([[ankle[i, 0], lift[i], ankle[i, 1]]])
        pole = limbs.ry(turn_sign[i] * body.turnout).apply([0.0, 0.15, 1.0])
        thigh, shin, _ = limbs.two_bone_ik(hip[None, :], ankle_at, pole)
        quats[LEG[side]] = np.concatenate(
            [(pelvis.inv() * thigh).as_quat(), (thigh.inv() * shin).as_quat(), (shin.inv() * foot).as_quat(),
             toe.as_quat()]
        )
    return BodyKey(
        quats=quats,
        offset=offset,
        height=height,
        ball=ball,
        pitch=pitch,
        planted=planted,
        glide=key.glide,
        jump=key.jump,
    )


def floor_rotation(yaw_deg: np.ndarray) -> Rotation:
    """Yaw about the vertical, (N,) degrees."""
    return limbs.ry(yaw_deg)
