"""The website's incremental build: each page rendered again only when one of its inputs changed.

How a page's inputs are known: while Pelican renders a page, the corpus records which items the
templates and template functions look up (``corpus.items[slug]``, ``.get``, ``in``: a slug that
is absent counts too) and which kinds they enumerate (``of_kind``); enumerating the whole corpus
makes the page depend on all content. Besides those, every page depends on the build's global
inputs (settings, build moment, code, translations: ``p2f_build.cache.Inputs.globals``), on the
content that is not an item (site settings, campaigns, images: what ``p2f_pictures`` and the
banner levels come from), on the current alerts (the banner every page shows) and on the bytes
of its template and of every template it extends, includes or imports. List pages and views get
their items from the generator, not through the corpus: they depend on all content.

A page whose recorded inputs have the same digests as when it was rendered is not rendered: its
file from the current build is hard-linked into the staging folder (the staging folder never
writes into an existing file, so the current build is never modified). Pages that disappeared
are simply not carried over. What is recorded for the current build lives in the build cache
(``p2f_build.cache``), under the current build's name: a failed build records nothing.

It does not make incremental what runs after the pages (deep-link landings, machine-facing files,
Pagefind, the kiosk bundles): those steps run in full, each keyed on its own inputs if it uses
the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from typing import Any

import jinja2.meta
from pelican.writers import Writer

from p2f_build.cache import Inputs, build_cache, build_inputs, key
from p2f_model.corpus import Corpus, Item
from p2f_site.pictures import Picture, make_picture, picture_bytes, picture_from_bytes
from p2f_site.records import PageRecord, load_records, save_records
from p2f_site.staging import staging_site

TEMPLATES = "site-template-refs"  # cache namespace: a template source -> the templates it names


@dataclass
class Reads:
    """What one render looked at through the corpus."""

    items: set[str] = field(default_factory=set)
    kinds: set[str] = field(default_factory=set)
    everything: bool = False


class RecordingItems(dict[str, Item]):
    """The corpus's items; while ``reads`` is set, every lookup and enumeration is noted."""

    reads: Reads | None = None

    def __getitem__(self, slug: str) -> Item:
        if self.reads is not None:
            self.reads.items.add(slug)
        return super().__getitem__(slug)

    def get(self, slug: str, default: Any = None) -> Any:  # type: ignore[override]
        if self.reads is not None:
            self.reads.items.add(slug)
        return super().get(slug, default)

    def __contains__(self, slug: object) -> bool:
        if self.reads is not None and isinstance(slug, str):
            self.reads.items.add(slug)
        return super().__contains__(slug)

    def _all(self) -> None:
        if self.reads is not None:
            self.reads.everything = True

    def __iter__(self) -> Iterator[str]:
        self._all()
        return super().__iter__()

    def __len__(self) -> int:
        self._all()
        return super().__len__()

    def keys(self) -> Any:
        self._all()
        return super().keys()

    def values(self) -> Any:
        self._all()
        return super().values()

    def items(self) -> Any:
        self._all()
        return super().items()

    def copy(self) -> dict[str, Item]:
        self._all()
        return dict(super().items())

    def of_kind(self, kind: str) -> list[Item]:
        """Items of one kind, noted as a read of that kind only."""
        if self.reads is not None:
            self.reads.kinds.add(kind)
        return [item for item in dict.values(self) if item.kind == kind]


class RecordingCorpus(Corpus):
    """A ``Corpus`` whose item lookups can be recorded (``RecordingItems``)."""

    items: RecordingItems

    def of_kind(self, kind: str) -> list[Item]:
        return self.items.of_kind(kind)


def note_kind(corpus: Corpus, kind: str) -> None:
    """Note that the page being rendered reads every item of ``kind``, as ``of_kind`` would:
    for a template function that keeps its own index of that kind (built once per build)."""
    items = corpus.items
    if isinstance(items, RecordingItems) and items.reads is not None:
        items.reads.kinds.add(kind)


def recording(corpus: Corpus) -> RecordingCorpus:
    values = {f.name: getattr(corpus, f.name) for f in fields(corpus)}
    values["items"] = RecordingItems(corpus.items)
    return RecordingCorpus(**values)


class PageKeys:
    """Digests of the inputs a page may depend on, for one build (pure: given the inputs)."""

    def __init__(
        self, inputs: Inputs, corpus: Corpus, alerts: list[Item], env: Any, store: Any = None
    ) -> None:
        self.inputs = inputs
        self._env = env
        self._store = store  # the build cache: the templates each template source names
        items = dict.items(corpus.items)
        by_kind: dict[str, list[str]] = {}
        for slug, item in sorted(items):
            by_kind.setdefault(item.kind, []).append(slug + "=" + inputs.item(slug))
        self._kinds = {kind: key(*parts) for kind, parts in by_kind.items()}
        alert_parts = [a.slug + "=" + inputs.item(a.slug) for a in alerts]
        self._shared = key(inputs.globals, inputs.others, *alert_parts)
        self._templates: dict[str, str] = {}

    def template(self, name: str) -> str:
        """The bytes of ``name`` and of every template it reaches (all of them when a name is
        computed at render time and cannot be known here)."""
        if name not in self._templates:
            self._templates[name] = key(*self._closure(name))
        return self._templates[name]

    def _closure(self, name: str) -> list[str]:
        seen: dict[str, str] = {}
        todo = [name]
        loader = self._env.loader
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            source = loader.get_source(self._env, current)[0]
            seen[current] = key(source)
            children = self._referenced(source)
            if children is None:  # a name computed at render time: depend on every template
                return [f"{n}={key(loader.get_source(self._env, n)[0])}"
                        for n in sorted(self._env.list_templates())]  # fmt: skip
            todo.extend(children)
        return [f"{n}={d}" for n, d in sorted(seen.items())]

    def _referenced(self, source: str) -> list[str] | None:
        """The templates ``source`` extends, includes or imports (None: a name computed at
        render time). Parsing every template costs ~0.4 s a build at 5,000 documents: the
        answer is kept in the build cache by the source, the code (Jinja's version) and the
        environment's syntax settings."""
        env = self._env
        syntax = jinja_syntax(env)
        entry = key(self.inputs.code, *syntax, source)
        found = self._store.get(TEMPLATES, entry) if self._store is not None else None
        if found is not None:
            names: list[str] | None = json.loads(found)
            return names
        names = []
        for child in jinja2.meta.find_referenced_templates(env.parse(source)):
            if child is None:
                names = None
                break
            names.append(child)
        if self._store is not None:
            self._store.put(TEMPLATES, entry, json.dumps(names).encode())
        return names

    def page(self, name: str, template: str, reads: Reads) -> str:
        parts = [self._shared, name, template, self.template(template)]
        if reads.everything:
            parts.append(self.inputs.content)
        else:
            parts += [f"{s}={self.inputs.item(s)}" for s in sorted(reads.items)]
            parts += [f"{k}:{self._kinds.get(k, 'none')}" for k in sorted(reads.kinds)]
        return key(*parts)


class CachingWriter(Writer):  # type: ignore[misc]
    """Pelican's writer, rendering only pages whose inputs changed since the current build."""

    def __init__(self, output_path: str, settings: dict[str, Any]) -> None:
        super().__init__(output_path, settings=settings)
        settings.setdefault("P2F_RENDERED", 0)
        settings.setdefault("P2F_REUSED", 0)
        self._previous: dict[str, PageRecord] = settings.get("P2F_PAGE_RECORDS") or {}
        self._records: dict[str, PageRecord] = settings.setdefault("P2F_NEW_PAGE_RECORDS", {})
        self._staging = staging_site(settings, output_path)
        self._output = self._staging.root
        self._keys: PageKeys | None = None

    def _page_keys(self, template: Any, context: dict[str, Any]) -> PageKeys | None:
        inputs = build_inputs(self.settings)
        if inputs is None:
            return None
        if self._keys is None:
            corpus = self.settings["P2F_CORPUS"]
            alerts = context.get("p2f_alerts") or []
            store = build_cache(self.settings)
            self._keys = PageKeys(inputs, corpus, alerts, template.environment, store)
        return self._keys

    def write_file(self, name: Any, template: Any, context: dict[str, Any], *args: Any,
                   **kwargs: Any) -> Any:  # fmt: skip
        if not name:  # a page with no file (``save_as`` empty): Pelican writes nothing
            return super().write_file(name, template, context, *args, **kwargs)
        corpus = self.settings.get("P2F_CORPUS")
        keys = self._page_keys(template, context)
        if keys is None or not isinstance(corpus, RecordingCorpus) or args:
            self._count("P2F_RENDERED", str(name))
            result = super().write_file(name, template, context, *args, **kwargs)
            self._staging.page(os.path.abspath(os.path.join(self._output, name)))
            return result
        record = self._previous.get(name)
        if record is not None and self._reuse(name, template.name, record, keys):
            self._records[name] = record
            self._count("P2F_REUSED", str(name))
            return None
        page = kwargs.get("page")
        own = getattr(page, "item", None)
        # a list or a view is made from every item, unless its generator says which kinds
        # (``p2f_kinds``: ``p2f_site.lists.TemplateReads``)
        kinds = kwargs.get("p2f_kinds")
        reads = Reads(kinds=set(kinds or ()), everything=own is None and kinds is None)
        if own is not None:
            reads.items.add(own.slug)  # its own files, all languages (Pelican links them)
        corpus.items.reads = reads
        try:
            result = super().write_file(name, template, context, **kwargs)
        finally:
            corpus.items.reads = None
        self._staging.page(os.path.abspath(os.path.join(self._output, name)))
        self._count("P2F_RENDERED", str(name))
        self._records[name] = PageRecord(
            template.name, keys.page(name, template.name, reads), tuple(sorted(reads.items)),
            tuple(sorted(reads.kinds)), reads.everything,
        )  # fmt: skip
        return result

    def _count(self, what: str, name: str) -> None:
        self.settings[what] = self.settings.get(what, 0) + 1
        if what == "P2F_RENDERED":  # which ones, for the logs and the tests
            self.settings.setdefault("P2F_RENDERED_NAMES", []).append(name)

    def _reuse(self, name: str, template: str, record: PageRecord, keys: PageKeys) -> bool:
        if self._staging.previous is None or record.template != template:
            return False
        reads = Reads(set(record.items), set(record.kinds), record.everything)
        if keys.page(name, template, reads) != record.key:
            return False
        target = os.path.abspath(os.path.join(self._output, name))
        if not target.startswith(self._output + os.sep):
            raise RuntimeError(f"Attempted to break out of output directory to {target}")
        # the record proves the current build has the file: no ``lstat`` (``p2f_site.staging``)
        return self._staging.link(target[len(self._output) + 1 :])


def jinja_syntax(env: jinja2.Environment) -> list[str]:
    """The settings of ``env`` that change how a template's source parses: part of every key
    kept for a parsed template (with its source and the code's digest)."""
    return [
        env.block_start_string, env.block_end_string, env.variable_start_string,
        env.variable_end_string, env.comment_start_string, env.comment_end_string,
        str(env.line_statement_prefix), str(env.line_comment_prefix),
        *sorted(env.extensions),
    ]  # fmt: skip


def markdown_cache_key(settings: dict[str, Any], body: str) -> str | None:
    inputs = build_inputs(settings)
    return None if inputs is None else key("site-html", inputs.code, body)


def kept_html(settings: dict[str, Any], bodies: Iterable[str]) -> dict[str, bytes]:
    """The rendered Markdown the cache holds for ``bodies``, in one query per 500 bodies
    (``cached_convert``'s ``kept``): a query per body was 5,000 of them per rebuild."""
    inputs = build_inputs(settings)
    if inputs is None:
        return {}
    entries = (key("site-html", inputs.code, body) for body in bodies)
    return build_cache(settings).get_batch("site-html", entries)


def cached_convert(
    settings: dict[str, Any], body: str, convert: Any, kept: dict[str, bytes] | None = None
) -> str:
    """Rendered Markdown from the cache when the same body was rendered by the same code
    (``kept``: what ``kept_html`` found; a body missing from it is asked for alone)."""
    entry = markdown_cache_key(settings, body)
    cache = build_cache(settings)
    if entry is None:
        return str(convert(body))
    # taken out of ``kept``: each body is converted once a build, the HTML is not held twice
    found = kept.pop(entry, None) if kept is not None else None
    if found is None:
        found = cache.get("site-html", entry)
    if found is not None:
        return found.decode("utf-8")
    html = str(convert(body))
    cache.put("site-html", entry, html.encode("utf-8"))
    return html


def cached_picture(settings: dict[str, Any], src: str, data: bytes) -> Picture:
    """The WebP variants of an image, converted once per image bytes and code version."""
    inputs = build_inputs(settings)
    if inputs is None:
        return make_picture(src, data)
    entry = key("site-picture", inputs.code, src, hashlib.sha256(data).hexdigest())
    cache = build_cache(settings)
    found = cache.get("site-picture", entry)
    if found is not None:
        return picture_from_bytes(found)
    picture = make_picture(src, data)
    cache.put("site-picture", entry, picture_bytes(picture))
    return picture


__all__ = [
    "CachingWriter", "PageKeys", "PageRecord", "Reads", "RecordingCorpus", "RecordingItems",
    "cached_convert", "cached_picture", "kept_html", "load_records", "note_kind", "recording",
    "save_records",
]  # fmt: skip
