"""The editor's own server: /admin/ only there, with its own policy; only its own page may
write through it; nothing of it reaches the built site."""

from __future__ import annotations

import http.client
import json
import socket
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from p2f_editorial.cli import open_editor
from p2f_editorial.editor_server import ADMIN_CSP

from p2f_site.build import build_all
from tests.conftest import ROOT, WriteContent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def editor(write_content: WriteContent, tmp_path: Path) -> Iterator[tuple[int, Path, int]]:
    write_content()  # tmp_path/content: a copy of the test corpus
    backend = _free_port()
    with open_editor(tmp_path, 0, backend, node_modules=ROOT / "node_modules") as url:
        yield int(url.rsplit(":", 1)[1]), tmp_path, backend


def _request(
    port: int, method: str, path: str, body: bytes | None = None, **headers: str
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, data


def _api(port: int, request: Mapping[str, Any], **headers: str) -> tuple[int, object]:
    status, _, data = _request(
        port, "POST", "/api/v1", json.dumps(request).encode(),
        **{"Content-Type": "application/json", **headers},
    )  # fmt: skip
    return status, json.loads(data)


def test_admin_has_its_own_policy_and_listens_on_loopback_only(
    editor: tuple[int, Path, int],
) -> None:
    port, _, backend = editor
    for path in ("/admin/", "/admin/config.yml", "/admin/decap-cms.js"):
        status, headers, _ = _request(port, "GET", path)
        assert status == 200, path
        assert headers["content-security-policy"] == ADMIN_CSP
        assert headers["x-content-type-options"] == "nosniff"
    assert b"http://127.0.0.1:%d/api/v1" % port in _request(port, "GET", "/admin/config.yml")[2]
    assert _request(port, "GET", "/admin/../pelicanconf.py")[0] == 404
    for listening in (port, backend):  # both bound to 127.0.0.1, not to every interface
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.2", listening), timeout=5).close()


def test_only_the_editors_own_page_may_call_the_backend(editor: tuple[int, Path, int]) -> None:
    port, root, _ = editor
    own = f"http://127.0.0.1:{port}"
    read = {
        "action": "getEntry",
        "params": {"branch": "main", "path": "content/lieux/veto-pinede.fr.md"},
    }
    status, answer = _api(port, read, Origin=own)
    assert status == 200
    assert isinstance(answer, dict)
    assert answer["file"]["path"] == "content/lieux/veto-pinede.fr.md"  # Decap's name for it
    assert answer["data"] == (root / "content" / "lieux" / "veto-pinede.md").read_text()
    # another web page open in the reporter's browser, or a rebound DNS name
    assert _api(port, read, Origin="https://evil.example")[0] == 403
    assert _api(port, read, Host="evil.example")[0] == 403


def test_a_save_that_is_not_an_item_is_refused_and_nothing_written(
    editor: tuple[int, Path, int],
) -> None:
    port, root, _ = editor
    before = (root / "content" / "lieux" / "veto-pinede.md").read_bytes()
    persist = {
        "action": "persistEntry",
        "params": {
            "branch": "main", "assets": [],
            "dataFiles": [{"slug": "veto-pinede", "path": "content/lieux/veto-pinede.fr.md",
                           "raw": "no header at all"}],
            "options": {"commitMessage": "x", "useWorkflow": False, "status": ""},
        },
    }  # fmt: skip
    status, answer = _api(port, persist, Origin=f"http://127.0.0.1:{port}")
    assert status == 422
    assert "must start with" in str(answer)
    assert (root / "content" / "lieux" / "veto-pinede.md").read_bytes() == before


def test_admin_is_never_published(write_content: WriteContent, tmp_path: Path) -> None:
    content = write_content()
    output = tmp_path / "build"
    build_all(
        ROOT,
        ROOT / "pelicanconf.py",
        output,
        overrides={
            "PATH": str(content),
            "P2F_ROOT": str(tmp_path),
            "P2F_NOW": "2026-11-26T12:00:00+00:00",
        },
    )
    site = output / "site"
    assert (site / "index.html").is_file()
    assert not (site / "admin").exists()
    for file in site.rglob("*"):
        if file.is_file() and file.suffix in (".html", ".js", ".yml", ".json", ".xml", ".txt"):
            text = file.read_text(encoding="utf-8", errors="replace")
            assert "decap-cms" not in text and "/admin/" not in text, file


def test_decap_server_itself_answers_only_the_relay(editor: tuple[int, Path, int]) -> None:
    """decap-server allows every origin: a page in the reporter's browser calling its port
    directly (not through the relay) must not read or write the content."""
    _, root, backend = editor
    write = {
        "action": "persistEntry",
        "params": {
            "branch": "main",
            "dataFiles": [{"path": "content/lieux/pirate.md", "raw": "---\ntitle: x\n---\n"}],
            "assets": [],
            "options": {},
        },
    }
    for origin in ("https://evil.example", f"http://127.0.0.1:{backend}"):
        status, _, _ = _request(
            backend, "POST", "/api/v1", json.dumps(write).encode(),
            **{"Content-Type": "application/json", "Origin": origin},
        )  # fmt: skip
        assert status == 403
    assert not (root / "content" / "lieux" / "pirate.md").exists()
