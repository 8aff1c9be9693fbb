"""Import fixtures: the real public records of fixtures/, a tmp content tree, one runner, a
web server on 127.0.0.1, and the tests' network (127.0.0.1 only, through the real fetcher)."""

from __future__ import annotations

import io
import socket
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from p2f_import import report
from p2f_import.fetch import Fetch, FetchError, HttpFetcher
from p2f_import.run import Options, Result, run
from p2f_model.check import run as check
from p2f_model.territory import DEFAULT, Territory, parse
from tests.conftest import WriteContent

FIXTURES = Path(__file__).parent / "fixtures"
FLUX_2020 = FIXTURES / "datatourisme-2020-flux"
CURRENT = FIXTURES / "datatourisme-current"
APIDAE = FIXTURES / "apidae"
FAKE_KEY = "FIXTURE-KEY-3f9c-not-a-real-key"
FRANCE = parse("41.0,-5.5,51.5,10.0")  # a trial run on records from anywhere in France

Import = Callable[..., Result]
Handler = Callable[[BaseHTTPRequestHandler], None]


def offline(url: str) -> bytes:
    """The tests' network: 127.0.0.1 through the real ``HttpFetcher``; any other host is a
    ``FetchError`` (the real fixtures' picture URLs stay references, nothing leaves)."""
    host = urllib.parse.urlsplit(url).hostname
    if host != "127.0.0.1":
        raise FetchError(f"unreachable ({host}: no network in the tests)")
    return HttpFetcher(deadline_s=10)(url)


def closed_port() -> int:
    """A port of 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Web:
    """A real HTTP server on 127.0.0.1: ``routes[path]`` (without the query) is ``(status,
    headers, body)`` or a handler function; every request's path is appended to ``hits``."""

    base: str = ""
    routes: dict[str, tuple[int, dict[str, str], bytes] | Handler] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)


@pytest.fixture
def web() -> Iterator[Web]:
    served = Web()

    class Answer(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            served.hits.append(self.path)
            route = served.routes.get(self.path.split("?")[0], (404, {}, b"not found"))
            if callable(route):
                route(self)
                return
            status, headers, body = route
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    served.base = f"http://127.0.0.1:{server.server_port}"
    yield served
    server.shutdown()
    server.server_close()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if
            p.is_file()}  # fmt: skip


def check_text(content: Path, territory: Territory = DEFAULT) -> tuple[int, str]:
    """The real `invoke check` over ``content``: exit code and what it printed."""
    out = io.StringIO()
    code = check(content, out, territory=territory)
    return code, out.getvalue()


@pytest.fixture
def content(write_content: WriteContent) -> Path:
    """The small fixture content (one site, one place veto-pinede...) in a tmp folder."""
    return write_content()


@pytest.fixture
def import_into(content: Path) -> Import:
    def go(
        source: str,
        inputs: list[Path | str],
        now: str = "2020-09-01T08:00:00+00:00",
        territory: Territory = DEFAULT,
        fetch: Fetch = offline,
        **extra: object,
    ) -> Result:
        options = Options(
            source=source,
            inputs=[str(i) for i in inputs],
            content=content,
            now=datetime.fromisoformat(now).astimezone(UTC),
            territory=territory,
            horizon=timedelta(days=365),
            **extra,  # type: ignore[arg-type]
        )
        result = run(options, fetch)
        report.markdown(result, now)  # every run can be reported
        return result

    return go
