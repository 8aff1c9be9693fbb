"""Keep the newest valid release of a site on local disk.

One ``sync_once`` is one poll: a conditional GET of the signed manifest, then — only when it
changed — verification (signature, rollback, expiry), the download of missing content-addressed
files (each checked against its size and SHA-256 before it is kept), assembly of the release
and the atomic switch of ``current``. The player loop picks the new release up at its next
slide boundary.

Outcomes are values, not exceptions: ``updated``, ``unchanged``, ``refused`` (bad data: never
retried for the same bytes, the old release keeps playing), ``offline`` (transport: retried
with ``retry_delay``), ``full`` (disk full: old release kept, reported). The decisions that need
no I/O (``missing_objects``, ``retry_delay``) are plain functions.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from p2f_player import __version__ as PLAYER_VERSION
from p2f_player.contract import trust
from p2f_player.contract.manifest import ManifestError, expand_parts, file_entry
from p2f_player.errors import NotFound, StoreFull, TransportError
from p2f_player.scheduler import Plan
from p2f_player.sources import Fetched, Source
from p2f_player.store import LocalRelease, Store, release_name

log = logging.getLogger("p2f_player.sync")

Emit = Callable[[str, Mapping[str, Any]], object]


@dataclass(frozen=True)
class SyncResult:
    status: str  # updated | unchanged | refused | offline | full | unpublished
    reason: str = ""
    release: str | None = None  # the release now current
    clock_suspect: bool = False
    downloaded_files: int = 0
    downloaded_bytes: int = 0
    clock_offset_s: float | None = None  # server time minus ours, when the server said

    @property
    def ok(self) -> bool:
        return self.status in ("updated", "unchanged")

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


def load_playable(store: Store, public_key: bytes) -> LocalRelease | None:
    """The release to play at start: ``current`` if its signature and files check out, else
    ``previous``. Never trusts anything half-written (``store.recover`` ran first)."""
    for link in ("current", "previous"):
        release = store.release(link)
        if release is None:
            continue
        try:
            trust.verify_signature(release.envelope, public_key)
            for path, entry in release.document["files"].items():
                if (release.path / path).stat().st_size != entry["size"]:
                    raise ManifestError(f"{path}: size differs")
        except (ManifestError, OSError, ValueError) as error:
            log.error("local release %s (%s) is unusable: %s", release.name, link, error)
            continue
        return release
    return None


class Syncer:
    def __init__(
        self,
        site: str,
        source: Source,
        store: Store,
        public_key: bytes,
        emit: Emit | None = None,
    ) -> None:
        self.site = site
        self.source = source
        self.store = store
        self.public_key = public_key
        self.emit: Emit = emit or (lambda kind, data: None)

    def sync_once(self, now: datetime) -> SyncResult:
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
        etag = state.get("etag") if current is not None else None
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
        same_player = state.get("refused_by") == PLAYER_VERSION
        refused = state.get("refused", {}) if same_player else {}
        if digest in refused:
            return SyncResult("refused", refused[digest], current.name if current else None)
        try:
            return self._apply(fetched.data, fetched.etag, now, current)
        except ManifestError as error:  # data: refuse these bytes for good
            reason = f"{type(error).__name__}: {error}"
            state = self.store.read_state()
            if state.get("refused_by") != PLAYER_VERSION:
                state["refused"] = {}
            state["refused_by"] = PLAYER_VERSION
            state.setdefault("refused", {})[digest] = reason
            state["refused"] = dict(list(state["refused"].items())[-20:])
            self.store.write_state(state)
            self.emit("release_refused", {"reason": reason, "envelope_sha256": digest})
            return SyncResult("refused", reason, current.name if current else None)
        except StoreFull as error:
            self.store.collect_garbage()
            self.emit("error", {"where": "sync", "reason": str(error)})
            return SyncResult("full", str(error), current.name if current else None)
        except TransportError as error:
            return SyncResult("offline", str(error), current.name if current else None)

    def _apply(self, envelope: bytes, etag: str | None, now: datetime, current: Any) -> SyncResult:
        held = current.document["release"] if current is not None else None
        document = trust.verify_manifest(
            envelope,
            self.public_key,
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
            fetched = self.source.fetch(object_key(sha))
            if fetched is None:  # no ETag was sent: a 304 here is a confused proxy
                raise TransportError(f"objects/{sha[:12]}: unexpected 'not modified'")
            entry = file_entry(fetched.data)
            if entry.size != expected_size:
                raise TransportError(
                    f"objects/{sha[:12]}: got {entry.size} of {expected_size} bytes"
                )
            if entry.sha256 != sha:
                raise ManifestError(
                    f"objects/{sha[:12]}: content does not match its hash (tampered?)"
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
        size and hash: a tampered part is refused there as bad data."""
        if self.store.has_object(sha):
            return self.store.read_object(sha)
        fetched = self.source.fetch(object_key(sha))
        if fetched is None:  # no ETag was sent: a 304 here is a confused proxy
            raise TransportError(f"objects/{sha[:12]}: unexpected 'not modified'")
        if file_entry(fetched.data).sha256 == sha:
            self.store.add_object(sha, fetched.data)
        return fetched.data

    def _remember_etag(self, etag: str | None) -> None:
        state = self.store.read_state()
        state["etag"] = etag
        self.store.write_state(state)
