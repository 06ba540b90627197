"""Overview (/): headline figures with change vs the previous year, report coverage
(agency × year, each cell opens the report), a ranking by a metric chosen in the URL, and
red flags. Thin: filters from pages/_ui/state.py, numbers from etl/query/overview.py."""
from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from etl.present import i18n
from etl.query import overview
from etl.metrics import load_metrics
from pages._ui.data import cached, get_con, selection
from pages._ui.downloads import show_chart, show_table
from pages._ui.links import link_to
from pages._ui.messages import empty_state, error_boundary
from pages._ui.session import lang, metric_label, t
from pages._ui.state import page_setup, url_selectbox

RANK_DEFAULT = "disclosure.items"

i18n.register({"ov_n_error_findings": ("{n} 个错误", "{n} error finding(s)")})
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


def headline_section(con, ids, y0, y1) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    st.subheader(t("headline"))
    df = cached(overview.headline, ids, y0, y1)
    df = df[(df["agencies_reporting"] > 0) | df["items_disclosed"].notna()] if not df.empty else df
    if df.empty:
        empty_state()
        return df
    df = df.sort_values("year")
    cur = df.iloc[-1]
    year = int(cur["year"])
    prev_rows = df[df["year"] == year - 1]
    prev = prev_rows.iloc[0] if not prev_rows.empty else None
    st.caption(t("latest_year", year=year))

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

    trend = pd.concat([
        pd.DataFrame({"year": df["year"], "series": t("h_items_disclosed"),
                      "value": df["items_disclosed"]}),
        pd.DataFrame({"year": df["year"], "series": t("h_requests_received"),
                      "value": df["requests_received"]}),
    ]).dropna(subset=["value"])
    if not trend.empty:
        from etl.present import charts

        fig = charts.grouped_bar_chart(trend, group="series", value="value", unit="件",
                                       lang=lang(), y_label=t("value"))
        show_chart(fig, trend, "overview_headline")
    return df


def coverage_section(con, ids, y0, y1) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    st.subheader(t("coverage"))
    cov = cached(overview.coverage, ids, y0, y1, limit_agencies=COVERAGE_LIMIT)
    if cov.empty:
        empty_state()
        return cov
    st.caption(t("coverage_help"))
    if cov["agency"].nunique() >= COVERAGE_LIMIT:
        st.caption(t("coverage_truncated", n=COVERAGE_LIMIT))
    unknown = t("unknown")
    cov = cov.assign(agency=cov["agency"].fillna(unknown))
    kind_order = {"disclosure_report": 0, "work_summary": 1, "template": 2, "letter": 3}
    # one pass over the reports sorted so that each cell's first row is the report it opens
    rows = cov.assign(_o=cov["kind"].map(kind_order).fillna(9)).sort_values(
        ["agency", "year", "_o", "report_id"], kind="stable")
    first: dict[tuple[str, int], int] = {}
    kinds: dict[tuple[str, int], list[str]] = {}
    n_findings: dict[tuple[str, int], int] = {}
    lg = lang()
    kind_labels = {k: i18n.kind_label(k, lg) for k in set(rows["kind"])}
    for agency, year, rid, kind, nf in zip(rows["agency"], rows["year"], rows["report_id"],
                                           rows["kind"], rows["n_findings"]):
        key = (str(agency), int(year))
        first.setdefault(key, int(rid))
        label = kind_labels[kind]
        if label not in kinds.setdefault(key, []):
            kinds[key].append(label)
        n_findings[key] = n_findings.get(key, 0) + int(nf)
    base = link_to("report", report="RID")  # the same link for every cell but the report id
    cells: dict[tuple[str, int], str] = {}
    for key, rid in first.items():
        # "+" would read as a space in the link's display text
        label = " / ".join(kinds[key]) + (f" · ⚠{n_findings[key]}" if n_findings[key] else "")
        cells[key] = f"{_with_report(base, rid)}#{label}"
    agencies = list(dict.fromkeys(cov["agency"]))
    years = sorted({int(y) for y in cov["year"]})
    matrix = pd.DataFrame(
        [[cells.get((a, y), "") for y in years] for a in agencies],
        columns=[str(y) for y in years],
    )
    matrix.insert(0, t("agency"), agencies)
    config = {
        str(y): st.column_config.LinkColumn(str(y), display_text=r"#(.*)$") for y in years
    }
    st.dataframe(matrix, hide_index=True, column_config=config)
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


def ranking_section(con, ids, y0, y1) -> None:  # type: ignore[no-untyped-def]
    st.subheader(t("ranking"))
    options = list(overview.RATE_METRICS) + list(load_metrics())
    labels = {"rate.disclosure": t("h_disclosure_rate") + " (%)",
              "rate.correction": t("h_correction_rate") + " (%)"}
    metric = url_selectbox(
        t("ranking_metric"), options, "metric", default=RANK_DEFAULT,
        format_func=lambda m, _lg=lang(): labels.get(m) or i18n.metric_label(m, _lg),
    )
    rank = cached(overview.ranking, metric, y1, ids, limit=20)
    if rank.empty:
        empty_state()
        return
    st.caption(t("ranking_in_year", year=int(rank["year"].iloc[0])))
    unit, scale = display_unit(metric)
    from etl.present.charts import axis_title

    value_label = labels.get(metric) or axis_title(metric_label(metric), unit, lang())
    out = rank[["rank", "agency", "year", "value"]].assign(
        value=lambda d: (pd.to_numeric(d["value"], errors="coerce") * scale).round(2)
    ).rename(columns={
        "rank": t("rank"), "agency": t("agency"), "year": t("year"), "value": value_label,
    })
    show_table(out, name=f"ranking_{metric}")


def red_flags_section(con, ids, y0, y1, cov: pd.DataFrame) -> None:  # type: ignore[no-untyped-def]
    st.subheader(t("red_flags"))
    flags = cached(overview.red_flags, ids, y0, y1)
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
    st.dataframe(out, hide_index=True, column_config={
        t("open_report"): st.column_config.LinkColumn(t("open_report"), display_text=r"report=(\d+)"),
    })


filters = page_setup("overview", "overview_title")
with error_boundary():
    con = get_con()
    if overview.report_count(con) == 0:
        empty_state(t("no_reports"))
    else:
        ids, y0, y1 = selection(filters)
        headline_section(con, ids, y0, y1)
        cov = coverage_section(con, ids, y0, y1)
        # one below the other: side by side, the red flags' detail and report link columns
        # were cut off at the right edge of a half-width table
        ranking_section(con, ids, y0, y1)
        red_flags_section(con, ids, y0, y1, cov)
