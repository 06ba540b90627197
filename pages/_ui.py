"""Shared Streamlit helpers for every page: filters bound to the URL, language, copy-link,
charts with downloads, empty states and an error boundary.

A page reads like this::

    from pages._ui import page_setup, t, get_con, selection, show_chart, empty_state, error_boundary

    filters = page_setup("disclosure", "page_disclosure")  # sidebar, URL state, title
    with error_boundary():
        con = get_con()                           # this thread's cursor
        ids, y0, y1 = selection(filters)          # agency ids (None = all) and the year range
        metric = url_selectbox(t("metric"), options, "metric",
                               format_func=lambda m, _lg=lang(): i18n.metric_label(m, _lg))
        df = analysis.something(con, ids, y0, y1, metric)
        # or, cached per data version: df = cached(analysis.something, ids, y0, y1, metric)
        if df.empty:
            empty_state()
        else:
            show_chart(charts.something(df, lang()), df, "disclosure_items")

URL contract (see ``etl/urlstate.py``): ``agency`` (repeatable canonical names), ``year_from``,
``year_to``, ``lang`` travel between pages; a page's own parameters are bound with
:func:`url_selectbox` / :func:`url_multiselect` / :func:`url_param`. Page ids equal their URL
paths (``overview`` is ``/``). Query-param values are strings.

How the binding works (manual, not ``bind="query-params"``, because bound widgets are dropped
when the user moves to another page): on every run the URL value of a parameter is compared
with what this session last wrote. Equal → the user may have changed the widget, so the widget
wins and its value is written to the URL. Different → the URL was opened or edited, so the URL
wins and the widget is set from it. On a page switch the common filters are restored from the
session when the new URL carries none, so filters survive navigation through the sidebar menu.
"""
from __future__ import annotations

import io
import sys
import traceback
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Sequence

import pandas as pd
import streamlit as st

from etl import db, i18n, queries, urlstate
from etl.urlstate import COMMON_KEYS, Filters

_SS_SYNCED = "_gk_synced"  # param id → tuple of strings last seen/written in the URL
_SS_COMMON = "_gk_common"  # last common filters, restored after navigating to another page
_SS_PAGE = "_gk_page"  # page id of the previous run
_SS_FILTERS = "_gk_filters"  # this run's Filters (pages may read it via current_filters())
_SS_LINK_SLOT = "_gk_link_slot"
_SS_YEARS = "_gk_years"  # (first, last) year in the database, for empty-state hints
_SS_STAMP = "_gk_stamp"  # the data stamp of this run (computed once per run, see cached())

PAGE_IDS: tuple[str, ...] = (
    "overview", "disclosure", "categories", "requests", "investment", "report", "quality",
    "upload", "review",
)


# ----------------------------------------------------------------------------- language

def lang() -> str:
    """The current interface language, ``zh`` or ``en``."""
    return i18n.norm_lang(st.session_state.get("qp_lang"))


def t(key: str, **fmt: object) -> str:
    """The UI string for ``key`` in the current language (see ``etl/i18n.py``; other modules
    add strings with ``etl.i18n.register``)."""
    return i18n.t(key, lang(), **fmt)


def metric_label(metric_id: str) -> str:
    """label_zh / label_en from the metric dictionary, in the current language."""
    return i18n.metric_label(metric_id, lang())


def agency_colors(names: Sequence[str]) -> dict[str, str]:
    """Stable colour per agency (same on every page for the same selection)."""
    return i18n.agency_colors(names)


# ----------------------------------------------------------------------------- database

def get_con():
    """This thread's cursor on the process-wide connection (``etl/db.py``).

    A database that cannot be opened (e.g. locked by another process) stops the page with a
    message instead of a traceback.
    """
    try:
        return db.cursor()
    except Exception as exc:  # noqa: BLE001 — shown to the user, logged for the operator
        traceback.print_exc(file=sys.stderr)
        from etl.store import db_path

        st.error(t("db_unavailable", path=md_escape(str(db_path())),
                   error=md_escape(str(exc)[:200])))
        st.stop()


@st.cache_data(show_spinner=False, max_entries=8)
def _agencies_cached(path: str, stamp: tuple) -> pd.DataFrame:
    return queries.agencies(db.cursor(path))


def agencies_df() -> pd.DataFrame:
    """All agencies (agency_id, name, region, level), cached until an agency is added."""
    from etl.store import db_path

    con = get_con()
    stamp = queries.agencies_stamp(con)
    return _agencies_cached(str(db_path()), stamp)


_CACHED_FUNCS: dict[str, Callable[..., Any]] = {}


@st.cache_data(show_spinner=False, max_entries=512, ttl=3600)
def _cached_call(path: str, stamp: tuple, fn_key: str, args: tuple, kwargs: dict) -> Any:
    return _CACHED_FUNCS[fn_key](db.cursor(path), *args, **kwargs)


def cached(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``fn(con, *args, **kwargs)`` through st.cache_data, keyed by the database file, a data
    stamp (``queries.data_stamp``: changes on every load/correction) and the arguments.

    For module-level query functions (etl.queries / etl.analysis) whose arguments are plain
    values; a rerun that only changes another widget then costs nothing. Results are copies.
    """
    from etl.store import db_path

    stamp = st.session_state.get(_SS_STAMP)
    if stamp is None:
        stamp = queries.data_stamp(get_con())
        st.session_state[_SS_STAMP] = stamp
    fn_key = f"{fn.__module__}.{fn.__qualname__}@{id(fn)}"
    _CACHED_FUNCS[fn_key] = fn
    return _cached_call(str(db_path()), stamp, fn_key,
                        tuple(tuple(a) if isinstance(a, list) else a for a in args), kwargs)


def selection(filters: Filters) -> tuple[list[int] | None, int | None, int | None]:
    """(agency ids or None for all, year_from, year_to) for query functions."""
    if not filters.agencies:
        return None, filters.year_from, filters.year_to
    df = agencies_df()
    by_name = dict(zip(df["name"], df["agency_id"]))
    ids = [int(by_name[n]) for n in filters.agencies if n in by_name]
    return ids, filters.year_from, filters.year_to


def shown_agencies(
    con: Any, ids: list[int] | None, metrics: Sequence[str], year_from: int | None,
    year_to: int | None, note_key: str, n: int = 10,
) -> list[int]:
    """The agencies a page charts: the selected ``ids``, or with nothing selected the ``n`` largest
    by ``metrics`` (one line per agency for a whole province is neither readable nor fast), with
    the page's ``note_key`` caption saying so."""
    if ids is not None:
        return ids
    from etl import analysis as an  # only the chart pages need it

    shown = an.top_agencies(con, metrics, None, year_from, year_to, n=n)
    st.caption(t(note_key, n=n))
    return shown


# ----------------------------------------------------------------------------- URL state

def _query_dict() -> dict[str, list[str]]:
    qp = st.query_params
    return {k: list(qp.get_all(k)) for k in qp.keys()}


def _synced() -> dict[str, tuple[str, ...]]:
    return st.session_state.setdefault(_SS_SYNCED, {})


def _set_url(param: str, vals: Sequence[str]) -> None:
    """Write one parameter to the URL (removing it when empty), only if it changed."""
    vals = tuple(v for v in vals if v != "")
    current = tuple(st.query_params.get_all(param)) if param in st.query_params else ()
    if current != vals:
        if vals:
            st.query_params[param] = list(vals) if len(vals) > 1 else vals[0]
        elif param in st.query_params:
            del st.query_params[param]


def _sync_in(sync_id: str, widget_key: str, url_vals: tuple[str, ...], value: Any) -> None:
    """Set the widget state from the URL when the URL changed since this session wrote it.

    Otherwise the current value is assigned again on purpose: after a page switch the same key
    belongs to a new widget, which would start from its default without an explicit value.
    """
    if widget_key not in st.session_state or _synced().get(sync_id) != url_vals:
        st.session_state[widget_key] = value
    else:
        st.session_state[widget_key] = st.session_state[widget_key]


def _sync_out(sync_id: str, param: str, vals: Sequence[str]) -> None:
    _set_url(param, vals)
    _synced()[sync_id] = tuple(v for v in vals if v != "")
    _refresh_link()


def current_filters() -> Filters:
    """The Filters of this run (after page_setup), including page parameters set so far."""
    f = st.session_state.get(_SS_FILTERS)
    return f if isinstance(f, Filters) else Filters()


def _add_matching(column: str, widget_key: str) -> None:
    """on_change of the region/level pickers: add their agencies to the selection."""
    chosen = st.session_state.get(widget_key) or []
    if not chosen:
        return
    df = agencies_df()
    names = df.loc[df[column].isin(chosen), "name"].tolist()
    have = list(st.session_state.get("qp_agency") or [])
    st.session_state["qp_agency"] = have + [n for n in names if n not in have]
    st.session_state[widget_key] = []


def _leave_pages_directory_mode() -> None:
    """Route through ``dashboard.py`` even when a server's first visitor opens a sub-page.

    Streamlit 1.67 starts every server in its old "pages directory" mode because a ``pages/``
    folder exists, and leaves it only once ``st.navigation`` has run. Until then a shared link
    such as ``/requests?…`` runs ``pages/requests.py`` directly: no router (so no demo build,
    no inbox writer, no wide layout) and a menu listing every file of ``pages/``. Here, in that
    mode, the mode is switched off and the run restarted, so the router handles the link.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def page_setup(page_id: str, title_key: str | None = None) -> Filters:
    """Render the sidebar filters bound to the URL and return this view's Filters.

    Call first on every page. ``page_id`` is the page's URL path (``overview`` for ``/``).
    Shows a message (never a traceback) for invalid link parameters. With ``title_key``
    the page title is rendered too. If the sidebar itself fails (a broken database), the
    error is shown and empty Filters are returned.
    """
    _leave_pages_directory_mode()
    try:
        return _page_setup(page_id, title_key)
    except Exception as exc:  # noqa: BLE001 — the boundary for the shared sidebar
        traceback.print_exc(file=sys.stderr)
        st.error(t("page_error", error=type(exc).__name__))
        f = Filters(lang=lang())
        st.session_state[_SS_FILTERS] = f
        return f


def _page_setup(page_id: str, title_key: str | None) -> Filters:
    ss = st.session_state
    ss[_SS_LINK_SLOT] = None  # the slot of the previous run is gone
    ss[_SS_STAMP] = None  # data may have changed since the previous run
    query = _query_dict()
    previous_page = ss.get(_SS_PAGE)
    if (
        previous_page is not None
        and previous_page != page_id
        and not any(k in query for k in COMMON_KEYS)
        and ss.get(_SS_COMMON)
    ):
        # Moved here through the menu: keep the filters the user had.
        for k, vals in ss[_SS_COMMON].items():
            query[k] = list(vals)
            _set_url(k, vals)
    if previous_page != page_id:
        # Page parameters belong to their page: forget what another page wrote.
        for k in [k for k in _synced() if ":" in k and not k.startswith(page_id + ":")]:
            _synced().pop(k, None)
    ss[_SS_PAGE] = page_id
    parsed = urlstate.parse(query)

    # language first: every label below depends on it
    lang_vals = tuple(query.get("lang", ())[-1:])
    _sync_in("lang", "qp_lang", lang_vals, parsed.lang)
    if ss.get("qp_lang") not in i18n.LANGS:
        ss["qp_lang"] = "zh"

    sb = st.sidebar
    sb.selectbox(
        i18n.t("language"), list(i18n.LANGS), key="qp_lang",
        format_func=lambda x: {"zh": "中文", "en": "English"}[x],
    )
    _sync_out("lang", "lang", [] if lang() == "zh" else [lang()])

    if title_key:
        st.title(t(title_key))
    for param, value in parsed.errors:
        st.warning(t("invalid_param", param=md_escape(param), value=md_escape(value[:80])))

    adf = agencies_df()
    names = adf["name"].tolist()
    known = set(names)
    wanted = list(parsed.agencies)
    if any(a not in known for a in wanted):
        # a link may carry a printed name (alias): map it to its canonical agency
        canon = queries.canonical_names(get_con(), [a for a in wanted if a not in known])
        wanted = list(dict.fromkeys(canon.get(a, a) for a in wanted))
    for name in [a for a in wanted if a not in known]:
        st.warning(t("unknown_agency", name=md_escape(name[:80])))
    _sync_in(
        "agency", "qp_agency", tuple(query.get("agency", ())),
        [a for a in wanted if a in known],
    )
    ss["qp_agency"] = [a for a in ss.get("qp_agency") or [] if a in known]

    sb.header(t("filters"))
    sb.multiselect(t("agencies"), names, key="qp_agency", help=t("agencies_help"),
                   placeholder=t("all"))
    for column, label, wkey in (("region", "add_by_region", "add_region"),
                                ("level", "add_by_level", "add_level")):
        opts = sorted(x for x in adf[column].dropna().unique().tolist() if x)
        if opts:
            sb.multiselect(
                t(label), opts, key=wkey, on_change=_add_matching, args=(column, wkey),
                placeholder=t("choose"),
                format_func=(lambda v, _lg=lang(): i18n.level_label(v, _lg))
                if column == "level" else str,
            )
    agencies = list(ss.get("qp_agency") or [])
    _sync_out("agency", "agency", agencies)

    y_min, y_max = queries.year_range(get_con())
    ss[_SS_YEARS] = (y_min, y_max)
    years = list(range(y_min, y_max + 1)) if y_min is not None and y_max is not None else []
    for y in (parsed.year_from, parsed.year_to):
        if y is not None and y not in years:
            years.append(y)
    years.sort()
    c0, c1 = sb.columns(2)
    chosen: dict[str, int | None] = {}
    # 0 stands for "all years": a None option would show as an empty placeholder
    for col, key, default in ((c0, "year_from", parsed.year_from), (c1, "year_to", parsed.year_to)):
        url_vals = tuple(query.get(key, ())[-1:])
        _sync_in(key, f"qp_{key}", url_vals, default or 0)
        if ss.get(f"qp_{key}") not in [0, *years]:
            ss[f"qp_{key}"] = 0
        col.selectbox(
            t(key), [0, *years], key=f"qp_{key}",
            format_func=lambda y, _all=t("all"): _all if not y else str(y),
        )
        chosen[key] = ss.get(f"qp_{key}") or None
        _sync_out(key, key, [] if chosen[key] is None else [str(chosen[key])])
    y0, y1 = chosen["year_from"], chosen["year_to"]
    if y0 is not None and y1 is not None and y0 > y1:
        y0, y1 = y1, y0

    filters = Filters(
        agencies=tuple(agencies), year_from=y0, year_to=y1, lang=lang(),
        params=dict(parsed.params), errors=parsed.errors,
    )
    ss[_SS_FILTERS] = filters
    ss[_SS_COMMON] = urlstate.to_dict(filters, include_params=False)
    with sb:
        ss[_SS_LINK_SLOT] = st.empty()
    _refresh_link()
    return filters


def _update_params(param: str, vals: Sequence[str]) -> None:
    f = current_filters()
    st.session_state[_SS_FILTERS] = f.with_params(**{param: list(vals)})


def url_param(param: str, default: str | None = None) -> str | None:
    """A page parameter's raw value from the URL (read-only, no widget)."""
    return current_filters().get(param, default)


def set_url_param(param: str, value: str | Sequence[str] | None) -> None:
    """Write a page parameter to the URL (None/empty removes it)."""
    vals = [] if value is None else ([value] if isinstance(value, str) else list(value))
    _set_url(param, vals)
    _update_params(param, vals)
    _refresh_link()


def url_selectbox(
    label: str,
    options: Sequence[Any],
    param: str,
    *,
    format_func: Callable[[Any], str] = str,
    default: Any = None,
    container: Any = None,
    help: str | None = None,
) -> Any:
    """A selectbox whose value lives in the URL parameter ``param`` (compared as ``str``).

    ``default`` (or the first option when None) is not written to the URL. A URL value that is
    not an option shows an "invalid parameter" message and falls back to the default.
    Give ``format_func`` the language as a bound value (``lambda m, _lg=lang(): …``), not a
    call of lang()/t() inside the lambda: AppTest evaluates it outside the script run.
    """
    options = list(options)
    if not options:
        return None
    if default is None or default not in options:
        default = options[0]
    page = st.session_state.get(_SS_PAGE, "")
    sync_id = f"{page}:{param}"
    wkey = f"qp_{page}_{param}"
    raw = current_filters().get(param)
    by_str = {str(o): o for o in options}
    url_vals = (raw,) if raw is not None else ()
    value = default
    if raw is not None:
        if raw in by_str:
            value = by_str[raw]
        elif _synced().get(sync_id) != url_vals:
            st.warning(t("invalid_param", param=md_escape(param), value=md_escape(raw[:80])))
    _sync_in(sync_id, wkey, url_vals, value)
    if st.session_state.get(wkey) not in options:
        st.session_state[wkey] = default
    (container or st).selectbox(label, options, key=wkey, format_func=format_func, help=help)
    chosen = st.session_state.get(wkey)
    vals = [] if chosen == default else [str(chosen)]
    _sync_out(sync_id, param, vals)
    _update_params(param, vals)
    return chosen


def url_multiselect(
    label: str,
    options: Sequence[Any],
    param: str,
    *,
    format_func: Callable[[Any], str] = str,
    container: Any = None,
    help: str | None = None,
) -> list[Any]:
    """A multiselect bound to a repeatable URL parameter; empty (the default) = not in the URL.
    Unknown URL values are ignored with a message."""
    options = list(options)
    page = st.session_state.get(_SS_PAGE, "")
    sync_id = f"{page}:{param}"
    wkey = f"qp_{page}_{param}"
    raws = current_filters().get_all(param)
    by_str = {str(o): o for o in options}
    picked = [by_str[r] for r in raws if r in by_str]
    if _synced().get(sync_id) != raws:
        for r in raws:
            if r not in by_str:
                st.warning(t("invalid_param", param=md_escape(param), value=md_escape(r[:80])))
    _sync_in(sync_id, wkey, raws, picked)
    st.session_state[wkey] = [v for v in st.session_state.get(wkey) or [] if v in options]
    (container or st).multiselect(label, options, key=wkey, format_func=format_func, help=help,
                                  placeholder=t("all"))
    chosen = list(st.session_state.get(wkey) or [])
    vals = [str(v) for v in chosen]
    _sync_out(sync_id, param, vals)
    _update_params(param, vals)
    return chosen


# ----------------------------------------------------------------------------- links

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


def current_url() -> str:
    """The full URL of this view: page path plus every current query parameter."""
    page = st.session_state.get(_SS_PAGE, "overview")
    f = urlstate.parse(_query_dict())
    return urlstate.build_url(_base_url(), page_url_path(page), f)


def copy_link(container: Any = None) -> None:
    """Show this view's URL in a code box (which has a copy button)."""
    target = container or st
    with target.container():
        st.caption(t("copy_link_help"))
        st.code(current_url(), language=None, wrap_lines=True)
        if _base_url() is None:
            st.caption(t("relative_link_note"))


def _refresh_link() -> None:
    slot = st.session_state.get(_SS_LINK_SLOT)
    if slot is None:
        return
    try:
        with slot.container():
            st.markdown(f"**{t('copy_link')}**")
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


# ----------------------------------------------------------------------------- rendering

def _csv_bytes(df: pd.DataFrame) -> bytes:
    try:
        from etl.exports import to_csv_bytes

        return to_csv_bytes(df)
    except ImportError:
        return _inert(df).to_csv(index=False).encode("utf-8-sig")


def _xlsx_bytes(df: pd.DataFrame, name: str) -> bytes:
    try:
        from etl.exports import to_xlsx_bytes

        return to_xlsx_bytes(df)  # type: ignore[call-arg]
    except ImportError:
        buf = io.BytesIO()
        _inert(df).to_excel(buf, index=False, sheet_name=name[:31] or "data")
        return buf.getvalue()


def _inert(df: pd.DataFrame) -> pd.DataFrame:
    """Fallback only: prefix text cells that a spreadsheet would run as a formula."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(
                lambda v: "'" + v if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") else v
            )
    return out


def download_buttons(df: pd.DataFrame, name: str, key: str | None = None) -> None:
    """CSV and XLSX downloads of exactly ``df`` (formula-like cells made inert)."""
    k = key or name
    frame = df.copy()
    row = st.container(horizontal=True)
    c0 = c1 = row
    # deferred: the bytes are made when the user clicks, not on every run of the page
    c0.download_button(
        t("download_csv"), lambda: _csv_bytes(frame), file_name=f"{name}.csv", mime="text/csv",
        key=f"dl_csv_{k}", on_click="ignore",
    )
    c1.download_button(
        t("download_xlsx"), lambda: _xlsx_bytes(frame, name), file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"dl_xlsx_{k}", on_click="ignore",
    )


def show_chart(fig: Any, df: pd.DataFrame, name: str, key: str | None = None) -> None:
    """A plotly chart plus CSV/XLSX downloads of exactly the data it shows."""
    st.plotly_chart(fig, key=f"chart_{key or name}", config={"displaylogo": False})
    download_buttons(df, name, key=key)


def show_table(df: pd.DataFrame, name: str | None = None, **kwargs: Any) -> None:
    """A dataframe (escaped: document text is never rendered as HTML/markdown), with
    downloads when ``name`` is given."""
    st.dataframe(df, hide_index=True, **kwargs)
    if name:
        download_buttons(df, name)


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
