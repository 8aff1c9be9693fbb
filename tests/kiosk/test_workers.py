"""Bundles built in worker processes: the same bytes as in the build's process; their logs and
errors reach the build, naming the site."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest

from p2f_kiosk.workers import BundleError, build_in_workers
from p2f_site.build import BuildError, build_all
from tests.conftest import ROOT, SITE, WriteContent
from tests.site.test_incremental import NOW, tree

SECOND_SITE = (
    SITE.replace("Gare de Pinède — hall des arrivées", "Maison des associations")
    .replace("{lat: 43.2105, lon: 3.4402}", "{lat: 43.2205, lon: 3.4302}")
    .replace("orientation: portrait", "orientation: landscape")
    .replace("resolution: 1080x1920", "resolution: 1920x1080")
)

# same languages as gare: built in a worker (one site per set of languages is built first, in
# the build's process, so that the workers inherit its rendered pages)
THIRD_SITE = SECOND_SITE.replace("Maison des associations", "Capitainerie du port")

log = logging.getLogger("p2f_kiosk.test_workers")


def build(content: Path, output: Path, workers: int, theme: Path | None = None) -> None:
    overrides: dict[str, object] = {"PATH": str(content), "P2F_ROOT": str(content.parent),
                                    "P2F_NOW": NOW, "P2F_KIOSK_WORKERS": workers}  # fmt: skip
    if theme is not None:
        overrides["THEME"] = str(theme)
    build_all(ROOT, ROOT / "pelicanconf.py", output, overrides=overrides)


def test_bundles_built_in_two_workers_are_the_same_bytes(
    write_content: WriteContent, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    content = write_content({"sites/associations.md": SECOND_SITE, "sites/port.md": THIRD_SITE})
    build(content, tmp_path / "one", workers=1)
    with caplog.at_level(logging.INFO, logger="p2f_kiosk"):
        build(content, tmp_path / "two", workers=2)
    assert "kiosk: 2 bundles built in 2 workers" in caplog.text
    one, two = tree(tmp_path / "one"), tree(tmp_path / "two")
    kiosk = sorted(name for name in one if name.startswith("kiosk/"))
    assert any(name.startswith("kiosk/port/") for name in kiosk)
    assert kiosk == sorted(name for name in two if name.startswith("kiosk/"))
    assert [name for name in kiosk if one[name] != two[name]] == []


def test_a_failing_bundle_fails_the_build_naming_the_site(
    write_content: WriteContent, tmp_path: Path
) -> None:
    content = write_content({"sites/associations.md": SECOND_SITE})
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    (theme / "kiosk" / "directory.css").write_text("", encoding="utf-8")
    (theme / "kiosk" / "kiosk.css").unlink()  # every bundle copies it first
    output = tmp_path / "build"
    with pytest.raises(BuildError) as failed:
        build(content, output, workers=2, theme=theme)
    message = str(failed.value)
    assert "kiosk bundle of site associations: FileNotFoundError" in message  # first, in process
    assert "kiosk.css" in message
    assert not (output / "kiosk").exists()  # the last good state (none) is kept


def _logs_and_returns(site: str) -> str:
    log.warning("made %s", site)
    return site.upper()


def test_worker_logs_reach_the_build_and_results_come_back(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="p2f_kiosk.test_workers"):
        built = build_in_workers(["a", "b", "c"], _logs_and_returns, workers=2)
    assert built == {"a": "A", "b": "B", "c": "C"}
    forwarded = sorted(r.getMessage() for r in caplog.records if r.name == log.name)
    assert forwarded == ["made a", "made b", "made c"]
    assert {r.process for r in caplog.records if r.name == log.name} - {os.getpid()}


def _fails_on_b(site: str) -> str:
    if site == "b":
        raise ValueError("content/images/b.png: cannot be read")
    return site


def test_an_error_in_a_worker_names_the_site() -> None:
    with pytest.raises(BundleError, match=r"site b: ValueError: content/images/b.png"):
        build_in_workers(["a", "b", "c"], _fails_on_b, workers=2)


def _dies_on_c(site: str) -> str:
    if site == "c":
        os._exit(3)  # as a worker killed by the system would vanish, saying nothing
    return site


def test_a_worker_that_dies_fails_the_build_naming_its_site() -> None:
    with pytest.raises(BundleError, match=r"exit code 3.*bundle of: c"):
        build_in_workers(["a", "b", "c"], _dies_on_c, workers=2)
