"""Category shares (/categories): how each agency's proactively disclosed items split across
categories — 100 % stacked bars per agency-year and the trend of shares over years — with a
note wherever the categories do not add up to the stated total.

Page choices in the URL: ``view`` (the open tab: ``bars``, ``trend`` or ``gaps``; only it is
run and drawn), ``top`` (how many categories are shown before the rest is merged into
"其他") and ``trend_agency`` (one agency's trend; default: the selection summed).
"""
from __future__ import annotations

import streamlit as st

from etl.query import analysis as an
from etl.present import charts as ch
from etl.present import i18n
from etl.present.exports import safe_filename
from pages._ui.data import cached, get_con, selection, shown_agencies
from pages._ui.downloads import show_chart, show_table
from pages._ui.messages import empty_state, error_boundary
from pages._ui.session import agency_label, agency_option, lang, t
from pages._ui.state import page_setup, url_selectbox, url_tabs

TOP_N = 10
#: the page's tabs (URL ``view``), the first the default: only the open one is run and drawn
TABS = ("bars", "trend", "gaps")
TOP_CATEGORIES = 8  # categories shown before the rest is merged, unless the URL's ``top`` says

i18n.register({
    "cat_top": ("显示类别数", "Categories shown"),
    "cat_bars": ("各机构各年度类别构成（100%）", "Category mix per agency and year (100 %)"),
    "cat_trend_agency": ("趋势范围", "Trend for"),
    "cat_trend_all": ("所选机构合计", "All shown agencies together"),
    "cat_top_note": (
        "未选择机构：显示主动公开数量合计最大的 {n} 个机构。可在侧栏选择机构。",
        "No agency selected: showing the {n} agencies with the most items disclosed. Pick agencies in the sidebar.",
    ),
    "cat_tab_bars": ("类别构成", "Category mix"),
    "cat_tab_trend": ("占比趋势", "Trend of shares"),
    "cat_tab_gaps": ("合计不符", "Sums that differ"),
    "cat_gaps_note": (
        "{n} 个机构年度的类别合计与报告所列总数不符，详见“{tab}”标签页。",
        "In {n} agency-year(s) the categories do not add up to the stated total: see the tab “{tab}”.",
    ),
    "cat_no_gaps": ("所选范围内各类别合计与所列总数一致。",
                    "In this selection the categories add up to the stated totals."),
    "cat_gap_line": (
        "{agency} {year} 年：各类别合计 {sum:,.0f} 件，报告所列总数 {total:,.0f} 件（差 {diff:+,.0f} 件）",
        "{agency} {year}: categories sum to {sum:,.0f} items, the report states {total:,.0f} (difference {diff:+,.0f})",
    ),
    "cat_no_categories": (
        "所选范围内的报告没有按类别列出主动公开数量。",
        "The reports in this selection do not break items disclosed down by category.",
    ),
})

def trend_section(shares, top: int, other: str, colours: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    """The shares over years, of the selection summed or of one agency (URL ``trend_agency``)."""
    agencies = sorted(shares["agency"].unique().tolist())
    trend_for = url_selectbox(
        t("cat_trend_agency"), ["", *agencies], "trend_agency",
        format_func=lambda a, _all=t("cat_trend_all"): agency_option(a) if a else _all,
    )
    trend = an.category_trend(shares, top, other, agency=trend_for or None)
    if trend.empty:
        empty_state()
        return
    fig = ch.share_trend_chart(trend, lang=lang(), part_colors=colours)
    name = f"categories_trend_{trend_for}" if trend_for else "categories_trend"
    show_chart(fig, trend, safe_filename(name), key="categories_trend")


def gaps_section(gaps) -> None:  # type: ignore[no-untyped-def]
    """Every agency-year whose categories do not add up to its stated total."""
    if gaps.empty:
        st.success(t("cat_no_gaps"))
        return
    st.markdown("\n".join(
        "- " + t("cat_gap_line", agency=agency_label(r.agency), year=r.year, sum=r.categories_sum,
                 total=r.stated_total, diff=r.difference)
        for r in gaps.itertuples(index=False)
    ))
    show_table(gaps, safe_filename("categories_gaps"))


filters = page_setup("categories", "page_categories")
with error_boundary():
    L = lang()
    get_con()  # a database that cannot be opened stops the page here, with a message
    ids, y0, y1 = selection(filters)
    shown = shown_agencies(ids, ("disclosure.items",), y0, y1, "cat_top_note", n=TOP_N)
    shares = cached(an.category_shares, shown, y0, y1)
    gaps = cached(an.category_gaps, shown, y0, y1)
    if not gaps.empty:  # above the tabs: every view of the mix should know it does not add up
        st.warning(t("cat_gaps_note", n=len(gaps), tab=t("cat_tab_gaps")))
    other = ch.tr("an_other", L)
    top = TOP_CATEGORIES
    if not shares.empty:
        top = url_selectbox(t("cat_top"), [5, 8, 10, 15, 20], "top", default=TOP_CATEGORIES)
    view, _tabs = url_tabs([(k, t(f"cat_tab_{k}")) for k in TABS])
    with _tabs[view]:
        if view == "gaps":
            gaps_section(gaps)
        elif shares.empty:
            empty_state(t("cat_no_categories"))
        else:
            cats = [*an.top_categories(shares, int(top)), other]
            colours = {c: i18n.PALETTE[i % len(i18n.PALETTE)] for i, c in enumerate(cats)}
            colours[other] = "#bbbbbb"
            if view == "trend":
                trend_section(shares, int(top), other, colours)
            else:
                st.caption(t("cat_bars"))
                bars = an.group_small_categories(shares, int(top), other)
                fig = ch.stacked_bar_chart(
                    bars, x=["agency", "year"], part="category", lang=L, part_order=cats,
                    part_colors=colours, legend_title=i18n.t("breakdown", L),
                )
                show_chart(fig, bars, safe_filename("categories_by_agency_year"), key="categories_bars")
