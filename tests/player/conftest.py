"""Fixtures for the player: key pairs, a fixture publisher, and real servers on 127.0.0.1.

``Publisher`` writes a signed release into the storage layout the player reads (objects first,
manifest last), through any ``put(key, bytes)``: a folder, the S3 server or the folder behind
the HTTP server. It uses only the contract (``build_manifest``, ``trust.sign_manifest``), not
the project's publish code.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from p2f_player.contract import trust
from p2f_player.contract.manifest import build_manifest, file_entry, split_into_parts
from p2f_player.contract.rules import PARIS

SITE = "gare"
NOW = datetime(2026, 7, 14, 10, 0, tzinfo=PARIS)

SITE_DOC: dict[str, Any] = {
    "id": SITE,
    "name": "Gare",
    "geo": {"lat": 43.2, "lon": 3.5},
    "orientation": "portrait",
    "width": 1080,
    "height": 1920,
    "languages": ["fr", "en"],
    "audiences": ["excursionnistes", "familles"],
    "audience_hours": [
        {
            "audiences": ["affaires"],
            "weekdays": ["mo", "tu", "we", "th", "fr"],
            "hours": [{"from": "06:00", "until": "09:30"}],
        },
    ],
    "nfc": True,
    "tags": ["transport"],
}


def slide(slide_id: str, langs: tuple[str, ...] = ("fr", "en"), **extra: Any) -> dict[str, Any]:
    return {
        "id": slide_id,
        "kind": extra.pop("kind", "place"),
        "titles": {lang: slide_id for lang in langs},
        "pages": {lang: f"slides/{slide_id}.{lang}.html" for lang in langs},
        "rules": extra.pop("rules", {"duration_s": 10, "priority": 50, "weight": 1.0}),
        "window": extra.pop("window", None),
        "sponsor": extra.pop("sponsor", None),
        "interrupt": extra.pop("interrupt", False),
        "deep_links": {},
        **extra,
    }


def release_files(slides: list[dict[str, Any]], salt: str = "") -> dict[str, bytes]:
    files = {"assets/kiosk.css": b"body{margin:0}"}
    for s in slides:
        for lang, page in s["pages"].items():
            files[page] = f"<h1>{s['id']} {lang}{salt}</h1>".encode()
    return files


class Publisher:
    def __init__(
        self,
        put: Callable[[str, bytes], None],
        private_key: bytes,
        site: str = SITE,
        created: datetime = NOW - timedelta(days=1),
        parts: bool = False,
    ) -> None:
        self.put, self.private_key, self.site, self.created = put, private_key, site, created
        self.parts = parts  # publish the parts form, as ``invoke publish`` does

    def document(
        self,
        counter: int,
        slides: list[dict[str, Any]],
        files: dict[str, bytes],
        created: datetime | None = None,
        lifetime: timedelta = timedelta(days=14),
        sponsors: dict[str, float] | None = None,
        release_id: str | None = None,
    ) -> dict[str, Any]:
        created = created or self.created
        release = {
            "id": release_id or f"r{counter}",
            "counter": counter,
            "created": created.isoformat(timespec="seconds"),
            "expires": (created + lifetime).isoformat(timespec="seconds"),
        }
        entries = {path: file_entry(data) for path, data in files.items()}
        return build_manifest(
            {**SITE_DOC, "id": self.site}, release, slides, sponsors or {}, entries
        )

    def publish(
        self,
        counter: int,
        slides: list[dict[str, Any]] | None = None,
        salt: str = "",
        **kwargs: Any,
    ) -> dict[str, Any]:
        slides = slides if slides is not None else [slide("a"), slide("b"), slide("c")]
        files = kwargs.pop("files", None) or release_files(slides, salt)
        document = self.document(counter, slides, files, **kwargs)
        for data in files.values():
            self.put(f"objects/{hashlib.sha256(data).hexdigest()}", data)
        if self.parts:
            document, part_objects = split_into_parts(document)
            for sha, data in part_objects.items():
                self.put(f"objects/{sha}", data)
        envelope = trust.sign_manifest(document, self.private_key)
        self.put(f"kiosk/{self.site}/releases/{counter}.json", envelope)
        self.put(f"kiosk/{self.site}/manifest.json", envelope)
        return document

    def put_envelope(self, envelope: bytes) -> None:
        self.put(f"kiosk/{self.site}/manifest.json", envelope)


@pytest.fixture
def keys(tmp_path: Path) -> tuple[bytes, bytes, Path]:
    private, public = trust.generate_keypair()
    path = tmp_path / "key.pub"
    trust.write_key(path, public, private=False)
    return private, public, path


def folder_put(root: Path) -> Callable[[str, bytes], None]:
    def put(key: str, data: bytes) -> None:
        target = root / key
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    return put


@pytest.fixture
def bucket_root(tmp_path: Path) -> Path:
    root = tmp_path / "bucket"
    root.mkdir()
    return root


@pytest.fixture
def folder_publisher(bucket_root: Path, keys: tuple[bytes, bytes, Path]) -> Publisher:
    return Publisher(folder_put(bucket_root), keys[0])


# -- S3: the real moto server over HTTP --------------------------------------------------------


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{server._server.server_port}"  # type: ignore[union-attr]
    server.stop()


def admin_client(endpoint: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(s3={"addressing_style": "path"}),
    )


@pytest.fixture
def s3_bucket(s3_server: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str, Any]:
    """A fresh bucket; the player side sees no credentials (anonymous, like a kiosk)."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    name = f"p2f-{uuid.uuid4().hex[:12]}"
    client = admin_client(s3_server)
    client.create_bucket(Bucket=name)
    # content is public-read, like the production bucket the kiosks read without a key
    client.put_bucket_policy(
        Bucket=name,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::{name}/*",
                    }
                ],
            }
        ),
    )
    return s3_server, name, client


@pytest.fixture
def s3_publisher(s3_bucket: tuple[str, str, Any], keys: tuple[bytes, bytes, Path]) -> Publisher:
    _, name, client = s3_bucket

    def put(key: str, data: bytes) -> None:
        client.put_object(Bucket=name, Key=f"p2f/{key}", Body=data)

    return Publisher(put, keys[0])


# -- HTTP: a real server with ETags, PUT, and a switch to cut transfers ------------------------


class FileServer(http.server.ThreadingHTTPServer):
    root: Path
    cut: set[str]  # paths whose body stops halfway (the connection drops)
    down: bool
    requests: list[tuple[str, str, int]]


class Handler(http.server.BaseHTTPRequestHandler):
    server: FileServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path.lstrip("/")
        if self.server.down:
            return self._answer(path, 503)
        target = self.server.root / path
        if not target.is_file():
            return self._answer(path, 404)
        data = target.read_bytes()
        etag = f'"{hashlib.sha256(data).hexdigest()[:16]}"'
        if self.headers.get("If-None-Match") == etag:
            return self._answer(path, 304)
        self.server.requests.append(("GET", path, 200))
        self.send_response(200)
        self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if path in self.server.cut:
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(data)

    def do_PUT(self) -> None:
        path = self.path.lstrip("/")
        if self.server.down:
            return self._answer(path, 503)
        data = self.rfile.read(int(self.headers["Content-Length"]))
        target = self.server.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self._answer(path, 201)

    def _answer(self, path: str, code: int) -> None:
        self.server.requests.append((self.command, path, code))
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture
def http_server(bucket_root: Path) -> Iterator[FileServer]:
    server = FileServer(("127.0.0.1", 0), Handler)
    server.root, server.cut, server.down, server.requests = bucket_root, set(), False, []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def url_of(server: FileServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


# -- a hostile HTTP server: drips, redirects elsewhere, sends without end (issue 9) ---------------


class HostileServer(http.server.ThreadingHTTPServer):
    """What a captive portal, a broken CDN or an attacker on the network can answer.

    ``mode``: ``drip-body`` (headers at once, then one body byte every ``drip_s``),
    ``drip-headers`` (the status line and headers one byte every ``drip_s``), ``endless``
    (a 400 MB ``Content-Length``, then bytes as fast as the client reads), ``endless-undeclared``
    (no length, bytes until the client hangs up), ``redirect`` (302 to ``location`` + path;
    ``/moved/...`` answers ``{}``). PUT answers like GET once it has read the body.
    ``answered`` is set once a request is being answered; ``sent`` counts body bytes written.
    """

    daemon_threads = True
    mode: str
    drip_s: float
    location: str
    answered: threading.Event
    stopping: threading.Event
    sent: int
    paths: list[str]


class HostileHandler(http.server.BaseHTTPRequestHandler):
    server: HostileServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        server = self.server
        server.paths.append(self.path)
        server.answered.set()
        try:
            if self.path.startswith("/moved/"):  # where a same-host redirect lands
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")
            elif server.mode == "redirect":
                self.send_response(302)
                self.send_header("Location", server.location + self.path)
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif server.mode == "drip-headers":
                head = b"HTTP/1.1 200 OK\r\nX-Pad: " + b"x" * 10_000 + b"\r\n\r\n"
                self._drip(head)
            elif server.mode == "drip-body":
                self.send_response(200)
                self.send_header("Content-Length", "10000")
                self.end_headers()
                self._drip(b"{" * 10_000)
            else:
                self.send_response(200)
                if server.mode == "endless":
                    self.send_header("Content-Length", str(400 * 1024 * 1024))
                else:
                    self.send_header("Connection", "close")
                self.end_headers()
                chunk = b" " * 65536
                while not server.stopping.is_set() and server.sent < 400 * 1024 * 1024:
                    self.wfile.write(chunk)
                    server.sent += len(chunk)
        except OSError:
            pass  # the client hung up: what a bounded client does
        self.close_connection = True

    def do_PUT(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.do_GET()

    def _drip(self, data: bytes) -> None:
        for byte in data:
            if self.server.stopping.wait(self.server.drip_s):
                return
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            self.server.sent += 1


@pytest.fixture
def hostile_server() -> Iterator[HostileServer]:
    server = HostileServer(("127.0.0.1", 0), HostileHandler)
    server.mode, server.drip_s, server.location = "drip-body", 0.05, ""
    server.answered, server.stopping = threading.Event(), threading.Event()
    server.sent, server.paths = 0, []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.stopping.set()
    server.shutdown()
    server.server_close()


def hostile_url(server: HostileServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def wait_until(condition: Callable[[], object], what: str, timeout_s: float = 60.0) -> None:
    """Wait for ``condition`` (a generous bound on shared cores; not a timing assertion)."""
    end = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.02)
