"""BVH export: an independent parser (bvhio) reads back the same joint positions on every frame."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from redshoes.animate.motion import Motion, forward_kinematics
from redshoes.errors import InputError
from redshoes.export.bvh import read_bvh, write_bvh

MATERIAL = Path(__file__).resolve().parents[2] / "../shared/material"


def test_bvhio_reads_back_the_same_joint_positions(motion: Motion, tmp_path: Path) -> None:
    bvhio = pytest.importorskip("bvhio")
    path = tmp_path / "dance.bvh"
    write_bvh(motion, path)
    root = bvhio.readAsHierarchy(str(path))
    joints = {joint.Name: joint for joint, _, _ in root.layout()}
    assert set(motion.skeleton.names) <= set(joints)
    expected = motion.positions() * 100.0  # centimetres
    for frame in range(motion.frames):
        root.loadPose(frame)
        got = np.array([list(joints[name].PositionWorld) for name in motion.skeleton.names])
        np.testing.assert_allclose(got, expected[frame], atol=0.1)  # 1 mm


def test_own_reader_round_trips_positions_and_header(motion: Motion, tmp_path: Path) -> None:
    path = tmp_path / "dance.bvh"
    write_bvh(motion, path)
    clip = read_bvh(path)
    assert clip.skeleton.names == motion.skeleton.names
    np.testing.assert_array_equal(clip.skeleton.parents, motion.skeleton.parents)
    np.testing.assert_allclose(clip.skeleton.offsets[1:], motion.skeleton.offsets[1:], atol=1e-6)
    assert clip.frame_time == pytest.approx(1.0 / motion.fps, abs=1e-8)
    got, _ = forward_kinematics(clip.skeleton, clip.root_positions, clip.rotations)
    np.testing.assert_allclose(got, motion.positions(), atol=1e-3)


def test_header_states_units_and_channel_order(motion: Motion, tmp_path: Path) -> None:
    path = tmp_path / "dance.bvh"
    write_bvh(motion, path)
    text = path.read_text()
    assert "CHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation" in text
    assert text.count("End Site") == 5
    assert "OFFSET 0.0000 -41.0000 0.0000" in text  # thigh, in centimetres
    assert f"Frames: {motion.frames}" in text


def test_output_is_deterministic(motion: Motion, tmp_path: Path) -> None:
    write_bvh(motion, tmp_path / "a.bvh")
    write_bvh(motion, tmp_path / "b.bvh")
    assert (tmp_path / "a.bvh").read_bytes() == (tmp_path / "b.bvh").read_bytes()


def test_a_broken_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.bvh"
    path.write_text("HIERARCHY\nROOT Hips\n{\n\tOFFSET 0 0\n")
    with pytest.raises(InputError, match="not a valid BVH"):
        read_bvh(path)


@pytest.mark.skipif(
    not MATERIAL.is_dir() and not os.environ.get("REDSHOES_REQUIRE_MATERIAL"), reason="no shared material"
)
@pytest.mark.parametrize("name", ["cmu_05_20_ballet_mb.bvh", "threejs_pirouette_cmu.bvh"])
def test_reads_real_mocap_like_bvhio(name: str) -> None:
    bvhio = pytest.importorskip("bvhio")
    path = MATERIAL / "mocap" / "cmu" / name
    clip = read_bvh(path, units_per_metre=1.0)
    got, _ = forward_kinematics(clip.skeleton, clip.root_positions, clip.rotations)
    root = bvhio.readAsHierarchy(str(path))
    joints = {joint.Name: joint for joint, _, _ in root.layout()}
    for frame in (0, clip.rotations.shape[0] // 2, clip.rotations.shape[0] - 1):
        root.loadPose(frame)
        want = np.array([list(joints[n].PositionWorld) for n in clip.skeleton.names])
        np.testing.assert_allclose(got[frame], want, atol=1e-3)
