"""The feet show what a ballerina's feet show: flat, demi-pointe, full pointe, pointed, and flexed."""

import numpy as np
from scipy.spatial.transform import Rotation

from redshoes.animate import limbs
from redshoes.ballet.positions import load_positions
from redshoes.ballet.skeleton import END_SITES, ballerina


def _toe_tip_and_heel(gesture_name: str) -> tuple[np.ndarray, np.ndarray]:
    """Toe tip and ankle of a free left leg in a gesture, in the hip's frame (metres)."""
    g = load_positions().gesture[gesture_name]
    q = limbs.leg_gesture(g.elevation, g.direction, g.knee, g.foot, 0.0, g.cross).reshape(4, 4)
    sk = ballerina()
    chain = [sk.index(n) for n in ("LeftLeg", "LeftFoot", "LeftToeBase")]
    rot = Rotation.from_quat(q[0])
    pos = np.zeros(3)
    for k, j in enumerate(chain):
        pos = pos + rot.apply(sk.offsets[j])
        if k == 1:
            ankle = pos.copy()
        rot = rot * Rotation.from_quat(q[k + 1])
    tip = pos + rot.apply(END_SITES["LeftToeBase"])
    return tip, ankle


def test_a_pointed_foot_continues_the_line_of_the_leg_and_a_flexed_one_pulls_the_toes_up() -> None:
    pointed_tip, pointed_ankle = _toe_tip_and_heel("degage_devant")
    flexed_tip, flexed_ankle = _toe_tip_and_heel("degage_devant_flex")
    assert np.allclose(pointed_ankle, flexed_ankle)  # only the foot differs
    assert pointed_tip[1] < pointed_ankle[1] - 0.1  # pointed: the toes reach down and away, past the ankle
    assert flexed_tip[1] > flexed_ankle[1] - 0.02  # flexed: the toes come up to the ankle's height or above
    assert flexed_tip[1] > pointed_tip[1] + 0.1
