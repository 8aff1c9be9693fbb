"""What starting a build imports: no library only some runs use (start-up time of every build,
``invoke livereload``'s included). Pelican itself loads Pillow (docutils' image directive), so
Pillow is not on the list."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

NOT_AT_START = ("icalendar", "boto3", "botocore", "playwright", "duckdb", "nfc", "weasyprint")


def test_the_build_and_its_plugins_import_no_library_only_some_runs_use() -> None:
    code = (
        "import sys\n"
        "from p2f_site.build import build_all\n"
        "import p2f_site.plugin, p2f_kiosk.plugin, p2f_web.plugin\n"
        "from p2f_model.load import load_corpus\n"
        f"print(' '.join(sorted(name for name in {NOT_AT_START!r} if name in sys.modules)))\n"
    )
    env = {"PYTHONPATH": f"{ROOT / 'plugins'}:{ROOT}", "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == ""


def test_a_rebuild_with_no_change_imports_none_of_the_plugins() -> None:
    """``p2f_site.build`` decides whether anything changed before Pelican runs: the plugins'
    modules come with Pelican's ``register`` calls, not with the packages (~0.5 s a start)."""
    plugins = (
        "p2f_site.plugin",
        "p2f_site.lists",
        "p2f_kiosk",
        "p2f_web.plugin",
        "p2f_web.outputs",
    )
    code = (
        "import sys\n"
        "import p2f_site.build, p2f_web.csp\n"
        f"print(' '.join(sorted(name for name in {plugins!r} if name in sys.modules)))\n"
    )
    env = {"PYTHONPATH": f"{ROOT / 'plugins'}:{ROOT}", "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == ""
