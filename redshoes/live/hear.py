"""Online hearing: beats, bars and the next beats predicted, from audio blocks as they arrive (causal).

The same onset strength as the offline `hear` (log-mel spectral flux, `redshoes.hear.features`), computed
frame by frame as the samples come; a ring buffer keeps the last `WINDOW` seconds. Every `ANALYSIS_STEP`
seconds the beat period is scored on that window with the offline tempo salience
(`redshoes.hear.beats.local_salience`: beat, bar-level, subdivision and 1.5-beat terms) and smoothed by a
forward-only Viterbi over the candidate periods with the offline tracker's cost of a jump (made `HOLD` times
dearer, since no later audio can confirm a change): the counted level wins when it has scored best for a
while, not when one window says otherwise. Without the offline tracker's hindsight (its path is chosen
knowing the whole piece) the first bars would often be counted at the wrong level, so each window's evidence
also asks which periods a dancer would count at all (`_counted`, from the metrical levels: a count groups the
fastest clear pulse by one, two or three; a bar groups counts by two, three or four): an eighth note whose bar
shows only at six of it, or a period heard neither itself nor as two or three of a clear pulse, keeps only
`UNCOUNTED` of its evidence. As offline, one path runs on the onsets with the bass and one on the full band
alone, which chooses the octave unless the onsets are noisy (drums). The phase is the end of the best beat
chain (a forward Ellis DP at the period measured from the beats just counted) through the recent onsets with
the bass, each less the onset that follows it closely (a pickup leads into the beat: the offline tracker's
lead-in discount, `_lead_in_discounted`); the grid moves to it only when it is more than `PHASE_DEADBAND`
off, so the dancer's counts stay put. Beats are committed once `CONFIRM` seconds of audio after them have
been heard, moved onto the onset played within `SNAP` seconds (so the grid follows rubato); the grid beyond
the last beat is the prediction a dancer moves to.
Meter (3 or 4 counts) and the downbeat come from the bass and onset accents of the committed beats.
Silence or invalid input stops the count; when music returns the count starts again.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import librosa
import numpy as np
from scipy.ndimage import maximum_filter1d

from redshoes.hear import PERCUSSIVE
from redshoes.hear.beats import (
    BASS_PLACING,
    FOLLOW_BEATS,
    JUMP_COST,
    SAME_OCTAVE,
    STEP,
    SWITCH_COST,
    local_salience,
    normalise_onset,
)
from redshoes.hear.energy import SILENCE_DB
from redshoes.hear.features import BASS_HZ, FLATNESS_FROM_BIN, HOP, N_FFT, N_MELS
from redshoes.hear.resample import StreamResampler
from redshoes.live.stage import AudioBlock

RATE = 22050
FRAME = HOP / RATE  # seconds between onset frames
WINDOW = 10.0  # seconds of onset strength kept
MIN_HEARD = 3.0  # seconds of sound before the first beat is counted
ANALYSIS_STEP = 0.2  # seconds of audio between beat analyses
CONFIRM = 0.08  # seconds heard after a beat before it is committed
PREDICT = 12  # beats predicted ahead
SILENT_FOR = 0.75  # seconds under the silence level that stop the count
HOLD = 6.0  # how much harder than offline it is to leave a tempo (no later audio confirms a change)
FOLLOW_MIN = 8  # beats counted before their own intervals give the period
FOLLOW_FROM = 0.015  # fraction: how far the counted beats' period must differ from the autocorrelation's to win
FOLLOW_REACH = 0.05  # fraction: how far from the autocorrelation's period the counted beats may take it
ROWS = 3  # newest salience windows averaged into the evidence of one analysis
PHASE_PULL_COST = 4.0  # per squared fraction of a period: the preference for the predicted beat
PHASE_DEADBAND = 0.1  # fraction of a period: the beat chain moves the grid only when it is further off than this
TIGHTNESS = 150.0  # how strictly the beat chain keeps to the period (as the offline tracker)
SIX_LEVEL = 0.1  # autocorrelation at six periods of a candidate that shows a bar there
SIX_SHARE = 0.3  # a candidate is an eighth of that bar when two, three and four periods reach less than this of it
UNHEARD = 0.25  # share of the clearest periodicity below which a period and its halves and thirds are not heard
SPREAD = 0.04  # fraction of a lag: how far rubato spreads a periodicity in the autocorrelation
UNCOUNTED = 0.3  # share of its evidence kept by a period a dancer would not count
LEAD_IN = 0.75  # share of the onset that follows a note closely taken from the note (offline: 1.0, with hindsight)
LEAD_FROM, LEAD_TO = 0.15, 0.35  # fractions of a period: where the note a pickup leads into lies after it
MAX_ABS = 64.0  # samples beyond this are not audio in -1..1 (integers sent as floats, garbage)
METER_MARGIN = 0.25  # how much better another meter or downbeat must score to replace the current one
ACCENTS_KEPT = 24
SNAP = 0.05  # seconds: how far a grid beat may move onto the onset played
SNAP_LEVEL = 0.5  # the onset must reach this fraction of the window's strong onsets (90th percentile)
SNAP_WEIGHT = 0.7  # how far toward the onset the beat moves  # committed beats whose accents decide the meter


@dataclass(frozen=True)
class HearUpdate:
    """What is known after one block; times are seconds from the start of the stream.

    `time`: audio heard up to here. `beats`/`positions`: beats committed in this block and their place in
    the bar (0 = downbeat). `predicted`/`predicted_positions`: the next beats as now expected.
    `state`: "listening" (sound, no count yet), "beating", "silent", or "held" (invalid input).
    `restarted`: the count starts again here (after silence, invalid input or a change of stream).
    """

    time: float
    state: str
    period: float
    beats_per_bar: int
    beats: tuple[float, ...] = ()
    positions: tuple[int, ...] = ()
    predicted: tuple[float, ...] = ()
    predicted_positions: tuple[int, ...] = ()
    loudness: float = 0.0
    restarted: bool = False
    message: str = ""


class OnsetStream:
    """Log-mel flux, bass flux and RMS per frame, exactly as `compute_features`, from samples as they come."""

    def __init__(self) -> None:
        self.window = np.hanning(N_FFT).astype(np.float32)
        self.mel = librosa.filters.mel(sr=RATE, n_fft=N_FFT, n_mels=N_MELS).astype(np.float32)
        self.bass_bins = int(BASS_HZ * N_FFT / RATE) + 1
        self.reset()

    def reset(self) -> None:
        self.buffer = np.zeros(N_FFT // 2, np.float32)  # the left padding of a centred first frame
        self.next_frame = 0  # index of the next frame to compute
        self.buffer_start = 0  # padded-signal index of buffer[0]
        self.prev_mel: np.ndarray | None = None
        self.prev_bass: np.ndarray | None = None
        self.flatness = np.zeros(0, np.float32)  # spectral flatness of the frames of the last push

    def push(self, samples: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Samples at 22050 Hz in; onset, bass flux and RMS of the frames now complete out."""
        self.buffer = np.concatenate([self.buffer, samples])
        available = self.buffer_start + len(self.buffer)
        count = (available - N_FFT) // HOP + 1 - self.next_frame
        if count <= 0:
            empty = np.zeros(0, np.float32)
            self.flatness = empty
            return empty, empty, empty
        offset = self.next_frame * HOP - self.buffer_start
        chunk = self.buffer[offset : offset + (count - 1) * HOP + N_FFT]
        frames = np.lib.stride_tricks.sliding_window_view(chunk, N_FFT)[::HOP][:count]
        spectrum = np.abs(np.fft.rfft(frames * self.window, axis=1)).astype(np.float32)
        log_mel = np.log1p(100.0 * ((spectrum**2) @ self.mel.T) / N_FFT)
        log_bass = np.log1p(100.0 * spectrum[:, : self.bass_bins] / np.sqrt(N_FFT))
        onset = _flux(log_mel, self.prev_mel)
        bass = _flux(log_bass, self.prev_bass)
        rms = np.sqrt((frames.astype(np.float64) ** 2).mean(axis=1)).astype(np.float32)
        upper = spectrum[:, FLATNESS_FROM_BIN:] ** 2
        self.flatness = (np.exp(np.log(upper + 1e-10).mean(axis=1)) / (upper.mean(axis=1) + 1e-10)).astype(np.float32)
        self.prev_mel, self.prev_bass = log_mel[-1], log_bass[-1]
        self.next_frame += count
        drop = self.next_frame * HOP - self.buffer_start
        self.buffer = self.buffer[drop:]
        self.buffer_start += drop
        return onset, bass, rms


def _beat_chain(local: np.ndarray, period: float) -> np.ndarray:
    """Forward beat DP (Ellis 2007) over onset strength at one period (frames): the best chain's score ending
    at each frame, its last beat on that frame (causal: no frame looks at a later one)."""
    n = len(local)
    score = local.astype(np.float64).copy()
    hi_off, lo_off = max(1, int(round(0.5 * period))), int(round(2.0 * period))
    offsets = np.arange(hi_off, lo_off + 1)
    cost = -TIGHTNESS * np.log(offsets / period) ** 2
    block = max(1, hi_off - 1)
    for t in range(hi_off, n, block):
        frames = np.arange(t, min(n, t + block))
        prev = frames[:, None] - offsets[None, :]
        candidate = np.where(prev >= 0, score[np.maximum(prev, 0)] + cost[None, :], -np.inf)
        best = candidate.max(axis=1)
        score[frames] = local[frames] + np.maximum(best, 0.0)
    return score


def _periodicity(onset: np.ndarray, max_lag: int) -> np.ndarray:
    """Normalised autocorrelation of the onset strength up to `max_lag` frames (unbiased; zeros beyond)."""
    x = onset - onset.mean()
    n = len(x)
    size = 1 << int(np.ceil(np.log2(2 * n + 1)))
    spectrum = np.fft.rfft(x, size)
    acf = np.zeros(max_lag + 1)
    raw = np.fft.irfft(spectrum * np.conj(spectrum), size)[: max_lag + 1]
    acf[: len(raw)] = raw / np.maximum(n - np.arange(len(raw)), n // 4)
    return np.maximum(acf / (acf[0] + 1e-9), 0.0)


def _counted(onset: np.ndarray, lags: np.ndarray) -> np.ndarray:
    """Per candidate beat period (`lags`, frames): 1, or `UNCOUNTED` where a dancer would not count it. The
    metrical levels: a count groups the fastest clear pulse by one, two or three, and a bar groups counts by two,
    three or four. So not counted: an eighth note whose bar shows only at six of it, none at two, three or four
    (an adagio's rolling eighths in 3/4: the count is two of them), and a period heard neither itself nor as two
    or three of a clear pulse (three quarters of that bar: it scores only by the bar it divides by four)."""
    factor = np.ones(len(lags))
    reach = len(onset) // 2
    acf = _periodicity(onset.astype(np.float64), reach + 2)

    def at(multiple: float) -> np.ndarray:
        """The autocorrelation's best value within `SPREAD` of each candidate's lag times `multiple`."""
        lag = lags * multiple
        spread = np.maximum(1, np.round(SPREAD * lag)).astype(int)
        offsets = np.arange(-int(spread.max()), int(spread.max()) + 1)
        index = np.round(lag).astype(int)[:, None] + offsets[None, :]
        inside = (np.abs(offsets)[None, :] <= spread[:, None]) & (index >= 0) & (index <= reach)
        return np.where(inside, acf[np.clip(index, 0, reach)], 0.0).max(axis=1)

    own = at(1.0)
    heard = np.maximum(own, np.maximum(at(0.5), at(1.0 / 3.0)))
    clear = float(own.max())
    factor[heard < UNHEARD * clear] = UNCOUNTED
    usable = 6 * lags <= reach
    six = at(6.0)
    groupings = np.max(np.stack([at(2.0), at(3.0), at(4.0)]), axis=0)
    factor[usable & (six > SIX_LEVEL) & (groupings < SIX_SHARE * six)] = UNCOUNTED
    return factor


def _lead_in_discounted(strength: np.ndarray, period: float) -> np.ndarray:
    """Onset strength less `LEAD_IN` times the strongest onset a short gap after it (`LEAD_FROM` to `LEAD_TO` of
    the beat, `period` frames): of two notes close together the second is the accented one (Povel and Essens,
    1985), so a pickup that leads into the beat weighs less than the beat (as the offline tracker). The newest
    frames, whose following gap is not heard yet, keep their full strength."""
    lo, hi = max(1, int(round(LEAD_FROM * period))), max(2, int(round(LEAD_TO * period)))
    ahead = np.concatenate([strength[lo:], np.zeros(lo)])
    following = maximum_filter1d(ahead, hi - lo + 1, origin=-((hi - lo + 1) // 2), mode="constant")
    return np.maximum(strength - LEAD_IN * following, 0.0)


def _flux(log_spec: np.ndarray, previous: np.ndarray | None) -> np.ndarray:
    before = np.vstack([log_spec[:1] if previous is None else previous[None, :], log_spec[:-1]])
    return np.maximum(log_spec - before, 0.0).sum(axis=1).astype(np.float32)


class TempoPath:
    """A forward (online) Viterbi over candidate beat periods, with the offline tracker's cost of a jump: the
    period whose path has scored best so far, so one window's octave error does not switch the count."""

    def __init__(self) -> None:
        self.value = np.zeros(0)  # log-score of the best path ending at each candidate period
        self.transition = np.zeros((0, 0))

    def step(self, score: np.ndarray, lags: np.ndarray) -> tuple[float, np.ndarray]:
        """Take one analysis's salience (per lag, frames); return the period (frames, sub-frame) and `score`."""
        evidence = np.log(score + 1e-6)
        if len(self.value) != len(lags):
            log_lags = np.log2(lags)
            jump = np.abs(log_lags[:, None] - log_lags[None, :])
            self.transition = HOLD * (-JUMP_COST * jump - SWITCH_COST * (jump > 0.12))
            self.value = evidence.copy()
        else:
            weight = ANALYSIS_STEP / STEP  # the offline path takes one step a second
            self.value = (self.value[:, None] + weight * self.transition).max(axis=0) + weight * evidence
            self.value -= self.value.max()
        k = int(np.argmax(self.value))
        shift = 0.0
        if 0 < k < len(score) - 1:
            a, b, c = score[k - 1], score[k], score[k + 1]
            denominator = a - 2 * b + c
            shift = float(np.clip(0.5 * (a - c) / denominator, -0.5, 0.5)) if denominator < 0 else 0.0
        return float((lags[k] + shift) * FRAME), score


class _Ring:
    """The last `size` values of a stream (float32), with the absolute index of the newest."""

    def __init__(self, size: int) -> None:
        self.data = np.zeros(size, np.float32)
        self.count = 0  # values ever written

    def extend(self, values: np.ndarray) -> None:
        size = len(self.data)
        values = values[-size:]
        start = self.count % size
        first = min(len(values), size - start)
        self.data[start : start + first] = values[:first]
        self.data[: len(values) - first] = values[first:]
        self.count += len(values)

    def last(self, n: int) -> np.ndarray:
        """The newest `n` values in order (fewer when fewer were written)."""
        size = len(self.data)
        n = min(n, self.count, size)
        end = self.count % size
        if n <= end:
            return self.data[end - n : end].copy()
        return np.concatenate([self.data[size - (n - end) :], self.data[:end]])


class OnlineHear:
    """Causal beat, bar and tempo tracking over audio blocks (`OnlineStage[AudioBlock, HearUpdate]`)."""

    def __init__(self) -> None:
        self.onsets = OnsetStream()
        self.reset()

    def reset(self) -> None:
        """Forget the stream: time starts again at 0."""
        self.onsets.reset()
        size = int(WINDOW / FRAME) + 1
        self.onset = _Ring(size)
        self.bass = _Ring(size)
        self.rms = _Ring(size)
        self.flatness = _Ring(size)
        self.rate: int | None = None
        self.resampler: StreamResampler | None = None
        self.samples_in = 0  # input samples since the stream began (at the current rate)
        self.time_base = 0.0  # stream seconds at which the current rate began
        self.frames = 0  # onset frames computed since the count (re)started
        self.frame_base = 0  # absolute frame index of the count's frame 0
        self.sound_frames = 0  # frames of sound since the count (re)started
        self.last_analysis = -1.0
        self.count_start = 0.0  # stream time at which the count (re)started
        self.period = 0.0
        self.placing_path = TempoPath()
        self.alone_path = TempoPath()
        self.beats_per_bar = 4
        self.downbeat_phase = 0  # committed-beat index modulo beats_per_bar of the downbeats
        self.committed = 0  # beats committed since the count (re)started
        self.last_beat = -np.inf
        self.grid: tuple[float, float] | None = None  # (a beat time, period) of the current grid
        self.accents: deque[float] = deque(maxlen=ACCENTS_KEPT)
        self.recent_beats: deque[float] = deque(maxlen=FOLLOW_BEATS + 1)
        self.state = "listening"
        self.pending_restart = True

    @property
    def time(self) -> float:
        """Seconds of audio analysed (the centre of the newest onset frame plus half a window)."""
        return (self.frame_base + self.frames) * FRAME

    def process(self, block: AudioBlock) -> HearUpdate:
        """Take the next block of audio; return the beats committed and predicted so far."""
        samples, message = self._validate(block)
        if samples is None:
            return self._held(block, message)
        if self.rate != block.sample_rate:
            self.rate = block.sample_rate
            self.resampler = StreamResampler(block.sample_rate, RATE)
        assert self.resampler is not None
        self.samples_in += len(samples)
        onset, bass, rms = self.onsets.push(self.resampler.push(samples))
        self.onset.extend(onset)
        self.bass.extend(bass)
        self.rms.extend(rms)
        self.flatness.extend(self.onsets.flatness)
        self.frames += len(onset)
        loud = rms > 10.0 ** (SILENCE_DB / 20.0)
        self.sound_frames = self.sound_frames + len(rms) if loud.any() else self.sound_frames
        recent = self.rms.last(int(SILENT_FOR / FRAME))
        silent = len(recent) >= int(SILENT_FOR / FRAME) and bool(np.all(recent < 10.0 ** (SILENCE_DB / 20.0)))
        loudness = float(20.0 * np.log10(max(float(recent[-int(0.5 / FRAME):].max()), 1e-9))) if len(recent) else -120.0
        if silent:
            if self.state != "silent":
                self._stop_count("silent")
            return HearUpdate(time=self.time, state="silent", period=self.period,
                              beats_per_bar=self.beats_per_bar, loudness=loudness, message=message)
        if self.state in ("silent", "held"):
            self._restart_count()
        if self.time - self.last_analysis < ANALYSIS_STEP and self.state == "beating":
            return self._update([], loudness, message)
        self.last_analysis = self.time
        heard = min(self.sound_frames, self.onset.count, int(WINDOW / FRAME)) * FRAME
        if heard < MIN_HEARD:
            return HearUpdate(time=self.time, state="listening", period=self.period,
                              beats_per_bar=self.beats_per_bar, loudness=loudness, message=message)
        new = self._analyse(heard)
        self.state = "beating"
        return self._update(new, loudness, message)

    # -- input checks -------------------------------------------------------------------------------

    def _validate(self, block: AudioBlock) -> tuple[np.ndarray | None, str]:
        """Mono float64 samples, or None and why the block cannot be heard."""
        try:
            data = np.asarray(block.samples, dtype=np.float64)
        except (TypeError, ValueError):
            return None, "the stream sent something that is not audio samples; holding the pose"
        if block.sample_rate <= 0 or block.sample_rate > 384000:
            return None, f"the stream gives an impossible sample rate ({block.sample_rate} Hz); holding the pose"
        if data.ndim == 2:
            data = data.mean(axis=1)
        elif data.ndim != 1:
            return None, f"audio blocks must be (samples,) or (samples, channels), not {data.shape}"
        if not np.all(np.isfinite(data)):
            return None, "the stream carries invalid samples (NaN or infinite); holding the pose"
        peak = float(np.max(np.abs(data))) if len(data) else 0.0
        if peak > MAX_ABS:
            return None, (f"the stream's samples reach {peak:.3g}, far outside -1..1 (integers sent as "
                          "floats?); holding the pose")
        message = ""
        if self.rate is not None and block.sample_rate != self.rate:
            message = (f"the sample rate changed from {self.rate} to {block.sample_rate} Hz mid-stream; "
                       "counting again")
            self.time_base = self.time
            self._stop_count("held")
            self._restart_count()
            self.rate = None
        return np.clip(data, -1.0, 1.0), message

    def _held(self, block: AudioBlock, message: str) -> HearUpdate:
        """Invalid input: stop the count and let the time run on as if the block were silence."""
        try:
            n = len(block.samples)
        except TypeError:
            n = 0
        if self.state != "held":
            self._stop_count("held")
        if self.resampler is not None:
            onset, bass, rms = self.onsets.push(self.resampler.push(np.zeros(n, np.float32)))
        else:
            rate = block.sample_rate if 0 < block.sample_rate <= 384000 else RATE
            onset, bass, rms = self.onsets.push(np.zeros(int(n * RATE / rate), np.float32))
        self.onset.extend(np.zeros_like(onset))
        self.bass.extend(np.zeros_like(bass))
        self.rms.extend(np.zeros_like(rms))
        self.flatness.extend(np.zeros_like(rms))
        self.frames += len(onset)
        return HearUpdate(time=self.time, state="held", period=self.period, beats_per_bar=self.beats_per_bar,
                          message=message)

    def _stop_count(self, state: str) -> None:
        self.state = state
        self.grid = None
        self.committed = 0
        self.last_beat = -np.inf
        self.accents.clear()
        self.recent_beats.clear()

    def _restart_count(self) -> None:
        """Music again after a stop: forget the old onsets (their tempo may not be the new one's)."""
        self.frame_base += self.frames
        self.frames = 0
        self.sound_frames = 0
        self.onset.count = self.bass.count = self.rms.count = self.flatness.count = 0
        self.placing_path, self.alone_path = TempoPath(), TempoPath()
        self.state = "listening"
        self.pending_restart = True
        self.last_analysis = -1.0
        self.count_start = self.time

    # -- the analysis -------------------------------------------------------------------------------

    def _analyse(self, heard: float) -> list[float]:
        """Re-estimate period and phase on the window; commit the beats now confirmed; return them."""
        n = int(round(heard / FRAME))
        window = self.onset.last(n).astype(np.float64)
        strength = normalise_onset(window, FRAME).astype(np.float64)
        bass = normalise_onset(self.bass.last(n).astype(np.float64), FRAME).astype(np.float64)
        placing = strength + BASS_PLACING * bass
        self.period = self._tempo(strength, placing, self.flatness.last(n))
        end_time = self.time - FRAME  # time of the newest frame
        marks = _lead_in_discounted(placing, self.period / FRAME)  # where the beats are played
        anchor = self._phase(marks, self._followed(self.period), end_time)
        self.grid = (anchor, self.period)
        if not np.isfinite(self.last_beat):
            self._prime_meter(anchor, self.period)
        local = np.convolve(marks, np.hanning(5) / 2.5, mode="same")
        new: list[float] = []
        for t in self._grid_beats(self.time - CONFIRM):
            if t > self.last_beat + 0.6 * self.period and self._sounding(t):
                t = self._snap(t, local, end_time)
                new.append(t)
                self.last_beat = t
                self.grid = (t, self.period)  # the grid follows the beat as played (rubato, drift)
        for t in new:
            self.recent_beats.append(t)
            self.accents.append(self._accent(t))
            self.committed += 1
            if self.committed % 4 == 0:
                self._meter()
        return new

    def _sounding(self, t: float) -> bool:
        """Whether any sound is heard within 0.1 s after `t` (no beat is counted in a silence)."""
        age = int(round((self.time - t) / FRAME))
        after = self.rms.last(age + 1)[: int(0.1 / FRAME) + 1]
        return bool(len(after)) and bool(np.any(after >= 10.0 ** (SILENCE_DB / 20.0)))

    def _snap(self, t: float, local: np.ndarray, end_time: float) -> float:
        """Move a grid beat onto the onset played near it, when there is a clear one within `SNAP` seconds."""
        centre = len(local) - 1 - int(round((end_time - t) / FRAME))
        reach = int(SNAP / FRAME)
        lo, hi = max(centre - reach, 0), min(centre + reach + 1, len(local))
        if hi - lo < 3:
            return t
        peak = lo + int(np.argmax(local[lo:hi]))
        if local[peak] < SNAP_LEVEL * (np.percentile(local, 90) + 1e-9):
            return t
        return round(t + (peak - centre) * FRAME * SNAP_WEIGHT, 6)

    def _prime_meter(self, anchor: float, period: float) -> None:
        """At the first count, judge the meter on the beats of the grid already heard (not committed)."""
        first = max(self.count_start, self.time - WINDOW) + 0.1
        k = int(np.ceil((first - anchor) / period - 1e-9))
        past = []
        while anchor + k * period <= self.time - CONFIRM - period:
            past.append(anchor + k * period)
            k += 1
        self.committed = 0
        for t in past:
            self.accents.append(self._accent(t))
            self.committed += 1
        self._meter()

    def _tempo(self, strength: np.ndarray, placing: np.ndarray, flatness: np.ndarray) -> float:
        """Beat period (seconds) as the offline tracker chooses it, forward only: one tempo path on the onsets
        with the bass, one on the full band alone; the full band alone chooses the octave, except in drum
        music (noisy onsets), where a soft snare must not halve the tempo the kick and snare mark."""
        with_bass, lags = local_salience(placing.astype(np.float32), FRAME)
        alone, _ = local_salience(strength.astype(np.float32), FRAME)
        with_bass_now = with_bass[-ROWS:].mean(axis=0) * _counted(placing, lags)
        alone_now = alone[-ROWS:].mean(axis=0) * _counted(strength, lags)
        period, score = self.placing_path.step(with_bass_now, lags)
        period_alone, score_alone = self.alone_path.step(alone_now, lags)
        strong = strength >= np.percentile(strength, 90)
        percussive = bool(len(flatness)) and float(np.median(flatness[strong])) > PERCUSSIVE
        if not percussive and abs(np.log2(period / period_alone)) >= SAME_OCTAVE:
            return period_alone
        return period

    def _followed(self, period: float) -> float:
        """The period measured from the beats just counted (a median of their intervals), which follows a
        pianist's rubato better than the autocorrelation; kept to the octave the autocorrelation found."""
        if len(self.recent_beats) < FOLLOW_MIN:
            return period
        followed = float(np.median(np.diff(np.asarray(self.recent_beats))))
        if abs(np.log(followed / period)) < FOLLOW_FROM:
            return period  # the autocorrelation agrees: the steadier of the two
        return float(np.clip(followed, (1.0 - FOLLOW_REACH) * period, (1.0 + FOLLOW_REACH) * period))

    def _phase(self, strength: np.ndarray, period: float, end_time: float) -> float:
        """The time of the most recent beat: the end of the best beat chain through the recent onsets (a forward
        Ellis DP at the current period), so the grid follows the beats as played rather than a fixed comb."""
        local = np.convolve(strength, np.hanning(5) / 2.5, mode="same")
        p = period / FRAME
        score = _beat_chain(local, p)
        reach = int(np.ceil(p))
        tail = score[-reach:]
        offsets = np.arange(len(tail))[::-1]  # frames before the newest
        if self.grid is not None and np.isfinite(self.last_beat):
            anchor, old = self.grid
            expected = anchor + np.ceil((end_time - anchor) / old - 1e-9) * old  # next old grid beat
            times = end_time - offsets * FRAME
            distance = np.abs(((times - expected) / period + 0.5) % 1.0 - 0.5)
            tail = tail - PHASE_PULL_COST * distance**2
            found = end_time - offsets[int(np.argmax(tail))] * FRAME
            nearest = anchor + np.round((found - anchor) / old) * old  # the old grid's beat nearest the chain's
            if abs(found - nearest) < PHASE_DEADBAND * period:
                return float(nearest)  # within the band the grid (and the dancer's counts) stays put
            return float(found)
        return float(end_time - offsets[int(np.argmax(tail))] * FRAME)

    def _grid_beats(self, until: float) -> list[float]:
        """The grid's beats after the last committed beat (or within the window at a start) up to `until`."""
        assert self.grid is not None
        anchor, period = self.grid
        if np.isfinite(self.last_beat):
            start = self.last_beat + 0.6 * period
        else:  # the first beats: from one period back, not the whole window (they would come late)
            start = max(self.time - CONFIRM - period, self.count_start)
        k0 = int(np.ceil((start - anchor) / period - 1e-9))
        out = []
        k = k0
        while anchor + k * period <= until:
            out.append(round(anchor + k * period, 6))
            k += 1
        return out

    def _accent(self, t: float) -> float:
        """How much a beat sounds like a downbeat: bass onset plus half the onset near it."""
        age = int(round((self.time - t) / FRAME))
        reach = max(1, int(0.05 / FRAME))
        recent = age + reach + 1
        bass = self.bass.last(recent)[: 2 * reach + 1]
        onset = self.onset.last(recent)[: 2 * reach + 1]
        return float((bass.max() if len(bass) else 0.0) + 0.5 * (onset.max() if len(onset) else 0.0))

    def _meter(self) -> None:
        """Choose 3 or 4 counts a bar and the downbeat from the accents of the committed beats."""
        accents = np.asarray(self.accents)
        first = self.committed - len(accents)  # committed index of accents[0]
        best = (-np.inf, self.beats_per_bar, self.downbeat_phase)
        current = -np.inf
        for per_bar in (3, 4):
            if len(accents) < per_bar + 1:
                continue
            for phase in range(per_bar):
                on = ((np.arange(len(accents)) + first - phase) % per_bar) == 0
                score = float(accents[on].mean() - accents[~on].mean()) / (float(accents.std()) + 1e-9)
                if per_bar == 4:  # in 4/4 beat 3 is strong too: a 4 must beat the half-bar grouping
                    half = ((np.arange(len(accents)) + first - phase) % 2) == 0
                    score -= 0.5 * max(0.0, float(accents[half & ~on].mean() - accents[~half].mean())) / (
                        float(accents.std()) + 1e-9)
                if (per_bar, phase) == (self.beats_per_bar, self.downbeat_phase % per_bar):
                    current = score
                if score > best[0]:
                    best = (score, per_bar, phase)
        if best[0] > current + METER_MARGIN:
            self.beats_per_bar, self.downbeat_phase = best[1], best[2]

    def _position(self, index: int) -> int:
        """Place in the bar (0 = downbeat) of the committed beat number `index`."""
        return (index - self.downbeat_phase) % self.beats_per_bar

    def _update(self, new: list[float], loudness: float, message: str) -> HearUpdate:
        first = self.committed - len(new)
        predicted: list[float] = []
        if self.grid is not None:
            anchor, period = self.grid
            t = self.last_beat if np.isfinite(self.last_beat) else anchor
            k = int(np.ceil((t + 0.6 * period - anchor) / period - 1e-9))
            predicted = [round(anchor + (k + i) * period, 6) for i in range(PREDICT)]
        restarted = self.pending_restart and bool(predicted)
        if restarted:
            self.pending_restart = False
        return HearUpdate(
            time=self.time, state=self.state, period=self.period, beats_per_bar=self.beats_per_bar,
            beats=tuple(new), positions=tuple(self._position(first + i) for i in range(len(new))),
            predicted=tuple(predicted),
            predicted_positions=tuple(self._position(self.committed + i) for i in range(len(predicted))),
            loudness=loudness, restarted=restarted, message=message,
        )
