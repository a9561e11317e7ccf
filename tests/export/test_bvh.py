"""BVH export: an independent parser (bvhio) reads back the same joint positions on every frame."""

from __future__ import annotations

import importlib
import os
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from redshoes.animate.motion import Motion, forward_kinematics
from redshoes.errors import InputError
from redshoes.export.bvh import read_bvh, write_bvh

REPO = Path(__file__).resolve().parents[2]
MATERIAL = REPO / "../shared/material"
VIEWER_TOOLS = REPO / "tools" / "viewer"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# three.js's own BVH reader, bundled for the browser: returns world joint positions (cm) at every frame
_THREE_BVH_ENTRY = """
import { AnimationMixer, LoopOnce, Vector3 } from 'three';
import { BVHLoader } from 'three/examples/jsm/loaders/BVHLoader.js';
window.bvhWorldPositions = (text, names) => {
  const { skeleton, clip } = new BVHLoader().parse(text);
  const root = skeleton.bones[0], byName = new Map(skeleton.bones.map((b) => [b.name, b]));
  const bones = names.map((n) => byName.get(n)), frames = clip.tracks[0].times.length, out = [];
  const mixer = new AnimationMixer(root), v = new Vector3();
  const action = mixer.clipAction(clip);
  action.setLoop(LoopOnce, 1);
  action.clampWhenFinished = true;
  action.play();
  for (let f = 0; f < frames; f++) {
    mixer.setTime(clip.tracks[0].times[f]);
    root.updateMatrixWorld(true);
    out.push(bones.map((b) => b.getWorldPosition(v).toArray()));
  }
  return out;
};
"""


@pytest.fixture(scope="module")
def real_dance() -> Motion:
    """The built-in piece composed and animated at 30 fps: every step of a real ballet, about a minute."""
    from redshoes.animate import animate
    from redshoes.compose import compose
    from redshoes.music.builtin import builtin_music

    music, _ = builtin_music()
    return animate(compose(music, seed=0, level="advanced"), fps=30.0)


@pytest.mark.parametrize("which", ["synthetic", "built-in ballet"])
def test_bvhio_reads_back_the_same_joint_positions(
    which: str, motion: Motion, real_dance: Motion, tmp_path: Path
) -> None:
    bvhio = pytest.importorskip("bvhio")
    dance = motion if which == "synthetic" else real_dance
    path = tmp_path / "dance.bvh"
    write_bvh(dance, path)
    root = bvhio.readAsHierarchy(str(path))
    joints = {joint.Name: joint for joint, _, _ in root.layout()}
    assert set(dance.skeleton.names) <= set(joints)
    expected = dance.positions() * 100.0  # centimetres
    assert np.ptp(expected[:, 0, [0, 2]], axis=0).max() > 100.0  # she travels over a metre of stage
    for frame in range(dance.frames):
        root.loadPose(frame)
        got = np.array([list(joints[name].PositionWorld) for name in dance.skeleton.names])
        np.testing.assert_allclose(got, expected[frame], atol=0.1)  # 1 mm


def _module_or_none(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def test_threejs_bvh_loader_reads_back_the_same_joint_positions(real_dance: Motion, tmp_path: Path) -> None:
    required = bool(os.environ.get("REDSHOES_REQUIRE_BROWSER"))
    esbuild = VIEWER_TOOLS / "node_modules" / ".bin" / "esbuild"
    playwright = _module_or_none("playwright.sync_api")
    if playwright is None or not CHROMIUM.exists() or not esbuild.exists():
        if required:
            pytest.fail("REDSHOES_REQUIRE_BROWSER is set but playwright, chromium or esbuild (npm ci) is missing")
        pytest.skip("needs playwright, /usr/bin/chromium and tools/viewer/node_modules (npm ci)")
    bundle = tmp_path / "three_bvh.js"
    subprocess.run([str(esbuild), "--bundle", "--format=iife", f"--outfile={bundle}", "--log-level=warning"],
                   input=_THREE_BVH_ENTRY, text=True, cwd=VIEWER_TOOLS, check=True, timeout=120)
    path = tmp_path / "dance.bvh"
    write_bvh(real_dance, path)
    names = list(real_dance.skeleton.names)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page()
            page.add_script_tag(path=str(bundle))
            got = np.array(page.evaluate("([t, n]) => window.bvhWorldPositions(t, n)", [path.read_text(), names]))
        finally:
            browser.close()
    expected = real_dance.positions() * 100.0  # centimetres
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=0.1)  # 1 mm, every joint, every frame


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


def test_in_place_keeps_the_hips_height_and_drops_their_travel(motion: Motion, tmp_path: Path) -> None:
    write_bvh(motion, tmp_path / "place.bvh", in_place=True)
    clip = read_bvh(tmp_path / "place.bvh")
    np.testing.assert_allclose(clip.root_positions[:, [0, 2]], 0.0, atol=1e-6)
    np.testing.assert_allclose(clip.root_positions[:, 1], motion.root_positions[:, 1], atol=1e-6)
    same = Rotation.from_quat(clip.rotations.reshape(-1, 4)) * Rotation.from_quat(motion.rotations.reshape(-1, 4)).inv()
    assert same.magnitude().max() < 1e-4  # the limbs dance the same
