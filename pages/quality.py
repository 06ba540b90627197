"""Data quality (/quality): the consistency checks a supervisor reads and every stored finding
of the selection, each with its reviewer's verdict; analysts give verdicts here.

URL: ``rule`` / ``severity`` (repeatable) filter every tab besides the sidebar's agencies and
years; ``view`` is the open tab (:data:`TABS`; only that one is run and drawn): ``findings``
(the default), ``consistency`` or ``reuse`` (reused text: reads the archived originals, slow the
first time). An older link's ``reuse=1`` opens the reuse tab. Messages are written in the view's
language (etl/present/findings_text.py); CSV/XLSX downloads give exactly the tables shown.
"""
from __future__ import annotations

from typing import Any, Callable

import pandas as pd
import streamlit as st

from etl.model import SEVERITIES
from etl.present import findings_text as ft
from etl.present import i18n
from etl.query import consistency, overview, reuse
from etl.store import verdicts as vstore
from pages._ui.data import cached, get_con, selection
from pages._ui import downloads
from pages._ui.downloads import first_rows, show_table, shown_rows
from pages._ui.links import nav_link, report_link_maker, report_links
from pages._ui.messages import empty_state, error_boundary
from pages._ui.session import lang, t
from pages._ui.state import (first_names, page_setup, set_url_param, url_multiselect, url_param,
                             url_tabs)

LIMIT = 5000
_SS_SAVED = "_gk_verdict_saved"
COMPUTED_RULES = (*consistency.RULES, *reuse.RULES)
#: the page's tabs (URL ``view``), the first the default: only the open one is run and drawn
TABS = ("findings", "consistency", "reuse")

i18n.register({
    "q_filter": ("筛选问题", "Filter findings"),
    "q_filter_summary": ("规则：{rules}　严重程度：{severities}", "Rules: {rules} · Severity: {severities}"),
    "q_filter_more": ("{names} 等 {n} 项", "{names} and {more} more"),
    "q_tab_findings": ("问题清单", "Findings"),
    "q_tab_consistency": ("一致性检查", "Consistency"),
    "q_tab_reuse": ("重复文本", "Reused text"),
    "q_no_stored": ("所选范围内没有提取和跨年核对发现的问题；一致性检查的结果见“一致性检查”标签页。",
                    "No extraction or cross-year findings in this selection; the consistency "
                    "checks' findings are in the Consistency tab."),
})


def _link_col() -> dict[str, Any]:
    return {t("open_report"): st.column_config.LinkColumn(
        t("open_report"), display_text=r"report=(\d+)")}


def _verdict_cols(df: pd.DataFrame, lg: str, label: Callable[[str], str] = t) -> dict[str, list[str]]:
    return {
        label("vd_verdict"): [ft.verdict_label(v, lg) for v in df["verdict"]],
        label("vd_who"): [ft.text_or_blank(v) for v in df["who"]],
        label("vd_why"): [ft.text_or_blank(v) for v in df["why"]],
    }


def _picked(picks: list[str], label: Callable[[str], str]) -> str:
    """The summary's words for one filter: all, or the first picks (and how many more)."""
    if not picks:
        return t("all")
    names, more = first_names(picks, lang(), label)
    return t("q_filter_more", names=names, n=len(picks), more=more) if more else names


def _filter(df: pd.DataFrame, rules: list[str], severities: list[str]) -> pd.DataFrame:
    if df.empty:
        return df
    if rules:
        df = df[df["rule"].isin(rules)]
    if severities:
        df = df[df["severity"].isin(severities)]
    return df.reset_index(drop=True)


def level_table(df: pd.DataFrame, lg: str) -> pd.DataFrame:
    """The printed-vs-levels findings as shown (numbers in the metric's words and 万美元)."""
    def p(rec: dict, k: str) -> Any:
        return (rec.get("params") or {}).get(k)

    recs = df.to_dict("records")
    # the numbers and the verdict first: at 1400 px the columns after them scroll
    return pd.DataFrame({
        t("agency"): [ft.text_or_blank(r["agency"]) for r in recs],
        t("year"): [int(r["year"]) for r in recs],
        t("metric"): [i18n.metric_label(r["cell"], lg) for r in recs],
        # numbers, rounded as printed: a download has 28.57 and -44.7, not 15 decimals
        t("cs_printed"): [round(float(p(r, "printed")), 2) for r in recs],
        t("cs_computed"): [None if p(r, "computed") is None else round(float(p(r, "computed")), 1)
                           for r in recs],
        t("cs_prev_level"): [round(float(p(r, "prev")) / 10000) for r in recs],
        t("cs_cur_level"): [round(float(p(r, "cur")) / 10000) for r in recs],
        **_verdict_cols(df, lg),
        t("open_report"): report_links(r["report_id"] for r in recs),
        t("severity"): [i18n.severity_label(r["severity"], lg) for r in recs],
        t("rule_desc"): [i18n.rule_label(r["rule"], lg) for r in recs],
        t("message"): [ft.finding_message(r["rule"], r["message"], r.get("params"), lg)
                       for r in recs],
    })


def reuse_table(df: pd.DataFrame, lg: str) -> pd.DataFrame:
    recs = df.to_dict("records")
    return pd.DataFrame({
        t("agency"): [ft.text_or_blank(r["agency"]) for r in recs],
        t("year"): [int(r["year"]) for r in recs],
        t("rule_desc"): [i18n.rule_label(r["rule"], lg) for r in recs],
        t("cs_share"): [f"{r['params']['share']:.0f} %" for r in recs],
        t("cs_compared"): [f"{r['params'].get('other_agency') or ft.BLANK} "
                           f"{r['params'].get('other_year')}" for r in recs],
        t("message"): [ft.finding_message(r["rule"], r["message"], r.get("params"), lg)
                       for r in recs],
        **_verdict_cols(df, lg),
        t("open_report"): report_links(r["report_id"] for r in recs),
    })


def option_label(rec: dict, lg: str) -> str:
    where = f"{rec.get('agency') or t('unknown')} {'' if pd.isna(rec.get('year')) else int(rec['year'])}"
    cell = rec.get("cell") or ""
    cell_txt = i18n.metric_label(cell, lg) if cell.startswith(("investment.", "requests.",
                                                               "appeals.", "disclosure.")) else cell
    return " · ".join(x for x in (where, i18n.rule_label(rec["rule"], lg), cell_txt[:60]) if x)


def save_verdict(con: Any, key: vstore.FindingKey, verdict: str, who: str, why: str) -> None:
    """Store a verdict through the dashboard's write path (the primary read-write, then a new
    snapshot) where there is one; else on the page's own connection."""
    try:
        from pages._ui.data import write_con
    except ImportError:  # a dashboard whose pages read and write one shared connection
        vstore.set_verdict(con, key, verdict, who, why)
        return
    with write_con() as w:
        vstore.set_verdict(w, key, verdict, who, why)


def verdict_controls(con: Any, candidates: pd.DataFrame) -> None:
    """Analysts pick a finding of the tables above and confirm or dismiss it, saying why."""
    from pages._corrections import analyst_gate

    st.subheader(t("vd_title"))
    st.caption(t("vd_help"))
    saved = st.session_state.pop(_SS_SAVED, None)
    if saved:
        st.success(t("vd_saved"))
    # the findings the table above shows (its first rows): a province's 5,000 would be
    # 5,000 labels made and sent on every run for a picker inside a closed popover
    cand = candidates.head(shown_rows(light=True)).dropna(subset=["source_sha256", "position"])
    if cand.empty:
        empty_state(t("vd_nothing"))
        return
    decision = analyst_gate()
    if not decision.is_analyst:
        st.caption(t("vd_viewer"))
        return
    # In a popover: the browser draws the picker, the form and its widgets only when an
    # analyst opens it, not on every visit of the page (benchmarks/bench_browser.py).
    with st.popover(t("vd_open"), icon=":material/rate_review:"):
        _verdict_form(con, cand, decision)


def _verdict_form(con: Any, cand: pd.DataFrame, decision: Any) -> None:
    from pages._corrections import who_default

    lg = lang()
    recs = {f"{r['source_sha256']}|{int(r['position'])}|{r['rule']}|{r.get('cell') or ''}": r
            for r in cand.to_dict("records")}
    labels = {k: option_label(r, lg) for k, r in recs.items()}
    choice = st.selectbox(t("vd_pick"), list(recs), key="vd_pick",
                          format_func=lambda k, _l=labels: _l.get(k, k))
    rec = recs[choice]
    st.caption(ft.finding_message(rec["rule"], rec.get("message"), rec.get("params"), lg))
    key = consistency.verdict_key(rec)
    with st.form("vd_form", clear_on_submit=False):
        verdict = st.radio(t("vd_choice"), list(vstore.VERDICTS), key="vd_choice", horizontal=True,
                           format_func=lambda v, _lg=lg: ft.verdict_label(v, _lg))
        who = st.text_input(t("vd_who"), value=who_default(decision), key="vd_who")
        why = st.text_area(t("vd_why"), key="vd_why")
        submitted = st.form_submit_button(t("vd_save"))
    if submitted:
        if not (who or "").strip() or not (why or "").strip():
            st.error(t("vd_need_who_why"))
        else:
            try:
                save_verdict(con, key, verdict, who, why)
            except vstore.VerdictError as exc:
                st.error(t("vd_not_saved", error=str(exc)))
            else:
                st.session_state[_SS_SAVED] = True
                st.rerun()
    hist = vstore.history(con, key)
    if hist:
        st.markdown(f"**{t('vd_history')}**")
        st.dataframe(pd.DataFrame({
            t("vd_when"): [h["made_at"] for h in hist],
            t("vd_verdict"): [ft.verdict_label(h["verdict"], lg) for h in hist],
            t("vd_who"): [h["who"] for h in hist],
            t("vd_why"): [h["why"] for h in hist],
        }), hide_index=True)


def level_section(con: Any, ids: Any, y0: Any, y1: Any, rules: list[str],
                  severities: list[str], current: Any) -> pd.DataFrame:
    """The consistency checks' tab: printed changes and plan completions against the levels."""
    lg = lang()
    st.caption(t("cs_help"))
    nav_link("glossary", t("gl_link"), view="checks")  # the checks explained
    levels_all = cached(consistency.level_findings, ids, y0, y1, consistency.config_stamp())
    levels = consistency.with_verdicts(_filter(levels_all, rules, severities), current)
    if levels.empty:
        st.info(t("cs_none"))
        if overview.findings_by_rule(con, ids, y0, y1, rules or None, severities or None).empty:
            empty_state()  # nothing at all in the selection: say what would help
        return levels
    n_all = consistency.total(levels_all)
    st.caption(t("n_shown", n=len(levels)) if n_all <= len(levels_all)
               else t("cs_n_of", n=len(levels), total=n_all))
    show_table(level_table(levels, lg), name="consistency", column_config={
        **_link_col(),
        t("cs_printed"): st.column_config.NumberColumn(t("cs_printed"), format="%.2f"),
        t("cs_computed"): st.column_config.NumberColumn(t("cs_computed"), format="%+.1f"),
        t("cs_prev_level"): st.column_config.NumberColumn(t("cs_prev_level"), format="%,d"),
        t("cs_cur_level"): st.column_config.NumberColumn(t("cs_cur_level"), format="%,d"),
    })
    return levels


def reuse_section(ids: Any, y0: Any, y1: Any, rules: list[str], severities: list[str],
                  current: Any) -> pd.DataFrame:
    """The reused text's tab (reads the archived originals: slow the first time)."""
    st.caption(t("cs_reuse_help"))
    with st.spinner(t("cs_reuse_title")):
        reused = cached(reuse.reuse_findings, ids, y0, y1, consistency.config_stamp())
    too_many = reused.attrs.get("too_many")
    reused = consistency.with_verdicts(_filter(reused, rules, severities), current)
    if too_many:
        st.info(t("cs_reuse_too_many", n=too_many, max=reuse.MAX_REPORTS))
    elif reused.empty:
        st.info(t("cs_reuse_none"))
    else:
        show_table(reuse_table(reused, lang()), name="reused_text", column_config=_link_col())
    return reused


def _keyed_findings(con: Any, ids: Any, y0: Any, y1: Any, rules: Any, severities: Any) -> pd.DataFrame:
    """The selection's stored findings (up to :data:`LIMIT`) with the keys verdicts are kept by."""
    fd = overview.findings(con, ids, y0, y1, list(rules) if rules else None,
                           list(severities) if severities else None, limit=LIMIT)
    return consistency.with_keys(con, fd)


def findings_section(con: Any, ids: Any, y0: Any, y1: Any, rules: list[str],
                     severities: list[str], current: Any) -> pd.DataFrame:
    """The stored findings' tab (extraction and cross-year identities): counts by rule, then
    every finding of the selection (up to :data:`LIMIT`)."""
    lg = lang()
    # the stored findings change only with a load (a new snapshot): cached per snapshot, as
    # the other pages' queries are; the verdicts (``current``) are read on every run
    counts = cached(overview.findings_by_rule, ids, y0, y1, rules or None, severities or None)
    if counts.empty:
        levels = cached(consistency.level_findings, ids, y0, y1, consistency.config_stamp())
        if _filter(levels, rules, severities).empty:
            empty_state()  # nothing at all in the selection (reused text aside: it is slow)
        else:
            st.info(t("q_no_stored"))
        return pd.DataFrame()
    st.subheader(t("counts_by_rule"))
    counts_out = counts.assign(
        severity=[i18n.severity_label(s, lg) for s in counts["severity"]])
    counts_out.insert(0, "rule_desc", [i18n.rule_label(r, lg) for r in counts["rule"]])
    show_table(
        counts_out.rename(columns={"rule_desc": t("rule_desc"), "rule": t("rule"),
                                   "severity": t("severity"), "count": t("count")}),
        name="findings_by_rule", light=True,
    )
    st.subheader(t("all_findings"))
    keyed = cached(_keyed_findings, ids, y0, y1, rules or None, severities or None)
    stored = consistency.with_verdicts(keyed, current)
    st.caption(t("n_shown", n=len(stored)))

    # everything in_words needs from this run (the language, the labels, the links' view),
    # taken now: the download's frame is made later, when it is clicked, outside the run
    name = {k: t(k) for k in ("agency", "year", "rule_desc", "rule", "severity", "message",
                              "cells", "open_report", "unknown", "vd_verdict", "vd_who", "vd_why")}
    link = report_link_maker()

    def in_words(rows: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({
            name["agency"]: [ft.text_or_blank(a) if isinstance(a, str) else name["unknown"]
                             for a in rows["agency"]],
            name["year"]: [ft.BLANK if pd.isna(y) else int(y) for y in rows["year"]],
            name["rule_desc"]: [i18n.rule_label(r, lg) for r in rows["rule"]],
            name["rule"]: rows["rule"],
            name["severity"]: [i18n.severity_label(s, lg) for s in rows["severity"]],
            name["message"]: [ft.finding_message(r, m, None, lg)
                              for r, m in zip(rows["rule"], rows["message"])],
            name["cells"]: [ft.text_or_blank(c) for c in rows["cells"]],
            **_verdict_cols(rows, lg, name.__getitem__),
            "report_id": rows["report_id"],
            name["open_report"]: [link(r) for r in rows["report_id"]],
        })

    # the rows shown are put in words on every run, the download's only when it is clicked
    shown = first_rows(stored, shown_rows(light=True))
    show_table(in_words(shown), column_config=_link_col(), light=True)
    downloads.download_buttons(lambda: in_words(stored), "findings")
    return stored


def _reuse_link_opens_its_tab() -> None:
    """``reuse=1`` (the old checkbox's parameter, in links made before the tabs) becomes
    ``view=reuse``, unless the link names a tab itself; the URL keeps only ``view``."""
    if url_param("reuse") is None:
        return
    if url_param("reuse") == "1" and url_param("view") is None:
        set_url_param("view", "reuse")
    set_url_param("reuse", None)


filters = page_setup("quality", "quality_title")
with error_boundary():
    con = get_con()
    lg = lang()
    ids, y0, y1 = selection(filters)
    # The rule and severity filters open in a popover under a line saying which are in force,
    # as the sidebar's do: the two multiselects drawn openly were about 0.3 s of a new
    # session's first visit of this page (Chromium, demo data, 7 runs interleaved).
    summary = st.empty()
    box = st.popover(t("q_filter"), icon=":material/filter_list:")
    rule_options = list(dict.fromkeys([*COMPUTED_RULES, *overview.finding_rules(con)]))
    rules = url_multiselect(t("rule"), rule_options, "rule", container=box,
                            help=t("all"),
                            format_func=lambda r, _lg=lg: f"{i18n.rule_label(r, _lg)} ({r})"
                            if i18n.rule_label(r, _lg) != r else r)
    severities = url_multiselect(t("severity"), list(SEVERITIES), "severity", container=box,
                                 format_func=lambda s, _lg=lg: i18n.severity_label(s, _lg))
    summary.caption(t("q_filter_summary", rules=_picked(rules, lambda r: i18n.rule_label(r, lg)),
                      severities=_picked(severities, lambda v: i18n.severity_label(v, lg))))
    current = vstore.current(con)  # never cached: a verdict does not change the data stamp

    _reuse_link_opens_its_tab()
    view, _tabs = url_tabs([(k, t(f"q_tab_{k}")) for k in TABS])
    with _tabs[view]:
        if view == "consistency":
            shown = level_section(con, ids, y0, y1, rules, severities, current)
        elif view == "reuse":
            shown = reuse_section(ids, y0, y1, rules, severities, current)
        else:
            shown = findings_section(con, ids, y0, y1, rules, severities, current)
        if not shown.empty:  # the reviewer's verdict on a finding of this tab
            verdict_controls(con, shown)
