"""``p2f-player``: run | sync --once | status | simulate | reset-trust.

Exit codes: 0 fine; 1 a release was refused or not taken this time (bad copy of a file,
expired), or the disk is full (the reason is printed); 2 the configuration is invalid; 3 the
source could not be reached (nothing published, or offline): the old release, if any, stays in
place; 4 ``simulate --check`` found a booked sponsor under-delivered.

``reset-trust --yes`` is the technician's way out when a screen holds a release it must not
keep trusting as the newest (e.g. one signed by mistake with a huge counter): it forgets the
releases held and the refusal records, so the next sync takes the newest validly signed release
whatever its counter (docs/player.md).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from p2f_player import simulate as simulation
from p2f_player.app import Player, ScaledClock, SystemClock
from p2f_player.config import PlayerConfig, load_config
from p2f_player.contract import trust
from p2f_player.contract.manifest import ManifestError, expand_parts, form_of
from p2f_player.contract.rules import PARIS
from p2f_player.contract.validation import loads, validate_manifest
from p2f_player.errors import ConfigError, TransportError
from p2f_player.journal import Journal
from p2f_player.scheduler import Plan
from p2f_player.sources import FolderSource, Source, open_source
from p2f_player.store import Store
from p2f_player.sync import Syncer, load_playable, manifest_key, object_key, sync_lock

EXIT_REFUSED, EXIT_CONFIG, EXIT_OFFLINE, EXIT_UNDER_DELIVERED = 1, 2, 3, 4


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config", type=Path, help="TOML file (default /etc/p2f-player.toml if present)"
    )
    common.add_argument("--site", help="site id, e.g. gare")
    common.add_argument("--source", help="s3://bucket/prefix, https://..., http://..., file:///...")
    common.add_argument(
        "--public-key",
        dest="public_key",
        action="append",
        help="pinned ed25519 public key (base64 file); repeat it to pin several (key rotation)",
    )
    common.add_argument("--cache", help="local state folder (default /var/lib/p2f-player)")
    common.add_argument("--endpoint-url", dest="endpoint_url", help="S3-compatible endpoint")
    common.add_argument("-v", "--verbose", action="store_true")
    parser = argparse.ArgumentParser(prog="p2f-player", description="livep2f kiosk player")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", parents=[common], help="play (headless: logs each slide)")
    run.add_argument("--duration", type=float, help="stop after this many seconds (player time)")
    run.add_argument(
        "--speed", type=float, default=1.0, help="run the clock N times faster (tests, bench)"
    )
    run.add_argument(
        "--window", action="store_true", help="show the kiosk window (pywebview, Qt WebEngine)"
    )
    run.add_argument(
        "--nfc", help="NFC reader (nfcpy path): usb:054c:06c3, tty:USB0:pn532, udp:127.0.0.1:PORT"
    )
    sync = commands.add_parser("sync", parents=[common], help="fetch and verify the newest release")
    sync.add_argument("--once", action="store_true", required=True, help="one poll, then exit")
    commands.add_parser("status", parents=[common], help="what this screen holds and did last")
    reset = commands.add_parser(
        "reset-trust",
        parents=[common],
        help="forget the releases held and the refusals: the next sync takes any signed release",
    )
    reset.add_argument("--yes", action="store_true", required=True, help="yes, reset the trust")
    sim = commands.add_parser(
        "simulate", parents=[common], help="what would play, minute by minute"
    )
    sim.add_argument(
        "--from", dest="start", required=True, help="local Paris time, 2026-07-14T06:00"
    )
    sim.add_argument("--hours", type=float, default=24.0)
    sim.add_argument("--manifest", type=Path, help="a manifest or signed envelope file to preview")
    sim.add_argument("--json", action="store_true", help="machine-readable output")
    sim.add_argument(
        "--check",
        action="store_true",
        help=f"exit {EXIT_UNDER_DELIVERED} when a booked sponsor is under-delivered (for CI)",
    )
    sim.add_argument(
        "--threshold",
        type=float,
        default=0.05,
        help="with --check: the shortfall allowed, relative to the booking (default 0.05)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose or args.command == "run" else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    config_file = args.config
    if config_file is None and Path("/etc/p2f-player.toml").is_file():
        config_file = Path("/etc/p2f-player.toml")
    overrides = {
        k: getattr(args, k, None) for k in ("site", "source", "public_key", "cache", "endpoint_url")
    }
    needs_source = args.command != "simulate" or args.manifest is None
    try:
        if not needs_source:
            overrides.setdefault("source", None)
            overrides["source"] = overrides["source"] or "file:///nonexistent"
            overrides["public_key"] = overrides["public_key"] or "-"
        config = load_config(config_file, os.environ, overrides)
        key = trust.load_public_keys(config.public_key) if needs_source else ()
        source = open_source(config.source, config.endpoint_url) if needs_source else None
    except (ConfigError, ValueError) as error:
        print(f"p2f-player: configuration: {error}", file=sys.stderr)
        return EXIT_CONFIG
    if args.command == "simulate":
        return simulate(args, config, source, key)
    store = Store(config.cache, reserve_bytes=config.reserve_mb * 1024 * 1024)
    assert source is not None
    if args.command == "status":
        return status(config, store)
    if args.command == "reset-trust":
        return reset_trust(store)
    journal = Journal(
        config.cache / "journal.sqlite", config.site, config.device_id, config.journal_max_rows
    )
    try:
        if args.command == "sync":
            return sync_once(config, store, source, key, journal)
        return run(args, config, store, source, key, journal)
    finally:
        journal.close()


def sync_once(
    config: PlayerConfig, store: Store, source: Source, key: tuple[bytes, ...], journal: Journal
) -> int:
    store.recover()
    syncer = Syncer(
        config.site, source, store, key, emit=lambda kind, data: journal.append(kind, _now(), data)
    )
    result = syncer.sync_once(_now())
    print(json.dumps(result.to_json(), sort_keys=True))
    if result.ok:
        return 0
    print(f"p2f-player: sync {result.status}: {result.reason}", file=sys.stderr)
    return EXIT_REFUSED if result.status in ("refused", "retry", "full") else EXIT_OFFLINE


def run(
    args: argparse.Namespace,
    config: PlayerConfig,
    store: Store,
    source: Source,
    key: tuple[bytes, ...],
    journal: Journal,
) -> int:
    clock = ScaledClock(_now(), args.speed) if args.speed != 1.0 else SystemClock()
    if args.window:
        from p2f_player.shell.run import options_for, run_window  # extra "window"

        try:
            options = options_for(args.config, args.nfc, args.duration)
        except (ConfigError, ValueError) as error:
            print(f"p2f-player: configuration: {error}", file=sys.stderr)
            return EXIT_CONFIG
        return run_window(config, store, source, key, journal, clock, options)
    syncer = Syncer(
        config.site,
        source,
        store,
        key,
        emit=lambda kind, data: journal.append(kind, clock.now(), data),
    )
    player = Player(
        site=config.site,
        device=config.device_id,
        store=store,
        syncer=syncer,
        journal=journal,
        telemetry=source,
        public_key=key,
        clock=clock,
        **config.loop_timings(),
    )
    try:
        player.run(args.duration)
    except KeyboardInterrupt:
        player.stop.set()
    return 0


def status(config: PlayerConfig, store: Store) -> int:
    state = store.read_state()
    out: dict[str, Any] = {
        "site": config.site,
        "cache": str(config.cache),
        "current": (r.name if (r := store.release("current")) else None),
        "previous": (r.name if (r := store.release("previous")) else None),
        "last_sync": state.get("last_sync"),
        "last_good_sync": state.get("last_good_sync"),
        "refused": [
            reason
            for record in (state.get("sources") or {}).values()
            for reason in list((record.get("refused") or {}).values())[-3:]
        ],
        "disk_free_bytes": store.disk.free_bytes(store.root),
    }
    journal_path = config.cache / "journal.sqlite"
    if journal_path.exists():
        journal = Journal(journal_path, config.site, config.device_id)
        out["journal"] = journal.counts()
        journal.close()
    heartbeat = config.cache / "heartbeat.json"
    if heartbeat.exists():
        out["last_heartbeat"] = json.loads(heartbeat.read_bytes()).get("at")
    print(json.dumps(out, indent=1, sort_keys=True))
    return 0


def reset_trust(store: Store) -> int:
    """Forget ``current``/``previous`` and every source's refusals and ETag (under the sync
    lock). Verified objects stay: the next sync reuses them. Prints what was forgotten."""
    with sync_lock(store.root):
        forgotten = {}
        for link in ("current", "previous"):
            release = store.release(link)
            forgotten[link] = release.name if release else None
            (store.root / link).unlink(missing_ok=True)
        state = store.read_state()
        for key in ("sources", "refused", "refused_by", "etag"):  # old players kept them flat
            state.pop(key, None)
        store.write_state(state)
    print(json.dumps({"forgotten": forgotten}, sort_keys=True))
    print(
        "p2f-player: trust reset: the next sync takes the newest validly signed release "
        "(run 'p2f-player sync --once' now)",
        file=sys.stderr,
    )
    return 0


def simulate(
    args: argparse.Namespace, config: PlayerConfig, source: Source | None, key: tuple[bytes, ...]
) -> int:
    """Print what would play and each booked sponsor's booked and delivered shares (the
    logic is in ``p2f_player.simulate``)."""
    try:
        document = _simulation_manifest(args, config, source, key)
        plan = Plan.from_manifest(document)
        start = datetime.fromisoformat(args.start)
        if not 0 <= args.threshold < 1:
            raise ValueError(f"--threshold {args.threshold}: expected a share in 0..1")
    except (ManifestError, TransportError, ValueError, OSError) as error:
        print(f"p2f-player: simulate: {error}", file=sys.stderr)
        return EXIT_REFUSED
    start = start.replace(tzinfo=PARIS) if start.tzinfo is None else start
    result = simulation.simulate(plan, start, timedelta(hours=args.hours), document["site"])
    short = simulation.shortfalls(result, args.threshold)
    if args.json:
        print(json.dumps(result.to_json(), indent=1))
    else:
        print(
            f"site {plan.site.id}, release {plan.release_id}, from {start.isoformat()}, "
            f"{args.hours} h"
        )
        for minute in result.minutes:
            print(f"{minute['at']}  {minute['slide']} [{minute['lang']}]  {minute['reason']}")
        print("\nshare of screen time while on (booked):")
        for group, share in result.shares.items():
            booked = plan.sponsors.get(group)
            print(
                f"  {group:30s} {share * 100:6.2f} %"
                + (f"  (booked {booked * 100:.2f} %)" if booked else "")
            )
        print()
        for line in simulation.report_lines(result, plan.site.id, args.threshold):
            print(line)
    if args.check and short:
        names = ", ".join(f"{r.sponsor} ({r.delivered:.2%} of {r.booked:.2%})" for r in short)
        print(
            f"p2f-player: simulate --check: under-delivered by more than "
            f"{args.threshold:.0%}: {names}",
            file=sys.stderr,
        )
        return EXIT_UNDER_DELIVERED
    return 0


def _simulation_manifest(
    args: argparse.Namespace, config: PlayerConfig, source: Source | None, key: tuple[bytes, ...]
) -> dict[str, Any]:
    if args.manifest is not None:
        return _manifest_file(args.manifest)
    local = load_playable(Store(config.cache), key) if config.cache.exists() else None
    if local is not None:
        return local.document
    assert source is not None
    fetched = source.fetch(manifest_key(config.site))
    assert fetched is not None
    # A preview of the published release: the signature must hold, expiry does not matter.
    return expand_parts(trust.verify_signature(fetched.data, key), _object_reader(source))


def _manifest_file(path: Path) -> dict[str, Any]:
    """A manifest or signed envelope file to preview, strictly validated (its signature is
    not checked: a fresh build is not signed yet). A parts-form one is expanded from the
    ``objects/`` folder of the storage layout it sits in (``kiosk/<site>/manifest.json``)."""
    # the same reader as a folder source: a regular file, never a link, at most the manifest cap
    data = loads(_read_local(path.parent, path.name), str(path))
    document = data.get("signed", data) if isinstance(data, dict) else data
    document = validate_manifest(document)
    if form_of(document) == "full":
        return document
    objects = path.resolve().parent.parent.parent / "objects"
    if not objects.is_dir():
        raise ManifestError(
            f"{path}: a parts-form manifest needs its parts ({objects} is not a folder): "
            "preview the published release with --source instead"
        )
    return expand_parts(document, lambda sha: _read_local(objects, sha))


def _read_local(folder: Path, name: str) -> bytes:
    fetched = FolderSource(folder).fetch(name)
    assert fetched is not None  # no ETag was given, so the folder always answers with bytes
    return fetched.data


def _object_reader(source: Source) -> Callable[[str], bytes]:
    def read(sha: str) -> bytes:
        fetched = source.fetch(object_key(sha))
        if fetched is None:
            raise TransportError(f"objects/{sha[:12]}: unexpected 'not modified'")
        return fetched.data

    return read


def _now() -> datetime:
    return datetime.now(UTC)


if __name__ == "__main__":
    sys.exit(main())
