"""The live page in a real browser: it connects, the ballerina dances the frames she is sent, the step shows."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from redshoes.live.perform import LiveOptions
from redshoes.live.server import LiveServer, LiveShow
from redshoes.live.sources import synthetic_blocks

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"]


def test_live_page_dances_in_headless_chromium(tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        if os.environ.get("REDSHOES_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required in CI (/usr/bin/chromium)")
        pytest.skip("no Chromium on this machine")
    from playwright.sync_api import sync_playwright

    blocks = synthetic_blocks(14.0, bpm=120.0, speed=1.0)
    show = LiveShow(blocks, options=LiveOptions(fps=30.0), title="live test", viewers_to_start=1,
                    wait_for_viewers=30.0)
    server = LiveServer(show, port=0)
    url = server.start()
    performer = threading.Thread(target=show.perform, daemon=True)
    performer.start()
    errors: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            page = browser.new_page(viewport={"width": 720, "height": 450})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url)
            page.wait_for_function("window.redshoes && window.redshoes.frames > 60", timeout=60_000)
            page.wait_for_function("window.redshoes.step !== ''", timeout=30_000)
            first = page.evaluate("window.redshoes.frames")
            page.wait_for_timeout(1500)
            assert page.evaluate("window.redshoes.frames") > first  # she keeps dancing as the music goes on
            page.screenshot(path=str(tmp_path / "live.png"))
            if os.environ.get("REDSHOES_KEEP_SCREENSHOTS"):
                page.screenshot(path="/tmp/redshoes_live_test.png")
            browser.close()
    finally:
        show.stopping.set()
        performer.join(timeout=20)
        server.stop()
    assert errors == []
    from PIL import Image

    pixels = Image.open(tmp_path / "live.png").convert("RGB").crop((260, 80, 460, 420)).getcolors(1 << 20) or []
    assert len(pixels) > 50  # the dancer is drawn in the middle of the stage, not an empty frame
