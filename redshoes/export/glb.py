"""GLB export: the ballerina's skinned body with the dance as one animation, for the web viewer and 3D tools.

glTF conventions: metres, Y up, the dancer faces +z (stated in asset.extras for tools and people). Joint nodes
carry the Red Shoes joint names; their rest rotation is identity (the skeleton's T-pose), so the motion's local
quaternions (xyzw, as glTF) are the node rotations. One animation, "dance": the Hips translation and every joint's
rotation at every frame, LINEAR.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pygltflib as gl

from redshoes.animate.motion import Motion
from redshoes.errors import OutputError
from redshoes.export.mesh import BodyMesh, ballerina_mesh

ASSET_EXTRAS = {"units": "metres", "up": "+Y", "forward": "+Z", "generator": "Red Shoes"}

_FLOAT, _UBYTE, _UINT, _USHORT = gl.FLOAT, gl.UNSIGNED_BYTE, gl.UNSIGNED_INT, gl.UNSIGNED_SHORT


class _Packer:
    """Appends arrays to one binary buffer, one buffer view and accessor each, 4-byte aligned."""

    def __init__(self, gltf: gl.GLTF2) -> None:
        self.gltf = gltf
        self.blob = bytearray()

    def add(
        self, array: np.ndarray, kind: str, component: int, target: int | None, bounds: bool = False
    ) -> int:
        data = np.ascontiguousarray(array).tobytes()
        while len(self.blob) % 4:
            self.blob.append(0)
        self.gltf.bufferViews.append(
            gl.BufferView(buffer=0, byteOffset=len(self.blob), byteLength=len(data), target=target)
        )
        self.blob.extend(data)
        accessor = gl.Accessor(
            bufferView=len(self.gltf.bufferViews) - 1,
            componentType=component,
            count=int(array.shape[0]),
            type=kind,
        )
        if bounds:
            flat = array.reshape(array.shape[0], -1)
            accessor.min = [float(v) for v in flat.min(axis=0)]
            accessor.max = [float(v) for v in flat.max(axis=0)]
        self.gltf.accessors.append(accessor)
        return len(self.gltf.accessors) - 1


def _continuous(quats: np.ndarray) -> np.ndarray:
    """Flip quaternion signs so consecutive frames lie in the same hemisphere (clean LINEAR interpolation)."""
    out = quats.copy()
    for f in range(1, len(out)):
        flip = np.sum(out[f] * out[f - 1], axis=-1) < 0
        out[f][flip] *= -1
    return out


def _rest_world(motion: Motion) -> np.ndarray:
    sk = motion.skeleton
    pos = np.zeros((len(sk), 3))
    for j, p in enumerate(sk.parents):
        pos[j] = sk.offsets[j] + (pos[p] if p >= 0 else 0.0)
    return pos


def root_in_place(motion: Motion) -> Motion:
    """The motion with the Hips' horizontal (x, z) travel removed and its height kept, as game engines expect
    of a clip whose root motion they extract themselves: the Hips stay above the origin."""
    root = np.array(motion.root_positions, dtype=np.float64, copy=True)
    root[:, [0, 2]] = 0.0
    return Motion(fps=motion.fps, skeleton=motion.skeleton, root_positions=root, rotations=motion.rotations)


def build_gltf(motion: Motion, mesh: BodyMesh | None = None) -> gl.GLTF2:
    """The glTF document (binary blob attached) of the skinned ballerina dancing the motion; `mesh`
    defaults to `ballerina_mesh(motion.skeleton)`."""
    skeleton = motion.skeleton
    mesh = mesh if mesh is not None else ballerina_mesh(skeleton)
    gltf = gl.GLTF2(asset=gl.Asset(version="2.0", generator="Red Shoes", extras=dict(ASSET_EXTRAS)))
    pack = _Packer(gltf)

    position = pack.add(mesh.positions, gl.VEC3, _FLOAT, gl.ARRAY_BUFFER, bounds=True)
    normal = pack.add(mesh.normals, gl.VEC3, _FLOAT, gl.ARRAY_BUFFER)
    joints = pack.add(mesh.joints, gl.VEC4, _UBYTE, gl.ARRAY_BUFFER)
    weights = pack.add(mesh.weights, gl.VEC4, _FLOAT, gl.ARRAY_BUFFER)
    index_type = (np.uint16, _USHORT) if len(mesh.positions) < 65535 else (np.uint32, _UINT)
    primitives = []
    for m, tris in enumerate(mesh.triangles):
        if not len(tris):
            continue
        indices = pack.add(
            tris.reshape(-1).astype(index_type[0]), gl.SCALAR, index_type[1], gl.ELEMENT_ARRAY_BUFFER
        )
        primitives.append(
            gl.Primitive(
                attributes=gl.Attributes(
                    POSITION=position, NORMAL=normal, JOINTS_0=joints, WEIGHTS_0=weights
                ),
                indices=indices,
                material=m,
            )
        )
    gltf.materials = [
        gl.Material(
            name=mat.name,
            pbrMetallicRoughness=gl.PbrMetallicRoughness(
                baseColorFactor=list(mat.color), metallicFactor=0.0, roughnessFactor=mat.roughness
            ),
            doubleSided=mat.double_sided,
        )
        for mat in mesh.materials
    ]
    gltf.meshes = [gl.Mesh(name="ballerina", primitives=primitives)]

    # nodes: 0 = the skinned body, 1.. = the joints in skeleton order
    rest = _rest_world(motion)
    first_joint = 1
    nodes = [gl.Node(name="ballerina", mesh=0, skin=0)]
    for j, name in enumerate(skeleton.names):
        children = [first_joint + int(c) for c in np.flatnonzero(skeleton.parents == j)]
        translation = rest[j] if skeleton.parents[j] < 0 else skeleton.offsets[j]
        nodes.append(
            gl.Node(name=name, translation=[float(v) for v in translation], children=children or None)
        )
    gltf.nodes = nodes
    roots = [first_joint + int(r) for r in np.flatnonzero(skeleton.parents < 0)]
    gltf.scenes = [gl.Scene(name="stage", nodes=[0, *roots])]
    gltf.scene = 0

    inverse_bind = np.tile(np.eye(4, dtype=np.float32), (len(skeleton), 1, 1))
    inverse_bind[:, 3, :3] = -rest  # column-major storage: translation in the last column
    ibm = pack.add(inverse_bind.reshape(len(skeleton), 16), gl.MAT4, _FLOAT, None)
    gltf.skins = [
        gl.Skin(
            name="ballerina",
            inverseBindMatrices=ibm,
            joints=[first_joint + j for j in range(len(skeleton))],
            skeleton=roots[0],
        )
    ]

    # frame i is shown from i / fps; a last key at `duration` holds the last pose, so the clip lasts as long
    # as the motion (and the music)
    times = (np.arange(motion.frames + 1, dtype=np.float64) / motion.fps).astype(np.float32)
    time_acc = pack.add(times, gl.SCALAR, _FLOAT, None, bounds=True)
    samplers, channels = [], []
    root = int(np.flatnonzero(skeleton.parents < 0)[0])
    root_positions = np.concatenate([motion.root_positions, motion.root_positions[-1:]])
    translation = pack.add(root_positions.astype(np.float32), gl.VEC3, _FLOAT, None)
    samplers.append(gl.AnimationSampler(input=time_acc, output=translation, interpolation=gl.ANIM_LINEAR))
    channels.append(
        gl.AnimationChannel(
            sampler=0, target=gl.AnimationChannelTarget(node=first_joint + root, path="translation")
        )
    )
    quats = np.asarray(motion.rotations, dtype=np.float64)
    quats = np.concatenate([quats, quats[-1:]])
    quats = _continuous(quats / np.linalg.norm(quats, axis=-1, keepdims=True))
    for j in range(len(skeleton)):
        q = quats[:, j].astype(np.float32)
        q /= np.linalg.norm(q, axis=-1, keepdims=True)
        output = pack.add(q, gl.VEC4, _FLOAT, None)
        samplers.append(gl.AnimationSampler(input=time_acc, output=output, interpolation=gl.ANIM_LINEAR))
        channels.append(
            gl.AnimationChannel(
                sampler=len(samplers) - 1,
                target=gl.AnimationChannelTarget(node=first_joint + j, path="rotation"),
            )
        )
    gltf.animations = [gl.Animation(name="dance", samplers=samplers, channels=channels)]

    while len(pack.blob) % 4:
        pack.blob.append(0)
    gltf.buffers = [gl.Buffer(byteLength=len(pack.blob))]
    gltf.set_binary_blob(bytes(pack.blob))
    return gltf


def glb_bytes(motion: Motion, *, in_place: bool = False) -> bytes:
    """The GLB file's bytes (deterministic: same motion, same bytes)."""
    return b"".join(build_gltf(root_in_place(motion) if in_place else motion).save_to_bytes())


def write_glb(motion: Motion, path: Path, *, in_place: bool = False) -> None:
    """Write the dancing ballerina as a binary glTF (GLB) file for the viewer and any 3D tool; `in_place`
    removes the horizontal travel of the Hips (root motion left for the game engine to extract)."""
    if motion.frames < 2:
        raise OutputError(
            "cannot write a GLB of fewer than 2 frames; the motion is empty — check the animate stage"
        )
    try:
        Path(path).write_bytes(glb_bytes(motion, in_place=in_place))
    except OSError as exc:
        raise OutputError(f"cannot write GLB {path}: {exc.strerror}; check the output folder") from None
