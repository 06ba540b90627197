"""Glossary (/glossary): every indicator's formula and rating, the consistency checks, the two
versions of the national form, what blank / 0 / n/a / — mean, where each number comes from, and
every finding rule — in the view's language, one tab each (URL ``view``, :data:`TABS`; only the
open tab is drawn). Thin: the content is etl/present/glossary.py."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from etl.present import glossary as gl
from etl.present import i18n
from pages._ui.downloads import download_buttons, show_table
from pages._ui.messages import error_boundary
from pages._ui.session import lang, t
from pages._ui.state import page_setup, url_tabs

#: the glossary's tabs (URL ``view``), the first the default: only the open one is drawn
TABS = ("indicators", "checks", "forms", "blank", "sources", "rules")

i18n.register({
    "gl_tab_indicators": ("标准指标", "Indicators"),
    "gl_tab_checks": ("一致性检查", "Checks"),
    "gl_tab_forms": ("表格版本", "Form versions"),
    "gl_tab_blank": ("空白含义", "Blank, 0, n/a"),
    "gl_tab_sources": ("数据来源", "Sources"),
    "gl_tab_rules": ("检查规则", "Rules"),
})


def text_table(df: pd.DataFrame, name: str | None = None) -> None:
    """A table of explanations: every text wraps in full (a scrolling grid would cut it)."""
    st.table(df, hide_index=True)
    if name:
        download_buttons(df, name)


filters = page_setup("glossary", "page_glossary")
with error_boundary():
    lg = lang()
    st.caption(t("gl_intro"))
    view, _tabs = url_tabs([(k, t(f"gl_tab_{k}")) for k in TABS])
    with _tabs[view]:
        if view == "checks":
            st.caption(t("gl_checks_help"))
            text_table(gl.checks_table(lg), name="glossary_checks")
        elif view == "forms":
            st.markdown(t("gl_forms_text"))
            st.markdown(f"**{t('gl_form_rows')}**")
            show_table(gl.form_rows_table(lg), name="glossary_form_rows")
        elif view == "blank":
            text_table(gl.blank_table(lg))
        elif view == "sources":
            text_table(gl.sources_table(lg))
        elif view == "rules":
            text_table(gl.rules_table(lg), name="glossary_rules")
        else:
            st.caption(t("gl_indicators_help"))
            text_table(gl.indicator_table(lg), name="glossary_indicators")
            st.markdown(f"**{t('gl_timeliness')}** — {t('gl_timeliness_text')}")
