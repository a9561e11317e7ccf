"""Stage geometry and the names of the body's directions, on known answers."""

from __future__ import annotations

import pytest

from redshoes.ballet.vocabulary import load_vocabulary
from redshoes.compose.choreography import Stage
from redshoes.compose.stagecraft import body_direction, heading, on_stage, travel_end, wrap

VOCAB = load_vocabulary()


def test_forward_heading_follows_the_facing() -> None:
    jete = VOCAB.get("grand jeté")  # travels forward
    assert heading(jete, 0.0, "right") == pytest.approx((0.0, 1.0))  # toward the audience
    assert heading(jete, 90.0, "right") == pytest.approx((1.0, 0.0))  # toward stage left


def test_side_travel_goes_toward_the_working_foot() -> None:
    glissade = VOCAB.get("glissade")
    # facing the audience, the dancer's right is stage right (-x)
    assert travel_end(glissade, 0.0, "right", 0.0, 0.0) == pytest.approx((-glissade.travel, 0.0))
    assert travel_end(glissade, 0.0, "left", 0.0, 0.0) == pytest.approx((glissade.travel, 0.0))


def test_stage_margin_is_half_a_metre() -> None:
    stage = Stage(width=10.0, depth=8.0)
    assert on_stage(4.5, 3.5, stage)
    assert not on_stage(4.6, 0.0, stage)
    assert not on_stage(0.0, -3.6, stage)


def test_croise_and_effacé_depend_on_the_leg_nearer_the_audience() -> None:
    arabesque = VOCAB.get("arabesque")  # travels forward
    # facing the downstage-left corner (+45°), the right leg is the downstage one
    assert body_direction(arabesque, 45.0, "right") == "croisé devant"
    assert body_direction(arabesque, 45.0, "left") == "effacé devant"
    assert body_direction(arabesque, -45.0, "left") == "croisé devant"
    assert body_direction(arabesque, 0.0, "left") == "en face"
    assert body_direction(arabesque, 90.0, "left") == "de profil"


def test_side_travel_on_a_diagonal_is_ecarte() -> None:
    assert body_direction(VOCAB.get("glissade"), -45.0, "right") == "écarté devant"


def test_wrap_angles() -> None:
    assert wrap(370.0) == pytest.approx(10.0)
    assert wrap(-190.0) == pytest.approx(170.0)
    assert wrap(180.0) == pytest.approx(180.0)
