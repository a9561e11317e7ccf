from pathlib import Path

import pytest

from redshoes.animate import animate
from redshoes.compose.choreography import Choreography, Stage, StagePoint, Step
from redshoes.errors import OutputError
from redshoes.export.frames import render_frames


def make_choreography(names: list[str], beat: float = 0.5) -> Choreography:
    steps, t = [], 0.0
    for name in names:
        counts = 2
        steps.append(
            Step(
                name=name,
                start=t,
                end=t + counts * beat,
                bar=1,
                count=1,
                counts=counts,
                count_times=(t, t + beat),
                foot="right",
                start_at=StagePoint(0.0, 0.0),
                end_at=StagePoint(0.0, 0.0),
                facing=0.0,
                end_facing=0.0,
                direction="none",
                accent=t + counts * beat,
            )
        )
        t += counts * beat
    return Choreography(music="t", duration=t, seed=0, level="beginner", stage=Stage(), steps=tuple(steps))


def test_render_frames_writes_a_png_strip(tmp_path: Path):
    motion = animate(make_choreography(["préparation", "changement"]), fps=30.0)
    out = tmp_path / "strip.png"
    render_frames(motion, [0.0, 0.5, 1.2], out, views=("front", "side", "top"), title="changement")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_an_unknown_view_is_refused(tmp_path: Path):
    motion = animate(make_choreography(["préparation"]), fps=30.0)
    with pytest.raises(OutputError, match="view"):
        render_frames(motion, [0.0], tmp_path / "x.png", views=("back",))
