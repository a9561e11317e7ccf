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
