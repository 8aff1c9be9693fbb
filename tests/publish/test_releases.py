"""Rollback, the release list and pruning, against the real S3 server."""

from __future__ import annotations

import gzip
import hashlib
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from p2f_player.contract import trust
from p2f_player.contract.manifest import check_file, part_objects
from p2f_publish import layout, plan, website
from p2f_publish.errors import PublishError
from p2f_publish.publish import publish
from p2f_publish.releases import expanded, list_releases, prune, rollback
from p2f_publish.s3 import S3Store
from p2f_publish.stores import Store
from tests.conftest import PLACE
from tests.publish.conftest import BUCKET, NOW, Build

SITE = "gare"
PAGE = "lieux/veto-pinede/index.html"


def quiet(_: str) -> None:
    pass


def summary_text(n: int) -> str:
    return PLACE.replace("Urgences vétérinaires 7 j/7.", f"Version {n} du résumé.")


def publish_versions(
    store: Store, build_fixture: Build, private: bytes, count: int, website: bool = False
) -> list[dict[str, Any]]:
    """Publish ``count`` different versions, an hour apart; return their live documents."""
    documents = []
    for n in range(1, count + 1):
        build = build_fixture({"lieux/veto-pinede.md": summary_text(n)})
        when = NOW + timedelta(hours=n)
        site = build / "site" if website else None
        publish(store, build / "kiosk", site, private, when, say=quiet)
        documents.append(trust.open_envelope(store.get(layout.live_key(SITE)))[0])
    return documents


def live(store: Store, public: bytes, now: datetime, last: int | None) -> dict[str, Any]:
    envelope = store.get(layout.live_key(SITE))
    return trust.verify_manifest(envelope, public, now=now, last_counter=last)


def test_rollback_resigns_the_previous_release_with_a_new_counter(
    s3_store: S3Store, build_fixture: Build, keys: tuple[bytes, bytes]
) -> None:
    first, _second = publish_versions(s3_store, build_fixture, keys[0], 2)
    later = NOW + timedelta(hours=5)
    new_id = rollback(s3_store, keys[0], later, say=quiet)
    document = live(s3_store, keys[1], later, last=2)  # a player holding counter 2 accepts it
    assert document["release"]["counter"] == 3
    assert document["release"]["id"] == new_id
    assert document["release"]["rollback_of"] == first["release"]["id"]
    assert plan.content_digest(document) == plan.content_digest(first)
    full = expanded(s3_store, document)  # its parts are still there...
    for path, entry in full["files"].items():  # ...and so is every file they list
        check_file(path, s3_store.get(layout.object_key(entry["sha256"])), full)
    # replaying the original old envelope is what an attacker would do: refused
    with pytest.raises(trust.RollbackRefused):
        trust.verify_manifest(
            s3_store.get(layout.release_key(SITE, 1)), keys[1], now=later, last_counter=3
        )


def test_rollback_to_a_counter_and_by_release_id(
    s3_store: S3Store, build_fixture: Build, keys: tuple[bytes, bytes]
) -> None:
    _first, second, third = publish_versions(s3_store, build_fixture, keys[0], 3)
    later = NOW + timedelta(hours=6)
    rollback(s3_store, keys[0], later, to="2", site=SITE, say=quiet)
    assert plan.content_digest(live(s3_store, keys[1], later, 3)) == plan.content_digest(second)
    rollback(s3_store, keys[0], later + timedelta(seconds=1), to=third["release"]["id"], say=quiet)
    document = live(s3_store, keys[1], later, 4)
    assert document["release"]["counter"] == 5
    assert plan.content_digest(document) == plan.content_digest(third)
    lines = list_releases(s3_store)
    assert len(lines) == 5 and lines[-1].startswith("* gare")
    assert "rollback of" in lines[-1] and " index parts" in lines[-1]


def test_rollback_refuses_a_tampered_release(
    s3_store: S3Store, build_fixture: Build, keys: tuple[bytes, bytes]
) -> None:
    publish_versions(s3_store, build_fixture, keys[0], 2)
    key = layout.release_key(SITE, 1)
    envelope = json.loads(s3_store.get(key))
    envelope["signed"]["site"]["name"] = "Faux nom"
    forged = json.dumps(envelope).encode()
    s3_store.put(key, forged, content_type="application/json", cache_control="no-cache")
    with pytest.raises(trust.BadSignature):
        rollback(s3_store, keys[0], NOW + timedelta(hours=5), say=quiet)
    assert live(s3_store, keys[1], NOW, 2)["release"]["counter"] == 2


def test_website_rollback(
    s3_store: S3Store, build_fixture: Build, keys: tuple[bytes, bytes], tmp_path: Path
) -> None:
    publish_versions(s3_store, build_fixture, keys[0], 1, website=True)
    page_v1 = s3_store.get(f"site/{PAGE}")
    publish_versions(s3_store, build_fixture, keys[0], 2, website=True)
    assert s3_store.get(f"site/{PAGE}") != page_v1
    rollback(s3_store, keys[0], NOW + timedelta(hours=5), say=quiet)
    assert s3_store.get(f"site/{PAGE}") == page_v1


def test_pruning_keeps_every_object_a_kept_release_uses(
    s3_store: S3Store, build_fixture: Build, keys: tuple[bytes, bytes]
) -> None:
    documents = publish_versions(s3_store, build_fixture, keys[0], 4)
    full = [expanded(s3_store, document) for document in documents]
    old_first = full[0]  # read before pruning removes its parts
    rollback(s3_store, keys[0], NOW + timedelta(hours=9), to="3", site=SITE, say=quiet)
    before = {k.rsplit("/", 1)[-1] for k in s3_store.list_keys("objects/")}
    removed = prune(s3_store, keep=2, say=quiet)
    kept_releases = plan.counters_in(s3_store.list_keys(f"kiosk/{SITE}/releases/"))
    assert kept_releases == [4, 5]
    present = {k.rsplit("/", 1)[-1] for k in s3_store.list_keys("objects/")}
    for document in (documents[2], documents[3]):  # content of counters 3 (live again) and 4
        assert set(plan.objects_of(expanded(s3_store, document))) <= present
    only_old = set(plan.objects_of(old_first)) - set(plan.objects_of(full[2]))
    only_old -= set(plan.objects_of(full[3]))
    assert only_old and not only_old & present
    old_parts = set(part_objects(old_first)) - set(plan.objects_of(full[2]))
    assert old_parts and old_parts <= only_old  # its manifest parts went with its files
    assert removed == len(before - present) > 0
    with pytest.raises(PublishError, match="no release 1"):
        rollback(s3_store, keys[0], NOW + timedelta(hours=10), to="1", site=SITE, say=quiet)


def test_pruning_stops_before_deleting_when_a_kept_part_is_unreadable(
    s3_store: S3Store, build_fixture: Build, keys: tuple[bytes, bytes]
) -> None:
    (_first, second) = publish_versions(s3_store, build_fixture, keys[0], 2)
    lost = sorted(part_objects(second))[0]
    s3_store.delete([layout.object_key(lost)])
    before = s3_store.list_keys("")
    with pytest.raises(PublishError, match="prune stopped, nothing deleted"):
        prune(s3_store, keep=1, say=quiet)
    assert s3_store.list_keys("") == before


def test_rollback_refuses_a_release_whose_manifest_part_is_gone(
    s3_store: S3Store, build_fixture: Build, keys: tuple[bytes, bytes]
) -> None:
    first, second = publish_versions(s3_store, build_fixture, keys[0], 2)
    lost = sorted(set(part_objects(first)) - set(part_objects(second)))[0]
    s3_store.delete([layout.object_key(lost)])
    with pytest.raises(PublishError, match="lacks a manifest part"):
        rollback(s3_store, keys[0], NOW + timedelta(hours=5), site=SITE, say=quiet)
    assert live(s3_store, keys[1], NOW, 2)["release"]["counter"] == 2


def test_pruning_keeps_the_gzip_forms_a_kept_website_release_serves(
    s3_store: S3Store, s3_client: Any, build_fixture: Build, keys: tuple[bytes, bytes]
) -> None:
    publish_versions(s3_store, build_fixture, keys[0], 3, website=True)
    ids = sorted(k for k in s3_store.list_keys("site/releases/"))
    stored = [json.loads(s3_store.get(key)) for key in ids]
    indexes = [website.load_index(s3_store, index) for index in stored]
    assert all(PAGE in index.gzipped for index in indexes)
    page_gz = [layout.gzip_object_key(index.files[PAGE]) for index in indexes]
    assert len(set(page_gz)) == 3  # each version of the page has its own gzip form
    prune(s3_store, keep=2, say=quiet)
    present = s3_store.list_keys("objects/")
    assert page_gz[0] not in present  # only the pruned release served it
    assert {page_gz[1], page_gz[2]} <= present
    for index, document in zip(indexes[1:], stored[1:], strict=True):
        # every object a kept website release needs is still there, its index parts too
        for path in index.gzipped:
            assert layout.gzip_object_key(index.files[path]) in present
        assert {layout.object_key(sha) for sha in index.files.values()} <= present
        parts = {layout.object_key(ref["sha256"]) for ref in document["parts"].values()}
        assert parts <= present
    rollback(s3_store, keys[0], NOW + timedelta(hours=5), say=quiet)  # back to version 2
    head = s3_client.head_object(Bucket=BUCKET, Key=f"prod/site/{PAGE}")
    assert head["ContentEncoding"] == "gzip"
    page = gzip.decompress(s3_store.get(f"site/{PAGE}"))
    assert hashlib.sha256(page).hexdigest() == indexes[1].files[PAGE]
