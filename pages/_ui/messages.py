"""What a page shows instead of data: an empty state that says what would help, and the error
boundary that turns an exception into a short message."""
from __future__ import annotations

import sys
import traceback
from contextlib import contextmanager
from typing import Iterator

import streamlit as st

from pages._ui.session import _SS_YEARS, current_filters, lang, t


def empty_state(msg: str | None = None) -> None:
    """A visible "nothing to show" message (default: no data for this selection, with a hint
    at what to change: the years the database holds, or other agencies)."""
    st.info(msg or no_data_text())


def no_data_text() -> str:
    """"No data for this selection" plus what would help: a year range outside the data
    names the years there are; a selection of agencies suggests widening it."""
    text = t("no_data") + ("" if lang() == "zh" else " ")
    f = current_filters()
    lo, hi = st.session_state.get(_SS_YEARS) or (None, None)
    y0, y1 = f.year_from, f.year_to
    if lo is not None and hi is not None and (
        (y1 is not None and y1 < lo) or (y0 is not None and y0 > hi)
    ):
        return text + t("no_data_years_hint", first=lo, last=hi)
    if f.agencies:
        return text + t("no_data_widen_hint")
    return text.strip()


@contextmanager
def error_boundary() -> Iterator[None]:
    """Catch any exception of a page body: log the traceback to stderr, show a short message.

    Streamlit's own control flow (st.stop, st.rerun, switch_page) derives from BaseException
    and passes through untouched.
    """
    try:
        yield
    except Exception as exc:  # noqa: BLE001 — the boundary
        traceback.print_exc(file=sys.stderr)
        st.error(t("page_error", error=type(exc).__name__))
