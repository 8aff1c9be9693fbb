"""Store adapters at the edge: target URLs, AWS_ENDPOINT_URL, one-line credential errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from p2f_publish.errors import NotFound, PublishError, StoreAuthError
from p2f_publish.s3 import S3Store, translate
from p2f_publish.stores import LocalStore, store_from_url
from tests.publish.conftest import BUCKET


def test_target_urls(tmp_path: Path) -> None:
    default = tmp_path / "store"
    assert isinstance(store_from_url("", default), LocalStore)
    local = store_from_url(f"file://{tmp_path}/usb", default)
    assert isinstance(local, LocalStore) and local.root == tmp_path / "usb"
    for bad in ("ftp://x/y", "file://host/path", "s3:///prefix", "/just/a/path"):
        with pytest.raises(PublishError):
            store_from_url(bad, default)


def test_aws_endpoint_url_is_honoured(
    s3_client: Any, s3_endpoint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    store = store_from_url(f"s3://{BUCKET}/env", tmp_path)
    assert isinstance(store, S3Store)
    store.put("probe.txt", b"hello", content_type="text/plain", cache_control="no-cache")
    assert s3_client.get_object(Bucket=BUCKET, Key="env/probe.txt")["Body"].read() == b"hello"
    assert store.list_keys("") == {"probe.txt"}
    with pytest.raises(NotFound):
        store.get("missing.json")


def test_missing_credentials_give_one_line_saying_what_to_set(
    s3_endpoint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    store = store_from_url(f"s3://{BUCKET}/x", tmp_path)
    with pytest.raises(StoreAuthError) as caught:
        store.list_keys("objects/")
    message = str(caught.value)
    assert "\n" not in message
    assert "AWS_ACCESS_KEY_ID" in message and "AWS_PROFILE" in message


@pytest.mark.parametrize("code", ["InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied"])
def test_refused_credentials_translate_to_one_line(code: str) -> None:
    error = ClientError({"Error": {"Code": code, "Message": "no"}}, "PutObject")
    translated = translate(error, "s3://b/p/objects/x")
    assert isinstance(translated, StoreAuthError)
    assert code in str(translated) and "AWS_SECRET_ACCESS_KEY" in str(translated)


def test_missing_bucket_is_named(s3_client: Any) -> None:
    store = S3Store("no-such-bucket", "p", client=s3_client)
    with pytest.raises(PublishError, match="bucket does not exist"):
        store.list_keys("objects/")


def test_local_store_refuses_keys_outside_it(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    with pytest.raises(PublishError):
        store.put("../escape", b"x", content_type="text/plain", cache_control="")
