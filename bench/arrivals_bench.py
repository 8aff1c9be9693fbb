"""How fast the office reads a website's access logs for the QR scans (p2f_office.arrivals).

Generates a synthetic nginx "combined" log (most requests are ordinary pages, images and
scripts; a share are kiosk deep links, some from bots, some repeats; a third each unmarked,
marked ``v=q`` and marked ``v=n``), gzips it as logrotate does, and times ``count_arrivals``
over it. Prints lines, bytes, seconds, lines per second, peak RSS and the load average: the
machine is shared, read times as upper bounds.

    .venv/bin/python bench/arrivals_bench.py --lines 1000000 --deep-share 0.02
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import resource
import time
from datetime import datetime, timedelta

from p2f_office.arrivals import count_arrivals

SITES = ("gare", "bureau-port-genet", "bureau-valbrulee")
ITEMS = tuple(f"fiche-{n}" for n in range(200))
AGENTS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
)
PAGES = ("/", "/lieux/plage/", "/theme/css/site.css", "/images/phare.jpg", "/agenda/")


def synthetic_log(lines: int, deep_share: float, seed: int = 7) -> bytes:
    chance = random.Random(seed)
    at = datetime(2026, 7, 1, 6, 0)
    out = []
    for _ in range(lines):
        at += timedelta(seconds=chance.expovariate(1 / 3))
        stamp = at.strftime("%d/%b/%Y:%H:%M:%S +0200")
        address = f"10.{chance.randrange(256)}.{chance.randrange(256)}.{chance.randrange(256)}"
        agent = chance.choice(AGENTS)
        if chance.random() < deep_share:
            target = f"/d/fr/{chance.choice(ITEMS)}/?k={chance.choice(SITES)}"
            target += chance.choice(("", "&v=q", "&v=n"))  # older tags, QR codes, NFC tags
        else:
            target = chance.choice(PAGES)
        status = 200 if chance.random() < 0.95 else 404
        out.append(f'{address} - - [{stamp}] "GET {target} HTTP/2.0" {status} 5120 "-" "{agent}"\n')
    return gzip.compress("".join(out).encode())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--deep-share", type=float, default=0.02)
    args = parser.parse_args()
    data = synthetic_log(args.lines, args.deep_share)
    started = time.perf_counter()
    counted = count_arrivals([("access.log.1.gz", data)], SITES, os.urandom(32))
    seconds = time.perf_counter() - started
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{counted.lines:,} lines ({len(data) / 1e6:.1f} MB gzip): {len(counted.arrivals):,} "
        f"arrivals counted, not counted {dict(sorted(counted.not_counted.items()))}; "
        f"{seconds:.1f} s ({counted.lines / seconds:,.0f} lines/s), peak RSS {rss_mb:.0f} MB, "
        f"load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
