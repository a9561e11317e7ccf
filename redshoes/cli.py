"""The `redshoes` command: one subcommand per job, each failure one line a user can act on."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

from redshoes import __version__
from redshoes.compose.choreography import Stage
from redshoes.errors import OptionError, RedShoesError
from redshoes.pipeline import DanceOptions

WHAT_EACH_FILE_IS = {
    "index.html": "the viewer: open it in a web browser (works offline, plays the music)",
    "dancer.glb": "the dancing ballerina for Blender, three.js, Unity, Unreal (glTF binary, metres, Y up)",
    "dancer.mp4": "the video: H.264 with the music, for any video player",
    "dancer.bvh": "the skeleton motion for MotionBuilder, Blender, Maya (BVH, centimetres, Y up)",
    "steps.md": "the step sheet: bar, counts, French name, gloss, floor plans",
    "steps.html": "the printable step sheet with a drawn floor plan per phrase (print it to PDF from a browser)",
    "dancer-in-place.bvh": "the BVH with the travel taken out of the hips (root motion in place)",
    "dancer-in-place.glb": "the GLB with the travel taken out of the hips (root motion in place)",
    "choreography.json": "the choreography: edit it, then `redshoes animate` the folder",
    "music.json": "what Red Shoes heard: beats, bars, meter, phrases, sections, energy",
    "music.png": "a picture of what Red Shoes heard",
    "music.ogg": "the music, as the viewer plays it",
    "motion.npz": "the motion, a pose per frame (NumPy archive)",
    "report.json": "the figures each stage measured",
}

_level = click.option(
    "--level", type=click.Choice(["beginner", "intermediate", "advanced", "professional"]),
    default="advanced", show_default=True, help="The dancer's level: limits the vocabulary.",
)
_seed = click.option("--seed", type=int, default=0, show_default=True, help="Another seed, another ballet.")
_fps = click.option("--fps", type=click.Choice(["24", "30", "60"]), default="60", show_default=True,
                    help="Frames per second of the motion.")
_quiet = click.option("--quiet", "-q", is_flag=True, help="No progress bars.")
_video = click.option("--video", is_flag=True, help="Also render dancer.mp4 (1280×720, 30 fps, with the music).")
_caption = click.option("--caption", is_flag=True, help="With --video: show each step's name in the video.")
_in_place = click.option("--in-place", is_flag=True,
                         help="Also write dancer-in-place.bvh/.glb: the hips keep their height but not their travel.")
_click_track = click.option("--click", "click_track", is_flag=True,
                            help="Mix a click track into music.ogg: a high click on each downbeat, a low one on the "
                                 "other counts.")
_stage = click.option("--stage", "stage_size", default="10x8", show_default=True, metavar="WxD",
                      help="Stage width x depth in metres.")


def _options(seed: int, level: str, fps: str, quiet: bool, stage_size: str = "10x8", video: bool = False,
             caption: bool = False, in_place: bool = False, click_track: bool = False) -> DanceOptions:
    if caption and not video:
        raise OptionError("--caption goes with --video; add --video to render the video")
    return DanceOptions(seed=seed, level=level, fps=float(fps), stage=Stage.parse(stage_size), progress=not quiet,
                        video=video, caption=caption, in_place=in_place, click=click_track)


def _say_written(files: list[Path]) -> None:
    folder = files[0].parent if files else Path(".")
    click.echo(f"\nRed Shoes wrote to {folder}/:")
    for f in files:
        click.echo(f"  {f.name:<20} {WHAT_EACH_FILE_IS.get(f.name, '')}")
    viewer = folder / "index.html"
    if viewer not in files and folder / "dancer.bvh" in files:
        click.echo("\nThe piece is long, so the motion was streamed to dancer.bvh; the GLB, the viewer and the video "
                   "are made for pieces up to 20 minutes.")
    if viewer in files:
        click.echo(f"\nWatch her dance: open {viewer.resolve().as_uri()} in a web browser.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="redshoes")
def cli() -> None:
    """Red Shoes: music in, classical ballet out."""


@cli.command()
@click.argument("music", required=False, type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=Path("out/dance"),
              show_default=True, help="Folder for the outputs.")
@click.option("--force", is_flag=True, help="Write into a folder that holds other files (never touching them).")
@_seed
@_level
@_fps
@_stage
@_video
@_caption
@_in_place
@_click_track
@_quiet
def dance(music: Path | None, out_dir: Path, force: bool, seed: int, level: str, fps: str, stage_size: str,
          video: bool, caption: bool, in_place: bool, click_track: bool, quiet: bool) -> None:
    """Dance to MUSIC (wav, flac, ogg, mp3; MIDI, MusicXML, kern); with no MUSIC, to the built-in piece."""
    from redshoes.pipeline import dance as run_dance

    options = _options(seed, level, fps, quiet, stage_size, video, caption, in_place, click_track)
    files = run_dance(music, out_dir, options, force=force)
    _say_written(files)


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path))
@_seed
@_level
@_fps
@_stage
@_video
@_caption
@_quiet
def compose(folder: Path, seed: int, level: str, fps: str, stage_size: str, video: bool, caption: bool,
            quiet: bool) -> None:
    """Compose again from FOLDER/music.json, then animate and export."""
    from redshoes.pipeline import recompose

    _say_written(recompose(folder, _options(seed, level, fps, quiet, stage_size, video, caption)))


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path))
@_fps
@_video
@_caption
@_quiet
def animate(folder: Path, fps: str, video: bool, caption: bool, quiet: bool) -> None:
    """Animate FOLDER/choreography.json (after you edit it), then export."""
    from redshoes.pipeline import reanimate

    _say_written(reanimate(folder, _options(0, "advanced", fps, quiet, video=video, caption=caption)))


@cli.command(name="export")
@click.argument("folder", type=click.Path(path_type=Path))
@_video
@_caption
@_in_place
@_quiet
def export_(folder: Path, video: bool, caption: bool, in_place: bool, quiet: bool) -> None:
    """Write the BVH, GLB, viewer and step sheet (and video) again from FOLDER/motion.npz."""
    from redshoes.pipeline import reexport

    _say_written(reexport(folder, _options(0, "advanced", "60", quiet, video=video, caption=caption,
                                           in_place=in_place)))


def _bars(text: str) -> tuple[int, int]:
    try:
        first, _, last = text.partition("-")
        a, b = int(first), int(last or first)
    except ValueError:
        raise OptionError(f"--bars {text!r}: give a bar or a range of bars, e.g. --bars 9-16") from None
    if a < 1 or b < a:
        raise OptionError(f"--bars {text!r}: bars count from 1 and the range must not run backwards")
    return a, b


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--bars", "bars", required=True, metavar="A-B", help="The bars to lock, e.g. 9-16.")
@click.option("--unlock", is_flag=True, help="Unlock them instead.")
def lock(folder: Path, bars: str, unlock: bool) -> None:
    """Lock (or unlock) the steps of some bars: `redshoes compose` then keeps them as they are."""
    from redshoes import serial
    from redshoes.compose.choreography import Choreography
    from redshoes.compose.edit import lock_bars

    a, b = _bars(bars)
    path = folder / "choreography.json"
    ballet = lock_bars(serial.load(Choreography, path), a, b, locked=not unlock)
    serial.save(ballet, path)
    changed = sum(1 for s in ballet.steps if s.locked)
    click.echo(f"{path}: {changed} step(s) locked; `redshoes compose {folder}` recomposes the rest")


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--at", "where", required=True, metavar="BAR:COUNT|INDEX",
              help="The step to replace: by bar and count (12:1) or by its index in the list (from 0).")
@click.option("--step", "name", required=True, help="The French name of the new step (see `redshoes vocabulary`).")
@_fps
@_quiet
def replace(folder: Path, where: str, name: str, fps: str, quiet: bool) -> None:
    """Replace one step by another, fit the neighbours to it, and render again."""
    from redshoes.compose.edit import replace_step
    from redshoes.pipeline import edit_choreography

    try:
        at: int | tuple[int, int] = (
            (int(where.split(":")[0]), int(where.split(":")[1])) if ":" in where else int(where)
        )
    except ValueError:
        raise OptionError(f"--at {where!r}: give BAR:COUNT (e.g. 12:1) or a step index (e.g. 7)") from None
    _say_written(edit_choreography(folder, lambda ballet, music: replace_step(ballet, music, at, name),
                                   _options(0, "advanced", fps, quiet)))


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--bars", "bars", required=True, metavar="A-B", help="The passage to compose again, e.g. 17-24.")
@click.option("--seed", type=int, default=None, help="A seed for this passage only.")
@click.option("--level", type=click.Choice(["beginner", "intermediate", "advanced", "professional"]), default=None,
              help="A level for this passage only.")
@_fps
@_quiet
def redo(folder: Path, bars: str, seed: int | None, level: str | None, fps: str, quiet: bool) -> None:
    """Compose one passage again (another seed or level), keep the rest, and render again."""
    from redshoes.compose.edit import regenerate_bars
    from redshoes.pipeline import edit_choreography

    a, b = _bars(bars)
    _say_written(edit_choreography(
        folder, lambda ballet, music: regenerate_bars(ballet, music, a, b, seed=seed, level=level),
        _options(0, "advanced", fps, quiet)))


@cli.command()
@click.argument("choreography", type=click.Path(path_type=Path))
@click.option("--music", "music_path", type=click.Path(path_type=Path), default=None,
              help="The music.json it was composed to (default: music.json beside it, if there).")
def check(choreography: Path, music_path: Path | None) -> None:
    """List every rule CHOREOGRAPHY breaks, with bar and count; exit non-zero if any."""
    from redshoes import serial
    from redshoes.compose.check import check as run_check
    from redshoes.compose.check import format_violations
    from redshoes.compose.choreography import Choreography
    from redshoes.hear.music_map import MusicMap
    from redshoes.schemas import problems

    if choreography.is_dir():
        choreography = choreography / "choreography.json"
    _schema_check("choreography", choreography, problems)
    ballet = serial.load(Choreography, choreography)
    if music_path is None and (choreography.parent / "music.json").is_file():
        music_path = choreography.parent / "music.json"
    music = serial.load(MusicMap, music_path) if music_path is not None else None
    violations = run_check(ballet, music)
    if violations:
        click.echo(format_violations(violations))
        raise RedShoesError(f"{choreography}: {len(violations)} rule(s) broken (listed above)")
    click.echo(f"{choreography}: {len(ballet.steps)} steps, no rule broken")


def _schema_check(kind: str, path: Path, problems: Callable[[str, object], list[str]]) -> None:
    import json

    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # serial.load says what is wrong with an unreadable file
    found = problems(kind, document)
    if found:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise RedShoesError(f"{path}: {found[0]}{more}; fix it against the schema in the README")


@cli.command()
@click.option("--sheet", "sheet_dir", type=click.Path(path_type=Path), default=None, metavar="DIR",
              help="Draw a contact sheet per step (key frames from the front and the side) as PNGs into DIR.")
@click.option("--step", "names", multiple=True, help="Only this step (may be given again).")
def vocabulary(sheet_dir: Path | None, names: tuple[str, ...]) -> None:
    """List the steps Red Shoes knows, or draw them with --sheet."""
    from redshoes.ballet.vocabulary import load_vocabulary

    vocabulary = load_vocabulary()
    for name in names:
        vocabulary.get(name)  # an unknown name is one clear line, with the closest known steps
    if sheet_dir is not None:
        from redshoes.ballet.sheets import slug, write_contact_sheets
        from redshoes.outputs import OutputFolder

        chosen = list(names) or list(vocabulary.names)
        planned = [f"{slug(n)}.png" for n in chosen]
        folder = OutputFolder(sheet_dir, planned=planned, force=True)
        for name in planned:
            folder.file(name)
        paths = write_contact_sheets(folder.path, names=chosen)
        click.echo(f"Red Shoes drew {len(paths)} contact sheet(s) in {sheet_dir}/")
        return
    for step in vocabulary.steps:
        counts = "/".join(str(c) for c in step.counts)
        click.echo(f"{step.name:<24} {step.family:<14} {counts:>5} counts  {step.gloss}")


def _add_live() -> None:
    from redshoes.live.command import live

    cli.add_command(live)


_add_live()


def main(argv: list[str] | None = None) -> int:
    """Entry point: runs the command, turning Red Shoes' errors into one line and a non-zero exit."""
    try:
        cli.main(args=argv, prog_name="redshoes", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("redshoes: stopped", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except RedShoesError as exc:
        click.echo(f"redshoes: error: {exc}", err=True)
        return 1
    except KeyboardInterrupt:
        click.echo("redshoes: stopped", err=True)
        return 130
    except Exception as exc:  # a bug of ours: one line, details on request
        if os.environ.get("REDSHOES_DEBUG"):
            raise
        click.echo(f"redshoes: internal error: {type(exc).__name__}: {exc} "
                   "(this is a bug in Red Shoes; run again with REDSHOES_DEBUG=1 for details and report it)",
                   err=True)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
