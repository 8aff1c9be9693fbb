"""The trust rules (p2f_player.contract.trust): each attack the verifier refuses, one test each."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from p2f_player.contract import trust
from p2f_player.contract.manifest import SCHEMA, ManifestError, check_file, file_entry

CREATED = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
PAGE = b"<!doctype html><title>x</title>"
SITE = {
    "id": "gare",
    "name": "Gare",
    "geo": {"lat": 43.2, "lon": 3.5},
    "orientation": "portrait",
    "width": 1080,
    "height": 1920,
    "languages": ["fr"],
    "audiences": [],
    "audience_hours": [],
    "nfc": False,
    "tags": [],
}


def document(counter: int = 5, release: str = "r5") -> dict[str, Any]:
    entry = file_entry(PAGE)
    return {
        "schema": SCHEMA,
        "site": SITE,
        "release": {
            "id": release,
            "counter": counter,
            "created": CREATED.isoformat(),
            "expires": (CREATED + timedelta(days=14)).isoformat(),
        },
        "slides": [],
        "sponsors": {"velos": 0.1},  # a valid document (the schema holds): only trust is tested
        "files": {"slides/a.fr.html": {"size": entry.size, "sha256": entry.sha256}},
    }


@pytest.fixture(scope="module")
def keys() -> tuple[bytes, bytes]:
    return trust.generate_keypair()


def verify(envelope: bytes, public: bytes, **kwargs: Any) -> dict[str, Any]:
    options: dict[str, Any] = {"now": CREATED + timedelta(hours=1), "last_counter": None}
    options.update(kwargs)
    return trust.verify_manifest(envelope, public, **options)


def test_a_signed_manifest_verifies(keys: tuple[bytes, bytes]) -> None:
    envelope = trust.sign_manifest(document(), keys[0])
    assert verify(envelope, keys[1]) == document()
    signature = json.loads(envelope)["signatures"][0]
    assert signature["keyid"] == trust.key_id(keys[1]) and len(signature["keyid"]) == 16
    assert len(base64.b64decode(signature["sig"])) == 64


def test_tampered_manifest_is_refused(keys: tuple[bytes, bytes]) -> None:
    data = json.loads(trust.sign_manifest(document(), keys[0]))
    data["signed"]["files"]["slides/a.fr.html"]["sha256"] = "0" * 64
    with pytest.raises(trust.BadSignature):
        verify(json.dumps(data).encode(), keys[1])


def test_signature_by_another_key_is_refused(keys: tuple[bytes, bytes]) -> None:
    other_private, _ = trust.generate_keypair()
    with pytest.raises(trust.BadSignature):
        verify(trust.sign_manifest(document(), other_private), keys[1])


def test_forged_signature_under_the_pinned_key_id_is_refused(keys: tuple[bytes, bytes]) -> None:
    other_private, _ = trust.generate_keypair()
    data = json.loads(trust.sign_manifest(document(), other_private))
    data["signatures"][0]["keyid"] = trust.key_id(keys[1])
    with pytest.raises(trust.BadSignature):
        verify(json.dumps(data).encode(), keys[1])


def test_envelope_without_signatures_is_refused(keys: tuple[bytes, bytes]) -> None:
    with pytest.raises(trust.BadSignature):
        verify(json.dumps({"signed": document(), "signatures": []}).encode(), keys[1])
    with pytest.raises(ManifestError):
        verify(b"not json", keys[1])


def test_tampered_file_is_detected(keys: tuple[bytes, bytes]) -> None:
    verified = verify(trust.sign_manifest(document(), keys[0]), keys[1])
    check_file("slides/a.fr.html", PAGE, verified)
    with pytest.raises(ManifestError, match="differs"):
        check_file("slides/a.fr.html", PAGE.replace(b"x", b"y"), verified)
    with pytest.raises(ManifestError, match="not listed"):
        check_file("slides/evil.html", PAGE, verified)


def test_rollback_to_a_lower_counter_is_refused(keys: tuple[bytes, bytes]) -> None:
    envelope = trust.sign_manifest(document(counter=4), keys[0])
    with pytest.raises(trust.RollbackRefused):
        verify(envelope, keys[1], last_counter=5)
    assert verify(envelope, keys[1], last_counter=4)["release"]["counter"] == 4
    assert verify(envelope, keys[1], last_counter=3)["release"]["counter"] == 4


def test_same_counter_with_another_release_id_is_refused(keys: tuple[bytes, bytes]) -> None:
    envelope = trust.sign_manifest(document(counter=5, release="other"), keys[0])
    with pytest.raises(trust.RollbackRefused):
        verify(envelope, keys[1], last_counter=5, last_release_id="r5")
    verify(envelope, keys[1], last_counter=5, last_release_id="other")


def test_expired_manifest_is_refused(keys: tuple[bytes, bytes]) -> None:
    envelope = trust.sign_manifest(document(), keys[0])
    with pytest.raises(trust.ManifestExpired):
        verify(envelope, keys[1], now=CREATED + timedelta(days=14, seconds=1))
    verify(envelope, keys[1], now=CREATED + timedelta(days=14))


def test_a_clock_before_creation_is_suspect_not_expired(keys: tuple[bytes, bytes]) -> None:
    envelope = trust.sign_manifest(document(), keys[0])
    early = datetime(1970, 1, 1, tzinfo=UTC)
    verified = verify(envelope, keys[1], now=early)
    assert trust.clock_suspect(verified, early)
    assert not trust.clock_suspect(verified, CREATED + timedelta(hours=1))


def test_bad_release_blocks_are_malformed(keys: tuple[bytes, bytes]) -> None:
    for change in ({"counter": -1}, {"counter": "5"}, {"expires": CREATED.isoformat()},
                   {"created": "2026-11-26T12:00:00"}, {"id": ""}):  # fmt: skip
        doc = document()
        doc["release"].update(change)
        with pytest.raises(ManifestError):
            verify(trust.sign_manifest(doc, keys[0]), keys[1])


def test_key_files_round_trip(tmp_path: Path) -> None:
    private, public = trust.generate_keypair()
    trust.write_key(tmp_path / "k.key", private, private=True)
    trust.write_key(tmp_path / "k.pub", public, private=False)
    assert trust.load_private_key(tmp_path / "k.key") == private
    assert trust.load_public_key(tmp_path / "k.pub") == public
    assert (tmp_path / "k.key").stat().st_mode & 0o077 == 0
    assert trust.public_key_of(private) == public
    (tmp_path / "bad.pub").write_text("not base64!")
    with pytest.raises(ValueError, match=r"bad\.pub"):
        trust.load_public_key(tmp_path / "bad.pub")


# -- a pinned key *set*: a key rotation needs no flag day --------------------------------------


def test_a_manifest_signed_by_any_pinned_key_verifies() -> None:
    old_private, old_public = trust.generate_keypair()
    new_private, new_public = trust.generate_keypair()
    pinned = (old_public, new_public)
    for private in (old_private, new_private):
        assert verify(trust.sign_manifest(document(), private), pinned) == document()
    assert verify(trust.sign_manifest(document(), old_private), [old_public]) == document()


def test_a_signature_by_a_key_not_pinned_is_refused_naming_both() -> None:
    _, old_public = trust.generate_keypair()
    _, new_public = trust.generate_keypair()
    stranger, stranger_public = trust.generate_keypair()
    with pytest.raises(trust.BadSignature, match=trust.key_id(stranger_public)) as refused:
        verify(trust.sign_manifest(document(), stranger), (old_public, new_public))
    assert trust.key_id(old_public) in str(refused.value)
    assert trust.key_id(new_public) in str(refused.value)


def test_an_envelope_signed_by_two_keys_verifies_under_either() -> None:
    """During a rotation the publisher may sign with both keys: old and new players agree."""
    old_private, old_public = trust.generate_keypair()
    new_private, new_public = trust.generate_keypair()
    both = json.loads(trust.sign_manifest(document(), new_private))
    both["signatures"] += json.loads(trust.sign_manifest(document(), old_private))["signatures"]
    envelope = json.dumps(both).encode()
    assert verify(envelope, old_public) == verify(envelope, new_public) == document()


def test_pinning_no_key_or_a_bad_key_is_a_configuration_error(tmp_path: Path) -> None:
    envelope = trust.sign_manifest(document(), trust.generate_keypair()[0])
    for pinned in ((), [b"short"]):
        with pytest.raises(ValueError):
            verify(envelope, pinned)
    with pytest.raises(ValueError, match="no public key"):
        trust.load_public_keys([])
    paths = []
    for name in ("old.pub", "new.pub"):
        trust.write_key(tmp_path / name, trust.generate_keypair()[1], private=False)
        paths.append(tmp_path / name)
    assert trust.load_public_keys(paths) == tuple(trust.load_public_key(p) for p in paths)
