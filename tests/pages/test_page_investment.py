"""AppTest runs of the Investment indicators page on the conftest ``small_db``.

small_db: 甲市商务局's 2017 / 2018 work summaries: fdi_new_enterprises 31 / 35,
fdi_actual_usd 41 / 45 million, exports_usd 350 / 380 million (→ 万美元 on screen).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers.pages import axis_title, charts, encoding, run_page, trace


def run(**query: Any) -> AppTest:
    return run_page("investment", **query)


def test_indicators_in_display_units(small_db_env: Path, downloads: dict) -> None:
    at = run(agency="甲市商务局")
    ent, fdi, exports, yoy = charts(at)
    e = trace(ent, "甲市商务局")
    assert e["x"] == ["2017", "2018"] and e["y"] == [31.0, 35.0]
    assert "家" in e["text"] and "家" in axis_title(ent, "y")
    a = trace(fdi, "甲市商务局 · 实际到资")
    assert a["y"] == [4100.0, 4500.0] and "万美元" in a["text"]
    assert encoding(fdi)["x"]["type"] == "ordinal"
    assert encoding(fdi)["strokeDash"]["field"] == "dash"  # contracted vs received: dashed vs solid
    assert trace(exports, "甲市商务局")["y"] == [35000.0, 38000.0]
    # no stated changes: computed from the previous year, hover says so
    y = trace(yoy, "甲市商务局")  # default indicator: foreign investment received
    assert y["x"] == ["2018"] and y["y"][0] == pytest.approx(100 * 4 / 41)
    assert yoy.rows("甲市商务局")["extra_0"].tolist() == ["计算值"]
    assert downloads["investment_fdi"]["value"].tolist() == [4100.0, 4500.0]
    assert set(downloads["investment_yoy_actual"]["yoy_source"]) == {"computed"}
    assert any("计划" in i.value or "没有数据" in i.value for i in at.info)  # no plan figures


def test_year_range_excludes_previous_year_rows(small_db_env: Path) -> None:
    at = run(agency="甲市商务局", year_from="2018", indicator="enterprises")
    ent = charts(at)[0]
    assert trace(ent, "甲市商务局")["x"] == ["2018"]
    yoy = charts(at)[3]
    assert trace(yoy, "甲市商务局")["y"][0] == pytest.approx(100 * 4 / 31)
    assert any("没有年度计划" in i.value for i in at.info)


def test_agency_without_investment_gives_empty_state(small_db_env: Path) -> None:
    at = run(agency="甲市财政局")
    assert not charts(at)
    assert "工作总结" in at.info[0].value


def test_no_selection_finds_investing_agencies(small_db_env: Path) -> None:
    at = run()
    assert trace(charts(at)[0], "甲市商务局")


def test_english_labels(small_db_env: Path) -> None:
    at = run(lang="en", agency="甲市商务局")
    assert at.title[0].value == "Investment indicators"
    ent, fdi = charts(at)[:2]
    assert axis_title(ent, "y") == "New foreign-invested enterprises (firms)"
    assert "10k US$" in axis_title(fdi, "y")
    assert trace(fdi, "甲市商务局 · Foreign investment received")


def test_empty_database(empty_db_env: Path) -> None:
    at = run()
    assert not charts(at)
    assert at.info
