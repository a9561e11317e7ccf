"""The dance as a video (MP4: H.264 video, AAC music), rendered on the CPU without a display.

OpenGL runs headless through EGL on Mesa's software rasteriser (llvmpipe), so no GPU or screen is needed; the
ballerina is skinned in the vertex shader from the same mesh the GLB carries. Frames are piped to the ffmpeg
that the imageio-ffmpeg package ships.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.ndimage import gaussian_filter1d

from redshoes.animate.motion import Motion
from redshoes.compose.choreography import Choreography
from redshoes.errors import OutputError, RedShoesError
from redshoes.export.mesh import BodyMesh, ballerina_mesh

WIDTH, HEIGHT, FPS = 1280, 720, 30


@dataclass(frozen=True)
class VideoOptions:
    """Size and rate of the video, and whether the current step's name is shown as a caption."""

    width: int = WIDTH
    height: int = HEIGHT
    fps: int = FPS
    caption: bool = False
    samples: int = 0  # multisampling; 4 looks smoother but renders about 3× slower on the CPU
    preset: str = "superfast"  # x264's speed/size trade-off; the CPU is shared with the renderer
    shadow_size: int = 1024


_BODY_VS = """
#version 330
uniform mat4 u_joints[32];
uniform mat4 u_viewproj;
uniform mat4 u_light;
in vec3 in_pos;
in vec3 in_normal;
in vec4 in_joints;
in vec4 in_weights;
out vec3 v_world;
out vec3 v_normal;
out vec4 v_light;
void main() {
    mat4 skin = in_weights.x * u_joints[int(in_joints.x)] + in_weights.y * u_joints[int(in_joints.y)]
              + in_weights.z * u_joints[int(in_joints.z)] + in_weights.w * u_joints[int(in_joints.w)];
    vec4 world = skin * vec4(in_pos, 1.0);
    v_world = world.xyz;
    v_normal = mat3(skin) * in_normal;
    v_light = u_light * world;
    gl_Position = u_viewproj * world;
}
"""

_SHADOW_FS = """
#version 330
void main() {}
"""

_LIGHTING = """
uniform sampler2DShadow u_shadow;
uniform vec3 u_light_dir;
uniform vec3 u_eye;
float lit(vec4 light_pos) {
    vec3 p = light_pos.xyz / light_pos.w * 0.5 + 0.5;
    if (p.x < 0.0 || p.x > 1.0 || p.y < 0.0 || p.y > 1.0) return 1.0;
    return texture(u_shadow, vec3(p.xy, p.z - 0.0015));  // bilinear comparison: a soft 2×2 edge
}
vec3 shade(vec3 albedo, vec3 n, vec3 world, vec4 light_pos, float roughness, float rim_strength) {
    vec3 l = normalize(-u_light_dir);
    vec3 v = normalize(u_eye - world);
    float diffuse = max(dot(n, l), 0.0);
    vec3 h = normalize(l + v);
    float shininess = mix(64.0, 4.0, roughness);
    float spec = pow(max(dot(n, h), 0.0), shininess) * (1.0 - roughness) * 0.6;
    float rim = pow(1.0 - max(dot(n, v), 0.0), 3.0) * rim_strength;
    float ambient = 0.28 + 0.12 * n.y;
    float s = lit(light_pos);
    vec3 warm = vec3(1.0, 0.93, 0.85);
    return albedo * (ambient + 1.05 * diffuse * s * warm) + spec * s * warm + rim * vec3(0.9, 0.5, 0.5);
}
"""

_BODY_FS = """
#version 330
in vec3 v_world;
in vec3 v_normal;
in vec4 v_light;
uniform vec4 u_color;
uniform float u_roughness;
out vec4 f_color;
""" + _LIGHTING + """
void main() {
    vec3 n = normalize(v_normal);
    if (!gl_FrontFacing) n = -n;
    vec3 c = shade(u_color.rgb, n, v_world, v_light, u_roughness, 0.25);
    f_color = vec4(pow(c, vec3(1.0 / 2.2)), 1.0);
}
"""

_FLOOR_VS = """
#version 330
uniform mat4 u_viewproj;
uniform mat4 u_light;
in vec3 in_pos;
out vec3 v_world;
out vec4 v_light;
void main() {
    v_world = in_pos;
    v_light = u_light * vec4(in_pos, 1.0);
    gl_Position = u_viewproj * vec4(in_pos, 1.0);
}
"""

_FLOOR_FS = """
#version 330
in vec3 v_world;
in vec4 v_light;
uniform vec2 u_stage;
uniform vec3 u_target;
out vec4 f_color;
""" + _LIGHTING + """
float hash(float x) { return fract(sin(x * 127.1) * 43758.5453); }
void main() {
    float plank = floor(v_world.x / 0.16);
    float along = v_world.z + hash(plank) * 3.0;
    float board = floor(along / 1.8);
    float tone = 0.82 + 0.18 * hash(plank * 7.0 + board);
    float grain = 0.94 + 0.06 * sin(v_world.z * 40.0 + hash(plank) * 20.0);
    vec3 wood = vec3(0.42, 0.24, 0.12) * tone * grain;
    float seam = smoothstep(0.0, 0.006, abs(fract(v_world.x / 0.16) - 0.0) * 0.16)
               * smoothstep(0.0, 0.006, abs(fract(along / 1.8)) * 1.8);
    wood *= mix(0.55, 1.0, seam);
    bool on_stage = abs(v_world.x) <= u_stage.x * 0.5 && abs(v_world.z) <= u_stage.y * 0.5;
    vec3 albedo = on_stage ? wood : vec3(0.012, 0.008, 0.008);
    vec3 c = shade(albedo, vec3(0.0, 1.0, 0.0), v_world, v_light, on_stage ? 0.6 : 1.0, 0.0);
    vec2 d = v_world.xz - u_target.xz;
    c *= 0.45 + 0.75 * exp(-dot(d, d) * 0.12);
    f_color = vec4(pow(c, vec3(1.0 / 2.2)), 1.0);
}
"""

_CURTAIN_VS = """
#version 330
uniform mat4 u_viewproj;
in vec3 in_pos;
out vec3 v_world;
void main() { v_world = in_pos; gl_Position = u_viewproj * vec4(in_pos, 1.0); }
"""

_CURTAIN_FS = """
#version 330
in vec3 v_world;
out vec4 f_color;
void main() {
    float folds = 0.55 + 0.45 * sin(v_world.x * 9.0 + 0.6 * sin(v_world.x * 2.3));
    float height = clamp(v_world.y / 7.0, 0.0, 1.0);
    vec3 c = vec3(0.42, 0.03, 0.04) * folds * mix(1.0, 0.25, height);
    f_color = vec4(pow(c, vec3(1.0 / 2.2)), 1.0);
}
"""


def _perspective(fov_y_deg: float, aspect: float, near: float, far: float) -> np.ndarray:
    f = 1.0 / np.tan(np.radians(fov_y_deg) / 2)
    return np.array([
        [f / aspect, 0, 0, 0],
        [0, f, 0, 0],
        [0, 0, (far + near) / (near - far), 2 * far * near / (near - far)],
        [0, 0, -1, 0],
    ])


def _orthographic(half_w: float, half_h: float, near: float, far: float) -> np.ndarray:
    return np.array([
        [1 / half_w, 0, 0, 0],
        [0, 1 / half_h, 0, 0],
        [0, 0, -2 / (far - near), -(far + near) / (far - near)],
        [0, 0, 0, 1],
    ])


def _look_at(eye: np.ndarray, target: np.ndarray, up: np.ndarray | None = None) -> np.ndarray:
    up = np.array([0.0, 1.0, 0.0]) if up is None else up
    f = target - eye
    f = f / np.linalg.norm(f)
    s = np.cross(f, up)
    s = s / np.linalg.norm(s)
    u = np.cross(s, f)
    m = np.eye(4)
    m[0, :3], m[1, :3], m[2, :3] = s, u, -f
    m[:3, 3] = -m[:3, :3] @ eye
    return m


def _uniform(program: Any, name: str) -> Any:
    """A shader program's uniform by name (moderngl also returns attributes by name: refuse those)."""
    import moderngl

    uniform = program[name]
    if not isinstance(uniform, moderngl.Uniform):
        raise TypeError(f"{name} is not a uniform")
    return uniform


def _gl(matrix: np.ndarray) -> bytes:
    """A matrix in OpenGL's column-major float32 layout."""
    return np.ascontiguousarray(matrix.T, dtype=np.float32).tobytes()


def skin_matrices(motion: Motion, frame_times: np.ndarray) -> np.ndarray:
    """Per video frame, each joint's skinning matrix (frames, joints, 4, 4): world pose times inverse rest pose."""
    from scipy.spatial.transform import Rotation

    index = np.clip(np.round(frame_times * motion.fps).astype(int), 0, motion.frames - 1)
    sub = Motion(motion.fps, motion.skeleton, motion.root_positions[index], motion.rotations[index])
    positions, quats = sub.global_transforms()
    rest = np.zeros((len(motion.skeleton), 3))
    for j, parent in enumerate(motion.skeleton.parents):
        rest[j] = motion.skeleton.offsets[j] + (rest[parent] if parent >= 0 else 0.0)
    frames, joints = quats.shape[:2]
    rot = Rotation.from_quat(quats.reshape(-1, 4)).as_matrix().reshape(frames, joints, 3, 3)
    out = np.zeros((frames, joints, 4, 4))
    out[:, :, :3, :3] = rot
    out[:, :, :3, 3] = positions - np.einsum("fjab,jb->fja", rot, rest)
    out[:, :, 3, 3] = 1.0
    return out


def camera_path(motion: Motion, frame_times: np.ndarray, stage_width: float) -> np.ndarray:
    """Where the camera looks, per frame (frames, 3): the dancer's hips, smoothed so the camera glides."""
    index = np.clip(np.round(frame_times * motion.fps).astype(int), 0, motion.frames - 1)
    root = motion.root_positions[index].copy()
    sigma = 0.5 * FPS
    target = np.stack([gaussian_filter1d(root[:, 0], sigma, mode="nearest"),
                       np.full(len(root), 0.92),
                       gaussian_filter1d(root[:, 2], sigma, mode="nearest")], axis=1)
    target[:, 0] = np.clip(target[:, 0], -stage_width / 2, stage_width / 2)
    return target


def _caption_image(text: str, width: int) -> np.ndarray:
    """The caption as an RGBA image strip (a white French step name on a soft dark band)."""
    from PIL import Image, ImageDraw, ImageFont

    strip = Image.new("RGBA", (width, 64), (0, 0, 0, 0))
    draw = ImageDraw.Draw(strip)
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont
    try:
        font = ImageFont.truetype("DejaVuSerif-Italic.ttf", 34)
    except OSError:
        font = ImageFont.load_default(size=34)
    box = draw.textbbox((0, 0), text, font=font)
    w = box[2] - box[0]
    draw.rounded_rectangle(((width - w) / 2 - 18, 6, (width + w) / 2 + 18, 58), radius=12, fill=(0, 0, 0, 110))
    draw.text(((width - w) / 2, 10), text, font=font, fill=(255, 245, 235, 255))
    return np.asarray(strip)


def _step_at(choreography: Choreography, time: float) -> str:
    for step in choreography.steps:
        if step.start <= time < step.end:
            return step.name
    return ""


class _Renderer:
    """One OpenGL context with the ballerina, the floor and the curtain, drawing frames into a buffer."""

    def __init__(self, mesh: BodyMesh, options: VideoOptions, stage: tuple[float, float]) -> None:
        import moderngl

        try:
            self.ctx = moderngl.create_standalone_context(backend="egl")  # type: ignore[arg-type]
        except Exception as exc:  # the message of a missing EGL/Mesa library is cryptic: say what to install
            raise RedShoesError(
                f"cannot start software OpenGL for the video ({exc}); install Mesa's EGL "
                "(Debian: apt-get install libegl1 libgl1-mesa-dri) or leave out --video"
            ) from None
        ctx = self.ctx
        self.options = options
        self.stage = stage
        self.body = ctx.program(vertex_shader=_BODY_VS, fragment_shader=_BODY_FS)
        self.shadow = ctx.program(vertex_shader=_BODY_VS, fragment_shader=_SHADOW_FS)
        self.floor = ctx.program(vertex_shader=_FLOOR_VS, fragment_shader=_FLOOR_FS)
        self.curtain = ctx.program(vertex_shader=_CURTAIN_VS, fragment_shader=_CURTAIN_FS)
        vertices = np.hstack([mesh.positions, mesh.normals, mesh.joints.astype(np.float32), mesh.weights])
        vbo = ctx.buffer(vertices.astype(np.float32).tobytes())
        layout = (vbo, "3f 3f 4f 4f", "in_pos", "in_normal", "in_joints", "in_weights")
        depth_layout = (vbo, "3f 3x4 4f 4f", "in_pos", "in_joints", "in_weights")  # no normals in the shadow pass
        self.parts = []
        for tris, material in zip(mesh.triangles, mesh.materials, strict=True):
            ibo = ctx.buffer(tris.astype(np.uint32).tobytes())
            self.parts.append((
                ctx.vertex_array(self.body, [layout], index_buffer=ibo, index_element_size=4),
                ctx.vertex_array(self.shadow, [depth_layout], index_buffer=ibo, index_element_size=4),
                material,
            ))
        big = 30.0
        floor = np.array([[-big, 0, -big], [big, 0, -big], [big, 0, big], [-big, 0, -big], [big, 0, big],
                          [-big, 0, big]], dtype=np.float32)
        self.floor_vao = ctx.vertex_array(self.floor, [(ctx.buffer(floor.tobytes()), "3f", "in_pos")])
        back = -stage[1] / 2 - 0.5
        curtain = np.array([[-big, 0, back], [big, 0, back], [big, 9, back], [-big, 0, back], [big, 9, back],
                            [-big, 9, back]], dtype=np.float32)
        self.curtain_vao = ctx.vertex_array(self.curtain, [(ctx.buffer(curtain.tobytes()), "3f", "in_pos")])
        self.shadow_map = ctx.depth_texture((options.shadow_size, options.shadow_size))
        self.shadow_map.compare_func = "<="
        self.shadow_map.filter = (moderngl.LINEAR, moderngl.LINEAR)
        self.shadow_map.repeat_x = self.shadow_map.repeat_y = False
        self.shadow_fbo = ctx.framebuffer(depth_attachment=self.shadow_map)
        size = (options.width, options.height)
        samples = options.samples
        self.msaa = ctx.framebuffer(color_attachments=[ctx.renderbuffer(size, samples=samples)],
                                    depth_attachment=ctx.depth_renderbuffer(size, samples=samples))
        self.fbo = ctx.framebuffer(color_attachments=[ctx.renderbuffer(size)]) if samples else self.msaa
        self.light_dir = np.array([0.35, -1.0, -0.45])
        self.light_dir /= np.linalg.norm(self.light_dir)

    def draw(self, joints: np.ndarray, target: np.ndarray) -> np.ndarray:
        """One frame (height, width, 3) uint8 for the given skinning matrices and camera target."""
        import moderngl

        ctx, o = self.ctx, self.options
        joint_bytes = np.zeros((32, 4, 4), dtype=np.float32)
        joint_bytes[: len(joints)] = np.transpose(joints, (0, 2, 1))
        light_eye = target - self.light_dir * 8.0
        light = _orthographic(3.5, 3.5, 0.5, 20.0) @ _look_at(light_eye, target, np.array([0.0, 0.0, -1.0]))
        eye = target + np.array([0.0, 0.45, 5.6])
        viewproj = _perspective(34.0, o.width / o.height, 0.1, 60.0) @ _look_at(eye, target)

        ctx.enable(moderngl.DEPTH_TEST)
        ctx.disable(moderngl.CULL_FACE)
        self.shadow_fbo.use()
        self.shadow_fbo.clear(depth=1.0)
        _uniform(self.shadow, "u_joints").write(joint_bytes.tobytes())
        _uniform(self.shadow, "u_viewproj").write(_gl(light))
        for _, shadow_vao, _ in self.parts:
            shadow_vao.render()

        self.msaa.use()
        self.msaa.clear(0.02, 0.0, 0.0, 1.0)
        self.shadow_map.use(location=0)
        for program in (self.body, self.floor):
            _uniform(program, "u_shadow").value = 0
            _uniform(program, "u_light_dir").write(self.light_dir.astype(np.float32).tobytes())
            _uniform(program, "u_eye").write(eye.astype(np.float32).tobytes())
            _uniform(program, "u_light").write(_gl(light))
            _uniform(program, "u_viewproj").write(_gl(viewproj))
        _uniform(self.curtain, "u_viewproj").write(_gl(viewproj))
        self.curtain_vao.render()
        _uniform(self.floor, "u_stage").value = self.stage
        _uniform(self.floor, "u_target").write(target.astype(np.float32).tobytes())
        self.floor_vao.render()
        _uniform(self.body, "u_joints").write(joint_bytes.tobytes())
        for vao, _, material in self.parts:
            _uniform(self.body, "u_color").value = material.color
            _uniform(self.body, "u_roughness").value = material.roughness
            vao.render()
        if self.fbo is not self.msaa:
            ctx.copy_framebuffer(self.fbo, self.msaa)
        data = self.fbo.read(components=3, alignment=1)
        return np.frombuffer(data, dtype=np.uint8).reshape(o.height, o.width, 3)[::-1]

    def release(self) -> None:
        self.ctx.release()


def write_video(motion: Motion, choreography: Choreography, audio_path: Path | None, path: Path,
                options: VideoOptions = VideoOptions(),
                on_frame: Callable[[int, int], None] | None = None) -> None:
    """Render the dance to an MP4 (H.264, yuv420p) with the music as AAC, frame by frame in bounded memory."""
    import imageio_ffmpeg

    times = np.arange(0.0, motion.duration, 1.0 / options.fps)
    stage = (choreography.stage.width, choreography.stage.depth)
    renderer = _Renderer(ballerina_mesh(motion.skeleton), options, stage)
    targets = camera_path(motion, times, stage[0])
    captions: dict[str, np.ndarray] = {}
    tmp = path.with_name(f".{path.name}.part.mp4")
    writer = imageio_ffmpeg.write_frames(
        str(tmp), (options.width, options.height), fps=options.fps, codec="libx264", pix_fmt_out="yuv420p",
        quality=None, bitrate=None, macro_block_size=16, ffmpeg_log_level="error",
        output_params=["-preset", options.preset, "-crf", "23", "-threads", "1", "-fflags", "+bitexact",
                       "-flags:v", "+bitexact", "-flags:a", "+bitexact", "-map_metadata", "-1", "-shortest"],
        audio_path=str(audio_path) if audio_path else None, audio_codec="aac" if audio_path else None,
    )
    try:
        writer.send(None)
        chunk = 64
        for start in range(0, len(times), chunk):
            part = times[start:start + chunk]
            joints = skin_matrices(motion, part)
            for k, t in enumerate(part):
                frame = renderer.draw(joints[k], targets[start + k])
                if options.caption:
                    name = _step_at(choreography, float(t))
                    if name:
                        if name not in captions:
                            captions[name] = _caption_image(name, options.width)
                        frame = _overlay(frame, captions[name], top=options.height - 90)
                writer.send(np.ascontiguousarray(frame))
                if on_frame:
                    on_frame(start + k + 1, len(times))
        writer.close()
        tmp.replace(path)
    except OSError as exc:
        raise OutputError(f"cannot write the video {path}: {exc}") from None
    finally:
        renderer.release()
        if tmp.exists():
            tmp.unlink()


def _overlay(frame: np.ndarray, strip: np.ndarray, *, top: int) -> np.ndarray:
    out = frame.copy()
    h = min(strip.shape[0], out.shape[0] - top)
    alpha = strip[:h, :, 3:4].astype(np.float32) / 255.0
    region = out[top:top + h].astype(np.float32)
    out[top:top + h] = (region * (1 - alpha) + strip[:h, :, :3] * alpha).astype(np.uint8)
    return out
