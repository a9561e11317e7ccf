"""Take the README's viewer screenshots from a real dance, so they can be made again after the viewer changes.

Usage: redshoes dance -o /tmp/demo && python tools/viewer/screenshots.py /tmp/demo docs
Writes docs/viewer.png (the audience's view, mid-dance) and docs/viewer-top.png (the floor plan view).
Needs the playwright package and Debian's chromium at /usr/bin/chromium (software WebGL, no GPU).
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = (("viewer.png", "audience", 0.72), ("viewer-top.png", "plan", 0.54))  # file, view, fraction of the dance


def take(dance_dir: Path, out_dir: Path) -> list[Path]:
    """Open dance_dir/index.html in headless Chromium and save one screenshot per view in out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.goto((dance_dir / "index.html").resolve().as_uri())
            page.wait_for_function("window.redshoes && window.redshoes.ready", timeout=60_000)
            duration = page.evaluate("JSON.parse(document.getElementById('redshoes-data').textContent).duration")
            for name, view, fraction in SHOTS:
                page.evaluate(f"redshoes.setView('{view}'); redshoes.seek({duration * fraction:.2f})")
                page.wait_for_timeout(600)
                page.screenshot(path=str(out_dir / name))
                written.append(out_dir / name)
        finally:
            browser.close()
    return written


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    for path in take(Path(sys.argv[1]), Path(sys.argv[2])):
        print(f"wrote {path}")
