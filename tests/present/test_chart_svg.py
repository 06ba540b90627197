"""The charts drawn on the server (etl/present/chart_svg.py): what the image shows, the hover
boxes' tooltips and places, escaping, and the cache."""
from __future__ import annotations

import base64
import re

import pandas as pd
from lxml import etree, html as lhtml

from etl.present import chart_svg
from etl.present import charts as ch


def _band():
    series = pd.DataFrame({
        "agency": ["甲<script>alert(1)</script>", "甲<script>alert(1)</script>", "乙", "乙"],
        "year": [2020, 2021, 2020, 2021], "value": [3, 5, 2, None], "yoy_pct": [None, 66.7, None, None],
    })
    band = pd.DataFrame({"year": [2020, 2021], "agencies": [2, 2], "q25": [1.0, 2.0],
                         "median": [2.5, 4.0], "q75": [3.0, 5.0], "unit": ["件", "件"]})
    return ch.band_chart(series, band, unit="件", y_label="数量")


def _parts(markup: str):
    div = lhtml.fragment_fromstring(markup)
    img = div.find("img")
    svg = etree.fromstring(base64.b64decode(img.get("src").split(",", 1)[1]))
    return div, svg, div.findall("span")


def test_every_point_has_its_tooltip_and_nothing_is_markup() -> None:
    fig = _band()
    div, svg, spans = _parts(chart_svg.to_html(fig.spec, fig.data))
    titles = [s.get("title") for s in spans]
    # 3 agency points (乙 2021 is blank: no point) and 2 median points
    assert len(titles) == 5
    assert "机构: 甲<script>alert(1)</script>\n年份: 2021\n数量: 5 件\n同比: +66.7%" in titles
    assert "机构: 乙\n年份: 2020\n数量: 2 件\n同比: —" in titles
    assert not any("2021" in t and "乙" in t for t in titles)  # no point, no tooltip
    # the name is text everywhere: in the hover box (an attribute) and in the image's legend
    assert not div.xpath("//script") and not svg.xpath("//*[local-name()='script']")
    assert "甲<script>alert(1)</script>" in "".join(svg.itertext())
    assert div.get("data-chart") == chart_svg.chart_key(fig.spec, fig.data)


def test_hover_boxes_sit_on_the_points_they_name() -> None:
    fig = _band()
    _div, svg, spans = _parts(chart_svg.to_html(fig.spec, fig.data))
    width, height = float(svg.get("width")), float(svg.get("height"))

    def centre(span) -> tuple[float, float]:  # noqa: ANN001
        st = dict(p.split(":") for p in span.get("style").split(";") if ":" in p)
        pc = {k: float(v.rstrip("%")) / 100 for k, v in st.items() if v.endswith("%")}
        return ((pc["left"] + pc["width"] / 2) * width, (pc["top"] + pc["height"] / 2) * height)

    by_year: dict[str, float] = {}
    for s in spans:
        year = re.search(r"年份: (\d{4})", s.get("title")).group(1)
        by_year.setdefault(year, centre(s)[0])
        assert abs(by_year[year] - centre(s)[0]) < 1  # one x per year
    assert by_year["2020"] < by_year["2021"]
    higher = {s.get("title").split("\n")[0]: centre(s)[1] for s in spans if "2021" in s.get("title")}
    # 5 件 is drawn above the median 4 件 (SVG y grows downwards)
    assert higher["机构: 甲<script>alert(1)</script>"] < higher["机构: 同组中位数"]


def test_bars_get_their_own_rectangle() -> None:
    df = pd.DataFrame({"agency": ["甲"] * 2, "year": [2018] * 2, "category": ["财务", "人事"],
                       "count": [1, 3], "share_pct": [25.0, 75.0]})
    fig = ch.stacked_bar_chart(df, x=["agency", "year"], part="category")
    _div, _svg, spans = _parts(chart_svg.to_html(fig.spec, fig.data))
    heights = {s.get("title").split("\n")[0]: float(re.search(r"height:([\d.]+)%", s.get("style")).group(1))
               for s in spans}
    assert set(heights) == {"分项: 财务", "分项: 人事"}
    assert abs(heights["分项: 人事"] / heights["分项: 财务"] - 3) < 0.05  # 75 % against 25 %


def test_the_same_chart_is_drawn_once() -> None:
    fig = _band()
    first = chart_svg.to_html(fig.spec, fig.data)
    assert chart_svg.to_html(fig.spec, fig.data) is first  # from the cache
    other = fig.data.assign(y=fig.data["y"].fillna(0) + 1)
    assert chart_svg.chart_key(fig.spec, other) != chart_svg.chart_key(fig.spec, fig.data)
