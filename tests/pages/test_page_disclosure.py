"""AppTest runs of the Disclosure volumes page on the conftest ``small_db``.

small_db: disclosure.items = 100·i + 10·(year − 2017) for agency number i; no 表二 items.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers.pages import axis_title, charts, colour_of, encoding, run_page, series_names, trace


def run(**query: Any) -> AppTest:
    return run_page("disclosure", **query)


def test_items_with_peer_band_and_yoy(small_db_env: Path, downloads: dict) -> None:
    at = run(agency=["甲市商务局", "甲市财政局"], year_from="2020", year_to="2021")
    (lines,) = charts(at)  # the default tab (the tabs are lazy); the change in its own
    yoy_at = run(agency=["甲市商务局", "甲市财政局"], year_from="2020", year_to="2021", view="yoy")
    (yoy,) = charts(yoy_at)
    assert encoding(lines)["x"]["type"] == "ordinal"
    assert "件" in axis_title(lines, "y")
    jia = trace(lines, "甲市商务局")
    assert jia["x"] == ["2020", "2021"] and jia["y"] == [130.0, 140.0]
    assert "件" in jia["text"]
    median = trace(lines, "同组中位数")  # peer group = selection: (130 + 230) / 2
    assert median["y"] == [180.0, 190.0]
    # 2020 change uses 2019 (outside the range): 130 / 120 − 1
    bars = trace(yoy, "甲市商务局")
    assert bars["x"] == ["2020", "2021"]
    assert bars["y"][0] == pytest.approx(100 * 10 / 120)
    assert "%" in encoding(yoy)["y"]["axis"]["labelExpr"]
    # the downloads hold exactly what the charts draw
    dl = downloads["disclosure_items"]
    assert set(dl["agency"]) == {"甲市商务局", "甲市财政局", "同组中位数"}
    assert dl.loc[dl["agency"] == "同组中位数", "value"].tolist() == [180.0, 190.0]
    assert len(downloads["disclosure_items_yoy"]) == 4


def test_agency_colour_is_assigned_over_all_agencies(small_db_env: Path) -> None:
    from etl.present.i18n import agency_colors
    from tests.conftest import AGENCIES

    everyone = agency_colors([name for name, _, _ in AGENCIES])
    for sel in (["甲市商务局"], ["甲市商务局", "丙市教育局", "甲市财政局"]):
        lines = charts(run(agency=sel))[0]
        assert colour_of(lines, "甲市商务局") == everyone["甲市商务局"]


def test_peer_all_agencies_from_url(small_db_env: Path) -> None:
    at = run(agency="甲市商务局", year_from="2021", year_to="2021", peer="all")
    lines = charts(at)[0]
    # 2021 (k = 4): items of agencies 1..6 = 140, 240, …, 640 → median 390
    assert trace(lines, "同组中位数")["y"] == [390.0]
    assert series_names(lines)[-1] == "甲市商务局"
    assert lines.spec["layer"][-1]["encoding"]["color"]["field"] == "series"  # lines on top of the band


def test_no_selection_shows_largest_agencies(small_db_env: Path) -> None:
    at = run()
    names = set(series_names(charts(at)[0]))
    assert {"甲市商务局", "丙市教育局"} <= names
    assert any("10" in c.value for c in at.caption)


def test_series_without_data_gives_empty_state(small_db_env: Path) -> None:
    at = run(series="fees")
    assert not charts(at)
    assert [i.value for i in at.info] == ["当前筛选条件下没有数据。"]


def test_english_labels(small_db_env: Path) -> None:
    at = run(lang="en", agency="甲市商务局")
    assert at.title[0].value == "Disclosure volumes"
    lines = charts(at)[0]
    assert axis_title(lines, "y") == "Items proactively disclosed (items)"
    assert axis_title(lines, "x") == "Year"
    assert trace(lines, "Peer median")


def test_english_agency_labels_keep_colours_and_downloads_keep_names(
        small_db_env: Path, downloads: dict) -> None:
    from etl.present.i18n import agency_colors
    from tests.conftest import AGENCIES

    at = run(lang="en", agency=["甲市商务局", "甲市财政局"], year_from="2020", year_to="2021")
    lines = charts(at)[0]
    assert set(series_names(lines)) >= {"Jia City Commerce Bureau", "Jia City Finance Bureau"}
    assert "甲市商务局" not in series_names(lines)
    assert trace(lines, "Jia City Commerce Bureau")["y"] == [130.0, 140.0]
    everyone = agency_colors([name for name, _, _ in AGENCIES])
    assert colour_of(lines, "Jia City Commerce Bureau") == everyone["甲市商务局"]
    # the sidebar's picker shows the label with the name; the URL keeps the name
    assert at.multiselect(key="qp_agency").value == ["甲市商务局", "甲市财政局"]
    dl = downloads["disclosure_items"]
    assert set(dl["agency"]) == {"Jia City Commerce Bureau", "Jia City Finance Bureau", "Peer median"}
    assert set(dl["Chinese name"]) == {"甲市商务局", "甲市财政局", "Peer median"}


def test_empty_database(empty_db_env: Path) -> None:
    at = run()
    assert not charts(at)
    assert at.info


def test_tabs_are_lazy_and_in_the_url(small_db_env: Path) -> None:
    at = run(agency="甲市商务局", lang="en")
    assert [tab.label for tab in at.tabs] == ["Over years", "Year on year"]
    assert len(charts(at)) == 1 and "view" not in at.query_params
    at = run(agency="甲市商务局", view="nosuch")
    assert any("view=nosuch" in w.value for w in at.warning) and len(charts(at)) == 1
