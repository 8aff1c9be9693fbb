"""One publish at a time per store, and never a release counter written twice (S3 over HTTP)."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from p2f_player.contract import trust
from p2f_publish import layout
from p2f_publish.cli import publish_to
from p2f_publish.errors import AlreadyExists, PublishError, PublishLocked
from p2f_publish.lock import Holder, holder
from p2f_publish.publish import write_release
from p2f_publish.s3 import S3Store
from p2f_publish.stores import LocalStore, Store
from p2f_site.build import build_all
from tests.conftest import PLACE, ROOT, WriteContent
from tests.publish.conftest import BUCKET, BUILD_NOW, NOW, Build
from tests.publish.wrappers import RecordingStore

SITE = "gare"
LATER = NOW + timedelta(seconds=1)  # a second publish gets its own release id


def quiet(_: str) -> None:
    pass


def client(endpoint: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(s3={"addressing_style": "path"}),
    )


def put_lock(store: Store, someone: Holder) -> None:
    store.create(
        layout.PUBLISH_LOCK, someone.to_bytes(), content_type="application/json", cache_control=""
    )


def run(store: Store, build: Path, private: bytes, who: Holder, say: Any = quiet) -> Any:
    return publish_to(store, build / "kiosk", build / "site", private, who.since(), who, say=say)


@pytest.fixture
def two_builds(write_content: WriteContent, tmp_path: Path) -> tuple[Path, Path]:
    """Two builds that differ in one place's summary: two publishes with something to say."""
    outputs = []
    for name in ("a", "b"):
        summary = f"Urgences vétérinaires, version {name}."
        content = write_content({"lieux/veto-pinede.md": PLACE.replace("Urgences vétérinaires 7 j/7.", summary)})  # fmt: skip
        output = tmp_path / name / "build"
        overrides = {"PATH": str(content), "P2F_ROOT": str(tmp_path), "P2F_NOW": BUILD_NOW}
        build_all(ROOT, ROOT / "pelicanconf.py", output, overrides=overrides)
        outputs.append(output)
    return outputs[0], outputs[1]


def release_ids(store: Store, public: bytes) -> dict[int, str]:
    """Every stored release of the site: counter -> the release id it was signed with."""
    found = {}
    for key in sorted(store.list_keys(f"kiosk/{SITE}/releases/")):
        document = trust.verify_signature(store.get(key), public)
        found[int(key.rsplit("/", 1)[-1][:-5])] = document["release"]["id"]
    return found


def test_a_fresh_lock_stops_a_second_publish_saying_who_and_until_when(
    s3_store: S3Store, build_fixture: Build, keys: tuple[bytes, bytes]
) -> None:
    build = build_fixture()
    ben = holder("ben", "laptop", 202, NOW - timedelta(minutes=5))
    put_lock(s3_store, ben)
    with pytest.raises(PublishLocked) as caught:
        run(s3_store, build, keys[0], holder("ana", "office", 101, NOW))
    assert str(caught.value) == (
        "s3://livep2f/prod/locks/publish.json: another publish is running: "
        "ben@laptop (pid 202) since 2026-11-26T11:55:00+00:00; wait for it to finish (if it "
        "died, its lock counts as stale from 2026-11-26T12:55:00+00:00 and is then broken)"
    )
    assert s3_store.list_keys("kiosk/") == set()  # nothing published
    assert Holder.parse(s3_store.get(layout.PUBLISH_LOCK)) == ben  # and ben's lock kept


def test_a_stale_lock_is_broken_with_a_warning(
    s3_store: S3Store, build_fixture: Build, keys: tuple[bytes, bytes]
) -> None:
    build = build_fixture()
    put_lock(s3_store, holder("ben", "laptop", 202, NOW - timedelta(hours=2)))
    said: list[str] = []
    summary = run(s3_store, build, keys[0], holder("ana", "office", 101, NOW), said.append)
    assert summary.released == {SITE: 1}
    assert (
        "warning: breaking a stale publish lock: ben@laptop (pid 202) since "
        "2026-11-26T10:00:00+00:00 is older than 60 minutes, so that publish is taken to be dead"
    ) in said
    assert s3_store.list_keys("locks/") == set()  # released at the end


def test_the_lock_is_released_when_a_publish_fails(
    s3_store: S3Store, tmp_path: Path, keys: tuple[bytes, bytes]
) -> None:
    with pytest.raises(PublishError, match="no kiosk bundle"):
        run(s3_store, tmp_path / "nothing-built", keys[0], holder("ana", "office", 101, NOW))
    assert s3_store.list_keys("locks/") == set()


def test_a_publish_started_during_another_is_refused_and_no_counter_is_reused(
    s3_store: S3Store, two_builds: tuple[Path, Path], keys: tuple[bytes, bytes]
) -> None:
    """B starts in a second thread at the worst moment: A has chosen counter 1 and is about
    to write it. Without the lock, B also chose 1 and A then overwrote B's release 1."""
    build_a, build_b = two_builds
    ana, ben = holder("ana", "office", 101, NOW), holder("ben", "laptop", 202, LATER)
    outcome: dict[str, Any] = {}

    def publish_b() -> None:
        try:
            outcome["b"] = run(s3_store, build_b, keys[0], ben)
        except PublishLocked as error:
            outcome["b"] = error

    class StartBWhenAWritesItsRelease(RecordingStore):
        def create(self, key: str, data: bytes, *, content_type: str, cache_control: str) -> None:
            if "/releases/" in key and "b" not in outcome:
                second = threading.Thread(target=publish_b)
                second.start()
                second.join()
            super().create(key, data, content_type=content_type, cache_control=cache_control)

    summary_a = run(StartBWhenAWritesItsRelease(s3_store), build_a, keys[0], ana)
    assert isinstance(outcome["b"], PublishLocked)
    assert "ana@office (pid 101)" in str(outcome["b"])
    assert summary_a.released == {SITE: 1}
    assert release_ids(s3_store, keys[1]) == {1: summary_a.release}
    summary_b = run(s3_store, build_b, keys[0], ben)  # B again, once A is done
    assert summary_b.released == {SITE: 2}
    assert release_ids(s3_store, keys[1]) == {1: summary_a.release, 2: summary_b.release}
    live = trust.verify_manifest(
        s3_store.get(layout.live_key(SITE)), keys[1], now=LATER, last_counter=1,
        last_release_id=summary_a.release,
    )  # fmt: skip
    assert live["release"]["id"] == summary_b.release


def test_two_publishes_at_once_never_share_a_counter(
    s3_endpoint: str,
    s3_store: S3Store,
    two_builds: tuple[Path, Path],
    keys: tuple[bytes, bytes],
) -> None:
    """Two threads, each with its own S3 client, released together: one wins the lock and the
    other is refused, or they run one after the other; never one counter for two releases."""
    start = threading.Barrier(2)
    outcome: dict[str, Any] = {}

    def publish(name: str, build: Path, who: Holder) -> None:
        store = S3Store(BUCKET, "prod", client=client(s3_endpoint))
        start.wait()
        try:
            outcome[name] = run(store, build, keys[0], who)
        except PublishLocked as error:
            outcome[name] = error

    threads = [
        threading.Thread(target=publish, args=("a", two_builds[0], holder("a", "h", 1, NOW))),
        threading.Thread(target=publish, args=("b", two_builds[1], holder("b", "h", 2, LATER))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done = {name: result for name, result in outcome.items() if not isinstance(result, Exception)}
    refused = [result for result in outcome.values() if isinstance(result, PublishLocked)]
    assert len(done) + len(refused) == 2 and done
    stored = release_ids(s3_store, keys[1])
    for summary in done.values():  # each publish's counter holds that publish's release
        assert stored[summary.released[SITE]] == summary.release
    assert sorted(stored) == list(range(1, len(done) + 1))
    assert s3_store.list_keys("locks/") == set()


@pytest.mark.parametrize("kind", ["s3", "folder"])
def test_a_release_file_is_never_overwritten(
    kind: str, s3_store: S3Store, tmp_path: Path, keys: tuple[bytes, bytes]
) -> None:
    store: Store = s3_store if kind == "s3" else LocalStore(tmp_path / "store")
    write_release(store, SITE, 1, b"first")
    with pytest.raises(PublishError, match="release counter 1 is already used"):
        write_release(store, SITE, 1, b"second")
    assert store.get(layout.release_key(SITE, 1)) == b"first"
    with pytest.raises(AlreadyExists):
        store.create(
            layout.release_key(SITE, 1),
            b"x",
            content_type="application/json",
            cache_control="no-store",
        )
    assert store.list_keys(f"kiosk/{SITE}/") == {layout.release_key(SITE, 1)}  # no temp left
