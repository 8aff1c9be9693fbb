"""livereload: a change under a watched folder triggers one rebuild; the server serves files."""

from __future__ import annotations

import gc
import threading
import urllib.request
import weakref
from datetime import UTC, datetime
from pathlib import Path

from p2f_site.livereload import serve, session_moment, watch_and_rebuild


def test_change_triggers_rebuild(tmp_path: Path) -> None:
    rebuilt = threading.Event()
    stop = threading.Event()
    watcher = threading.Thread(
        target=watch_and_rebuild, args=([tmp_path], rebuilt.set, stop), daemon=True
    )
    watcher.start()
    try:
        # The observer needs a moment to attach; keep touching until it reports.
        for attempt in range(50):
            (tmp_path / "lieux.md").write_text(f"edit {attempt}")
            if rebuilt.wait(timeout=0.2):
                break
        assert rebuilt.is_set()
    finally:
        stop.set()
        watcher.join(timeout=5)
    assert not watcher.is_alive()


class Cycle:
    def __init__(self) -> None:
        self.me = self  # only the collector frees it


def test_a_rebuilds_garbage_is_collected_while_waiting_for_the_next_change(tmp_path: Path) -> None:
    left: list[weakref.ref[Cycle]] = []
    rebuilt = threading.Event()

    def rebuild() -> None:  # leaves a cycle in the oldest generation, as a build does
        if not left:
            held = [Cycle()]
            gc.collect()  # it survives: only a full collection reaches it once dropped
            left.append(weakref.ref(held.pop()))
        rebuilt.set()

    stop = threading.Event()
    watcher = threading.Thread(target=watch_and_rebuild, args=([tmp_path], rebuild, stop))
    gc.disable()  # no automatic collection: only the watcher's own
    watcher.start()
    try:
        for attempt in range(50):
            (tmp_path / "lieux.md").write_text(f"edit {attempt}")
            if rebuilt.wait(timeout=0.2):
                break
        for _ in range(50):  # the watcher collects once the rebuild has returned
            if left and left[0]() is None:
                break
            stop.wait(timeout=0.1)
        assert left and left[0]() is None
    finally:
        stop.set()
        watcher.join(timeout=5)
        gc.enable()
    assert not watcher.is_alive()


def test_serves_on_loopback(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<p>bonjour</p>")
    server = serve(tmp_path, 0)
    try:
        host, port = server.server_address[:2]
        assert host == "127.0.0.1"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html") as response:
            assert response.read() == b"<p>bonjour</p>"
    finally:
        server.shutdown()
        server.server_close()


def test_session_moment_is_fixed_to_the_minute() -> None:
    started = datetime(2026, 11, 30, 16, 41, 37, 123456, tzinfo=UTC)
    assert session_moment(started) == "2026-11-30T16:41:00+00:00"
    assert session_moment(started.replace(second=59)) == session_moment(started)
