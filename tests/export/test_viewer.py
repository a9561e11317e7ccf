"""The web viewer: a self-contained page that shows the dancer, the step names and the counts, in time."""

from __future__ import annotations

import io
import os
import re
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from redshoes.animate.motion import Motion
from redshoes.compose.choreography import Choreography
from redshoes.export.glb import write_glb
from redshoes.export.viewer import render_viewer, viewer_data, waveform_peaks, write_viewer
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


def _swell(seconds: float, rate: int = 8000) -> np.ndarray:
    """A 440 Hz tone, quiet in the first half and four times louder in the second."""
    t = np.arange(int(seconds * rate)) / rate
    return np.where(t < seconds / 2, 0.2, 0.8) * np.sin(2 * np.pi * 440 * t)


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
        waveform=waveform_peaks(_swell(music.duration), 8000, music.duration, bins=400),
    )


def test_waveform_peaks_follow_the_loudness() -> None:
    peaks = waveform_peaks(_swell(4.0), 8000, 4.0, bins=8)
    np.testing.assert_allclose(peaks, [0.25] * 4 + [1.0] * 4, atol=0.01)
    assert waveform_peaks(np.zeros(100), 8000, 1.0, bins=4).tolist() == [0.0] * 4  # silence: flat, no NaN
    short = waveform_peaks(_swell(2.0), 8000, 4.0, bins=8)  # music shorter than the dance: silence after it
    assert short[4:].max() == 0.0 and short[:4].max() == 1.0


def test_page_data_gives_each_step_its_family_and_path(choreography: Choreography, music: MusicMap) -> None:
    data = viewer_data(choreography, music, title="t", waveform=np.array([0.0, 0.5, 1.0]))
    steps = data["steps"]
    assert isinstance(steps, list)
    assert [(s["family"], s["from"], s["to"]) for s in steps] == [("waltz", [0.0, 0.0], [0.0, 0.0]),
                                                                   ("turn", [0.0, 0.0], [0.0, 0.0])]
    assert data["waveform"] == {"peaks": [0, 50, 100], "seconds": 4.0}


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
    assert html.count("</script>") == 5  # data, dancer, three.js, the shared stage, the viewer


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


@contextmanager
def _open_viewer(page_path: Path, width: int, height: int, problems: list[str] | None = None) -> Iterator[Any]:
    """The viewer page loaded in headless Chromium and ready, its console errors collected into `problems`."""
    playwright = _browser_or_skip()
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            if problems is not None:
                page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(page_path.as_uri())
            page.wait_for_function("window.redshoes && window.redshoes.ready", timeout=60_000)
            yield page
        finally:
            browser.close()


def _bright_pixels(png: bytes, box: tuple[float, float, float, float]) -> np.ndarray:
    from PIL import Image

    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    h, w, _ = image.shape
    x0, y0, x1, y1 = box
    return image[int(y0 * h) : int(y1 * h), int(x0 * w) : int(x1 * w)]


def test_dancer_renders_and_dances_in_time(
    motion: Motion, choreography: Choreography, music: MusicMap, tmp_path: Path
) -> None:
    page_path = _page(motion, choreography, music, tmp_path)
    _silence(tmp_path / "music.wav", music.duration)
    problems: list[str] = []
    with _open_viewer(page_path, 960, 600, problems) as page:
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
    assert not problems, problems


def test_without_the_music_a_wall_clock_plays_the_dance(
    motion: Motion, choreography: Choreography, music: MusicMap, tmp_path: Path
) -> None:
    page_path = _page(motion, choreography, music, tmp_path, audio="missing.ogg")
    with _open_viewer(page_path, 640, 400) as page:
        page.click("#play")
        page.wait_for_function("window.redshoes.time > 0.5", timeout=20_000)
        assert page.evaluate("window.redshoes.clock") == "wall"
        assert page.evaluate("window.redshoes.playing")


def _red_pixels(png: bytes, box: tuple[float, float, float, float]) -> int:
    crop = _bright_pixels(png, box)
    return int(((crop[..., 0] > 190) & (crop[..., 1] < 150) & (crop[..., 2] < 160)).sum())


def _press(page: Any, selector: str) -> None:
    """Click a button as the user does (its click handler), without waiting for the 3D scene to settle."""
    page.eval_on_selector(selector, "b => b.click()")


W, H = 720, 450  # software WebGL is slow: a small window keeps the test quick


def test_timeline_speed_keys_and_camera_presets(
    motion: Motion, choreography: Choreography, music: MusicMap, tmp_path: Path
) -> None:
    page_path = _page(motion, choreography, music, tmp_path)
    _silence(tmp_path / "music.wav", music.duration)
    problems: list[str] = []
    with _open_viewer(page_path, W, H, problems) as page:

        # one block per step on the timeline, coloured by family
        blocks = page.eval_on_selector_all("#strip div", "els => els.map(e => e.dataset.name)")
        assert blocks == ["balancé", "pirouette en dehors"]

        # clicking the timeline seeks: three quarters along is 3 s of 4, in the pirouette
        box = page.locator("#timeline").bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + 0.75 * box["width"], box["y"] + 50)  # on the pirouette's block
        page.wait_for_timeout(300)
        state = page.evaluate("({t: redshoes.time, step: redshoes.step})")
        assert abs(state["t"] - 3.0) < 0.1 and state["step"] == "pirouette en dehors"
        # dragging back to a quarter: the balancé again
        page.mouse.move(box["x"] + 0.75 * box["width"], box["y"] + 10)
        page.mouse.down()
        page.mouse.move(box["x"] + 0.25 * box["width"], box["y"] + 10, steps=5)
        page.mouse.up()
        page.wait_for_timeout(300)
        state = page.evaluate("({t: redshoes.time, step: redshoes.step})")
        assert abs(state["t"] - 1.0) < 0.1 and state["step"] == "balancé"
        # the waveform is drawn, red where the music has played and pale where it has not
        shot = page.screenshot()
        wave = page.locator("#wave").bounding_box()
        assert wave is not None
        top, bottom = wave["y"] / H, (wave["y"] + wave["height"]) / H
        left = wave["x"] / W
        played = _red_pixels(shot, (left, top, left + 0.24 * wave["width"] / W, bottom))
        unplayed = _red_pixels(shot, (left + 0.3 * wave["width"] / W, top, left + wave["width"] / W, bottom))
        assert played > 100 and unplayed == 0, (played, unplayed)

        # speed: the music plays slower, at the same pitch
        _press(page, "#speeds button[data-speed='0.5']")
        speed = page.evaluate("({rate: redshoes.audio.playbackRate, pitch: redshoes.audio.preservesPitch, "
                              "speed: redshoes.speed, on: document.querySelector('#speeds .on').textContent})")
        assert speed == {"rate": 0.5, "pitch": True, "speed": 0.5, "on": "0.5×"}
        _press(page, "#speeds button[data-speed='1']")
        assert page.evaluate("redshoes.audio.playbackRate") == 1.0

        # keyboard: space plays and pauses, arrows seek five seconds (clamped to the piece)
        page.mouse.click(20, H / 2)  # on the stage, not on a button
        page.keyboard.press("Space")
        assert page.evaluate("redshoes.playing")
        page.keyboard.press("Space")
        assert not page.evaluate("redshoes.playing")
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(200)
        assert page.evaluate("redshoes.time") == 4.0
        page.keyboard.press("ArrowLeft")
        page.wait_for_timeout(200)
        assert page.evaluate("redshoes.time") == 0.0
        page.keyboard.press("Shift+ArrowRight")  # to the start of the next step
        page.wait_for_timeout(200)
        assert page.evaluate("redshoes.time") == 2.0

        # camera presets: the audience, the wings (stage left), the floor plan from above
        page.evaluate("redshoes.seek(2.0)")
        page.wait_for_timeout(300)
        audience = page.screenshot()
        _press(page, "#views button[data-view='wings']")
        page.wait_for_timeout(300)
        wings = page.screenshot()
        camera = page.evaluate("[redshoes.camera.position.x, redshoes.camera.position.z]")
        assert camera[0] > 4.0 and abs(camera[1] - 0.4 * 0.85) < 1.0  # off to stage left, level with her
        _press(page, "#views button[data-view='plan']")
        page.wait_for_timeout(300)
        plan = page.screenshot()
        assert page.evaluate("redshoes.view") == "plan"
        for name, png in (("audience", audience), ("wings", wings), ("plan", plan)):
            (tmp_path / f"{name}.png").write_bytes(png)  # to look at when the test fails
        scene = (0.0, 0.2, 1.0, 0.75)
        for a, b in ((audience, wings), (wings, plan), (audience, plan)):
            diff = np.abs(_bright_pixels(a, scene) - _bright_pixels(b, scene)).sum(axis=2)
            assert (diff > 60).mean() > 0.1, "a camera preset did not change the view"
        # from above, the whole stage floor fills the middle and the start of the path is marked in red
        assert _red_pixels(plan, (0.2, 0.15, 0.8, 0.8)) > 30
        page.keyboard.press("1")
        assert page.evaluate("redshoes.view") == "audience"
    assert not problems, problems
