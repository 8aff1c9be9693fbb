"""The SQL of the reports, in one place: loading the JSONL batches, then each report.

Loading turns every line of every batch into an event or an anomaly:

- a batch that is not UTF-8, a line that is not JSON, an event without ``device``, ``site``,
  ``seq``, ``at`` or ``kind`` (or of an unknown kind), an event whose device or site is not
  the folder it was found in (a device writing outside its prefix), a ``seq`` outside the range
  the batch's name announces: each is an anomaly, shown and never counted;
- events are de-duplicated on ``(device, seq)`` (docs/player.md): a batch sent twice, or copied
  under another name, is counted once; a second copy with *different* content is an anomaly
  (a journal reset on the device would do that) and the first copy by key name is kept.

Days and hours are local (Europe/Paris); a play belongs to the day and hour it started in.
Every statement runs on the DuckDB connection given; nothing here reads files by itself except
through the paths the loader passes.
"""

from __future__ import annotations

from p2f_player.journal import EVENT_KINDS

TIMEZONE = "Europe/Paris"
__all__ = ["EVENT_KINDS", "TIMEZONE"]

BATCH_FILES = """
CREATE OR REPLACE TEMP TABLE batch_files AS
SELECT unnest($path::VARCHAR[]) AS path, unnest($key::VARCHAR[]) AS key,
       unnest($key_site::VARCHAR[]) AS key_site, unnest($key_device::VARCHAR[]) AS key_device,
       unnest($first_seq::BIGINT[]) AS first_seq, unnest($last_seq::BIGINT[]) AS last_seq
"""

LINES = """
CREATE OR REPLACE TEMP TABLE lines AS
WITH files AS (
    SELECT b.key, b.key_site, b.key_device, b.first_seq, b.last_seq,
           try(decode(f.content)) AS body
    FROM read_blob($paths) AS f JOIN batch_files AS b ON b.path = f.filename
)
SELECT key, key_site, key_device, first_seq, last_seq, body IS NULL AS not_text,
       unnest(string_split(coalesce(body, ''), chr(10))) AS line,
       unnest(range(1, len(string_split(coalesce(body, ''), chr(10))) + 1)) AS line_no
FROM files
"""

NO_LINES = """
CREATE OR REPLACE TEMP TABLE lines (key VARCHAR, key_site VARCHAR, key_device VARCHAR,
    first_seq BIGINT, last_seq BIGINT, not_text BOOLEAN, line VARCHAR, line_no BIGINT)
"""

# Every field any event kind carries, parsed once per line (``json_transform``): a value of
# the wrong type becomes NULL, and a line that is not a JSON object yields no ``doc``.
FIELDS = {
    "device": "VARCHAR",
    "site": "VARCHAR",
    "seq": "BIGINT",
    "at": "VARCHAR",
    "kind": "VARCHAR",
    "slide": "VARCHAR",
    "sponsor": "VARCHAR",
    "lang": "VARCHAR",
    "reason": "VARCHAR",
    "release": "VARCHAR",
    "start": "VARCHAR",
    "end": "VARCHAR",
    "completed": "BOOLEAN",
    "seconds": "DOUBLE",
    "pages": "BIGINT",
    "last": "VARCHAR",
    "link": "VARCHAR",
    "mode": "VARCHAR",
    "on": "BOOLEAN",
    "until": "VARCHAR",
}

CHECKED = """
CREATE OR REPLACE TEMP TABLE checked AS
WITH parsed AS (
    SELECT *, CASE WHEN not_text THEN NULL
                   ELSE try(json_transform(line, $fields::VARCHAR)) END AS doc
    FROM lines WHERE not_text OR trim(line) <> ''
), fields AS (
    SELECT * EXCLUDE (doc), doc IS NULL AS unparsed, doc.device, doc.site, doc.seq,
           try_cast(doc.at AS TIMESTAMPTZ) AS ts, doc.kind, doc.slide, doc.sponsor, doc.lang,
           doc.reason, doc.release, try_cast(doc.start AS TIMESTAMPTZ) AS started,
           try_cast(doc."end" AS TIMESTAMPTZ) AS ended, doc.completed,
           doc.seconds, doc.pages, doc."last" AS last_item, doc.link, doc."mode",
           doc."on" AS is_on, try_cast(doc.until AS TIMESTAMPTZ) AS until
    FROM parsed
), judged AS (
    SELECT *, CASE
        WHEN not_text THEN 'batch is not UTF-8 text'
        WHEN unparsed THEN 'line is not a JSON object'
        WHEN device IS NULL OR site IS NULL OR seq IS NULL OR ts IS NULL OR kind IS NULL
             THEN 'event lacks device, site, seq, at or kind'
        WHEN NOT list_contains($kinds::VARCHAR[], kind) THEN 'unknown event kind'
        WHEN device <> key_device OR site <> key_site THEN 'event written outside its prefix'
        WHEN seq < first_seq OR seq > last_seq THEN 'seq outside its batch''s range'
    END AS problem
    FROM fields
)
SELECT * EXCLUDE (line), hash(line) AS line_hash,
       CASE WHEN problem IS NOT NULL THEN left(line, 160) END AS example,
       false AS from_parquet
FROM judged
"""

# (device, seq) seen more than once among good events: the same line again (a batch sent
# twice, or copied under another name) or a different one (a journal reset on the device)
COPIES_OF = """
CREATE OR REPLACE TEMP TABLE {table} AS
WITH multi AS (  -- integers first: the key strings only for the few (device, seq) seen twice
    SELECT device, seq FROM {source} WHERE problem IS NULL
    GROUP BY device, seq HAVING count(*) > 1
)
SELECT device, seq, count(DISTINCT line_hash) > 1 AS conflicting,
       min(key || '#' || lpad(line_no::VARCHAR, 9, '0')) AS first_copy
FROM {source} SEMI JOIN multi USING (device, seq) WHERE problem IS NULL
GROUP BY device, seq
"""
COPIES = COPIES_OF.format(table="copies", source="all_checked")

ANOMALIES = """
CREATE OR REPLACE TABLE anomalies AS
WITH bad AS (
    SELECT problem, key, line_no, example FROM all_checked WHERE problem IS NOT NULL
    UNION ALL
    SELECT CASE WHEN copies.conflicting
                THEN 'conflicting copy of (device, seq): the first copy is counted'
                ELSE 'duplicate (device, seq): counted once' END,
           c.key, c.line_no, c.device || ' seq ' || c.seq
    FROM all_checked AS c JOIN copies USING (device, seq)
    WHERE c.problem IS NULL AND c.key || '#' || lpad(c.line_no::VARCHAR, 9, '0') <> first_copy
)
SELECT problem AS kind, key, count(*)::BIGINT AS lines, min(line_no)::BIGINT AS first_line,
       arg_min(example, line_no) AS example
FROM bad GROUP BY problem, key
"""

# the anomalies compaction found, added to those of this load, one row per (kind, key)
ADD_COMPACTED_ANOMALIES = """
CREATE OR REPLACE TABLE anomalies AS
SELECT kind, key, sum(lines)::BIGINT AS lines, min(first_line)::BIGINT AS first_line,
       arg_min(example, first_line) AS example
FROM (SELECT * FROM anomalies UNION ALL
      SELECT kind, key, lines, first_line, example FROM read_parquet($files))
GROUP BY kind, key
"""
COMPACTED_KEYS = """
SELECT DISTINCT key FROM read_parquet($files)
"""

ADD_ANOMALY = "INSERT INTO anomalies VALUES (?, ?, 1, ?, ?)"

# plays, touches, hand-offs and spans are per day (p2f_office.daytables); these read them
DERIVED = (
    """
    CREATE OR REPLACE TABLE screen_off AS
    WITH s AS (
        SELECT site, device, ts, is_on, until,
               lead(ts) OVER (PARTITION BY device ORDER BY ts, seq) AS next_at
        FROM events WHERE kind = 'screen'
    ), spans AS (
        SELECT site, device, ts AS off_from, coalesce(next_at, until, ts) AS off_until
        FROM s WHERE NOT is_on
    ), days AS (
        SELECT site, device, off_from, off_until,
               unnest(generate_series(date_trunc('day', off_from),
                                      date_trunc('day', off_until), INTERVAL 1 DAY)) AS d
        FROM spans WHERE off_until > off_from
    )
    SELECT site, device, CAST(d AS DATE) AS day,
           epoch(least(off_until, d + INTERVAL 1 DAY)) - epoch(greatest(off_from, d)) AS seconds
    FROM days
    """,
    """
    CREATE OR REPLACE TABLE device_days AS  -- ``spans``: each device's first and last event
    WITH span AS (SELECT device, min(first_at) AS first_at, max(last_at) AS last_at FROM spans
                  GROUP BY device),  -- per day (p2f_office.daytables.SPANS), not every event
    days AS (SELECT site, device, day FROM spans GROUP BY ALL)
    SELECT d.site, d.device, d.day,
           epoch(least(span.last_at, CAST(d.day AS TIMESTAMPTZ) + INTERVAL 1 DAY))
             - epoch(greatest(span.first_at, CAST(d.day AS TIMESTAMPTZ))) AS observed_seconds
    FROM days AS d JOIN span USING (device)
    """,
)

HEARTBEAT_DOCS = """
CREATE OR REPLACE TABLE heartbeat_docs (site VARCHAR, device VARCHAR, ts VARCHAR,
    release VARCHAR, sync_status VARCHAR, sync_reason VARCHAR, disk_free_bytes BIGINT,
    errors VARCHAR)
"""
ADD_HEARTBEAT_DOC = "INSERT INTO heartbeat_docs VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
LIVE_RELEASES = "CREATE OR REPLACE TABLE live_releases (site VARCHAR, release VARCHAR)"
ADD_LIVE_RELEASE = "INSERT INTO live_releases VALUES (?, ?)"
