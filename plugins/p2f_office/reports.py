"""The three reports over the loaded tables: proof of play, audience, fleet.

Each function runs SQL on the connection ``loader.load`` filled and returns plain rows; the
definitions every figure follows are the ``*_DEFINITION`` texts below, printed next to the
figures on the dashboard, in the CSVs' companion text and in the PDFs. No file or store access.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import duckdb

from p2f_model.campaigns import Campaign
from p2f_office.qr_figures import method_of, qr_measured, with_qr_scans
from p2f_player.screen import screen_on

METHOD = (
    "Compté à partir des événements que chaque écran consigne avant de les envoyer (une ligne "
    "par visuel affiché, avec son début et sa fin), dédoublonnés sur (écran, numéro de "
    "séquence) : un lot envoyé deux fois ne compte qu'une fois. Une diffusion appartient au "
    "jour local (Europe/Paris) où elle a commencé. Le temps d'écran est le temps pendant lequel "
    "des visuels étaient affichés ; le temps mesuré est ce temps d'écran moins le temps où des "
    "alertes critiques ont pris tout l'écran (un partenaire achète une part de la boucle, pas "
    "d'une urgence), comme le mesure p2f-player simulate. La part diffusée est le nombre de "
    "secondes de la campagne divisé par le temps mesuré ; les secondes réservées sont la part "
    "réservée de ce temps. Le temps non vendu s'explique par les alertes (visuels remplacés par "
    "une alerte), l'écran éteint selon ses horaires, des visiteurs consultant l'annuaire "
    "tactile, rien d'éligible à montrer, et le temps où le lecteur n'a pas joué du tout (éteint, "
    "planté). Les contacts NFC sont ceux faits sur les visuels de la campagne ; les QR codes "
    "affichés sont comptés, leurs lectures ne sont pas mesurées par les écrans."
)
VISITORS_DEFINITION = (
    "Visiteurs (estimation) = sessions tactiles + contacts NFC, du 1er janvier de l'année du "
    "dernier jour du rapport à ce jour. Une session tactile commence quand quelqu'un touche un "
    "écran et se termine après une pause ; chacune compte pour un visiteur, de même que chaque "
    "contact d'un téléphone. Cela sous-estime les personnes qui lisent l'écran sans le toucher, "
    "et compte deux fois quelqu'un qui consulte puis approche son téléphone."
)


@dataclass(frozen=True)
class CampaignDay:
    site: str
    day: date
    plays: int
    seconds: float
    screen_seconds: float
    alert_seconds: float
    idle_seconds: float
    screen_off_seconds: float
    browsing_seconds: float
    not_playing_seconds: float
    nfc_taps: int
    qr_shown: int
    link_arrivals: int | None = None  # from the access logs (p2f_office.arrivals); None:
    qr_scans: int | None = None  # no log covers that day ("not measured", never 0)
    qr_marked: int | None = None  # of qr_scans: arrivals by a link marked QR (measured)
    qr_estimated: int | None = None  # of qr_scans: estimated from unmarked arrivals
    nfc_arrivals: int | None = None  # arrivals by a link marked NFC: taps that opened the page
    link_unmarked: int | None = None  # arrivals by an unmarked link (older players, tags)

    @property
    def qr_method(self) -> str | None:
        """How ``qr_scans`` was found (``qr_figures.method_of``); None: not measured."""
        if self.qr_scans is None:
            return None
        return method_of((self.qr_marked or 0) + (self.nfc_arrivals or 0), self.link_unmarked or 0)

    @property
    def measured_seconds(self) -> float:
        """Screen time less the time critical alerts took over (what a share is of)."""
        return max(self.screen_seconds - self.alert_seconds, 0.0)

    @property
    def delivered_share(self) -> float:
        return self.seconds / self.measured_seconds if self.measured_seconds else 0.0


@dataclass
class ProofOfPlay:
    campaign: Campaign
    since: date
    until: date
    days: list[CampaignDay] = field(default_factory=list)

    def total(self, name: str) -> float:
        return sum(getattr(day, name) for day in self.days)

    def qr_total(self, name: str = "qr_scans") -> int | None:
        """QR scans (or ``link_arrivals``) over the days the access logs cover; ``None``
        when they cover none (``qr_figures.QR_NOT_MEASURED``)."""
        measured = [getattr(d, name) for d in self.days if getattr(d, name) is not None]
        return sum(measured) if measured else None

    def qr_method(self) -> str | None:
        """How the QR total was found, over every measured day; None: not measured."""
        if self.qr_total() is None:
            return None
        marked = (self.qr_total("qr_marked") or 0) + (self.qr_total("nfc_arrivals") or 0)
        return method_of(marked, self.qr_total("link_unmarked") or 0)

    @property
    def booked_share(self) -> float:
        return self.campaign.booked_share()

    @property
    def delivered_share(self) -> float:
        measured = self.total("measured_seconds")
        return self.total("seconds") / measured if measured else 0.0

    @property
    def booked_seconds(self) -> float:
        return self.booked_share * self.total("measured_seconds")

    @property
    def shortfall_seconds(self) -> float:
        return max(0.0, self.booked_seconds - self.total("seconds"))

    @property
    def booked_plays(self) -> float | None:
        if self.campaign.plays_per_hour is None:
            return None
        return self.campaign.plays_per_hour * self.total("measured_seconds") / 3600


_PROOF = """
WITH cal AS (
    SELECT s.site, CAST(d AS DATE) AS day
    FROM unnest($sites::VARCHAR[]) AS s(site),
         unnest(generate_series($since::TIMESTAMP, $until::TIMESTAMP, INTERVAL 1 DAY)) AS g(d)
), mine AS (
    SELECT * FROM plays WHERE list_contains($sites::VARCHAR[], site)
        AND day BETWEEN $since::DATE AND $until::DATE
), slugs AS (
    SELECT unnest($slides::VARCHAR[]) AS slug
    UNION SELECT DISTINCT slide FROM plays
          WHERE len($slides::VARCHAR[]) = 0 AND sponsor = $partner
), played AS (
    SELECT site, day,
        count(*) FILTER (WHERE CASE WHEN len($slides::VARCHAR[]) = 0 THEN sponsor = $partner
                                    ELSE list_contains($slides::VARCHAR[], slide) END) AS plays,
        coalesce(sum(seconds) FILTER (WHERE CASE WHEN len($slides::VARCHAR[]) = 0
             THEN sponsor = $partner ELSE list_contains($slides::VARCHAR[], slide) END), 0)
             AS seconds,
        sum(seconds) AS screen_seconds,
        coalesce(sum(seconds) FILTER (WHERE reason = 'alert'), 0) AS alert_seconds,
        coalesce(sum(seconds) FILTER (WHERE reason LIKE 'nothing eligible%'), 0) AS idle_seconds
    FROM mine GROUP BY site, day
), off AS (SELECT site, day, sum(seconds) AS s FROM screen_off GROUP BY site, day),
browsing AS (SELECT site, day, sum(seconds) AS s FROM touches GROUP BY site, day),
observed AS (SELECT site, day, sum(observed_seconds) AS s FROM device_days GROUP BY site, day),
taps AS (
    SELECT site, day, count(*) FILTER (WHERE kind = 'nfc_tap') AS nfc,
           count(*) FILTER (WHERE kind = 'qr_shown') AS qr
    FROM handoffs WHERE slug IN (SELECT slug FROM slugs) GROUP BY site, day
)
SELECT cal.site, cal.day, coalesce(p.plays, 0), coalesce(p.seconds, 0),
       coalesce(p.screen_seconds, 0), coalesce(p.alert_seconds, 0), coalesce(p.idle_seconds, 0),
       coalesce(off.s, 0), coalesce(browsing.s, 0),
       greatest(coalesce(observed.s, 0) - coalesce(p.screen_seconds, 0) - coalesce(off.s, 0)
                - coalesce(browsing.s, 0), 0),
       coalesce(taps.nfc, 0), coalesce(taps.qr, 0)
FROM cal LEFT JOIN played AS p USING (site, day) LEFT JOIN off USING (site, day)
     LEFT JOIN browsing USING (site, day) LEFT JOIN observed USING (site, day)
     LEFT JOIN taps USING (site, day)
ORDER BY cal.day, cal.site
"""


def proof_of_play(
    con: duckdb.DuckDBPyConnection, campaign: Campaign, since: date, until: date
) -> ProofOfPlay:
    """Per site and day of the campaign's period within ``since``..``until`` (inclusive)."""
    first, last = max(campaign.starts, since), min(campaign.ends, until)
    proof = ProofOfPlay(campaign, first, last)
    if last < first:
        return proof
    rows = con.execute(
        _PROOF,
        {
            "sites": list(campaign.sites),
            "since": first,
            "until": last,
            "slides": list(campaign.slides),
            "partner": campaign.partner,
        },
    ).fetchall()
    proof.days = [
        CampaignDay(
            site,
            day,
            int(plays),
            float(s),
            float(screen),
            float(alert),
            float(idle),
            float(off),
            float(browsing),
            float(down),
            int(nfc),
            int(qr),
        )
        for site, day, plays, s, screen, alert, idle, off, browsing, down, nfc, qr in rows
    ]
    if qr_measured(con):
        proof.days = with_qr_scans(con, campaign, proof.days)
    return proof


# -- audience --------------------------------------------------------------------------------

_RANGE = "day BETWEEN $since::DATE AND $until::DATE"
AUDIENCE = {
    "by_site": f"""
        SELECT site, count(*) AS sessions, round(avg(seconds), 1) AS avg_seconds,
               round(median(seconds), 1) AS median_seconds, sum(pages) AS items_opened
        FROM touches WHERE {_RANGE} GROUP BY site ORDER BY site""",
    "handoffs_by_site": f"""
        SELECT site, count(*) FILTER (WHERE kind = 'nfc_tap') AS nfc_taps,
               count(*) FILTER (WHERE kind = 'qr_shown' AND mode = 'handoff') AS qr_handoffs,
               count(*) FILTER (WHERE kind = 'qr_shown') AS qr_shown
        FROM handoffs WHERE {_RANGE} GROUP BY site ORDER BY site""",
    "by_hour": f"""
        SELECT h AS hour, count(t.hour) AS sessions
        FROM range(24) AS r(h) LEFT JOIN (SELECT hour FROM touches WHERE {_RANGE}) AS t
             ON t.hour = r.h GROUP BY h ORDER BY h""",
    "by_weekday": f"""
        SELECT w AS weekday, count(t.weekday) AS sessions
        FROM range(1, 8) AS r(w) LEFT JOIN (SELECT weekday FROM touches WHERE {_RANGE}) AS t
             ON t.weekday = r.w GROUP BY w ORDER BY w""",
    "languages": f"""
        SELECT coalesce(lang, '?') AS language, count(*) AS sessions
        FROM touches WHERE {_RANGE} GROUP BY ALL ORDER BY sessions DESC, language""",
    "top_items": f"""
        SELECT item, sum(n) AS uses FROM (
            SELECT last_item AS item, count(*) AS n FROM touches
            WHERE {_RANGE} AND last_item IS NOT NULL GROUP BY ALL
            UNION ALL
            SELECT slug, count(*) FROM handoffs
            WHERE {_RANGE} AND kind = 'nfc_tap' AND slug IS NOT NULL GROUP BY ALL)
        GROUP BY item ORDER BY uses DESC, item LIMIT 10""",
}


def audience(
    con: duckdb.DuckDBPyConnection, since: date, until: date
) -> dict[str, list[tuple[Any, ...]]]:
    """Each audience table (``AUDIENCE``) as rows."""
    window = {"since": since, "until": until}
    return {name: con.execute(sql, window).fetchall() for name, sql in AUDIENCE.items()}


def visitors_year_to_date(con: duckdb.DuckDBPyConnection, until: date) -> int:
    """The estimate of ``VISITORS_DEFINITION``."""
    window = {"since": date(until.year, 1, 1), "until": until}
    sessions = con.execute(f"SELECT count(*) FROM touches WHERE {_RANGE}", window).fetchone()
    taps = con.execute(
        f"SELECT count(*) FROM handoffs WHERE {_RANGE} AND kind = 'nfc_tap'", window
    ).fetchone()
    return int(sessions[0] if sessions else 0) + int(taps[0] if taps else 0)


# -- fleet -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Screen:
    site: str
    device: str
    last_heartbeat: datetime | None
    release: str | None
    live_release: str | None
    sync_status: str | None
    sync_reason: str | None
    disk_free_bytes: int | None
    errors: int
    last_errors: str | None
    refusals: int
    screen_is_off: bool
    alarms: tuple[str, ...] = ()


_FLEET = """
WITH devices AS (
    SELECT site, device FROM events GROUP BY ALL
    UNION SELECT site, device FROM heartbeat_docs
), beats AS (SELECT device, max(ts) AS ts FROM events WHERE kind = 'heartbeat' GROUP BY ALL),
errs AS (
    SELECT device, count(*) FILTER (WHERE kind = 'error') AS errors,
           count(*) FILTER (WHERE kind = 'release_refused') AS refusals
    FROM events WHERE ts > $as_of::TIMESTAMPTZ - INTERVAL 1 DAY AND ts <= $as_of::TIMESTAMPTZ
    GROUP BY ALL
), screen AS (
    SELECT device, arg_max(is_on, ts) AS is_on
    FROM events WHERE kind = 'screen' AND ts <= $as_of::TIMESTAMPTZ GROUP BY ALL
)
SELECT d.site, d.device,
       greatest(try_cast(h.ts AS TIMESTAMPTZ), beats.ts) AS last_heartbeat,
       h.release, l.release, h.sync_status, h.sync_reason, h.disk_free_bytes,
       coalesce(errs.errors, 0), h.errors, coalesce(errs.refusals, 0),
       coalesce(NOT screen.is_on, false)
FROM devices AS d LEFT JOIN heartbeat_docs AS h USING (site, device)
     LEFT JOIN beats USING (device) LEFT JOIN errs USING (device)
     LEFT JOIN screen USING (device) LEFT JOIN live_releases AS l USING (site)
ORDER BY d.site, d.device
"""


def fleet(
    con: duckdb.DuckDBPyConnection,
    as_of: datetime,
    live_documents: Mapping[str, Mapping[str, Any]],
    silent_after: timedelta,
) -> list[Screen]:
    """Every screen seen in the telemetry, with its alarms at ``as_of``."""
    screens = []
    for row in con.execute(_FLEET, {"as_of": as_of}).fetchall():
        screen = Screen(*row)
        site_doc = (live_documents.get(screen.site) or {}).get("site")
        screens.append(
            Screen(*row, alarms=alarms(screen, as_of, silent_after, site_doc))  # type: ignore[misc]
        )
    return screens


def alarms(
    screen: Screen,
    as_of: datetime,
    silent_after: timedelta,
    site_doc: Mapping[str, Any] | None,
) -> tuple[str, ...]:
    """What needs a technician: silent, behind the live release, refusing releases, or off
    while its hours say it should be on."""
    out = []
    if screen.last_heartbeat is None or as_of - screen.last_heartbeat > silent_after:
        minutes = silent_after.total_seconds() / 60
        out.append(f"silencieux depuis plus de {minutes:.0f} min")
    if screen.live_release and screen.release != screen.live_release:
        out.append(f"en retard sur la version en ligne ({screen.release or 'aucune'} à l'écran)")
    if screen.refusals or screen.sync_status == "refused":
        out.append("refuse les versions")
    if screen.screen_is_off and screen_on(site_doc, as_of):
        out.append("écran éteint pendant ses horaires")
    return tuple(out)
