"""What holds for every motion: the floor, planted feet, bones, knees, quaternions, determinism."""

import numpy as np
import pytest

from redshoes.animate import animate_with_contacts
from redshoes.animate.motion import Motion
from redshoes.ballet.vocabulary import load_vocabulary
from redshoes.compose.choreography import Choreography, Stage
from redshoes.errors import InputError

from .measures import foot_points, knee_flexion, lowest


@pytest.fixture(scope="module")
def ballet():
    from .conftest import make_choreography

    names = list(load_vocabulary().names)
    return animate_with_contacts(make_choreography(names + names[::-1], beat=0.5))


def test_feet_never_go_through_the_floor(ballet):
    m: Motion = ballet.motion
    assert lowest(m, "Left").min() > -0.005 and lowest(m, "Right").min() > -0.005


def test_planted_flat_feet_do_not_slide(ballet):
    m: Motion = ballet.motion
    for col, side in enumerate(("Left", "Right")):
        pts = foot_points(m, side)
        flat = ballet.planted[:, col] & (pts[:, 0, 1] < 0.005) & (pts[:, 1, 1] < 0.005)
        ball = pts[:, 1, [0, 2]]
        start = None
        for f in range(m.frames):
            if not flat[f]:
                start = None
                continue
            start = ball[f] if start is None else start
            assert np.linalg.norm(ball[f] - start) < 0.01, (side, f / m.fps)
        assert flat.sum() > m.fps  # she does stand on her feet


def test_bone_lengths_never_change(ballet):
    m: Motion = ballet.motion
    pos = m.positions()
    sk = m.skeleton
    for j in range(1, len(sk)):
        length = np.linalg.norm(pos[:, j] - pos[:, sk.parents[j]], axis=1)
        assert np.allclose(length, np.linalg.norm(sk.offsets[j]), atol=1e-9)


def test_knees_never_bend_backwards(ballet):
    m: Motion = ballet.motion
    for side in ("Left", "Right"):
        assert knee_flexion(m, side).min() > -5.0


def test_no_quaternion_sign_flips_between_frames(ballet):
    q = ballet.motion.rotations
    assert (np.sum(q[1:] * q[:-1], axis=-1) > 0).all()
    assert np.allclose(np.linalg.norm(q, axis=-1), 1.0, atol=1e-9)


def test_arms_move(ballet):
    m: Motion = ballet.motion
    hand = m.positions()[:, m.skeleton.index("RightHand")] - m.root_positions
    assert np.ptp(hand[:, 1]) > 0.5


def test_the_motion_is_deterministic(choreography_of):
    c = choreography_of(["préparation", "changement", "pirouette en dehors", "grand jeté"])
    a, b = animate_with_contacts(c).motion, animate_with_contacts(c).motion
    assert a.rotations.tobytes() == b.rotations.tobytes()
    assert a.root_positions.tobytes() == b.root_positions.tobytes()


def test_it_covers_the_whole_music_at_the_asked_frame_rate(choreography_of):
    c = choreography_of(["préparation", "glissade", "révérence"])
    m = animate_with_contacts(c, fps=30.0).motion
    assert m.fps == 30.0 and m.frames == round(c.duration * 30.0)


def test_an_empty_choreography_is_refused():
    with pytest.raises(InputError, match="no steps"):
        animate_with_contacts(
            Choreography(music="x", duration=1.0, seed=0, level="beginner", stage=Stage(), steps=())
        )


def test_knees_stay_within_what_a_body_can_do(ballet):
    from redshoes.export.metrics import joint_limit_violations

    m: Motion = ballet.motion
    assert joint_limit_violations(m.rotations, m.skeleton.names) == 0.0


def test_joints_turn_no_faster_than_a_dancer_can(ballet):
    from redshoes.export.metrics import joint_speeds

    m: Motion = ballet.motion
    speed = joint_speeds(m.rotations, m.fps)  # deg/s, every joint but the root's turn
    assert np.percentile(speed.max(axis=1), 99) < 1500.0
    for col, side in enumerate(("Left", "Right")):
        knee = speed[:, m.skeleton.index(side + "Leg") - 1]
        free = ~(ballet.planted[1:, col] | ballet.planted[:-1, col])
        assert knee[free].max() < 1500.0  # a free knee never snaps


def test_no_foot_pops_in_one_frame(ballet):
    """Near the floor, no foot point jumps in one frame much further than it moves in the frames either side (a
    foot handing its weight to a new place in a short step, or a leg leaving the floor, once jumped 20-45 cm)."""
    m: Motion = ballet.motion
    pos = m.positions()
    for side in ("Left", "Right"):
        for name, rest in ((side + "Foot", 0.08), (side + "ToeBase", 0.02)):
            p = pos[:, m.skeleton.index(name)]
            step = np.linalg.norm(np.diff(p, axis=0), axis=1)  # m a frame at 60 fps
            around = np.maximum(np.concatenate([[0.0], step[:-1]]), np.concatenate([step[1:], [0.0]]))
            low = np.minimum(p[1:, 1], p[:-1, 1]) - rest < 0.12
            excess = np.where(low, step - around, 0.0)
            f = int(np.argmax(excess))
            assert excess[f] < 0.12, (name, f / m.fps, step[max(f - 2, 0) : f + 3])


def test_travelling_feet_leave_the_floor_rather_than_slide(ballet):
    from redshoes.export import metrics

    m: Motion = ballet.motion
    body = metrics.body_from_names(m.skeleton.names, clearances=(0.08, 0.02))
    assert metrics.foot_skating_ratio(m.positions(), m.fps, body) < 0.045  # 0.25 before swing arcs, 0.050 before
    # feet that rise before they travel (and flat feet that neither spin nor roll off the floor in a moment)


@pytest.mark.parametrize("beat", [0.4, 0.6])
@pytest.mark.parametrize("index, name", [(1, "changement"), (3, "assemblé")])
def test_a_jump_lands_on_its_count_to_the_frame(choreography_of, beat, index, name):
    c = choreography_of(["préparation", "changement", "sissonne fermée", "assemblé", "préparation"], beat=beat)
    m = animate_with_contacts(c).motion
    step = c.steps[index]
    assert step.name == name
    air = (lowest(m, "Left") > 0.01) & (lowest(m, "Right") > 0.01)
    a, b = int(step.start * m.fps), int(step.end * m.fps) + 3
    landing = a + int(np.flatnonzero(air[a:b])[-1]) + 1
    assert landing == int(np.ceil(step.accent * m.fps - 1e-6))


def test_a_turn_finishes_on_its_count(choreography_of):
    from .measures import hips_yaw

    c = choreography_of(["préparation", "pirouette en dehors", "préparation"], beat=0.5)
    m = animate_with_contacts(c).motion
    yaw = hips_yaw(m)
    end = int(round(c.steps[1].end * m.fps))
    assert abs(yaw[end] - yaw[-1]) < 1.0
    assert abs(yaw[end - int(0.3 * m.fps)] - yaw[-1]) > 20.0  # still turning 0.3 s before


def test_the_arms_breathe_through_a_held_position(choreography_of):
    c = choreography_of(["préparation"], beat=1.5)
    m = animate_with_contacts(c).motion
    hand = m.positions()[:, m.skeleton.index("LeftHand")]
    moving = np.linalg.norm(np.diff(hand, axis=0), axis=1) * m.fps > 0.005  # 5 mm/s
    assert moving.mean() > 0.95
