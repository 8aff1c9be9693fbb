"""QR hand-offs measured by deep-link arrivals in the website's access logs (issue 11).

A kiosk hands its item to a phone as a deep link (``p2f_player.contract.deeplinks``): an NFC
tap is journaled by the player, a QR scan is not (the phone reads the code by itself), so a
scan can only be seen where the phone lands: the web server's or the CDN's access log. This
module reads those logs (nginx/Apache "combined", CloudFront standard logs; plain or gzip; a
folder, or the store's private ``logs/`` prefix), keeps the arrivals on a kiosk's deep link and
loads them into DuckDB (``qr_arrivals``, then ``QR_SCANS``) next to the telemetry.

The counting rules (docs/office.md, "QR hand-offs (access logs)"):

- a line counts only as a ``GET`` answered ``200`` or ``30x`` whose target the shared contract
  (``parse_deep_link``) reads as a deep link carrying ``k=<site>``, a site the content knows;
  a deep link naming another site is an anomaly (shown, not counted), as is a line that is not
  in the log's format or a gzip file cut short: never silently dropped;
- bots are left out by their user agent (``BOT_AGENT``, or no user agent at all);
- the same phone (same address and user agent) arriving again on the same item from the same
  kiosk within ``REPEAT_WINDOW`` of its last *counted* arrival is counted once (a reload, the
  redirect to the trailing slash, a second scan).

Privacy: the address and user agent of a deep-link request are only used, in memory, to
recognise a phone coming back: hashed as the line is read with a key drawn at random for each
run (keyed BLAKE2b); other requests' addresses are not even hashed. No table, CSV, page or
anomaly example holds an address (examples are masked).

Deliberately not done here: telling a QR scan from an NFC tap that opened the same link (the
URL is the same); ``QR_SCANS`` subtracts the journaled NFC taps instead.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from hashlib import blake2b
from pathlib import Path
from urllib.parse import unquote

import duckdb

from p2f_office import queries
from p2f_player.contract.deeplinks import PATH_PREFIX, parse_deep_link
from p2f_publish.errors import PublishError
from p2f_publish.stores import LocalStore, Store

LOGS_PREFIX = "logs/"  # the store's private prefix the web server's or CDN's logs go to
REPEAT_WINDOW = timedelta(minutes=30)
COUNTED_STATUSES = frozenset({200, 301, 302, 303, 304, 307, 308})
# Crawlers, link previews, monitors, scripts and headless browsers name themselves; a phone's
# browser names none of these. No user agent at all is a script too.
BOT_AGENT = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|embedly|whatsapp|headless|"
    r"lighthouse|pingdom|uptime|monitor|curl|wget|python|httpx|aiohttp|okhttp|go-http-client|"
    r"java/|libwww|scrapy|phantomjs",
    re.IGNORECASE,
)
NOT_UNDERSTOOD = "access log line not understood"
CUT_FILE = "access log file unreadable (cut or not gzip)"
FOREIGN_SITE = "deep link naming an unknown kiosk site"
NO_FIELDS = "CloudFront line before its #Fields header"

# $remote_addr - $remote_user [$time_local] "$request" $status $bytes "$referer" "$agent"
_QUOTED = r'"((?:[^"\\]|\\.)*)"'
_STAMP = r"\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}"  # $time_local
_COMBINED = re.compile(
    rf"^(\S+) \S+ \S+ \[({_STAMP})\] {_QUOTED} (\d{{3}}) \S+ {_QUOTED} {_QUOTED}(?: .*)?$"
)
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, 1)}
_TIME_LOCAL = re.compile(
    r"^(\d{2})/([A-Z][a-z]{2})/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$"
)
_ADDRESS = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b|\b[0-9a-fA-F]{0,4}(?::[0-9a-fA-F]{0,4}){2,7}\b")


@dataclass(frozen=True)
class Hit:
    """One request of an access log; ``phone`` is the keyed hash of address and user agent."""

    at: datetime
    method: str
    target: str  # path and query, as requested
    status: int
    agent: str
    phone: str


@dataclass(frozen=True)
class Skip:
    """A request that is no kiosk deep link (its reason), with its raw time for coverage."""

    reason: str
    stamp: str


NOT_COUNTED_STATUS = "not a GET answered 200 or 30x"
NOT_DEEP = "not a deep link"


def _judge(method: str, target: str, status: int) -> str | None:
    """Why a request is not a deep-link arrival (checked before any hashing), else None."""
    if method != "GET" or status not in COUNTED_STATUSES:
        return NOT_COUNTED_STATUS
    return None if target.startswith(PATH_PREFIX) else NOT_DEEP


@dataclass(frozen=True)
class Arrival:
    site: str
    slug: str
    lang: str
    at: datetime


@dataclass
class Counted:
    """What the logs held: the counted arrivals, what was left out and why, the anomalies."""

    arrivals: list[Arrival] = field(default_factory=list)
    files: int = 0
    lines: int = 0
    first_at: datetime | None = None  # the logs' coverage: earliest and latest request
    last_at: datetime | None = None
    not_counted: dict[str, int] = field(default_factory=dict)  # reason -> requests
    anomalies: list[tuple[str, str, int, str]] = field(
        default_factory=list
    )  # kind, file, line, example

    def skip(self, reason: str) -> None:
        self.not_counted[reason] = self.not_counted.get(reason, 0) + 1


def phone_of(address: str, agent: str, key: bytes) -> str:
    return blake2b(f"{address}\n{agent}".encode(), key=key, digest_size=12).hexdigest()


def masked(line: str) -> str:
    """The line without its addresses (an anomaly's example is shown on the dashboard)."""
    return _ADDRESS.sub("<adresse>", line)[:160]


def _unescape(value: str) -> str:
    """nginx writes ``"`` and non-ASCII bytes as ``\\xHH``, Apache as ``\\"``."""
    if "\\" not in value:
        return value
    value = re.sub(r"\\x([0-9A-Fa-f]{2})", lambda m: chr(int(m[1], 16)), value)
    return value.replace('\\"', '"').replace("\\\\", "\\")


@lru_cache(maxsize=4096)  # a busy log repeats the same second many times
def _time_local(text: str) -> datetime | None:
    m = _TIME_LOCAL.match(text)
    if m is None or m[2] not in _MONTHS:
        return None
    offset = timedelta(hours=int(m[8]), minutes=int(m[9])) * (1 if m[7] == "+" else -1)
    try:
        return datetime(
            int(m[3]), _MONTHS[m[2]], int(m[1]), int(m[4]), int(m[5]), int(m[6]),
            tzinfo=timezone(offset),
        )  # fmt: skip
    except ValueError:
        return None


def parse_combined(line: str, key: bytes) -> Hit | Skip | None:
    """A line of the "combined" format (nginx's default, Apache's ``combined``): a deep-link
    request (``Hit``), another request (``Skip``), or None when the line is not understood."""
    m = _COMBINED.match(line)
    if m is None:
        return None
    request = _unescape(m[3]).split(" ")
    if len(request) != 3:
        return Skip(NOT_COUNTED_STATUS, m[2])  # e.g. "-" or a TLS probe's bytes: logged, not a GET
    if (reason := _judge(request[0], request[1], int(m[4]))) is not None:
        return Skip(reason, m[2])
    at = _time_local(m[2])
    if at is None:
        return None
    agent = _unescape(m[6])
    return Hit(at, request[0], request[1], int(m[4]), agent, phone_of(m[1], agent, key))


def parse_cloudfront(names: list[str], line: str, key: bytes) -> Hit | Skip | None:
    """A line of a CloudFront standard log, with the ``#Fields`` names of its file: as
    ``parse_combined``."""
    fields = line.split("\t")
    if len(fields) != len(names):
        return None
    values = dict(zip(names, fields, strict=True))
    try:
        stamp = f"{values['date']}T{values['time']}"
        at = datetime.fromisoformat(stamp).replace(tzinfo=UTC)
        status = int(values["sc-status"])
        stem, query = values["cs-uri-stem"], values.get("cs-uri-query", "-")
        address, method, agent = values["c-ip"], values["cs-method"], values["cs(User-Agent)"]
    except (KeyError, ValueError):
        return None
    target = stem + (f"?{query}" if query not in ("-", "") else "")
    if (reason := _judge(method, target, status)) is not None:
        return Skip(reason, stamp)
    agent = unquote(unquote(agent))  # CloudFront encodes it (twice)
    return Hit(at, method, target, status, agent, phone_of(address, agent, key))


def _stamp_time(stamp: str) -> datetime | None:
    """The moment of a ``Skip``'s raw time, in either format."""
    if "T" in stamp:
        return datetime.fromisoformat(stamp).replace(tzinfo=UTC)
    return _time_local(stamp)


def read_log(name: str, data: bytes, key: bytes, counted: Counted) -> Iterator[tuple[int, Hit]]:
    """Every request of one log file (gzip or plain) with its line number; what cannot be
    read is an anomaly."""
    counted.files += 1
    text, cut = _text_of(data)
    if cut:
        counted.anomalies.append((CUT_FILE, name, 0, f"{len(data)} bytes"))
    names: list[str] | None = None
    cloudfront = text.startswith("#Version") or text.startswith("#Fields")
    first_stamp = last_stamp = ""  # of the skipped requests: their times only for coverage
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        if cloudfront and line.startswith("#"):
            if line.startswith("#Fields:"):
                names = line.split(":", 1)[1].split()
            continue
        counted.lines += 1
        if cloudfront and names is None:
            counted.anomalies.append((NO_FIELDS, name, number, masked(line)))
            continue
        hit = parse_cloudfront(names, line, key) if names else parse_combined(line, key)
        if hit is None:
            counted.anomalies.append((NOT_UNDERSTOOD, name, number, masked(line)))
        elif isinstance(hit, Skip):
            counted.skip(hit.reason)
            first_stamp, last_stamp = first_stamp or hit.stamp, hit.stamp
        else:
            _cover(counted, hit.at)
            yield number, hit
    for stamp in (first_stamp, last_stamp):
        if stamp and (at := _stamp_time(stamp)) is not None:
            _cover(counted, at)


def _cover(counted: Counted, at: datetime) -> None:
    counted.first_at = min(counted.first_at or at, at)
    counted.last_at = max(counted.last_at or at, at)


def _text_of(data: bytes) -> tuple[str, bool]:
    """The file's text and whether it was cut (a gzip stream ending early keeps what came)."""
    if not data.startswith(b"\x1f\x8b"):
        return data.decode("utf-8", errors="replace"), False
    parts, rest = [], data
    while rest:  # gzip files may hold several members (``cat a.gz b.gz``): read them all
        inflate = zlib.decompressobj(wbits=31)
        try:
            parts.append(inflate.decompress(rest))
        except zlib.error:
            return b"".join(parts).decode("utf-8", errors="replace"), True
        if not inflate.eof:
            return b"".join(parts).decode("utf-8", errors="replace"), True
        rest = inflate.unused_data
    return b"".join(parts).decode("utf-8", errors="replace"), False


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
            counted.arrivals.append(Arrival(link.site, link.slug, link.lang, hit.at))
    return counted


# -- SQL ---------------------------------------------------------------------------------------

QR_ARRIVALS = """
CREATE OR REPLACE TABLE qr_arrivals AS
SELECT unnest($site::VARCHAR[]) AS site, unnest($slug::VARCHAR[]) AS slug,
       unnest($lang::VARCHAR[]) AS lang, unnest($at::VARCHAR[])::TIMESTAMPTZ AS ts
"""
# the logs' coverage: a day outside it is "not measured", never 0
QR_COVERAGE = """
CREATE OR REPLACE TABLE qr_coverage AS
SELECT $files::BIGINT AS files, CAST($first::TIMESTAMPTZ AS DATE) AS first_day,
       CAST($last::TIMESTAMPTZ AS DATE) AS last_day
"""
# A deep link is the same on the NFC tag and in the QR code: an arrival is a QR scan or an NFC
# tap that opened the page. QR scans = arrivals - journaled NFC taps for the same site, item,
# local day and hour, never below 0 (a tap that opened nothing takes no scan away elsewhere).
QR_SCANS = """
CREATE OR REPLACE TABLE qr_scans AS
WITH a AS (
    SELECT site, slug, CAST(ts AS DATE) AS day, hour(ts) AS hour, count(*) AS arrivals
    FROM qr_arrivals GROUP BY ALL
), t AS (
    SELECT site, slug, day, hour, count(*) AS taps
    FROM handoffs WHERE kind = 'nfc_tap' AND slug IS NOT NULL GROUP BY ALL
)
SELECT a.site, a.slug, a.day, a.hour, isodow(a.day) AS weekday, a.arrivals,
       coalesce(t.taps, 0) AS nfc_taps, greatest(a.arrivals - coalesce(t.taps, 0), 0) AS scans
FROM a LEFT JOIN t USING (site, slug, day, hour)
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
