"""The coverage matrix's cells (etl.present.coverage): state, label and the report each opens."""
from __future__ import annotations

import pandas as pd

from etl.present import coverage


def _cov(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["agency", "year", "report_id", "kind", "n_findings", "n_errors"])


def _tdf(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["agency", "year", "status", "days_late"])


def test_states_labels_and_links() -> None:
    cov = _cov([
        ("甲局", 2019, 1, "disclosure_report", 0, 0),
        ("甲局", 2019, 2, "work_summary", 0, 0),
        ("甲局", 2021, 3, "disclosure_report", 2, 0),
        ("甲局", 2022, 4, "disclosure_report", 1, 1),
        ("甲局", 2023, 5, "disclosure_report", 0, 0),
        ("乙局", 2020, 7, "work_summary", 0, 0),
        ("乙局", 2020, 6, "letter", 0, 0),
    ])
    tdf = _tdf([("甲局", 2019, "on_time", None), ("甲局", 2020, "missing", None),
                ("甲局", 2021, "late", 35), ("甲局", 2022, "on_time", None),
                ("甲局", 2023, "unknown", None)])
    cells = coverage.cells(cov, tdf, "zh")
    assert cells[("甲局", 2019)] == coverage.Cell("on_time", "✓ 总结", 1)  # the report, not the summary
    assert cells[("甲局", 2020)] == coverage.Cell("missing", "✗ 缺报", None)
    assert cells[("甲局", 2021)] == coverage.Cell("late", "迟35天 ⚠2", 3)  # late outranks findings
    assert cells[("甲局", 2022)].state == "error" and cells[("甲局", 2022)].label == "✓ ⚠1"
    assert cells[("甲局", 2023)] == coverage.Cell("unknown", "? 日期", 5)
    # only other kinds: the work summary opens first, then the letter is named
    assert cells[("乙局", 2020)] == coverage.Cell("other", "总结 函", 7)
    assert coverage.years_of(cells) == [2019, 2020, 2021, 2022, 2023]
    assert set(c.state for c in cells.values()) <= set(coverage.STATES) == set(coverage.STATE_COLOURS)


def test_english_and_unknown_lateness() -> None:
    cov = _cov([("甲局", 2021, 3, "disclosure_report", 1, 0)])
    cell = coverage.cells(cov, _tdf([("甲局", 2021, "late", None)]), "en")[("甲局", 2021)]
    assert cell == coverage.Cell("late", "late ⚠1", 3)
    # a report the timeliness table does not know (no agency row): its date is unknown
    assert coverage.cells(cov, _tdf([]), "en")[("甲局", 2021)] == coverage.Cell("findings", "? date ⚠1", 3)
