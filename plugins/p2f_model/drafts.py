"""Drafts: items checked like any other but shown nowhere until a reviewer publishes them.

An item with ``status: draft`` (every item ``invoke import`` writes) is validated by
``invoke check`` and left out of the website and of every kiosk bundle: the build works on
``published(corpus)``. Switching the field to ``published`` (or removing it) is the review.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from p2f_model import frontmatter
from p2f_model.problems import Problem

if TYPE_CHECKING:  # corpus.py calls reference_problems: no import cycle at run time
    from p2f_model.corpus import Corpus, Item

DRAFT = "draft"


def is_draft(item: Item) -> bool:
    return getattr(item.data, "status", None) == DRAFT


def published(corpus: Corpus) -> Corpus:
    """The corpus without its drafts (same problems, settings and render memo)."""
    items = {slug: item for slug, item in corpus.items.items() if not is_draft(item)}
    if len(items) == len(corpus.items):
        return corpus
    return replace(corpus, items=items)


def reference_problems(items: dict[str, Item]) -> list[Problem]:
    """A published item that names a draft (an event at a place still in review) would link
    to a page that is not built: publish both, or neither."""
    problems = []
    for item in items.values():
        if is_draft(item):
            continue
        for name in ("place", "partner"):
            slug = getattr(item.data, name, None)
            target = items.get(slug) if isinstance(slug, str) else None
            if target is not None and is_draft(target):
                problems.append(
                    Problem(
                        item.path,
                        frontmatter.line_of(item.lines, name),
                        name,
                        f'"{slug}" is still a draft ({target.path}); publish it first, '
                        "or set this item to status: draft too",
                    )
                )
    return problems
