"""Tempo and beat tracking: the counted beat a dancer counts, from the onset strength.

Local tempo: a windowed autocorrelation of the onset strength (with the bass onsets; see `track_beats`),
scored at each candidate beat period together with its bar-level multiples and its subdivisions (a beat that
groups well into bars and splits well into eighths is the counted beat), smoothed over time by a Viterbi path
so the tempo may drift or change between sections. Beats: dynamic programming in the manner of Ellis (2007),
"Beat tracking by dynamic programming", with the local period in place of one global period; then a second
pass whose local period is measured from the first pass's own beats (a running median of their intervals),
which follows a pianist's rubato better than the autocorrelation (a polonaise's long first beat pulls the
autocorrelation toward its short beats).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import uniform_filter1d

MIN_PERIOD = 0.30  # seconds (200 BPM)
MAX_PERIOD = 1.40  # seconds (43 BPM)
WINDOW = 5.0  # seconds of onset strength per local tempo estimate
STEP = 1.0  # seconds between local tempo estimates
PRIOR_CENTRE = 0.50  # seconds; a mild preference for a moderate counted beat
PRIOR_WIDTH = 0.8  # octaves (standard deviation)
BAR_WEIGHT = 0.3
SUB_WEIGHT = 0.1
OFF_GRID_WEIGHT = 0.6  # periodicity at 1.5 beats says the candidate is two beats of a triple bar
BASS_PLACING = 1.0  # weight of the bass onsets when placing beats
JUMP_COST = 8.0  # per octave of tempo change between tempo steps (log-score units)
SAME_OCTAVE = 0.3  # octaves: a period with the bass this close to the full band's alone keeps its octave
FOLLOW_BEATS = 16  # beats over which the tracked beats' own intervals give the local period (second pass)
SWITCH_COST = 1.0  # for any change larger than a drift (a new tempo)


@dataclass(frozen=True, eq=False)
class BeatTrack:
    """Beat times (seconds) and the local beat period (seconds) at each tempo step."""

    beats: np.ndarray
    periods: np.ndarray
    step: float


def normalise_onset(onset: np.ndarray, hop: float) -> np.ndarray:
    """Remove the slow trend and scale the onset strength, so loud and soft passages weigh alike."""
    width = max(3, int(round(1.0 / hop)))
    trend = uniform_filter1d(onset.astype(np.float64), width, mode="nearest")
    detrended = np.maximum(onset - trend, 0.0)
    spread = np.sqrt(np.maximum(uniform_filter1d(detrended**2, 4 * width, mode="nearest"), 0.0)) + 1e-6
    return (detrended / np.maximum(spread, 0.05 * spread.max() + 1e-9)).astype(np.float32)


def local_salience(onset: np.ndarray, hop: float) -> tuple[np.ndarray, np.ndarray]:
    """Beat-period salience per window: (windows, lags) scores and the lags (frames) they are for."""
    lags = np.arange(int(MIN_PERIOD / hop), int(MAX_PERIOD / hop) + 1)
    win = int(WINDOW / hop)
    step = int(STEP / hop)
    max_lag = 4 * lags[-1] + 1
    starts = np.arange(0, max(1, len(onset) - win // 2), step)
    scores = np.zeros((len(starts), len(lags)))
    prior = np.exp(-0.5 * (np.log2(lags * hop / PRIOR_CENTRE) / PRIOR_WIDTH) ** 2)
    half = win // 2 + 2 * lags[-1]
    for row, centre in enumerate(starts):
        segment = onset[max(0, centre - half) : centre + half]
        acf = _autocorrelation(segment, max_lag)
        scores[row] = _period_scores(acf, lags) * prior
    return scores, lags


def _autocorrelation(x: np.ndarray, max_lag: int) -> np.ndarray:
    """Unbiased, normalised autocorrelation of a segment up to max_lag frames (zeros beyond its length)."""
    x = x - x.mean()
    n = len(x)
    size = 1 << int(np.ceil(np.log2(2 * n + 1)))
    spec = np.fft.rfft(x, size)
    acf = np.fft.irfft(spec * np.conj(spec), size)[:max_lag]
    out = np.zeros(max_lag)
    out[: len(acf)] = acf
    counts = np.maximum(n - np.arange(max_lag), n // 4)
    out = out / counts
    return out / (out[0] + 1e-9)


def _peak(acf: np.ndarray, lag: np.ndarray) -> np.ndarray:
    """ACF at fractional lags, taking the best of the neighbouring frames (tolerates rounding)."""
    lo = np.clip(np.floor(lag).astype(int) - 1, 0, len(acf) - 1)
    return np.max(np.stack([acf[np.clip(lo + k, 0, len(acf) - 1)] for k in range(4)]), axis=0)


def _period_scores(acf: np.ndarray, lags: np.ndarray) -> np.ndarray:
    """Score each beat period: its own periodicity, the best bar grouping, and the best subdivision."""
    acf = np.maximum(acf, 0.0)
    beat = _peak(acf, lags.astype(float))
    bar = np.max(np.stack([_peak(acf, lags * m.__float__()) for m in (2, 3, 4)]), axis=0)
    sub = np.max(np.stack([_peak(acf, lags / d) for d in (2.0, 3.0)]), axis=0)
    off_grid = _peak(acf, lags * 1.5)
    return np.maximum(beat + BAR_WEIGHT * bar + SUB_WEIGHT * sub - OFF_GRID_WEIGHT * off_grid, 1e-3)


def period_path(scores: np.ndarray, lags: np.ndarray) -> np.ndarray:
    """Smooth the best period over time (Viterbi on log-period jumps); the period in frames per window."""
    n, k = scores.shape
    log_lags = np.log2(lags)
    jump = np.abs(log_lags[:, None] - log_lags[None, :])
    transition = -JUMP_COST * jump - SWITCH_COST * (jump > 0.12)
    value = np.log(scores[0] + 1e-6)
    back = np.zeros((n, k), dtype=int)
    for t in range(1, n):
        total = value[:, None] + transition
        back[t] = np.argmax(total, axis=0)
        value = total[back[t], np.arange(k)] + np.log(scores[t] + 1e-6)
    path = np.zeros(n, dtype=int)
    path[-1] = int(np.argmax(value))
    for t in range(n - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return _refine(scores, lags, path)


def _refine(scores: np.ndarray, lags: np.ndarray, path: np.ndarray) -> np.ndarray:
    """Sub-frame periods by fitting a parabola through each chosen score and its neighbours."""
    inner = np.clip(path, 1, len(lags) - 2)
    rows = np.arange(len(path))
    left, mid, right = scores[rows, inner - 1], scores[rows, inner], scores[rows, inner + 1]
    denominator = left - 2 * mid + right
    shift = np.where(
        denominator < 0, 0.5 * (left - right) / np.where(denominator < 0, denominator, -1.0), 0.0
    )
    return lags[inner] + np.clip(shift, -0.5, 0.5) * (path == inner)


def track_beats(
    onset: np.ndarray,
    hop: float,
    *,
    bass: np.ndarray | None = None,
    tightness: float = 150.0,
    percussive: bool = False,
) -> BeatTrack:
    """Beat times from onset strength: local periods, then the best-scoring beat sequence (Ellis DP).

    `bass` (optional, same frames as `onset`): low-band onsets. They place the beats with the full-band onsets
    (the bass marks the beat where a melody's ornaments or off-beat strings come early or late), and they
    steady the tempo: with them the local period holds where the full band's rhythm hides it (a Haydn minuet's
    off-beat viola). But a piano's bass may run in eighths, so the full band alone chooses the tempo octave,
    except in `percussive` music (drums), where a soft snare must not halve the tempo the kick and snare mark.
    """
    strength = normalise_onset(onset, hop)
    placing = strength if bass is None else strength + BASS_PLACING * normalise_onset(bass, hop)
    periods_per_window = period_path(*local_salience(placing, hop))
    if not percussive and bass is not None:
        alone = period_path(*local_salience(strength, hop))
        same_octave = np.abs(np.log2(periods_per_window / alone)) < SAME_OCTAVE
        periods_per_window = np.where(same_octave, periods_per_window, alone)
    step = int(STEP / hop)
    frame_period = np.interp(
        np.arange(len(strength)), np.arange(len(periods_per_window)) * step, periods_per_window
    )
    beats = _dynamic_programme(placing, frame_period, tightness)
    beats = _dynamic_programme(placing, _followed_period(beats, len(strength), frame_period), tightness)
    return BeatTrack(beats=beats * hop, periods=periods_per_window * hop, step=STEP)


def _followed_period(beats: np.ndarray, n: int, fallback: np.ndarray) -> np.ndarray:
    """The local beat period (frames) measured from the tracked beats themselves: a running median of their
    intervals, which follows a pianist's rubato more closely than the autocorrelation window can."""
    if len(beats) < FOLLOW_BEATS + 2:
        return fallback
    intervals = np.diff(beats)
    half = FOLLOW_BEATS // 2
    padded = np.pad(intervals, half, mode="edge")
    local = np.median(np.lib.stride_tricks.sliding_window_view(padded, FOLLOW_BEATS + 1), axis=1)
    centres = (beats[:-1] + beats[1:]) / 2
    followed = np.interp(np.arange(n), centres, local)
    # keep to the tempo octave the autocorrelation found: a slip of the beats must not halve or double it
    return np.clip(followed, 0.8 * fallback, 1.25 * fallback)


def _dynamic_programme(strength: np.ndarray, period: np.ndarray, tightness: float) -> np.ndarray:
    """Ellis's beat DP, vectorised over blocks of frames that cannot depend on one another."""
    n = len(strength)
    local = np.convolve(strength, np.hanning(5) / 2.5, mode="same")
    score = local.astype(np.float64).copy()
    back = -np.ones(n, dtype=int)
    t = 0
    while t < n:
        p = period[t]
        block = max(1, int(p // 2) - 1)
        frames = np.arange(t, min(n, t + block))
        lo_off = int(np.round(2.0 * p))
        hi_off = max(1, int(np.round(0.5 * p)))
        offsets = np.arange(hi_off, lo_off + 1)
        prev = frames[:, None] - offsets[None, :]
        valid = prev >= 0
        cost = -tightness * np.log(offsets / p) ** 2
        candidate = np.where(valid, score[np.maximum(prev, 0)] + cost[None, :], -np.inf)
        best = np.argmax(candidate, axis=1)
        best_value = candidate[np.arange(len(frames)), best]
        ok = np.isfinite(best_value) & (best_value > 0)
        score[frames] = local[frames] + np.where(ok, best_value, 0.0)
        back[frames] = np.where(ok, prev[np.arange(len(frames)), best], -1)
        t += block
    end = _last_beat(score, local)
    beats = [end]
    while back[beats[-1]] >= 0:
        beats.append(int(back[beats[-1]]))
    return np.array(beats[::-1], dtype=float)


def _last_beat(score: np.ndarray, local: np.ndarray) -> int:
    """The last frame near the end whose score is a local peak and whose onset is not negligible."""
    tail = score[-max(1, len(score) // 20) :]
    threshold = 0.5 * np.median(tail[tail > 0]) if np.any(tail > 0) else 0.0
    candidates = np.flatnonzero(
        (score[1:-1] >= score[:-2]) & (score[1:-1] >= score[2:]) & (score[1:-1] > threshold)
    )
    near_end = candidates[candidates > len(score) - 0.1 * len(score)] + 1
    if len(near_end) == 0:
        return int(np.argmax(score))
    return int(near_end[np.argmax(score[near_end])])


def trim_beats(beats: np.ndarray, strength: np.ndarray, hop: float) -> np.ndarray:
    """Drop beats before the music starts and after it ends (where the onset strength is nil)."""
    if len(beats) == 0:
        return beats
    active = np.flatnonzero(strength > 0.1 * strength.max())
    if len(active) == 0:
        return beats[:0]
    first, last = active[0] * hop - 0.1, active[-1] * hop + 0.1
    return beats[(beats >= first) & (beats <= last)]
