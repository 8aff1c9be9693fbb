"""``invoke livereload``: rebuild when content, theme or plugins change; serve on 127.0.0.1.

watchdog watches the folders; changes are debounced (an editor saves several files at once)
and one rebuild runs at a time. A content problem is printed like ``invoke check`` and the
last good build keeps being served. Rebuilds are incremental (``p2f_site.incremental``), all
for one build moment fixed when the session starts (``session_moment``): the moment is an input
of every page, so a clock that moved would make every save a full build.
"""

from __future__ import annotations

import functools
import gc
import http.server
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

DEBOUNCE_S = 0.3


class _Changed(FileSystemEventHandler):
    def __init__(self, wake: threading.Event) -> None:
        self.wake = wake

    def on_any_event(self, event: FileSystemEvent) -> None:
        path = str(event.src_path)
        if "/build/" in path or path.endswith((".swp", "~")) or "__pycache__" in path:
            return
        self.wake.set()


def session_moment(now: datetime) -> str:
    """The build moment of a livereload session started at ``now``: ISO, to the minute."""
    return now.replace(second=0, microsecond=0).isoformat()


def serve(directory: Path, port: int) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def watch_and_rebuild(
    folders: list[Path],
    rebuild: Callable[[], None],
    stop: threading.Event,
) -> None:
    """Call ``rebuild`` after each burst of changes under ``folders`` until ``stop`` is set."""
    wake = threading.Event()
    observer = Observer()
    for folder in folders:
        observer.schedule(_Changed(wake), str(folder), recursive=True)
    observer.start()
    try:
        while not stop.is_set():
            if not wake.wait(timeout=0.2):
                continue
            time.sleep(DEBOUNCE_S)
            wake.clear()
            rebuild()
            # the build's objects, handed back to the collector when it ended
            # (``p2f_build.collector``), are freed while the process waits for the next save,
            # not by the next build's first step
            gc.collect()
    finally:
        observer.stop()
        observer.join()
