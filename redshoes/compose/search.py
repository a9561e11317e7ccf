"""Beam search of the steps that fill one phrase exactly, under the grammar, on the stage, to the music.

The beam is indexed by the count reached: every partial combination ending on count k competes with the
others ending there; the best `BEAM` of them are extended by every step that fits. Score of a combination =
the sum over its steps of the phrase scores (`character.py`) plus:
  variety  -0.7 per use of the same step among the last 8 (-0.1 for steps meant to repeat), -0.6 for doing a
           non-repeating step twice in a row, -0.8 for a link after another link, -1.5 × the step's share
           of all the steps composed before
  stage    -facing_cost (0 en face or on a front diagonal, 0.6 in profile, 1.5 facing away), +2 per metre
           travelled toward the phrase's goal on the stage, at most 0.6 m a step (the goals go round the
           diagonals and across, downstage at the climax)
  motif    +3 × music similarity when the step repeats, at the same count, the step of the phrase it echoes
  foot     +2.5 when the phrase ends on the working foot the next phrase's motif wants (to mirror it)
Hard rules: positions join, preparations before turns and big jumps, runs of a step limited, on stage.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from redshoes.ballet.vocabulary import StepDef
from redshoes.compose import grammar
from redshoes.compose.choreography import Stage
from redshoes.compose.stagecraft import FACINGS, bounds, end_facing, facing_cost, heading

BEAM = 6
RECENT = 8
END_FOOT_BONUS = 2.5
GOAL_WEIGHT = 2.0
GOAL_CAP = 0.6
LINK_AFTER_LINK = 0.8
WANTED_FACING = 3.0


@dataclass(frozen=True)
class Placed:
    """A step chosen by the search: which, how many counts, from which count of the phrase, where and how."""

    step: StepDef
    counts: int
    offset: int
    foot: str
    facing: float
    end_facing: float
    x0: float
    z0: float
    x1: float
    z1: float


@dataclass(frozen=True)
class Entry:
    """Where the dancer is when a phrase begins."""

    previous: StepDef
    foot: str
    x: float
    z: float
    facing: float
    run: int
    recent: tuple[str, ...]


@dataclass(frozen=True)
class Task:
    """One phrase to fill: its length in counts and what is asked of it."""

    length: int
    candidates: tuple[tuple[StepDef, int], ...]
    scores: list[list[float]]  # [candidate][count]: phrase score of candidate c started at count o
    goal: tuple[float, float]
    first: StepDef | None = None
    last: StepDef | None = None
    motif: dict[int, tuple[str, int, float]] | None = None
    motif_weight: float = 0.0
    motif_foot: str | None = None
    end_foot: str | None = None


class _State:
    __slots__ = ("score", "foot", "previous", "x", "z", "run", "recent", "chain")

    def __init__(self, score: float, foot: str, previous: StepDef, x: float, z: float, run: int,
                 recent: tuple[str, ...], chain: tuple | None) -> None:
        self.score = score
        self.foot = foot
        self.previous = previous
        self.x = x
        self.z = z
        self.run = run
        self.recent = recent
        self.chain = chain


_MOVES: dict[tuple[str, str], tuple[StepDef, tuple[tuple[float, float, float, float], ...]]] = {}
_JOINS: dict[tuple[str, str], tuple[StepDef, StepDef, bool]] = {}


def _moves(step: StepDef, foot: str) -> tuple[tuple[float, float, float, float], ...]:
    """Every facing the step may take with its displacement and the score of the facing alone.

    Returns (facing, dx, dz, facing score) rows; facing score = -facing_cost, +0.1 on a front diagonal
    (épaulement: croisé / effacé preferred to a flat en face).
    """
    hit = _MOVES.get((step.name, foot))
    if hit is not None and hit[0] is step:
        return hit[1]
    options = FACINGS[:5] if step.travel > 0 else FACINGS[:3]
    rows = []
    for f in options:
        hx, hz = heading(step, f, foot)
        score = -facing_cost(f) + (0.1 if f != 0.0 and abs(f) <= 45.0 else 0.0)
        rows.append((f, step.travel * hx, step.travel * hz, score))
    _MOVES[(step.name, foot)] = (step, tuple(rows))
    return tuple(rows)


def _joins(previous: StepDef, step: StepDef) -> bool:
    """Whether `step` may follow `previous` (positions and preparation), memoised by name."""
    hit = _JOINS.get((previous.name, step.name))
    if hit is not None and hit[0] is previous and hit[1] is step:
        return hit[2]
    ok = grammar.positions_join(previous, step) and grammar.prepares(previous, step)
    _JOINS[(previous.name, step.name)] = (previous, step, ok)
    return ok


def _best_facing(step: StepDef, foot: str, x: float, z: float, limits: tuple[float, float],
                 goal: tuple[float, float], wanted: float | None) -> tuple[float, float, float, float] | None:
    """The facing with the best stage score for a step from (x, z): (score, facing, x1, z1)."""
    rows = _moves(step, foot)
    if step.travel == 0.0 and wanted is None:
        f, _, _, base = max(rows, key=lambda r: r[3])
        return base, f, x, z
    best: tuple[float, float, float, float] | None = None
    gx, gz = goal
    lx, lz = limits
    d0 = math.hypot(x - gx, z - gz)
    for f, dx, dz, base in rows:
        x1, z1 = x + dx, z + dz
        if abs(x1) > lx or abs(z1) > lz:
            continue
        s = base + GOAL_WEIGHT * min(GOAL_CAP, d0 - math.hypot(x1 - gx, z1 - gz))
        if wanted is not None and abs(f - wanted) < 1e-9:
            s += WANTED_FACING
        if best is None or s > best[0] + 1e-9:
            best = (s, f, x1, z1)
    if best is None:
        # away from the audience only when nothing facing front fits (near the downstage edge)
        for f in (wanted, *FACINGS[5:]) if wanted is not None else FACINGS[5:]:
            hx, hz = heading(step, f, foot)
            x1, z1 = x + step.travel * hx, z + step.travel * hz
            if abs(x1) <= lx and abs(z1) <= lz:
                s = -facing_cost(f) + (WANTED_FACING if f == wanted else 0.0)
                if best is None or s > best[0] + 1e-9:
                    best = (s, f, x1, z1)
    return best


def _prune(expansions: list[tuple]) -> list[_State]:
    """The best `BEAM` expansions ending on a count, made into states; one per (step, foot, run, place)."""
    kept: list[_State] = []
    seen: set[tuple[str, str, int, float, float]] = set()
    for score, st, step, ci, o, facing, x1, z1, foot_next, run in sorted(expansions, key=lambda e: -e[0]):
        key = (step.name, foot_next, run, round(x1, 2), round(z1, 2))
        if key in seen:
            continue
        seen.add(key)
        record = (ci, o, facing, st.x, st.z, x1, z1, st.foot)
        recent = (*st.recent[-(RECENT - 1):], step.name)
        kept.append(_State(score, foot_next, step, x1, z1, run, recent, (st.chain, record)))
        if len(kept) == BEAM:
            break
    return kept


def search_phrase(task: Task, entry: Entry, stage: Stage, usage: dict[str, float],
                  *, relaxed: bool = False) -> list[Placed] | None:
    """The best sequence of steps filling the phrase exactly, or None when the rules allow none."""
    n = task.length
    limits = bounds(stage)
    limits = (limits[0] + 1e-9, limits[1] + 1e-9)
    pending: list[list[tuple]] = [[] for _ in range(n + 1)]
    beams: list[list[_State]] = [[] for _ in range(n + 1)]
    beams[0].append(_State(0.0, entry.foot, entry.previous, entry.x, entry.z, entry.run, entry.recent, None))
    mirrored = task.motif_foot is not None and task.motif_foot != entry.foot
    info = []
    for step, counts in task.candidates:
        still = {}
        if step.travel == 0.0:
            for foot in grammar.FEET:
                f, _, _, base = max(_moves(step, foot), key=lambda r: r[3])
                still[foot] = (base, f)
        info.append((step, counts, step.name, grammar.max_run(step), grammar.is_repeating(step),
                     1.5 * usage.get(step.name, 0.0), step.family == "link", still))
    first, last, motif, goal = task.first, task.last, task.motif, task.goal
    for o in range(n):
        if o > 0:
            beams[o] = _prune(pending[o])
        if not beams[o]:
            continue
        motif_here = motif.get(o) if motif is not None else None
        scores_here = [row[o] for row in task.scores]
        for st in beams[o]:
            prev, prev_name, st_foot = st.previous, st.previous.name, st.foot
            prev_link = prev.family == "link"
            for ci, (step, counts, name, most, repeating, used, is_link, still) in enumerate(info):
                end = o + counts
                if end > n:
                    continue
                if o == 0 and first is not None and step is not first:
                    continue
                if last is not None and (step is last) != (end == n):
                    continue
                if not relaxed and not _joins(prev, step):
                    continue
                same = prev_name == name
                run = st.run + 1 if same else 1
                if run > most and not relaxed:
                    continue
                wanted = None
                bonus = 0.0
                if motif_here is not None and motif_here[0] == name and motif_here[1] == counts:
                    bonus = 3.0 * task.motif_weight
                    wanted = -motif_here[2] if mirrored else motif_here[2]
                if still and wanted is None:
                    stage_score, facing = still[st_foot]
                    x1, z1 = st.x, st.z
                else:
                    placed = _best_facing(step, st_foot, st.x, st.z, limits, goal, wanted)
                    if placed is None:
                        continue
                    stage_score, facing, x1, z1 = placed
                variety = -(0.1 if repeating else 0.7) * st.recent.count(name) - used
                if same and not repeating:
                    variety -= 0.6
                elif is_link and prev_link and not same:
                    variety -= LINK_AFTER_LINK
                score = st.score + scores_here[ci] + stage_score + variety + bonus
                foot_next = grammar.foot_after(step, st_foot)
                if end == n and task.end_foot is not None and foot_next == task.end_foot:
                    score += END_FOOT_BONUS
                pending[end].append((score, st, step, ci, o, facing, x1, z1, foot_next, run))
    beams[n] = _prune(pending[n])
    if not beams[n]:
        return None
    best = max(beams[n], key=lambda s: s.score)
    records = []
    chain = best.chain
    while chain is not None:
        chain, record = chain
        records.append(record)
    records.reverse()
    out = []
    for ci, o, facing, x0, z0, x1, z1, foot in records:
        step, counts = task.candidates[ci]
        out.append(Placed(step, counts, o, foot, facing, end_facing(step, facing), x0, z0, x1, z1))
    return out


def replay(task: Task, entry: Entry, stage: Stage) -> list[Placed] | None:
    """The motif's steps again from this entry (mirrored when the foot is the other), if the rules allow.

    A step whose mirrored facing would take the dancer off the stage takes the best facing keeping her on it.
    """
    if task.motif is None:
        return None
    mirrored = task.motif_foot is not None and task.motif_foot != entry.foot
    by_key = {(s.name, c): (s, c) for s, c in task.candidates}
    limits = bounds(stage)
    limits = (limits[0] + 1e-9, limits[1] + 1e-9)
    out: list[Placed] = []
    prev, foot, x, z, run = entry.previous, entry.foot, entry.x, entry.z, entry.run
    for o in sorted(task.motif):
        name, counts, facing = task.motif[o]
        if (name, counts) not in by_key:
            return None
        step, _ = by_key[(name, counts)]
        if o == 0 and task.first is not None and step is not task.first:
            return None
        if not _joins(prev, step):
            return None
        run = run + 1 if prev.name == step.name else 1
        if run > grammar.max_run(step):
            return None
        placed = _best_facing(step, foot, x, z, limits, task.goal, -facing if mirrored else facing)
        if placed is None:
            return None
        _, f, x1, z1 = placed
        out.append(Placed(step, counts, o, foot, f, end_facing(step, f), x, z, x1, z1))
        prev, foot, x, z = step, grammar.foot_after(step, foot), x1, z1
    if not out or out[-1].offset + out[-1].counts != task.length:
        return None
    if task.last is not None and out[-1].step is not task.last:
        return None
    return out
