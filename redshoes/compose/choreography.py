"""The choreography: timed, named steps on a stage path. Output of `compose`, the user's editable source of truth.

Stage coordinates are metres, origin at centre stage, x toward stage left (the dancer's left when she faces
the audience), z toward the audience. Facing is a yaw in degrees about the vertical: 0 faces the audience,
+90 faces stage left.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FORMAT = "redshoes.choreography/1"


@dataclass(frozen=True)
class StagePoint:
    """A point on the stage floor, metres."""

    x: float
    z: float


@dataclass(frozen=True)
class Stage:
    """The stage floor: width along x, depth along z, metres."""

    width: float = 10.0
    depth: float = 8.0

    @classmethod
    def parse(cls, text: str) -> Stage:
        """A stage from "WxD" in metres, as users type it ("10x8"); a clear error otherwise."""
        from redshoes.errors import OptionError

        try:
            width, depth = (float(v) for v in text.lower().split("x"))
        except ValueError:
            raise OptionError(f"--stage {text!r}: give width x depth in metres, e.g. --stage 10x8") from None
        if not (2.0 <= width <= 100.0 and 2.0 <= depth <= 100.0):
            raise OptionError(f"--stage {text!r}: each side must be between 2 and 100 metres")
        return cls(width=width, depth=depth)


@dataclass(frozen=True)
class Step:
    """One step of the vocabulary, placed in time (seconds) and on the stage."""

    name: str
    start: float
    end: float
    bar: int
    count: int
    counts: int
    count_times: tuple[float, ...]
    foot: str
    start_at: StagePoint
    end_at: StagePoint
    facing: float
    end_facing: float
    direction: str
    accent: float
    locked: bool = False


@dataclass(frozen=True)
class Choreography:
    """A whole ballet: the steps in order, covering the music without gaps."""

    music: str
    duration: float
    seed: int
    level: str
    stage: Stage
    steps: tuple[Step, ...]
    format: str = FORMAT
    notes: tuple[str, ...] = field(default_factory=tuple)
