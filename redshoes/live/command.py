"""`redshoes live`: the click command (the CLI registers it with `cli.add_command(live)`)."""

from __future__ import annotations

import click

from redshoes.compose.choreography import Stage
from redshoes.errors import OptionError


@click.command()
@click.argument("music", required=False)
@click.option("--mic", is_flag=True, help="Dance to the microphone (needs the sounddevice package).")
@click.option("--rate", type=int, default=None, help="With MUSIC '-': raw PCM at this sample rate (Hz), not WAV.")
@click.option("--channels", type=int, default=1, show_default=True, help="With --rate: interleaved channels.")
@click.option("--pcm", type=click.Choice(["s16le", "s32le", "f32le"]), default="s16le", show_default=True,
              help="With --rate: the sample format.")
@click.option("--port", type=int, default=8765, show_default=True, help="Port of the page (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on (loopback by default).")
@click.option("--no-browser", is_flag=True, help="Do not open the page; print its address.")
@click.option("--fps", type=click.Choice(["30", "60"]), default="30", show_default=True, help="Frames per second.")
@click.option("--seed", type=int, default=0, show_default=True, help="Another seed, another ballet.")
@click.option("--level", type=click.Choice(["beginner", "intermediate", "advanced", "professional"]),
              default="advanced", show_default=True, help="The dancer's level: limits the vocabulary.")
@click.option("--stage", "stage_size", default="10x8", show_default=True, metavar="WxD",
              help="Stage width x depth in metres.")
@click.option("--speed", type=float, default=1.0, show_default=True,
              help="For a file: how fast it is played (1 = real time).")
def live(music: str | None, mic: bool, rate: int | None, channels: int, pcm: str, port: int, host: str,
         no_browser: bool, fps: str, seed: int, level: str, stage_size: str, speed: float) -> None:
    """Dance live to MUSIC as it plays: a file, '-' for WAV (or raw PCM with --rate) on standard input, or --mic.

    Opens the live page in the browser; for a file, the page offers to play the music in step.
    """
    from redshoes.live.perform import LiveOptions  # imported here: `redshoes --help` stays quick
    from redshoes.live.server import run_live

    if speed <= 0:
        raise OptionError("--speed must be positive (1 = real time)")
    options = LiveOptions(seed=seed, level=level, fps=float(fps), stage=Stage.parse(stage_size))
    run_live(music, options=options, host=host, port=port, open_browser=not no_browser, mic=mic, rate=rate,
             channels=channels, pcm=pcm, speed=speed, say=click.echo)
