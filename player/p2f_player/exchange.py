"""One bounded HTTP(S) exchange: the only way the player talks HTTP to a store (issue 9).

A socket timeout bounds one read; a server that drips a byte before each timeout would hold a
sync (and whatever waits for it) forever. ``exchange`` therefore puts an overall deadline on
the whole exchange, redirects included, and enforces it by shutting its sockets down from a
timer; it reads a body only up to ``max_bytes + 1`` bytes (a declared length over the cap is
refused before reading); it follows redirects only to the same scheme, host and port, and never
reads a redirect's body. Errors are the player's transport root: retried later, never kept.

What it does not do: choose the cap (the caller passes an object's signed size, or the
manifest cap) or judge the bytes (``sync`` does).
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from email.message import Message
from typing import Any
from urllib.parse import urlsplit

from p2f_player.errors import TransportError

TIMEOUT_S = 20.0  # one socket operation: connecting, or one read
DEADLINE_S = 300.0  # one whole exchange, redirects included (a 100 MB video at ~3 Mbit/s)
MAX_REDIRECTS = 4
CHUNK = 64 * 1024


class TooLarge(TransportError):
    """The source sent more than the signed size (or the manifest cap): nothing is kept."""


class DeadlineExceeded(TransportError):
    """One exchange took longer than its overall deadline (a stalled or dripping server)."""


class ForeignRedirect(TransportError):
    """The server redirected to another scheme, host or port: refused."""


def read_capped(read: Callable[[int], bytes], max_bytes: int, what: str) -> bytes:
    """Read a stream to its end, but never more than ``max_bytes + 1`` bytes.

    Raises:
        TooLarge: the stream holds more than ``max_bytes``.
    """
    max_bytes = max(0, max_bytes)  # a negative size must not become read(-1), "read all"
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = read(min(CHUNK, max_bytes + 1 - total))
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > max_bytes:
            raise TooLarge(f"{what}: more than the {max_bytes} bytes expected; nothing kept")
        chunks.append(chunk)


class _Deadline:
    """Cuts the sockets of one exchange when its time is up, from a timer thread: shutting a
    socket down wakes the read blocked on it, wherever http.client is (status line, headers,
    body, TLS handshake)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._end = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._done = False
        self._timer = threading.Timer(seconds, self._cut)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        with self._lock:
            self._done, self._sockets = True, []

    def remaining(self) -> float:
        return max(0.001, self._end - time.monotonic())

    def watch(self, sock: socket.socket) -> socket.socket:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shutdown(sock)
        return sock

    def _cut(self) -> None:
        with self._lock:
            if self._done:
                return
            self.expired = True
            for sock in self._sockets:
                _shutdown(sock)


def _shutdown(sock: socket.socket) -> None:
    # closed, or detached when TLS wrapped it: then there is nothing left to cut
    with contextlib.suppress(OSError):
        # the plain socket's shutdown, also on an SSLSocket: its own would drop the TLS state
        # under the reading thread's feet
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _watched(base: type[http.client.HTTPConnection], deadline: _Deadline) -> Any:
    class Watched(base):  # type: ignore[valid-type,misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            create: Any = getattr(self, "_create_connection")  # noqa: B009 (untyped in stubs)
            # the raw socket is watched before the TLS handshake, the TLS one after it
            self._create_connection = lambda *a, **k: deadline.watch(create(*a, **k))

        def connect(self) -> None:
            timeout: float | None = getattr(self, "timeout")  # noqa: B009 (untyped in stubs)
            self.timeout = min(timeout or TIMEOUT_S, deadline.remaining())
            super().connect()
            deadline.watch(self.sock)

    return Watched


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or default


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def redirect_request(
        self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> urllib.request.Request | None:
        fp.close()  # never read a redirect's body (urllib would read all of it)
        if _origin(newurl) != _origin(req.full_url):
            raise ForeignRedirect(
                f"{req.full_url}: redirect ({code}) to {newurl} refused: only the same host "
                "and port are followed; point the source at the final address"
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener(deadline: _Deadline) -> urllib.request.OpenerDirector:
    http_class = _watched(http.client.HTTPConnection, deadline)
    https_class = _watched(http.client.HTTPSConnection, deadline)

    class Http(urllib.request.HTTPHandler):
        def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(http_class, req)

    class Https(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(https_class, req, context=self._context)  # type: ignore[attr-defined]

    return urllib.request.build_opener(Http(), Https(), _SameOriginRedirects())


def exchange(
    request: urllib.request.Request,
    *,
    max_bytes: int,
    timeout: float = TIMEOUT_S,
    deadline_s: float = DEADLINE_S,
) -> tuple[bytes, Message]:
    """One bounded HTTP(S) exchange: the body (at most ``max_bytes``) and the headers.

    Raises:
        urllib.error.HTTPError: the server answered with an error status (304 included).
        TooLarge: the body (declared or sent) is larger than ``max_bytes``.
        DeadlineExceeded: the exchange took longer than ``deadline_s``.
        ForeignRedirect: a redirect to another origin.
        TransportError: anything else that went wrong on the way (a cut transfer included).
    """
    url = request.full_url
    with _Deadline(deadline_s) as deadline:
        try:
            with _opener(deadline).open(request, timeout=timeout) as response:
                declared = response.headers.get("Content-Length")
                length = int(declared) if declared and declared.isdigit() else None
                if length is not None and length > max_bytes:
                    raise TooLarge(
                        f"{url}: {length} bytes announced, more than the {max_bytes} expected"
                    )
                data = read_capped(response.read1, max_bytes, url)
                if deadline.expired:
                    raise DeadlineExceeded(f"{url}: no complete answer within {deadline_s:g} s")
                if length is not None and len(data) != length:
                    raise TransportError(f"{url}: transfer cut ({len(data)} of {length} bytes)")
                return data, response.headers
        except (urllib.error.HTTPError, TransportError):
            raise
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
            # IncompleteRead (a cut download) is an HTTPException: never use the partial body
            if deadline.expired:
                raise DeadlineExceeded(
                    f"{url}: no complete answer within {deadline_s:g} s"
                ) from None
            raise TransportError(f"{url}: {error}") from None
