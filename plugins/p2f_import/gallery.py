"""Downloading a record's pictures into content/images/<source>/ (the I/O edge of
``pictures``).

Each picture is looked for first among the files a previous run stored (same stable name):
found, it is used as it is and nothing is downloaded, so a re-import makes no request and
changes no byte, and a picture once stored does not vanish from an item because its server
is down tonight. Otherwise it is fetched through the injected ``Fetch`` (the only network
seam), verified by ``pictures.verify`` and written atomically. A picture that cannot be
stored (unreachable, not a picture, rights ended) stays referenced in ``imported.media`` and
is listed, with the reason, in ``Gallery.missed`` for the report; the run goes on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from p2f_import import pictures
from p2f_import.existing import write
from p2f_import.fetch import Fetch, FetchError
from p2f_import.model import Draft
from p2f_model.images import RASTER_SUFFIXES


@dataclass(frozen=True)
class Missed:
    record_id: str
    url: str
    reason: str


@dataclass
class Gallery:
    content: Path
    fetch: Fetch
    today: date
    dry_run: bool = False  # a dry run downloads nothing: stored pictures are still used
    stored: list[str] = field(default_factory=list)  # src of every file written this run
    missed: list[Missed] = field(default_factory=list)
    _files: dict[str, dict[str, str]] = field(default_factory=dict)  # source -> stem -> name
    _fetched: dict[str, Path | str] = field(default_factory=dict)  # url -> first file | why not
    _seen_missed: set[tuple[str, str]] = field(default_factory=set)

    def attach(self, draft: Draft) -> Draft:
        """``draft`` with ``images`` (and each translation's ``alt``) for the pictures that
        are stored; unchanged when none is (the item's ``images:`` is then left alone)."""
        found: list[tuple[str, Mapping[str, str]]] = []
        for media in draft.media[: pictures.MAX_PICTURES]:
            src = self.store(draft.source, draft.record_id, media)
            if src is not None:
                found.append((src, media))
        return pictures.with_images(draft, found)

    def store(self, source: str, record_id: str, media: Mapping[str, str]) -> str | None:
        """``images/<source>/<file>`` of the picture, stored now or by an earlier run; None
        when it cannot be (the reason is in ``missed``)."""
        url = media.get("url", "")
        stem = pictures.stable_name(record_id, url)
        why = pictures.rights_ended(media, self.today)  # also for a picture stored before
        files = self._listing(source)
        if why is None and stem in files:
            return f"{pictures.FOLDER}/{source}/{files[stem]}"
        if why is None and not url.startswith(("http://", "https://")):
            why = "not an http(s) address"
        if why is None and not media.get("mime", "image/").startswith("image/"):
            why = f"not a picture ({media['mime']})"
        if why is None and self.dry_run:
            return None
        got = (
            why if why is not None else self._fetched.get(url) or self._download(url, source, stem)
        )
        if isinstance(got, str):
            self._miss(record_id, url, got)
            return None
        name = f"{stem}{got.suffix}"
        target = self.content / pictures.FOLDER / source / name
        if got != target:
            write(target, got.read_bytes())  # a second record with the same picture
            self.stored.append(f"{pictures.FOLDER}/{source}/{name}")
        files[stem] = name
        return f"{pictures.FOLDER}/{source}/{name}"

    def _download(self, url: str, source: str, stem: str) -> Path | str:
        try:
            data = self.fetch(url)
        except FetchError as error:
            self._fetched[url] = str(error)
            return str(error)
        suffix, problem = pictures.verify(data)
        if suffix is None:
            self._fetched[url] = problem or "not a picture"
            return self._fetched[url]
        target = self.content / pictures.FOLDER / source / f"{stem}.{suffix}"
        write(target, data)
        self.stored.append(f"{pictures.FOLDER}/{source}/{target.name}")
        self._fetched[url] = target
        return target

    def _miss(self, record_id: str, url: str, reason: str) -> None:
        key = (record_id.split("#", 1)[0], url)  # once per record, not per occurrence
        if key not in self._seen_missed:
            self._seen_missed.add(key)
            self.missed.append(Missed(key[0], url, reason))

    def _listing(self, source: str) -> dict[str, str]:
        """The pictures stored by earlier runs, read once per run (not per record)."""
        if source not in self._files:
            folder = self.content / pictures.FOLDER / source
            names = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
            self._files[source] = {
                name.rsplit(".", 1)[0]: name
                for name in names
                if not name.startswith(".") and "." + name.rsplit(".", 1)[-1] in RASTER_SUFFIXES
            }
        return self._files[source]
