"""Chart builders (etl.present.charts): Vega-Lite specs and the table their marks read —
years as ordinal categories, units in tooltip texts and axis titles, stable agency colours."""
from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from etl.present import charts as ch
from etl.present.i18n import agency_colors
from tests.helpers.pages import encoding, main_layer

# --------------------------------------------------------------------------------------------
# reading a spec


def _colours(chart: ch.Chart) -> dict[str, str]:
    scale = encoding(chart)["color"]["scale"]
    assert len(scale["domain"]) == len(scale["range"])
    return dict(zip(scale["domain"], scale["range"]))


def _domain(chart: ch.Chart) -> list[str]:
    return list(encoding(chart)["color"]["scale"]["domain"])


def _tooltip(chart: ch.Chart) -> dict[str, str]:
    """Tooltip field → title."""
    return {t["field"]: t["title"] for t in encoding(chart)["tooltip"]}


def _titles(obj: object) -> list[str]:
    """Every title (axis, legend, header, tooltip, chart) anywhere in a spec."""
    out: list[str] = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == "title" and isinstance(v, str):
                out.append(v)
            elif k == "title" and isinstance(v, dict) and isinstance(v.get("text"), str):
                out.append(v["text"])
            else:
                out += _titles(v)
    elif isinstance(obj, list):
        for v in obj:
            out += _titles(v)
    return out


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


def _ys(rows: pd.DataFrame) -> list[float | None]:
    return [None if pd.isna(v) else float(v) for v in rows["y"]]


# --------------------------------------------------------------------------------------------
# data


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


@pytest.fixture()
def shares() -> pd.DataFrame:
    return pd.DataFrame({
        "agency": ["甲局", "甲局", "甲局", "乙局"],
        "year": [2021, 2021, 2022, 2021],
        "category": ["机构", "执法", "机构", "机构"],
        "count": [30.0, 70.0, 10.0, 5.0],
        "share_pct": [30.0, 70.0, 100.0, 100.0],
    })


@pytest.fixture()
def dashed() -> pd.DataFrame:
    return pd.DataFrame({
        "agency": ["外经局"] * 4, "year": [2020, 2021, 2020, 2021],
        "indicator": ["contract", "contract", "actual", "actual"], "value": [1.0, 2.0, 3.0, 4.0],
    })


# --------------------------------------------------------------------------------------------
# units and labels


def test_unit_labels_and_axis_titles() -> None:
    assert ch.unit_label("万元", "zh") == "万元"
    assert ch.unit_label("万美元", "en") == "10k US$"
    assert ch.axis_title("收费", "万元", "zh") == "收费（万元）"
    assert ch.axis_title("Fees", "万元", "en") == "Fees (10k yuan)"
    assert ch.value_text(1234, "件") == "1,234 件"
    assert ch.value_text(12.345, "%") == "12.3%"
    assert ch.value_text(None, "件") == "—"


# --------------------------------------------------------------------------------------------
# lines


def test_line_chart_years_are_categories_and_units_in_hover(series: pd.DataFrame) -> None:
    # rows given out of order: the years are still drawn in order
    chart = ch.line_chart(series.iloc[::-1], unit="万元", y_label="收费")
    assert chart.library == "vega-lite"
    assert main_layer(chart)["mark"]["type"] == "line"
    x = encoding(chart)["x"]
    assert x["field"] == "x" and x["type"] == "ordinal"
    assert x["sort"] == x["scale"]["domain"] == ["2021", "2022"]
    assert x["axis"]["title"] == "年份"
    assert _domain(chart) == ["乙局", "甲局"]  # agencies sorted
    assert all(isinstance(v, str) for v in chart.data["x"])
    jia = chart.rows("甲局")
    assert jia["x"].tolist() == ["2021", "2022"] and _ys(jia) == [100.0, 150.0]
    assert jia["y_text"].tolist() == ["100.00 万元", "150.00 万元"]
    assert _tooltip(chart)["y_text"] == "收费"
    y = encoding(chart)["y"]
    assert y["field"] == "y" and y["type"] == "quantitative"
    assert y["axis"]["title"] == "收费（万元）"
    assert "labelExpr" not in y["axis"]  # not a percent axis


def test_line_chart_percent_axis() -> None:
    df = pd.DataFrame({"agency": ["甲局"], "year": [2021], "rate": [12.5]})
    chart = ch.line_chart(df, unit="%", y="rate", y_label="纠错率")
    assert "%" in encoding(chart)["y"]["axis"]["labelExpr"]
    assert chart.rows("甲局")["y_text"].tolist() == ["12.5%"]


def test_agency_colour_is_the_same_across_charts(series: pd.DataFrame, band: pd.DataFrame) -> None:
    colours = agency_colors(["甲局", "乙局"])
    for chart in (ch.line_chart(series, unit="件"), ch.yoy_chart(series),
                  ch.band_chart(series, band, unit="件")):
        got = _colours(chart)
        assert got["甲局"] == colours["甲局"] and got["乙局"] == colours["乙局"]
    # a page-provided mapping wins, in every chart
    page = {"甲局": "#000000"}
    for chart in (ch.line_chart(series, unit="件", colors=page), ch.yoy_chart(series, colors=page),
                  ch.band_chart(series, band, unit="件", colors=page)):
        got = _colours(chart)
        assert got["甲局"] == "#000000" and got["乙局"] == colours["乙局"]


def test_line_chart_dash_splits_series(dashed: pd.DataFrame) -> None:
    chart = ch.line_chart(dashed, unit="万美元", dash="indicator",
                          dash_labels={"contract": "合同外资", "actual": "实际到资"})
    assert _domain(chart) == ["外经局 · 合同外资", "外经局 · 实际到资"]
    dash = encoding(chart)["strokeDash"]
    assert dash["field"] == "dash"
    assert dash["scale"]["domain"] == ["合同外资", "实际到资"]
    assert dash["scale"]["range"] == [ch.DASHES[0], ch.DASHES[1]]  # solid first, then dashed
    assert ch.DASHES[0] == [1, 0]
    contract = chart.rows("外经局 · 合同外资")
    assert set(contract["dash"]) == {"合同外资"} and _ys(contract) == [1.0, 2.0]
    actual = chart.rows("外经局 · 实际到资")
    assert set(actual["dash"]) == {"实际到资"} and _ys(actual) == [3.0, 4.0]
    assert all(t.endswith("万美元") for t in chart.data["y_text"])
    # both series of the agency in the agency's colour
    colours = _colours(chart)
    assert colours["外经局 · 合同外资"] == colours["外经局 · 实际到资"] == agency_colors(["外经局"])["外经局"]


def test_line_without_dash_has_no_stroke_dash(series: pd.DataFrame) -> None:
    assert "strokeDash" not in encoding(ch.line_chart(series, unit="件"))


def test_line_breaks_at_a_missing_year() -> None:
    df = pd.DataFrame({"agency": ["甲局", "甲局", "甲局"], "year": [2019, 2022, 2023],
                       "value": [1.0, 4.0, 5.0], "indicator": ["c", "c", "c"]})
    chart = ch.line_chart(df, unit="件")
    jia = chart.rows("甲局")
    assert jia["x"].tolist() == ["2019", "2020", "2022", "2023"]
    assert _ys(jia) == [1.0, None, 4.0, 5.0]
    # every year from the first to the last is on the axis
    assert encoding(chart)["x"]["scale"]["domain"] == ["2019", "2020", "2021", "2022", "2023"]
    # the line mark keeps Vega-Lite's default of breaking a path at an empty value
    assert main_layer(chart)["mark"].get("invalid", "break-paths-show-path-domains").startswith("break-paths")
    # a dashed series keeps its dash at the gap (the gap row belongs to the series)
    split = ch.line_chart(df, unit="件", dash="indicator", dash_labels={"c": "合同外资"})
    gap = split.rows("甲局 · 合同外资")
    assert gap["dash"].tolist() == ["合同外资"] * 4 and _ys(gap) == [1.0, None, 4.0, 5.0]


# --------------------------------------------------------------------------------------------
# band


def test_band_chart(series: pd.DataFrame, band: pd.DataFrame) -> None:
    chart = ch.band_chart(series, band, unit="件", y_label="公开数量", lang="en")
    med = chart.rows("Peer median")
    assert med["x"].tolist() == ["2021", "2022"]
    assert _ys(med) == [75.0, 95.0]
    assert med["q25"].tolist() == [60.0, 50.0] and med["q75"].tolist() == [90.0, 120.0]
    assert med["y_text"].tolist() == ["75 items", "95 items"]
    assert med["q25_text"].tolist() == ["60 items", "50 items"]
    assert med["n_text"].tolist() == ["3 agencies", "3 agencies"]
    # the IQR and the median are legend entries, in their own colours
    colours = _colours(chart)
    iqr = "Peer interquartile range (25–75 %)"
    assert colours["Peer median"] == ch.MEDIAN_COLOR and colours[iqr] == ch.IQR_COLOR
    assert _domain(chart) == ["乙局", "甲局", "Peer median", iqr]
    area, median_line, lines = chart.spec["layer"]
    assert area["mark"]["type"] == "area"
    assert area["encoding"]["y"]["field"] == "q25" and area["encoding"]["y2"]["field"] == "q75"
    assert area["encoding"]["color"] == {"datum": iqr}
    assert median_line["encoding"]["color"] == {"datum": "Peer median"}
    assert median_line["mark"]["strokeDash"] != ch.DASHES[0]  # dashed, unlike the agencies
    assert "strokeDash" not in lines["mark"]
    assert area["transform"] == median_line["transform"] == [
        {"filter": {"field": "series", "equal": "Peer median"}}]
    assert lines["transform"] == [{"filter": {"not": {"field": "series", "equal": "Peer median"}}}]
    # the median's tooltip shows the median and both quartiles with their unit, and the peers
    assert [t["field"] for t in median_line["encoding"]["tooltip"]][2:] == [
        "y_text", "q25_text", "q75_text", "n_text"]
    # the agencies' year-on-year change in their tooltip
    assert chart.rows("甲局")["extra_0"].tolist() == ["—", "+50.0%"]
    assert _tooltip(chart)["extra_0"] == "YoY"
    for layer in chart.spec["layer"]:
        x = layer["encoding"]["x"]
        assert x["type"] == "ordinal" and x["scale"]["domain"] == ["2021", "2022"]
        assert x["axis"]["title"] == "Year"
        assert layer["encoding"]["y"]["axis"]["title"] == "公开数量 (items)"


def test_band_chart_without_band(series: pd.DataFrame) -> None:
    chart = ch.band_chart(series, pd.DataFrame(columns=["year", "agencies", "q25", "median", "q75"]),
                          unit="件")
    assert _domain(chart) == ["乙局", "甲局"]
    assert len(chart.spec["layer"]) == 1
    assert set(chart.data["series"]) == {"乙局", "甲局"}


# --------------------------------------------------------------------------------------------
# bars


def test_yoy_chart_drops_unknown_changes(series: pd.DataFrame) -> None:
    chart = ch.yoy_chart(series, value_unit="件")
    assert main_layer(chart)["mark"]["type"] == "bar"
    assert {s: _ys(chart.rows(s)) for s in _domain(chart)} == {"乙局": [-20.0], "甲局": [50.0]}
    assert chart.rows("甲局")["y_text"].tolist() == ["+50.0%"]
    assert chart.rows("乙局")["y_text"].tolist() == ["-20.0%"]
    assert chart.rows("甲局")["value_text"].tolist() == ["150 件"]
    assert set(_tooltip(chart)) >= {"y_text", "value_text"}
    enc = encoding(chart)
    assert "%" in enc["y"]["axis"]["labelExpr"]
    assert enc["x"]["type"] == "ordinal" and enc["x"]["scale"]["domain"] == ["2022"]
    assert enc["xOffset"]["field"] == "series"  # side by side
    # a rule marks zero
    assert any(layer["mark"]["type"] == "rule" and layer["encoding"]["y"] == {"datum": 0}
               for layer in chart.spec["layer"])


def test_stacked_share_bars_agency_year(shares: pd.DataFrame) -> None:
    chart = ch.stacked_bar_chart(shares, x=["agency", "year"], part="category")
    # one panel per agency, the years inside it in order
    column = chart.spec["facet"]["column"]
    assert column["field"] == "x" and column["sort"] == ["乙局", "甲局"]
    enc = chart.spec["spec"]["encoding"]
    assert enc["x"]["field"] == "x_sub" and enc["x"]["type"] == "ordinal"
    assert enc["x"]["sort"] == ["2021", "2022"]
    assert chart.spec["resolve"]["scale"]["x"] == "independent"
    jg = chart.rows("机构")
    assert jg["x"].tolist() == ["乙局", "甲局", "甲局"]
    assert jg["x_sub"].tolist() == ["2021", "2021", "2022"]
    assert _ys(jg) == [100.0, 30.0, 100.0]
    assert jg["count_text"].tolist() == ["5 件", "30 件", "10 件"]
    assert jg["share_text"].tolist() == ["100.0%", "30.0%", "100.0%"]
    assert {"count_text", "share_text"} <= {t["field"] for t in enc["tooltip"]}
    # the parts of a bar make 100 %
    sums = chart.data.groupby(["x", "x_sub"])["y"].sum()
    assert all(math.isclose(v, 100.0) for v in sums)
    assert enc["y"]["stack"] == "zero" and enc["y"]["scale"]["domain"] == [0, 100]
    assert "%" in enc["y"]["axis"]["labelExpr"] and enc["y"]["axis"]["title"] == "占比（%）"


def test_stacked_panels_sort_their_years() -> None:
    # the first panel (乙局) has 2022 only: the years of the next panel still run 2021, 2022
    df = pd.DataFrame({"agency": ["乙局", "甲局", "甲局"], "year": [2022, 2022, 2021],
                       "category": ["A", "A", "A"], "count": [1.0, 1.0, 1.0],
                       "share_pct": [100.0, 100.0, 100.0]})
    chart = ch.stacked_bar_chart(df, x=["agency", "year"], part="category")
    assert chart.spec["facet"]["column"]["sort"] == ["乙局", "甲局"]
    assert chart.spec["spec"]["encoding"]["x"]["sort"] == ["2021", "2022"]
    assert chart.rows("A")["x_sub"].tolist() == ["2022", "2021", "2022"]


def test_panel_labels_wrap_to_their_panels_and_follow_a_relabel() -> None:
    """Panel labels are horizontal lines that fit the panel (an angled long English name was
    cut after about 20 letters); the lines are the label expression's, per panel."""
    df = pd.DataFrame({"agency": ["甲市发展和改革委员会"] * 2 + ["乙局"] * 2, "year": [2021, 2022] * 2,
                       "category": ["A"] * 4, "count": [1.0] * 4, "share_pct": [100.0] * 4})
    chart = ch.stacked_bar_chart(df, x=["agency", "year"], part="category")
    header = chart.spec["facet"]["column"]["header"]
    assert header["labelAngle"] == 0 and "labelExpr" in header
    assert '["乙局"]' in header["labelExpr"]
    width = chart.spec["spec"]["width"]["step"] * 2
    for line in ch._wrap_label("甲市发展和改革委员会", width):
        assert len(line) * 11 <= width
    long = "Jia City Development and Reform Commission of the Province"
    out = ch.relabel(chart, {"甲市发展和改革委员会": long})
    expr = out.spec["facet"]["column"]["header"]["labelExpr"]
    assert json.dumps(long) in expr and "甲市发展和改革委员会" not in expr
    lines = ch._wrap_label(long, width)
    assert 1 < len(lines) <= 4 and json.dumps(lines, ensure_ascii=False) in expr
    assert lines[-1].endswith("…") or " ".join(lines) == long


def test_stacked_bars_keep_the_order_of_parts(shares: pd.DataFrame) -> None:
    chart = ch.stacked_bar_chart(shares, x=["agency", "year"], part="category",
                                 part_order=["执法", "机构", "不存在"],
                                 part_colors={"执法": "#111111", "机构": "#222222"})
    enc = chart.spec["spec"]["encoding"]
    # parts absent from the data are left out of the legend
    assert enc["color"]["scale"]["domain"] == ["执法", "机构"]
    assert enc["color"]["scale"]["range"] == ["#111111", "#222222"]
    assert enc["order"]["field"] == "order"
    assert dict(zip(chart.data["series"], chart.data["order"])) == {"执法": 0, "机构": 1}
    # within a bar, rows come in stacking order
    jia_2021 = chart.data[(chart.data["x"] == "甲局") & (chart.data["x_sub"] == "2021")]
    assert jia_2021["series"].tolist() == ["执法", "机构"]


def test_stacked_absolute_bars_by_agency() -> None:
    df = pd.DataFrame({"agency": ["甲", "甲"], "part": ["维持", "纠正"], "count": [3.0, 2.0]})
    chart = ch.stacked_bar_chart(df, x="agency", part="part", share=None, normalise=False,
                                 part_order=["维持", "纠正"], lang="en")
    assert _domain(chart) == ["维持", "纠正"]
    assert _ys(chart.rows("维持")) == [3.0] and _ys(chart.rows("纠正")) == [2.0]
    assert chart.rows("维持")["count_text"].tolist() == ["3 items"]
    enc = encoding(chart)
    assert enc["x"]["field"] == "x" and enc["x"]["type"] == "nominal"
    assert enc["x"]["axis"]["title"] == "Agency"
    assert enc["y"]["stack"] == "zero"
    assert enc["y"]["axis"]["title"] == "Count (items)"
    assert "labelExpr" not in enc["y"]["axis"]  # counts, not shares
    assert "share_text" not in {t["field"] for t in enc["tooltip"]}


def test_stacked_bars_by_year_are_ordinal() -> None:
    df = pd.DataFrame({"year": [2022, 2021], "part": ["A", "A"], "count": [1.0, 2.0],
                       "share_pct": [100.0, 100.0]})
    enc = encoding(ch.stacked_bar_chart(df, x="year", part="part"))
    assert enc["x"]["type"] == "ordinal" and enc["x"]["sort"] == ["2021", "2022"]


def test_share_trend_chart() -> None:
    df = pd.DataFrame({"year": [2021, 2022, 2021], "category": ["B", "B", "A"],
                       "count": [1.0, 2.0, 3.0], "share_pct": [25.0, 100.0, 75.0]})
    chart = ch.share_trend_chart(df)
    assert _domain(chart) == ["B", "A"]  # parts in the order they come
    b = chart.rows("B")
    assert b["x"].tolist() == ["2021", "2022"] and _ys(b) == [25.0, 100.0]
    assert b["y_text"].tolist() == ["25.0%", "100.0%"]
    assert b["extra_0"].tolist() == ["1 件", "2 件"]
    enc = encoding(chart)
    assert enc["x"]["type"] == "ordinal" and enc["x"]["scale"]["domain"] == ["2021", "2022"]
    assert "%" in enc["y"]["axis"]["labelExpr"] and enc["y"]["axis"]["title"] == "占比（%）"
    assert "extra_0" in _tooltip(chart)


def test_grouped_bar_chart_order() -> None:
    df = pd.DataFrame({"year": [2021, 2021, 2023], "measure": ["收", "结", "收"],
                       "value": [5.0, 4.0, 6.0]})
    chart = ch.grouped_bar_chart(df, group="measure", group_order=["结", "收"], y_label="申请")
    enc = encoding(chart)
    assert _domain(chart) == ["结", "收"]
    assert enc["xOffset"]["field"] == "series" and enc["xOffset"]["sort"] == ["结", "收"]
    assert "stack" not in enc["y"]
    assert enc["y"]["axis"]["title"] == "申请（件）"
    assert enc["x"]["type"] == "ordinal" and enc["x"]["scale"]["domain"] == ["2021", "2022", "2023"]
    assert chart.rows("收")["y_text"].tolist() == ["5 件", "6 件"]
    stacked = encoding(ch.grouped_bar_chart(df, group="measure", group_order=["结", "收"], stacked=True))
    assert "xOffset" not in stacked
    assert stacked["y"]["stack"] == "zero" and stacked["order"]["field"] == "order"


# --------------------------------------------------------------------------------------------
# flow


def test_sankey_chart() -> None:
    links = pd.DataFrame({"source": ["in", "mid", "mid"], "target": ["mid", "a", "b"],
                          "value": [10.0, 6.0, 4.0]})
    chart = ch.sankey_chart(links, node_label=str.upper)
    assert chart.library == "echarts"
    (s,) = chart.spec["series"]
    assert s["type"] == "sankey"
    assert [n["name"] for n in s["data"]] == ["IN", "MID", "A", "B"]
    assert [(lk["source"], lk["target"], lk["value"]) for lk in s["links"]] == [
        ("IN", "MID", 10.0), ("MID", "A", 6.0), ("MID", "B", 4.0)]
    assert s["tooltip"]["formatter"].endswith(" 件")
    assert chart.rows("anything")["value"].tolist() == [10.0, 6.0, 4.0]  # the flow has no series
    en = ch.sankey_chart(links, node_label=str.upper, lang="en")
    assert en.spec["series"][0]["tooltip"]["formatter"].endswith(" items")
    # what a screen reader says, in the view's language, instead of ECharts' English "NaN"s
    assert chart.spec["aria"]["label"]["description"] == "IN → MID 10 件；MID → A 6 件；MID → B 4 件"
    assert en.spec["aria"]["label"]["description"].startswith("IN → MID 10 items; ")


def test_sankey_node_names_are_unique() -> None:
    # ECharts joins nodes by name: two keys with one label must stay two nodes
    links = pd.DataFrame({"source": ["in", "in"], "target": ["a", "b"], "value": [1.0, 2.0]})
    chart = ch.sankey_chart(links, node_label=lambda k: "同名" if k != "in" else "来源",
                            node_colors={"a": "#123456"})
    s = chart.spec["series"][0]
    names = [n["name"] for n in s["data"]]
    assert len(names) == len(set(names)) == 3
    assert {lk["source"] for lk in s["links"]} | {lk["target"] for lk in s["links"]} <= set(names)
    assert s["links"][0]["target"] != s["links"][1]["target"]
    assert s["data"][1]["itemStyle"]["color"] == "#123456"
    assert chart.data["target"].tolist() == [lk["target"] for lk in s["links"]]


# --------------------------------------------------------------------------------------------
# every chart


def _all_charts(lang: str = "zh") -> dict[str, ch.Chart]:
    series = pd.DataFrame({"agency": ["甲局", "甲局", "乙局"], "year": [2021, 2022, 2021],
                           "value": [1.0, 2.0, 3.0], "yoy_pct": [None, 100.0, None],
                           "indicator": ["c", "a", "c"]})
    band = pd.DataFrame({"year": [2021, 2022], "agencies": [2, 2], "q25": [1.0, 1.0],
                         "median": [2.0, 2.0], "q75": [3.0, 3.0]})
    parts = pd.DataFrame({"agency": ["甲局", "甲局"], "year": [2021, 2021], "category": ["A", "B"],
                          "count": [1.0, 3.0], "share_pct": [25.0, 75.0]})
    grouped = pd.DataFrame({"year": [2021, 2021], "measure": ["in", "out"], "value": [5.0, 4.0]})
    return {
        "line": ch.line_chart(series, unit="件", lang=lang, title="T"),
        "dash": ch.line_chart(series, unit="万美元", dash="indicator", lang=lang),
        "band": ch.band_chart(series, band, unit="件", lang=lang),
        "yoy": ch.yoy_chart(series, lang=lang, value_unit="件"),
        "stacked_agency_year": ch.stacked_bar_chart(parts, x=["agency", "year"], part="category",
                                                    lang=lang, title="T"),
        "stacked_agency": ch.stacked_bar_chart(parts, x="agency", part="category", lang=lang),
        "share_trend": ch.share_trend_chart(parts, lang=lang),
        "grouped": ch.grouped_bar_chart(grouped, group="measure", lang=lang),
        "grouped_stacked": ch.grouped_bar_chart(grouped, group="measure", lang=lang, stacked=True),
    }


def test_english_labels() -> None:
    for name, chart in _all_charts("en").items():
        titles = _titles(chart.spec)
        assert titles, name
        assert not any(_has_cjk(t) for t in titles), (name, titles)
        for col in ("y_text", "count_text", "value_text", "n_text", "q25_text"):
            if col in chart.data.columns:
                texts = [t for t in chart.data[col] if isinstance(t, str)]
                assert not any(_has_cjk(t) for t in texts), (name, col, texts)
    assert "Year" in _titles(_all_charts("en")["line"].spec)
    assert "Agency / Year" in _titles(_all_charts("en")["stacked_agency_year"].spec)
    # and Chinese ones by default
    assert "年份" in _titles(_all_charts()["line"].spec)


def test_specs_are_valid_vega_lite() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    pytest.importorskip("altair")
    from importlib.resources import files

    schema = json.loads((files("altair") / "vegalite/v6/schema/vega-lite-schema.json").read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    for name, chart in _all_charts().items():
        # the spec goes to the browser as JSON (a numpy value would not serialise)
        spec = json.loads(json.dumps({**chart.spec, "data": {"name": "table"}}, allow_nan=False))
        errors = list(validator.iter_errors(spec))
        assert not errors, (name, jsonschema.exceptions.best_match(errors).message[:500])


@pytest.mark.parametrize("name", [
    # Vega-Lite keeps only the first tooltip field of a title (the count with its unit was lost)
    # and replaces an empty title with the field name (the tooltip read 'series')
    "line", "dash", "band", "yoy", "stacked_agency_year", "stacked_agency", "share_trend", "grouped",
])
def test_tooltip_shows_every_field_under_its_own_title(name: str) -> None:
    charts = _all_charts()
    if name == "stacked_agency_year":  # as the categories page calls it
        charts[name] = ch.stacked_bar_chart(
            pd.DataFrame({"agency": ["甲局"], "year": [2021], "category": ["A"], "count": [1.0],
                          "share_pct": [100.0]}),
            x=["agency", "year"], part="category", legend_title="类别")
    titles = [t["title"] for t in encoding(charts[name])["tooltip"]]
    assert all(titles) and len(titles) == len(set(titles)), titles


def test_empty_frames_give_empty_charts() -> None:
    empty = pd.DataFrame(columns=["agency", "year", "value", "yoy_pct", "category", "count",
                                  "share_pct", "measure", "indicator"])
    no_band = pd.DataFrame(columns=["year", "agencies", "q25", "median", "q75"])
    charts = [
        ch.line_chart(empty, unit="件"),
        ch.line_chart(empty, unit="件", dash="indicator"),
        ch.band_chart(empty, no_band, unit="件"),
        ch.yoy_chart(empty),
        ch.stacked_bar_chart(empty, x="agency", part="category"),
        ch.stacked_bar_chart(empty, x=["agency", "year"], part="category"),
        ch.share_trend_chart(empty),
        ch.grouped_bar_chart(empty, group="measure"),
        ch.sankey_chart(pd.DataFrame(columns=["source", "target", "value"]), node_label=str),
    ]
    for chart in charts:
        assert isinstance(chart, ch.Chart)
        assert chart.data.empty
        json.dumps(chart.spec)
    assert charts[-1].spec["series"][0]["data"] == [] and charts[-1].spec["series"][0]["links"] == []
    assert _domain(charts[0]) == [] and encoding(charts[0])["x"]["scale"]["domain"] == []


# --------------------------------------------------------------------------------------------
# strings and colours


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


def test_peer_band_breaks_where_no_peer_reported() -> None:
    series = pd.DataFrame({"agency": ["甲局", "甲局"], "year": [2019, 2021], "value": [1.0, 2.0]})
    band = pd.DataFrame({"year": [2019, 2021], "agencies": [3, 3], "q25": [1.0, 1.0],
                         "median": [2.0, 2.0], "q75": [3.0, 3.0]})
    chart = ch.band_chart(series, band, unit="件")
    median = chart.rows("同组中位数")
    assert median["x"].tolist() == ["2019", "2020", "2021"]
    assert median["y"].isna().tolist() == [False, True, False]
    assert median["q25"].isna().tolist() == [False, True, False]
