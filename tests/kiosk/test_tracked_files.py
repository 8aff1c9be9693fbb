"""A plain test run never rewrites tracked files: every test module that can write into
docs/screenshots/ does so only under ``UPDATE_SCREENSHOTS=1`` (issue 10, point 9)."""

from __future__ import annotations

import re

from tests.conftest import ROOT

DOCS_SHOTS = re.compile(r"""["']docs["']\s*/\s*["']screenshots["']|docs/screenshots/""")
GUARD = 'os.environ.get("UPDATE_SCREENSHOTS")'


def test_screenshots_for_docs_are_written_only_when_asked() -> None:
    writers = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
        if DOCS_SHOTS.search(code.split('"""', 2)[-1]):  # past the module docstring
            writers.append(path.relative_to(ROOT).as_posix())
            assert GUARD in code, f"{path}: writes docs/screenshots/ without {GUARD}"
    assert {"tests/shell/test_window.py", "tests/shell/test_landscape.py",
            "tests/kiosk/test_slides.py", "tests/web/test_screenshots.py"} <= set(writers)  # fmt: skip
