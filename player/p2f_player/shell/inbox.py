"""The local inbox: a folder where a technician drops a release (e.g. copied from a USB stick).

The folder has the storage layout (``kiosk/<site>/manifest.json`` and ``objects/<sha256>``,
what ``invoke publish --to file:///...`` writes), so it is read by a ``FolderSource`` and
taken by the same ``Syncer`` as the network: signature, counter (only newer), expiry and every
file's hash are checked; a bad release is refused and journaled like any other.

watchdog tells us when something changed; copying takes a while, so each change only
(re)starts a short quiet period, after which one sync runs. It does not copy or delete files.
The sync takes the store's sync lock, so it never races the network's; ``FolderSource`` reads
regular files only (no symlink, FIFO or device) under size caps; and whatever a drop makes
raise, the thread reports it and lives on for the next drop.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from p2f_player.sources import FolderSource
from p2f_player.store import Store
from p2f_player.sync import Syncer, SyncResult

log = logging.getLogger("p2f_player.shell")


class Inbox:
    def __init__(
        self,
        folder: Path,
        site: str,
        store: Store,
        public_key: bytes | tuple[bytes, ...],  # the pinned key(s)
        now: Callable[[], datetime],
        emit: Callable[[str, Mapping[str, Any]], object] | None = None,
        quiet_s: float = 2.0,
    ) -> None:
        self.folder, self.now, self.quiet_s = folder, now, quiet_s
        self.syncer = Syncer(site, FolderSource(folder), store, public_key, emit=emit)
        self.emit = emit or (lambda kind, data: None)
        self.results: deque[SyncResult] = deque(maxlen=100)  # the latest, for tests and status
        self._changed = threading.Event()
        self._stop = threading.Event()
        self._observer: Any = None
        self._thread = threading.Thread(target=self._run, name="p2f-inbox", daemon=True)

    def start(self) -> Inbox:
        from watchdog.events import FileSystemEvent, FileSystemEventHandler
        from watchdog.observers import Observer

        changed = self._changed

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                if event.event_type != "opened" and event.event_type != "closed_no_write":
                    changed.set()

        self.folder.mkdir(parents=True, exist_ok=True)
        self._observer = Observer()
        self._observer.schedule(Handler(), str(self.folder), recursive=True)
        self._observer.start()
        self._changed.set()  # a release may already wait there from before a restart
        self._thread.start()
        return self

    def close(self) -> None:
        self._stop.set()
        self._changed.set()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
        self._thread.join(timeout=10)

    def _run(self) -> None:
        failing: str | None = None  # the error being reported: logged and journaled once
        while not self._stop.is_set():
            self._changed.wait()
            # wait for a quiet period: a copy in progress keeps sending events
            while self._changed.is_set() and not self._stop.is_set():
                self._changed.clear()
                self._stop.wait(self.quiet_s)
            if self._stop.is_set():
                return
            try:
                self._take()
                failing = None
            # The inbox is untrusted input on an unattended screen: whatever one drop makes
            # raise (a parser limit, deep nesting, a vanished file), this thread must live on
            # to take the next drop. Reported once per distinct error, then quiet.
            except Exception as error:
                text = f"{type(error).__name__}: {error}"[:500]
                if text != failing:
                    failing = text
                    log.exception("inbox: the drop in %s could not be taken", self.folder)
                    try:
                        self.emit("error", {"where": "inbox", "reason": text})
                    except Exception:  # reporting must not kill the reporter either
                        log.exception("inbox: cannot journal the error")

    def _take(self) -> None:
        if not any(self.folder.glob("kiosk/*/manifest.json")):
            return
        result = self.syncer.sync_once(self.now())
        self.results.append(result)
        if result.status == "updated":
            log.info("inbox: release %s taken from %s", result.release, self.folder)
        elif result.status not in ("unchanged",):
            log.info("inbox: %s (%s)", result.status, result.reason)
