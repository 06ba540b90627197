"""Timeliness: the 条例's deadlines by agency type and year, statuses, the on-time rate, and
the query on a database written here."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from etl.model import Report
from etl.query import timeliness as tl


@pytest.mark.parametrize("name, level, kind", [
    ("青川市商务局", "市级", "department"),
    ("青川市人民政府办公室", "市级", "department"),  # a working department of the government
    ("东城区人民政府", "区级", "government"),
    ("丙市丁县人民政府", "区县级", "government"),
    ("东城区朝阳街道办事处", "乡镇", "township"),
    ("滨江区临江镇人民政府", "乡镇", "township"),
    ("某县某镇人民政府", None, "township"),
])
def test_agency_type(name: str, level: str | None, kind: str) -> None:
    assert tl.agency_type(name, level) == kind


def test_deadlines_by_rule_and_year() -> None:
    assert tl.deadline(2018, "department") == date(2019, 3, 31)  # 2008 条例: all by 31 March
    assert tl.deadline(2018, "government") == date(2019, 3, 31)
    assert tl.deadline(2019, "department") == date(2020, 1, 31)  # 2019 条例 art. 49
    assert tl.deadline(2019, "government") == date(2020, 3, 31)  # art. 50
    assert tl.deadline(2023, "township") == date(2024, 1, 31)


def test_status() -> None:
    assert tl.status(2020, "department", date(2021, 1, 31)) == ("on_time", 0)
    assert tl.status(2020, "department", date(2021, 2, 10)) == ("late", 10)
    assert tl.status(2020, "government", date(2021, 2, 10)) == ("on_time", 0)
    assert tl.status(2017, "department", date(2018, 4, 2)) == ("late", 2)
    assert tl.status(2020, "department", None) == ("unknown", None)  # never "late"
    assert tl.status(2020, "department", date(2020, 6, 1)) == ("unknown", None)  # implausible


def _report(agency: str, year: int, published: str | None, kind: str = "disclosure_report") -> Report:
    return Report(source=f"{agency}-{year}", position=1, title=f"{agency}{year}年报告",
                  agency=agency, printed_agency=agency, year=year, kind=kind,
                  form="2021", published=published, facts=[], findings=[])


def test_timeliness_query_and_rate(tmp_path: Path) -> None:
    from etl.store import database as store

    con = store.connect(tmp_path / "t.duckdb")
    plan = [
        ("甲局", 2019, "2020-01-20"), ("甲局", 2020, "2021-02-05"), ("甲局", 2022, None),
        ("乙县人民政府", 2020, "2021-03-30"), ("乙县人民政府", 2021, "2022-04-01"),
    ]
    for n, (agency, year, pub) in enumerate(plan):
        store.write_reports(con, store.SourceInfo(f"{n:064d}", f"f{n}.txt", 1, "text"),
                            [_report(agency, year, pub)])
    # a work summary has no deadline and fills no gap
    store.write_reports(con, store.SourceInfo("w" * 64, "w.txt", 1, "text"),
                        [_report("甲局", 2021, None, kind="work_summary")])
    con.execute("UPDATE agencies SET level = '区县级'")
    df = tl.timeliness(con, None)
    con.close()
    got = {(a, y): (s, d) for a, y, s, d in
           zip(df["agency"], df["year"], df["status"], df["days_late"])}
    assert got[("甲局", 2019)] == ("on_time", 0)
    assert got[("甲局", 2020)] == ("late", 5)
    assert got[("甲局", 2021)][0] == "missing"  # a gap between 2020 and 2022
    assert got[("甲局", 2022)][0] == "unknown"  # no date read
    assert got[("乙县人民政府", 2020)] == ("on_time", 0)  # governments: 31 March
    assert got[("乙县人民政府", 2021)] == ("late", 1)
    assert len(got) == 6
    s = tl.on_time_rate(df)
    # on time 2 of (2 on time + 2 late + 1 missing); the unknown date is left out
    assert (s["on_time"], s["late"], s["missing"], s["unknown"], s["n"]) == (2, 2, 1, 1, 5)
    assert s["rate"] == pytest.approx(40.0)
    per_year = tl.by_year(df).set_index("year")
    assert per_year.loc[2021, "rate"] == 0.0 and pd.isna(per_year.loc[2022, "rate"])
    assert tl.on_time_rate(df.iloc[0:0])["rate"] is None


def _row_by_row(rows: pd.DataFrame) -> dict:
    """The rules applied one agency-year at a time (what timeliness() did before it worked
    set-wise): the reference for the set-wise version."""
    out = {}
    for aid, grp in rows.groupby("agency_id"):
        kind = tl.agency_type(grp["agency"].iloc[0], grp["level"].iloc[0])
        by_year = {int(y): p for y, p in zip(grp["year"], grp["published"])}
        for y in range(min(by_year), max(by_year) + 1):
            if y not in by_year:
                out[(int(aid), y)] = (tl.MISSING, None)
            else:
                p = by_year[y]
                out[(int(aid), y)] = tl.status(y, kind, None if p is None else date.fromisoformat(p))
    return out


def test_set_wise_timeliness_applies_the_rules_to_every_agency_year(tmp_path: Path) -> None:
    import random

    from etl.store import database as store

    rng = random.Random(7)
    con = store.connect(tmp_path / "r.duckdb")
    names = ["甲局", "乙县人民政府", "丙镇人民政府", "丁街道办事处", "戊市人民政府办公室", "己委员会"]
    plan = []
    for name in names:
        for year in sorted(rng.sample(range(2012, 2024), rng.randint(1, 8))):
            pub = rng.choice([None, f"{year}-06-01", f"{year + 1}-01-15", f"{year + 1}-01-31",
                              f"{year + 1}-02-01", f"{year + 1}-03-31", f"{year + 1}-04-20"])
            plan.append((name, year, pub))
    for n, (agency, year, pub) in enumerate(plan):
        store.write_reports(con, store.SourceInfo(f"{n:064d}", f"f{n}.txt", 1, "text"),
                            [_report(agency, year, pub)])
    con.execute("UPDATE agencies SET level = CASE WHEN name LIKE '%镇%' THEN '乡镇' ELSE '区县级' END")
    rows = con.execute(
        "SELECT r.agency_id, a.name AS agency, a.level, r.year, r.published::VARCHAR AS published "
        "FROM reports r JOIN agencies a USING (agency_id)").df()
    rows["published"] = rows["published"].astype(object).where(rows["published"].notna(), None)
    df = tl.timeliness(con, None)
    part = tl.timeliness(con, None, 2015, 2019)
    con.close()
    want = _row_by_row(rows)
    got = {(int(a), int(y)): (s, None if pd.isna(d) else int(d))
           for a, y, s, d in zip(df["agency_id"], df["year"], df["status"], df["days_late"])}
    assert got == want
    assert set(df["status"]) >= {tl.ON_TIME, tl.LATE, tl.MISSING, tl.UNKNOWN}
    assert part["year"].between(2015, 2019).all()
    assert len(part) == sum(1 for (_a, y) in want if 2015 <= y <= 2019)
    # a found report keeps its id and date; a missing year has neither
    missing = df[df["status"] == tl.MISSING]
    assert missing["report_id"].isna().all() and missing["published"].isna().all()
    assert df.loc[df["status"] != tl.MISSING, "report_id"].notna().all()
