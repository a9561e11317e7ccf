"""The step sheet reads like a teacher's notes: bar, counts, French name, gloss."""

from dataclasses import replace
from pathlib import Path

from redshoes.compose.choreography import Choreography, Stage, StagePoint, Step
from redshoes.export.step_sheet import counts_label, phrase_groups, phrase_path, step_sheet_markdown
from redshoes.export.step_sheet_html import floor_plan_svg, write_step_sheet_html
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


def _travelling_piece() -> tuple[Choreography, MusicMap]:
    """Two phrases: a diagonal from upstage right to downstage left, then a return straight across."""
    music = replace(_waltz(8), phrases=(Phrase(0.0, 4.8, 0, 4), Phrase(4.8, 9.6, 4, 4)),
                    sections=(Section("A", 0.0, 9.6, 0, 8),))
    path = [StagePoint(-3.0, -2.0), StagePoint(-1.0, 0.0), StagePoint(1.0, 2.0), StagePoint(3.0, 2.0),
            StagePoint(3.0, 2.0), StagePoint(-3.0, 2.0)]
    steps = []
    for i, name in enumerate(["glissade", "pas de valse", "pas de valse", "balancé", "chaînés"]):
        base = _step(name, 1.2 * (i if i < 3 else i + 1), (i if i < 3 else i + 1) + 1, 1, 3, music)
        steps.append(replace(base, start_at=path[i], end_at=path[i + 1]))
    return Choreography("music.json", 9.6, 0, "advanced", Stage(), tuple(steps)), music


def test_steps_are_grouped_by_phrase_with_their_path() -> None:
    choreography, music = _travelling_piece()
    groups = phrase_groups(choreography, music)
    assert [len(g.steps) for g in groups] == [3, 2]
    assert [(g.first_bar, g.last_bar) for g in groups] == [(1, 3), (5, 6)]
    assert phrase_path(groups[1].steps) == [StagePoint(3.0, 2.0), StagePoint(-3.0, 2.0)]  # standing still counts once


def test_markdown_floor_plan_marks_start_end_and_the_way_she_travels() -> None:
    choreography, music = _travelling_piece()
    sheet = step_sheet_markdown(choreography, music, title="T")
    assert "### Phrase 1 · bars 1–3" in sheet and "### Phrase 2 · bars 5–6" in sheet
    plans = sheet.split("```text\n")[1:]
    first = plans[0].split("```")[0].splitlines()
    grid = [line[1:-1] for line in first[1:-2]]  # inside the frame: upstage first, audience last
    (start_row,) = [r for r, line in enumerate(grid) if "○" in line]
    (end_row,) = [r for r, line in enumerate(grid) if "●" in line]
    assert start_row < end_row  # from upstage toward the audience
    assert grid[start_row].index("○") < grid[end_row].index("●")  # from stage right to stage left
    assert "↘" in plans[0] and "←" in plans[1] and "audience" in first[-1]


def test_bar_line_inside_a_table_cell_is_escaped() -> None:
    music = _waltz()
    step = _step("pas de bourrée", 0.8, 1, 3, 2, music)
    sheet = step_sheet_markdown(Choreography("m", 4.8, 0, "advanced", Stage(), (step,)), music, title="T")
    (row,) = [line for line in sheet.splitlines() if "**pas de bourrée**" in line]
    assert "| 3 \\| 1 |" in row


def test_printable_sheet_has_a_table_and_a_floor_plan_per_phrase(tmp_path: Path) -> None:
    choreography, music = _travelling_piece()
    path = tmp_path / "steps.html"
    write_step_sheet_html(choreography, music, path, title="Valse <d'hiver>")
    page = path.read_text(encoding="utf-8")
    assert page.count("<table>") == 2 and page.count("<svg") == 2
    assert "Valse &lt;d&#x27;hiver&gt;" in page or "Valse &lt;d'hiver&gt;" in page
    assert "@page { size: A4" in page and "<script" not in page and "http://" not in page.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")
    assert '<td class="name" lang="fr">chaînés</td>' in page and "travelling link" in page
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert "<polyline" in svg and svg.count("rotate(") == 3  # an arrow on each leg of the path
    write_step_sheet_html(choreography, music, tmp_path / "again.html", title="Valse <d'hiver>")
    assert (tmp_path / "again.html").read_bytes() == path.read_bytes()


def test_svg_plan_puts_the_audience_at_the_bottom() -> None:
    svg = floor_plan_svg([StagePoint(0.0, -3.0), StagePoint(0.0, 3.0)], Stage(), label="p")
    start = svg.index('r="0.3"')
    assert 'cy="-3"' in svg[svg.rindex("<circle", 0, start):start]  # the start ring upstage (top)
    assert "rotate(90)" in svg  # the arrow points down the page, toward the audience
