"""QR hand-offs measured by deep-link arrivals in the website's access logs (issue 11).

A kiosk hands its item to a phone as a deep link (``p2f_player.contract.deeplinks``): an NFC
tap is journaled by the player, a QR scan is not (the phone reads the code by itself), so a
scan can only be seen where the phone lands: the web server's or the CDN's access log. This
module reads those logs (``accesslogs``: nginx/Apache "combined", CloudFront standard logs;
plain or gzip; a folder, or the store's private ``logs/`` prefix), keeps the arrivals on a
kiosk's deep link and loads them into DuckDB (``qr_arrivals``, then ``QR_SCANS``) next to the
telemetry.

The counting rules (docs/office.md, "QR hand-offs (access logs)"):

- a line counts only as a ``GET`` answered ``200`` or ``30x`` whose target the shared contract
  (``parse_deep_link``) reads as a deep link carrying ``k=<site>``, a site the content knows;
  a deep link naming another site is an anomaly (shown, not counted), as is a line that is not
  in the log's format or a gzip file cut short: never silently dropped;
- bots are left out by their user agent (``BOT_AGENT``, or no user agent at all);
- the same phone (same address and user agent) arriving again on the same item from the same
  kiosk within ``REPEAT_WINDOW`` of its last *counted* arrival is counted once (a reload, the
  redirect to the trailing slash, a second scan), with the channel of the first;
- the player marks the link it hands off (``with_channel``: ``v=q`` in the QR code, ``v=n`` on
  the NFC tag): a marked arrival is a QR scan or an NFC tap that opened the page, exactly; an
  unmarked one (older players and tags, printed codes, a link typed by hand) is told apart by
  estimate only: ``QR_SCANS`` subtracts the journaled NFC taps no marked arrival accounts for.

Privacy: the address and user agent of a deep-link request are only used, in memory, to
recognise a phone coming back: hashed as the line is read with a key drawn at random for each
run (keyed BLAKE2b); other requests' addresses are not even hashed. No table, CSV, page or
anomaly example holds an address (examples are masked).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from p2f_office import queries
from p2f_office.accesslogs import (  # re-exported: the rest of the office reads them here
    CUT_FILE,
    NO_FIELDS,
    NOT_DEEP,
    NOT_UNDERSTOOD,
    Arrival,
    Counted,
    Hit,
    masked,
    phone_of,
    read_log,
)
from p2f_player.contract.deeplinks import NFC, QR, parse_deep_link
from p2f_publish.errors import PublishError
from p2f_publish.stores import LocalStore, Store

__all__ = [
    "CUT_FILE",
    "FOREIGN_SITE",
    "NOT_UNDERSTOOD",
    "NO_FIELDS",
    "AccessLogError",
    "Arrival",
    "Counted",
    "count_arrivals",
    "load",
    "masked",
    "phone_of",
    "read_folder",
    "read_store",
]

LOGS_PREFIX = "logs/"  # the store's private prefix the web server's or CDN's logs go to
REPEAT_WINDOW = timedelta(minutes=30)
# Crawlers, link previews, monitors, scripts and headless browsers name themselves; a phone's
# browser names none of these. No user agent at all is a script too.
BOT_AGENT = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|embedly|whatsapp|headless|"
    r"lighthouse|pingdom|uptime|monitor|curl|wget|python|httpx|aiohttp|okhttp|go-http-client|"
    r"java/|libwww|scrapy|phantomjs",
    re.IGNORECASE,
)
FOREIGN_SITE = "deep link naming an unknown kiosk site"


def count_arrivals(logs: Iterable[tuple[str, bytes]], sites: Iterable[str], key: bytes) -> Counted:
    """Apply the counting rules (module docstring) to ``(file name, bytes)`` logs. Pure."""
    known = frozenset(sites)
    counted = Counted()
    hits: list[tuple[Hit, str, int]] = []  # (hit, file, line) of deep-link requests
    for name, data in logs:
        hits.extend((hit, name, number) for number, hit in read_log(name, data, key, counted))
    last_counted: dict[tuple[str, str, str], datetime] = {}
    for hit, name, number in sorted(hits, key=lambda found: found[0].at):
        try:
            link = parse_deep_link(hit.target)
        except ValueError:
            counted.skip(NOT_DEEP)
            continue
        if link.site is None:
            counted.skip("deep link without a kiosk (k=)")
        elif link.site not in known:
            counted.anomalies.append((FOREIGN_SITE, name, number, hit.target[:160]))
        elif not hit.agent or hit.agent == "-" or BOT_AGENT.search(hit.agent):
            counted.skip("bot (user agent)")
        else:
            seen = (hit.phone, link.site, link.slug)
            before = last_counted.get(seen)
            if before is not None and hit.at - before < REPEAT_WINDOW:
                counted.skip(f"same phone, same item within {REPEAT_WINDOW.seconds // 60} min")
                continue
            last_counted[seen] = hit.at
            counted.arrivals.append(Arrival(link.site, link.slug, link.lang, hit.at, link.channel))
    return counted


# -- SQL ---------------------------------------------------------------------------------------

QR_ARRIVALS = """
CREATE OR REPLACE TABLE qr_arrivals AS
SELECT unnest($site::VARCHAR[]) AS site, unnest($slug::VARCHAR[]) AS slug,
       unnest($lang::VARCHAR[]) AS lang, unnest($at::VARCHAR[])::TIMESTAMPTZ AS ts,
       unnest($channel::VARCHAR[]) AS channel
"""
# the logs' coverage: a day outside it is "not measured", never 0
QR_COVERAGE = """
CREATE OR REPLACE TABLE qr_coverage AS
SELECT $files::BIGINT AS files, CAST($first::TIMESTAMPTZ AS DATE) AS first_day,
       CAST($last::TIMESTAMPTZ AS DATE) AS last_day
"""
# Per site, item, local day and hour. A link marked by the player (deeplinks.with_channel) says
# how it came: ``qr_marked`` are QR scans, ``nfc_arrivals`` NFC taps that opened the page. An
# unmarked arrival (an older player, tag or printed code, a caption typed by hand) is a QR scan
# or a tap: ``qr_estimated`` = unmarked - the journaled taps no marked NFC arrival accounts for,
# never below 0 (today's estimate when nothing is marked). ``scans`` = marked + estimated.
QR_SCANS = f"""
CREATE OR REPLACE TABLE qr_scans AS
WITH a AS (
    SELECT site, slug, CAST(ts AS DATE) AS day, hour(ts) AS hour, count(*) AS arrivals,
           count(*) FILTER (WHERE channel = '{QR}') AS qr_marked,
           count(*) FILTER (WHERE channel = '{NFC}') AS nfc_arrivals,
           count(*) FILTER (WHERE channel IS NULL) AS unmarked
    FROM qr_arrivals GROUP BY ALL
), t AS (
    SELECT site, slug, day, hour, count(*) AS taps
    FROM handoffs WHERE kind = 'nfc_tap' AND slug IS NOT NULL GROUP BY ALL
), joined AS (
    SELECT a.*, coalesce(t.taps, 0) AS nfc_taps,
           greatest(a.unmarked - greatest(coalesce(t.taps, 0) - a.nfc_arrivals, 0), 0)
               AS qr_estimated
    FROM a LEFT JOIN t USING (site, slug, day, hour)
)
SELECT site, slug, day, hour, isodow(day) AS weekday, arrivals, nfc_taps, qr_marked,
       nfc_arrivals, unmarked, qr_estimated, qr_marked + qr_estimated AS scans
FROM joined
"""
ADD_LOG_ANOMALY = "INSERT INTO anomalies VALUES (?, ?, ?, ?, ?)"


# -- the I/O edge ------------------------------------------------------------------------------


class AccessLogError(Exception):
    """The access logs named cannot be read: say which and what to do."""


def read_folder(path: Path, prefix: str = "") -> Iterator[tuple[str, bytes]]:
    """Every file under ``path`` (or ``path`` itself) by name, read one at a time (a year of
    logs need not fit in memory at once); hidden files left out.

    Raises:
        AccessLogError: ``path`` is neither a file nor a folder.
    """
    if path.is_file():
        files, base = [path], path.parent
    elif path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        base = path
    else:
        raise AccessLogError(f"{path}: no such file or folder: give --access-logs a folder of logs")
    return ((prefix + str(p.relative_to(base)), p.read_bytes()) for p in files)


def read_store(store: Store) -> Iterator[tuple[str, bytes]] | None:
    """The store's ``logs/`` files, fetched one at a time (none there: ``None``, the QR
    figures are not measured).

    Raises:
        AccessLogError: the store cannot be listed or read (also while iterating).
    """
    if isinstance(store, LocalStore):
        folder = store.root / LOGS_PREFIX
        return read_folder(folder, LOGS_PREFIX) if folder.is_dir() else None
    try:
        keys = sorted(store.list_keys(LOGS_PREFIX))
    except PublishError as error:
        raise AccessLogError(f"access logs: {error}") from None
    return _fetched(store, keys) if keys else None


def _fetched(store: Store, keys: list[str]) -> Iterator[tuple[str, bytes]]:
    for key in keys:
        try:
            yield key, store.get(key)
        except PublishError as error:
            raise AccessLogError(f"access logs: {error}") from None


def load(con: duckdb.DuckDBPyConnection, counted: Counted) -> None:
    """``qr_arrivals``, ``qr_coverage`` and ``qr_scans`` (after ``loader.load``: it needs
    ``handoffs``), and the logs' anomalies added to ``anomalies``."""
    con.execute(f"SET TimeZone = '{queries.TIMEZONE}'")
    con.execute(
        QR_ARRIVALS,
        {
            "site": [a.site for a in counted.arrivals],
            "slug": [a.slug for a in counted.arrivals],
            "lang": [a.lang for a in counted.arrivals],
            "at": [a.at.isoformat() for a in counted.arrivals],
            "channel": [a.channel for a in counted.arrivals],
        },
    )
    first, last = counted.first_at, counted.last_at
    con.execute(
        QR_COVERAGE,
        {
            "files": counted.files,
            "first": first and first.isoformat(),
            "last": last and last.isoformat(),
        },
    )
    con.execute(QR_SCANS)
    grouped: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for kind, name, line, example in counted.anomalies:
        grouped.setdefault((kind, name), []).append((line, example))
    for (kind, name), lines in sorted(grouped.items()):
        first_line, example = min(lines)
        con.execute(ADD_LOG_ANOMALY, [kind, name, len(lines), first_line, example])
