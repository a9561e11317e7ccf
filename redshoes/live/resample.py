"""Streaming polyphase resampling to the analysis rate, seamless across blocks (no clicks at block joins)."""

from __future__ import annotations

from math import gcd

import numpy as np
from scipy.signal import resample_poly

CONTEXT = 2048  # input samples of overlap kept on each side of a block


class StreamResampler:
    """Resamples a stream block by block from `rate_in` to `rate_out`, holding back `CONTEXT` input samples."""

    def __init__(self, rate_in: int, rate_out: int) -> None:
        g = gcd(rate_in, rate_out)
        self.up, self.down = rate_out // g, rate_in // g
        self.context = self.down * -(-CONTEXT // self.down)
        self.pending = np.zeros(0, np.float32)
        self.started = False

    def push(self, block: np.ndarray) -> np.ndarray:
        """Take the next input block (n,); return the output samples that are final so far."""
        if self.up == self.down:
            return block.astype(np.float32, copy=False)
        buffer = np.concatenate([self.pending, block.astype(np.float32, copy=False)])
        lead = self.context if self.started else 0
        keep = (len(buffer) - lead - self.context) // self.down * self.down
        if keep <= 0:
            self.pending = buffer
            return np.zeros(0, np.float32)
        out = resample_poly(buffer[: lead + keep + self.context], self.up, self.down).astype(np.float32)
        first = lead * self.up // self.down
        final = out[first : first + keep * self.up // self.down]
        self.pending = buffer[lead + keep - self.context :]
        self.started = True
        return final
