"""Driving the window from outside, for tests and diagnosis: a movable clock and a local port.

pywebview must own the main thread of its process, so tests run the kiosk in a child process
and drive it through this port (``--control-port``; off unless asked, 127.0.0.1 only, never
in the systemd unit): ``GET /state``, ``GET /url``, ``GET /memory`` (the Python heap, for leak
hunting), ``POST /eval`` (a script run in the page through pywebview's bridge; its value comes
back as JSON), ``POST /eval-frame?match=NAME[&world=N]`` (the same in the first frame named ``NAME``
or whose URL contains it, in script world ``N``: frames are in another origin, the page
cannot reach into them; a frame that may run no script answers only in a world of its own),
``POST /click?x=X&y=Y`` (a mouse click there, through Qt: a real user gesture) and
``POST /advance?seconds=N`` (move the player's clock forward, to reach an alert window without
waiting for it: time passes, both clocks move).
"""

from __future__ import annotations

import http.server
import json
import threading
import time
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

if TYPE_CHECKING:
    from p2f_player.shell.window import KioskWindow

SLICE_S = 0.1  # waits are cut in slices so that a jump of the clock is seen at once


class MovableClock:
    """``ScaledClock`` (time ``speed`` times faster from ``start``) that can also jump ahead."""

    def __init__(self, start: datetime, speed: float = 1.0) -> None:
        self.start, self.speed, self._t0 = start, speed, time.monotonic()
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.monotonic())

    def monotonic(self) -> float:
        with self._lock:
            offset = self._offset
        return offset.total_seconds() + (time.monotonic() - self._t0) * self.speed

    def advance(self, seconds: float) -> datetime:
        with self._lock:
            self._offset += timedelta(seconds=seconds)
        return self.now()

    def wait(self, stop: threading.Event, until: datetime) -> None:
        while not stop.is_set():
            left = (until - self.now()).total_seconds() / self.speed
            if left <= 0:
                return
            stop.wait(min(left, SLICE_S))

    def sleep(self, stop: threading.Event, seconds: float) -> None:
        end = self.monotonic() + seconds
        while not stop.is_set():
            left = (end - self.monotonic()) / self.speed
            if left <= 0:
                return
            stop.wait(min(left, SLICE_S))


def python_memory(top: int = 15) -> dict[str, Any]:
    """The Python heap, for leak hunting: tracemalloc's top lines (if tracing) and object counts."""
    import gc
    import tracemalloc
    from collections import Counter

    counts = Counter(type(o).__name__ for o in gc.get_objects())
    found: dict[str, Any] = {"objects": dict(counts.most_common(top))}
    if tracemalloc.is_tracing():
        stats = tracemalloc.take_snapshot().statistics("lineno")[:top]
        found["traced_kb"] = tracemalloc.get_traced_memory()[0] // 1024
        found["top"] = [f"{s.size // 1024} KB {s.count} {s.traceback}" for s in stats]
    return found


class ControlServer:
    def __init__(self, shell: KioskWindow, clock: MovableClock | None, port: int) -> None:
        handler = _handler(shell, clock)
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> ControlServer:
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _handler(
    shell: KioskWindow, clock: MovableClock | None
) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if path == "/state":
                self._answer({"python": shell.snapshot(), "page": shell.evaluate("shell.state()")})
            elif path == "/url":
                self._answer({"url": shell.window.get_current_url()})
            elif path == "/memory":
                self._answer(python_memory())
            else:
                self._answer({"error": "not found"}, 404)

        def do_POST(self) -> None:
            parts = urlsplit(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            if parts.path == "/eval":
                self._answer({"result": shell.evaluate(body)})
            elif parts.path == "/eval-frame":
                query = parse_qs(parts.query)
                match, world = query.get("match", [""])[0], int(query.get("world", ["0"])[0])
                self._answer(shell.evaluate_in_frame(match, body, world))
            elif parts.path == "/click":
                query = parse_qs(parts.query)
                shell.click(int(query["x"][0]), int(query["y"][0]))
                self._answer({"clicked": True})
            elif parts.path == "/advance" and clock is not None:
                seconds = float(parse_qs(parts.query)["seconds"][0])
                self._answer({"now": clock.advance(seconds).isoformat()})
            else:
                self._answer({"error": "not found"}, 404)

        def _answer(self, data: Any, code: int = 200) -> None:
            body = json.dumps(data, default=str).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler
