"""AppTest runs of the Investment indicators page on the conftest ``small_db``.

small_db: 甲市商务局's 2017 / 2018 work summaries: fdi_new_enterprises 31 / 35,
fdi_actual_usd 41 / 45 million, exports_usd 350 / 380 million (→ 万美元 on screen).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers.pages import axis_title, charts, encoding, plain, run_page, trace, vega_charts


def run(**query: Any) -> AppTest:
    return run_page("investment", **query)


def test_indicators_in_display_units(small_db_env: Path, downloads: dict) -> None:
    (ent,) = charts(run(agency="甲市商务局", view="enterprises"))
    e = trace(ent, "甲市商务局")
    assert e["x"] == ["2017", "2018"] and e["y"] == [31.0, 35.0]
    assert "家" in e["text"] and "家" in axis_title(ent, "y")
    (fdi,) = charts(run(agency="甲市商务局"))  # the default tab
    a = trace(fdi, "甲市商务局 · 实际到资")
    assert a["y"] == [4100.0, 4500.0] and "万美元" in a["text"]
    assert encoding(fdi)["x"]["type"] == "ordinal"
    assert encoding(fdi)["strokeDash"]["field"] == "dash"  # contracted vs received: dashed vs solid
    (exports,) = charts(run(agency="甲市商务局", view="exports"))
    assert trace(exports, "甲市商务局")["y"] == [35000.0, 38000.0]
    # no stated changes: computed from the previous year, hover says so
    (yoy,) = charts(run(agency="甲市商务局", view="yoy"))
    y = trace(yoy, "甲市商务局")  # default indicator: foreign investment received
    assert y["x"] == ["2018"] and y["y"][0] == pytest.approx(100 * 4 / 41)
    assert yoy.rows("甲市商务局")["extra_0"].tolist() == ["计算值"]
    assert downloads["investment_fdi"]["value"].tolist() == [4100.0, 4500.0]
    assert set(downloads["investment_yoy_actual"]["yoy_source"]) == {"computed"}
    at = run(agency="甲市商务局", view="plan")
    assert not charts(at)
    assert any("计划" in i.value or "没有数据" in i.value for i in at.info)  # no plan figures


def test_year_range_excludes_previous_year_rows(small_db_env: Path) -> None:
    query = dict(agency="甲市商务局", year_from="2018", indicator="enterprises")
    ent = charts(run(view="enterprises", **query))[0]
    assert trace(ent, "甲市商务局")["x"] == ["2018"]
    yoy = charts(run(view="yoy", **query))[0]
    assert trace(yoy, "甲市商务局")["y"][0] == pytest.approx(100 * 4 / 31)
    assert any("没有年度计划" in i.value for i in run(view="plan", **query).info)


def test_only_the_open_tab_is_drawn_and_it_is_in_the_url(small_db_env: Path) -> None:
    """The charts are tabs (URL ``view``): a new session gets the foreign investment only, and
    a link opens the tab it names; the indicator picker is in the change and plan tabs."""
    at = run(lang="en", agency="甲市商务局")
    assert [tab.label for tab in at.tabs] == [
        "Foreign investment", "New enterprises", "Exports", "Year on year", "Plan completion"]
    assert len(vega_charts(at)) == 1
    assert trace(charts(at)[0], "甲市商务局 · Foreign investment received")
    assert "view" not in at.query_params  # the default tab is not written to the URL
    assert not at.main.selectbox  # the indicator belongs to the change and plan tabs
    at = run(view="exports", agency="甲市商务局")
    assert at.tabs[2].label == "外贸出口"
    assert at.session_state["qp_investment_view"] == "外贸出口"  # the open tab
    (exports,) = charts(at)
    assert trace(exports, "甲市商务局")["y"] == [35000.0, 38000.0]
    for view in ("yoy", "plan"):
        at = run(view=view, indicator="exports", agency="甲市商务局")
        assert at.query_params["view"] == view
        assert [s.key for s in at.main.selectbox] == ["qp_investment_indicator"]
        assert at.main.selectbox[0].value == "exports"
    assert len(vega_charts(at)) == 0  # no plan figures for exports
    assert len(vega_charts(run(view="yoy", agency="甲市商务局"))) == 1


def test_unknown_tab_in_a_link_says_so_and_opens_the_first(small_db_env: Path) -> None:
    at = run(view="nosuch", lang="en", agency="甲市商务局")
    assert any("view=nosuch" in plain(w.value) for w in at.warning)
    assert at.session_state["qp_investment_view"] == "Foreign investment"
    (fdi,) = charts(at)
    assert trace(fdi, "甲市商务局 · Foreign investment received")


def test_agency_without_investment_gives_empty_state(small_db_env: Path) -> None:
    at = run(agency="甲市财政局")
    assert not charts(at)
    assert "工作总结" in at.info[0].value


def test_no_selection_finds_investing_agencies(small_db_env: Path) -> None:
    at = run(view="enterprises")
    assert trace(charts(at)[0], "甲市商务局")


def test_english_labels(small_db_env: Path) -> None:
    at = run(lang="en", agency="甲市商务局")
    assert at.title[0].value == "Investment indicators"
    (fdi,) = charts(at)
    (ent,) = charts(run(lang="en", agency="甲市商务局", view="enterprises"))
    assert axis_title(ent, "y") == "New foreign-invested enterprises (firms)"
    assert "10k US$" in axis_title(fdi, "y")
    assert trace(fdi, "甲市商务局 · Foreign investment received")


def test_empty_database(empty_db_env: Path) -> None:
    at = run()
    assert not charts(at)
    assert at.info
