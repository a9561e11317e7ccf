"""Where a step takes the dancer on the stage and how her body is placed toward the audience.

Stage coordinates as in `choreography.py`: metres, x toward stage left, z toward the audience; facing is a
yaw in degrees, 0 = facing the audience (+z), +90 = facing stage left (+x). Directions of the body use the
Vaganova names.
"""

from __future__ import annotations

import math

from redshoes.ballet.vocabulary import StepDef
from redshoes.compose.choreography import Stage

MARGIN = 0.5
FACINGS = (0.0, 45.0, -45.0, 90.0, -90.0, 135.0, -135.0)


def bounds(stage: Stage) -> tuple[float, float]:
    """Half-width and half-depth the dancer may use, keeping `MARGIN` metres from every edge."""
    return stage.width / 2 - MARGIN, stage.depth / 2 - MARGIN


def on_stage(x: float, z: float, stage: Stage, tolerance: float = 1e-6) -> bool:
    """Whether a point lies inside the usable stage."""
    hx, hz = bounds(stage)
    return abs(x) <= hx + tolerance and abs(z) <= hz + tolerance


def heading(step: StepDef, facing: float, foot: str) -> tuple[float, float]:
    """Unit vector (x, z) of the step's travel: forward, back, or sideways toward the working foot."""
    yaw = math.radians(facing)
    fx, fz = math.sin(yaw), math.cos(yaw)
    lx, lz = math.cos(yaw), -math.sin(yaw)  # the dancer's left
    direction = step.travel_direction
    if direction in ("forward", "any"):
        return fx, fz
    if direction == "back":
        return -fx, -fz
    if direction == "side":
        return (lx, lz) if foot == "left" else (-lx, -lz)
    return 0.0, 0.0


def travel_end(step: StepDef, facing: float, foot: str, x: float, z: float) -> tuple[float, float]:
    """Where the step ends when started at (x, z)."""
    hx, hz = heading(step, facing, foot)
    return x + step.travel * hx, z + step.travel * hz


def wrap(angle: float) -> float:
    """An angle in degrees brought into (-180, 180]."""
    a = math.fmod(angle, 360.0)
    if a <= -180.0:
        a += 360.0
    elif a > 180.0:
        a -= 360.0
    return a


def end_facing(step: StepDef, facing: float) -> float:
    """Facing after the step's turn (whole turns come back to the same facing)."""
    return wrap(facing + 360.0 * step.turn)


def body_direction(step: StepDef, facing: float, foot: str) -> str:
    """The direction of the body by name: en face, croisé/effacé/écarté devant or derrière, de profil, de dos.

    Facing a downstage corner, the pose is croisé when the working leg is the one nearer the audience
    (right leg when facing +45°, stage left's corner), effacé otherwise; side travel on a diagonal is écarté.
    """
    f = wrap(facing)
    if abs(f) < 22.5:
        return "en face"
    if abs(f) > 157.5:
        return "de dos"
    if 67.5 <= abs(f) <= 112.5:
        return "de profil"
    side = "devant" if abs(f) < 90 else "derrière"
    if step.travel_direction == "side" and step.travel > 0:
        return f"écarté {side}"
    if step.travel_direction == "back":
        side = "derrière"
    downstage_leg = "right" if f > 0 else "left"
    if abs(f) > 90:
        downstage_leg = "left" if f > 0 else "right"
    return f"croisé {side}" if foot == downstage_leg else f"effacé {side}"


def facing_cost(facing: float) -> float:
    """How much a facing turns the dancer away from the audience: 0 for en face and the front diagonals."""
    f = abs(wrap(facing))
    if f <= 45.0:
        return 0.0
    if f <= 90.0:
        return 0.6
    return 1.5
