"""Agency profile (/agency?agency=…): one agency's standard indicators over the years against
its peers, the timeliness of its reports, its findings and its reports (each opening the report
page with the evidence) — laid out to print as a one-page brief.

Thin: numbers from etl/query/indicators.py and timeliness.py, texts and formats from
etl/present/supervision.py.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from etl.present import i18n
from etl.present import supervision as sv
from etl.present.agency_names import region_label
from etl.present.findings_text import finding_message
from etl.query import indicators, overview, timeliness
from pages._ui.data import agencies_df, cached, get_con
from pages._ui.downloads import download_buttons, show_chart
from pages._ui.links import profile_link, report_links
from pages._ui.messages import empty_state, error_boundary
from pages._ui.session import agency_label, agency_option, lang, t
from pages._ui.state import agency_options, page_setup, url_selectbox

PEER_KEYS = {"level_region": ("level", "region"), "level": ("level",), "all": ()}

# Browser print (Ctrl+P) gives the brief: no sidebar, toolbar, header, buttons or widgets, and
# none of the long year-by-year tables (containers keyed ``noprint_…``; Streamlit gives a keyed
# container the class ``st-key-<key>``) — the latest figures, the chart, the timeliness summary
# and the findings remain.
PRINT_CSS = """
<style>
@media print {
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
  [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
  [data-testid="stStatusWidget"], [data-testid="stDownloadButton"],
  [data-testid="stSelectbox"], [data-testid="stElementToolbar"],
  div[class*="st-key-noprint"] {
    display: none !important;
  }
  [data-testid="stMain"], [data-testid="stAppViewContainer"], .main {
    margin: 0 !important; padding: 0 !important; overflow: visible !important;
  }
  [data-testid="stMainBlockContainer"], .block-container {
    padding: 0 0.5cm !important; max-width: 100% !important;
  }
  [data-testid="stPlotlyChart"], [data-testid="stDataFrame"], [data-testid="stTable"] {
    break-inside: avoid;
  }
  [data-testid="stVerticalBlock"] { gap: 0.35rem !important; }
  h1 { font-size: 1.4rem !important; padding: 0 !important; }
  h2, h3 { font-size: 1.1rem !important; padding: 0.2rem 0 0 !important; }
  html { zoom: 0.9; }  /* room for a findings line or two on the one page */
  @page { size: A4; margin: 1cm; }
}
</style>
"""


def pick_agency(names: list[str]) -> None:
    """No agency in the URL: a picker that puts the chosen one into the URL and reruns."""
    st.info(t("pick_agency_help"))
    options = agency_options(st, names, key="agency_pick_search")
    choice = st.selectbox(t("pick_agency"), [""] + options, key="agency_pick",
                          format_func=lambda n, _c=t("choose"): agency_option(n) if n else _c)
    if choice:
        st.query_params["agency"] = choice
        st.rerun()


def header(agency: dict, kind: str) -> None:
    lg = lang()
    label = agency_label(agency["name"])
    st.header(label)
    st.caption(" · ".join([
        *([agency["name"]] if label != agency["name"] else []),
        f"{t('region')}: {region_label(agency.get('region'), lg) or sv.BLANK}",
        f"{t('level')}: {i18n.level_label(agency.get('level'), lg) if agency.get('level') else sv.BLANK}",
        f"{t('agency_type')}: {sv.type_label(kind, lg)}",
    ]))


def indicators_block(agency_id: int, keys: tuple[str, ...]) -> None:
    """Every indicator of every year with N, rating and percentile, and one indicator (URL
    ``ind``) charted against the peer median."""
    st.subheader(t("indicators"))
    config = indicators.load_config()
    peers = cached(indicators.peer_ids, agency_id, list(keys))
    allind = cached(indicators.compute_agencies, peers, indicators.config_stamp())
    allind = indicators.with_peers(allind, agencies_df(), keys)
    mine = allind[allind["agency_id"] == agency_id]
    if mine.empty:
        empty_state(t("no_indicators"))
        return
    lg = lang()
    order = {k: n for n, k in enumerate(indicators.INDICATORS)}
    mine = mine.assign(_o=mine["indicator"].map(order)).sort_values(
        ["_o", "year"], ascending=[True, False]).drop(columns="_o")
    latest = int(mine["year"].max())
    now = mine[mine["year"] == latest]
    with st.container(key="noprint_indicators_help"):
        st.caption(t("indicators_help"))
    cols = st.columns(len(now))
    for col, rec in zip(cols, now.to_dict("records")):
        col.metric(
            f"{sv.indicator_label(rec['indicator'], lg)} · {latest}",
            sv.fmt_value(rec["indicator"], rec["value"], rec["den"]),
            help=sv.indicator_definition(rec["indicator"], config.get(rec["indicator"]), lg),
        )
        parts = [] if rec["indicator"] == "requests_received" else [
            f"N = {sv.fmt_count(rec['den'])}", sv.rating_label(rec["rating"], lg)]
        parts.append(f"{t('percentile')} {sv.fmt_percentile(rec['percentile'])}"
                     f" ({t('peer_n')} {sv.fmt_count(rec['peer_n'])})")
        col.caption(" · ".join(parts))

    present = [i for i in indicators.INDICATORS if i in set(mine["indicator"])]
    chosen = url_selectbox(t("indicator"), present, "ind", default=present[0],
                           format_func=lambda i, _lg=lg: sv.indicator_label(i, _lg))
    one = mine[mine["indicator"] == chosen].sort_values("year")
    unit = "件" if chosen == "requests_received" else "%"
    chart = pd.concat([
        pd.DataFrame({"year": one["year"], "agency": t("this_agency"), "value": one["value"]}),
        pd.DataFrame({"year": one["year"], "agency": t("peer_median"),
                      "value": one["peer_median"]}),
    ]).dropna(subset=["value"])
    if not chart.empty:
        from etl.present import charts

        fig = charts.line_chart(chart, unit=unit, lang=lg, y_label=sv.indicator_label(chosen, lg),
                                title=t("indicator_over_years"), height=200)  # a quarter page
        show_chart(fig, sv.indicator_table(one, lg, config), f"profile_{chosen}")
    note = sv.min_n_text(config, present, lg)
    if note:
        st.caption(t("small_n_note", n=note))
    table = sv.indicator_table(mine, lg, config)
    with st.container(key="noprint_indicators"):
        st.dataframe(table, hide_index=True, column_config={
            t("percentile"): st.column_config.TextColumn(t("percentile"),
                                                         help=t("percentile_help")),
        })
        download_buttons(table, "profile_indicators")


def timeliness_block(agency_id: int) -> None:
    st.subheader(t("timeliness"))
    st.caption(t("timeliness_help"))
    tdf = cached(timeliness.timeliness, [agency_id])
    if tdf.empty:
        empty_state()
        return
    lg = lang()
    s = timeliness.on_time_rate(tdf)
    st.metric(t("on_time_rate"), sv.fmt_pct(s["rate"]), help=sv.on_time_text(s, lg))
    st.caption(sv.on_time_text(s, lg))
    bad = tdf[tdf["status"].isin([timeliness.LATE, timeliness.MISSING])]
    if not bad.empty:
        st.markdown(" · ".join(
            f"{int(y)}: {sv.status_label(x, lg)}"
            + (f" ({t('days_late')} {int(d)})" if x == timeliness.LATE else "")
            for y, x, d in zip(bad["year"], bad["status"], bad["days_late"])))
    table = sv.timeliness_table(tdf.sort_values("year", ascending=False), lg)
    with st.container(key="noprint_timeliness"):
        st.dataframe(table, hide_index=True)
        download_buttons(table, "profile_timeliness")


def findings_block(agency_id: int) -> None:
    st.subheader(t("findings_title"))
    df = cached(overview.findings, [agency_id], None, None)
    if df.empty:
        st.success(t("no_findings"))
        return
    lg = lang()
    out = pd.DataFrame({
        t("year"): [sv.BLANK if pd.isna(y) else int(y) for y in df["year"]],
        t("severity"): [i18n.severity_label(s, lg) for s in df["severity"]],
        t("rule"): [i18n.rule_label(r, lg) for r in df["rule"]],
        t("message"): [finding_message(r, m, None, lg) if isinstance(m, str) and m else sv.BLANK
                       for r, m in zip(df["rule"], df["message"])],
        t("open_report"): report_links(df["report_id"]),
    })
    st.dataframe(out, hide_index=True, column_config={
        t("open_report"): st.column_config.LinkColumn(t("open_report"),
                                                      display_text=r"report=(\d+)"),
    })
    download_buttons(out.drop(columns=[t("open_report")]), "profile_findings")


def consistency_block(agency_id: int) -> None:
    """The consistency checks of this agency: printed changes and plan completions against the
    levels, and (``reuse=1``) reused text, each with its reviewer's verdict (given on /quality)."""
    from etl.present import findings_text as ft
    from etl.query import consistency, reuse
    from etl.store import verdicts as vstore
    from pages._ui.state import url_param

    df = cached(consistency.level_findings, [agency_id], None, None, consistency.config_stamp())
    if url_param("reuse") == "1":
        df = pd.concat([df, cached(reuse.reuse_findings, [agency_id], None, None,
                                   consistency.config_stamp())], ignore_index=True)
    if df.empty:
        st.caption(f"**{t('cs_title')}** · {t('cs_none')}")  # one line: the brief stays one page
        return
    st.subheader(t("cs_title"))
    df = consistency.with_verdicts(df, vstore.current(get_con()))
    lg = lang()
    out = pd.DataFrame({
        t("year"): [int(y) for y in df["year"]],
        t("severity"): [i18n.severity_label(s, lg) for s in df["severity"]],
        t("rule"): [i18n.rule_label(r, lg) for r in df["rule"]],
        t("message"): [ft.finding_message(r, m, p, lg)
                       for r, m, p in zip(df["rule"], df["message"], df["params"])],
        t("vd_verdict"): [ft.verdict_label(v, lg) for v in df["verdict"]],
        t("vd_why"): [ft.text_or_blank(v) for v in df["why"]],
        t("open_report"): report_links(df["report_id"]),
    })
    # the brief prints a count per year; the table with its verdicts is for the screen
    years = ", ".join(f"{y} ({n})" for y, n in out[t("year")].value_counts().sort_index().items())
    st.caption(f"{t('cs_title')}: {len(out)} — {years}")
    with st.container(key="noprint_consistency"):
        st.dataframe(out, hide_index=True, column_config={
            t("open_report"): st.column_config.LinkColumn(t("open_report"),
                                                          display_text=r"report=(\d+)"),
        })
        download_buttons(out.drop(columns=[t("open_report")]), "profile_consistency")


def reports_block(agency_id: int) -> None:
    with st.container(key="noprint_reports_title"):
        st.subheader(t("reports_title"))
    df = cached(overview.reports_list, [agency_id], None, None)
    if df.empty:
        empty_state()
        return
    lg = lang()
    out = pd.DataFrame({
        t("year"): [sv.BLANK if pd.isna(y) else int(y) for y in df["year"]],
        t("kind"): [i18n.kind_label(k, lg) for k in df["kind"]],
        t("title"): [x if isinstance(x, str) and x else sv.BLANK for x in df["title"]],
        t("open_report"): report_links(df["report_id"]),
    }).iloc[::-1]
    with st.container(key="noprint_reports"):
        st.dataframe(out, hide_index=True, column_config={
            t("open_report"): st.column_config.LinkColumn(t("open_report"),
                                                          display_text=r"report=(\d+)"),
        })


filters = page_setup("agency", "page_agency")
st.markdown(PRINT_CSS, unsafe_allow_html=True)
with error_boundary():
    con = get_con()
    adf = agencies_df()
    names = adf["name"].tolist()
    if not filters.agencies:
        if not names:
            empty_state(t("no_reports"))
        else:
            pick_agency(names)
    else:
        name = filters.agencies[0]
        if len(filters.agencies) > 1:
            others = " · ".join(f"[{n}]({profile_link(n)})" for n in filters.agencies[1:])
            st.caption(t("profile_first_of") + " " + others)
        rec = adf[adf["name"] == name].iloc[0].to_dict()
        agency_id = int(rec["agency_id"])
        kind = timeliness.agency_type(rec["name"], rec.get("level"))
        header(rec, kind)
        with st.container(key="noprint_hint"):
            st.caption(t("print_hint"))
        labels = {"level_region": t("peers_level_region"), "level": t("peers_level"),
                  "all": t("peers_all")}
        peer_choice = url_selectbox(t("peer_group"), list(PEER_KEYS), "peers",
                                    default="level_region",
                                    format_func=lambda k, _l=labels: _l[k])
        indicators_block(agency_id, PEER_KEYS[peer_choice])
        timeliness_block(agency_id)
        findings_block(agency_id)
        consistency_block(agency_id)
        reports_block(agency_id)
