"""The web viewer: one self-contained index.html that plays the dance from disk (file://, no server/network).

The page inlines three.js (redshoes/export/viewer/three.bundle.js, rebuilt by tools/viewer/build.sh), the
hand-written viewer script and style, the GLB as base64, and the steps, bars and beats as JSON. The music is
an <audio> element pointing at a file next to the page; its clock drives the animation.
"""

from __future__ import annotations

import base64
import html
import json
from importlib import resources
from pathlib import Path

import numpy as np

from redshoes.ballet.vocabulary import load_vocabulary
from redshoes.compose.choreography import Choreography
from redshoes.errors import InputError, OutputError, RedShoesError
from redshoes.hear.music_map import MusicMap

WAVEFORM_BINS = 1600


def _asset(name: str) -> str:
    return resources.files("redshoes.export").joinpath("viewer", name).read_text(encoding="utf-8")


def script_safe(text: str) -> str:
    """Text that cannot close the <script> element it is inlined in."""
    return text.replace("</script", "<\\/script").replace("<!--", "<\\!--")


def _round(value: float) -> float:
    return round(float(value), 4)


def waveform_peaks(samples: np.ndarray, sample_rate: float, seconds: float, bins: int = WAVEFORM_BINS) -> np.ndarray:
    """The loudest |sample| in each of `bins` equal slices of the first `seconds` of the music, scaled so the
    loudest slice is 1: (bins,) float in 0..1, what the viewer draws as the waveform above the steps."""
    mono = np.abs(np.asarray(samples, dtype=np.float64).reshape(len(samples), -1)).max(axis=1)
    edges = np.round(np.linspace(0.0, seconds * sample_rate, bins + 1)).astype(np.int64)
    edges = np.clip(edges, 0, len(mono))
    peaks = np.zeros(bins)
    for i in range(bins):
        if edges[i + 1] > edges[i]:
            peaks[i] = mono[edges[i] : edges[i + 1]].max()
    top = peaks.max() if bins else 0.0
    return peaks / top if top > 0 else peaks


def load_waveform(audio_path: Path, seconds: float, bins: int = WAVEFORM_BINS) -> np.ndarray | None:
    """The waveform peaks of a music file for `write_viewer`, or None when it cannot be read (the page then
    shows the steps without the waveform)."""
    from redshoes.hear.audio import load_audio

    try:
        audio = load_audio(Path(audio_path))
    except (RedShoesError, OSError):
        return None
    return waveform_peaks(audio.samples, audio.sample_rate, seconds, bins)


def _point(p: object) -> list[float]:
    return [_round(getattr(p, "x", 0.0)), _round(getattr(p, "z", 0.0))]


def viewer_data(
    choreography: Choreography, music: MusicMap, *, title: str, waveform: np.ndarray | None = None
) -> dict[str, object]:
    """What the page needs to know besides the dancer: steps (with family and path on the stage), bars with
    their beats, duration, stage size, and the music's waveform peaks (0..100) spanning `music.duration`."""
    duration = max(choreography.duration, music.duration)
    vocabulary = load_vocabulary()
    families = {name: vocabulary.get(name).family for name in vocabulary.names}
    peaks = [] if waveform is None else [int(round(100 * float(v))) for v in np.clip(waveform, 0.0, 1.0)]
    return {
        "waveform": {"peaks": peaks, "seconds": _round(music.duration)},
        "title": title,
        "duration": _round(duration),
        "stage": {"width": choreography.stage.width, "depth": choreography.stage.depth},
        "steps": [
            {
                "name": s.name,
                "start": _round(s.start),
                "end": _round(s.end),
                "bar": s.bar,
                "count": s.count,
                "counts": s.counts,
                "family": families.get(s.name, ""),
                "from": _point(s.start_at),
                "to": _point(s.end_at),
            }
            for s in choreography.steps
        ],
        "bars": [
            {
                "start": _round(b.start),
                "end": _round(b.end),
                "meter": b.meter,
                "first_count": b.first_count,
                "beats": [_round(t) for t in b.beats],
            }
            for b in music.bars
        ],
    }


def render_viewer(
    *, glb: bytes, audio_name: str, choreography: Choreography, music: MusicMap, title: str,
    waveform: np.ndarray | None = None,
) -> str:
    """The page's HTML text (deterministic: same inputs, same text)."""
    data = json.dumps(
        viewer_data(choreography, music, title=title, waveform=waveform),
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    parts = {
        "{{STAGE_CSS}}": _asset("stage.css"),
        "{{CSS}}": _asset("viewer.css"),
        "{{DATA}}": script_safe(data),
        "{{GLB}}": base64.b64encode(glb).decode("ascii"),
        "{{THREE}}": script_safe(_asset("three.bundle.js")),
        "{{STAGE}}": script_safe(_asset("stage.js")),
        "{{VIEWER}}": script_safe(_asset("viewer.js")),
        "{{AUDIO}}": html.escape(audio_name, quote=True),
        "{{TITLE}}": html.escape(title),
    }
    return fill_template(_asset("index.html"), parts)


def fill_template(page: str, parts: dict[str, str]) -> str:
    """The page with each {{PLACEHOLDER}} replaced, in one pass, so no inlined text is searched again."""
    out, pos = [], 0
    while True:
        start = page.find("{{", pos)
        if start < 0:
            out.append(page[pos:])
            break
        end = page.index("}}", start) + 2
        out += [page[pos:start], parts[page[start:end]]]
        pos = end
    return "".join(out)


def write_viewer(
    out_dir: Path, *, glb_path: Path, audio_name: str, choreography: Choreography, music: MusicMap, title: str,
    waveform: np.ndarray | None = None,
) -> Path:
    """Write out_dir/index.html: a page that plays the dance with the music (file `audio_name` beside it);
    `waveform` (from `load_waveform` or `waveform_peaks`) draws the music above the timeline of steps."""
    try:
        glb = Path(glb_path).read_bytes()
    except OSError as exc:
        raise InputError(
            f"cannot read the GLB {glb_path} for the viewer: {exc.strerror}; write the GLB first"
        ) from None
    page = render_viewer(
        glb=glb, audio_name=audio_name, choreography=choreography, music=music, title=title, waveform=waveform
    )
    path = Path(out_dir) / "index.html"
    try:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        path.write_text(page, encoding="utf-8", newline="\n")
    except OSError as exc:
        raise OutputError(
            f"cannot write the viewer {path}: {exc.strerror}; check the output folder"
        ) from None
    return path
