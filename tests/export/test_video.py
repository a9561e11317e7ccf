"""The video is an MP4 real players accept: H.264 at 1280×720 and 30 fps, AAC music, the dancer in frame."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from redshoes.export.video import VideoOptions, write_video

from .conftest import synthetic_choreography, synthetic_motion


def _software_gl_available() -> bool:
    try:
        import moderngl

        moderngl.create_standalone_context(backend="egl").release()  # type: ignore[arg-type]
        return True
    except Exception:
        return False


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not _software_gl_available():
        if os.environ.get("REDSHOES_REQUIRE_BROWSER"):
            pytest.fail("software OpenGL (Mesa EGL) is required in CI")
        pytest.skip("no software OpenGL (install libegl1 libgl1-mesa-dri)")
    folder = tmp_path_factory.mktemp("video")
    sr = 22050
    t = np.arange(int(sr * 4.0)) / sr
    sf.write(folder / "music.ogg", 0.3 * np.sin(2 * np.pi * 440 * t), sr)
    path = folder / "dancer.mp4"
    write_video(synthetic_motion(), synthetic_choreography(), folder / "music.ogg", path, VideoOptions(caption=True))
    return path


def _probe(path: Path) -> str:
    import imageio_ffmpeg

    result = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)],
                            capture_output=True, text=True)
    return result.stderr


def test_streams_are_h264_720p_30fps_with_aac_music(video: Path) -> None:
    info = _probe(video)
    assert re.search(r"Video: h264.*1280x720.*30 fps", info), info
    assert re.search(r"Audio: aac", info), info
    duration = re.search(r"Duration: (\d+):(\d+):([\d.]+)", info)
    assert duration is not None
    seconds = int(duration[1]) * 3600 + int(duration[2]) * 60 + float(duration[3])
    assert seconds == pytest.approx(4.0, abs=0.15)


def test_the_dancer_and_her_red_shoes_are_in_frame(video: Path) -> None:
    import imageio_ffmpeg

    reader = imageio_ffmpeg.read_frames(str(video))
    meta = next(reader)
    frames = [np.frombuffer(f, dtype=np.uint8).reshape(meta["size"][1], meta["size"][0], 3) for f in reader]
    middle = frames[len(frames) // 2].astype(int)
    centre = middle[:, 320:960]
    red = (centre[..., 0] > 120) & (centre[..., 1] < 60) & (centre[..., 2] < 60)
    pale = (centre.sum(axis=-1) > 600)  # the white tutu and bodice
    lower = red[400:]  # the shoes are low in the frame, not the curtain above
    assert lower.sum() > 50 and pale.sum() > 500
    assert not np.array_equal(frames[5], frames[-5])  # she moves


def test_same_motion_gives_identical_video(video: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.mp4"
    write_video(synthetic_motion(), synthetic_choreography(), video.parent / "music.ogg", again,
                VideoOptions(caption=True))
    assert again.read_bytes() == video.read_bytes()
