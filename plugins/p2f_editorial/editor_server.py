"""``invoke editor``: the web editor at ``/admin/``, on 127.0.0.1 only (an I/O edge).

Two processes, both bound to 127.0.0.1:

- ``decap-server`` (npm, Decap CMS's local backend) reads and writes the repository's files;
- this server, in front of it: serves ``/admin/`` (the page, the generated ``config.yml``, the
  Decap bundle from ``node_modules/decap-cms/dist``), the built site at ``/`` when there is one,
  and relays the editor's ``/api/v1`` calls to ``decap-server`` through ``cms_files``: paths
  mapped (``x.fr.md`` <-> ``x.md``) and every saved file rewritten in the house style.

``/admin/`` is never written into ``build/site``: it exists only while this server runs, with
its own Content Security Policy (``ADMIN_CSP``: Decap needs ``'unsafe-eval'`` for its schema
validator and inline styles for its components, which the public site's policy forbids).
Requests must name this server in ``Host`` (no DNS rebinding) and, for ``/api/v1``, come from
its own origin (another web page the reporter has open cannot write to the content).
"""

from __future__ import annotations

import http.server
import json
import os
import re
import secrets
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from p2f_editorial import cms_files

ADMIN_CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self' blob:; font-src 'self' data:; "
    "frame-src 'self' blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
ADMIN_PAGE = """<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>livep2f — éditeur</title>
<link href="config.yml" type="text/yaml" rel="cms-config-url">
</head>
<body>
<script src="decap-cms.js"></script>
</body>
</html>
"""
MAX_API_BYTES = 30_000_000  # an image of up to MAX_IMAGE_BYTES, base64-encoded, and the rest
_ASSET = re.compile(r"^/admin/([A-Za-z0-9_-][A-Za-z0-9._-]*\.(?:js|map|txt))$")
_TYPES = {".js": "text/javascript", ".map": "application/json", ".txt": "text/plain"}


class EditorError(RuntimeError):
    """The editor cannot start (no Node.js, no npm packages, a port in use...)."""


@dataclass(frozen=True)
class Editor:
    """What the handler needs; ``config_text`` is called for each ``config.yml``."""

    root: Path  # the repository: content/ is under it
    backend: str  # decap-server's /api/v1 URL
    bundle: Path  # node_modules/decap-cms/dist
    config_text: Callable[[str], str]  # this server's own API URL -> config.yml
    managed: Callable[[str], set[str]]  # kind -> the fields the editor shows
    site: Path | None = None  # build/site, served at / when it exists


class _Handler(http.server.BaseHTTPRequestHandler):
    editor: Editor
    server_version = "livep2f-editor"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal shows decap-server's log; one line per asset would drown it

    def _origin(self) -> str:
        return f"http://{self.headers.get('Host', '')}"

    def _host_ok(self) -> bool:
        port = self.server.server_port  # type: ignore[attr-defined]
        return self.headers.get("Host") in (f"127.0.0.1:{port}", f"localhost:{port}")

    def _send(self, status: int, body: bytes, ctype: str, admin: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")
        if admin:
            self.send_header("Content-Security-Policy", ADMIN_CSP)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        if not self._host_ok():
            self._send(421, b"unknown host\n", "text/plain")
            return
        path = self.path.split("?", 1)[0]
        if path == "/admin":
            self.send_response(301)
            self.send_header("Location", "/admin/")
            self.end_headers()
        elif path in ("/admin/", "/admin/index.html"):
            self._send(200, ADMIN_PAGE.encode(), "text/html; charset=utf-8", admin=True)
        elif path == "/admin/config.yml":
            try:
                text = self.editor.config_text(f"{self._origin()}/api/v1")
            except Exception as error:  # shown in the page: the editor cannot start without it
                message = f"# the editor's configuration failed: {type(error).__name__}: {error}\n"
                self._send(500, message.encode(), "text/plain; charset=utf-8", admin=True)
                raise
            self._send(200, text.encode(), "text/yaml; charset=utf-8", admin=True)
        elif match := _ASSET.match(path):
            file = self.editor.bundle / match[1]
            if not file.is_file():
                self._send(404, b"not found\n", "text/plain")
                return
            ctype = _TYPES[file.suffix] + "; charset=utf-8"
            self._send(200, file.read_bytes(), ctype, admin=True)
        else:
            self._site(path)

    def _site(self, path: str) -> None:
        """The built site, read-only, to see the result next to the editor."""
        root = self.editor.site
        if root is None or ".." in path.split("/"):
            self._send(404, b"not found\n", "text/plain")
            return
        file = root / path.lstrip("/")
        if file.is_dir():
            file = file / "index.html"
        if not file.is_file() or file.is_symlink():
            self._send(404, b"not found\n", "text/plain")
            return
        types = {".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript"}
        self._send(200, file.read_bytes(), types.get(file.suffix, "application/octet-stream"))

    def do_POST(self) -> None:
        if not self._host_ok() or self.headers.get("Origin") not in (None, self._origin()):
            self._send(403, b'{"error": "not this editor\'s page"}', "application/json")
            return
        if self.path != "/api/v1":
            self._send(404, b'{"error": "not found"}', "application/json")
            return
        length = int(self.headers.get("Content-Length") or 0)
        if not 0 < length <= MAX_API_BYTES:
            self._send(413, b'{"error": "request too large"}', "application/json")
            return
        try:
            request = json.loads(self.rfile.read(length))
            status, answer = relay(self.editor, request)
        except (ValueError, cms_files.NormaliseError) as error:
            status, answer = 422, {"error": str(error)}
        self._send(status, json.dumps(answer).encode(), "application/json")


def _forward(editor: Editor, request: dict[str, Any]) -> tuple[int, Any]:
    data = json.dumps(request).encode()
    call = urllib.request.Request(
        editor.backend, data=data, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(call, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def relay(editor: Editor, request: dict[str, Any]) -> tuple[int, Any]:
    """One editor call, mapped to the files on disk and relayed to decap-server."""
    action = request.get("action")
    params = request.get("params") or {}
    if action == "entriesByFolder":
        status, answer = _forward(editor, request)
        return status, [_entry_out(e) for e in answer] if status == 200 else answer
    if action == "entriesByFiles":
        asked = [f["path"] for f in params.get("files", [])]
        params["files"] = [{**f, "path": cms_files.to_disk(f["path"])} for f in params["files"]]
        status, answer = _forward(editor, request)
        if status == 200:
            for entry, path in zip(answer, asked, strict=True):
                entry["file"]["path"] = path
        return status, answer
    if action == "getEntry":
        asked = params["path"]
        params["path"] = cms_files.to_disk(asked)
        status, answer = _forward(editor, request)
        if status == 200:
            answer["file"]["path"] = asked
        return status, answer
    if action == "persistEntry":
        files = params.pop("dataFiles", None) or [params.pop("entry")]
        params["dataFiles"] = [f for f in (_persisted(editor, f) for f in files) if f]
        if not params["dataFiles"] and not params.get("assets"):
            return 200, {"message": "entry persisted"}
        return _forward(editor, request)
    if action in ("deleteFile", "deleteFiles"):
        paths = params.pop("paths", None) or [params.pop("path")]
        real = [p for p in map(cms_files.to_disk, paths) if (editor.root / p).is_file()]
        request = {**request, "action": "deleteFiles", "params": {**params, "paths": real}}
        return _forward(editor, request) if real else (200, {"message": "deleted"})
    return _forward(editor, request)


def _entry_out(entry: dict[str, Any]) -> dict[str, Any]:
    entry["file"]["path"] = cms_files.to_editor(entry["file"]["path"])
    return entry


def _persisted(editor: Editor, data_file: dict[str, Any]) -> dict[str, Any] | None:
    """A file Decap saves, in the house style (None: nothing to write)."""
    found = cms_files.target(data_file["path"])
    if found is None:
        return data_file
    disk = editor.root / found.path
    existing = disk.read_text(encoding="utf-8") if disk.is_file() else None
    text = cms_files.normalise(
        data_file["raw"], existing, found.kind, found.lang, editor.managed(found.kind)
    )
    if text is None or text == existing:
        return None  # unchanged: not even rewritten, so the file keeps its bytes and date
    out = {**data_file, "path": found.path, "raw": text}
    if data_file.get("newPath"):
        out["newPath"] = cms_files.to_disk(data_file["newPath"])
    return out


def _wait(url: str, deadline: float, process: subprocess.Popen[bytes]) -> None:
    body = json.dumps({"action": "info"}).encode()
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise EditorError(f"decap-server stopped (exit {process.returncode}); see its output")
        try:
            call = urllib.request.Request(
                url, data=body, headers={"Content-Type": "application/json"}
            )
            with urllib.request.urlopen(call, timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise EditorError(f"decap-server did not answer at {url}")


@contextmanager
def decap_server(root: Path, port: int, node_modules: Path) -> Iterator[str]:
    """Run ``decap-server`` on 127.0.0.1:``port`` over ``root``; yields its API URL."""
    script = node_modules / "decap-server" / "dist" / "index.js"
    if not script.is_file():
        raise EditorError(f"{script} is missing: run `npm ci` (./setup.sh does)")
    # decap-server answers any origin; the guard makes it answer only paths under this secret,
    # which only the relay knows (decap_guard.cjs)
    token = secrets.token_urlsafe(32)
    env = {
        **os.environ,
        "P2F_EDITOR_TOKEN": token,
        "PORT": str(port),
        "BIND_HOST": "127.0.0.1",  # its default is every interface
        "MODE": "fs",
        "GIT_REPO_DIRECTORY": str(root),
        "LOG_LEVEL": os.environ.get("P2F_EDITOR_LOG", "warn"),
    }
    try:
        guard = Path(__file__).with_name("decap_guard.cjs")
        process = subprocess.Popen(
            ["node", "--require", str(guard), str(script)], env=env, cwd=root
        )
    except FileNotFoundError:
        raise EditorError("node is not installed (apt-get install nodejs)") from None
    url = f"http://127.0.0.1:{port}/{token}/api/v1"
    try:
        _wait(url, time.monotonic() + 30, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def editor_server(editor: Editor, port: int) -> Iterator[str]:
    """Serve ``editor`` on 127.0.0.1:``port`` (0: any free port) in a thread; yields its URL."""
    handler = type("Handler", (_Handler,), {"editor": editor})
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as error:
        raise EditorError(f"cannot listen on 127.0.0.1:{port}: {error.strerror}") from None
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
