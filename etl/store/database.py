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
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Sequence

import duckdb

from etl.metrics import load_metrics
from etl.model import Report

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB = PROJECT_ROOT / "data" / "gongkai.duckdb"
SCHEMA_VERSION = "1"

#: Serialises the writes made inside one process (the loader, the dashboard's inbox writer and
#: upload page, analysts' corrections): two concurrent DuckDB transactions both allocating
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
    sid = _next_id(con, "sources", "source_id")
    con.execute(
        "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            sid,
            source.sha256,
            source.file_name,
            source.size,
            source.format,
            datetime.now(timezone.utc).replace(tzinfo=None),
            source.archive_path,
            source.origin,
        ],
    )
    ids: list[int] = []
    next_report = _next_id(con, "reports", "report_id")
    fact_rows: list[tuple] = []
    finding_rows: list[tuple] = []
    for r in reports:
        rid = next_report
        next_report += 1
        ids.append(rid)
        agency_id = resolve_agency(con, r.agency, [r.printed_agency] if r.printed_agency else [])
        con.execute(
            "INSERT INTO reports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [rid, sid, r.position, agency_id, r.printed_agency, r.year, r.kind, r.form,
             r.title, r.published, r.offset],
        )
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
    if fact_rows:
        _bulk_insert(con, "facts", FACT_COLUMNS, fact_rows)
    if finding_rows:
        _bulk_insert(con, "findings", FINDING_COLUMNS, finding_rows)
    return ids


FACT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("report_id", "int32"), ("agency_id", "int32"), ("year", "int16"), ("metric_id", "string"),
    ("breakdown", "string"), ("value", "float64"), ("approx", "bool_"), ("unit", "string"),
    ("origin", "string"), ("page", "int32"), ("char_offset", "int32"), ("table_name", "string"),
    ("row_label", "string"), ("col_label", "string"), ("raw_text", "string"), ("note", "string"),
)
FINDING_COLUMNS: tuple[tuple[str, str], ...] = (
    ("report_id", "int32"), ("agency_id", "int32"), ("year", "int16"), ("rule", "string"),
    ("severity", "string"), ("message", "string"), ("cells", "string"),
)


def _bulk_insert(
    con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[tuple[str, str]],
    rows: Sequence[tuple],
) -> None:
    """Insert many rows through one Arrow scan: ~100× faster than ``executemany`` row by row,
    which matters for a 表三 report (~200 facts) and for the demo corpus. Typed columns make a
    wrong value (e.g. text in ``value``) fail here, inside the caller's transaction."""
    import uuid

    import pyarrow as pa

    arrays = {
        name: pa.array([r[i] for r in rows], type=getattr(pa, typ)())
        for i, (name, typ) in enumerate(columns)
    }
    view = f"_gongkai_new_{table}_{uuid.uuid4().hex}"
    con.register(view, pa.table(arrays))
    try:
        cols = ", ".join(name for name, _ in columns)
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {view}")
    finally:
        con.unregister(view)
