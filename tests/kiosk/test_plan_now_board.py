"""The "now" board slide of each site's bundle: kind ``now``, ordinary rules, the weight of the
settings' ``now_board``, its data file as its page; the scheduler picks it like a house slide."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

# isort: off
from p2f_kiosk.plan import now_board_slide, site_document

# isort: on
from p2f_model.load import load_corpus
from p2f_player.contract.manifest import build_manifest, file_entry, validate_manifest
from p2f_player.contract.rules import PARIS
from p2f_player.scheduler import Plan, Play, select_slide
from tests.conftest import WriteContent
from tests.model.test_screen_settings import SETTINGS

WITH_BOARD = SETTINGS.replace(
    "untranslated: skip\n", "untranslated: skip\nnow_board: {weight: 3}\n"
)
TUESDAY = datetime(2026, 12, 1, 10, 0, tzinfo=PARIS)


def board_of(content: Path) -> tuple[dict[str, object], dict[str, object] | None]:
    corpus = load_corpus(content)
    assert corpus.problems == [], corpus.problems
    site = site_document(corpus.items["gare"], corpus.settings)
    return site, now_board_slide(site, corpus.settings)


def test_the_board_is_a_slide_of_kind_now_with_the_settings_weight(
    write_content: WriteContent,
) -> None:
    site, board = board_of(write_content({"reglages/ecrans.md": WITH_BOARD}))
    assert board is not None
    assert board["kind"] == "now" and board["id"] == "now-gare"
    assert board["rules"] == {"duration_s": 10, "priority": 50, "weight": 3.0}
    assert board["pages"] == {lang: f"directory/{lang}/now.js" for lang in site["languages"]}
    assert board["titles"]["fr"] == "Maintenant près d’ici"
    assert board["deep_links"] == {} and board["window"] is None


def test_weight_zero_means_no_board(write_content: WriteContent) -> None:
    _, none = board_of(write_content({"reglages/ecrans.md": WITH_BOARD.replace("3}", "0}")}))
    assert none is None


def test_without_a_settings_file_the_board_has_weight_one(write_content: WriteContent) -> None:
    _, default = board_of(write_content())
    assert default is not None and default["rules"]["weight"] == 1.0  # type: ignore[index]


def test_a_bad_weight_names_file_line_and_field(write_content: WriteContent) -> None:
    content = write_content({"reglages/ecrans.md": WITH_BOARD.replace("3}", "-1}")})
    found = [str(p) for p in load_corpus(content).problems]
    assert any(
        line.startswith("content/reglages/ecrans.md:9: now_board.weight: ") for line in found
    ), found


def test_the_scheduler_plays_the_board_as_a_house_slide(write_content: WriteContent) -> None:
    site, board = board_of(write_content({"reglages/ecrans.md": WITH_BOARD}))
    assert board is not None
    release = {"id": "r", "counter": 1, "created": "2026-11-30T10:00:00+01:00",
               "expires": "2026-12-14T10:00:00+01:00"}  # fmt: skip
    pages = board["pages"].values()  # type: ignore[union-attr]
    files = {page: file_entry(b"P2F_NOW={};") for page in pages}
    document = build_manifest(site, release, [board], {}, files)
    validate_manifest(document)  # the contract's schema knows the kind
    plan = Plan.from_manifest(document)
    decision = select_slide(plan, [Play("now-gare", None, TUESDAY, 10.0)], TUESDAY)
    assert decision.slide is not None and decision.slide.drawn_at_play_time
    assert decision.reason == "house"
    assert decision.slide.pages[decision.language] == f"directory/{decision.language}/now.js"
