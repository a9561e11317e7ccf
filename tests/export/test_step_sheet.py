"""The step sheet reads like a teacher's notes: bar, counts, French name, gloss."""

from redshoes.compose.choreography import Choreography, Stage, StagePoint, Step
from redshoes.export.step_sheet import counts_label, step_sheet_markdown
from redshoes.hear.music_map import Bar, Curve, MusicMap, Phrase, Section


def _waltz(bars: int = 4) -> MusicMap:
    beats = tuple(round(0.4 * i, 6) for i in range(3 * bars))
    return MusicMap(
        source="waltz.wav", duration=0.4 * 3 * bars, tempo=150.0, meter="3/4", beats=beats,
        downbeats=beats[::3],
        bars=tuple(Bar(i + 1, beats[3 * i], round(beats[3 * i] + 1.2, 6), "3/4", beats[3 * i:3 * i + 3])
                   for i in range(bars)),
        phrases=(Phrase(0.0, 4.8, 1, 4),), sections=(Section("A", 0.0, 4.8, 1, 4),), energy=Curve(1.0, (0.5,)),
    )


def _step(name: str, start: float, bar: int, count: int, counts: int, music: MusicMap) -> Step:
    times = tuple(t for t in music.beats if t >= start - 1e-9)[:counts]
    return Step(name, start, start + 0.4 * counts, bar, count, counts, times, "right", StagePoint(0, 0),
                StagePoint(0, 0), 0.0, 0.0, "croisé devant", start + 0.4 * counts)


def test_counts_restart_at_each_bar_line() -> None:
    music = _waltz()
    assert counts_label(_step("balancé", 0.0, 1, 1, 3, music), music) == "1 2 3"
    assert counts_label(_step("pas de bourrée", 0.8, 1, 3, 2, music), music) == "3 | 1"


def test_sheet_lists_each_step_with_bar_counts_and_gloss() -> None:
    music = _waltz()
    steps = (_step("balancé", 0.0, 1, 1, 3, music), _step("pas de valse", 1.2, 2, 1, 3, music))
    sheet = step_sheet_markdown(Choreography("music.json", 4.8, 0, "advanced", Stage(), steps), music, title="T")
    rows = [line for line in sheet.splitlines() if line.startswith("| ") and "**" in line]
    assert len(rows) == 2
    assert rows[0].startswith("| 1 | 1 2 3 | **balancé** | rocking waltz step")
    assert rows[1].startswith("| 2 | 1 2 3 | **pas de valse** |")
    assert "## Section A" in sheet
