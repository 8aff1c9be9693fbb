"""The office's view of the screens: proof of play, audience and fleet, read with DuckDB.

``layout`` names the telemetry keys (from the player's own key functions), ``loader`` brings a
store's telemetry into DuckDB (the only module doing store I/O), ``queries`` holds the SQL of
every report, ``plots``, ``dashboard`` and ``pdf`` write files, ``cli`` wires them together
(``p2f-office report``, ``invoke report``). See docs/office.md.
"""
