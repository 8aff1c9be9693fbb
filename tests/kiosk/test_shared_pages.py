"""Files shared between sites' bundles (p2f_kiosk.shared): made once, linked, same bytes.

The sample content's bundles for three sites (two portrait screens of the same size, one
landscape) are written twice: each site on its own, then with one ``SharedFiles`` for the
build, as ``invoke build`` does. Every file must be the same, byte for byte.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import jinja2
import pytest

from p2f_kiosk.bundle import write_bundle
from p2f_kiosk.bundle_writer import BundleReport, BundleWriter
from p2f_kiosk.images import ImageProblem
from p2f_kiosk.pictures import picture_jobs, prepare_pictures
from p2f_kiosk.shared import SharedFiles
from p2f_kiosk.shared_pages import PRIVATE, SharedPages
from p2f_model.corpus import Corpus
from p2f_model.load import load_corpus
from tests.conftest import ROOT

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
URL = "https://livep2f.com"
CONTENT = ROOT / "content"
# two 1080x1920 portrait screens and one 1920x1080 landscape screen of the sample
SITES = ("bureau-figuerolles", "bureau-les-cistes", "bureau-cap-rousset")


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    corpus = load_corpus(CONTENT)
    assert not corpus.problems, corpus.problems[:3]
    return corpus


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(ROOT / "theme" / "kiosk")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def _build(corpus: Corpus, out: Path, shared: SharedFiles | None) -> None:
    env = _environment()
    for site in SITES:
        write_bundle(corpus, site, out / site, CONTENT, env, NOW, URL, shared=shared)


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_shared_build_is_byte_identical_to_separate_builds(corpus: Corpus, tmp_path: Path) -> None:
    _build(corpus, tmp_path / "separate", None)
    shared = SharedFiles()
    _build(corpus, tmp_path / "shared", shared)
    separate, together = _files(tmp_path / "separate"), _files(tmp_path / "shared")
    assert sorted(together) == sorted(separate)
    different = [path for path in separate if together[path] != separate[path]]
    assert different == []
    # the pictures of the second portrait site are the first one's files, not new ones
    assert shared.reused > 0
    first, second = (tmp_path / "shared" / site / "assets" for site in SITES[:2])
    pictures = sorted(p.relative_to(second) for p in second.rglob("*.jpg"))
    assert pictures
    linked = [
        p for p in pictures if (first / p).exists() and os.path.samefile(first / p, second / p)
    ]
    assert linked == [p for p in pictures if (first / p).exists()]
    # never through a symlink: publishing refuses those, and reads hard links as files
    assert not any(p.is_symlink() for p in (tmp_path / "shared").rglob("*"))
    # the landscape site's pictures are its own size: not linked to a portrait site's
    third = tmp_path / "shared" / SITES[2] / "assets"
    for picture in third.rglob("*.jpg"):
        twin = first / picture.relative_to(third)
        assert not (twin.exists() and os.path.samefile(twin, picture))


def test_writing_a_linked_path_again_never_changes_the_other_site(tmp_path: Path) -> None:
    shared = SharedFiles()
    one = BundleWriter(tmp_path / "one", BundleReport("one"), shared)
    two = BundleWriter(tmp_path / "two", BundleReport("two"), shared)
    one.put_shared("assets/images/a.jpg", ("image", "k"), lambda: b"first")
    two.put_shared("assets/images/a.jpg", ("image", "k"), lambda: b"never made")
    assert (tmp_path / "two/assets/images/a.jpg").read_bytes() == b"first"
    two.put("assets/images/a.jpg", b"second")
    two.close()  # its writer thread's writes done, the thread ended
    assert (tmp_path / "one/assets/images/a.jpg").read_bytes() == b"first"
    assert (tmp_path / "two/assets/images/a.jpg").read_bytes() == b"second"
    assert two.files["assets/images/a.jpg"].size == len(b"second")


def test_hours_and_phases_are_worked_out_once_per_build(corpus: Corpus, tmp_path: Path) -> None:
    shared = SharedFiles()
    env = _environment()
    write_bundle(corpus, SITES[0], tmp_path / "one", CONTENT, env, NOW, URL, shared=shared)
    kinds = Counter(key[0] for key in shared.values if isinstance(key, tuple))
    once = ("now-place", "facts", "entry", "when", "search-rows", "said", "directory-sections")
    assert all(kinds[kind] > 0 for kind in once), kinds
    before = dict(shared.values)
    reused = shared.values_reused
    # a second site of the same languages listing places the first listed: nothing new
    write_bundle(corpus, SITES[1], tmp_path / "two", CONTENT, env, NOW, URL, shared=shared)
    assert shared.values_reused > reused
    assert all(shared.values[key] is value for key, value in before.items())


def test_placing_a_new_key_on_a_linked_path_never_changes_the_other_site(tmp_path: Path) -> None:
    shared = SharedFiles()
    one, two = tmp_path / "one.jpg", tmp_path / "two.jpg"
    shared.place(("image", "k"), one, lambda: b"first")
    shared.place(("image", "k"), two, lambda: b"never made")
    assert os.path.samefile(one, two)
    entry = shared.place(("image", "other"), two, lambda: b"other bytes")
    assert one.read_bytes() == b"first"
    assert two.read_bytes() == b"other bytes" and entry.size == len(b"other bytes")


def test_pages_rendered_once_are_byte_identical_to_pages_rendered_per_site(
    corpus: Corpus, tmp_path: Path
) -> None:
    direct = SharedFiles(pages=SharedPages(enabled=False))
    _build(corpus, tmp_path / "direct", direct)
    once = SharedFiles()
    _build(corpus, tmp_path / "once", once)
    rendered, joined = _files(tmp_path / "direct"), _files(tmp_path / "once")
    assert sorted(joined) == sorted(rendered)
    assert [path for path in rendered if joined[path] != rendered[path]] == []
    slides = [p for p in joined if p.endswith(".html") and "/slides/" in p]
    items = [p for p in joined if p.endswith(".html") and "/items/" in p]
    # a slide is rendered once per language and list of languages, filled in per screen size;
    # an item page is rendered once. Each distinct page is made once and linked into the
    # other bundles (two of the three sites share their languages): one file per content
    files = {(tmp_path / "once" / p).stat().st_ino for p in slides + items}
    assert once.pages.reused > 0
    assert once.pages.rendered + once.pages.reused == len(files)
    assert len(files) == len({joined[p] for p in slides + items}) < 0.7 * len(slides + items)
    assert once.pages.rendered < 0.6 * (len(slides) + len(items))
    assert direct.pages.reused == 0


def test_a_template_that_changes_a_marker_is_rendered_for_each_site() -> None:
    env = jinja2.Environment(autoescape=True)
    upper = env.from_string("<p>{{ link|upper }} {{ name }}</p>")
    plain = env.from_string("<p>{{ link }} {{ name }}</p>")
    pages = SharedPages()
    for template in (upper, plain):
        for site, link in (("a", "https://x/?s=a&b"), ("b", "https://x/?s=b")):
            values = {"link": link, "name": f"<{site}>"}

            def make(value: Callable[[str], object], template: jinja2.Template = template) -> str:
                return template.render(link=value("link"), name=value("name"))

            html = pages.render(("page", id(template)), values, make)
            assert html == template.render(**values).encode()
    assert pages.pieces[("page", id(upper))] is None
    assert pages.pieces[("page", id(plain))] is not None


def test_content_that_holds_the_private_use_character_is_rendered_for_each_site() -> None:
    template = jinja2.Environment(autoescape=True).from_string("{{ title }} {{ link }}")
    pages = SharedPages()
    # a marker of another build (the nonce is drawn per build: content cannot know it)
    title = f"odd {PRIVATE}{'0' * 16}:link{PRIVATE} title {PRIVATE}"
    for link in ("https://x/a", "https://x/b"):

        def make(value: Callable[[str], object]) -> str:
            return template.render(title=title, link=value("link"))

        html = pages.render("key", {"link": link}, make)
        assert html == template.render(title=title, link=link).encode()
    assert pages.pieces["key"] is None


def test_pictures_resized_ahead_in_worker_processes_are_the_same_bytes(
    corpus: Corpus, tmp_path: Path
) -> None:
    _build(corpus, tmp_path / "on-demand", SharedFiles())
    shared = SharedFiles()
    ahead = prepare_pictures(corpus, list(SITES), CONTENT, NOW, None, shared, workers=2)
    assert ahead > 0
    _build(corpus, tmp_path / "ahead", shared)
    on_demand, made_ahead = _files(tmp_path / "on-demand"), _files(tmp_path / "ahead")
    assert sorted(made_ahead) == sorted(on_demand)
    assert [path for path in on_demand if made_ahead[path] != on_demand[path]] == []
    # every picture the bundles hold was made ahead: none made again, none left unused
    assert shared.made_ahead == ahead
    assert shared.ready == {}


def test_a_picture_that_cannot_be_read_in_a_worker_names_its_file(
    corpus: Corpus, tmp_path: Path
) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    jobs = picture_jobs(corpus, [SITES[0]], content, NOW, None, SharedFiles())
    broken = next(src for _, src, _ in jobs.values() if src.endswith((".jpg", ".webp")))
    (content / broken).write_bytes(b"not a picture")
    with pytest.raises(ImageProblem, match=f"content/{broken}: cannot read the image"):
        prepare_pictures(corpus, [SITES[0]], content, NOW, None, SharedFiles(), workers=2)
