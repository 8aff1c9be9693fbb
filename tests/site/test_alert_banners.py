"""Alert levels on the website, as on the screens: a level the screens put on a strip or a
takeover is a banner on every page; an ``info`` alert is only listed on the alerts page."""

from __future__ import annotations

from pathlib import Path

from p2f_site.build import build_all
from tests.conftest import ALERT, ROOT, WriteContent

INFO = ALERT.replace("title: Travaux en gare", "title: Navettes du marché").replace(
    "severity: warning", "severity: info"
)


def test_info_alerts_are_listed_not_bannered(write_content: WriteContent, tmp_path: Path) -> None:
    content = write_content({"alertes/navettes.md": INFO})
    output = tmp_path / "build"
    build_all(
        ROOT,
        ROOT / "pelicanconf.py",
        output,
        overrides={
            "PATH": str(content),
            "P2F_ROOT": str(content.parent),
            "P2F_NOW": "2026-11-26T12:00:00+00:00",
        },
    )
    home = (output / "site" / "index.html").read_text(encoding="utf-8")
    banner = home.split('<section class="alerts"', 1)[1].split("</section>", 1)[0]
    assert "Travaux en gare" in banner and 'class="alert alert-warning"' in banner
    assert "Navettes du marché" not in home
    listed = (output / "site" / "alertes" / "index.html").read_text(encoding="utf-8")
    assert "Navettes du marché" in listed and "Travaux en gare" in listed
