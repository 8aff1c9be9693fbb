"""invoke review: both sides built from git worktrees, compared field by field, page by page
and screen by screen; one HTML page with screenshots and a Markdown summary."""

from __future__ import annotations

import subprocess
from datetime import datetime
from pathlib import Path

from p2f_editorial.review.run import review
from p2f_editorial.settings import from_dict

from p2f_player.contract.rules import PARIS
from tests.conftest import PAGE, PLACE, ROOT
from tests.editorial.conftest import git, write_files

BUILT_FOR = datetime(2026, 12, 4, 10, 0, tzinfo=PARIS)  # a Friday
AT = datetime(2026, 12, 4, 19, 0, tzinfo=PARIS)  # the sponsor's offer plays from 18:00
MODULES = ROOT / "node_modules"  # the browser libraries the build copies (npm ci)

BAKERY = """\
---
title: Boulangerie du Port
summary: Pain au levain et fougasses, cuits au feu de bois.
category: restauration
subcategory: boulangerie
geo: {lat: 43.2120, lon: 3.4350}
address: 3 quai du Port, 34510 Pinède-sur-Mer
provenance: {source: visite sur place, verified_by: Yanis Benali, verified_on: 2026-12-02}
---
Ouverte tous les jours.
"""

PROPOSED = """\
---
status: draft
title: Vide-grenier des Pins
starts: 2027-05-01T08:00
ends: 2027-05-01T18:00
place: veto-pinede
provenance: {source: "proposed by Comité des fêtes, not verified", verified_by: formulaire, verified_on: 2026-12-03}
---
Proposé par le comité.
"""


def _change(repo: Path) -> None:
    git(repo, "switch", "--quiet", "-c", "change")
    write_files(
        repo,
        {
            # a field changed, verification date left as it was
            "lieux/veto-pinede.md": PLACE.replace(
                "Urgences vétérinaires 7 j/7.", "Urgences vétérinaires 24 h/24."
            ),
            "lieux/boulangerie-du-port.md": BAKERY,
            "agenda/vide-grenier-des-pins.md": PROPOSED,
            "bons-plans/velos-hiver.md": None,  # the sponsor's only slide
            # the same fields written another way: not a change for the reviewer
            "pratique/numeros-urgence.md": PAGE.replace("order: 1\n", "").replace(
                "title: Numéros d'urgence", 'title: "Numéros d\'urgence"\norder: 1'
            ),
        },
    )
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "-m", "change")


def test_review_page_of_a_change(review_repo: Path, tmp_path: Path) -> None:
    _change(review_repo)
    out = tmp_path / "review"
    result = review(
        review_repo, out, from_dict(None), BUILT_FOR, AT, max_shots=3, node_modules=MODULES
    )

    assert result.ok and result.head.check_output.startswith("check: ok")
    by_path = {item.path: item for item in result.items}
    assert set(by_path) == {
        "content/lieux/veto-pinede.md",
        "content/lieux/boulangerie-du-port.md",
        "content/agenda/vide-grenier-des-pins.md",
        "content/bons-plans/velos-hiver.md",
    }  # numeros-urgence: only its YAML's form changed
    vet = by_path["content/lieux/veto-pinede.md"]
    assert vet.status == "changed"
    assert [(c.path, c.before, c.after) for c in vet.fields] == [
        ("summary", "Urgences vétérinaires 7 j/7.", "Urgences vétérinaires 24 h/24.")
    ]
    assert any("verified_on did not" in w for w in vet.warnings)
    proposal = by_path["content/agenda/vide-grenier-des-pins.md"]
    assert proposal.status == "added" and proposal.provenance["verified_by"] == "formulaire"
    assert any(w.startswith("unverified: proposed by Comité des fêtes") for w in proposal.warnings)
    assert any(w.startswith("draft") for w in proposal.warnings)
    assert by_path["content/bons-plans/velos-hiver.md"].status == "removed"
    assert by_path["content/lieux/boulangerie-du-port.md"].warnings == []

    urls = {page.url: page.status for page in result.pages}
    assert urls["/lieux/boulangerie-du-port/"] == "added"
    assert urls["/bons-plans/velos-hiver/"] == "removed"
    assert "/agenda/vide-grenier-des-pins/" not in urls  # a draft is not published
    assert len(result.shots) == 3
    assert result.shots[0].url == "/lieux/boulangerie-du-port/"
    assert result.shots[0].before is None and result.shots[0].after == "01-after.png"
    for shot in result.shots:
        for name in (shot.before, shot.after):
            if name:
                assert (out / "shots" / name).read_bytes().startswith(b"\x89PNG")

    [gare] = result.kiosks
    assert gare.site == "gare"
    assert "boulangerie-du-port" in gare.added and "velos-hiver" in gare.removed
    assert "vide-grenier-des-pins" not in gare.added  # the draft reaches no screen
    assert "veto-pinede" in gare.changed
    assert gare.before is not None and gare.after is not None
    assert "velos-hiver" in gare.before.seconds and "velos-hiver" not in gare.after.seconds
    assert "boulangerie-du-port" in gare.after.seconds
    assert gare.before.sponsor_share("velos-pinede") > 0.05
    assert gare.after.sponsor_share("velos-pinede") == 0.0
    assert "velos-pinede" in gare.sponsors

    page = (out / "review.html").read_text(encoding="utf-8")
    assert "Friday 2026-12-04 19:00 (Paris)" in page
    assert 'src="shots/01-after.png"' in page
    assert "unverified: proposed by Comité des fêtes, not verified" in page
    summary = (out / "review.md").read_text(encoding="utf-8")
    assert "**check: ok" in summary
    assert "1 added" not in summary and "2 added, 1 changed, 1 removed" in summary
    assert "sponsor velos-pinede: booked 10% → 10%, played this hour" in summary
    # the worktrees are gone
    listed = git(review_repo, "worktree", "list")
    assert listed.count("\n") == 0


def test_review_reports_a_failing_check(review_repo: Path, tmp_path: Path) -> None:
    git(review_repo, "switch", "--quiet", "-c", "broken")
    write_files(review_repo, {"lieux/veto-pinede.md": PLACE.replace("category: services\n", "")})
    git(review_repo, "commit", "--quiet", "-am", "broken")
    result = review(
        review_repo,
        tmp_path / "r",
        from_dict(None),
        BUILT_FOR,
        AT,
        max_shots=0,
        node_modules=MODULES,
    )
    assert not result.ok and not result.head.check_ok
    assert "content/lieux/veto-pinede.md" in result.head.check_output
    assert "category" in result.head.check_output
    assert result.pages == [] and result.kiosks == []
    summary = (tmp_path / "r" / "review.md").read_text(encoding="utf-8")
    assert "**check: FAILED**" in summary and "content/lieux/veto-pinede.md" in summary


def test_review_names_a_bad_revision(review_repo: Path, tmp_path: Path) -> None:
    from p2f_editorial.review.worktrees import ReviewError

    try:
        review(review_repo, tmp_path / "r", from_dict(None), BUILT_FOR, AT, base="nope")
    except ReviewError as error:
        assert "nope" in str(error)
    else:
        raise AssertionError("a revision that does not exist must be refused")
    assert not (tmp_path / "r").exists()
    assert (
        subprocess.run(
            ["git", "-C", str(review_repo), "status", "--short"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        == ""
    )
