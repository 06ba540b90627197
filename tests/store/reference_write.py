"""The write path as it was before it became set-based (issue 12), kept as the reference the
set-based one must agree with: per-report agency resolution, per-report neighbour and fact
queries for the cross-year checks, one INSERT per duplicate finding, corrections re-applied one
by one. Copied verbatim from ``etl/store/{database,loader,corrections}.py`` at commit 1be6e21;
only the names of what it calls were qualified. Not used by the project, only by the tests.
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Iterable, Sequence

import duckdb

from etl.metrics import load_metrics
from etl.model import Finding, Report
from etl.store import corrections as cor
from etl.store import database
from etl.store import loader

log = logging.getLogger(__name__)


def resolve_agency(
    con: duckdb.DuckDBPyConnection, name: str | None, printed: Iterable[str] = ()
) -> int | None:
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
            agency_id = database._next_id(con, "agencies", "agency_id")
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


def write_reports_in_tx(
    con: duckdb.DuckDBPyConnection, source: database.SourceInfo, reports: Sequence[Report]
) -> list[int]:
    database.delete_source(con, source.sha256)
    sid = database._next_id(con, "sources", "source_id")
    con.execute(
        "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [sid, source.sha256, source.file_name, source.size, source.format,
         datetime.now(timezone.utc).replace(tzinfo=None), source.archive_path, source.origin],
    )
    ids: list[int] = []
    next_report = database._next_id(con, "reports", "report_id")
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
    # the facts and findings went in as one bulk insert then too (an Arrow table)
    if fact_rows:
        database._bulk_insert(con, "facts", database.FACT_COLUMNS, fact_rows)
    if finding_rows:
        database._bulk_insert(con, "findings", database.FINDING_COLUMNS, finding_rows)
    return ids


def apply_corrections(con: duckdb.DuckDBPyConnection, source_sha256: str) -> int:
    applied = 0
    rows = con.execute(
        """SELECT c.target, c.position, c.metric_id, c.breakdown, c.field, c.new_value, r.report_id
           FROM corrections c
           JOIN sources s ON s.sha256 = c.source_sha256
           JOIN reports r ON r.source_id = s.source_id AND r.position = c.position
           WHERE c.source_sha256 = ? ORDER BY c.correction_id""",
        [source_sha256],
    ).fetchall()
    for target, _pos, metric, breakdown, field, new, rid in rows:
        if target == cor.TARGET_FACT and metric in load_metrics():
            _set_fact(con, rid, metric, breakdown or "", cor._num(new))
        elif target == cor.TARGET_REPORT and field == "year" and new:
            _set_report_year(con, rid, int(new))
        elif target == cor.TARGET_REPORT and field == "agency" and new:
            _set_report_agency(con, rid, new)
        else:
            continue
        applied += 1
    for alias, target_name in con.execute(
        "SELECT old_value, new_value FROM corrections WHERE target = 'agency' AND field = 'merge' ORDER BY correction_id"
    ).fetchall():
        a = con.execute("SELECT agency_id FROM agencies WHERE name = ?", [alias]).fetchone()
        t = cor._agency_id(con, target_name)
        if a and t is not None and int(a[0]) != t:
            cor._move_agency(con, int(a[0]), alias, t)
            applied += 1
    return applied


def _set_fact(con, report_id, metric_id, breakdown, value):
    row = con.execute(
        "SELECT value FROM facts WHERE report_id = ? AND metric_id = ? AND breakdown = ? LIMIT 1",
        [report_id, metric_id, breakdown],
    ).fetchone()
    if row is not None:
        con.execute(
            "UPDATE facts SET value = ?, origin = 'corrected' WHERE report_id = ? AND metric_id = ? AND breakdown = ?",
            [value, report_id, metric_id, breakdown],
        )
        return row[0]
    agency_id, year = con.execute("SELECT agency_id, year FROM reports WHERE report_id = ?", [report_id]).fetchone()
    unit = load_metrics()[metric_id].unit
    con.execute(
        """INSERT INTO facts (report_id, agency_id, year, metric_id, breakdown, value, approx, unit, origin, note)
           VALUES (?, ?, ?, ?, ?, ?, false, ?, 'corrected', 'added by an analyst')""",
        [report_id, agency_id, year, metric_id, breakdown, value, unit],
    )
    return None


def _set_report_agency(con, report_id, name):
    agency_id = resolve_agency(con, name)
    for table in ("reports", "facts", "findings"):
        con.execute(f"UPDATE {table} SET agency_id = ? WHERE report_id = ?", [agency_id, report_id])


def _set_report_year(con, report_id, year):
    for table in ("reports", "facts", "findings"):
        con.execute(f"UPDATE {table} SET year = ? WHERE report_id = ?", [year, report_id])


def _facts_of(con, report_id, year):
    rows = con.execute(
        "SELECT metric_id, breakdown, value FROM facts WHERE year = ? AND report_id = ?",
        [year, report_id],
    ).fetchall()
    return {(m, b or ""): v for m, b, v in rows}


def _neighbour(con, agency_id, year, kind):
    row = con.execute(
        "SELECT max(report_id) FROM reports WHERE agency_id = ? AND year = ? AND kind = ?",
        [agency_id, year, kind],
    ).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def add_cross_year_findings(con: duckdb.DuckDBPyConnection, report_ids: Sequence[int]) -> int:
    from etl.extract import checks

    check = checks.check_across_years
    rules = tuple(checks.ACROSS_YEAR_RULES)
    if not report_ids:
        return 0
    pairs: set[tuple[int, int, int, int]] = set()
    for rid in report_ids:
        row = con.execute(
            "SELECT agency_id, year, kind FROM reports WHERE report_id = ?", [rid]
        ).fetchone()
        if not row or row[0] is None or row[1] is None:
            continue
        agency_id, year, kind = int(row[0]), int(row[1]), str(row[2])
        prev = _neighbour(con, agency_id, year - 1, kind)
        if prev is not None:
            pairs.add((prev, rid, year - 1, year))
        nxt = _neighbour(con, agency_id, year + 1, kind)
        if nxt is not None:
            pairs.add((rid, nxt, year, year + 1))
    added = 0
    for prev_id, cur_id, prev_year, cur_year in sorted(pairs):
        try:
            found = list(check(_facts_of(con, prev_id, prev_year), _facts_of(con, cur_id, cur_year),
                               prev_year, cur_year))
        except Exception:  # noqa: BLE001
            log.exception("check_across_years failed for reports %s/%s", prev_id, cur_id)
            continue
        names = sorted({*rules, *(f.rule for f in found if isinstance(f, Finding))})
        con.execute(
            "DELETE FROM findings WHERE report_id = ? AND list_contains(?, rule)", [cur_id, names]
        )
        row = con.execute("SELECT agency_id, year FROM reports WHERE report_id = ?", [cur_id]).fetchone()
        for fd in found:
            if not isinstance(fd, Finding):
                continue
            con.execute(
                "INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?)",
                [cur_id, row[0], row[1], fd.rule, fd.severity, fd.message, "; ".join(fd.cells)],
            )
            added += 1
    return added


def add_duplicate_findings(con: duckdb.DuckDBPyConnection, report_ids: Sequence[int]) -> int:
    if not report_ids:
        return 0
    rows = con.execute("""
        SELECT n.report_id, n.agency_id, n.year, n.kind, o.report_id, s.file_name, a.name
        FROM reports n
        JOIN reports o ON o.agency_id = n.agency_id AND o.year = n.year AND o.kind = n.kind
                      AND o.source_id <> n.source_id
        LEFT JOIN sources s ON s.source_id = o.source_id
        LEFT JOIN agencies a ON a.agency_id = n.agency_id
        WHERE list_contains(?, n.report_id) AND n.kind NOT IN ('template', 'letter')
        ORDER BY n.report_id, o.report_id
    """, [list(report_ids)]).fetchall()
    for rid, agency_id, year, kind, other, file_name, name in rows:
        con.execute(
            "INSERT INTO findings VALUES (?, ?, ?, 'duplicate_report', 'warning', ?, ?)",
            [rid, agency_id, year,
             f"{name} {year} ({kind}) is also given by {file_name} (report {other}); "
             "year totals count both until one is removed or its year corrected",
             f"report {other}"],
        )
    return len(rows)


def write_source(
    con: duckdb.DuckDBPyConnection, source: database.SourceInfo, reports: Sequence[Report],
    *, fingerprint: str | None = None,
) -> tuple[list[int], int]:
    """``etl.store.loader.write_source`` as it was: one transaction, every step per report."""
    fp = fingerprint or loader._fingerprint(source.file_name, source.origin, reports)
    con.execute("BEGIN TRANSACTION")
    try:
        ids = write_reports_in_tx(con, source, reports)
        apply_corrections(con, source.sha256)
        cross = add_cross_year_findings(con, ids) + add_duplicate_findings(con, ids)
        con.execute("INSERT OR REPLACE INTO source_fingerprints VALUES (?, ?)", [source.sha256, fp])
        con.execute("COMMIT")
    except BaseException:
        database.rollback_quietly(con)
        raise
    return ids, cross
