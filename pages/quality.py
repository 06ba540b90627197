"""Data quality (/quality): every finding of the selection, filterable by rule and severity (in
the URL as ``rule`` / ``severity``, repeatable) besides the sidebar's agencies and years;
counts by rule; CSV/XLSX downloads of exactly the table shown."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from etl.present import i18n
from etl.query import overview
from etl.model import SEVERITIES
from pages._ui.data import get_con, selection
from pages._ui.downloads import show_table
from pages._ui.links import link_to
from pages._ui.messages import empty_state, error_boundary
from pages._ui.session import lang, t
from pages._ui.state import page_setup, url_multiselect

LIMIT = 5000

filters = page_setup("quality", "quality_title")
with error_boundary():
    con = get_con()
    ids, y0, y1 = selection(filters)
    c0, c1 = st.columns(2)
    rules = url_multiselect(t("rule"), overview.finding_rules(con), "rule", container=c0,
                            help=t("all"),
                            format_func=lambda r, _lg=lang(): f"{i18n.rule_label(r, _lg)} ({r})"
                            if i18n.rule_label(r, _lg) != r else r)
    severities = url_multiselect(t("severity"), list(SEVERITIES), "severity", container=c1,
                                 format_func=lambda s, _lg=lang(): i18n.severity_label(s, _lg))
    counts = overview.findings_by_rule(con, ids, y0, y1, rules or None, severities or None)
    if counts.empty:
        empty_state()
    else:
        st.subheader(t("counts_by_rule"))
        counts_out = counts.assign(
            severity=[i18n.severity_label(s, lang()) for s in counts["severity"]])
        counts_out.insert(0, "rule_desc", [i18n.rule_label(r, lang()) for r in counts["rule"]])
        show_table(
            counts_out.rename(columns={"rule_desc": t("rule_desc"), "rule": t("rule"),
                                       "severity": t("severity"), "count": t("count")}),
            name="findings_by_rule",
        )
        st.subheader(t("all_findings"))
        fd = overview.findings(con, ids, y0, y1, rules or None, severities or None, limit=LIMIT)
        st.caption(t("n_shown", n=len(fd)))
        unknown = t("unknown")
        out = pd.DataFrame({
            t("agency"): fd["agency"].fillna(unknown),
            t("year"): fd["year"],
            t("rule_desc"): [i18n.rule_label(r, lang()) for r in fd["rule"]],
            t("rule"): fd["rule"],
            t("severity"): [i18n.severity_label(s, lang()) for s in fd["severity"]],
            t("message"): fd["message"],
            t("cells"): fd["cells"],
            "report_id": fd["report_id"],
            t("open_report"): [link_to("report", report=str(int(r))) for r in fd["report_id"]],
        })
        show_table(out, name="findings", column_config={
            t("open_report"): st.column_config.LinkColumn(
                t("open_report"), display_text=r"report=(\d+)"),
        })
