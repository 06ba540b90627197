"""AppTest runs of the agency profile (/agency?agency=…) on the small database (numbers from
tests/conftest.py, computed here)."""
from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest

from tests.conftest import YEARS, expected
from tests.helpers.pages import plain, run_app

TIMEOUT = 60


def run(**params: str | list[str]) -> AppTest:
    at = run_app("../pages/agency.py", TIMEOUT, **params)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    for df in at.dataframe:
        if column in df.value.columns:
            return df.value
    raise AssertionError(f"no table with column {column!r}")


def test_profile_of_a_county_government(small_db_env) -> None:
    at = run(agency="丙市丁县人民政府", lang="en")
    # the English label, the Chinese name under it
    assert at.header[0].value == "Bing City Ding County People's Government"
    captions = " ".join(c.value for c in at.caption)
    assert "丙市丁县人民政府" in captions and "Region: Bing City" in captions
    assert "People's government (county and above)" in captions
    m = {x.label: x.value for x in at.metric}
    last = max(YEARS)
    e = expected(5, last)
    assert m[f"Correction rate · {last}"] == "30.0%"
    granted = 100 * (e["requests.granted"] + e["requests.partially_granted"]) / e["requests.processed_total"]
    assert m[f"Granted in full or in part · {last}"] == f"{granted:.1f}%"
    assert m[f"Requests received · {last}"] == f"{e['requests.received']:,.0f}"
    assert m["On-time rate"] == "100.0%"
    # every indicator of every year, with its N
    table = frame_with(at, "Denominator N")
    corr = table[table["Indicator"] == "Correction rate"].set_index("Year")
    assert sorted(corr.index) == [y for y in YEARS if y >= 2019]  # no 表四 before 2019
    assert corr.loc[2021, "Numerator"] == "3" and corr.loc[2021, "Denominator N"] == "10"
    assert corr.loc[2021, "Rating"] == "Red"
    received = table[table["Indicator"] == "Requests received"].set_index("Year")
    for y in YEARS:
        assert received.loc[y, "Value"] == f"{expected(5, y)['requests.received']:,.0f}"
    # the only 区县级 agency of 丙市: no peers to rank against
    assert set(corr["Peers N"]) == {"1"} and set(corr["Percentile"]) == {"—"}
    # timeliness: every year on time (governments: by 31 March)
    tl = frame_with(at, "Days late")
    assert tl["Status"].tolist() == ["On time"] * len(YEARS)
    assert tl["Deadline"].iloc[0] == f"{max(YEARS) + 1}-03-31"
    # reports, each opening the report page with its evidence
    reports = frame_with(at, "Title")
    assert len(reports) == len(YEARS)
    assert all("/report?" in x and "report=" in x for x in reports["Open report"])


def test_profile_with_peers_findings_and_a_missing_year(small_db_env, downloads) -> None:
    at = run(agency="甲市乙区商务局", ind="granted_share", peers="level", lang="en")
    tl = frame_with(at, "Days late").set_index("Year")
    assert tl.loc[2020, "Status"] == "Missing" and tl.loc[2020, "Published"] == "—"
    assert tl.loc[2021, "Status"] == "On time" and tl.loc[2021, "Deadline"] == "2022-01-31"
    assert "6 of 7 on time (0 late, 1 missing, 0 date unknown)" in " ".join(
        c.value for c in at.caption)
    # peers = every 区县级 agency: itself and 丙市丁县人民政府
    chart = downloads["profile_granted_share"].set_index("Year")
    e3, e5 = expected(3, 2022), expected(5, 2022)
    v3 = 100 * (e3["requests.granted"] + 1) / e3["requests.processed_total"]
    v5 = 100 * (e5["requests.granted"] + 1) / e5["requests.processed_total"]
    assert chart.loc[2022, "Value"] == f"{v3:.1f}%"
    assert chart.loc[2022, "Peer median"] == f"{(v3 + v5) / 2:.1f}%"
    assert chart.loc[2022, "Peers N"] == "2"
    assert chart.loc[2022, "Percentile"] == ("0" if v3 < v5 else "100")
    assert 2020 not in chart.index  # no report that year


def test_findings_link_to_their_report(small_db_env) -> None:
    at = run(agency="丙市商务局", lang="en")
    findings = frame_with(at, "Rule")
    row = findings[findings["Year"] == 2022].iloc[0]
    assert row["Severity"] == "Error" and "report=" in row["Open report"]


def test_chinese_and_no_agency_and_unknown_agency(small_db_env) -> None:
    at = run(agency="甲市商务局")
    assert at.title[0].value == "机构概况"
    assert any("政府部门" in c.value for c in at.caption)
    at = run()
    assert at.selectbox(key="agency_pick") is not None
    assert any("选择" in i.value for i in at.info)
    at = run(agency="不存在的机构", lang="en")
    assert "不存在的机构" in plain(" ".join(w.value for w in at.warning))


def test_picking_an_agency_puts_it_in_the_url(small_db_env) -> None:
    at = run(lang="en")
    box = at.selectbox(key="agency_pick")
    # the picker offers the English label with the Chinese name, and keeps the name
    box.select_index(box.options.index("Jia City Finance Bureau · 甲市财政局")).run()
    assert not at.exception
    assert at.header[0].value == "Jia City Finance Bureau"
    assert at.query_params["agency"] in ("甲市财政局", ["甲市财政局"])
