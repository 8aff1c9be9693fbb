"""Reading what an office downloads (the I/O edge of each source): flux folders, object
files, Apidae export pages, iCalendar files or URLs.

Each record goes through its source's pure mapping on its own: a record that cannot be read
or mapped is a ``Skipped`` with its id and the reason, and the run goes on.
"""

from __future__ import annotations

import json
import urllib.parse
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from p2f_import import apidae, datatourisme, ical
from p2f_import.fetch import Fetch, FetchError, HttpFetcher
from p2f_import.jsonld import context_of
from p2f_import.model import BAD_RECORD, Collected, RecordError, Skipped
from p2f_model.territory import Territory

CONTEXTS = Path(__file__).parent / "contexts"
# What a mapping may raise on data it did not expect; anything else is a bug to see.
RECORD_ERRORS = (RecordError, ValueError, TypeError, KeyError, AttributeError, IndexError)

__all__ = ["Fetch", "public_url", "read_apidae", "read_datatourisme", "read_ical"]


def public_url(url: str) -> str:
    """A feed URL without what may be a secret (user:password@, ?token=...): the form kept
    in provenance and reports."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", ""))


def _load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _bundled_context(obj: Any) -> dict[str, Any]:
    """The context of the object's generation when no context.jsonld came with it."""
    record_id = obj.get("@id", "") if isinstance(obj, dict) else ""
    name = "datatourisme-gouv" if "datatourisme.gouv.fr" in record_id else "datatourisme"
    return context_of(_load_json(CONTEXTS / f"{name}.jsonld"))


def _flux_files(path: Path) -> tuple[list[Path], Path | None]:
    """The object files of a flux folder (``objects/<a>/<bb>/*.json``) or of a plain folder,
    and the flux's ``context.jsonld`` if there is one."""
    context = path / "context.jsonld"
    objects = path / "objects" if (path / "objects").is_dir() else path
    files = sorted(
        p for p in objects.rglob("*.json") if p.name not in ("index.json", "context.jsonld")
    )
    return files, context if context.is_file() else None


def read_datatourisme(
    inputs: list[str], territory: Territory, now: datetime, horizon: timedelta
) -> Collected:
    out = Collected()
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            files, context_file = _flux_files(path)
            if not files:
                out.notes.append(f"{given}: no object file (*.json) found")
        else:
            files = [path]
            near = [path.parent / "context.jsonld", *(p / "context.jsonld" for p in path.parents)]
            context_file = next((p for p in near if p.is_file()), None)
        flux_context = context_of(_load_json(context_file)) if context_file else None
        for file in files:
            try:
                obj = _load_json(file)
            except (OSError, ValueError) as error:
                out.skipped.append(Skipped(datatourisme.SOURCE, file.name, BAD_RECORD,
                                           f"cannot read {file.name}: {error}"))  # fmt: skip
                continue
            record = obj.get("@id", file.name) if isinstance(obj, dict) else file.name
            try:
                context = flux_context or _bundled_context(obj)
                results = datatourisme.map_object(obj, context, territory, now, horizon)
            except RECORD_ERRORS as error:
                out.skipped.append(Skipped(datatourisme.SOURCE, str(record), BAD_RECORD,
                                           f"{file.name}: {error}"))  # fmt: skip
                continue
            _collect(out, results)
    return out


def read_apidae(
    inputs: list[str], territory: Territory, now: datetime, horizon: timedelta
) -> Collected:
    out = Collected()
    for given in inputs:
        try:
            found = apidae.records(_load_json(Path(given)))
            response = _load_json(Path(given))
        except (OSError, ValueError) as error:  # RecordError is a ValueError
            out.notes.append(f"{Path(given).name}: not imported: {error}")
            continue
        note = apidae.page_note(response, len(found))
        if note:
            out.notes.append(f"{Path(given).name}: {note}")
        for obj in found:
            try:
                results = apidae.map_object(obj, territory, now, horizon)
            except RECORD_ERRORS as error:
                out.skipped.append(
                    Skipped(apidae.SOURCE, apidae.record_id(obj), BAD_RECORD, str(error))
                )
                continue
            _collect(out, results)
    return out


def read_ical(
    inputs: list[str], now: datetime, horizon: timedelta, fetch: Fetch | None = None
) -> Collected:
    fetch = fetch or HttpFetcher()
    out = Collected()
    for given in inputs:
        remote = given.startswith(("http://", "https://"))
        shown = public_url(given) if remote else Path(given).name
        try:
            data = fetch(given) if remote else Path(given).read_bytes()
            calendar = ical.parse(data)
            results = ical.occurrences(calendar, shown, now, horizon)
        except (OSError, FetchError, *RECORD_ERRORS) as error:
            out.notes.append(f"{shown}: not imported: {str(error).replace(given, shown)}")
            continue
        out.feeds[shown] = ical.uids(calendar)
        _collect(out, results)
    return out


def _collect(out: Collected, results: list[Any]) -> None:
    for result in results:
        (out.skipped if isinstance(result, Skipped) else out.drafts).append(result)
