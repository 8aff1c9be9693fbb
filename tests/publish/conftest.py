"""Publishing fixtures: a real S3 server (moto) on 127.0.0.1, a built fixture site, keys."""

from __future__ import annotations

import logging
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from moto.server import ThreadedMotoServer

from p2f_player.contract import trust
from p2f_publish.s3 import S3Store
from p2f_site.build import build_all
from tests.conftest import ROOT, WriteContent

BUCKET = "livep2f"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
BUILD_NOW = "2026-11-26T12:00:00+00:00"


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """An S3 server over HTTP on 127.0.0.1, for the whole test session."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_client(s3_endpoint: str) -> Any:
    """A boto3 client on a freshly reset server holding one empty bucket."""
    request = urllib.request.Request(f"{s3_endpoint}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(s3={"addressing_style": "path"}),
    )
    client.create_bucket(Bucket=BUCKET)
    return client


@pytest.fixture
def s3_store(s3_client: Any) -> S3Store:
    return S3Store(BUCKET, "prod", client=s3_client)


@pytest.fixture(scope="session")
def keys() -> tuple[bytes, bytes]:
    return trust.generate_keypair()


Build = Callable[..., Path]


@pytest.fixture
def build_fixture(write_content: WriteContent, tmp_path: Path) -> Build:
    """Build the small fixture content (with ``changes``) into ``tmp_path/build``."""

    def build(changes: dict[str, str | None] | None = None) -> Path:
        content = write_content(changes)
        output = tmp_path / "build"
        build_all(
            ROOT,
            ROOT / "pelicanconf.py",
            output,
            overrides={"PATH": str(content), "P2F_ROOT": str(tmp_path), "P2F_NOW": BUILD_NOW},
        )
        return output

    return build
