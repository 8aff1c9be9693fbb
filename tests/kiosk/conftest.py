"""Kiosk fixtures: the small fixture content built with the real pipeline."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from p2f_site.build import build_all
from tests.conftest import ROOT, WriteContent

BUILD_NOW = "2026-11-26T12:00:00+00:00"

Build = Callable[..., Path]


@pytest.fixture
def build_fixture(write_content: WriteContent, tmp_path: Path) -> Build:
    """Build the fixture content (with ``changes``; ``images`` bytes by name) into a folder."""

    def build(
        changes: dict[str, str | None] | None = None, images: dict[str, bytes] | None = None
    ) -> Path:
        content = write_content(changes)
        for name, data in (images or {}).items():
            (content / "images" / name).write_bytes(data)
        output = tmp_path / "build"
        build_all(
            ROOT,
            ROOT / "pelicanconf.py",
            output,
            overrides={"PATH": str(content), "P2F_ROOT": str(tmp_path), "P2F_NOW": BUILD_NOW},
        )
        return output

    return build
