"""Hand-built music maps with known beats, bars, phrases and sections."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pytest

from redshoes.hear.music_map import Bar, Curve, MusicMap, Phrase, Section

COUNTS_PER_BAR = {"2/4": 2, "3/4": 3, "4/4": 4, "6/8": 2, "5/4": 5, "12/8": 4}


def make_map(
    meter: str,
    tempo: float,
    bars: int,
    *,
    phrase_bars: int = 8,
    sections: Sequence[tuple[str, int]] = (),
    energy: float | Sequence[float] = 0.5,
    staccato: bool = False,
    pickups: int = 0,
    tail: float = 0.5,
    hop: float = 0.05,
) -> MusicMap:
    """A map of `bars` bars of `meter` at `tempo` counted beats a minute.

    sections: (label, bars) in order; energy: one level, or one level per section; staccato: an accent on
    every count and a pulsing energy (quick, detached music), else accents on downbeats and a smooth energy.
    """
    beat = 60.0 / tempo
    per_bar = COUNTS_PER_BAR[meter]
    t0 = 0.2 + pickups * beat
    pickup_beats = tuple(0.2 + k * beat for k in range(pickups))
    bar_list = []
    for b in range(bars):
        start = t0 + b * per_bar * beat
        beats = tuple(start + k * beat for k in range(per_bar))
        bar_list.append(Bar(index=b + 1, start=start, end=start + per_bar * beat, meter=meter, beats=beats))
    end = bar_list[-1].end
    duration = end + tail
    phrases = []
    for first in range(0, bars, phrase_bars):
        n = min(phrase_bars, bars - first)
        phrases.append(Phrase(start=bar_list[first].start, end=bar_list[first + n - 1].end,
                              first_bar=first + 1, bars=n))
    secs = []
    if sections:
        b = 0
        for label, n in sections:
            secs.append(Section(label=label, start=bar_list[b].start, end=bar_list[b + n - 1].end,
                                first_bar=b + 1, bars=n))
            b += n
    else:
        secs.append(Section(label="A", start=bar_list[0].start, end=end, first_bar=1, bars=bars))
    levels = [energy] * len(secs) if isinstance(energy, int | float) else list(energy)
    values = []
    for k in range(int(duration / hop) + 1):
        t = k * hop
        level = levels[-1]
        for s, lv in zip(secs, levels, strict=False):
            if s.start <= t < s.end:
                level = lv
        if staccato:
            phase = ((t - t0) % beat) / beat
            level = min(1.0, max(0.0, level + (0.25 if phase < 0.3 else -0.25)))
        values.append(float(level))
    all_beats = pickup_beats + tuple(t for bar in bar_list for t in bar.beats)
    accents = all_beats[pickups:] if staccato else tuple(bar.start for bar in bar_list)
    return MusicMap(
        source=f"test {meter} {tempo}",
        duration=duration,
        tempo=tempo,
        meter=meter,
        beats=all_beats,
        downbeats=tuple(bar.start for bar in bar_list),
        bars=tuple(bar_list),
        phrases=tuple(phrases),
        sections=tuple(secs),
        energy=Curve(hop=hop, values=tuple(values)),
        accents=accents,
    )


MATERIAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "material"


def material_pieces() -> list[Path]:
    """The recordings of the shared material: ground-truth pieces and real music."""
    return sorted(MATERIAL.glob("groundtruth/*.flac")) + sorted(MATERIAL.glob("music/*.ogg"))


@pytest.fixture(scope="session")
def heard_pieces() -> list[tuple[str, MusicMap]]:
    """The built-in piece and every material piece, heard once for the whole session."""
    from redshoes.hear import hear_file
    from redshoes.music.builtin import builtin_music

    pieces = [("built-in", builtin_music()[0])]
    files = material_pieces()
    if not files:
        if os.environ.get("REDSHOES_REQUIRE_MATERIAL"):
            raise FileNotFoundError(f"{MATERIAL} is required (REDSHOES_REQUIRE_MATERIAL is set)")
    pieces.extend((f.name, hear_file(f)[0]) for f in files)
    return pieces
