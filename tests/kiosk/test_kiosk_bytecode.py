"""The kiosk's two Jinja environments (the slides' from the theme, the touch directory's from
the plugin) load their templates through the build's bytecode cache (``p2f_build.templates``),
like the website's: a build with the cache leaves their compiled code in ``build/.cache/jinja/``,
and an edited slide template is still seen by the next build."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import jinja2

from p2f_build.templates import FOLDER, _bucket_key
from p2f_kiosk.directory import TEMPLATES, environment
from tests.conftest import ROOT, WriteContent
from tests.site.test_incremental import assert_same, build


def _compiled(folder: Path, env: jinja2.Environment, name: str) -> bool:
    """Whether ``folder`` holds ``env``'s compiled ``name`` (the file name ends with its key)."""
    assert env.loader is not None
    _, filename, _ = env.loader.get_source(env, name)
    ending = f"-{_bucket_key(env, name, filename)}.cache"
    return any(path.name.endswith(ending) for path in folder.iterdir())


def test_the_kiosk_templates_are_compiled_once_and_an_edit_is_seen(
    write_content: WriteContent, tmp_path: Path
) -> None:
    content, output, theme = write_content(), tmp_path / "build", tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    build(content, output, cache=True, theme=theme)
    compiled = output / ".cache" / FOLDER
    slides = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(theme / "kiosk")), autoescape=True
    )
    assert _compiled(compiled, slides, "slide.html")
    assert _compiled(compiled, environment(), "item.html")
    assert os.path.isfile(TEMPLATES / "item.html")

    slide = theme / "kiosk" / "slide.html"
    text = slide.read_text(encoding="utf-8")
    assert "</body>" in text
    slide.write_text(text.replace("</body>", "<!-- edited -->\n</body>", 1), encoding="utf-8")
    build(content, output, cache=True, theme=theme)
    pages = list((output / "kiosk").rglob("slides/*.html"))
    assert pages and all("<!-- edited -->" in p.read_text(encoding="utf-8") for p in pages)
    clean = tmp_path / "clean"
    build(content, clean, cache=False, theme=theme)
    assert_same(output, clean, "slide template edited")
