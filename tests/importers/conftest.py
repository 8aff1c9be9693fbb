"""Import fixtures: the real public records of fixtures/, a tmp content tree, one runner."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from p2f_import import report
from p2f_import.run import Options, Result, run
from p2f_model.check import run as check
from p2f_model.territory import DEFAULT, Territory, parse
from tests.conftest import WriteContent

FIXTURES = Path(__file__).parent / "fixtures"
FLUX_2020 = FIXTURES / "datatourisme-2020-flux"
CURRENT = FIXTURES / "datatourisme-current"
APIDAE = FIXTURES / "apidae"
FAKE_KEY = "FIXTURE-KEY-3f9c-not-a-real-key"
FRANCE = parse("41.0,-5.5,51.5,10.0")  # a trial run on records from anywhere in France

Import = Callable[..., Result]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if
            p.is_file()}  # fmt: skip


def check_text(content: Path, territory: Territory = DEFAULT) -> tuple[int, str]:
    """The real `invoke check` over ``content``: exit code and what it printed."""
    out = io.StringIO()
    code = check(content, out, territory=territory)
    return code, out.getvalue()


@pytest.fixture
def content(write_content: WriteContent) -> Path:
    """The small fixture content (one site, one place veto-pinede...) in a tmp folder."""
    return write_content()


@pytest.fixture
def import_into(content: Path) -> Import:
    def go(
        source: str,
        inputs: list[Path | str],
        now: str = "2020-09-01T08:00:00+00:00",
        territory: Territory = DEFAULT,
        **extra: object,
    ) -> Result:
        options = Options(
            source=source,
            inputs=[str(i) for i in inputs],
            content=content,
            now=datetime.fromisoformat(now).astimezone(UTC),
            territory=territory,
            horizon=timedelta(days=365),
            **extra,  # type: ignore[arg-type]
        )
        result = run(options)
        report.markdown(result, now)  # every run can be reported
        return result

    return go
