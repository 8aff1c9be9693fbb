"""A draft and the files already in content/ -> the files to write, field by field.

Pure: texts in, texts out. The importer owns some fields of an item (``OWNED``: what
upstream says); ``images`` only when the run stored pictures for the record
(``Draft.images``), with each translation's ``alt``; everything else (status, tags, rules,
provenance...) is the reporters'. For each owned field the item keeps, in
``imported.hashes``, a short hash of the value last imported. On a new import:

- upstream unchanged (same hash): nothing to do, whatever the file says;
- upstream changed and the file still holds the last imported value: the field is updated;
- upstream changed and the file holds something else: a reporter edited it. Their value is
  kept and the conflict reported (every run, until the file holds one of the two values);
- nothing changed at all: no file is written, so a re-import changes no byte.

Translations (``slug.en.md``...) are owned the same way, as ``en.title``, ``en.body``...
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import yaml

from p2f_import.model import Draft
from p2f_model import frontmatter

OWNED = {
    "place": ("title", "summary", "category", "subcategory", "geo", "address", "phone", "email",
              "website", "opening_hours", "accessibility"),
    "event": ("title", "summary", "starts", "ends", "place", "price", "booking_url"),
}  # fmt: skip
ORDER = ("title", "summary", "images", "status", "tags", "provenance")
MAX_MEDIA = 20
_ABSENT = "-"


@dataclass(frozen=True)
class Conflict:
    path: str
    field: str
    kept: Any
    upstream: Any


@dataclass
class Outcome:
    path: str  # the original's path, relative to content/
    action: str  # created | updated | unchanged
    changed: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    writes: dict[str, str] = field(default_factory=dict)  # path -> new text


def digest(value: Any) -> str:
    if value is None:
        return _ABSENT
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _upstream(draft: Draft) -> dict[str, Any]:
    """Every owned value as upstream says it, keyed as in ``imported.hashes``."""
    values = {name: draft.fields.get(name) for name in OWNED[draft.kind]}
    values["body"] = draft.body or None
    # images only when pictures were stored this run: no picture stored (none upstream, a
    # server down, --no-images) says nothing about the item's images, so they stay as they are
    if draft.images:
        values["images"] = [dict(image) for image in draft.images]
    for text in draft.translations:
        values[f"{text.lang}.title"] = text.title
        values[f"{text.lang}.summary"] = text.summary
        values[f"{text.lang}.machine_translated"] = text.machine_translated or None
        if draft.images and text.alt is not None:
            values[f"{text.lang}.alt"] = list(text.alt)
        values[f"{text.lang}.body"] = text.body or None
    return values


class _Dumper(yaml.SafeDumper):
    """Block style for what reporters edit by hand (pictures' alt texts): one key a line."""


class _Block(list):  # type: ignore[type-arg]
    pass


class _BlockMap(dict):  # type: ignore[type-arg]
    pass


_Dumper.add_representer(_Block, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v,
                                                                 flow_style=False))  # fmt: skip
_Dumper.add_representer(_BlockMap, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v,
                                                                   flow_style=False))  # fmt: skip
BLOCK_FIELDS = ("images", "alt")


def _render(fields: Mapping[str, Any], body: str) -> str:
    shaped = dict(fields)
    for name in BLOCK_FIELDS:
        if isinstance(shaped.get(name), list):
            shaped[name] = _Block(_BlockMap(v) if isinstance(v, dict) else v for v in shaped[name])
    header = yaml.dump(
        shaped, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
        default_flow_style=None,
    )  # fmt: skip
    return f"---\n{header}---\n\n{body.strip()}\n" if body.strip() else f"---\n{header}---\n"


def _ordered(fields: Mapping[str, Any], kind: str) -> dict[str, Any]:
    order = (*ORDER, *OWNED[kind])
    out = {k: fields[k] for k in order if fields.get(k) is not None}
    out.update({k: v for k, v in fields.items() if k not in out and k != "imported"})
    if fields.get("imported") is not None:
        out["imported"] = fields["imported"]
    return out


def _imported(draft: Draft, hashes: dict[str, str], now: datetime) -> dict[str, Any]:
    block: dict[str, Any] = {"source": draft.source, "id": draft.record_id}
    if draft.licence:
        block["licence"] = draft.licence
    if draft.url:
        block["url"] = draft.url
    block["retrieved_at"] = now.isoformat(timespec="seconds")
    if draft.updated_upstream:
        block["updated_upstream"] = draft.updated_upstream
    block["hashes"] = dict(sorted(hashes.items()))
    if draft.flags:
        block["flags"] = list(draft.flags)
    if draft.media:
        block["media"] = [dict(m) for m in draft.media[:MAX_MEDIA]]
    return block


def create(draft: Draft, path: str, now: datetime) -> Outcome:
    """The files of a record seen for the first time (``path``: ``lieux/<slug>.md``)."""
    values = _upstream(draft)
    hashes = {k: digest(v) for k, v in values.items() if v is not None}
    fields: dict[str, Any] = {k: v for k, v in draft.fields.items() if v is not None}
    if draft.images:
        fields["images"] = values["images"]
    fields["status"] = "draft"
    fields["provenance"] = {
        "source": f"{draft.source}: {draft.url or draft.record_id}"[:200],
        "verified_by": "import (not verified yet)",
        "verified_on": now.date().isoformat(),
    }
    fields["imported"] = _imported(draft, hashes, now)
    outcome = Outcome(path, "created", changed=sorted(hashes))
    outcome.writes[path] = _render(_ordered(fields, draft.kind), draft.body)
    for text in draft.translations:
        header: dict[str, Any] = {"title": text.title}
        if text.summary:
            header["summary"] = text.summary
        if text.machine_translated:
            header["machine_translated"] = True
        if f"{text.lang}.alt" in values:
            header["alt"] = values[f"{text.lang}.alt"]
        outcome.writes[_sibling(path, text.lang)] = _render(header, text.body)
    return outcome


def _sibling(path: str, lang: str) -> str:
    return f"{path[: -len('.md')]}.{lang}.md"


@dataclass
class _File:
    header: dict[str, Any]
    body: str

    def get(self, name: str) -> Any:
        return (self.body or None) if name == "body" else self.header.get(name)

    def set(self, name: str, value: Any) -> None:
        if name == "body":
            self.body = value or ""
        elif value is None:
            self.header.pop(name, None)
        else:
            self.header[name] = value


def update(draft: Draft, path: str, existing: Mapping[str, str | None], now: datetime) -> Outcome:
    """Merge ``draft`` into the files of ``existing`` (path -> text, None: no such file).

    Raises ``frontmatter.FrontMatterError`` when a file cannot be read (reported)."""
    original = frontmatter.parse(existing[path] or "")
    fields = dict(original.fields)
    found = fields.get("imported")
    meta: dict[str, Any] = found if isinstance(found, dict) else {}
    hashes = {str(k): str(v) for k, v in (meta.get("hashes") or {}).items()}
    files = {path: _File(fields, original.body.strip())}
    upstream = _upstream(draft)
    for lang in sorted({key.split(".", 1)[0] for key in [*upstream, *hashes] if "." in key}):
        text = existing.get(_sibling(path, lang))
        if text is not None:
            parsed = frontmatter.parse(text)
            files[_sibling(path, lang)] = _File(dict(parsed.fields), parsed.body.strip())
    outcome = Outcome(path, "unchanged")
    touched: set[str] = set()
    new_hashes = dict(hashes)
    for key, new in upstream.items():
        lang, _, name = key.rpartition(".")
        target = _sibling(path, lang) if lang else path
        file = files.get(target)
        current = file.get(name) if file else None
        last = hashes.get(key)
        if digest(new) == last:
            continue  # upstream did not change this field: whatever the file holds stays
        reporter_edit = digest(current) not in (last or _ABSENT, digest(new))
        if reporter_edit and not (last is None and current is None):
            outcome.conflicts.append(Conflict(target, name, current, new))
            continue
        if digest(current) != digest(new):
            if file is None:
                file = files[target] = _File({"title": draft.fields.get("title")}, "")
            file.set(name, new)
            outcome.changed.append(key)
            touched.add(target)
        if new is None:
            new_hashes.pop(key, None)
        else:
            new_hashes[key] = digest(new)
    if new_hashes == hashes and not touched:
        return outcome
    outcome.action = "updated"
    fields["imported"] = _imported(draft, new_hashes, now)
    touched.add(path)
    for target in sorted(touched):
        file = files[target]
        shaped = _ordered(file.header, draft.kind) if target == path else file.header
        outcome.writes[target] = _render(shaped, file.body)
    return outcome
