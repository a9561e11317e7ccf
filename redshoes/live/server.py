"""The live show: a local web server (Starlette + uvicorn, 127.0.0.1) whose page shows the dancer as the
music plays. The performance runs in a thread, block by block; every page connected over the WebSocket
`/live` receives the same frames, steps and status (a second viewer may join at any time); `/audio` serves
a music file so the page can play it in step (file sources only).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect
from threadpoolctl import threadpool_limits

from redshoes.errors import RedShoesError
from redshoes.live import messages
from redshoes.live.page import render_page
from redshoes.live.perform import LiveOptions, LivePerformance, LiveUpdate
from redshoes.live.stage import AudioBlock

QUEUE_LIMIT = 256  # messages waiting for one slow page before the oldest are dropped
DEFAULT_OPTIONS = LiveOptions()
RECENT_STEPS = 4  # steps a page joining late is told about


class LiveShow:
    """One performance, many viewers: run the pipeline over `blocks` and fan its messages out."""

    def __init__(self, blocks: Iterable[AudioBlock], *, options: LiveOptions = DEFAULT_OPTIONS, title: str = "live",
                 audio_path: Path | None = None, viewers_to_start: int = 1, wait_for_viewers: float = 15.0) -> None:
        self.blocks = blocks
        self.options = options
        self.title = title
        self.audio_path = audio_path
        self.viewers_to_start = viewers_to_start
        self.wait_for_viewers = wait_for_viewers
        self.performance = LivePerformance(options)
        self.page = render_page(title=title, audio=audio_path is not None, stage=options.stage)
        self.lock = threading.Lock()
        self.clients: set[asyncio.Queue[str]] = set()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.viewers = 0
        self.joined = threading.Condition(self.lock)
        self.recent_steps: deque[str] = deque(maxlen=RECENT_STEPS)
        self.time = 0.0
        self.state = "listening"
        self.message = ""
        self.ended: str | None = None
        self.error: RedShoesError | None = None
        self.finished = threading.Event()
        self.stopping = threading.Event()
        self.app = Starlette(routes=[
            Route("/", self._index), Route("/audio", self._audio), WebSocketRoute("/live", self._live)])

    # -- web ------------------------------------------------------------------------------------------

    async def _index(self, request: Request) -> Response:
        return HTMLResponse(self.page)

    async def _audio(self, request: Request) -> Response:
        if self.audio_path is None:
            return Response("this show has no music file", status_code=404)
        return FileResponse(self.audio_path)

    async def _live(self, websocket: WebSocket) -> None:
        await websocket.accept()
        queue: asyncio.Queue[str] = asyncio.Queue()
        with self.lock:
            self.loop = asyncio.get_running_loop()
            greeting = [messages.hello(title=self.title, fps=self.options.fps,
                                       joints=self.performance.animate.skeleton.names,
                                       audio=self.audio_path is not None, time=self.time),
                        messages.status(self.state, self.message), *self.recent_steps]
            if self.ended is not None:
                greeting.append(self.ended)
            else:
                self.clients.add(queue)
            self.viewers += 1
            self.joined.notify_all()
        receiver = asyncio.create_task(_until_closed(websocket))
        try:
            for text in greeting:
                await websocket.send_text(text)
            while self.ended is None or not queue.empty():
                getter = asyncio.create_task(queue.get())
                done, _ = await asyncio.wait({getter, receiver}, return_when=asyncio.FIRST_COMPLETED)
                if getter not in done:
                    getter.cancel()
                    break
                text = getter.result()
                await websocket.send_text(text)
                if text.startswith('{"type":"end"'):
                    break
        except (WebSocketDisconnect, RuntimeError, OSError):
            pass
        finally:
            with self.lock:
                self.clients.discard(queue)
            receiver.cancel()
            with contextlib.suppress(RuntimeError, OSError, WebSocketDisconnect):
                await websocket.close()

    def _send(self, text: str) -> None:
        """Hand a message to every connected page (from the performance thread)."""
        with self.lock:
            loop, clients = self.loop, list(self.clients)
        if loop is None or not clients:
            return
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody to tell
            loop.call_soon_threadsafe(_fan_out, clients, text)

    # -- the performance --------------------------------------------------------------------------------

    def perform(self) -> None:
        """Run the whole performance (in the calling thread): wait for the viewers, then block by block."""
        with self.joined:
            self.joined.wait_for(lambda: self.viewers >= self.viewers_to_start or self.stopping.is_set(),
                                 timeout=self.wait_for_viewers)
        animate = self.performance.animate
        try:
            with threadpool_limits(1):  # one core is plenty; spinning BLAS threads would waste the others
                for block in self.blocks:
                    if self.stopping.is_set():
                        break
                    self._show(self.performance.process(block))
        except RedShoesError as error:
            self.error = error
            self._send(messages.status("holding", str(error)))
        finally:
            final = messages.end(time=self.time, root=animate.last_root, rotations=animate.last_rotations)
            with self.lock:
                self.ended = final
            self._send(final)
            self.finished.set()

    def _show(self, update: LiveUpdate) -> None:
        self.time = update.time
        state = {"waiting": "listening", "dancing": "dancing", "holding": "holding"}[update.compose.state]
        if state != self.state or (update.message and update.message != self.message):
            self.state, self.message = state, update.message
            self._send(messages.status(state, update.message))
        for s in (*update.steps, *(after for _, after in update.compose.retimed)):  # a moved step is sent again
            text = messages.step(s)
            self.recent_steps.append(text)
            self._send(text)
        if update.frames.count:
            self._send(messages.frames(update.frames, time=update.time))


async def _until_closed(websocket: WebSocket) -> None:
    """Read (and ignore) what the page sends until it goes away."""
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return


def _fan_out(clients: list[asyncio.Queue[str]], text: str) -> None:
    for queue in clients:
        while queue.qsize() >= QUEUE_LIMIT:  # a page that cannot keep up loses its oldest messages
            queue.get_nowait()
        queue.put_nowait(text)


class LiveServer:
    """uvicorn serving a `LiveShow` on a loopback port, in a background thread."""

    def __init__(self, show: LiveShow, *, host: str = "127.0.0.1", port: int = 8765) -> None:
        self.show = show
        config = uvicorn.Config(show.app, host=host, port=port, log_level="warning", lifespan="off",
                                ws="websockets-sansio")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="redshoes-live-server", daemon=True)
        self.host = host

    def start(self, timeout: float = 10.0) -> str:
        """Start serving; return the page's URL."""
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RedShoesError(f"the live server could not start on {self.host}; is the port taken? "
                                    "try another with --port")
            time.sleep(0.02)
        return self.url

    @property
    def port(self) -> int:
        return int(self.server.servers[0].sockets[0].getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def stop(self) -> None:
        """Stop serving (the pages see the connection close)."""
        self.server.should_exit = True
        self.thread.join(timeout=5.0)


def blocks_for(source: str, *, mic: bool = False, rate: int | None = None, channels: int | None = None,
               pcm: str = "s16le", speed: float = 1.0) -> tuple[Iterator[AudioBlock], Path | None]:
    """The audio blocks of a live source ("-" is standard input) and the file the page may play, if any."""
    import sys

    from redshoes.live import sources

    if mic:
        return sources.mic_blocks(), None
    if source == "-":
        stream = sys.stdin.buffer
        if rate is not None:
            return sources.pcm_stream_blocks(stream, rate=rate, channels=channels or 1, pcm=pcm), None
        return sources.wav_stream_blocks(stream), None
    path = Path(source)
    return sources.file_blocks(path, speed=speed), path


def run_live(source: str | None, *, options: LiveOptions = DEFAULT_OPTIONS, host: str = "127.0.0.1", port: int = 8765,
             open_browser: bool = True, mic: bool = False, rate: int | None = None, channels: int | None = None,
             pcm: str = "s16le", speed: float = 1.0, say: object = print) -> None:
    """`redshoes live`: serve the page, open it, dance to the source until it ends (or Ctrl-C)."""
    import webbrowser

    from redshoes.errors import OptionError

    if source is None and not mic:
        raise OptionError("give a music file, - for standard input, or --mic")
    blocks, audio_path = blocks_for(source or "-", mic=mic, rate=rate, channels=channels, pcm=pcm, speed=speed)
    title = "microphone" if mic else ("standard input" if source == "-" else Path(str(source)).stem)
    show = LiveShow(blocks, options=options, title=title, audio_path=audio_path,
                    wait_for_viewers=15.0 if open_browser else 0.0)
    server = LiveServer(show, host=host, port=port)
    url = server.start()
    assert callable(say)
    say(f"Red Shoes live: {url}  (Ctrl-C to stop)")
    if open_browser:
        webbrowser.open(url)
    try:
        show.perform()
        time.sleep(1.0)  # let the pages receive the final pose
    except KeyboardInterrupt:
        show.stopping.set()
    finally:
        server.stop()
    if show.error is not None:
        raise show.error
