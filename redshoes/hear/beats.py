"""Tempo and beat tracking: the counted beat a dancer counts, from the onset strength.

Local tempo: a windowed autocorrelation of the onset strength (with the bass onsets; see `track_beats`),
scored at each candidate beat period together with its bar-level multiples and its subdivisions (a beat that
groups well into bars and splits well into eighths is the counted beat), smoothed over time by a Viterbi path
so the tempo may drift or change between sections. Beats: dynamic programming in the manner of Ellis (2007),
"Beat tracking by dynamic programming", with the local period in place of one global period; then a second
pass whose local period is measured from the first pass's own beats (a running median of their intervals),
which follows a pianist's rubato better than the autocorrelation (a polonaise's long first beat pulls the
autocorrelation toward its short beats), and holds to it more tightly. The DP weighs a note that stands alone
with the note just after it (within a third of a beat) less by that note: of two close notes the second is the
accented one, so a pickup is not the beat it leads into (a polonaise's loud sixteenth before beats 2 and 3).
The full band and the bass place the beats each weighed by how clearly it pulses at the beat period.
The last beat is the end of the best path (the music is followed by silence in the DP), not the strongest
onset near the end; beats before the first attack and after the last are dropped, except through a final held
chord, which is counted to the end of its bar (`trim_beats`, `redshoes.hear.bars.end_at_bar`); so is a beat in
the last moment of a file that cuts the music off, and a last short note that would start a bar of its own (a
pickup into a phrase the recording stops before, `last_note_fades`). A beat is timed between the two frames
whose difference makes its onset strength (`FLUX_LAG`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import maximum_filter1d, uniform_filter1d

from redshoes.hear.features import Features

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
FOLLOW_TIGHT = 2.0  # the second pass knows its period from the beats themselves: it holds to it twice as tightly
FOLLOW_RANGE = 1.25  # the followed period stays within this factor of the autocorrelation's (same tempo octave)
LEAD_IN = 1.0  # weight of the onset just after a note that discounts it as a pickup (see `_lead_in_discounted`)
LEAD_FROM = 0.2  # beats: the gap after a note from which the next makes it a pickup (closer: one spread attack) ...
LEAD_TO = 0.35  # ... up to a third of a beat (a sixteenth before the beat, an ornament)
RUN = 1.0  # how much a note just after the follower (or just before this note) makes it a run, not a pickup
CLARITY_WINDOW = 8.0  # seconds per window when measuring how clearly a band pulses
ATTACK_SHARE = 0.25  # an onset this share of a typical beat's marks a beat the music plays (a soft pickup too)
SOUND_DB = 40.0  # below the loudest moment by more than this: silence or a noise floor, no music
HELD_DB = 25.0  # a final held chord is counted while it sounds within this of the loudest moment
FADE_BEATS = 1.0  # a last note that falls below HELD_DB before its beat is out is short, not a final chord
FLUX_LAG = 0.5  # frames: the flux at frame k is the change from frame k - 1 to k, so it is timed between the two
# (a swelling, bowed note's flux peaks after the note begins; this keeps such beats from falling late)
ROOM = 0.3  # seconds (at most half a beat): a count needs this much music after it to be danced or heard out


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


def local_salience(onset: np.ndarray, hop: float, *, whole_windows: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Beat-period salience per window: (windows, lags) scores and the lags (frames) they are for.

    `whole_windows`: near the start and the end, slide each window inside the music instead of cutting it short
    (a cut window's autocorrelation shortens the period: the last bars of a piece would be counted too fast).
    """
    lags = np.arange(int(MIN_PERIOD / hop), int(MAX_PERIOD / hop) + 1)
    win = int(WINDOW / hop)
    step = int(STEP / hop)
    max_lag = 4 * lags[-1] + 1
    starts = np.arange(0, max(1, len(onset) - win // 2), step)
    scores = np.zeros((len(starts), len(lags)))
    prior = np.exp(-0.5 * (np.log2(lags * hop / PRIOR_CENTRE) / PRIOR_WIDTH) ** 2)
    half = win // 2 + 2 * lags[-1]
    for row, centre in enumerate(starts):
        first = centre - half
        if whole_windows:
            first = min(first, len(onset) - 2 * half)
        last = max(0, first) + 2 * half if whole_windows else centre + half
        segment = onset[max(0, first) : last]
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
    (the bass marks the beat where a melody's ornaments or off-beat strings come early or late), each band
    weighed by how clearly it pulses at the beat (`_pulse_clarity`: a cello's line under busy violins leads),
    and they steady the tempo: with them the local period holds where the full band's rhythm hides it (a Haydn
    minuet's off-beat viola). But a piano's bass may run in eighths, so the full band alone chooses the tempo octave,
    except in `percussive` music (drums), where a soft snare must not halve the tempo the kick and snare mark.
    """
    strength = normalise_onset(onset, hop)
    placing = strength if bass is None else strength + BASS_PLACING * normalise_onset(bass, hop)
    periods_per_window = period_path(*local_salience(placing, hop, whole_windows=True))
    if bass is not None:  # place the beats with each band weighed by how clearly it pulses at the beat
        low = normalise_onset(bass, hop)
        lag = float(np.median(periods_per_window))
        full_weight, bass_weight = _pulse_clarity(strength, lag, hop), _pulse_clarity(low, lag, hop)
        total = full_weight + bass_weight
        if total > 0.0:
            placing = (2.0 * full_weight * strength + 2.0 * BASS_PLACING * bass_weight * low) / total
    if not percussive and bass is not None:
        alone = period_path(*local_salience(strength, hop, whole_windows=True))
        same_octave = np.abs(np.log2(periods_per_window / alone)) < SAME_OCTAVE
        periods_per_window = np.where(same_octave, periods_per_window, alone)
    step = int(STEP / hop)
    frame_period = np.interp(
        np.arange(len(strength)), np.arange(len(periods_per_window)) * step, periods_per_window
    )
    salience = _lead_in_discounted(placing, frame_period)
    beats = _dynamic_programme(salience, frame_period, tightness)
    followed = _followed_period(beats, len(strength), frame_period)
    beats = _dynamic_programme(salience, followed, FOLLOW_TIGHT * tightness)
    return BeatTrack(beats=(beats - FLUX_LAG) * hop, periods=periods_per_window * hop, step=STEP)


def _pulse_clarity(onset: np.ndarray, lag: float, hop: float) -> float:
    """How clearly an onset curve pulses at the beat period `lag` (frames): the median over windows of its
    normalised autocorrelation there (0 when it does not; a cello's bass line under off-beat violins: 0.17,
    the violins: 0.06)."""
    window = int(CLARITY_WINDOW / hop)
    values = []
    for start in range(0, max(1, len(onset) - window), max(1, window // 2)):
        acf = _autocorrelation(onset[start : start + window], int(2 * lag) + 3)
        k = int(round(lag))
        values.append(float(acf[max(0, k - 1) : k + 2].max()))
    return max(float(np.median(values)), 0.0)


def _lead_in_discounted(strength: np.ndarray, period: np.ndarray) -> np.ndarray:
    """Onset strength less `LEAD_IN` times the note that follows it a short gap later (a sixteenth to a third
    of the beat) where the two stand alone: of two notes close together the second is the accented one, while
    in a run of three or more the first and the last are (Povel and Essens, 1985, "Perception of temporal
    patterns"). So a pickup weighs less than the beat it leads into, and a beat that starts a run keeps its
    weight. Per frame: the follower (the strongest onset lo..hi frames later) counts less any onset just after
    the follower (the run goes on) and any just before this frame (this note is inside a run)."""
    if LEAD_IN == 0.0 or len(strength) == 0:
        return strength
    discount = np.zeros_like(strength)
    typical = float(np.median(period))
    widths = np.round(np.round(period / (0.05 * typical)) * 0.05 * typical).astype(int)  # 5 % steps of period
    for width in np.unique(widths):
        lo, hi = max(1, int(round(LEAD_FROM * width))), max(2, int(round(LEAD_TO * width)))
        follower = _window_max(strength, lo, hi)
        after_follower = _window_max(strength, 2 * lo, 2 * hi)
        before = _window_max(strength[::-1], lo, hi)[::-1]
        chosen = widths == width
        discount[chosen] = np.maximum(follower - RUN * (after_follower + before), 0.0)[chosen]
    return np.maximum(strength - LEAD_IN * discount, 0.0).astype(np.float32)


def _window_max(x: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Per frame t, the largest of x[t + lo .. t + hi] (0 beyond the end)."""
    ahead = maximum_filter1d(x, hi - lo + 1, origin=-((hi - lo + 1) // 2), mode="constant")
    return np.concatenate([ahead[lo:], np.zeros(min(lo, len(x)), dtype=x.dtype)])[: len(x)]


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
    return np.clip(followed, fallback / FOLLOW_RANGE, FOLLOW_RANGE * fallback)


def _dynamic_programme(strength: np.ndarray, period: np.ndarray, tightness: float) -> np.ndarray:
    """Ellis's beat DP, vectorised over blocks of frames that cannot depend on one another.

    The music is followed by two beat periods of silence, and the path is traced back from the best frame in
    that silence: the last beat is then the one the whole path supports best, not merely a strong onset near
    the end (a late off-beat would otherwise bend the last bars of beats toward it).
    """
    n = len(strength)
    tail = int(np.ceil(2.0 * period[-1])) + 1
    local = np.convolve(np.concatenate([strength, np.zeros(tail)]), np.hanning(5) / 2.5, mode="same")
    period = np.concatenate([period, np.full(tail, period[-1])])
    total = n + tail
    score = local.astype(np.float64).copy()
    back = -np.ones(total, dtype=int)
    t = 0
    while t < total:
        p = period[t]
        block = max(1, int(p // 2) - 1)
        frames = np.arange(t, min(total, t + block))
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
    beats = [n + int(np.argmax(score[n:]))]
    while back[beats[-1]] >= 0:
        beats.append(int(back[beats[-1]]))
    chosen = np.array(beats[::-1], dtype=float)
    return chosen[chosen < n]


def trim_beats(beats: np.ndarray, features: Features) -> tuple[np.ndarray, int]:
    """The beats the music sounds on: from the first beat with an attack to the last, then on through a final
    held chord while it still sounds, when the music ends inside the file (a dancer counts the held chord out).

    Returns the beats and how many of them, at the end, are held (no attack): `end_at_bar` keeps those only to
    the end of their bar. An attack is an onset at least `ATTACK_SHARE` of a typical beat's (normalised, so a
    soft pickup counts), where the sound is within `SOUND_DB` of the loudest moment (not a noise floor).
    A beat in the last `ROOM` seconds (at most half a beat) of the file is dropped: a file cut off there leaves
    no time to dance the count, nor to hear whether its note is a beat or a pickup.
    """
    if len(beats) == 0:
        return beats, 0
    strength = normalise_onset(features.onset, features.hop) + normalise_onset(features.bass, features.hop)
    level = 20 * np.log10(features.rms.astype(np.float64) + 1e-12)
    loudest = float(level.max())
    frames = features.time_to_frame(beats)
    reach = max(1, int(round(0.05 / features.hop)))
    onset = np.array([strength[max(0, f - reach) : f + reach + 1].max() for f in frames])
    at_beat = np.array([np.median(level[max(0, f - reach) : f + reach + 1]) for f in frames])
    sounding = at_beat > loudest - SOUND_DB
    if not np.any(sounding):
        return beats[:0], 0
    attack = np.flatnonzero((onset >= ATTACK_SHARE * np.median(onset[sounding])) & sounding)
    if len(attack) == 0:
        return beats[:0], 0
    first, last = int(attack[0]), int(attack[-1])
    held = 0
    if level[frames[last] :].min() < loudest - SOUND_DB:  # the music ends in the file, it is not cut off
        held = int(np.argmin(np.append(at_beat[last + 1 :] > loudest - HELD_DB, False)))
    gap = float(np.median(np.diff(beats))) if len(beats) > 1 else 1.0
    end = (len(features.onset) - 1) * features.hop - min(ROOM, 0.5 * gap)
    kept = beats[first : last + 1 + held]
    cut = len(kept) - int(np.searchsorted(kept, end, side="right"))  # beats where the file cuts the music off
    return kept[: len(kept) - cut], max(0, held - cut)


def last_note_fades(beats: np.ndarray, features: Features) -> bool:
    """Does the music end with the last beat's note dying away before its beat is out (below `HELD_DB` from the
    loudest moment within `FADE_BEATS` of a beat), then silence to the end of the file? A piece that ends on a
    downbeat holds its final chord; a soft short note there is the pickup into a phrase the recording stops
    before (`redshoes.hear.bars.end_at_bar` drops it when it would start a bar of its own)."""
    if len(beats) < 2:
        return False
    level = 20 * np.log10(features.rms.astype(np.float64) + 1e-12)
    loudest = float(level.max())
    last = int(features.time_to_frame(beats[-1]))
    if level[last:].min() >= loudest - SOUND_DB:  # the file cuts the music off: it does not end here
        return False
    gap = float(np.median(np.diff(beats)))
    reach = max(1, int(round(0.05 / features.hop)))
    until = int(features.time_to_frame(beats[-1] + FADE_BEATS * gap))
    return bool(np.any(level[last + reach : until + 1] < loudest - HELD_DB)) if until > last + reach else False
