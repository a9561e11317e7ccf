"""The messages a live page receives over its WebSocket, as JSON text (floats rounded to 4 decimals).

hello  {type, title, fps, joints, audio, time}: on connecting
frames {type, first, fps, time, root: [[x, y, z]], rot: [[x, y, z, w] * joints]}: frame i shows time i / fps
step   {type, name, start, end, bar, count, counts, count_times}: a step decided (absolute seconds)
status {type, state, message}: "listening", "dancing", "holding"; a message when something is wrong
end    {type, time, root, rot}: the stream ended; the final held pose
"""

from __future__ import annotations

import json

import numpy as np

from redshoes.compose.choreography import Step
from redshoes.live.animate import Frames


def _dump(payload: dict[str, object]) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def _r(values: np.ndarray) -> list[object]:
    return np.round(np.asarray(values, dtype=np.float64), 4).tolist()


def hello(*, title: str, fps: float, joints: tuple[str, ...], audio: bool, time: float) -> str:
    return _dump({"type": "hello", "title": title, "fps": fps, "joints": list(joints), "audio": audio,
                  "time": round(time, 4)})


def frames(batch: Frames, *, time: float) -> str:
    return _dump({"type": "frames", "first": batch.first, "fps": batch.fps, "time": round(time, 4),
                  "root": _r(batch.root), "rot": _r(batch.rotations.reshape(batch.count, -1))})


def step(s: Step) -> str:
    return _dump({"type": "step", "name": s.name, "start": round(s.start, 4), "end": round(s.end, 4),
                  "bar": s.bar, "count": s.count, "counts": s.counts,
                  "count_times": [round(t, 4) for t in s.count_times]})


def status(state: str, message: str = "") -> str:
    return _dump({"type": "status", "state": state, "message": message})


def end(*, time: float, root: np.ndarray, rotations: np.ndarray) -> str:
    return _dump({"type": "end", "time": round(time, 4), "root": _r(root), "rot": _r(rotations.reshape(-1))})
