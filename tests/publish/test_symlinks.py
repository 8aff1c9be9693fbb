"""A symlink in a build is never followed by a publish (issue 9, finding 1's sibling on the
publishing side: the check refuses symlinks in content/, and a publish refuses them in build/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from p2f_player.contract.manifest import parse_manifest
from p2f_publish.errors import PublishError
from p2f_publish.publish import publish
from p2f_publish.stores import LocalStore
from tests.publish.conftest import NOW, Build


def test_a_symlink_in_the_built_site_or_bundle_is_refused(
    build_fixture: Build, tmp_path: Path, keys: tuple[bytes, bytes]
) -> None:
    build = build_fixture()
    secret = tmp_path / "outside" / "kiosk.key"
    secret.parent.mkdir()
    secret.write_text("secret\n")
    store = LocalStore(tmp_path / "store")
    link = build / "site" / "credits.txt"
    link.symlink_to(secret)
    with pytest.raises(PublishError, match=f"{link}: a symlink in the built website"):
        publish(store, build / "kiosk", build / "site", keys[0], NOW, say=lambda _: None)
    link.unlink()
    # a bundle file swapped for a link to a copy of itself: its hash still matches
    bundle = build / "kiosk" / "gare"
    document = parse_manifest((bundle / "manifest.json").read_bytes())
    name = next(iter(document["files"]))
    copy = tmp_path / "outside" / "copy"
    copy.write_bytes((bundle / name).read_bytes())
    (bundle / name).unlink()
    (bundle / name).symlink_to(copy)
    with pytest.raises(PublishError, match="a symlink in the kiosk bundle"):
        publish(store, build / "kiosk", None, keys[0], NOW, say=lambda _: None)
    assert not (tmp_path / "store").exists() or not any((tmp_path / "store").rglob("*.json"))
