"""Storage: the DuckDB database and everything that writes to it.

Owns the schema and the single write path (``database``), the exports of stored facts
(``export``), the published read snapshots and the writers' lock (``snapshot``), the dashboard
processes' view of the snapshots (``connection``), the loader that hashes, extracts, archives
and stores one file per transaction (``loader``), the command line's write target (``writer``),
analysts' corrections
(``corrections``) and who may make them (``access``). The store knows SQL and nothing of
Chinese text: it hands files to :mod:`etl.extract` and :mod:`etl.sheets` and stores what they
return. May import :mod:`etl.model`, :mod:`etl.metrics`, :mod:`etl.progress` and the stages
below it (``read``, ``extract``, ``sheets``).
"""
