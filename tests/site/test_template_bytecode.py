"""A build with the cache keeps its compiled templates (``p2f_build.templates``) in
``build/.cache/jinja/`` and still sees a template edited since: the next build shows the edit
and equals a clean build byte for byte."""

from __future__ import annotations

import shutil
from pathlib import Path

from p2f_build.templates import FOLDER
from tests.conftest import ROOT, WriteContent
from tests.site.test_incremental import assert_same, build

PAGE = "site/en/agenda/marche-nocturne/index.html"


def test_a_template_edit_is_seen_by_the_next_build(
    write_content: WriteContent, tmp_path: Path
) -> None:
    content, output, theme = write_content(), tmp_path / "build", tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    build(content, output, cache=True, theme=theme)
    compiled = output / ".cache" / FOLDER
    kept = {path.name: path.read_bytes() for path in compiled.iterdir()}
    assert len(kept) >= 10  # the website's templates, compiled once
    base = theme / "templates" / "base.html"
    text = base.read_text(encoding="utf-8")
    assert "</body>" in text
    base.write_text(text.replace("</body>", "<!-- edited -->\n</body>", 1), encoding="utf-8")
    report = build(content, output, cache=True, theme=theme)
    assert report.rendered  # every page extends base.html
    assert "<!-- edited -->" in (output / PAGE).read_text(encoding="utf-8")
    again = {path.name: path.read_bytes() for path in compiled.iterdir()}
    assert set(again) == set(kept)  # the same files, base.html's written over
    assert [name for name in kept if kept[name] != again[name]]
    clean = tmp_path / "clean"
    build(content, clean, cache=False, theme=theme)
    assert not (clean / ".cache" / FOLDER).exists()  # a clean build compiles everything
    assert_same(output, clean, "base template edited")
