"""DATAtourisme objects -> drafts (places, and one event per run of consecutive dates).

Pure: takes a parsed object and the flux's context, returns drafts or raises
``RecordError``. Reading the flux folder is ``sources.py``'s work.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from p2f_import import categories, hours
from p2f_import import jsonld as ld
from p2f_import.model import (
    OUT_OF_HORIZON,
    OUTSIDE,
    UNKNOWN_TYPE,
    Draft,
    RecordError,
    Skipped,
    Translation,
    clean_text,
    clip,
    email,
    first_sentence,
    https,
    number,
    phone,
)
from p2f_model.territory import Territory

SOURCE = "datatourisme"
LICENCE = "Licence Ouverte / Open Licence 2.0 (Etalab), via DATAtourisme"
TRANSLATIONS = ("en", "de", "es")


def map_object(
    obj: Mapping[str, Any],
    context: Mapping[str, Any],
    territory: Territory,
    now: datetime,
    horizon: timedelta,
) -> list[Draft | Skipped]:
    """One flux object as drafts, or the reason it is skipped. Raises ``RecordError``."""
    node = ld.expand(obj, context)
    record_id = str(obj["@id"])
    types = node.get("@type", [])
    target = categories.datatourisme_class(types)
    if target is None:
        shown = ", ".join(t for t in types if t not in ("PointOfInterest", "PlaceOfInterest"))
        return [Skipped(SOURCE, record_id, UNKNOWN_TYPE, shown)]
    labels = ld.texts(node, "rdfs:label")
    title = labels.get("fr") or next(iter(labels.values()), "")
    if not title.strip():
        raise RecordError("no rdfs:label (the name)")
    title, cut_title = clip(title, 140)
    place = (ld.nodes(node, "isLocatedAt") or [{}])[0]
    lat, lon, address, city = _location(place)
    if not territory.contains(lat, lon):
        return [Skipped(SOURCE, record_id, OUTSIDE, f"{lat}, {lon} ({city or address})")]
    flags = ["title shortened to 140 characters"] if cut_title else []
    words = _words(node)
    summary, cut = first_sentence(words["short"].get("fr") or words["long"].get("fr") or "")
    if cut:
        flags.append("summary shortened to 240 characters")
    body = clean_text(words["long"].get("fr") or words["short"].get("fr") or "")
    fields: dict[str, Any] = {"title": title}
    if summary:
        fields["summary"] = summary
    contact = _contact(node, flags)
    prices = _prices(node)
    common = dict(
        source=SOURCE,
        licence=LICENCE,
        url=record_id,
        updated_upstream=ld.first(node, "lastUpdateDatatourisme") or ld.first(node, "lastUpdate"),
        translations=_translations(node, labels, words, title),
        media=_media(node),
    )
    if target == categories.EVENT:
        return _events(node, record_id, fields, body, contact, prices, place, flags, common,
                       (lat, lon), now, horizon)  # fmt: skip
    category, subcategory = target
    if target in categories.BROAD:
        flags.append(f"subcategory {subcategory} is a broad guess from {', '.join(types)}")
    fields.update(category=category, subcategory=subcategory)
    fields["geo"] = {"lat": lat, "lon": lon}
    fields["address"] = address
    fields.update({k: v for k, v in contact.items() if k in ("phone", "email", "website")})
    opening, opening_text = _opening_hours(place)
    if opening:
        fields["opening_hours"] = opening
        flags.append("opening hours: the year's periods are assumed to repeat every year")
    elif opening_text:
        body += f"\n\nHoraires (à vérifier) : {opening_text}"
        flags.append("opening hours could not be written as opening_hours: kept in the text")
    if ld.booleans(node, "reducedMobilityAccess"):
        fields["accessibility"] = ["fauteuil"]
    if prices:
        body += f"\n\nTarifs : {prices}"
    draft = Draft(record_id=record_id, kind="place", fields=fields, body=body.strip(),
                  flags=tuple(flags), **common)  # type: ignore[arg-type]  # fmt: skip
    return [draft]


def _media(node: ld.Node) -> tuple[dict[str, str], ...]:
    """Pictures of an object: URL, credits, caption (``title``, ``title_en``...), MIME type
    and the end of the usage rights when upstream says them (``gallery`` stores them)."""
    out: list[dict[str, str]] = []
    for rep in ld.nodes(node, "hasMainRepresentation") + ld.nodes(node, "hasRepresentation"):
        for resource in ld.nodes(rep, "ebucore:hasRelatedResource"):
            for url in ld.strings(resource, "ebucore:locator"):
                if any(m["url"] == url for m in out):
                    continue
                entry = {"url": url}
                for mime in ld.nodes(resource, "ebucore:hasMimeType"):
                    for label in ld.strings(mime, "rdfs:label")[:1]:
                        entry["mime"] = label
                for note in ld.nodes(rep, "ebucore:hasAnnotation"):
                    credits = ld.strings(note, "credits")
                    title = ld.texts(note, "ebucore:title")
                    if credits:
                        entry["credits"] = ", ".join(credits)
                    if title:
                        entry["title"] = title.get("fr") or next(iter(title.values()))
                    for lang in TRANSLATIONS:
                        if title.get(lang):
                            entry[f"title_{lang}"] = title[lang]
                    until = ld.first(note, "rightsEndDate")
                    if until:
                        entry["rights_until"] = until[:10]
                out.append(entry)
    return tuple(out)


def _location(place: ld.Node) -> tuple[float, float, str, str]:
    geo = (ld.nodes(place, "schema:geo") or [{}])[0]
    lat, lon = ld.first(geo, "schema:latitude"), ld.first(geo, "schema:longitude")
    if lat is None or lon is None:
        raise RecordError("no coordinates (isLocatedAt/schema:geo)")
    address = (ld.nodes(place, "schema:address") or [{}])[0]
    street = ", ".join(s.strip() for s in ld.strings(address, "schema:streetAddress") if s.strip())
    postal = ld.first(address, "schema:postalCode") or ""
    city = ld.first(address, "schema:addressLocality") or ""
    for town in ld.nodes(address, "hasAddressCity"):  # an object or a list, upstream
        city = city or ld.texts(town, "rdfs:label").get("fr", "")
    line = ", ".join(part for part in (street, f"{postal} {city}".strip()) if part)
    if not line:
        raise RecordError("no address (isLocatedAt/schema:address)")
    return number(lat), number(lon), line, city


def _words(node: ld.Node) -> dict[str, dict[str, str]]:
    description = (ld.nodes(node, "hasDescription") or [{}])[0]
    comment = ld.texts(node, "rdfs:comment")
    short = ld.texts(description, "shortDescription") or comment
    long = ld.texts(description, "dc:description") or comment
    return {"short": short, "long": long}


def _machine_translated(node: ld.Node) -> set[str]:
    """Languages the data marks as machine translated (``hasTranslatedProperty`` with a
    translation service as ``dc:contributor``)."""
    langs: set[str] = set()
    for mark in ld.nodes(node, "hasTranslatedProperty"):
        if ld.strings(mark, "dc:contributor"):
            langs.update(ld.strings(mark, "rdf:language"))
    return langs


def _translations(
    node: ld.Node, labels: dict[str, str], words: dict[str, dict[str, str]], title: str
) -> tuple[Translation, ...]:
    machine = _machine_translated(node)
    out = []
    for lang in TRANSLATIONS:
        long = words["long"].get(lang) or words["short"].get(lang)
        if not long:
            continue
        summary, _ = first_sentence(words["short"].get(lang) or long)
        name, _ = clip(labels.get(lang) or title, 140)
        out.append(Translation(lang, name, summary or None, clean_text(long), lang in machine))
    return tuple(out)


def _contact(node: ld.Node, flags: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for agent in ld.nodes(node, "hasContact"):
        for raw in ld.strings(agent, "schema:telephone"):
            if "phone" not in found and (value := phone(raw)):
                found["phone"] = value
        for raw in ld.strings(agent, "schema:email"):
            if "email" not in found and (value := email(raw)):
                found["email"] = value
        for raw in ld.strings(agent, "foaf:homepage"):
            if "website" in found:
                continue
            if value := https(raw):
                found["website"] = value
            else:
                flags.append(f"website {raw} is not https: left out")
    return found


def _prices(node: ld.Node) -> str:
    amounts: list[float] = []
    for offer in ld.nodes(node, "offers") + ld.nodes(node, "schema:offers"):
        for spec in ld.nodes(offer, "schema:priceSpecification"):
            for prop in ("schema:minPrice", "schema:maxPrice", "schema:price"):
                amounts.extend(number(v) for v in ld.strings(spec, prop))
    if not amounts:
        return ""
    low, high = min(amounts), max(amounts)
    return f"{low:g} €" if low == high else f"de {low:g} à {high:g} €"


def _opening_hours(place: ld.Node) -> tuple[str | None, str]:
    periods, shown = [], []
    for spec in ld.nodes(place, "schema:openingHoursSpecification"):
        named = [n.get("@id", "") for n in ld.nodes(spec, "schema:dayOfWeek")]
        named += ld.strings(spec, "schema:dayOfWeek")
        days = tuple(
            hours.ENGLISH_DAYS[d.rsplit(":", 1)[-1].rsplit("/", 1)[-1].lower()]
            for d in named
            if d.rsplit(":", 1)[-1].rsplit("/", 1)[-1].lower() in hours.ENGLISH_DAYS
        )
        starts = _day(ld.first(spec, "schema:validFrom"))
        ends = _day(ld.first(spec, "schema:validThrough"))
        opens, closes = ld.first(spec, "schema:opens"), ld.first(spec, "schema:closes")
        periods.append(hours.Period(starts, ends, days, opens, closes))
        shown.append(
            f"{starts or '?'} → {ends or '?'} {' '.join(days) or 'tous les jours'} "
            f"{hours.clock(opens) or ''}-{hours.clock(closes) or ''}".strip()
        )
    return hours.expression(periods) if periods else None, "; ".join(shown)


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _runs(node: ld.Node) -> list[tuple[date, date, str | None, str | None]]:
    """The event's dates as runs of consecutive days: ``(first, last, opens, closes)``."""
    spans: list[tuple[date, date, str | None, str | None]] = []
    for period in ld.nodes(node, "takesPlaceAt"):
        start, end = _day(ld.first(period, "startDate")), _day(ld.first(period, "endDate"))
        if start:
            spans.append((start, end or start, ld.first(period, "startTime"),
                          ld.first(period, "endTime")))  # fmt: skip
    if not spans:  # older objects: parallel lists of schema:startDate / schema:endDate
        starts = [_day(s) for s in ld.strings(node, "schema:startDate")]
        ends = [_day(s) for s in ld.strings(node, "schema:endDate")]
        for index, start in enumerate(starts):
            if start:
                end = ends[index] if index < len(ends) else None
                spans.append((start, max(start, end or start), None, None))
    spans.sort()
    runs: list[tuple[date, date, str | None, str | None]] = []
    for start, end, opens, closes in spans:
        if runs and start <= runs[-1][1] + timedelta(days=1) and opens == runs[-1][2]:
            first_day, last, o, c = runs[-1]
            runs[-1] = (first_day, max(last, end), o, c)
        else:
            runs.append((start, end, opens, closes))
    return runs


def _events(
    node: ld.Node,
    record_id: str,
    fields: dict[str, Any],
    body: str,
    contact: dict[str, str],
    prices: str,
    place: ld.Node,
    flags: list[str],
    common: dict[str, Any],
    geo: tuple[float, float],
    now: datetime,
    horizon: timedelta,
) -> list[Draft | Skipped]:
    runs = _runs(node)
    if not runs:
        raise RecordError("an event without dates (takesPlaceAt / schema:startDate)")
    label = ld.texts(place, "rdfs:label")
    address = _location(place)[2]
    venue = label.get("fr") or next(iter(label.values()), None) or address
    located = str(place.get("@id", ""))  # the location's own node: a stable id upstream
    venue_id = located if located.startswith(("http://", "https://")) else None
    if prices:
        body += f"\n\nTarifs : {prices}"
    out: list[Draft | Skipped] = []
    today, last_day = now.date(), (now + horizon).date()
    for start, end, opens, closes in runs:
        key = f"{record_id}#{start.isoformat()}"
        if end < today or start > last_day:
            out.append(Skipped(SOURCE, key, OUT_OF_HORIZON, f"{start} → {end}"))
            continue
        event = dict(fields)
        begins = datetime.fromisoformat(f"{start.isoformat()}T{hours.clock(opens) or '00:00'}")
        finishes = datetime.fromisoformat(f"{end.isoformat()}T{hours.clock(closes) or '23:59'}")
        if finishes <= begins:  # closes after midnight: 20:00-01:00
            finishes += timedelta(days=1)
        event["starts"] = begins.isoformat(timespec="minutes")
        event["ends"] = finishes.isoformat(timespec="minutes")
        if "website" in contact:
            event["booking_url"] = contact["website"]
        out.append(Draft(record_id=key, kind="event", fields=event, body=body.strip(),
                         flags=tuple(flags), venue=venue, venue_geo=geo,
                         venue_address=address, venue_id=venue_id, **common))  # fmt: skip
    return out
