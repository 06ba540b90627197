"""Filters and page parameters bound to the URL: the sidebar of every page (``page_setup``) and
widgets whose value lives in a query parameter (``url_selectbox``, ``url_multiselect``)."""
from __future__ import annotations

import sys
import traceback
from typing import Any, Callable, Sequence

import streamlit as st

from etl.present import i18n, urlstate
from etl.present import agency_names
from etl.present.agency_names import region_label
from etl.present.urlstate import COMMON_KEYS, Filters
from etl.query import overview
from pages._ui.data import agencies_df, get_con
from pages._ui.links import _refresh_link
from pages._ui.session import (
    _SS_COMMON,
    _SS_FILTERS,
    _SS_LINK_SLOT,
    _SS_PAGE,
    _SS_STAMP,
    _SS_SYNCED,
    _SS_YEARS,
    _query_dict,
    current_filters,
    lang,
    md_escape,
    t,
)


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


def _switch_language() -> None:
    st.session_state["qp_lang"] = "en" if lang() == "zh" else "zh"


#: agencies named in the sidebar's filter summary before "and n more"
SUMMARY_NAMES = 3


def first_names(items: Sequence[Any], lg: str, label: Callable[[Any], str] = str) -> tuple[str, int]:
    """A summary's list of picks: the first :data:`SUMMARY_NAMES` of ``items`` by their
    ``label``, joined as ``lg`` lists them, and how many more there are."""
    shown = [label(x) for x in items[:SUMMARY_NAMES]]
    return ("、" if lg == "zh" else ", ").join(shown), max(0, len(items) - SUMMARY_NAMES)


def filter_summary(f: Filters, n_agencies: int, data_years: tuple[int | None, int | None]) -> str:
    """The filters in force as two lines of text, so the sidebar says what a view shows without
    drawing its widgets (they open in a popover)."""
    lg = f.lang
    if not f.agencies:
        who = t("summary_agencies_all", n=f"{n_agencies:,}")
    else:
        names, more = first_names(f.agencies, lg, lambda a: md_escape(agency_names.agency_option(a, lg)))
        who = (t("summary_agencies_more", names=names, n=len(f.agencies), more=more) if more
               else t("summary_agencies", names=names))
    y0 = f.year_from if f.year_from is not None else data_years[0]
    y1 = f.year_to if f.year_to is not None else data_years[1]
    if f.year_from is None and f.year_to is None:
        span = t("all") + (f"（{y0}–{y1}）" if lg == "zh" else f" ({y0}–{y1})") if y0 else t("all")
    else:
        span = f"{y0 if y0 is not None else '…'}–{y1 if y1 is not None else '…'}"
    return f"{who}  \n{t('summary_years', years=span)}"


def _leave_pages_directory_mode() -> None:
    """Route through ``dashboard.py`` even when a server's first visitor opens a sub-page.

    Streamlit 1.67 starts every server in its old "pages directory" mode because a ``pages/``
    folder exists, and leaves it only once ``st.navigation`` has run. Until then a shared link
    such as ``/requests?…`` runs ``pages/requests.py`` directly: no router (so no demo build,
    no wide layout) and a menu listing every file of ``pages/``. Here, in that
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

    # The sidebar draws only buttons and text on arrival: the filter widgets sit in a popover,
    # whose contents the browser renders (and whose JS chunks it loads) only when opened. The
    # seven widgets drawn openly cost 0.3-0.6 s of every new session's first page
    # (benchmarks/bench_browser.py).
    st.sidebar.button(t("other_language"), key="lang_switch", help=i18n.t("language"),
                      on_click=_switch_language)
    _sync_out("lang", "lang", [] if lang() == "zh" else [lang()])
    summary = st.sidebar.empty()
    sb = st.sidebar.popover(t("change_filters"), icon=":material/filter_list:", width="stretch")

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
        canon = overview.canonical_names(get_con(), [a for a in wanted if a not in known])
        wanted = list(dict.fromkeys(canon.get(a, a) for a in wanted))
    for name in [a for a in wanted if a not in known]:
        st.warning(t("unknown_agency", name=md_escape(name[:80])))
    _sync_in(
        "agency", "qp_agency", tuple(query.get("agency", ())),
        [a for a in wanted if a in known],
    )
    ss["qp_agency"] = [a for a in ss.get("qp_agency") or [] if a in known]

    sb.multiselect(t("agencies"), agency_options(sb, names, ss["qp_agency"]), key="qp_agency",
                   help=t("agencies_help"), placeholder=t("all"),
                   # the language read once: Streamlit formats every option (20,000 in a province)
                   format_func=lambda n, _lg=lang(): agency_names.agency_option(n, _lg))
    for column, label, wkey in (("region", "add_by_region", "add_region"),
                                ("level", "add_by_level", "add_level")):
        opts = sorted(x for x in adf[column].dropna().unique().tolist() if x)
        if opts:
            sb.multiselect(
                t(label), opts, key=wkey, on_change=_add_matching, args=(column, wkey),
                placeholder=t("choose"),
                format_func=(lambda v, _lg=lang(): i18n.level_label(v, _lg))
                if column == "level" else (lambda v, _lg=lang(): region_label(v, _lg)),
            )
    agencies = list(ss.get("qp_agency") or [])
    _sync_out("agency", "agency", agencies)

    y_min, y_max = overview.year_range(get_con())
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
    summary.markdown(filter_summary(filters, len(names), (y_min, y_max)))
    with st.sidebar:
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


#: above this many agencies the picker lists the selection and the matches of a search field,
#: not every agency: Streamlit sends a multiselect's options on every run, and 20,000 of them
#: added 0.35 s to every page move in the browser (benchmarks/bench_browser.py, province)
PICKER_LIMIT = 1000


def agency_options(sb: Any, names: list[str], selected: Sequence[str] = (),
                   key: str = "agency_search") -> list[str]:
    """An agency picker's options: all agencies, or for a province the selected ones and the
    first :data:`PICKER_LIMIT` whose name (or English label) contains the text of a search
    field (``key``) drawn in ``sb`` above the picker."""
    if len(names) <= PICKER_LIMIT:
        return names
    query = sb.text_input(t("agency_search"), key=key,
                          placeholder=t("agency_search_placeholder", n=f"{len(names):,}")).strip()
    lg = lang()
    matches = [n for n in names if query and (query in n or query.lower() in
                                               agency_names.agency_label(n, lg).lower())]
    if len(matches) > PICKER_LIMIT:
        sb.caption(t("agency_search_more", n=PICKER_LIMIT, total=f"{len(matches):,}"))
    elif query and not matches:
        sb.caption(t("agency_search_none"))
    chosen = set(selected)
    return [*selected, *(n for n in matches[:PICKER_LIMIT] if n not in chosen)]


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
    sync_id, wkey, url_vals, value = _url_choice(param, {str(o): o for o in options}, default)
    _sync_in(sync_id, wkey, url_vals, value)
    if st.session_state.get(wkey) not in options:
        st.session_state[wkey] = default
    (container or st).selectbox(label, options, key=wkey, format_func=format_func, help=help)
    chosen = st.session_state.get(wkey)
    _choice_out(sync_id, param, [] if chosen == default else [str(chosen)])
    return chosen


def _url_choice(param: str, by_str: dict[str, Any], default: Any) -> tuple[str, str, tuple[str, ...], Any]:
    """(sync id, widget key, the URL's values, the option they ask for) of a page parameter
    with one value; a URL value that is no option says so (once per link) and asks for
    ``default``."""
    page = st.session_state.get(_SS_PAGE, "")
    sync_id = f"{page}:{param}"
    raw = current_filters().get(param)
    url_vals = (raw,) if raw is not None else ()
    value = default
    if raw is not None:
        if raw in by_str:
            value = by_str[raw]
        elif _synced().get(sync_id) != url_vals:
            st.warning(t("invalid_param", param=md_escape(param), value=md_escape(raw[:80])))
    return sync_id, f"qp_{page}_{param}", url_vals, value


def _choice_out(sync_id: str, param: str, vals: Sequence[str]) -> None:
    """The widget's choice written to the URL and to this run's Filters."""
    _sync_out(sync_id, param, vals)
    _update_params(param, vals)


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
    _choice_out(sync_id, param, [str(v) for v in chosen])
    return chosen


def url_tabs(tabs: Sequence[tuple[str, str]], param: str = "view") -> tuple[str, dict[str, Any]]:
    """Tabs whose open tab lives in the URL parameter ``param`` (by id, so a link opens the
    same tab in either language): (the open tab's id, {id: its container}).

    Why: Streamlit draws every element it is sent, hidden tabs' included, and on a chart-heavy
    page the browser's drawing was most of a new session's time (benchmarks/bench_browser.py).
    These tabs rerun the page when another is chosen, so a page fills only the open one.
    """
    ids = [i for i, _ in tabs]
    labels = dict(tabs)
    by_label = {label: i for i, label in tabs}
    default = ids[0]
    sync_id, wkey, url_vals, value = _url_choice(param, {i: i for i in ids}, default)
    if (wkey not in st.session_state or _synced().get(sync_id) != url_vals
            or st.session_state[wkey] not in by_label):  # a new session, link or language
        st.session_state[wkey] = labels[value]
    containers = st.tabs([label for _, label in tabs], key=wkey, on_change="rerun")
    chosen = by_label.get(st.session_state.get(wkey), default)
    _choice_out(sync_id, param, [] if chosen == default else [chosen])
    return chosen, dict(zip(ids, containers))
