"""Were the annual reports published on time? Deadlines by the 条例, status per agency-year.

The rules (who must publish by when) are pure functions, so they can be read and tested apart
from the database; :func:`timeliness` applies them to the ``reports`` table. Only disclosure
reports (kind ``disclosure_report``) have a deadline: work summaries, templates and letters do
not count either way.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Sequence

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
    cols = ["agency_id", "agency", "region", "level", "type", "year", "published", "deadline",
            "status", "days_late", "report_id"]
    if rows.empty:
        return pd.DataFrame(columns=cols)
    out: list[dict[str, Any]] = []
    for aid, grp in rows.groupby("agency_id", sort=False):
        first = grp.iloc[0]
        kind = agency_type(first["agency"], first["level"])
        by_year = {int(y): r for y, r in zip(grp["year"], grp.itertuples(index=False))}
        for y in range(min(by_year), max(by_year) + 1):
            rec: dict[str, Any] = {
                "agency_id": int(aid), "agency": first["agency"], "region": first["region"],
                "level": first["level"], "type": kind, "year": y, "deadline": deadline(y, kind),
            }
            r = by_year.get(y)
            if r is None:
                rec.update(published=None, status=MISSING, days_late=None, report_id=None)
            else:
                pub = _as_date(r.published)
                st, late = status(y, kind, pub)
                rec.update(published=pub, status=st, days_late=late, report_id=int(r.report_id))
            out.append(rec)
    df = pd.DataFrame(out, columns=cols)
    if year_from is not None:
        df = df[df["year"] >= int(year_from)]
    if year_to is not None:
        df = df[df["year"] <= int(year_to)]
    return df.sort_values(["agency", "year"]).reset_index(drop=True)


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
