"""Pictures upstream -> ``images:`` entries of an item (the rules; ``gallery`` does the I/O).

Pure. A picture a record lists (``Draft.media``: url, credits, title, per-language titles,
end of the usage rights) is downloaded by ``gallery`` into
``content/images/<source>/<stable name>.<ext>``; this module says:

- the stable name (``stable_name``): the record's id and a hash of the URL, so a re-import
  finds the file it stored last time instead of downloading it again;
- whether bytes are a picture the content may hold (``verify``): the project's own check,
  ``p2f_model.images`` (JPEG, PNG, WebP or AVIF that decodes; SVG and anything else refused),
  whatever the URL or the server's Content-Type said;
- the ``images:`` entry (``entry``): ``src``, ``alt`` and ``credit`` (author and licence).
  ``alt`` is the picture's caption when upstream gives one that reads as words; otherwise a
  French placeholder (``PLACEHOLDER``) that passes the check, is flagged, and that the
  reviewer must replace with a description before publishing. The content model wants one
  alt per image in every translation (``alt: [...]``, same order): ``translated_alts``;
  ``with_images`` puts it all on a draft, with the flags the reviewer reads.

It does not choose which pictures are worth showing: every picture upstream that can be
stored is stored; a reviewer removes the ones not wanted.
"""

from __future__ import annotations

import hashlib
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from p2f_import.model import Draft, slugify
from p2f_model import images

FOLDER = "images"  # under content/; pictures go in images/<source>/
MAX_PICTURES = 6  # per item: a slide shows one, a page a handful
PLACEHOLDER = "À DÉCRIRE : photo de « {title} » (texte alternatif à écrire avant publication)"
PLACEHOLDER_MARK = "À DÉCRIRE"
_SUFFIX = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "AVIF": "avif"}
CREDIT_LIMIT = 200  # schema.Image.credit


def stable_name(record_id: str, url: str) -> str:
    """``<record>-<url hash>``: the same for every run and every occurrence of an event
    (``#<date>`` is dropped), different for two pictures of one record."""
    base = record_id.split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    digest = hashlib.sha256(url.encode()).hexdigest()[:12]
    return f"{slugify(base, 40)}-{digest}"


def verify(data: bytes) -> tuple[str | None, str | None]:
    """``(extension, None)`` for a picture the content may hold, ``(None, reason)`` else."""
    kind = images.sniff(data)
    if kind is None:
        head = data[:2048].lstrip().lower()
        if b"<svg" in head:
            return None, images.SVG_MESSAGE
        what = "an HTML page" if head.startswith((b"<!doctype html", b"<html")) else "not an image"
        return None, f"{what}, not a JPEG, PNG, WebP or AVIF picture"
    suffix = _SUFFIX[kind]
    problem = images.image_problem(f"picture.{suffix}", data)
    return (None, problem) if problem else (suffix, None)


def rights_ended(media: Mapping[str, str], today: date) -> str | None:
    """The reason not to use a picture whose usage rights upstream ended, else None."""
    until = media.get("rights_until", "")
    try:
        ended = date.fromisoformat(until[:10]) < today if until else False
    except ValueError:
        return None
    return f"its usage rights ended on {until[:10]}" if ended else None


def caption(media: Mapping[str, str], lang: str = "fr") -> str | None:
    """The picture's caption in ``lang`` when it reads as words: upstream titles are often
    the file's name (``cubrik``, ``La-Nonna``, ``Maison Jean Fouquet 2 copie``), which
    describes nothing."""
    text = " ".join(str(media.get("title" if lang == "fr" else f"title_{lang}", "")).split())
    if len(text) < 4 or " " not in text:
        return None
    path = urllib.parse.urlsplit(media.get("url", "")).path
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if slugify(text) == slugify(stem) or re.search(r"\.(jpe?g|png|webp|gif|tiff?)$", text, re.I):
        return None
    return text[:240]


def credit(media: Mapping[str, str], licence: str | None) -> str | None:
    """``<author> (<licence>)``: who took it and on what terms it may be shown."""
    author = " ".join(str(media.get("credits", "")).split())
    text = f"{author} ({licence})" if author and licence else author or licence or ""
    return text[: CREDIT_LIMIT - 1] + "…" if len(text) > CREDIT_LIMIT else text or None


def entry(src: str, media: Mapping[str, str], title: str, licence: str | None) -> dict[str, Any]:
    """The ``images:`` entry of a stored picture (``src``: ``images/<source>/<file>``)."""
    value: dict[str, Any] = {
        "src": src,
        "alt": caption(media) or PLACEHOLDER.format(title=title),
    }
    found = credit(media, licence)
    if found:
        value["credit"] = found
    return value


def translated_alts(
    stored: list[tuple[dict[str, Any], Mapping[str, str]]], lang: str
) -> tuple[list[str], bool]:
    """One alt per image for a translation in ``lang``: the caption in that language, else
    the French alt (to translate); and whether any is French."""
    alts, french = [], False
    for value, media in stored:
        found = caption(media, lang)
        french = french or found is None
        alts.append(found or value["alt"])
    return alts, french


def is_placeholder(alt: str) -> bool:
    return alt.startswith(PLACEHOLDER_MARK)


def with_images(draft: Draft, stored: list[tuple[str, Mapping[str, str]]]) -> Draft:
    """``draft`` with the ``images`` of its stored pictures (``(src, media)`` each), an alt
    per image in each translation, and flags for what the reviewer must write; unchanged
    when nothing is stored."""
    if not stored:
        return draft
    found = [(entry(src, media, draft.fields["title"], draft.licence), media)
             for src, media in stored]  # fmt: skip
    flags = list(draft.flags)
    holders = [str(i) for i, (value, _) in enumerate(found) if is_placeholder(value["alt"])]
    if holders:
        flags.append(f"images[{','.join(holders)}].alt is a placeholder: describe the "
                     "picture before publishing")  # fmt: skip
    if len(holders) < len(found):
        flags.append("images: alt texts are upstream captions: check they describe them")
    translations = []
    for text in draft.translations:
        alts, french = translated_alts(found, text.lang)
        if french:
            flags.append(f"{text.lang}: image alt texts are in French: translate them")
        translations.append(replace(text, alt=tuple(alts)))
    return replace(draft, images=tuple(value for value, _ in found),
                   translations=tuple(translations), flags=tuple(flags))  # fmt: skip
