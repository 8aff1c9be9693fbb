"""The rules contract: when and where an item may show (DESIGN.md §3.2).

One definition, used by the content check (what can never match), the kiosk build (what can
never show at a site) and the player (what may show now). Pure: no clock reads, no I/O; the
moment to judge is always passed in as an aware ``datetime``.

This module is the public face; the code is split by concern:

- ``rules_eval``: the data types and how they judge a moment and a site;
- ``rules_parse``: the YAML/JSON form, checked, with ``RuleError`` naming the field;
- ``rules_moments``: the moment rules (alert levels, open places, how soon events start and
  offers end, audience hours) and the screen settings that tune them;
- ``rules_vectors``: the runner of the shared JSON vectors.

It deliberately does not choose *which* slide plays: that is the scheduler's job.
"""

from __future__ import annotations

from p2f_player.contract.rules_eval import (
    AUDIENCES,
    DEFAULT_DURATION_S,
    DEFAULT_PRIORITY,
    LANGUAGES,
    PARIS,
    RULE_FIELDS,
    WEEKDAYS,
    DateRange,
    Near,
    Rules,
    SiteProfile,
    TimeWindow,
    distance_km,
    to_local,
)
from p2f_player.contract.rules_parse import RuleError, parse_rules

__all__ = [
    "AUDIENCES",
    "DEFAULT_DURATION_S",
    "DEFAULT_PRIORITY",
    "LANGUAGES",
    "PARIS",
    "RULE_FIELDS",
    "WEEKDAYS",
    "DateRange",
    "Near",
    "RuleError",
    "Rules",
    "SiteProfile",
    "TimeWindow",
    "distance_km",
    "parse_rules",
    "to_local",
]
