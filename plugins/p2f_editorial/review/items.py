"""Items added, changed and removed between two content folders, as field differences.

Each file's header is read with the project's own reader (``p2f_model.frontmatter.parse``),
never diffed as YAML text: moving a field, changing quotes or flow style is no change; a
changed value is shown as ``field: before -> after`` with dotted paths (``provenance.verified_on``,
``images[0].alt``). The body is compared as text, paragraph lines.

Provenance warnings for the reviewer: the source says it is not verified (a proposal from
outside), the item is a draft, the verification is older than its kind's limit (or the hard
limit), or fields changed while ``verified_on`` stayed the same. Pure: file texts in.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from p2f_editorial.settings import EditorialSettings
from p2f_model import frontmatter
from p2f_model.vocabulary import FOLDERS

NOT_VERIFIED = "not verified"  # the words a proposal's provenance carries (see proposals)


@dataclass(frozen=True)
class FieldChange:
    path: str
    before: str | None  # None: absent on that side
    after: str | None


@dataclass
class ItemChange:
    path: str  # content/lieux/x.md
    kind: str
    slug: str
    lang: str  # "fr" for the original, else the translation's language
    status: str  # added | changed | removed
    title: str
    fields: list[FieldChange] = field(default_factory=list)
    body_diff: list[str] = field(default_factory=list)  # unified diff lines, short
    provenance: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None  # the file cannot be read on the head side


def flatten(value: Any, prefix: str = "") -> dict[str, str]:
    """``{"geo": {"lat": 1}}`` -> ``{"geo.lat": "1"}``; lists of scalars stay one value."""
    if isinstance(value, Mapping):
        out: dict[str, str] = {}
        for key, child in value.items():
            out.update(flatten(child, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, list) and any(isinstance(v, Mapping | list) for v in value):
        out = {}
        for index, child in enumerate(value):
            out.update(flatten(child, f"{prefix}[{index}]"))
        return out
    if isinstance(value, list):
        return {prefix: ", ".join(_scalar(v) for v in value)}
    return {prefix: _scalar(value)}


def _scalar(value: Any) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def compare_folders(
    before: Mapping[str, str],
    after: Mapping[str, str],
    settings: EditorialSettings,
    today: date,
) -> list[ItemChange]:
    """Compare ``{content/x/y.md: text}`` of two sides; unchanged files are left out."""
    changes = []
    for path in sorted(set(before) | set(after)):
        if not path.endswith(".md") or before.get(path) == after.get(path):
            continue
        change = _compare_one(path, before.get(path), after.get(path), settings, today)
        if change is not None:
            changes.append(change)
    return changes


def _identify(path: str) -> tuple[str, str, str]:
    parts = path.split("/")
    kind = FOLDERS.get(parts[-2], parts[-2]) if len(parts) >= 2 else "?"
    name = parts[-1].removesuffix(".md")
    slug, _, lang = name.partition(".")
    return kind, slug, lang or "fr"


def _read(text: str | None) -> tuple[dict[str, Any], str, str | None]:
    if text is None:
        return {}, "", None
    try:
        parsed = frontmatter.parse(text)
    except frontmatter.FrontMatterError as error:
        return {}, text, f"line {error.line}: {error.message}"
    return parsed.fields, parsed.body, None


def _compare_one(
    path: str, old: str | None, new: str | None, settings: EditorialSettings, today: date
) -> ItemChange | None:
    kind, slug, lang = _identify(path)
    old_fields, old_body, _ = _read(old)
    new_fields, new_body, error = _read(new)
    status = "added" if old is None else "removed" if new is None else "changed"
    flat_old, flat_new = flatten(old_fields), flatten(new_fields)
    fields = [
        FieldChange(key, flat_old.get(key), flat_new.get(key))
        for key in _ordered_keys(flat_old, flat_new)
        if flat_old.get(key) != flat_new.get(key)
    ]
    body = list(
        difflib.unified_diff(
            old_body.strip().splitlines(), new_body.strip().splitlines(), lineterm="", n=0
        )
    )[2:]
    if status == "changed" and not fields and not body and error is None:
        return None  # only the YAML's form changed (quotes, order, flow style)
    shown = new_fields if new is not None else old_fields
    change = ItemChange(
        path=path,
        kind=kind,
        slug=slug,
        lang=lang,
        status=status,
        title=str(shown.get("title") or slug),
        fields=fields,
        body_diff=body[:40],
        error=error,
    )
    provenance = shown.get("provenance")
    if isinstance(provenance, Mapping):
        change.provenance = {k: str(v) for k, v in provenance.items()}
    if error is not None:  # nothing to compare: the reviewer sees the reader's message
        change.fields, change.body_diff = [], []
    elif new is not None and lang == "fr":
        change.warnings = provenance_warnings(kind, shown, fields, settings, today)
    return change


def _ordered_keys(old: Mapping[str, str], new: Mapping[str, str]) -> list[str]:
    keys = list(new)
    keys += [key for key in old if key not in new]
    return keys


def provenance_warnings(
    kind: str,
    fields: Mapping[str, Any],
    changes: list[FieldChange],
    settings: EditorialSettings,
    today: date,
) -> list[str]:
    """What a reviewer must look at in an added or changed original's provenance."""
    warnings = []
    if fields.get("status") == "draft":
        warnings.append("draft: it reaches neither the website nor a screen until published")
    provenance = fields.get("provenance")
    if not isinstance(provenance, Mapping):
        return [*warnings, "no provenance: who verified it, when, from which source?"]
    source = str(provenance.get("source", ""))
    if NOT_VERIFIED in source.lower():
        warnings.append(f"unverified: {source}")
    try:
        verified = date.fromisoformat(str(provenance.get("verified_on")))
    except ValueError:
        return [*warnings, "verified_on is not a date"]
    age = (today - verified).days
    if kind in settings.stale_days:
        if age > settings.hard_limit(kind):
            warnings.append(
                f"stale: verified {age} days ago, past the hard limit of "
                f"{settings.hard_limit(kind)} days for a {kind}"
            )
        elif age > settings.limit(kind):
            warnings.append(
                f"stale: verified {age} days ago, more than the {settings.limit(kind)} days "
                f"allowed for a {kind}"
            )
    if age < 0:
        warnings.append(f"verified_on {verified} is in the future")
    touched = [c.path for c in changes if not c.path.startswith(("provenance.", "status"))]
    reverified = any(c.path == "provenance.verified_on" for c in changes)
    edited = any(c.before is not None for c in changes)  # a change, not a new file
    if touched and edited and not reverified:
        warnings.append(
            "fields changed but provenance.verified_on did not: was the change verified?"
        )
    return warnings


def past_hard_limit(
    texts: Mapping[str, str], settings: EditorialSettings, today: date
) -> list[tuple[str, str, int]]:
    """``(path, verified_by, age in days)`` of every published original past its kind's hard
    limit, oldest first; ended events, offers and alerts left out (see ``stale``)."""
    rows = []
    for path, text in texts.items():
        kind, _, lang = _identify(path)
        if lang != "fr" or kind not in settings.stale_days:
            continue
        fields, _, error = _read(text)
        provenance = fields.get("provenance")
        if error or fields.get("status") == "draft" or not isinstance(provenance, Mapping):
            continue
        end = str(fields.get("ends") or fields.get("valid_until") or "")
        if end[:10] and end[:10] < today.isoformat():
            continue
        try:
            age = (today - date.fromisoformat(str(provenance.get("verified_on")))).days
        except ValueError:
            continue
        if age > settings.hard_limit(kind):
            rows.append((path, str(provenance.get("verified_by", "?")), age))
    return sorted(rows, key=lambda row: (-row[2], row[0]))
