"""Rules of ballet grammar shared by the composer and the validator, read from the steps' metadata."""

from __future__ import annotations

from redshoes.ballet.vocabulary import LEVELS, StepDef, Vocabulary

OPENING = "préparation"
CLOSING = "révérence"
FEET = ("right", "left")
MAX_RUN = 2
MAX_RUN_REPEATING = 8
BIG_JUMP = 0.35


def other_foot(foot: str) -> str:
    """The other working foot."""
    return "left" if foot == "right" else "right"


def foot_after(step: StepDef, foot: str) -> str:
    """The working foot of the next step: the same one, or the other when the step changes the feet."""
    return other_foot(foot) if step.working_foot_after == "other" else foot


def is_flexible_finish(step: StepDef) -> bool:
    """Links and poses may finish in whichever position the next step needs (pas de bourrée to fourth)."""
    return step.family in ("link", "pose")


def positions_join(previous: StepDef, following: StepDef) -> bool:
    """Whether `following` can start from where `previous` ended."""
    return previous.end_position == following.start_position or is_flexible_finish(previous)


def needs_preparation(step: StepDef) -> bool:
    """Turns and big jumps need a link or a pose right before them."""
    return step.family in ("turn", "grand allegro") or step.turn >= 1.0 or step.jump >= BIG_JUMP


def is_repeating(step: StepDef) -> bool:
    """Steps done in series: waltz steps, travelling turns (chaînés), gliding links (bourrée couru)."""
    return (
        step.family == "waltz"
        or (step.turn > 0 and step.travel > 0)
        or (step.family == "link" and step.quality == "legato")
    )


def prepares(previous: StepDef, following: StepDef) -> bool:
    """Whether `previous` is a fit preparation for `following` (always true when none is needed)."""
    if not needs_preparation(following):
        return True
    if previous.family in ("link", "pose"):
        return True
    return previous.name == following.name and is_repeating(following)


def max_run(step: StepDef) -> int:
    """How many times in a row the step may be done."""
    return MAX_RUN_REPEATING if is_repeating(step) else MAX_RUN


def level_allows(step: StepDef, level: str) -> bool:
    """Whether a dancer of `level` does the step."""
    return LEVELS.index(step.level) <= LEVELS.index(level)


def find_step(vocabulary: Vocabulary, name: str, family: str) -> StepDef | None:
    """A step by name, else the first of a family (so a renamed vocabulary still opens and closes)."""
    for s in vocabulary.steps:
        if s.name == name:
            return s
    for s in vocabulary.steps:
        if s.family == family:
            return s
    return None
