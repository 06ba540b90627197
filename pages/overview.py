"""Overview (/): headline figures with change vs the previous year, report coverage
(agency × year, each cell opens the report), a ranking by a metric chosen in the URL, and
red flags. Thin: filters from pages/_ui/state.py, numbers from etl/query/overview.py."""
from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from etl.present import coverage, html_table, i18n
from etl.present import supervision as sv
from etl.query import completeness, indicators, overview, timeliness
from etl.metrics import load_metrics
from pages._ui.data import agencies_df, cached, get_con, selection
from pages._ui.downloads import download_buttons, first_rows, show_chart, show_table
from pages._ui.links import link_to, profile_link, profile_links
from pages._ui.messages import empty_state, error_boundary
from pages._ui.session import agency_label, lang, metric_label, t
from pages._ui.state import page_setup, url_selectbox, url_tabs

RANK_DEFAULT = "disclosure.items"

i18n.register({
    "ov_n_error_findings": ("{n} 个错误", "{n} error finding(s)"),
    "ov_tab_red_flags": ("风险提示", "Red flags"),
    "ov_tab_ranking": ("排名", "Ranking"),
    "ov_tab_coverage": ("报告覆盖", "Coverage"),
    "ov_tab_indicators": ("标准指标", "Indicators"),
    "ov_tab_timeliness": ("按时发布", "Timeliness"),
    "ov_tab_trend": ("历年趋势", "Trend"),
})
COVERAGE_LIMIT = 200  # agencies in the matrix; pick agencies or a region to see others


def _num(v: object) -> float | None:
    if v is None:
        return None
    try:
        f = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def fmt_count(v: object) -> str:
    f = _num(v)
    return "—" if f is None else f"{f:,.0f}"


def fmt_pct(v: object) -> str:
    f = _num(v)
    return "—" if f is None else f"{f:.1f}%"


def _delta_count(cur: object, prev: object) -> str | None:
    c, p = _num(cur), _num(prev)
    if c is None or p is None:
        return None
    return f"{c - p:+,.0f}"


def _delta_pct(cur: object, prev: object) -> str | None:
    c, p = _num(cur), _num(prev)
    if c is None or p is None:
        return None
    return f"{c - p:+.1f} pp"


def _with_report(link: str, report_id: int) -> str:
    """``link`` (made by link_to with report=RID) pointing at another report."""
    return link.replace("report=RID", f"report={int(report_id)}")


def headline_year(ids, y0, y1, years: list[int]) -> tuple[int, dict]:  # type: ignore[no-untyped-def]
    """The headline year (URL ``year``) among ``years`` and every year's reporting status.

    Default: the latest year in which most agencies of the selection reported
    (etl/query/completeness.py), so one early upload for a new year does not become the
    headline; partial years are offered too, labelled as partial.
    """
    counts, total = cached(completeness.reporting_counts, ids)
    statuses = completeness.year_statuses(counts, total)
    default = completeness.default_year(counts, total, y0, y1)
    if default not in years:
        default = max(years)
    labels: dict[int, str] = {}
    for y in years:
        s = statuses.get(y)
        labels[y] = (str(y) if s is None or s.complete else
                     t("year_option_partial", year=y, n=s.reported, total=s.agencies))
    year = url_selectbox(
        t("headline_year"), sorted(years, reverse=True), "year", default=default,
        format_func=lambda y, _l=labels: _l.get(y, str(y)), help=t("headline_year_help"),
    )
    return int(year), statuses


def headline_section(con, ids, y0, y1) -> tuple[pd.DataFrame, int | None, dict]:  # type: ignore[no-untyped-def]
    st.subheader(t("headline"))
    df = cached(overview.headline, ids, y0, y1)
    df = df[(df["agencies_reporting"] > 0) | df["items_disclosed"].notna()] if not df.empty else df
    if df.empty:
        empty_state()
        return df, None, {}
    df = df.sort_values("year")
    year, statuses = headline_year(ids, y0, y1, [int(y) for y in df["year"]])
    cur = df[df["year"] == year].iloc[0]
    status = statuses.get(year)
    prev_year = completeness.comparable_previous(statuses, year)
    prev_rows = df[df["year"] == prev_year] if prev_year is not None else df.iloc[0:0]
    prev = prev_rows.iloc[0] if not prev_rows.empty else None
    if status is not None:
        st.caption(t("year_reported_n_of_n", year=year, n=status.reported, total=status.agencies))
        if not status.complete:
            st.warning(t("year_partial_warning", year=year, n=status.reported,
                         total=status.agencies))
        elif prev is None and (year - 1) in statuses:
            st.caption(t("no_delta_partial"))
    newer = [f"{y} ({s.reported}/{s.agencies})" for y, s in sorted(statuses.items())
             if y > year and not s.complete and (y1 is None or y <= y1)]
    if newer:
        st.caption(t("newer_partial_years", years=", ".join(newer)))

    def p(col: str) -> object:
        return None if prev is None else prev[col]

    cols = st.columns(5)

    def metric(col, label: str, value: str, delta: str | None, **kw: object) -> None:  # type: ignore[no-untyped-def]
        if delta is not None and not any(ch in "123456789" for ch in delta):
            # no change: a green "up" arrow on "+0" read as an improvement
            kw.update(delta_color="off", delta_arrow="off")
        col.metric(label, value, delta, **kw)

    metric(cols[0], t("h_agencies_reporting"), fmt_count(cur["agencies_reporting"]),
           _delta_count(cur["agencies_reporting"], p("agencies_reporting")))
    metric(cols[1], t("h_items_disclosed"), fmt_count(cur["items_disclosed"]),
           _delta_count(cur["items_disclosed"], p("items_disclosed")))
    metric(cols[2], t("h_requests_received"), fmt_count(cur["requests_received"]),
           _delta_count(cur["requests_received"], p("requests_received")))
    metric(cols[3], t("h_disclosure_rate"), fmt_pct(cur["disclosure_rate"]),
           _delta_pct(cur["disclosure_rate"], p("disclosure_rate")),
           help=t("disclosure_rate_help"))
    metric(cols[4], t("h_correction_rate"), fmt_pct(cur["correction_rate"]),
           _delta_pct(cur["correction_rate"], p("correction_rate")),
           help=t("correction_rate_help"), delta_color="inverse")

    return df, year, statuses


def trend_section(df: pd.DataFrame) -> None:
    """Items disclosed and requests received per year of the selection (the headline's rows)."""
    trend = pd.concat([
        pd.DataFrame({"year": df["year"], "series": t("h_items_disclosed"),
                      "value": df["items_disclosed"]}),
        pd.DataFrame({"year": df["year"], "series": t("h_requests_received"),
                      "value": df["requests_received"]}),
    ]).dropna(subset=["value"])
    if trend.empty:
        empty_state()
        return
    from etl.present import charts

    fig = charts.grouped_bar_chart(trend, group="series", value="value", unit="件",
                                   lang=lang(), y_label=t("value"))
    show_chart(fig, trend, "overview_headline")


def coverage_section(con, ids, y0, y1) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    cov = cached(overview.coverage, ids, y0, y1, limit_agencies=COVERAGE_LIMIT)
    if cov.empty:
        empty_state()
        return cov
    st.caption(t("coverage_help"))
    if cov["agency"].nunique() >= COVERAGE_LIMIT:
        st.caption(t("coverage_truncated", n=COVERAGE_LIMIT))
    unknown = t("unknown")
    cov = cov.assign(agency=cov["agency"].fillna(unknown))
    lg = lang()
    agencies = list(dict.fromkeys(cov["agency"]))
    grid = coverage.cells(cov, cached(timeliness_of, ids, y0, y1, tuple(agencies)), lg)
    years = coverage.years_of(grid)
    base = link_to("report", report="RID")  # the same link for every cell but the report id

    def _value(cell: coverage.Cell | None, agency: str) -> str:
        if cell is None:
            return ""
        url = (_with_report(base, cell.report_id) if cell.report_id is not None
               else profile_link(agency))
        return f"{url}#{cell.label}"

    matrix = pd.DataFrame(
        [[_value(grid.get((a, y)), a) for y in years] for a in agencies],
        columns=[str(y) for y in years],
    )
    matrix.insert(0, t("agency"), [agency_label(a) for a in agencies])
    colours = pd.DataFrame(
        [[""] + [f"background-color: {coverage.STATE_COLOURS[grid[(a, y)].state]}"
                 if (a, y) in grid else "" for y in years] for a in agencies],
        columns=matrix.columns,
    )
    config = {
        t("agency"): st.column_config.TextColumn(t("agency"), pinned=True),
        **{str(y): st.column_config.LinkColumn(str(y), display_text=r"#(.*)$", width=72)
           for y in years},
    }
    # every agency (up to 20 rows in view, then the table scrolls), the agency column pinned;
    # plain HTML: the data grid with a Styler's colours was 0.8 s of a province's tab switch
    st.html(html_table.table_html(matrix, config, cell_styles=colours, pin_first=True,
                                  max_height=38 + 35 * 20, blank=""))  # blank: see the legend
    return cov


def display_unit(metric_id: str) -> tuple[str, float]:
    """(display unit, factor from the stored unit): yuan → 万元 and US$ → 万美元 as on the
    analysis pages, so a ranking by money shows the unit the reports print."""
    if metric_id in overview.RATE_METRICS:
        return "%", 1.0
    m = load_metrics().get(metric_id)
    unit = m.unit if m is not None else "count"
    if unit == "cny":
        return "万元", 1e-4
    if unit == "usd":
        return "万美元", 1e-4
    if unit == "pct":
        return "%", 1.0
    return ("家" if metric_id == "investment.fdi_new_enterprises" else "件"), 1.0


def ranking_section(con, ids, year: int | None, statuses: dict) -> None:  # type: ignore[no-untyped-def]
    """Agencies ranked in the headline year; a metric the year lacks falls back to the latest
    earlier year holding it (never to a newer, partial one)."""
    options = list(overview.RATE_METRICS) + list(load_metrics())
    labels = {"rate.disclosure": t("h_disclosure_rate") + " (%)",
              "rate.correction": t("h_correction_rate") + " (%)"}
    metric = url_selectbox(
        t("ranking_metric"), options, "metric", default=RANK_DEFAULT,
        format_func=lambda m, _lg=lang(): labels.get(m) or i18n.metric_label(m, _lg),
    )
    rank = cached(overview.ranking, metric, year, ids, limit=20) if year is not None else None
    if rank is None or rank.empty:
        rank = cached(overview.ranking, metric, None, ids, limit=20)
        if not rank.empty and year is not None and int(rank["year"].iloc[0]) > year:
            rank = rank.iloc[0:0]
    if rank.empty:
        empty_state()
        return
    rank_year = int(rank["year"].iloc[0])
    st.caption(t("ranking_in_year", year=rank_year))
    status = statuses.get(rank_year)
    if status is not None and not status.complete:
        st.warning(t("ranking_partial_note", year=rank_year, n=status.reported,
                     total=status.agencies))
    unit, scale = display_unit(metric)
    from etl.present.charts import axis_title

    value_label = labels.get(metric) or axis_title(metric_label(metric), unit, lang())
    out = rank[["rank", "agency", "year", "value"]].assign(
        value=lambda d: (pd.to_numeric(d["value"], errors="coerce") * scale).round(2)
    ).rename(columns={
        "rank": t("rank"), "agency": t("agency"), "year": t("year"), "value": value_label,
    })
    profile = t("open_profile")
    shown = out.assign(**{profile: [f"{u}#{profile}" for u in profile_links(rank["agency"])]})
    show_table(shown, column_config={
        profile: st.column_config.LinkColumn(profile, display_text=r"#(.*)$"),
    })
    download_buttons(out, f"ranking_{metric}")


PEER_KEYS = {"level_region": ("level", "region"), "level": ("level",), "all": ()}


def peer_selector() -> tuple[str, ...]:
    """The peer group of percentiles (URL ``peers``): same level and region by default."""
    labels = {"level_region": t("peers_level_region"), "level": t("peers_level"),
              "all": t("peers_all")}
    choice = url_selectbox(t("peer_group"), list(PEER_KEYS), "peers", default="level_region",
                           format_func=lambda k, _l=labels: _l[k])
    return PEER_KEYS[choice]


def indicators_section(con, ids, year: int | None) -> None:  # type: ignore[no-untyped-def]
    """The standard indicators of the headline year: the selection's ratio of sums with its N,
    then one indicator (URL ``ind``) per agency with its rating and percentile among peers."""
    if year is None:
        empty_state()
        return
    config = indicators.load_config()
    st.caption(t("indicators_help"))
    c0, c1 = st.columns(2)
    with c0:
        chosen = url_selectbox(
            t("indicator"), list(indicators.INDICATORS), "ind", default="correction_rate",
            format_func=lambda i, _lg=lang(): sv.indicator_label(i, _lg))
    with c1:
        keys = peer_selector()
    lg = lang()
    got = cached(indicator_frames, year, indicators.config_stamp(), tuple(keys),
                 None if ids is None else tuple(ids), chosen, lg)
    if got is None:
        empty_state()
        return
    summary, one, table = got
    st.markdown(f"**{t('selection_total')} · {year}**")
    show_table(summary, name=f"indicators_{year}")
    if one.empty:
        empty_state()
        return
    names = dict(zip(agencies_df()["agency_id"], agencies_df()["name"]))
    profile = t("open_profile")
    shown = first_rows(table)  # a province's 20,000 agencies: the first rows, links for them
    shown = shown.assign(**{profile: [f"{u}#{profile}" for u in profile_links(
        names.get(int(a), "") for a in one["agency_id"].head(len(shown)))]})
    st.markdown(f"**{sv.indicator_label(chosen, lg)} · {year}** — "
                f"{sv.indicator_definition(chosen, config.get(chosen), lg)}")
    show_table(shown, column_config={
        profile: st.column_config.LinkColumn(profile, display_text=r"#(.*)$"),
        t("percentile"): st.column_config.TextColumn(t("percentile"), help=t("percentile_help")),
    })
    download_buttons(table, f"indicator_{chosen}_{year}")
    note = sv.min_n_text(config, [chosen], lg)
    if note:
        st.caption(t("small_n_note", n=note))


def indicator_frames(con, year: int, _stamp: object, keys: tuple[str, ...],  # type: ignore[no-untyped-def]
                     ids: tuple[int, ...] | None, chosen: str, lg: str):
    """(summary table, the chosen indicator's rows, their display table) of the headline year,
    or None without indicators: through ``cached`` (keyed by the snapshot, the config file's
    stamp and the view), since formatting a province's 20,000 rows took 0.5 s of every run."""
    config = indicators.load_config()
    # every agency of the year, so percentiles compare with the whole peer group
    allind = cached(indicators.compute_year, year, _stamp)  # shared by every indicator and view
    if allind.empty:
        return None
    adf = agencies_df()
    allind = indicators.with_peers(allind, adf, keys)
    sel = allind if ids is None else allind[allind["agency_id"].isin(ids)]
    agg = indicators.aggregate(sel, config)
    t = lambda k: i18n.t(k, lg)  # noqa: E731
    summary = pd.DataFrame({
        t("indicator"): [t("ind_requests_per_agency") if i == "requests_received"
                         else sv.indicator_label(i, lg) for i in agg["indicator"]],
        t("definition"): [sv.indicator_definition(i, config.get(i), lg) for i in agg["indicator"]],
        t("value"): [sv.fmt_value(i, v, d) for i, v, d in
                     zip(agg["indicator"], agg["value"], agg["den"])],
        t("numerator"): [sv.fmt_count(v) for v in agg["num"]],
        t("denominator_n"): [sv.fmt_count(v) for v in agg["den"]],
        t("agencies_n"): [sv.fmt_count(v) for v in agg["agencies"]],
        t("rating"): [sv.rating_label(r, lg) for r in agg["rating"]],
    })
    order = {k: n for n, k in enumerate(indicators.INDICATORS)}
    summary = summary.iloc[agg["indicator"].map(order).argsort()].reset_index(drop=True)
    one = sel[sel["indicator"] == chosen].sort_values(
        ["value", "agency_id"], ascending=[False, True], na_position="last")
    return summary, one, sv.indicator_table(one, lg, config, dict(zip(adf["agency_id"], adf["name"])))


def timeliness_section(con, ids, y0, y1, year: int | None) -> None:  # type: ignore[no-untyped-def]
    """On-time rate of the headline year and by year, and every late or missing report."""
    st.caption(t("timeliness_help"))
    got = cached(timeliness_summary, ids, y0, y1, year)
    if got is None:
        empty_state()
        return
    s, s_all, span, per_year, bad = got
    lg = lang()
    cols = st.columns(2)
    if s is not None:
        cols[0].metric(f"{t('on_time_rate')} · {year}", sv.fmt_pct(s["rate"]),
                       help=sv.on_time_text(s, lg))
        cols[0].caption(sv.on_time_text(s, lg))
    cols[1].metric(f"{t('on_time_rate')} · {span}", sv.fmt_pct(s_all["rate"]),
                   help=sv.on_time_text(s_all, lg))
    cols[1].caption(sv.on_time_text(s_all, lg))
    long = per_year.melt(id_vars=["year"], value_vars=list(timeliness.STATUSES),
                         var_name="status", value_name="value")
    long["series"] = [sv.status_label(x, lg) for x in long["status"]]
    from etl.present import charts

    fig = charts.grouped_bar_chart(
        long, group="series", value="value", unit="份", lang=lg, y_label=t("reports_n"),
        group_order=[sv.status_label(x, lg) for x in timeliness.STATUSES], stacked=True)
    download = per_year.assign(rate=per_year["rate"].round(1)).rename(columns={
        "year": t("year"), "rate": t("rate_pct"),
        **{x: sv.status_label(x, lg) for x in timeliness.STATUSES}, "n": "N"})
    show_chart(fig, download, "timeliness_by_year")
    if bad.empty:
        return
    table = sv.timeliness_table(bad, lg, with_agency=True)
    profile = t("open_profile")
    shown = first_rows(table)
    shown = shown.assign(**{profile: [f"{u}#{profile}" for u in profile_links(bad["agency"].head(len(shown)))]})
    show_table(shown, column_config={
        profile: st.column_config.LinkColumn(profile, display_text=r"#(.*)$"),
    })
    download_buttons(table, "timeliness_late_missing")


def timeliness_summary(con, ids, y0, y1, year: int | None):  # type: ignore[no-untyped-def]
    """(the headline year's rate or None, the whole span's rate, the span's label, per year, the
    late and missing agency-years) or None without reports: through ``cached``, so a run hands
    the page these few rows instead of a copy of every agency-year (339,000 in a province)."""
    tdf = cached(timeliness.timeliness, ids, y0, y1)
    if tdf.empty:
        return None
    s = timeliness.on_time_rate(tdf[tdf["year"] == year]) if year is not None else None
    span = f"{int(tdf['year'].min())}–{int(tdf['year'].max())}"
    bad = tdf[tdf["status"].isin([timeliness.LATE, timeliness.MISSING])].sort_values(
        ["year", "agency"], ascending=[False, True])
    return s, timeliness.on_time_rate(tdf), span, timeliness.by_year(tdf), bad


def timeliness_of(con, ids, y0, y1, agencies: tuple[str, ...]) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """The timeliness rows of the coverage matrix's agencies (through ``cached``, as above)."""
    tdf = cached(timeliness.timeliness, ids, y0, y1)
    return tdf[tdf["agency"].isin(set(agencies))] if not tdf.empty else tdf


def red_flags_section(con, ids, y0, y1) -> None:  # type: ignore[no-untyped-def]
    flags = cached(overview.red_flags, ids, y0, y1)
    # the coverage rows (the matrix's query, cached) give a flag without a report its first one
    cov = cached(overview.coverage, ids, y0, y1, limit_agencies=COVERAGE_LIMIT)
    if flags.empty:
        if cov.empty:  # nothing in the selection: "no red flags" would read as an all-clear
            empty_state()
        else:
            st.success(t("no_red_flags"))
        return
    first_report: dict[tuple[int, int], int] = {}
    if not cov.empty:
        known = cov[cov["agency_id"].notna()]
        for aid, year, rid in zip(known["agency_id"], known["year"], known["report_id"]):
            first_report.setdefault((int(aid), int(year)), int(rid))
    base = link_to("report", report="RID")
    lg = lang()
    flag_labels = {f: i18n.t(f"flag_{f}", lg) for f in set(flags["flag"])}
    col = {k: i18n.t(k, lg) for k in ("agency", "year", "flag", "detail", "open_report")}
    rows = []
    for agency, agency_id, year, flag, value, report_id in zip(
            flags["agency"], flags["agency_id"], flags["year"], flags["flag"], flags["value"],
            flags["report_id"]):
        rid = report_id if not pd.isna(report_id) else first_report.get(
            (int(agency_id), int(year)))
        if flag == "error_findings":
            detail = i18n.t("ov_n_error_findings", lg, n=fmt_count(value))
        elif flag in ("high_correction", "low_disclosure"):
            detail = fmt_pct(value)
        else:
            detail = ""
        rows.append({
            col["agency"]: agency, col["year"]: int(year), col["flag"]: flag_labels[flag],
            col["detail"]: detail,
            col["open_report"]: "" if rid is None or pd.isna(rid)
            else _with_report(base, int(rid)),
        })
    out = pd.DataFrame(rows)
    show_table(out, name="red_flags", light=True, column_config={
        t("open_report"): st.column_config.LinkColumn(t("open_report"), display_text=r"report=(\d+)"),
    })


#: the overview's tabs (URL ``view``), the first the default: only the open one is drawn
TABS = ("red_flags", "ranking", "coverage", "indicators", "timeliness", "trend")

filters = page_setup("overview", "overview_title")
with error_boundary():
    con = get_con()
    if overview.report_count(con) == 0:
        empty_state(t("no_reports"))
    else:
        ids, y0, y1 = selection(filters)
        df, year, statuses = headline_section(con, ids, y0, y1)
        view, _tabs = url_tabs([(k, t(f"ov_tab_{k}")) for k in TABS])
        with _tabs[view]:
            if view == "red_flags":
                red_flags_section(con, ids, y0, y1)
            elif view == "ranking":
                ranking_section(con, ids, year, statuses)
            elif view == "coverage":
                coverage_section(con, ids, y0, y1)
            elif view == "indicators":
                indicators_section(con, ids, year)
            elif view == "timeliness":
                timeliness_section(con, ids, y0, y1, year)
            elif not df.empty:
                trend_section(df)
            else:
                empty_state()
