"""Access logs read line by line into requests (p2f_office.arrivals counts them).

The formats: nginx/Apache "combined" (nginx's default) and CloudFront standard logs (``#Fields``
header, tab-separated); plain or gzip, several gzip members too. Only a request to a deep-link
path (``PATH_PREFIX``) answered to a ``GET`` with 200 or 30x has its time parsed and its
address and user agent hashed (``phone_of``, keyed per run); the others are counted by reason,
their raw time kept for the logs' coverage. A line not in the format, a CloudFront line before
its header and a gzip file cut short are anomalies (``Counted.anomalies``), never dropped.

It does not decide what is a kiosk's arrival (``arrivals.count_arrivals`` does) nor do I/O.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from hashlib import blake2b
from urllib.parse import unquote

from p2f_player.contract.deeplinks import PATH_PREFIX

COUNTED_STATUSES = frozenset({200, 301, 302, 303, 304, 307, 308})
NOT_UNDERSTOOD = "access log line not understood"
CUT_FILE = "access log file unreadable (cut or not gzip)"
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
    channel: str | None = None  # the link's mark: "q" (QR code), "n" (NFC tag), None (none)


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
