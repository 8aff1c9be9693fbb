"""``offers_of``: the offers a place's or partner's page links, grouped once per build.

It was a scan of the whole corpus on every place page (quadratic in the items: the fallback
pages took 4.0 s at 5,000 documents and 26.4 s at 20,000). The answer is the same as the scan,
the corpus is enumerated once, and an incremental build still records that the page reads
every offer.
"""

from __future__ import annotations

from typing import Any

from p2f_model.corpus import Corpus, Item
from p2f_model.load import load_corpus
from p2f_site.incremental import Reads, recording
from p2f_web.config import read_settings
from p2f_web.items import is_over
from p2f_web.template_api import TemplateApi
from tests.conftest import ROOT

NOW = "2026-11-26T12:00:00+00:00"


class CountingItems(dict[str, Item]):
    """The corpus's items, counting how often they are enumerated."""

    enumerated = 0

    def values(self) -> Any:
        self.enumerated += 1
        return super().values()


def scanned(corpus: Corpus, item: Item, now: Any) -> list[Item]:
    """The answer as the scan of the whole corpus gave it."""
    field = "place" if item.kind == "place" else "partner"
    offers = [
        offer
        for offer in corpus.items.values()
        if offer.kind == "offer"
        and getattr(offer.data, field) == item.slug
        and not is_over(offer, now)
    ]
    return sorted(offers, key=lambda offer: (offer.data.valid_until, offer.slug))


def owners(corpus: Corpus) -> list[Item]:
    return [i for i in corpus.items.values() if i.kind in ("place", "partner")]


def test_offers_of_answers_as_the_scan_and_enumerates_the_corpus_once() -> None:
    corpus = load_corpus(ROOT / "content")
    web = read_settings({"P2F_PUBLIC_URL": "https://livep2f.com", "P2F_NOW": NOW})
    pages = owners(corpus)
    expected = {item.slug: scanned(corpus, item, web.now) for item in pages}
    assert any(expected.values())  # the sample content links offers to places or partners
    counting = CountingItems(corpus.items)
    corpus.items = counting
    api = TemplateApi({"P2F_CORPUS": corpus}, web)
    for _ in range(3):  # each place and partner page, in three languages
        for item in pages:
            assert api.offers_of(item) == expected[item.slug]
    assert counting.enumerated == 1  # the index, made once (it was once per call)


def test_offers_of_is_recorded_as_a_read_of_every_offer_on_each_page() -> None:
    corpus = recording(load_corpus(ROOT / "content"))
    web = read_settings({"P2F_PUBLIC_URL": "https://livep2f.com", "P2F_NOW": NOW})
    api = TemplateApi({"P2F_CORPUS": corpus}, web)
    for item in [i for i in dict.values(corpus.items) if i.kind == "place"][:3]:
        reads = corpus.items.reads = Reads()
        api.offers_of(item)
        corpus.items.reads = None
        assert reads.kinds == {"offer"} and not reads.everything


def test_a_new_corpus_gets_its_own_index() -> None:
    """A long-lived process (``invoke livereload``) builds again with a new corpus."""
    web = read_settings({"P2F_PUBLIC_URL": "https://livep2f.com", "P2F_NOW": NOW})
    first = load_corpus(ROOT / "content")
    settings: dict[str, Any] = {"P2F_CORPUS": first}
    api = TemplateApi(settings, web)
    linked = next(i for i in owners(first) if scanned(first, i, web.now))
    assert api.offers_of(linked)
    second = load_corpus(ROOT / "content")
    for offer in [i for i in second.items.values() if i.kind == "offer"]:
        del second.items[offer.slug]
    settings["P2F_CORPUS"] = second
    assert api.offers_of(second.items[linked.slug]) == []
