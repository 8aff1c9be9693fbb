"""Checks of one item that pydantic's per-field types cannot express.

Each returns ``(field, message, line_offset_or_None)`` findings; the corpus maps fields to
file lines. Pure functions of already-parsed values.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from p2f_model import frontmatter, schema
from p2f_model import vocabulary as v

# Raw HTML in Markdown: an opening/closing tag or a comment. Autolinks (<https://...>) are
# Markdown, not HTML, and code spans/blocks are removed before looking. The scan is linear in
# the line's length: a pattern such as ``<tag\s[^>]*>`` searched from every "<" rereads the rest
# of the line each time, and "<a " x 8000 (or a 1 MB line) took seconds to hours.
# With a ">" further on the line: a tag, closed at once or followed by a space (then that ">"
# closes it). Without one: only a comment or a script/iframe/style opening can be HTML.
# Possessive "*+": a name is never re-read, so the search stays linear.
_TAG = re.compile(r"<(?:!--|/?[A-Za-z][A-Za-z0-9-]*+(?:/?>|\s)|/?(?:script|iframe|style)\b)", re.I)
_UNCLOSED = re.compile(r"<(?:!--|/?(?:script|iframe|style)\b)", re.I)
_FENCE = re.compile(r"^(```|~~~)")
_CODE_SPAN = re.compile(r"`[^`\n]*`")
_JS_LINK = re.compile(r"\]\(\s*(javascript|data|vbscript):", re.I)


def raw_html(text: str) -> str | None:
    """The first raw HTML tag or comment in one line of text (at most 40 characters), or None.

    Same answers as ``<(?:!--|/?NAME(?:\\s[^>]*)?/?>|/?(?:script|iframe|style)\\b)``: a tag
    with attributes needs a ">" somewhere after it, which one look at the line's last ">"
    answers for every "<" at once.
    """
    last_close = text.rfind(">")
    match = (_TAG.search(text, 0, last_close + 1) if last_close >= 0 else None) or _UNCLOSED.search(
        text
    )
    if match is None:
        return None
    start = match.start()
    close = text.find(">", start, start + 40)
    return text[start : close + 1 if close >= 0 else start + 40]


def body_problems(body: str) -> Iterator[tuple[int, str]]:
    """Raw HTML, script links or control characters in a Markdown body:
    ``(line_in_body, message)``."""
    in_fence = False
    for number, line in enumerate(body.split("\n")):
        control = frontmatter.CONTROL.search(line)
        if control:  # anywhere, code blocks included: it is invisible wherever it hides
            yield number, frontmatter.control_message(control.group(0))
        if _FENCE.match(line.strip()):
            in_fence = not in_fence
            continue
        if in_fence or line.startswith("    "):
            continue
        text = _CODE_SPAN.sub("", line)
        tag = raw_html(text)
        if tag is not None:
            yield (
                number,
                f'raw HTML "{tag}" is not allowed in the text; '
                "write Markdown (e.g. **bold**, [link](https://...), ![alt](images/x.jpg))",
            )
        if _JS_LINK.search(text):
            yield number, "a javascript:/data: link is not allowed; link to an https:// page"


def item_problems(kind: str, item: schema.Common) -> Iterator[tuple[str, str]]:
    """Cross-field checks of one original item."""
    for index, image in enumerate(item.images):
        if not image.alt.strip() and not image.decorative:
            yield (
                f"images[{index}].alt",
                f'image "{image.src}" has no alt text; describe it for blind visitors '
                "(or add decorative: true if it only decorates)",
            )
    if isinstance(item, schema.Place):
        allowed = v.SUBCATEGORIES[item.category]
        if item.subcategory not in allowed:
            yield (
                "subcategory",
                f'"{item.subcategory}" is not a subcategory of {item.category} '
                f"(expected one of: {', '.join(allowed)})",
            )
    if isinstance(item, schema.Event) and item.ends <= item.starts:
        yield (
            "ends",
            f"{item.ends:%Y-%m-%dT%H:%M} is not after starts ({item.starts:%Y-%m-%dT%H:%M})",
        )
    if isinstance(item, schema.Offer | schema.Alert) and item.valid_until <= item.valid_from:
        yield (
            "valid_until",
            f"{item.valid_until:%Y-%m-%dT%H:%M} is not after valid_from "
            f"({item.valid_from:%Y-%m-%dT%H:%M})",
        )
    if (
        isinstance(item, schema.Offer)
        and item.price is not None
        and item.original_price is not None
        and item.original_price <= item.price
    ):
        yield "original_price", f"{item.original_price} is not higher than price ({item.price})"
    if isinstance(item, schema.Site):
        width, height = (int(x) for x in item.resolution.split("x"))
        if (item.orientation == "portrait") != (height > width):
            yield (
                "resolution",
                f"{item.resolution} does not fit orientation {item.orientation} "
                "(portrait is taller than wide, e.g. 1080x1920)",
            )
        if item.languages[0] != v.DEFAULT_LANGUAGE:
            yield "languages", f"French comes first (got {item.languages})"
