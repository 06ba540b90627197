"""AppTest runs of the Request outcomes page on the conftest ``small_db``.

small_db (forms from 2019): received = processed_total = 10·i + k, granted = received // 2,
partially_granted = 1, unable_not_held = the rest (agency 6: 1 / 0); applicants natural_person
= received − 1, commercial = 1; 表四 review_total 4 (agency 5: 10 with 3 corrected).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers.pages import PAGES_DIR, axis_title, charts, encoding, plain, run_page, trace, vega_charts


def run(**query: Any) -> AppTest:
    return run_page("requests", **query)


def test_volumes_mix_flow_applicants_appeals(small_db_env: Path, downloads: dict) -> None:
    query = dict(agency=["甲市商务局", "丙市丁县人民政府"], year_from="2019", year_to="2020",
                 mix_year="2019", flow_year="2019")
    (vol,) = charts(run(**query))  # the default tab: volumes
    # received 2019: 12 + 52
    assert trace(vol, "本年新收政府信息公开申请数量")["y"] == [64.0, 66.0]
    assert encoding(vol)["x"]["type"] == "ordinal"
    # outcome mix 2019 of 甲市商务局: 6 / 1 / 5 of 12
    (mix,) = charts(run(view="outcomes", **query))
    granted = trace(mix, "予以公开")
    assert granted["x"] == ["丙市丁县人民政府", "甲市商务局"] and granted["y"] == [50.0, 50.0]
    unable = trace(mix, "无法提供 本机关不掌握相关政府信息")
    assert unable["y"][1] == pytest.approx(100 * 5 / 12)
    assert "件" in granted["text"]
    # flow of the default agency (甲市商务局) in 2019
    (flow,) = charts(run(view="flow", **query))
    assert flow.library == "echarts" and flow.spec["series"][0]["type"] == "sankey"
    links = {(a, b): v for a, b, v in zip(flow.data["source"], flow.data["target"], flow.data["value"])}
    assert links[("本年新收政府信息公开申请数量", "办理总量")] == 12
    assert links[("办理总量", "予以公开")] == 6
    assert links[("办理总量", "无法提供")] == 5
    assert "件" in flow.spec["series"][0]["tooltip"]["formatter"]
    assert ("无法提供", "无法提供 本机关不掌握相关政府信息") not in links  # only 不予公开 is split
    assert downloads["requests_flow_甲市商务局_2019"]["value"].sum() == 12 + 12
    # applicants: natural persons 11 of 12
    (applicants,) = charts(run(view="applicants", **query))
    assert trace(applicants, "自然人")["y"][1] == pytest.approx(100 * 11 / 12)
    # correction rate: agency 5 = 3 / 10
    rate, review = charts(run(view="appeals", **query))[:2]
    assert trace(rate, "丙市丁县人民政府")["y"] == [30.0, 30.0]
    assert "%" in trace(rate, "丙市丁县人民政府")["text"]
    assert trace(review, "结果纠正")["y"] == [6.0, 0.0]


def test_only_the_open_tab_is_drawn_and_it_is_in_the_url(small_db_env: Path) -> None:
    """The sections are tabs (URL ``view``): a new session gets the volumes only, and a link
    opens the tab it names, with its own pickers."""
    query = dict(agency=["甲市商务局", "丙市丁县人民政府"], year_from="2019", year_to="2020")
    at = run(lang="en", **query)
    assert [tab.label for tab in at.tabs] == [
        "Volumes", "Outcomes", "Flow", "Applicants", "Review & litigation"]
    assert len(vega_charts(at)) == 1 and not at.get("echarts_chart")
    assert trace(charts(at)[0], "New requests received this year")
    assert "view" not in at.query_params  # the default tab is not written to the URL
    assert not at.main.selectbox  # the pickers of the other tabs are not drawn either
    at = run(view="flow", **query)
    assert at.tabs[2].label == "办理流向"
    assert at.session_state["qp_requests_view"] == "办理流向"  # the open tab
    assert len(at.get("echarts_chart")) == 1 and not vega_charts(at)
    assert [s.label for s in at.main.selectbox] == ["机构", "年份"]
    assert at.query_params["view"] == "flow"
    at = run(view="appeals", **query)  # the rate and the review mix; no lawsuits in 2019–20
    assert len(vega_charts(at)) == 2 and not at.get("echarts_chart")
    assert [m.value for m in at.main.markdown] == [
        "**复议纠错率**", "**行政复议结果**", "**行政诉讼结果**"]
    assert len(at.info) == 1  # the lawsuits' empty state


def test_mix_year_picker_in_both_mix_tabs(small_db_env: Path, downloads: dict) -> None:
    """``mix_year`` has a picker in the outcome tab and in the applicant tab (one at a time):
    a link opens either with the year, and moving between them keeps it."""
    query = dict(agency=["甲市商务局", "丙市丁县人民政府"], mix_year="2019")
    at = run(view="applicants", **query)
    assert at.selectbox(key="qp_requests_mix_year").value == 2019
    assert len(vega_charts(at)) == 1 and "requests_applicants_2019" in downloads
    at = run(view="outcomes", **query)
    assert at.selectbox(key="qp_requests_mix_year").value == 2019
    assert len(vega_charts(at)) == 1 and "requests_outcomes_2019" in downloads
    downloads.clear()
    at.session_state["qp_requests_view"] = "申请人"  # a click on the applicants' tab
    at.run()
    assert not at.exception
    assert at.query_params["view"] == "applicants" and at.query_params["mix_year"] == "2019"
    assert at.selectbox(key="qp_requests_mix_year").value == 2019
    assert list(downloads) == ["requests_applicants_2019"]


def test_unknown_tab_in_a_link_says_so_and_opens_the_first(small_db_env: Path) -> None:
    at = run(view="nosuch", lang="en", agency="甲市商务局")
    assert any("view=nosuch" in plain(w.value) for w in at.warning)
    assert at.session_state["qp_requests_view"] == "Volumes"
    (vol,) = charts(at)
    assert trace(vol, "New requests received this year")


def test_flow_choice_from_url(small_db_env: Path) -> None:
    at = run(agency=["甲市商务局", "丙市丁县人民政府"], flow_agency="丙市丁县人民政府",
             flow_year="2021", view="flow")
    flow = next(c for c in charts(at) if c.library == "echarts")
    assert flow.spec["title"]["text"] == "丙市丁县人民政府 · 2021"
    into = flow.data.loc[flow.data["target"] == "办理总量", "value"].sum()
    assert into == 54  # 10·5 + 4


def test_invalid_flow_agency_falls_back(small_db_env: Path) -> None:
    at = AppTest.from_file(str(PAGES_DIR / "requests.py"), default_timeout=60)
    at.query_params["agency"] = "甲市商务局"
    at.query_params["flow_agency"] = "不存在"
    at.query_params["view"] = "flow"
    at.run()
    assert not at.exception
    assert any("flow_agency" in w.value for w in at.warning)
    assert any(c.library == "echarts" for c in charts(at))


def test_empty_selection_years(small_db_env: Path) -> None:
    at = run(year_from="1999", year_to="2000")
    assert not charts(at)
    assert at.info


def test_english_labels(small_db_env: Path) -> None:
    query = dict(lang="en", agency="丙市丁县人民政府", year_from="2021", year_to="2021")
    at = run(**query)
    assert at.title[0].value == "Request outcomes"
    assert trace(charts(at)[0], "New requests received this year")
    assert trace(charts(run(view="outcomes", **query))[0], "Granted in full")
    flow = charts(run(view="flow", **query))[0]
    labels = [n["name"] for n in flow.spec["series"][0]["data"]]
    assert "Handled" in labels and "Cannot provide" in labels
    assert "items" in flow.spec["series"][0]["tooltip"]["formatter"]
    assert trace(charts(run(view="applicants", **query))[0], "Natural persons")
    rate = charts(run(view="appeals", **query))[0]
    assert axis_title(rate, "y") == "Review correction rate (%)"


def test_empty_database(empty_db_env: Path) -> None:
    at = run()
    assert not charts(at)
    assert at.info
