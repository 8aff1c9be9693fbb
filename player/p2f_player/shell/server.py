"""Local HTTP servers for the window: the kiosk page on one origin, the releases on another.

Both listen on 127.0.0.1 only (never on the network: a kiosk is on public WiFi), each on its own
port, so that a slide or a directory page is never in the kiosk page's origin:

* the **shell origin** serves ``/shell/<file>``, the kiosk page itself (``ui/``), and only that;
* the **content origin** serves ``/bundle/<release>/<path>``, a file of a release the store
  holds as ``current`` or ``previous`` (verified by sync), and ``/generated/<name>``, a page the
  window drew at play time (the now board, ``playtime.py``) in a folder of its own, never in a
  release; any other release name, a path that climbs out (``..``) or a missing file is a 404.

Every answer carries a Content-Security-Policy. The shell's allows its own scripts and frames
of the content origin, nothing else, and may not be framed. Release documents are sandboxed by
their own header (opaque origin, no pop-ups, no top navigation), may be framed only by the
shell, and load nothing from outside their origin; slides and drawn pages may run no script at
all, directory pages only the bundle's own files (``directory.js``, ``search.js``: no inline
script).

Only GET and HEAD. It does not verify files: sync and the store did that before the release
became current.
"""

from __future__ import annotations

import contextlib
import http.server
import logging
import mimetypes
import threading
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

log = logging.getLogger("p2f_player.shell")

Releases = Callable[[], Mapping[str, Path]]  # release name -> its folder
SCRIPTED = ("directory",)  # release folders whose pages may run their own script files
GENERATED = "generated"  # the content origin's folder of pages drawn at play time


def shell_policy(content_origin: str) -> str:
    """The kiosk page's CSP: its own files, frames of the content origin, no outside origin."""
    return "; ".join(
        [
            "default-src 'none'",
            # 'unsafe-eval': pywebview's bridge builds its functions with ``new Function`` and
            # evaluate_js runs scripts through eval. Only Python's own scripts reach them, and
            # no release document runs in this origin.
            "script-src 'self' 'unsafe-eval'",
            "style-src 'self'",
            "img-src 'self' data:",  # the QR codes are data: URIs
            f"frame-src {content_origin}",
            "connect-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )


def content_policy(shell_origin: str, scripts: bool) -> str:
    """A release file's CSP: sandboxed, framed only by the shell, its own origin's files only."""
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'" if scripts else "script-src 'none'",
            # inline styles: the slide template sizes its body with a style attribute; CSS can
            # fetch nothing outside this origin (img-src, font-src) and runs no script
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self'",
            "media-src 'self'",
            "base-uri 'none'",
            "form-action 'none'",
            f"frame-ancestors {shell_origin}",
            # an opaque origin: no storage, no reach into the shell even if framed elsewhere
            "sandbox allow-scripts" if scripts else "sandbox",
        ]
    )


def ui_folder() -> Path:
    return Path(str(resources.files("p2f_player.shell").joinpath("ui")))


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    tree: str  # "shell" or "bundle": the tree this origin serves ("bundle" also "generated")
    releases: Releases
    generated: Path | None  # the drawn pages' folder (content origin only)
    ui: Path
    policy: Callable[[tuple[str, ...]], str]


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server
    _policy = "default-src 'none'; frame-ancestors 'none'; sandbox"  # errors and the unknown

    def log_message(self, format: str, *args: object) -> None:
        log.debug("http: " + format, *args)

    def end_headers(self) -> None:
        # on every answer, errors included
        self.send_header("Content-Security-Policy", self._policy)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        if self.server.tree == "shell":
            self.send_header("X-Frame-Options", "DENY")
        super().end_headers()

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def do_GET(self) -> None:
        self._serve(body=True)

    def _serve(self, body: bool) -> None:
        parts = PurePosixPath(unquote(urlsplit(self.path).path)).parts[1:]  # drop "/"
        target, cache = self._resolve(parts)
        if target is None or not target.is_file():
            self.send_error(404)
            return
        data = target.read_bytes()
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript", "image/svg+xml"):
            kind += "; charset=utf-8"
        self._policy = self.server.policy(parts)
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", cache)
        self.end_headers()
        if body:
            # the web view may drop a request (a slide replaced, the window closing)
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(data)

    def _resolve(self, parts: tuple[str, ...]) -> tuple[Path | None, str]:
        if any(p in ("..", ".") or p.startswith(".") for p in parts) or len(parts) < 2:
            return None, ""
        if parts[0] == GENERATED and self.server.tree == "bundle":
            folder = self.server.generated
            if folder is None or len(parts) != 2:
                return None, ""
            return folder / parts[1], "no-store"  # one file per play, never read twice
        if parts[0] != self.server.tree:
            return None, ""
        if parts[0] == "shell":
            return self.server.ui.joinpath(*parts[1:]), "no-cache"
        if len(parts) >= 3:
            folder = self.server.releases().get(parts[1])
            if folder is not None:
                # a release's files never change: its name changes with its content
                return folder.joinpath(*parts[2:]), "max-age=86400, immutable"
        return None, ""


class BundleServer:
    """Serve the page (``origin``) and the releases (``content_origin``) on two local ports.

    ``port`` is the shell's (0: any free port); the content always takes a free port.
    ``generated`` is the folder of the pages drawn at play time (None: none served).
    """

    def __init__(
        self,
        releases: Releases,
        port: int = 0,
        ui: Path | None = None,
        generated: Path | None = None,
    ) -> None:
        self._shell = _Server(("127.0.0.1", port), _Handler)
        self._content = _Server(("127.0.0.1", 0), _Handler)
        for server, tree in ((self._shell, "shell"), (self._content, "bundle")):
            server.tree, server.releases, server.ui = tree, releases, ui or ui_folder()
            server.generated = generated if tree == "bundle" else None
        shell_csp, shell = shell_policy(self.content_origin), self.origin
        self._shell.policy = lambda parts: shell_csp
        self._content.policy = lambda parts: content_policy(
            shell, scripts=len(parts) > 2 and parts[2] in SCRIPTED
        )
        self._threads = [
            threading.Thread(target=s.serve_forever, name=f"p2f-{s.tree}-server", daemon=True)
            for s in (self._shell, self._content)
        ]

    @property
    def origin(self) -> str:
        """The kiosk page's origin."""
        return f"http://127.0.0.1:{self._shell.server_address[1]}"

    @property
    def content_origin(self) -> str:
        """The releases' origin: never the page's."""
        return f"http://127.0.0.1:{self._content.server_address[1]}"

    def start(self) -> BundleServer:
        for thread in self._threads:
            thread.start()
        return self

    def close(self) -> None:
        for server in (self._shell, self._content):
            server.shutdown()
            server.server_close()
