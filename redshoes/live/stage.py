"""The online stage protocol (after madmom's online processors): blocks in, causal results out, `reset()`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, TypeVar

import numpy as np

In = TypeVar("In", contravariant=True)
Out = TypeVar("Out", covariant=True)


class OnlineStage(Protocol[In, Out]):
    """A stage that sees its input piece by piece, keeps what it must remember, and can start afresh."""

    def process(self, block: In) -> Out:
        """Take the next piece of input; return what is known now (never looking ahead of the input)."""
        ...

    def reset(self) -> None:
        """Forget everything heard so far, as if newly made."""
        ...


@dataclass(frozen=True, eq=False)
class AudioBlock:
    """A block of audio as it arrives: samples (n,) or (n, channels), any dtype, at `sample_rate` Hz."""

    samples: np.ndarray
    sample_rate: int
