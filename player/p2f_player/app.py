"""The headless player: wires sync, scheduler, journal and heartbeat, and runs them.

The *slide loop* (main thread) asks the scheduler what to play, "shows" it through
the injected ``display`` (a log line here; the window comes with the shell), journals it when
it ends, and picks up a new release only at a slide boundary. The *housekeeping loops* poll
for releases, upload the journal and write heartbeats: one thread each, so a sync held by a
slow store never delays a heartbeat, each with capped backoff after errors.

Time comes from an injected ``Clock``: ``SystemClock`` on a screen, ``ScaledClock`` in tests and
the bench (a 10-second slide lasting 1 s of wall time). Every loop degrades instead of crashing:
see the broad ``except`` clauses.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from p2f_player.contract.manifest import ManifestError
from p2f_player.errors import TransportError
from p2f_player.heartbeat import heartbeat_document, heartbeat_key
from p2f_player.journal import Journal
from p2f_player.scheduler import Decision, Plan, Play, next_change, select_slide
from p2f_player.sources import Source
from p2f_player.store import LocalRelease, Store
from p2f_player.sync import Syncer, load_playable, poll_delay, retry_delay

log = logging.getLogger("p2f_player")
NO_RELEASE_WAIT_S = 10.0
HOUSEKEEPING = ("sync", "upload", "heartbeat")  # one thread each (``Player._housekeeping``)


class Clock(Protocol):
    """Two clocks in one. ``now`` is the wall clock: it says which rules hold (dates, hours) and
    may step either way (NTP after a boot, a technician, a flat RTC battery). ``monotonic``
    (seconds from an arbitrary origin) never steps: it measures how long things last."""

    def now(self) -> datetime: ...

    def monotonic(self) -> float: ...

    def wait(self, stop: threading.Event, until: datetime) -> None:
        """Sleep until ``until`` or until ``stop`` is set."""
        ...

    def sleep(self, stop: threading.Event, seconds: float) -> None:
        """Sleep ``seconds`` of monotonic time, or until ``stop`` is set."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    def wait(self, stop: threading.Event, until: datetime) -> None:
        stop.wait(max(0.0, (until - self.now()).total_seconds()))

    def sleep(self, stop: threading.Event, seconds: float) -> None:
        stop.wait(max(0.0, seconds))  # Event.wait runs on the monotonic clock


class ScaledClock:
    """Time that runs ``speed`` times faster than the wall clock, from ``start``."""

    def __init__(self, start: datetime, speed: float) -> None:
        self.start, self.speed, self._t0 = start, speed, time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.monotonic())

    def monotonic(self) -> float:
        return (time.monotonic() - self._t0) * self.speed

    def wait(self, stop: threading.Event, until: datetime) -> None:
        stop.wait(max(0.0, (until - self.now()).total_seconds() / self.speed))

    def sleep(self, stop: threading.Event, seconds: float) -> None:
        stop.wait(max(0.0, seconds / self.speed))


def log_display(decision: Decision, release: LocalRelease | None) -> None:
    page = decision.slide.pages.get(decision.language) if decision.slide else "-"
    log.info(
        "play %s [%s] until %s (%s) %s",
        decision.slide_id,
        decision.language,
        decision.until.isoformat(timespec="seconds"),
        decision.reason,
        page,
    )


@dataclass
class Status:
    release: str | None = None
    slide: str | None = None
    last_sync: dict[str, object] | None = None
    errors: list[str] = field(default_factory=list)
    slides_shown: int = 0
    clock_offset_s: float | None = None


class Player:
    def __init__(
        self,
        *,
        site: str,
        device: str,
        store: Store,
        syncer: Syncer,
        journal: Journal,
        telemetry: Source,
        public_key: bytes | tuple[bytes, ...],  # the pinned key(s)
        clock: Clock,
        poll_interval_s: float = 60.0,
        poll_jitter_s: float = 10.0,
        retry_base_s: float = 5.0,
        retry_cap_s: float = 900.0,
        upload_interval_s: float = 300.0,
        heartbeat_interval_s: float = 300.0,
        display: Callable[[Decision, LocalRelease | None], None] = log_display,
        rand: random.Random | None = None,
    ) -> None:
        self.site, self.device = site, device
        self.store, self.syncer, self.journal, self.telemetry = store, syncer, journal, telemetry
        self.public_key, self.clock, self.display = public_key, clock, display
        self.poll = (poll_interval_s, poll_jitter_s)
        self.retry = (retry_base_s, retry_cap_s)
        self.upload_interval_s, self.heartbeat_interval_s = upload_interval_s, heartbeat_interval_s
        self.rand = rand or random.Random()
        self.status = Status()
        self.stop = threading.Event()
        self.started = clock.now()

    # -- running -----------------------------------------------------------------------------

    def run(self, duration_s: float | None = None) -> None:
        """Play until ``stop`` is set (or ``duration_s`` of player time has passed)."""
        for leftover in self.store.recover():
            log.warning("removed half-written %s", leftover)
        self.journal.append("start", self.clock.now(), {"site": self.site})
        workers = [
            threading.Thread(
                target=self._housekeeping, args=(task,), name=f"p2f-{task}", daemon=True
            )
            for task in HOUSEKEEPING
        ]
        for worker in workers:
            worker.start()
        end = self.started + timedelta(seconds=duration_s) if duration_s else None
        try:
            self._slides(end)
        finally:
            self.stop.set()
            for worker in workers:
                worker.join(timeout=30)

    def _slides(self, end: datetime | None) -> None:
        release: LocalRelease | None = None
        plan: Plan | None = None
        recent: deque[Play] = deque()
        # how long to play is a duration: measured on the monotonic clock, like every slide
        left = (end - self.clock.now()).total_seconds() if end is not None else None
        deadline = self.clock.monotonic() + left if left is not None else None
        while not self.stop.is_set() and (deadline is None or self.clock.monotonic() < deadline):
            now = self.clock.now()
            try:
                release, plan = self._pick_up(release, plan)
                if plan is None:
                    self.clock.sleep(self.stop, NO_RELEASE_WAIT_S)
                    continue
                while recent and recent[0].start < now - timedelta(hours=1, minutes=5):
                    recent.popleft()
                self._play_one(plan, release, recent, now)
            # An unattended screen must degrade, not crash: log, journal, keep the loop alive.
            except Exception as error:
                log.exception("slide loop")
                self._error("slides", error)
                self.clock.sleep(self.stop, 1.0)

    def _pick_up(
        self, release: LocalRelease | None, plan: Plan | None
    ) -> tuple[LocalRelease | None, Plan | None]:
        """Switch to the new current release, if any: called only between two slides."""
        current = self.store.release("current")
        if release is not None and current is not None and current.name == release.name:
            return release, plan
        fresh = load_playable(self.store, self.public_key)
        if fresh is None:
            return release, plan
        if release is not None and fresh.name == release.name:
            return release, plan
        try:
            plan = Plan.from_manifest(fresh.document)
        except ManifestError as error:
            self._error("release", error)
            return release, plan
        log.info("playing release %s", fresh.name)
        self.status.release = fresh.name
        return fresh, plan

    def _play_one(
        self, plan: Plan, release: LocalRelease | None, recent: deque[Play], now: datetime
    ) -> None:
        decision = select_slide(plan, recent, now)
        self.status.slide = decision.slide_id
        self.display(decision, release)
        # The slide lasts its duration on the monotonic clock; the wall clock only says which
        # rules hold. A step back of an hour must not hold this slide for an hour, a step
        # forward must not cut it (nor make up for lost slides).
        length = (decision.until - now).total_seconds()
        started = self.clock.monotonic()
        completed, wake_in = True, (decision.wake_at - now).total_seconds()
        while True:
            elapsed = self.clock.monotonic() - started
            self.clock.sleep(self.stop, max(0.0, min(wake_in, length) - elapsed))
            elapsed, moment = self.clock.monotonic() - started, self.clock.now()
            if elapsed >= length:
                break
            if self.stop.is_set():
                completed = False
                break
            if decision.slide is None or not decision.slide.interrupt:
                again = select_slide(plan, recent, moment)
                if again.slide is not None and again.slide.interrupt:
                    completed = False  # an alert starts now, not after this slide
                    break
            change = next_change(plan, moment, recent)
            # the next change, seen from now on the wall clock, as a time from the slide's start
            wake_in = elapsed + (change - moment).total_seconds() if change else length
        played = min(self.clock.monotonic() - started, length)
        ended = now + timedelta(seconds=played)
        sponsor = decision.slide.sponsor if decision.slide else None
        recent.append(Play(decision.slide_id, sponsor, now, played))
        self.status.slides_shown += 1
        self.journal.append(
            "slide",
            now,
            {
                "slide": decision.slide_id,
                "lang": decision.language,
                "sponsor": sponsor,
                "start": now.isoformat(),
                "end": ended.isoformat(),
                "completed": completed,
                "release": release.name if release else None,
                "reason": decision.reason,
            },
        )

    # -- housekeeping ------------------------------------------------------------------------

    def _housekeeping(self, task: str) -> None:
        """One timer's loop (``sync``, ``upload`` or ``heartbeat``), on a thread of its own: a
        sync held by a slow store never delays a heartbeat. Its waits run on the monotonic
        clock, so a step of the wall clock neither freezes nor races them."""
        failures = {task: 0}  # transport failures in a row (``_run_task`` counts them)
        crashes = 0  # unexpected errors in a row
        failing: str | None = None  # the error being reported: logged and journaled once
        while not self.stop.is_set():
            try:
                delay = self._run_task(task, self.clock.now(), failures)
                if failing is not None:
                    log.info("%s works again", task)
                crashes, failing = 0, None
            # An unattended screen must degrade, not crash: whatever this job raises, the loop
            # reports it once (not at every retry) and tries again after a capped backoff.
            except Exception as error:
                text = f"{type(error).__name__}: {error}"
                if text != failing:
                    log.exception("%s failed; retried with backoff", task)
                    self._error(task, error)
                    failing = text
                crashes += 1
                delay = retry_delay(crashes - 1, *self.retry, self.rand.random())
            self.clock.sleep(self.stop, delay)

    def _run_task(self, task: str, now: datetime, failures: dict[str, int]) -> float:
        """Run one timer's job; return the seconds until it is due again."""
        if task == "sync":
            result = self.syncer.sync_once(now)
            self.status.last_sync = {
                "at": now.isoformat(),
                "status": result.status,
                "reason": result.reason,
            }
            if result.clock_offset_s is not None:
                self.status.clock_offset_s = result.clock_offset_s
            if result.retry_later:  # offline, or a bad copy / expiry to judge again
                failures["sync"] += 1
                return retry_delay(failures["sync"] - 1, *self.retry, self.rand.random())
            failures["sync"] = 0
            return poll_delay(*self.poll, self.rand.random())
        if task == "upload":
            try:
                self.journal.upload(self.telemetry, now)
                self.journal.prune(now)
            except TransportError as error:
                failures["upload"] += 1
                log.warning("telemetry upload: %s", error)
                return retry_delay(failures["upload"] - 1, *self.retry, self.rand.random())
            failures["upload"] = 0
            return self.upload_interval_s
        self.write_heartbeat(now)
        return self.heartbeat_interval_s

    def write_heartbeat(self, now: datetime) -> dict[str, object]:
        document = heartbeat_document(
            site=self.site,
            device=self.device,
            now=now,
            started=self.started,
            release=self.status.release,
            last_sync=self.status.last_sync,
            slide=self.status.slide,
            disk_free_bytes=self.store.disk.free_bytes(self.store.root),
            journal=self.journal.counts(),
            errors=self.status.errors,
            clock_offset_s=self.status.clock_offset_s,
        )
        self.journal.append("heartbeat", now, {"release": document["release"]})
        body = _json(document)
        self.store.disk.write_file(self.store.root / "heartbeat.json", body)
        try:
            self.telemetry.put(heartbeat_key(self.site, self.device), body)
        except TransportError as error:
            log.info("heartbeat not sent (journaled): %s", error)
        return document

    def _error(self, where: str, error: BaseException) -> None:
        text = f"{where}: {type(error).__name__}: {error}"
        self.status.errors = [*self.status.errors[-9:], text]
        try:
            self.journal.append("error", self.clock.now(), {"where": where, "reason": text})
        # Reporting an error must never raise in the loop that reports it (sqlite3.Error, a
        # full disk, a closed journal...): the log keeps it.
        except Exception as again:
            log.error("cannot journal the error: %s", again)


def _json(document: object) -> bytes:
    return (json.dumps(document, sort_keys=True, indent=1) + "\n").encode()
