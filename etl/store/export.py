"""Exports of the stored facts (``python -m etl export``): CSV, XLSX or Parquet, filterable by
agency and years, written to a temporary file and renamed so a reader never sees half a file.

Text cells come from documents we do not control, so they are made inert for spreadsheet
programs here (:func:`neutralize`); the dashboard's downloads (:mod:`etl.present.exports`) use
the same rule.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable

import duckdb

#: Text that a spreadsheet program would take for a formula (tab and carriage return too: some
#: programs strip them before parsing).
DANGEROUS_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: Any) -> Any:
    """A text value made inert for spreadsheets; anything that is not text is returned as is."""
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


EXPORT_SQL = """
SELECT a.name AS agency, f.year, f.metric_id AS metric, f.breakdown, f.value, f.unit,
       r.kind, s.file_name AS source
FROM facts f
JOIN reports r USING (report_id)
LEFT JOIN agencies a ON a.agency_id = f.agency_id
LEFT JOIN sources s ON s.source_id = r.source_id
WHERE ($agency IS NULL OR a.name = $agency)
  AND ($year_from IS NULL OR f.year >= $year_from)
  AND ($year_to IS NULL OR f.year <= $year_to)
ORDER BY agency NULLS LAST, f.year, metric, f.breakdown
"""


#: Export columns that hold text from documents (neutralised in CSV/XLSX); ``year`` and
#: ``value`` stay numbers.
EXPORT_TEXT_COLUMNS = ("agency", "metric", "breakdown", "unit", "kind", "source")
EXPORT_FORMATS = (".csv", ".xlsx", ".parquet")
XLSX_MAX_ROWS = 1_048_575


def export_facts(
    con: duckdb.DuckDBPyConnection,
    out: Path,
    *,
    agency: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    strict: bool = False,
) -> int:
    """Write every fact (agency, year, metric, breakdown, value, unit, kind, source) to ``out``.

    With ``strict`` (the command line), an agency no name or alias matches and an empty year
    range raise ``ValueError`` naming the closest agencies, instead of writing an empty file.

    The format follows the suffix: .csv (UTF-8 with BOM, for Excel), .xlsx, .parquet. Values and
    years are numbers; text cells starting with ``= + - @`` (or tab / CR) get a leading ``'`` in
    CSV/XLSX so a spreadsheet never runs them as formulas. ``agency`` may be a canonical name or
    any known alias. The file appears atomically (temp file + rename). Returns the row count.
    """
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in EXPORT_FORMATS:
        raise ValueError(f"unsupported export format {out.suffix!r}; use .csv, .xlsx or .parquet")
    if strict and year_from is not None and year_to is not None and year_from > year_to:
        raise ValueError(f"the year range is empty: from {year_from} to {year_to}")
    if agency:
        agency = _export_agency(con, agency, strict=strict)
    params = {"agency": agency or None, "year_from": year_from, "year_to": year_to}
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        if suffix == ".parquet":
            n = _export_parquet(con, tmp, params)
        elif suffix == ".csv":
            n = _export_csv(con, tmp, params)
        else:
            n = _export_xlsx(con, tmp, params)
        os.replace(tmp, out)
    except BaseException:
        try:
            tmp.unlink()
        except FileNotFoundError:
            pass
        raise
    return n


def _export_agency(con: duckdb.DuckDBPyConnection, agency: str, *, strict: bool) -> str:
    """The canonical name for an export filter given as a name or alias.

    An unknown name is an error (with the closest known names), not a silently empty file:
    a typo in a scheduled export must not look like "this agency reported nothing".
    """
    row = con.execute(
        "SELECT a.name FROM agency_aliases l JOIN agencies a USING (agency_id) WHERE l.alias = ? "
        "UNION ALL SELECT name FROM agencies WHERE name = ? LIMIT 1",
        [agency, agency],
    ).fetchall()
    if row:
        return str(row[0][0])
    if not strict:
        return agency  # matches nothing: an empty export
    names = [str(r[0]) for r in con.execute(
        "SELECT name FROM agencies UNION SELECT alias FROM agency_aliases").fetchall()]
    hint = ""
    try:
        from rapidfuzz import process

        close = [m[0] for m in process.extract(agency, names, limit=3, score_cutoff=50)]
        if close:
            hint = " (did you mean " + " / ".join(close) + "?)"
    except ImportError:  # pragma: no cover - rapidfuzz is a requirement
        pass
    raise ValueError(f"no agency named {agency!r} in the database{hint}")


def _export_rows(con: duckdb.DuckDBPyConnection, params: dict) -> Iterable[tuple]:
    cur = con.execute(EXPORT_SQL, params)
    text_idx = [i for i, d in enumerate(cur.description) if d[0] in EXPORT_TEXT_COLUMNS]
    value_idx = [i for i, d in enumerate(cur.description) if d[0] == "value"]
    while True:
        chunk = cur.fetchmany(50_000)
        if not chunk:
            break
        for row in chunk:
            r = list(row)
            for i in text_idx:
                r[i] = neutralize(r[i])
            for i in value_idx:
                v = r[i]
                if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
                    r[i] = int(v)
            yield tuple(r)


def _export_csv(con: duckdb.DuckDBPyConnection, tmp: Path, params: dict) -> int:
    import csv

    n = 0
    with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(["agency", "year", "metric", "breakdown", "value", "unit", "kind", "source"])
        for row in _export_rows(con, params):
            w.writerow(["" if v is None else v for v in row])
            n += 1
    return n


def _export_xlsx(con: duckdb.DuckDBPyConnection, tmp: Path, params: dict) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("facts")
    ws.append(["agency", "year", "metric", "breakdown", "value", "unit", "kind", "source"])
    n = 0
    for row in _export_rows(con, params):
        n += 1
        if n > XLSX_MAX_ROWS:
            raise ValueError(
                f"more than {XLSX_MAX_ROWS} rows do not fit in one .xlsx sheet; "
                "filter by agency/year or export .csv / .parquet"
            )
        cells = []
        for v in row:
            if isinstance(v, str):
                c = WriteOnlyCell(ws, value=v)
                c.data_type = "s"  # never a formula, whatever the text
                cells.append(c)
            else:
                cells.append(v)
        ws.append(cells)
    wb.save(tmp)
    return n


def _export_parquet(con: duckdb.DuckDBPyConnection, tmp: Path, params: dict) -> int:
    import pyarrow.parquet as pq

    cur = con.cursor()  # a relation streams; keep it off the caller's connection state
    try:
        reader = cur.sql(EXPORT_SQL, params=params).to_arrow_reader(100_000)
        n = 0
        with pq.ParquetWriter(str(tmp), reader.schema) as w:
            for batch in reader:
                w.write_batch(batch)
                n += batch.num_rows
    finally:
        cur.close()
    return n
