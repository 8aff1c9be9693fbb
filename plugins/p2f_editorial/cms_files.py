"""What the web editor saves, rewritten as a reporter writes it (the editor's proxy calls this).

Decap CMS writes YAML its own way (block style everywhere, its own quoting, its own key order)
and names translations ``slug.<lang>.md`` for every language, the default one included. The
content is written by hand too, so each save goes through ``normalise``:

- paths: Decap's ``lieux/x.fr.md`` is our ``lieux/x.md`` (``to_disk``/``to_editor``);
- a field whose value did not change keeps its exact text (line for line), so opening an item
  and saving it leaves the file byte-identical and a change shows as a one-line diff;
- a changed or new field is written in the house style (the style of ``content/``): flow style
  for lists and mappings of plain values (``tags: [a, b]``, ``geo: {lat: .., lon: ..}``), one
  line each, dates unquoted; a new field goes where a reporter puts it (``ORDER``, then the
  model's order);
- fields the editor does not show (``rules``, ``imported``, a translation's ``alt``...) are
  kept as they were; a shown field left empty is removed (the model's default applies);
- a translation with neither title nor text is not written (Decap sends one per language).

Pure: texts in, text out.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from p2f_model import frontmatter
from p2f_model import vocabulary as v
from p2f_model.schema import MODELS, Translation

# Where a reporter writes the shared fields (the order of content/), before the kind's own.
ORDER = ("title", "summary", "status", "tags", "images", "rules", "provenance")
LAST = ("imported",)
_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*)\s*:")
_PATH = re.compile(r"^(?P<base>content/(?P<folder>[a-z-]+)/[^/]+?)(?:\.(?P<lang>[a-z]{2}))?\.md$")


class NormaliseError(ValueError):
    """What the editor sent cannot be read as an item; the message says why."""


@dataclass(frozen=True)
class Target:
    """A content file as the editor addresses it."""

    path: str  # on disk, relative to the repository root
    kind: str
    lang: str | None  # None: the original (default language)


def target(editor_path: str) -> Target | None:
    """The file behind an editor path, or None when it is not an item (images...)."""
    match = _PATH.match(editor_path)
    if not match or match["folder"] not in v.FOLDERS:
        return None
    lang = match["lang"]
    if lang == v.DEFAULT_LANGUAGE or lang is None:
        return Target(f"{match['base']}.md", v.FOLDERS[match["folder"]], None)
    if lang not in v.SITE_LANGUAGES:
        return None
    return Target(editor_path, v.FOLDERS[match["folder"]], lang)


def to_disk(editor_path: str) -> str:
    found = target(editor_path)
    return found.path if found else editor_path


def to_editor(disk_path: str) -> str:
    """``content/lieux/x.md`` -> ``content/lieux/x.fr.md``; translations and images as they are."""
    found = target(disk_path)
    if found is None or found.lang is not None:
        return disk_path
    return found.path[: -len(".md")] + f".{v.DEFAULT_LANGUAGE}.md"


class _Dumper(yaml.SafeDumper):
    """Writes scalars plain whenever ``p2f_model.frontmatter`` reads them back as the same
    text: dates and times unquoted (``verified_on: 2026-04-15``, ``"18:00"`` stays quoted only
    where YAML would read a number)."""


_Dumper.yaml_implicit_resolvers = {
    first: list(resolvers)
    for first, resolvers in frontmatter._Loader.yaml_implicit_resolvers.items()
}


def dump_field(name: str, value: Any) -> str:
    """One top-level field in the house style: ``name: value`` on one line, lists and
    mappings of plain values in flow style, deeper structures as blocks of those."""
    return yaml.dump(
        {name: value},
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        # None: flow style for collections of plain values only; a plain value at the top
        # would otherwise come out as "{name: value}"
        default_flow_style=None if isinstance(value, list | dict) else False,
        width=1_000_000,
    )


def _is_default(kind: str, name: str, value: Any) -> bool:
    info = MODELS[kind].model_fields.get(name)
    return info is not None and not info.is_required() and info.get_default() == value


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _clean(value: Any) -> Any:
    """Empty values left by the editor's forms removed, inside lists and mappings too."""
    if isinstance(value, dict):
        return {k: _clean(x) for k, x in value.items() if not _empty(_clean(x))}
    if isinstance(value, list):
        return [_clean(x) for x in value if not _empty(_clean(x))]
    return value


@dataclass(frozen=True)
class _Chunk:
    key: str | None  # None: comments after the last field, or a whole flow-style header
    comments: str  # the comment lines just before the field
    text: str  # the field's own lines


def _chunks(header: str) -> list[_Chunk]:
    """The header's lines grouped per top-level field; comments go with the field after them."""
    chunks: list[_Chunk] = []
    pending: list[str] = []
    key: str | None = None
    lines: list[str] = []
    comments = ""
    for line in header.splitlines(keepends=True):
        match = _KEY.match(line)
        if match:
            if key is not None:
                chunks.append(_Chunk(key, comments, "".join(lines)))
            key, comments, lines = match[1], "".join(pending), [line]
            pending = []
        elif line.startswith("#") or key is None:
            pending.append(line)
        else:
            lines.append(line)
    if key is not None:
        chunks.append(_Chunk(key, comments, "".join(lines)))
    if pending:
        chunks.append(_Chunk(None, "", "".join(pending)))
    return chunks


def _rank(kind: str) -> dict[str, int]:
    names = [*ORDER, *(n for n in MODELS[kind].model_fields if n not in ORDER and n not in LAST)]
    return {name: i for i, name in enumerate([*names, *LAST])}


def _merge_order(old_keys: list[str], new_keys: list[str], rank: Mapping[str, int]) -> list[str]:
    """Old keys in their order; each new key after the last one that comes before it."""
    order = list(old_keys)
    for key in sorted(new_keys, key=lambda k: rank.get(k, len(rank))):
        mine = rank.get(key, len(rank))
        after = [i for i, k in enumerate(order) if rank.get(k, len(rank)) <= mine]
        order.insert(after[-1] + 1 if after else 0, key)
    return order


def _split(text: str) -> tuple[frontmatter.Parsed, str, str]:
    """(parsed, header text, everything after the closing line) of a content file."""
    parsed = frontmatter.parse(text)
    lines = text.split("\n")
    end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
    header = "\n".join(lines[1:end]) + "\n" if end > 1 else ""
    return parsed, header, "\n".join(lines[end + 1 :])


def normalise(
    sent: str, existing: str | None, kind: str, lang: str | None, managed: Collection[str]
) -> str | None:
    """The file to write for what the editor ``sent``, given the file on disk (``existing``).

    ``managed``: the top-level fields the editor shows for this kind (``cms_config``); others
    are kept from ``existing``. Returns None when there is nothing to write (an empty
    translation). Raises ``NormaliseError`` when ``sent`` is not a readable item.
    """
    if lang is not None and not sent.lstrip().startswith("---"):
        return None  # Decap writes a language left empty without any header
    try:
        new = frontmatter.parse(sent)
    except frontmatter.FrontMatterError as error:
        raise NormaliseError(f"line {error.line}: {error.message}") from None
    fields = {k: _clean(x) for k, x in new.fields.items() if k != "body"}
    fields = {k: x for k, x in fields.items() if not _empty(x)}
    body = new.body.strip()
    if lang is not None:
        # a translation holds translated words only: whatever else the form sent is ignored
        fields = {k: x for k, x in fields.items() if k in Translation.model_fields}
        managed = {*(n for n in managed if n in Translation.model_fields), "body"}
        if not fields.get("title") and not body:
            return None
    old_fields: dict[str, Any] = {}
    header, chunks, old_rest = "", [], None
    if existing is not None:
        try:
            old, header, old_rest = _split(existing)
            old_fields, chunks = old.fields, _chunks(header)
            if old.body.strip() != body:
                old_rest = None
        except (frontmatter.FrontMatterError, StopIteration):
            header, old_rest = "", None  # unreadable on disk: written anew from what was sent
    result: dict[str, Any] = {}
    for key, value in old_fields.items():
        if key in fields:
            result[key] = fields[key]
        elif key not in managed:
            result[key] = value  # not shown in the editor: kept as written
    # a field the reporter did not fill in but the form pre-set to the model's default
    # (status: published) is left out, as a reporter writing by hand leaves it out
    added = [k for k in fields if k not in old_fields and not _is_default(kind, k, fields[k])]
    order = _merge_order(list(result), added, _rank(kind))
    result = {k: (result[k] if k in result else fields[k]) for k in order}
    by_key = {c.key: c for c in chunks if c.key is not None}
    flow_header = bool(chunks) and not by_key  # {title: ..}: how many translations are written
    if flow_header and result == old_fields:
        out_header = header
    else:
        parts = []
        for key in order:
            chunk = by_key.get(key)
            same = chunk is not None and key in old_fields and old_fields[key] == result[key]
            if chunk is not None:
                parts.append(chunk.comments)  # a reviewer's note stays with its field
            parts.append(chunk.text if chunk is not None and same else dump_field(key, result[key]))
        parts.extend(c.text for c in chunks if c.key is None and not flow_header)
        parts.extend(c.comments for k, c in by_key.items() if k not in result)
        out_header = "".join(parts)
    body_text = old_rest if old_rest is not None else (f"\n{body}\n" if body else "")
    return f"---\n{out_header}---\n{body_text}"
