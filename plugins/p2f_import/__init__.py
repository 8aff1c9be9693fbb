"""Importers: DATAtourisme JSON-LD, Apidae exports and iCalendar feeds -> Markdown drafts.

``invoke import SOURCE INPUTS`` (``python -m p2f_import``) writes each outside record as an
item of content/ with ``status: draft`` and an ``imported:`` block (source, id, licence, last
update upstream, a hash of each field the importer owns). Re-importing unchanged data
changes no file; a changed record updates only the fields the importer owns and never what a
reporter edited (the conflict is reported). See docs/importing.md.

Layout: pure mappings (``datatourisme``/``jsonld``, ``apidae``, ``ical``, ``hours``,
``categories``), merge (``merge``), venues (``venues``) and pictures (``pictures``); the I/O
edge (``sources``, ``existing``, ``gallery``, ``run``) with one network seam (``fetch``);
the report (``report``); the command line (``cli``). Pictures are downloaded into
content/images/<source>/ when reachable, and referenced in ``imported.media`` otherwise.
"""
