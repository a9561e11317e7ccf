"""The printable step sheet: steps.html, one self-contained page (no script, no fetch) that prints on A4, one
table per phrase beside an SVG floor plan of that phrase's path with the start marked and arrows."""

from __future__ import annotations

import html
import math
from pathlib import Path

from redshoes.compose.choreography import Choreography, Stage, StagePoint
from redshoes.export.step_sheet import (
    PhraseGroup,
    _clock,
    counts_label,
    phrase_groups,
    phrase_path,
    step_gloss,
)
from redshoes.hear.music_map import MusicMap
from redshoes.serial import write_text_atomic

PLAN_WIDTH_PX = 220  # on screen; print CSS sizes it in millimetres

_CSS = """
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: Georgia, "Times New Roman", serif; color: #1d1416; margin: 24px auto; max-width: 1000px;
  padding: 0 16px; line-height: 1.35; }
header h1 { font-weight: normal; font-style: italic; margin: 0 0 4px; font-size: 26px; }
header .brand { font-size: 11px; letter-spacing: 0.35em; text-transform: uppercase; color: #b3131d; }
header p { margin: 2px 0; font-size: 13px; color: #4a3b3d; }
h2 { font-weight: normal; font-size: 18px; border-bottom: 1px solid #b3131d; margin: 22px 0 8px; padding-bottom: 2px; }
section.phrase { display: flex; gap: 16px; align-items: flex-start; margin: 10px 0 16px;
  break-inside: avoid; page-break-inside: avoid; }
section.phrase h3 { font-size: 14px; font-weight: normal; font-style: italic; margin: 0 0 4px; color: #6b2a30; }
.steps { flex: 1; min-width: 0; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
th { text-align: left; font-weight: normal; font-size: 11px; text-transform: uppercase; letter-spacing: 0.08em;
  color: #7a6a6c; border-bottom: 1px solid #cdbfc0; padding: 3px 6px; }
td { padding: 3px 6px; border-bottom: 1px solid #eee5e5; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.name { font-style: italic; font-weight: bold; white-space: nowrap; }
td.gloss { color: #4a3b3d; }
td.counts, td.dir { white-space: nowrap; font-variant-numeric: tabular-nums; }
figure { margin: 0; flex: none; width: PLAN_WIDTHpx; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { font-size: 10.5px; color: #7a6a6c; text-align: center; }
footer { font-size: 11px; color: #7a6a6c; margin-top: 24px; }
@media print {
  body { margin: 0; max-width: none; padding: 0; }
  header h1 { font-size: 20pt; }
  table { font-size: 8.6pt; }
  th { font-size: 7pt; }
  figure { width: 52mm; }
  h2 { break-after: avoid; page-break-after: avoid; }
}
""".replace("PLAN_WIDTH", str(PLAN_WIDTH_PX))


def _n(v: float) -> str:
    return f"{v:.3f}".rstrip("0").rstrip(".")


def floor_plan_svg(points: list[StagePoint], stage: Stage, *, label: str) -> str:
    """An SVG floor plan (metres, audience at the bottom, stage left on the right as the audience sees it):
    the path as a line with arrows, a ring where it starts and a dot where it ends."""
    w, d, m = stage.width, stage.depth, 0.5
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{_n(-w / 2 - m)} {_n(-d / 2 - m)} {_n(w + 2 * m)} '
        f'{_n(d + 2 * m + 0.8)}" role="img" aria-label="{html.escape(label, quote=True)}">',
        f'<rect x="{_n(-w / 2)}" y="{_n(-d / 2)}" width="{_n(w)}" height="{_n(d)}" fill="#f7efe6" '
        'stroke="#8a6d5a" stroke-width="0.06"/>',
        f'<line x1="{_n(-w / 2)}" y1="0" x2="{_n(w / 2)}" y2="0" stroke="#e2d3c4" stroke-width="0.03" '
        'stroke-dasharray="0.2 0.2"/>',
        f'<line x1="0" y1="{_n(-d / 2)}" x2="0" y2="{_n(d / 2)}" stroke="#e2d3c4" stroke-width="0.03" '
        'stroke-dasharray="0.2 0.2"/>',
        f'<text x="0" y="{_n(d / 2 + 0.75)}" font-size="0.55" text-anchor="middle" fill="#7a6a6c" '
        'font-style="italic">audience</text>',
        f'<text x="{_n(-w / 2 + 0.2)}" y="{_n(-d / 2 + 0.6)}" font-size="0.45" fill="#b09c8c">SR</text>',
        f'<text x="{_n(w / 2 - 0.2)}" y="{_n(-d / 2 + 0.6)}" font-size="0.45" fill="#b09c8c" '
        'text-anchor="end">SL</text>',
    ]
    if len(points) > 1:
        xy = " ".join(f"{_n(p.x)},{_n(p.z)}" for p in points)
        parts.append(f'<polyline points="{xy}" fill="none" stroke="#b3131d" stroke-width="0.09" '
                     'stroke-linejoin="round" stroke-linecap="round"/>')
        for a, b in zip(points, points[1:], strict=False):
            length = math.hypot(b.x - a.x, b.z - a.z)
            if length < 0.45:
                continue
            angle = math.degrees(math.atan2(b.z - a.z, b.x - a.x))
            mx, mz = (a.x + b.x) / 2, (a.z + b.z) / 2
            parts.append(f'<path d="M0.28,0 L-0.2,0.2 L-0.2,-0.2 Z" fill="#b3131d" '
                         f'transform="translate({_n(mx)},{_n(mz)}) rotate({_n(angle)})"/>')
    if points:
        end, start = points[-1], points[0]
        parts.append(f'<circle cx="{_n(end.x)}" cy="{_n(end.z)}" r="0.17" fill="#b3131d"/>')
        parts.append(f'<circle cx="{_n(start.x)}" cy="{_n(start.z)}" r="0.3" fill="#fff" stroke="#1d1416" '
                     'stroke-width="0.08"/>')
    parts.append("</svg>")
    return "".join(parts)


def _phrase_html(group: PhraseGroup, choreography: Choreography, music: MusicMap) -> str:
    bars = f"bar {group.first_bar}" if group.first_bar == group.last_bar else \
        f"bars {group.first_bar}–{group.last_bar}"
    heading = f"Phrase {group.number} · {bars}"
    rows = []
    for step in group.steps:
        cells = [
            f'<td class="num">{step.bar}</td>',
            f'<td class="counts">{html.escape(counts_label(step, music))}</td>',
            f'<td class="name" lang="fr">{html.escape(step.name)}</td>',
            f'<td class="gloss">{html.escape(step_gloss(step.name))}</td>',
            f"<td>{'R' if step.foot == 'right' else 'L'}</td>",
            f'<td class="dir" lang="fr">{html.escape(step.direction)}</td>',
            f'<td class="num">{_clock(step.start)}</td>',
        ]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    plan = floor_plan_svg(phrase_path(group.steps), choreography.stage, label=f"Floor plan of {heading}")
    return (
        f'<section class="phrase"><div class="steps"><h3>{html.escape(heading)}</h3><table>'
        '<thead><tr><th class="num">bar</th><th>counts</th><th>step</th><th>gloss</th><th>foot</th>'
        '<th>direction</th><th class="num">time</th></tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table></div>'
        f"<figure>{plan}<figcaption>○ start · ● end · audience below</figcaption></figure></section>"
    )


def step_sheet_html(choreography: Choreography, music: MusicMap, *, title: str) -> str:
    """The printable step sheet's HTML text (deterministic: same inputs, same text)."""
    out = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="Red Shoes">\n'
        f"<title>{html.escape(title)} — step sheet</title>\n<style>{_CSS}</style>\n</head>\n<body>\n",
        f'<header><div class="brand">Red Shoes</div><h1>{html.escape(title)}</h1>'
        f"<p>Music: {html.escape(music.source)} · {html.escape(music.meter)} · {music.tempo:.0f} counts a minute · "
        f"{_clock(music.duration)}</p>"
        f"<p>Choreography: level {html.escape(choreography.level)}, seed {choreography.seed}, "
        f"{len(choreography.steps)} steps on a {choreography.stage.width:g} m × {choreography.stage.depth:g} m "
        "stage. Directions of the body follow the Vaganova school. Foot: R = right, L = left works.</p></header>\n",
    ]
    current = None
    for group in phrase_groups(choreography, music):
        if group.section != current:
            current = group.section
            out.append(f"<h2>Section {html.escape(current)}</h2>\n" if current else "<h2>—</h2>\n")
        out.append(_phrase_html(group, choreography, music) + "\n")
    out.append("<footer>Floor plans: the stage seen from above, the audience at the bottom; SL = stage left "
               "(the dancer's left as she faces the audience), SR = stage right.</footer>\n</body>\n</html>\n")
    return "".join(out)


def write_step_sheet_html(choreography: Choreography, music: MusicMap, path: Path, *, title: str) -> None:
    """Write steps.html, the step sheet to print (A4) or read in a browser."""
    write_text_atomic(path, step_sheet_html(choreography, music, title=title))
