"""A Vega-Lite chart drawn on the server as SVG, shown as an image with every point's and
bar's tooltip on hover.

Why: a chart page's first visit was most of its time in the browser loading and running
Vega (its chunks, the Vega-Lite compiler, the dataflow and the canvas): 0.5–0.75 s of a 2.3 s
page on the 2-core benchmark machine, against 0.05 s for the same chart as inline SVG
(``benchmarks/bench_browser.py``). Shown as an image: the same SVG inline, through
Streamlit's Markdown, cost as much as Vega did (its Markdown parser on 100 KB of markup).
The specs stay Vega-Lite (``etl/present/charts.py``, their tests, their downloads); only
where they are drawn moves. The same Vega and Vega-Lite draw them, in ``vl-convert``, so
what a chart shows is what Vega draws.
"""
from __future__ import annotations

import base64
import copy
import hashlib
import html
import json
import re
import threading
from collections import OrderedDict
from typing import Any, Mapping

import pandas as pd

#: the width a chart is laid out at: the main column of the wide layout at 1400 px; the SVG
#: then scales to its column (``width: 100%``), text with it
WIDTH = 940

#: marks whose items are one datum each: each gets a hover box with its tooltip. A line or an
#: area is one shape for a whole series, so it gets none (its points carry theirs).
_ITEM_ROLES = frozenset({"point", "bar", "rect", "circle", "square", "tick", "text", "arc"})

#: close to Streamlit's own chart theme, so the drawn charts look like the rest of the page
THEME: dict[str, Any] = {
    "font": "'Source Sans', 'Source Sans Pro', 'Noto Sans CJK SC', sans-serif",
    "background": "transparent",
    "view": {"stroke": None},
    "axis": {"labelColor": "#808495", "titleColor": "#808495", "gridColor": "#e6eaf1",
             "domainColor": "#e6eaf1", "tickColor": "#e6eaf1", "labelFontSize": 12,
             "titleFontSize": 13, "titleFontWeight": "normal"},
    "legend": {"labelColor": "#808495", "titleColor": "#808495", "labelFontSize": 12,
               "titleFontSize": 13, "titleFontWeight": "normal"},
    "header": {"labelColor": "#808495", "titleColor": "#808495", "labelFontSize": 12},
    "title": {"color": "#31333F", "fontSize": 15, "fontWeight": 600},
}

_LOCK = threading.Lock()
_CACHE: OrderedDict[str, str] = OrderedDict()
_CACHE_SIZE = 256


def _records(data: pd.DataFrame) -> list[dict]:
    """The chart's rows as JSON values (NaN → null, numpy scalars → numbers)."""
    return json.loads(data.to_json(orient="records", force_ascii=False, date_format="iso"))


def _tip_expr(tips: list[Mapping[str, Any]]) -> str:
    """A Vega expression: the tooltip's lines, ``title: value``, one per field ("—" for none)."""
    parts = []
    for tip in tips:
        field = str(tip.get("field", ""))
        title = str(tip.get("title", field))
        ref = f"datum[{json.dumps(field, ensure_ascii=False)}]"
        parts.append(f"{json.dumps(title + ': ', ensure_ascii=False)} + "
                     f"(isValid({ref}) ? {ref} : '—')")
    return " + '\\n' + ".join(parts) if parts else "''"


def _with_descriptions(node: Any) -> Any:
    """Every unit spec with a tooltip gets that tooltip's text as its items' description, which
    Vega writes as their ``aria-label`` (Vega-Lite's own description puts the encoding's raw
    field names first)."""
    if isinstance(node, list):
        return [_with_descriptions(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _with_descriptions(v) for k, v in node.items()}
    enc = out.get("encoding")
    if "mark" in out and isinstance(enc, dict) and isinstance(enc.get("tooltip"), list):
        out["transform"] = [*out.get("transform", []),
                            {"calculate": _tip_expr(enc["tooltip"]), "as": "__tip"}]
        out["encoding"] = {**enc, "description": {"field": "__tip", "type": "nominal"}}
    return out


def svg_spec(spec: Mapping[str, Any], data: pd.DataFrame, width: int = WIDTH) -> dict:
    """The spec as vl-convert draws it: its data inline, a fixed width, the page's theme, and
    tooltips as descriptions."""
    out = _with_descriptions(copy.deepcopy(dict(spec)))
    out["data"] = {"values": _records(data)}
    out["width"] = width
    out["config"] = {**THEME, **out.get("config", {})}
    return out


_TRANSLATE = re.compile(r"translate\(\s*(-?[\d.e]+)[ ,]+(-?[\d.e]+)\s*\)")
_RECT = re.compile(r"^M(-?[\d.e]+),(-?[\d.e]+)h(-?[\d.e]+)v(-?[\d.e]+)")
#: the hover box of a point (px of the SVG as laid out)
POINT_BOX = 12.0


def _offset(el: Any) -> tuple[float, float]:
    """Where ``el`` sits in the SVG: the sum of its own and its groups' translations (Vega
    places marks with ``translate`` only; a rotation is for text, which has no tooltip here)."""
    x = y = 0.0
    while el is not None:
        m = _TRANSLATE.search(el.get("transform") or "")
        if m:
            x, y = x + float(m.group(1)), y + float(m.group(2))
        el = el.getparent()
    return x, y


def _hover_boxes(root: Any) -> list[tuple[float, float, float, float, str]]:
    """(x, y, width, height, text) of every item of a per-datum mark that has a description:
    a bar's own rectangle, a point's box around its centre."""
    out = []
    for el in root.iter():
        label = el.get("aria-label")
        if not label or el.get("aria-roledescription") not in _ITEM_ROLES:
            continue
        x, y = _offset(el)
        m = _RECT.match(el.get("d") or "")
        if m:
            rx, ry, w, h = (float(g) for g in m.groups())
            x, y = x + min(rx, rx + w), y + min(ry, ry + h)
            w, h = max(abs(w), 4.0), max(abs(h), 4.0)  # a zero bar can still be pointed at
        else:
            x, y, w, h = x - POINT_BOX / 2, y - POINT_BOX / 2, POINT_BOX, POINT_BOX
        out.append((x, y, w, h, label))
    return out


def _pct(v: float, whole: float) -> str:
    return f"{100 * v / whole:.3f}%"


def _html(svg: str, key: str) -> str:
    """The chart as HTML that Streamlit's ``st.html`` keeps (its sanitiser drops inline SVG):
    the SVG as an image scaled to the column, under a transparent box per bar and point whose
    ``title`` is its tooltip (the browser shows it on hover), placed in % so it scales too.
    Every text is escaped."""
    from lxml import etree

    root = etree.fromstring(svg.encode("utf-8"))
    width, height = float(root.get("width") or WIDTH), float(root.get("height") or 1)
    boxes = "".join(
        f'<span title="{html.escape(text, quote=True)}" style="position:absolute;'
        f"left:{_pct(x, width)};top:{_pct(y, height)};width:{_pct(w, width)};"
        f'height:{_pct(h, height)}"></span>'
        for x, y, w, h, text in _hover_boxes(root)
    )
    src = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    alt = html.escape(root.get("aria-label") or "", quote=True)
    return (f'<div class="gk-chart" data-chart="{key}" style="position:relative;width:100%;'
            f'max-width:{width:.0f}px"><img src="{src}" alt="{alt}" style="width:100%;'
            f'height:auto;display:block">{boxes}</div>')


def _key(full: Mapping[str, Any]) -> str:
    blob = json.dumps(full, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha1(blob.encode("utf-8")).hexdigest()


def chart_key(spec: Mapping[str, Any], data: pd.DataFrame, width: int = WIDTH) -> str:
    """The id of the chart ``spec`` draws of ``data``: its SVG's ``data-chart``."""
    return _key(svg_spec(spec, data, width))


def to_html(spec: Mapping[str, Any], data: pd.DataFrame, width: int = WIDTH) -> str:
    """The chart drawn as SVG, in HTML for ``st.html`` (see :func:`_html`), cached by the spec
    and data it draws."""
    full = svg_spec(spec, data, width)
    key = _key(full)
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            return hit
    import vl_convert

    svg = _html(vl_convert.vegalite_to_svg(full), key)
    with _LOCK:
        _CACHE[key] = svg
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return svg


def warm() -> None:
    """Start vl-convert's JavaScript engine (about 0.7 s, once per process) before the first
    chart page needs it."""
    import vl_convert

    vl_convert.vegalite_to_svg({"data": {"values": [{"a": 1}]}, "mark": "point",
                                "encoding": {"x": {"field": "a", "type": "quantitative"}}})
