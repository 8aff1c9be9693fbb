"""``invoke review``: check out, build and compare the two sides; write the page and summary.

Writes ``<out>/review.html``, ``<out>/review.md`` and ``<out>/shots/*.png``. Returns the
``Review`` so that the caller (the task, CI) can set its exit code from ``Review.ok``.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

from p2f_editorial.review import items, kiosks, pages, render, screenshots
from p2f_editorial.review.model import Review, SideSummary
from p2f_editorial.review.worktrees import Side, sides
from p2f_editorial.settings import EditorialSettings
from p2f_player.contract.rules import to_local

MAX_SHOTS = 6  # pages photographed (x2: before and after)


def content_texts(tree: Path) -> dict[str, str]:
    """``{content/<folder>/<file>.md: text}`` of a checked-out tree."""
    content = tree / "content"
    out = {}
    for path in sorted(content.rglob("*.md")):
        if path.is_file() and not path.is_symlink():
            text = path.read_text(encoding="utf-8", errors="replace")
            out[path.relative_to(tree).as_posix()] = text
    return out


def _manifests(side: Side) -> dict[str, dict[str, Any]]:
    kiosk = side.build / "kiosk"
    return {
        path.parent.name: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(kiosk.glob("*/manifest.json"))
    }


def _summary(side: Side) -> SideSummary:
    return SideSummary(
        side.name, side.rev, side.check_ok, side.check_output, side.built, side.build_error
    )


def review(
    repo: Path,
    out: Path,
    settings: EditorialSettings,
    built_for: datetime,
    at: datetime,
    base: str = "main",
    head: str = "HEAD",
    max_shots: int = MAX_SHOTS,
    node_modules: Path | None = None,
) -> Review:
    """Build ``base`` (its merge base with ``head``) and ``head`` for the moment
    ``built_for``, compare them, play each screen's hour starting at ``at``; write the files."""
    today = to_local(built_for).date()
    with sides(repo, base, head, built_for, node_modules) as (old, new):
        result = Review(base=_summary(old), head=_summary(new), moment=at)
        before, after = content_texts(old.tree), content_texts(new.tree)
        result.items = items.compare_folders(before, after, settings, today)
        result.hard_limit = items.past_hard_limit(after, settings, today)
        if old.built and new.built:
            result.pages = pages.compare_pages(
                pages.page_hashes(old.build / "site"), pages.page_hashes(new.build / "site")
            )
            result.kiosks = kiosks.compare_kiosks(_manifests(old), _manifests(new), at)
            chosen = pages.pick_screenshots(
                result.pages, {item.slug for item in result.items}, max_shots
            )
            if out.exists():
                shutil.rmtree(out / "shots", ignore_errors=True)
            if chosen:
                result.shots = screenshots.take(
                    old.build / "site",
                    new.build / "site",
                    [(page.url, page.status) for page in chosen],
                    out / "shots",
                )
    out.mkdir(parents=True, exist_ok=True)
    (out / "review.html").write_text(render.html(result), encoding="utf-8")
    (out / "review.md").write_text(render.markdown(result), encoding="utf-8")
    return result
