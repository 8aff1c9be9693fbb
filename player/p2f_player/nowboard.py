"""The "now" board: a slide drawn at play time from the bundle's data, for this screen, now.

What is open now nearby (nearest first), the next events (tonight, tomorrow, on now) and the
current alerts, in one language. Its input is the bundle's ``directory/<lang>/now.js``
(written by the build, ``p2f_kiosk.now_data``: every phrase is already in words, with the
moments it holds), so nothing is formatted here: the board only picks what holds at ``now``.
Its output is a static HTML page using the bundle's ``kiosk.css`` (no script: it plays in the
same sandboxed frame as the other slides).

Pure: bytes or documents and ``now`` in, an HTML string out; no files, no clock.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any

MAX_PLACES = {"portrait": 7, "landscape": 6}
MAX_EVENTS = 4
MAX_ALERTS = 3


class NowDataError(ValueError):
    """A ``now.js`` that is not what the build writes."""


@dataclass(frozen=True)
class Line:
    title: str
    meta: str
    title_lang: str | None = None  # the title's language when not the board's (untranslated)


def parse_now_script(data: bytes) -> dict[str, Any]:
    """The document of a ``now.js`` file. Raises ``NowDataError``."""
    text = data.decode("utf-8", errors="strict").strip()
    if not (text.startswith("P2F_NOW=") and text.endswith(";")):
        raise NowDataError("now.js: not a P2F_NOW=...; script; rebuild the bundle")
    try:
        document = json.loads(text.removeprefix("P2F_NOW=").removesuffix(";"))
    except json.JSONDecodeError as error:
        raise NowDataError(f"now.js: {error}; rebuild the bundle") from None
    for key in ("start", "end", "texts", "places", "events", "words"):
        if key not in document:
            raise NowDataError(f"now.js: no {key!r}; rebuild the bundle")
    return dict(document)


def _phase(rows: Sequence[Sequence[int]], minute: int, end: int) -> tuple[int, bool, int] | None:
    """(index, open, text) of the phase holding at ``minute``, else None."""
    if minute < 0 or minute >= end:
        return None
    found = None
    for index, (start, is_open, text) in enumerate(rows):
        if start <= minute:
            found = (index, bool(is_open), text)
    return found


def pick(
    document: Mapping[str, Any], now: datetime, orientation: str = "portrait"
) -> dict[str, list[Line]]:
    """What the board lists at ``now``: open places nearest first, the next events."""
    minute = int((now - datetime.fromisoformat(document["start"])).total_seconds() // 60)
    texts, end = document["texts"], document["end"]
    places = []
    for place in document["places"]:  # nearest first, as the build wrote them
        state = _phase(place.get("s") or [], minute, end)
        if state is not None and state[1]:
            places.append(Line(place["title"], texts[state[2]], place.get("tl")))
    events = []
    for event in document["events"]:
        state = _phase(event["e"], minute, min(end, event["until"]))
        if state is not None and state[0] >= len(event["e"]) - 3:  # tomorrow, today, on now
            events.append(Line(event["title"], texts[state[2]], event.get("tl")))
    return {
        "places": places[: MAX_PLACES.get(orientation, 6)],
        "events": events[:MAX_EVENTS],
    }


def place_phrase(document: Mapping[str, Any], slug: str, now: datetime) -> tuple[str, bool] | None:
    """(phrase, open) of place ``slug`` at ``now`` (``Ouvert · ferme à 19 h``), in the
    document's language; ``None`` when the document has no hours for it or ``now`` is out of
    the days the build covered (nothing is claimed then)."""
    minute = int((now - datetime.fromisoformat(document["start"])).total_seconds() // 60)
    for place in document["places"]:
        if place.get("slug") == slug:
            state = _phase(place.get("s") or [], minute, document["end"])
            if state is None:
                return None
            return str(document["texts"][state[2]]), state[1]
    return None


def _title(text: str, lang: str | None, board_lang: str) -> str:
    """``text`` escaped, in a ``<span lang>`` when not in the board's language."""
    if lang is None or lang == board_lang:
        return escape(text)
    return f'<span lang="{escape(lang)}">{escape(text)}</span>'


def render_now_board(
    document: Mapping[str, Any],
    alerts: Sequence[str | tuple[str, str]],
    now: datetime,
    site: Mapping[str, Any],
    css_href: str = "../assets/kiosk.css",
) -> str:
    """The board's HTML for ``site`` (the manifest's site profile) at ``now``.

    ``alerts``: titles, or (title, language of the title) pairs; a title in another language
    than the board's (an untranslated item, shown in French) carries its own ``lang``."""
    orientation = str(site.get("orientation", "portrait"))
    chosen = pick(document, now, orientation)
    words, lang = document["words"], str(document.get("lang", "fr"))

    def section(name: str, heading: str, lines: Sequence[Line]) -> str:
        items = "".join(
            f"<li>{_title(line.title, line.title_lang, lang)}"
            f'<span class="meta">{escape(line.meta)}</span></li>'
            for line in lines
        )
        body = f"<ul>{items}</ul>" if items else f"<p>{escape(words['none'])}</p>"
        return f'<section class="{name}"><h2>{escape(heading)}</h2>{body}</section>'

    parts = [f"<h1>{escape(words['title'])}</h1>"]
    if alerts:
        pairs = [(a, None) if isinstance(a, str) else a for a in alerts[:MAX_ALERTS]]
        shown = "".join(f"<li>{_title(text, of, lang)}</li>" for text, of in pairs)
        parts.append(
            f'<section class="alerts"><h2>{escape(words["alerts"])}</h2><ul>{shown}</ul></section>'
        )
    parts.append(section("open", words["open"], chosen["places"]))
    parts.append(section("events", words["events"], chosen["events"]))
    return (
        f'<!doctype html>\n<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(words['title'])}</title>\n"
        f'<link rel="stylesheet" href="{escape(css_href)}">\n</head>\n'
        f'<body class="slide nowboard {escape(orientation)}">\n'
        f'<main class="board">{"".join(parts)}</main>\n</body>\n</html>\n'
    )
