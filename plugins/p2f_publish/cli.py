"""The wiring behind ``invoke keygen | publish | releases | rollback``: adapters chosen here.

Each function reads the clock and the environment once, builds the store from ``--to``, runs
the pure-core-plus-store code, and turns our errors into one line on stderr and exit code 1.
Every command that writes to a store holds its publish lock (``lock``) while it does.
Key files live outside the repository (``keys``); ``keygen`` and ``publish`` say where.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from p2f_player.contract import trust
from p2f_publish import keys, policies, releases
from p2f_publish import publish as publishing
from p2f_publish.errors import PublishError
from p2f_publish.lock import Holder, holder, publish_lock
from p2f_publish.stores import Store, store_from_url

DEFAULT_STORE = Path("build/store")
DEFAULT_KEEP = 10


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _warn(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _run(action: Callable[[], Any]) -> Any:
    try:
        return action()
    except (PublishError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(1) from None


def _me(now: datetime) -> Holder:
    try:
        owner = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        owner = f"uid {os.getuid()}"
    return holder(owner, socket.gethostname(), os.getpid(), now)


def key_folder() -> Path:
    """The folder of the key files for this environment (``keys.key_dir``)."""
    return keys.key_dir(os.environ, Path.home())


def public_key_paths() -> list[Path]:
    """The public keys the local players pin (``invoke player-sync``, ``invoke kiosk``):
    every ``*.pub`` of the key folder, so a rotation in progress works; at least the current
    one (missing before ``invoke keygen``: the player then says so)."""
    current = keys.key_files(key_folder(), keys.key_name(os.environ)).public
    return sorted({current, *key_folder().glob("*.pub")})


def policy(name: str, bucket: str, prefix: str, site: str, device: str) -> None:
    """Print ``docs/policies/<name>.json`` filled in (``policies.render``)."""

    def action() -> None:
        if name not in policies.NAMES:
            raise PublishError(f"policy {name!r}: choose one of {', '.join(policies.NAMES)}")
        path = Path(__file__).resolve().parents[2] / "docs" / "policies" / f"{name}.json"
        text = path.read_text(encoding="utf-8")
        document = policies.render(text, bucket=bucket, prefix=prefix, site=site, device=device)
        print(json.dumps(document, indent=2))

    _run(action)


def keygen(root: Path, force: bool = False, name: str | None = None) -> None:
    """Create ``<key folder>/<name>.key`` (private, 0600) and ``<name>.pub``; say where."""

    def action() -> None:
        folder = key_folder()
        keys.refuse_published_place(folder, root)
        files = keys.key_files(folder, name or keys.key_name(os.environ))
        hint = keys.legacy_hint(root, folder)
        if hint and files.name == keys.DEFAULT_NAME and not files.private.exists():
            raise PublishError(f"{hint}; a new key would not be trusted by the players")
        if files.private.exists() and not force:
            public = keys.load_public_key(files.public)
            print(f"signing key: {files.private} (key id {trust.key_id(public)}): kept")
            print("  to rotate it, create a second key: invoke keygen --name kiosk-YYYY")
            print("  (docs/publishing.md, 'Key rotation'); --force replaces it in place")
            return
        public = keys.create_keypair(files, force=force)
        print(f"wrote {files.private} (secret, mode 0600; folder {folder}, mode 0700)")
        print(f"  and {files.public} (key id {trust.key_id(public)})")
        print(f"  every player pins {files.public} (--public-key, or public_key in its config)")

    _run(action)


def signing_key(root: Path, key: str | None) -> tuple[bytes, Path]:
    """The private key for ``--key`` (a path or a key name; default: the current key)."""
    folder = key_folder()
    path = keys.private_key_path(key, folder, keys.key_name(os.environ))
    keys.refuse_published_place(path, root)
    if not path.exists():
        hint = keys.legacy_hint(root, folder)
        raise PublishError(
            f"{path}: no signing key: "
            + (hint or f"run `invoke keygen` (or set {keys.KEY_DIR_VARIABLE})")
        )
    return keys.load_private_key(path, _warn), path


def build_outputs(build: Path, website: bool) -> tuple[Path, Path | None]:
    """``build/kiosk`` and ``build/site`` resolved once, so a build that finishes during the
    publish cannot mix two builds; refused if they do not come from one build."""
    kiosk, site = (build / "kiosk").resolve(), (build / "site").resolve()
    if site.parent != kiosk.parent:
        raise PublishError(
            f"{build}: site/ ({site}) and kiosk/ ({kiosk}) come from different builds: "
            "run `invoke build` again"
        )
    return kiosk, site if website else None


def publish_to(
    store: Store,
    kiosk_dir: Path,
    site_dir: Path | None,
    private_key: bytes,
    now: datetime,
    me: Holder,
    keep: int = DEFAULT_KEEP,
    say: Callable[[str], None] = print,
) -> publishing.Summary:
    """Publish and prune under the store's lock. Raises ``PublishLocked`` if it is taken."""
    with publish_lock(store, me, now, say):
        summary = publishing.publish(store, kiosk_dir, site_dir, private_key, now, say=say)
        if keep > 0:
            releases.prune(store, keep, say)
    return summary


def publish(
    root: Path, to: str, key: str | None = None, website: bool = True, keep: int = DEFAULT_KEEP
) -> None:
    """Publish ``build/kiosk`` (and ``build/site``) to ``to`` and print the summary last."""

    def action() -> None:
        store = store_from_url(to or os.environ.get("P2F_STORE", ""), root / DEFAULT_STORE)
        private, path = signing_key(root, key)
        print(f"signing with {path} (key id {trust.key_id(trust.public_key_of(private))})")
        kiosk_dir, site_dir = build_outputs(root / "build", website)
        now = _now()
        summary = publish_to(store, kiosk_dir, site_dir, private, now, _me(now), keep)
        print(summary.line())

    _run(action)


def list_releases(root: Path, to: str) -> None:
    def action() -> None:
        store = store_from_url(to, root / DEFAULT_STORE)
        lines = releases.list_releases(store)
        print("\n".join(lines) if lines else f"no release in {store.url}")

    _run(action)


def rollback(root: Path, to: str, release: str | None, site: str | None, key: str | None) -> None:
    def action() -> None:
        store = store_from_url(to, root / DEFAULT_STORE)
        private, path = signing_key(root, key)
        print(f"signing with {path} (key id {trust.key_id(trust.public_key_of(private))})")
        now = _now()
        with publish_lock(store, _me(now), now):
            new_id = releases.rollback(store, private, now, release, site)
        print(f"rollback {new_id}: done")

    _run(action)
