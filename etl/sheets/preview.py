"""What an upload would add, change or leave unchanged, before anything is written.

The upload page shows this preview for every file (spreadsheets and report files alike) and
writes only after the analyst confirms; the write itself is :mod:`etl.store.loader`'s. Reading
the database here is limited to comparing against what is stored.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from etl.model import InputError, Report
from etl.sheets.parse import SheetParse, parse_spreadsheet, sha256_file
from etl.sheets.validate import Problem, display_name, guard_file


def source_loaded(con: Any, sha256: str) -> bool:
    row = con.execute("SELECT 1 FROM sources WHERE sha256 = ?", [sha256]).fetchone()
    return row is not None


@dataclass
class UploadPreview:
    """Per file: the reports/facts it would add, change or leave unchanged, and every problem.

    ``status``: ``new`` (would write), ``unchanged`` (same sha256 already loaded),
    ``refused`` (unreadable / hostile: ``message`` says why). ``kind``: spreadsheet | report.
    """

    file: str
    status: str
    kind: str = "spreadsheet"
    message: str = ""
    sha256: str = ""
    reports: list[dict[str, Any]] = field(default_factory=list)
    facts: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    new_agencies: dict[str, list[str]] = field(default_factory=dict)
    rows_bad: int = 0
    parsed: SheetParse | None = None
    extracted: list[Report] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def count(self, action: str) -> int:
        return sum(1 for f in self.facts if f["action"] == action)


def _existing_values(con: Any, agency_id: int | None, year: int | None) -> dict[tuple[str, str], list[float | None]]:
    if agency_id is None or year is None:
        return {}
    out: dict[tuple[str, str], list[float | None]] = {}
    for m, b, v in con.execute(
        "SELECT metric_id, breakdown, value FROM facts WHERE agency_id = ? AND year = ?", [agency_id, year]
    ).fetchall():
        out.setdefault((m, b or ""), []).append(v)
    return out


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))


def diff_reports(con: Any, reports: list[Report]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(report rows, fact rows) with ``action`` add | change | unchanged against the database,
    comparing facts of the same agency, year, metric and breakdown."""
    from etl.sheets.validate import known_agencies

    known = known_agencies(con)
    rep_rows: list[dict[str, Any]] = []
    fact_rows: list[dict[str, Any]] = []
    for r in reports:
        agency_id = known.get(r.agency or "") if r.agency else None
        if agency_id is None and r.printed_agency:
            agency_id = known.get(r.printed_agency)
        existing = _existing_values(con, agency_id, r.year)
        counts = {"add": 0, "change": 0, "unchanged": 0}
        for f in r.facts:
            olds = existing.get((f.metric, f.breakdown))
            if not olds:
                action, old = "add", None
            elif any(_same(o, f.value) for o in olds):
                action, old = "unchanged", f.value
            else:
                action, old = "change", olds[0]
            counts[action] += 1
            fact_rows.append({
                "agency": r.agency, "year": r.year, "metric": f.metric, "breakdown": f.breakdown,
                "value": f.value, "old_value": old, "action": action,
                "cell": f.evidence.table if f.evidence else None,
            })
        if not existing:
            action = "add"
        elif counts["change"] or counts["add"]:
            action = "change"
        else:
            action = "unchanged"
        rep_rows.append({
            "position": r.position, "agency": r.agency or r.printed_agency, "year": r.year,
            "new_agency": agency_id is None and bool(r.agency), "action": action,
            "facts_add": counts["add"], "facts_change": counts["change"],
            "facts_unchanged": counts["unchanged"], "findings": len(r.findings),
        })
    return rep_rows, fact_rows


def preview_upload(path: Path, con: Any, *, name: str | None = None) -> UploadPreview:
    """Everything the upload page shows before the analyst confirms; writes nothing.

    Spreadsheets are parsed and validated here; report files go through
    ``etl.extract.pipeline.extract_file``. Unreadable or hostile files come back ``refused`` with the
    reason (never an exception), so one bad file never breaks the page for the others.
    """
    from etl.sheets.validate import is_spreadsheet

    path = Path(path)
    file = display_name(name or path.name)
    try:
        kind = guard_file(path, file)
        sha = sha256_file(path)
        if con is not None and source_loaded(con, sha):
            return UploadPreview(file, "unchanged", "spreadsheet" if is_spreadsheet(file) else "report",
                                 f"{file}: already loaded (same content, sha256 {sha[:12]}…); nothing will change",
                                 sha256=sha)
        if kind == "report":
            from etl.extract.pipeline import extract_file

            reports = list(extract_file(path))
            for r in reports:
                r.source = file
            rep_rows, fact_rows = diff_reports(con, reports)
            problems = [Problem(file, f"{r.agency or r.printed_agency or '?'} {r.year or '?'}: {fd.message}",
                                "warning" if fd.severity != "error" else "error")
                        for r in reports for fd in r.findings if fd.severity in ("error", "warning")]
            # findings of a report file are stored with it (review queue), they do not block it
            for p in problems:
                p.severity = "warning"
            if not reports:
                return UploadPreview(file, "refused", "report", f"{file}: no report found in the file", sha256=sha)
            from etl.sheets.validate import closest_agencies, known_agencies

            known = list(known_agencies(con)) if con is not None else []
            new_agencies = {row["agency"]: closest_agencies(row["agency"], known)
                            for row in rep_rows if row["new_agency"] and con is not None}
            return UploadPreview(file, "new", "report", "", sha, rep_rows, fact_rows, problems,
                                 new_agencies, extracted=reports)
        parsed = parse_spreadsheet(path, con, name=file)
        rep_rows, fact_rows = diff_reports(con, parsed.reports)
        return UploadPreview(file, "new", "spreadsheet", "", sha, rep_rows, fact_rows, parsed.problems,
                             parsed.new_agencies, parsed.rows_bad, parsed=parsed)
    except InputError as exc:
        msg = str(exc) if file in str(exc) else f"{file}: {exc}"
        return UploadPreview(file, "refused", message=msg)
    except Exception as exc:  # a reader bug must not take the page down
        return UploadPreview(file, "refused", message=f"{file}: could not be read ({type(exc).__name__}: {exc})")
