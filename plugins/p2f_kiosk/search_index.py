"""The offline search index of the touch directory: one small script per language.

``directory/<lang>/search-index.js`` sets ``P2F_SEARCH`` to a list of rows, one per item the
directory lists, in the directory's order: ``[slug, title, meta, words]`` and, for events and
offers, ``from`` (offers only, else "") and ``until`` (ISO), so that the screen hides, with its
own clock, what has ended or (offers) not begun, like the lists do.
``words`` holds the normalized words a visitor may type that are not already in the title: the
kind, category and subcategory labels and the slug's words (``veto`` for ``veto-pinede``); with
``TEXT_WORDS``, also the summary and a few keywords of the body (the most specific to this
item). The screen normalizes the title itself, the same way (``normalize`` here and in
``search.js``: no accents, lower case, œ → oe), and matches every typed word as a prefix of a
word of the item.

``TEXT_WORDS`` is off: the index then holds only what the lists already show (titles, dates,
subcategories) plus slugs and labels, so editing an item's summary or body changes its own
manifest part only (``file_part_name``; tests/publish checks it), as for the lists. With it on,
every such edit changes the index of every language (about 26 KB each for the sample's gare) and
the ``directory`` part: a larger download for every screen, for finding words of the texts.

A script rather than JSON: it loads from ``file://`` as well as from a local server. The
bytes depend only on the items (sorted rows, no dates of the build), so an unchanged directory
publishes nothing.
"""

from __future__ import annotations

import html
import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from p2f_kiosk.labels import labels, subcategory_label
from p2f_model.corpus import Item
from p2f_player.contract.manifest import iso

TEXT_WORDS = False  # see above: summary and body words in the index, at a cost per edit
KEYWORDS = 6  # body words kept per item, beyond title, summary and labels
MIN_WORD = 3  # shorter words are not worth a prefix match ("de", "la", "a")
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})
WORD = re.compile(r"[a-z0-9]+")
TAG = re.compile(r"<[^>]+>")
# Frequent words of the screen languages that would match too much or say nothing.
_STOP_WORDS = """
    les des une dans pour par sur avec sans aux est sont qui que quoi ses son sa leur leurs
    vous nous ils elles elle mais plus tres tout tous toute toutes aussi comme entre chez
    apres avant pendant depuis cette ces cet votre vos notre nos peut faire fait etre avoir
    jusqu lorsqu puisqu quand ainsi donc alors encore deja bien
    ont the and for with from that this are was you your our their its into over out all
    can will not but also any more most has have had der die das und mit von fur ist ein
    eine einer auf den dem des sie wir ihr oder bei aus nach los las del por con para una
    unos unas como mas muy sus https http www com html
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
ItemHtml = Callable[[Item], str]


def normalize(text: str) -> str:
    """Lower case, no accents, ligatures spelt out: what both the index and the screen compare."""
    decomposed = unicodedata.normalize("NFD", text.lower().translate(LIGATURES))
    return "".join(c for c in decomposed if not "\u0300" <= c <= "\u036f")  # as search.js


def words_of(text: str) -> list[str]:
    return WORD.findall(normalize(text))


def _kept(words: Iterable[str]) -> list[str]:
    return [w for w in words if len(w) >= MIN_WORD and w not in STOP_WORDS and not w.isdigit()]


def plain_text(markup: str) -> str:
    return html.unescape(TAG.sub(" ", markup))


def search_rows(
    items: list[Item], lang: str, metas: dict[str, str], body_html: ItemHtml | None = None
) -> list[list[str]]:
    """One row per item, in the order given (the directory's); with ``body_html`` (the item's
    body as offline HTML), the summary and body keywords are searchable too."""
    words = labels(lang)
    bodies = {
        item.slug: _kept(words_of(plain_text(body_html(item)))) if body_html else []
        for item in items
    }
    document_frequency = Counter(w for body in bodies.values() for w in set(body))
    rows = []
    for item in items:
        text = item.text(lang)
        title = set(words_of(text.title))
        kind = words[item.kind] if item.kind != "place" else words[item.data.category]
        summary = (text.summary or "") if body_html else ""
        described = [kind, summary, item.slug.replace("-", " ")]
        if item.kind == "place":
            described.append(subcategory_label(lang, item.data.subcategory))
        chosen = _kept(w for part in described for w in words_of(part))
        body = bodies[item.slug]
        counts = Counter(body)
        first = {w: body.index(w) for w in counts}
        specific = sorted(
            counts,
            key=lambda w: (-counts[w] * math.log(len(items) / document_frequency[w]), first[w]),
        )
        extra = [w for w in specific if w not in title and w not in chosen][:KEYWORDS]
        unique = sorted({w for w in chosen + extra if w not in title})
        row = [item.slug, text.title, metas[item.slug], " ".join(unique)]
        window = _window(item)
        if window:
            row += window
        rows.append(row)
    return rows


def _window(item: Item) -> list[str]:
    data = item.data
    if item.kind == "event":
        return ["", iso(data.ends)]  # shown until it ends, upcoming ones too
    if item.kind == "offer":
        return [iso(data.valid_from), iso(data.valid_until)]
    return []


def index_script(rows: list[list[str]]) -> bytes:
    """The bytes of ``search-index.js``: compact, deterministic, safe inside a script tag."""
    document = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (("</", "<\\/"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        document = document.replace(raw, escaped)
    return f"P2F_SEARCH={document};\n".encode()


def parse_index(data: bytes) -> list[list[Any]]:
    """The rows of an index script (for tests and tools)."""
    text = data.decode().strip()
    rows: list[list[Any]] = json.loads(text.removeprefix("P2F_SEARCH=").removesuffix(";"))
    return rows
