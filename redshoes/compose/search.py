"""Beam search of the steps that fill one phrase exactly, under the grammar, on the stage, to the music.

The beam is indexed by the count reached: every partial combination ending on count k competes with the
others ending there; the best `BEAM` of them are extended by every step that fits. Score of a combination =
the sum over its steps of the phrase scores (`character.py`) plus:
  variety  -0.7 per use of the same step among the last 8 (-0.1 for steps meant to repeat), -0.6 for doing a
           non-repeating step twice in a row, -0.6 for each repeat of a series step past its second in a row
           (two pas de valse, then something else), -1 a step per 3 counts past 12 counts of one family
           in a row (a waltz combination mixes balancés, pas de valse, a turn, a pose), -0.8 for a link
           after another link, -1.5 × the step's share of all the steps composed before
  links    -0.4 for a link (glue, not the dance) unless it prepares a turn or a big jump right after it
  stage    -facing_cost (0 en face or on a front diagonal, 0.6 in profile, 1.5 facing away), +2 per metre
           travelled toward the phrase's goal on the stage, at most 0.3 m a count of the step (the goals go round the
           diagonals and across, downstage at the climax)
  motif    +3 × music similarity when the step repeats, at the same count, the step of the phrase it echoes
  foot     +2.5 when the phrase ends on the working foot the next phrase's motif wants (to mirror it)
Hard rules: positions join, preparations before turns and big jumps, runs of a step limited, on stage.
An `Exit` (a locked step right after the passage) must be joined: the foot it works, its start position, and
its place on the stage (the last step, a link, travels there, at most 0.6 m a count beyond its usual travel or
twice it; the stretch costs 1 a metre).
"""

from __future__ import annotations

import math
from bisect import insort
from dataclasses import dataclass, replace
from operator import itemgetter
from typing import NamedTuple

from redshoes.ballet.vocabulary import StepDef
from redshoes.compose import grammar
from redshoes.compose.choreography import Stage
from redshoes.compose.stagecraft import FACINGS, bounds, end_facing, facing_cost, heading

BEAM = 6
RECENT = 8
END_FOOT_BONUS = 2.5
GOAL_WEIGHT = 2.0
GOAL_CAP = 0.3  # metres a count
LINK_AFTER_LINK = 0.8
WANTED_FACING = 3.0
SERIES_PAST_TWO = 0.6
LINK_COST = 0.6
FAMILY_COUNTS = 12
FAMILY_RUN = 1.0
STRETCH_COST = 1.0
STRETCH_PER_COUNT = 0.6  # metres a link may travel beyond its usual, a count, to reach a locked step
PLACE_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Exit:
    """The step that must follow the passage (a locked one): its definition, foot and place on the stage.

    `x`/`z` None: anywhere (only the foot and the position of the feet must join); `foot` "": either foot.
    """

    step: StepDef
    foot: str
    x: float | None = None
    z: float | None = None


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
    exit: Exit | None = None
    breaks: tuple[int, ...] = ()  # counts where a step must begin (a phrase line inside the passage)


class _State:
    __slots__ = ("score", "foot", "previous", "x", "z", "run", "recent", "chain", "family_counts")

    def __init__(self, score: float, foot: str, previous: StepDef, x: float, z: float, run: int,
                 recent: tuple[str, ...], chain: tuple | None, family_counts: int = 0) -> None:
        self.score = score
        self.family_counts = family_counts
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
                 goal: tuple[float, float], wanted: float | None,
                 counts: int = 2) -> tuple[float, float, float, float] | None:
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
        s = base + GOAL_WEIGHT * min(GOAL_CAP * counts, d0 - math.hypot(x1 - gx, z1 - gz))
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


def _exit_join(ex: Exit, step: StepDef, counts: int, x0: float, z0: float, x1: float, z1: float,
               foot_next: str, relaxed: bool) -> tuple[float, float, float] | None:
    """Where the passage's last step ends to join the exit step, and the cost of stretching it there."""
    if ex.foot and foot_next != ex.foot:
        return None
    if not relaxed and not _joins(step, ex.step):
        return None
    if ex.x is None or ex.z is None:
        return x1, z1, 0.0
    if abs(x1 - ex.x) <= PLACE_TOLERANCE and abs(z1 - ex.z) <= PLACE_TOLERANCE:
        return ex.x, ex.z, 0.0
    if step.family != "link":
        return None
    distance = math.hypot(ex.x - x0, ex.z - z0)
    if distance > max(2.0 * step.travel, step.travel + STRETCH_PER_COUNT * counts):
        return None
    return ex.x, ex.z, STRETCH_COST * abs(distance - step.travel)


def _prune(expansions: list[tuple]) -> list[_State]:
    """The best `BEAM` expansions ending on a count, made into states; one per (step, foot, run, place)."""
    kept: list[_State] = []
    seen: set[tuple[str, str, int, float, float]] = set()
    for score, st, step, ci, o, facing, x1, z1, foot_next, run, fam, key in sorted(expansions, key=itemgetter(0),
                                                                                  reverse=True):
        if key in seen:
            continue
        seen.add(key)
        record = (ci, o, facing, st.x, st.z, x1, z1, st.foot)
        recent = (*st.recent[-(RECENT - 1):], step.name)
        kept.append(_State(score, foot_next, step, x1, z1, run, recent, (st.chain, record), fam))
        if len(kept) == BEAM:
            break
    return kept


class _Row(NamedTuple):
    """What the search needs of one candidate, worked out once per phrase (the fields in the order unpacked)."""

    step: StepDef
    counts: int
    name: str
    most: int  # the longest run of it allowed
    repeat_cost: float  # variety lost per use among the recent steps
    used: float  # variety lost for its share of the steps composed before
    is_link: bool
    still: dict[str, tuple[float, float]]  # foot -> (stage score, facing) of a step that does not travel
    moves: dict[str, tuple[tuple[float, float, float, float], ...]]  # foot -> (facing, dx, dz, facing score)
    cap: float  # metres toward the goal that count
    family: str
    prepared: bool  # needs a link or a pose before it
    after: dict[str, str]  # foot -> working foot of the next step
    repeating: bool
    ceiling: dict[str, float]  # foot -> the most its stage score may be (best facing, the whole way to the goal)
    variety_ceiling: float  # the most its variety score may be


def _rows(task: Task, usage: dict[str, float]) -> list[_Row]:
    rows = []
    for step, counts in task.candidates:
        still = {}
        if step.travel == 0.0:
            for foot in grammar.FEET:
                f, _, _, base = max(_moves(step, foot), key=lambda r: r[3])
                still[foot] = (base, f)
        moves = {foot: _moves(step, foot) for foot in grammar.FEET}
        used = 1.5 * usage.get(step.name, 0.0)
        is_link, repeating = step.family == "link", grammar.is_repeating(step)
        prepared = grammar.needs_preparation(step)
        # the goal term is at most 2 × min(cap, travel): the dancer comes no nearer than the step travels
        ceiling = {foot: max(r[3] for r in moves[foot]) + GOAL_WEIGHT * min(GOAL_CAP * counts, abs(step.travel))
                   for foot in moves}
        variety_ceiling = -used - LINK_COST if is_link else -used + LINK_COST if prepared else -used
        rows.append(_Row(step, counts, step.name, grammar.max_run(step), 0.1 if repeating else 0.7, used, is_link,
                         still, moves, GOAL_CAP * counts, step.family, prepared,
                         {foot: grammar.foot_after(step, foot) for foot in grammar.FEET}, repeating, ceiling,
                         variety_ceiling))
    return rows


def _allowed_at(task: Task, rows: list[_Row], o: int, onward: dict[str, bool], relaxed: bool) -> list[int]:
    """The candidates that may start at count `o` whatever came before (length, phrase lines, first and last)."""
    n, first, last, breaks = task.length, task.first, task.last, task.breaks
    out = []
    for ci, row in enumerate(rows):
        step, end = row.step, o + row.counts
        if end > n or (breaks and any(o < b < end for b in breaks)):
            continue
        if (o == 0 and first is not None and step is not first) or (last is not None and (step is last) != (end == n)):
            continue
        if not relaxed and (end < n or (last is None and task.exit is None)) and not onward[row.name]:
            continue  # a dead end: nothing could follow it, here or in the next phrase
        out.append(ci)
    return out


def _ceilings(rows: list[_Row], allowed: list[int], o: int, n: int, foot: str, scores_here: list[float],
              motif_here: tuple[str, int, float] | None, end_foot: str | None) -> dict[int, float]:
    """The most each allowed candidate could add at count `o` to a state on `foot` (inf where the motif asks it)."""
    out = {}
    for ci in allowed:
        r = rows[ci]
        if motif_here is not None and motif_here[0] == r.name and motif_here[1] == r.counts:
            out[ci] = math.inf
            continue
        top = scores_here[ci] + (r.still[foot][0] if r.still else r.ceiling[foot]) + r.variety_ceiling
        if o + r.counts == n and end_foot is not None:
            top += END_FOOT_BONUS
        out[ci] = top + 1e-6
    return out


def search_phrase(task: Task, entry: Entry, stage: Stage, usage: dict[str, float],
                  *, relaxed: bool = False) -> list[Placed] | None:
    """The best sequence of steps filling the phrase exactly, or None when the rules allow none.

    Exact pruning, same result as building every expansion: an expansion whose score cannot reach the lowest of
    the `BEAM` best distinct beam keys already at its count is never built (it could never enter that beam).
    """
    n = task.length
    limits = bounds(stage)
    limits = (limits[0] + 1e-9, limits[1] + 1e-9)
    lx, lz = limits
    pending: list[list[tuple]] = [[] for _ in range(n + 1)]
    beams: list[list[_State]] = [[] for _ in range(n + 1)]
    beams[0].append(_State(0.0, entry.foot, entry.previous, entry.x, entry.z, entry.run, entry.recent, None))
    mirrored = task.motif_foot is not None and task.motif_foot != entry.foot
    info = _rows(task, usage)
    motif, goal = task.motif, task.goal
    gx, gz = goal
    steps_here = {step.name: step for step, _ in task.candidates}
    # whether another step may follow (a step only itself may follow leads nowhere once its run is done)
    onward = {step.name: any(o is not step and _joins(step, o) for o in steps_here.values())
              for step in steps_here.values()}
    signatures: dict[tuple[int, ...], int] = {}
    joined: dict[tuple[int, int], list[tuple[int, int, _Row]]] = {}
    end_foot, exit_step = task.end_foot, task.exit
    hypot = math.hypot
    # per count reached: the best score of each distinct beam key so far, and the `BEAM` best of those (ascending):
    # an expansion that cannot reach the lowest of them can never enter that count's beam, so it is not built
    keyed: list[dict[tuple, float]] = [{} for _ in range(n + 1)]
    tops: list[list[float]] = [[] for _ in range(n + 1)]
    floors = [-math.inf] * (n + 1)  # the lowest of `tops[end]` once it holds `BEAM` scores
    for o in range(n):
        if o > 0:
            beams[o] = _prune(pending[o])
        if not beams[o]:
            continue
        motif_here = motif.get(o) if motif is not None else None
        scores_here = [row[o] for row in task.scores]
        allowed = _allowed_at(task, info, o, onward, relaxed)
        signature = signatures.setdefault(tuple(allowed), len(signatures))
        ceilings = {foot: _ceilings(info, allowed, o, n, foot, scores_here, motif_here, end_foot)
                    for foot in {st.foot for st in beams[o]}}
        for st in beams[o]:
            prev, prev_name, st_foot = st.previous, st.previous.name, st.foot
            prev_link, prev_family = prev.family == "link", prev.family
            sx, sz, st_run, st_score, st_recent, st_fam = st.x, st.z, st.run, st.score, st.recent, st.family_counts
            d0 = hypot(sx - gx, sz - gz)
            todo = joined.get((signature, id(prev)))
            if todo is None:
                todo = [(ci, info[ci].counts, info[ci]) for ci in allowed if relaxed or _joins(prev, info[ci].step)]
                joined[(signature, id(prev))] = todo
            row_ceiling = ceilings[st_foot]
            for ci, counts, row in todo:
                end = o + counts
                if st_score + row_ceiling[ci] < floors[end]:
                    continue
                (step, counts, name, most, repeat_cost, used, is_link, still, moves, cap, family, prepared, after,
                 repeating, ceiling, _) = row
                same = prev_name == name
                run = st_run + 1 if same else 1
                if run > most and not relaxed:
                    continue
                wanted = None
                bonus = 0.0
                if motif_here is not None and motif_here[0] == name and motif_here[1] == counts:
                    bonus = 3.0 * task.motif_weight
                    wanted = -motif_here[2] if mirrored else motif_here[2]
                variety = -repeat_cost * st_recent.count(name) - used
                if same and not repeating:
                    variety -= 0.6
                elif same and run > 2:
                    variety -= SERIES_PAST_TWO * (run - 2)
                elif is_link and prev_link and not same:
                    variety -= LINK_AFTER_LINK
                fam = st_fam + counts if family == prev_family else counts
                if fam > FAMILY_COUNTS and not is_link:
                    variety -= FAMILY_RUN * (fam - FAMILY_COUNTS) / 3.0
                if is_link:
                    variety -= LINK_COST
                elif prev_link and prepared:
                    variety += LINK_COST  # the link before was a preparation, not glue
                foot_next = after[st_foot]
                if wanted is None and floors[end] > -math.inf:
                    bound = st_score + scores_here[ci] + (still[st_foot][0] if still else ceiling[st_foot])
                    bound = bound + variety + bonus
                    if end == n and end_foot is not None and foot_next == end_foot:
                        bound += END_FOOT_BONUS
                    if bound < floors[end] - 1e-9:
                        continue
                if still and wanted is None:
                    stage_score, facing = still[st_foot]
                    x1, z1 = sx, sz
                elif wanted is None:
                    best = None
                    for f, dx, dz, base in moves[st_foot]:
                        x1, z1 = sx + dx, sz + dz
                        if abs(x1) > lx or abs(z1) > lz:
                            continue
                        s = base + GOAL_WEIGHT * min(cap, d0 - hypot(x1 - gx, z1 - gz))
                        if best is None or s > best[0] + 1e-9:
                            best = (s, f, x1, z1)
                    if best is None:
                        best = _best_facing(step, st_foot, sx, sz, limits, goal, wanted, counts)
                        if best is None:
                            continue
                    stage_score, facing, x1, z1 = best
                else:
                    placed = _best_facing(step, st_foot, sx, sz, limits, goal, wanted, counts)
                    if placed is None:
                        continue
                    stage_score, facing, x1, z1 = placed
                score = st_score + scores_here[ci] + stage_score + variety + bonus
                if end == n and end_foot is not None and foot_next == end_foot:
                    score += END_FOOT_BONUS
                if end == n and exit_step is not None:
                    joined_exit = _exit_join(exit_step, step, counts, sx, sz, x1, z1, foot_next, relaxed)
                    if joined_exit is None:
                        continue
                    x1, z1, stretch = joined_exit
                    score -= stretch
                if score < floors[end] - 1e-9:
                    continue  # below the count's beam already
                key = (name, foot_next, run, round(x1, 2), round(z1, 2))
                pending[end].append((score, st, step, ci, o, facing, x1, z1, foot_next, run, fam, key))
                seen = keyed[end]
                old = seen.get(key)
                if old is None or score > old:
                    seen[key] = score
                    top = tops[end]
                    if old is not None and old >= top[0]:
                        top.remove(old)  # the key's score among the best rises
                        insort(top, score)
                    elif len(top) < BEAM:
                        insort(top, score)
                    elif score > top[0]:
                        insort(top, score)
                        del top[0]
                    if len(top) == BEAM:
                        floors[end] = top[0]
    beams[n] = _prune(pending[n])
    if not beams[n]:
        return None
    best_state = max(beams[n], key=lambda s: s.score)
    records = []
    chain = best_state.chain
    while chain is not None:
        chain, record = chain
        records.append(record)
    records.reverse()
    out = []
    for ci, o, facing, x0, z0, x1, z1, foot in records:
        step, counts = task.candidates[ci]
        out.append(Placed(step, counts, o, foot, facing, end_facing(step, facing), x0, z0, x1, z1))
    return out


def _shifted(placed: list[Placed], by: int) -> list[Placed]:
    return [Placed(p.step, p.counts, p.offset + by, p.foot, p.facing, p.end_facing, p.x0, p.z0, p.x1, p.z1)
            for p in placed]


def _sub_task(task: Task, first: int, length: int, **changes: object) -> Task:
    """The part of a phrase's task from count `first` for `length` counts."""
    scores = [row[first:first + length] for row in task.scores]
    base = Task(length=length, candidates=task.candidates, scores=scores, goal=task.goal, first=task.first,
                last=task.last, exit=task.exit,
                breaks=tuple(b - first for b in task.breaks if first < b < first + length))
    return replace(base, **changes)  # type: ignore[arg-type]


def replay(task: Task, entry: Entry, stage: Stage) -> list[Placed] | None:
    """The motif's steps again from this entry (mirrored when the foot is the other), if the rules allow.

    The motif may leave counts uncovered at the start (the first phrase opened with the préparation) or at
    the end (the phrases differ in length): those are filled by the search and the motif joined to them. A
    step whose mirrored facing would take the dancer off the stage takes the best facing keeping her on it.
    """
    if not task.motif:
        return None
    by_key = {(s.name, c): (s, c) for s, c in task.candidates}
    room = task.length - (min(task.last.counts) if task.last is not None else 0)  # the révérence's counts
    offsets = sorted(o for o, (name, counts, _) in task.motif.items()
                     if (name, counts) in by_key and o + counts <= room)
    if not offsets:
        return None
    limits = bounds(stage)
    limits = (limits[0] + 1e-9, limits[1] + 1e-9)
    out: list[Placed] = []
    prev, foot, x, z, run = entry.previous, entry.foot, entry.x, entry.z, entry.run
    head = offsets[0]
    if head > 0:
        name, counts, _ = task.motif[head]
        side = entry.foot if task.motif_foot is None or task.motif_foot == entry.foot else grammar.other_foot(
            task.motif_foot)  # the side the phrase is danced to, as its entry foot says
        lead = None
        for foot_wanted in (side, ""):
            lead = search_phrase(_sub_task(task, 0, head, last=None,
                                           exit=Exit(by_key[(name, counts)][0], foot_wanted)), entry, stage, {})
            if lead is not None:
                break
        if lead is None:
            return None
        out.extend(lead)
        for p in lead:
            run = run + 1 if prev.name == p.step.name else 1
            prev = p.step
        tail = lead[-1]
        foot, x, z = grammar.foot_after(tail.step, tail.foot), tail.x1, tail.z1
    mirrored = task.motif_foot is not None and task.motif_foot != foot
    o = head
    for k in offsets:
        if k != o:
            break  # a gap inside the motif: the rest is searched
        name, counts, facing = task.motif[k]
        step, _ = by_key[(name, counts)]
        if k == 0 and task.first is not None and step is not task.first:
            return None
        if not _joins(prev, step):
            return None
        run = run + 1 if prev.name == step.name else 1
        if run > grammar.max_run(step):
            return None
        placed = _best_facing(step, foot, x, z, limits, task.goal, -facing if mirrored else facing, counts)
        if placed is None:
            return None
        _, f, x1, z1 = placed
        out.append(Placed(step, counts, k, foot, f, end_facing(step, f), x, z, x1, z1))
        prev, foot, x, z = step, grammar.foot_after(step, foot), x1, z1
        o = k + counts
    if o < task.length:
        if task.last is not None and o == head:
            return None
        rest_entry = Entry(prev, foot, x, z, out[-1].end_facing if out else entry.facing, run, entry.recent)
        rest = search_phrase(_sub_task(task, o, task.length - o), rest_entry, stage, {})
        if rest is None:
            return None
        out.extend(_shifted(rest, o))
    else:
        if task.last is not None and out[-1].step is not task.last:
            return None
        end = out[-1]
        if task.exit is not None and _exit_join(task.exit, end.step, end.counts, end.x0, end.z0, end.x1, end.z1,
                                                foot, False) != (end.x1, end.z1, 0.0):
            return None
    return out
