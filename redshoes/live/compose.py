"""Online composing: the next bar's steps, decided one bar ahead from the beats heard and the beats predicted.

The vocabulary, the grammar (positions join, feet, preparations, runs, level) and the stage are those of the
offline composer (`redshoes.ballet.vocabulary`, `redshoes.compose.grammar`, `redshoes.compose.stagecraft`).
Each decision fills the counts up to the next predicted downbeat with one to four steps, best first by a
small depth-first search: the step's fit to the meter, tempo and loudness, variety, and the stage. The counts
decided are predictions: as newer beats are heard, the counts of decided steps not yet danced (further ahead
than `fixed_ahead`, the frames already sent) are moved onto the newest predicted beats, one count per beat,
within limits (`_retime`), so that her counts follow rubato; where the last beats heard agree on a tempo the
hearing has not yet taken up (it is slow to leave one), the grid runs on from them at their tempo
(`_followed`). The steps themselves never change. A
performance opens with a préparation on two counts; when the music stops the dancer finishes the decided bar
and holds her pose; when it starts again she prepares again.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, replace

import numpy as np

from redshoes.ballet.vocabulary import StepDef, load_vocabulary
from redshoes.compose import grammar
from redshoes.compose.choreography import Stage, StagePoint, Step
from redshoes.compose.stagecraft import FACINGS, body_direction, end_facing, facing_cost, on_stage, travel_end
from redshoes.errors import OptionError
from redshoes.live.hear import HearUpdate

DEFAULT_STAGE = Stage()
JITTER = 0.3
BRANCHES = 12  # options tried at each count of the search, best first
RECENT = 8
OPENING_COUNTS = 2
MAX_COUNTS = 4  # a decision never spans more than one bar of four
LOOK_AHEAD = 0.2  # seconds: the next bar is decided when its first count is this plus one beat away
CENTRE_PULL = 0.3  # per metre from centre stage after the step
FIXED_AHEAD = 0.15  # seconds after the audio heard within which decided counts no longer move (frames sent)
ANCHOR_REACH = 0.4  # fraction of a period: the furthest the first movable count is moved in one update
GAP_RANGE = (0.7, 1.4)  # fractions of the period: the shortest and longest a retimed count may last
PHASE_SLIP = 0.15  # fraction of a count: the most the move may shift where in the count she is at the frames sent
FOLLOW_INTERVALS = 3  # intervals between the last beats heard that may set the tempo the counts follow
FOLLOW_SPREAD = 0.12  # fraction of their mean within which those intervals must agree
FOLLOW_SHARE = 1.0  # how much of the hearing's period the agreeing intervals replace (all: the hearing lags)
RETIME_MIN = 0.015  # seconds: smaller moves of the counts are left alone (not worth animating again)


@dataclass(frozen=True)
class ComposeUpdate:
    """Steps decided in this update (absolute seconds), and whether the dancer holds after `decided_until`.

    `state`: "waiting" (no count yet), "dancing", or "holding" (the music stopped or the input is invalid).
    When the music stops, `hold_from` is the end of the step she is dancing: she holds her pose from there,
    and the steps decided after it are `withdrawn`. `retimed`: (before, after) for decided steps whose counts
    moved onto the newest predicted beats (same steps, new times).
    """

    time: float
    state: str
    decided_until: float
    steps: tuple[Step, ...] = ()
    restarted: bool = False
    hold_from: float | None = None
    withdrawn: tuple[Step, ...] = ()
    retimed: tuple[tuple[Step, Step], ...] = ()
    message: str = ""


@dataclass(frozen=True)
class _Where:
    """Where the dancer is between steps: place, facing, working foot, the step just done and its run."""

    x: float
    z: float
    facing: float
    foot: str
    previous: StepDef | None
    run: int


class OnlineCompose:
    """Steps from beats as they come (`OnlineStage[HearUpdate, ComposeUpdate]`); deterministic for a seed."""

    def __init__(self, *, seed: int = 0, level: str = "advanced", stage: Stage = DEFAULT_STAGE,
                 fixed_ahead: float = FIXED_AHEAD) -> None:
        vocabulary = load_vocabulary()
        if level not in ("beginner", "intermediate", "advanced", "professional"):
            raise OptionError(f"unknown level {level!r}; use beginner, intermediate, advanced or professional")
        self.seed, self.level, self.stage, self.fixed_ahead = seed, level, stage, fixed_ahead
        self.definitions = {s.name: s for s in vocabulary.steps}
        self.vocab = tuple(s for s in vocabulary.steps if grammar.level_allows(s, level) and s.family != "pose")
        opening = grammar.find_step(vocabulary, grammar.OPENING, "pose")
        assert opening is not None, "the vocabulary has no préparation"
        self.opening = opening
        self.reset()

    def reset(self) -> None:
        """Forget the performance: back to the start position, same seed."""
        self.rng = np.random.default_rng(self.seed)
        self.where = _Where(0.0, -0.25 * self.stage.depth / 2, 0.0, "right", None, 0)
        self.recent: deque[str] = deque(maxlen=RECENT)
        self.dancing = False
        self.decided_until = 0.0
        self.position = 0  # place in the bar (0 = downbeat) of the count at `decided_until`
        self.bar = 0
        self.pending: deque[Step] = deque()  # decided steps not yet over
        self.heard: deque[float] = deque(maxlen=FOLLOW_INTERVALS + 1)  # the last beats heard

    def process(self, update: HearUpdate) -> ComposeUpdate:
        """Decide the steps of the next bar when it is less than a bar away."""
        while self.pending and self.pending[0].end <= update.time:
            self.pending.popleft()
        if update.restarted or update.state != "beating":
            self.heard.clear()
        self.heard.extend(update.beats)
        if update.state != "beating" or not update.predicted:
            if self.dancing and update.state in ("silent", "held"):
                return self._stop(update)
            state = "dancing" if self.dancing else ("holding" if update.state in ("silent", "held") else "waiting")
            return ComposeUpdate(time=update.time, state=state, decided_until=self.decided_until,
                                 message=update.message)
        steps: list[Step] = []
        restarted = False
        retimed = self._retime(update) if self.dancing and not update.restarted else ()
        if not self.dancing or update.restarted:
            opening = self._open(update)
            if opening is None:
                return ComposeUpdate(time=update.time, state="waiting", decided_until=self.decided_until,
                                     message=update.message)
            steps.append(opening)
            restarted = True
        horizon = update.time + LOOK_AHEAD + update.period
        while self.decided_until < horizon:
            group = self._next_group(update)
            if not group:
                break
            steps.extend(group)
        return ComposeUpdate(time=update.time, state="dancing", decided_until=self.decided_until,
                             steps=tuple(steps), restarted=restarted, retimed=retimed, message=update.message)

    def _retime(self, update: HearUpdate) -> tuple[tuple[Step, Step], ...]:
        """Move the counts of the decided steps not yet danced onto the newest predicted beats.

        The counts (and the end of the last step) are a chain of beats; the first that may move (further than
        `fixed_ahead` from the audio heard) goes to the nearest predicted beat, at most `ANCHOR_REACH` of a
        period, the next ones to the predicted beats after it, one count per beat; no count then lasts less
        or more than `GAP_RANGE` of the period (no sudden rush or stall), and none moves into frames sent.
        """
        steps = list(self.pending)
        predicted = self._followed(update)
        if not steps or not len(predicted):
            return ()
        old = [t for s in steps for t in s.count_times] + [steps[-1].end]
        fixed_until = update.time + self.fixed_ahead
        first = next((k for k, t in enumerate(old) if t > fixed_until), len(old))
        if first == len(old):
            return ()
        period = update.period
        nearest = int(np.argmin(np.abs(predicted - old[first])))
        shift = float(np.clip(predicted[nearest] - old[first], -ANCHOR_REACH * period, ANCHOR_REACH * period))
        new = old[:first]
        for k in range(first, len(old)):
            j = nearest + k - first
            if k == first:
                target = self._slip_limited(old, first, old[first] + shift, fixed_until)
            elif j < len(predicted):
                target = float(predicted[j])
            else:
                target = new[-1] + period
            if new:
                target = min(max(target, new[-1] + GAP_RANGE[0] * period), new[-1] + GAP_RANGE[1] * period)
            new.append(max(target, fixed_until))
        if max(abs(a - b) for a, b in zip(old, new, strict=True)) < RETIME_MIN:
            return ()
        pairs = []
        k = 0
        for index, s in enumerate(steps):
            n = len(s.count_times)
            times, end = tuple(new[k : k + n]), new[k + n]
            k += n
            if times == s.count_times and end == s.end:
                continue
            fraction = self.definitions[s.name].accent
            moved = replace(s, start=times[0], end=end, count_times=times,
                            accent=times[0] + fraction * (end - times[0]))
            steps[index] = moved
            pairs.append((s, moved))
        self.pending = deque(steps)
        self.decided_until = new[-1]
        return tuple(pairs)

    def _followed(self, update: HearUpdate) -> np.ndarray:
        """The beats the counts are moved onto: the hearing's prediction, or, where the last beats heard agree
        on a tempo of their own, a grid from the last of them at a period between theirs and the hearing's.

        The hearing is slow to leave a tempo (it must not change its count on one odd bar), so through a
        ritardando its predicted beats fall ever earlier; the beats just heard already slow down.
        """
        predicted = np.asarray(update.predicted, dtype=float)
        if len(self.heard) <= FOLLOW_INTERVALS:
            return predicted
        intervals = np.diff(np.asarray(self.heard))
        local = float(intervals.mean())
        agree = float(np.ptp(intervals)) < FOLLOW_SPREAD * local and 0.7 < local / update.period < 1.4
        last = self.heard[-1]
        if not agree or update.time - last > 1.5 * local:
            return predicted
        period = FOLLOW_SHARE * local + (1.0 - FOLLOW_SHARE) * update.period
        grid = last + period * np.arange(1, len(predicted) + 2)
        return grid[grid > update.time]

    @staticmethod
    def _slip_limited(old: list[float], first: int, target: float, fixed_until: float) -> float:
        """The first movable count as near `target` as keeps her phase at the frames sent within `PHASE_SLIP`.

        Between the last fixed count and this one she is `elapsed` into the count when the new frames join
        the ones sent; lengthening or shortening the count moves her within it by elapsed * (1/gap - 1/gap').
        """
        if first == 0:
            return target
        before = old[first - 1]
        elapsed, gap = max(fixed_until - before, 0.0), old[first] - before
        if elapsed <= 0.0:
            return target
        slowest = 1.0 / gap - PHASE_SLIP / elapsed
        longest = 1.0 / slowest if slowest > 0.0 else math.inf
        shortest = 1.0 / (1.0 / gap + PHASE_SLIP / elapsed)
        return before + min(max(target - before, shortest), longest)

    def _stop(self, update: HearUpdate) -> ComposeUpdate:
        """The music stopped: finish the step under way, withdraw the ones after it, hold."""
        self.dancing = False
        current = [s for s in self.pending if s.start <= update.time < s.end]
        hold_from = current[0].end if current else update.time
        withdrawn = tuple(s for s in self.pending if s.start >= hold_from - 1e-9)
        self.pending.clear()
        self.decided_until = hold_from
        return ComposeUpdate(time=update.time, state="holding", decided_until=hold_from, hold_from=hold_from,
                             withdrawn=withdrawn, message=update.message)

    # -- opening -------------------------------------------------------------------------------------

    def _open(self, update: HearUpdate) -> Step | None:
        """A préparation on the next two predicted counts (after the audio heard so far)."""
        beats = [t for t in update.predicted if t >= update.time]
        positions = update.predicted_positions[len(update.predicted) - len(beats):]
        if len(beats) < OPENING_COUNTS + 1:
            return None
        self.dancing = True
        self.where = _Where(self.where.x, self.where.z, self.where.facing, "right", None, 0)
        self.bar += 1
        start_position = positions[0]
        step = self._make(self.opening, OPENING_COUNTS, tuple(beats[:OPENING_COUNTS]), beats[OPENING_COUNTS],
                          self.where.facing, start_position)
        self.position = positions[OPENING_COUNTS]
        if self.position == 0:
            self.bar += 1
        return step

    # -- one decision ----------------------------------------------------------------------------------

    def _next_group(self, update: HearUpdate) -> list[Step]:
        """The steps from `decided_until` to the next predicted downbeat, or [] when the beats are not known."""
        period = update.period
        future = [(t, p) for t, p in zip(update.predicted, update.predicted_positions, strict=True)
                  if t > self.decided_until + 0.5 * period]
        near = [p for t, p in zip(update.predicted, update.predicted_positions, strict=True)
                if abs(t - self.decided_until) <= 0.5 * period]
        if near:
            self.position = near[0]
        left_in_bar = update.beats_per_bar - self.position
        counts = max(1, min(left_in_bar, MAX_COUNTS))
        if len(future) < counts:
            return []
        times = (self.decided_until, *(t for t, _ in future[:counts]))
        plan = self._search(counts, update)
        steps = []
        k = 0
        for definition, n, facing in plan:
            steps.append(self._make(definition, n, times[k : k + n], times[k + n], facing, self.position))
            self.position += n
            k += n
        self.position = future[counts - 1][1]
        if self.position == 0:
            self.bar += 1
        return steps

    def _search(self, counts: int, update: HearUpdate) -> list[tuple[StepDef, int, float]]:
        """Steps filling `counts` under the grammar, best first (depth-first, the first complete plan wins)."""
        meter = "3/4" if update.beats_per_bar == 3 else "4/4"
        bpm = 60.0 / max(update.period, 1e-3)
        energy = float(np.clip((update.loudness + 40.0) / 35.0, 0.0, 1.0))
        jitter = {s.name: JITTER * float(self.rng.random()) for s in self.vocab}

        def search(left: int, where: _Where, recent: tuple[str, ...]) -> list[tuple[StepDef, int, float]] | None:
            if left == 0:  # the next bar must be able to follow: a link (after which any step may come) fits
                return [] if any(d.family == "link" and self._allowed(d, where) for d in self.vocab) else None
            options = []
            for d in self.vocab:
                for n in d.counts:
                    if n > left or not self._allowed(d, where):
                        continue
                    facing = self._facing(d, where)
                    if facing is None:
                        continue
                    score = self._score(d, meter, bpm, energy, where, recent) + jitter[d.name]
                    options.append((score, d.name, n, d, facing))
            options.sort(key=lambda o: (-o[0], o[1], -o[2]))
            for _, _, n, d, facing in options[:BRANCHES]:
                after = self._after(d, facing, where)
                rest = search(left - n, after, (*recent, d.name))
                if rest is not None:
                    return [(d, n, facing), *rest]
            return None

        plan = search(counts, self.where, tuple(self.recent))
        if plan is None:  # nothing keeps every rule: a préparation-like hold on a link, in place
            link = next(s for s in self.vocab if s.family == "link" and 1 in s.counts)
            plan = [(link, 1, self.where.facing)] * counts
        return plan

    def _allowed(self, d: StepDef, where: _Where) -> bool:
        if where.previous is None:
            return True
        if not grammar.positions_join(where.previous, d) or not grammar.prepares(where.previous, d):
            return False
        run = where.run + 1 if where.previous.name == d.name else 1
        return run <= grammar.max_run(d)

    def _score(self, d: StepDef, meter: str, bpm: float, energy: float, where: _Where,
               recent: tuple[str, ...]) -> float:
        score = 0.0 if meter in d.meters else -1.0
        lo, hi = d.tempo
        score -= 0.02 * max(0.0, lo - bpm, bpm - hi)
        if d.family == "adagio":
            score += 0.8 * (1.0 - energy)
        elif d.family in ("petit allegro", "grand allegro", "turn"):
            score += 0.8 * energy
        elif d.family == "waltz" and meter == "3/4":
            score += 1.0
        uses = sum(1 for name in recent[-RECENT:] if name == d.name)
        score -= (0.1 if grammar.is_repeating(d) else 0.7) * uses
        if where.previous is not None:
            if where.previous.name == d.name and not grammar.is_repeating(d):
                score -= 0.6
            if where.previous.family == "link" and d.family == "link":
                score -= 0.8
        return score

    def _facing(self, d: StepDef, where: _Where) -> float | None:
        """The facing that keeps the dancer on stage, near the audience's view and near centre stage."""
        options = FACINGS[:5] if d.travel > 0 else FACINGS[:3]
        best: tuple[float, float] | None = None
        for f in options:
            x, z = travel_end(d, f, where.foot, where.x, where.z)
            if not on_stage(x, z, self.stage):
                continue
            cost = facing_cost(f) + CENTRE_PULL * math.hypot(x, z) + (0.0 if f == where.facing else 0.05)
            if best is None or cost < best[0] - 1e-9:
                best = (cost, f)
        return None if best is None else best[1]

    def _after(self, d: StepDef, facing: float, where: _Where) -> _Where:
        x, z = travel_end(d, facing, where.foot, where.x, where.z)
        run = where.run + 1 if where.previous is not None and where.previous.name == d.name else 1
        return _Where(x, z, end_facing(d, facing), grammar.foot_after(d, where.foot), d, run)

    def _make(self, d: StepDef, counts: int, times: tuple[float, ...], end: float, facing: float,
              position: int) -> Step:
        """Place a step in time and on the stage, and move the dancer to its end."""
        where = self.where
        after = self._after(d, facing, where)
        start = times[0]
        step = Step(
            name=d.name, start=start, end=end, bar=max(self.bar, 1), count=position + 1, counts=counts,
            count_times=tuple(times), foot=where.foot, start_at=StagePoint(round(where.x, 6), round(where.z, 6)),
            end_at=StagePoint(round(after.x, 6), round(after.z, 6)), facing=facing, end_facing=after.facing,
            direction=body_direction(d, facing, where.foot), accent=start + d.accent * (end - start),
        )
        self.where = _Where(step.end_at.x, step.end_at.z, after.facing, after.foot, d, after.run)
        self.recent.append(d.name)
        self.decided_until = end
        self.pending.append(step)
        return step
