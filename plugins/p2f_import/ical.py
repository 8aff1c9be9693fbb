"""iCalendar feeds -> one event draft per occurrence within the horizon.

Pure: the feed's bytes in. Recurrence (RRULE, RDATE, EXDATE, overridden occurrences with
RECURRENCE-ID) is expanded by ``recurring-ical-events``, an RFC 5545 implementation; times
with a TZID or in UTC are turned into Europe/Paris local time, floating times are taken as
Paris time, all-day events run from 00:00 on the first day to 23:59 on the last (DTEND of
an all-day event is the day after, RFC 5545 3.6.1). ``STATUS:CANCELLED`` occurrences are
reported, not imported.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import icalendar
import recurring_ical_events

from p2f_import.model import (
    BAD_RECORD,
    CANCELLED,
    Draft,
    RecordError,
    Skipped,
    clean_text,
    clip,
    first_sentence,
    https,
    number,
)
from p2f_player.contract.rules import PARIS

SOURCE = "ical"


def parse(data: bytes) -> icalendar.Calendar:
    try:
        return icalendar.Calendar.from_ical(data)
    except ValueError as error:
        raise RecordError(f"not an iCalendar feed ({error})") from None


def uids(calendar: icalendar.Calendar) -> set[str]:
    """Every UID of the feed, whatever its dates (to tell "gone upstream" from "later")."""
    return {str(event.get("UID")) for event in calendar.walk("VEVENT") if event.get("UID")}


def occurrences(
    calendar: icalendar.Calendar, feed: str, now: datetime, horizon: timedelta
) -> list[Draft | Skipped]:
    """Every occurrence that has not ended at ``now`` and starts within the horizon."""
    out: list[Draft | Skipped] = []
    window = recurring_ical_events.of(calendar).between(now, now + horizon)
    for event in sorted(window, key=lambda e: (str(e.get("UID", "")), _sort_key(e))):
        try:
            out.append(_occurrence(event, feed))
        except (RecordError, ValueError, TypeError, AttributeError) as error:
            uid = str(event.get("UID") or "?")
            out.append(Skipped(SOURCE, uid, BAD_RECORD, str(error)))
    return out


def _sort_key(event: Any) -> str:
    start = event.get("DTSTART")
    return start.dt.isoformat() if start is not None else ""


def _local(value: date | datetime, end_of_day: bool = False) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(PARIS) if value.tzinfo else value.replace(tzinfo=PARIS)
    moment = datetime(value.year, value.month, value.day, tzinfo=PARIS)
    return moment.replace(hour=23, minute=59) if end_of_day else moment


def _occurrence(event: Any, feed: str) -> Draft | Skipped:
    uid = str(event.get("UID") or "")
    start_prop = event.get("DTSTART")
    if not uid or start_prop is None:
        raise RecordError("a VEVENT without UID or DTSTART")
    start_value = start_prop.dt
    begins = _local(start_value)
    key = f"{uid}#{begins.isoformat(timespec='minutes')}"
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return Skipped(SOURCE, key, CANCELLED, str(event.get("SUMMARY", "")))
    end_prop = event.get("DTEND")
    all_day = not isinstance(start_value, datetime)
    if end_prop is not None:
        end_value = end_prop.dt
        if all_day and not isinstance(end_value, datetime):
            end_value = end_value - timedelta(days=1)  # DTEND of an all-day event: exclusive
        finishes = _local(end_value, end_of_day=all_day)
    elif event.get("DURATION") is not None:
        finishes = begins + event["DURATION"].dt
    else:
        finishes = _local(start_value, end_of_day=True) if all_day else begins
    if finishes <= begins:
        finishes = begins + timedelta(hours=1) if not all_day else finishes
    title, cut = clip(str(event.get("SUMMARY") or ""), 140)
    if not title:
        raise RecordError(f"{key}: a VEVENT without SUMMARY (its title)")
    description = str(event.get("DESCRIPTION") or "")
    summary, cut_summary = first_sentence(description)
    fields: dict[str, Any] = {
        "title": title,
        "starts": begins.strftime("%Y-%m-%dT%H:%M"),
        "ends": finishes.strftime("%Y-%m-%dT%H:%M"),
    }
    if summary:
        fields["summary"] = summary
    flags = ["licence of the feed unknown: ask the publisher before publishing"]
    if cut or cut_summary:
        flags.append("title or summary shortened")
    url = https(str(event.get("URL") or ""))
    if url:
        fields["booking_url"] = url
    geo = event.get("GEO")
    venue_geo = (number(geo.latitude), number(geo.longitude)) if geo is not None else None
    modified = event.get("LAST-MODIFIED") or event.get("DTSTAMP")
    location = " ".join(str(event.get("LOCATION") or "").split()) or None
    return Draft(
        source=SOURCE,
        record_id=key,
        kind="event",
        fields=fields,
        body=clean_text(description),
        url=feed,
        updated_upstream=modified.dt.isoformat() if modified is not None else None,
        flags=tuple(flags),
        venue=location,
        venue_geo=venue_geo,
        venue_address=location,  # LOCATION is a name, an address or both: flagged if used
    )
