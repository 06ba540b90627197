"""Category shares (/categories): how each agency's proactively disclosed items split across
categories — 100 % stacked bars per agency-year and the trend of shares over years — with a
note wherever the categories do not add up to the stated total.

Page choices in the URL: ``top`` (how many categories are shown before the rest is merged into
"其他") and ``trend_agency`` (one agency's trend; default: the selection summed).
"""
from __future__ import annotations

import streamlit as st

from etl.query import analysis as an
from etl.present import charts as ch
from etl.present import i18n
from etl.present.exports import safe_filename
from pages._ui.data import get_con, selection, shown_agencies
from pages._ui.downloads import show_chart, show_table
from pages._ui.messages import empty_state, error_boundary
from pages._ui.session import agency_label, agency_option, lang, t
from pages._ui.state import page_setup, url_selectbox

TOP_N = 10

i18n.register({
    "cat_top": ("显示类别数", "Categories shown"),
    "cat_bars": ("各机构各年度类别构成（100%）", "Category mix per agency and year (100 %)"),
    "cat_trend": ("类别占比趋势", "Trend of category shares"),
    "cat_trend_agency": ("趋势范围", "Trend for"),
    "cat_trend_all": ("所选机构合计", "All shown agencies together"),
    "cat_top_note": (
        "未选择机构：显示主动公开数量合计最大的 {n} 个机构。可在侧栏选择机构。",
        "No agency selected: showing the {n} agencies with the most items disclosed. Pick agencies in the sidebar.",
    ),
    "cat_gaps": ("类别合计与总数不符", "Categories do not add up to the stated total"),
    "cat_gap_line": (
        "{agency} {year} 年：各类别合计 {sum:,.0f} 件，报告所列总数 {total:,.0f} 件（差 {diff:+,.0f} 件）",
        "{agency} {year}: categories sum to {sum:,.0f} items, the report states {total:,.0f} (difference {diff:+,.0f})",
    ),
    "cat_no_categories": (
        "所选范围内的报告没有按类别列出主动公开数量。",
        "The reports in this selection do not break items disclosed down by category.",
    ),
})

filters = page_setup("categories", "page_categories")
with error_boundary():
    L = lang()
    con = get_con()
    ids, y0, y1 = selection(filters)
    shown = shown_agencies(con, ids, ("disclosure.items",), y0, y1, "cat_top_note", n=TOP_N)
    shares = an.category_shares(con, shown, y0, y1)
    if shares.empty:
        empty_state(t("cat_no_categories"))
    else:
        other = ch.tr("an_other", L)
        c0, c1 = st.columns(2)
        top = url_selectbox(t("cat_top"), [5, 8, 10, 15, 20], "top", container=c0, default=8)
        agencies = sorted(shares["agency"].unique().tolist())
        trend_for = url_selectbox(
            t("cat_trend_agency"), ["", *agencies], "trend_agency", container=c1,
            format_func=lambda a: agency_option(a) if a else t("cat_trend_all"),
        )
        cats = [*an.top_categories(shares, int(top)), other]
        colours = {c: i18n.PALETTE[i % len(i18n.PALETTE)] for i, c in enumerate(cats)}
        colours[other] = "#bbbbbb"

        st.subheader(t("cat_bars"))
        bars = an.group_small_categories(shares, int(top), other)
        fig = ch.stacked_bar_chart(
            bars, x=["agency", "year"], part="category", lang=L, part_order=cats,
            part_colors=colours, legend_title=i18n.t("breakdown", L),
        )
        show_chart(fig, bars, safe_filename("categories_by_agency_year"), key="categories_bars")

        st.subheader(t("cat_trend"))
        trend = an.category_trend(shares, int(top), other, agency=trend_for or None)
        if trend.empty:
            empty_state()
        else:
            fig = ch.share_trend_chart(trend, lang=L, part_colors=colours)
            name = f"categories_trend_{trend_for}" if trend_for else "categories_trend"
            show_chart(fig, trend, safe_filename(name), key="categories_trend")

    gaps = an.category_gaps(con, shown, y0, y1)
    if not gaps.empty:
        st.subheader(t("cat_gaps"))
        st.warning("\n".join(
            "- " + t("cat_gap_line", agency=agency_label(r.agency), year=r.year, sum=r.categories_sum,
                     total=r.stated_total, diff=r.difference)
            for r in gaps.itertuples(index=False)
        ))
        show_table(gaps, safe_filename("categories_gaps"))
