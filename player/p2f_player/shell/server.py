"""A local HTTP server for the window: the kiosk page and the releases on disk, nothing else.

Listens on 127.0.0.1 only (never on the network: a kiosk is on public WiFi). Two trees:

* ``/shell/<file>``: the kiosk page itself (``ui/``);
* ``/bundle/<release>/<path>``: a file of a release the store holds as ``current`` or
  ``previous`` (verified by sync); any other release name, a path that climbs out (``..``) or
  a missing file is a 404.

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


def ui_folder() -> Path:
    return Path(str(resources.files("p2f_player.shell").joinpath("ui")))


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    releases: Releases
    ui: Path


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        log.debug("http: " + format, *args)

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def do_GET(self) -> None:
        self._serve(body=True)

    def _serve(self, body: bool) -> None:
        target, cache = self._resolve(unquote(urlsplit(self.path).path))
        if target is None or not target.is_file():
            self.send_error(404)
            return
        data = target.read_bytes()
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript", "image/svg+xml"):
            kind += "; charset=utf-8"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", cache)
        self.end_headers()
        if body:
            # the web view may drop a request (a slide replaced, the window closing)
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(data)

    def _resolve(self, path: str) -> tuple[Path | None, str]:
        parts = PurePosixPath(path).parts[1:]  # drop "/"
        if any(p in ("..", ".") or p.startswith(".") for p in parts) or len(parts) < 2:
            return None, ""
        if parts[0] == "shell":
            return self.server.ui.joinpath(*parts[1:]), "no-cache"
        if parts[0] == "bundle" and len(parts) >= 3:
            folder = self.server.releases().get(parts[1])
            if folder is not None:
                # a release's files never change: its name changes with its content
                return folder.joinpath(*parts[2:]), "max-age=86400, immutable"
        return None, ""


class BundleServer:
    """Serve the page and the releases on ``127.0.0.1:port`` (0: any free port)."""

    def __init__(self, releases: Releases, port: int = 0, ui: Path | None = None) -> None:
        self._server = _Server(("127.0.0.1", port), _Handler)
        self._server.releases, self._server.ui = releases, ui or ui_folder()
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="p2f-bundle-server", daemon=True
        )

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> BundleServer:
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
