"""``hide_past_hard_limit`` (P2F_EDITORIAL): items whose verification is past their kind's hard
limit leave the kiosk bundles, and the kiosk report says which and why."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from p2f_editorial.settings import EditorialSettings

from p2f_kiosk.plan import plan_site
from p2f_model.load import load_corpus
from p2f_player.contract.rules import PARIS
from p2f_site.build import build_all
from tests.conftest import ROOT, WriteContent

# The fixture place was verified on 2026-09-12; a place's hard limit is 365 days by default.
LATE = datetime(2027, 10, 1, 10, 0, tzinfo=PARIS)  # 384 days later, a Friday (open)
REASON = "verification past the hard limit: content/lieux/veto-pinede.md"


def test_the_setting_leaves_out_items_past_the_hard_limit(write_content: WriteContent) -> None:
    content = write_content()
    corpus = load_corpus(content)
    assert not corpus.problems

    shown: dict[str, int] = {}
    kept = plan_site(corpus, "gare", LATE, shown, EditorialSettings(hide_past_hard_limit=False))
    assert "veto-pinede" in {p.item.slug for p in kept}
    assert REASON not in shown

    hidden: dict[str, int] = {}
    planned = plan_site(corpus, "gare", LATE, hidden, EditorialSettings(hide_past_hard_limit=True))
    assert "veto-pinede" not in {p.item.slug for p in planned}
    assert hidden[REASON] == 1
    # within the hard limit the place stays, setting or not
    early = datetime(2027, 9, 10, 10, 0, tzinfo=PARIS)
    on_time = plan_site(corpus, "gare", early, {}, EditorialSettings(hide_past_hard_limit=True))
    assert "veto-pinede" in {p.item.slug for p in on_time}


def test_the_build_reads_the_setting_and_reports_what_it_left_out(
    write_content: WriteContent, tmp_path: Path
) -> None:
    content = write_content()
    outputs = {}
    for hide in (False, True):
        output = tmp_path / f"build-{hide}"
        build_all(
            ROOT,
            ROOT / "pelicanconf.py",
            output,
            overrides={
                "PATH": str(content),
                "P2F_ROOT": str(tmp_path),
                "P2F_NOW": LATE.isoformat(),
                "P2F_EDITORIAL": {"hide_past_hard_limit": hide},
            },
        )
        outputs[hide] = output
    for hide, output in outputs.items():
        report = json.loads((output / "kiosk" / "report.json").read_text())
        manifest = json.loads((output / "kiosk" / "gare" / "manifest.json").read_text())
        slides = json.dumps(manifest["slides"])
        if hide:
            assert report["gare"]["left_out"][REASON] == 1
            assert "veto-pinede" not in slides
        else:
            assert REASON not in report["gare"]["left_out"]
            assert "veto-pinede" in slides
