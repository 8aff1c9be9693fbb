"""The shipped access policies (docs/policies/) against an S3 server that enforces IAM.

A separate moto server, in its own process on 127.0.0.1 (the session's shared server is left
alone): users, keys and the shipped policies are created with authentication off, then it is
switched on (``POST /moto-api/reset-auth`` with ``0``) and every request is checked against the
caller's policies. What moto enforces: the signature, and each statement's Action and Resource.
What it does not: ``Condition`` keys (a ``ListBucket`` limited by ``s3:prefix`` is allowed for
any prefix) and bucket policies (an anonymous request is refused outright), so the public-read
bucket policy is checked here by its content only.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from p2f_player.contract import trust
from p2f_player.heartbeat import heartbeat_key
from p2f_player.journal import Journal
from p2f_player.sources import Fetched, Source, open_source
from p2f_player.store import Store as PlayerStore
from p2f_player.sync import Syncer
from p2f_publish import layout, policies
from p2f_publish.errors import StoreAuthError
from p2f_publish.publish import publish
from p2f_publish.s3 import S3Store
from p2f_site.build import build_all
from tests.conftest import BASE_FILES, PNG, ROOT
from tests.publish.conftest import BUILD_NOW, NOW

POLICIES = ROOT / "docs" / "policies"
BUCKET, PREFIX, SITE, DEVICE = "livep2f-iam", "p2f", "gare", "gare-1"
SHARED_BUCKET = "livep2f"  # the session server's bucket (tests/publish/conftest.py)


@dataclass(frozen=True)
class Credentials:
    key: str
    secret: str


@dataclass(frozen=True)
class IamServer:
    endpoint: str
    users: dict[str, Credentials]

    def client(self, service: str, who: Credentials) -> Any:
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=who.key,
            aws_secret_access_key=who.secret,
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
        )


def policy(name: str, **values: str) -> dict[str, Any]:
    text = (POLICIES / f"{name}.json").read_text(encoding="utf-8")
    return policies.render(text, bucket=BUCKET, prefix=PREFIX, **values)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_up(endpoint: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"moto_server exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    raise RuntimeError(f"moto_server did not answer on {endpoint} within 60 s")


@pytest.fixture(scope="module")
def iam_server() -> Iterator[IamServer]:
    """Its own moto server, authentication off until the users exist, then on."""
    port = _free_port()
    endpoint = f"http://127.0.0.1:{port}"
    command = [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_until_up(endpoint, server)
        setup = IamServer(endpoint, {})
        anyone = Credentials("setup", "setup")
        setup.client("s3", anyone).create_bucket(Bucket=BUCKET)
        iam = setup.client("iam", anyone)
        users = {}
        documents = {
            "publisher": policy("publisher"),
            "kiosk": policy("kiosk", site=SITE, device=DEVICE),
            "reader": policy("report-reader"),
        }
        for user, document in documents.items():
            iam.create_user(UserName=user)
            iam.put_user_policy(UserName=user, PolicyName=user, PolicyDocument=json.dumps(document))
            key = iam.create_access_key(UserName=user)["AccessKey"]
            users[user] = Credentials(key["AccessKeyId"], key["SecretAccessKey"])
        switch_on = urllib.request.Request(
            f"{endpoint}/moto-api/reset-auth",
            data=b"0",  # no request without a valid signature and a policy allowing it
            method="POST",
            headers={"Content-Type": "text/plain"},
        )
        with urllib.request.urlopen(switch_on, timeout=10):
            pass
        yield IamServer(endpoint, users)
    finally:
        server.terminate()
        server.wait(timeout=30)


@dataclass(frozen=True)
class Published:
    keys: tuple[bytes, bytes]
    released: dict[str, int]
    build: Path


@pytest.fixture(scope="module")
def published(iam_server: IamServer, tmp_path_factory: pytest.TempPathFactory) -> Published:
    """The fixture content built and published with the publisher's key, under IAM checks."""
    base = tmp_path_factory.mktemp("iam")
    content = base / "content"
    for name, text in BASE_FILES.items():
        (content / name).parent.mkdir(parents=True, exist_ok=True)
        (content / name).write_text(textwrap.dedent(text), encoding="utf-8")
    (content / "images").mkdir()
    (content / "images" / "veto.png").write_bytes(PNG)
    output = base / "build"
    overrides = {"PATH": str(content), "P2F_ROOT": str(base), "P2F_NOW": BUILD_NOW}
    build_all(ROOT, ROOT / "pelicanconf.py", output, overrides=overrides)
    keys = trust.generate_keypair()
    store = S3Store(BUCKET, PREFIX, client=iam_server.client("s3", iam_server.users["publisher"]))
    summary = publish(store, output / "kiosk", output / "site", keys[0], NOW, say=lambda _: None)
    return Published(keys, summary.released, output)


def test_the_publisher_key_publishes_but_cannot_touch_telemetry(
    iam_server: IamServer, published: Published
) -> None:
    assert published.released == {SITE: 1}  # objects, website copies, releases: all allowed
    store = S3Store(BUCKET, PREFIX, client=iam_server.client("s3", iam_server.users["publisher"]))
    with pytest.raises(StoreAuthError, match="AccessDenied"):
        store.get(heartbeat_key(SITE, DEVICE))
    with pytest.raises(StoreAuthError, match="AccessDenied"):
        store.put(
            heartbeat_key(SITE, DEVICE),
            b"x",
            content_type="application/json",
            cache_control="no-store",
        )


class RecordingSource:
    """The player's own source, passing every call through and noting the S3 action and key."""

    def __init__(self, inner: Source) -> None:
        self.inner = inner
        self.calls: set[tuple[str, str]] = set()

    def describe(self) -> str:
        return self.inner.describe()

    def fetch(self, key: str, etag: str | None = None, **limits: Any) -> Fetched | None:
        self.calls.add(("s3:GetObject", key))
        return self.inner.fetch(key, etag, **limits)

    def put(self, key: str, data: bytes) -> None:
        self.calls.add(("s3:PutObject", key))
        self.inner.put(key, data)


def player_requests(
    published: Published, s3_client: Any, s3_endpoint: str, tmp_path: Path
) -> set[tuple[str, str]]:
    """What the real player asks of S3 (sync, journal upload, heartbeat, screenshot), recorded
    against the session's plain S3 server: its source presigns every request, and moto cannot
    check a presigned (query-string) signature with IAM on (it answers 500)."""
    store = S3Store(SHARED_BUCKET, PREFIX, client=s3_client)
    output = published.build
    publish(store, output / "kiosk", output / "site", published.keys[0], NOW, say=lambda _: None)
    source = RecordingSource(open_source(f"s3://{SHARED_BUCKET}/{PREFIX}", s3_endpoint))
    journal = Journal(tmp_path / "journal.sqlite", SITE, DEVICE)
    try:
        syncer = Syncer(
            SITE,
            source,
            PlayerStore(tmp_path / "cache"),
            published.keys[1],
            emit=lambda kind, data: journal.append(kind, NOW, data),
        )
        assert syncer.sync_once(NOW).ok
        assert journal.upload(source, NOW) >= 1
    finally:
        journal.close()
    source.put(heartbeat_key(SITE, DEVICE), b'{"schema": "livep2f-kiosk-heartbeat/1"}')
    source.put(f"telemetry/{SITE}/{DEVICE}/screenshot.jpg", b"\xff\xd8")  # shell.veille's key
    return source.calls


def test_a_kiosk_key_allows_all_the_player_does_and_no_other_write(
    iam_server: IamServer,
    published: Published,
    s3_client: Any,
    s3_endpoint: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "kiosk")  # the player signs when it has a key
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "kiosk")
    used = player_requests(published, s3_client, s3_endpoint, tmp_path)
    kinds = {(action, key.split("/")[0]) for action, key in used}
    assert kinds == {
        ("s3:GetObject", "kiosk"),  # kiosk/gare/manifest.json
        ("s3:GetObject", "objects"),  # parts and files
        ("s3:PutObject", "telemetry"),  # journal batches, heartbeat, screenshot
    }
    kiosk = iam_server.client("s3", iam_server.users["kiosk"])
    for action, key in sorted(used):  # the same requests with the kiosk's key: all allowed
        if action == "s3:GetObject":
            kiosk.get_object(Bucket=BUCKET, Key=f"{PREFIX}/{key}")
        else:
            kiosk.put_object(Bucket=BUCKET, Key=f"{PREFIX}/{key}", Body=b"{}")
    forbidden_writes = [
        f"telemetry/{SITE}/gare-2/heartbeat.json",  # another screen of the same site
        f"telemetry/cap/{DEVICE}/heartbeat.json",  # another site
        layout.live_key(SITE),  # content: the live manifest
        layout.release_key(SITE, 99),
        layout.object_key("0" * 64),
        "site/index.html",
        layout.PUBLISH_LOCK,
    ]
    for key in forbidden_writes:
        with pytest.raises(ClientError, match="AccessDenied"):
            kiosk.put_object(Bucket=BUCKET, Key=f"{PREFIX}/{key}", Body=b"x")
    for key in (f"telemetry/{SITE}/gare-2/heartbeat.json", layout.live_key("cap")):
        with pytest.raises(ClientError, match="AccessDenied"):
            kiosk.get_object(Bucket=BUCKET, Key=f"{PREFIX}/{key}")
    with pytest.raises(ClientError, match="AccessDenied"):
        kiosk.delete_object(Bucket=BUCKET, Key=f"{PREFIX}/{layout.live_key(SITE)}")


def test_the_report_reader_reads_telemetry_and_nothing_else(
    iam_server: IamServer, published: Published
) -> None:
    kiosk = iam_server.client("s3", iam_server.users["kiosk"])
    heartbeat = f"{PREFIX}/{heartbeat_key(SITE, DEVICE)}"
    kiosk.put_object(Bucket=BUCKET, Key=heartbeat, Body=b'{"at": "now"}')
    reader = iam_server.client("s3", iam_server.users["reader"])
    assert reader.get_object(Bucket=BUCKET, Key=heartbeat)["Body"].read() == b'{"at": "now"}'
    store = S3Store(BUCKET, PREFIX, client=reader)
    with pytest.raises(StoreAuthError, match="AccessDenied"):
        store.put(
            heartbeat_key(SITE, DEVICE),
            b"x",
            content_type="application/json",
            cache_control="no-store",
        )
    with pytest.raises(StoreAuthError, match="AccessDenied"):
        store.get(layout.live_key(SITE))
    # the office's compaction job (p2f_office) writes its Parquet days next to the telemetry
    compacted = f"{PREFIX}/telemetry-compacted/{SITE}/2026-12-01.parquet"
    reader.put_object(Bucket=BUCKET, Key=compacted, Body=b"PAR1")
    assert reader.get_object(Bucket=BUCKET, Key=compacted)["Body"].read() == b"PAR1"
    # the website's access logs (QR scans, p2f_office.arrivals): read, never written
    with pytest.raises(ClientError, match="NoSuchKey"):
        reader.get_object(Bucket=BUCKET, Key=f"{PREFIX}/logs/access.log.1.gz")
    with pytest.raises(ClientError, match="AccessDenied"):
        reader.put_object(Bucket=BUCKET, Key=f"{PREFIX}/logs/access.log.1.gz", Body=b"x")


def test_only_published_prefixes_are_public_and_telemetry_is_never_among_them() -> None:
    document = policy("bucket-public-read")
    public = [s for s in document["Statement"] if s.get("Principal") == "*"]
    assert {s["Effect"] for s in public} == {"Allow"}
    assert {s["Action"] for s in public} == {"s3:GetObject"}
    resources = [r for s in public for r in s["Resource"]]
    assert sorted(resources) == sorted(
        f"arn:aws:s3:::{BUCKET}/{PREFIX}/{prefix}*" for prefix in layout.PUBLIC_PREFIXES
    )
    # the player's telemetry keys (journal, heartbeat, screenshot) all sit under telemetry/
    assert heartbeat_key(SITE, DEVICE).startswith(f"{layout.TELEMETRY_PREFIX}{SITE}/{DEVICE}/")
    assert not any(p.startswith(layout.TELEMETRY_PREFIX) for p in layout.PUBLIC_PREFIXES)
    # no other policy lets the publisher near telemetry/
    text = json.dumps(policy("publisher"))
    assert "telemetry" not in text and "arn:aws:s3:::*" not in text


def test_policy_placeholders_are_checked() -> None:
    text = (POLICIES / "kiosk.json").read_text(encoding="utf-8")
    with pytest.raises(policies.PublishError, match="give a value for device, site"):
        policies.render(text, bucket=BUCKET, prefix=PREFIX)
    with pytest.raises(policies.PublishError, match="site '\\*'"):
        policies.render(text, bucket=BUCKET, site="*", device="x")
    rendered = policies.render(text, bucket=BUCKET, site=SITE, device=DEVICE)  # no prefix
    assert rendered["Statement"][1]["Resource"] == (
        f"arn:aws:s3:::{BUCKET}/telemetry/{SITE}/{DEVICE}/*"
    )
