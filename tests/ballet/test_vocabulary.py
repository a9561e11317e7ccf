import pytest

from redshoes.ballet.positions import load_positions
from redshoes.ballet.vocabulary import KeyPose, _step, load_vocabulary

ALL_STEPS = (
    "préparation",
    "glissade",
    "pas de bourrée",
    "changement",
    "assemblé",
    "échappé sauté",
    "sissonne fermée",
    "balancé",
    "pas de valse",
    "pirouette en dehors",
    "soutenu en tournant",
    "chaînés",
    "développé devant",
    "arabesque",
    "grand jeté",
    "bourrée couru",
    "révérence",
)


def test_every_step_has_its_motion_as_key_poses_from_start_to_end():
    vocab = load_vocabulary()
    assert set(ALL_STEPS) <= set(vocab.names)
    for step in vocab.steps:
        assert step.poses, step.name
        assert all(isinstance(p, KeyPose) for p in step.poses)
        assert step.poses[0].at == 0.0 and step.poses[-1].at == 1.0


def test_jumps_have_a_flight_and_turns_a_spot():
    vocab = load_vocabulary()
    for step in vocab.steps:
        phases = [p.jump for p in step.poses]
        if step.jump >= 0.1:
            assert "takeoff" in phases and "landing" in phases, step.name
        if step.turn > 0:
            assert any(p.spot for p in step.poses), step.name
        if step.pointe:
            assert any(p.releve == "pointe" for p in step.poses), step.name


def test_positions_are_named_in_the_vaganova_school():
    pos = load_positions()
    assert {"first", "second", "fourth", "fifth"} <= set(pos.feet)
    assert {"bras_bas", "first", "second", "third", "first_arabesque"} <= set(pos.arms)
    assert {"retire", "arabesque_90", "developpe_devant_90", "tendu_devant", "coupe"} <= set(pos.gesture)
    assert pos.feet["fifth"].spread < 0 < pos.feet["second"].spread  # fifth crosses, second opens


def test_a_misspelt_position_in_a_pose_is_refused_with_the_step_named():
    entry = {
        "name": "x",
        "gloss": "",
        "family": "pose",
        "counts": [1],
        "accent": 1.0,
        "start_position": "fifth",
        "end_position": "fifth",
        "working_foot_after": "same",
        "travel": 0.0,
        "travel_direction": "none",
        "turn": 0.0,
        "jump": 0.0,
        "pointe": False,
        "level": "beginner",
        "tempo": [60, 120],
        "meters": ["4/4"],
        "quality": "legato",
        "pose": [{"at": 0.0}, {"at": 1.0, "arms": "fifth en haut"}],
    }
    with pytest.raises(ValueError, match="step x.*arms"):
        _step(entry)
