"""The deep-link contract: the language in the path, both forms parsed, small enough for NFC."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from p2f_player.contract.deeplinks import (
    MARK_BYTES,
    MAX_BYTES,
    NFC,
    QR,
    DeepLink,
    deep_link,
    parse_deep_link,
    with_channel,
)
from p2f_player.shell.nfc import ndef_message

NTAG213_NDEF_BYTES = 137


def test_the_language_is_in_the_path() -> None:
    assert deep_link("veto-pinede", "gare", "en") == "https://livep2f.com/d/en/veto-pinede/?k=gare"
    assert deep_link("veto-pinede") == "https://livep2f.com/d/fr/veto-pinede/"
    assert deep_link("x", None, "de", base="http://127.0.0.1:8000/") == (
        "http://127.0.0.1:8000/d/de/x/"
    )


def test_both_forms_parse() -> None:
    assert parse_deep_link("https://livep2f.com/d/es/veto-pinede/?k=gare") == DeepLink(
        "veto-pinede", "gare", "es"
    )
    # the first form, on tags already stuck on screens
    assert parse_deep_link("https://livep2f.com/d/veto-pinede?k=gare&l=de") == DeepLink(
        "veto-pinede", "gare", "de"
    )
    assert parse_deep_link("https://livep2f.com/d/veto-pinede") == DeepLink("veto-pinede")
    for bad in ("https://livep2f.com/lieux/x/", "https://livep2f.com/d/EN/x/",
                "https://livep2f.com/d/en/x/y/", "https://livep2f.com/d/"):  # fmt: skip
        with pytest.raises(ValueError, match="not a deep link"):
            parse_deep_link(bad)


def test_bad_parts_are_refused() -> None:
    with pytest.raises(ValueError, match="not a slug"):
        deep_link("Veto Pinède")
    with pytest.raises(ValueError, match="not a language code"):
        deep_link("veto", lang="english")
    with pytest.raises(ValueError, match="not a site id"):
        deep_link("veto", site="gare&l=en")


def test_the_longest_link_fits_an_nfc_tag() -> None:
    slug, site = "a" * 60, "b" * 11  # the longest slug with an 11-letter site
    url = deep_link(slug, site, "es")
    assert len(url.encode()) <= MAX_BYTES
    assert len(ndef_message(url)) + 2 <= NTAG213_NDEF_BYTES  # + the NDEF TLV's type and length
    with pytest.raises(ValueError, match=f"over {MAX_BYTES} bytes"):
        deep_link(slug, "b" * 12, "es")
    for channel in (QR, NFC):  # the marked link too: MAX_BYTES + MARK_BYTES
        marked = with_channel(url, channel)
        assert len(marked.encode()) == len(url.encode()) + MARK_BYTES == 104
        assert len(ndef_message(marked)) + 2 <= NTAG213_NDEF_BYTES


def test_the_channel_mark_round_trips() -> None:
    url = deep_link("veto-pinede", "gare", "en")
    assert with_channel(url, QR) == "https://livep2f.com/d/en/veto-pinede/?k=gare&v=q"
    assert with_channel(url, NFC) == "https://livep2f.com/d/en/veto-pinede/?k=gare&v=n"
    assert parse_deep_link(with_channel(url, QR)) == DeepLink("veto-pinede", "gare", "en", QR)
    assert parse_deep_link(with_channel(url, NFC)).channel == NFC
    # marking again replaces the mark: never two marks, never a longer link
    assert with_channel(with_channel(url, QR), NFC) == with_channel(url, NFC)
    # the first form, still on tags out there, is marked and read the same way
    first = "https://livep2f.com/d/veto-pinede?k=gare&l=de"
    assert parse_deep_link(with_channel(first, QR)) == DeepLink("veto-pinede", "gare", "de", QR)


def test_old_and_unknown_marks_read_as_unmarked() -> None:
    assert parse_deep_link("https://livep2f.com/d/en/veto-pinede/?k=gare").channel is None
    assert parse_deep_link("https://livep2f.com/d/veto-pinede?k=gare&l=de").channel is None
    assert parse_deep_link("/d/en/veto-pinede/?k=gare&v=x").channel is None  # typed by hand
    assert parse_deep_link("/d/en/veto-pinede/?k=gare&v=n").channel == NFC  # a log's target


def test_only_a_kiosk_deep_link_is_marked() -> None:
    outside = "https://www.cabinet-veto.fr/rdv?ref=1"  # handed off from a directory page
    assert with_channel(outside, QR) == outside
    shared = deep_link("veto-pinede", None, "en")  # no kiosk: nothing to tell apart
    assert with_channel(shared, NFC) == shared
    with pytest.raises(ValueError, match="not a hand-off channel"):
        with_channel(deep_link("veto-pinede", "gare"), "qr")


SLUGS = st.from_regex(r"[a-z0-9][a-z0-9-]{0,59}", fullmatch=True)
SITES = st.from_regex(r"[a-z0-9][a-z0-9-]{0,10}", fullmatch=True)  # an 11-letter site at most
LANGS = st.from_regex(r"[a-z]{2}", fullmatch=True)


@given(SLUGS, SITES, LANGS, st.sampled_from([QR, NFC]))
def test_every_kiosk_link_marks_within_the_budget_and_reads_back(
    slug: str, site: str, lang: str, channel: str
) -> None:
    url = deep_link(slug, site, lang)
    marked = with_channel(url, channel)
    assert marked.startswith(url) and len(marked.encode()) <= MAX_BYTES + MARK_BYTES
    assert parse_deep_link(marked) == DeepLink(slug, site, lang, channel)
    assert parse_deep_link(url).channel is None
