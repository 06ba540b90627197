"""DataFrame → chart (a Vega-Lite spec and its table) for the analysis pages (no Streamlit, no
database).

Why a separate module: the chart rules hold for every chart and are easy to get wrong one page
at a time — years are categories (a numeric axis prints 2,022.5), every tooltip value carries its
unit (件, 家, 万元, 万美元, %), axis titles name the unit, and an agency keeps one colour on every
page (``etl.present.i18n.agency_colors``: derived from the name, so the same on every page and run).
Builders take the exact DataFrame the page offers for download, so what is drawn is what is
downloaded.

Also holds the UI strings of the analysis pages (registered with ``etl.present.i18n``), so charts and
pages share one bilingual vocabulary.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, Mapping, Sequence

import pandas as pd

from etl.present import i18n

# --------------------------------------------------------------------------------------------
# strings

STRINGS: dict[str, tuple[str, str]] = {
    "an_year_axis": ("年份", "Year"),
    "an_agency": ("机构", "Agency"),
    "an_share_axis": ("占比（%）", "Share (%)"),
    "an_yoy_axis": ("同比变化（%）", "Year-on-year change (%)"),
    "an_yoy": ("同比", "YoY"),
    "an_share": ("占比", "Share"),
    "an_count": ("数量", "Count"),
    "an_peer_median": ("同组中位数", "Peer median"),
    "an_peer_iqr": ("同组四分位区间（25%–75%）", "Peer interquartile range (25–75 %)"),
    "an_peer_n": ("机构数", "agencies"),
    "an_q25": ("25% 分位", "25th percentile"),
    "an_q75": ("75% 分位", "75th percentile"),
    "an_other": ("其他", "Other"),
    "an_handled": ("办理总量", "Handled"),
    # outcome groups
    "an_group_granted": ("予以公开", "Granted in full"),
    "an_group_partially_granted": ("部分公开", "Granted in part"),
    "an_group_denied": ("不予公开", "Denied"),
    "an_group_unable": ("无法提供", "Cannot provide"),
    "an_group_rejected": ("不予处理", "Not processed"),
    "an_group_other": ("其他处理", "Other handling"),
    # appeals parts
    "an_appeal_upheld": ("结果维持", "Upheld"),
    "an_appeal_corrected": ("结果纠正", "Corrected"),
    "an_appeal_other": ("其他结果", "Other outcome"),
    "an_appeal_pending": ("尚未审结", "Pending"),
    "an_appeal_total": ("总计", "Total"),
    "an_review": ("行政复议", "Administrative review"),
    "an_suit": ("行政诉讼", "Lawsuits"),
    # investment indicators
    "an_ind_enterprises": ("新办外商投资企业", "New foreign-invested enterprises"),
    "an_ind_contract": ("合同外资", "Contracted foreign investment"),
    "an_ind_actual": ("实际到资", "Foreign investment received"),
    "an_ind_exports": ("外贸出口", "Exports"),
}
i18n.register(STRINGS)


def tr(key: str, lang: str = "zh", **fmt: object) -> str:
    """A UI string of the analysis pages (or any shared one) in ``lang``."""
    return i18n.t(key, lang, **fmt)


UNIT_EN: dict[str, str] = {
    "件": "items",
    "家": "firms",
    "万元": "10k yuan",
    "万美元": "10k US$",
    "%": "%",
    "份": "reports",
}

_FORMATS: dict[str, str] = {"件": ",.0f", "家": ",.0f", "份": ",.0f", "万元": ",.2f", "万美元": ",.2f", "%": ".1f"}


def unit_label(unit: str, lang: str = "zh") -> str:
    """Display unit in the interface language (件 → items …); unknown units pass through."""
    return UNIT_EN.get(unit, unit) if lang == "en" else unit


def _fmt(unit: str) -> str:
    return _FORMATS.get(unit, ",.2f")


def axis_title(label: str, unit: str, lang: str = "zh") -> str:
    """An axis title naming its unit: ``主动公开政府信息数量（件）`` / ``Items (items)``."""
    u = unit_label(unit, lang)
    return f"{label}（{u}）" if lang != "en" else f"{label} ({u})"


def colors_for(names: Sequence[str], colors: Mapping[str, str] | None = None) -> dict[str, str]:
    """The agencies' colours: the page's mapping where given, else the shared name-derived one."""
    base = i18n.agency_colors(sorted({str(n) for n in names}))
    if colors:
        base.update({k: v for k, v in colors.items() if k in base})
    return base


@lru_cache(maxsize=4)
def _all_colors(all_names: tuple[str, ...]) -> dict[str, str]:
    return i18n.agency_colors(all_names)


def stable_colors(
    all_names: Sequence[str], shown: Sequence[str], selection: Sequence[str] | None = None
) -> dict[str, str]:
    """Colours of the ``shown`` agencies that stay the same from page to page.

    While the database holds no more agencies than the palette has colours, colours are
    assigned over every agency (``all_names``): each agency has one colour everywhere. Beyond
    that (a province: 20,000 agencies, 48 colours) a global assignment would give agencies in
    one chart the same colour, so colours are assigned over the user's ``selection`` (which
    travels in the URL, hence is the same on every page of a view), or over ``shown`` when
    nothing is selected. Cached per list of names.
    """
    if len(all_names) <= len(i18n.PALETTE):
        palette = _all_colors(tuple(sorted({str(n) for n in all_names})))
    else:
        palette = i18n.agency_colors(sorted({*(selection or ()), *shown}))
    out = {n: palette[n] for n in shown if n in palette}
    missing = [n for n in shown if n not in palette]
    if missing:
        out.update(i18n.agency_colors(missing))
    return out


def _part_palette(keys: Sequence[str]) -> dict[str, str]:
    return {k: i18n.PALETTE[i % len(i18n.PALETTE)] for i, k in enumerate(keys)}


@dataclass(frozen=True)
class Chart:
    """A chart as the browser gets it: a Vega-Lite spec (an ECharts option for the flow, which
    Vega-Lite cannot draw) and the one table its marks read.

    Why not plotly: plotly.js takes about 1.4 s to load and run in every new browser page, even
    for one trivial chart, against about 0.3 s for Streamlit's Vega-Lite bundle
    (``benchmarks/bench_browser.py``). Why one table per chart: the page tests read exactly what
    is drawn — the rows of a legend entry are ``data[data.series == name]``, in order, with an
    empty ``y`` where a line breaks at a missing year.
    """

    spec: dict
    data: pd.DataFrame
    library: str = "vega-lite"

    def rows(self, series: str) -> pd.DataFrame:
        """The drawn rows of one legend entry (all rows of the flow when it has no series)."""
        if "series" not in self.data.columns:
            return self.data
        return self.data[self.data["series"] == series]


#: the table columns a chart's names sit in (legend entries, categories on x, facet panels)
NAME_COLUMNS: tuple[str, ...] = ("series", "x", "x_sub")


def relabel(chart: Chart, mapping: Mapping[str, str]) -> Chart:
    """The chart with names shown as ``mapping`` says (agencies' English labels in the English
    view), everywhere they are drawn: its table, its scales' domains and sort orders; a legend
    whose entries change is laid out again for the new labels' widths. Colours stay with their
    entries, since the domain and its range are relabelled together."""
    mapping = {k: v for k, v in mapping.items() if k != v}
    if not mapping or chart.library != "vega-lite":
        return chart

    def walk(node: object) -> object:
        if isinstance(node, str):
            return mapping.get(node, node)
        if isinstance(node, list):
            return [walk(v) for v in node]
        if isinstance(node, dict):
            out = {k: walk(v) for k, v in node.items()}
            domain = (out.get("scale") or {}).get("domain") if isinstance(out.get("scale"), dict) else None
            if isinstance(out.get("legend"), dict) and isinstance(domain, list) and \
                    domain != (node.get("scale") or {}).get("domain"):
                out["legend"] = {**out["legend"], **_legend(out["legend"].get("title"), domain)}
            return out
        return node

    data = chart.data.copy()
    for col in NAME_COLUMNS:
        if col in data.columns:
            data[col] = data[col].map(lambda v: mapping.get(v, v) if isinstance(v, str) else v)
    spec = walk(chart.spec)
    if isinstance(spec, dict) and "facet" in spec:  # the panel labels' lines for the new names
        spec = _fit_panel_labels(spec, data)
    return Chart(spec, data, chart.library)  # type: ignore[arg-type]


#: plot-area height (the legend and axes are added to it); the agency profile uses a quarter page
HEIGHT = 300
#: dash patterns of the series a ``dash`` column splits a line into (solid first)
DASHES: tuple[list[int], ...] = ([1, 0], [6, 4], [2, 3], [8, 3, 2, 3], [12, 4])
MEDIAN_COLOR = "#555555"
#: the band is drawn opaque under the lines (a translucent band would fade every legend symbol)
IQR_COLOR = "#dcdcdc"


def value_text(value: object, unit: str, lang: str = "zh") -> str:
    """A value as a tooltip shows it, with its unit: ``1,234 件`` / ``12.5%`` / ``—`` when blank."""
    if value is None or pd.isna(value):
        return "—"
    u = unit_label(unit, lang)
    return f"{float(value):{_fmt(unit)}}{'' if u == '%' else ' '}{u}"


def _plain_text(value: object) -> str:
    """An extra tooltip value as it is (counts without decimals, text unchanged, ``—`` when blank)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    if isinstance(value, (int, float)):
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return str(value)


def _year_domain(years: Iterable[object]) -> list[str]:
    """Every year from the first to the last drawn: a year nobody reported stays visible as a gap."""
    ys = sorted({int(y) for y in years if y is not None and not pd.isna(y)})
    return [str(y) for y in range(ys[0], ys[-1] + 1)] if ys else []


def _with_gaps(records: list[dict], keep: Sequence[str]) -> list[dict]:
    """Insert an empty point where a line skips a year, so the line breaks there.

    A line drawn straight from 2008 to 2016 reads as eight years of values that were never
    reported; a break shows the gap. ``records`` are one line's rows sorted by ``year``; the
    inserted row keeps only the ``keep`` fields (its series)."""
    out: list[dict] = []
    prev: int | None = None
    for rec in records:
        yr = int(rec["year"])
        if prev is not None and yr > prev + 1:
            out.append({**{k: rec[k] for k in keep}, "year": prev + 1, "y": None})
        out.append(rec)
        prev = yr
    return out


#: the width a legend may take: the main column at 1400 px, less the y axis
LEGEND_WIDTH = 820


def _text_px(text: str) -> int:
    """About how wide a legend label is drawn (11 px type: CJK 11 px, Latin 6 px a character)."""
    return sum(11 if ord(c) > 0x2E80 else 6 for c in text)


def _legend(title: str | None, labels: Sequence[str]) -> dict:
    """Below the plot, every entry shown (Vega drops entries past 30 by default), in as many
    columns as fit the width with the longest label whole (Vega does not wrap a legend to the
    chart's width: four columns of long outcome names ran off the right edge)."""
    n = len(labels)
    widest = min(max((_text_px(str(s)) for s in labels), default=60), LEGEND_WIDTH - 30)
    columns = max(1, min(n, 4, LEGEND_WIDTH // (widest + 30)))
    return {"title": title, "orient": "bottom", "columns": columns,
            "labelLimit": LEGEND_WIDTH // columns - 30, "symbolLimit": max(n, 1), "symbolOpacity": 1}


def _color(domain: Sequence[str], colours: Sequence[str], title: str | None) -> dict:
    return {"field": "series", "type": "nominal", "sort": list(domain),
            "scale": {"domain": list(domain), "range": list(colours)},
            "legend": _legend(title, domain)}


def _x_years(lang: str, domain: Sequence[str]) -> dict:
    """Years are categories (a numeric axis prints 2,022.5), all of them, in order."""
    return {"field": "x", "type": "ordinal", "sort": list(domain), "scale": {"domain": list(domain)},
            "axis": {"title": tr("an_year_axis", lang), "labelAngle": 0}}


def _y(
    title: str, *, percent: bool = False, field: str = "y", zero: bool = True,
    values: Iterable[object] | None = None,
) -> dict:
    axis: dict = {"title": title, "format": ",~f"}
    if percent:
        axis["labelExpr"] = "datum.label + '%'"
    scale: dict = {"zero": zero}
    drawn = [v for v in (values if values is not None else ()) if v is not None and not pd.isna(v)]
    if drawn and all(v == 0 for v in drawn):
        # all zero (a 0 % correction rate every year): Vega would make the axis the single
        # value 0 and draw the line in the middle of an unlabeled plot
        scale["domain"] = [0, 1]
    return {"field": field, "type": "quantitative", "axis": axis, "scale": scale}


def _tip(field: str, title: str) -> dict:
    return {"field": field, "type": "nominal", "title": title}


# the ``extra_hover`` columns of a chart: ``extra_0, extra_1 …`` in its table, each shown in the
# tooltip under its label


def _extra_columns(extra: Mapping[str, str]) -> list[str]:
    return [f"extra_{i}" for i in range(len(extra))]


def _extra_cells(rec: Mapping[str, object], extra: Mapping[str, str]) -> dict[str, str]:
    return {f"extra_{i}": _plain_text(rec[col]) for i, col in enumerate(extra)}


def _extra_tips(extra: Mapping[str, str]) -> list[dict]:
    return [_tip(f"extra_{i}", label) for i, label in enumerate(extra.values())]


def _spec(title: str | None, height: int | None, **body: object) -> dict:
    # the width fits the page; the height is the plot's own, legend and axes added below it
    # (fitting both would squeeze the plot of a chart with a long legend to a strip)
    spec: dict = {"height": height or HEIGHT, "autosize": {"type": "fit-x", "contains": "padding"},
                  **body}
    if title:
        spec["title"] = {"text": title, "anchor": "start"}
    return spec


def _frame(rows: list[dict], columns: Sequence[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(columns))
    if "year" in frame.columns:
        frame["x"] = frame["year"].map(lambda v: str(int(v)))
        frame = frame.drop(columns=["year"])
    return frame


# --------------------------------------------------------------------------------------------
# lines over years


def _line_rows(
    df: pd.DataFrame, *, unit: str, lang: str, y: str, color: str, dash: str | None,
    dash_labels: Mapping[str, str] | None, extra: Mapping[str, str], order: Sequence[str] | None,
) -> list[dict]:
    rows: list[dict] = []
    dash_keys = list(pd.unique(df[dash])) if dash and not df.empty else [None]
    names = [str(n) for n in (order or sorted(df[color].astype(str).unique()))] if not df.empty else []
    for d_key in dash_keys:
        part = df if d_key is None else df[df[dash] == d_key]
        d_label = None if d_key is None else str((dash_labels or {}).get(d_key, d_key))
        groups = {str(k): g for k, g in part.groupby(color, sort=True)}
        for name in names:
            g = groups.get(name)
            if g is None:
                continue
            label = name if d_label is None else f"{name} · {d_label}"
            recs = []
            for rec in g.sort_values("year").to_dict("records"):
                out = {"series": label, "agency": name, "dash": d_label, "year": rec["year"],
                       "y": None if pd.isna(rec[y]) else float(rec[y]),
                       "y_text": value_text(rec[y], unit, lang), **_extra_cells(rec, extra)}
                recs.append(out)
            rows += _with_gaps(recs, ("series", "agency", "dash"))
    return rows


def _line_layer(
    rows: pd.DataFrame, *, lang: str, years: Sequence[str], y_title: str, value_title: str,
    palette: Mapping[str, str], legend_title: str | None, extra: Mapping[str, str],
    percent: bool, zero: bool, dashed: bool, extra_domain: Sequence[tuple[str, str]] = (),
    y_values: Iterable[object] | None = None,
) -> dict:
    """The lines' layer; ``y_values`` are every value on the (shared) y axis, by default the
    lines' own."""
    if y_values is None and not rows.empty:
        y_values = rows["y"]
    labels = list(pd.unique(rows["series"])) if not rows.empty else []
    agency_of = dict(zip(rows["series"], rows["agency"])) if not rows.empty else {}
    domain = [*labels, *(k for k, _ in extra_domain)]
    colours = [palette.get(agency_of[s], IQR_COLOR) for s in labels] + [c for _, c in extra_domain]
    enc: dict = {
        "x": _x_years(lang, years),
        "y": _y(y_title, percent=percent, zero=zero, values=y_values),
        "color": _color(domain, colours, legend_title),
        "tooltip": [_tip("series", legend_title or tr("an_agency", lang)),
                    _tip("x", tr("an_year_axis", lang)), _tip("y_text", value_title),
                    *_extra_tips(extra)],
    }
    if dashed:
        dash_keys = [d for d in pd.unique(rows["dash"]) if d is not None]
        enc["strokeDash"] = {"field": "dash", "type": "nominal", "sort": dash_keys,
                             "scale": {"domain": dash_keys,
                                       "range": [DASHES[i % len(DASHES)] for i in range(len(dash_keys))]},
                             # above the plot, drawn as the dashes themselves
                             "legend": {"title": None, "orient": "top", "symbolType": "stroke",
                                        "symbolStrokeWidth": 2, "symbolSize": 400,
                                        "symbolStrokeColor": "#555555"}}
    return {"mark": {"type": "line", "point": {"filled": True, "size": 45}, "strokeWidth": 2},
            "encoding": enc}


def line_chart(
    df: pd.DataFrame,
    *,
    unit: str,
    lang: str = "zh",
    title: str | None = None,
    y_label: str = "",
    y: str = "value",
    color: str = "agency",
    dash: str | None = None,
    dash_labels: Mapping[str, str] | None = None,
    colors: Mapping[str, str] | None = None,
    extra_hover: Mapping[str, str] | None = None,
    order: Sequence[str] | None = None,
    legend_title: str | None = None,
    y_title: str | None = None,
    percent: bool = False,
    zero: bool = True,
    height: int | None = None,
) -> Chart:
    """One line per ``color`` value (agency, sorted, or in ``order``) over years; an optional
    ``dash`` column splits a line per series (e.g. contracted vs actual investment), drawn
    solid/dashed. ``extra_hover`` maps a column to its tooltip label (values shown as they are).
    ``percent`` marks the axis in %; ``zero`` keeps 0 on the axis.
    """
    extra = dict(extra_hover or {})
    rows = _frame(
        _line_rows(df, unit=unit, lang=lang, y=y, color=color, dash=dash, dash_labels=dash_labels,
                   extra=extra, order=order),
        ["series", "agency", "dash", "year", "y", "y_text", *_extra_columns(extra)],
    )
    palette = colors_for(df[color].astype(str).unique().tolist() if not df.empty else [], colors)
    layer = _line_layer(
        rows, lang=lang, years=_year_domain(rows["x"]) if not rows.empty else [],
        y_title=y_title or (axis_title(y_label, unit, lang) if y_label else unit_label(unit, lang)),
        value_title=y_label or tr("an_count", lang), palette=palette,
        legend_title=legend_title if legend_title is not None else tr("an_agency", lang),
        extra=extra, percent=percent or unit == "%", zero=zero, dashed=dash is not None,
    )
    return Chart(_spec(title, height, **layer), rows)


def band_chart(
    series: pd.DataFrame,
    band: pd.DataFrame,
    *,
    unit: str,
    lang: str = "zh",
    title: str | None = None,
    y_label: str = "",
    colors: Mapping[str, str] | None = None,
) -> Chart:
    """Agency lines over years on top of the peer group's interquartile band and median line.

    ``series``: agency, year, value (+ yoy_pct shown in the tooltip); ``band``: year, agencies,
    q25, median, q75. The median's rows are the series ``同组中位数`` with ``q25``/``q75``.
    """
    median, iqr = tr("an_peer_median", lang), tr("an_peer_iqr", lang)
    extra = {}
    if "yoy_pct" in series.columns:
        series = series.assign(yoy_text=yoy_text(series["yoy_pct"]))
        extra = {"yoy_text": tr("an_yoy", lang)}
    lines = _line_rows(series, unit=unit, lang=lang, y="value", color="agency", dash=None,
                       dash_labels=None, extra=extra, order=None)
    peer = _with_gaps([
        {"series": median, "agency": median, "dash": None, "year": r["year"], "y": float(r["median"]),
         "y_text": value_text(r["median"], unit, lang), "q25": float(r["q25"]), "q75": float(r["q75"]),
         "q25_text": value_text(r["q25"], unit, lang), "q75_text": value_text(r["q75"], unit, lang),
         "n_text": f"{int(r['agencies'])} {tr('an_peer_n', lang)}"}
        for r in (band.sort_values("year").to_dict("records") if not band.empty else [])
    ], ("series", "agency", "dash"))  # the band and median break where no peer reported
    cols = ["series", "agency", "dash", "year", "y", "y_text", *_extra_columns(extra),
            "q25", "q75", "q25_text", "q75_text", "n_text"]
    rows = _frame(peer + lines, cols)
    years = _year_domain(rows["x"]) if not rows.empty else []
    y_title = axis_title(y_label, unit, lang) if y_label else unit_label(unit, lang)
    agencies = rows[rows["series"] != median] if not rows.empty else rows
    palette = colors_for(agencies["agency"].unique().tolist() if not agencies.empty else [], colors)
    line = _line_layer(
        agencies, lang=lang, years=years, y_title=y_title, value_title=y_label or tr("an_count", lang),
        palette=palette, legend_title=tr("an_agency", lang), extra=extra, percent=unit == "%",
        zero=True, dashed=False,
        extra_domain=((median, MEDIAN_COLOR), (iqr, IQR_COLOR)) if peer else (),
        # the layers share one y scale: judge an all-zero axis on the band as well as the lines
        y_values=[*rows["y"], *rows["q25"], *rows["q75"]] if not rows.empty else None,
    )
    line["transform"] = [{"filter": {"not": {"field": "series", "equal": median}}}]
    layers = [line]
    if peer:
        only_peer = [{"filter": {"field": "series", "equal": median}}]
        x = _x_years(lang, years)
        layers = [
            {"transform": only_peer, "mark": {"type": "area"},
             "encoding": {"x": x, "y": {**_y(y_title), "field": "q25"}, "y2": {"field": "q75"},
                          "color": {"datum": iqr}}},
            {"transform": only_peer,
             "mark": {"type": "line", "strokeDash": [6, 4], "point": {"filled": True, "size": 35}},
             "encoding": {"x": x, "y": _y(y_title), "color": {"datum": median},
                          "tooltip": [_tip("series", tr("an_agency", lang)),
                                      _tip("x", tr("an_year_axis", lang)),
                                      _tip("y_text", median), _tip("q25_text", tr("an_q25", lang)),
                                      _tip("q75_text", tr("an_q75", lang)),
                                      _tip("n_text", tr("an_peer_n", lang))]}},
            line,
        ]
    return Chart(_spec(title, None, layer=layers), rows)


def yoy_text(values: pd.Series) -> pd.Series:
    """Tooltip text for a year-on-year change: ``+12.5%`` / ``−3.0%`` / ``—`` when unknown."""
    return values.map(lambda v: "—" if pd.isna(v) else f"{v:+.1f}%")


def _bars(
    rows: pd.DataFrame, *, x: dict, y: dict, domain: Sequence[str], colours: Sequence[str],
    legend_title: str | None, tooltip: list[dict], offset: bool, zero_rule: bool = False,
) -> dict:
    enc: dict = {"x": x, "y": y, "color": _color(domain, colours, legend_title), "tooltip": tooltip}
    if offset:
        enc["xOffset"] = {"field": "series", "type": "nominal", "sort": list(domain)}
    bar = {"mark": {"type": "bar"}, "encoding": enc}
    if not zero_rule:
        return bar
    rule = {"mark": {"type": "rule", "color": "#666666"}, "encoding": {"y": {"datum": 0}}}
    return {"layer": [bar, rule]}


def yoy_chart(
    df: pd.DataFrame,
    *,
    lang: str = "zh",
    title: str | None = None,
    y: str = "yoy_pct",
    colors: Mapping[str, str] | None = None,
    value_unit: str | None = None,
) -> Chart:
    """Grouped bars of year-on-year change (%) per agency and year; rows without a change are
    left out. With ``value_unit`` the tooltip also shows the year's value in that unit."""
    data = df.dropna(subset=[y]) if not df.empty else df
    names = sorted(data["agency"].astype(str).unique()) if not data.empty else []
    palette = colors_for(names, colors)
    rows = _frame([
        {"series": str(r["agency"]), "year": r["year"], "y": float(r[y]),
         "y_text": f"{float(r[y]):+.1f}%",
         "value_text": value_text(r.get("value"), value_unit, lang) if value_unit else None}
        for r in (data.sort_values(["agency", "year"]).to_dict("records") if not data.empty else [])
    ], ["series", "year", "y", "y_text", "value_text"])
    tooltip = [_tip("series", tr("an_agency", lang)), _tip("x", tr("an_year_axis", lang)),
               _tip("y_text", tr("an_yoy", lang))]
    if value_unit:
        tooltip.append(_tip("value_text", tr("an_count", lang)))
    body = _bars(rows, x=_x_years(lang, _year_domain(rows["x"]) if not rows.empty else []),
                 y=_y(tr("an_yoy_axis", lang), percent=True), domain=names,
                 colours=[palette[n] for n in names], legend_title=tr("an_agency", lang),
                 tooltip=tooltip, offset=True, zero_rule=True)
    return Chart(_spec(title, None, **body), rows)


# --------------------------------------------------------------------------------------------
# stacked bars


def stacked_bar_chart(
    df: pd.DataFrame,
    *,
    x: str | Sequence[str],
    part: str,
    value: str = "count",
    share: str | None = "share_pct",
    unit: str = "件",
    lang: str = "zh",
    title: str | None = None,
    part_order: Sequence[str] | None = None,
    part_colors: Mapping[str, str] | None = None,
    normalise: bool = True,
    legend_title: str | None = None,
) -> Chart:
    """Stacked bars: one bar per ``x`` (a column; or two columns, agency then year: one panel
    per agency with its years in order), one segment per ``part``. ``normalise`` stacks
    ``share`` to 100 %; the tooltip shows the count with its unit and the share.

    Rows: ``series`` (the part), ``x`` (first column), ``x_sub`` (the year when two), ``y``
    (what is stacked), ``order`` (the part's place in the stack).
    """
    xs_cols = [x] if isinstance(x, str) else list(x)
    parts = [str(p) for p in (part_order or (pd.unique(df[part]) if not df.empty else []))]
    present = set(df[part].astype(str)) if not df.empty else set()
    parts = [p for p in parts if p in present]
    colours = dict(part_colors or {}) or _part_palette(parts)
    stacked = bool(normalise and share)
    rank = {p: i for i, p in enumerate(parts)}

    def _label(col: str, v: object) -> str:
        return str(int(v)) if col == "year" else str(v)

    rows = []
    if not df.empty:
        cols = [*xs_cols, part, value, share or value]
        for rec in df[cols].itertuples(index=False, name=None):
            *key, p, count, sh = rec
            if str(p) not in rank:
                continue
            row = {"series": str(p), "x": _label(xs_cols[0], key[0]),
                   "x_sub": _label(xs_cols[1], key[1]) if len(xs_cols) > 1 else None,
                   "y": sh if stacked else count, "order": rank[str(p)],
                   "count_text": value_text(count, unit, lang),
                   "share_text": "—" if sh is None or pd.isna(sh) or not share else f"{float(sh):.1f}%",
                   "_key": tuple(key)}
            rows.append(row)
    rows.sort(key=lambda r: (r["_key"], r["order"]))
    frame = pd.DataFrame(rows, columns=["series", "x", "x_sub", "y", "order", "count_text",
                                        "share_text", "_key"]).drop(columns=["_key"])
    x_title = {c: tr("an_year_axis", lang) if c == "year" else tr("an_agency", lang) for c in xs_cols}
    firsts = list(dict.fromkeys(frame["x"])) if not frame.empty else []
    # every tooltip field under its own title: Vega-Lite shows only the first of two alike
    tooltip = [_tip("series", legend_title or i18n.t("breakdown", lang)), _tip("x", x_title[xs_cols[0]])]
    if len(xs_cols) > 1:
        tooltip.append(_tip("x_sub", x_title[xs_cols[1]]))
    tooltip.append(_tip("count_text", tr("an_count", lang)))
    if share:
        tooltip.append(_tip("share_text", tr("an_share", lang)))
    y_enc = _y(tr("an_share_axis", lang) if stacked else axis_title(tr("an_count", lang), unit, lang),
               percent=stacked)
    y_enc["stack"] = "zero"
    if stacked:
        y_enc["scale"] = {"domain": [0, 100]}
    enc = {"y": y_enc, "color": _color(parts, [colours.get(p, IQR_COLOR) for p in parts], legend_title),
           "order": {"field": "order", "type": "quantitative"}, "tooltip": tooltip}
    angle = 0 if xs_cols[0] == "year" else -40
    if len(xs_cols) == 1:
        enc["x"] = {"field": "x", "type": "ordinal" if xs_cols[0] == "year" else "nominal",
                    "sort": firsts, "axis": {"title": x_title[xs_cols[0]], "labelAngle": angle,
                                             "labelLimit": 160, "labelOverlap": False}}
        return Chart(_spec(title, None, mark={"type": "bar"}, encoding=enc), frame)
    # one panel per agency, its years in order: the bars of one agency stay together and each
    # year is labelled (a bar per agency-year on one axis read as 170 unlabeled stripes)
    # the panels fit the page's main column at 1400 px (about 820 px besides the y axis and
    # the gaps between panels); past that many bars they get as thin as 4 px, then scroll
    n_bars = max(1, len(frame.drop_duplicates(["x", "x_sub"])))
    room = 820 - 6 * len(firsts)
    step = max(4, min(28, room // n_bars))
    enc["x"] = {"field": "x_sub", "type": "ordinal", "sort": sorted(set(frame["x_sub"].dropna())),
                "axis": {"title": None, "labelAngle": -90 if step < 24 else 0}}
    inner = {"width": {"step": step}, "height": HEIGHT, "mark": {"type": "bar"}, "encoding": enc}
    spec: dict = {
        "facet": {"column": {"field": "x", "type": "nominal", "sort": firsts,
                             "header": {"title": " / ".join(x_title[c] for c in xs_cols),
                                        "titleOrient": "bottom", "labelOrient": "bottom"}}},
        "spec": inner, "spacing": 6, "resolve": {"scale": {"x": "independent"}},
    }
    if title:
        spec["title"] = {"text": title, "anchor": "start"}
    return Chart(_fit_panel_labels(spec, frame), frame)


#: panel labels: font size, line height and at most this many lines
_PANEL_FONT, _PANEL_LINE, _PANEL_LINES = 11, 13, 4


def _wrap_label(text: str, width: float) -> list[str]:
    """``text`` in lines that fit ``width`` px at the panel font: words kept whole where they
    fit (English labels), CJK broken between characters; the last line cut with an ellipsis."""
    def w(s: str) -> float:
        return sum(_PANEL_FONT if ord(c) > 0x2E80 else _PANEL_FONT * 0.56 for c in s)

    tokens = re.findall(r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+\s*|\s+", text)
    lines: list[str] = []
    cur = ""
    for tok in tokens:
        if cur and w(cur + tok.rstrip()) > width:
            lines.append(cur.rstrip())
            cur = tok.lstrip()
        else:
            cur += tok
    if cur.strip():
        lines.append(cur.rstrip())
    if len(lines) > _PANEL_LINES:
        lines = lines[:_PANEL_LINES]
        lines[-1] = lines[-1].rstrip() + "…"
    return lines or [text]


def _fit_panel_labels(spec: dict, frame: pd.DataFrame) -> dict:
    """A panel chart's panel labels horizontal and wrapped to each panel's width (an angled
    label of a long English agency name was cut after 20 letters): the lines of each label
    are written into the header's label expression."""
    header = spec.get("facet", {}).get("column", {}).get("header")
    if header is None:
        return spec
    step = spec.get("spec", {}).get("width", {}).get("step", 20)
    bars = frame.drop_duplicates(["x", "x_sub"]).groupby("x").size() if not frame.empty else pd.Series(dtype=int)
    expr = "datum.value"
    for name in reversed(spec["facet"]["column"].get("sort") or []):
        lines = _wrap_label(str(name), max(step * int(bars.get(name, 1)), 40))
        expr = f"datum.value === {json.dumps(name, ensure_ascii=False)} ? " \
               f"{json.dumps(lines, ensure_ascii=False)} : ({expr})"
    header.update({"labelAngle": 0, "labelAlign": "center", "labelBaseline": "top",
                   "labelFontSize": _PANEL_FONT, "labelLineHeight": _PANEL_LINE, "labelLimit": 0,
                   "labelExpr": expr})
    return spec


def share_trend_chart(
    df: pd.DataFrame,
    *,
    part: str = "category",
    lang: str = "zh",
    title: str | None = None,
    unit: str = "件",
    part_colors: Mapping[str, str] | None = None,
) -> Chart:
    """Lines of each part's share (%) over years, counts in the tooltip (``year, part, count,
    share_pct``); parts in the order they come."""
    parts = [str(p) for p in pd.unique(df[part])] if not df.empty else []
    data = df.assign(count_text=[value_text(c, unit, lang) for c in df["count"]]) if not df.empty else df
    return line_chart(
        data if not df.empty else df.assign(count_text=[]), unit="%", lang=lang, title=title,
        y="share_pct", color=part, colors=dict(part_colors or {}) or _part_palette(parts),
        extra_hover={"count_text": tr("an_count", lang)}, order=parts, y_label=tr("an_share", lang),
        legend_title=i18n.t("breakdown", lang), y_title=tr("an_share_axis", lang), percent=True,
    )


def grouped_bar_chart(
    df: pd.DataFrame,
    *,
    group: str,
    value: str = "value",
    unit: str = "件",
    lang: str = "zh",
    title: str | None = None,
    y_label: str = "",
    group_order: Sequence[str] | None = None,
    extra_hover: Mapping[str, str] | None = None,
    stacked: bool = False,
) -> Chart:
    """Bars per year, one bar per ``group`` value side by side (e.g. received / concluded), or
    stacked into one bar per year."""
    groups = [str(g) for g in (group_order or (pd.unique(df[group]) if not df.empty else []))]
    present = set(df[group].astype(str)) if not df.empty else set()
    groups = [g for g in groups if g in present]
    extra = dict(extra_hover or {})
    rows = []
    for rec in (df.sort_values("year").to_dict("records") if not df.empty else []):
        if str(rec[group]) not in groups:
            continue
        row = {"series": str(rec[group]), "year": rec["year"], "y": float(rec[value]),
               "y_text": value_text(rec[value], unit, lang), "order": groups.index(str(rec[group])),
               **_extra_cells(rec, extra)}
        rows.append(row)
    frame = _frame(rows, ["series", "year", "y", "y_text", "order",
                          *_extra_columns(extra)])
    palette = _part_palette(groups)
    tooltip = [_tip("series", i18n.t("breakdown", lang)), _tip("x", tr("an_year_axis", lang)),
               _tip("y_text", y_label or tr("an_count", lang)),
               *_extra_tips(extra)]
    y_enc = _y(axis_title(y_label, unit, lang) if y_label else unit_label(unit, lang),
               values=frame["y"] if not frame.empty else None)
    if stacked:
        y_enc["stack"] = "zero"
    body = _bars(frame, x=_x_years(lang, _year_domain(frame["x"]) if not frame.empty else []),
                 y=y_enc, domain=groups, colours=[palette[g] for g in groups], legend_title=None,
                 tooltip=tooltip, offset=not stacked)
    if stacked:
        body["encoding"]["order"] = {"field": "order", "type": "quantitative"}
    return Chart(_spec(title, None, **body), frame)


# --------------------------------------------------------------------------------------------
# flow


def sankey_chart(
    links: pd.DataFrame,
    *,
    node_label: Callable[[str], str],
    lang: str = "zh",
    title: str | None = None,
    unit: str = "件",
    node_colors: Mapping[str, str] | None = None,
) -> Chart:
    """A Sankey of ``source → target`` links (``value`` in ``unit``), drawn by ECharts (Vega-Lite
    has no Sankey); node keys are labelled with ``node_label`` (made unique: ECharts joins
    nodes by name). The tooltip shows each flow and node with its unit."""
    keys: list[str] = []
    for s, t_ in zip(links["source"], links["target"]):
        for k in (s, t_):
            if k not in keys:
                keys.append(k)
    names: dict[str, str] = {}
    for k in keys:
        name = node_label(k)
        names[k] = name if name not in names.values() else f"{name} ({k})"
    u = unit_label(unit, lang)
    sep = "" if u == "%" else " "
    option: dict = {
        "animation": False,  # drawn at once, as the Vega-Lite charts are
        "tooltip": {"trigger": "item"},
        "series": [{
            "type": "sankey", "top": 48 if title else 12, "bottom": 12, "left": 8, "right": 240,
            "nodeGap": 14, "nodeWidth": 16, "emphasis": {"focus": "adjacency"},
            "lineStyle": {"color": "source", "opacity": 0.35},
            "label": {"fontSize": 12, "overflow": "truncate", "width": 230},
            "tooltip": {"formatter": "{b}<br/>{c}" + sep + u},
            "data": [{"name": names[k], "itemStyle": {"color": (node_colors or {}).get(k, "#8c8c8c")}}
                     for k in keys],
            "links": [{"source": names[s], "target": names[t_], "value": float(v)}
                      for s, t_, v in zip(links["source"], links["target"], links["value"])],
        }],
    }
    if title:
        option["title"] = {"text": title, "left": 0, "textStyle": {"fontSize": 14}}
    # what a screen reader says, in the view's language (ECharts' own text is English, with
    # "NaN" for every node)
    flows = [f"{names[s]} → {names[t_]} {value_text(v, unit, lang)}"
             for s, t_, v in zip(links["source"], links["target"], links["value"])]
    sep_ = "；" if lang == "zh" else "; "
    option["aria"] = {"enabled": True, "label": {"description": (f"{title}{'：' if lang == 'zh' else ': '}"
                                                                 if title else "") + sep_.join(flows)}}
    data = pd.DataFrame({"source": [names[s] for s in links["source"]],
                         "target": [names[t_] for t_ in links["target"]],
                         "value": links["value"].astype(float).tolist()})
    return Chart(option, data, library="echarts")


# --------------------------------------------------------------------------------------------
# colours of parts

OUTCOME_GROUP_COLORS: dict[str, str] = {
    "granted": "#2ca02c",
    "partially_granted": "#8fd175",
    "denied": "#d62728",
    "unable": "#ff7f0e",
    "rejected": "#9467bd",
    "other": "#7f7f7f",
}

APPEAL_PART_COLORS: dict[str, str] = {
    "upheld": "#2ca02c", "corrected": "#d62728", "other": "#7f7f7f", "pending": "#bcbd22",
}


def shade(hex_colour: str, i: int, n: int) -> str:
    """The ``i``-th of ``n`` shades of a colour (0 = the colour itself, later ones lighter),
    so the reasons of one outcome group read as one family."""
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[k:k + 2], 16) for k in (0, 2, 4))
    f = 0.0 if n <= 1 else 0.6 * i / (n - 1)
    mix = [round(c + (255 - c) * f) for c in (r, g, b)]
    return "#" + "".join(f"{c:02x}" for c in mix)


def outcome_colors(outcomes: Sequence[str], group_of: Mapping[str, str]) -> dict[str, str]:
    """Colour per outcome key: its group's colour, shaded per reason within the group."""
    by_group: dict[str, list[str]] = {}
    for o in outcomes:
        by_group.setdefault(group_of.get(o, "other"), []).append(o)
    out: dict[str, str] = {}
    for grp, items in by_group.items():
        base = OUTCOME_GROUP_COLORS.get(grp, "#7f7f7f")
        for i, o in enumerate(items):
            out[o] = shade(base, i, len(items))
    return out
