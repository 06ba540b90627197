"""Request outcomes (/requests): received, concluded and carried over per year; the outcome
mix compared across agencies; the flow from received to outcomes for one agency-year; the
applicant mix; administrative review and litigation outcomes with the correction rate.

Page choices in the URL: ``view`` (the open tab: volumes, outcomes, flow, applicants or
appeals; only it is run and drawn), ``mix_year`` (year of the outcome and applicant mixes,
picked in either tab; default: all years in range summed), ``flow_agency`` and ``flow_year``
(the agency-year of the flow).
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
from pages._ui.session import agency_label, agency_option, lang, t
from pages._ui.state import page_setup, url_selectbox, url_tabs

TOP_N = 10

i18n.register({
    "req_volumes": ("申请数量（所选机构合计）", "Requests per year (shown agencies together)"),
    "req_mix_year": ("构成年份（办理结果和申请人共用）", "Year of the mix (outcomes and applicants)"),
    "req_all_years": ("所选年份合计", "All years in range"),
    "req_flow_agency": ("机构", "Agency"),
    "req_flow_year": ("年份", "Year"),
    "req_flow_empty": ("该机构该年度没有申请办理数据。", "No request figures for this agency and year."),
    "req_applicants": ("申请人构成（新收申请）", "Applicants (new requests)"),
    "req_applicants_empty": ("所选范围内没有按申请人类型分列的数据。", "No breakdown by applicant in this selection."),
    "req_rate": ("复议纠错率", "Review correction rate"),
    "req_rate_help": (
        "纠错率 = 结果纠正 /（总计 − 尚未审结）",
        "Correction rate = corrected / (total − pending)",
    ),
    "req_rate_empty": ("没有可计算纠错率的复议数据。", "No review figures to compute a correction rate."),
    "req_review_mix": ("行政复议结果", "Administrative review outcomes"),
    "req_suit_mix": ("行政诉讼结果", "Lawsuit outcomes"),
    "req_top_note": (
        "未选择机构：显示新收申请合计最大的 {n} 个机构。可在侧栏选择机构。",
        "No agency selected: showing the {n} agencies with the most requests. Pick agencies in the sidebar.",
    ),
    "req_tab_volumes": ("申请数量", "Volumes"),
    "req_tab_outcomes": ("办理结果", "Outcomes"),
    "req_tab_flow": ("办理流向", "Flow"),
    "req_tab_applicants": ("申请人", "Applicants"),
    "req_tab_appeals": ("复议诉讼", "Review & litigation"),
})


def _node_label(key: str, lang_: str) -> str:
    if key == "handled":
        return ch.tr("an_handled", lang_)
    if key in ch.OUTCOME_GROUP_COLORS:
        return ch.tr(f"an_group_{key}", lang_)
    return an.metric_label(key, lang_)


def _appeal_mix(ap: pd.DataFrame, kind: str, lang_: str) -> pd.DataFrame:
    """Review (or lawsuit) outcomes per agency, summed over the years shown (long)."""
    parts = ["upheld", "corrected", "other", "pending"]
    cols = [f"{kind}_{p}" for p in parts]
    sums = ap.groupby("agency")[cols].sum(min_count=1).reset_index()
    long = sums.melt(id_vars="agency", value_vars=cols, var_name="part", value_name="count")
    long = long.dropna(subset=["count"])
    long["part"] = long["part"].str.removeprefix(f"{kind}_")
    long["part_label"] = long["part"].map(lambda p: ch.tr(f"an_appeal_{p}", lang_))
    long["unit"] = "件"
    order = {p: i for i, p in enumerate(parts)}
    long = long.assign(_o=long["part"].map(order)).sort_values(["agency", "_o"]).drop(columns="_o")
    return long.reset_index(drop=True)


def volumes_section(volumes: pd.DataFrame, L: str) -> None:
    st.caption(t("req_volumes"))
    by_year = an.volumes_by_year(volumes)
    if by_year.empty:
        empty_state()
        return
    by_year["measure_label"] = by_year["measure"].map(lambda m: an.metric_label(m, L))
    fig = ch.grouped_bar_chart(
        by_year, group="measure_label", lang=L, y_label=ch.tr("an_count", L),
        group_order=[an.metric_label(m, L) for m in an.REQUEST_VOLUMES],
        extra_hover={"agencies": ch.tr("an_peer_n", L)},
    )
    show_chart(fig, by_year, "requests_volumes", key="requests_volumes")


def mix_year_picker(outcomes: pd.DataFrame, applicants: pd.DataFrame) -> str:
    """The year of the outcome and applicant mixes (URL ``mix_year``; "" = all years shown),
    drawn in whichever of their tabs is open."""
    years = sorted(set(an.years_in(outcomes)) | set(an.years_in(applicants)))
    return url_selectbox(
        t("req_mix_year"), ["", *years], "mix_year",
        format_func=lambda y, _all=t("req_all_years"): str(y) if y != "" else _all,
    )


def _in_year(df: pd.DataFrame, mix_year: str) -> pd.DataFrame:
    return df if mix_year == "" else df[df["year"] == int(mix_year)]


def outcomes_section(outcomes: pd.DataFrame, applicants: pd.DataFrame, L: str) -> None:
    mix_year = mix_year_picker(outcomes, applicants)
    mix = an.mix_by_agency(_in_year(outcomes, mix_year), "outcome")
    if mix.empty:
        empty_state()
        return
    mix["outcome_label"] = mix["outcome"].map(lambda m: an.metric_label(m, L))
    present = [o for o in an.OUTCOME_ORDER if o in set(mix["outcome"])]
    colours = ch.outcome_colors(present, an.GROUP_OF)
    fig = ch.stacked_bar_chart(
        mix, x="agency", part="outcome_label", lang=L,
        part_order=[an.metric_label(o, L) for o in present],
        part_colors={an.metric_label(o, L): colours[o] for o in present},
    )
    show_chart(fig, mix, safe_filename(f"requests_outcomes_{mix_year or 'all'}"),
               key="requests_outcomes")


def flow_section(volumes: pd.DataFrame, outcomes: pd.DataFrame, L: str) -> None:
    pairs = sorted(
        set(zip(volumes["agency"], volumes["year"])) | set(zip(outcomes["agency"], outcomes["year"]))
    )
    if not pairs:
        empty_state()
        return
    c0, c1 = st.columns(2)
    flow_agencies = sorted({a for a, _ in pairs})
    default_agency = pairs[-1][0]
    flow_agency = url_selectbox(
        t("req_flow_agency"), flow_agencies, "flow_agency", container=c0,
        default=default_agency, format_func=agency_option,
    )
    flow_years = sorted({int(y) for a, y in pairs if a == flow_agency})
    flow_year = url_selectbox(
        t("req_flow_year"), flow_years, "flow_year", container=c1, default=flow_years[-1],
    )
    links = an.request_flow(volumes, outcomes, flow_agency, int(flow_year))
    if links.empty:
        empty_state(t("req_flow_empty"))
        return
    links["source_label"] = links["source"].map(lambda k: _node_label(k, L))
    links["target_label"] = links["target"].map(lambda k: _node_label(k, L))
    node_colors = {k: ch.OUTCOME_GROUP_COLORS[k] for k in ch.OUTCOME_GROUP_COLORS}
    node_colors.update(ch.outcome_colors(list(an.OUTCOME_ORDER), an.GROUP_OF))
    node_colors.update({"handled": "#1f77b4", "requests.received": "#1f77b4",
                        "requests.carried_over_in": "#aec7e8",
                        "requests.carried_over_out": "#aec7e8"})
    fig = ch.sankey_chart(
        links, node_label=lambda k: _node_label(k, L), lang=L,
        title=f"{agency_label(flow_agency)} · {flow_year}", node_colors=node_colors,
    )
    show_chart(fig, links, safe_filename(f"requests_flow_{flow_agency}_{flow_year}"),
               key="requests_flow")


def applicants_section(outcomes: pd.DataFrame, applicants: pd.DataFrame, L: str) -> None:
    st.caption(t("req_applicants"))
    mix_year = mix_year_picker(outcomes, applicants)
    amix = an.mix_by_agency(_in_year(applicants, mix_year), "applicant")
    if amix.empty:
        empty_state(t("req_applicants_empty"))
        return
    amix["applicant_label"] = amix["applicant"].map(lambda k: i18n.breakdown_label(k, L))
    present = [k for k in an.APPLICANT_KEYS if k in set(amix["applicant"])]
    fig = ch.stacked_bar_chart(
        amix, x="agency", part="applicant_label", lang=L,
        part_order=[i18n.breakdown_label(k, L) for k in present],
    )
    show_chart(fig, amix, safe_filename(f"requests_applicants_{mix_year or 'all'}"),
               key="requests_applicants")


def appeals_section(ap: pd.DataFrame, selected: tuple[str, ...], L: str) -> None:
    if ap.empty:
        empty_state()
        return
    rate = ap.dropna(subset=["correction_rate_pct"])[
        ["agency", "year", "review_corrected", "review_total", "review_pending",
         "correction_rate_pct"]
    ].reset_index(drop=True)
    st.markdown(f"**{t('req_rate')}**")
    st.caption(t("req_rate_help"))
    if rate.empty:
        empty_state(t("req_rate_empty"))
    else:
        rate["unit"] = "%"
        colors = ch.stable_colors(
            agencies_df()["name"].tolist(), rate["agency"].unique().tolist(), selected,
        )
        fig = ch.line_chart(
            rate, unit="%", y="correction_rate_pct", lang=L,
            y_label=t("req_rate"), colors=colors,
            extra_hover={"review_corrected": ch.tr("an_appeal_corrected", L),
                         "review_total": ch.tr("an_appeal_total", L),
                         "review_pending": ch.tr("an_appeal_pending", L)},
        )
        show_chart(fig, rate, "requests_correction_rate", key="requests_rate")
    for kind, title_key in (("review", "req_review_mix"), ("suit", "req_suit_mix")):
        long = _appeal_mix(ap, kind, L)
        st.markdown(f"**{t(title_key)}**")
        if long.empty:
            empty_state()
            continue
        parts = [p for p in ("upheld", "corrected", "other", "pending") if p in set(long["part"])]
        fig = ch.stacked_bar_chart(
            long, x="agency", part="part_label", share=None, normalise=False, lang=L,
            part_order=[ch.tr(f"an_appeal_{p}", L) for p in parts],
            part_colors={ch.tr(f"an_appeal_{p}", L): ch.APPEAL_PART_COLORS[p] for p in parts},
        )
        show_chart(fig, long, f"requests_{kind}_outcomes", key=f"requests_{kind}")


#: the page's tabs (URL ``view``), the first the default: only the open one is drawn
TABS = ("volumes", "outcomes", "flow", "applicants", "appeals")

filters = page_setup("requests", "page_requests")
with error_boundary():
    L = lang()
    get_con()  # a database that cannot be opened stops the page here, with a message
    ids, y0, y1 = selection(filters)
    shown = shown_agencies(ids, ("requests.received",), y0, y1, "req_top_note", n=TOP_N)
    volumes = cached(an.request_volumes, shown, y0, y1)
    outcomes = cached(an.request_outcomes, shown, y0, y1)
    applicants = cached(an.applicant_mix, shown, y0, y1)
    ap = cached(an.appeals, shown, y0, y1)
    if volumes.empty and outcomes.empty and applicants.empty and ap.empty:
        empty_state()
        st.stop()

    view, _tabs = url_tabs([(k, t(f"req_tab_{k}")) for k in TABS])
    with _tabs[view]:
        if view == "volumes":
            volumes_section(volumes, L)
        elif view == "outcomes":
            outcomes_section(outcomes, applicants, L)
        elif view == "flow":
            flow_section(volumes, outcomes, L)
        elif view == "applicants":
            applicants_section(outcomes, applicants, L)
        else:
            appeals_section(ap, filters.agencies, L)
