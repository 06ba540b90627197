"""Links that carry the current filters: to a page, to a report, and the view's own URL in the
sidebar's copy-link box."""
from __future__ import annotations

import functools
import sys
import traceback
from typing import Any, Callable, Iterable
from urllib.parse import quote_plus

import streamlit as st

from etl.present import urlstate
from etl.present.sharelink import readable_url
from etl.present.urlstate import Filters
from pages._ui.session import _SS_LINK_SLOT, _SS_PAGE, _query_dict, current_filters, md_escape, t


def page_url_path(page_id: str) -> str:
    return "" if page_id == "overview" else page_id


def _base_url() -> str | None:
    """scheme://host[:port][/baseUrlPath] of this server, or None where it is unknown.

    ``st.context.url`` is the address of the current page (path included), so only its scheme
    and host are kept; the server's own path prefix comes from its configuration.
    """
    from urllib.parse import urlsplit

    try:
        url = st.context.url
    except Exception:  # noqa: BLE001 — not available in every runtime (AppTest)
        return None
    if not url:
        return None
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    prefix = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"{parts.scheme}://{parts.netloc}" + (f"/{prefix}" if prefix else "")


def link_to(page_id: str, filters: Filters | None = None, **params: str | None) -> str:
    """A link to ``page_id`` with the common filters of ``filters`` (default: this view) and
    ``params``; absolute when the server URL is known, else relative."""
    f = (filters or current_filters()).common().with_params(**params)
    return urlstate.build_url(_base_url(), page_url_path(page_id), f)


def report_link(report_id: int, filters: Filters | None = None) -> str:
    """Relative link opening one report with the current common filters (for LinkColumns)."""
    f = (filters or current_filters()).common().with_params(report=str(report_id))
    return urlstate.build_url("", "report", f)


def report_link_maker(filters: Filters | None = None) -> Callable[[Any], str]:
    """``report id -> :func:`report_link``` with the view's part of the link built once, now
    (a province's findings tab built 5,000 links from the filters on every run); the function
    needs nothing of this run when it is called later (a download made on its click)."""
    template = report_link(0, filters)
    if not template.endswith("report=0"):  # cannot happen: ``report`` is its only page parameter
        return lambda r: report_link(int(r), filters)
    head = template.removesuffix("0")
    return lambda r: f"{head}{int(r)}"


def report_links(report_ids: Iterable[Any], filters: Filters | None = None) -> list[str]:
    """:func:`report_link` of each report (see :func:`report_link_maker`)."""
    link = report_link_maker(filters)
    return [link(r) for r in report_ids]


def current_url() -> str:
    """The full URL of this view: page path plus every current query parameter."""
    page = st.session_state.get(_SS_PAGE, "overview")
    f = urlstate.parse(_query_dict())
    return urlstate.build_url(_base_url(), page_url_path(page), f)


def copy_link(container: Any = None) -> None:
    """Show this view's URL in a code box (which has a copy button).

    Inside the sidebar it sits in a popover: the code box's frontend (a 1.5 MB syntax
    highlighter and a monospace font) is then fetched only when someone opens it, not in
    every new session (measured in Chromium: loaded with a plain or expander code box, not
    with a closed popover)."""
    target = container or st
    with target.container():
        st.caption(t("copy_link_help"))
        # decoded (甲市商务局, not %E7%94%B2…): the same link, readable; browsers encode it again
        st.code(readable_url(current_url()), language=None, wrap_lines=True)
        if _base_url() is None:
            st.caption(t("relative_link_note"))


def _refresh_link() -> None:
    slot = st.session_state.get(_SS_LINK_SLOT)
    if slot is None:
        return
    try:
        with slot.container(), st.popover(t("copy_link"), icon=":material/link:", width="stretch"):
            copy_link()
    except Exception:  # noqa: BLE001 — a stale slot from an earlier run
        traceback.print_exc(file=sys.stderr)


def nav_link(page_id: str, label: str, **params: str | None) -> None:
    """st.page_link to another page carrying the common filters (falls back to a plain link
    when the page is not registered, e.g. in a single-page test run)."""
    f = current_filters().common().with_params(**params)
    qp = urlstate.to_dict(f)
    try:
        st.page_link(f"pages/{page_id}.py", label=label, query_params=qp)
    except Exception:  # noqa: BLE001 — StreamlitAPIException / page not found
        st.markdown(f"[{md_escape(label)}]({urlstate.build_url('', page_url_path(page_id), f)})")


def profile_link(agency: str, filters: Filters | None = None) -> str:
    """Relative link to one agency's profile (``/agency?agency=…``) keeping the year range and
    language of this view but not its agency selection (the profile is of one agency)."""
    from dataclasses import replace

    f = replace((filters or current_filters()).common(), agencies=(agency,))
    return urlstate.build_url("", "agency", f)


def profile_links(agencies: Iterable[str], filters: Filters | None = None) -> list[str]:
    """:func:`profile_link` of each agency, the view's part of the link built once (a table of
    20,000 agencies built 20,000 links from the filters: 1.7 s of every overview run)."""
    marker = "\x00"
    template = profile_link(marker, filters)
    head, sep, tail = template.partition(_quoted(marker))
    if not sep:  # no agency in the link (cannot happen: it is its first parameter)
        return [profile_link(a, filters) for a in agencies]
    return [f"{head}{_quoted(a)}{tail}" for a in agencies]


#: an agency name as a URL encodes it (the names repeat on every run)
_quoted = functools.lru_cache(maxsize=65536)(quote_plus)
