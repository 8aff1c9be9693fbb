"""iCalendar (RFC 5545) files: one per event and the whole agenda, per language (pure).

Times are written in Europe/Paris with ``TZID`` and a ``VTIMEZONE`` given by its DST rule (valid
for every year, unlike a table of transitions). ``UID`` is ``<slug>@<host>``: stable across
builds and languages, so a calendar that imported an event updates it instead of duplicating it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time
from functools import cache
from typing import TYPE_CHECKING

from p2f_model import schema
from p2f_model.corpus import Corpus, Item
from p2f_player.contract.rules import PARIS
from p2f_site.urls import item_path, item_url, lang_prefix
from p2f_web.config import WebSettings
from p2f_web.items import describe, is_over, sort_key
from p2f_web.texts import word

if TYPE_CHECKING:  # imported when a calendar is made: a rebuild often makes none
    import icalendar

END = b"END:VCALENDAR\r\n"
PARIS_VTIMEZONE = """\
BEGIN:VTIMEZONE
TZID:Europe/Paris
X-LIC-LOCATION:Europe/Paris
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
"""


def event_ics_path(slug: str, lang: str) -> str:
    """Next to the event's page: ``agenda/<slug>/event.ics``, ``en/agenda/<slug>/event.ics``."""
    return item_path("event", slug, lang).removesuffix("index.html") + "event.ics"


def agenda_ics_path(lang: str) -> str:
    return f"{lang_prefix(lang)}agenda.ics"


def _calendar(name: str, lang: str) -> icalendar.Calendar:
    """The calendar's own properties; its components are joined as bytes (``_ics``)."""
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//livep2f//agenda//{lang.upper()}")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Paris")
    return calendar


@cache
def _timezone_ical() -> bytes:
    """The VTIMEZONE's lines: parsed and written once per process, not once per event."""
    import icalendar

    return bytes(icalendar.Timezone.from_ical(PARIS_VTIMEZONE).to_ical())


def _ics(calendar: icalendar.Calendar, bodies: list[bytes]) -> bytes:
    """``calendar`` with the VTIMEZONE and the events whose lines are ``bodies`` as components:
    the same bytes as ``add_component`` each then ``to_ical`` (a component's lines are its
    properties' lines, then each component's lines, then ``END``), at a fraction of the cost."""
    head = bytes(calendar.to_ical())
    if not head.endswith(END):
        raise ValueError(f"icalendar wrote a calendar that does not end with {END!r}")
    return head[: -len(END)] + _timezone_ical() + b"".join(bodies) + END


def _event(item: Item, corpus: Corpus, lang: str, web: WebSettings) -> icalendar.Event:
    data: schema.Event = item.data
    text = item.text(lang)
    url = web.absolute(item_url("event", item.slug, lang))
    stamp = datetime.combine(data.provenance.verified_on, time(0, 0), tzinfo=UTC)
    import icalendar

    event = icalendar.Event()
    event.add("uid", f"{item.slug}@{web.host}")
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    event.add("dtstart", data.starts.astimezone(PARIS))
    event.add("dtend", data.ends.astimezone(PARIS))
    event.add("summary", text.title)
    description = describe(text, limit=1000)
    event.add("description", f"{description}\n\n{url}" if description else url)
    event.add("url", url)
    place = corpus.items.get(data.place)
    if place is not None and place.kind == "place":
        event.add("location", f"{place.text(lang).title}, {place.data.address}")
        event.add("geo", (place.data.geo.lat, place.data.geo.lon))
    return event


def vevent(item: Item, corpus: Corpus, lang: str, web: WebSettings) -> bytes:
    """The lines of ``item``'s VEVENT in ``lang``: a function of the event, its place and the
    settings only (a build with the cache keeps them under those inputs)."""
    return bytes(_event(item, corpus, lang, web).to_ical())


def event_ics(
    item: Item, corpus: Corpus, lang: str, web: WebSettings, event: bytes | None = None
) -> bytes:
    """The event's own calendar; ``event``: its ``vevent`` bytes when already made."""
    calendar = _calendar(item.text(lang).title, lang)
    return _ics(calendar, [event if event is not None else vevent(item, corpus, lang, web)])


def agenda_ics(
    corpus: Corpus,
    lang: str,
    web: WebSettings,
    now: datetime,
    events: Callable[[Item], bytes] | None = None,
) -> bytes:
    """Every event not over at ``now``, in date order; ``events(item)``: its ``vevent`` bytes
    in ``lang`` when already made."""
    calendar = _calendar(f"{word(lang, 'agenda')} — {web.site_name}", lang)
    made = events or (lambda item: vevent(item, corpus, lang, web))
    bodies = [
        made(item)
        for item in sorted(corpus.of_kind("event"), key=sort_key)
        if not is_over(item, now)
    ]
    return _ics(calendar, bodies)
