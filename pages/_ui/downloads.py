"""Charts and tables with CSV and XLSX downloads of exactly the data they show (formula-like
cells made inert); the bytes are made when the user clicks."""
from __future__ import annotations

import io
from typing import Any, Callable

import pandas as pd
import streamlit as st

from pages._ui.session import lang, t


def _csv_bytes(df: pd.DataFrame) -> bytes:
    try:
        from etl.present.exports import to_csv_bytes

        return to_csv_bytes(df)
    except ImportError:
        return _inert(df).to_csv(index=False).encode("utf-8-sig")


def _xlsx_bytes(df: pd.DataFrame, name: str) -> bytes:
    try:
        from etl.present.exports import to_xlsx_bytes

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


def _named(df: pd.DataFrame, lg: str | None = None) -> pd.DataFrame:
    """In English (``lg``, by default this run's language), a table's agencies by their
    English labels with the Chinese names beside (``etl/present/agency_names.py``); applying it
    twice changes nothing more."""
    lg = lg or lang()
    if lg != "en":
        return df
    from etl.present import agency_names, category_names, i18n

    out = agency_names.relabel_frame(df, "en", ("agency", i18n.t("agency", "en")))
    return category_names.relabel_frame(out, "en", "category")


def download_buttons(df: pd.DataFrame | Callable[[], pd.DataFrame], name: str,
                     key: str | None = None) -> None:
    """CSV and XLSX downloads of exactly ``df`` (formula-like cells made inert); ``df`` may be
    a function that makes the frame, called only when a download is clicked (a province's
    5,000 findings in words are not made on every run to show 200 of them)."""
    k = key or name
    from etl.present.exports import rounded_for_download

    made: list[pd.DataFrame] = []
    lg = lang()  # a frame made on the click is made outside this run: its language taken now

    def frame() -> pd.DataFrame:
        if not made:
            made.append(rounded_for_download(_named(df() if callable(df) else df, lg)))  # 28.57
        return made[0]

    if not callable(df):
        frame()  # the frame the page shows now, not as it may be when the click comes
    row = st.container(horizontal=True)
    c0 = c1 = row
    # deferred: the bytes are made when the user clicks, not on every run of the page
    c0.download_button(
        t("download_csv"), lambda: _csv_bytes(frame()), file_name=f"{name}.csv", mime="text/csv",
        key=f"dl_csv_{k}", on_click="ignore",
    )
    c1.download_button(
        t("download_xlsx"), lambda: _xlsx_bytes(frame(), name), file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"dl_xlsx_{k}", on_click="ignore",
    )


def show_chart(chart: Any, df: pd.DataFrame, name: str, key: str | None = None) -> None:
    """A chart (``etl.present.charts.Chart``) plus CSV/XLSX downloads of exactly the data it
    shows. Vega-Lite charts are drawn on the server as SVG (``etl/present/chart_svg.py``: on a
    first visit Vega in the browser was most of a chart page's time), the flow by ECharts (a
    Sankey) in the browser."""
    k = f"chart_{key or name}"
    if lang() == "en":  # agencies by their English labels where known (etl/present/agency_names.py)
        from etl.present import agency_names, category_names, charts

        names = pd.unique(pd.concat([chart.data[c] for c in charts.NAME_COLUMNS if c in chart.data.columns]
                                    or [pd.Series(dtype=object)]))
        # and categories by theirs (etl/present/category_names.py): one language in the legend
        agencies = {k: v for k, v in agency_names.labels(names, "en").items() if k != v}
        chart = charts.relabel(chart, {**category_names.labels(names, "en"), **agencies})
        df = _named(df)
    if chart.library == "echarts":
        st.echarts_chart(chart.spec, key=k, height=440)
    else:
        from etl.present import chart_svg

        st.html(chart_svg.to_html(chart.spec, chart.data))  # its texts escaped, then sanitised
    download_buttons(df, name, key=key)


#: rows a table sends to the browser: a province's indicator table (20,000 agencies) was 6 MB
#: of every overview run, and its late and missing reports (15,000) another 2 MB; the rest is
#: in the table's downloads
TABLE_ROWS = 1000


def shown_rows(light: bool = False) -> int:
    """How many rows a table shows: a light one (plain HTML, drawn at once) its first
    ``html_table.MAX_ROWS``, the data grid (which draws only the rows in view) :data:`TABLE_ROWS`."""
    from etl.present import html_table

    return html_table.MAX_ROWS if light else TABLE_ROWS


def first_rows(df: pd.DataFrame, n: int | None = None, note: str = "table_rows_shown") -> pd.DataFrame:
    """The rows of ``df`` a page shows (the first :data:`TABLE_ROWS`, in the table's own order),
    with a caption (text key ``note``) saying how many there are when that is not all of them."""
    n = TABLE_ROWS if n is None else n
    if len(df) <= n:
        return df
    st.caption(t(note, n=f"{n:,}", total=f"{len(df):,}"))
    return df.head(n)


def table(df: pd.DataFrame, *, light: bool = False, **kwargs: Any) -> None:
    """``df`` as Streamlit's data grid or, ``light`` and short enough, as a plain HTML table
    (``etl/present/html_table.py``: the grid's code was 0.4 s of a first visit); both escape
    every text (document text is never rendered as HTML/markdown). ``kwargs``: the grid's
    ``column_config`` / ``column_order`` (the HTML table reads them too) and its own options."""
    from etl.present import html_table

    if light and len(df) <= html_table.MAX_ROWS:
        st.html(html_table.table_html(df, kwargs.get("column_config"), kwargs.get("column_order")))
    else:
        st.dataframe(df, hide_index=True, **kwargs)


def show_table(df: pd.DataFrame, name: str | None = None, *, light: bool = False, **kwargs: Any) -> None:
    """A table (see :func:`table`), with downloads when ``name`` is given; in English,
    agencies by their English labels with the Chinese name beside them."""
    df = _named(df)
    table(first_rows(df, shown_rows(light)), light=light, **kwargs)
    if name:
        download_buttons(df, name)
