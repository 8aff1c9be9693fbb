"""The I/O edge of the editorial tools: settings from ``pelicanconf.py``, manifests from a
build folder, the corpus from a content folder. Everything else in the package is pure."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pelican.settings import get_settings_from_file

from p2f_editorial.settings import EditorialSettings, from_dict

MANIFEST_NAME = "manifest.json"


def editorial_settings(settings_file: Path) -> EditorialSettings:
    """``P2F_EDITORIAL`` of a Pelican settings file, checked (raises ``SettingsError``)."""
    return from_dict(get_settings_from_file(str(settings_file)).get("P2F_EDITORIAL"))


def read_manifests(kiosk: Path) -> dict[str, dict[str, Any]]:
    """The manifest of every site bundle under ``kiosk`` (``<site>/manifest.json``), by site;
    empty when there is no build."""
    if not kiosk.is_dir():
        return {}
    return {
        path.parent.name: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(kiosk.glob(f"*/{MANIFEST_NAME}"))
    }
