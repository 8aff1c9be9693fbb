"""Signed but hostile or broken releases, at every entry point of the player (issue 9, #7, #9,
#12): nothing outside the cache is ever created or changed, a bad copy seen once never makes a
valid release refused for good, and a bogus counter never pins a screen."""

from __future__ import annotations

import hashlib
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from p2f_player.contract import trust
from p2f_player.contract.manifest import ManifestError, split_into_parts
from p2f_player.sources import FolderSource
from p2f_player.store import Disk, Store
from p2f_player.sync import Syncer, load_playable
from tests.player.conftest import NOW, SITE, Publisher, folder_put, release_files, slide

SENTINEL_TEXT = b"precious data outside the cache\n"


@pytest.fixture
def sentinel(tmp_path: Path) -> Path:
    path = tmp_path / "outside" / "sentinel.txt"
    path.parent.mkdir()
    path.write_bytes(SENTINEL_TEXT)
    return path


def untouched(sentinel: Path) -> None:
    assert sentinel.read_bytes() == SENTINEL_TEXT
    assert sentinel.stat().st_nlink == 1  # never hard-linked into a release
    assert os.listdir(sentinel.parent) == ["sentinel.txt"]


def hostile_variants(sentinel: Path) -> list[tuple[str, dict[str, Any]]]:
    """(file path, entry) pairs a signed manifest may carry; each must be refused."""
    good = {"size": 1, "sha256": "ab" * 32}
    return [
        ("slides/a.fr.html", {"size": len(SENTINEL_TEXT), "sha256": str(sentinel)}),
        (".manifest.json.tmp", {"size": len(SENTINEL_TEXT), "sha256": str(sentinel)}),
        ("assets/x.css", {"size": 1, "sha256": "../../outside/sentinel.txt"}),
        ("assets/x.css", {"size": 1, "sha256": "AB" * 32}),
        (str(sentinel.parent / "new.html"), good),
        ("../../outside/new.html", good),
        ("assets\\..\\..\\x.css", good),
        ("assets/x\x00.css", good),
        ("assets//x.css", good),
        ("y" * 600, good),
    ]


def publish_hostile(
    publisher: Publisher, counter: int, path: str, entry: dict[str, Any], parts: bool
) -> None:
    slides = [slide("a")]
    files = release_files(slides)
    for data in files.values():
        publisher.put(f"objects/{hashlib.sha256(data).hexdigest()}", data)
    document = publisher.document(counter, slides, files)
    document["files"][path] = entry
    if parts:
        document, objects = split_into_parts(document)
        for sha, data in objects.items():
            publisher.put(f"objects/{sha}", data)
    publisher.put_envelope(trust.sign_manifest(document, publisher.private_key))


@pytest.mark.parametrize("parts", [False, True], ids=["full-form", "parts-form"])
@pytest.mark.parametrize("entry_point", ["network", "inbox"])
def test_a_signed_manifest_naming_files_outside_the_cache_is_refused(
    tmp_path: Path,
    keys: tuple[bytes, bytes, Path],
    sentinel: Path,
    parts: bool,
    entry_point: str,
) -> None:
    """Issue 9 #7: the full form once skipped the path and hash checks; a signed ``sha256``
    naming a file outside the cache was hard-linked, and truncated through the release
    folder's temporary file."""
    folder = tmp_path / entry_point
    publisher = Publisher(folder_put(folder), keys[0])
    cache = tmp_path / "cache"
    publisher.publish(1)
    syncer = Syncer(SITE, FolderSource(folder), Store(cache), keys[1])
    assert syncer.sync_once(NOW).status == "updated"
    for counter, (path, entry) in enumerate(hostile_variants(sentinel), start=2):
        publish_hostile(publisher, counter, path, entry, parts)
        result = syncer.sync_once(NOW)
        assert result.status == "refused", (path, entry, result)
        assert "ManifestError" in result.reason
        untouched(sentinel)
    playing = load_playable(Store(cache), keys[1])
    assert playing is not None and playing.document["release"]["counter"] == 1


def test_a_hostile_release_already_in_the_cache_is_never_played(
    tmp_path: Path, keys: tuple[bytes, bytes, Path], sentinel: Path
) -> None:
    """``load_playable`` of a cached release validates it like a fetched one."""
    bucket = tmp_path / "bucket"
    publisher = Publisher(folder_put(bucket), keys[0])
    publisher.publish(1)
    cache = tmp_path / "cache"
    Syncer(SITE, FolderSource(bucket), Store(cache), keys[1]).sync_once(NOW)
    store = Store(cache)
    current = store.release("current")
    assert current is not None
    document = current.document
    document["files"]["slides/a.fr.html"]["sha256"] = str(sentinel)
    (current.path / "manifest.json").write_bytes(trust.sign_manifest(document, keys[0]))
    assert load_playable(Store(cache), keys[1]) is None
    Store(cache).collect_garbage()
    untouched(sentinel)


def test_store_files_are_created_afresh_never_through_a_planted_link(
    tmp_path: Path, sentinel: Path
) -> None:
    store = Store(tmp_path / "cache")
    (store.root / ".state.json.tmp").symlink_to(sentinel)
    os.link(sentinel, store.objects / ".partial" / f".{'ab' * 32}.tmp")
    store.write_state({"x": 1})
    store.add_object("ab" * 32, b"object")
    assert store.read_state() == {"x": 1} and store.read_object("ab" * 32) == b"object"
    assert sentinel.read_bytes() == SENTINEL_TEXT  # unlinked, never written through
    for bad in (str(sentinel), "../../outside/sentinel.txt", "AB" * 32):
        with pytest.raises(ManifestError):
            store.has_object(bad)
        with pytest.raises(ManifestError):
            store.add_object(bad, b"x")
    untouched(sentinel)


# -- issue 9 #9: a bad copy or a clock jump is not a verdict on the release --------------------


def test_a_bad_object_seen_once_is_fetched_again_and_the_release_taken(
    tmp_path: Path, keys: tuple[bytes, bytes, Path]
) -> None:
    bucket = tmp_path / "bucket"
    publisher = Publisher(folder_put(bucket), keys[0])
    document = publisher.publish(1)
    sha = document["files"]["slides/a.fr.html"]["sha256"]
    good = (bucket / "objects" / sha).read_bytes()
    syncer = Syncer(SITE, FolderSource(bucket), Store(tmp_path / "cache"), keys[1])
    for bad in (b"<html>Wi-Fi login</html>"[: len(good)].ljust(len(good)), good[:3]):
        (bucket / "objects" / sha).write_bytes(bad)  # a captive portal, a half-copied file
        result = syncer.sync_once(NOW)
        assert (result.status, result.retry_later) == ("retry", True), result
    (bucket / "objects" / sha).write_bytes(good)
    assert syncer.sync_once(NOW).status == "updated"


def test_a_clock_that_jumped_forward_does_not_refuse_a_release_for_good(
    tmp_path: Path, keys: tuple[bytes, bytes, Path]
) -> None:
    bucket = tmp_path / "bucket"
    Publisher(folder_put(bucket), keys[0]).publish(1)
    syncer = Syncer(SITE, FolderSource(bucket), Store(tmp_path / "cache"), keys[1])
    late = syncer.sync_once(NOW + timedelta(days=400))
    assert late.status == "retry" and "ManifestExpired" in late.reason
    assert syncer.sync_once(NOW).status == "updated"  # the clock is right again


def test_inbox_and_network_keep_separate_refusal_records(
    tmp_path: Path, keys: tuple[bytes, bytes, Path]
) -> None:
    """A forged drop in the inbox is refused there; the network's genuine copy of the same
    release is judged on its own, and the other way round."""
    network, inbox = tmp_path / "network", tmp_path / "inbox"
    genuine = Publisher(folder_put(network), keys[0]).publish(1)
    envelope = (network / "kiosk" / SITE / "manifest.json").read_bytes()
    store = Store(tmp_path / "cache")
    from_inbox = Syncer(SITE, FolderSource(inbox), store, keys[1])
    from_network = Syncer(SITE, FolderSource(network), store, keys[1])
    # the inbox holds the same envelope bytes with a forged object next to it
    folder_put(inbox)(f"kiosk/{SITE}/manifest.json", envelope)
    for path, entry in genuine["files"].items():
        data = (network / "objects" / entry["sha256"]).read_bytes()
        forged = b"X" * len(data) if path == "slides/a.fr.html" else data
        folder_put(inbox)(f"objects/{entry['sha256']}", forged)
    assert from_inbox.sync_once(NOW).status == "retry"
    # and an envelope forged outright: refused for good, in the inbox's record only
    other_private, _ = trust.generate_keypair()
    folder_put(inbox)(f"kiosk/{SITE}/manifest.json", trust.sign_manifest(genuine, other_private))
    assert from_inbox.sync_once(NOW).status == "refused"
    records = store.read_state()["sources"]
    assert list(records) == [FolderSource(inbox).describe()]
    # a refusal recorded for the network's envelope in the inbox's record binds the inbox only
    digest = hashlib.sha256(envelope).hexdigest()
    state = store.read_state()
    state["sources"][FolderSource(inbox).describe()]["refused"][digest] = "ManifestError: x"
    store.write_state(state)
    assert from_network.sync_once(NOW).status == "updated"


# -- issue 9 #12: bounded counters, and a screen that held a bogus one recovers ----------------


def test_a_huge_counter_is_refused_and_real_releases_still_come_in(
    tmp_path: Path, keys: tuple[bytes, bytes, Path]
) -> None:
    bucket = tmp_path / "bucket"
    publisher = Publisher(folder_put(bucket), keys[0])
    syncer = Syncer(SITE, FolderSource(bucket), Store(tmp_path / "cache"), keys[1])
    publisher.publish(1)
    for counter in (10**200, int("9" * 300)):
        document = publisher.document(counter, [slide("a")], release_files([slide("a")]))
        publisher.put_envelope(trust.sign_manifest(document, keys[0]))
        result = syncer.sync_once(NOW)
        assert result.status == "refused" and "counter" in result.reason, result
        assert "too large" in result.reason  # not ENAMETOOLONG, not accepted
    publisher.publish(2)
    assert syncer.sync_once(NOW).status == "updated"


def test_a_bogus_counter_held_by_an_older_player_does_not_pin_the_screen(
    tmp_path: Path, keys: tuple[bytes, bytes, Path]
) -> None:
    bucket = tmp_path / "bucket"
    publisher = Publisher(folder_put(bucket), keys[0])
    document = publisher.publish(1)
    cache = tmp_path / "cache"
    syncer = Syncer(SITE, FolderSource(bucket), Store(cache), keys[1])
    assert syncer.sync_once(NOW).status == "updated"
    current = Store(cache).release("current")
    assert current is not None  # what an older player accepted and kept:
    document["release"]["counter"] = 10**200
    (current.path / "manifest.json").write_bytes(trust.sign_manifest(document, keys[0]))
    publisher.publish(2, salt=" v2")
    assert syncer.sync_once(NOW).status == "updated"
    playing = load_playable(Store(cache), keys[1])
    assert playing is not None and playing.document["release"]["counter"] == 2


def test_disk_writes_leave_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "x.json"
    Disk().write_file(target, b"1")
    Disk().write_file(target, b"2")
    assert target.read_bytes() == b"2" and sorted(os.listdir(tmp_path)) == ["x.json"]
