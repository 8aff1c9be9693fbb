"""The tables the reports read, per day, and how the loader joins them to the late batches.

Compaction (``p2f_office.compaction``) writes, for each site and local day, the day's
de-duplicated events (``<day>.parquet``) and the tables the reports read, derived from those
events by the SQL below (``<day>.plays.parquet``, ``.touches``, ``.handoffs``). The loader
(``p2f_office.loader``) then never copies or de-duplicates the compacted year: ``events``,
``plays``, ``touches`` and ``handoffs`` are *views* over the Parquet files, plus the rows of the
JSONL batches not yet compacted. Only those few JSONL rows are de-duplicated, against each other
and against the compacted rows with the same ``(device, seq)``; a compacted row that loses (a
late batch whose key sorts first, by the loader's rule) is left out of every view by its
``(key, line_no)``. The derived rows keep ``key`` and ``line_no`` for that; the views drop them.

Every file of a day written by one compaction carries the same ``run`` in its Parquet metadata:
a day whose files disagree (a compaction cut between two uploads) is refused with what to do.
Nothing here reads a file by itself: the statements run on the connection given, over the paths
the loader passes. ``{source}`` is a table of checked rows (``queries.CHECKED``'s columns);
``{extra}`` lets compaction carry its partition columns through (``derived``).
"""

from __future__ import annotations

from p2f_player.contract.deeplinks import PATH_PREFIX

# the item of a deep link, in both forms the contract parses (p2f_player.contract.deeplinks):
# /d/<lang>/<slug>/?k=<site> (current) and /d/<slug>/?k=&l= (first form, still in the field)
_SLUG = f"regexp_extract(link, '{PATH_PREFIX}(?:[a-z]{{2}}/)?([a-z0-9][a-z0-9-]*)', 1)"

PER_DAY = {
    "plays": """
    SELECT {extra}site, device, seq, slide, sponsor, lang, reason, release,
           coalesce(started, ts) AS started, ended,
           greatest(coalesce(epoch(ended) - epoch(coalesce(started, ts)), 0), 0) AS seconds,
           CAST(coalesce(started, ts) AS DATE) AS day, hour(coalesce(started, ts)) AS hour,
           key, line_no
    FROM {source} WHERE kind = 'slide'
    """,
    "touches": """
    SELECT {extra}site, device, ts, CAST(ts AS DATE) AS day, hour(ts) AS hour,
           isodow(ts) AS weekday, coalesce(seconds, 0) AS seconds, coalesce(pages, 0) AS pages,
           nullif(lang, '') AS lang, nullif(last_item, '') AS last_item, key, line_no
    FROM {source} WHERE kind = 'touch_session'
    """,
    "handoffs": f"""
    SELECT {{extra}}site, device, ts, CAST(ts AS DATE) AS day, hour(ts) AS hour,
           isodow(ts) AS weekday, kind, link, "mode", nullif({_SLUG}, '') AS slug, key, line_no
    FROM {{source}} WHERE kind IN ('nfc_tap', 'qr_shown')
    """,
}


# each device's first and last event per day: what ``device_days`` needs, a few rows a day
SPANS = """
    SELECT {extra}site, device, CAST(ts AS DATE) AS day, min(ts) AS first_at, max(ts) AS last_at
    FROM {source} GROUP BY ALL
"""
# the files of a compacted day besides its events (and its anomalies, when it has some)
TABLES = (*PER_DAY, "spans")
# how each table's rows are sorted in its files (compression, and row groups by device)
ORDER = {"events": "device, seq", "plays": "device, seq", "spans": "device, day"}


def derived(name: str, source: str, extra: str = "") -> str:
    """The SELECT of a derived table (``TABLES``) over ``source`` (``extra``: leading columns
    to carry)."""
    template = SPANS if name == "spans" else PER_DAY[name]
    return template.replace("{extra}", extra).replace("{source}", source)


def spans_view(files: list[str], dropped: bool, kind: str = "VIEW") -> str:
    """``spans`` from the compacted days' files and the JSONL rows; from ``events`` itself when
    a compacted row was dropped (a day's stored first or last event may be that row)."""
    if dropped or not files:
        rows = derived("spans", "events")
    else:
        listed = ", ".join("'" + name.replace("'", "''") + "'" for name in files)
        rows = (
            f"SELECT * FROM read_parquet([{listed}]) UNION ALL {derived('spans', 'pending_events')}"
        )
    return f"CREATE OR REPLACE TEMP {kind} spans AS {rows}"


EVENT_COLUMNS = (
    "device, site, seq, ts, kind, slide, sponsor, lang, reason, release, started, ended, "
    'completed, seconds, pages, last_item, link, "mode", is_on, until, key'
)

_FIRST = "key || '#' || lpad(line_no::VARCHAR, 9, '0')"  # the loader's rule: first by key, line

# the compacted rows sharing a (device, seq) with a good JSONL row: only these few are
# de-duplicated again (reading five columns, never the whole year's rows)
COMPACTED_COPIES = """
CREATE OR REPLACE TEMP TABLE compacted_copies AS
SELECT device, seq, key, line_no, line_hash FROM read_parquet($files)
SEMI JOIN (SELECT DISTINCT device, seq FROM checked WHERE problem IS NULL) USING (device, seq)
"""
NO_COMPACTED_COPIES = """
CREATE OR REPLACE TEMP TABLE compacted_copies (device VARCHAR, seq BIGINT, key VARCHAR,
    line_no BIGINT, line_hash UBIGINT)
"""

# what ``queries.COPIES`` and ``queries.ANOMALIES`` de-duplicate: the JSONL rows and those copies
ALL_CHECKED = """
CREATE OR REPLACE TEMP VIEW all_checked AS
SELECT device, seq, problem, line_hash, key, line_no, example FROM checked
UNION ALL
SELECT device, seq, NULL, line_hash, key, line_no, NULL FROM compacted_copies
"""

PENDING_EVENTS = f"""
CREATE OR REPLACE TEMP TABLE pending_events AS
SELECT c.* FROM checked AS c LEFT JOIN copies USING (device, seq)
WHERE c.problem IS NULL AND (copies.first_copy IS NULL OR c.{_FIRST} = copies.first_copy)
"""

# compacted rows that lost to a JSONL copy: left out of every view
DROPPED = f"""
CREATE OR REPLACE TEMP TABLE dropped AS
SELECT k.key, k.line_no FROM compacted_copies AS k JOIN copies USING (device, seq)
WHERE k.{_FIRST} <> copies.first_copy
"""

RUNS = "SELECT file_name, value FROM parquet_kv_metadata($files) WHERE key = 'run'"
ROWS = "SELECT coalesce(sum(num_rows), 0) FROM parquet_file_metadata($files)"  # footers only


def pending_table(name: str) -> str:
    """The derived rows of the JSONL events not yet compacted (a small table)."""
    return f"CREATE OR REPLACE TEMP TABLE pending_{name} AS {derived(name, 'pending_events')}"


def _parquet(files: list[str], dropped: bool) -> str:
    listed = ", ".join("'" + name.replace("'", "''") + "'" for name in files)
    rows = f"SELECT * FROM read_parquet([{listed}])"
    return f"({rows} ANTI JOIN dropped USING (key, line_no))" if dropped else f"({rows})"


def events_view(files: list[str], dropped: bool, kind: str = "VIEW") -> str:
    """``events``: the compacted days' events (less ``dropped``) and the JSONL winners."""
    rows = f"SELECT {EVENT_COLUMNS} FROM pending_events"
    if files:
        rows += f" UNION ALL SELECT {EVENT_COLUMNS} FROM {_parquet(files, dropped)}"
    return f"CREATE OR REPLACE TEMP {kind} events AS {rows}"


def table_view(name: str, files: list[str], dropped: bool, kind: str = "VIEW") -> str:
    """A derived table as a view: its compacted days' files and the JSONL rows'."""
    rows = f"SELECT * FROM pending_{name}"
    if files:
        rows = f"SELECT * FROM {_parquet(files, dropped)} UNION ALL BY NAME {rows}"
    return f"CREATE OR REPLACE TEMP {kind} {name} AS SELECT * EXCLUDE (key, line_no) FROM ({rows})"
