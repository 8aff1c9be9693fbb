"""The wiring behind ``invoke keygen | publish | releases | rollback``: adapters chosen here.

Each function reads the clock and the environment once, builds the store from ``--to``, runs
the pure-core-plus-store code, and turns our errors into one line on stderr and exit code 1.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from p2f_player.contract import trust
from p2f_publish import publish as publishing
from p2f_publish import releases
from p2f_publish.errors import PublishError
from p2f_publish.stores import store_from_url

PRIVATE_KEY = Path("keys/kiosk.key")
PUBLIC_KEY = Path("keys/kiosk.pub")
DEFAULT_STORE = Path("build/store")
DEFAULT_KEEP = 10


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _run(action: Callable[[], Any]) -> Any:
    try:
        return action()
    except (PublishError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(1) from None


def keygen(root: Path, force: bool = False) -> None:
    """Create ``keys/kiosk.key`` (private, never in git) and ``keys/kiosk.pub``."""
    private_path, public_path = root / PRIVATE_KEY, root / PUBLIC_KEY
    if private_path.exists() and not force:
        print(f"{private_path} exists: kept (use --force to replace it; every player must then")
        print(f"  be given the new {public_path})")
        return
    private, public = trust.generate_keypair()
    trust.write_key(private_path, private, private=True)
    trust.write_key(public_path, public, private=False)
    print(f"wrote {private_path} (secret) and {public_path} (key id {trust.key_id(public)})")


def _private_key(root: Path, key: str | None) -> bytes:
    path = Path(key) if key else root / PRIVATE_KEY
    if not path.exists():
        raise PublishError(f"{path}: no signing key: run `invoke keygen` first")
    return trust.load_private_key(path)


def publish(
    root: Path, to: str, key: str | None = None, website: bool = True, keep: int = DEFAULT_KEEP
) -> None:
    """Publish ``build/kiosk`` (and ``build/site``) to ``to`` and print the summary last."""

    def action() -> None:
        store = store_from_url(to or os.environ.get("P2F_STORE", ""), root / DEFAULT_STORE)
        summary = publishing.publish(
            store,
            root / "build" / "kiosk",
            root / "build" / "site" if website else None,
            _private_key(root, key),
            _now(),
        )
        if keep > 0:
            releases.prune(store, keep)
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
        new_id = releases.rollback(store, _private_key(root, key), _now(), release, site)
        print(f"rollback {new_id}: done")

    _run(action)
