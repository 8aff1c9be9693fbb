"""Write the office's files: the static dashboard, the CSVs, the charts and the partner PDFs.

Everything goes under one folder (``build/office/`` by default), never under the public
website's ``build/site``: it names partners, prices and screens' faults. Pages are plain HTML
and CSS (no script), charts are SVG files with the same figures in a table beside them.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from p2f_office import fr, plots
from p2f_office.fr import pct
from p2f_office.pdf import write_pdf
from p2f_office.qr_figures import QR_DEFINITION, QR_NOT_MEASURED
from p2f_office.reports import (
    METHOD,
    VISITORS_DEFINITION,
    CampaignDay,
    ProofOfPlay,
    Screen,
)

STYLESHEET = Path(__file__).parent / "templates" / "office.css"
AUDIENCE_TABLES = (  # (report name, title, header): the CSVs carry the same headers
    (
        "by_site",
        "Sessions tactiles par site",
        ("Site", "Sessions", "Durée moyenne (s)", "Durée médiane (s)", "Fiches ouvertes"),
    ),
    (
        "handoffs_by_site",
        "Passages au téléphone par site",
        ("Site", "Contacts NFC", "QR de passage", "QR affichés"),
    ),
    ("by_hour", "Sessions tactiles par heure", ("Heure", "Sessions")),
    ("by_weekday", "Sessions tactiles par jour de la semaine", ("Jour", "Sessions")),
    ("languages", "Langues choisies", ("Langue", "Sessions")),
    (
        "top_items",
        "Fiches les plus consultées (ouvertes en dernier ou touchées)",
        ("Fiche", "Usages"),
    ),
)
QR_TABLES = (  # the QR scans from the access logs (qr_figures.QR_AUDIENCE), when there are logs
    (
        "qr_by_site",
        "QR scannés par site (journaux d'accès)",
        (
            "Site",
            "Arrivées par lien de borne",
            "Contacts NFC",
            "NFC (pages ouvertes)",
            "QR mesurés",
            "QR estimés",
            "QR scannés",
            "Méthode QR",
        ),
    ),
    ("qr_by_hour", "QR scannés par heure", ("Heure", "QR scannés", "Méthode QR")),
    ("qr_by_weekday", "QR scannés par jour de la semaine", ("Jour", "QR scannés", "Méthode QR")),
)
ANOMALIES_FR = {  # the loader's kinds (queries.CHECKED, queries.ANOMALIES), as shown
    "batch is not UTF-8 text": "lot qui n'est pas du texte UTF-8",
    "line is not a JSON object": "ligne qui n'est pas un objet JSON",
    "event lacks device, site, seq, at or kind": (
        "événement sans écran, site, séquence, date ou type"
    ),
    "unknown event kind": "type d'événement inconnu",
    "event written outside its prefix": "événement écrit hors du dossier de son écran",
    "seq outside its batch's range": "séquence hors de l'intervalle annoncé par le lot",
    "conflicting copy of (device, seq): the first copy is counted": (
        "copie contradictoire de (écran, séquence) : la première copie est comptée"
    ),
    "duplicate (device, seq): counted once": "doublon de (écran, séquence) : compté une fois",
    "unexpected key": "clé inattendue",
    "access log line not understood": "ligne de journal d'accès illisible",
    "access log file unreadable (cut or not gzip)": "journal d'accès illisible (coupé ou non gzip)",
    "deep link naming an unknown kiosk site": "lien de borne nommant un site inconnu",
    "CloudFront line before its #Fields header": "ligne CloudFront avant son en-tête #Fields",
}
CAMPAIGN_CSV_HEADER = (
    "campaign",
    "partner",
    "site",
    "day",
    "plays",
    "seconds",
    "screen_seconds",
    "delivered_share",
    "booked_share",
    "alert_seconds",
    "screen_off_seconds",
    "browsing_seconds",
    "nothing_eligible_seconds",
    "not_playing_seconds",
    "nfc_taps",
    "qr_shown",
    "link_arrivals",  # empty: no access log covers the day (not measured, not 0)
    "qr_scans",
    "qr_method",  # mesuré (links marked v=q), estimé (unmarked), mesuré + estimé
    "qr_marked",
    "qr_estimated",
    "nfc_arrivals",  # arrivals by a link marked NFC (v=n): taps that opened the page
)


@dataclass(frozen=True)
class Context:
    since: date
    until: date
    as_of: datetime
    partners: Mapping[str, str]  # partner slug -> name


def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("p2f_office", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.globals["pct"] = pct
    env.filters["num"] = fr.num
    env.filters["day"] = fr.day
    env.filters["moment"] = fr.moment
    env.filters["anomaly"] = lambda kind: ANOMALIES_FR.get(kind, kind)
    env.globals["qr_cell"] = qr_cell
    return env


def qr_cell(scans: int | None, method: str | None) -> str:
    """A QR figure as shown: the number and how it was found, or "non mesuré"."""
    return "non mesuré" if scans is None else f"{fr.num(scans)} ({method})"


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def per_site(proof: ProofOfPlay) -> list[CampaignDay]:
    """The campaign's days summed per site (the PDF's table)."""
    sums: dict[str, CampaignDay] = {}
    for row in proof.days:
        seen = sums.get(row.site)
        if seen is None:
            sums[row.site] = row
            continue
        numbers = {
            name: _add(getattr(seen, name), getattr(row, name))
            for name in CampaignDay.__dataclass_fields__
            if name not in ("site", "day")
        }
        sums[row.site] = replace(seen, **numbers)
    return [sums[site] for site in sorted(sums)]


def _add(a: Any, b: Any) -> Any:
    """A sum where ``None`` (not measured) counts for nothing, and two of them stay ``None``."""
    return b if a is None else a if b is None else a + b


def campaign_rows(proof: ProofOfPlay) -> list[tuple[Any, ...]]:
    c = proof.campaign
    return [
        (
            c.slug,
            c.partner,
            d.site,
            d.day.isoformat(),
            d.plays,
            round(d.seconds, 3),
            round(d.screen_seconds, 3),
            round(d.delivered_share, 6),
            round(proof.booked_share, 6),
            round(d.alert_seconds, 3),
            round(d.screen_off_seconds, 3),
            round(d.browsing_seconds, 3),
            round(d.idle_seconds, 3),
            round(d.not_playing_seconds, 3),
            d.nfc_taps,
            d.qr_shown,
            d.link_arrivals,
            d.qr_scans,
            d.qr_method,
            d.qr_marked,
            d.qr_estimated,
            d.nfc_arrivals,
        )
        for d in proof.days
    ]


def write_campaign(env: Environment, out: Path, proof: ProofOfPlay, ctx: Context) -> None:
    slug = proof.campaign.slug
    folder = out / "campaigns"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(STYLESHEET, out / "office.css")  # the PDF is laid out with it
    chart = folder / f"{slug}.svg"
    plots.campaign_chart(proof, chart)
    write_csv(folder / f"{slug}.csv", CAMPAIGN_CSV_HEADER, campaign_rows(proof))
    c = proof.campaign
    booking = (
        f"{pct(c.share)} du temps d'écran"
        if c.share is not None
        else f"{fr.num(c.plays_per_hour, 1)} diffusions par heure"
    )
    values = {
        "p": proof,
        "partner_name": ctx.partners.get(c.partner, c.partner),
        "booking": booking,
        "chart": chart.name,
        "per_site": per_site(proof),
        "method": METHOD,
        "qr_definition": QR_DEFINITION,
        "qr_not_measured": QR_NOT_MEASURED,
    }
    template = env.get_template("campaign.html")
    (folder / f"{slug}.html").write_text(template.render(values, pdf=False), encoding="utf-8")
    write_pdf(template.render(values, pdf=True), folder, folder / f"{slug}.pdf")


def write_dashboard(
    out: Path,
    ctx: Context,
    proofs: Sequence[ProofOfPlay],
    audience: Mapping[str, list[tuple[Any, ...]]],
    visitors: int,
    screens: Sequence[Screen],
    screenshots: Mapping[str, Path],
    anomalies: Sequence[tuple[Any, ...]],
    silent_minutes: float,
    qr: Mapping[str, list[tuple[Any, ...]]] | None = None,
) -> None:
    """Every page, CSV, chart and PDF of one report run, into ``out``; ``qr``: the QR scans
    of ``qr_figures.qr_audience`` (``None``: no access logs, the pages say not measured)."""
    env = _env()
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(STYLESHEET, out / "office.css")
    common = {
        "root": "",
        "since": ctx.since,
        "until": ctx.until,
        "as_of": ctx.as_of,
    }
    for proof in proofs:
        write_campaign(env, out, proof, ctx)
    write_csv(
        out / "csv" / "anomalies.csv", ("kind", "key", "lines", "first_line", "example"), anomalies
    )
    (out / "index.html").write_text(
        env.get_template("index.html").render(
            common,
            page="index",
            title="Vue d'ensemble",
            proofs=proofs,
            visitors=visitors,
            visitors_definition=VISITORS_DEFINITION,
            method=METHOD,
            anomalies=anomalies,
            partners=ctx.partners,
            qr_not_measured=QR_NOT_MEASURED if qr is None else None,
        ),
        encoding="utf-8",
    )
    tables = []
    for name, title, header in AUDIENCE_TABLES:
        rows = audience[name]
        if name == "by_weekday":
            rows = [(fr.WEEKDAYS[int(weekday) - 1], n) for weekday, n in rows]
        write_csv(out / "csv" / f"{name}.csv", header, rows)
        chart = None
        if name in ("by_hour", "by_weekday"):
            chart = f"plots/{name}.svg"
            plots.bar_chart(
                [str(r[0]) for r in rows], [r[1] for r in rows], "sessions tactiles", out / chart
            )
        tables.append({"id": name, "title": title, "header": header, "rows": rows, "chart": chart})
    qr_tables = _qr_tables(out, qr) if qr is not None else []
    (out / "audience.html").write_text(
        env.get_template("audience.html").render(
            common,
            page="audience",
            title="Audience",
            tables=tables,
            visitors=visitors,
            visitors_definition=VISITORS_DEFINITION,
            qr_tables=qr_tables,
            qr_definition=QR_DEFINITION,
            qr_not_measured=QR_NOT_MEASURED,
        ),
        encoding="utf-8",
    )
    shots = {}
    for device, source in screenshots.items():
        target = out / "screenshots" / f"{device}.jpg"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        shots[device] = f"screenshots/{device}.jpg"
    fields = [name for name in Screen.__dataclass_fields__ if name != "alarms"]
    write_csv(
        out / "csv" / "fleet.csv",
        [*fields, "alarms"],
        [[*(getattr(s, f) for f in fields), "; ".join(s.alarms)] for s in screens],
    )
    (out / "fleet.html").write_text(
        env.get_template("fleet.html").render(
            common,
            page="fleet",
            title="Parc d'écrans",
            screens=screens,
            shots=shots,
            silent_minutes=round(silent_minutes),
        ),
        encoding="utf-8",
    )


def _qr_tables(out: Path, qr: Mapping[str, list[tuple[Any, ...]]]) -> list[dict[str, Any]]:
    """The QR scans' CSVs and charts (written only when there are access logs)."""
    tables = []
    for name, title, header in QR_TABLES:
        rows = qr[name]
        if name == "qr_by_weekday":
            rows = [(fr.WEEKDAYS[int(row[0]) - 1], *row[1:]) for row in rows]
        write_csv(out / "csv" / f"{name}.csv", header, rows)
        chart = None
        if name != "qr_by_site":
            chart = f"plots/{name}.svg"
            labels = [str(r[0]) for r in rows]
            plots.bar_chart(labels, [r[1] for r in rows], "QR scannés", out / chart)
        tables.append({"id": name, "title": title, "header": header, "rows": rows, "chart": chart})
    return tables
