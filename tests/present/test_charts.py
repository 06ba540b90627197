"""Chart builders (etl.present.charts): traces, category year axes, units in hover and axis titles,
stable agency colours."""
from __future__ import annotations

import pandas as pd
import pytest

from etl.present import charts as ch
from etl.present.i18n import agency_colors


@pytest.fixture()
def series() -> pd.DataFrame:
    return pd.DataFrame({
        "agency": ["甲局", "甲局", "乙局", "乙局"],
        "year": [2021, 2022, 2021, 2022],
        "value": [100.0, 150.0, 50.0, 40.0],
        "yoy_pct": [None, 50.0, None, -20.0],
        "unit": ["件"] * 4,
    })


@pytest.fixture()
def band() -> pd.DataFrame:
    return pd.DataFrame({
        "year": [2021, 2022], "agencies": [3, 3], "q25": [60.0, 50.0], "median": [75.0, 95.0],
        "q75": [90.0, 120.0], "unit": ["件", "件"],
    })


def test_unit_labels_and_axis_titles() -> None:
    assert ch.unit_label("万元", "zh") == "万元"
    assert ch.unit_label("万美元", "en") == "10k US$"
    assert ch.axis_title("收费", "万元", "zh") == "收费（万元）"
    assert ch.axis_title("Fees", "万元", "en") == "Fees (10k yuan)"


def test_line_chart_years_are_categories_and_units_in_hover(series: pd.DataFrame) -> None:
    fig = ch.line_chart(series, unit="万元", y_label="收费")
    assert fig.layout.xaxis.type == "category"
    assert [t.name for t in fig.data] == ["乙局", "甲局"]
    for trace in fig.data:
        assert all(isinstance(x, str) for x in trace.x)
        assert "万元" in trace.hovertemplate
    assert list(fig.data[1].x) == ["2021", "2022"] and list(fig.data[1].y) == [100.0, 150.0]
    assert fig.layout.yaxis.title.text == "收费（万元）"


def test_agency_colour_is_the_same_across_charts(series: pd.DataFrame) -> None:
    colours = agency_colors(["甲局", "乙局"])
    line = ch.line_chart(series, unit="件")
    bars = ch.yoy_chart(series)
    for fig in (line, bars):
        for trace in fig.data:
            c = trace.line.color if hasattr(trace, "line") and trace.type == "scatter" else trace.marker.color
            assert c == colours[trace.name]
    # a page-provided mapping wins
    fig = ch.line_chart(series, unit="件", colors={"甲局": "#000000"})
    assert next(t for t in fig.data if t.name == "甲局").line.color == "#000000"


def test_line_chart_dash_splits_series() -> None:
    df = pd.DataFrame({
        "agency": ["外经局"] * 4, "year": [2020, 2021, 2020, 2021],
        "indicator": ["contract", "contract", "actual", "actual"], "value": [1.0, 2.0, 3.0, 4.0],
    })
    fig = ch.line_chart(df, unit="万美元", dash="indicator",
                        dash_labels={"contract": "合同外资", "actual": "实际到资"})
    assert [t.name for t in fig.data] == ["外经局 · 合同外资", "外经局 · 实际到资"]
    assert [t.line.dash for t in fig.data] == ["solid", "dash"]
    assert all("万美元" in t.hovertemplate for t in fig.data)


def test_band_chart(series: pd.DataFrame, band: pd.DataFrame) -> None:
    fig = ch.band_chart(series, band, unit="件", y_label="公开数量", lang="en")
    names = [t.name for t in fig.data]
    assert "Peer median" in names and "Peer interquartile range (25–75 %)" in names
    iqr = next(t for t in fig.data if t.name.startswith("Peer interquartile"))
    assert iqr.fill == "tonexty" and list(iqr.y) == [60.0, 50.0]
    med = next(t for t in fig.data if t.name == "Peer median")
    assert list(med.y) == [75.0, 95.0] and "items" in med.hovertemplate
    jia = next(t for t in fig.data if t.name == "甲局")
    assert [row[0] for row in jia.customdata] == ["—", "+50.0%"]
    assert fig.layout.xaxis.type == "category"
    assert fig.layout.xaxis.title.text == "Year"
    assert fig.layout.yaxis.title.text == "公开数量 (items)"


def test_band_chart_without_band(series: pd.DataFrame) -> None:
    fig = ch.band_chart(series, pd.DataFrame(columns=["year", "agencies", "q25", "median", "q75"]),
                        unit="件")
    assert [t.name for t in fig.data] == ["乙局", "甲局"]


def test_yoy_chart_drops_unknown_changes(series: pd.DataFrame) -> None:
    fig = ch.yoy_chart(series, value_unit="件")
    assert all(t.type == "bar" for t in fig.data)
    assert {t.name: list(t.y) for t in fig.data} == {"乙局": [-20.0], "甲局": [50.0]}
    assert all("%" in t.hovertemplate and "件" in t.hovertemplate for t in fig.data)
    assert fig.layout.yaxis.ticksuffix == "%"
    assert fig.layout.xaxis.type == "category"


def test_stacked_share_bars_agency_year() -> None:
    df = pd.DataFrame({
        "agency": ["甲局", "甲局", "甲局", "乙局"],
        "year": [2021, 2021, 2022, 2021],
        "category": ["机构", "执法", "机构", "机构"],
        "count": [30.0, 70.0, 10.0, 5.0],
        "share_pct": [30.0, 70.0, 100.0, 100.0],
    })
    fig = ch.stacked_bar_chart(df, x=["agency", "year"], part="category")
    assert fig.layout.barmode == "stack" and fig.layout.xaxis.type == "multicategory"
    jg = next(t for t in fig.data if t.name == "机构")
    assert [list(a) for a in jg.x] == [["乙局", "甲局", "甲局"], ["2021", "2021", "2022"]]
    assert list(jg.y) == [100.0, 30.0, 100.0]
    assert [c[0] for c in jg.customdata] == [5.0, 30.0, 10.0]
    assert "件" in jg.hovertemplate and "%" in jg.hovertemplate
    assert list(fig.layout.yaxis.range) == [0, 100]


def test_stacked_absolute_bars_by_agency() -> None:
    df = pd.DataFrame({"agency": ["甲", "甲"], "part": ["维持", "纠正"], "count": [3.0, 2.0]})
    fig = ch.stacked_bar_chart(df, x="agency", part="part", share=None, normalise=False,
                               part_order=["维持", "纠正"], lang="en")
    assert [t.name for t in fig.data] == ["维持", "纠正"]
    assert list(fig.data[0].y) == [3.0]
    assert fig.layout.xaxis.type == "category"
    assert fig.layout.yaxis.title.text == "Count (items)"


def test_share_trend_chart() -> None:
    df = pd.DataFrame({"year": [2021, 2022, 2021], "category": ["A", "A", "B"],
                       "count": [1.0, 2.0, 3.0], "share_pct": [25.0, 100.0, 75.0]})
    fig = ch.share_trend_chart(df)
    assert [t.name for t in fig.data] == ["A", "B"]
    assert list(fig.data[0].x) == ["2021", "2022"]
    assert fig.layout.xaxis.type == "category" and fig.layout.yaxis.ticksuffix == "%"
    assert "件" in fig.data[0].hovertemplate


def test_grouped_bar_chart_order() -> None:
    df = pd.DataFrame({"year": [2021, 2021], "measure": ["收", "结"], "value": [5.0, 4.0]})
    fig = ch.grouped_bar_chart(df, group="measure", group_order=["结", "收"], y_label="申请")
    assert [t.name for t in fig.data] == ["结", "收"]
    assert fig.layout.barmode == "group" and fig.layout.yaxis.title.text == "申请（件）"


def test_sankey_chart() -> None:
    links = pd.DataFrame({"source": ["in", "mid", "mid"], "target": ["mid", "a", "b"],
                          "value": [10.0, 6.0, 4.0]})
    fig = ch.sankey_chart(links, node_label=str.upper)
    s = fig.data[0]
    assert s.type == "sankey"
    assert list(s.node.label) == ["IN", "MID", "A", "B"]
    assert list(s.link.source) == [0, 1, 1] and list(s.link.target) == [1, 2, 3]
    assert "件" in s.link.hovertemplate


def test_empty_frames_give_empty_figures() -> None:
    empty = pd.DataFrame(columns=["agency", "year", "value", "yoy_pct", "category", "count", "share_pct"])
    assert len(ch.line_chart(empty, unit="件").data) == 0
    assert len(ch.yoy_chart(empty).data) == 0
    assert len(ch.stacked_bar_chart(empty, x="agency", part="category").data) == 0
    assert len(ch.share_trend_chart(empty).data) == 0


def test_strings_are_registered() -> None:
    assert ch.tr("an_peer_median", "zh") == "同组中位数"
    assert ch.tr("an_peer_median", "en") == "Peer median"


def test_outcome_colours_shade_within_group() -> None:
    group_of = {"g": "granted", "d1": "denied", "d2": "denied"}
    cols = ch.outcome_colors(["g", "d1", "d2"], group_of)
    assert cols["g"] == ch.OUTCOME_GROUP_COLORS["granted"]
    assert cols["d1"] == ch.OUTCOME_GROUP_COLORS["denied"]
    assert cols["d2"] != cols["d1"] and cols["d2"].startswith("#") and len(cols["d2"]) == 7
    assert ch.shade("#000000", 1, 2) == "#999999"


def test_stable_colors_do_not_depend_on_what_is_shown() -> None:
    everyone = [f"机构{i}" for i in range(18)]
    full = agency_colors(everyone)
    a = ch.stable_colors(everyone, ["机构3", "机构7"])
    b = ch.stable_colors(everyone, ["机构7", "机构13", "机构3"])
    assert a["机构3"] == b["机构3"] == full["机构3"]
    assert a["机构7"] == b["机构7"] == full["机构7"]
    assert len(set(full.values())) == 18  # unique while the palette suffices
    # an agency not (yet) in the list still gets a colour
    assert ch.stable_colors(everyone, ["新机构"])["新机构"].startswith("#")


def test_stable_colors_at_province_scale_are_distinct_within_the_selection() -> None:
    everyone = [f"机构{i}" for i in range(2000)]
    selection = [f"机构{i}" for i in range(0, 400, 40)]  # 10 agencies
    shown_a = selection[:4]
    shown_b = selection[2:]
    a = ch.stable_colors(everyone, shown_a, selection)
    b = ch.stable_colors(everyone, shown_b, selection)
    assert a[selection[2]] == b[selection[2]] and a[selection[3]] == b[selection[3]]
    full = ch.stable_colors(everyone, selection, selection)
    assert len(set(full.values())) == 10
