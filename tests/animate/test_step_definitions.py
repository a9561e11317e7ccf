"""The standard definitions of particular steps, checked on the animated body (right foot working)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from .measures import hips_yaw, joint, knee_flexion, lowest
from .test_vocabulary_steps import STEPS, airborne, each, end_frame, shown


def in_her_frame(m, name: str) -> np.ndarray:
    """A joint's position relative to the hips, in the dancer's own frame (x to her left, y up, z forward)."""
    yaw = np.radians(hips_yaw(m))
    p = joint(m, name) - m.root_positions
    x = p[:, 0] * np.cos(yaw) - p[:, 2] * np.sin(yaw)
    z = p[:, 0] * np.sin(yaw) + p[:, 2] * np.cos(yaw)
    return np.stack([x, p[:, 1], z], axis=1)


def key_frame(name: str, at: float) -> int:
    anim, keys = shown(name)
    key = min(keys, key=lambda k: abs(k.pose.at - at))
    return int(round(key.time * anim.motion.fps))


def toe_tip(m, side: str) -> np.ndarray:
    return joint(m, side + "ToeBase")


PIROUETTES = [s.name for s in STEPS if s.family == "turn" and any(p.gesture == "retire" for p in s.poses)]


@pytest.mark.parametrize("name", each("turn", PIROUETTES))
def test_a_pirouette_turns_with_the_working_foot_at_retire_until_the_close(name):
    anim, keys = shown(name)
    m = anim.motion
    last_spot = max((k for k in keys if k.pose.spot), key=lambda k: k.time)
    f = int(round(last_spot.time * m.fps))
    toe, knee = toe_tip(m, "Right")[f], joint(m, "LeftLeg")[f]
    assert abs(toe[1] - knee[1]) < 0.12  # the toe at the height of the supporting knee
    assert np.hypot(*(toe - knee)[[0, 2]]) < 0.2  # and against it
    assert knee_flexion(m, "Left")[f - 3 : f + 1].min() < 7.0  # on a straight supporting leg
    yaw = hips_yaw(m)
    turns = (yaw[end_frame(name)] - yaw[0]) / 360.0
    assert abs(turns - round(turns)) < 0.01 and round(turns) != 0  # whole turns: she ends facing where she began


@pytest.mark.parametrize("name", ["arabesque", "deuxième arabesque", "troisième arabesque", "penché"])
def test_an_arabesque_has_the_working_leg_extended_behind_on_a_straight_supporting_leg(name):
    anim, keys = shown(name)
    m = anim.motion
    d = next(s for s in STEPS if s.name == name)
    raised_leg = {"working": "support_gesture", "supporting": "gesture"}
    held = [
        k for k in keys
        if k.pose.support in raised_leg and getattr(k.pose, raised_leg[k.pose.support]) in ("arabesque_90", "penche")
    ]
    assert held, name
    for k in held:
        f = int(round(k.time * m.fps))
        raised, standing = ("Left", "Right") if k.pose.support == "working" else ("Right", "Left")
        ankle = in_her_frame(m, raised + "Foot")[f]
        assert ankle[2] < -0.45, (name, k.pose.at, ankle)  # behind her
        assert joint(m, raised + "Foot")[f, 1] > 0.7  # lifted high
        assert knee_flexion(m, raised)[f] < 8.0  # the working knee stretched
        assert knee_flexion(m, standing)[f - 1 : f + 2].min() < 7.0  # the supporting knee straight
        assert lowest(m, standing)[f] < 0.01
    assert d.family == "adagio"


def test_fouette_whips_front_then_side_then_retire():
    name = "fouetté rond de jambe en tournant"
    m = shown(name)[0].motion
    front = in_her_frame(m, "RightFoot")[key_frame(name, 0.18)]
    side = in_her_frame(m, "RightFoot")[key_frame(name, 0.36)]
    f = key_frame(name, 0.48)
    assert front[2] > 0.35 and abs(front[0]) < 0.35  # devant
    assert side[0] < -0.45 and abs(side[2]) < 0.3  # à la seconde (her right is -x)
    toe, knee = toe_tip(m, "Right")[f], joint(m, "LeftLeg")[f]
    assert abs(toe[1] - knee[1]) < 0.12  # into retiré
    assert key_frame(name, 0.18) < key_frame(name, 0.36) < f


@pytest.mark.parametrize("name, crossings", [("entrechat quatre", 2), ("royale", 1)])
def test_a_beaten_jump_crosses_the_legs_in_the_air(name, crossings):
    m = shown(name)[0].motion
    air = np.flatnonzero(airborne(m))
    left, right = in_her_frame(m, "LeftFoot")[air], in_her_frame(m, "RightFoot")[air]
    crossed = right[:, 0] > left[:, 0] + 0.01  # the right ankle past the left one: the legs cross
    starts = np.flatnonzero(np.diff(crossed.astype(int)) == 1) + 1
    assert len(starts) >= crossings
    fronts = [np.sign(right[i, 2] - left[i, 2]) for i in starts]
    if crossings == 2:
        assert fronts[0] != fronts[1]  # beats with the right foot behind, then in front


def test_cabriole_beats_the_legs_together_at_the_top():
    name = "cabriole"
    m = shown(name)[0].motion
    air = np.flatnonzero(airborne(m))
    top = air[np.argmax(m.root_positions[air, 1])]
    near = slice(top - 6, top + 7)
    gap = np.linalg.norm(joint(m, "RightFoot")[near] - joint(m, "LeftFoot")[near], axis=1)
    assert gap.min() < 0.12  # the legs meet
    f = top - 6 + int(np.argmin(gap))
    assert joint(m, "RightFoot")[f, 1] > 0.35 and joint(m, "LeftFoot")[f, 1] > 0.35  # up in the air, raised
    assert in_her_frame(m, "RightFoot")[f, 2] > 0.2  # devant


def test_echappe_opens_from_closed_to_open_and_closes_again():
    for name, position_open in (("échappé sauté", 0.3), ("échappé sur les pointes", 0.3)):
        m = shown(name)[0].motion
        gap = np.abs(in_her_frame(m, "RightFoot")[:, 0] - in_her_frame(m, "LeftFoot")[:, 0])
        mid = key_frame(name, 0.6)
        assert gap[0] < 0.16 and gap[end_frame(name)] < 0.16  # fifth: closed
        assert gap[mid] > position_open - 0.05  # second: open
        assert math.isfinite(gap.sum())
