import numpy as np

from redshoes.ballet.skeleton import END_SITES, ballerina


def test_ballerina_is_165_cm_tall_with_humanoid_names():
    sk = ballerina()
    head = sk.index("Head")
    top = sum(sk.offsets[j][1] for j in (0, 1, 2, 3, head)) + END_SITES["Head"][1]
    assert abs(top - 1.65) < 0.01
    assert len(sk) == 21
    for name in ("Hips", "LeftUpLeg", "RightFoot", "LeftToeBase", "RightHand", "Head"):
        assert name in sk.names


def test_soles_touch_the_floor_in_the_rest_pose():
    sk = ballerina()
    ankle = sum(sk.offsets[sk.index(n)][1] for n in ("Hips", "LeftUpLeg", "LeftLeg", "LeftFoot"))
    ball = ankle + sk.offsets[sk.index("LeftToeBase")][1]
    assert abs(ankle - 0.08) < 1e-9 and ball > 0.0
    assert np.all(sk.parents[1:] < np.arange(1, len(sk)))
