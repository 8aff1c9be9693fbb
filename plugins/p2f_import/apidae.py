"""Apidae search/export responses -> drafts.

Pure. Handles the Sitra-era responses (``identifierSitra1``, ``coordonnee``) and current
ones (``identifier``, ``coordonnees: {fr: ...}``). GeoJSON coordinates are ``[lon, lat]``.

An exported response repeats its request in ``query``, API key included: nothing here reads
that block except the page position (``first``), and nothing of it is written anywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from p2f_import import categories, hours
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

SOURCE = "apidae"
LICENCE = "Apidae: terms of the member's project (check before publishing)"
LANG_KEYS = {"fr": "libelleFr", "en": "libelleEn", "de": "libelleDe", "es": "libelleEs"}
PHONE, EMAIL, WEBSITE = 201, 204, 205  # MoyenCommunicationType ids
ADAPTED = (("fauteuil", "moteur"), ("malvoyant", "visuel"), ("malentendant", "auditif"),
           ("mental", "mental"))  # fmt: skip


def page_note(response: Mapping[str, Any], count: int) -> str | None:
    """What the reviewer must know when the export holds one page of a larger result."""
    found = response.get("numFound")
    query = response.get("query")
    first = query.get("first", 0) if isinstance(query, Mapping) else 0
    if isinstance(found, int) and isinstance(first, int) and found > count:
        return (
            f"this response holds records {first + 1}-{first + count} of {found}: export the "
            "other pages (query first=100, 200...) and import them too"
        )
    return None


def records(response: Any) -> list[Any]:
    if not isinstance(response, Mapping) or not isinstance(
        response.get("objetsTouristiques"), list
    ):
        raise RecordError("not an Apidae response (no objetsTouristiques list)")
    return list(response["objetsTouristiques"])


def record_id(obj: Any) -> str:
    if isinstance(obj, Mapping) and isinstance(obj.get("id"), int | str):
        return str(obj["id"])
    return "?"


def _text(block: Any, lang: str = "fr") -> str:
    if isinstance(block, Mapping):
        value = block.get(LANG_KEYS[lang])
        return value.strip() if isinstance(value, str) else ""
    return ""


def map_object(
    obj: Mapping[str, Any], territory: Territory, now: datetime, horizon: timedelta
) -> list[Draft | Skipped]:
    """One ``objetsTouristiques`` entry as drafts, or why it is skipped."""
    key = record_id(obj)
    if key == "?":
        raise RecordError("no id")
    kind = str(obj.get("type", ""))
    target = categories.APIDAE.get(kind)
    if target is None:
        return [Skipped(SOURCE, key, UNKNOWN_TYPE, kind or "no type")]
    title, cut_title = clip(_text(obj.get("nom")), 140)
    if not title:
        raise RecordError("no nom.libelleFr (the name)")
    where = obj.get("localisation") or {}
    try:
        lon, lat = where["geolocalisation"]["geoJson"]["coordinates"][:2]  # GeoJSON: lon first
    except (KeyError, TypeError, ValueError):
        raise RecordError("no coordinates (localisation.geolocalisation.geoJson)") from None
    lat, lon = number(lat), number(lon)
    address, city = _address(where.get("adresse") or {})
    if not territory.contains(lat, lon):
        return [Skipped(SOURCE, key, OUTSIDE, f"{lat}, {lon} ({city or address})")]
    flags = ["title shortened to 140 characters"] if cut_title else []
    texts = obj.get("presentation") or {}
    short, long = texts.get("descriptifCourt"), texts.get("descriptifDetaille")
    summary, cut = first_sentence(_text(short) or _text(long))
    if cut:
        flags.append("summary shortened to 240 characters")
    body = clean_text("\n\n".join(t for t in (_text(short), _text(long)) if t))
    fields: dict[str, Any] = {"title": title}
    if summary:
        fields["summary"] = summary
    contact = _contact(obj.get("informations") or {}, flags)
    opening = obj.get("ouverture") or {}
    tariff = obj.get("descriptionTarif") or {}
    if _text(tariff.get("tarifsEnClair")):
        body += f"\n\nTarifs : {clean_text(_text(tariff.get('tarifsEnClair')))}"
    management = obj.get("gestion") or {}
    common: dict[str, Any] = dict(
        source=SOURCE,
        licence=LICENCE,
        url=None,
        updated_upstream=management.get("dateModification"),
        translations=_translations(obj, title),
        media=_media(obj),
    )
    if obj.get("identifierSitra1"):
        flags.append(f"Sitra identifier {obj['identifierSitra1']}")
    if target == categories.EVENT:
        venue = (obj.get("informationsFeteEtManifestation") or {}).get("nomLieu")
        common["venue_address"] = address
        return _events(key, fields, body, contact, tariff, opening, flags, common,
                       venue, (lat, lon), now, horizon)  # fmt: skip
    category, subcategory = target
    if target in categories.BROAD:
        flags.append(f"subcategory {subcategory} is a broad guess from Apidae type {kind}")
    fields.update(category=category, subcategory=subcategory, geo={"lat": lat, "lon": lon})
    fields["address"] = address
    fields.update({k: v for k, v in contact.items() if k in ("phone", "email", "website")})
    expression = hours.expression(_periods(opening))
    if expression:
        fields["opening_hours"] = expression
        flags.append("opening hours: the year's periods are assumed to repeat every year")
    elif _text(opening.get("periodeEnClair")):
        body += f"\n\nOuverture : {clean_text(_text(opening.get('periodeEnClair')))}"
        flags.append("opening periods could not be written as opening_hours: kept in the text")
    access = _accessibility(obj.get("prestations") or {})
    if access:
        fields["accessibility"] = access
    draft = Draft(record_id=key, kind="place", fields=fields, body=body.strip(),
                  flags=tuple(flags), **common)  # fmt: skip
    return [draft]


def _address(block: Mapping[str, Any]) -> tuple[str, str]:
    street = ", ".join(
        str(block[k]).strip() for k in ("adresse1", "adresse2", "adresse3") if block.get(k)
    )
    town = block.get("commune") or {}
    city = str(town.get("nom", "")).strip() if isinstance(town, Mapping) else ""
    postal = str(block.get("codePostal") or (town.get("codePostal") if town else "") or "")
    line = ", ".join(part for part in (street, f"{postal} {city}".strip()) if part)
    if not line:
        raise RecordError("no address (localisation.adresse)")
    return line, city


def _contact(info: Mapping[str, Any], flags: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for means in info.get("moyensCommunication") or []:
        kind = (means.get("type") or {}).get("id")
        raw = (means.get("coordonnees") or {}).get("fr") or means.get("coordonnee") or ""
        raw = str(raw)
        if kind == PHONE and "phone" not in found and (value := phone(raw)):
            found["phone"] = value
        elif kind == EMAIL and "email" not in found and (value := email(raw)):
            found["email"] = value
        elif kind == WEBSITE and "website" not in found:
            if value := https(raw):
                found["website"] = value
            else:
                flags.append(f"website {raw} is not https: left out")
    return found


def _translations(obj: Mapping[str, Any], title: str) -> tuple[Translation, ...]:
    texts = obj.get("presentation") or {}
    out = []
    for lang in ("en", "de", "es"):
        short = _text(texts.get("descriptifCourt"), lang)
        long = _text(texts.get("descriptifDetaille"), lang)
        if not (short or long):
            continue
        name, _ = clip(_text(obj.get("nom"), lang) or title, 140)
        summary, _ = first_sentence(short or long)
        body = clean_text("\n\n".join(t for t in (short, long) if t))
        out.append(Translation(lang, name, summary or None, body))
    return tuple(out)


def _media(obj: Mapping[str, Any]) -> tuple[dict[str, str], ...]:
    """Pictures: URL, copyright, caption (``legende``, else ``nom``) in each language."""
    out = []
    for picture in obj.get("illustrations") or []:
        files = picture.get("traductionFichiers") or []
        if not files or not files[0].get("url"):
            continue
        entry = {"url": str(files[0]["url"])}
        if _text(picture.get("copyright")):
            entry["credits"] = _text(picture.get("copyright"))
        for lang in LANG_KEYS:
            words = _text(picture.get("legende"), lang) or _text(picture.get("nom"), lang)
            if words:
                entry["title" if lang == "fr" else f"title_{lang}"] = words
        out.append(entry)
    return tuple(out)


def _accessibility(services: Mapping[str, Any]) -> list[str]:
    labels = " ".join(_text(t).lower() for t in services.get("tourismesAdaptes") or [])
    return [word for word, clue in ADAPTED if clue in labels or word in labels]


def _day(text: Any) -> date | None:
    try:
        return date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


def _periods(opening: Mapping[str, Any]) -> list[hours.Period]:
    out = []
    for period in opening.get("periodesOuvertures") or []:
        kind = period.get("type")
        if kind == "OUVERTURE_TOUS_LES_JOURS":
            days: tuple[str, ...] = ()
        elif kind == "OUVERTURE_SEMAINE":
            days = tuple(
                hours.FRENCH_DAYS[d.get("jour")]
                for d in period.get("ouverturesJournalieres") or []
                if d.get("jour") in hours.FRENCH_DAYS
            )
            if not days:
                return []
        else:  # OUVERTURE_SAUF, OUVERTURE_MOIS...: said in words, not guessed
            return []
        out.append(
            hours.Period(
                _day(period.get("dateDebut")),
                _day(period.get("dateFin")),
                days,
                period.get("horaireOuverture"),
                period.get("horaireFermeture"),
            )
        )
    return out


def _events(
    key: str,
    fields: dict[str, Any],
    body: str,
    contact: dict[str, str],
    tariff: Mapping[str, Any],
    opening: Mapping[str, Any],
    flags: list[str],
    common: dict[str, Any],
    venue: Any,
    geo: tuple[float, float],
    now: datetime,
    horizon: timedelta,
) -> list[Draft | Skipped]:
    periods = opening.get("periodesOuvertures") or []
    if not periods:
        raise RecordError("an event without dates (ouverture.periodesOuvertures)")
    out: list[Draft | Skipped] = []
    today, last_day = now.date(), (now + horizon).date()
    for period in periods:
        start, end = _day(period.get("dateDebut")), _day(period.get("dateFin"))
        if start is None:
            raise RecordError("an event period without dateDebut")
        end = end or start
        occurrence = f"{key}#{start.isoformat()}"
        if end < today or start > last_day:
            out.append(Skipped(SOURCE, occurrence, OUT_OF_HORIZON, f"{start} → {end}"))
            continue
        opens = hours.clock(period.get("horaireOuverture")) or "00:00"
        closes = hours.clock(period.get("horaireFermeture")) or "23:59"
        begins = datetime.fromisoformat(f"{start.isoformat()}T{opens}")
        finishes = datetime.fromisoformat(f"{end.isoformat()}T{closes}")
        if finishes <= begins:
            finishes += timedelta(days=1)
        event = dict(fields, starts=begins.isoformat(timespec="minutes"),
                     ends=finishes.isoformat(timespec="minutes"))  # fmt: skip
        if tariff.get("gratuit") is True:
            event["price"] = 0.0
        if "website" in contact:
            event["booking_url"] = contact["website"]
        out.append(Draft(record_id=occurrence, kind="event", fields=event, body=body.strip(),
                         flags=tuple(flags), venue=str(venue) if venue else None,
                         venue_geo=geo, **common))  # fmt: skip
    return out
