"""Write a synthetic fleet's telemetry straight in its compacted form (for report_bench.py).

1,000 screens for a year is ~1.1 billion events: ~310 GB as JSONL, more than this machine can
hold or parse. What the reports read of a compacted store is the per-day Parquet files, so this
writes those directly, one day at a time: the day's checked rows are made with DuckDB SQL at the
rates of ``report_bench.screen_day`` (screens on 08:00-20:00, a slide every 10-20 s with 5 % of
them a sponsor's, a heartbeat every 5 minutes, touch sessions per hour from the same daily curve,
an NFC tap after ~30 % of them and a QR hand-off after ~20 %), then written by compaction's own
code (``compaction._write_tables``: the same files, the same derived tables). Slides start on a
14.25 s grid (the mean of 10, 12, 15 and 20 s) with their own length, so plays may overlap or
leave gaps by a few seconds: the rate is right, the timeline is approximate.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from datetime import date, timedelta
from pathlib import Path

from p2f_office import compaction, loader, queries
from p2f_office.layout import file_key
from p2f_player.contract.deeplinks import deep_link

_LINK = deep_link("slugmark", "sitemark").replace("slugmark", "' || {slug} || '")
_LINK = "'" + _LINK.replace("sitemark", "' || site || '") + "'"

# one screen's day: slots 0-3030 slides, 3100-3243 heartbeats, 3300-3399 touch sessions,
# 3400-3499 their NFC taps, 3500-3599 their QR hand-offs, 3900/3901 screen on/off
_DAY = f"""
INSERT INTO checked BY NAME
WITH screens AS (
    SELECT n, printf('site-%02d', n % 12) AS site, printf('screen-%04d', n) AS device,
           timezone('{queries.TIMEZONE}', $day::TIMESTAMP + INTERVAL 8 HOUR) AS t0
    FROM range($screens) AS t(n)
), slides AS (
    SELECT site, device, i AS slot, t0 + to_milliseconds(i * 14250) AS ts,
           [10, 12, 15, 20][1 + (hash(device, $d, i) % 4)::BIGINT] AS length,
           hash(device, $d, i, 'sponsor') % 20 = 0 AS sponsored, hash(device, $d, i) % 40 AS lieu
    FROM screens, range(3031) AS r(i)
), touch_hours AS (
    SELECT site, device, t0, h,
           CAST(floor((hash(device, $d, h) % 1000) / 1000 * 2
                * [0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 3.5, 4, 3.5, 3, 3, 3, 2.5, 2, 1][h + 1])
                AS BIGINT) AS n
    FROM screens, range(8, 20) AS hr(h)
), touches AS (
    SELECT site, device, t0, h, k, (hash(device, $d, h, k) % 1000003)::BIGINT AS r
    FROM (SELECT *, unnest(range(n)) AS k FROM touch_hours)
), rows AS (
    SELECT site, device, slot, ts, 'slide' AS kind,
           CASE WHEN sponsored THEN 'offre-vedettes' ELSE 'lieu-' || lieu END AS slide,
           CASE WHEN sponsored THEN 'vedettes-cap-rousset' END AS sponsor, 'fr' AS lang,
           'share' AS reason, 'r1' AS release, ts AS started,
           ts + to_seconds(length) AS ended, true AS completed,
           NULL AS seconds, NULL AS pages, NULL AS last_item, NULL AS link, NULL AS "mode",
           NULL AS is_on, NULL AS until
    FROM slides
    UNION ALL
    SELECT site, device, 3100 + j, t0 + to_minutes(j * 5), 'heartbeat', NULL, NULL, NULL, NULL,
           'r1', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
    FROM screens, range(144) AS b(j)
    UNION ALL
    SELECT site, device, 3300 + h * 8 + k, t0 + to_minutes((h - 8) * 60 + k * 7),
           'touch_session', NULL, NULL, ['fr', 'fr', 'fr', 'en', 'en', 'de', 'es'][1 + r % 7],
           NULL, NULL, NULL, NULL, NULL, 10 + r % 171, 1 + r % 6, 'lieu-' || (r % 40), NULL,
           NULL, NULL, NULL
    FROM touches
    UNION ALL
    SELECT site, device, 3400 + h * 8 + k, t0 + to_minutes((h - 8) * 60 + k * 7), 'nfc_tap',
           NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
           {_LINK.format(slug="'lieu-' || (r % 37)")}, NULL, NULL, NULL
    FROM touches WHERE r % 10 < 3
    UNION ALL
    SELECT site, device, 3500 + h * 8 + k, t0 + to_minutes((h - 8) * 60 + k * 7), 'qr_shown',
           NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
           {_LINK.format(slug="'lieu-' || (r % 31)")}, 'handoff', NULL, NULL
    FROM touches WHERE r % 10 >= 8
    UNION ALL
    SELECT site, device, 3900 + o, t0 + to_hours(12 * o), 'screen', NULL, NULL, NULL, NULL,
           NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, o = 0,
           CASE WHEN o = 0 THEN t0 + INTERVAL 12 HOUR END
    FROM screens, range(2) AS s(o)
), numbered AS (SELECT *, $d * 4000 + slot AS seq FROM rows)
SELECT * EXCLUDE (slot), seq // 500 * 500 AS first_seq, seq // 500 * 500 + 499 AS last_seq,
       'telemetry/' || site || '/' || device || '/events/' || lpad((seq // 500 * 500)::VARCHAR,
       12, '0') || '-' || lpad((seq // 500 * 500 + 499)::VARCHAR, 12, '0') || '.jsonl' AS key,
       site AS key_site, device AS key_device, seq % 500 + 1 AS line_no, false AS not_text,
       false AS unparsed, NULL AS problem, hash(device, seq) AS line_hash, NULL AS example,
       true AS from_parquet
FROM numbered
"""


def generate(out: Path, screens: int, first: date, days: int) -> int:
    """Write ``days`` compacted days of ``screens`` screens under ``out``; the event count."""
    con = loader.connect()
    loader.read_batches(con, loader.Telemetry(root=out))  # an empty ``checked``: its columns
    total = 0
    with tempfile.TemporaryDirectory(prefix="p2f-synthetic-", dir=out.parent) as scratch:
        for d in range(days):
            day = first + timedelta(days=d)
            con.execute("DELETE FROM checked")
            ordinal = (day - date(2000, 1, 1)).days  # seq from the date: days can be added
            con.execute(_DAY, {"day": day, "d": ordinal, "screens": screens})
            con.execute(
                "CREATE OR REPLACE TEMP TABLE winners AS "
                "SELECT * EXCLUDE (from_parquet), CAST(ts AS DATE) AS _day FROM checked"
            )
            total += int((con.execute("SELECT count(*) FROM winners").fetchone() or [0])[0])
            folder = Path(scratch) / day.isoformat()
            folder.mkdir()
            run = uuid.uuid4().hex
            files = compaction._write_tables(con, folder, [day], run)
            for (table, when), path in files.items():
                target = out / file_key(when, table=table)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, target)
            print(f"  {day}: {total:,} events so far", flush=True)
    return total
