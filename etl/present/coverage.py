"""The overview's coverage matrix: one cell per agency and year saying, at a glance, whether the
year's disclosure report is there, on time, late or missing, and whether it has problems.

Why its own module: the matrix used to print the report kind ("年度报告") in every cell, left a
missing year as a blank indistinguishable from a year before the agency's first report, and
showed problems as a tiny "⚠3". Each cell now has a *state* (the page colours it) and a short
label (a symbol, the days late, the number of findings), and the rules are testable without
Streamlit.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from etl.present import i18n

STRINGS: dict[str, tuple[str, str]] = {
    "cov_on_time": ("✓", "✓"),
    "cov_late": ("迟{days}天", "late {days}d"),
    "cov_late_days_unknown": ("逾期", "late"),
    "cov_unknown": ("? 日期", "? date"),
    "cov_missing": ("✗ 缺报", "✗ missing"),
    "cov_findings": ("⚠{n}", "⚠{n}"),
    # other kinds of report, short (a cell is about 70 px wide)
    "cov_kind_work_summary": ("总结", "summary"),
    "cov_kind_template": ("模板", "template"),
    "cov_kind_letter": ("函", "letter"),
}
i18n.register(STRINGS)

#: cell states, worst first: the page colours a cell by its state
STATES: tuple[str, ...] = ("missing", "error", "late", "findings", "unknown", "on_time", "other")
#: background colours of the states (light enough for the link text on top)
STATE_COLOURS: dict[str, str] = {
    "missing": "#f8d0d0", "error": "#f8d0d0", "late": "#fde7b0", "findings": "#fff4c2",
    "unknown": "#e8e8e8", "on_time": "#dcf0dc", "other": "#e4ecf7",
}
KIND_ORDER = {"disclosure_report": 0, "work_summary": 1, "template": 2, "letter": 3}


@dataclass(frozen=True)
class Cell:
    """One agency-year: its state, the label shown, and the report it opens (None: missing)."""

    state: str
    label: str
    report_id: int | None


def cells(cov: pd.DataFrame, tdf: pd.DataFrame, lang: str) -> dict[tuple[str, int], Cell]:
    """Cells of the matrix from ``overview.coverage`` (one row per report; ``agency`` filled)
    and ``timeliness.timeliness`` (one row per agency-year of disclosure reports, with the
    years missing between an agency's reports).

    The cell opens the year's disclosure report when there is one, else its first other report
    (work summary, template, letter).
    """
    status: dict[tuple[str, int], tuple[str, int | None]] = {}
    for agency, year, st, late in zip(tdf.get("agency", []), tdf.get("year", []),
                                      tdf.get("status", []), tdf.get("days_late", [])):
        days = None if late is None or pd.isna(late) else int(late)
        status[(str(agency), int(year))] = (str(st), days)
    rows = cov.assign(_o=cov["kind"].map(KIND_ORDER).fillna(9)).sort_values(
        ["agency", "year", "_o", "report_id"], kind="stable")
    first: dict[tuple[str, int], int] = {}
    kinds: dict[tuple[str, int], list[str]] = {}
    n_findings: dict[tuple[str, int], int] = {}
    n_errors: dict[tuple[str, int], int] = {}
    for agency, year, rid, kind, nf, ne in zip(rows["agency"], rows["year"], rows["report_id"],
                                               rows["kind"], rows["n_findings"], rows["n_errors"]):
        key = (str(agency), int(year))
        first.setdefault(key, int(rid))
        if kind not in kinds.setdefault(key, []):
            kinds[key].append(str(kind))
        n_findings[key] = n_findings.get(key, 0) + int(nf)
        n_errors[key] = n_errors.get(key, 0) + int(ne)
    out: dict[tuple[str, int], Cell] = {}
    for key, rid in first.items():
        parts: list[str] = []
        if "disclosure_report" in kinds[key]:
            st, days = status.get(key, ("unknown", None))
            if st == "late":
                parts.append(i18n.t("cov_late", lang, days=days) if days is not None
                             else i18n.t("cov_late_days_unknown", lang))
            elif st == "on_time":
                parts.append(i18n.t("cov_on_time", lang))
            else:
                parts.append(i18n.t("cov_unknown", lang))
                st = "unknown"
        else:
            st = "other"
        parts += [_kind(k, lang) for k in kinds[key] if k != "disclosure_report"]
        if n_findings[key]:
            parts.append(i18n.t("cov_findings", lang, n=n_findings[key]))
        state = "error" if n_errors[key] else "findings" if n_findings[key] and st in (
            "on_time", "unknown", "other") else st
        # "+" would read as a space in a link's display text
        out[key] = Cell(state, " ".join(parts).replace("+", "＋"), rid)
    for key, (st, _days) in status.items():
        if st == "missing" and key not in out:
            out[key] = Cell("missing", i18n.t("cov_missing", lang), None)
    return out


def _kind(kind: str, lang: str) -> str:
    key = f"cov_kind_{kind}"
    return i18n.t(key, lang) if key in STRINGS else i18n.kind_label(kind, lang)


def years_of(cells_: dict[tuple[str, int], Cell]) -> list[int]:
    return sorted({y for _a, y in cells_})
