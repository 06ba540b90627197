"""Were the annual reports published on time? Deadlines by the 条例, status per agency-year.

The rules (who must publish by when) are pure functions, so they can be read and tested apart
from the database; :func:`timeliness` applies them to the ``reports`` table. Only disclosure
reports (kind ``disclosure_report``) have a deadline: work summaries, templates and letters do
not count either way.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Sequence

import numpy as np
import pandas as pd

from etl.query.overview import Con, _df, _where

#: first report year judged by the 2019 revision of the 条例 (in force 15 May 2019; the first
#: reports due under it were those for 2019, published in 2020)
NEW_RULES_FROM = 2019

GOVERNMENT, DEPARTMENT, TOWNSHIP = "government", "department", "township"
ON_TIME, LATE, MISSING, UNKNOWN = "on_time", "late", "missing", "unknown"
STATUSES: tuple[str, ...] = (ON_TIME, LATE, MISSING, UNKNOWN)

_TOWNSHIP_LEVELS = {"乡镇", "乡", "镇", "街道", "乡级", "镇级", "街道级"}


def agency_type(name: str | None, level: str | None) -> str:
    """``government``, ``department`` or ``township`` — what the deadline depends on.

    The agencies table has a ``level`` (市级, 区级, 区县级, 乡镇 …) but no type, and the 条例's
    deadlines differ by type, so the type is read from the canonical name, which always ends
    in the body's own name (see ``etl/extract/agencies.py``):

    * a name ending in 人民政府 (or a bare …政府) is a *people's government*; at a level of
      county and above it is ``government``;
    * a township or street (level 乡镇/街道, or a name with 街道办事处, …镇人民政府,
      …乡人民政府) is ``township``;
    * everything else — bureaus, commissions, and also the 人民政府办公室, a working
      department of its government — is a ``department``.
    """
    n = (name or "").strip()
    lv = (level or "").strip()
    if lv in _TOWNSHIP_LEVELS or "街道办事处" in n or n.endswith(("镇人民政府", "乡人民政府")):
        return TOWNSHIP
    if n.endswith("政府"):
        return GOVERNMENT
    return DEPARTMENT


def deadline(year: int, kind: str) -> date:
    """The last day on which the report for ``year`` may be published (it is due in year+1).

    * Reports for years before 2019 (2008 条例, art. 31): every agency by 31 March.
    * From the 2019 report on (2019 条例): people's governments at county level and above by
      31 March (art. 50); government departments by 31 January (art. 49). Townships and
      streets are named by neither article; they report to the county government, which needs
      their report for its own by 31 March, and local rules commonly set 31 January for them —
      so they are judged like departments. This is the stricter reading: change it here if a
      province's rule says otherwise.
    """
    if year < NEW_RULES_FROM or kind == GOVERNMENT:
        return date(year + 1, 3, 31)
    return date(year + 1, 1, 31)


def status(year: int, kind: str, published: date | None) -> tuple[str, int | None]:
    """(status, days late) of one published report.

    A missing or unreadable date is ``unknown``, never late; so is a date before the end of
    the report's own year (a report cannot be published before its year has ended: the date
    read is another one, e.g. a 成文日期 of a draft, or a misread).
    """
    if published is None or (isinstance(published, float) and pd.isna(published)):
        return UNKNOWN, None
    if published <= date(year, 12, 31):
        return UNKNOWN, None
    due = deadline(year, kind)
    if published <= due:
        return ON_TIME, 0
    return LATE, (published - due).days


def timeliness(
    con: Con,
    agency_ids: Sequence[int] | None,
    year_from: int | None = None,
    year_to: int | None = None,
) -> pd.DataFrame:
    """One row per agency-year: agency_id, agency, region, level, type, year, published,
    deadline, status (on_time / late / missing / unknown), days_late, report_id.

    An agency-year is ``missing`` when the agency published disclosure reports for earlier and
    later years but none for it (a gap inside the years it reported). Years after an agency's
    last report are not called missing: renamed and merged agencies stop reporting under the
    old name, and the database cannot tell that from silence. Where an agency published
    several reports for one year, the earliest readable date counts.
    """
    where, params = _where(agency_ids, None, None, "r.")
    rows = _df(con, f"""
        SELECT r.agency_id, a.name AS agency, a.region, a.level, r.year::INTEGER AS year,
               min(r.published) AS published, min(r.report_id) AS report_id
        FROM reports r JOIN agencies a ON a.agency_id = r.agency_id
        WHERE r.kind = 'disclosure_report' AND r.year IS NOT NULL {where}
        GROUP BY ALL
    """, params)
    if rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    df = _every_year(rows)
    if year_from is not None:
        df = df[df["year"] >= int(year_from)]
    if year_to is not None:
        df = df[df["year"] <= int(year_to)]
    return df.sort_values(["agency", "year"]).reset_index(drop=True)


COLUMNS: list[str] = ["agency_id", "agency", "region", "level", "type", "year", "published",
                      "deadline", "status", "days_late", "report_id"]


def _every_year(rows: pd.DataFrame) -> pd.DataFrame:
    """Every year from each agency's first report to its last, with the rules applied.

    Set-wise, because a province has 20,000 agencies: a loop over agencies and years took
    24 s there. The rules are still :func:`agency_type`, :func:`deadline` and :func:`status`,
    applied once per agency, per (year, type) and per distinct published date."""
    agencies = rows.drop_duplicates("agency_id")[["agency_id", "agency", "region", "level"]]
    agencies = agencies.assign(type=[agency_type(n, lv) for n, lv in
                                     zip(agencies["agency"], agencies["level"])])
    span = rows.groupby("agency_id", sort=False)["year"].agg(["min", "max"])
    n = (span["max"] - span["min"] + 1).to_numpy()
    starts = np.repeat(span["min"].to_numpy(), n)
    offsets = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    grid = pd.DataFrame({"agency_id": np.repeat(span.index.to_numpy(), n),
                         "year": (starts + offsets).astype("int64")})
    grid = grid.merge(agencies, on="agency_id", how="left").merge(
        rows[["agency_id", "year", "published", "report_id"]], on=["agency_id", "year"], how="left")
    # plain arrays: iterating Arrow-backed string columns costs a second per 300,000 rows
    years = grid["year"].to_numpy()
    kinds = grid["type"].to_numpy(dtype=object)
    found = grid["report_id"].notna().to_numpy()
    pairs = {(int(y), k): deadline(int(y), k) for y, k in set(zip(years, kinds))}
    grid["deadline"] = [pairs[(y, k)] for y, k in zip(years.tolist(), kinds)]
    raw = grid["published"].to_numpy(dtype=object)
    dates = {v: _as_date(v) for v in set(raw[found].tolist()) if not _na(v)}
    published = [dates.get(v) if f and not _na(v) else None for v, f in zip(raw.tolist(), found)]
    judged = {key: status(*key) for key, f in zip(zip(years.tolist(), kinds, published), found) if f}
    out = [judged[(y, k, p)] if f else (MISSING, None)
           for y, k, p, f in zip(years.tolist(), kinds, published, found)]
    grid["published"] = published
    grid["status"] = [s for s, _ in out]
    grid["days_late"] = pd.array([d for _, d in out], dtype="float64") if out else []
    grid["report_id"] = grid["report_id"].astype("float64")
    grid["agency_id"] = grid["agency_id"].astype("int64")
    return grid[COLUMNS]


def _na(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _as_date(v: Any) -> date | None:
    if v is None:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(v, pd.Timestamp):
        return v.date()
    if isinstance(v, date):
        return v
    try:
        return pd.Timestamp(v).date()
    except (TypeError, ValueError):
        return None


def on_time_rate(df: pd.DataFrame) -> dict[str, Any]:
    """Counts by status and the on-time rate of a :func:`timeliness` frame.

    rate = on time ÷ (on time + late + missing), in percent: a missing report was not
    published on time. Unknown dates are left out of the denominator (they are neither on time
    nor late) and counted separately; the rate is None when the denominator is 0.
    """
    counts = {s: int((df["status"] == s).sum()) if not df.empty else 0 for s in STATUSES}
    den = counts[ON_TIME] + counts[LATE] + counts[MISSING]
    rate = 100.0 * counts[ON_TIME] / den if den else None
    return {**counts, "n": den, "rate": rate}


def by_year(df: pd.DataFrame) -> pd.DataFrame:
    """Per year of a :func:`timeliness` frame: on_time, late, missing, unknown, n, rate (%)."""
    cols = ["year", *STATUSES, "n", "rate"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    rows = [{"year": int(y), **on_time_rate(g)} for y, g in df.groupby("year")]
    return pd.DataFrame(rows, columns=cols)
