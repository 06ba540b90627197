"""DataFrame → plotly Figure for the analysis pages (no Streamlit, no database).

Why a separate module: the chart rules hold for every chart and are easy to get wrong one page
at a time — years are categories (a numeric axis prints 2,022.5), every hover value carries its
unit (件, 家, 万元, 万美元, %), axis titles name the unit, and an agency keeps one colour on every
page (``etl.present.i18n.agency_colors``: derived from the name, so the same on every page and run).
Builders take the exact DataFrame the page offers for download, so what is drawn is what is
downloaded.

Also holds the UI strings of the analysis pages (registered with ``etl.present.i18n``), so charts and
pages share one bilingual vocabulary.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Callable, Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

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


def _value_text(placeholder: str, unit: str, lang: str) -> str:
    """``%{y:,.0f} 件`` — hover value with its unit (no space before %)."""
    u = unit_label(unit, lang)
    sep = "" if u == "%" else " "
    return f"%{{{placeholder}:{_fmt(unit)}}}{sep}{u}"


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


def _years(s: pd.Series) -> list[str]:
    return [str(int(y)) for y in s]


def _break_gaps(
    years: Sequence[int], ys: Sequence[object], custom: Sequence[Sequence[object]] | None = None
) -> tuple[list[str], list[object], list[list[object]] | None]:
    """Insert an empty point where a line skips a year, so plotly breaks the line there.

    A line drawn straight from 2008 to 2016 reads as eight years of values that were never
    reported; a break shows the gap. Returns (x as year strings, y, customdata).
    """
    xs: list[str] = []
    out_y: list[object] = []
    out_c: list[list[object]] | None = [] if custom is not None else None
    width = len(custom[0]) if custom is not None and len(custom) else 0
    prev: int | None = None
    for i, (yr, val) in enumerate(zip(years, ys)):
        yr = int(yr)
        if prev is not None and yr > prev + 1:
            xs.append(str(prev + 1))
            out_y.append(None)
            if out_c is not None:
                out_c.append([None] * width)
        xs.append(str(yr))
        out_y.append(val)
        if out_c is not None and custom is not None:
            out_c.append(list(custom[i]))
        prev = yr
    return xs, out_y, out_c


def _year_axis(fig: go.Figure, lang: str, values: Sequence[str] | None = None) -> None:
    kw: dict = {"type": "category", "title_text": tr("an_year_axis", lang)}
    if values is not None:
        kw["categoryorder"] = "array"
        kw["categoryarray"] = sorted(set(values))
    fig.update_xaxes(**kw)


def _legend_height(fig: go.Figure) -> int | None:
    """A figure tall enough for its legend: with more entries than fit the default 450 px the
    legend got a scroll bar and its last agencies were cut off."""
    n = sum(1 for tr_ in fig.data if tr_.showlegend is not False and getattr(tr_, "name", None))
    need = 22 * n + 220  # legend rows + room for rotated agency names under the plot
    return need if need > 450 else None


def _layout(fig: go.Figure, title: str | None, y_title: str, legend_title: str | None = None) -> go.Figure:
    height = _legend_height(fig)
    if height is not None:
        fig.update_layout(height=min(height, 1200))
    fig.update_layout(
        title=title,
        yaxis_title=y_title,
        legend_title_text=legend_title,
        hovermode="closest",
        margin={"l": 60, "r": 20, "t": 60 if title else 30, "b": 50},
        hoverlabel={"namelength": -1},
    )
    return fig


def _part_palette(keys: Sequence[str]) -> dict[str, str]:
    return {k: i18n.PALETTE[i % len(i18n.PALETTE)] for i, k in enumerate(keys)}


# --------------------------------------------------------------------------------------------
# lines over years


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
) -> go.Figure:
    """One line per ``color`` value (agency) over years; optional ``dash`` column splits a line
    per series (e.g. contracted vs actual investment) drawn dashed/solid.

    ``extra_hover`` maps a column to its hover label (values shown as they are, e.g. yoy).
    """
    fig = go.Figure()
    palette = colors_for(df[color].unique().tolist() if not df.empty else [], colors)
    dashes = ["solid", "dash", "dot", "dashdot", "longdash"]
    dash_keys = list(pd.unique(df[dash])) if dash and not df.empty else [None]
    extra = dict(extra_hover or {})
    seen_years: list[str] = []
    for d_i, d_key in enumerate(dash_keys):
        part = df if d_key is None else df[df[dash] == d_key]
        for name, g in part.groupby(color, sort=True):
            g = g.sort_values("year")
            label = str(name)
            if d_key is not None:
                label = f"{name} · {(dash_labels or {}).get(d_key, d_key)}"
            hover = f"<b>{label}</b><br>{tr('an_year_axis', lang)} %{{x}}<br>" + _value_text("y", unit, lang)
            custom = None
            if extra:
                custom = g[list(extra)].to_numpy().tolist()
                for i, (col, lab) in enumerate(extra.items()):
                    hover += f"<br>{lab}: %{{customdata[{i}]}}"
            xs, ys, custom = _break_gaps(g["year"].tolist(), g[y].tolist(), custom)
            seen_years += xs
            fig.add_trace(
                go.Scatter(
                    x=xs, y=ys, mode="lines+markers", name=label,
                    line={"color": palette.get(str(name)), "dash": dashes[d_i % len(dashes)]},
                    marker={"color": palette.get(str(name))},
                    customdata=custom, hovertemplate=hover + "<extra></extra>",
                    legendgroup=str(name),
                )
            )
    _year_axis(fig, lang, seen_years)
    return _layout(fig, title, axis_title(y_label, unit, lang) if y_label else unit_label(unit, lang),
                   tr("an_agency", lang))


def band_chart(
    series: pd.DataFrame,
    band: pd.DataFrame,
    *,
    unit: str,
    lang: str = "zh",
    title: str | None = None,
    y_label: str = "",
    colors: Mapping[str, str] | None = None,
) -> go.Figure:
    """Agency lines over years on top of the peer group's interquartile band and median line.

    ``series``: agency, year, value (+ yoy_pct shown on hover); ``band``: year, agencies, q25,
    median, q75.
    """
    fig = go.Figure()
    if not band.empty:
        b = band.sort_values("year")
        xs = _years(b["year"])
        custom = b[["q25", "q75", "agencies"]].to_numpy()
        fig.add_trace(go.Scatter(
            x=xs, y=b["q75"].tolist(), mode="lines", line={"width": 0, "color": "rgba(120,120,120,0)"},
            name=tr("an_q75", lang), showlegend=False, hoverinfo="skip",
        ))
        fig.add_trace(go.Scatter(
            x=xs, y=b["q25"].tolist(), mode="lines", line={"width": 0, "color": "rgba(120,120,120,0)"},
            fill="tonexty", fillcolor="rgba(150,150,150,0.25)", name=tr("an_peer_iqr", lang),
            customdata=custom,
            hovertemplate=(
                f"<b>{tr('an_peer_iqr', lang)}</b><br>{tr('an_year_axis', lang)} %{{x}}<br>"
                f"{tr('an_q25', lang)}: " + _value_text("customdata[0]", unit, lang) + "<br>"
                f"{tr('an_q75', lang)}: " + _value_text("customdata[1]", unit, lang) + "<br>"
                f"%{{customdata[2]}} {tr('an_peer_n', lang)}<extra></extra>"
            ),
        ))
        fig.add_trace(go.Scatter(
            x=xs, y=b["median"].tolist(), mode="lines", name=tr("an_peer_median", lang),
            line={"color": "#555555", "dash": "dash", "width": 2},
            customdata=custom,
            hovertemplate=(
                f"<b>{tr('an_peer_median', lang)}</b><br>{tr('an_year_axis', lang)} %{{x}}<br>"
                + _value_text("y", unit, lang)
                + f"<br>%{{customdata[2]}} {tr('an_peer_n', lang)}<extra></extra>"
            ),
        ))
    extra = None
    if "yoy_pct" in series.columns:
        series = series.assign(yoy_text=yoy_text(series["yoy_pct"]))
        extra = {"yoy_text": tr("an_yoy", lang)}
    lines = line_chart(series, unit=unit, lang=lang, y_label=y_label, colors=colors, extra_hover=extra)
    for trace in lines.data:
        fig.add_trace(trace)
    # the lines' x include the empty points that break them at a missing year
    all_years = [str(x) for tr_ in lines.data for x in (tr_.x or ())] + (
        _years(band["year"]) if not band.empty else [])
    _year_axis(fig, lang, all_years)
    return _layout(fig, title, axis_title(y_label, unit, lang) if y_label else unit_label(unit, lang),
                   tr("an_agency", lang))


def yoy_text(values: pd.Series) -> pd.Series:
    """Hover text for a year-on-year change: ``+12.5%`` / ``−3.0%`` / ``—`` when unknown."""
    return values.map(lambda v: "—" if pd.isna(v) else f"{v:+.1f}%")


def yoy_chart(
    df: pd.DataFrame,
    *,
    lang: str = "zh",
    title: str | None = None,
    y: str = "yoy_pct",
    colors: Mapping[str, str] | None = None,
    value_unit: str | None = None,
) -> go.Figure:
    """Grouped bars of year-on-year change (%) per agency and year; rows without a change are
    left out. With ``value_unit`` the hover also shows the year's value in that unit."""
    fig = go.Figure()
    data = df.dropna(subset=[y]) if not df.empty else df
    palette = colors_for(data["agency"].unique().tolist() if not data.empty else [], colors)
    seen: list[str] = []
    for name, g in (data.groupby("agency", sort=True) if not data.empty else []):
        g = g.sort_values("year")
        xs = _years(g["year"])
        seen += xs
        hover = (f"<b>{name}</b><br>{tr('an_year_axis', lang)} %{{x}}<br>"
                 f"{tr('an_yoy', lang)}: %{{y:+.1f}}%")
        custom = None
        if value_unit and "value" in g.columns:
            custom = g[["value"]].to_numpy()
            hover += "<br>" + _value_text("customdata[0]", value_unit, lang)
        fig.add_trace(go.Bar(
            x=xs, y=g[y].tolist(), name=str(name), marker_color=palette.get(str(name)),
            customdata=custom, hovertemplate=hover + "<extra></extra>",
        ))
    fig.update_layout(barmode="group")
    fig.update_yaxes(ticksuffix="%", zeroline=True)
    _year_axis(fig, lang, seen)
    return _layout(fig, title, tr("an_yoy_axis", lang), tr("an_agency", lang))


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
) -> go.Figure:
    """Stacked bars: one bar per ``x`` (a column, or two columns → grouped agency/year axis),
    one segment per ``part``. ``normalise`` stacks ``share`` to 100 %; hover shows the count
    with its unit and the share.
    """
    fig = go.Figure()
    xs_cols = [x] if isinstance(x, str) else list(x)
    parts = list(part_order) if part_order else list(pd.unique(df[part])) if not df.empty else []
    colours = dict(part_colors or {}) or _part_palette(parts)
    # one pass over the rows (a filter per part would cost a pandas scan each)
    by_part: dict[object, dict[tuple, tuple]] = {}
    if not df.empty:
        cols = [*xs_cols, part, value, share or value]
        for row in df[cols].itertuples(index=False, name=None):
            *key, p, count, sh = row
            by_part.setdefault(p, {})[tuple(key)] = (count, sh)
    # a stable bar order: by the x columns as given (years ascending)
    bar_keys = sorted({k for d in by_part.values() for k in d})

    def _axis_values(rows: list[tuple]) -> list | list[list]:
        cols = [
            [str(int(v)) if xs_cols[i] == "year" else str(v) for v in col]
            for i, col in enumerate(zip(*rows))
        ]
        return cols[0] if len(xs_cols) == 1 else cols

    stacked = bool(normalise and share)
    for p in parts:
        by_key = by_part.get(p, {})
        if not by_key:
            continue
        # every trace lists every bar (None where the part is absent): plotly orders a
        # (multi)category axis by first appearance, so a first part missing some years
        # would otherwise push those years to the end of their agency's group
        rows = bar_keys
        counts = [by_key[k][0] if k in by_key else None for k in rows]
        shares = [by_key[k][1] if k in by_key else None for k in rows]
        hover = (f"<b>{p}</b><br>%{{x}}<br>{tr('an_count', lang)}: "
                 + _value_text("customdata[0]", unit, lang))
        if share:
            hover += f"<br>{tr('an_share', lang)}: %{{customdata[1]:.1f}}%"
        fig.add_trace(go.Bar(
            x=_axis_values(rows), y=shares if stacked else counts, name=str(p),
            marker_color=colours.get(p), customdata=list(zip(counts, shares)),
            hovertemplate=hover + "<extra></extra>",
        ))
    fig.update_layout(barmode="stack")
    if len(xs_cols) > 1:
        fig.update_xaxes(
            type="multicategory",
            title_text=" / ".join(
                tr("an_year_axis", lang) if c == "year" else tr("an_agency", lang) for c in xs_cols
            ),
        )
    else:
        x_title = tr("an_year_axis", lang) if xs_cols[0] == "year" else tr("an_agency", lang)
        fig.update_xaxes(type="category", title_text=x_title)
    if stacked:
        fig.update_yaxes(range=[0, 100], ticksuffix="%")
        y_title = tr("an_share_axis", lang)
    else:
        y_title = axis_title(tr("an_count", lang), unit, lang)
    return _layout(fig, title, y_title, legend_title)


def share_trend_chart(
    df: pd.DataFrame,
    *,
    part: str = "category",
    lang: str = "zh",
    title: str | None = None,
    unit: str = "件",
    part_colors: Mapping[str, str] | None = None,
) -> go.Figure:
    """Lines of each part's share (%) over years, counts on hover (``year, part, count,
    share_pct``)."""
    fig = go.Figure()
    parts = list(pd.unique(df[part])) if not df.empty else []
    colours = dict(part_colors or {}) or _part_palette(parts)
    seen: list[str] = []
    for p in parts:
        g = df[df[part] == p].sort_values("year")
        xs, ys, custom = _break_gaps(g["year"].tolist(), g["share_pct"].tolist(),
                                     g[["count"]].to_numpy().tolist())
        seen += xs
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="lines+markers", name=str(p),
            line={"color": colours.get(p)}, customdata=custom,
            hovertemplate=(
                f"<b>{p}</b><br>{tr('an_year_axis', lang)} %{{x}}<br>"
                f"{tr('an_share', lang)}: %{{y:.1f}}%<br>{tr('an_count', lang)}: "
                + _value_text("customdata[0]", unit, lang) + "<extra></extra>"
            ),
        ))
    fig.update_yaxes(ticksuffix="%", rangemode="tozero")
    _year_axis(fig, lang, seen)
    return _layout(fig, title, tr("an_share_axis", lang))


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
) -> go.Figure:
    """Bars per year, one bar per ``group`` value side by side (e.g. received / concluded)."""
    fig = go.Figure()
    groups = list(group_order) if group_order else list(pd.unique(df[group])) if not df.empty else []
    colours = _part_palette(groups)
    seen: list[str] = []
    extra = dict(extra_hover or {})
    for gname in groups:
        g = df[df[group] == gname].sort_values("year")
        if g.empty:
            continue
        xs = _years(g["year"])
        seen += xs
        hover = f"<b>{gname}</b><br>{tr('an_year_axis', lang)} %{{x}}<br>" + _value_text("y", unit, lang)
        custom = None
        if extra:
            custom = g[list(extra)].to_numpy()
            for i, lab in enumerate(extra.values()):
                hover += f"<br>{lab}: %{{customdata[{i}]}}"
        fig.add_trace(go.Bar(
            x=xs, y=g[value].tolist(), name=str(gname), marker_color=colours[gname],
            customdata=custom, hovertemplate=hover + "<extra></extra>",
        ))
    fig.update_layout(barmode="group")
    _year_axis(fig, lang, seen)
    return _layout(fig, title, axis_title(y_label, unit, lang) if y_label else unit_label(unit, lang))


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
) -> go.Figure:
    """A Sankey of ``source → target`` links (``value`` in ``unit``); node keys are labelled
    with ``node_label``. Hover shows the flow with its unit."""
    keys: list[str] = []
    for s, t_ in zip(links["source"], links["target"]):
        for k in (s, t_):
            if k not in keys:
                keys.append(k)
    index = {k: i for i, k in enumerate(keys)}
    labels = [node_label(k) for k in keys]
    colours = [(node_colors or {}).get(k, "#8c8c8c") for k in keys]
    u = unit_label(unit, lang)
    fig = go.Figure(go.Sankey(
        arrangement="snap",
        node={
            "label": labels, "color": colours, "pad": 14, "thickness": 16,
            "hovertemplate": "%{label}<br>%{value:,.0f} " + u + "<extra></extra>",
        },
        link={
            "source": [index[s] for s in links["source"]],
            "target": [index[t_] for t_ in links["target"]],
            "value": links["value"].tolist(),
            "hovertemplate": "%{source.label} → %{target.label}<br>%{value:,.0f} " + u + "<extra></extra>",
        },
        valueformat=",.0f", valuesuffix=f" {u}",
    ))
    fig.update_layout(title=title, margin={"l": 20, "r": 20, "t": 60 if title else 30, "b": 20})
    return fig


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
