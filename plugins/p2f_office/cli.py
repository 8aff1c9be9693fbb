"""``p2f-office report`` (also ``invoke report`` and ``python -m p2f_office``): every report.

Reads the content (campaigns, partners, sites), the store's telemetry, loads it into DuckDB
and writes the dashboard, the CSVs and the partner PDFs into ``--out`` (``build/office``).
Prints one line per campaign and the anomalies found. Exit codes: 0 done; 1 the store could
not be read; 2 a bad option or a campaign with a problem (``invoke check`` says which).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TextIO

from p2f_model.campaigns import Campaign, is_campaign_path
from p2f_model.load import load_corpus
from p2f_model.problems import Problem
from p2f_office import arrivals, compaction, dashboard, fr, loader, qr_figures, reports
from p2f_office.publish import OFFICE_PREFIX, publish_office
from p2f_player.contract.rules import PARIS
from p2f_publish.stores import Store

DEFAULT_STORE = Path("build/store")
HEARTBEAT_INTERVAL_S = 300  # the player's default (docs/player.md); silent after two


@dataclass(frozen=True)
class Options:
    store: str
    content: Path
    out: Path
    cache: Path
    since: date
    until: date
    as_of: datetime
    campaign: str | None
    silent_after: timedelta
    publish: bool = False
    command: str = "report"
    compact: bool = False
    grace_days: int = compaction.GRACE_DAYS
    access_logs: Path | None = None  # None: the store's logs/ prefix, if it holds any


def parse_options(argv: Sequence[str] | None, now: datetime) -> Options:
    parser = argparse.ArgumentParser(prog="p2f-office", description="livep2f office reports")
    commands = parser.add_subparsers(dest="command", required=True)
    report = commands.add_parser("report", help="dashboard, CSVs and partner PDFs")
    report.add_argument(
        "--store",
        default="",
        help="file:///PATH or s3://BUCKET/PREFIX "
        f"(default {DEFAULT_STORE}); S3 takes AWS_ENDPOINT_URL like publishing",
    )
    report.add_argument("--content", type=Path, default=Path("content"))
    report.add_argument("--out", type=Path, default=Path("build/office"))
    report.add_argument(
        "--cache",
        type=Path,
        default=Path("build/office-cache"),
        help="where an S3 store's telemetry is mirrored",
    )
    report.add_argument("--since", type=date.fromisoformat, help="first day (default 1 Jan)")
    report.add_argument("--until", type=date.fromisoformat, help="last day (default today)")
    report.add_argument("--campaign", help="only this campaign (its file name)")
    report.add_argument(
        "--as-of",
        dest="as_of",
        type=datetime.fromisoformat,
        help="the moment the fleet is judged at (default now)",
    )
    report.add_argument(
        "--heartbeat-interval",
        type=float,
        default=HEARTBEAT_INTERVAL_S,
        help="the players' heartbeat_interval_s: silent after two",
    )
    report.add_argument(
        "--publish",
        action="store_true",
        help="upload --out to the store's private office/ prefix (never under site/)",
    )
    compact = commands.add_parser(
        "compact", help="fold the JSONL batches of closed days into per-day Parquet files"
    )
    compact.add_argument("--store", default="", help="as for report")
    compact.add_argument("--cache", type=Path, default=Path("build/office-cache"))
    compact.add_argument(
        "--grace-days",
        dest="grace_days",
        type=int,
        default=compaction.GRACE_DAYS,
        help=f"a day is closed once this many days old (default {compaction.GRACE_DAYS})",
    )
    compact.add_argument("--as-of", dest="as_of", type=datetime.fromisoformat)
    report.add_argument(
        "--compact",
        action="store_true",
        help="compact the closed days first (as p2f-office compact)",
    )
    report.add_argument("--grace-days", dest="grace_days", type=int, default=compaction.GRACE_DAYS)
    report.add_argument(
        "--access-logs",
        dest="access_logs",
        type=Path,
        help="the website's access logs (nginx/Apache combined or CloudFront, gz or plain): "
        f"a folder or a file (default: the store's {arrivals.LOGS_PREFIX} prefix, if any) for "
        "the QR scans",
    )
    args = parser.parse_args(argv)
    if args.grace_days < 1:
        parser.error(f"--grace-days {args.grace_days}: give 1 or more (today is never closed)")
    as_of = args.as_of or now
    as_of = as_of if as_of.tzinfo else as_of.replace(tzinfo=PARIS)
    until = args.until or as_of.astimezone(PARIS).date()
    since = args.since or date(until.year, 1, 1)
    if args.command == "compact":
        return Options(
            args.store, Path("content"), Path("build/office"), args.cache, since, until, as_of,
            None, timedelta(0), command="compact", compact=True, grace_days=args.grace_days,
        )  # fmt: skip
    if since > until:
        parser.error(f"--since {since} is after --until {until}")
    return Options(
        args.store,
        args.content,
        args.out,
        args.cache,
        since,
        until,
        as_of,
        args.campaign,
        timedelta(seconds=2 * args.heartbeat_interval),
        args.publish,
        compact=args.compact,
        grace_days=args.grace_days,
        access_logs=args.access_logs,
    )


def read_campaigns(
    content: Path,
) -> tuple[dict[str, Campaign], dict[str, str], list[Problem], frozenset[str]]:
    """The checked campaigns (``Corpus.campaigns``), partner names, the problems of the
    campaign files (the rest of the content is ``invoke check``'s business), and the site ids
    (a deep link's ``k=`` must name one)."""
    corpus = load_corpus(content)
    problems = [p for p in corpus.problems if is_campaign_path(p.path)]
    partners = {item.slug: item.data.title for item in corpus.of_kind("partner")}
    sites = frozenset(item.slug for item in corpus.of_kind("site"))
    return corpus.campaigns, partners, problems, sites


def read_access_logs(
    options: Options, store: Store, sites: frozenset[str]
) -> arrivals.Counted | None:
    """The QR arrivals of ``--access-logs`` or of the store's ``logs/``; ``None``: no logs.
    The phone hash's key is drawn here, for this run only (never stored: docs/office.md)."""
    if options.access_logs is not None:
        logs: Iterator[tuple[str, bytes]] | None = arrivals.read_folder(options.access_logs)
    else:
        logs = arrivals.read_store(store)
    if logs is None:
        return None
    counted = arrivals.count_arrivals(logs, sites, os.urandom(32))
    return counted if counted.files else None


def run_compaction(options: Options, out: TextIO) -> int:
    started = time.monotonic()
    try:
        store = loader.open_store(options.store, DEFAULT_STORE)
        telemetry = loader.gather(store, options.cache)
        done = compaction.compact(
            store, telemetry, options.as_of.astimezone(PARIS).date(), options.grace_days
        )
    except loader.ReportError as error:
        print(f"compact: {error}", file=out)
        return 1
    print(
        f"compact: {done.batches} batches folded into {done.days} site-days under "
        f"{compaction.COMPACTED_PREFIX}, {done.pending} left as JSONL (open days or no good "
        f"event), in {time.monotonic() - started:.1f} s",
        file=out,
    )
    return 0


def run(options: Options, out: TextIO) -> int:
    if options.compact:
        code = run_compaction(options, out)
        if code or options.command == "compact":
            return code
    started = time.monotonic()
    campaigns, partners, problems, sites = read_campaigns(options.content)
    for problem in sorted(problems):
        print(problem, file=out)
    if problems:
        print("report: fix the campaigns first (invoke check)", file=out)
        return 2
    if options.campaign is not None:
        if options.campaign not in campaigns:
            known = ", ".join(sorted(campaigns)) or "none"
            print(
                f"report: --campaign {options.campaign}: no such campaign (known: {known})",
                file=out,
            )
            return 2
        campaigns = {options.campaign: campaigns[options.campaign]}
    try:
        store = loader.open_store(options.store, DEFAULT_STORE)
        telemetry = loader.gather(store, options.cache)
        qr_logs = read_access_logs(options, store, sites)
    except (loader.ReportError, arrivals.AccessLogError) as error:
        print(f"report: {error}", file=out)
        return 1
    con = loader.connect()
    loader.load(con, telemetry)
    if qr_logs is not None:
        arrivals.load(con, qr_logs)
    proofs = [
        reports.proof_of_play(con, c, options.since, options.until)
        for c in campaigns.values()
        if c.starts <= options.until and c.ends >= options.since
    ]
    audience = reports.audience(con, options.since, options.until)
    visitors = reports.visitors_year_to_date(con, options.until)
    qr = qr_figures.qr_audience(con, options.since, options.until)
    screens = reports.fleet(con, options.as_of, telemetry.live, options.silent_after)
    anomalies = con.execute("SELECT * FROM anomalies ORDER BY kind, key").fetchall()
    ctx = dashboard.Context(options.since, options.until, options.as_of, partners)
    shots = {device: path for (_, device), path in telemetry.screenshots.items()}
    dashboard.write_dashboard(
        options.out,
        ctx,
        proofs,
        audience,
        visitors,
        screens,
        shots,
        anomalies,
        options.silent_after.total_seconds() / 60,
        qr,
    )
    if options.publish:
        try:
            keys = publish_office(store, options.out)
        except loader.ReportError as error:
            print(f"report: {error}", file=out)
            return 1
        print(f"report: {len(keys)} files published under {OFFICE_PREFIX}", file=out)
    for proof in proofs:
        print(
            f"{proof.campaign.slug}: {proof.total('plays'):.0f} plays, "
            f"{proof.total('seconds'):.0f} s, delivered {fr.pct(proof.delivered_share)} "
            f"of {fr.pct(proof.booked_share)} booked, shortfall "
            f"{proof.shortfall_seconds:.0f} s, {proof.total('nfc_taps'):.0f} NFC taps, "
            + (
                "QR scans not measured"
                if (scans := proof.qr_total()) is None
                else f"{scans} QR scans ({proof.qr_method()})"
            ),
            file=out,
        )
    if qr_logs is None:
        print("report: QR not measured (no access logs)", file=out)
    else:
        skipped = ", ".join(f"{n} {why}" for why, n in sorted(qr_logs.not_counted.items()))
        print(
            f"report: {len(qr_logs.arrivals)} deep-link arrivals from kiosks in "
            f"{qr_logs.files} access log files ({qr_logs.lines} lines; not counted: "
            f"{skipped or 'none'}; {len(qr_logs.anomalies)} anomalies)",
            file=out,
        )
    alarms = sum(1 for s in screens if s.alarms)
    lines = sum(int(a[2]) for a in anomalies)
    print(
        f"report: {len(screens)} screens ({alarms} with alarms), {visitors} visitors this "
        f"year, {len(anomalies)} anomalies ({lines} lines not counted); "
        f"{options.out}/index.html in {time.monotonic() - started:.1f} s",
        file=out,
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    return run(parse_options(argv, datetime.now(UTC)), sys.stdout)


if __name__ == "__main__":
    sys.exit(main())
