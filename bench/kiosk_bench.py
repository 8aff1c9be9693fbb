"""The kiosk window's figures: cold start, memory over time, NFC read time.

    .venv/bin/python bench/kiosk_bench.py [--minutes 10]

Starts an X server (Xvfb, 1080x1920) and the real window (``python -m p2f_player.shell``,
Qt WebEngine) on the ``gare`` bundle (three places, 20-second slides) with the player's clock
20 times faster: a new slide every second of wall time. Reports:

- **cold start**: from starting the process to the first slide on screen (the page says so);
- **RSS** of the whole player: the process and every descendant (web engine's renderer, GPU and
  zygote processes, the NFC child), summed from /proc, at start and every minute, also split
  into the player's own process (Python, Qt, Chromium's browser and GPU threads) and the rest;
- **NFC**: time for a reader (a second process, nfcpy's UDP driver on 127.0.0.1) to read the URI
  once connected, and the whole tap from starting the reader process.

Figures only, no assertion. Needs Xvfb, ImageMagick is not used.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.shell.conftest import (  # noqa: E402  (the test helpers build the signed bundle)
    ALERT,
    PLACES,
    make_bundle,
    start_kiosk,
    start_xvfb,
    stop_kiosk,
)


def tree_rss_mb(pid: int) -> float:
    return sum(tree_rss_parts(pid).values())


def tree_rss_parts(pid: int) -> dict[str, float]:
    """RSS in MB of the player process itself and of its descendants (web engine, NFC child)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    parts, todo = {"main": 0.0, "children": 0.0}, [pid]
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, []))
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    parts["main" if current == pid else "children"] += int(line.split()[1]) / 1024
        except OSError:
            pass
    return parts


def rss_text(pid: int) -> tuple[float, str]:
    parts = tree_rss_parts(pid)
    total = sum(parts.values())
    main, rest = parts["main"], parts["children"]
    return total, f"{total:.0f} MB (main {main:.0f}, web engine + NFC {rest:.0f})"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        xvfb, display = start_xvfb(1080, 1920)
        try:
            bundle = make_bundle(tmp, "gare", PLACES, ALERT)
            began = time.monotonic()
            kiosk = start_kiosk(tmp, bundle, display, idle_s=60, speed=20)
            print(f"cold start to first slide: {time.monotonic() - began:.2f} s")
            total, text = rss_text(kiosk.proc.pid)
            samples = [(0.0, total)]
            print(f"RSS at start: {text}")
            end = time.monotonic() + args.minutes * 60
            while time.monotonic() < end:
                time.sleep(min(60.0, max(0.0, end - time.monotonic())))
                minute = (args.minutes * 60 - (end - time.monotonic())) / 60
                total, text = rss_text(kiosk.proc.pid)
                samples.append((minute, total))
                print(f"RSS after {minute:4.1f} min: {text}", flush=True)
            shown = kiosk.page()
            reader = Path(ROOT / "tests/shell/nfc_reader.py")
            tap = time.monotonic()
            out = subprocess.run(
                [sys.executable, str(reader), kiosk.nfc or "", "15"],
                capture_output=True,
                text=True,
            )
            print(
                f"NFC tap (reader process start to URI): {time.monotonic() - tap:.2f} s; "
                f"{out.stderr.strip().splitlines()[-1]}; URI {out.stdout.strip()} "
                f"(on screen: {shown['link']})"
            )
            print(
                f"RSS growth over {samples[-1][0]:.1f} min: "
                f"{samples[-1][1] - samples[0][1]:+.0f} MB"
            )
            stop_kiosk(kiosk)
        finally:
            xvfb.terminate()
            xvfb.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
