"""Analysts' corrections: who changed what, when, why — and re-applied after re-extraction.

A correction never overwrites what a report printed without a trace: the previous value is
stored in ``corrections.old_value`` (for the first correction of a fact that is the printed
value; the fact's ``raw_text`` keeps the printed text too), the corrected fact gets
``origin = 'corrected'``. Corrections of a report are keyed by the file's sha256 + the report's
position in the file (+ metric + breakdown for a fact), not by database ids, so
:func:`apply_corrections` can re-apply them after the same file is extracted and loaded again.
Agency merges are global (alias → target) and also recorded in ``agency_aliases``, which
``etl.store.database.resolve_agency`` consults first, so a re-extracted report lands on the target.

Every public function runs in one transaction, or inside the caller's when one is open (the
loader calls :func:`apply_corrections` between ``write_reports`` and COMMIT).
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Iterator

import duckdb

from etl.metrics import load_metrics
from etl.store.database import WRITE_LOCK, rollback_quietly
from etl.sheets.validate import MIN_YEAR, allows_negative

if TYPE_CHECKING:  # the load path never needs pandas (0.6 s of a command-line load's start)
    import pandas as pd

TARGET_FACT = "fact"
TARGET_REPORT = "report"
TARGET_AGENCY = "agency"


class CorrectionError(ValueError):
    """A correction that cannot be made (unknown report, bad value, missing who/why)."""


def in_transaction(con: duckdb.DuckDBPyConnection) -> bool:
    """True inside an explicit transaction: two statements then share one transaction id.

    (Trying ``BEGIN`` to find out would abort the caller's transaction in DuckDB.)
    """
    a = con.execute("SELECT txid_current()").fetchone()[0]
    b = con.execute("SELECT txid_current()").fetchone()[0]
    return a == b


@contextmanager
def _tx(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Own a transaction, or join the caller's if one is already open."""
    if in_transaction(con):
        yield  # the caller commits or rolls back
        return
    with WRITE_LOCK:  # analysts' writes and uploads take turns
        con.execute("BEGIN TRANSACTION")
        try:
            yield
            con.execute("COMMIT")
        except BaseException:
            rollback_quietly(con)
            raise


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _fmt(v: float | int | None) -> str | None:
    if v is None:
        return None
    f = float(v)
    return str(int(f)) if f.is_integer() else repr(f)


def _num(s: str | None) -> float | None:
    return None if s is None or s == "" else float(s)


def _require(who: str, why: str) -> None:
    if not (who or "").strip():
        raise CorrectionError("who made the correction is required")
    if not (why or "").strip():
        raise CorrectionError("a reason (why) is required")


def _report_key(con: duckdb.DuckDBPyConnection, report_id: int) -> tuple[str | None, int | None, int | None, int | None]:
    row = con.execute(
        """SELECT s.sha256, r.position, r.agency_id, r.year FROM reports r
           LEFT JOIN sources s USING (source_id) WHERE r.report_id = ?""",
        [report_id],
    ).fetchone()
    if row is None:
        raise CorrectionError(f"no report {report_id}")
    return row[0], row[1], row[2], row[3]


def _record(con: duckdb.DuckDBPyConnection, target: str, sha: str | None, position: int | None,
            metric: str | None, breakdown: str | None, field: str, old: str | None, new: str | None,
            who: str, why: str) -> int:
    cid = int(con.execute("SELECT coalesce(max(correction_id), 0) + 1 FROM corrections").fetchone()[0])
    con.execute(
        "INSERT INTO corrections VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [cid, target, sha, position, metric, breakdown, field, old, new, who.strip(), _now(), why.strip()],
    )
    return cid


def _set_fact(con: duckdb.DuckDBPyConnection, report_id: int, metric_id: str, breakdown: str,
              value: float | None) -> float | None:
    """Set one fact's value (insert it if the report lacks it); return the previous value."""
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


def _set_report_agency(con: duckdb.DuckDBPyConnection, report_id: int, name: str) -> None:
    from etl.store.database import resolve_agency

    agency_id = resolve_agency(con, name)
    for table in ("reports", "facts", "findings"):
        con.execute(f"UPDATE {table} SET agency_id = ? WHERE report_id = ?", [agency_id, report_id])


def _set_report_year(con: duckdb.DuckDBPyConnection, report_id: int, year: int) -> None:
    for table in ("reports", "facts", "findings"):
        con.execute(f"UPDATE {table} SET year = ? WHERE report_id = ?", [year, report_id])


def _check_fact_value(metric_id: str, value: float | None) -> None:
    if metric_id not in load_metrics():
        raise CorrectionError(f"unknown metric {metric_id!r}")
    if value is not None and value < 0 and not allows_negative(metric_id):
        raise CorrectionError(f"{metric_id} cannot be negative")


def _check_year(year: int) -> None:
    this_year = datetime.now().year
    if not (MIN_YEAR <= int(year) <= this_year):
        raise CorrectionError(f"year {year} out of range ({MIN_YEAR}–{this_year})")


def correct_fact(con: duckdb.DuckDBPyConnection, report_id: int, metric_id: str, breakdown: str,
                 new_value: float | None, who: str, why: str) -> int:
    """Set a fact's value; the previous value stays in the correction row. Returns its id."""
    _require(who, why)
    _check_fact_value(metric_id, new_value)
    with _tx(con):
        sha, pos, _a, _y = _report_key(con, report_id)
        old = _set_fact(con, report_id, metric_id, breakdown or "", new_value)
        return _record(con, TARGET_FACT, sha, pos, metric_id, breakdown or "", "value", _fmt(old),
                       _fmt(new_value), who, why)


def correct_report(con: duckdb.DuckDBPyConnection, report_id: int, field: str, new_value: str | int,
                   who: str, why: str) -> int:
    """Set a report's agency (by name; created if new) or year, for the report and its facts."""
    _require(who, why)
    if field not in ("agency", "year"):
        raise CorrectionError(f"cannot correct a report's {field!r}; only agency or year")
    with _tx(con):
        sha, pos, agency_id, year = _report_key(con, report_id)
        if field == "year":
            new_year = int(new_value)
            _check_year(new_year)
            _set_report_year(con, report_id, new_year)
            old, new = (str(year) if year is not None else None), str(new_year)
        else:
            name = str(new_value).strip()
            if not name:
                raise CorrectionError("the agency name is empty")
            old_row = con.execute("SELECT name FROM agencies WHERE agency_id = ?", [agency_id]).fetchone()
            _set_report_agency(con, report_id, name)
            old, new = (old_row[0] if old_row else None), name
        return _record(con, TARGET_REPORT, sha, pos, None, None, field, old, new, who, why)


def _agency_id(con: duckdb.DuckDBPyConnection, name: str) -> int | None:
    row = con.execute("SELECT agency_id FROM agencies WHERE name = ?", [name]).fetchone()
    if row:
        return int(row[0])
    row = con.execute("SELECT agency_id FROM agency_aliases WHERE alias = ?", [name]).fetchone()
    return int(row[0]) if row else None


def _move_agency(con: duckdb.DuckDBPyConnection, alias_id: int, alias: str, target_id: int) -> None:
    for table in ("reports", "facts", "findings"):
        con.execute(f"UPDATE {table} SET agency_id = ? WHERE agency_id = ?", [target_id, alias_id])
    names = [r[0] for r in con.execute("SELECT alias FROM agency_aliases WHERE agency_id = ?", [alias_id]).fetchall()]
    con.execute("DELETE FROM agency_aliases WHERE agency_id = ?", [alias_id])
    for n in dict.fromkeys([alias, *names]):
        con.execute("DELETE FROM agency_aliases WHERE alias = ?", [n])
        con.execute("INSERT INTO agency_aliases VALUES (?, ?)", [n, target_id])
    con.execute("DELETE FROM agencies WHERE agency_id = ?", [alias_id])


def merge_agencies(con: duckdb.DuckDBPyConnection, alias: str, target: str, who: str, why: str) -> int:
    """Merge agency ``alias`` into ``target``: its reports, facts, findings and aliases move."""
    _require(who, why)
    with _tx(con):
        alias_id, target_id = _agency_id(con, alias), _agency_id(con, target)
        if alias_id is None:
            raise CorrectionError(f"unknown agency {alias!r}")
        if target_id is None:
            raise CorrectionError(f"unknown agency {target!r}")
        if alias_id == target_id:
            raise CorrectionError(f"{alias!r} and {target!r} are already the same agency")
        alias_name = con.execute("SELECT name FROM agencies WHERE agency_id = ?", [alias_id]).fetchone()[0]
        target_name = con.execute("SELECT name FROM agencies WHERE agency_id = ?", [target_id]).fetchone()[0]
        _move_agency(con, alias_id, alias_name, target_id)
        return _record(con, TARGET_AGENCY, None, None, None, None, "merge", alias_name, target_name, who, why)


def apply_corrections(con: duckdb.DuckDBPyConnection, source_sha256: str) -> int:
    """Re-apply every correction recorded for a file to its freshly written reports.

    Called by the loader after ``write_reports`` inside the same transaction; safe on its own
    (then it opens its own) and idempotent. Corrections whose report position no longer exists
    are skipped (kept for history). Agency merges are re-applied when the alias re-appeared as a
    separate agency. Returns how many corrections were applied.

    Set-based for the whole file (issue 12): the years in three statements, the facts in two
    (the last correction of a fact wins, a fact the report lacks is added with the report's
    final agency and year — what applying them one by one in order leaves), merges in one query
    when none needs re-applying. Agency corrections stay one by one: each may create an agency,
    and the ids must come out as before.
    """
    if not con.execute("SELECT EXISTS (SELECT 1 FROM corrections)").fetchone()[0]:
        return 0  # nothing recorded at all (every file of a first build): one cheap query
    applied = 0
    with _tx(con):
        rows = con.execute(
            """SELECT c.target, c.position, c.metric_id, c.breakdown, c.field, c.new_value, r.report_id
               FROM corrections c
               JOIN sources s ON s.sha256 = c.source_sha256
               JOIN reports r ON r.source_id = s.source_id AND r.position = c.position
               WHERE c.source_sha256 = ? ORDER BY c.correction_id""",
            [source_sha256],
        ).fetchall()
        metrics = load_metrics() if rows else {}
        facts: dict[tuple[int, str, str], float | None] = {}  # each fact's last value
        years: dict[int, int] = {}  # the last year of each report
        for target, _pos, metric, breakdown, field, new, rid in rows:
            if target == TARGET_FACT and metric in metrics:
                facts[(int(rid), metric, breakdown or "")] = _num(new)  # first place, last value
            elif target == TARGET_REPORT and field == "year" and new:
                years[int(rid)] = int(new)
            elif target == TARGET_REPORT and field == "agency" and new:
                _set_report_agency(con, rid, new)
            else:
                continue
            applied += 1
        if years:
            _set_report_years(con, years)
        if facts:
            _set_facts(con, facts, metrics)
        applied += _reapply_merges(con)
    return applied


def _set_report_years(con: duckdb.DuckDBPyConnection, years: dict[int, int]) -> None:
    """:func:`_set_report_year` for many reports: one UPDATE per table."""
    ids, ys = list(years), list(years.values())
    for table in ("reports", "facts", "findings"):
        con.execute(
            f"UPDATE {table} SET year = d.year FROM (SELECT unnest(?::INTEGER[]) AS rid, "
            f"unnest(?::SMALLINT[]) AS year) d WHERE {table}.report_id = d.rid",
            [ids, ys],
        )


def _set_facts(con: duckdb.DuckDBPyConnection, facts: dict[tuple[int, str, str], float | None],
               metrics: dict[str, Any]) -> None:
    """:func:`_set_fact` for many facts: update those the reports have, add the others."""
    keys = list(facts)
    params = [[k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys],
              list(facts.values()), [metrics[k[1]].unit for k in keys]]
    d = ("(SELECT unnest(?::INTEGER[]) AS rid, unnest(?::VARCHAR[]) AS metric, "
         "unnest(?::VARCHAR[]) AS breakdown, unnest(?::DOUBLE[]) AS value, "
         "unnest(?::VARCHAR[]) AS unit)")
    lo, hi = min(k[0] for k in keys), max(k[0] for k in keys)
    # which facts exist is decided before the update, as _set_fact decides before it writes
    missing = con.execute(
        f"""SELECT d.rid, d.metric, d.breakdown, d.value, d.unit FROM {d} d
            WHERE NOT EXISTS (SELECT 1 FROM facts f WHERE f.report_id BETWEEN ? AND ?
                              AND f.report_id = d.rid AND f.metric_id = d.metric
                              AND f.breakdown = d.breakdown)""",
        [*params, lo, hi],
    ).fetchall()
    con.execute(
        f"""UPDATE facts SET value = d.value, origin = 'corrected' FROM {d} d
            WHERE facts.report_id BETWEEN ? AND ? AND facts.report_id = d.rid
              AND facts.metric_id = d.metric AND facts.breakdown = d.breakdown""",
        [*params, lo, hi],
    )
    if missing:
        order = {k: i for i, k in enumerate(keys)}
        missing.sort(key=lambda r: order[(r[0], r[1], r[2])])
        m = [list(c) for c in zip(*missing)]
        con.execute(
            f"""INSERT INTO facts (report_id, agency_id, year, metric_id, breakdown, value, approx,
                                   unit, origin, note)
                SELECT d.rid, r.agency_id, r.year, d.metric, d.breakdown, d.value, false, d.unit,
                       'corrected', 'added by an analyst'
                FROM (SELECT *, row_number() OVER () AS n FROM {d}) d
                JOIN reports r ON r.report_id = d.rid ORDER BY d.n""",
            m,
        )


def _reapply_merges(con: duckdb.DuckDBPyConnection) -> int:
    """Agency merges whose alias came back as a separate agency, re-applied in order.

    Almost always none: one query says so. Otherwise every merge is replayed in order, as
    before, because one merge can change what the next one finds."""
    again = con.execute(
        """SELECT count(*) FROM corrections c JOIN agencies a ON a.name = c.old_value
           WHERE c.target = 'agency' AND c.field = 'merge'"""
    ).fetchone()[0]
    if not again:
        return 0
    applied = 0
    for alias, target_name in con.execute(
        "SELECT old_value, new_value FROM corrections WHERE target = 'agency' AND field = 'merge' ORDER BY correction_id"
    ).fetchall():
        a = con.execute("SELECT agency_id FROM agencies WHERE name = ?", [alias]).fetchone()
        t = _agency_id(con, target_name)
        if a and t is not None and int(a[0]) != t:
            _move_agency(con, int(a[0]), alias, t)
            applied += 1
    return applied


def history(con: Any, report_id: int) -> pd.DataFrame:
    """The corrections of one report (and merges touching its agency), oldest first."""
    return con.execute(
        """WITH r AS (
             SELECT s.sha256, r.position, a.name AS agency FROM reports r
             LEFT JOIN sources s USING (source_id) LEFT JOIN agencies a ON a.agency_id = r.agency_id
             WHERE r.report_id = ?)
           SELECT c.made_at, c.who, c.target, c.field, c.metric_id, c.breakdown, c.old_value,
                  c.new_value, c.why
           FROM corrections c, r
           WHERE (c.source_sha256 = r.sha256 AND c.position = r.position)
              OR (c.target = 'agency' AND c.new_value = r.agency)
           ORDER BY c.correction_id""",
        [report_id],
    ).df()


def review_queue(con: Any) -> pd.DataFrame:
    """Reports needing a person: error findings, or agency / year unknown. Worst first."""
    return con.execute(
        """WITH e AS (
             SELECT report_id, count(*) AS errors, string_agg(DISTINCT rule, ', ') AS rules
             FROM findings WHERE severity = 'error' GROUP BY report_id)
           SELECT r.report_id, a.name AS agency, r.printed_agency, r.year, r.kind,
                  s.file_name AS file, r.position, coalesce(e.errors, 0) AS errors,
                  concat_ws('; ',
                    CASE WHEN r.agency_id IS NULL THEN 'agency unknown' END,
                    CASE WHEN r.year IS NULL THEN 'year unknown' END,
                    e.rules) AS reasons,
                  '/report?report=' || r.report_id AS link
           FROM reports r
           LEFT JOIN agencies a ON a.agency_id = r.agency_id
           LEFT JOIN sources s ON s.source_id = r.source_id
           LEFT JOIN e ON e.report_id = r.report_id
           WHERE e.errors > 0 OR r.agency_id IS NULL OR r.year IS NULL
           ORDER BY errors DESC, r.report_id""",
    ).df()
