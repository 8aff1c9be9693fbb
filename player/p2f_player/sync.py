"""Keep the newest valid release of a site on local disk.

One ``sync_once`` is one poll: a conditional GET of the signed manifest, then — only when it
changed — verification (signature, rollback, expiry), the download of missing content-addressed
files (each checked against its size and SHA-256 before it is kept), assembly of the release
and the atomic switch of ``current``. The player loop picks the new release up at its next
slide boundary.

Outcomes are values, not exceptions: ``updated``, ``unchanged``, ``refused`` (the envelope
itself is bad: a bad signature, a rollback, a malformed signed document or another site's; never
judged again for the same bytes, the old release keeps playing), ``retry`` (the release may be
good but was not taken this time: a file or part whose bytes differ from the signed hash or
size — a captive portal's page, a CDN error, a half-copied USB file — or an expiry that may come
from a clock that jumped forward; judged afresh at the next attempt, with ``retry_delay``),
``offline`` (transport: retried with ``retry_delay``), ``full`` (disk full: old release kept,
reported).

Each source keeps its own record (``state.json``: ``sources[<source>]``: ETag, refused
envelopes): a forged drop in the inbox never makes the network's copy of a release refused, nor
the other way round. The decisions that need no I/O (``missing_objects``, ``retry_delay``)
are plain functions.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from p2f_player import __version__ as PLAYER_VERSION
from p2f_player.contract import trust
from p2f_player.contract.manifest import ContentMismatch, ManifestError, expand_parts, file_entry
from p2f_player.errors import NotFound, StoreFull, TransportError
from p2f_player.scheduler import Plan
from p2f_player.sources import MANIFEST_MAX_BYTES, Fetched, Source
from p2f_player.store import LocalRelease, Store, release_name

log = logging.getLogger("p2f_player.sync")

Emit = Callable[[str, Mapping[str, Any]], object]


@dataclass(frozen=True)
class SyncResult:
    status: str  # updated | unchanged | refused | retry | offline | full | unpublished
    reason: str = ""
    release: str | None = None  # the release now current
    clock_suspect: bool = False
    downloaded_files: int = 0
    downloaded_bytes: int = 0
    clock_offset_s: float | None = None  # server time minus ours, when the server said

    @property
    def ok(self) -> bool:
        return self.status in ("updated", "unchanged")

    @property
    def retry_later(self) -> bool:
        """Try again with capped backoff (``retry_delay``), not at the next regular poll."""
        return self.status in ("offline", "retry")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def manifest_key(site: str) -> str:
    return f"kiosk/{site}/manifest.json"


def object_key(sha256: str) -> str:
    return f"objects/{sha256}"


def missing_objects(
    files: Mapping[str, Mapping[str, Any]], have: Callable[[str], bool]
) -> dict[str, int]:
    """The distinct objects to download, ``{sha256: size}``, in a stable order."""
    wanted: dict[str, int] = {}
    for entry in files.values():
        sha = entry["sha256"]
        if sha not in wanted and not have(sha):
            wanted[sha] = int(entry["size"])
    return dict(sorted(wanted.items()))


def retry_delay(attempt: int, base_s: float, cap_s: float, rand: float) -> float:
    """Capped exponential backoff for transport errors. ``rand`` in [0, 1) is the caller's
    random draw: it spreads screens that lost the network together over 75..100 % of a step."""
    step = min(cap_s, base_s * 2 ** min(attempt, 30))
    return step * (0.75 + 0.25 * rand)


def poll_delay(interval_s: float, jitter_s: float, rand: float) -> float:
    """Next poll after a successful one: ``interval ± jitter``."""
    return max(1.0, interval_s + (2 * rand - 1) * jitter_s)


def load_playable(store: Store, public_keys: trust.PublicKeys) -> LocalRelease | None:
    """The release to play at start: ``current`` if its signature and files check out, else
    ``previous``. Never trusts anything half-written (``store.recover`` ran first)."""
    for link in ("current", "previous"):
        release = store.release(link)
        if release is None:
            continue
        try:
            trust.verify_signature(release.envelope, public_keys)  # validated, too
            for path, entry in release.document["files"].items():
                if (release.path / path).stat().st_size != entry["size"]:
                    raise ManifestError(f"{path}: size differs")
        except (ManifestError, OSError, ValueError) as error:
            log.error("local release %s (%s) is unusable: %s", release.name, link, error)
            continue
        return release
    return None


@contextmanager
def sync_lock(root: os.PathLike[str] | str) -> Iterator[None]:
    """Hold the store's sync lock (``.sync.lock``, ``flock``): it serialises the syncs of every
    ``Syncer`` of this store, in threads (each call opens its own descriptor, so ``flock``
    excludes them from each other) and in processes. The kernel drops it if the holder dies."""
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
    fd = os.open(os.path.join(root, ".sync.lock"), flags, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


class Syncer:
    def __init__(
        self,
        site: str,
        source: Source,
        store: Store,
        public_keys: trust.PublicKeys,
        emit: Emit | None = None,
    ) -> None:
        self.site = site
        self.source = source
        self.store = store
        self.public_keys = tuple(trust.pinned_keys(public_keys).values())  # checked at start
        self.emit: Emit = emit or (lambda kind, data: None)

    def sync_once(self, now: datetime) -> SyncResult:
        # One sync at a time per store, whoever runs it (network poll, inbox, ``p2f-player
        # sync`` in another process): two at once raced on ``objects/.partial/`` and state.json.
        with sync_lock(self.store.root):
            return self._sync_locked(now)

    def _sync_locked(self, now: datetime) -> SyncResult:
        result = self._sync(now)
        state = self.store.read_state()
        state["last_sync"] = {"at": now.isoformat(), **result.to_json()}
        if result.ok:
            state["last_good_sync"] = now.isoformat()
        try:
            self.store.write_state(state)
        except (StoreFull, OSError) as error:
            log.warning("cannot record the sync result: %s", error)
        self.emit("sync", result.to_json())
        if not result.ok:
            log.warning("sync %s: %s", result.status, result.reason)
        elif result.status == "updated":
            log.info("release %s is now current", result.release)
        return result

    def _sync(self, now: datetime) -> SyncResult:
        current = self.store.release("current")
        state = self.store.read_state()
        etag = self._record(state).get("etag") if current is not None else None
        try:
            fetched = self.source.fetch(manifest_key(self.site), etag)
        except NotFound as error:
            return SyncResult("unpublished", str(error), current.name if current else None)
        except TransportError as error:
            return SyncResult("offline", str(error), current.name if current else None)
        if fetched is None:
            return SyncResult("unchanged", "", current.name if current else None)
        offset = (
            round((fetched.server_time - now).total_seconds(), 1) if fetched.server_time else None
        )
        return replace(self._judge(fetched, now, current, state), clock_offset_s=offset)

    def _judge(
        self, fetched: Fetched, now: datetime, current: Any, state: dict[str, Any]
    ) -> SyncResult:
        digest = hashlib.sha256(fetched.data).hexdigest()
        # A refusal holds for this player version only: an upgraded player (e.g. one that
        # reads a newer manifest form) judges the same bytes again.
        record = self._record(state)
        same_player = record.get("refused_by") == PLAYER_VERSION
        refused = record.get("refused", {}) if same_player else {}
        if digest in refused:
            return SyncResult("refused", refused[digest], current.name if current else None)
        try:
            return self._apply(fetched.data, fetched.etag, now, current)
        except (ContentMismatch, trust.ManifestExpired) as error:
            # A bad copy or a clock that jumped forward: the release may well be valid. Not
            # remembered; judged afresh at the next attempt (with backoff).
            reason = f"{type(error).__name__}: {error}"
            self.emit("error", {"where": "sync", "reason": reason})
            return SyncResult("retry", reason, current.name if current else None)
        except ManifestError as error:  # the envelope's bytes alone: refuse them for good
            reason = f"{type(error).__name__}: {error}"
            self._remember_refusal(digest, reason)
            self.emit("release_refused", {"reason": reason, "envelope_sha256": digest})
            return SyncResult("refused", reason, current.name if current else None)
        except StoreFull as error:
            self.store.collect_garbage()
            self.emit("error", {"where": "sync", "reason": str(error)})
            return SyncResult("full", str(error), current.name if current else None)
        except TransportError as error:
            return SyncResult("offline", str(error), current.name if current else None)

    def _apply(self, envelope: bytes, etag: str | None, now: datetime, current: Any) -> SyncResult:
        held = _held_release(current)
        document = trust.verify_manifest(
            envelope,
            self.public_keys,
            now=now,
            last_counter=held["counter"] if held else None,
            last_release_id=held["id"] if held else None,
        )
        document = expand_parts(document, self._load_part)  # files and slides, from their parts
        if document["site"].get("id") != self.site:
            raise ManifestError(
                f"manifest is for site {document['site'].get('id')!r}, not {self.site!r}"
            )
        Plan.from_manifest(document)  # a release the scheduler cannot read is refused here
        suspect = trust.clock_suspect(document, now)
        if suspect:
            self.emit(
                "error", {"where": "clock", "reason": "clock is before the release's creation"}
            )
        name = release_name(document)
        if current is not None and current.name == name:
            self._remember_etag(etag)
            return SyncResult("unchanged", "", name, suspect)
        missing = missing_objects(document["files"], self.store.has_object)
        self.store.check_room(sum(missing.values()) + len(envelope))
        count = size = 0
        for sha, expected_size in missing.items():
            # never more than the signed size (+1 to tell "too large"): TooLarge, retried
            fetched = self.source.fetch(object_key(sha), max_bytes=expected_size)
            if fetched is None:  # no ETag was sent: a 304 here is a confused proxy
                raise TransportError(f"objects/{sha[:12]}: unexpected 'not modified'")
            entry = file_entry(fetched.data)
            if entry.size != expected_size:
                raise ContentMismatch(
                    f"objects/{sha[:12]}: got {entry.size} of {expected_size} bytes "
                    f"(a cut or bad copy): fetched again at the next attempt"
                )
            if entry.sha256 != sha:
                raise ContentMismatch(
                    f"objects/{sha[:12]}: content does not match its hash (a bad copy, or "
                    f"tampered): fetched again at the next attempt"
                )
            self.store.add_object(sha, fetched.data)
            count, size = count + 1, size + entry.size
        self.store.install(name, envelope, document["files"])
        self.store.activate(name)
        self.store.collect_garbage()
        self._remember_etag(etag)
        return SyncResult("updated", "", name, suspect, count, size)

    def _load_part(self, sha: str) -> bytes:
        """A manifest part, from ``objects/`` if held, else fetched and kept once its hash
        checks (``LocalRelease.document`` reads it back from there). ``expand_parts`` checks
        size and hash: a tampered part is refused there as bad data. A part is a piece of the
        manifest: it is read under the manifest's cap."""
        if self.store.has_object(sha):
            return self.store.read_object(sha)
        fetched = self.source.fetch(object_key(sha), max_bytes=MANIFEST_MAX_BYTES)
        if fetched is None:  # no ETag was sent: a 304 here is a confused proxy
            raise TransportError(f"objects/{sha[:12]}: unexpected 'not modified'")
        if file_entry(fetched.data).sha256 == sha:
            self.store.add_object(sha, fetched.data)
        return fetched.data

    def _record(self, state: dict[str, Any]) -> dict[str, Any]:
        """This source's own part of ``state.json`` (ETag, refusals), created if absent."""
        sources = state.setdefault("sources", {})
        record: dict[str, Any] = sources.setdefault(self.source.describe(), {})
        return record

    def _remember_etag(self, etag: str | None) -> None:
        state = self.store.read_state()
        self._record(state)["etag"] = etag
        self.store.write_state(state)

    def _remember_refusal(self, digest: str, reason: str) -> None:
        state = self.store.read_state()
        record = self._record(state)
        if record.get("refused_by") != PLAYER_VERSION:
            record["refused"] = {}
        record["refused_by"] = PLAYER_VERSION
        record.setdefault("refused", {})[digest] = reason
        record["refused"] = dict(list(record["refused"].items())[-20:])
        self.store.write_state(state)


def _held_release(current: LocalRelease | None) -> dict[str, Any] | None:
    """The release block of the release held, the base of the rollback check; ``None`` when
    there is none, or when it cannot be read back (its parts lost, or it fails today's
    validation, e.g. a bogus counter pinned by an older player): a broken local copy must not
    make every new release refused."""
    if current is None:
        return None
    try:
        release: dict[str, Any] = current.document["release"]
        return release
    except (ManifestError, OSError) as error:
        log.error("local release %s is unusable, judging without it: %s", current.name, error)
        return None
