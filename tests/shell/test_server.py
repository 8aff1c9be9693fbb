"""The local servers' security headers, over plain HTTP (no window): two origins, a strict
Content-Security-Policy on every answer, sandboxed release documents, no framing of the page."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest

from p2f_player.shell.server import BundleServer


@pytest.fixture
def server(tmp_path: Path) -> Iterator[BundleServer]:
    release = tmp_path / "r1"
    for path, text in {
        "slides/a.fr.html": "<h1>a</h1><script>parent.pywebview.api.handoff('x')</script>",
        "directory/fr/index.html": '<h1>index</h1><script src="../../directory.js"></script>',
        "directory/directory.js": "document.title = 'ran';",
    }.items():
        (release / path).parent.mkdir(parents=True, exist_ok=True)
        (release / path).write_text(text)
    started = BundleServer(lambda: {"r1": release}).start()
    yield started
    started.close()


def headers(url: str) -> Message:
    try:
        with urllib.request.urlopen(url) as answer:
            return answer.headers  # type: ignore[no-any-return]
    except urllib.error.HTTPError as error:
        return error.headers


def policy(message: Message) -> dict[str, str]:
    """The CSP header as ``{directive: sources}``."""
    value = message["Content-Security-Policy"]
    assert value, "no Content-Security-Policy header"
    return {d.split(" ", 1)[0]: d.partition(" ")[2] for d in value.split("; ")}


def test_the_page_and_the_releases_have_two_origins(server: BundleServer) -> None:
    assert server.origin != server.content_origin
    assert server.origin.startswith("http://127.0.0.1:")
    assert server.content_origin.startswith("http://127.0.0.1:")


def test_the_kiosk_page_runs_only_its_own_files_and_cannot_be_framed(
    server: BundleServer,
) -> None:
    answer = headers(server.origin + "/shell/index.html")
    csp = policy(answer)
    assert csp["default-src"] == "'none'"
    assert "'unsafe-inline'" not in csp["script-src"] and "'self'" in csp["script-src"]
    assert csp["frame-src"] == server.content_origin  # slides come from there, nothing else
    assert csp["frame-ancestors"] == "'none'" and answer["X-Frame-Options"] == "DENY"
    assert csp["connect-src"] == "'none'"
    assert answer["X-Content-Type-Options"] == "nosniff"


def test_a_slide_is_sandboxed_without_script(server: BundleServer) -> None:
    answer = headers(server.content_origin + "/bundle/r1/slides/a.fr.html")
    csp = policy(answer)
    assert csp["script-src"] == "'none'"
    assert csp["sandbox"] == ""  # no allow-scripts, no allow-same-origin, no pop-ups
    assert csp["frame-ancestors"] == server.origin  # framed by the kiosk page only
    assert csp["default-src"] == "'none'" and csp["img-src"] == "'self' data:"
    assert answer["X-Content-Type-Options"] == "nosniff"


def test_a_directory_page_runs_its_own_script_files_in_an_opaque_origin(
    server: BundleServer,
) -> None:
    for path in ("/bundle/r1/directory/fr/index.html", "/bundle/r1/directory/directory.js"):
        csp = policy(headers(server.content_origin + path))
        assert csp["script-src"] == "'self'"  # files of the release; no inline, no eval
        assert csp["sandbox"] == "allow-scripts"  # never allow-same-origin nor allow-popups
        assert csp["frame-ancestors"] == server.origin


def test_errors_carry_the_headers_too(server: BundleServer) -> None:
    for url in (
        server.content_origin + "/bundle/r9/slides/a.fr.html",
        server.origin + "/bundle/r1/slides/a.fr.html",
    ):
        answer = headers(url)
        assert policy(answer)["default-src"] == "'none'"
        assert answer["X-Content-Type-Options"] == "nosniff"
