"""Pages that differ between sites only in a few words, rendered once per build.

A touch-directory item page or a slide says the same on every site but for a handful of
values: the site's name and screen size in the ``<head>``, the deep link (it names the site),
a place's distance from the screen. Rendering it again for each of twelve sites was most of a
kiosk build's time. So the template is rendered once with a *marker* in place of each such
value (a private-use character, a random nonce per build and the value's name: no content can
hold it by chance), cut at the markers, and each site's page is the pieces joined with that
site's values, escaped as Jinja's autoescape does (``markupsafe.escape``). The bytes are the
same as a direct render (tests/kiosk/test_shared_pages.py compares them).

A marker must reach the output untouched: if a template transformed one (a filter, a test on
the value), its pieces would hold a broken marker; then that key is rendered directly for every
site instead. Values a template branches on (the site's languages, which offers a place lists)
belong in the key, not in a marker. Only the pieces are kept (a few KB per item and language).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field

from markupsafe import escape

PRIVATE = "\ue000"  # Unicode private use: never in a content file's words on purpose
Value = Callable[[str], object]  # the name of a per-site value -> what the template gets


@dataclass
class SharedPages:
    """Pieces of each page rendered so far in this build, by key."""

    nonce: str = field(default_factory=lambda: secrets.token_hex(8))
    pieces: dict[Hashable, tuple[str, ...] | None] = field(default_factory=dict)
    rendered: int = 0  # templates rendered (for tests and the bench)
    reused: int = 0  # pages joined from pieces instead of rendered
    enabled: bool = True  # False: every page rendered for each site (tests compare the two)

    def __post_init__(self) -> None:
        self._cut = re.compile(f"{PRIVATE}{self.nonce}:([a-z_]+){PRIVATE}")

    def mark(self, name: str) -> str:
        return f"{PRIVATE}{self.nonce}:{name}{PRIVATE}"

    def render(
        self, key: Hashable, values: Mapping[str, object], make: Callable[[Value], str]
    ) -> str:
        """The page ``make(value)`` renders, where ``value(name)`` stands for ``values[name]``
        (the per-site values); ``key`` holds every other input of the page."""
        known = self.pieces.get(key, ()) if self.enabled else None
        if known is None:  # a marker did not survive this template: render for each site
            self.rendered += 1
            return make(values.__getitem__)
        if not known:
            self.rendered += 1
            parts = self._cut.split(make(self.mark))
            if any(PRIVATE in part for part in parts[::2]) or any(
                name not in values for name in parts[1::2]
            ):
                self.pieces[key] = None
                return make(values.__getitem__)
            known = self.pieces[key] = tuple(parts)
        else:
            self.reused += 1
        return "".join(
            part if i % 2 == 0 else str(escape(values[part])) for i, part in enumerate(known)
        )
