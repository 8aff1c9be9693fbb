"""The network seam's default, HttpFetcher, against a real server on 127.0.0.1: http(s)
only, redirects only to the same host, a deadline for the whole transfer, a size cap."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler

import pytest

from p2f_import.fetch import FetchError, HttpFetcher
from tests.importers.conftest import Web, closed_port


def redirect(location: str) -> tuple[int, dict[str, str], bytes]:
    return 302, {"Location": location}, b""


def test_same_host_redirect_is_followed(web: Web) -> None:
    web.routes["/old.png"] = redirect("/new.png")
    web.routes["/new.png"] = (200, {}, b"picture")
    assert HttpFetcher()(f"{web.base}/old.png") == b"picture"
    assert web.hits == ["/old.png", "/new.png"]


def test_redirect_to_another_host_is_not_followed(web: Web) -> None:
    # "localhost" is the same machine but another host name: what matters is that a record
    # cannot send the importer anywhere it likes
    web.routes["/away"] = redirect(web.base.replace("127.0.0.1", "localhost") + "/x.png")
    with pytest.raises(FetchError, match="redirected to another host, localhost"):
        HttpFetcher()(f"{web.base}/away")
    assert web.hits == ["/away"]


def test_redirect_to_another_scheme_is_not_followed(web: Web) -> None:
    web.routes["/file"] = redirect("file:///etc/passwd")
    with pytest.raises(FetchError, match=r"(?i)redirect"):  # urllib's own refusal, or ours
        HttpFetcher()(f"{web.base}/file")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "data:,x", "/x.png"])
def test_only_http_and_https_are_asked(url: str) -> None:
    with pytest.raises(FetchError, match="only http:// and https://"):
        HttpFetcher()(url)


def test_size_cap_announced_or_not(web: Web) -> None:
    web.routes["/big"] = (200, {}, b"x" * 5000)

    def unannounced(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.end_headers()  # no Content-Length: read until the server closes
        handler.wfile.write(b"y" * 5000)

    web.routes["/stream"] = unannounced
    fetch = HttpFetcher(max_bytes=1000)
    with pytest.raises(FetchError, match="5,000 bytes announced, more than 1,000"):
        fetch(f"{web.base}/big")
    with pytest.raises(FetchError, match="larger than 1,000 bytes"):
        fetch(f"{web.base}/stream")
    assert HttpFetcher(max_bytes=5000)(f"{web.base}/big") == b"x" * 5000


def test_a_server_dripping_bytes_is_cut_at_the_deadline(web: Web) -> None:
    stop = threading.Event()

    def drip(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.end_headers()
        try:
            while not stop.wait(0.05):  # a byte every 50 ms, for as long as the client reads
                handler.wfile.write(b".")
                handler.wfile.flush()
        except OSError:
            pass  # the client hung up

    web.routes["/slow"] = drip
    try:
        with pytest.raises(FetchError, match=r"not received within 0\.5 s"):
            HttpFetcher(deadline_s=0.5)(f"{web.base}/slow")
    finally:
        stop.set()


def test_http_errors_and_closed_ports_are_fetch_errors(web: Web) -> None:
    with pytest.raises(FetchError, match="HTTP 404"):
        HttpFetcher()(f"{web.base}/missing.png")
    with pytest.raises(FetchError, match="unreachable"):
        HttpFetcher()(f"http://127.0.0.1:{closed_port()}/x")
