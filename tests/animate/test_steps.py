"""Each step does what its definition says, measured on the animated body."""

import math

import numpy as np
import pytest

from redshoes.animate import animate, animate_with_contacts
from redshoes.ballet.vocabulary import load_vocabulary

from .measures import frame, hips_yaw, joint, knee_flexion, lowest


def airborne(motion):
    return (lowest(motion, "Left") > 0.01) & (lowest(motion, "Right") > 0.01)


def test_changement_lands_with_the_other_foot_in_front(choreography_of):
    c = choreography_of(["préparation", "changement"])
    m = animate(c)
    before, after = frame(m, c.steps[1].start), m.frames - 1
    right, left = joint(m, "RightFoot"), joint(m, "LeftFoot")
    assert right[before, 2] > left[before, 2] + 0.05  # the working (right) foot in front
    assert left[after, 2] > right[after, 2] + 0.05  # lands with the left in front
    assert airborne(m)[frame(m, c.steps[1].start) :].any()


def test_a_jump_lands_on_the_count_and_its_air_time_fits_its_height(choreography_of):
    c = choreography_of(["préparation", "changement", "changement"], beat=0.6)
    m = animate(c)
    air = airborne(m)
    edges = np.flatnonzero(np.diff(air.astype(int)))
    takeoff, landing = edges[0] + 1, edges[1] + 1
    assert abs(landing / m.fps - c.steps[1].end) < 0.05  # the landing is on the count
    y = m.root_positions[:, 1]
    rise = y[takeoff:landing].max() - 0.5 * (y[takeoff] + y[landing - 1])  # above where the toes leave the floor
    expected = 2 * math.sqrt(2 * rise / 9.81)
    assert rise > 0.05
    assert abs((landing - takeoff) / m.fps - expected) < 2.5 / m.fps


def test_a_landing_sinks_into_demi_plie(choreography_of):
    c = choreography_of(["préparation", "changement", "préparation"])
    m = animate(c)
    land = frame(m, c.steps[1].end)
    after = slice(land, land + int(0.3 * m.fps))
    assert knee_flexion(m, "Left")[after].max() > 35 and knee_flexion(m, "Right")[after].max() > 35


def test_assemble_lands_on_both_feet_at_once_in_fifth(choreography_of):
    c = choreography_of(["préparation", "assemblé", "préparation"])
    m = animate(c)
    start = frame(m, c.steps[1].start)
    down_l = start + np.flatnonzero(lowest(m, "Left")[start:] < 0.003)
    down_r = start + np.flatnonzero(lowest(m, "Right")[start:] < 0.003)
    air = start + np.flatnonzero(airborne(m)[start:])
    land_l, land_r = down_l[down_l > air[-1]][0], down_r[down_r > air[-1]][0]
    assert abs(land_l - land_r) <= 1
    end = frame(m, c.steps[2].start + 0.3)
    right, left = joint(m, "RightFoot")[end], joint(m, "LeftFoot")[end]
    assert right[0] > left[0]  # ankles crossed: the right ankle on the left side, as in fifth
    assert abs(right[2] - left[2]) < 0.15


def test_echappe_opens_to_second_then_closes(choreography_of):
    c = choreography_of(["préparation", "échappé sauté"])
    m = animate(c)
    s = c.steps[1]
    mid = frame(m, s.start + 0.5 * (s.end - s.start))
    gap = np.abs(joint(m, "RightFoot")[:, 0] - joint(m, "LeftFoot")[:, 0])
    assert gap[mid] > 0.25
    assert gap[-1] < 0.2
    assert joint(m, "LeftFoot")[-1, 2] > joint(m, "RightFoot")[-1, 2]  # closes with the other foot in front


@pytest.mark.parametrize("foot, sign", [("right", -1.0), ("left", 1.0)])
def test_pirouette_turns_once_on_the_supporting_leg_and_ends_facing_front(choreography_of, foot, sign):
    c = choreography_of(["préparation", "pirouette en dehors"], beat=0.6, foot=foot)
    anim = animate_with_contacts(c)
    m = anim.motion
    s = c.steps[1]
    yaw = hips_yaw(m)
    assert abs(yaw[-1] - yaw[frame(m, s.start)] - sign * 360.0) < 3.0
    assert abs(((yaw[-1] + 180) % 360) - 180) < 3.0
    support = "Left" if foot == "right" else "Right"
    col = 0 if support == "Left" else 1
    turning = np.flatnonzero(np.abs(np.diff(yaw)) > 0.5)
    assert anim.planted[turning, col].all()
    ball = joint(m, support + "ToeBase")[turning]
    assert np.ptp(ball[:, 0]) < 0.01 and np.ptp(ball[:, 2]) < 0.01  # the supporting foot does not wander
    heel_up = joint(m, support + "Foot")[turning, 1]
    assert heel_up.min() > 0.12  # on demi-pointe
    assert knee_flexion(m, support)[turning].max() < 5.0


def test_arabesque_leg_behind_and_supporting_knee_straight(choreography_of):
    c = choreography_of(["préparation", "arabesque"], beat=0.6)
    m = animate(c)
    s = c.steps[1]
    f = frame(m, s.start + 0.6 * (s.end - s.start))
    hips = m.root_positions[f]
    # the standing leg is the right one; the left is lifted behind (the audience is at +z)
    assert joint(m, "LeftFoot")[f, 2] < hips[2] - 0.6
    assert joint(m, "LeftFoot")[f, 1] > 0.75
    assert knee_flexion(m, "Right")[f] < 5.0
    assert knee_flexion(m, "Left")[f] < 5.0  # and the working knee stretched
    assert lowest(m, "Right")[f] < 0.005


def test_bourree_couru_travels_on_pointe(choreography_of):
    c = choreography_of(["préparation", "bourrée couru"])
    m = animate(c)
    s = c.steps[1]
    mid = frame(m, s.start + 0.5 * (s.end - s.start))
    assert joint(m, "LeftFoot")[mid, 1] > 0.17 and joint(m, "RightFoot")[mid, 1] > 0.17
    assert (
        abs(m.root_positions[-1, 0] - m.root_positions[frame(m, s.start), 0] - (s.end_at.x - s.start_at.x))
        < 0.1
    )


@pytest.mark.parametrize("link", ["glissade", "pas de bourrée"])
@pytest.mark.parametrize("foot", ["right", "left"])
@pytest.mark.parametrize("beat", [0.35, 0.5])
def test_chaines_rise_and_come_down_in_place(choreography_of, link, foot, beat):
    """Her feet rise onto pointe where the link left them and come down where the turns end: no foot slides
    along the floor while it is low (it once skated 8-13 % of the frames of chaînés, at the rise and the end)."""
    from redshoes.export import metrics

    c = choreography_of(["préparation", link, "chaînés", link], beat=beat, foot=foot)
    m = animate(c)
    s = c.steps[2]
    window = m.positions()[frame(m, s.start) - 3 : frame(m, s.end) + 3]
    body = metrics.body_from_names(m.skeleton.names, clearances=(0.08, 0.02))
    assert metrics.foot_skating_ratio(window, m.fps, body) == 0.0


def test_every_step_animates_on_either_foot(choreography_of):
    for name in load_vocabulary().names:
        for foot in ("right", "left"):
            m = animate(choreography_of(["préparation", name], foot=foot), fps=30.0)
            assert np.isfinite(m.root_positions).all() and np.isfinite(m.rotations).all()
            assert lowest(m, "Left").min() > -0.005 and lowest(m, "Right").min() > -0.005
