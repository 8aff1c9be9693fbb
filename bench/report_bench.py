"""Time the office reports on a synthetic year of telemetry (issue 11, point 4).

Writes what real players write (``telemetry/<site>/<device>/events/<first>-<last>.jsonl``
batches of 500 events, one line per event as ``Journal.next_batch`` formats it, and a
``heartbeat.json``) for N screens over D days, then times the load into DuckDB and each report.

Rates: each screen is on 08:00-20:00 (``screen`` events at both ends); a slide every 10-20 s
(5 % of them a sponsor's), a heartbeat every 5 minutes, touch sessions per hour following a
daily curve (peak ~4 per hour at midday), an NFC tap after ~30 % of sessions, a QR hand-off
after ~20 %.

    .venv/bin/python bench/report_bench.py --screens 12 --days 365 --out /tmp/p2f-year12
    .venv/bin/python bench/report_bench.py --screens 1000 --days 7 --out /tmp/p2f-week1000

Then it compacts every closed day to Parquet (``p2f_office.compaction``, timed on its own)
and times the same load and reports from the compacted store, next to the JSONL figures and the
figures measured before (``PREVIOUS``, docs/office.md). The JSONL year takes minutes to write:
``--keep`` reuses it, ``--skip-jsonl`` skips timing the reports from JSONL, ``--reuse-compacted``
keeps the compacted files already there.

A full 1,000-screen year is ~1.1 billion events (~310 GB of JSONL): ``--synthetic`` writes the
compacted form directly instead (``report_synthetic.py``: per-day Parquet made with DuckDB SQL at
the same rates, through compaction's own writer) and times the reports on it:

    .venv/bin/python bench/report_bench.py --synthetic --screens 1000 --days 31 --out /tmp/p2f-1000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from p2f_model.campaigns import Campaign
from p2f_office import compaction, loader, reports
from p2f_player.contract.deeplinks import deep_link
from p2f_player.contract.rules import PARIS
from p2f_player.heartbeat import heartbeat_key

BATCH = 500
CURVE = [0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 3.5, 4, 3.5, 3, 3, 3, 2.5, 2, 1, 0, 0, 0, 0]
SLIDES = [f"lieu-{n}" for n in range(40)]
# measured before (docs/office.md), under load: (screens, days, source) -> (load, all reports)
PREVIOUS = {
    (12, 365, "JSONL"): ("185 s", "1.9 s"),
    (12, 91, "JSONL"): ("19.0-20.2 s", "0.5-0.6 s"),
    (12, 91, "Parquet"): ("10.5-15.7 s (events copied, de-duplicated)", "0.6-1.5 s"),
    (12, 365, "Parquet"): ("~35-70 s (quarter x4)", "~2-6 s (quarter x4)"),
    (1000, 1, "JSONL"): ("25 s", "0.9 s"),
    (1000, 365, "JSONL"): ("~2.5 h (day x365), memory beyond this machine", "not measured"),
}
LANGS = ("fr", "fr", "fr", "en", "en", "de", "es")
SPONSORED = {"offre-vedettes": "vedettes-cap-rousset", "offre-sncf": "sncf"}


def _line(device: str, site: str, seq: int, at: str, kind: str, extra: str) -> str:
    # the keys sorted, as json.dumps(sort_keys=True) in Journal.next_batch writes them
    body = f'"at": "{at}", "device": "{device}", {extra}"kind": "{kind}", '
    return "{" + body + f'"seq": {seq}, "site": "{site}"' + "}"


def screen_day(rand: random.Random, site: str, device: str, day: date, seq: int) -> list[str]:
    lines: list[str] = []

    def add(moment: datetime, kind: str, extra: str = "") -> None:
        nonlocal seq
        seq += 1
        lines.append(_line(device, site, seq, moment.isoformat(), kind, extra))

    start = datetime(day.year, day.month, day.day, 8, tzinfo=PARIS).astimezone(UTC)
    end = start + timedelta(hours=12)
    add(start, "screen", '"on": true, "until": "' + end.isoformat() + '", ')
    moment, next_beat = start, start
    touches = {h: rand.random() * 2 * CURVE[h] for h in range(24)}
    while moment < end:
        if moment >= next_beat:
            add(moment, "heartbeat", '"release": "r1", ')
            next_beat += timedelta(minutes=5)
        hour = moment.astimezone(PARIS).hour
        if rand.random() < touches[hour] / 240:  # ~15 s per turn: 240 turns an hour
            seconds = rand.randint(10, 180)
            lang = rand.choice(LANGS)
            add(
                moment,
                "touch_session",
                f'"end": "timeout", "lang": "{lang}", '
                f'"last": "{rand.choice(SLIDES)}", "pages": {rand.randint(1, 6)}, '
                f'"seconds": {seconds}, ',
            )
            if rand.random() < 0.3:
                add(moment, "nfc_tap", f'"link": "{deep_link(rand.choice(SLIDES), site)}", ')
            if rand.random() < 0.2:
                add(
                    moment,
                    "qr_shown",
                    f'"link": "{deep_link(rand.choice(SLIDES), site)}", "mode": "handoff", ',
                )
            moment += timedelta(seconds=seconds)
            continue
        length = rand.choice((10, 12, 15, 20))
        slide, sponsor = rand.choice(SLIDES), "null"
        if rand.random() < 0.05:
            slide = rand.choice(list(SPONSORED))
            sponsor = f'"{SPONSORED[slide]}"'
        ended = moment + timedelta(seconds=length)
        add(
            moment,
            "slide",
            f'"completed": true, "end": "{ended.isoformat()}", '
            f'"lang": "fr", "reason": "share", "release": "r1", "slide": "{slide}", '
            f'"sponsor": {sponsor}, "start": "{moment.isoformat()}", ',
        )
        moment = ended
    add(end, "screen", '"on": false, "until": null, ')
    return lines


def generate(out: Path, screens: int, first: date, days: int, seed: int) -> int:
    rand = random.Random(seed)
    total = 0
    for n in range(screens):
        site, device = f"site-{n % 12:02d}", f"screen-{n:04d}"
        folder = out / heartbeat_key(site, device).rsplit("/", 1)[0] / "events"
        folder.mkdir(parents=True, exist_ok=True)
        pending: list[str] = []
        seq = 0
        for d in range(days):
            lines = screen_day(rand, site, device, first + timedelta(days=d), seq)
            seq += len(lines)
            pending.extend(lines)
            while len(pending) >= BATCH or (d == days - 1 and pending):
                batch, pending = pending[:BATCH], pending[BATCH:]
                first_seq = json.loads(batch[0])["seq"]
                name = f"{first_seq:012d}-{first_seq + len(batch) - 1:012d}.jsonl"
                (folder / name).write_text("\n".join(batch) + "\n", encoding="utf-8")
        total += seq
        last = first + timedelta(days=days - 1)
        beat = {
            "site": site,
            "device": device,
            "release": "r1",
            "at": datetime(last.year, last.month, last.day, 20, tzinfo=PARIS).isoformat(),
            "last_sync": {"status": "ok", "reason": ""},
            "disk_free_bytes": 2_000_000_000,
            "errors": [],
        }
        (out / heartbeat_key(site, device)).write_text(json.dumps(beat), encoding="utf-8")
    return total


def timed(label: str, results: dict[str, float], action: object) -> object:
    started = time.perf_counter()
    value = action()  # type: ignore[operator]
    results[label] = time.perf_counter() - started
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"  {label:<28} {results[label]:8.2f} s   (load average {load})", flush=True)
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--screens", type=int, default=12)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--first", type=date.fromisoformat, default=date(2026, 1, 1))
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="reuse --out if already generated")
    parser.add_argument("--skip-jsonl", action="store_true", help="no reports from JSONL")
    parser.add_argument("--reuse-compacted", action="store_true", help="do not compact again")
    parser.add_argument(
        "--synthetic", action="store_true", help="write the compacted form directly (no JSONL)"
    )
    parser.add_argument(
        "--materialise-rows",
        type=int,
        default=loader.MATERIALISE_ROWS,
        help="compacted events read into memory up to this many (0: views over the files)",
    )
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()} (2 cores shared: times are upper bounds)")
    results: dict[str, float] = {}
    store = loader.open_store(f"file://{args.out.resolve()}", args.out)
    last = args.first + timedelta(days=args.days - 1)
    measured: dict[str, dict[str, float]] = {}
    if args.synthetic:
        if not (args.keep and args.out.exists()):
            shutil.rmtree(args.out, ignore_errors=True)
            args.out.mkdir(parents=True)
            import report_synthetic  # bench/ is the script's folder

            events = timed(
                "generate (compacted form)",
                results,
                lambda: report_synthetic.generate(args.out, args.screens, args.first, args.days),
            )
            print(f"  {events:,} events", flush=True)
    else:
        if not (args.keep and args.out.exists()):
            shutil.rmtree(args.out, ignore_errors=True)
            events = timed(
                "generate",
                results,
                lambda: generate(args.out, args.screens, args.first, args.days, args.seed),
            )
            print(f"  {events:,} events", flush=True)
        size = sum(p.stat().st_size for p in args.out.rglob("*.jsonl"))
        print(f"  {size / 1e9:.2f} GB of JSONL", flush=True)
        packed = args.out / compaction.COMPACTED_PREFIX
        if not args.skip_jsonl:
            shutil.rmtree(packed, ignore_errors=True)  # --keep: JSONL
            print("from JSONL:", flush=True)
            measured["JSONL"] = load_and_report(store, args.out, args.first, last)
        if not (args.reuse_compacted and packed.exists()):
            shutil.rmtree(packed, ignore_errors=True)
            print("compaction:", flush=True)
            done = timed(
                "compact (all closed days)",
                results,
                lambda: compaction.compact(
                    store, loader.gather(store, args.out), last + timedelta(days=3)
                ),
            )
            print(f"  {done}", flush=True)
    size = sum(p.stat().st_size for p in (args.out / compaction.COMPACTED_PREFIX).rglob("*"))
    print(f"  {size / 1e9:.3f} GB of Parquet", flush=True)
    print("from compacted Parquet:", flush=True)
    measured["Parquet"] = load_and_report(store, args.out, args.first, last, args.materialise_rows)
    print(f"{args.screens} screens x {args.days} days     previous (docs/office.md) -> now")
    for source, figures in measured.items():
        load, reported = PREVIOUS.get((args.screens, args.days, source), ("-", "-"))
        print(
            f"  {source:<8} load {load} -> {figures['load (parse, check, dedupe)']:.1f} s; "
            f"all reports {reported} -> {figures['all reports after load']:.1f} s"
        )
    print(json.dumps({"screens": args.screens, "days": args.days, **results, **measured}))


class StepTimer:
    """The connection ``loader.load`` is given, timing each statement (the load's breakdown)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.seconds: dict[str, float] = {}

    def execute(self, sql: str, *args: object) -> duckdb.DuckDBPyConnection:
        label = " ".join(sql.split())[:70]
        started = time.perf_counter()
        try:
            return self.con.execute(sql, *args)
        finally:
            self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - started

    def executemany(self, sql: str, *args: object) -> duckdb.DuckDBPyConnection:
        return self.con.executemany(sql, *args)


def load_and_report(
    store: object, out: Path, first: date, last: date, rows: int = loader.MATERIALISE_ROWS
) -> dict[str, float]:
    """Time the listing, the load and every report on a fresh DuckDB connection."""
    results: dict[str, float] = {}
    telemetry = timed("list", results, lambda: loader.gather(store, out))  # type: ignore[arg-type]
    con = loader.connect()
    steps = StepTimer(con)
    timed("load (parse, check, dedupe)", results, lambda: loader.load(steps, telemetry, rows))  # type: ignore[arg-type]
    for label, seconds in sorted(steps.seconds.items(), key=lambda item: -item[1])[:6]:
        print(f"    {seconds:6.2f} s  {label}")
    listed = con.execute("SELECT DISTINCT site FROM spans ORDER BY 1").fetchall()
    sites = tuple(site for (site,) in listed)
    campaign = Campaign(
        slug="bench",
        path="",
        title="bench",
        partner="vedettes-cap-rousset",
        slides=(),
        sites=sites,
        starts=first,
        ends=last,
        share=0.05,
        plays_per_hour=None,
        price_eur=1000.0,
        contact_name="x",
        contact_email="x@example.org",
    )
    timed(
        "proof of play (1 campaign)",
        results,
        lambda: reports.proof_of_play(con, campaign, first, last),
    )
    timed("audience", results, lambda: reports.audience(con, first, last))
    timed("visitors year to date", results, lambda: reports.visitors_year_to_date(con, last))
    as_of = datetime(last.year, last.month, last.day, 21, tzinfo=PARIS)
    timed("fleet", results, lambda: reports.fleet(con, as_of, {}, timedelta(minutes=10)))
    report_total = sum(
        v for k, v in results.items() if k not in ("list", "load (parse, check, dedupe)")
    )
    results["all reports after load"] = report_total
    results["load + reports"] = sum(v for k, v in results.items() if k != "all reports after load")
    print(f"  {'all reports after load':<28} {report_total:8.2f} s")
    print(f"  {'list + load + reports':<28} {results['load + reports']:8.2f} s", flush=True)
    return results


if __name__ == "__main__":
    main()
