"""Build facts shared by the website and the kiosk plugins (the layer between the content model
and them: model → p2f_build → p2f_site | p2f_kiosk → p2f_web).

Only facts both sides need and that belong to neither: the moment a build is made for, and the
names of the files one side writes for the other. It imports neither plugin, so importing
``p2f_site`` or ``p2f_kiosk`` first works the same.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

REPORT_NAME = "report.json"  # build/kiosk/report.json: what the kiosk plugin built and left out


def build_time(settings: dict[str, Any]) -> datetime:
    """The moment the build is made for: ``P2F_NOW`` (ISO, for reproducible builds) or now."""
    value = settings.get("P2F_NOW")
    if value:
        moment = datetime.fromisoformat(value)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return datetime.now(UTC).replace(microsecond=0)
