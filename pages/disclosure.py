"""Disclosure volumes (/disclosure): items disclosed and the 表二 items per agency over years,
their year-on-year change, and the peer group's median and interquartile band.

Page choices in the URL: ``view`` (the open tab: ``lines`` or ``yoy``; only it is run and
drawn), ``series`` (items, regulations, normative_docs, licensing, penalty,
coercion, fees) and ``peer`` (``selection`` or ``all`` agencies in the database).
With no agency selected the largest agencies (by the chosen series) are drawn.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from etl.query import analysis as an
from etl.present import charts as ch
from etl.present import i18n
from etl.present.exports import safe_filename
from pages._ui.data import agencies_df, cached, get_con, selection, shown_agencies
from pages._ui.downloads import show_chart
from pages._ui.messages import empty_state, error_boundary
from pages._ui.session import lang, t
from pages._ui.state import page_setup, url_selectbox, url_tabs

TOP_N = 10
#: the page's tabs (URL ``view``), the first the default: only the open one is run and drawn
TABS = ("lines", "yoy")

i18n.register({
    "dis_series": ("指标", "Series"),
    "dis_peer": ("同组范围", "Peer group"),
    "dis_peer_selection": ("所选机构", "Selected agencies"),
    "dis_peer_all": ("全部机构", "All agencies"),
    "dis_lines": ("各机构逐年变化与同组中位数", "Per agency over years, with the peer median"),
    "dis_tab_lines": ("逐年变化", "Over years"),
    "dis_tab_yoy": ("同比变化", "Year on year"),
    "dis_top_note": (
        "未选择机构：显示该指标合计最大的 {n} 个机构，同组范围为全部机构。可在侧栏选择机构。",
        "No agency selected: showing the {n} largest agencies for this series; the peer group is "
        "every agency. Pick agencies in the sidebar.",
    ),
    "dis_no_yoy": ("没有连续两年的数据，无法计算同比。", "No two consecutive years: no year-on-year change."),
    "dis_band_note": (
        "灰色带为同组机构的 25%–75% 分位区间，虚线为中位数（按年计算）。",
        "Grey band: the peer group's 25th–75th percentile; dashed line: its median (per year).",
    ),
})


def _download_frame(df: pd.DataFrame, band: pd.DataFrame, label: str, peer_label: str) -> pd.DataFrame:
    """Exactly what the chart draws: the agency lines and the peer band, one long table."""
    lines = df.assign(series_label=label, q25=None, q75=None, agencies=None)[
        ["agency", "year", "series", "series_label", "value", "yoy_pct", "q25", "q75", "agencies", "unit"]
    ]
    if band.empty:
        return lines
    peer = pd.DataFrame({
        "agency": peer_label, "year": band["year"], "series": df["series"].iloc[0],
        "series_label": label, "value": band["median"], "yoy_pct": None, "q25": band["q25"],
        "q75": band["q75"], "agencies": band["agencies"], "unit": band["unit"],
    })
    return pd.concat([lines, peer], ignore_index=True)


filters = page_setup("disclosure", "page_disclosure")
with error_boundary():
    L = lang()
    get_con()  # a database that cannot be opened stops the page here, with a message
    ids, y0, y1 = selection(filters)
    c0, c1 = st.columns(2)
    key = url_selectbox(
        t("dis_series"), list(an.DISCLOSURE_SERIES), "series", container=c0,
        format_func=lambda k: an.series_label(an.DISCLOSURE_SERIES[k], L),
    )
    peer = url_selectbox(
        t("dis_peer"), ["selection", "all"], "peer", container=c1,
        format_func=lambda p: t(f"dis_peer_{p}"),
    )
    series = an.DISCLOSURE_SERIES[key]
    label = an.series_label(series, L)
    shown = shown_agencies(ids, series.metrics, y0, y1, "dis_top_note", n=TOP_N)
    df = cached(an.series_values, key, shown, y0, y1)
    view, _tabs = url_tabs([(k, t(f"dis_tab_{k}")) for k in TABS])
    with _tabs[view]:
        colors = ch.stable_colors(
            agencies_df()["name"].tolist(), df["agency"].unique().tolist(), filters.agencies
        ) if not df.empty else {}
        if df.empty:
            empty_state()
        elif view == "yoy":
            yoy = df.dropna(subset=["yoy_pct"])[["agency", "year", "series", "value", "yoy_pct", "unit"]]
            if yoy.empty:
                empty_state(t("dis_no_yoy"))
            else:
                show_chart(
                    ch.yoy_chart(yoy, lang=L, colors=colors, value_unit=series.unit),
                    yoy.reset_index(drop=True), safe_filename(f"disclosure_{key}_yoy"),
                    key=f"disclosure_{key}_yoy",
                )
        else:
            peer_scope = None if (peer == "all" or ids is None) else ids
            band = cached(an.peer_band, key, peer_scope, y0, y1)
            st.caption(t("dis_lines"))
            fig = ch.band_chart(df, band, unit=series.unit, lang=L, y_label=label, colors=colors)
            show_chart(
                fig, _download_frame(df, band, label, ch.tr("an_peer_median", L)),
                safe_filename(f"disclosure_{key}"), key=f"disclosure_{key}_lines",
            )
            st.caption(t("dis_band_note"))
