"""The kiosk window's memory over time, by process kind, and the engine options compared.

    .venv/bin/python bench/kiosk_bench.py --minutes 60 [--speed 20] [--every 60]
    .venv/bin/python bench/kiosk_bench.py --minutes 4 --compare    # each engine profile in turn

Starts an X server (Xvfb, 1080x1920) and the real window (``python -m p2f_player.shell``, Qt
WebEngine) on a copy of a built bundle (``build/kiosk/gare`` by default: every slide of the
kiosk v2 build, re-signed with a throw-away key, all windows opened) with the player's clock
``--speed`` times faster (20: a 20-second slide every second of wall time). Every ``--every``
seconds it sums, over the player's whole process tree (Python + Qt, the web engine's renderer,
GPU, zygote and utility processes, the NFC child), the RSS (``/proc/PID/status``) and the PSS
(``/proc/PID/smaps_rollup``: shared pages divided among the processes sharing them, so the
libraries mapped by both the player and the renderer count once) and prints a table: minutes,
totals, RSS per process kind, number of processes.

``--engine NAME`` picks the player's engine profile (``shell/flags.py``; ``--flags`` adds raw
Chromium flags on top); ``--compare`` runs each profile for ``--minutes`` and prints one line
each. The figures before this work (issue 14: 714-788 MB, whole tree RSS) are printed beside the
new ones. Figures only, no assertion; load average printed (the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from p2f_player.shell.flags import PROFILES  # noqa: E402
from tests.shell.conftest import (  # noqa: E402  (the test helpers sign and start the window)
    Bundle,
    builds_folder,
    start_kiosk,
    start_xvfb,
    stop_kiosk,
)

BEFORE = (  # earlier figures, whole tree, printed beside the new ones (docs/player.md)
    ("issue 14", "RSS 714-788 MB (10 min, 3-slide bundle, Qt defaults + gc every 2 s)"),
    ("lean-plain", "RSS 414-515 (median 497) | PSS 292-465 (the hour, gare bundle, wave 2)"),
)
KINDS = ("main", "renderer", "gpu-process", "zygote", "utility", "nfc", "other")


@dataclass
class Sample:
    minute: float
    rss: dict[str, float]  # MB per process kind
    pss: float  # MB, whole tree
    count: dict[str, int]

    @property
    def total(self) -> float:
        return sum(self.rss.values())


def tree(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def engine_type(pid: int) -> str | None:
    """The ``--type=`` of a web engine process, ``""`` for another process, None if gone."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return None
    if b"p2f_player.shell.nfc" in argv:
        return "nfc"
    for arg in argv:
        if arg.startswith(b"--type="):
            return arg.split(b"=", 1)[1].decode()
    return ""


def kind_of(pid: int, root: int) -> str:
    """A renderer forked by the zygote keeps the zygote's command line: a zygote's child is one."""
    if pid == root:
        return "main"
    kind = engine_type(pid)
    if kind == "zygote":
        try:
            parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            parent = 0
        if engine_type(parent) == "zygote":
            return "renderer"
    return kind if kind in KINDS else "other"


def field_kb(path: str, name: str) -> int:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(name):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def sample(root: int, minute: float) -> Sample:
    rss = dict.fromkeys(KINDS, 0.0)
    count = dict.fromkeys(KINDS, 0)
    pss = 0.0
    for pid in tree(root):
        kind = kind_of(pid, root)
        rss[kind] += field_kb(f"/proc/{pid}/status", "VmRSS:") / 1024
        pss += field_kb(f"/proc/{pid}/smaps_rollup", "Pss:") / 1024
        count[kind] += 1
    return Sample(minute, rss, pss, count)


PARTS = ("anon", "heap", "shared", "libs", "other")


def breakdown(pid: int) -> dict[str, float]:
    """A process's RSS in MB by kind of mapping (``/proc/PID/smaps``): ``anon`` (malloc arenas,
    V8 and Chromium heaps, thread stacks), ``heap`` (malloc's main heap, ``[heap]``), ``shared``
    (shared memory: Chromium's decoded images and raster tiles, ``memfd:``, ``/dev/shm``),
    ``libs`` (file-backed code and data: Qt WebEngine's library), ``other``."""
    parts = dict.fromkeys(PARTS, 0.0)
    part = "other"
    try:
        lines = Path(f"/proc/{pid}/smaps").read_text().splitlines()
    except OSError:
        return parts
    for line in lines:
        fields = line.split()
        if not fields:
            continue
        if not fields[0].endswith(":") or "-" in fields[0]:  # a mapping's header line
            name = " ".join(fields[5:])
            if name == "[heap]":
                part = "heap"
            elif not name or name.startswith("[anon") or name.startswith("[stack"):
                part = "anon"
            elif "memfd:" in name or name.startswith(("/dev/shm", "/SYSV")) or "(deleted)" in name:
                part = "shared"
            elif name.startswith("/"):
                part = "libs"
            else:
                part = "other"
        elif fields[0] == "Rss:":
            parts[part] += int(fields[1]) / 1024
    return parts


def header() -> str:
    kinds = " ".join(f"{k[:8]:>8}" for k in KINDS)
    return f"{'min':>5} {'RSS MB':>7} {'PSS MB':>7} | {kinds} | procs"


def row(s: Sample) -> str:
    kinds = " ".join(f"{s.rss[k]:8.0f}" for k in KINDS)
    return f"{s.minute:5.1f} {s.total:7.0f} {s.pss:7.0f} | {kinds} | {sum(s.count.values()):5d}"


UNIFORM = {"duration_s": 20, "priority": 50, "weight": 1.0}


def bench_bundle(tmp: Path, built: Path, uniform: bool = False) -> Bundle:
    """Every slide of the built bundle at ``built``, re-signed with a key of the bench's own;
    ``uniform``: every slide with the same rules (all 96 in turn, not the built priorities)."""
    from p2f_player.contract import trust

    site = built.name
    copy = builds_folder(tmp) / site
    shutil.copytree(built, copy)
    document = json.loads((copy / "manifest.json").read_bytes())
    slides = [dict(s, window=None, interrupt=False) for s in document["slides"]]
    if uniform:
        slides = [dict(s, rules=dict(UNIFORM, sites=s["rules"].get("sites"))) for s in slides]
        slides = [
            dict(s, rules={k: v for k, v in s["rules"].items() if v is not None}) for s in slides
        ]
    private, public = trust.generate_keypair()
    key = tmp / "kiosk.pub"
    trust.write_key(key, public, private=False)
    document = dict(
        document,
        slides=slides,
        release={
            "id": "bench-1",
            "counter": 1,
            "created": "2026-11-30T10:00:00+01:00",
            "expires": "2026-12-15T10:00:00+01:00",
        },
    )
    bundle = Bundle(site, tmp / "bucket", key, private, copy, document)
    bundle.document = bundle.publish(1)
    return bundle


def run(args: argparse.Namespace, engine: str, minutes: float) -> list[Sample]:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder) / "run"
        tmp.mkdir()
        xvfb, display = start_xvfb(1080, 1920)
        try:
            bundle = bench_bundle(tmp, args.bundle, args.uniform)
            env = {"P2F_ENGINE": engine}
            if args.flags:
                env["QTWEBENGINE_CHROMIUM_FLAGS"] = args.flags
            began = time.monotonic()
            kiosk = start_kiosk(tmp, bundle, display, idle_s=60, speed=args.speed, env=env)
            print(f"[{engine}] cold start to first slide: {time.monotonic() - began:.1f} s")
            reading = threading.Event()
            threading.Thread(target=read_notify, args=(kiosk.notify, reading), daemon=True).start()
            print(header(), flush=True)
            samples = [sample(kiosk.proc.pid, 0.0)]
            print(row(samples[-1]), flush=True)
            start, end = time.monotonic(), time.monotonic() + minutes * 60
            while time.monotonic() < end:
                time.sleep(min(args.every, max(0.0, end - time.monotonic())))
                samples.append(sample(kiosk.proc.pid, (time.monotonic() - start) / 60))
                print(row(samples[-1]), f"load {os.getloadavg()[0]:.1f}", flush=True)
            shown = kiosk.page()
            with sqlite3.connect(kiosk.cache / "journal.sqlite") as db:
                query = "SELECT count(*) FROM events WHERE kind = 'slide'"
                (played,) = db.execute(query).fetchone()
            print(
                f"[{engine}] slides played: {played} ({played / max(minutes, 0.01):.0f} a minute); "
                f"on screen at the end: {shown.get('shownId')}"
            )
            threads = len(list(Path(f"/proc/{kiosk.proc.pid}/task").iterdir()))
            for pid in tree(kiosk.proc.pid):
                parts = breakdown(pid)
                print(
                    f"[{engine}] {kind_of(pid, kiosk.proc.pid)} process, RSS MB by mapping: "
                    + ", ".join(f"{k} {v:.0f}" for k, v in parts.items())
                )
            print(f"[{engine}] threads in the player at the end: {threads}")
            reading.set()
            stop_kiosk(kiosk)
        finally:
            xvfb.terminate()
            xvfb.wait(timeout=10)
    return samples


def read_notify(sock: socket.socket, stop: threading.Event) -> None:
    """Read the player's sd_notify pings as systemd would (a reader that never reads fills the
    socket's queue; the player then drops its pings, see shell/sdnotify.py)."""
    while not stop.is_set():
        try:
            sock.recv(256)
        except TimeoutError:  # the socket's 0.2 s timeout
            continue
        except OSError:  # closed at the end
            return


# The engine probe: pywebview alone (no player) cycling the bundle's slides in two sandboxed
# frames with the shell's cross-fade, one a second; run with either backend's Python, so that
# the GTK WebKit engine (which the player cannot use: no request interception) can be weighed
# against Qt WebEngine on the same page.
PROBE_PAGE = """<!doctype html><meta charset="utf-8"><style>body{margin:0;background:#12263A}
iframe{position:fixed;inset:0;width:100%%;height:100%%;border:0;opacity:0;transition:opacity .6s}
iframe.on{opacity:1}</style><iframe sandbox></iframe><iframe sandbox></iframe><script>
var pages = %s, f = document.getElementsByTagName("iframe"), i = 0, front = 0;
setInterval(function () {
  var back = f[1 - front], old = f[front];
  back.onload = function () { back.onload = null; back.className = "on"; front = 1 - front;
    setTimeout(function () {
      old.className = ""; old.contentWindow.location.replace("about:blank"); }, 800); };
  back.contentWindow.location.replace("http://localhost:%d/" + pages[i++ %% pages.length]);
}, 1000);
</script>"""
PROBE = """import functools, http.server, sys, threading, webview
folder, port, gui, page = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=folder)
handler.log_message = lambda *a: None
server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
webview.create_window("probe", f"http://127.0.0.1:{port}/{page}", width=1080, height=1920)
webview.start(gui=gui, private_mode=True)
"""


def probe(args: argparse.Namespace, gui: str, python: str, engine: str) -> list[Sample]:
    """pywebview alone on the slides (see ``PROBE``), with ``gui`` ("qt" or "gtk")."""
    import subprocess

    from tests.shell.conftest import free_port

    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        shutil.copytree(args.bundle, site)
        pages = sorted(f"slides/{p.name}" for p in (site / "slides").glob("*.html"))
        port = free_port()
        (site / "probe.html").write_text(PROBE_PAGE % (json.dumps(pages), port), "utf-8")
        xvfb, display = start_xvfb(1080, 1920)
        env = dict(os.environ, DISPLAY=display.name, QTWEBENGINE_DISABLE_SANDBOX="1")
        if gui == "qt":
            from p2f_player.shell import flags

            env.update(flags.apply(env, engine))
        proc = subprocess.Popen(
            [python, "-c", PROBE, str(site), str(port), gui, "probe.html"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            print(f"[probe {gui} {engine if gui == 'qt' else ''}]", flush=True)
            print(header(), flush=True)
            samples, start = [], time.monotonic()
            end = start + args.minutes * 60
            while time.monotonic() < end and proc.poll() is None:
                time.sleep(min(args.every, max(0.0, end - time.monotonic())))
                samples.append(sample(proc.pid, (time.monotonic() - start) / 60))
                print(row(samples[-1]), f"load {os.getloadavg()[0]:.1f}", flush=True)
        finally:
            proc.terminate()
            proc.wait(timeout=20)
            xvfb.terminate()
            xvfb.wait(timeout=10)
    return samples


def summary(engine: str, samples: list[Sample]) -> str:
    steady = [s for s in samples if s.minute >= min(2.0, samples[-1].minute / 2)] or samples
    totals = [s.total for s in steady]
    ends = f"start {samples[0].total:.0f}, end {samples[-1].total:.0f}, max {max(totals):.0f}"
    pss = [s.pss for s in steady]
    return (
        f"{engine:>20} | RSS {min(totals):5.0f}-{max(totals):5.0f} (median "
        f"{statistics.median(totals):5.0f}) | PSS {min(pss):5.0f}-{max(pss):5.0f} | "
        f"processes {sum(steady[-1].count.values())} | last - first steady "
        f"{steady[-1].total - steady[0].total:+.0f} MB | {ends}"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--speed", type=float, default=20.0)
    parser.add_argument("--every", type=float, default=60.0, help="seconds between samples")
    parser.add_argument("--engine", default="lean", choices=sorted(PROFILES))
    parser.add_argument("--flags", default="", help="raw Chromium flags added by the bench")
    parser.add_argument("--compare", action="store_true", help="every profile in turn")
    parser.add_argument("--uniform", action="store_true", help="same rules for every slide")
    parser.add_argument("--probe", choices=("qt", "gtk"), help="pywebview alone, no player")
    parser.add_argument("--python", default=sys.executable, help="the probe's Python (gtk venv)")
    parser.add_argument("--bundle", type=Path, default=ROOT / "build" / "kiosk" / "gare")
    args = parser.parse_args()
    if not (args.bundle / "manifest.json").is_file():
        print(f"{args.bundle}: no manifest.json: build the bundles first (invoke build)")
        return 2
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    engines = sorted(PROFILES) if args.compare else [args.engine]
    if args.probe:
        name = f"probe-{args.probe}" + (f"-{args.engine}" if args.probe == "qt" else "")
        results = {name: probe(args, args.probe, args.python, args.engine)}
    else:
        results = {engine: run(args, engine, args.minutes) for engine in engines}
    print(f"\nsteady state (from minute 2), {args.speed:g}x pace, {args.bundle.name} bundle:")
    for name, figures in BEFORE:
        print(f"{'before: ' + name:>20} | {figures}")
    for engine, samples in results.items():
        print(summary(engine, samples))
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
