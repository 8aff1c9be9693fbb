"""Files written by one thread beside the build's main thread, in the order they were given.

Creating a file costs ~110 us of kernel time on the build machine's ext4 (``open``, ``write``,
``close``: the GIL is released meanwhile), ~80,000 times in a clean kiosk build. ``WriteBehind``
hands each write to a single writer thread, so that the second core does that work while the
main thread goes on rendering.

What it promises: the writes are done in the order given (one thread, first in first out), each
as the caller would have done it (unlink first when asked: never write through a hard link;
the folder made when asked); ``flush`` returns once every write given so far is done; the queue
is bounded (the caller waits when it is full), so memory stays bounded; the first error the
thread meets is raised in the caller, naming the path, by the next ``write``, ``flush`` or
``close``; ``close`` ends the thread (use it as a context manager: a build, and ``invoke
livereload`` builds many times in one process, must not leave a thread behind).

What it does not do: it knows nothing of links, reads or removals the caller makes itself.
The caller must ``flush`` before any of those touches a path or folder given here (see
``p2f_kiosk.bundle_writer``).
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
from types import TracebackType

THREAD_NAME = "p2f-write-behind"
DEPTH = 512  # writes waiting at most: a few MB of pages (pictures are not written here)


class WriteBehindError(Exception):
    """A write handed to the writer thread failed (disk full, permission, ...)."""


_STOP = None  # the item that ends the thread


class WriteBehind:
    """A writer thread and its queue; started on the first write."""

    def __init__(self, depth: int = DEPTH) -> None:
        self._queue: queue.Queue[tuple[str, bytes, bool, str | None] | None] = queue.Queue(depth)
        self._thread: threading.Thread | None = None
        self._error: WriteBehindError | None = None
        self._reported = False
        self.written = 0  # files the thread wrote (for the tests and the bench)

    def write(
        self, target: str, data: bytes, unlink: bool = False, folder: str | None = None
    ) -> None:
        """Have ``target`` hold ``data`` (``unlink``: remove what is there first; ``folder``:
        make it first). Raises ``WriteBehindError`` if an earlier write failed."""
        self._raise()
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=THREAD_NAME, daemon=True)
            self._thread.start()
        self._queue.put((target, bytes(data), unlink, folder))

    def flush(self) -> None:
        """Return once every write given so far is done; raises ``WriteBehindError`` if one
        failed."""
        if self._thread is not None:
            self._queue.join()
        self._raise()

    def close(self) -> None:
        """Do the writes given so far and end the thread; raises ``WriteBehindError`` if one
        failed and was not reported yet."""
        thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(_STOP)
            thread.join()
        self._raise()

    def __enter__(self) -> WriteBehind:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is not None:
            self._reported = True  # the error in flight is the one to see
        self.close()

    def _raise(self) -> None:
        if self._error is not None and not self._reported:
            self._reported = True
            raise self._error

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is _STOP:
                    return
                if self._error is None:  # after a failure, the rest is dropped
                    self._do(*item)
            finally:
                self._queue.task_done()

    def _do(self, target: str, data: bytes, unlink: bool, folder: str | None) -> None:
        try:
            if folder is not None:
                os.makedirs(folder, exist_ok=True)
            if unlink:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(target)
            with open(target, "wb") as handle:
                handle.write(data)
            self.written += 1
        except Exception as failure:  # raised in the caller, never lost (see ``_raise``)
            reason = getattr(failure, "strerror", None) or str(failure) or type(failure).__name__
            error = WriteBehindError(
                f"{target}: could not be written ({reason}); free some disk space or give the "
                "build the right to write there, then build again"
            )
            error.__cause__ = failure
            self._error = error
