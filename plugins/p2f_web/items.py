"""Facts about items that several outputs need: validity windows, descriptions, image URLs."""

from __future__ import annotations

import re
from datetime import datetime

from p2f_kiosk.plan import window_of
from p2f_model.corpus import Item, Localized
from p2f_model.vocabulary import SITE_LANGUAGES
from p2f_site.lists import LISTED_KINDS, sort_key

__all__ = [
    "LISTED_KINDS",
    "describe",
    "image_paths",
    "is_over",
    "real_languages",
    "sort_key",
    "window_of",
]

_MARKUP = re.compile(r"[*_`#>\[\]]|\(https?://[^)]*\)")


def is_over(item: Item, now: datetime) -> bool:
    """True when the item can never show again: its window ended or its rules expired."""
    window = window_of(item)
    return (window is not None and window[1] <= now) or item.rules.expired_at(now)


def real_languages(item: Item) -> list[str]:
    """The languages the item is written in (not the French fallbacks), in site order."""
    return [lang for lang in SITE_LANGUAGES if lang in item.texts]


def describe(text: Localized, limit: int = 200) -> str:
    """A plain-text description: the summary, else the start of the body without Markdown."""
    if text.summary:
        return text.summary
    plain = " ".join(_MARKUP.sub("", text.body).split())
    if len(plain) <= limit:
        return plain
    return plain[: limit - 1].rsplit(" ", 1)[0] + "…"


def image_paths(item: Item, text: Localized) -> list[tuple[str, str]]:
    """``(path, alt)`` of each image as the website serves it (``/images/x.png``)."""
    out = []
    for index, image in enumerate(item.data.images):
        alt = "" if image.decorative else (text.alt[index] if index < len(text.alt) else "")
        out.append(("/" + image.src, alt))
    return out
