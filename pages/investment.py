"""Investment indicators (/investment): new foreign-invested enterprises (家), contracted
versus actually received foreign investment and exports (stored in US dollars, shown in 万美元),
their year-on-year change (as stated, else computed from the previous year) and plan completion.

Page choices in the URL: ``view`` (the open tab: fdi, enterprises, exports, yoy or plan; only
it is run and drawn) and ``indicator`` (enterprises, contract, actual, exports; default actual)
for the change and plan-completion charts, picked in either tab; one line per agency. With no
agency selected the agencies with the largest investment figures are drawn.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from etl.query import analysis as an
from etl.present import charts as ch
from etl.present import i18n
from pages._ui.data import agencies_df, cached, get_con, selection, shown_agencies
from pages._ui.downloads import show_chart
from pages._ui.messages import empty_state, error_boundary
from pages._ui.session import lang, t
from pages._ui.state import page_setup, url_selectbox, url_tabs

TOP_N = 10

i18n.register({
    "inv_fdi": ("合同外资与实际到资", "Contracted versus received foreign investment"),
    "inv_yoy_note": (
        "同比以报告所述为准；报告未写明时按上年数计算（悬停可见“计算值”）。",
        "Changes are as the report states them; where it states none they are computed from the previous year (hover shows which).",
    ),
    "inv_plan": ("完成年度计划", "Share of the annual plan achieved"),
    "inv_top_note": (
        "未选择机构：显示投资指标最大的 {n} 个机构。可在侧栏选择机构。",
        "No agency selected: showing the {n} agencies with the largest investment figures. Pick agencies in the sidebar.",
    ),
    "inv_empty": (
        "所选范围内没有外商投资或外贸指标（这些指标通常见于工作总结）。",
        "No investment or trade indicators in this selection (they usually come from work summaries).",
    ),
    "inv_source": ("来源", "Source"),
    "inv_indicator": ("同比和计划完成的指标", "Indicator for the change and plan charts"),
    "inv_no_plan": ("该指标没有年度计划。", "This indicator has no annual plan."),
    "inv_stated": ("报告所述", "stated"),
    "inv_computed": ("计算值", "computed"),
    "inv_tab_fdi": ("外资", "Foreign investment"),
    "inv_tab_enterprises": ("新办企业", "New enterprises"),
    "inv_tab_exports": ("外贸出口", "Exports"),
    "inv_tab_yoy": ("同比变化", "Year on year"),
    "inv_tab_plan": ("计划完成", "Plan completion"),
})

AMOUNT_METRICS = (
    "investment.fdi_actual_usd", "investment.fdi_contract_usd", "investment.exports_usd",
)


def _labels(lang_: str) -> dict[str, str]:
    return {k: ch.tr(f"an_ind_{k}", lang_) for k in an.INVESTMENT_SERIES}


def _part(inv: pd.DataFrame, indicators: list[str], column: str) -> pd.DataFrame:
    df = inv[inv["indicator"].isin(indicators)].dropna(subset=[column])
    return df.reset_index(drop=True)


#: the level charts: tab id → (indicators, unit, chart and download name)
LEVELS = {
    "fdi": (["contract", "actual"], "万美元", "investment_fdi"),
    "enterprises": (["enterprises"], "家", "investment_enterprises"),
    "exports": (["exports"], "万美元", "investment_exports"),
}


def level_section(inv: pd.DataFrame, view: str, labels: dict[str, str],
                  colors: dict[str, str], L: str) -> None:
    """One line per agency (and indicator) of a level chart's indicators."""
    indicators, unit, name = LEVELS[view]
    df = _part(inv, indicators, "value")
    if df.empty:
        empty_state()
        return
    df = df[["agency", "year", "indicator", "indicator_label", "value", "unit"]]
    y_label = labels[indicators[0]] if len(indicators) == 1 else t("inv_fdi")
    fig = ch.line_chart(
        df, unit=unit, lang=L, y_label=y_label, colors=colors,
        dash="indicator" if len(indicators) > 1 else None, dash_labels=labels,
    )
    show_chart(fig, df, name, key=name)


def indicator_picker(labels: dict[str, str]) -> str:
    """The indicator of the change and plan charts (URL ``indicator``), in either's tab."""
    return url_selectbox(
        t("inv_indicator"), list(an.INVESTMENT_SERIES), "indicator", default="actual",
        format_func=lambda k, _labels=labels: _labels[k],
    )


def yoy_section(inv: pd.DataFrame, labels: dict[str, str], colors: dict[str, str], L: str) -> None:
    indicator = indicator_picker(labels)
    st.caption(t("inv_yoy_note"))
    yoy = _part(inv, [indicator], "yoy_pct")
    if yoy.empty:
        empty_state()
        return
    yoy = yoy[["agency", "year", "indicator", "indicator_label", "yoy_pct", "yoy_source"]]
    yoy = yoy.assign(
        source_label=yoy["yoy_source"].map(
            lambda s: t("inv_computed") if s == "computed" else t("inv_stated")
        ),
        unit="%",
    )
    fig = ch.line_chart(
        yoy, unit="%", y="yoy_pct", lang=L, y_label=ch.tr("an_yoy", L), colors=colors,
        extra_hover={"source_label": t("inv_source")},
    )
    show_chart(fig, yoy, f"investment_yoy_{indicator}", key="investment_yoy")


def plan_section(inv: pd.DataFrame, labels: dict[str, str], colors: dict[str, str], L: str) -> None:
    indicator = indicator_picker(labels)
    plan = _part(inv, [indicator], "plan_pct")
    if plan.empty:
        empty_state(t("inv_no_plan") if indicator not in an.INVESTMENT_PLAN else None)
        return
    plan = plan[["agency", "year", "indicator", "indicator_label", "plan_pct"]].assign(unit="%")
    fig = ch.line_chart(
        plan, unit="%", y="plan_pct", lang=L, y_label=t("inv_plan"), colors=colors,
    )
    show_chart(fig, plan, f"investment_plan_{indicator}", key="investment_plan")


#: the page's tabs (URL ``view``), the first the default: only the open one is drawn
TABS = ("fdi", "enterprises", "exports", "yoy", "plan")

filters = page_setup("investment", "page_investment")
with error_boundary():
    L = lang()
    get_con()  # a database that cannot be opened stops the page here, with a message
    ids, y0, y1 = selection(filters)
    shown = shown_agencies(
        ids, AMOUNT_METRICS + ("investment.fdi_new_enterprises",), y0, y1, "inv_top_note", n=TOP_N
    )
    inv = cached(an.investment, shown, y0, y1)
    if inv.empty:
        empty_state(t("inv_empty"))
        st.stop()
    labels = _labels(L)
    inv["indicator_label"] = inv["indicator"].map(labels)
    colors = ch.stable_colors(
        agencies_df()["name"].tolist(), inv["agency"].unique().tolist(), filters.agencies
    )

    view, _tabs = url_tabs([(k, t(f"inv_tab_{k}")) for k in TABS])
    with _tabs[view]:
        if view in LEVELS:
            level_section(inv, view, labels, colors, L)
        elif view == "yoy":
            yoy_section(inv, labels, colors, L)
        else:
            plan_section(inv, labels, colors, L)
