"""etl.query.overview on the small database (numbers known from tests/conftest.py)."""
from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from etl.store import connection as db
from etl.query import overview as queries
from tests.conftest import AGENCIES, expected


@pytest.fixture(scope="module")
def con(small_db):
    c = duckdb.connect(str(small_db), read_only=True)
    yield c
    c.close()


def ids(con, *names: str) -> list[int]:
    return queries.agency_ids_for(con, names)


def test_agencies_and_years(con) -> None:
    df = queries.agencies(con)
    assert sorted(df["name"]) == sorted(a[0] for a in AGENCIES)
    row = df[df["name"] == "甲市乙区商务局"].iloc[0]
    assert (row["region"], row["level"]) == ("甲市", "区县级")
    assert queries.year_range(con) == (2017, 2023)
    assert queries.report_count(con) == 6 * 7 - 1 + 2 + 1
    assert ids(con, "丙市教育局", "nope") == [6]


def test_canonical_names(con) -> None:
    con2 = con  # aliases hold every printed name written by write_reports
    assert queries.canonical_names(con2, ["甲市商务局", "nope"]) == {"甲市商务局": "甲市商务局"}
    assert queries.canonical_names(con2, []) == {}


def test_coverage_cells(con) -> None:
    cov = queries.coverage(con, ids(con, "甲市商务局", "甲市乙区商务局"), 2017, 2021)
    a1 = cov[cov["agency"] == "甲市商务局"]
    # 5 disclosure reports + 2 work summaries
    assert len(a1) == 7
    assert set(a1[a1["year"] == 2017]["kind"]) == {"disclosure_report", "work_summary"}
    a3 = cov[cov["agency"] == "甲市乙区商务局"]
    assert sorted(a3["year"]) == [2017, 2018, 2019, 2021]  # 2020 missing
    # findings counted per report
    cov4 = queries.coverage(con, ids(con, "丙市商务局"), 2022, 2022)
    assert cov4["n_findings"].tolist() == [1] and cov4["n_errors"].tolist() == [1]


def test_coverage_includes_unknown_agency_last(con) -> None:
    cov = queries.coverage(con, None, 2020, 2020)
    assert cov["agency"].isna().sum() == 1
    assert pd.isna(cov.iloc[-1]["agency"])


def test_coverage_limit_agencies(con) -> None:
    cov = queries.coverage(con, None, None, None, limit_agencies=2)
    assert cov["agency"].dropna().nunique() == 2


def test_headline_numbers(con) -> None:
    df = queries.headline(con, ids(con, "甲市商务局", "丙市丁县人民政府"), 2021, 2022).set_index("year")
    e1, e5 = expected(1, 2022), expected(5, 2022)
    row = df.loc[2022]
    assert row["agencies_reporting"] == 2
    assert row["items_disclosed"] == e1["disclosure.items"] + e5["disclosure.items"]
    assert row["requests_received"] == e1["requests.received"] + e5["requests.received"]
    granted = sum(e["requests.granted"] + e["requests.partially_granted"] for e in (e1, e5))
    assert row["disclosure_rate"] == pytest.approx(
        100 * granted / (e1["requests.processed_total"] + e5["requests.processed_total"]))
    assert row["correction_rate"] == pytest.approx(100 * 3 / (4 + 10))
    assert list(df.index) == [2021, 2022]


def test_headline_counts_missing_report(con) -> None:
    df = queries.headline(con, None, None, None).set_index("year")
    assert df.loc[2020, "agencies_reporting"] == 5  # 甲市乙区商务局 has no 2020 report
    assert df.loc[2019, "agencies_reporting"] == 6
    # narrative years: no rates
    assert df.loc[2017, "disclosure_rate"] != df.loc[2017, "disclosure_rate"]  # NaN


def test_headline_empty_selection(con) -> None:
    assert queries.headline(con, [], None, None).empty
    assert queries.headline(con, None, 1990, 1991).empty


def test_ranking_metric(con) -> None:
    r = queries.ranking(con, "disclosure.items", 2020, None, limit=3)
    assert r["agency"].tolist() == ["丙市教育局", "丙市丁县人民政府", "丙市商务局"]
    assert r["value"].tolist() == [expected(6, 2020)["disclosure.items"],
                                   expected(5, 2020)["disclosure.items"],
                                   expected(4, 2020)["disclosure.items"]]
    assert r["rank"].tolist() == [1, 2, 3]
    latest = queries.ranking(con, "disclosure.items", None, None, limit=1)
    assert latest["year"].tolist() == [2023]


def test_ranking_rates(con) -> None:
    r = queries.ranking(con, "rate.correction", 2022, None)
    assert r.iloc[0]["agency"] == "丙市丁县人民政府"
    assert r.iloc[0]["value"] == pytest.approx(30.0)
    d = queries.ranking(con, "rate.disclosure", 2022, None, ascending=True, limit=1)
    e6 = expected(6, 2022)
    assert d.iloc[0]["agency"] == "丙市教育局"
    assert d.iloc[0]["value"] == pytest.approx(100 * 1 / e6["requests.processed_total"])


def test_red_flags(con) -> None:
    flags = queries.red_flags(con, None, None, None)
    got = {(r.agency, int(r.year), r.flag) for r in flags.itertuples()}
    assert ("丙市商务局", 2022, "error_findings") in got
    assert ("甲市乙区商务局", 2020, "missing_year") in got
    assert {y for a, y, f in got if f == "high_correction"} == {2019, 2020, 2021, 2022, 2023}
    assert {a for a, y, f in got if f == "high_correction"} == {"丙市丁县人民政府"}
    assert {a for a, y, f in got if f == "low_disclosure"} == {"丙市教育局"}
    # no flag for agencies/years that are fine
    assert not any(a == "甲市商务局" for a, _, _ in got)


def test_red_flags_respect_years_and_agencies(con) -> None:
    flags = queries.red_flags(con, ids(con, "甲市乙区商务局"), 2021, 2023)
    assert flags.empty  # the missing year 2020 is outside the range
    flags = queries.red_flags(con, ids(con, "甲市乙区商务局"), 2020, 2020)
    assert flags["flag"].tolist() == ["missing_year"]


def test_report_and_evidence(con) -> None:
    rid = int(con.execute(
        "SELECT report_id FROM reports r JOIN agencies a USING (agency_id) "
        "WHERE a.name = '甲市商务局' AND r.year = 2021").fetchone()[0])
    rep = queries.report(con, rid)
    assert rep is not None and rep["agency"] == "甲市商务局" and rep["year"] == 2021
    assert rep["form"] == "2021" and rep["archive_path"]
    facts = queries.report_facts(con, rid)
    rec = facts[(facts["metric_id"] == "requests.received") & (facts["breakdown"] == "")].iloc[0]
    assert rec["value"] == expected(1, 2021)["requests.received"]
    assert (rec["table_name"], rec["col_label"], rec["page"]) == ("表三", "总计", 2)
    assert set(facts[facts["metric_id"] == "requests.received"]["breakdown"]) == \
        {"", "natural_person", "commercial"}
    assert queries.report(con, 999999) is None
    same = queries.report_facts(con, rid, 2021)
    assert same.equals(facts)
    assert queries.report_facts(con, rid, 2020).empty


def test_report_findings_and_corrections(con) -> None:
    rid = int(con.execute(
        "SELECT report_id FROM reports r JOIN agencies a USING (agency_id) "
        "WHERE a.name = '甲市商务局' AND r.year = 2022").fetchone()[0])
    corr = queries.report_corrections(con, rid)
    assert corr["who"].tolist() == ["analyst1"] and corr["new_value"].tolist() == ["16"]
    assert queries.report_findings(con, rid).empty
    rid4 = int(con.execute(
        "SELECT report_id FROM reports r JOIN agencies a USING (agency_id) "
        "WHERE a.name = '丙市商务局' AND r.year = 2022").fetchone()[0])
    fd = queries.report_findings(con, rid4)
    assert fd["rule"].tolist() == ["table3_identity"] and fd["severity"].tolist() == ["error"]
    assert queries.report_corrections(con, rid4).empty


def test_reports_list(con) -> None:
    lst = queries.reports_list(con, ids(con, "甲市商务局"), 2017, 2018)
    assert lst["kind"].tolist() == ["disclosure_report", "work_summary"] * 2
    assert len(queries.reports_list(con, None, None, None)) == queries.report_count(con)


def test_findings_filters(con) -> None:
    allf = queries.findings(con)
    assert len(allf) == 4
    assert set(allf["severity"]) == {"error", "warning", "info"}
    err = queries.findings(con, severities=["error"])
    assert err["rule"].tolist() == ["table3_identity"] and err["agency"].tolist() == ["丙市商务局"]
    by_rule = queries.findings(con, rules=["narrative_vs_table"], year_from=2021, year_to=2021)
    assert by_rule["agency"].tolist() == ["甲市财政局"]
    assert queries.findings(con, ids(con, "甲市商务局")).rule.tolist() == ["note_in_cell"]
    assert queries.findings(con, year_from=2017, year_to=2019).empty
    unknown = queries.findings(con, rules=["anonymised_agency"])
    assert unknown["agency"].isna().all() and len(unknown) == 1
    counts = queries.findings_by_rule(con, severities=["warning"])
    assert dict(zip(counts["rule"], counts["count"])) == {
        "anonymised_agency": 1, "narrative_vs_table": 1}
    assert queries.finding_rules(con) == sorted(
        ["anonymised_agency", "narrative_vs_table", "note_in_cell", "table3_identity"])


def test_values_reach_sql_as_parameters(con) -> None:
    """A hostile name or rule is just a value that matches nothing."""
    assert ids(con, "x' OR 1=1 --") == []
    assert queries.findings(con, rules=["x' OR '1'='1"]).empty


def test_db_cursor_per_thread(small_db, tmp_path) -> None:
    import shutil
    import threading

    p = tmp_path / "copy.duckdb"
    shutil.copy(small_db, p)
    try:
        c1 = db.cursor(p)
        assert db.cursor(p) is c1  # same thread → same cursor
        other: list = []
        th = threading.Thread(target=lambda: other.append(db.cursor(p)))
        th.start()
        th.join()
        assert other[0] is not c1
        assert db.shared_connection(p) is db.shared_connection(p)
        assert queries.report_count(other[0]) == queries.report_count(c1) > 0
    finally:
        db.close(p)
