"""The web viewer: a self-contained page that shows the dancer, the step names and the counts, in time."""

from __future__ import annotations

import io
import os
import re
import wave
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from redshoes.animate.motion import Motion
from redshoes.compose.choreography import Choreography
from redshoes.export.glb import write_glb
from redshoes.export.viewer import render_viewer, write_viewer
from redshoes.hear.music_map import MusicMap

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
]


def _silence(path: Path, seconds: float, rate: int = 8000) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\0\0" * int(seconds * rate))


def _page(
    motion: Motion, choreography: Choreography, music: MusicMap, out: Path, audio: str = "music.wav"
) -> Path:
    write_glb(motion, out / "dance.glb")
    return write_viewer(
        out,
        glb_path=out / "dance.glb",
        audio_name=audio,
        choreography=choreography,
        music=music,
        title="Valse <test> & co",
    )


def test_page_is_self_contained_and_deterministic(
    motion: Motion, choreography: Choreography, music: MusicMap, tmp_path: Path
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    page = _page(motion, choreography, music, tmp_path / "a")
    assert page == tmp_path / "a" / "index.html"
    assert page.read_bytes() == _page(motion, choreography, music, tmp_path / "b").read_bytes()
    html = page.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=|<img", html)  # nothing fetched but the music
    assert '<audio id="music" src="music.wav"' in html
    assert "Valse &lt;test&gt; &amp; co" in html
    assert "The MIT License" in html and "three.js authors" in html
    assert html.count("</script>") == 4


def test_step_names_are_in_the_page(choreography: Choreography, music: MusicMap) -> None:
    html = render_viewer(glb=b"glTF", audio_name="m.ogg", choreography=choreography, music=music, title="t")
    assert "pirouette en dehors" in html and "balancé" in html


def _browser_or_skip() -> Any:
    required = bool(os.environ.get("REDSHOES_REQUIRE_BROWSER"))
    try:
        import playwright.sync_api as playwright
    except ImportError:
        if required:
            pytest.fail("REDSHOES_REQUIRE_BROWSER is set but the playwright package is missing")
        pytest.skip("no playwright package")
    if not CHROMIUM.exists():
        if required:
            pytest.fail("REDSHOES_REQUIRE_BROWSER is set but /usr/bin/chromium is missing")
        pytest.skip("no chromium at /usr/bin/chromium")
    return playwright


def _bright_pixels(png: bytes, box: tuple[float, float, float, float]) -> np.ndarray:
    from PIL import Image

    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    h, w, _ = image.shape
    x0, y0, x1, y1 = box
    return image[int(y0 * h) : int(y1 * h), int(x0 * w) : int(x1 * w)]


def test_dancer_renders_and_dances_in_time(
    motion: Motion, choreography: Choreography, music: MusicMap, tmp_path: Path
) -> None:
    playwright = _browser_or_skip()
    page_path = _page(motion, choreography, music, tmp_path)
    _silence(tmp_path / "music.wav", music.duration)
    problems: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 960, "height": 600})
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(page_path.as_uri())
            page.wait_for_function("window.redshoes && window.redshoes.ready", timeout=60_000)
            page.wait_for_timeout(500)
            still = page.screenshot()
            # the dancer stands in the middle: her white tutu and bodice light up the centre of the stage
            centre = _bright_pixels(still, (0.35, 0.15, 0.65, 0.85))
            white = (centre.min(axis=2) > 170).sum()
            assert white > 800, f"only {white} bright pixels in the centre: is the dancer on stage?"
            assert page.evaluate("window.redshoes.step") == "balancé"

            page.evaluate("window.redshoes.seek(1.5); window.redshoes.play()")
            page.wait_for_function("window.redshoes.time > 2.3", timeout=20_000)
            page.evaluate("window.redshoes.pause()")
            state = page.evaluate("({clock: redshoes.clock, step: redshoes.step, count: redshoes.count})")
            assert state["clock"] == "audio"  # the music is the clock
            assert state["step"] == "pirouette en dehors"
            assert state["count"] in (1, 2, 3)
            moved = page.screenshot()
            diff = np.abs(
                _bright_pixels(moved, (0.3, 0.1, 0.7, 0.9)) - _bright_pixels(still, (0.3, 0.1, 0.7, 0.9))
            )
            assert (diff.sum(axis=2) > 60).sum() > 2000, "the picture did not change while the music played"
            Path("/tmp/redshoes_viewer_test.png").write_bytes(moved)
        finally:
            browser.close()
    assert not problems, problems


def test_without_the_music_a_wall_clock_plays_the_dance(
    motion: Motion, choreography: Choreography, music: MusicMap, tmp_path: Path
) -> None:
    playwright = _browser_or_skip()
    page_path = _page(motion, choreography, music, tmp_path, audio="missing.ogg")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 640, "height": 400})
            page.goto(page_path.as_uri())
            page.wait_for_function("window.redshoes && window.redshoes.ready", timeout=60_000)
            page.click("#play")
            page.wait_for_function("window.redshoes.time > 0.5", timeout=20_000)
            assert page.evaluate("window.redshoes.clock") == "wall"
            assert page.evaluate("window.redshoes.playing")
        finally:
            browser.close()
