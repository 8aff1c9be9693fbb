"""Pages that differ between sites only in a few words, rendered once per build.

A slide says the same on every site but for the screen's size (in the ``<head>`` and the
``<body>``'s class); a touch-directory item page has no per-site value at all (its script
takes the distance and the deep link from ``now.js``). Rendering them again for each of twelve
sites was most of a kiosk build's time. So the template is rendered once with a *marker* in
place of each such value (a private-use character, a random nonce per build and the value's
name: no content can hold it by chance), cut at the markers, and each site's page is the
pieces joined with that site's values, escaped as Jinja's autoescape does
(``markupsafe.escape``). The bytes are the same as a direct render
(tests/kiosk/test_shared_pages.py compares them).

With the build cache (``p2f_build.cache``: ``invoke build``, ``livereload``), the pieces are
also kept between builds, under a digest of the build's global inputs (code, settings, build
moment), the kiosk templates, the page's key and the bytes of every item the page reads (the
caller names them: the item, the offers it lists, a slide's partner and an event's place): a
rebuild after a one-item edit renders only the pages that read that item again.

A marker must reach the output untouched: if a template transformed one (a filter, a test on
the value), its pieces would hold a broken marker; then that key is rendered directly for every
site instead. Values a template branches on (the site's languages, which offers a place lists)
belong in the key, not in a marker. Only the pieces are kept (a few KB per item and language).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import cast

from markupsafe import escape

from p2f_build.cache import Cache
from p2f_build.cache import key as _key

PRIVATE = "\ue000"  # Unicode private use: never in a content file's words on purpose
NAMESPACE = "kiosk-pages"  # in the build cache
Value = Callable[[str], object]  # the name of a per-site value -> what the template gets


@dataclass
class SharedPages:
    """Pieces of each page rendered so far in this build, by key."""

    nonce: str = field(default_factory=lambda: secrets.token_hex(8))
    # literal parts as UTF-8 (half the memory of str when a text holds a ’) between names
    pieces: dict[Hashable, tuple[bytes | str, ...] | None] = field(default_factory=dict)
    rendered: int = 0  # templates rendered (for tests and the bench)
    reused: int = 0  # pages joined from pieces instead of rendered
    enabled: bool = True  # False: every page rendered for each site (tests compare the two)
    loaded: int = 0  # pages whose pieces came from the build cache
    store: Cache | None = None
    prefix: str = ""  # digest of the build's global inputs and the kiosk templates
    item_digest: Callable[[str], str] | None = None  # slug -> digest of its files

    def __post_init__(self) -> None:
        self._cut = re.compile(f"{PRIVATE}{self.nonce}:([a-z_]+){PRIVATE}")
        # (key, items) -> its entry: a page's key is asked by every site (and by ``render``),
        # digested once (the repr of a big key and the items' digests cost more than a lookup)
        self._entries: dict[tuple[Hashable, tuple[str, ...]], str | None] = {}

    def keep_in(self, store: Cache, prefix: str, item_digest: Callable[[str], str]) -> None:
        """Keep pieces in ``store`` between builds (see the module's doc)."""
        self.store, self.prefix, self.item_digest = store, prefix, item_digest
        self._entries.clear()

    def mark(self, name: str) -> str:
        return f"{PRIVATE}{self.nonce}:{name}{PRIVATE}"

    def render(
        self,
        key: Hashable,
        values: Mapping[str, object],
        make: Callable[[Value], str],
        items: Iterable[str] = (),
    ) -> bytes:
        """The page ``make(value)`` renders, in UTF-8, where ``value(name)`` stands for
        ``values[name]`` (the per-site values); ``key`` holds every other input of the page
        but the items it reads, named by ``items`` (their slugs)."""
        items = tuple(items)
        known = self.pieces.get(key, ()) if self.enabled else None
        if known is None:  # a marker did not survive this template: render for each site
            self.rendered += 1
            return make(values.__getitem__).encode()
        if not known:
            stored, known = self._stored(key, items), ()
            if stored is not None:
                self.loaded += 1
                known = self.pieces[key] = stored
        if not known:
            self.rendered += 1
            parts = self._cut.split(make(self.mark))
            if any(PRIVATE in part for part in parts[::2]) or any(
                name not in values for name in parts[1::2]
            ):
                self.pieces[key] = None
                return make(values.__getitem__).encode()
            known = self.pieces[key] = _encoded(parts)
            self._store(key, items, known)
        else:
            self.reused += 1
        # literals at even places, names at odd ones (``_encoded``): fill the names in place
        page, names = list(known), cast(tuple[str, ...], known[1::2])
        page[1::2] = [str(escape(values[name])).encode() for name in names]
        return b"".join(cast(list[bytes], page))

    def file_key(
        self, key: Hashable, values: Mapping[str, object], items: Iterable[str] = ()
    ) -> str | None:
        """A digest of every input of the page ``render`` gives for the same arguments (None
        without the build cache): the pieces' entry and the per-site values."""
        entry = self._entry(key, tuple(items))
        if entry is None:
            return None
        # the entry is a digest (fixed length) then the values in the caller's order: the same
        # values in another order only give another key (a miss, never a stale file)
        return hashlib.sha256(f"{entry}{values!r}".encode()).hexdigest()

    def shared_key(self, key: Hashable, items: Iterable[str] = ()) -> str | None:
        """A digest of every input of a page with no per-site value (``render`` with no
        values): the build's global inputs, ``key`` and the bytes of ``items`` (None without
        the build cache). Such a page is the same file on every site."""
        return self._entry(key, tuple(items))

    def _entry(self, key: Hashable, items: Iterable[str]) -> str | None:
        if self.store is None or self.item_digest is None:
            return None
        items = tuple(items)
        memo = (key, items)
        entry = self._entries.get(memo)
        if entry is None:
            digests = (self.item_digest(slug) for slug in items)
            entry = self._entries[memo] = _key(self.prefix, repr(key), *digests)
        return entry

    def _stored(self, key: Hashable, items: Iterable[str]) -> tuple[bytes | str, ...] | None:
        entry = self._entry(key, items)
        found = None if entry is None or self.store is None else self.store.get(NAMESPACE, entry)
        return None if found is None else _encoded(json.loads(found))

    def _store(self, key: Hashable, items: Iterable[str], pieces: tuple[bytes | str, ...]) -> None:
        entry = self._entry(key, items)
        if entry is not None and self.store is not None:
            texts = [p.decode() if isinstance(p, bytes) else p for p in pieces]
            self.store.put(NAMESPACE, entry, json.dumps(texts).encode())


def _encoded(parts: list[str]) -> tuple[bytes | str, ...]:
    """Literal parts (even places) as UTF-8, value names (odd places) as they are."""
    return tuple(part.encode() if i % 2 == 0 else part for i, part in enumerate(parts))
