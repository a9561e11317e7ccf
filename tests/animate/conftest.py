"""Small hand-made choreographies for the animate tests."""

from __future__ import annotations

import pytest

from redshoes.ballet.vocabulary import load_vocabulary
from redshoes.compose.choreography import Choreography, Stage, StagePoint, Step


def make_choreography(names: list[str], *, beat: float = 0.5, foot: str = "right") -> Choreography:
    """Steps one after the other on a counted beat of `beat` seconds, travelling as the vocabulary says."""
    vocab = load_vocabulary()
    steps = []
    t = x = z = 0.0
    for name in names:
        d = vocab.get(name)
        counts = d.counts[0]
        dur = counts * beat
        side = -1.0 if foot == "right" else 1.0  # "side" travels toward the working foot
        dx = d.travel * side if d.travel_direction == "side" else 0.0
        dz = d.travel if d.travel_direction == "forward" else 0.0
        steps.append(
            Step(
                name=name,
                start=t,
                end=t + dur,
                bar=1,
                count=1,
                counts=counts,
                count_times=tuple(t + k * beat for k in range(counts)),
                foot=foot,
                start_at=StagePoint(x, z),
                end_at=StagePoint(x + dx, z + dz),
                facing=0.0,
                end_facing=0.0,
                direction="none",
                accent=t + d.accent * dur,
            )
        )
        t, x, z = t + dur, x + dx, z + dz
        if d.working_foot_after == "other":
            foot = "left" if foot == "right" else "right"
    return Choreography(music="test", duration=t, seed=0, level="advanced", stage=Stage(), steps=tuple(steps))


@pytest.fixture
def choreography_of():
    return make_choreography
