"""The publisher's signing key files: where they live, how they are created and read.

The kiosk signing key must never sit where a build or a pull request could publish it, so the
default folder is outside the repository::

    $LIVEP2F_KEY_DIR                 when set (a USB stick, a secrets mount...)
    $XDG_CONFIG_HOME/livep2f/        else
    ~/.config/livep2f/               else

holding ``<name>.key`` (private, base64, mode 0600) and ``<name>.pub`` (public, base64), with
``name`` = ``$LIVEP2F_KEY_NAME`` or ``kiosk``. A second pair (``--name kiosk-2027``) is how a
key is rotated (docs/publishing.md, "Key rotation").

Files are created with their final mode from the start (``os.open`` with ``O_CREAT|O_EXCL|
O_NOFOLLOW``: no moment when another user can read the secret, no write through a planted
symlink); the folder is created 0700. Reading a private key warns (one line, not a crash) when
the file or its folder can be read by group or others.

The key *format* and the signing rules are the contract's (``p2f_player.contract.trust``);
this module only does the publisher's file I/O. It never reads the clock.
"""

from __future__ import annotations

import base64
import binascii
import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from p2f_player.contract import trust
from p2f_publish.errors import PublishError

KEY_DIR_VARIABLE = "LIVEP2F_KEY_DIR"
KEY_NAME_VARIABLE = "LIVEP2F_KEY_NAME"
DEFAULT_NAME = "kiosk"
LEGACY_FOLDER = "keys"  # the old default, inside the repository: refused, with a hint to move
PUBLISHED_FOLDERS = ("content", "build", "theme")  # copied to the public site or the store
FOLDER_MODE = 0o700
PRIVATE_MODE = 0o600
PUBLIC_MODE = 0o644

Warn = Callable[[str], None]


class KeyFileError(PublishError):
    """A key file is missing, unreadable, malformed or in a forbidden place."""


@dataclass(frozen=True)
class KeyFiles:
    """The two files of one key pair."""

    private: Path
    public: Path

    @property
    def name(self) -> str:
        return self.private.stem


def key_dir(environ: Mapping[str, str], home: Path) -> Path:
    """The folder holding the key files (see the module docstring)."""
    if environ.get(KEY_DIR_VARIABLE):
        return Path(environ[KEY_DIR_VARIABLE]).expanduser()
    if environ.get("XDG_CONFIG_HOME"):
        return Path(environ["XDG_CONFIG_HOME"]) / "livep2f"
    return home / ".config" / "livep2f"


def key_name(environ: Mapping[str, str]) -> str:
    return environ.get(KEY_NAME_VARIABLE) or DEFAULT_NAME


def key_files(folder: Path, name: str) -> KeyFiles:
    """``<folder>/<name>.key`` and ``<folder>/<name>.pub``; ``name`` is a plain file stem."""
    if not name or "/" in name or name.startswith(".") or name.endswith((".key", ".pub")):
        raise KeyFileError(f"key name {name!r}: use a plain name such as kiosk or kiosk-2027")
    return KeyFiles(folder / f"{name}.key", folder / f"{name}.pub")


def private_key_path(key: str | None, folder: Path, name: str) -> Path:
    """The private key file for ``--key``: a path (with a ``/`` or ending ``.key``), a key
    name in ``folder``, or by default ``<folder>/<name>.key``."""
    if not key:
        return key_files(folder, name).private
    if "/" in key or key.endswith(".key"):
        return Path(key).expanduser()
    return key_files(folder, key).private


def refuse_published_place(path: Path, root: Path) -> None:
    """Refuse a key path inside a folder the build or a publish copies out of the repository
    (``content/``, ``build/``, ``theme/``): one symlink or one mistake would publish it."""
    resolved = path.expanduser().resolve()
    for folder in PUBLISHED_FOLDERS:
        published = (root / folder).resolve()
        if resolved == published or published in resolved.parents:
            raise KeyFileError(
                f"{path}: a signing key must not live under {root / folder} (it is published): "
                f"set {KEY_DIR_VARIABLE} to a private folder, e.g. ~/.config/livep2f"
            )


def legacy_files(root: Path) -> KeyFiles:
    """Where keys lived before they moved out of the repository."""
    return key_files(root / LEGACY_FOLDER, DEFAULT_NAME)


def legacy_hint(root: Path, folder: Path) -> str:
    """How to move a key left at the old in-repository place; empty when there is none."""
    old = legacy_files(root)
    if not old.private.exists():
        return ""
    return (
        f"{old.private} is inside the repository (the old default): move it out with "
        f"`mkdir -p -m 700 {folder} && mv {old.private} {old.public} {folder}/`"
    )


def create_keypair(files: KeyFiles, force: bool = False) -> bytes:
    """Write a new key pair to ``files``; return its public key.

    The folder is created 0700; the private file 0600 and the public one 0644 from the start.
    Without ``force`` an existing pair is never touched (``KeyFileError``); with it the new files
    replace the old ones only once fully written.
    """
    folder = files.private.parent
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    if not force and (files.private.exists() or files.public.exists()):
        raise KeyFileError(f"{files.private} exists: kept (use --force to replace it)")
    private, public = trust.generate_keypair()
    encoded = {files.private: private, files.public: public}
    modes = {files.private: PRIVATE_MODE, files.public: PUBLIC_MODE}
    written: list[Path] = []
    try:
        for path in (files.private, files.public):
            temporary = path.with_name(f".{path.name}.new-{os.getpid()}")
            temporary.unlink(missing_ok=True)
            _create(temporary, _encode(encoded[path]), modes[path])
            written.append(temporary)
        for temporary, path in zip(written, (files.private, files.public), strict=True):
            os.replace(temporary, path)
    finally:
        for temporary in written:
            temporary.unlink(missing_ok=True)
    return public


def _encode(key: bytes) -> bytes:
    return base64.b64encode(key) + b"\n"


def _create(path: Path, data: bytes, mode: int) -> None:
    """Create ``path`` with ``mode`` (never through a symlink, never over a file)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    descriptor = os.open(path, flags, mode)
    try:
        os.fchmod(descriptor, mode)  # a umask can only remove bits; this makes it exact
        os.write(descriptor, data)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def load_private_key(path: Path, warn: Warn) -> bytes:
    """Read a private key file; ``warn`` one line if group or others can read it.

    Raises ``KeyFileError`` (naming the file and what to do) when it is missing, a symlink, not a
    regular file or not an ed25519 key.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        raise KeyFileError(f"{path}: no signing key: run `invoke keygen` first") from None
    except OSError as error:
        raise KeyFileError(
            f"{path}: cannot open the signing key ({error.strerror}): "
            "it must be a regular file, not a symlink"
        ) from None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise KeyFileError(f"{path}: the signing key must be a regular file")
        data = os.read(descriptor, 4096)
    finally:
        os.close(descriptor)
    for place, mode in ((path, status.st_mode), (path.parent, path.parent.stat().st_mode)):
        if mode & 0o077:
            warn(
                f"warning: {place} can be read by group or others (mode "
                f"{stat.S_IMODE(mode):04o}): run `chmod {'700' if place != path else '600'} "
                f"{place}`"
            )
    key = _decode(data, path)
    trust.public_key_of(key)  # a valid ed25519 private key, or ValueError
    return key


def load_public_key(path: Path) -> bytes:
    """Read a public key file written by ``create_keypair``."""
    try:
        return _decode(path.read_bytes(), path)
    except FileNotFoundError:
        raise KeyFileError(f"{path}: no public key: run `invoke keygen` first") from None


def _decode(data: bytes, path: Path) -> bytes:
    try:
        key = base64.b64decode(data.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise KeyFileError(f"{path}: not a base64 ed25519 key") from None
    if len(key) != trust.KEY_SIZE:
        raise KeyFileError(f"{path}: an ed25519 key is {trust.KEY_SIZE} bytes, got {len(key)}")
    return key
