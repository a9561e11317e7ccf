"""Polyphase resampling of a signal that arrives in blocks, seamless across the joins (no clicks)."""

from __future__ import annotations

from math import gcd

import numpy as np
from scipy.signal import resample_poly


class StreamResampler:
    """Resamples block by block from `rate_in` to `rate_out`, holding back `context` input samples each side so
    every output sample is computed with the same neighbourhood as a one-shot resampling would use."""

    def __init__(self, rate_in: int, rate_out: int, *, context: int = 2048) -> None:
        g = gcd(rate_in, rate_out)
        self.up, self.down = rate_out // g, rate_in // g
        self.context = self.down * -(-context // self.down)  # input samples, a multiple of `down`
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

    def finish(self) -> np.ndarray:
        """Flush the held-back tail at the end of the signal."""
        if self.up == self.down or len(self.pending) == 0:
            return np.zeros(0, np.float32)
        lead = self.context if self.started else 0
        out = resample_poly(self.pending, self.up, self.down).astype(np.float32)
        self.pending = np.zeros(0, np.float32)
        return out[lead * self.up // self.down :]
