"""Jobs done ahead in one background process while the build's process does something else.

``Background(jobs, do, watch)`` forks one process: it inherits ``jobs`` and ``do``
(nothing is pickled on the way in), takes the jobs in order and sends each result back through
a pipe, which a thread of the build's process drains (so the background process never waits on
a full pipe while the build renders the website). ``finish()`` is called where the results are
needed: the build's process takes the jobs not started yet itself, beside the background
process (two processes on two cores), waits for the job in hand, and returns every result in
the jobs' order. A job the background process did not finish (it failed, died or stopped) is
done again in the build's process: a failure then raises there, with its own type and message,
and the results never depend on how the work was shared.

The background process stops before its next job once ``stop()`` is called, once ``watch`` (a
folder of the build: its staging folder) is gone, the way the search index's job stops (a build
that failed removed it: nothing is left running for a build nobody will use), or once the
build's process is gone. It ignores SIGINT (an interrupted build stops it through the other
two) and is joined by the draining thread as soon as it ends.

It never runs two background processes, and it needs ``fork`` (``p2f_kiosk.workers.
can_fork``): elsewhere the caller does the jobs itself.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

from p2f_build.collector import frozen_while_forking

J = TypeVar("J")
R = TypeVar("R")


class Background(Generic[J, R]):
    """``do(job)`` for each of ``jobs``, started at once in one background process."""

    def __init__(self, jobs: Sequence[J], do: Callable[[J], R], watch: str | None = None) -> None:
        self.jobs = jobs
        self.do = do
        self.watch = watch
        self.results: dict[int, R] = {}  # filled by the draining thread
        self.failed: int | None = None  # the job the background process could not do
        self.done_here = 0  # jobs done in the build's process by ``finish``
        self.waited_s = 0.0  # how long ``finish`` waited for the job in hand
        context = multiprocessing.get_context("fork")
        self._next = context.Value("q", 0)  # the next job nobody took yet (shared memory)
        self._reader, writer = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_run, args=(jobs, do, self._next, writer, watch, os.getpid()), daemon=True
        )
        try:
            with frozen_while_forking():
                self._process.start()
        finally:
            writer.close()  # the child's end: only the child holds it now
        self._drainer = threading.Thread(target=self._drain, name="p2f-background", daemon=True)
        self._drainer.start()

    def wait(self) -> None:
        """Until the background process has ended (every job taken, or it stopped) and its
        results are in."""
        self._drainer.join()

    def finish(self) -> list[R]:
        """Every job's result, in order: the jobs nobody took yet are done here, beside the
        background process. Raises what ``do`` raises for a job that fails here."""
        try:
            while self.failed is None and (index := self._claim()) is not None:
                self.results[index] = self.do(self.jobs[index])
                self.done_here += 1
            started = time.perf_counter()
            self.wait()
            self.waited_s = time.perf_counter() - started
            for index in range(len(self.jobs)):  # failed, or left by a process that died
                if index not in self.results:
                    self.results[index] = self.do(self.jobs[index])
                    self.done_here += 1
        finally:
            self.stop()
        return [self.results[index] for index in range(len(self.jobs))]

    def stop(self) -> None:
        """No new job in the background; returns once the job in hand is done."""
        self._claim(everything=True)
        self.wait()

    def _claim(self, everything: bool = False) -> int | None:
        lock = self._next.get_lock()
        while not lock.acquire(timeout=1.0):
            if not self._process.is_alive():  # died holding it: nothing to share any more
                return None
        try:
            index = int(self._next.value)
            if index >= len(self.jobs):
                return None
            self._next.value = len(self.jobs) if everything else index + 1
            return index
        finally:
            lock.release()

    def _drain(self) -> None:
        """In a thread of the build's process: results in, until the child ends; then reaps it."""
        try:
            while True:
                try:
                    kind, index, result = self._reader.recv()
                except (EOFError, OSError):
                    break
                if kind == "done":
                    self.results[index] = result
                else:
                    self.failed = index
        finally:
            self._process.join()
            self._reader.close()


def _run(
    jobs: Sequence[Any],
    do: Callable[[Any], Any],
    next_job: Any,
    results: Connection,
    watch: str | None,
    parent: int,
) -> None:
    """In the background process: the next job nobody took, until none is left or it must stop.
    It ends with ``os._exit``: nothing of the build's process (buffers, finalizers, locks
    another thread held at the fork) is flushed or run a second time."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    code = 1
    try:
        while os.getppid() == parent and (watch is None or os.path.isdir(watch)):
            with next_job.get_lock():
                index = next_job.value
                if index >= len(jobs):
                    break
                next_job.value = index + 1
            try:
                result = do(jobs[index])
            except Exception:  # done again in the build's process, which raises it there
                results.send(("failed", index, None))
                break
            results.send(("done", index, result))
        code = 0
    finally:
        results.close()
        os._exit(code)
