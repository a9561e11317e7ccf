"""Contact sheets of the vocabulary: each step's key frames from the front and the side, one PNG a step.

A teacher corrects a step by looking at it; these sheets are what she looks at (`redshoes vocabulary --sheet`).
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from redshoes.animate import animate
from redshoes.animate.timeline import build_timeline
from redshoes.ballet.demo import demonstration, tempo_of
from redshoes.ballet.vocabulary import StepDef, load_vocabulary
from redshoes.compose.choreography import Choreography
from redshoes.errors import OutputError
from redshoes.export.frames import render_frames

MAX_FRAMES = 9
WRAP = 100  # characters a caption line, so that a long gloss fits the narrowest sheet
HOLD = 0.35  # seconds shown after the step ends, to see where it settles
SETTLE = "port de bras"


def slug(name: str) -> str:
    """A file name for a step: ASCII, lower case, hyphens (`pas de bourrée` → `pas-de-bourree`)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def _shown(step: StepDef, foot: str) -> Choreography:
    """The step followed by a port de bras, so that a landing settles into its plié (the port de bras stands in
    fifth: a step ending elsewhere is shown only up to its end)."""
    return demonstration([step.name, SETTLE], foot=foot)


def key_times(step: StepDef, *, foot: str = "right") -> tuple[list[float], float]:
    """The instants (s) of the step's key poses when shown at its own tempo, and the instant it ends."""
    keys, flights = build_timeline(_shown(step, foot))
    own = [k for k in keys if k.step == 0]
    end = max(k.time for k in own)
    tops = {round((f.takeoff + f.landing) / 2, 3) for f in flights if f.landing <= end + 1e-6}
    times = sorted({round(k.time, 3) for k in own} | tops)
    kept: list[float] = []
    for t in times:
        if not kept or t - kept[-1] > 0.04:
            kept.append(t)
    if len(kept) > MAX_FRAMES:
        pick = np.linspace(0, len(kept) - 1, MAX_FRAMES).round().astype(int)
        kept = [kept[i] for i in pick]
    return kept, end


def _caption(step: StepDef) -> str:
    turn = f", {step.turn:g} turn {step.turn_direction}" if step.turn else ""
    travel = f", travels {step.travel:g} m {step.travel_direction}" if step.travel else ""
    jump = f", jump {100 * step.jump:.0f} cm" if step.jump else ""
    pointe = ", on pointe" if step.pointe else ""
    title = textwrap.fill(f"{step.name} — {step.gloss}", width=WRAP)
    return (
        f"{title}\n{step.family}, {step.level}; {'/'.join(map(str, step.counts))} counts "
        f"at {tempo_of(step):.0f} bpm; {step.start_position} → {step.end_position}{travel}{turn}{jump}{pointe}"
    )


def write_contact_sheet(step: StepDef, path: Path, *, foot: str = "right") -> Path:
    """One step's sheet: its key frames from the front (the audience) and the side, into the PNG `path`."""
    times, end = key_times(step, foot=foot)
    motion = animate(_shown(step, foot), fps=60.0)
    last = end + (HOLD if step.end_position == "fifth" else 0.05)
    render_frames(motion, [*times, last], path, views=("front", "side"), title=_caption(step))
    return path


def write_contact_sheets(folder: Path, *, names: Sequence[str] | None = None) -> list[Path]:
    """One PNG a step (all the vocabulary unless `names`), named after the step, into `folder`."""
    vocab = load_vocabulary()
    steps = [vocab.get(n) for n in names] if names is not None else list(vocab.steps)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {folder}: {exc}; choose a folder you can write to") from None
    return [write_contact_sheet(s, folder / f"{slug(s.name)}.png") for s in steps]
