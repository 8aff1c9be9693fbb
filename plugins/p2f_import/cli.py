"""``invoke import SOURCE INPUT...`` / ``python -m p2f_import SOURCE INPUT...``."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from p2f_import import report
from p2f_import.fetch import Fetch
from p2f_import.run import SOURCES, Options, run
from p2f_model.territory import ENV, TerritoryError, from_environ


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="invoke import",
        description="Import outside records as drafts in content/ (docs/importing.md).",
    )
    p.add_argument("source", choices=SOURCES)
    p.add_argument(
        "inputs",
        nargs="+",
        help="datatourisme: flux folders or object files; apidae: exported responses "
        "(one per page); ical: .ics files or URLs",
    )
    p.add_argument("--content", default="content", help="the content folder (default: content)")
    p.add_argument(
        "--territory",
        default="",
        help=f"lat1,lon1,lat2,lon2 for a trial on another region (default: ${ENV}, else "
        "the office's territory)",
    )
    p.add_argument("--horizon-days", type=int, default=365, help="events starting later wait")
    p.add_argument("--place", default="", help="the place slug of events whose venue is unknown")
    p.add_argument("--report", default="", help="where to write the Markdown report")
    p.add_argument("--now", default="", help="ISO date-time the run takes as now (tests)")
    p.add_argument("--dry-run", action="store_true", help="report, write nothing")
    p.add_argument(
        "--no-images",
        action="store_true",
        help="do not download pictures (those already stored are kept; images: is left alone)",
    )
    return p


def main(argv: list[str], out: TextIO | None = None, fetch: Fetch | None = None) -> int:
    """Run the command; ``fetch``: the network seam (default ``HttpFetcher()``)."""
    out = out or sys.stdout
    args = parser().parse_args(argv)
    try:
        territory = from_environ(os.environ, args.territory)
    except TerritoryError as error:
        print(f"import: {error}", file=out)
        return 2
    now = datetime.fromisoformat(args.now) if args.now else datetime.now(UTC)
    now = now if now.tzinfo else now.replace(tzinfo=UTC)
    options = Options(
        source=args.source,
        inputs=list(args.inputs),
        content=Path(args.content),
        now=now.replace(microsecond=0),
        territory=territory,
        horizon=timedelta(days=args.horizon_days),
        place=args.place or None,
        dry_run=args.dry_run,
        images=not args.no_images,
    )
    result = run(options, fetch)
    target = Path(args.report or f"build/import-{args.source}.md")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(report.markdown(result, options.now.isoformat()), encoding="utf-8")
    print(report.summary(result), file=out)
    print(f"import: report in {target}; drafts go through review (status: draft)", file=out)
    return 0
