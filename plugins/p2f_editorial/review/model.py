"""What the reviewer's page shows, gathered in one object that ``render`` turns into text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from p2f_editorial.review.items import ItemChange
from p2f_editorial.review.kiosks import KioskChange
from p2f_editorial.review.pages import PageChange
from p2f_editorial.review.screenshots import Shot


@dataclass(frozen=True)
class SideSummary:
    name: str
    rev: str
    check_ok: bool
    check_output: str
    built: bool
    build_error: str = ""


@dataclass
class Review:
    base: SideSummary
    head: SideSummary
    moment: datetime  # "what this screen plays on <day> <hour>"
    items: list[ItemChange] = field(default_factory=list)
    pages: list[PageChange] = field(default_factory=list)
    shots: list[Shot] = field(default_factory=list)
    kiosks: list[KioskChange] = field(default_factory=list)
    hard_limit: list[tuple[str, str, int]] = field(default_factory=list)  # path, by, age

    @property
    def warnings(self) -> int:
        return sum(len(item.warnings) for item in self.items) + sum(
            1 for item in self.items if item.error
        )

    @property
    def ok(self) -> bool:
        return self.head.check_ok and self.head.built
