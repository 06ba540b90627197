"""AppTest runs of the overview's supervisor parts: the headline year when a new year has only
begun to arrive, the standard indicators and the timeliness section (numbers from
tests/conftest.py, computed here)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import AGENCIES, MISSING, YEARS, expected
from tests.helpers.pages import by_chinese_name, run_app

TIMEOUT = 60
A1 = AGENCIES[0][0]  # 甲市商务局


def run(**params: str | list[str]) -> AppTest:
    at = run_app("../pages/overview.py", TIMEOUT, **params)
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, tuple[str, str | None]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    for df in at.dataframe:
        if column in df.value.columns:
            return by_chinese_name(df.value)
    raise AssertionError(f"no table with column {column!r}")


@pytest.fixture
def with_new_year(small_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A copy of the small database to which one agency's 2024 figures were loaded through
    the public loader API (an analyst's spreadsheet in the long format)."""
    from etl.store import database as store
    from etl.store import loader

    db = tmp_path / "small.duckdb"
    shutil.copy(small_db, db)
    shutil.copytree(small_db.parent / "archive", tmp_path / "archive")
    sheet = tmp_path / "new_year.xlsx"
    pd.DataFrame({
        "机关": [A1, A1], "年度": [2024, 2024],
        "指标": ["disclosure.items", "requests.received"], "分项": ["", ""], "数值": [700, 9],
    }).to_excel(sheet, index=False)
    monkeypatch.setenv("GONGKAI_ARCHIVE", str(tmp_path / "archive"))
    con = store.connect(db)
    try:
        result = loader.load_paths([sheet], con, archive=tmp_path / "archive")
        assert [f.status for f in result.files] == ["loaded"], [f.message for f in result.files]
        n = con.execute("SELECT count(DISTINCT agency_id) FROM reports WHERE year = 2024").fetchone()
        assert n[0] == 1
    finally:
        con.close()
    monkeypatch.setenv("GONGKAI_DB", str(db))
    yield db
    from etl.store import connection

    connection.close_all()


def test_headline_stays_on_the_last_complete_year(with_new_year) -> None:
    at = run(lang="en", view="ranking")
    assert at.selectbox(key="qp_overview_year").value == 2023
    n = len(AGENCIES)
    captions = " ".join(c.value for c in at.caption)
    assert f"2023: {n} of {n} agencies reported" in captions
    assert f"Newer years are partial and not headlined: 2024 (1/{n})" in captions
    m = metrics(at)
    items = sum(expected(i, 2023)["disclosure.items"] for i in range(1, n + 1))
    prev = sum(expected(i, 2022)["disclosure.items"] for i in range(1, n + 1))
    assert m["Items disclosed"] == (f"{items:,.0f}", f"{items - prev:+,.0f}")
    assert m["Agencies reporting"] == (str(n), "+0")
    # the partial year is offered, labelled as partial
    options = at.selectbox(key="qp_overview_year").options
    assert f"2024 (partial: 1/{n})" in options
    # the ranking is of the headline year, with every agency
    ranking = frame_with(at, "Rank")
    assert set(ranking["Year"]) == {2023} and len(ranking) == n


def test_a_partial_year_chosen_in_the_url_is_never_compared(with_new_year) -> None:
    at = run(year="2024", lang="en", view="ranking")
    n = len(AGENCIES)
    warnings = " ".join(w.value for w in at.warning)
    assert f"2024 is partial: 1 of {n} agencies reported" in warnings
    assert f"2024 is partial (1 of {n})" in warnings  # the ranking says so too
    m = metrics(at)
    assert m["Items disclosed"] == ("700", "")  # no delta against the complete 2023
    assert m["Agencies reporting"] == ("1", "")
    ranking = frame_with(at, "Rank")
    assert ranking["Agency"].tolist() == [A1]
    # the year and the open tab are in the shared link
    assert "year=2024" in at.code[0].value and "view=ranking" in at.code[0].value


def test_indicators_of_the_headline_year(small_db_env) -> None:
    at = run(ind="granted_share", year_to="2022", lang="en", view="indicators")
    assert at.selectbox(key="qp_overview_year").value == 2022
    summary = frame_with(at, "Definition").set_index("Indicator")
    e = [expected(i, 2022) for i in range(1, len(AGENCIES) + 1)]
    num = sum(x["requests.granted"] + x["requests.partially_granted"] for x in e)
    den = sum(x["requests.processed_total"] for x in e)
    row = summary.loc["Granted in full or in part"]
    assert row["Value"] == f"{100 * num / den:.1f}%"
    assert row["Denominator N"] == f"{den:,.0f}" and row["Agencies"] == str(len(AGENCIES))
    corr_num = sum(x["appeals.review_corrected"] for x in e)
    corr_den = sum(x["appeals.review_total"] for x in e)
    assert summary.loc["Correction rate", "Value"] == f"{100 * corr_num / corr_den:.1f}%"
    per = sum(x["requests.received"] for x in e) / len(e)
    assert summary.loc["Requests per agency", "Value"] == f"{per:,.0f}"
    # one indicator per agency, with N, rating and peers
    table = frame_with(at, "Percentile").set_index("Agency")
    for i, (name, _r, _l) in enumerate(AGENCIES, start=1):
        x = e[i - 1]
        v = 100 * (x["requests.granted"] + x["requests.partially_granted"]) / x["requests.processed_total"]
        assert table.loc[name, "Value"] == f"{v:.1f}%"
        assert table.loc[name, "Denominator N"] == f"{x['requests.processed_total']:,.0f}"
    # 丙市教育局 grants 1 of its requests: far below 40 % → red
    assert table.loc["丙市教育局", "Rating"] == "Red"
    # peers (level, region): 甲市乙区商务局 is the only 区县级 agency of 甲市
    assert table.loc["甲市乙区商务局", "Peers N"] == "1"
    assert table.loc["甲市乙区商务局", "Percentile"] == "—"
    assert table.loc["甲市商务局", "Peers N"] == "2"  # with 甲市财政局
    assert table.loc["甲市商务局", "Profile"].startswith("/agency?agency=")


def test_correction_rate_small_n_is_not_rated(small_db_env) -> None:
    at = run(year_to="2022", lang="en", view="indicators")  # default indicator: the correction rate
    table = frame_with(at, "Percentile").set_index("Agency")
    # 4 reviews concluded, none corrected: below the minimum N of 5, shown but not rated
    assert table.loc["甲市商务局", "Value"] == "0.0%"
    assert table.loc["甲市商务局", "Denominator N"] == "4"
    assert table.loc["甲市商务局", "Rating"] == "N too small: not rated"
    assert table.loc["丙市丁县人民政府", "Value"] == "30.0%"
    assert table.loc["丙市丁县人民政府", "Rating"] == "Red"


def test_timeliness_rate_and_missing_reports(small_db_env, downloads) -> None:
    at = run(year="2020", lang="en", view="timeliness")
    n = len(AGENCIES)
    m = metrics(at)
    # every report of the fixture is published on 31 January of the next year: on time;
    # 甲市乙区商务局 has no 2020 report between 2019 and 2021: missing
    assert m["On-time rate · 2020"][0] == f"{100 * (n - 1) / n:.1f}%"
    total = n * len(YEARS)
    assert m[f"On-time rate · {min(YEARS)}–{max(YEARS)}"][0] == \
        f"{100 * (total - len(MISSING)) / total:.1f}%"
    late = frame_with(at, "Days late")
    assert late[["Agency", "Year", "Status"]].values.tolist() == [["甲市乙区商务局", 2020, "Missing"]]
    per_year = downloads["timeliness_by_year"].set_index("Year")
    assert per_year.loc[2020, "Missing"] == 1 and per_year.loc[2020, "On time"] == n - 1


def test_long_tables_show_their_first_rows_and_download_all(small_db_env, downloads,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A province's tables (20,000 agencies) are not sent whole on every run: the first
    TABLE_ROWS rows are shown, a caption says how many there are, the downloads hold all."""
    import pages._ui.downloads as ui

    monkeypatch.setattr(ui, "TABLE_ROWS", 2)
    at = run(ind="granted_share", year_to="2022", lang="en", view="indicators")
    table = frame_with(at, "Percentile")
    assert len(table) == 2
    assert table["Profile"].str.startswith("/agency?agency=").all()
    full = next(v for k, v in downloads.items() if k.startswith("indicator_granted_share"))
    assert len(full) == len(AGENCIES)
    # the rows shown are the download's first rows, in its order
    assert table["Value"].tolist() == full["Value"].head(2).tolist()
    assert any(f"Showing the first 2 of {len(AGENCIES)} rows" in c.value for c in at.caption)
