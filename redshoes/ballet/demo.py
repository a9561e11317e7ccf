"""A step shown on its own, as a teacher demonstrates it: a small choreography at the step's own tempo.

Used by the contact sheets, the per-step tests and the benchmark, so that all three look at the same thing.
Stage conventions as in `redshoes.compose.choreography` (metres, x to stage left, z to the audience, facing
yaw in degrees, 0 = the audience, +90 = stage left).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from redshoes.ballet.vocabulary import StepDef, load_vocabulary
from redshoes.compose.choreography import Choreography, Stage, StagePoint, Step
from redshoes.compose.stagecraft import heading


def tempo_of(step: StepDef) -> float:
    """The counted beats a minute a step is shown at: the middle of its tempo range (geometric)."""
    return math.sqrt(step.tempo[0] * step.tempo[1])


def _wrap(deg: float) -> float:
    return (deg + 180.0) % 360.0 - 180.0


def travel_vector(step: StepDef, facing: float, foot: str) -> tuple[float, float]:
    """Where the step takes the dancer (dx, dz), metres: forward, back, or sideways toward the working foot."""
    ux, uz = heading(step, facing, foot)
    return step.travel * ux, step.travel * uz


def _facing(defs: Sequence[StepDef], foot: str, previous: float | None) -> float:
    """A step's own direction; a pose with none (préparation, port de bras) stays where the dancer faces, or
    at the start faces where the next step will."""
    if defs[0].direction or defs[0].family != "pose":
        return defs[0].facing_for(foot)
    if previous is not None:
        return previous
    for d in defs[1:]:
        if d.direction:
            return d.facing_for(foot)
        if d.family != "pose":
            break
    return 0.0


def demonstration(
    names: Sequence[str],
    *,
    foot: str = "right",
    beat: float | None = None,
    facing: float | None = None,
    counts: int | None = None,
) -> Choreography:
    """The steps one after the other on counted beats of `beat` s (default: the first step's own tempo).

    Each step faces the direction its definition asks for (croisé, effacé, écarté…) unless `facing` says
    otherwise; the feet change as the steps say (`working_foot_after`).
    """
    vocab = load_vocabulary()
    defs = [vocab.get(n) for n in names]
    if beat is None:
        beat = 60.0 / tempo_of(defs[-1] if len(defs) > 1 and defs[0].family == "pose" else defs[0])
    steps: list[Step] = []
    t = x = z = 0.0
    for k, d in enumerate(defs):
        n = counts if counts is not None and counts in d.counts else d.counts[0]
        dur = n * beat
        previous = steps[-1].end_facing if steps else None
        face = _facing(defs[k:], foot, previous) if facing is None else facing
        dx, dz = travel_vector(d, face, foot)
        steps.append(
            Step(
                name=d.name,
                start=t,
                end=t + dur,
                bar=1 + len(steps),
                count=1,
                counts=n,
                count_times=tuple(t + k * beat for k in range(n)),
                foot=foot,
                start_at=StagePoint(x, z),
                end_at=StagePoint(x + dx, z + dz),
                facing=face,
                end_facing=_wrap(face + 360.0 * d.turn),
                direction=d.direction or "en face",
                accent=t + d.accent * dur,
            )
        )
        t, x, z = t + dur, x + dx, z + dz
        if d.working_foot_after == "other":
            foot = "left" if foot == "right" else "right"
    return Choreography(
        music="demonstration", duration=t, seed=0, level="professional", stage=Stage(), steps=tuple(steps)
    )
