"""Draw the strips of frames in docs/motion/ again from the current animation, so they follow its changes.

Usage: .venv/bin/python tools/motion/strips.py [OUT_DIR]   (default docs/motion)
Each strip shows one step of the vocabulary, demonstrated at one count = 0.6 s, in front and side views.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from redshoes.animate import animate
from redshoes.ballet.demo import demonstration
from redshoes.export.frames import render_frames

STRIPS = (("pirouette.png", "pirouette en dehors"), ("grand_jete.png", "grand jeté"),
          ("bourree_couru.png", "bourrée couru"), ("fouette.png", "fouetté rond de jambe en tournant"))
FRAMES = 10


def draw(out_dir: Path) -> list[Path]:
    """One PNG per step of STRIPS, the step's whole length in FRAMES evenly spaced frames."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name, step in STRIPS:
        choreography = demonstration([step], beat=0.6)
        motion = animate(choreography, fps=60.0)
        first = choreography.steps[0]
        times = np.linspace(first.start, min(first.end, motion.duration - 1 / 60), FRAMES)
        render_frames(motion, times, out_dir / file_name, title=f"{step} (one count = 0.6 s)")
        written.append(out_dir / file_name)
    return written


if __name__ == "__main__":
    for path in draw(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/motion")):
        print("wrote", path)
