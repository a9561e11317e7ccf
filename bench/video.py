"""How fast the video renders on this machine's CPU, against real time (the music's own length).

    .venv/bin/python bench/video.py [--seconds 20]

Dances the built-in piece, then renders the first N seconds to MP4 at 1280×720, 30 fps (the default look:
stage floor, curtain, light and shadow) and prints the time spent drawing, encoding and in all, and how many
times faster than real time that is (the target is at least 1×).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from redshoes.animate import animate  # noqa: E402
from redshoes.animate.motion import Motion  # noqa: E402
from redshoes.compose import compose  # noqa: E402
from redshoes.export.mesh import ballerina_mesh  # noqa: E402
from redshoes.export.video import VideoOptions, _Renderer, camera_path, skin_matrices, write_video  # noqa: E402
from redshoes.hear.audio import write_audio_ogg  # noqa: E402
from redshoes.music.builtin import builtin_music  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="length of music to render")
    parser.add_argument("--preset", default=VideoOptions().preset, help="x264 preset (ultrafast … veryslow)")
    args = parser.parse_args()
    music, audio = builtin_music()
    ballet = compose(music, seed=0)
    motion = animate(ballet, fps=60.0)
    frames = int(args.seconds * motion.fps)
    clip = Motion(motion.fps, motion.skeleton, motion.root_positions[:frames], motion.rotations[:frames])
    options = VideoOptions(preset=args.preset)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_audio_ogg(audio, folder / "music.ogg")
        renderer = _Renderer(ballerina_mesh(clip.skeleton), options, (10.0, 8.0))
        times = np.arange(0.0, clip.duration, 1.0 / options.fps)
        joints = skin_matrices(clip, times)
        targets = camera_path(clip, times, 10.0)
        started = time.perf_counter()
        for k in range(len(times)):
            renderer.draw(joints[k], targets[k])
        drawing = time.perf_counter() - started
        renderer.release()
        started = time.perf_counter()
        write_video(clip, ballet, folder / "music.ogg", folder / "dancer.mp4", options)
        total = time.perf_counter() - started
        size = (folder / "dancer.mp4").stat().st_size
    n = len(times)
    print(f"video of {clip.duration:.1f} s at {options.width}×{options.height}, {options.fps} fps, {n} frames")
    for label, seconds in (("drawing only", drawing), ("whole video", total)):
        speed = clip.duration / seconds
        print(f"  {label:<14} {seconds:7.2f} s   {n / seconds:6.1f} frames/s   {speed:5.2f}× real time")
    print(f"  file           {size / 1e6:.1f} MB")
    print("target: at least 1.00× real time")


if __name__ == "__main__":
    main()
