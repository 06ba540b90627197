"""AppTest runs of the Category shares page on the conftest ``small_db``.

small_db: 2017–2018 narrative reports list 机构设置 = 10 and 行政执法 = items − 10, except
甲市财政局 2018, which prints 行政执法 = items − 20 (categories 200 ≠ total 210).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers.pages import axis_title, charts, encoding, run_page, series_names, trace


def run(**query: Any) -> AppTest:
    return run_page("categories", **query)


def test_stacked_bars_trend_and_gap_note(small_db_env: Path, downloads: dict) -> None:
    at = run(agency=["甲市商务局", "甲市财政局"])
    (bars,) = charts(at)  # the default tab: the mix only (the tabs are lazy)
    assert encoding(bars)["y"]["stack"] == "zero"
    assert bars.spec["facet"]["column"]["field"] == "x"  # one panel per agency, years inside
    jg = trace(bars, "机构设置")
    assert jg["x"] == [["甲市商务局", "甲市商务局", "甲市财政局", "甲市财政局"],
                       ["2017", "2018", "2017", "2018"]]
    # 甲市商务局 2017: 10 of 100; 甲市财政局 2018: 10 of 200 (categories, not the stated 210)
    assert jg["y"][0] == pytest.approx(10.0) and jg["y"][3] == pytest.approx(5.0)
    assert bars.rows("机构设置")["count_text"].tolist() == ["10 件"] * 4
    assert "件" in jg["text"] and "%" in jg["text"]
    assert set(downloads["categories_by_agency_year"]["category"]) == {"机构设置", "行政执法"}
    # the gap is announced above the tabs, on every tab
    notes = [w.value for w in at.warning]
    assert len(notes) == 1 and "1 个机构年度" in notes[0] and "合计不符" in notes[0]
    # trend: both agencies summed per year — 2017: 20 of 300
    at = run(agency=["甲市商务局", "甲市财政局"], view="trend")
    (trend,) = charts(at)
    assert encoding(trend)["x"]["type"] == "ordinal"
    assert trace(trend, "机构设置")["y"][0] == pytest.approx(100 * 20 / 300)
    assert len(at.warning) == 1
    # the gaps' tab lists each with its figures
    at = run(agency=["甲市商务局", "甲市财政局"], view="gaps")
    assert not charts(at)
    gaps = " ".join(m.value for m in at.markdown)
    assert "甲市财政局 2018" in gaps and "210" in gaps
    assert downloads["categories_gaps"]["difference"].tolist() == [-10]


def test_tabs_are_lazy_and_in_the_url(small_db_env: Path) -> None:
    at = run(agency="甲市商务局", lang="en")
    assert [tab.label for tab in at.tabs] == ["Category mix", "Trend of shares", "Sums that differ"]
    assert "view" not in at.query_params
    at = run(agency="甲市商务局", view="gaps", lang="en")
    assert not charts(at) and at.query_params["view"] in ("gaps", ["gaps"])
    assert any("add up to the stated totals" in s.value for s in at.success)  # no gap here
    at = run(agency="甲市商务局", view="nosuch")
    assert any("view=nosuch" in w.value for w in at.warning) and len(charts(at)) == 1


def test_trend_for_one_agency_from_url(small_db_env: Path) -> None:
    at = run(agency=["甲市商务局", "甲市财政局"], trend_agency="甲市商务局", view="trend")
    (trend,) = charts(at)
    assert trace(trend, "机构设置")["y"] == pytest.approx([10.0, 100 * 10 / 110])


def test_top_categories_merge_into_other(small_db_env: Path) -> None:
    at = run(agency="甲市商务局", top="5")
    names = set(series_names(charts(at)[0]))
    assert names == {"机构设置", "行政执法"}  # only two categories: nothing to merge


def test_years_without_categories_give_empty_state(small_db_env: Path) -> None:
    at = run(year_from="2020", year_to="2023")
    assert not charts(at)
    assert at.info and "类别" in at.info[0].value


def test_english_labels(small_db_env: Path) -> None:
    at = run(lang="en", agency="甲市财政局")
    assert at.title[0].value == "Category shares"
    bars = charts(at)[0]
    assert axis_title(bars, "y") == "Share (%)"
    # categories by their English labels (etl/present/category_names.py), in the legend too
    assert set(series_names(bars)) == {"Organisational set-up", "Law enforcement"}
    assert "items" in trace(bars, "Organisational set-up")["text"]
    assert "do not add up to the stated total" in at.warning[0].value
    at = run(lang="en", agency="甲市财政局", view="gaps")
    assert any("categories sum to 200" in m.value for m in at.markdown)


def test_empty_database(empty_db_env: Path) -> None:
    at = run()
    assert not charts(at)
    assert at.info
