"""The timeline keeps planted feet where they are: what a foot on the floor does between two key poses."""

import numpy as np

from redshoes.animate.timeline import _keep_planted_feet, _place
from redshoes.ballet.vocabulary import KeyPose


def _pair(gap_s: float, first: KeyPose, second: KeyPose, turn_deg: float = 0.0):
    path = np.zeros(2)
    a = _place(0.0, first, False, path, 0.0, 0.0, 0)
    b = _place(gap_s, second, False, path, turn_deg, 0.0, 1)
    return list(_keep_planted_feet([a, b]))


def test_a_hurried_change_of_both_feet_keeps_one_foot_where_it_is():
    """Fourth closed to fifth with a re-facing in 0.15 s is too quick to brush both feet there: one foot keeps
    its place exactly and the other steps."""
    a, b = _pair(0.15, KeyPose(at=1.0, feet="fourth"), KeyPose(at=0.0, feet="fifth"), turn_deg=45.0)
    moved = np.linalg.norm(b.ball - a.ball, axis=1)
    assert moved.min() < 1e-9 and moved.max() > 0.1


def test_an_unhurried_change_of_both_feet_shares_the_way():
    """Given a whole second, both feet brush to their places, the path moving by the mean of their shifts."""
    a, b = _pair(1.0, KeyPose(at=1.0, feet="fourth"), KeyPose(at=0.0, feet="fifth"), turn_deg=45.0)
    moved = np.linalg.norm(b.ball - a.ball, axis=1)
    assert moved.min() > 0.03
    assert np.allclose(np.mean(b.ball - a.ball, axis=0), 0.0, atol=1e-9)


def test_rising_onto_pointe_to_glide_keeps_both_feet_where_they_are():
    """From fifth onto pointe in fifth (chaînés, bourrée couru begin so) the feet rise in place."""
    a, b = _pair(0.1, KeyPose(at=1.0, feet="fifth"), KeyPose(at=0.1, feet="fifth", releve="pointe", glide=True),
                 turn_deg=30.0)
    assert np.linalg.norm(b.ball - a.ball, axis=1).max() < 1e-9


def test_feet_gliding_in_place_do_not_give_back_the_paths_shift():
    """Kept planted, her feet shifted the path by 20 cm; a sous-sus (gliding in place on pointe) keeps them where
    they are instead of sliding them back to the stage plan."""
    fifth, sus = KeyPose(at=1.0, feet="fifth"), KeyPose(at=0.5, feet="fifth", releve="pointe", glide=True)
    a = _place(0.0, fifth, False, np.zeros(2), 0.0, 0.0, 0)
    b = _place(0.5, fifth, False, np.array([0.2, 0.0]), 0.0, 0.0, 1)
    c = _place(0.7, sus, False, np.array([0.2, 0.0]), 0.0, 0.0, 1)
    d = _place(0.9, sus, False, np.array([0.2, 0.0]), 0.0, 0.0, 1)
    kept = list(_keep_planted_feet([a, b, c, d]))
    assert np.allclose(kept[1].ball, a.ball) and np.allclose(kept[3].ball, kept[2].ball)
