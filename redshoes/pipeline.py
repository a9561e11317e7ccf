"""Runs the stages in order, saving each result in the output folder so any stage can be re-run alone."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from redshoes import serial
from redshoes.animate.motion import Motion, load_motion, save_motion
from redshoes.compose.choreography import Choreography, Stage
from redshoes.errors import InputError
from redshoes.hear.music_map import MusicMap
from redshoes.outputs import OutputFolder

MUSIC_JSON = "music.json"
MUSIC_AUDIO = "music.ogg"
MUSIC_PLOT = "music.png"
CHOREOGRAPHY_JSON = "choreography.json"
MOTION_NPZ = "motion.npz"
BVH = "dancer.bvh"
GLB = "dancer.glb"
VIEWER = "index.html"
STEP_SHEET = "steps.md"
STEP_SHEET_HTML = "steps.html"
BVH_IN_PLACE = "dancer-in-place.bvh"
GLB_IN_PLACE = "dancer-in-place.glb"
REPORT = "report.json"
VIDEO = "dancer.mp4"
BUILTIN_SOURCE = "built-in"
# Above this length the motion is made and written a chunk at a time (memory flat, whatever the length); the
# files that hold the whole motion at once (motion.npz, the GLB, the viewer, the video) are written only below it.
LONG_PIECE_SECONDS = 20 * 60.0
_EXPORTS = (BVH, GLB, VIEWER, STEP_SHEET, STEP_SHEET_HTML, REPORT, VIDEO, BVH_IN_PLACE, GLB_IN_PLACE)

OUTPUTS = (
    MUSIC_JSON, MUSIC_AUDIO, MUSIC_PLOT, CHOREOGRAPHY_JSON, MOTION_NPZ, BVH, GLB, VIEWER, STEP_SHEET, STEP_SHEET_HTML,
    REPORT, VIDEO, BVH_IN_PLACE, GLB_IN_PLACE,
)


@dataclass(frozen=True)
class DanceOptions:
    """What the user chooses: seed, level, frames per second, stage size."""

    seed: int = 0
    level: str = "advanced"
    fps: float = 60.0
    stage: Stage = Stage()
    progress: bool = True
    video: bool = False
    caption: bool = False
    in_place: bool = False
    click: bool = False


class _Progress:
    """One progress bar per stage, on standard error."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    @contextmanager
    def stage(self, name: str, total: int) -> Iterator[Callable[[str], None]]:
        bar = tqdm(total=total, desc=f"{name:<8}", unit="part", disable=not self.enabled, leave=True,
                   bar_format="{desc} {bar:24} {n_fmt}/{total_fmt}{postfix}")

        def advance(what: str) -> None:
            bar.set_postfix_str(what)
            bar.update(1)

        try:
            yield advance
        finally:
            bar.close()


def _report_update(folder: OutputFolder, stage: str, figures: dict[str, Any]) -> None:
    path = folder.path / REPORT
    report: dict[str, Any] = {}
    if path.is_file():
        try:
            import json

            report = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            report = {}
    report[stage] = figures
    ordered = {k: report[k] for k in ("hear", "compose", "animate", "export") if k in report}
    serial.write_text_atomic(folder.file(REPORT), serial.dumps(ordered))


def run_hear(source: Path | None, folder: OutputFolder, progress: _Progress, *, click: bool = False) -> MusicMap:
    """Hear the music (or the built-in piece when no source), save music.json, music.ogg and music.png."""
    from redshoes.hear.audio import write_audio_ogg
    from redshoes.hear.plot import plot_music_map

    started = time.perf_counter()
    with progress.stage("hear", 4) as step:
        if source is None:
            from redshoes.music.builtin import builtin_music

            music, audio = builtin_music()
            music = replace(music, source=BUILTIN_SOURCE)
            step("built-in piece")
        else:
            from redshoes.hear import hear_file

            music, audio = hear_file(Path(source))
            step(Path(source).name)
        music = _with_audio_name(music, MUSIC_AUDIO)
        if click:
            from redshoes.hear import mix_click

            audio = mix_click(audio, music)
        serial.save(music, folder.file(MUSIC_JSON))
        step(MUSIC_JSON)
        write_audio_ogg(audio, folder.file(MUSIC_AUDIO))
        step(MUSIC_AUDIO)
        plot_music_map(music, audio, folder.file(MUSIC_PLOT))
        step(MUSIC_PLOT)
    from redshoes.export.report import hear_figures

    _report_update(folder, "hear", hear_figures(music, seconds=time.perf_counter() - started))
    return music


def _with_audio_name(music: MusicMap, name: str) -> MusicMap:
    return replace(music, audio=name)


def run_compose(music: MusicMap, folder: OutputFolder, options: DanceOptions, progress: _Progress,
                previous: Choreography | None = None) -> Choreography:
    """Compose the ballet (around the locked steps of a previous one) and save choreography.json."""
    from redshoes.compose import compose
    from redshoes.compose.edit import recompose as compose_around_locks

    started = time.perf_counter()
    with progress.stage("compose", 2) as step:
        if previous is not None and any(s.locked for s in previous.steps):
            choreography = compose_around_locks(previous, music, seed=options.seed, level=options.level,
                                                stage=options.stage)
        else:
            choreography = compose(music, seed=options.seed, level=options.level, stage=options.stage)
        step(f"{len(choreography.steps)} steps")
        serial.save(choreography, folder.file(CHOREOGRAPHY_JSON))
        step(CHOREOGRAPHY_JSON)
    from redshoes.export.report import compose_figures

    _report_update(folder, "compose", compose_figures(choreography, music, seconds=time.perf_counter() - started))
    return choreography


def run_animate(choreography: Choreography, folder: OutputFolder, options: DanceOptions,
                progress: _Progress) -> Motion:
    """Animate the choreography and save motion.npz."""
    from redshoes.animate import animate

    started = time.perf_counter()
    with progress.stage("animate", 2) as step:
        motion = animate(choreography, fps=options.fps)
        step(f"{motion.frames} frames")
        save_motion(motion, folder.file(MOTION_NPZ))
        step(MOTION_NPZ)
    from redshoes.export.report import motion_figures

    _report_update(folder, "animate", motion_figures(motion, seconds=time.perf_counter() - started))
    return motion


def run_export(motion: Motion, choreography: Choreography, music: MusicMap, folder: OutputFolder,
               progress: _Progress, *, title: str, options: DanceOptions) -> list[str]:
    """Write the files people open: BVH, GLB, the viewer, the step sheet."""
    from redshoes.export.bvh import write_bvh
    from redshoes.export.glb import write_glb
    from redshoes.export.step_sheet import write_step_sheet
    from redshoes.export.step_sheet_html import write_step_sheet_html
    from redshoes.export.viewer import load_waveform, write_viewer

    started = time.perf_counter()
    written = [BVH, GLB, VIEWER, STEP_SHEET, STEP_SHEET_HTML]
    if options.in_place:
        written += [BVH_IN_PLACE, GLB_IN_PLACE]
    with progress.stage("export", len(written)) as step:
        write_bvh(motion, folder.file(BVH))
        step(BVH)
        write_glb(motion, folder.file(GLB))
        step(GLB)
        folder.file(VIEWER)
        write_viewer(folder.path, glb_path=folder.path / GLB, audio_name=MUSIC_AUDIO, choreography=choreography,
                     music=music, title=title, waveform=load_waveform(folder.path / MUSIC_AUDIO, music.duration))
        step(VIEWER)
        write_step_sheet(choreography, music, folder.file(STEP_SHEET), title=title)
        step(STEP_SHEET)
        write_step_sheet_html(choreography, music, folder.file(STEP_SHEET_HTML), title=title)
        step(STEP_SHEET_HTML)
        if options.in_place:
            write_bvh(motion, folder.file(BVH_IN_PLACE), in_place=True)
            step(BVH_IN_PLACE)
            write_glb(motion, folder.file(GLB_IN_PLACE), in_place=True)
            step(GLB_IN_PLACE)
    figures: dict[str, Any] = {"seconds": time.perf_counter() - started}
    if options.video:
        figures["video"] = _run_video(motion, choreography, folder, progress, options)
        written.append(VIDEO)
    figures["bytes"] = {name: (folder.path / name).stat().st_size for name in written}
    _report_update(folder, "export", figures)
    return written


def _run_video(motion: Motion, choreography: Choreography, folder: OutputFolder, progress: _Progress,
               options: DanceOptions) -> dict[str, Any]:
    from redshoes.export.video import VideoOptions, write_video

    started = time.perf_counter()
    video_options = VideoOptions(caption=options.caption)
    frames = max(int(motion.duration * video_options.fps), 1)
    audio = folder.path / MUSIC_AUDIO
    with progress.stage("video", frames) as step:
        write_video(motion, choreography, audio if audio.is_file() else None, folder.file(VIDEO), video_options,
                    on_frame=lambda done, total: step(f"frame {done}"))
    seconds = time.perf_counter() - started
    return {"frames": frames, "seconds": seconds, "times_real_time": motion.duration / seconds}


def title_for(source: Path | None) -> str:
    """The title shown in the viewer and the step sheet."""
    return "Red Shoes — the built-in ballet" if source is None else f"Red Shoes — {Path(source).stem}"


def dance(source: Path | None, out_dir: Path, options: DanceOptions = DanceOptions(), *,
          force: bool = False) -> list[Path]:
    """Music in, ballet out: every stage, every file. Returns the files written."""
    if source is not None:
        _check_source(Path(source))
    folder = OutputFolder(out_dir, planned=OUTPUTS, force=force)
    progress = _Progress(options.progress)
    music = run_hear(source, folder, progress, click=options.click)
    choreography = run_compose(music, folder, options, progress)
    before = [MUSIC_JSON, MUSIC_AUDIO, MUSIC_PLOT, CHOREOGRAPHY_JSON]
    if choreography.duration > LONG_PIECE_SECONDS:
        written = run_long(choreography, music, folder, progress, title=title_for(source))
        return [folder.path / name for name in (*before, *written, REPORT)]
    motion = run_animate(choreography, folder, options, progress)
    written = run_export(motion, choreography, music, folder, progress, title=title_for(source), options=options)
    return [folder.path / name for name in (*before, MOTION_NPZ, *written, REPORT)]


def run_long(choreography: Choreography, music: MusicMap, folder: OutputFolder, progress: _Progress, *,
             title: str) -> list[str]:
    """A long piece: the BVH streamed chunk by chunk, and the step sheets."""
    from redshoes.animate.stream import CHUNK_S, animate_stream, stream_frames, write_bvh_stream
    from redshoes.export.step_sheet import write_step_sheet
    from redshoes.export.step_sheet_html import write_step_sheet_html

    started = time.perf_counter()
    frames = stream_frames(choreography, fps=60.0)
    chunk_seconds = CHUNK_S
    with progress.stage("animate", int(np.ceil(choreography.duration / chunk_seconds))) as step:
        def chunks() -> Iterator[Motion]:
            for k, chunk in enumerate(animate_stream(choreography, fps=60.0, chunk_seconds=chunk_seconds)):
                yield chunk
                step(f"{(k + 1) * chunk_seconds / 60:.0f} min")

        write_bvh_stream(chunks(), folder.file(BVH), frames=frames)
    seconds = time.perf_counter() - started
    _report_update(folder, "animate", {"frames": frames, "fps": 60.0, "duration_s": choreography.duration,
                                       "streamed": True, "seconds": seconds,
                                       "times_real_time": choreography.duration / seconds})
    write_step_sheet(choreography, music, folder.file(STEP_SHEET), title=title)
    write_step_sheet_html(choreography, music, folder.file(STEP_SHEET_HTML), title=title)
    _report_update(folder, "export", {"note": f"the piece is longer than {LONG_PIECE_SECONDS / 60:.0f} minutes: "
                                      "the BVH was streamed; the GLB, viewer and video are made for shorter pieces"})
    return [BVH, STEP_SHEET, STEP_SHEET_HTML]


def _check_source(source: Path) -> None:
    if not source.exists():
        raise InputError(f"{source}: no such file; give the path of an audio file (wav, flac, ogg, mp3)")
    if source.is_dir():
        raise InputError(f"{source} is a folder; give the path of an audio file (wav, flac, ogg, mp3)")


def recompose(out_dir: Path, options: DanceOptions) -> list[Path]:
    """Re-run compose (keeping locked steps), animate and export from the music.json saved in a folder."""
    folder = OutputFolder(out_dir, planned=(CHOREOGRAPHY_JSON, MOTION_NPZ, *_EXPORTS), force=True)
    music = serial.load(MusicMap, folder.path / MUSIC_JSON)
    saved = folder.path / CHOREOGRAPHY_JSON
    previous = serial.load(Choreography, saved) if saved.is_file() else None
    progress = _Progress(options.progress)
    choreography = run_compose(music, folder, options, progress, previous)
    motion = run_animate(choreography, folder, options, progress)
    written = run_export(motion, choreography, music, folder, progress, title=_saved_title(folder), options=options)
    return [folder.path / n for n in (CHOREOGRAPHY_JSON, MOTION_NPZ, *written, REPORT)]


def reanimate(out_dir: Path, options: DanceOptions) -> list[Path]:
    """Re-run animate and export from the (possibly edited) choreography.json saved in a folder."""
    folder = OutputFolder(out_dir, planned=(MOTION_NPZ, *_EXPORTS), force=True)
    music = serial.load(MusicMap, folder.path / MUSIC_JSON)
    choreography = serial.load(Choreography, folder.path / CHOREOGRAPHY_JSON)
    progress = _Progress(options.progress)
    motion = run_animate(choreography, folder, options, progress)
    written = run_export(motion, choreography, music, folder, progress, title=_saved_title(folder), options=options)
    return [folder.path / n for n in (MOTION_NPZ, *written, REPORT)]


def edit_choreography(out_dir: Path, change: Callable[[Choreography, MusicMap], Choreography],
                      options: DanceOptions) -> list[Path]:
    """Apply an edit to a folder's choreography.json, save it, then animate and export again."""
    folder = OutputFolder(out_dir, planned=(CHOREOGRAPHY_JSON, MOTION_NPZ, *_EXPORTS), force=True)
    music = serial.load(MusicMap, folder.path / MUSIC_JSON)
    choreography = change(serial.load(Choreography, folder.path / CHOREOGRAPHY_JSON), music)
    serial.save(choreography, folder.file(CHOREOGRAPHY_JSON))
    return [folder.path / CHOREOGRAPHY_JSON, *reanimate(out_dir, options)]


def reexport(out_dir: Path, options: DanceOptions) -> list[Path]:
    """Re-write the exported files from the motion.npz saved in a folder."""
    folder = OutputFolder(out_dir, planned=_EXPORTS, force=True)
    music = serial.load(MusicMap, folder.path / MUSIC_JSON)
    choreography = serial.load(Choreography, folder.path / CHOREOGRAPHY_JSON)
    motion = load_motion(folder.path / MOTION_NPZ)
    written = run_export(motion, choreography, music, folder, _Progress(options.progress),
                         title=_saved_title(folder), options=options)
    return [folder.path / n for n in (*written, REPORT)]


def _saved_title(folder: OutputFolder) -> str:
    music_path = folder.path / MUSIC_JSON
    try:
        source = serial.load(MusicMap, music_path).source
    except InputError:
        return title_for(None)
    return title_for(None) if source == BUILTIN_SOURCE else title_for(Path(source))
