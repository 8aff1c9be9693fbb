"""What every source's mapping produces: drafts to write, records skipped with a reason.

Pure: values in, values out. The mappings (``datatourisme``, ``apidae``, ``ical``) turn one
upstream record into ``Draft``s (one per place, one per event occurrence) or a ``Skipped``;
``merge`` turns a draft and the file already in content/ into the text to write.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

# Why a record was not imported; the report groups skipped records by these words.
OUTSIDE = "outside the territory"
UNKNOWN_TYPE = "unknown type"
BAD_RECORD = "bad record"
NO_PLACE = "no place for the event"
CANCELLED = "cancelled upstream"
OUT_OF_HORIZON = "ended or beyond the horizon"


class RecordError(ValueError):
    """One upstream record that cannot be imported; the run goes on (``Skipped``)."""


@dataclass(frozen=True)
class Translation:
    lang: str
    title: str
    summary: str | None
    body: str
    machine_translated: bool = False
    alt: tuple[str, ...] | None = None  # one per image of the original (set with its images)


@dataclass(frozen=True)
class Draft:
    """An item as upstream says it, in content-model form (``fields`` are header fields)."""

    source: str  # datatourisme | apidae | ical
    record_id: str  # upstream id; "#<start>" added for one occurrence of an event
    kind: str  # place | event
    fields: dict[str, Any]
    body: str
    translations: tuple[Translation, ...] = ()
    licence: str | None = None
    url: str | None = None
    updated_upstream: str | None = None
    flags: tuple[str, ...] = ()
    media: tuple[dict[str, str], ...] = ()  # pictures upstream: url, credits, title...
    # the pictures stored in content/images (gallery.attach); None: leave images: alone
    images: tuple[dict[str, Any], ...] | None = None
    # events: where it happens, to find the place item or create one (run, venues)
    venue: str | None = None
    venue_geo: tuple[float, float] | None = None
    venue_address: str | None = None
    venue_id: str | None = None  # the location's own id upstream, when it has one


@dataclass(frozen=True)
class Skipped:
    source: str
    record_id: str
    reason: str
    detail: str = ""


@dataclass
class Collected:
    """Everything one source produced, in input order."""

    drafts: list[Draft] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # about the input as a whole (pagination)
    # iCalendar: every feed read whole -> the UIDs it holds (to see what is gone upstream)
    feeds: dict[str, set[str]] = field(default_factory=dict)


def slugify(text: str, limit: int = 60) -> str:
    """``Musée de l'Éventail`` -> ``musee-de-l-eventail`` (content file names)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = slug[:limit].rstrip("-")
    return slug or "item"


def clip(text: str, limit: int) -> tuple[str, bool]:
    """``text`` cut at a word boundary to at most ``limit`` characters (an ellipsis added);
    and whether it was cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text, False
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return cut + "…", True


def first_sentence(text: str, limit: int = 240) -> tuple[str, bool]:
    """The first sentence of ``text``, within ``limit``: a summary from a description."""
    flat = " ".join(text.split())
    match = re.match(r"(.+?[.!?])(\s|$)", flat)
    return clip(match.group(1) if match else flat, limit)


_PHONE_FR = re.compile(r"^0[1-9](\d{8})$")


def phone(text: str) -> str | None:
    """A phone number in the content model's international form, or None if it cannot be
    read as one (``04 92 55 23 21`` -> ``+33 4 92 55 23 21``)."""
    digits = re.sub(r"[\s.\-()/]", "", text)
    if _PHONE_FR.match(digits):
        rest = digits[1:]
        return "+33 " + rest[0] + " " + " ".join(rest[i : i + 2] for i in range(1, 9, 2))
    if re.fullmatch(r"\+\d{8,15}", digits):
        spaced = " ".join(part for part in re.split(r"[\s.\-()/]+", text.strip()) if part)
        return spaced if re.fullmatch(r"\+\d[\d ]{7,18}\d", spaced) else digits
    return None


def email(text: str) -> str | None:
    text = text.strip().removeprefix("mailto:")
    return text if re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", text) else None


def https(text: str) -> str | None:
    """A web address the content model accepts (https only), else None."""
    text = text.strip()
    return text if re.fullmatch(r"https://[^\s/$.?#][^\s]*", text) else None


def number(value: Any) -> float:
    """``"47.272283"`` or ``47.27`` -> 47.272283. Raises ``RecordError``."""
    try:
        return float(str(value).strip().replace(",", "."))
    except ValueError:
        raise RecordError(f"{value!r} is not a number") from None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """Upstream text made safe as Markdown: no control characters, no raw HTML (``<`` is
    written as an entity), no accidental code blocks (lines are not indented), paragraphs
    kept."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()
