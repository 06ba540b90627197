"""Which year to headline: the latest year most agencies reported for; partial years are not
compared."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from etl.query import completeness as cp
from tests.conftest import AGENCIES, YEARS


def test_default_year_skips_a_partial_new_year() -> None:
    counts = pd.DataFrame({"year": [2022, 2023, 2024], "reported": [40, 39, 1]})
    assert cp.default_year(counts, 41) == 2023
    assert cp.default_year(counts, 41, year_to=2022) == 2022
    # only partial years in range: the latest of them, so the page still shows something
    assert cp.default_year(counts, 41, year_from=2024) == 2024
    assert cp.default_year(counts, 41, year_from=2030) is None
    assert not cp.is_complete(20, 41) and cp.is_complete(21, 41) and not cp.is_complete(0, 0)


def test_comparable_previous_needs_two_complete_years() -> None:
    counts = pd.DataFrame({"year": [2022, 2023, 2024, 2025], "reported": [10, 3, 10, 10]})
    st = cp.year_statuses(counts, 10)
    assert cp.comparable_previous(st, 2025) == 2024
    assert cp.comparable_previous(st, 2024) is None  # 2023 is partial
    assert cp.comparable_previous(st, 2023) is None
    assert cp.comparable_previous(st, 2022) is None  # no 2021 at all


def test_reporting_counts_on_the_small_database(small_db: Path) -> None:
    con = duckdb.connect(str(small_db), read_only=True)
    try:
        counts, n = cp.reporting_counts(con, None)
        ids = [int(r[0]) for r in con.execute(
            "SELECT agency_id FROM agencies WHERE name IN ('甲市商务局', '甲市乙区商务局')").fetchall()]
        sub, n_sub = cp.reporting_counts(con, ids)
    finally:
        con.close()
    assert n == len(AGENCIES)  # the unknown-agency report has no agency
    by_year = dict(zip(counts["year"], counts["reported"]))
    assert by_year == {y: len(AGENCIES) - (1 if y == 2020 else 0) for y in YEARS}
    assert n_sub == 2 and dict(zip(sub["year"], sub["reported"]))[2020] == 1
    assert cp.default_year(counts, n) == max(YEARS)
