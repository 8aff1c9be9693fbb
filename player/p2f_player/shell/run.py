"""Wire a ``Player`` to the kiosk window, and ``python -m p2f_player.shell``.

``run_window`` is what ``p2f-player run --window [--nfc PATH]`` calls once the CLI has built the
configuration, store, source, key and journal (exactly as for the headless ``run``). It adds
the local bundle server, the window, the NFC tag, the inbox and systemd's watchdog, runs the
player in a thread (pywebview owns the main thread) and tears everything down on exit.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
import threading
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from p2f_player.app import Clock, SystemClock
from p2f_player.config import PlayerConfig, load_config
from p2f_player.contract import trust
from p2f_player.contract.rules import PARIS
from p2f_player.errors import ConfigError
from p2f_player.journal import Journal
from p2f_player.shell import flags
from p2f_player.shell.control import ControlServer, MovableClock
from p2f_player.shell.inbox import Inbox
from p2f_player.shell.nfc import NfcTag
from p2f_player.shell.playtime import GeneratedPages, PlayTime
from p2f_player.shell.sdnotify import Notifier
from p2f_player.shell.server import BundleServer
from p2f_player.shell.veille import KioskPlayer
from p2f_player.shell.window import KioskWindow, ShellSettings
from p2f_player.sources import Source, open_source
from p2f_player.store import Store
from p2f_player.sync import Syncer, load_playable

log = logging.getLogger("p2f_player.shell")
EXIT_CONFIG = 2


@dataclass(frozen=True)
class WindowOptions:
    nfc: str | None = None  # nfcpy path of the reader; None: no NFC hand-off
    inbox: Path | None = None  # folder watched for releases dropped by a technician
    idle_s: float = 60.0
    fullscreen: bool = True
    duration_s: float | None = None  # stop after this much player time (tests, bench)
    control_port: int | None = None  # tests and diagnosis only (see control.py)
    screenshot_min: float = 15.0  # a screenshot goes with the heartbeat at most this often
    engine: str = flags.DEFAULT  # the web engine's flags profile (flags.py)


def releases_of(store: Store) -> dict[str, Path]:
    """The releases the page may load: ``current`` and ``previous`` (a fade may straddle both)."""
    found = {}
    for link in ("current", "previous"):
        release = store.release(link)
        if release is not None:
            found[release.name] = release.path
    return found


def run_window(
    config: PlayerConfig,
    store: Store,
    source: Source,
    key: bytes | tuple[bytes, ...],
    journal: Journal,
    clock: Clock,
    options: WindowOptions,
    env: Mapping[str, str] | None = None,
) -> int:
    import webview  # optional dependency (extra "window"): imported where used

    def emit(kind: str, data: Mapping[str, Any]) -> None:
        journal.append(kind, clock.now(), data)

    # the engine's process model and flags (flags.py), read by Qt when the engine starts
    os.environ.update(flags.apply(os.environ, options.engine))
    flags.tune_malloc(options.engine)
    log.info("web engine: profile %s, flags %s", options.engine, os.environ[flags.ENV])
    trim_s = flags.profile(options.engine).trim_s
    if trim_s > 0:
        threading.Thread(target=trim_every, args=(trim_s,), name="malloc-trim", daemon=True).start()
    # pages drawn at play time (the now board): a fresh folder of the window's own, never a
    # release folder (those are verified and immutable); gone at exit
    generated = Path(tempfile.mkdtemp(prefix="p2f-generated-"))
    server = BundleServer(lambda: releases_of(store), generated=generated).start()
    notifier = Notifier(env)
    first_beat = threading.Event()

    def heartbeat() -> None:
        if not first_beat.is_set():
            first_beat.set()
            notifier.notify("READY=1")
        notifier.notify("WATCHDOG=1")

    current = load_playable(store, key)
    site = current.document["site"] if current else {}
    settings = ShellSettings(
        site_name=str(site.get("name", config.site)),
        idle_s=options.idle_s,
        fullscreen=options.fullscreen,
        width=int(site.get("width", 1080)),
        height=int(site.get("height", 1920)),
        single_frame=flags.profile(options.engine).single_frame,
        http_cache=flags.profile(options.engine).http_cache,
        pressure=flags.profile(options.engine).pressure,
        pressure_s=flags.profile(options.engine).pressure_s,
    )
    shell = KioskWindow(
        server.origin,
        settings,
        clock,
        journal,
        on_heartbeat=heartbeat,
        content_origin=server.content_origin,
        releases=lambda: releases_of(store),
        playtime=PlayTime(GeneratedPages(generated)),
    )
    player = KioskPlayer(
        shell=shell,
        screenshot_s=options.screenshot_min * 60,
        site=config.site,
        device=config.device_id,
        store=store,
        syncer=Syncer(config.site, source, store, key, emit=emit),
        journal=journal,
        telemetry=source,
        public_key=key,
        clock=clock,
        **config.loop_timings(),
        display=shell.display,
    )
    tag = None
    if options.nfc:
        tag = NfcTag(
            options.nfc,
            link=lambda: shell.screen.link,
            on_tap=lambda url: journal.append("nfc_tap", clock.now(), {"link": url}),
        ).start()
    inbox = None
    if options.inbox is not None:
        inbox = Inbox(options.inbox, config.site, store, key, clock.now, emit=emit).start()
    control = None
    if options.control_port is not None:
        movable = clock if isinstance(clock, MovableClock) else None
        control = ControlServer(shell, movable, options.control_port).start()
        log.info("control port 127.0.0.1:%d (tests and diagnosis)", control.port)
    window = shell.create()
    window.events.closed += player.stop.set

    def play() -> None:
        try:
            player.run(options.duration_s)
        finally:
            window.destroy()

    try:
        webview.start(play, gui="qt", debug=False, private_mode=True)
    finally:
        player.stop.set()
        for part in (control, inbox, tag, server):
            if part is not None:
                part.close()
        shutil.rmtree(generated, ignore_errors=True)
    return 0


SHELL_KEYS = {"nfc": str, "inbox": Path, "idle_s": float, "screenshot_min": float, "engine": str}


def trim_every(seconds: float) -> None:
    """``flags.trim_malloc`` every ``seconds``, for the process's life (a daemon thread)."""
    stop = threading.Event()
    while not stop.wait(seconds):
        flags.trim_malloc()


def file_options(file: Path | None) -> dict[str, Any]:
    """The ``[shell]`` table of the player's TOML file (``nfc``, ``inbox``, ``idle_s``, ...).

    ``load_config`` reads only the ``[player]`` table, so the window's settings live beside it.
    Raises ``ConfigError`` naming the file and the setting.
    """
    if file is None:
        return {}
    try:
        table = tomllib.loads(file.read_text(encoding="utf-8")).get("shell", {})
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{file}: {error}") from None
    unknown = sorted(set(table) - set(SHELL_KEYS))
    if unknown:
        raise ConfigError(f"{file}: [shell] {unknown[0]}: unknown (known: {', '.join(SHELL_KEYS)})")
    try:
        return {name: SHELL_KEYS[name](value) for name, value in table.items()}
    except (TypeError, ValueError) as error:
        raise ConfigError(f"{file}: [shell]: {error}") from None


def options_for(
    config_file: Path | None, nfc: str | None = None, duration_s: float | None = None
) -> WindowOptions:
    """The window's options for ``p2f-player run --window``: the command line over ``[shell]``."""
    if config_file is None and Path("/etc/p2f-player.toml").is_file():
        config_file = Path("/etc/p2f-player.toml")
    in_file = file_options(config_file)
    options = WindowOptions(
        nfc=nfc or in_file.get("nfc"),
        inbox=in_file.get("inbox"),
        idle_s=in_file.get("idle_s", 60.0),
        duration_s=duration_s,
        screenshot_min=in_file.get("screenshot_min", 15.0),
        engine=engine_of(in_file, os.environ, file=config_file),
    )
    ShellSettings(idle_s=options.idle_s)  # validates the value before anything starts
    return options


def engine_of(
    in_file: Mapping[str, Any],
    environ: Mapping[str, str],
    given: str | None = None,
    file: Path | None = None,
) -> str:
    """The engine profile: ``--engine``, else ``P2F_ENGINE``, else ``[shell] engine`` of
    ``file``, else the default; raises ``ConfigError`` naming where an unknown one was set."""
    for where, engine in (
        ("--engine", given),
        ("P2F_ENGINE", environ.get("P2F_ENGINE")),
        (f"{file}: [shell] engine", in_file.get("engine")),
    ):
        if engine:
            if engine not in flags.PROFILES:
                known = ", ".join(sorted(flags.PROFILES))
                raise ConfigError(f"{where}: {engine!r} unknown: use one of {known}")
            return str(engine)
    return flags.DEFAULT


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m p2f_player.shell", description="livep2f kiosk window"
    )
    parser.add_argument("--config", type=Path, help="TOML file (default /etc/p2f-player.toml)")
    parser.add_argument("--site")
    parser.add_argument("--source", help="s3://bucket/prefix, https://..., file:///...")
    parser.add_argument("--public-key", dest="public_key")
    parser.add_argument("--cache")
    parser.add_argument("--endpoint-url", dest="endpoint_url")
    parser.add_argument("--nfc", help="nfcpy reader path: usb:054c:06c3, tty:USB0:pn532, udp:...")
    parser.add_argument("--inbox", type=Path, help="folder where a technician drops a release")
    parser.add_argument("--idle", type=float, help="seconds before touch mode ends (default 60)")
    parser.add_argument(
        "--screenshot-min", type=float, dest="screenshot_min", help="minutes between screenshots"
    )
    parser.add_argument("--engine", help="web engine profile: lean (default), qt, ...")
    parser.add_argument("--windowed", action="store_true", help="not full screen (development)")
    parser.add_argument("--duration", type=float, help="stop after this many seconds")
    parser.add_argument("--from", dest="start", help="simulated local Paris time to start at")
    parser.add_argument("--speed", type=float, default=1.0, help="simulated clock speed")
    parser.add_argument("--control-port", type=int, dest="control_port", help=argparse.SUPPRESS)
    parser.add_argument("-v", "--verbose", action="store_true")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    config_file = args.config
    if config_file is None and Path("/etc/p2f-player.toml").is_file():
        config_file = Path("/etc/p2f-player.toml")
    overrides = {
        k: getattr(args, k) for k in ("site", "source", "public_key", "cache", "endpoint_url")
    }
    try:
        config = load_config(config_file, os.environ, overrides)
        key = trust.load_public_keys(config.public_key)  # every pinned key (rotation)
        source = open_source(config.source, config.endpoint_url)
        in_file = file_options(config_file)
        options = WindowOptions(
            nfc=args.nfc or in_file.get("nfc"),
            inbox=args.inbox or in_file.get("inbox"),
            idle_s=args.idle or in_file.get("idle_s", 60.0),
            fullscreen=not args.windowed,
            duration_s=args.duration,
            control_port=args.control_port,
            screenshot_min=args.screenshot_min or in_file.get("screenshot_min", 15.0),
            engine=engine_of(in_file, os.environ, args.engine, config_file),
        )
        ShellSettings(idle_s=options.idle_s)  # validates the value before anything starts
    except (ConfigError, ValueError, OSError) as error:
        print(f"p2f-player: configuration: {error}", file=sys.stderr)
        return EXIT_CONFIG
    clock: Clock = SystemClock()
    if args.start or args.speed != 1.0 or args.control_port is not None:
        start = datetime.fromisoformat(args.start) if args.start else datetime.now(UTC)
        clock = MovableClock(
            start.replace(tzinfo=PARIS) if start.tzinfo is None else start, args.speed
        )
    store = Store(config.cache, reserve_bytes=config.reserve_mb * 1024 * 1024)
    journal = Journal(
        config.cache / "journal.sqlite", config.site, config.device_id, config.journal_max_rows
    )
    try:
        return run_window(config, store, source, key, journal, clock, options)
    finally:
        journal.close()
