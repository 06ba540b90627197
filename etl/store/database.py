"""DuckDB storage: schema, paths and the single write path (exports are in :mod:`etl.store.export`).

Design for scale (20,000 agencies × 17 years ≈ 35 M facts): ``facts`` carries ``agency_id`` and
``year`` copied from its report, so the dashboard's aggregates scan one table without joins;
evidence columns are plain nullable columns (NULL costs almost nothing in DuckDB's columnar
storage). No primary key or index on ``facts``: DuckDB's zone maps on the insertion order
(metric, year) serve the scans, and an ART index over 35 M rows would cost memory and load time.

Every write goes through :func:`write_reports` inside one explicit transaction per file, so a
reader (any other cursor) sees a file's reports either all or not at all.
"""
from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Sequence

import duckdb

from etl.metrics import load_metrics
from etl.model import Report
from etl.store import verdicts

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB = PROJECT_ROOT / "data" / "gongkai.duckdb"
SCHEMA_VERSION = "1"

#: Serialises the writes made inside one process (the loader, the dashboard's upload page,
#: analysts' corrections): two concurrent DuckDB transactions both allocating
#: ``max(id)+1`` would conflict at commit.
WRITE_LOCK = threading.RLock()


def db_path() -> Path:
    """The database file: ``GONGKAI_DB`` if set, else ``data/gongkai.duckdb``."""
    return Path(os.environ.get("GONGKAI_DB") or DEFAULT_DB)


def archive_dir(db: Path | None = None) -> Path:
    """Raw files are archived beside the database, under ``archive/<sha[:2]>/<sha>``."""
    env = os.environ.get("GONGKAI_ARCHIVE")
    if env:
        return Path(env)
    db = db or db_path()
    return db.parent / "archive"


def archived_file(archive_path: str | None, archive: Path | None = None) -> Path | None:
    """The archived raw file a ``sources.archive_path`` refers to, or None.

    Accepts the absolute path the loader stores and, for portability, a path relative to the
    archive folder (``ab/abcdef…``). Only the stored value is used — never a user's file name.
    """
    if not archive_path:
        return None
    p = Path(archive_path)
    if p.is_absolute():
        return p
    if ".." in p.parts:
        return None
    return (archive or archive_dir()) / p


SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS metrics (
    metric_id VARCHAR PRIMARY KEY, domain VARCHAR, label_zh VARCHAR, label_en VARCHAR,
    unit VARCHAR, breakdown VARCHAR, source VARCHAR
);
CREATE TABLE IF NOT EXISTS agencies (
    agency_id INTEGER PRIMARY KEY, name VARCHAR NOT NULL UNIQUE, region VARCHAR,
    level VARCHAR, created_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS agency_aliases (alias VARCHAR PRIMARY KEY, agency_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
    source_id INTEGER PRIMARY KEY, sha256 VARCHAR NOT NULL UNIQUE, file_name VARCHAR,
    size BIGINT, format VARCHAR, loaded_at TIMESTAMP, archive_path VARCHAR, origin VARCHAR
);
CREATE TABLE IF NOT EXISTS reports (
    report_id INTEGER PRIMARY KEY, source_id INTEGER, position INTEGER, agency_id INTEGER,
    printed_agency VARCHAR, year SMALLINT, kind VARCHAR, form VARCHAR, title VARCHAR,
    published DATE, char_offset INTEGER
);
CREATE TABLE IF NOT EXISTS facts (
    report_id INTEGER NOT NULL, agency_id INTEGER, year SMALLINT, metric_id VARCHAR NOT NULL,
    breakdown VARCHAR NOT NULL, value DOUBLE, approx BOOLEAN, unit VARCHAR, origin VARCHAR,
    page INTEGER, char_offset INTEGER, table_name VARCHAR, row_label VARCHAR,
    col_label VARCHAR, raw_text VARCHAR, note VARCHAR
);
CREATE TABLE IF NOT EXISTS findings (
    report_id INTEGER, agency_id INTEGER, year SMALLINT, rule VARCHAR, severity VARCHAR,
    message VARCHAR, cells VARCHAR
);
CREATE TABLE IF NOT EXISTS corrections (
    correction_id INTEGER PRIMARY KEY, target VARCHAR NOT NULL, source_sha256 VARCHAR,
    position INTEGER, metric_id VARCHAR, breakdown VARCHAR, field VARCHAR,
    old_value VARCHAR, new_value VARCHAR, who VARCHAR, made_at TIMESTAMP, why VARCHAR
);
CREATE TABLE IF NOT EXISTS source_fingerprints (
    sha256 VARCHAR PRIMARY KEY, fingerprint VARCHAR NOT NULL
);
"""


def connect(path: Path | str | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (and create if needed) the database. Read-only connections skip schema creation."""
    p = Path(path) if path else db_path()
    if read_only:
        return duckdb.connect(str(p), read_only=True)
    p.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(p))
    ensure_schema(con)
    return con


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create tables and (re)fill the metric dictionary; idempotent."""
    con.execute("BEGIN")
    try:
        for stmt in SCHEMA.split(";"):
            if stmt.strip():
                con.execute(stmt)
        verdicts.ensure(con)  # reviewers' verdicts on findings (etl/store/verdicts.py)
        con.execute("DELETE FROM metrics")
        con.executemany(
            "INSERT INTO metrics VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (m.metric_id, m.domain, m.label_zh, m.label_en, m.unit, m.breakdown, m.source)
                for m in load_metrics().values()
            ],
        )
        con.execute(
            "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION]
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


@dataclass
class SourceInfo:
    """What the database records about a file, independent of its reports."""

    sha256: str
    file_name: str
    size: int
    format: str
    archive_path: str | None = None
    origin: str = "extracted"


def _next_id(con: duckdb.DuckDBPyConnection, table: str, column: str) -> int:
    row = con.execute(f"SELECT coalesce(max({column}), 0) + 1 FROM {table}").fetchone()
    return int(row[0]) if row else 1


def resolve_agency(
    con: duckdb.DuckDBPyConnection, name: str | None, printed: Iterable[str] = ()
) -> int | None:
    """The agency id for a canonical name, creating the agency and its aliases if new.

    Aliases already in the database win over the extractor's canonical name, so a merge made
    by an analyst (alias → other agency) survives re-extraction.
    """
    if not name:
        return None
    names = [name, *[p for p in printed if p]]
    for n in names:
        row = con.execute("SELECT agency_id FROM agency_aliases WHERE alias = ?", [n]).fetchone()
        if row:
            agency_id = int(row[0])
            break
    else:
        row = con.execute("SELECT agency_id FROM agencies WHERE name = ?", [name]).fetchone()
        if row:
            agency_id = int(row[0])
        else:
            agency_id = _next_id(con, "agencies", "agency_id")
            con.execute(
                "INSERT INTO agencies (agency_id, name, created_at) VALUES (?, ?, ?)",
                [agency_id, name, datetime.now(timezone.utc).replace(tzinfo=None)],
            )
    for n in names:
        con.execute(
            "INSERT INTO agency_aliases VALUES (?, ?) ON CONFLICT (alias) DO NOTHING",
            [n, agency_id],
        )
    return agency_id


def resolve_agencies(
    con: duckdb.DuckDBPyConnection, wanted: Sequence[tuple[str | None, Sequence[str]]]
) -> list[int | None]:
    """:func:`resolve_agency` for every ``(name, printed names)`` of a file, in four statements.

    A file of 667 reports used to make ~2,000 round trips here (3 s at province scale). The
    result is exactly that of calling :func:`resolve_agency` once per entry in order: the
    aliases and agencies the file names are read once, the same decisions are made in Python
    against that snapshot as it grows (a name a previous report made an alias of counts for
    the next one), and what is new is inserted at the end.
    """
    names = sorted({n for name, printed in wanted if name for n in (name, *printed) if n})
    if not names:
        return [None] * len(wanted)
    aliases: dict[str, int] = {
        str(a): int(i) for a, i in con.execute(
            "SELECT alias, agency_id FROM agency_aliases WHERE alias IN (SELECT unnest(?::VARCHAR[]))",
            [names],
        ).fetchall()
    }
    by_name: dict[str, int] = {
        str(a): int(i) for a, i in con.execute(
            "SELECT name, agency_id FROM agencies WHERE name IN (SELECT unnest(?::VARCHAR[]))", [names]
        ).fetchall()
    }
    next_id = _next_id(con, "agencies", "agency_id")
    new_agencies: list[tuple[int, str]] = []
    new_aliases: list[tuple[str, int]] = []
    out: list[int | None] = []
    for name, printed in wanted:
        if not name:
            out.append(None)
            continue
        all_names = [name, *[p for p in printed if p]]
        found = next((aliases[n] for n in all_names if n in aliases), None)
        if found is None:
            found = by_name.get(name)
        if found is None:
            found, next_id = next_id, next_id + 1
            by_name[name] = found
            new_agencies.append((found, name))
        for n in all_names:
            if n not in aliases:  # ON CONFLICT (alias) DO NOTHING
                aliases[n] = found
                new_aliases.append((n, found))
        out.append(found)
    if new_agencies:
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        con.execute(
            "INSERT INTO agencies (agency_id, name, created_at) "
            "SELECT unnest(?::INTEGER[]), unnest(?::VARCHAR[]), ?",
            [[i for i, _ in new_agencies], [n for _, n in new_agencies], now],
        )
    if new_aliases:
        _bulk_insert(con, "agency_aliases", ALIAS_COLUMNS, new_aliases)
    return out


def delete_source(con: duckdb.DuckDBPyConnection, sha256: str) -> None:
    """Remove everything a file gave before (its reports, facts, findings). Corrections stay."""
    row = con.execute("SELECT source_id FROM sources WHERE sha256 = ?", [sha256]).fetchone()
    if not row:
        return
    sid = int(row[0])
    con.execute(
        "DELETE FROM facts WHERE report_id IN (SELECT report_id FROM reports WHERE source_id = ?)",
        [sid],
    )
    con.execute(
        "DELETE FROM findings WHERE report_id IN (SELECT report_id FROM reports WHERE source_id = ?)",
        [sid],
    )
    con.execute("DELETE FROM reports WHERE source_id = ?", [sid])
    con.execute("DELETE FROM sources WHERE source_id = ?", [sid])
    con.execute("DELETE FROM source_fingerprints WHERE sha256 = ?", [sha256])


def write_reports(
    con: duckdb.DuckDBPyConnection, source: SourceInfo, reports: Sequence[Report]
) -> list[int]:
    """Replace what ``source`` gave before with ``reports``, in one transaction.

    Returns the new report ids. On any error the transaction is rolled back and the error
    re-raised: the database is exactly as before.
    """
    con.execute("BEGIN TRANSACTION")
    try:
        ids = _write_reports_in_tx(con, source, reports)
        con.execute("COMMIT")
        return ids
    except BaseException:
        rollback_quietly(con)
        raise


def rollback_quietly(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back if a transaction is still open. A failed COMMIT (e.g. disk full while writing
    the WAL) has already ended the transaction; a second error must not hide the first."""
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        pass


def write_reports_in_tx(
    con: duckdb.DuckDBPyConnection, source: SourceInfo, reports: Sequence[Report]
) -> list[int]:
    """:func:`write_reports` without its own BEGIN/COMMIT, for callers that add more writes
    (cross-year findings, the load fingerprint) to the same transaction."""
    return _write_reports_in_tx(con, source, reports)


def _write_reports_in_tx(
    con: duckdb.DuckDBPyConnection, source: SourceInfo, reports: Sequence[Report]
) -> list[int]:
    delete_source(con, source.sha256)
    return write_new_sources_in_tx(con, [(source, reports)])[0][1]


def write_new_sources_in_tx(
    con: duckdb.DuckDBPyConnection, files: Sequence[tuple[SourceInfo, Sequence[Report]]]
) -> list[tuple[int, list[int]]]:
    """Store files none of which is stored yet (the caller has made sure), in order, inside the
    caller's transaction: ids, agencies and rows come out as writing them one after another
    would make them, in one statement per table. Returns each file's source id and new report
    ids."""
    sid = _next_id(con, "sources", "source_id")
    next_report = _next_id(con, "reports", "report_id")
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    source_rows: list[tuple] = []
    placed: list[tuple[int, int, Report]] = []  # (report id, source id, report)
    out: list[tuple[int, list[int]]] = []
    for k, (source, reports) in enumerate(files):
        source_rows.append((sid + k, source.sha256, source.file_name, source.size, source.format,
                            now, source.archive_path, source.origin))
        ids = list(range(next_report, next_report + len(reports)))
        next_report += len(reports)
        out.append((sid + k, ids))
        placed.extend((rid, sid + k, r) for rid, r in zip(ids, reports))
    if len(source_rows) == 1:
        con.execute("INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?)", list(source_rows[0]))
    elif source_rows:
        _bulk_insert(con, "sources", SOURCE_COLUMNS, source_rows)
    agency_ids = resolve_agencies(
        con, [(r.agency, [r.printed_agency] if r.printed_agency else []) for _, _, r in placed])
    report_rows: list[tuple] = []
    fact_rows: list[tuple] = []
    finding_rows: list[tuple] = []
    for (rid, source_id, r), agency_id in zip(placed, agency_ids):
        report_rows.append((rid, source_id, r.position, agency_id, r.printed_agency, r.year,
                            r.kind, r.form, r.title, r.published, r.offset))
        for f in r.facts:
            ev = f.evidence
            fact_rows.append((
                rid, agency_id, r.year, f.metric, f.breakdown, f.value, f.approx, f.unit,
                f.origin,
                ev.page if ev else None, ev.offset if ev else None, ev.table if ev else None,
                ev.row_label if ev else None, ev.col_label if ev else None,
                ev.raw_text if ev else None, f.note,
            ))
        for fd in r.findings:
            finding_rows.append(
                (rid, agency_id, r.year, fd.rule, fd.severity, fd.message, "; ".join(fd.cells))
            )
    if report_rows:
        _bulk_insert(con, "reports", REPORT_COLUMNS, report_rows)
    if fact_rows:
        _bulk_insert(con, "facts", FACT_COLUMNS, fact_rows)
    if finding_rows:
        _bulk_insert(con, "findings", FINDING_COLUMNS, finding_rows)
    return out


#: Column name and DuckDB list type of each bulk-inserted table (see :func:`_bulk_insert`).
SOURCE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("source_id", "INTEGER"), ("sha256", "VARCHAR"), ("file_name", "VARCHAR"), ("size", "BIGINT"),
    ("format", "VARCHAR"), ("loaded_at", "TIMESTAMP"), ("archive_path", "VARCHAR"),
    ("origin", "VARCHAR"),
)
REPORT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("report_id", "INTEGER"), ("source_id", "INTEGER"), ("position", "INTEGER"),
    ("agency_id", "INTEGER"), ("printed_agency", "VARCHAR"), ("year", "SMALLINT"),
    ("kind", "VARCHAR"), ("form", "VARCHAR"), ("title", "VARCHAR"), ("published", "DATE"),
    ("char_offset", "INTEGER"),
)
FACT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("report_id", "INTEGER"), ("agency_id", "INTEGER"), ("year", "SMALLINT"),
    ("metric_id", "VARCHAR"), ("breakdown", "VARCHAR"), ("value", "DOUBLE"),
    ("approx", "BOOLEAN"), ("unit", "VARCHAR"), ("origin", "VARCHAR"), ("page", "INTEGER"),
    ("char_offset", "INTEGER"), ("table_name", "VARCHAR"), ("row_label", "VARCHAR"),
    ("col_label", "VARCHAR"), ("raw_text", "VARCHAR"), ("note", "VARCHAR"),
)
FINDING_COLUMNS: tuple[tuple[str, str], ...] = (
    ("report_id", "INTEGER"), ("agency_id", "INTEGER"), ("year", "SMALLINT"), ("rule", "VARCHAR"),
    ("severity", "VARCHAR"), ("message", "VARCHAR"), ("cells", "VARCHAR"),
)
ALIAS_COLUMNS: tuple[tuple[str, str], ...] = (("alias", "VARCHAR"), ("agency_id", "INTEGER"))


def _bulk_insert(
    con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[tuple[str, str]],
    rows: Sequence[tuple],
) -> None:
    """Insert many rows in one statement — ~100× faster than ``executemany`` row by row.

    In a process that has pyarrow and pandas loaded already (the dashboard, the demo build)
    the rows go in as one Arrow table, the fastest way (~15 ms per 10,000 facts). Elsewhere
    (``python -m etl load``) each column goes in as one typed list parameter that ``unnest``
    zips back into rows (~75 ms per 10,000 facts), because importing pyarrow — which imports
    pandas on its first array — would cost 0.9 s of a 1.5 s command. Typed columns make a
    wrong value (e.g. text in ``value``) fail here, inside the caller's transaction.
    """
    if "pyarrow" in sys.modules and "pandas" in sys.modules:
        _arrow_insert(con, table, columns, rows)
    else:
        _unnest_insert(con, table, columns, rows)


def _unnest_insert(con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[tuple[str, str]],
                   rows: Sequence[tuple]) -> None:
    lists = [[r[i] for r in rows] for i in range(len(columns))]
    # a column blank in every row is left to its default (NULL): converting a list of Nones
    # costs as much as a list of values (evidence columns of spreadsheets, notes …)
    used = [i for i, values in enumerate(lists) if any(v is not None for v in values)] or [0]
    cols = ", ".join(columns[i][0] for i in used)
    select = ", ".join(f"unnest(?::{columns[i][1]}[])" for i in used)
    con.execute(f"INSERT INTO {table} ({cols}) SELECT {select}", [lists[i] for i in used])


#: Arrow type of each column type (a DATE is inferred: an ISO text or a date).
_ARROW_TYPES = {"INTEGER": "int32", "SMALLINT": "int16", "BIGINT": "int64", "VARCHAR": "string",
                "DOUBLE": "float64", "BOOLEAN": "bool_"}


def _arrow_insert(con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[tuple[str, str]],
                  rows: Sequence[tuple]) -> None:
    import pyarrow as pa

    cols = ", ".join(name for name, _ in columns)
    arrays = {
        name: pa.array([r[i] for r in rows],
                       type=getattr(pa, _ARROW_TYPES[typ])() if typ in _ARROW_TYPES else None)
        for i, (name, typ) in enumerate(columns)
    }
    # read by DuckDB's replacement scan from this frame: ``register`` would refuse while an
    # earlier statement's result (e.g. a ``fetchone``) is still open on the connection
    _gongkai_new_rows = pa.table(arrays)  # noqa: F841
    select = ", ".join(f"{name}::{typ}" for name, typ in columns)
    con.execute(f"INSERT INTO {table} ({cols}) SELECT {select} FROM _gongkai_new_rows")
