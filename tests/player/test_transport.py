"""Every read from a source is bounded (issue 9, finding 10), against real servers on 127.0.0.1:
an overall deadline (a dripping server is cut), a size cap (an endless manifest is refused
without being held in memory), same-host redirects only, regular files only from folders."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from p2f_player.sources import (
    MANIFEST_MAX_BYTES,
    DeadlineExceeded,
    FolderSource,
    ForeignRedirect,
    HttpSource,
    NotRegularFile,
    S3Source,
    TooLarge,
)
from p2f_player.store import Store
from p2f_player.sync import Syncer, load_playable, manifest_key
from tests.player.conftest import (
    NOW,
    SITE,
    FileServer,
    HostileServer,
    Publisher,
    folder_put,
    hostile_url,
    url_of,
)

MANIFEST = manifest_key(SITE)


def no_aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")


# -- an overall deadline per exchange --------------------------------------------------------------


@pytest.mark.parametrize("mode", ["drip-body", "drip-headers"])
def test_a_dripping_server_is_cut_at_the_deadline(mode: str, hostile_server: HostileServer) -> None:
    # one byte every 50 ms never trips the 20 s socket timeout: only the deadline ends it
    hostile_server.mode = mode
    source = HttpSource(hostile_url(hostile_server), deadline_s=0.5)
    with pytest.raises(DeadlineExceeded, match=r"within 0\.5 s"):
        source.fetch(MANIFEST)
    assert hostile_server.sent > 0  # it was dripping, not down


def test_a_dripping_server_is_cut_on_put_and_through_s3(
    hostile_server: HostileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(DeadlineExceeded):
        HttpSource(hostile_url(hostile_server), deadline_s=0.5).put("telemetry/x.json", b"{}")
    no_aws_credentials(monkeypatch)
    s3 = S3Source("bucket", "p2f", hostile_url(hostile_server), deadline_s=0.5)
    with pytest.raises(DeadlineExceeded):
        s3.fetch(MANIFEST)
    with pytest.raises(DeadlineExceeded):
        s3.put("telemetry/x.json", b"{}")


def test_a_sync_on_a_dripping_store_ends_offline_and_is_retried(
    tmp_path: Path, keys: tuple[bytes, bytes, Path], hostile_server: HostileServer
) -> None:
    source = HttpSource(hostile_url(hostile_server), deadline_s=0.5)
    result = Syncer(SITE, source, Store(tmp_path / "cache"), keys[1]).sync_once(NOW)
    assert result.status == "offline" and "DeadlineExceeded" not in result.reason
    assert "no complete answer within" in result.reason


# -- redirects: the same host and port only --------------------------------------------------------


def test_a_redirect_to_another_port_or_host_is_refused(
    hostile_server: HostileServer, http_server: FileServer, folder_publisher: Publisher
) -> None:
    folder_publisher.publish(1)
    hostile_server.mode = "redirect"
    port = hostile_server.server_address[1]
    for elsewhere in (url_of(http_server), f"http://localhost:{port}", f"https://127.0.0.1:{port}"):
        hostile_server.location = elsewhere
        with pytest.raises(ForeignRedirect, match="only the same host and port"):
            HttpSource(hostile_url(hostile_server)).fetch(MANIFEST)
    assert http_server.requests == []  # the other server was never asked


def test_a_redirect_on_the_same_host_is_followed(hostile_server: HostileServer) -> None:
    hostile_server.mode = "redirect"
    hostile_server.location = hostile_url(hostile_server) + "/moved"
    fetched = HttpSource(hostile_url(hostile_server)).fetch(MANIFEST)
    assert fetched is not None and fetched.data == b"{}"
    assert hostile_server.paths == [f"/{MANIFEST}", f"/moved/{MANIFEST}"]


# -- size caps: the manifest, and every object to its signed size ---------------------------------


@pytest.mark.parametrize("mode", ["endless", "endless-undeclared"])
def test_an_endless_manifest_is_refused_without_being_held(
    mode: str, tmp_path: Path, keys: tuple[bytes, bytes, Path], hostile_server: HostileServer
) -> None:
    hostile_server.mode = mode
    source = HttpSource(hostile_url(hostile_server))
    with pytest.raises(TooLarge, match=f"more than the {MANIFEST_MAX_BYTES}"):
        source.fetch(MANIFEST)
    result = Syncer(SITE, source, Store(tmp_path / "cache"), keys[1]).sync_once(NOW)
    assert result.status == "offline" and str(MANIFEST_MAX_BYTES) in result.reason
    # the client stopped reading: the server could not push its 400 MB (socket buffers aside)
    assert hostile_server.sent < 64 * 1024 * 1024


def test_a_manifest_over_the_cap_is_refused_by_every_source(
    tmp_path: Path,
    bucket_root: Path,
    http_server: FileServer,
    s3_bucket: tuple[str, str, Any],
) -> None:
    endpoint, bucket, client = s3_bucket
    huge = b" " * (MANIFEST_MAX_BYTES + 1)
    folder_put(bucket_root)(MANIFEST, huge)
    client.put_object(Bucket=bucket, Key=f"p2f/{MANIFEST}", Body=huge)
    sources = [FolderSource(bucket_root), HttpSource(url_of(http_server))]
    for source in [*sources, S3Source(bucket, "p2f", endpoint)]:
        with pytest.raises(TooLarge):
            source.fetch(MANIFEST)
        small = source.fetch(MANIFEST, max_bytes=len(huge))  # the cap is the caller's to set
        assert small is not None and len(small.data) == len(huge)


@pytest.mark.parametrize("kind", ["folder", "http", "s3"])
def test_an_object_longer_than_signed_is_cut_and_retried(
    kind: str,
    tmp_path: Path,
    keys: tuple[bytes, bytes, Path],
    bucket_root: Path,
    request: pytest.FixtureRequest,
) -> None:
    source: Any
    if kind == "s3":
        endpoint, bucket, client = request.getfixturevalue("s3_bucket")
        put = lambda key, data: client.put_object(Bucket=bucket, Key=f"p2f/{key}", Body=data)  # noqa: E731
        source = S3Source(bucket, "p2f", endpoint)
    else:
        put = folder_put(bucket_root)
        http: FileServer | None = request.getfixturevalue("http_server") if kind == "http" else None
        source = HttpSource(url_of(http)) if http else FolderSource(bucket_root)
    document = Publisher(put, keys[0]).publish(1)
    entry = document["files"]["assets/kiosk.css"]
    object_key = f"objects/{entry['sha256']}"
    with pytest.raises(TooLarge, match=f"more than the {entry['size']}"):
        put(object_key, b"x" * (10 * entry["size"]))
        source.fetch(object_key, max_bytes=entry["size"])
    syncer = Syncer(SITE, source, Store(tmp_path / "cache"), keys[1])
    result = syncer.sync_once(NOW)
    assert result.status == "offline", result  # transient: retried, never refused for good
    assert not Store(tmp_path / "cache").has_object(entry["sha256"])
    put(object_key, b"body{margin:0}")  # the store heals: the same release is taken
    assert syncer.sync_once(NOW).status == "updated"
    assert load_playable(Store(tmp_path / "cache"), keys[1]) is not None


# -- folders and the inbox: regular files only ----------------------------------------------------


def test_a_folder_serves_regular_files_only(
    tmp_path: Path, keys: tuple[bytes, bytes, Path], folder_publisher: Publisher, bucket_root: Path
) -> None:
    folder_publisher.publish(1)
    manifest = bucket_root / MANIFEST
    genuine = tmp_path / "elsewhere.json"
    genuine.write_bytes(manifest.read_bytes())
    source = FolderSource(bucket_root)
    cases = {
        "/dev/zero": lambda: manifest.symlink_to("/dev/zero"),
        "a symlink to a genuine file": lambda: manifest.symlink_to(genuine),
        "a FIFO": lambda: os.mkfifo(manifest),  # no writer: opening it must not block
        "a folder": lambda: manifest.mkdir(),
    }
    for what, plant in cases.items():
        if manifest.is_dir() and not manifest.is_symlink():
            manifest.rmdir()
        else:
            manifest.unlink(missing_ok=True)
        plant()
        with pytest.raises(NotRegularFile):
            source.fetch(MANIFEST)
        result = Syncer(SITE, source, Store(tmp_path / "cache"), keys[1]).sync_once(NOW)
        assert result.status == "offline", (what, result)


def test_a_symlinked_folder_inside_the_source_is_refused(
    tmp_path: Path, folder_publisher: Publisher, bucket_root: Path
) -> None:
    folder_publisher.publish(1)
    (bucket_root / "kiosk").rename(tmp_path / "kiosk")
    (bucket_root / "kiosk").symlink_to(tmp_path / "kiosk")
    with pytest.raises(NotRegularFile, match="symlink"):
        FolderSource(bucket_root).fetch(MANIFEST)
    # the configured root itself may be a link (e.g. /srv/p2f -> /media/usb)
    (tmp_path / "link").symlink_to(bucket_root)
    (bucket_root / "kiosk").unlink()
    (tmp_path / "kiosk").rename(bucket_root / "kiosk")
    assert FolderSource(tmp_path / "link").fetch(MANIFEST) is not None
