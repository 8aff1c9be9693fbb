"""The verbs people type: ``invoke check``, ``invoke build``, ``invoke livereload``...

Wiring only: each task calls a module that does the work, so the same code runs from tests.
"""

from __future__ import annotations

import sys
from pathlib import Path

from invoke import task  # type: ignore[attr-defined]

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "plugins"))  # when invoke runs outside the project venv


@task
def check(c, content="content"):  # type: ignore[no-untyped-def]
    """Validate all content; one line per problem (file:line: field: what to do)."""
    from p2f_model.check import run

    code = run(ROOT / content)
    if code:
        sys.exit(code)


@task
def build(c, settings="pelicanconf.py", output="build"):  # type: ignore[no-untyped-def]
    """Check, then build the website (build/site) and the kiosk bundles (build/kiosk/<site>)."""
    from p2f_site.build import build_all

    report = build_all(ROOT, ROOT / settings, ROOT / output)
    print(report)
