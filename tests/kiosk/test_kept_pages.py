"""Slides and touch-directory item pages kept in the build cache between builds
(``p2f_kiosk.shared_pages``): after a one-item edit, only the pages that read that item are
rendered again, and the bundles are the same, byte for byte, as without the cache."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from p2f_build.cache import BuildCache
from p2f_kiosk.shared import SharedFiles
from p2f_model.corpus import Corpus
from p2f_model.load import load_corpus
from tests.kiosk.test_shared_pages import CONTENT, _build, _files

EDITED = "lieux/accrobranche-pins-perches.md"  # a place: its slide and item pages


def _digests(corpus: Corpus) -> dict[str, str]:
    """A stand-in for the digest of each item's files: every field of the loaded item."""
    return {
        slug: hashlib.sha256(repr(item).encode()).hexdigest() for slug, item in corpus.items.items()
    }


def _kept(corpus: Corpus, store: BuildCache) -> SharedFiles:
    shared = SharedFiles()
    digests = _digests(corpus)
    shared.pages.keep_in(store, "build-inputs", lambda slug: digests.get(slug, "absent"))
    return shared


def test_after_a_one_item_edit_only_its_pages_are_rendered_again(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    store = BuildCache(tmp_path / "cache")
    first = _kept(load_corpus(content), store)
    _build(load_corpus(content), tmp_path / "first", first)
    assert first.pages.loaded == 0 and first.pages.rendered > 100

    path = content / EDITED
    text = path.read_text(encoding="utf-8")
    assert "\ntitle: " in text
    path.write_text(text.replace("\ntitle: ", "\ntitle: Nouveau ", 1), encoding="utf-8")
    edited = load_corpus(content)
    assert not edited.problems
    again = _kept(edited, store)
    _build(edited, tmp_path / "again", again)
    store.close()
    # the bodies of pages whose pieces were kept are not converted from Markdown again
    converted = [key for key in edited.memo if key[0] == "offline-html"]
    assert len(converted) < len(edited.items) / 10

    clean = SharedFiles()
    _build(edited, tmp_path / "clean", clean)
    kept, fresh = _files(tmp_path / "again"), _files(tmp_path / "clean")
    assert sorted(kept) == sorted(fresh)
    assert [name for name in fresh if kept[name] != fresh[name]] == []
    assert b"Nouveau " in b"".join(kept.values())
    # only the edited place's own pages, and pages that name it, were rendered again
    assert again.pages.loaded > 0
    assert 0 < again.pages.rendered < clean.pages.rendered / 10
