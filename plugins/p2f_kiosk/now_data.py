"""What is open, and when, for a screen's own clock: ``directory/<lang>/now.js``.

A bundle outlives the moment it was built, and its pages cannot format dates themselves (one
implementation of the words: ``p2f_site.hours_words``). So the build writes, per language, the
phrase that holds at every moment of the next ``DAYS`` days: for each place of the directory its
open/closed phases (``Ouvert · ferme à 19 h``), for each event its phases (``Ce soir 21 h``), and
each place's distance from this screen (in metres for the order, ``m``, and in words, ``d``: the
touch directory's item pages are the same on every site, and their script fills the distance
and the deep link in from here: ``link``, the two parts of this site's deep links around a
slug). A page's script (``directory.js``) or the player's now
board (``p2f_player.nowboard``) only picks the phase that holds at its clock.

Compact form (``P2F_NOW={...};``): moments are minutes from ``start``; phrases are indexes in
``texts``; a phase is ``[minute, open, text]`` and lasts until the next one (the last until
``end``). Places are in order of distance from the screen. A title shown in another language
than the file's (an untranslated item: French) says so with ``tl``. Pure: ``now`` is an argument.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from datetime import datetime, time, timedelta
from functools import partial
from typing import Any, NamedTuple, TypeVar

from p2f_kiosk.labels import labels, subcategory_label
from p2f_kiosk.screen_words import far_text, screen_words
from p2f_model.corpus import Item
from p2f_player.contract.rules import PARIS
from p2f_site.hours import open_intervals
from p2f_site.hours_words import Phase, event_phases, state_phases

DAYS = 14  # as long as a manifest is trusted (bundle.MANIFEST_LIFETIME)
LOOKAHEAD = timedelta(days=8)  # past the end, to say when the last phase changes
EARTH_M = 6_371_000
Minutes = Sequence[tuple[int, int, str]]  # (minute from the span's start, open, phrase)


class Phases(NamedTuple):
    """A place's or event's phases as minutes, with their phrases in order of first use."""

    minutes: Minutes
    texts: tuple[str, ...]


T = TypeVar("T")


def _compute(key: Hashable, compute: Callable[[], T]) -> T:
    return compute()


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> int:
    """Great-circle distance in metres between two (lat, lon), rounded to 10 m."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return int(round(2 * EARTH_M * math.asin(math.sqrt(h)), -1))


def by_distance(places: Iterable[Item], here: tuple[float, float]) -> list[Item]:
    """Nearest first (then by slug: stable)."""
    return sorted(places, key=lambda p: (distance_m(here, _geo(p)), p.slug))


def _geo(place: Item) -> tuple[float, float]:
    return (place.data.geo.lat, place.data.geo.lon)


def span_start(now: datetime) -> datetime:
    """The covered span starts at the build day's midnight (Paris)."""
    return datetime.combine(now.astimezone(PARIS).date(), time(0, 0), tzinfo=PARIS)


def place_phases(expression: str, season: str | None, now: datetime, lang: str) -> list[Phase]:
    """Open/closed phrases over the covered span: the same intervals as the scheduler's
    (``p2f_site.hours.open_intervals``: French holidays, and closed out of season)."""
    start = span_start(now)
    end = start + timedelta(days=DAYS)
    intervals = open_intervals(expression, season, start, end + LOOKAHEAD)
    return state_phases(intervals, start, end, lang)


def place_minutes(expression: str, season: str | None, now: datetime, lang: str) -> Phases:
    """``place_phases`` as minutes from the span's start: what now.js holds but for the
    phrases' indexes (the same for every site: the build works it out once per key)."""
    return _minutes(place_phases(expression, season, now, lang), span_start(now))


def _event_minutes(starts: datetime, ends: datetime, now: datetime, lang: str) -> Phases:
    start = span_start(now)
    return _minutes(event_phases(starts, ends, max(start, now), lang), start)


def _minutes(phases: Iterable[Phase], start: datetime) -> Phases:
    minutes = [(int((p.start - start).total_seconds() // 60), int(p.open), p.text) for p in phases]
    return Phases(minutes, tuple(dict.fromkeys(text for _, _, text in minutes)))


def now_data(
    places: Sequence[Item],
    events: Sequence[Item],
    here: tuple[float, float],
    now: datetime,
    lang: str,
    remember: Callable[[Hashable, Callable[[], Phases]], Phases] = _compute,
    metres: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """The document of ``now.js`` for one language (see the module's docstring; every input
    it reads besides ``here``, ``now`` and ``lang`` is in ``now_inputs``). ``remember(key,
    compute)``: ``compute()``, or the value already computed for ``key`` (the phases of a
    place or an event are the same for every site: ``SharedFiles.value``). ``metres``: each
    place's ``distance_m`` from ``here`` by slug, when the caller has it (once per site, not
    once per language: ``p2f_kiosk.sections``)."""
    if metres is None:
        metres = {place.slug: distance_m(here, _geo(place)) for place in places}
    start = span_start(now)
    end = start + timedelta(days=DAYS)
    index: dict[str, int] = {}  # phrase -> its place in ``texts``, in order of first use

    def compact(phases: Phases) -> list[list[int]]:
        # the hot loop of a clean build (a phase per opening change of every place, per site
        # and language): no datetime arithmetic here, and new phrases added before the list
        for text in phases.texts:
            if text not in index:
                index[text] = len(index)
        return [[minute, is_open, index[text]] for minute, is_open, text in phases.minutes]

    words = labels(lang)
    rows = []
    for place in sorted(places, key=lambda p: (metres[p.slug], p.slug)):  # as by_distance
        data, text = place.data, place.text(lang)
        row: dict[str, Any] = {
            "slug": place.slug,
            "title": text.title,
            "category": data.category,
            "label": f"{words[data.category]} · {subcategory_label(lang, data.subcategory)}",
            "m": metres[place.slug],
            "d": far_text(metres[place.slug], lang),  # as the item page says it (directory.js)
        }
        if text.lang != lang:
            row["tl"] = text.lang  # untranslated: the title is in French (lang="fr" on screen)
        if data.opening_hours:
            season = getattr(data, "season", None)
            hours = data.opening_hours
            key = ("now-place", hours, season, now, lang)
            row["s"] = compact(remember(key, partial(place_minutes, hours, season, now, lang)))
        rows.append(row)
    shows = []
    for event in events:
        if event.data.ends <= start:
            continue
        starts, ends = event.data.starts, event.data.ends
        key = ("now-event", starts, ends, now, lang)
        minutes = remember(key, partial(_event_minutes, starts, ends, now, lang))
        text = event.text(lang)
        show: dict[str, Any] = {
            "slug": event.slug,
            "title": text.title,
            "e": compact(minutes),
            "until": int((event.data.ends - start).total_seconds() // 60),
        }
        if text.lang != lang:
            show["tl"] = text.lang
        shows.append(show)
    said = screen_words(lang)
    return {
        "lang": lang,
        "words": {
            **{key: said[f"now_{key}"] for key in ("title", "open", "events", "alerts", "none")},
            "in_french": words["in_french"],  # the player's FR marker (p2f_player.shell)
        },
        "start": start.isoformat(timespec="minutes"),
        "end": int((end - start).total_seconds() // 60),
        "texts": list(index),
        "places": rows,
        "events": shows,
    }


def now_inputs(
    places: Sequence[Item], events: Sequence[Item], lang: str
) -> list[tuple[object, ...]]:
    """What ``now_data`` reads of the items, in their order (for a file key: keep the two in
    step). The place order it writes is by distance, from the places' positions, here."""
    return [place_input(place, lang) for place in places] + [
        event_input(event, lang) for event in events
    ]


def place_input(place: Item, lang: str) -> tuple[object, ...]:
    """What ``now_data`` reads of a place (the same for every site: see ``now_inputs``)."""
    data, text = place.data, place.text(lang)
    season = getattr(data, "season", None)
    geo = (data.geo.lat, data.geo.lon)
    return (place.slug, text.title, text.lang, data.category, data.subcategory, geo,
            data.opening_hours, season)  # fmt: skip


def event_input(event: Item, lang: str) -> tuple[object, ...]:
    """What ``now_data`` reads of an event (see ``now_inputs``)."""
    text = event.text(lang)
    return (event.slug, text.title, text.lang, event.data.starts, event.data.ends)


def now_script(document: dict[str, Any]) -> bytes:
    """The bytes of ``now.js``: compact, deterministic, safe inside a script tag."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (("</", "<\\/"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return f"P2F_NOW={text};\n".encode()
