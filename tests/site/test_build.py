"""The build: a golden build of the small fixture site, the sample content, and failures."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from p2f_model.load import load_corpus
from p2f_site.build import BuildError, BuildReport, _count_pages, build_all, count_page_names
from p2f_site.spare import SPARE
from p2f_site.trash import SPARE_SITE, TRASH
from tests.conftest import PLACE, ROOT, WriteContent

GOLDEN = Path(__file__).parent / "golden"
NOW = "2026-11-26T12:00:00+00:00"
# Pages whose exact HTML is pinned. Regenerate with UPDATE_GOLDEN=1 after a deliberate change.
GOLDEN_PAGES = [
    "index.html",
    "en/index.html",
    "lieux/index.html",
    "lieux/veto-pinede/index.html",
    "en/lieux/veto-pinede/index.html",
    "de/lieux/veto-pinede/index.html",
    "agenda/marche-nocturne/index.html",
    "bons-plans/velos-hiver/index.html",
]


def build(content: Path, output: Path) -> BuildReport:
    return build_all(
        ROOT,
        ROOT / "pelicanconf.py",
        output,
        overrides={"PATH": str(content), "P2F_ROOT": str(content.parent), "P2F_NOW": NOW},
    )


def test_golden_fixture_site(write_content: WriteContent, tmp_path: Path) -> None:
    output = tmp_path / "build"
    build(write_content(), output)
    site = output / "site"
    for page in GOLDEN_PAGES:
        actual = (site / page).read_text(encoding="utf-8")
        expected_file = GOLDEN / page
        if os.environ.get("UPDATE_GOLDEN"):
            expected_file.parent.mkdir(parents=True, exist_ok=True)
            expected_file.write_text(actual, encoding="utf-8")
        assert actual == expected_file.read_text(encoding="utf-8"), f"{page} differs from golden"


def test_fixture_build_writes_every_item_in_every_language(
    write_content: WriteContent, tmp_path: Path
) -> None:
    output = tmp_path / "build"
    report = build(write_content(), output)
    site = output / "site"
    # 6 public items (the site is configuration, not a page) x 4 languages, + 7 lists x 4.
    for lang_prefix in ("", "en/", "de/", "es/"):
        for path in (
            "lieux/veto-pinede",
            "agenda/marche-nocturne",
            "bons-plans/velos-hiver",
            "alertes/travaux-gare",
            "pratique/numeros-urgence",
            "partenaires/velos-pinede",
        ):
            assert (site / lang_prefix / path / "index.html").is_file(), lang_prefix + path
    assert not (site / "sites").exists()
    # + search, map, 404, tonight, contact and the proposal form per language (deep-link
    # landing pages are not counted)
    assert report.pages_by_lang == {"fr": 19, "en": 19, "de": 19, "es": 19}  # type: ignore[attr-defined]
    for view in ("ce-soir", "contact", "proposer"):
        assert (site / view / "index.html").is_file(), view
    # untranslated items fall back visibly to French
    de_page = (site / "de/agenda/marche-nocturne/index.html").read_text()
    assert "Noch nicht übersetzt" in de_page and 'lang="de"' in de_page
    en_page = (site / "en/lieux/veto-pinede/index.html").read_text()
    assert "La Pinède veterinary clinic" in en_page and "Noch nicht" not in en_page


def test_kiosk_bundle_of_fixture(write_content: WriteContent, tmp_path: Path) -> None:
    output = tmp_path / "build"
    build(write_content(), output)
    manifest = json.loads((output / "kiosk" / "gare" / "manifest.json").read_text())
    document = manifest.get("signed", manifest)
    slides = {slide["id"]: slide for slide in document["slides"]}
    # the place has a summary, the offer and alert target gare, the event is upcoming; the
    # site's "now" board is drawn by the player from the bundle's data
    assert set(slides) == {
        "veto-pinede", "velos-hiver", "travaux-gare", "marche-nocturne", "now-gare",
    }  # fmt: skip
    assert (slides["travaux-gare"]["level"], slides["travaux-gare"]["interrupt"]) == (
        "warning",
        False,
    )  # a warning runs on the strip; only critical alerts take the screen
    assert slides["velos-hiver"]["sponsor"] == "velos-pinede"
    assert (
        slides["veto-pinede"]["deep_links"]["en"] == "https://livep2f.com/d/en/veto-pinede/?k=gare"
    )
    for path in slides["veto-pinede"]["pages"].values():
        assert (output / "kiosk" / "gare" / path).is_file()


def test_broken_content_fails_build_and_keeps_previous_output(
    write_content: WriteContent, tmp_path: Path
) -> None:
    output = tmp_path / "build"
    content = write_content()
    build(content, output)
    before = (output / "site" / "lieux" / "veto-pinede" / "index.html").read_text()
    (content / "lieux" / "veto-pinede.md").write_text(
        PLACE.replace("category: services", "category: sante")
    )
    with pytest.raises(BuildError) as error:
        build(content, output)
    assert "veto-pinede.md:4: category: 'sante' is not allowed" in str(error.value)
    assert (output / "site" / "lieux" / "veto-pinede" / "index.html").read_text() == before
    assert not list(output.glob(".staging-*"))


def test_template_error_fails_build(write_content: WriteContent, tmp_path: Path) -> None:
    """Any error Pelican logs (here a template that does not exist) fails the build."""
    output = tmp_path / "build"
    theme = tmp_path / "theme"
    import shutil

    shutil.copytree(ROOT / "theme", theme)
    (theme / "templates" / "event.html").write_text("{% extends 'nope.html' %}")
    with pytest.raises(BuildError):
        build_all(
            ROOT,
            ROOT / "pelicanconf.py",
            output,
            overrides={
                "PATH": str(write_content()),
                "P2F_ROOT": str(tmp_path),
                "P2F_NOW": NOW,
                "THEME": str(theme),
            },
        )
    assert not (output / "site").exists()


def test_sample_content_builds(tmp_path: Path) -> None:
    corpus = load_corpus(ROOT / "content")
    assert corpus.problems == [], "\n".join(map(str, corpus.problems))
    report = build(ROOT / "content", tmp_path / "build")
    public = [item for item in corpus.items.values() if item.kind != "site"]
    views = 13  # home + 6 lists + search, map, 404, tonight (ce-soir), contact, proposal form
    expected = {lang: len(public) + views for lang in ("fr", "en", "de", "es")}
    assert report.pages_by_lang == expected  # type: ignore[attr-defined]
    # counted from the names the build wrote and linked, as the walk of the site counts them
    assert _count_pages(tmp_path / "build" / "site") == expected
    sites = sorted(item.slug for item in corpus.of_kind("site"))
    assert len(sites) == 12
    kiosk = tmp_path / "build" / "kiosk"
    assert sorted(p.name for p in kiosk.iterdir() if p.is_dir()) == sites
    for site in sites:
        assert (kiosk / site / "manifest.json").is_file()


# --- one swap: site and kiosk bundles change together; leftovers of killed builds go -----------

# A build in a child process that SIGKILLs itself just before its ``kill_at``-th rename into the
# build folder (``os.rename``/``os.replace``, which ``Path.rename`` uses too): a ``kill -9`` at
# the worst moments of the swap. The renames still happen for real up to that point.
KILLED_BUILD = """
import json, os, signal, sys
from pathlib import Path
from p2f_site.build import build_all

root, settings, output, content, now, kill_at = sys.argv[1:]
output, count = Path(output), [0]

def dying(real):
    def rename(source, target, *args, **kwargs):
        if Path(target).parent == output:
            count[0] += 1
            if count[0] == int(kill_at):
                os.kill(os.getpid(), signal.SIGKILL)
        return real(source, target, *args, **kwargs)
    return rename

os.rename, os.replace = dying(os.rename), dying(os.replace)
overrides = {"PATH": content, "P2F_ROOT": str(Path(content).parent), "P2F_NOW": now}
build_all(Path(root), Path(settings), output, overrides=overrides)
"""


def place_summary(version: str) -> str:
    return PLACE.replace("Urgences vétérinaires 7 j/7.", f"Urgences, version {version}.")


def versions_shown(output: Path) -> tuple[str, str]:
    """Which content version the website and the kiosk bundle of ``output`` show."""
    page = (output / "site/lieux/veto-pinede/index.html").read_text(encoding="utf-8")
    slide = (output / "kiosk/gare/slides/veto-pinede.fr.html").read_text(encoding="utf-8")
    found = []
    for text in (page, slide):
        found.append(next(v for v in ("A", "B") if f"Urgences, version {v}." in text))
    return found[0], found[1]


def killed_build(content: Path, output: Path, kill_at: int) -> int:
    """Run the build in a child killed before its ``kill_at``-th rename; return its pid."""
    child = subprocess.run(
        [sys.executable, "-c", KILLED_BUILD, str(ROOT), str(ROOT / "pelicanconf.py"),
         str(output), str(content), NOW, str(kill_at)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    return child.returncode


@pytest.mark.parametrize("kill_at", [1, 2, 3, 4])
def test_a_build_killed_during_the_swap_leaves_site_and_kiosk_from_one_build(
    write_content: WriteContent, tmp_path: Path, kill_at: int
) -> None:
    """Before: the site and kiosk folders were swapped by four renames, one after the other;
    killed after the second, build/site was missing, after the third, new beside old."""
    output = tmp_path / "build"
    build(write_content({"lieux/veto-pinede.md": place_summary("A")}), output)
    content = write_content({"lieux/veto-pinede.md": place_summary("B")})
    code = killed_build(content, output, kill_at)
    shown = versions_shown(output)
    assert shown[0] == shown[1], f"website shows {shown[0]}, kiosk bundle {shown[1]}"
    if code == -signal.SIGKILL:  # killed before the one switch: the earlier build stays
        assert shown == ("A", "A")
    else:  # fewer renames than kill_at: the build finished
        assert code == 0 and shown == ("B", "B")
    assert (output / "site").resolve().parent == (output / "kiosk").resolve().parent


def test_the_next_build_removes_what_a_killed_build_left(
    write_content: WriteContent, tmp_path: Path
) -> None:
    output = tmp_path / "build"
    content = write_content()
    build(content, output)
    assert killed_build(content, output, 1) == -signal.SIGKILL  # killed with its staging
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    dead_pid = int(dead.stdout)  # a process that has exited
    for name in (f".staging-{dead_pid}", f".build-{dead_pid}-1", ".old-site"):
        (output / name / "site").mkdir(parents=True)
    alive = output / f".staging-{os.getppid()}"  # a build of a process that still runs
    alive.mkdir()
    leftovers = sorted(p.name for p in output.iterdir() if p.name.startswith((".staging-", ".old")))
    assert len(leftovers) == 4  # the killed child's staging, the two planted ones and ours
    report = build(content, output)
    for pid in report.removers:  # the detached processes deleting what was renamed aside
        os.waitpid(pid, 0)
    names = {p.name for p in output.iterdir()}
    current = os.readlink(output / ".current")
    # the replaced build's kiosk folder and website folders stay for the next build
    assert names == {"site", "kiosk", ".current", current, alive.name, TRASH, SPARE, SPARE_SITE}
    assert not any((output / TRASH).iterdir())
    assert json.loads((output / current / "build.json").read_text()) == {"id": current}


def test_a_build_folder_of_the_former_layout_is_taken_over(
    write_content: WriteContent, tmp_path: Path
) -> None:
    output = tmp_path / "build"
    for name in ("site", "kiosk"):  # real folders, as the former two-step swap left them
        (output / name).mkdir(parents=True)
        (output / name / "old.txt").write_text("old")
    build(write_content(), output)
    assert (output / "site").is_symlink() and (output / "kiosk").is_symlink()
    assert not (output / "site" / "old.txt").exists()
    assert (output / "site" / "index.html").is_file()
    assert not any(p.name.startswith(".old-") for p in output.iterdir())


def test_pages_are_counted_per_language_not_landings_nor_search_files(tmp_path: Path) -> None:
    site = tmp_path / "site"
    for page in ("index.html", "lieux/a/index.html", "en/index.html", "en/lieux/a/index.html",
                 "de/lieux/a/index.html", "d/fr/a/index.html", "d/a/index.html",
                 "pagefind/fragment/x.html", "lieux/a/photo.webp", "es/data.json"):  # fmt: skip
        (site / page).parent.mkdir(parents=True, exist_ok=True)
        (site / page).write_text("x")
    assert _count_pages(site) == {"fr": 2, "en": 2, "de": 1}


def test_page_names_are_counted_as_the_walk_of_the_site_counts_them() -> None:
    names = ["index.html", "lieux/a/index.html", "en/index.html", "en/lieux/a/index.html",
             "de/lieux/a/index.html", "d/fr/a/index.html", "d/a/index.html", "d.html",
             "pagefind/fragment/x.html", "lieux/a/photo.webp", "es/data.json", "en.html"]  # fmt: skip
    assert count_page_names(names) == {"fr": 4, "en": 2, "de": 1}


def test_a_content_folder_reached_through_a_link_builds_every_item(
    write_content: WriteContent, tmp_path: Path
) -> None:
    # the reader finds each file by Pelican's path, and by its resolved path when the content
    # folder's own path holds a link (the corpus knows files by their resolved paths)
    content = write_content()
    (tmp_path / "linked").symlink_to(content.parent)  # a link above the content folder
    output = tmp_path / "build"
    report = build(tmp_path / "linked" / "content", output)
    assert report.pages_by_lang == {"fr": 19, "en": 19, "de": 19, "es": 19}
    assert (output / "site" / "en" / "lieux" / "veto-pinede" / "index.html").is_file()
