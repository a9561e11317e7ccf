"""A piece of any length is made a chunk at a time: the chunks are the whole motion, and so is the BVH."""

import numpy as np
import pytest

from redshoes.animate import animate
from redshoes.animate.stream import animate_stream, stream_frames, write_bvh_stream
from redshoes.errors import InputError
from redshoes.export.bvh import write_bvh

STEPS = ["préparation", "glissade", "changement", "pirouette en dehors", "assemblé", "bourrée couru",
         "grand jeté", "pas de bourrée", "sissonne fermée", "révérence"]


@pytest.fixture(scope="module")
def ballet():
    from .conftest import make_choreography

    return make_choreography(STEPS, beat=0.45)


@pytest.mark.parametrize("chunk_seconds", [0.7, 2.0, 100.0])
def test_chunks_stitch_into_the_whole_motion(ballet, chunk_seconds):
    whole = animate(ballet, fps=60.0)
    chunks = list(animate_stream(ballet, fps=60.0, chunk_seconds=chunk_seconds))
    assert all(c.fps == 60.0 for c in chunks)
    root = np.concatenate([c.root_positions for c in chunks])
    rot = np.concatenate([c.rotations for c in chunks])
    assert rot.shape == whole.rotations.shape
    assert np.abs(root - whole.root_positions).max() < 1e-6
    assert np.abs(rot - whole.rotations).max() < 1e-6  # the same signs too: no flips at the seams


def test_the_streamed_bvh_is_the_whole_bvh(ballet, tmp_path):
    whole = animate(ballet, fps=30.0)
    write_bvh(whole, tmp_path / "whole.bvh")
    frames = stream_frames(ballet, fps=30.0)
    assert frames == whole.frames
    written = write_bvh_stream(animate_stream(ballet, fps=30.0, chunk_seconds=1.3), tmp_path / "s.bvh",
                               frames=frames)
    assert written == frames
    a = (tmp_path / "whole.bvh").read_text().splitlines()
    b = (tmp_path / "s.bvh").read_text().splitlines()
    assert a[: a.index("MOTION") + 3] == b[: b.index("MOTION") + 3]
    assert len(a) == len(b)
    rows_a = np.array([[float(v) for v in r.split()] for r in a[a.index("MOTION") + 3:]])
    rows_b = np.array([[float(v) for v in r.split()] for r in b[b.index("MOTION") + 3:]])
    diff = rows_a - rows_b
    diff[:, 3:] = (diff[:, 3:] + 180.0) % 360.0 - 180.0  # an angle of 180° may print as -180°
    assert np.abs(diff).max() < 1e-3


def test_a_chunk_length_must_be_positive(ballet):
    with pytest.raises(InputError, match="chunk_seconds"):
        next(animate_stream(ballet, chunk_seconds=0.0))
