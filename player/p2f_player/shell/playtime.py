"""What the window adds to a slide at play time: the warning strip, the FR marker, the
open-now chip of a place, the now board.

* **strip**: the running alerts ``Decision.strip`` names (their level puts them on a strip over
  every slide), with their titles in the turn's language and their level;
* **FR marker**: when the turn's text is French (``Decision.text_language`` differs from
  ``Decision.language``), the words that say so in the turn's language (``in_french``, from the
  bundle's ``directory/<lang>/now.js``: the build's labels, not a copy of them);
* **open-now chip**: on a place's slide, the phrase holding now for that place (``Ouvert ·
  ferme à 19 h``), from the turn's language's ``now.js``: a static slide cannot know the time;
* **now board**: a slide of kind ``now`` has no page in the release; it is drawn here
  (``p2f_player.nowboard``) from the release's ``now.js`` at ``now``, written into a folder of
  its own (``GeneratedPages``, never the verified release folder) that the content origin
  serves under ``/generated/`` with the slides' CSP: sandboxed, no script.

It reads only files of a verified release (sync checked them) and writes only its own folder.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from p2f_player.contract.manifest import ManifestError
from p2f_player.contract.rules_moments import LEVELS
from p2f_player.nowboard import NowDataError, parse_now_script, place_phrase, render_now_board
from p2f_player.scheduler import Decision, Plan, is_eligible
from p2f_player.shell.handoff import LANGUAGE_NAMES
from p2f_player.shell.server import GENERATED
from p2f_player.store import LocalRelease

log = logging.getLogger("p2f_player.shell")
KEEP = 4  # drawn pages kept: the one shown, the one fading out, the one preloading, a spare


class GeneratedPages:
    """Pages drawn at play time, one file per play (``now-<n>.html``), the last ``KEEP`` kept.

    The folder is the window's own (``run.py`` makes a fresh one and removes it at exit).
    """

    def __init__(self, folder: Path, keep: int = KEEP) -> None:
        self.folder, self.keep = folder, keep
        self._count = 0
        self._lock = threading.Lock()

    def write(self, html: str) -> str:
        """Write ``html`` as a new page (atomically: the web view never reads half of one);
        return its path on the content origin, ``/generated/<name>``."""
        with self._lock:
            self._count += 1
            number = self._count
        name = f"now-{number}.html"
        partial = self.folder / f".{name}.partial"
        partial.write_text(html, encoding="utf-8")
        os.replace(partial, self.folder / name)
        old = self.folder / f"now-{number - self.keep}.html"
        old.unlink(missing_ok=True)
        return f"/{GENERATED}/{name}"


class PlayTime:
    """The play-time additions for the releases the window plays (parsed once per release)."""

    def __init__(self, pages: GeneratedPages | None) -> None:
        self.pages = pages
        self._release: str | None = None
        self._plan: Plan | None = None
        self._now: dict[str, dict[str, Any] | None] = {}  # language -> now.js document
        self._lock = threading.Lock()

    def _switch(self, release: LocalRelease) -> None:
        if self._release != release.name:
            self._release, self._plan, self._now = release.name, None, {}

    def now_document(self, release: LocalRelease, lang: str) -> dict[str, Any] | None:
        """The release's ``directory/<lang>/now.js``, parsed; ``None`` if it has none."""
        with self._lock:
            self._switch(release)
            if lang not in self._now:
                self._now[lang] = _read_now(release, lang)
            return self._now[lang]

    def plan(self, release: LocalRelease) -> Plan | None:
        with self._lock:
            self._switch(release)
            if self._plan is None:
                try:
                    self._plan = Plan.from_manifest(release.document)
                except ManifestError as error:  # the player refuses it too: nothing to add
                    log.warning("release %s: %s", release.name, error)
                    return None
            return self._plan

    def strip(self, decision: Decision, document: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The strip's entries: ``{title, level, lang, until_ms}`` of each alert ``decision``
        names (``until_ms``: the end of its window, when the page drops it even mid-slide)."""
        entries: list[dict[str, Any]] = []
        for slide in _slides(document, decision.strip):
            window = slide.get("window") or {}
            until = datetime.fromisoformat(window["until"]) if "until" in window else None
            until_ms = int(until.timestamp() * 1000) if until is not None else None
            entries.append(dict(_entry(slide, decision.language), until_ms=until_ms))
        return entries

    def in_french(self, decision: Decision, release: LocalRelease) -> dict[str, str] | None:
        """``{label, lang}`` of the FR marker when the turn's text is French, else ``None``."""
        if decision.slide is None or decision.text_language == decision.language:
            return None
        words = (self.now_document(release, decision.language) or {}).get("words", {})
        label = words.get("in_french") if isinstance(words, dict) else None
        if isinstance(label, str) and label:
            return {"label": label, "lang": decision.language}
        return {"label": LANGUAGE_NAMES["fr"], "lang": "fr"}  # a bundle built before the words

    def open_now(
        self, decision: Decision, release: LocalRelease, now: datetime
    ) -> dict[str, Any] | None:
        """``{text, open, lang}``: the phrase of the place on screen at ``now`` (``Ouvert ·
        ferme à 19 h``) in the turn's language, from that language's ``now.js``; ``None`` for
        any other slide, or a place the data has no hours for."""
        if decision.slide is None or decision.slide.kind != "place":
            return None
        document = self.now_document(release, decision.language)
        if document is None:
            return None
        try:
            found = place_phrase(document, decision.slide.id, now)
        except (KeyError, TypeError, ValueError, IndexError) as error:
            log.warning("release %s: now.js: %s", release.name, error)
            return None
        if found is None:
            return None
        return {"text": found[0], "open": found[1], "lang": decision.language}

    def board(self, decision: Decision, release: LocalRelease, now: datetime) -> str | None:
        """Draw the now board of ``decision`` at ``now``; its path on the content origin, or
        ``None`` (no folder, no data: the default card shows instead)."""
        if self.pages is None or decision.slide is None:
            return None
        document = self.now_document(release, decision.text_language)
        plan = self.plan(release)
        if document is None or plan is None:
            return None
        running = [
            s
            for s in plan.slides
            if s.level is not None and not s.interrupt and is_eligible(plan, s, now)
        ]
        running.sort(key=lambda s: (LEVELS.index(s.level or "info"), -s.rules.priority, s.id))
        alerts = [  # (title, its language): an untranslated alert says lang="fr" on the board
            (entry["title"], entry["lang"])
            for entry in (
                _entry(slide, decision.language)
                for slide in _slides(release.document, tuple(s.id for s in running))
            )
        ]
        html = render_now_board(
            document,
            alerts,
            now,
            release.document["site"],
            css_href=f"/bundle/{release.name}/assets/kiosk.css",
        )
        return self.pages.write(html)


def _read_now(release: LocalRelease, lang: str) -> dict[str, Any] | None:
    path = f"directory/{lang}/now.js"
    if path not in release.document.get("files", {}):
        return None
    try:
        return parse_now_script((release.path / path).read_bytes())
    except (OSError, NowDataError, UnicodeDecodeError) as error:
        log.warning("release %s: %s: %s", release.name, path, error)
        return None


def _slides(document: Mapping[str, Any], ids: tuple[str, ...]) -> list[Mapping[str, Any]]:
    """The manifest's slides ``ids``, in that order."""
    by_id = {slide["id"]: slide for slide in document.get("slides", [])}
    return [by_id[i] for i in ids if i in by_id]


def _entry(slide: Mapping[str, Any], turn: str) -> dict[str, str]:
    titles = slide.get("titles") or {}
    lang = turn if turn in titles else next(iter(titles), turn)
    text_lang = (slide.get("text_langs") or {}).get(lang, lang)
    return {
        "title": str(titles.get(lang, "")),
        "level": str(slide.get("level") or "info"),
        "lang": str(text_lang),
    }
