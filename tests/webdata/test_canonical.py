"""Canonical URLs, hreflang and noindex: the pages' heads and the sitemap say the same thing.

Checked both ways on the built small site: every sitemap entry is a page whose head gives
the same canonical and alternates; every page a search engine may index is in the sitemap with
the alternates its head lists; hreflang links only ever join real translations.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
ROOT_URL = "https://livep2f.com"
NOT_PAGES = ("d", "pagefind", "theme", "__tests__")


class Head(HTMLParser):
    """canonical, hreflang alternates and robots of one page's ``<head>``."""

    def __init__(self) -> None:
        super().__init__()
        self.canonical: list[str] = []
        self.alternates: dict[str, str] = {}
        self.robots = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "link" and a.get("rel") == "canonical":
            self.canonical.append(a["href"])
        elif tag == "link" and a.get("rel") == "alternate" and "hreflang" in a:
            assert a["hreflang"] not in self.alternates, f"hreflang {a['hreflang']} twice"
            self.alternates[a["hreflang"]] = a["href"]
        elif tag == "meta" and a.get("name") == "robots":
            self.robots = a["content"]


def head_of(path: Path) -> Head:
    head = Head()
    head.feed(path.read_text(encoding="utf-8").split("</head>", 1)[0])
    return head


def url_of(site: Path, page: Path) -> str:
    relative = page.relative_to(site).as_posix()
    return f"{ROOT_URL}/{relative.removesuffix('index.html')}"


def file_of(site: Path, url: str) -> Path:
    path = url.removeprefix(ROOT_URL + "/")
    return site / (path + "index.html" if path.endswith("/") or not path else path)


def pages(site: Path) -> list[Path]:
    return [
        page
        for page in sorted(site.rglob("*.html"))
        if page.relative_to(site).parts[0] not in NOT_PAGES and page.name != "404.html"
    ]


@pytest.fixture(scope="module")
def sitemap(web_site: Path) -> dict[str, dict[str, str]]:
    root = ET.parse(web_site / "sitemap.xml").getroot()
    entries = {}
    for url in root.iter(f"{SM}url"):
        loc = url.findtext(f"{SM}loc", "")
        assert loc not in entries, f"{loc} twice in the sitemap"
        entries[loc] = {a.get("hreflang", ""): a.get("href", "") for a in url.iter(f"{XHTML}link")}
    return entries


def test_every_sitemap_entry_is_a_page_whose_head_agrees(
    web_site: Path, sitemap: dict[str, dict[str, str]]
) -> None:
    for loc, alternates in sitemap.items():
        page = file_of(web_site, loc)
        assert page.is_file(), loc
        head = head_of(page)
        assert head.canonical == [loc], loc
        assert "noindex" not in head.robots, loc
        assert head.alternates == alternates, loc


def test_every_indexable_page_is_in_the_sitemap_with_its_alternates(
    web_site: Path, sitemap: dict[str, dict[str, str]]
) -> None:
    indexed = 0
    for page in pages(web_site):
        own, head = url_of(web_site, page), head_of(page)
        assert len(head.canonical) == 1, own
        if "noindex" in head.robots or head.canonical[0] != own:
            # not offered to search engines: no hreflang, not in the sitemap
            assert head.alternates == {}, own
            assert own not in sitemap, own
            continue
        assert sitemap.get(own) == head.alternates, own
        indexed += 1
    assert indexed == len(sitemap)


def test_hreflang_only_joins_real_translations(web_site: Path) -> None:
    """Each alternate is a canonical page of its own whose alternates are the same set."""
    for page in pages(web_site):
        head = head_of(page)
        for lang, href in head.alternates.items():
            other = head_of(file_of(web_site, href))
            assert other.canonical == [href], f"{url_of(web_site, page)}: {lang} -> {href}"
            assert other.alternates == head.alternates, href


def test_a_fallback_page_has_no_alternates_and_is_canonical_to_the_original(
    web_site: Path,
) -> None:
    # the vet is written in fr and en: its German page is the French text
    head = head_of(web_site / "de" / "lieux" / "veto-pinede" / "index.html")
    assert head.canonical == [f"{ROOT_URL}/lieux/veto-pinede/"]
    assert head.alternates == {}
    english = head_of(web_site / "en" / "lieux" / "veto-pinede" / "index.html")
    assert english.alternates == {
        "fr": f"{ROOT_URL}/lieux/veto-pinede/",
        "en": f"{ROOT_URL}/en/lieux/veto-pinede/",
        "x-default": f"{ROOT_URL}/lieux/veto-pinede/",
    }
    # written in French only: no alternates at all
    assert head_of(web_site / "agenda" / "marche-nocturne" / "index.html").alternates == {}


def test_an_item_over_at_build_time_is_noindex(
    web_site: Path, sitemap: dict[str, dict[str, str]]
) -> None:
    """The summer offer ended before the build: its pages stay (links keep working) but ask
    search engines not to index them."""
    for prefix in ("", "en/", "de/", "es/"):
        page = web_site / prefix / "bons-plans" / "glaces-ete" / "index.html"
        assert head_of(page).robots == "noindex", page
    assert not any("glaces-ete" in loc for loc in sitemap)
    current = head_of(web_site / "bons-plans" / "velos-hiver" / "index.html")
    assert current.robots == ""
