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
        if step.family == "turn":  # a promenade turns slowly, showing the pose, without spotting
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


def test_directions_of_the_body_face_the_corners_and_mirror_for_the_left_foot():
    vocab = load_vocabulary()
    croise = vocab.get("croisé devant")
    assert croise.facing_for("right") == 45.0 and croise.facing_for("left") == -45.0
    assert vocab.get("effacé devant").facing_for("right") == -45.0
    assert vocab.get("glissade").facing_for("right") == 0.0


def test_stepping_from_one_leg_onto_the_other_passes_through_both_feet():
    from redshoes.ballet.vocabulary import with_weight_transfers

    poses = (
        KeyPose(at=0.0),
        KeyPose(at=0.4, support="supporting", gesture="tendu_devant", travel=0.0),
        KeyPose(at=0.8, support="working", support_gesture="arabesque_90", travel=1.0),
        KeyPose(at=1.0),
    )
    out = with_weight_transfers(poses, "forward")
    assert len(out) == 5 and abs(out[2].at - 0.6) < 1e-9
    transfer = out[2]
    assert transfer.support == "both" and transfer.feet == "fourth" and transfer.front == "working"
    assert transfer.travel == 0.5
    jumped = (KeyPose(at=0.0), KeyPose(at=0.5, support="supporting", gesture="coupe", jump="landing"),
              KeyPose(at=0.7, support="working", support_gesture="coupe"), KeyPose(at=1.0))
    assert len(with_weight_transfers(jumped)) == 4  # a landing is not a step


def test_every_step_names_its_music_and_a_direction_a_teacher_knows():
    from redshoes.ballet.vocabulary import DIRECTIONS

    for step in load_vocabulary().steps:
        assert step.name == step.name.lower() and step.gloss, step.name
        assert 30 <= step.tempo[0] < step.tempo[1] <= 220, step.name
        assert step.meters and step.quality in ("legato", "staccato", "both"), step.name
        assert step.direction in DIRECTIONS and step.end_weight in ("both", "working", "supporting")
        assert step.working_foot_after in ("same", "other")
        assert 0.0 <= step.accent <= 1.0


def test_the_five_positions_of_the_feet_are_all_there():
    feet = load_positions().feet
    assert list(feet) == ["first", "second", "third", "fourth", "fifth"]
    assert feet["fifth"].spread < feet["third"].spread < 0 < feet["first"].spread < feet["second"].spread
