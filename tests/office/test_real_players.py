"""Issue 11, point 5: the reports over what two real players wrote in a simulated day.

The figures (plays and seconds of the partner per site, screen time, alert time, NFC taps)
must equal an independent count from the raw JSONL (``raw_count``), before and after the
offline player's backlog arrives; tampering with the store (a batch twice, garbage, a device
writing in another's folder) shows anomalies and changes no figure; the partner's PDF opens
and names the partner and its figures; every dashboard page passes axe in Chromium.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from p2f_model.campaigns import Campaign
from p2f_office import dashboard, fr, loader, reports
from p2f_player.contract.rules import PARIS
from tests.office.conftest import OFFLINE, PARTNER, Day, RawCount, raw_count

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SINCE, UNTIL = date(2026, 7, 14), date(2026, 7, 15)
AS_OF = datetime(2026, 7, 15, 6, 0, tzinfo=PARIS)
CAMPAIGN = Campaign(
    slug="vedettes-ete",
    path="content/campagnes/vedettes-ete.md",
    title="Vedettes — été 2026",
    partner=PARTNER,
    slides=(),
    sites=("gare", "port"),
    starts=SINCE,
    ends=UNTIL,
    share=0.25,
    plays_per_hour=None,
    price_eur=480.0,
    contact_name="Léa Martin",
    contact_email="lea@vedettes.example",
)
PARTNER_NAME = "Vedettes du Cap Rousset"


def report(store: Path, out: Path | None = None) -> tuple[Any, ...]:
    telemetry = loader.gather(loader.open_store(f"file://{store}", store), store)
    con = duckdb.connect()
    loader.load(con, telemetry)
    proof = reports.proof_of_play(con, CAMPAIGN, SINCE, UNTIL)
    screens = reports.fleet(con, AS_OF, telemetry.live, timedelta(minutes=10))
    anomalies = con.execute("SELECT * FROM anomalies ORDER BY kind, key").fetchall()
    if out is not None:
        ctx = dashboard.Context(SINCE, UNTIL, AS_OF, {PARTNER: PARTNER_NAME})
        audience = reports.audience(con, SINCE, UNTIL)
        visitors = reports.visitors_year_to_date(con, UNTIL)
        dashboard.write_dashboard(out, ctx, [proof], audience, visitors, screens, {}, anomalies, 10)
    return proof, screens, anomalies


def by_site(proof: reports.ProofOfPlay, name: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for day in proof.days:
        out[day.site] = out.get(day.site, 0) + getattr(day, name)
    return {site: value for site, value in out.items() if value}


def assert_equal_counts(proof: reports.ProofOfPlay, raw: RawCount) -> None:
    assert by_site(proof, "plays") == raw.plays
    assert by_site(proof, "nfc_taps") == raw.taps
    for name, expected in (
        ("seconds", raw.seconds),
        ("screen_seconds", raw.screen),
        ("alert_seconds", raw.alert),
    ):
        found = by_site(proof, name)
        assert found.keys() == expected.keys(), name
        for site, value in expected.items():
            assert found[site] == pytest.approx(value, abs=1e-3), (name, site)


def test_figures_equal_the_raw_count_once_the_backlog_has_arrived(
    played_day: Day, tmp_path: Path
) -> None:
    raw = raw_count(played_day.store)
    proof, screens, anomalies = report(played_day.store)
    assert anomalies == []
    assert raw.plays["gare"] > 50 and raw.plays["port"] > 50  # a real day of plays, both sites
    assert raw.alert.get("gare", 0) > 0 and "port" not in raw.alert  # the noon alert, at gare
    assert raw.taps == {"gare": played_day.taps}
    assert_equal_counts(proof, raw)
    # the backlog of the outage arrived: port's events from 09:00 to 15:00 are in the store
    outage = [d for d in proof.days if d.site == "port" and d.day == SINCE]  # the outage day
    assert outage and outage[0].plays > 0
    assert raw.last_at["port-1"] > OFFLINE[1]
    delivered = proof.delivered_share
    # measured as simulate measures: screen time less the critical alert's takeover
    measured = sum(raw.screen.values()) - sum(raw.alert.values())
    assert delivered == pytest.approx(sum(raw.seconds.values()) / measured)
    fleet = {s.device: s for s in screens}
    assert set(fleet) == {"gare", "port-1"}
    assert fleet["port-1"].release == fleet["port-1"].live_release == "00000001-r1"
    assert not any("en retard" in alarm for s in screens for alarm in s.alarms)


def test_figures_during_the_outage_count_only_what_had_arrived(played_day: Day) -> None:
    assert played_day.store_during_offline is not None and played_day.offline_at is not None
    raw = raw_count(played_day.store_during_offline)
    proof, _, anomalies = report(played_day.store_during_offline)
    assert anomalies == []
    assert_equal_counts(proof, raw)
    # nothing journaled after the server went down had arrived; the player kept it
    assert raw.last_at["port-1"] <= played_day.offline_at + timedelta(minutes=5)
    assert played_day.unsent_during_offline > 0
    after = raw_count(played_day.store)
    assert after.plays["port"] > raw.plays["port"]


def test_a_batch_twice_garbage_and_foreign_lines_are_anomalies_never_counts(
    played_day: Day, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    shutil.copytree(played_day.store, store)
    events = store / "telemetry" / "gare" / "gare" / "events"
    batch = sorted(events.glob("*.jsonl"))[0]
    first, last = (int(n) for n in batch.stem.split("-"))
    lines = batch.read_text().splitlines()
    # the same batch sent again (same key, same bytes), and copied under a wider range
    batch.write_bytes(batch.read_bytes())
    (events / f"{first:012d}-{last + 5:012d}.jsonl").write_bytes(batch.read_bytes())
    # garbage, and bytes that are not text
    (events / "000000900000-000000900002.jsonl").write_text('{"seq": 900000, "kind"\nnot json\n')
    (events / "000000900010-000000900010.jsonl").write_bytes(b"\xff\xfe\x00garbage\n")
    # a line of port-1 found in gare's folder: a device writing outside its own prefix
    port_batch = sorted((store / "telemetry" / "port" / "port-1" / "events").glob("*.jsonl"))[0]
    foreign = port_batch.read_text().splitlines()[0]
    (events / "000000000001-999999999999.jsonl").write_text(foreign + "\n")
    (store / "telemetry" / "notes.txt").write_text("hello")

    proof, _, anomalies = report(store)
    assert_equal_counts(proof, raw_count(played_day.store))
    found = {(kind, Path(key).name): count for kind, key, count, _, _ in anomalies}
    assert found == {
        ("duplicate (device, seq): counted once", f"{first:012d}-{last + 5:012d}.jsonl"): len(
            lines
        ),
        ("line is not a JSON object", "000000900000-000000900002.jsonl"): 2,
        ("batch is not UTF-8 text", "000000900010-000000900010.jsonl"): 1,
        ("event written outside its prefix", "000000000001-999999999999.jsonl"): 1,
        ("unexpected key", "notes.txt"): 1,
    }


def test_partner_pdf_names_the_partner_and_its_figures(played_day: Day, tmp_path: Path) -> None:
    out = tmp_path / "office"
    proof, _, _ = report(played_day.store, out)
    pdf = out / "campaigns" / "vedettes-ete.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert "Pages:           1" in info.stdout  # one page per campaign
    assert PARTNER_NAME in text
    flat = " ".join(text.replace("\u202f", " ").split())  # fr_FR groups with a thin space
    assert f"Diffusions {fr.num(proof.total('plays')).replace(chr(0x202F), ' ')}" in flat
    assert f"Contacts NFC {int(proof.total('nfc_taps'))}" in flat
    assert "Période du 14 juillet 2026 au 15 juillet 2026" in flat
    assert "Preuve de diffusion" in flat and "Méthode" in flat
    rows = (out / "campaigns" / "vedettes-ete.csv").read_text().splitlines()
    assert rows[0].startswith("campaign,partner,site,day,plays")
    assert sum(int(r.split(",")[4]) for r in rows[1:]) == proof.total("plays")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": ["--no-sandbox"],
    }


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page in its own context (pytest-playwright's ``page`` pulls in ``base_url``, whose
    fixture pytest now deprecates: warnings are errors here)."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_every_dashboard_page_passes_axe(played_day: Day, tmp_path: Path, page: Any) -> None:
    out = tmp_path / "office"
    report(played_day.store, out)
    pages = ["index.html", "audience.html", "fleet.html", "campaigns/vedettes-ete.html"]
    for name in pages:
        page.goto((out / name).as_uri())
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            "() => axe.run().then(r => r.violations.map(v => [v.id, v.nodes.length]))"
        )
        assert violations == [], name
        assert page.evaluate("document.documentElement.lang") == "fr", name  # the director's
        text = page.inner_text("main")
        assert not any(word in text for word in (" Period", "Plays", "Screens", "Alarms")), name
    assert not list(out.rglob("*.js"))  # the dashboard needs no script
