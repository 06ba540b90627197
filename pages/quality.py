"""Data quality (/quality): the consistency checks a supervisor reads and every stored finding
of the selection, each with its reviewer's verdict; analysts give verdicts here.

URL: ``rule`` / ``severity`` (repeatable) filter both tables besides the sidebar's agencies and
years; ``reuse=1`` also checks reused text (reads the archived originals, slow the first time).
Messages are written in the view's language (etl/present/findings_text.py); CSV/XLSX downloads
give exactly the tables shown.
"""
from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from etl.model import SEVERITIES
from etl.present import findings_text as ft
from etl.present import i18n
from etl.query import consistency, overview, reuse
from etl.store import verdicts as vstore
from pages._ui.data import cached, get_con, selection
from pages._ui.downloads import show_table
from pages._ui.links import nav_link, report_link
from pages._ui.messages import empty_state, error_boundary
from pages._ui.session import lang, t
from pages._ui.state import page_setup, set_url_param, url_multiselect, url_param

LIMIT = 5000
_SS_SAVED = "_gk_verdict_saved"
COMPUTED_RULES = (*consistency.RULES, *reuse.RULES)


def _link_col() -> dict[str, Any]:
    return {t("open_report"): st.column_config.LinkColumn(
        t("open_report"), display_text=r"report=(\d+)")}


def _verdict_cols(df: pd.DataFrame, lg: str) -> dict[str, list[str]]:
    return {
        t("vd_verdict"): [ft.verdict_label(v, lg) for v in df["verdict"]],
        t("vd_who"): [ft.text_or_blank(v) for v in df["who"]],
        t("vd_why"): [ft.text_or_blank(v) for v in df["why"]],
    }


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
        t("open_report"): [report_link(int(r["report_id"])) for r in recs],
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
        t("open_report"): [report_link(int(r["report_id"])) for r in recs],
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
    from pages._corrections import analyst_gate, who_default

    st.subheader(t("vd_title"))
    st.caption(t("vd_help"))
    saved = st.session_state.pop(_SS_SAVED, None)
    if saved:
        st.success(t("vd_saved"))
    cand = candidates.dropna(subset=["source_sha256", "position"])
    if cand.empty:
        empty_state(t("vd_nothing"))
        return
    decision = analyst_gate()
    if not decision.is_analyst:
        st.caption(t("vd_viewer"))
        return
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


filters = page_setup("quality", "quality_title")
with error_boundary():
    con = get_con()
    lg = lang()
    ids, y0, y1 = selection(filters)
    c0, c1 = st.columns(2)
    rule_options = list(dict.fromkeys([*COMPUTED_RULES, *overview.finding_rules(con)]))
    rules = url_multiselect(t("rule"), rule_options, "rule", container=c0,
                            help=t("all"),
                            format_func=lambda r, _lg=lg: f"{i18n.rule_label(r, _lg)} ({r})"
                            if i18n.rule_label(r, _lg) != r else r)
    severities = url_multiselect(t("severity"), list(SEVERITIES), "severity", container=c1,
                                 format_func=lambda s, _lg=lg: i18n.severity_label(s, _lg))
    current = vstore.current(con)  # never cached: a verdict does not change the data stamp

    # --- consistency checks: printed changes and plan completions against the levels
    st.subheader(t("cs_title"))
    st.caption(t("cs_help"))
    nav_link("glossary", t("gl_link"))
    levels_all = cached(consistency.level_findings, ids, y0, y1, consistency.config_stamp())
    levels = consistency.with_verdicts(_filter(levels_all, rules, severities), current)
    if levels.empty:
        st.info(t("cs_none"))
    else:
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

    want_reuse = url_param("reuse") == "1"
    on = st.checkbox(t("cs_reuse_toggle"), value=want_reuse, key="q_reuse")
    if on != want_reuse:
        set_url_param("reuse", "1" if on else None)
    reused = pd.DataFrame(columns=[*consistency.FINDING_COLUMNS])
    if on:
        st.subheader(t("cs_reuse_title"))
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
            show_table(reuse_table(reused, lg), name="reused_text", column_config=_link_col())

    # --- stored findings (extraction and cross-year identities)
    counts = overview.findings_by_rule(con, ids, y0, y1, rules or None, severities or None)
    stored = pd.DataFrame()
    if counts.empty:
        if levels.empty and reused.empty:
            empty_state()
    else:
        st.subheader(t("counts_by_rule"))
        counts_out = counts.assign(
            severity=[i18n.severity_label(s, lg) for s in counts["severity"]])
        counts_out.insert(0, "rule_desc", [i18n.rule_label(r, lg) for r in counts["rule"]])
        show_table(
            counts_out.rename(columns={"rule_desc": t("rule_desc"), "rule": t("rule"),
                                       "severity": t("severity"), "count": t("count")}),
            name="findings_by_rule",
        )
        st.subheader(t("all_findings"))
        fd = overview.findings(con, ids, y0, y1, rules or None, severities or None, limit=LIMIT)
        stored = consistency.with_verdicts(consistency.with_keys(con, fd), current)
        st.caption(t("n_shown", n=len(stored)))
        out = pd.DataFrame({
            t("agency"): [ft.text_or_blank(a) if isinstance(a, str) else t("unknown")
                          for a in stored["agency"]],
            t("year"): [ft.BLANK if pd.isna(y) else int(y) for y in stored["year"]],
            t("rule_desc"): [i18n.rule_label(r, lg) for r in stored["rule"]],
            t("rule"): stored["rule"],
            t("severity"): [i18n.severity_label(s, lg) for s in stored["severity"]],
            t("message"): [ft.finding_message(r, m, None, lg)
                           for r, m in zip(stored["rule"], stored["message"])],
            t("cells"): [ft.text_or_blank(c) for c in stored["cells"]],
            **_verdict_cols(stored, lg),
            "report_id": stored["report_id"],
            t("open_report"): [report_link(int(r)) for r in stored["report_id"]],
        })
        show_table(out, name="findings", column_config=_link_col())

    parts = [df for df in (levels, reused, stored) if not df.empty]
    if parts:
        verdict_controls(con, pd.concat(parts, ignore_index=True))
