"""Signing and verifying kiosk manifests (DESIGN.md §3.3): the trust rules, in one place.

The publisher signs, the player verifies, both with this module. A signed manifest travels as
an *envelope*::

    {"signed": <manifest document>,
     "signatures": [{"keyid": sha256(public key)[:16] hex, "sig": base64 ed25519 signature}]}

The signature covers ``manifest.canonical_bytes(document)``, so the envelope's own formatting
does not matter. The player pins a small *set* of public keys (usually one; two during a key
rotation, see docs/publishing.md) and refuses, in this order:

1. an envelope with no valid signature by any pinned key (``BadSignature``); a signature by a
   key it does not pin counts for nothing;
2. a signed document that fails the strict validation (``validation.validate_manifest``:
   schema, paths, hashes, bounds), as ``ManifestError``;
3. a release older than the one it holds: a lower counter, or the same counter with another
   release id (``RollbackRefused``) — the rollback attack;
4. a manifest past its ``expires`` time (``ManifestExpired``) — the freeze attack.

The first three depend on the envelope bytes alone: a player may remember them for good. An
expiry depends on the clock, which may have jumped forward: judge the release again later.

A clock that reads earlier than the release's ``created`` time is wrong (a kiosk booted without
network time), not a sign of attack: such a manifest is accepted and ``clock_suspect`` says so.
Files are checked against the verified document with ``manifest.check_file``.

Pure: bytes and keys in, documents out. Reading and writing key files is the only I/O and lives
in the two ``load_*``/``write_*`` helpers at the bottom, used at the edges (tasks, player app).
The time is always an argument; nothing here reads the clock.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from p2f_player.contract.manifest import ManifestError, canonical_bytes
from p2f_player.contract.validation import check_release, loads, parse_time, validate_manifest

KEY_SIZE = 32
MAX_SIGNATURES = 16  # an envelope is signed by one key, two during a rotation

# The pinned public keys: one raw 32-byte key, or several (a rotation needs no flag day).
PublicKeys = bytes | Iterable[bytes]


class TrustError(ManifestError):
    """The manifest is well formed but must not be trusted: never retry, keep the old one."""


class BadSignature(TrustError):
    """No valid signature by the pinned public key."""


class RollbackRefused(TrustError):
    """The release is older than the one the player already holds."""


class ManifestExpired(TrustError):
    """The release is past its expiry time: someone may be replaying stale content, or the
    clock jumped forward. Unlike the others it depends on the clock: judge it again later."""


def pinned_keys(public_keys: PublicKeys) -> dict[str, bytes]:
    """The pinned keys by key id. Raises ``ValueError`` for none, or a key of the wrong size."""
    keys = [public_keys] if isinstance(public_keys, bytes | bytearray) else list(public_keys)
    if not keys:
        raise ValueError("no public key is pinned: give at least one")
    for key in keys:
        _public(bytes(key))  # checks the size
    return {key_id(bytes(key)): bytes(key) for key in keys}


def generate_keypair() -> tuple[bytes, bytes]:
    """Return a new ``(private, public)`` ed25519 key pair as raw 32-byte keys."""
    private = Ed25519PrivateKey.generate()
    return private.private_bytes_raw(), public_key_of(private.private_bytes_raw())


def public_key_of(private_key: bytes) -> bytes:
    """The raw public key that matches a raw private key."""
    private = _private(private_key)
    return private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(public_key: bytes) -> str:
    """Short, stable name of a public key: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(public_key).hexdigest()[:16]


def sign_manifest(document: Mapping[str, Any], private_key: bytes) -> bytes:
    """Sign ``document`` and return the envelope bytes (UTF-8 JSON, sorted keys, indented)."""
    signature = _private(private_key).sign(canonical_bytes(document))
    envelope = {
        "signed": document,
        "signatures": [
            {
                "keyid": key_id(public_key_of(private_key)),
                "sig": base64.b64encode(signature).decode("ascii"),
            }
        ],
    }
    return (json.dumps(envelope, sort_keys=True, ensure_ascii=False, indent=1) + "\n").encode()


def open_envelope(envelope: bytes) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Split an envelope into its document and signatures, *without* verifying anything.

    For tools that list releases (``invoke releases``). The JSON is read strictly
    (``validation.loads``: bounded size, no duplicate keys); the document itself is not
    validated here. Raises ``ManifestError`` if malformed.
    """
    data = loads(envelope, "signed manifest")
    if not isinstance(data, dict) or not isinstance(data.get("signed"), dict):
        raise ManifestError("signed manifest has no 'signed' document")
    signatures = data.get("signatures")
    if not isinstance(signatures, list) or not all(isinstance(s, dict) for s in signatures):
        raise ManifestError("signed manifest has no 'signatures' list")
    if len(signatures) > MAX_SIGNATURES:
        raise ManifestError(f"signed manifest has more than {MAX_SIGNATURES} signatures")
    return data["signed"], signatures


def verify_signature(envelope: bytes, public_keys: PublicKeys) -> dict[str, Any]:
    """Return the signed document, validated (``validate_manifest``), if any of the pinned
    keys signed it.

    Raises:
        BadSignature: no valid signature by a pinned key.
        ManifestError: the envelope or the signed document is malformed.
        ValueError: no key, or a key of the wrong size, was given (a configuration error).
    """
    keys = pinned_keys(public_keys)
    document, signatures = open_envelope(envelope)
    try:
        message = canonical_bytes(document)
    except (ValueError, TypeError, RecursionError):  # e.g. a lone surrogate in a string
        raise ManifestError("signed manifest cannot be put in canonical form") from None
    for entry in signatures:
        key = keys.get(str(entry.get("keyid")))
        if key is None:
            continue
        try:
            signature = base64.b64decode(str(entry.get("sig", "")), validate=True)
            _public(key).verify(signature, message)
        except (InvalidSignature, binascii.Error, ValueError):
            continue
        return validate_manifest(loads(message, "signed manifest document"))
    seen = sorted({str(entry.get("keyid"))[:16] for entry in signatures})
    raise BadSignature(
        f"manifest has no valid signature by a pinned key ({', '.join(sorted(keys))}); "
        f"signed by: {', '.join(seen) or 'nobody'}. If the publisher rotated its key, pin the "
        "new public key too (--public-key, repeatable)"
    )


def verify_manifest(
    envelope: bytes,
    public_keys: PublicKeys,
    *,
    now: datetime,
    last_counter: int | None,
    last_release_id: str | None = None,
) -> dict[str, Any]:
    """Return the verified manifest document, or raise ``TrustError`` (see module docstring).

    Args:
        envelope: the signed manifest bytes as fetched.
        public_keys: the raw ed25519 public key(s) the player pins; any of them may sign.
        now: the current time (timezone-aware).
        last_counter: the counter of the release the player holds, ``None`` on first sync.
        last_release_id: that release's id; with it, an equal counter naming another release
            is refused too (two different releases must never share a counter).

    Raises:
        ManifestError: the envelope or document is malformed.
        BadSignature: not signed by any of ``public_keys``.
        RollbackRefused: older than the release held.
        ManifestExpired: ``now`` is past ``release.expires``.
    """
    document = verify_signature(envelope, public_keys)
    release = release_of(document)
    counter = release["counter"]
    if last_counter is not None:
        if counter < last_counter:
            raise RollbackRefused(
                f"release {release['id']} has counter {counter}, older than {last_counter}"
            )
        if counter == last_counter and last_release_id not in (None, release["id"]):
            raise RollbackRefused(
                f"release {release['id']} reuses counter {counter} of release {last_release_id}"
            )
    if not clock_suspect(document, now) and now > _time(release["expires"], "expires"):
        raise ManifestExpired(f"release {release['id']} expired at {release['expires']}")
    return document


def clock_suspect(document: Mapping[str, Any], now: datetime) -> bool:
    """True when ``now`` is before the release was created: the local clock is wrong."""
    return now < _time(release_of(document)["created"], "created")


def release_of(document: Mapping[str, Any]) -> dict[str, Any]:
    """The checked ``release`` block: ``id`` (str), ``counter`` (int in 0..2**53-1),
    ``created``, ``expires`` (ISO times with offset). Raises ``ManifestError``."""
    release = document.get("release")
    if not isinstance(release, dict):
        raise ManifestError("manifest has no 'release' block")
    if not isinstance(release.get("id"), str) or not release["id"]:
        raise ManifestError("release.id must be a non-empty string")
    check_release(release)
    return release


def _time(value: object, name: str) -> datetime:
    return parse_time(value, name)


def _private(private_key: bytes) -> Ed25519PrivateKey:
    if len(private_key) != KEY_SIZE:
        raise ValueError(f"an ed25519 private key is {KEY_SIZE} bytes, got {len(private_key)}")
    return Ed25519PrivateKey.from_private_bytes(private_key)


def _public(public_key: bytes) -> Ed25519PublicKey:
    if len(public_key) != KEY_SIZE:
        raise ValueError(f"an ed25519 public key is {KEY_SIZE} bytes, got {len(public_key)}")
    return Ed25519PublicKey.from_public_bytes(public_key)


# --- key files: base64 text, one key per file (the only I/O in this module) -----------------


def write_key(path: Path, key: bytes, *, private: bool) -> None:
    """Write a key as base64 text; a private key file is readable by its owner only, from
    its creation (never through a symlink). The publisher's key files are written by
    ``p2f_publish.keys`` (folder 0700, never over an existing key); this is for tools/tests."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = 0o600 if private else 0o644
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, mode)
    try:
        os.fchmod(descriptor, mode)  # also when the file existed with a wider mode
        os.write(descriptor, base64.b64encode(key) + b"\n")
    finally:
        os.close(descriptor)


def load_private_key(path: Path | str) -> bytes:
    """Read a base64 private key file. Raises ``ValueError`` naming the file if it is bad."""
    return _load_key(Path(path), "private")


def load_public_key(path: Path | str) -> bytes:
    """Read a base64 public key file. Raises ``ValueError`` naming the file if it is bad."""
    return _load_key(Path(path), "public")


def load_public_keys(paths: Iterable[Path | str]) -> tuple[bytes, ...]:
    """Read the pinned public keys, one file each. Raises ``ValueError`` naming a bad file,
    or if there is none."""
    keys = tuple(load_public_key(path) for path in paths)
    if not keys:
        raise ValueError("no public key file given (--public-key, repeatable)")
    return keys


def _load_key(path: Path, kind: str) -> bytes:
    try:
        key = base64.b64decode(path.read_text(encoding="ascii").strip(), validate=True)
    except (binascii.Error, UnicodeDecodeError):
        raise ValueError(f"{path}: not a base64 {kind} key") from None
    if len(key) != KEY_SIZE:
        raise ValueError(f"{path}: a {kind} ed25519 key is {KEY_SIZE} bytes, got {len(key)}")
    return key
