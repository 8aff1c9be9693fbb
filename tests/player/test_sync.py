"""Sync against the three sources (folder, real HTTP server, real S3 server): first sync,
one-item update, conditional polls, and every bad release and field failure the issue lists."""

from __future__ import annotations

import errno
import hashlib
import json
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from p2f_player import __version__
from p2f_player.contract import trust
from p2f_player.contract.manifest import part_objects
from p2f_player.sources import FolderSource, HttpSource, S3Source
from p2f_player.store import Disk, Store
from p2f_player.sync import Syncer, load_playable, missing_objects, retry_delay
from tests.player.conftest import NOW, SITE, FileServer, Publisher, folder_put, slide, url_of


def syncer_for(
    source: Any,
    cache: Path,
    public: bytes,
    disk: Disk | None = None,
    events: list[tuple[str, Any]] | None = None,
) -> Syncer:
    sink = events if events is not None else []
    return Syncer(SITE, source, Store(cache, disk), public, emit=lambda k, d: sink.append((k, d)))


def assert_plays(cache: Path, public: bytes, counter: int, salt: str = "") -> None:
    release = load_playable(Store(cache), public)
    assert release is not None
    assert release.document["release"]["counter"] == counter
    page = release.path / "slides" / "a.fr.html"
    assert page.read_bytes() == f"<h1>a fr{salt}</h1>".encode()


# -- first sync and update, on each source -------------------------------------------------------


@pytest.mark.parametrize("kind", ["folder", "http", "s3"])
def test_first_sync_then_one_item_update_then_nothing(
    kind: str,
    tmp_path: Path,
    keys: tuple[bytes, bytes, Path],
    bucket_root: Path,
    folder_publisher: Publisher,
    request: pytest.FixtureRequest,
) -> None:
    if kind == "s3":
        endpoint, bucket, _ = request.getfixturevalue("s3_bucket")
        publisher = request.getfixturevalue("s3_publisher")
        source: Any = S3Source(bucket, "p2f", endpoint)
    elif kind == "http":
        server = request.getfixturevalue("http_server")
        publisher, source = folder_publisher, HttpSource(url_of(server))
    else:
        publisher, source = folder_publisher, FolderSource(bucket_root)
    slides = [slide("a"), slide("b"), slide("c")]
    publisher.publish(1, slides)
    syncer = syncer_for(source, tmp_path / "cache", keys[1])
    first = syncer.sync_once(NOW)
    assert first.status == "updated" and first.downloaded_files == 7
    assert_plays(tmp_path / "cache", keys[1], 1)
    assert syncer.sync_once(NOW).status == "unchanged"
    # one slide changes: only its two pages travel
    files = {
        **_files(slides),
        "slides/b.fr.html": b"<h1>b fr v2</h1>",
        "slides/b.en.html": b"<h1>b en v2</h1>",
    }
    publisher.publish(2, slides, files=files)
    second = syncer.sync_once(NOW)
    assert (second.status, second.downloaded_files) == ("updated", 2)
    store = Store(tmp_path / "cache")
    assert store.release("previous") is not None
    assert store.release("previous").document["release"]["counter"] == 1  # type: ignore[union-attr]
    # a third release: the first is no longer kept, its unused objects are gone
    publisher.publish(3, [slide("a")])
    assert syncer.sync_once(NOW).status == "updated"
    kept = {
        e["sha256"]
        for link in ("current", "previous")
        for e in store.release(link).document["files"].values()
    }  # type: ignore[union-attr]
    assert {p.name for p in store.objects.iterdir() if p.is_file()} == kept
    assert len(list(store.releases.iterdir())) == 2


def _files(slides: list[dict[str, Any]]) -> dict[str, bytes]:
    from tests.player.conftest import release_files

    return release_files(slides)


def test_http_poll_is_a_conditional_get(
    http_server: FileServer,
    folder_publisher: Publisher,
    tmp_path: Path,
    keys: tuple[bytes, bytes, Path],
) -> None:
    folder_publisher.publish(1)
    syncer = syncer_for(HttpSource(url_of(http_server)), tmp_path / "cache", keys[1])
    assert syncer.sync_once(NOW).status == "updated"
    http_server.requests.clear()
    assert syncer.sync_once(NOW).status == "unchanged"
    # a full answer carries the server's Date: the clock offset is reported (NOW is in July)
    Publisher(folder_publisher.put, folder_publisher.private_key).publish(2, salt=" v2")
    offset = syncer.sync_once(NOW).clock_offset_s
    assert offset is not None and offset > 86400
    assert ("GET", f"kiosk/{SITE}/manifest.json", 304) == http_server.requests[0]


# -- bad releases: refused, reported, the last good one keeps playing ----------------------------


def refused(
    syncer: Syncer, events: list[tuple[str, Any]], cache: Path, public: bytes, word: str
) -> None:
    result = syncer.sync_once(NOW)
    assert result.status == "refused", result
    assert word in result.reason
    assert any(kind == "release_refused" and word in data["reason"] for kind, data in events)
    assert_plays(cache, public, 1)


@pytest.fixture
def synced(
    tmp_path: Path, keys: tuple[bytes, bytes, Path], bucket_root: Path, folder_publisher: Publisher
) -> tuple[Syncer, list[tuple[str, Any]], Path]:
    events: list[tuple[str, Any]] = []
    folder_publisher.publish(1)
    syncer = syncer_for(FolderSource(bucket_root), tmp_path / "cache", keys[1], events=events)
    assert syncer.sync_once(NOW).status == "updated"
    return syncer, events, tmp_path / "cache"


def test_tampered_file_is_not_taken_and_the_release_is_judged_again(
    synced: Any, folder_publisher: Publisher, bucket_root: Path, keys: tuple[bytes, bytes, Path]
) -> None:
    """A file whose bytes differ from the signed hash (tampered, or a captive portal's page of
    the same size) is never kept; the release itself is not refused for good (issue 9, #9)."""
    syncer, events, cache = synced
    document = folder_publisher.publish(2, salt=" v2")
    sha = document["files"]["slides/a.fr.html"]["sha256"]
    good = (bucket_root / "objects" / sha).read_bytes()
    (bucket_root / "objects" / sha).write_bytes(good.replace(b"a", b"X"))  # same size, other bytes
    result = syncer.sync_once(NOW)
    assert (result.status, result.retry_later) == ("retry", True)
    assert "does not match its hash" in result.reason
    assert not Store(cache).has_object(sha) and not any(k == "release_refused" for k, _ in events)
    assert_plays(cache, keys[1], 1)
    (bucket_root / "objects" / sha).write_bytes(good)  # the right copy, next time
    assert syncer.sync_once(NOW).status == "updated"
    assert_plays(cache, keys[1], 2, " v2")


def test_bad_signature_is_refused(
    synced: Any, folder_publisher: Publisher, keys: tuple[bytes, bytes, Path]
) -> None:
    syncer, events, cache = synced
    document = folder_publisher.publish(2, salt=" v2")
    other_private, _ = trust.generate_keypair()
    folder_publisher.put_envelope(trust.sign_manifest(document, other_private))
    refused(syncer, events, cache, keys[1], "BadSignature")
    # edited after signing
    envelope = json.loads(trust.sign_manifest(document, keys[0]))
    envelope["signed"]["slides"][0]["titles"]["fr"] = "autre"
    folder_publisher.put_envelope(json.dumps(envelope).encode())
    refused(syncer, events, cache, keys[1], "BadSignature")


def test_rollback_and_freeze_are_refused(
    synced: Any, folder_publisher: Publisher, keys: tuple[bytes, bytes, Path]
) -> None:
    syncer, events, cache = synced
    folder_publisher.publish(0, salt=" old")
    refused(syncer, events, cache, keys[1], "RollbackRefused")
    folder_publisher.publish(1, salt=" same counter", release_id="other")
    refused(syncer, events, cache, keys[1], "RollbackRefused")
    folder_publisher.publish(5, salt=" stale", created=NOW - timedelta(days=30))
    result = syncer.sync_once(NOW)  # expired: not taken, but judged again (the clock may lie)
    assert result.status == "retry" and "ManifestExpired" in result.reason
    assert_plays(cache, keys[1], 1)


def test_schema_error_and_wrong_site_are_refused(
    synced: Any, folder_publisher: Publisher, keys: tuple[bytes, bytes, Path]
) -> None:
    syncer, events, cache = synced
    rules = {"hours": "all day", "duration_s": 10, "priority": 50, "weight": 1.0}
    folder_publisher.publish(2, [slide("a", rules=rules)])
    refused(syncer, events, cache, keys[1], "slides[0].rules.hours")
    other_site = Publisher(folder_publisher.put, keys[0], site="coworking")
    document = other_site.document(3, [slide("a")], _files([slide("a")]))
    folder_publisher.put_envelope(trust.sign_manifest(document, keys[0]))
    refused(syncer, events, cache, keys[1], "not 'gare'")


def test_clock_before_release_creation_is_reported_not_expired(
    tmp_path: Path, keys: tuple[bytes, bytes, Path], bucket_root: Path, folder_publisher: Publisher
) -> None:
    events: list[tuple[str, Any]] = []
    folder_publisher.publish(1, created=NOW, lifetime=timedelta(days=1))
    syncer = syncer_for(FolderSource(bucket_root), tmp_path / "cache", keys[1], events=events)
    result = syncer.sync_once(NOW - timedelta(days=400))  # booted without network time
    assert result.status == "updated" and result.clock_suspect
    assert (
        "error",
        {"where": "clock", "reason": "clock is before the release's creation"},
    ) in events


# -- field failures -------------------------------------------------------------------------------


def test_cut_download_is_retried_and_never_used(
    http_server: FileServer,
    folder_publisher: Publisher,
    tmp_path: Path,
    keys: tuple[bytes, bytes, Path],
) -> None:
    folder_publisher.publish(1)
    syncer = syncer_for(HttpSource(url_of(http_server)), tmp_path / "cache", keys[1])
    assert syncer.sync_once(NOW).status == "updated"
    document = folder_publisher.publish(2, salt=" v2")
    http_server.cut = {f"objects/{document['files']['slides/b.en.html']['sha256']}"}
    result = syncer.sync_once(NOW)
    assert result.status == "offline"
    assert_plays(tmp_path / "cache", keys[1], 1)
    store = Store(tmp_path / "cache")
    assert not store.has_object(document["files"]["slides/b.en.html"]["sha256"])
    assert list((store.objects / ".partial").iterdir()) == []
    http_server.cut = set()
    assert syncer.sync_once(NOW).status == "updated"
    assert_plays(tmp_path / "cache", keys[1], 2, " v2")


def test_network_down_for_days_keeps_playing(
    http_server: FileServer,
    folder_publisher: Publisher,
    tmp_path: Path,
    keys: tuple[bytes, bytes, Path],
) -> None:
    folder_publisher.publish(1)
    syncer = syncer_for(HttpSource(url_of(http_server)), tmp_path / "cache", keys[1])
    assert syncer.sync_once(NOW).status == "updated"
    http_server.down = True
    for day in range(1, 8):
        assert syncer.sync_once(NOW + timedelta(days=day)).status == "offline"
        assert_plays(tmp_path / "cache", keys[1], 1)
    http_server.down = False
    folder_publisher.publish(2, salt=" v2", created=NOW + timedelta(days=7))
    assert syncer.sync_once(NOW + timedelta(days=8)).status == "updated"
    # the backoff between attempts grows and stays capped
    delays = [retry_delay(n, 5, 900, 0.0) for n in range(12)]
    assert delays == sorted(delays) and max(delays) == 900 * 0.75


class QuotaDisk(Disk):
    """A disk with ``limit`` bytes of room: writes past it fail with ENOSPC like a full disk."""

    def __init__(self, limit: int) -> None:
        self.limit, self.used = limit, 0
        self.claimed_free: int | None = None  # what statvfs says, when it lies (racing writer)

    def write_file(self, path: Path, data: bytes) -> None:
        if self.used + len(data) > self.limit:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        self.used += len(data)
        super().write_file(path, data)

    def free_bytes(self, path: Path) -> int:
        return self.claimed_free if self.claimed_free is not None else self.limit - self.used


def test_full_disk_refuses_the_new_release_and_keeps_the_old(
    tmp_path: Path, keys: tuple[bytes, bytes, Path], bucket_root: Path, folder_publisher: Publisher
) -> None:
    events: list[tuple[str, Any]] = []
    folder_publisher.publish(1)
    disk = QuotaDisk(20_000)
    syncer = syncer_for(FolderSource(bucket_root), tmp_path / "cache", keys[1], disk, events)
    assert syncer.sync_once(NOW).status == "updated"
    big = {**_files([slide("a")]), "assets/kiosk.css": b"x" * 50_000}
    folder_publisher.publish(2, [slide("a")], files=big)
    result = syncer.sync_once(NOW)
    assert result.status == "full" and "bytes free" in result.reason
    assert any(kind == "error" for kind, _ in events)
    assert_plays(tmp_path / "cache", keys[1], 1)
    # the check passes but the disk fills during the download (another writer took the room)
    folder_publisher.publish(3, salt=" v3")
    disk.limit = disk.used + 40  # room for two small pages, not for seven
    disk.claimed_free = 10**9
    result = syncer.sync_once(NOW)
    assert result.status == "full" and "disk full while writing objects/" in result.reason
    assert_plays(tmp_path / "cache", keys[1], 1)
    assert list((Store(tmp_path / "cache").objects / ".partial").iterdir()) == []


def test_missing_objects_is_pure_and_deduplicates() -> None:
    files = {
        "a": {"sha256": "1", "size": 3},
        "b": {"sha256": "1", "size": 3},
        "c": {"sha256": "2", "size": 5},
    }
    assert missing_objects(files, lambda sha: sha == "2") == {"1": 3}


# -- manifest parts: the form ``invoke publish`` signs ------------------------------------------


def test_parts_form_release_syncs_updates_and_plays_offline(
    tmp_path: Path, keys: tuple[bytes, bytes, Path], bucket_root: Path
) -> None:
    publisher = Publisher(folder_put(bucket_root), keys[0], parts=True)
    slides = [slide("a"), slide("b"), slide("c")]
    first = publisher.publish(1, slides)
    assert "files" not in first and "part_index" in first  # the indexed parts form
    syncer = syncer_for(FolderSource(bucket_root), tmp_path / "cache", keys[1])
    assert syncer.sync_once(NOW).status == "updated"
    assert_plays(tmp_path / "cache", keys[1], 1)
    publisher.publish(2, slides, salt=" v2")
    assert syncer.sync_once(NOW).status == "updated"
    store = Store(tmp_path / "cache")
    current = store.release("current")
    assert current is not None and [s["id"] for s in current.document["slides"]] == ["a", "b", "c"]
    for release in (current, store.release("previous")):  # parts kept for both, after GC
        assert release is not None
        assert all(store.has_object(sha) for sha in part_objects(release.document))
    shutil.rmtree(bucket_root)  # the store is gone: the screen still starts and plays
    assert_plays(tmp_path / "cache", keys[1], 2, salt=" v2")


def test_tampered_part_is_refused(
    tmp_path: Path, keys: tuple[bytes, bytes, Path], bucket_root: Path
) -> None:
    publisher = Publisher(folder_put(bucket_root), keys[0], parts=True)
    events: list[tuple[str, Any]] = []
    first = publisher.publish(1)
    syncer = syncer_for(FolderSource(bucket_root), tmp_path / "cache", keys[1], events=events)
    assert syncer.sync_once(NOW).status == "updated"
    document = publisher.publish(2, salt=" v2")
    sha = min(set(part_objects(document)) - set(part_objects(first)))  # a new index part
    part = bucket_root / "objects" / sha
    good = part.read_bytes()
    part.write_bytes(good.replace(b'"size":', b'"SIZE":', 1))  # same size, other bytes
    result = syncer.sync_once(NOW)
    assert result.status == "retry" and "hash or size differs" in result.reason
    assert not Store(tmp_path / "cache").has_object(sha)  # never kept
    assert not any(kind == "release_refused" for kind, _ in events)
    part.write_bytes(good)  # a good copy next time: the release is taken (issue 9, #9)
    assert syncer.sync_once(NOW).status == "updated"


def test_a_refusal_is_remembered_by_this_player_version_only(
    tmp_path: Path, keys: tuple[bytes, bytes, Path], bucket_root: Path, folder_publisher: Publisher
) -> None:
    """A refused envelope is not judged again by the same player, but an upgraded player (one
    that may read a newer manifest form) judges the same bytes afresh."""
    folder_publisher.publish(1)
    cache = tmp_path / "cache"
    syncer = syncer_for(FolderSource(bucket_root), cache, keys[1])
    envelope = (bucket_root / "kiosk" / SITE / "manifest.json").read_bytes()
    digest = hashlib.sha256(envelope).hexdigest()
    store = Store(cache)
    source = FolderSource(bucket_root).describe()

    def record(version: str) -> dict[str, Any]:
        refusal = {"refused": {digest: "ManifestError: old reason"}, "refused_by": version}
        return {"sources": {source: refusal}}

    store.write_state(record(__version__))
    result = syncer.sync_once(NOW)
    assert (result.status, result.reason) == ("refused", "ManifestError: old reason")
    store.write_state(record("0.0.1"))
    assert syncer.sync_once(NOW).status == "updated"
    assert_plays(cache, keys[1], 1)
