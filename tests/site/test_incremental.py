"""The incremental build (``build_all(cache=True)``) writes what a clean build writes, byte for
byte, after any series of edits; with no change it renders nothing; a template edit renders
again only the pages that use the template."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from p2f_site.build import BuildError, BuildReport, build_all, current_build
from p2f_site.inputs import CODE
from p2f_site.leftovers import remove_leftovers
from tests.conftest import ROOT, WriteContent

NOW = "2026-11-26T12:00:00+00:00"
LANGS = ("en", "de", "es")
# Pagefind lists its languages in hash-map order: two clean builds differ in this file's key
# order only, so it is compared as JSON.
UNORDERED_JSON = ("site/pagefind/pagefind-entry.json",)


def build(content: Path, output: Path, cache: bool, theme: Path | None = None) -> BuildReport:
    overrides = {"PATH": str(content), "P2F_ROOT": str(content.parent), "P2F_NOW": NOW}
    if theme is not None:
        overrides["THEME"] = str(theme)
    return build_all(ROOT, ROOT / "pelicanconf.py", output, overrides=overrides, cache=cache)


def tree(output: Path) -> dict[str, bytes]:
    """Every file of ``site/`` and ``kiosk/`` by relative name; no symbolic link allowed."""
    files = {}
    for part in ("site", "kiosk"):
        root = output / part
        for path in sorted(root.rglob("*")):
            assert not path.is_symlink(), f"{path} is a symbolic link"
            if path.is_file():
                files[path.relative_to(output).as_posix()] = path.read_bytes()
    return files


def assert_same(incremental: Path, clean: Path, step: str) -> None:
    mine, theirs = tree(incremental), tree(clean)
    pages = [n for n in mine if n in theirs and "/pagefind/" not in n and mine[n] != theirs[n]]
    assert not pages, f"{step}: {len(pages)} file(s) differ, e.g. {pages[:5]}"
    assert sorted(mine) == sorted(theirs), (
        f"{step}: only incremental {sorted(set(mine) - set(theirs))[:5]}, "
        f"only clean {sorted(set(theirs) - set(mine))[:5]}"
    )
    differ = []
    for name, data in mine.items():
        if name in UNORDERED_JSON:
            if json.loads(data) != json.loads(theirs[name]):
                differ.append(name)
        elif data != theirs[name]:
            differ.append(name)
    assert not differ, f"{step}: {len(differ)} file(s) differ, e.g. {differ[:5]}"


def place(slug: str, title: str, summary: str, category: str = "services") -> str:
    subcategory = {"services": "veterinaire", "hebergement": "hotel"}[category]
    return f"""---
title: {title}
summary: {summary}
category: {category}
subcategory: {subcategory}
geo: {{lat: 43.2150, lon: 3.4321}}
address: 12 avenue des Pins, 34510 Pinède-sur-Mer
opening_hours: "Mo-Fr 08:00-19:00"
provenance: {{source: visite, verified_by: Léa Martin, verified_on: 2026-09-12}}
---
Corps de {slug}.
"""


def event(title: str, summary: str, where: str, day: int) -> str:
    return f"""---
title: {title}
summary: {summary}
starts: 2026-12-{day:02d}T19:00
ends: 2026-12-{day:02d}T23:00
place: {where}
price: 0
provenance: {{source: mairie, verified_by: Léa Martin, verified_on: 2026-10-01}}
---
Soirée {title}.
"""


def translation(title: str, summary: str) -> str:
    return f"---\ntitle: {title}\nsummary: {summary}\n---\nTranslated body.\n"


def alert(until: str) -> str:
    return f"""---
title: Route fermée
severity: warning
valid_from: 2026-11-20T06:00
valid_until: {until}
provenance: {{source: mairie, verified_by: Léa Martin, verified_on: 2026-11-19}}
---
Déviation par le port.
"""


class Edits:
    """Random, always valid changes to a content folder (seeded: the same run every time)."""

    def __init__(self, content: Path, seed: int) -> None:
        self.content = content
        self.random = random.Random(seed)
        self.places: list[str] = []  # added places (the fixture's own stay)
        self.events: dict[str, str] = {}  # added event -> its place
        self.counter = 0

    def write(self, name: str, text: str) -> None:
        path = self.content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def new_slug(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}-{self.counter}"

    def add_place(self) -> str:
        slug = self.new_slug("lieu")
        category = self.random.choice(["services", "hebergement"])
        self.write(f"lieux/{slug}.md", place(slug, f"Lieu {slug}", f"Résumé {slug}.", category))
        self.places.append(slug)
        return f"add place {slug}"

    def add_event(self) -> str:
        slug = self.new_slug("soiree")
        where = self.random.choice([*self.places, "veto-pinede"])
        day = self.random.randint(1, 28)
        self.write(f"agenda/{slug}.md", event(f"Soirée {slug}", f"Résumé {slug}.", where, day))
        self.events[slug] = where
        return f"add event {slug} at {where}"

    def edit_summary(self) -> str:
        choices = [f"lieux/{p}.md" for p in self.places] + [f"agenda/{e}.md" for e in self.events]
        name = self.random.choice([*choices, "lieux/veto-pinede.md"])
        path = self.content / name
        text = path.read_text(encoding="utf-8")
        lines = [
            f"summary: Nouveau résumé {self.counter}." if line.startswith("summary:") else line
            for line in text.splitlines()
        ]
        self.counter += 1
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return f"edit summary of {name}"

    def translate(self) -> str:
        slug = self.random.choice([*self.places, *self.events])
        folder = "lieux" if slug in self.places else "agenda"
        lang = self.random.choice(LANGS)
        self.write(f"{folder}/{slug}.{lang}.md", translation(f"{slug} {lang}", f"In {lang}."))
        return f"translate {slug} into {lang}"

    def delete(self) -> str:
        unused = [p for p in self.places if p not in self.events.values()]
        if self.events and (not unused or self.random.random() < 0.5):
            slug = self.random.choice(sorted(self.events))
            del self.events[slug]
            for path in (self.content / "agenda").glob(f"{slug}.*md"):
                path.unlink()
            return f"delete event {slug}"
        slug = self.random.choice(unused)
        self.places.remove(slug)
        for path in (self.content / "lieux").glob(f"{slug}.*md"):
            path.unlink()
        return f"delete place {slug}"

    def rename(self) -> str:
        old = self.random.choice(self.places)
        new = self.new_slug("lieu")
        for path in sorted((self.content / "lieux").glob(f"{old}.*md")):
            path.rename(path.with_name(path.name.replace(old, new, 1)))
        self.places[self.places.index(old)] = new
        for slug, where in self.events.items():  # references follow the rename
            if where == old:
                self.events[slug] = new
                path = self.content / "agenda" / f"{slug}.md"
                text = path.read_text(encoding="utf-8")
                path.write_text(text.replace(f"place: {old}\n", f"place: {new}\n"), "utf-8")
        return f"rename place {old} -> {new}"

    def toggle_alert(self) -> str:
        name = "alertes/route-fermee.md"
        if (self.content / name).exists() and self.random.random() < 0.5:
            (self.content / name).unlink()
            return "delete alert"
        until = self.random.choice(["2026-11-25T22:00", "2027-01-15T22:00"])  # past, current
        self.write(name, alert(until))
        return f"alert until {until}"

    def step(self) -> str:
        moves = [self.add_place, self.add_event, self.edit_summary, self.toggle_alert]
        if self.places or self.events:
            moves += [self.translate, self.delete]
        if self.places:
            moves.append(self.rename)
        return str(self.random.choice(moves)())


def test_incremental_equals_clean_after_random_edits(
    write_content: WriteContent, tmp_path: Path
) -> None:
    content = write_content()
    incremental, edits = tmp_path / "incremental", Edits(content, seed=14)
    build(content, incremental, cache=True)
    for _ in range(3):  # a starting corpus with a few more items
        edits.add_place()
        edits.add_event()
    steps = ["start"]
    for number in range(5):
        steps.append(edits.step())
        if number % 2:  # sometimes two changes between builds, as an editor saves
            steps.append(edits.step())
        report = build(content, incremental, cache=True)
        clean = tmp_path / f"clean-{number}"
        build(content, clean, cache=False)
        assert_same(incremental, clean, " / ".join(steps))
        assert report.rendered is not None and report.reused is not None
        shutil.rmtree(clean)
    assert not report.unchanged


def test_no_change_renders_nothing(write_content: WriteContent, tmp_path: Path) -> None:
    content, output = write_content(), tmp_path / "build"
    first = build(content, output, cache=True)
    assert first.rendered is not None and first.rendered > 0 and first.reused == 0
    before = current_build(output)
    inodes = {name: (output / name).stat().st_ino for name in ("site/index.html",)}
    again = build(content, output, cache=True)
    assert again.unchanged and again.rendered is None
    assert current_build(output) == before  # no new build folder: nothing was written
    assert {name: (output / name).stat().st_ino for name in inodes} == inodes
    assert again.pages_by_lang == first.pages_by_lang


def test_template_edit_renders_only_pages_using_it(
    write_content: WriteContent, tmp_path: Path
) -> None:
    content, output, theme = write_content(), tmp_path / "build", tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    build(content, output, cache=True, theme=theme)
    kiosk_only = theme / "kiosk" / "slide.html"
    kiosk_only.write_text(kiosk_only.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    report = build(content, output, cache=True, theme=theme)
    assert report.rendered == 0 and report.reused  # no website template changed
    event_page = theme / "templates" / "event.html"
    text = event_page.read_text(encoding="utf-8")
    event_page.write_text(text.replace("{% block facts %}", "{% block facts %}<!-- e -->", 1))
    report = build(content, output, cache=True, theme=theme)
    # the fixture's one event, in four languages (three of them French fallbacks)
    assert report.rendered == 4
    assert (output / "site/en/agenda/marche-nocturne/index.html").read_text().count("<!-- e -->")
    clean = tmp_path / "clean"
    build(content, clean, cache=False, theme=theme)
    assert_same(output, clean, "event template edited")


def test_failed_incremental_build_keeps_the_last_good_one(
    write_content: WriteContent, tmp_path: Path
) -> None:
    content, output = write_content(), tmp_path / "build"
    build(content, output, cache=True)
    before, files = current_build(output), tree(output)
    (content / "lieux" / "veto-pinede.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    with pytest.raises(BuildError, match=r"veto-pinede\.md"):
        build(content, output, cache=True)
    assert current_build(output) == before and tree(output) == files
    write_content()  # the file repaired: the next incremental build equals a clean one
    (content / "lieux" / "veto-pinede.md").write_text(
        (content / "lieux" / "veto-pinede.md")
        .read_text(encoding="utf-8")
        .replace("Urgences", "Urgences 24 h/24,"),
        encoding="utf-8",
    )
    build(content, output, cache=True)
    clean = tmp_path / "clean"
    build(content, clean, cache=False)
    assert_same(output, clean, "after a failed build")


def test_code_digest_covers_every_module_the_build_imports() -> None:
    script = (
        "import sys, p2f_site.build, p2f_site.plugin, p2f_kiosk.plugin, p2f_web.plugin\n"
        "print('\\n'.join(m.__file__ for m in list(sys.modules.values())"
        " if getattr(m, '__file__', None)))"
    )
    found = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.split()
    ours = (ROOT / "plugins", ROOT / "player")
    project = [p for p in map(Path, found) if any(p.resolve().is_relative_to(r) for r in ours)]
    assert project, "the plugins were not imported from this project"
    uncovered = [f for f in project if not any(f.resolve().is_relative_to(c) for c in CODE)]
    assert not uncovered, f"add to p2f_site.inputs.BUILD_PACKAGES: {uncovered}"


def test_pictures_come_from_the_cache_once_converted(tmp_path: Path) -> None:
    from p2f_build.cache import INPUTS, OPENED, BuildCache, Inputs
    from p2f_site.incremental import cached_picture
    from p2f_site.pictures import make_picture
    from tests.conftest import _png

    data, cache = _png(900, 600), BuildCache(tmp_path / "cache")
    settings = {OPENED: cache, INPUTS: Inputs("code", "globals", "content", "others")}
    first = cached_picture(settings, "images/a.png", data)
    assert first == make_picture("images/a.png", data) and [v.width for v in first.variants] == [
        400,
        800,
    ]
    assert cache.get_many("site-picture")  # stored under the image's bytes and the code
    assert cached_picture(settings, "images/a.png", data) == first
    assert cache.hits == 1
    cache.close()


def test_the_replaced_build_can_be_removed_after_the_reply(
    write_content: WriteContent, tmp_path: Path
) -> None:
    content, output = write_content(), tmp_path / "build"
    build(content, output, cache=True)
    first = current_build(output)
    (content / "pratique" / "numeros-urgence.md").write_text(
        (content / "pratique" / "numeros-urgence.md").read_text().replace("112", "15")
    )
    overrides = {"PATH": str(content), "P2F_ROOT": str(content.parent), "P2F_NOW": NOW}
    report = build_all(
        ROOT, ROOT / "pelicanconf.py", output, overrides, cache=True, keep_previous=True
    )
    assert report.rendered and current_build(output) != first
    assert first is not None and (output / first).is_dir()  # still there: served no more
    remove_leftovers(output)
    assert not (output / first).exists() and (output / "site" / "index.html").is_file()
