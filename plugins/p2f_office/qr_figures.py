"""The QR figures of the reports, from the deep-link arrivals (``p2f_office.arrivals``).

A QR scan is found in one of two ways, and every figure says which (``method_of``): measured,
from arrivals by a link the player marked as a QR hand-off (``v=q``); or estimated, from
unmarked arrivals (older players and tags, printed codes, a link typed by hand) less the
journaled NFC taps no marked NFC arrival accounts for (``arrivals.QR_SCANS``). Arrivals by a
link marked NFC (``v=n``) are taps that opened the page: "NFC (pages ouvertes)".

Runs SQL on the tables ``arrivals.load`` wrote; no file or store access.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

import duckdb

from p2f_model.campaigns import Campaign

if TYPE_CHECKING:
    from p2f_office.reports import CampaignDay

    Day = TypeVar("Day", bound=CampaignDay)

QR_NOT_MEASURED = "QR : non mesuré (pas de journaux d'accès)"
MEASURED = "mesuré"  # every arrival carried the player's mark
ESTIMATED = "estimé"  # no arrival carried it
MIXED = "mesuré + estimé"
QR_DEFINITION = (
    "QR scannés : arrivées sur livep2f.com par le lien d'une borne (/d/…?k=site), lues dans les "
    "journaux d'accès du serveur web ou du CDN — requêtes GET réussies (200 ou redirection), "
    "site de borne connu, robots exclus d'après leur agent utilisateur, un même téléphone "
    "revenant sur la même fiche dans les 30 minutes compté une fois. Les bornes marquent le "
    "lien qu'elles donnent (v=q dans le QR code, v=n sur l'étiquette NFC) : un QR scanné par un "
    "lien marqué est compté exactement (« mesuré ») ; une arrivée par un lien marqué NFC est un "
    "contact NFC qui a ouvert la page (« NFC (pages ouvertes) »). Une arrivée sans marque "
    "(borne ou étiquette plus ancienne, lien recopié à la main) peut venir de l'un ou de "
    "l'autre : les QR sont alors estimés (« estimé ») comme les arrivées sans marque moins les "
    "contacts NFC de la même fiche au même site dans la même heure que les arrivées marquées "
    "NFC n'expliquent pas, jamais moins de 0. Les adresses IP ne sont jamais conservées."
)


def method_of(marked: int, unmarked: int) -> str:
    """How a QR figure was found: ``marked`` and ``unmarked`` arrivals behind it."""
    if unmarked == 0:
        return MEASURED
    return ESTIMATED if marked == 0 else MIXED


def qr_measured(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether access logs were loaded (``arrivals.load``) and hold at least one request."""
    tables = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'qr_coverage'"
    ).fetchone()
    if not tables or not tables[0]:
        return False
    row = con.execute("SELECT first_day FROM qr_coverage").fetchone()
    return bool(row and row[0] is not None)


_QR_PROOF = """
WITH slugs AS (
    SELECT unnest($slides::VARCHAR[]) AS slug
    UNION SELECT DISTINCT slide FROM plays
          WHERE len($slides::VARCHAR[]) = 0 AND sponsor = $partner
)
SELECT site, day, sum(arrivals), sum(scans), sum(qr_marked), sum(qr_estimated),
       sum(nfc_arrivals), sum(unmarked)
FROM qr_scans
WHERE list_contains($sites::VARCHAR[], site) AND slug IN (SELECT slug FROM slugs)
GROUP BY site, day
"""


def with_qr_scans(
    con: duckdb.DuckDBPyConnection, campaign: Campaign, days: Sequence[Day]
) -> list[Day]:
    """``days`` with their link arrivals and QR scans; days the logs do not cover keep None."""
    coverage = con.execute("SELECT first_day, last_day FROM qr_coverage").fetchone()
    assert coverage is not None
    first, last = coverage
    rows = con.execute(
        _QR_PROOF,
        {"sites": list(campaign.sites), "slides": list(campaign.slides),
         "partner": campaign.partner},
    ).fetchall()  # fmt: skip
    found = {(site, day): tuple(int(n) for n in numbers) for site, day, *numbers in rows}
    out = []
    for d in days:
        if first <= d.day <= last:
            arrivals, scans, marked, estimated, nfc, unmarked = found.get(
                (d.site, d.day), (0, 0, 0, 0, 0, 0)
            )
            d = replace(
                d, link_arrivals=arrivals, qr_scans=scans, qr_marked=marked,
                qr_estimated=estimated, nfc_arrivals=nfc, link_unmarked=unmarked,
            )  # fmt: skip
        out.append(d)
    return out


NO_ARRIVAL = "—"  # an hour or a day of the week no arrival fell in: no method to tell


def _method_sql(q: str = "") -> str:
    """``method_of`` in SQL over the summed ``qr_scans`` rows (``q``: their table's prefix)."""
    return (
        f"CASE WHEN count({q}arrivals) = 0 THEN '{NO_ARRIVAL}' "
        f"WHEN sum({q}unmarked) = 0 THEN '{MEASURED}' "
        f"WHEN sum({q}qr_marked) + sum({q}nfc_arrivals) = 0 THEN '{ESTIMATED}' "
        f"ELSE '{MIXED}' END"
    )


_SUMMED = "arrivals, scans, unmarked, qr_marked, nfc_arrivals"
_QR_RANGE = (
    "day BETWEEN $since::DATE AND $until::DATE "
    "AND day BETWEEN (SELECT first_day FROM qr_coverage) AND (SELECT last_day FROM qr_coverage)"
)
QR_AUDIENCE = {
    "qr_by_site": f"""
        SELECT site, sum(arrivals)::BIGINT AS arrivals, sum(nfc_taps)::BIGINT AS nfc_taps,
               sum(nfc_arrivals)::BIGINT AS nfc_arrivals, sum(qr_marked)::BIGINT AS qr_marked,
               sum(qr_estimated)::BIGINT AS qr_estimated, sum(scans)::BIGINT AS qr_scans,
               {_method_sql()} AS method
        FROM qr_scans WHERE {_QR_RANGE} GROUP BY site ORDER BY site""",
    "qr_by_hour": f"""
        SELECT h AS hour, coalesce(sum(q.scans), 0)::BIGINT AS qr_scans,
               {_method_sql("q.")} AS method
        FROM range(24) AS r(h)
             LEFT JOIN (SELECT hour, {_SUMMED} FROM qr_scans WHERE {_QR_RANGE})
             AS q ON q.hour = r.h GROUP BY h ORDER BY h""",
    "qr_by_weekday": f"""
        SELECT w AS weekday, coalesce(sum(q.scans), 0)::BIGINT AS qr_scans,
               {_method_sql("q.")} AS method
        FROM range(1, 8) AS r(w)
             LEFT JOIN (SELECT weekday, {_SUMMED} FROM qr_scans WHERE {_QR_RANGE})
             AS q ON q.weekday = r.w GROUP BY w ORDER BY w""",
}


def qr_audience(
    con: duckdb.DuckDBPyConnection, since: date, until: date
) -> dict[str, list[tuple[Any, ...]]] | None:
    """Each ``QR_AUDIENCE`` table as rows; ``None`` when no access log was read."""
    if not qr_measured(con):
        return None
    window = {"since": since, "until": until}
    return {name: con.execute(sql, window).fetchall() for name, sql in QR_AUDIENCE.items()}
