"""What starting a build imports: no library only some runs use (start-up time of every build,
``invoke livereload``'s included). Pelican itself loads Pillow (docutils' image directive), so
Pillow is not on the list."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from p2f_site.build import build_all
from tests.conftest import ROOT, WriteContent
from tests.site.test_incremental import NOW

NOT_AT_START = (
    "icalendar", "boto3", "botocore", "playwright", "duckdb", "nfc", "weasyprint", "jsonschema",
)  # fmt: skip


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


def test_a_rebuild_with_no_change_loads_no_schema_nor_page_writer(
    write_content: WriteContent, tmp_path: Path
) -> None:
    """A rebuild that finds every input unchanged stops before Pelican: it loads neither the
    content model's schemas (pydantic), nor the page writer (~0.2 s a start; Pillow comes with Pelican itself)."""
    content, output = write_content(), tmp_path / "build"
    overrides = {"PATH": str(content), "P2F_ROOT": str(content.parent), "P2F_NOW": NOW}
    build_all(ROOT, ROOT / "pelicanconf.py", output, overrides=overrides, cache=True)
    heavy = ("pydantic", "p2f_model.corpus", "p2f_model.schema", "p2f_site.incremental")
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from p2f_site.build import build_all\n"
        f"report = build_all(Path({str(ROOT)!r}), Path({str(ROOT / 'pelicanconf.py')!r}), "
        f"Path({str(output)!r}), overrides={overrides!r}, cache=True)\n"
        "assert report.unchanged, report\n"
        f"print(' '.join(sorted(name for name in {heavy!r} if name in sys.modules)))\n"
    )
    env = {"PYTHONPATH": f"{ROOT / 'plugins'}:{ROOT / 'player'}:{ROOT}", "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == ""
