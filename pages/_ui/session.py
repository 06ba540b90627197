"""What one page run knows — its language, its filters, the session-state keys the helpers share
— and the interface texts in that language."""
from __future__ import annotations

from typing import Sequence

import streamlit as st

from etl.present import i18n
from etl.present.urlstate import Filters


_SS_SYNCED = "_gk_synced"  # param id → tuple of strings last seen/written in the URL


_SS_COMMON = "_gk_common"  # last common filters, restored after navigating to another page


_SS_PAGE = "_gk_page"  # page id of the previous run


_SS_FILTERS = "_gk_filters"  # this run's Filters (pages may read it via current_filters())


_SS_LINK_SLOT = "_gk_link_slot"


_SS_YEARS = "_gk_years"  # (first, last) year in the database, for empty-state hints


_SS_STAMP = "_gk_stamp"  # the data stamp of this run (computed once per run, see cached())


PAGE_IDS: tuple[str, ...] = (
    "overview", "disclosure", "categories", "requests", "investment", "report", "quality",
    "upload", "review", "agency",
)


def lang() -> str:
    """The current interface language, ``zh`` or ``en``."""
    return i18n.norm_lang(st.session_state.get("qp_lang"))


def t(key: str, **fmt: object) -> str:
    """The UI string for ``key`` in the current language (see ``etl/present/i18n.py``; other modules
    add strings with ``etl.present.i18n.register``)."""
    return i18n.t(key, lang(), **fmt)


def metric_label(metric_id: str) -> str:
    """label_zh / label_en from the metric dictionary, in the current language."""
    return i18n.metric_label(metric_id, lang())


def agency_label(name: str | None) -> str:
    """An agency as the reader sees it: its Chinese name, in English its English label where
    one is known (``etl/present/agency_names.py``); names stay the keys everywhere else."""
    from etl.present.agency_names import agency_label as label

    return label(name, lang())


def agency_option(name: str | None) -> str:
    """An agency in a picker (``etl/present/agency_names.py: agency_option``)."""
    from etl.present.agency_names import agency_option as option

    return option(name, lang())


def agency_colors(names: Sequence[str]) -> dict[str, str]:
    """Stable colour per agency (same on every page for the same selection)."""
    return i18n.agency_colors(names)


def _query_dict() -> dict[str, list[str]]:
    qp = st.query_params
    return {k: list(qp.get_all(k)) for k in qp.keys()}


def current_filters() -> Filters:
    """The Filters of this run (after page_setup), including page parameters set so far."""
    f = st.session_state.get(_SS_FILTERS)
    return f if isinstance(f, Filters) else Filters()


# what can make a link, an image, HTML-looking text, emphasis, code, a table or math; "_", "."
# and "-" are left alone so names like year_from stay readable in the message source
_MD_SPECIAL = "\\`*[]()!#|<>~$"


def md_escape(text: str) -> str:
    """Text from a URL or a document made literal for st.markdown / st.warning / st.error
    (which render markdown): every markdown/HTML metacharacter is backslash-escaped."""
    out = []
    for ch in text:
        if ch in _MD_SPECIAL:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)
