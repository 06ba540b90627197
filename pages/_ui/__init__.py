"""Shared Streamlit helpers for every page, one module per concern:

- ``session``: what one run knows (its language, its filters, the session-state keys) and the
  interface texts in that language;
- ``state``: the sidebar filters and page parameters bound to the URL (``page_setup``,
  ``url_selectbox``, ``url_multiselect``, ``url_param``);
- ``data``: this thread's database cursor and the cached query calls (``get_con``,
  ``cached``, ``selection``);
- ``links``: links to pages and reports that carry the filters, and the copy-link box;
- ``downloads``: charts and tables with CSV/XLSX downloads of exactly what they show;
- ``messages``: empty states and the error boundary.

Imports among them run one way: ``session`` ← ``data``, ``links``, ``downloads``,
``messages`` ← ``state``. Pages import from the module that holds what they need; a page
reads like this::

    from pages._ui.data import cached, get_con, selection
    from pages._ui.downloads import show_chart
    from pages._ui.messages import empty_state, error_boundary
    from pages._ui.session import lang, t
    from pages._ui.state import page_setup, url_selectbox

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

URL contract (see ``etl/present/urlstate.py``): ``agency`` (repeatable canonical names),
``year_from``, ``year_to``, ``lang`` travel between pages; a page's own parameters are bound
with ``url_selectbox`` / ``url_multiselect`` / ``url_param`` (``state``). Page ids equal their URL
paths (``overview`` is ``/``). Query-param values are strings.

How the binding works (manual, not ``bind="query-params"``, because bound widgets are dropped
when the user moves to another page): on every run the URL value of a parameter is compared
with what this session last wrote. Equal → the user may have changed the widget, so the widget
wins and its value is written to the URL. Different → the URL was opened or edited, so the URL
wins and the widget is set from it. On a page switch the common filters are restored from the
session when the new URL carries none, so filters survive navigation through the sidebar menu.
"""
