"""QR hand-offs measured by deep-link arrivals in the website's access logs (issue 11).

The access log is written by a real nginx (Debian's ``nginx-light``, setup.sh) serving pages laid
out as ``build/site`` lays them out, on 127.0.0.1, under ``faketime`` so the log's dates are
pinned (restarted at a later pinned moment for the "came back 45 minutes later" case, as a
server restart appends to the same log). Phones are real clients: Chromium through Playwright
(emulating a Pixel 7, so the user agent is the one a phone sends; and once with headless
Chromium's own agent, which is a bot) and ``urllib`` with the agents of an iPhone and of Firefox
for Android. ``LEDGER`` is the independent count: what the test asked for and whether the
counting rules of docs/office.md count it, written down by hand, no parsing.
"""

from __future__ import annotations

import csv
import gzip
import html
import io
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from p2f_office import arrivals, cli, qr_figures
from p2f_player.contract.deeplinks import NFC, QR, deep_link, with_channel
from p2f_player.contract.rules import PARIS
from p2f_player.journal import Journal
from p2f_publish.s3 import S3Store
from tests.player.conftest import admin_client, s3_server  # noqa: F401  (session fixture)

ROOT = Path(__file__).resolve().parents[2]
NGINX = Path("/usr/sbin/nginx")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
FAKETIME = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")
CAMPAIGN, OFFER, OTHER = "sncf-2026-2027", "sncf-printemps-19-euros", "phare-du-cap"
FIRST, LATER = "2026-11-10 10:00:00", "2026-11-10 10:45:00"  # Paris time, a Tuesday
MARKED_AT = "2026-11-10 11:20:00"  # newer players: links marked v=q (QR code) and v=n (NFC tag)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
FIREFOX = "Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
KEY = b"k" * 32
# The independent count: (site, item) -> arrivals the rules count, from the requests below.
LEDGER = {("gare", OFFER): 3, ("bureau-port-genet", OFFER): 1, ("gare", OTHER): 1}  # unmarked
NFC_TAPS = {("gare", OFFER): 1}  # journaled by the player at 10:20, same hour: one QR less
# 11:20, marked links: two QR scans and one NFC tap that opened the page (journaled at 11:25,
# so it takes no QR scan away: the marks tell them apart exactly)
MARKED = {("gare", OFFER, QR): 2, ("gare", OFFER, NFC): 1}
SAMSUNG = (
    "Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36"
)
CUT_LINE = '127.0.0.1 - - [10/Nov/2026:10:46:00 +0100] "GET /d/fr/sncf-printemps-19-eur'


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def site_tree(root: Path) -> Path:
    """Deep-link pages where the website puts them: ``/d/<lang>/<slug>/`` and the first form."""
    for path in (f"d/fr/{OFFER}", f"d/en/{OFFER}", f"d/fr/{OTHER}", f"d/{OFFER}"):
        (root / path).mkdir(parents=True, exist_ok=True)
        (root / path / "index.html").write_text(
            f'<!doctype html><html lang="fr"><title>{path}</title><main>{path}</main></html>'
        )
    return root


@contextmanager
def nginx(folder: Path, site: Path, log: Path, at: str) -> Iterator[str]:
    """A real nginx on 127.0.0.1 whose clock starts at ``at`` (Paris), logging "combined"."""
    port = _free_port()
    temp = folder / "temp"
    temp.mkdir(parents=True, exist_ok=True)
    conf = folder / "nginx.conf"
    conf.write_text(
        f"""daemon off; master_process off; pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{}}
http {{
  access_log {log} combined;
  client_body_temp_path {temp}; proxy_temp_path {temp}; fastcgi_temp_path {temp};
  uwsgi_temp_path {temp}; scgi_temp_path {temp};
  server {{ listen 127.0.0.1:{port}; root {site}; index index.html;
           location / {{ try_files $uri $uri/ =404; }} }}
}}
"""
    )
    env = {**os.environ, "LD_PRELOAD": str(FAKETIME), "FAKETIME": f"@{at}", "TZ": "Europe/Paris"}
    command = [str(NGINX), "-c", str(conf), "-p", str(folder), "-e", str(folder / "error.log")]
    errors = folder / "stderr.txt"
    with errors.open("wb") as stderr:
        server = subprocess.Popen(command, env=env, stderr=stderr)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert server.poll() is None, errors.read_text()
                assert time.monotonic() < deadline, "nginx did not start within 30 s"
                time.sleep(0.05)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def fetch(url: str, agent: str) -> int:
    request = urllib.request.Request(url, headers={"User-Agent": agent})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": ["--no-sandbox"],
    }


@dataclass(frozen=True)
class Served:
    log: Path
    chromium_agent: str


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, browser: Any, playwright: Any) -> Served:
    """The access log of one morning of hand-offs, written by nginx."""
    folder = tmp_path_factory.mktemp("nginx")
    site, log = site_tree(folder / "site"), folder / "access.log"
    offer_fr = deep_link(OFFER, "gare", "fr", base="")
    with nginx(folder, site, log, FIRST) as base:
        pixel = browser.new_context(**playwright.devices["Pixel 7"])
        assert pixel.new_page().goto(base + offer_fr).status == 200  # counted
        pixel.close()
        headless = browser.new_context()  # HeadlessChrome/...: a bot by its own name
        page = headless.new_page()
        assert page.goto(base + offer_fr).status == 200
        chromium_agent = page.evaluate("navigator.userAgent")
        headless.close()
        no_slash = deep_link(OFFER, "gare", "en", base=base).replace(f"{OFFER}/", OFFER)
        assert fetch(no_slash, IPHONE) == 200  # 301 then 200: counted once
        assert fetch(deep_link(OFFER, "gare", "en", base=base), IPHONE) == 200  # a repeat
        first_form = f"{base}/d/{OFFER}/?k=bureau-port-genet&l=de"
        assert fetch(first_form, FIREFOX) == 200  # the first form, still on tags: counted
        assert fetch(deep_link(OTHER, "gare", "fr", base=base), FIREFOX) == 200  # counted
        assert fetch(base + offer_fr, GOOGLEBOT) == 200  # bot
        assert fetch(deep_link("nulle-part", "gare", "fr", base=base), FIREFOX) == 404
        assert fetch(f"{base}/d/fr/{OFFER}/?k=mairie-de-lyon", FIREFOX) == 200  # anomaly
        assert fetch(f"{base}/d/fr/{OFFER}/", FIREFOX) == 200  # shared on the web, no kiosk
    with nginx(folder, site, log, LATER) as base:
        assert fetch(deep_link(OFFER, "gare", "en", base=base), IPHONE) == 200  # 45 min on
    with nginx(folder, site, log, MARKED_AT) as base:
        offer = deep_link(OFFER, "gare", "fr", base=base)
        pixel = browser.new_context(**playwright.devices["Pixel 7"])  # its tap: the NFC tag
        assert pixel.new_page().goto(with_channel(offer, NFC)).status == 200  # NFC, counted
        pixel.close()
        assert fetch(with_channel(offer, QR), IPHONE) == 200  # QR, 35 min after its last
        assert fetch(with_channel(offer, NFC), IPHONE) == 200  # same phone again: a repeat
        english = deep_link(OFFER, "gare", "en", base=base)
        assert fetch(with_channel(english, QR), SAMSUNG) == 200  # QR, counted
        assert fetch(with_channel(offer, QR), GOOGLEBOT) == 200  # bot, marked or not
    with log.open("a") as out:  # a line cut by a full disk or a rotation
        out.write(CUT_LINE + "\n")
    return Served(log, chromium_agent)


def known_sites() -> frozenset[str]:
    return cli.read_campaigns(ROOT / "content")[3]


def test_the_counting_rules_on_a_real_nginx_log(served: Served) -> None:
    text = served.log.read_text()
    assert "HeadlessChrome" in served.chromium_agent and "Pixel 7" in text
    counted = arrivals.count_arrivals([("access.log", served.log.read_bytes())], known_sites(), KEY)
    found: dict[tuple[str, str], int] = {}
    marked: dict[tuple[str, str, str], int] = {}
    for a in counted.arrivals:
        if a.channel is None:  # the older links, all at 10:xx
            assert a.at.astimezone(PARIS).hour == 10
            found[(a.site, a.slug)] = found.get((a.site, a.slug), 0) + 1
        else:
            assert a.at.astimezone(PARIS).hour == 11
            marked[(a.site, a.slug, a.channel)] = marked.get((a.site, a.slug, a.channel), 0) + 1
    assert found == LEDGER and marked == MARKED
    assert counted.not_counted["bot (user agent)"] == 3  # headless Chromium, Googlebot twice
    # the redirect, the reload, and the iPhone's tap right after its scan (counted once, as QR)
    assert counted.not_counted["same phone, same item within 30 min"] == 3
    assert counted.not_counted["deep link without a kiosk (k=)"] == 1
    assert counted.not_counted["not a GET answered 200 or 30x"] >= 1  # the 404 (and favicons)
    kinds = {(kind, line) for kind, _, line, _ in counted.anomalies}
    lines = text.splitlines()
    foreign = next(n for n, line in enumerate(lines, 1) if "mairie-de-lyon" in line)
    assert kinds == {(arrivals.FOREIGN_SITE, foreign), (arrivals.NOT_UNDERSTOOD, len(lines))}
    assert all("127.0.0.1" not in example for *_, example in counted.anomalies)


def journal_nfc_tap(store: Path) -> None:
    """The tap the kiosk journals (as ``shell/run.py`` does), uploaded as the player names it."""
    journal = Journal(store.parent / "gare.sqlite", "gare", "gare")
    at = datetime(2026, 11, 10, 10, 20, tzinfo=PARIS)
    journal.append("nfc_tap", at, {"link": deep_link(OFFER, "gare", "fr")})
    marked_tap = datetime(2026, 11, 10, 11, 25, tzinfo=PARIS)  # the Pixel's tap (v=n)
    journal.append("nfc_tap", marked_tap, {"link": deep_link(OFFER, "gare", "fr")})
    while (batch := journal.next_batch()) is not None:
        (store / batch[0]).parent.mkdir(parents=True, exist_ok=True)
        (store / batch[0]).write_bytes(batch[1])
        journal.acknowledge(batch[0], at)
    journal.close()


def run_report(store: Path, out: Path, *extra: str) -> str:
    argv = ["report", "--store", store.as_uri(), "--content", str(ROOT / "content"),
            "--out", str(out), "--cache", str(out.parent / "cache"),
            "--since", "2026-11-10", "--until", "2026-11-10", "--campaign", CAMPAIGN,
            "--as-of", "2026-11-10T18:00:00+01:00", *extra]  # fmt: skip
    said = io.StringIO()
    code = cli.run(cli.parse_options(argv, datetime(2026, 11, 10, 17, tzinfo=UTC)), said)
    assert code == 0, said.getvalue()
    return said.getvalue()


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as rows:
        return list(csv.DictReader(rows))


def test_the_report_shows_the_qr_scans_of_the_store_logs(
    served: Served, tmp_path: Path, browser: Any
) -> None:
    store, out = tmp_path / "store", tmp_path / "office"
    journal_nfc_tap(store)
    (store / "logs").mkdir(parents=True)
    (store / "logs" / "access.log.1.gz").write_bytes(gzip.compress(served.log.read_bytes()))
    said = run_report(store, out)
    total = sum(LEDGER.values()) + sum(MARKED.values())
    assert f"{total} deep-link arrivals from kiosks in 1 access log files" in said
    # 10:xx, unmarked: arrivals - journaled taps (estimated); 11:xx, marked: the QR marks only
    estimated = {
        site: LEDGER.get((site, OFFER), 0) - NFC_TAPS.get((site, OFFER), 0)
        for site in ("gare", "bureau-port-genet")
    }
    measured = {"gare": MARKED[("gare", OFFER, QR)], "bureau-port-genet": 0}
    expected = {site: estimated[site] + measured[site] for site in estimated}
    assert f"{sum(expected.values())} QR scans (mesuré + estimé)" in said
    rows = {r["site"]: r for r in csv_rows(out / "campaigns" / f"{CAMPAIGN}.csv")}
    assert {site: int(rows[site]["qr_scans"]) for site in expected} == expected
    assert sum(int(r["qr_scans"]) for r in rows.values()) == sum(expected.values())
    gare, port = rows["gare"], rows["bureau-port-genet"]
    assert int(gare["link_arrivals"]) == LEDGER[("gare", OFFER)] + 3  # + the marked ones
    assert (gare["qr_method"], gare["qr_marked"], gare["qr_estimated"], gare["nfc_arrivals"]) == (
        "mesuré + estimé", "2", "2", "1",
    )  # fmt: skip
    assert (port["qr_method"], port["qr_marked"], port["qr_estimated"]) == ("estimé", "0", "1")
    by_site = {r["Site"]: r for r in csv_rows(out / "csv" / "qr_by_site.csv")}
    unmarked = LEDGER[("gare", OFFER)] + LEDGER[("gare", OTHER)]
    assert by_site["gare"] == {
        "Site": "gare",
        "Arrivées par lien de borne": str(unmarked + sum(MARKED.values())),
        "Contacts NFC": "2",  # both journaled taps
        "NFC (pages ouvertes)": str(MARKED[("gare", OFFER, NFC)]),
        "QR mesurés": str(MARKED[("gare", OFFER, QR)]),
        "QR estimés": str(unmarked - NFC_TAPS[("gare", OFFER)]),
        "QR scannés": str(unmarked - NFC_TAPS[("gare", OFFER)] + MARKED[("gare", OFFER, QR)]),
        "Méthode QR": "mesuré + estimé",
    }
    assert by_site["bureau-port-genet"]["Méthode QR"] == "estimé"
    by_hour = {
        int(r["Heure"]): int(r["QR scannés"]) for r in csv_rows(out / "csv" / "qr_by_hour.csv")
    }
    assert by_hour[10] == sum(LEDGER.values()) - sum(NFC_TAPS.values())
    assert by_hour[11] == MARKED[("gare", OFFER, QR)]  # the 11:25 tap takes nothing away
    assert sum(by_hour.values()) == by_hour[10] + by_hour[11]
    methods = {r["Heure"]: r["Méthode QR"] for r in csv_rows(out / "csv" / "qr_by_hour.csv")}
    assert (methods["9"], methods["10"], methods["11"]) == ("—", "estimé", "mesuré")
    weekdays = {
        r["Jour"]: int(r["QR scannés"]) for r in csv_rows(out / "csv" / "qr_by_weekday.csv")
    }
    assert weekdays["mar."] == by_hour[10] + by_hour[11]
    assert {r["Jour"]: r["Méthode QR"] for r in csv_rows(out / "csv" / "qr_by_weekday.csv")}[
        "mar."
    ] == "mesuré + estimé"
    anomalies = (out / "csv" / "anomalies.csv").read_text()
    assert arrivals.FOREIGN_SITE in anomalies and arrivals.NOT_UNDERSTOOD in anomalies
    assert "logs/access.log.1.gz" in anomalies
    pdf = out / "campaigns" / f"{CAMPAIGN}.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = " ".join(text.split())
    assert f"QR codes scannés {sum(expected.values())} (mesuré + estimé)" in words
    assert "NFC (pages ouvertes) 1" in words and "v=q dans le QR code" in words
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert "Pages:           1" in info.stdout
    audience = html.unescape((out / "audience.html").read_text(encoding="utf-8"))
    assert "QR scannés par heure" in audience and qr_figures.QR_NOT_MEASURED not in audience
    assert qr_figures.QR_DEFINITION in audience
    campaign = html.unescape((out / "campaigns" / f"{CAMPAIGN}.html").read_text("utf-8"))
    assert "<td>4 (mesuré + estimé)</td>" in campaign and "<td>1 (estimé)</td>" in campaign
    page = browser.new_page()
    for name in ("audience.html", "index.html", f"campaigns/{CAMPAIGN}.html"):
        page.goto((out / name).as_uri())
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            "() => axe.run().then(r => r.violations.map(v => [v.id, v.nodes.length]))"
        )
        assert violations == [], name
    page.close()
    for path in out.rglob("*"):  # privacy: no address anywhere in what the report writes
        if path.suffix in (".html", ".csv", ".svg"):
            assert "127.0.0.1" not in path.read_text(encoding="utf-8"), path


def test_without_access_logs_qr_is_not_measured_never_zero(tmp_path: Path) -> None:
    store, out = tmp_path / "store", tmp_path / "office"
    journal_nfc_tap(store)
    said = run_report(store, out)
    assert "QR not measured (no access logs)" in said
    for page in ("audience.html", "index.html", f"campaigns/{CAMPAIGN}.html"):
        assert qr_figures.QR_NOT_MEASURED in html.unescape((out / page).read_text("utf-8")), page
    rows = csv_rows(out / "campaigns" / f"{CAMPAIGN}.csv")
    assert rows and all(r["qr_scans"] == "" and r["link_arrivals"] == "" for r in rows)
    assert not (out / "csv" / "qr_by_site.csv").exists()


CLOUDFRONT = (
    "#Version: 1.0\n"
    "#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem "
    "sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type\n"
)


def cloudfront_line(at: str, address: str, stem: str, status: int, agent: str, query: str) -> str:
    day, moment = at.split("T")
    encoded = agent.replace(" ", "%2520")  # CloudFront encodes the agent twice
    return "\t".join([day, moment, "CDG50-C1", "512", address, "GET", "d1.cloudfront.net",
                      stem, str(status), "-", encoded, query, "-", "Hit"]) + "\n"  # fmt: skip


def cloudfront_files() -> dict[str, bytes]:
    """An hour of CloudFront standard log (gzip), and the next file cut short."""
    stem = f"/d/fr/{OFFER}/"
    lines = [
        cloudfront_line("2026-11-10T09:00:05", "203.0.113.9", stem, 200, IPHONE, "k=gare"),
        cloudfront_line("2026-11-10T09:10:05", "203.0.113.9", stem, 304, IPHONE, "k=gare"),
        cloudfront_line("2026-11-10T09:40:05", "203.0.113.9", stem, 200, IPHONE, "k=gare"),
        cloudfront_line("2026-11-10T09:00:09", "198.51.100.7", stem, 200, GOOGLEBOT, "k=gare"),
        cloudfront_line("2026-11-10T09:00:09", "198.51.100.7", stem, 404, FIREFOX, "k=gare"),
        cloudfront_line("2026-11-10T09:01:00", "198.51.100.8", stem, 200, FIREFOX, "k=gare"),
        cloudfront_line("2026-11-10T09:20:00", "198.51.100.9", stem, 200, FIREFOX, "k=gare&v=q"),
        "2026-11-10\t09:02:00\ttoo few fields 198.51.100.8\n",
    ]
    return {
        "E2ABC.2026-11-10-09.a1b2.gz": gzip.compress((CLOUDFRONT + "".join(lines)).encode()),
        "E2ABC.2026-11-10-10.c3d4.gz": gzip.compress(b"#Version: 1.0\n")[:-6],
    }


def test_a_cloudfront_log_gives_the_same_counting(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    for name, data in cloudfront_files().items():
        (folder / name).write_bytes(data)
    counted = arrivals.count_arrivals(arrivals.read_folder(folder), {"gare"}, KEY)
    # the iPhone at 10:00 and 10:40 Paris (the 10:10 revalidation is a repeat), Firefox once
    # and a scan of a QR code marked v=q at 10:20
    found = [
        (a.site, a.at.astimezone(PARIS).strftime("%H:%M"), a.channel) for a in counted.arrivals
    ]
    assert found == [
        ("gare", "10:00", None), ("gare", "10:01", None), ("gare", "10:20", QR),
        ("gare", "10:40", None),
    ]  # fmt: skip
    assert counted.not_counted["bot (user agent)"] == 1
    assert counted.not_counted["same phone, same item within 30 min"] == 1
    assert {(k, n) for k, n, _, _ in counted.anomalies} == {
        (arrivals.NOT_UNDERSTOOD, "E2ABC.2026-11-10-09.a1b2.gz"),
        (arrivals.CUT_FILE, "E2ABC.2026-11-10-10.c3d4.gz"),
    }
    assert all("198.51" not in example for *_, example in counted.anomalies)
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE handoffs (site VARCHAR, slug VARCHAR, day DATE, hour BIGINT, kind VARCHAR)"
    )
    con.execute("CREATE TABLE anomalies (kind VARCHAR, key VARCHAR, lines BIGINT, "
                "first_line BIGINT, example VARCHAR)")  # fmt: skip
    arrivals.load(con, counted)
    assert qr_figures.qr_measured(con)
    audience = qr_figures.qr_audience(
        con, datetime(2026, 11, 10).date(), datetime(2026, 11, 10).date()
    )
    assert audience is not None  # no tap journaled: every unmarked arrival is a QR scan
    assert audience["qr_by_site"] == [("gare", 4, 0, 0, 1, 3, 4, "mesuré + estimé")]


def test_the_repeat_window_and_the_phone_hash() -> None:
    def line(at: datetime, address: str) -> str:
        stamp = at.strftime("%d/%b/%Y:%H:%M:%S +0100")
        return f'{address} - - [{stamp}] "GET /d/fr/{OFFER}/?k=gare HTTP/2.0" 200 9 "-" "{FIREFOX}"'

    start = datetime(2026, 11, 10, 10, 0)
    moments = [start, start + timedelta(minutes=29, seconds=59), start + timedelta(minutes=30)]
    log = "\n".join([*(line(m, "192.0.2.1") for m in moments), line(start, "192.0.2.2")])
    counted = arrivals.count_arrivals([("a.log", log.encode())], {"gare"}, KEY)
    assert len(counted.arrivals) == 3  # 10:00 and 10:30 for the first phone, the second phone
    other_run = arrivals.phone_of("192.0.2.1", FIREFOX, b"x" * 32)
    assert arrivals.phone_of("192.0.2.1", FIREFOX, KEY) != other_run  # a key per run
    assert arrivals.masked("2001:db8::1 and 192.0.2.1 said") == "<adresse> and <adresse> said"


def test_access_logs_that_do_not_exist_are_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(arrivals.AccessLogError, match="no such file or folder: give --access-logs"):
        arrivals.read_folder(tmp_path / "missing")


def test_the_store_logs_prefix_is_read_from_s3(
    tmp_path: Path,
    s3_server: str,  # noqa: F811
) -> None:
    client = admin_client(s3_server)
    client.create_bucket(Bucket="logs-office")
    for name, data in cloudfront_files().items():
        client.put_object(Bucket="logs-office", Key=f"p2f/logs/cdn/{name}", Body=data)
    client.put_object(Bucket="logs-office", Key="p2f/site/index.html", Body=b"not a log")
    logs = arrivals.read_store(S3Store("logs-office", "p2f", client=client))
    assert logs is not None
    counted = arrivals.count_arrivals(logs, {"gare"}, KEY)
    folder = tmp_path / "logs"
    folder.mkdir()
    for name, data in cloudfront_files().items():
        (folder / name).write_bytes(data)
    local = arrivals.count_arrivals(arrivals.read_folder(folder), {"gare"}, KEY)
    assert counted.arrivals == local.arrivals and len(counted.arrivals) == 4
    assert {name for _, name, _, _ in counted.anomalies} == {
        f"logs/cdn/{name}" for name in cloudfront_files()
    }
    assert arrivals.read_store(S3Store("logs-office", "nothing", client=client)) is None


def test_format_corners_apache_quotes_ipv6_tls_probes_and_http_methods() -> None:
    stamp = "[10/Nov/2026:10:00:00 +0100]"
    log = "\n".join([
        # Apache escapes a quote in the agent as \" ; an IPv6 phone; a trailing extra field
        f'2001:db8::7 - - {stamp} "GET /d/fr/{OFFER}/?k=gare HTTP/1.1" 302 0 "-" '
        f'"Mozilla/5.0 (Android 14; \\"x\\") Mobile" 0.003',
        # a TLS handshake on the plain port, as nginx logs it: a request, not a GET
        f'192.0.2.9 - - {stamp} "\\x16\\x03\\x01\\x02\\x00\\x01" 400 157 "-" "-"',
        f'192.0.2.9 - - {stamp} "HEAD /d/fr/{OFFER}/?k=gare HTTP/1.1" 200 0 "-" "{FIREFOX}"',
        f'192.0.2.9 - - {stamp} "POST /d/fr/{OFFER}/?k=gare HTTP/1.1" 405 0 "-" "{FIREFOX}"',
        f'192.0.2.9 - - [10/Nov/2026:10:00:00] "GET / HTTP/1.1" 200 9 "-" "{FIREFOX}"',
    ])  # fmt: skip
    counted = arrivals.count_arrivals([("x.log", log.encode())], {"gare"}, KEY)
    assert [(a.site, a.slug, a.lang) for a in counted.arrivals] == [("gare", OFFER, "fr")]
    # the same lines as two gzip members in one file (``cat a.gz b.gz``): all of them read
    halves = log.encode().split(b"\n", 2)
    two = gzip.compress(b"\n".join(halves[:2]) + b"\n") + gzip.compress(halves[2])
    again = arrivals.count_arrivals([("x.log.gz", two)], {"gare"}, KEY)
    assert (again.arrivals, again.not_counted, again.lines) == (
        counted.arrivals, counted.not_counted, counted.lines,
    )  # fmt: skip
    assert counted.not_counted == {"not a GET answered 200 or 30x": 3}
    assert [(kind, line) for kind, _, line, _ in counted.anomalies] == [
        (arrivals.NOT_UNDERSTOOD, 5)  # a time without its offset: not the combined format
    ]
