"""The live server: two pages watch the same performance; one leaving does not stop the other; a final pose."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pytest
from websockets.sync.client import connect

from redshoes.live.perform import LiveOptions
from redshoes.live.server import LiveServer, LiveShow
from redshoes.live.sources import synthetic_blocks


def _read_all(url: str, out: list[dict], stop_after_step: bool = False) -> None:
    with connect(url, open_timeout=10, close_timeout=2) as ws:
        while True:
            try:
                message = json.loads(ws.recv(timeout=30))
            except Exception:  # the server closed the connection
                return
            out.append(message)
            if message["type"] == "end" or (stop_after_step and message["type"] == "step"):
                return


@pytest.fixture()
def show_and_server():
    blocks = synthetic_blocks(9.0, bpm=120.0, speed=6.0, silence=((7.0, 9.0),))
    show = LiveShow(blocks, options=LiveOptions(fps=30.0), title="test", viewers_to_start=2, wait_for_viewers=20.0)
    server = LiveServer(show, port=0)
    server.start()
    performer = threading.Thread(target=show.perform, daemon=True)
    performer.start()
    yield show, server
    show.stopping.set()
    performer.join(timeout=20)
    server.stop()


def test_two_viewers_see_the_same_dance_and_one_may_leave(show_and_server) -> None:
    show, server = show_and_server
    ws_url = f"ws://127.0.0.1:{server.port}/live"
    stays: list[dict] = []
    leaves: list[dict] = []
    first = threading.Thread(target=_read_all, args=(ws_url, stays))
    second = threading.Thread(target=_read_all, args=(ws_url, leaves, True))
    first.start()
    second.start()
    second.join(timeout=60)
    first.join(timeout=60)
    assert show.finished.is_set()
    kinds = [m["type"] for m in stays]
    assert kinds[0] == "hello" and "frames" in kinds and "step" in kinds
    assert kinds[-1] == "end"  # the viewer who stayed saw the end, though the other left early
    assert len(stays[-1]["rot"]) == 4 * len(stays[0]["joints"])
    assert any(m["type"] == "step" for m in leaves) and leaves[-1]["type"] == "step"
    names = {m["name"] for m in stays if m["type"] == "step"}
    assert "préparation" in names
    assert any(m["type"] == "status" and m["state"] == "holding" for m in stays)  # the silence at the end


def test_the_page_is_served_self_contained() -> None:
    server = LiveServer(LiveShow(iter(()), title="page"), port=0)
    server.start()
    try:
        with urllib.request.urlopen(server.url, timeout=10) as response:
            page = response.read().decode("utf-8")
        assert "RedShoesThree" in page and "/live" in page and "{{" not in page
        with pytest.raises(urllib.error.HTTPError):  # no music file to play for a stream
            urllib.request.urlopen(server.url + "audio", timeout=10)
    finally:
        server.stop()


def test_a_step_whose_counts_moved_is_sent_again_with_the_new_times() -> None:
    from redshoes.live.stage import AudioBlock

    from .test_perform import RATE, _clicks, _ritardando

    beats = _ritardando()
    audio = _clicks(beats, beats[-1] + 0.5)
    blocks = [AudioBlock(samples=audio[i : i + 2205], sample_rate=RATE) for i in range(0, len(audio), 2205)]
    show = LiveShow(blocks, options=LiveOptions(fps=30.0), title="slowing", viewers_to_start=1, wait_for_viewers=20.0)
    server = LiveServer(show, port=0)
    server.start()
    performer = threading.Thread(target=show.perform, daemon=True)
    performer.start()
    seen: list[dict] = []
    try:
        _read_all(f"ws://127.0.0.1:{server.port}/live", seen)
    finally:
        show.stopping.set()
        performer.join(timeout=20)
        server.stop()
    sent: dict[tuple[int, int], list[list[float]]] = {}
    for m in seen:
        if m["type"] == "step":
            sent.setdefault((m["bar"], m["count"]), []).append(m["count_times"])
    moved = [times for times in sent.values() if len(times) > 1]
    assert moved, "the slowing tempo moved no decided step"
    assert any(times[-1] != times[0] for times in moved)  # the page is told the newer times
