"""Glossary (/glossary): every indicator's formula and rating, the consistency checks, the two
versions of the national form, what blank / 0 / n/a / — mean, where each number comes from, and
every finding rule — in the view's language. Thin: the content is etl/present/glossary.py."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from etl.present import glossary as gl
from pages._ui.downloads import download_buttons, show_table
from pages._ui.messages import error_boundary
from pages._ui.session import lang, t
from pages._ui.state import page_setup


def text_table(df: pd.DataFrame, name: str | None = None) -> None:
    """A table of explanations: every text wraps in full (a scrolling grid would cut it)."""
    st.table(df, hide_index=True)
    if name:
        download_buttons(df, name)


filters = page_setup("glossary", "page_glossary")
with error_boundary():
    lg = lang()
    st.caption(t("gl_intro"))

    st.subheader(t("gl_indicators"))
    st.caption(t("gl_indicators_help"))
    text_table(gl.indicator_table(lg), name="glossary_indicators")
    st.markdown(f"**{t('gl_timeliness')}** — {t('gl_timeliness_text')}")

    st.subheader(t("gl_checks"))
    st.caption(t("gl_checks_help"))
    text_table(gl.checks_table(lg), name="glossary_checks")

    st.subheader(t("gl_forms"))
    st.markdown(t("gl_forms_text"))
    st.markdown(f"**{t('gl_form_rows')}**")
    show_table(gl.form_rows_table(lg), name="glossary_form_rows")

    st.subheader(t("gl_blank"))
    text_table(gl.blank_table(lg))

    st.subheader(t("gl_sources"))
    text_table(gl.sources_table(lg))

    st.subheader(t("gl_rules"))
    text_table(gl.rules_table(lg), name="glossary_rules")
