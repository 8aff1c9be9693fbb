"""Proposals from outside: a form's fields turned into a draft content file, and the limits
that keep the form from being abused.

A partner (an offer) or an association (an event) fills the public form of the website
(``/proposer/``, ``theme/templates/proposal.html``); ``draft_from_form`` checks each field and
writes the item a reporter would write, with ``status: draft`` (built into neither the
website nor a kiosk bundle until a reviewer publishes it) and the provenance
``proposed by <organisation>, not verified``. The proposer's e-mail address is kept as a
YAML comment for the reviewer, never as a field (nothing publishes it).

Abuse limits (``Limits``): a request body of at most ``max_body`` bytes, URL-encoded only (no
files, no multipart), at most ``max_fields`` fields, every text capped and free of HTML and
control characters; a filled honeypot field (``url_bis``, hidden from people) is accepted
silently and dropped; ``RateLimit`` allows ``per_client`` proposals per client address and
``overall`` in total per hour; past ``max_pending`` drafts waiting, new ones are refused.
Pure: the form, the known places and partners and ``now`` come in.
"""

from __future__ import annotations

import re
import unicodedata
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

import yaml

from p2f_model.frontmatter import CONTROL

NOT_VERIFIED = "not verified"  # review.items flags a source with these words
HONEYPOT = "url_bis"
VERIFIED_BY = "formulaire de proposition"
FOLDERS = {"event": "agenda", "offer": "bons-plans"}
TEXT_CAPS = {"org": 100, "email": 254, "title": 140, "summary": 240, "text": 2000, "url": 300}
_EMAIL = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[a-z]{2,}", re.IGNORECASE)
_LOCAL = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@dataclass(frozen=True)
class Limits:
    max_body: int = 8_192  # bytes of one request
    max_fields: int = 20
    per_client: int = 5  # proposals per client address per hour
    overall: int = 60  # proposals per hour in total
    max_pending: int = 200  # drafts from the form waiting for review


class ProposalError(ValueError):
    """A field the proposer must correct: ``field`` and a message in words."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Draft:
    folder: str  # agenda | bons-plans
    slug: str
    text: str


def _text(form: Mapping[str, str], name: str, required: bool = True) -> str:
    value = form.get(name, "").strip()
    cap = TEXT_CAPS.get(name, 300)
    if required and not value:
        raise ProposalError(name, "required")
    if len(value) > cap:
        raise ProposalError(name, f"at most {cap} characters")
    if "<" in value or ">" in value:
        raise ProposalError(name, "no HTML, please (< and > are refused)")
    if CONTROL.search(value.replace("\r\n", "\n").replace("\t", " ")):
        raise ProposalError(name, "contains an invisible control character")
    return value


def _moment(form: Mapping[str, str], name: str) -> str:
    value = form.get(name, "").strip()[:16]
    if not _LOCAL.fullmatch(value):
        raise ProposalError(name, "a date and time, e.g. 2027-05-01T08:00")
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise ProposalError(name, f"{value} is not a real date and time") from None
    return value


def slugify(title: str, day: date) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:40].strip("-")
    return f"{words or 'proposition'}-{day.isoformat()}"


def draft_from_form(
    form: Mapping[str, str], places: set[str], partners: set[str], today: date
) -> Draft | None:
    """The draft for one submission, or ``None`` for a bot (the honeypot is filled).
    Raises ``ProposalError`` naming the first field to correct."""
    if form.get(HONEYPOT, "").strip():
        return None
    kind = form.get("kind", "")
    if kind not in FOLDERS:
        raise ProposalError("kind", "event or offer")
    org = _text(form, "org")
    email = _text(form, "email")
    if not _EMAIL.fullmatch(email):
        raise ProposalError("email", "not an e-mail address")
    title = _text(form, "title")
    summary = _text(form, "summary", required=False)
    body = _text(form, "text", required=False).replace("\r\n", "\n")
    fields: dict[str, object] = {"status": "draft", "title": title}
    if summary:
        fields["summary"] = summary
    if kind == "event":
        start, end = _moment(form, "starts"), _moment(form, "ends")
        if end <= start:
            raise ProposalError("ends", "must come after the start")
        place = form.get("place", "")
        if place not in places:
            raise ProposalError("place", "choose a place of the list")
        fields |= {"starts": start, "ends": end, "place": place}
        who = org
    else:
        if org not in partners:
            raise ProposalError("org", "offers are proposed by partners: choose yours")
        start, end = _moment(form, "valid_from"), _moment(form, "valid_until")
        if end <= start:
            raise ProposalError("valid_until", "must come after the start")
        url = form.get("booking_url", "").strip()
        if not re.fullmatch(r"https://[^\s<>\"']{3,300}", url):
            raise ProposalError("booking_url", "a web address starting with https://")
        fields |= {"partner": org, "valid_from": start, "valid_until": end, "booking_url": url}
        who = org
    fields["provenance"] = {
        "source": f"proposed by {who}, {NOT_VERIFIED}",
        "verified_by": VERIFIED_BY,
        "verified_on": today.isoformat(),
    }
    header = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, width=1000)
    text = (
        "---\n"
        f"# proposed through the website form on {today.isoformat()}; contact: {email}\n"
        "# reviewer: verify, set provenance (source, verified_by, verified_on), delete this\n"
        "# comment, then set status: published\n"
        f"{header}---\n\n{body}\n"
    )
    return Draft(FOLDERS[kind], slugify(title, today), text)


@dataclass
class RateLimit:
    """Sliding one-hour windows per client address and overall; time comes in as seconds."""

    limits: Limits = field(default_factory=Limits)
    window: float = 3600.0
    max_clients: int = 10_000  # addresses remembered; past this the oldest are forgotten
    _clients: dict[str, deque[float]] = field(default_factory=dict)
    _all: deque[float] = field(default_factory=deque)

    def allow(self, client: str, now: float) -> bool:
        """Count one proposal from ``client`` at ``now`` if within the limits."""
        horizon = now - self.window
        while self._all and self._all[0] <= horizon:
            self._all.popleft()
        times = self._clients.setdefault(client, deque())
        while times and times[0] <= horizon:
            times.popleft()
        if len(times) >= self.limits.per_client or len(self._all) >= self.limits.overall:
            return False
        times.append(now)
        self._all.append(now)
        if len(self._clients) > self.max_clients:
            self._clients.pop(next(iter(self._clients)))
        return True
