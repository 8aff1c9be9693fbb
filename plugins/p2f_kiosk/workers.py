"""The sites' bundles built in worker processes (the bundles are independent of each other).

``build_in_workers(sites, build_one, workers)`` forks ``workers`` processes once the shared
inputs are prepared (the corpus, the templates, the pictures resized ahead: they inherit them,
nothing is pickled on the way in), each takes the next site from a queue and calls
``build_one(site)``; what it returns (the site's report) comes back through a queue, and so do
the log records the worker emits (re-emitted in the build's process, where the build counts
errors) and any exception, as a ``BundleError`` naming the site. A worker that dies without a
word (killed, out of memory) fails the build too, naming the sites it had taken. The bytes are
those of the same function called in the build's process: each worker renders a page it
needs once (the other worker may render it too: pages rendered once per build become once
per worker).

It does not share anything made in one worker with the other (rendered pages, hours in words,
pictures made on demand: each makes its own, the same bytes), and it is used only where
processes can fork; elsewhere the caller builds the sites one by one.
"""

from __future__ import annotations

import logging
import logging.handlers
import multiprocessing
import queue
import time
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar, cast

from p2f_build.collector import frozen_while_forking
from p2f_model.problems import ContentError

T = TypeVar("T")
log = logging.getLogger(__name__)


class BundleError(Exception):
    """A site's bundle failed in a worker process (the message names the site)."""


def can_fork() -> bool:
    try:
        multiprocessing.get_context("fork")
    except ValueError:
        return False
    return True


def in_process(sites: list[str], build_one: Callable[[str], T]) -> dict[str, T]:
    """``{site: build_one(site)}`` in this process; an error names the site as in a worker
    (a ``ContentError`` already names its file and field: it goes as it is)."""
    done: dict[str, T] = {}
    for site in sites:
        try:
            done[site] = build_one(site)
        except ContentError:
            raise
        except Exception as error:
            raise BundleError(f"kiosk bundle of site {site}: {_detail(error)}") from error
    return done


def build_in_workers(sites: list[str], build_one: Callable[[str], T], workers: int) -> dict[str, T]:
    """``{site: build_one(site)}``, computed in ``workers`` forked processes. Raises
    ``BundleError`` for the first site that failed (or whose worker died)."""
    context = multiprocessing.get_context("fork")
    tasks: Any = context.Queue()
    for site in sites:
        tasks.put(site)
    for _ in range(workers):
        tasks.put(None)  # one "no more sites" per worker
    processes, readers = [], []
    with frozen_while_forking():
        for _ in range(workers):
            reader, writer = context.Pipe(duplex=False)  # a send is written before it returns
            process = context.Process(target=_work, args=(tasks, writer, build_one), daemon=True)
            process.start()
            writer.close()  # the worker's end: only the worker holds it now
            processes.append(process)
            readers.append(reader)
    try:
        return _collect(sites, processes, readers)
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
            process.join()
        for reader in readers:
            reader.close()
        tasks.close()
        tasks.join_thread()


def _collect(sites: list[str], processes: list[Any], readers: list[Connection]) -> dict[str, T]:
    done: dict[str, T] = {}
    cpu: list[float] = []  # CPU seconds of each worker that finished
    running = dict(zip(readers, processes, strict=True))
    taken: dict[Connection, str] = {}  # the site each worker is building
    while running:
        for ready in wait(list(running)):
            reader = cast(Connection, ready)
            try:
                kind, site, value = reader.recv()
            except EOFError:  # the worker is gone: after its last site, or without a word
                process = running.pop(reader)
                process.join()
                if process.exitcode != 0:
                    raise BundleError(_died(process.exitcode, taken.get(reader))) from None
                continue
            if kind == "log":
                logging.getLogger(value.name).handle(value)
            elif kind == "start":
                taken[reader] = site
            elif kind == "done":
                done[site] = value
                taken.pop(reader, None)
            elif kind == "error":
                raise BundleError(f"kiosk bundle of site {site}: {value}")
            elif kind == "cpu":
                cpu.append(value)
    missing = [site for site in sites if site not in done]
    if missing:  # every worker ended without these: not expected, never silent
        raise BundleError(f"kiosk bundles not built: {', '.join(missing)}")
    seconds = ", ".join(f"{c:.1f}" for c in sorted(cpu))
    log.info("kiosk: %d bundles built in %d workers (CPU s each: %s)", len(done), len(cpu), seconds)
    return done


def _died(code: int | None, site: str | None) -> str:
    return (
        f"a kiosk bundle worker died (exit code {code}) while building the bundle of: "
        f"{site or 'none started'}; build again, and if it fails again, build with "
        f"P2F_KIOSK_WORKERS = 1 to see the error in the build's process"
    )


def _work(tasks: Any, results: Connection, build_one: Callable[[str], Any]) -> None:
    """In a worker: build sites until told to stop; logs and errors go to the build."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(_Forward(results))
    try:
        while (site := tasks.get()) is not None:
            results.send(("start", site, None))
            try:
                value = build_one(site)
            except Exception as error:  # any failure: reported by the build, naming the site
                results.send(("error", site, _detail(error)))
                return
            results.send(("done", site, value))
        results.send(("cpu", None, time.process_time()))
    finally:
        results.close()


def _detail(error: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(error), error)).strip()


class _Forward(logging.handlers.QueueHandler):
    """Sends a worker's log records to the build's process (message formatted, no args)."""

    def __init__(self, results: Connection) -> None:
        super().__init__(queue.SimpleQueue())  # unused: records go through ``results``
        self.results = results

    def enqueue(self, record: logging.LogRecord) -> None:
        self.results.send(("log", None, record))
