"""Browser settings for the vectors run in Chromium (theme/static/js/rules.js)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.webdata.conftest import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}
