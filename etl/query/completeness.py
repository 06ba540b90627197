"""Which years are complete enough to headline and compare.

Reports arrive over months, and one analyst's upload of one agency's new figures must not turn
the overview into "2025: 1 agency reporting (−36)". A year is *complete* when most agencies of
the selection have reported for it; the headline defaults to the latest complete year, and an
incomplete (partial) year is never compared with another as if it were whole.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import pandas as pd

from etl.query.overview import Con, _df, _where

#: a year is complete when more than this share of the selection's agencies reported for it
COMPLETE_SHARE = 0.5


@dataclass(frozen=True)
class YearStatus:
    """How many of the selection's agencies reported for one year."""

    year: int
    reported: int  # n: agencies with a report for the year
    agencies: int  # N: agencies of the selection that ever reported

    @property
    def complete(self) -> bool:
        return is_complete(self.reported, self.agencies)


def is_complete(reported: int, agencies: int, share: float = COMPLETE_SHARE) -> bool:
    """More than ``share`` of ``agencies`` reported (no agencies: nothing is complete)."""
    return agencies > 0 and reported > share * agencies


def reporting_counts(con: Con, agency_ids: Sequence[int] | None) -> tuple[pd.DataFrame, int]:
    """(per year: year, reported; N) for the selection, over all years in the database.

    N is the number of agencies of the selection that have any report (templates and letters
    do not count) in any year. It ignores the year range on purpose: narrowing the range to a
    new year must not make that year look complete.
    """
    where, params = _where(agency_ids, None, None)
    df = _df(con, f"""
        SELECT year::INTEGER AS year, count(DISTINCT agency_id)::INTEGER AS reported
        FROM reports
        WHERE year IS NOT NULL AND agency_id IS NOT NULL
          AND kind NOT IN ('template', 'letter') {where}
        GROUP BY year ORDER BY year
    """, params)
    row = con.execute(f"""
        SELECT count(DISTINCT agency_id) FROM reports
        WHERE agency_id IS NOT NULL AND kind NOT IN ('template', 'letter') {where}
    """, params).fetchone()
    return df, int(row[0]) if row else 0


def year_statuses(counts: pd.DataFrame, agencies: int) -> dict[int, YearStatus]:
    """year → YearStatus for every year of ``counts`` (from :func:`reporting_counts`)."""
    return {int(y): YearStatus(int(y), int(n), int(agencies))
            for y, n in zip(counts["year"], counts["reported"])}


def default_year(
    counts: pd.DataFrame,
    agencies: int,
    year_from: int | None = None,
    year_to: int | None = None,
) -> int | None:
    """The latest complete year within [year_from, year_to]; if no year there is complete,
    the latest year there with any report; None when there is none."""
    years = [
        (int(y), int(n)) for y, n in zip(counts["year"], counts["reported"])
        if (year_from is None or y >= year_from) and (year_to is None or y <= year_to)
    ]
    if not years:
        return None
    complete = [y for y, n in years if is_complete(n, agencies)]
    return max(complete) if complete else max(y for y, _ in years)


def comparable_previous(statuses: dict[int, YearStatus], year: int) -> int | None:
    """The year to compare ``year`` with: year − 1 when both are complete, else None (a
    partial year on either side would make the change mean "fewer reports so far")."""
    cur, prev = statuses.get(year), statuses.get(year - 1)
    if cur is None or prev is None or not (cur.complete and prev.complete):
        return None
    return year - 1
