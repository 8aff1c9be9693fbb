"""A static server on 127.0.0.1 that serves a built site the way the CDN does.

It adds the response headers of the site's own ``_headers`` file (the Netlify / Cloudflare
Pages form written by ``p2f_web.csp``), so browser tests run with the Content Security Policy
both as a header and as the meta element of each page, and it compresses text files (gzip)
for a client that accepts it, as a CDN does: Lighthouse (bench/web_budget.py) then measures
what a phone would download. Shared by tests/web, tests/webdata and the bench.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def read_headers_file(path: Path) -> dict[str, str]:
    """The headers of the ``/*`` rule of a ``_headers`` file (the only rule the build writes)."""
    headers: dict[str, str] = {}
    rule = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        if not line.startswith((" ", "\t")):
            rule = line.strip()
            if rule != "/*":
                raise ValueError(f"{path}:{number}: only the /* rule is served here, not {rule}")
            continue
        name, sep, value = line.strip().partition(":")
        if rule is None or not sep:
            raise ValueError(f"{path}:{number}: expected '  Name: value' under a rule")
        headers[name.strip()] = value.strip()
    return headers


COMPRESSED = {".html", ".css", ".js", ".json", ".geojson", ".xml", ".svg", ".ics", ".txt"}


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args: Any, headers: dict[str, str], **kwargs: Any) -> None:
        self.site_headers = headers  # set first: the base class handles the request at once
        super().__init__(*args, **kwargs)

    def end_headers(self) -> None:
        for name, value in self.site_headers.items():
            self.send_header(name, value)
        super().end_headers()

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?", 1)[0].endswith("/"):
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.suffix in COMPRESSED and path.is_file()):
            super().do_GET()
            return
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class SiteServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that closes a connection mid-answer (a page left, a fetch aborted) is what
        browsers do, not a server fault: no traceback for it; anything else is still printed."""
        if isinstance(sys.exception(), ConnectionError):
            return
        super().handle_error(request, client_address)


@contextmanager
def serve_site(site: Path) -> Iterator[str]:
    """Serve ``site`` with its ``_headers``; yields the base URL (no trailing slash)."""
    headers = read_headers_file(site / "_headers")
    handler = functools.partial(SiteHandler, directory=str(site), headers=headers)
    server = SiteServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def inject_axe(page: Any, origin: str, axe: Path) -> None:
    """Load axe-core into ``page`` as a same-origin script file.

    The site's policy refuses inline scripts, which is what ``add_script_tag(path=...)`` writes;
    serving axe from the page's origin keeps the test under the real policy.
    """
    url = f"{origin}/__tests__/axe.min.js"
    page.route(url, lambda route: route.fulfill(path=str(axe), content_type="text/javascript"))
    page.add_script_tag(url=url)
