"""``p2f-office report --publish`` puts build/office under the store's private ``office/``
prefix (moto over HTTP), never under the public ``site/``; the bucket's public-read policy
does not reach ``office/``, the report reader's policy does."""

from __future__ import annotations

import fnmatch
import json
from pathlib import Path
from typing import Any

import pytest

from p2f_office import loader
from p2f_office.publish import OFFICE_PREFIX, office_keys, publish_office
from tests.conftest import ROOT
from tests.player.conftest import admin_client, s3_server  # noqa: F401  (the session fixture)

POLICIES = ROOT / "docs" / "policies"


def built_office(folder: Path) -> Path:
    (folder / "campaigns").mkdir(parents=True)
    (folder / "index.html").write_text("<!doctype html><title>Tableau de bord</title>")
    (folder / "campaigns" / "sncf.pdf").write_bytes(b"%PDF-1.7 proof of play")
    (folder / "campaigns" / "sncf.csv").write_text("campaign,plays\nsncf,3\n")
    return folder


def test_the_dashboard_goes_under_office_and_nowhere_public(
    tmp_path: Path,
    s3_server: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = admin_client(s3_server)
    client.create_bucket(Bucket="dash")
    for name, value in (("AWS_ENDPOINT_URL", s3_server), ("AWS_ACCESS_KEY_ID", "testing"),
                        ("AWS_SECRET_ACCESS_KEY", "testing"), ("AWS_DEFAULT_REGION", "us-east-1")):  # fmt: skip
        monkeypatch.setenv(name, value)
    store = loader.open_store("s3://dash/p2f", tmp_path)
    written = publish_office(store, built_office(tmp_path / "office"))
    listed = sorted(o["Key"] for o in client.list_objects_v2(Bucket="dash")["Contents"])
    assert listed == [
        "p2f/office/campaigns/sncf.csv",
        "p2f/office/campaigns/sncf.pdf",
        "p2f/office/index.html",
    ]
    assert sorted(written) == [key.removeprefix("p2f/") for key in listed]
    page = client.get_object(Bucket="dash", Key="p2f/office/index.html")
    assert page["ContentType"] == "text/html"
    assert page["CacheControl"] == "private, no-store"
    assert (
        client.get_object(Bucket="dash", Key="p2f/office/campaigns/sncf.pdf")["ContentType"]
        == "application/pdf"
    )


def test_nothing_built_is_a_report_error(tmp_path: Path) -> None:
    store = loader.open_store(tmp_path.as_uri(), tmp_path)
    with pytest.raises(loader.ReportError, match="nothing to publish"):
        publish_office(store, tmp_path / "missing")


def _allows(document: dict[str, Any], action: str, key: str, anonymous: bool) -> bool:
    arn = f"arn:aws:s3:::<bucket>/<prefix>/{key}"
    for statement in document["Statement"]:
        if anonymous and statement.get("Principal") != "*":
            continue
        actions = statement["Action"]
        actions = [actions] if isinstance(actions, str) else actions
        resources = statement["Resource"]
        resources = [resources] if isinstance(resources, str) else resources
        matches = any(fnmatch.fnmatchcase(arn, pattern) for pattern in resources)
        if statement["Effect"] == "Allow" and action in actions and matches:
            return True
    return False


def test_office_is_private_and_the_report_reader_may_read_and_write_it(tmp_path: Path) -> None:
    public = json.loads((POLICIES / "bucket-public-read.json").read_text())
    reader = json.loads((POLICIES / "report-reader.json").read_text())
    keys = list(office_keys(built_office(tmp_path / "office")))
    assert keys and all(key.startswith(OFFICE_PREFIX) for key in keys)
    for key in keys:
        assert not _allows(public, "s3:GetObject", key, anonymous=True), key
        assert _allows(reader, "s3:GetObject", key, anonymous=False), key
        assert _allows(reader, "s3:PutObject", key, anonymous=False), key
    assert _allows(public, "s3:GetObject", "site/index.html", anonymous=True)  # the check bites
    assert not _allows(reader, "s3:PutObject", "site/index.html", anonymous=False)
