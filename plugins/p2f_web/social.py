"""OpenGraph and Twitter card ``<meta>`` tags of an item page (pure: returns HTML text)."""

from __future__ import annotations

from html import escape

from p2f_model.corpus import Item
from p2f_model.vocabulary import SITE_LANGUAGES
from p2f_site.urls import item_url
from p2f_web.alternates import canonical_item_url
from p2f_web.config import WebSettings
from p2f_web.items import describe, image_paths

OG_LOCALES = {"fr": "fr_FR", "en": "en_GB", "de": "de_DE", "es": "es_ES"}


def canonical_url(item: Item, lang: str, web: WebSettings) -> str:
    """The page search engines should keep: a French fallback page points to the original."""
    return canonical_item_url(item, lang, web)


def social_tags(item: Item, lang: str, web: WebSettings) -> str:
    """``<link rel=canonical>`` + OpenGraph + Twitter card tags for ``item`` in ``lang``."""
    text = item.text(lang)
    images = image_paths(item, text)
    pairs: list[tuple[str, str, str]] = [
        ("property", "og:type", "website"),
        ("property", "og:site_name", web.site_name),
        ("property", "og:title", text.title),
        ("property", "og:url", web.absolute(item_url(item.kind, item.slug, lang))),
        ("property", "og:locale", OG_LOCALES[lang]),
    ]
    pairs += [
        ("property", "og:locale:alternate", OG_LOCALES[other])
        for other in SITE_LANGUAGES
        if other != lang and other in item.texts
    ]
    description = describe(text)
    if description:
        pairs.append(("property", "og:description", description))
    if images:
        path, alt = images[0]
        pairs.append(("property", "og:image", web.absolute(path)))
        if alt:
            pairs.append(("property", "og:image:alt", alt))
    card = "summary_large_image" if images else "summary"
    pairs += [("name", "twitter:card", card), ("name", "twitter:title", text.title)]
    if description:
        pairs.append(("name", "twitter:description", description))
    if images:
        pairs.append(("name", "twitter:image", web.absolute(images[0][0])))
        if images[0][1]:
            pairs.append(("name", "twitter:image:alt", images[0][1]))
    lines = [f'<link rel="canonical" href="{escape(canonical_url(item, lang, web))}">']
    lines += [
        f'<meta {attr}="{escape(key)}" content="{escape(value)}">' for attr, key, value in pairs
    ]
    return "\n".join(lines)
