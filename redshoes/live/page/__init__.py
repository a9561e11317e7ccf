"""The live page: one self-contained HTML text (three.js bundle, the ballerina as GLB, the live script)."""

from __future__ import annotations

import base64
import html
import json
from functools import lru_cache
from importlib import resources

import numpy as np

from redshoes.animate.motion import Motion
from redshoes.ballet.skeleton import ballerina
from redshoes.compose.choreography import Stage
from redshoes.export.glb import glb_bytes
from redshoes.export.viewer import fill_template, script_safe


def _asset(package: str, *parts: str) -> str:
    return resources.files(package).joinpath(*parts).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def rest_glb() -> bytes:
    """The ballerina in her rest pose, as GLB (the page poses her joints frame by frame)."""
    skeleton = ballerina()
    root = np.zeros((2, 3))
    root[:] = skeleton.offsets[int(np.flatnonzero(skeleton.parents < 0)[0])]
    rotations = np.zeros((2, len(skeleton), 4))
    rotations[..., 3] = 1.0
    return glb_bytes(Motion(fps=30.0, skeleton=skeleton, root_positions=root, rotations=rotations))


@lru_cache(maxsize=1)
def _parts() -> dict[str, str]:
    """The page's fixed parts: its template, its script, and the theatre it shares with the viewer."""
    return {"page": _asset("redshoes.live.page", "live.html"), "script": _asset("redshoes.live.page", "live.js"),
            "three": _asset("redshoes.export", "viewer", "three.bundle.js"),
            "stage": _asset("redshoes.export", "viewer", "stage.js"),
            "stage_css": _asset("redshoes.export", "viewer", "stage.css"),
            "glb": base64.b64encode(rest_glb()).decode("ascii")}


def render_page(*, title: str, audio: bool, stage: Stage | None = None) -> str:
    """The page's HTML: `audio` says whether the server offers the music at /audio for the page to play;
    `stage` sizes the floor she dances on."""
    fixed = _parts()
    stage = stage or Stage()
    parts = {"{{TITLE}}": html.escape(title), "{{AUDIO}}": "true" if audio else "false", "{{GLB}}": fixed["glb"],
             "{{STAGE_SIZE}}": json.dumps([stage.width, stage.depth]),
             "{{THREE}}": script_safe(fixed["three"]), "{{STAGE}}": script_safe(fixed["stage"]),
             "{{STAGE_CSS}}": fixed["stage_css"], "{{SCRIPT}}": script_safe(fixed["script"])}
    return fill_template(fixed["page"], parts)
