"""What the ``invoke`` tasks of the editorial workflow call: wiring of edges and pure parts."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TextIO

from p2f_editorial import stale as freshness
from p2f_editorial.edges import editorial_settings, read_manifests
from p2f_editorial.settings import SettingsError
from p2f_editorial.visibility import plays_per_week


def stale(
    root: Path,
    today: date,
    content: str = "content",
    build: str = "build",
    limit: int = 30,
    out: TextIO | None = None,
) -> int:
    """Print the stale items of ``root/content`` ranked by plays per week estimated from the
    kiosk manifests of ``root/build``; return the exit code (0, or 2 for unusable input)."""
    from p2f_model.load import load_corpus

    out = out or sys.stdout
    try:
        settings = editorial_settings(root / "pelicanconf.py")
    except SettingsError as error:
        print(f"pelicanconf.py: {error}", file=out)
        return 2
    corpus = load_corpus(root / content, relative_to=root)
    if corpus.problems:
        print("stale: content problems, run `invoke check` first", file=out)
        return 2
    manifests = read_manifests(root / build / "kiosk")
    if not manifests:
        print(
            f"stale: no kiosk bundles in {build}/kiosk, plays per week unknown "
            "(run `invoke build` first to rank by visibility)",
            file=out,
        )
    rows = freshness.stale_items(
        corpus.items.values(), settings, today, plays_per_week(manifests.values())
    )
    print(freshness.table(rows, limit, settings.hide_past_hard_limit), end="", file=out)
    return 0


@contextmanager
def open_editor(
    root: Path,
    port: int = 8080,
    backend_port: int = 8081,
    node_modules: Path | None = None,
    site: Path | None = None,
) -> Iterator[str]:
    """The web editor over ``root/content``: decap-server on ``backend_port``, the editor's
    own server on ``port`` (0: a free one), both on 127.0.0.1. Yields the editor's URL."""
    from p2f_editorial import cms_config
    from p2f_editorial.editor_server import Editor, decap_server, editor_server
    from p2f_model.load import load_corpus
    from p2f_model.schema import MODELS

    modules = node_modules or root / "node_modules"

    def config_text(api_url: str) -> str:
        # read at each page load: a site or tag added since shows in the lists
        corpus = load_corpus(root / "content", relative_to=root)
        choices = cms_config.choices_from(corpus.items.values())
        backends = cms_config.Backends(local_url=api_url)
        return cms_config.config_yaml(cms_config.config(choices=choices, backends=backends))

    with decap_server(root, backend_port, modules) as backend:
        editor = Editor(
            root=root,
            backend=backend,
            bundle=modules / "decap-cms" / "dist",
            config_text=config_text,
            managed=lambda kind: cms_config.managed_fields(MODELS[kind]),
            site=site if site and site.is_dir() else None,
        )
        with editor_server(editor, port) as url:
            yield url
