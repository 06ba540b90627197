"""Helpers shared by the AppTest page tests: run a page with a query string, read its charts."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pandas as pd
from streamlit.testing.v1 import AppTest

from etl.present import chart_svg, html_table
from etl.present.charts import Chart

TESTS_DIR = Path(__file__).resolve().parents[1]
PAGES_DIR = TESTS_DIR.parent / "pages"


def plain(markdown: str) -> str:
    """Messages escape URL text for markdown; compare what the user reads."""
    return re.sub(r"\\(.)", r"\1", markdown)


def run_app(path: str | Path, timeout: float = 60, **query: Any) -> AppTest:
    """Run an app file (relative paths from tests/) once with ``query`` as its URL parameters.

    No check of the result: for tests that look at exceptions and error messages themselves.
    """
    at = AppTest.from_file(str(TESTS_DIR / path), default_timeout=timeout)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def run_page(page: str, **query: Any) -> AppTest:
    """Run ``pages/<page>.py`` once with ``query`` as its URL parameters; no error allowed."""
    at = run_app(PAGES_DIR / f"{page}.py", **query)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


#: every Vega-Lite chart a page has drawn as SVG in this test process, by its ``data-chart`` id
DRAWN: dict[str, Chart] = {}
_to_html = chart_svg.to_html


def _recording_to_html(spec: Any, data: pd.DataFrame, width: int = chart_svg.WIDTH) -> str:
    out = _to_html(spec, data, width)
    DRAWN[chart_svg.chart_key(spec, data, width)] = Chart(json.loads(json.dumps(spec)), data.copy())
    return out


chart_svg.to_html = _recording_to_html  # type: ignore[assignment]
_CHART_ID = re.compile(r'<div class="gk-chart" data-chart="([0-9a-f]{40})"')


def charts(at: AppTest) -> list[Chart]:
    """The charts of a run in page order: each Vega-Lite chart's spec and table (looked up by
    the ``data-chart`` id of the chart HTML the page sent), and the flow's ECharts option with
    its links."""
    out: list[Chart] = []
    for kind, child in _elements(at.main):
        if kind == "html" and (m := _CHART_ID.match(child.proto.body)):
            out.append(DRAWN[m.group(1)])
        elif kind == "echarts_chart":
            option = json.loads(child.proto.spec)
            links = pd.DataFrame(option["series"][0]["links"], columns=["source", "target", "value"])
            out.append(Chart(option, links, library="echarts"))
    return out


def _elements(node: Any) -> Iterator[tuple[Any, Any]]:
    """(type, element) of every element under ``node``, in page order."""
    for child in getattr(node, "children", {}).values():
        yield getattr(child, "type", None), child
        yield from _elements(child)


def layers(chart: Chart) -> list[dict]:
    """The unit specs of a chart: the inner spec of a facet, every layer, or the spec itself."""
    spec = chart.spec
    if "facet" in spec:
        return [spec["spec"]]
    return spec.get("layer", [spec])


def main_layer(chart: Chart) -> dict:
    """The layer that carries the legend (coloured by ``series``): the agencies' lines on top
    of the peer band, the bars under the zero rule, a faceted chart's inner spec."""
    return next(layer for layer in layers(chart)
                if layer.get("encoding", {}).get("color", {}).get("field") == "series")


def encoding(chart: Chart) -> dict:
    return main_layer(chart)["encoding"]


def axis_title(chart: Chart, channel: str) -> str:
    return encoding(chart)[channel]["axis"]["title"]


def colour_of(chart: Chart, name: str) -> str:
    scale = encoding(chart)["color"]["scale"]
    return scale["range"][scale["domain"].index(name)]


def trace(chart: Chart, name: str) -> dict:
    """One legend entry as the old plotly trace read: ``x`` (years as strings, or [agencies,
    years] for bars per agency-year), ``y`` (None where the line breaks) and ``text`` (every
    tooltip text of its rows, joined)."""
    rows = chart.rows(name)
    assert not rows.empty, f"no series {name!r} in {sorted(set(chart.data.get('series', [])))}"
    x = rows["x"].tolist()
    if "x_sub" in rows.columns and rows["x_sub"].notna().any():
        x = [x, rows["x_sub"].tolist()]
    ys = [None if pd.isna(v) else float(v) for v in rows["y"]]
    text_cols = [c for c in rows.columns if c.endswith("_text") or c.startswith("extra_")]
    text = " ".join(str(v) for c in text_cols for v in rows[c] if v is not None)
    return {"name": name, "x": x, "y": ys, "text": text}


def series_names(chart: Chart) -> list[str]:
    return list(dict.fromkeys(chart.data["series"]))


def by_chinese_name(df: pd.DataFrame) -> pd.DataFrame:
    """An English view's table keyed by the agencies' Chinese names: the tests of what a table
    holds name agencies as the fixtures do; ``test_agency_names`` and the English-label page
    tests check the labels themselves."""
    from etl.present.agency_names import CHINESE_COLUMN

    if CHINESE_COLUMN not in df.columns:
        return df
    return df.assign(Agency=df[CHINESE_COLUMN]).drop(columns=[CHINESE_COLUMN])


def vega_charts(at: AppTest) -> list[Chart]:
    """The run's Vega-Lite charts (drawn on the server as SVG), in page order."""
    return [c for c in charts(at) if c.library != "echarts"]


#: every table a page has drawn as HTML in this test process, by its ``data-table`` id
DRAWN_TABLES: dict[str, pd.DataFrame] = {}
_table_html = html_table.table_html


def _recording_table_html(df: pd.DataFrame, *args: Any, **kwargs: Any) -> str:
    DRAWN_TABLES[html_table.table_key(df)] = df.copy()
    return _table_html(df, *args, **kwargs)


html_table.table_html = _recording_table_html  # type: ignore[assignment]
_TABLE_ID = re.compile(r'<div class="gk-table[^"]*" data-table="([0-9a-f]{40})"')


@dataclass
class Table:
    """A table of a run, as ``at.dataframe``'s elements give it: its frame in ``value``."""

    value: pd.DataFrame


def tables(at: AppTest) -> list[Table]:
    """The tables of a run in page order: the data grids and the short tables drawn as HTML."""
    out: list[Table] = []
    for kind, child in _elements(at.main):
        if kind == "dataframe":
            out.append(Table(child.value))
        elif kind == "html" and (m := _TABLE_ID.search(child.proto.body)):
            out.append(Table(DRAWN_TABLES[m.group(1)]))
    return out
