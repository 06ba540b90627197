"""Read-only SQL → pandas DataFrames for the overview, report and data-quality pages.

Every value reaches SQL as a parameter (``?``), never by string formatting; only the number of
placeholders is generated. Built for province scale (≈35 M facts): aggregates scan ``facts``
filtered by metric_id / breakdown / year / agency_id (copied onto every fact, so no join with
``reports``), and names are joined on the small aggregated result, never on raw facts. Nothing
here loads all facts into pandas; result sizes are bounded by ``limit`` arguments.

``agency_ids`` arguments: None = all agencies; an empty list = no agency (empty results).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import duckdb
import pandas as pd

Con = duckdb.DuckDBPyConnection

HEADLINE_METRICS: tuple[str, ...] = (
    "disclosure.items",
    "requests.received",
    "requests.granted",
    "requests.partially_granted",
    "requests.processed_total",
    "appeals.review_corrected",
    "appeals.review_total",
    "appeals.review_pending",
)

RATE_METRICS: tuple[str, ...] = ("rate.disclosure", "rate.correction")
# rate id → (numerator metrics, metrics subtracted from the denominator, (denominator,))
RATE_PARTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "rate.disclosure": (("requests.granted", "requests.partially_granted"), (),
                        ("requests.processed_total",)),
    "rate.correction": (("appeals.review_corrected",), ("appeals.review_pending",),
                        ("appeals.review_total",)),
}
DISCLOSURE_RATE_FLAG = 40.0  # percent: below is a red flag
CORRECTION_RATE_FLAG = 15.0  # percent: above is a red flag


def _df(con: Con, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
    return con.execute(sql, list(params)).df()


def _where(
    agency_ids: Sequence[int] | None,
    year_from: int | None,
    year_to: int | None,
    prefix: str = "",
) -> tuple[str, list[Any]]:
    """SQL conditions (joined by AND, leading ' AND ') and their parameters."""
    conds: list[str] = []
    params: list[Any] = []
    if agency_ids is not None:
        ids = [int(i) for i in agency_ids]
        if not ids:
            conds.append("FALSE")
        else:
            conds.append(f"{prefix}agency_id IN ({', '.join('?' for _ in ids)})")
            params.extend(ids)
    if year_from is not None:
        conds.append(f"{prefix}year >= ?")
        params.append(int(year_from))
    if year_to is not None:
        conds.append(f"{prefix}year <= ?")
        params.append(int(year_to))
    return ("".join(f" AND {c}" for c in conds), params)


def _in(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


# ----------------------------------------------------------------------------- agencies, years

def agencies(con: Con) -> pd.DataFrame:
    """All agencies: agency_id, name, region, level (by name)."""
    return _df(con, "SELECT agency_id, name, region, level FROM agencies ORDER BY name")


def agencies_stamp(con: Con) -> tuple:
    """Changes whenever an agency is added, renamed or regrouped (cache key for agencies())."""
    row = con.execute(
        "SELECT count(*), coalesce(max(agency_id), 0), "
        "coalesce(sum(hash(name, region, level)), 0)::VARCHAR FROM agencies"
    ).fetchone()
    return tuple(row) if row else (0, 0, "0")


def data_stamp(con: Con) -> tuple:
    """Changes whenever a load, deletion, correction or agency edit changes what pages show;
    a cheap cache key (counts and maxima of small tables, never a scan of facts)."""
    row = con.execute("""
        SELECT (SELECT count(*) FROM reports), (SELECT coalesce(max(report_id), 0) FROM reports),
               (SELECT count(*) FROM sources),
               (SELECT coalesce(max(loaded_at)::VARCHAR, '') FROM sources),
               (SELECT count(*) FROM findings),
               (SELECT count(*) FROM corrections),
               (SELECT coalesce(max(made_at)::VARCHAR, '') FROM corrections)
    """).fetchone()
    return (*(row or ()), *agencies_stamp(con))


def canonical_names(con: Con, names: Sequence[str]) -> dict[str, str]:
    """Printed names / aliases → the canonical agency name (unknown names are left out)."""
    if not names:
        return {}
    rows = con.execute(
        f"SELECT al.alias, a.name FROM agency_aliases al JOIN agencies a USING (agency_id) "
        f"WHERE al.alias IN ({_in(names)})", list(names)
    ).fetchall()
    return {str(r[0]): str(r[1]) for r in rows}


def agency_ids_for(con: Con, names: Sequence[str]) -> list[int]:
    """Ids of the given canonical names (unknown names are skipped)."""
    if not names:
        return []
    rows = con.execute(
        f"SELECT agency_id FROM agencies WHERE name IN ({_in(names)})", list(names)
    ).fetchall()
    return [int(r[0]) for r in rows]


def year_range(con: Con) -> tuple[int | None, int | None]:
    """First and last reporting year in the database (None, None when empty)."""
    row = con.execute("SELECT min(year), max(year) FROM reports WHERE year IS NOT NULL").fetchone()
    if not row or row[0] is None:
        return None, None
    return int(row[0]), int(row[1])


def report_count(con: Con) -> int:
    row = con.execute("SELECT count(*) FROM reports").fetchone()
    return int(row[0]) if row else 0


# ----------------------------------------------------------------------------- overview

def coverage(
    con: Con,
    agency_ids: Sequence[int] | None,
    year_from: int | None,
    year_to: int | None,
    limit_agencies: int = 200,
) -> pd.DataFrame:
    """One row per report in the selection: agency_id, agency (None = unknown), year,
    report_id, kind, form, n_findings, n_errors. At most ``limit_agencies`` agencies (by name;
    unknown-agency reports come last)."""
    where, params = _where(agency_ids, year_from, year_to, "r.")
    sql = f"""
        WITH sel AS (
            SELECT r.report_id, r.agency_id, r.year, r.kind, r.form
            FROM reports r WHERE r.year IS NOT NULL {where}
        ),
        ag AS (
            SELECT a.agency_id, a.name FROM agencies a
            WHERE a.agency_id IN (SELECT agency_id FROM sel)
            ORDER BY a.name LIMIT ?
        ),
        fc AS (
            SELECT report_id, count(*) AS n_findings,
                   count(*) FILTER (WHERE severity = 'error') AS n_errors
            FROM findings WHERE report_id IN (SELECT report_id FROM sel)
            GROUP BY report_id
        )
        SELECT s.agency_id, ag.name AS agency, s.year::INTEGER AS year, s.report_id, s.kind,
               s.form, coalesce(fc.n_findings, 0)::INTEGER AS n_findings,
               coalesce(fc.n_errors, 0)::INTEGER AS n_errors
        FROM sel s
        LEFT JOIN ag ON ag.agency_id = s.agency_id
        LEFT JOIN fc ON fc.report_id = s.report_id
        WHERE s.agency_id IS NULL OR ag.agency_id IS NOT NULL
        ORDER BY ag.name NULLS LAST, s.year, s.report_id
    """
    return _df(con, sql, [*params, int(limit_agencies)])


def headline(
    con: Con,
    agency_ids: Sequence[int] | None,
    year_from: int | None,
    year_to: int | None,
) -> pd.DataFrame:
    """Per year of the selection: agencies_reporting, items_disclosed, requests_received,
    disclosure_rate (%), correction_rate (%), plus the sums they come from.

    Rates are ratios of sums over the selection, (Σ予以公开 + Σ部分公开) / Σ总计 and
    Σ纠正 / (Σ总计 − Σ尚未审结), computed from one scan grouped by year (no per-agency
    grouping, which at province scale would cost ten times more); a year whose denominator
    is missing or zero has no rate.
    """
    where, params = _where(agency_ids, year_from, year_to)
    rwhere, rparams = _where(agency_ids, year_from, year_to)
    # group by (year, metric) first — a plain hash aggregate, 2–3× faster on 35 M facts than
    # FILTER aggregates on the raw rows — then pivot the ~100 sums
    sums = ",\n".join(
        f"max(v) FILTER (WHERE metric_id = '{m}') AS \"{m}\"" for m in HEADLINE_METRICS
    )
    sql = f"""
        WITH s0 AS (
            SELECT year::INTEGER AS year, metric_id, sum(value) AS v
            FROM facts
            WHERE metric_id IN ({_in(HEADLINE_METRICS)}) AND breakdown = ''
              AND value IS NOT NULL AND year IS NOT NULL {where}
            GROUP BY year, metric_id
        ),
        s AS (SELECT year, {sums} FROM s0 GROUP BY year),
        y AS (
            SELECT year,
                "disclosure.items" AS items_disclosed,
                "requests.received" AS requests_received,
                coalesce("requests.granted", 0) + coalesce("requests.partially_granted", 0)
                    AS granted_or_partial,
                nullif("requests.processed_total", 0) AS processed_total,
                coalesce("appeals.review_corrected", 0) AS review_corrected,
                nullif("appeals.review_total" - coalesce("appeals.review_pending", 0), 0)
                    AS review_closed
            FROM s
        ),
        rep AS (
            SELECT year::INTEGER AS year, count(DISTINCT agency_id) AS agencies_reporting
            FROM reports
            WHERE year IS NOT NULL AND agency_id IS NOT NULL AND kind NOT IN ('template', 'letter') {rwhere}
            GROUP BY year
        )
        SELECT coalesce(rep.year, y.year) AS year,
               coalesce(rep.agencies_reporting, 0)::INTEGER AS agencies_reporting,
               y.items_disclosed, y.requests_received,
               100.0 * y.granted_or_partial / y.processed_total AS disclosure_rate,
               100.0 * y.review_corrected / y.review_closed AS correction_rate,
               y.granted_or_partial, y.processed_total, y.review_corrected, y.review_closed
        FROM rep FULL OUTER JOIN y ON rep.year = y.year
        ORDER BY year
    """
    df = _df(con, sql, [*HEADLINE_METRICS, *params, *rparams])
    if df.empty:
        return pd.DataFrame(columns=[
            "year", "agencies_reporting", "items_disclosed", "requests_received",
            "disclosure_rate", "correction_rate",
        ])
    return df


def ranking(
    con: Con,
    metric_id: str = "disclosure.items",
    year: int | None = None,
    agency_ids: Sequence[int] | None = None,
    limit: int = 20,
    ascending: bool = False,
    breakdown: str = "",
) -> pd.DataFrame:
    """Agencies ranked by one metric in one year: rank, agency_id, agency, value.

    ``metric_id`` may be a dictionary metric or ``rate.disclosure`` / ``rate.correction``
    (percent). ``year`` None = the latest year in the selection holding the metric.
    """
    parts = RATE_PARTS.get(metric_id)
    if year is None:
        # the latest year holding the metric (its denominator for a rate): one cheap scan,
        # after which the ranking scans a single year
        key = parts[2][0] if parts else metric_id
        awhere, aparams = _where(agency_ids, None, None)
        row = con.execute(
            f"SELECT max(year) FROM facts WHERE metric_id = ? AND breakdown = ? "
            f"AND value IS NOT NULL {awhere}",
            [key, "" if parts else breakdown, *aparams],
        ).fetchone()
        if not row or row[0] is None:
            return pd.DataFrame(columns=["rank", "agency_id", "agency", "year", "value"])
        year = int(row[0])
    where, params = _where(agency_ids, year, year)
    if parts:
        num, minus, den = parts
        names = [*num, *minus, *den]

        def total(ms: tuple[str, ...]) -> str:
            return " + ".join(
                f"coalesce(sum(value) FILTER (WHERE metric_id = '{m}'), 0)" for m in ms
            ) or "0"

        inner = f"""
            SELECT agency_id, year, 100.0 * num / den AS value FROM (
                SELECT agency_id, year::INTEGER AS year, {total(num)} AS num,
                       sum(value) FILTER (WHERE metric_id = '{den[0]}') - ({total(minus)}) AS den
                FROM facts
                WHERE metric_id IN ({_in(names)}) AND breakdown = '' AND value IS NOT NULL
                  AND agency_id IS NOT NULL AND year IS NOT NULL {where}
                GROUP BY agency_id, year
            ) WHERE den > 0
        """
        qparams: list[Any] = [*names, *params]
    else:
        inner = f"""
            SELECT agency_id, year::INTEGER AS year, sum(value) AS value FROM facts
            WHERE metric_id = ? AND breakdown = ? AND value IS NOT NULL AND agency_id IS NOT NULL
              AND year IS NOT NULL {where}
            GROUP BY agency_id, year
        """
        qparams = [metric_id, breakdown, *params]
    order = "ASC" if ascending else "DESC"
    sql = f"""
        WITH v AS ({inner}),
        latest AS (SELECT max(year) AS year FROM v),
        top AS (
            SELECT agency_id, v.year, value FROM v, latest
            WHERE v.year = latest.year AND agency_id IS NOT NULL
            ORDER BY value {order}, agency_id LIMIT ?
        )
        SELECT (row_number() OVER (ORDER BY value {order}, a.name))::INTEGER AS rank,
               top.agency_id, a.name AS agency, top.year::INTEGER AS year, value
        FROM top JOIN agencies a USING (agency_id)
        ORDER BY rank
    """
    return _df(con, sql, [*qparams, int(limit)])


def red_flags(
    con: Con,
    agency_ids: Sequence[int] | None,
    year_from: int | None,
    year_to: int | None,
    limit: int = 500,
) -> pd.DataFrame:
    """agency_id, agency, year, flag, value, report_id for: error findings
    (``error_findings``, value = count), review correction rate above 15 %
    (``high_correction``), disclosure rate below 40 % (``low_disclosure``), and a year with no
    report between an agency's first and last report (``missing_year``, report_id NULL).
    Each kind is capped at ``limit`` rows."""
    fwhere, fparams = _where(agency_ids, year_from, year_to)
    rwhere_all, rparams_all = _where(agency_ids, None, None)
    ywhere, yparams = _where(None, year_from, year_to, "g.")
    sql = f"""
        WITH dr AS (
            SELECT agency_id, year::INTEGER AS year,
                coalesce(sum(value) FILTER (WHERE metric_id <> 'requests.processed_total'), 0)
                    AS num,
                sum(value) FILTER (WHERE metric_id = 'requests.processed_total') AS den
            FROM facts
            WHERE metric_id IN ('requests.granted', 'requests.partially_granted',
                                'requests.processed_total')
              AND breakdown = '' AND value IS NOT NULL AND agency_id IS NOT NULL
              AND year IS NOT NULL {fwhere}
            GROUP BY agency_id, year
        ),
        cr AS (
            SELECT agency_id, year::INTEGER AS year,
                coalesce(sum(value) FILTER (WHERE metric_id = 'appeals.review_corrected'), 0)
                    AS num,
                sum(value) FILTER (WHERE metric_id = 'appeals.review_total')
                    - coalesce(sum(value) FILTER (WHERE metric_id = 'appeals.review_pending'), 0)
                    AS den
            FROM facts
            WHERE metric_id IN ('appeals.review_corrected', 'appeals.review_total',
                                'appeals.review_pending')
              AND breakdown = '' AND value IS NOT NULL AND agency_id IS NOT NULL
              AND year IS NOT NULL {fwhere}
            GROUP BY agency_id, year
        ),
        err AS (
            SELECT agency_id, year::INTEGER AS year, 'error_findings' AS flag,
                   count(*)::DOUBLE AS value, min(report_id) AS report_id
            FROM findings WHERE severity = 'error' AND year IS NOT NULL {fwhere}
            GROUP BY agency_id, year ORDER BY agency_id, year LIMIT ?
        ),
        hc AS (
            SELECT agency_id, year, 'high_correction' AS flag, 100.0 * num / den AS value,
                   NULL::INTEGER AS report_id
            FROM cr WHERE den > 0 AND 100.0 * num / den > {CORRECTION_RATE_FLAG}
            ORDER BY agency_id, year LIMIT ?
        ),
        ld AS (
            SELECT agency_id, year, 'low_disclosure' AS flag, 100.0 * num / den AS value,
                   NULL::INTEGER AS report_id
            FROM dr WHERE den > 0 AND 100.0 * num / den < {DISCLOSURE_RATE_FLAG}
            ORDER BY agency_id, year LIMIT ?
        ),
        r AS (
            SELECT DISTINCT agency_id, year::INTEGER AS year FROM reports
            WHERE agency_id IS NOT NULL AND year IS NOT NULL AND kind NOT IN ('template', 'letter') {rwhere_all}
        ),
        b AS (SELECT agency_id, min(year) AS y0, max(year) AS y1 FROM r GROUP BY agency_id),
        g AS (SELECT agency_id, unnest(range(y0, y1 + 1))::INTEGER AS year FROM b),
        miss AS (
            SELECT g.agency_id, g.year, 'missing_year' AS flag, NULL::DOUBLE AS value,
                   NULL::INTEGER AS report_id
            FROM g ANTI JOIN r ON r.agency_id = g.agency_id AND r.year = g.year
            WHERE TRUE {ywhere}
            ORDER BY g.agency_id, g.year LIMIT ?
        ),
        allf AS (
            SELECT * FROM err UNION ALL SELECT * FROM hc UNION ALL SELECT * FROM ld
            UNION ALL SELECT * FROM miss
        )
        SELECT allf.agency_id, a.name AS agency, allf.year::INTEGER AS year, flag, value,
               report_id
        FROM allf LEFT JOIN agencies a USING (agency_id)
        ORDER BY a.name NULLS LAST, year, flag
    """
    lim = int(limit)
    params = [
        *fparams, *fparams,  # dr, cr
        *fparams, lim,  # err
        lim, lim,  # hc, ld
        *rparams_all,  # r
        *yparams, lim,  # miss
    ]
    return _df(con, sql, params)


# ----------------------------------------------------------------------------- one report

def report(con: Con, report_id: int) -> dict[str, Any] | None:
    """A report's metadata with its agency and source file, or None if there is no such id."""
    df = _df(con, """
        SELECT r.report_id, r.agency_id, a.name AS agency, a.region, a.level, r.printed_agency,
               r.year, r.kind, r.form, r.title, r.published, r.position, r.char_offset,
               s.source_id, s.sha256, s.file_name, s.size, s.format, s.loaded_at,
               s.archive_path, s.origin
        FROM reports r
        LEFT JOIN agencies a ON a.agency_id = r.agency_id
        LEFT JOIN sources s ON s.source_id = r.source_id
        WHERE r.report_id = ?
    """, [int(report_id)])
    if df.empty:
        return None
    rec = df.iloc[0].to_dict()
    return {k: (None if _isna(v) else v) for k, v in rec.items()}


def _isna(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def original_file(archive_path: str | None, archive: Path | None = None) -> Path | None:
    """The archived original of a source (``sources.archive_path``, relative to the archive
    folder), or None when not recorded, missing, or pointing outside the archive."""
    if not archive_path:
        return None
    from etl.store.database import archive_dir

    root = (archive or archive_dir()).resolve()
    rel = Path(archive_path)
    p = (rel if rel.is_absolute() else root / rel).resolve()
    if not rel.is_absolute() and root not in p.parents:
        return None  # "../" must not leave the archive
    return p if p.is_file() else None


def report_facts(con: Con, report_id: int, report_year: int | None = None) -> pd.DataFrame:
    """All facts of a report with their evidence, in dictionary order of metric.

    The report's year (``report_year``, else looked up) lets DuckDB skip the row groups of
    other years (facts are stored in (metric, year) order): several times faster at province
    scale than filtering on report_id alone.
    """
    if report_year is None:
        row = con.execute("SELECT year FROM reports WHERE report_id = ?",
                          [int(report_id)]).fetchone()
        report_year = int(row[0]) if row and row[0] is not None else None
    year_cond = "AND f.year = ?" if report_year is not None else ""
    params: list[Any] = [int(report_id)] + ([int(report_year)] if report_year is not None else [])
    return _df(con, f"""
        SELECT f.metric_id, f.breakdown, f.value, f.unit, f.approx, f.origin, f.page,
               f.table_name, f.row_label, f.col_label, f.raw_text, f.char_offset, f.note
        FROM facts f
        LEFT JOIN (SELECT metric_id, row_number() OVER () AS ord FROM metrics) m
               ON m.metric_id = f.metric_id
        WHERE f.report_id = ? {year_cond}
        ORDER BY m.ord NULLS LAST, f.metric_id, f.breakdown
    """, params)


def report_findings(con: Con, report_id: int) -> pd.DataFrame:
    """A report's findings, errors first."""
    return _df(con, """
        SELECT rule, severity, message, cells FROM findings WHERE report_id = ?
        ORDER BY CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, rule
    """, [int(report_id)])


def report_corrections(con: Con, report_id: int) -> pd.DataFrame:
    """Corrections made by people to this report (matched by source file and position;
    they survive re-extraction, which changes report ids)."""
    return _df(con, """
        SELECT c.correction_id, c.made_at, c.who, c.target, c.metric_id, c.breakdown, c.field,
               c.old_value, c.new_value, c.why
        FROM corrections c
        JOIN reports r ON r.position = c.position
        JOIN sources s ON s.source_id = r.source_id AND s.sha256 = c.source_sha256
        WHERE r.report_id = ?
        ORDER BY c.made_at, c.correction_id
    """, [int(report_id)])


def reports_list(
    con: Con,
    agency_ids: Sequence[int] | None,
    year_from: int | None,
    year_to: int | None,
    limit: int = 2000,
) -> pd.DataFrame:
    """Reports of the selection for a picker: report_id, agency, year, kind, title."""
    where, params = _where(agency_ids, year_from, year_to, "r.")
    return _df(con, f"""
        SELECT r.report_id, a.name AS agency, r.printed_agency, r.year::INTEGER AS year,
               r.kind, r.title
        FROM reports r LEFT JOIN agencies a ON a.agency_id = r.agency_id
        WHERE TRUE {where}
        ORDER BY a.name NULLS LAST, r.year, r.report_id
        LIMIT ?
    """, [*params, int(limit)])


# ----------------------------------------------------------------------------- data quality

def _findings_where(
    agency_ids: Sequence[int] | None,
    year_from: int | None,
    year_to: int | None,
    rules: Sequence[str] | None,
    severities: Sequence[str] | None,
) -> tuple[str, list[Any]]:
    where, params = _where(agency_ids, year_from, year_to, "f.")
    if rules:
        where += f" AND f.rule IN ({_in(rules)})"
        params.extend(rules)
    if severities:
        where += f" AND f.severity IN ({_in(severities)})"
        params.extend(severities)
    return where, params


def findings(
    con: Con,
    agency_ids: Sequence[int] | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    rules: Sequence[str] | None = None,
    severities: Sequence[str] | None = None,
    limit: int = 5000,
) -> pd.DataFrame:
    """Findings of the selection: report_id, agency, year, rule, severity, message, cells."""
    where, params = _findings_where(agency_ids, year_from, year_to, rules, severities)
    return _df(con, f"""
        WITH sel AS (
            SELECT f.report_id, f.agency_id, f.year::INTEGER AS year, f.rule, f.severity,
                   f.message, f.cells
            FROM findings f WHERE TRUE {where}
            ORDER BY f.year, f.agency_id, f.report_id, f.rule LIMIT ?
        )
        SELECT sel.report_id, a.name AS agency, sel.year, sel.rule, sel.severity, sel.message,
               sel.cells
        FROM sel LEFT JOIN agencies a USING (agency_id)
        ORDER BY a.name NULLS LAST, sel.year, sel.report_id,
                 CASE sel.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, sel.rule
    """, [*params, int(limit)])


def findings_by_rule(
    con: Con,
    agency_ids: Sequence[int] | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    rules: Sequence[str] | None = None,
    severities: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Counts by rule and severity for the selection: rule, severity, count."""
    where, params = _findings_where(agency_ids, year_from, year_to, rules, severities)
    return _df(con, f"""
        SELECT f.rule, f.severity, count(*)::INTEGER AS count
        FROM findings f WHERE TRUE {where}
        GROUP BY f.rule, f.severity
        ORDER BY count DESC, f.rule, f.severity
    """, params)


def finding_rules(con: Con) -> list[str]:
    """Every rule name present in the findings table (for the rule filter)."""
    return [str(r[0]) for r in con.execute(
        "SELECT DISTINCT rule FROM findings WHERE rule IS NOT NULL ORDER BY rule"
    ).fetchall()]
