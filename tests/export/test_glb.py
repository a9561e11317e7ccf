"""GLB export: a valid glTF (Khronos validator), a correct skin, and the dance as one animation."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pygltflib
import pytest
from scipy.spatial.transform import Rotation

from redshoes.animate.motion import Motion
from redshoes.export.glb import glb_bytes, write_glb
from redshoes.export.mesh import ballerina_mesh

REPO = Path(__file__).resolve().parents[2]
VALIDATE = REPO / "tools" / "viewer" / "validate.mjs"


def _accessor(gltf: pygltflib.GLTF2, index: int) -> np.ndarray:
    acc = gltf.accessors[index]
    view = gltf.bufferViews[acc.bufferView]
    dtype = {
        pygltflib.FLOAT: np.float32,
        pygltflib.UNSIGNED_BYTE: np.uint8,
        pygltflib.UNSIGNED_SHORT: np.uint16,
        pygltflib.UNSIGNED_INT: np.uint32,
    }[acc.componentType]
    width = {"SCALAR": 1, "VEC3": 3, "VEC4": 4, "MAT4": 16}[acc.type]
    blob = gltf.binary_blob()
    start = (view.byteOffset or 0) + (acc.byteOffset or 0)
    return np.frombuffer(blob, dtype=dtype, count=acc.count * width, offset=start).reshape(acc.count, width)


@pytest.fixture(scope="module")
def gltf(motion: Motion) -> pygltflib.GLTF2:
    return pygltflib.GLTF2.load_from_bytes(glb_bytes(motion))


def test_skin_has_every_joint_by_name_with_correct_inverse_bind(
    gltf: pygltflib.GLTF2, motion: Motion
) -> None:
    skin = gltf.skins[0]
    assert [gltf.nodes[j].name for j in skin.joints] == list(motion.skeleton.names)
    ibm = _accessor(gltf, skin.inverseBindMatrices).reshape(-1, 4, 4).transpose(0, 2, 1)  # column-major
    world = np.zeros((len(motion.skeleton), 3))
    for j, p in enumerate(motion.skeleton.parents):
        world[j] = motion.skeleton.offsets[j] + (world[p] if p >= 0 else 0.0)
    bind = np.tile(np.eye(4), (len(world), 1, 1))
    bind[:, :3, 3] = world
    np.testing.assert_allclose(ibm @ bind, np.tile(np.eye(4), (len(world), 1, 1)), atol=1e-6)


def test_animation_drives_every_joint_for_the_whole_motion(gltf: pygltflib.GLTF2, motion: Motion) -> None:
    (animation,) = gltf.animations
    assert animation.name == "dance"
    targets = {(gltf.nodes[c.target.node].name, c.target.path) for c in animation.channels}
    assert targets == {(n, "rotation") for n in motion.skeleton.names} | {("Hips", "translation")}
    assert all(s.interpolation == "LINEAR" for s in animation.samplers)
    times = _accessor(gltf, animation.samplers[0].input)[:, 0]
    assert float(times[-1]) == pytest.approx(motion.duration, abs=1e-5)
    assert np.all(np.diff(times) > 0)


def test_animated_rotations_equal_the_motion(gltf: pygltflib.GLTF2, motion: Motion) -> None:
    animation = gltf.animations[0]
    for channel in animation.channels:
        name = gltf.nodes[channel.target.node].name
        values = _accessor(gltf, animation.samplers[channel.sampler].output)[:-1]
        if channel.target.path == "translation":
            np.testing.assert_allclose(values, motion.root_positions, atol=1e-6)
        else:
            want = Rotation.from_quat(motion.rotations[:, motion.skeleton.index(name)])
            angle = (Rotation.from_quat(values.astype(np.float64)) * want.inv()).magnitude()
            assert angle.max() < 1e-3


def test_red_shoes_stay_on_the_feet_and_tutu_on_the_hips(motion: Motion) -> None:
    """Linear-blend skinning of the mesh with the motion's poses, as any glTF player does it."""
    mesh = ballerina_mesh(motion.skeleton)
    positions, quats = motion.global_transforms()
    rest = np.zeros((len(motion.skeleton), 3))
    for j, p in enumerate(motion.skeleton.parents):
        rest[j] = motion.skeleton.offsets[j] + (rest[p] if p >= 0 else 0.0)
    names = [m.name for m in mesh.materials]
    shoe_vertices = np.unique(mesh.triangles[names.index("pointe_shoes")])
    tutu_vertices = np.unique(mesh.triangles[names.index("tutu")])
    feet = [motion.skeleton.index(n) for n in ("LeftFoot", "RightFoot", "LeftToeBase", "RightToeBase")]
    hips = motion.skeleton.index("Hips")
    for frame in range(0, motion.frames, 17):
        skinned = np.zeros((len(mesh.positions), 3))
        for slot in range(4):
            joint = mesh.joints[:, slot]
            local = mesh.positions - rest[joint]
            moved = Rotation.from_quat(quats[frame, joint]).apply(local) + positions[frame, joint]
            skinned += mesh.weights[:, slot, None] * moved
        shoes = skinned[shoe_vertices]
        to_feet = np.linalg.norm(shoes[:, None] - positions[frame, feet][None], axis=2).min(axis=1)
        ribbons_and_bun = to_feet > 0.2
        assert ribbons_and_bun.mean() < 0.1  # the bun's ribbon is the only red far from the feet
        tutu = np.linalg.norm(skinned[tutu_vertices] - positions[frame, hips], axis=1)
        assert tutu.max() < 0.5


def test_mesh_weights_are_normalised_and_shoes_are_red(make_motion: Callable[..., Motion]) -> None:
    motion = make_motion(seconds=0.2)
    mesh = ballerina_mesh(motion.skeleton)
    np.testing.assert_allclose(mesh.weights.sum(axis=1), 1.0, atol=1e-6)
    shoes = next(m for m in mesh.materials if m.name == "pointe_shoes")
    red, green, blue, _ = shoes.color
    assert red > 0.5 and green < 0.1 and blue < 0.1
    assert 0.0 <= mesh.positions[:, 1].min() < 0.01  # soles on the floor
    assert 1.6 < mesh.positions[:, 1].max() < 1.75  # 1.65 m to the top of the head, a bun on it


def test_glb_is_deterministic_and_compact(make_motion: Callable[..., Motion], tmp_path: Path) -> None:
    motion = make_motion(fps=60.0, seconds=60.0)
    write_glb(motion, tmp_path / "a.glb")
    write_glb(motion, tmp_path / "b.glb")
    assert (tmp_path / "a.glb").read_bytes() == (tmp_path / "b.glb").read_bytes()
    assert (tmp_path / "a.glb").stat().st_size < 8_000_000  # one minute at 60 fps


def test_khronos_validator_finds_no_errors_or_warnings(motion: Motion, tmp_path: Path) -> None:
    required = bool(os.environ.get("REDSHOES_REQUIRE_BROWSER"))
    node = shutil.which("node")
    installed = (REPO / "tools" / "viewer" / "node_modules" / "gltf-validator").is_dir()
    if not (node and installed):
        if required:
            pytest.fail("node or gltf-validator missing: run `npm ci` in tools/viewer")
        pytest.skip("node or gltf-validator missing (npm ci in tools/viewer)")
    path = tmp_path / "dance.glb"
    write_glb(motion, path)
    result = subprocess.run(
        [str(node), str(VALIDATE), str(path)], capture_output=True, text=True, timeout=120
    )
    report = json.loads(result.stdout)
    assert (report["numErrors"], report["numWarnings"]) == (0, 0), report["messages"]


def test_asset_states_units_and_axes(gltf: pygltflib.GLTF2) -> None:
    assert gltf.asset.extras == {"units": "metres", "up": "+Y", "forward": "+Z", "generator": "Red Shoes"}


def test_in_place_removes_horizontal_travel_and_keeps_height(motion: Motion) -> None:
    gltf = pygltflib.GLTF2.load_from_bytes(glb_bytes(motion, in_place=True))
    animation = gltf.animations[0]
    (channel,) = [c for c in animation.channels if c.target.path == "translation"]
    hips = _accessor(gltf, animation.samplers[channel.sampler].output)[:-1]
    assert np.ptp(motion.root_positions[:, 2]) > 1.0  # the synthetic dancer travels 1.6 m downstage
    np.testing.assert_allclose(hips[:, [0, 2]], 0.0, atol=1e-7)
    np.testing.assert_allclose(hips[:, 1], motion.root_positions[:, 1], atol=1e-6)
    rotations = [c for c in animation.channels if c.target.path == "rotation"]
    assert len(rotations) == len(motion.skeleton)  # the limbs dance the same
