"""A short table as plain HTML: what a page's first view shows without Streamlit's data grid.

Why: the grid (``st.dataframe``) is a canvas component whose code the browser loads and runs
on a first visit: about 0.4 s of the overview's 2.2 s on the 2-core benchmark machine, against
about 0.15 s for the same rows as an HTML table (``benchmarks/bench_browser.py``). A page shows
a light table's first :data:`MAX_ROWS` rows (and says so; the downloads hold them all); a longer
table handed over whole goes to the grid, which draws only the rows in view. The column
settings are Streamlit's own ``st.column_config`` dicts, read here: a column's label, a link
column's display text (fixed, or a regex whose group is shown), a number column's printf format.
"""
from __future__ import annotations

import hashlib
import html
import math
import re
from typing import Any, Mapping, Sequence

import pandas as pd

#: the most rows drawn as HTML; a longer table goes to the grid
MAX_ROWS = 200
#: by default a table scrolls inside this height (px), its header kept in view
MAX_HEIGHT = 420

BLANK = "—"

_STYLE = (
    "<style>"
    ".gk-table{overflow:auto;border:1px solid rgba(49,51,63,.1);"
    "border-radius:.5rem;margin-bottom:1rem}"
    ".gk-table table{border-collapse:collapse;width:100%;font-size:.875rem;line-height:1.4}"
    ".gk-table th{position:sticky;top:0;background:#f8f9fb;color:#31333f;font-weight:600;"
    "text-align:left;z-index:1}"
    ".gk-table th,.gk-table td{padding:.3rem .6rem;border-bottom:1px solid rgba(49,51,63,.08);"
    "vertical-align:top;overflow-wrap:break-word;min-width:4.5rem;max-width:22rem}"
    ".gk-table td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}"
    ".gk-pin td:first-child,.gk-pin th:first-child{position:sticky;left:0;background:#fff;z-index:2;"
    "min-width:9rem}"
    ".gk-pin th:first-child{background:#f8f9fb;z-index:3}"
    "</style>"
)  # each table's own height is on its box (``max_height``)


def _text(value: Any, fmt: str | None, blank: str = BLANK) -> tuple[str, bool]:
    """(the cell's text, whether it is a number)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return blank, False
    if isinstance(value, bool):
        return str(value), False
    if isinstance(value, (int, float)) or hasattr(value, "dtype"):
        try:
            num = float(value)
        except (TypeError, ValueError):
            return str(value), False
        if fmt and "%" in fmt:
            try:
                return fmt % (int(num) if re.search(r"%[-+ 0#]*\d*d", fmt) else num), True
            except (TypeError, ValueError):
                pass
        if num.is_integer():
            return str(int(num)), True
        return f"{num:.4f}".rstrip("0").rstrip("."), True
    text = str(value)
    return (text if text.strip() else blank), False


def _link(value: Any, display: str | None, blank: str = BLANK) -> str:
    if not isinstance(value, str) or not value:
        return html.escape(blank)
    shown = value
    if display:
        m = re.search(display, value) if any(c in display for c in "()\\[]") else None
        shown = (m.group(1) if m and m.groups() else m.group(0)) if m else display
    return (f'<a href="{html.escape(value, quote=True)}" target="_blank">'
            f"{html.escape(shown)}</a>")


def table_key(df: pd.DataFrame) -> str:
    """An id for the table's rows, its ``data-table`` (the tests find a table's frame by it)."""
    blob = df.to_json(orient="split", force_ascii=False, default_handler=str)
    return hashlib.sha1(blob.encode("utf-8")).hexdigest()


def table_html(
    df: pd.DataFrame,
    column_config: Mapping[str, Mapping[str, Any] | str | None] | None = None,
    column_order: Sequence[str] | None = None,
    *,
    cell_styles: pd.DataFrame | None = None,
    pin_first: bool = False,
    max_height: int = MAX_HEIGHT,
    blank: str = BLANK,
) -> str:
    """``df`` (without its index) as an HTML table; every text escaped. ``cell_styles``: a
    frame like ``df`` of CSS declarations per cell (a matrix's colours); ``pin_first`` keeps
    the first column in view when the table scrolls sideways; ``blank``: what an empty cell
    shows (a matrix whose legend gives blank cells a meaning keeps them blank)."""
    config = dict(column_config or {})
    columns = [c for c in (column_order or df.columns) if c in df.columns and config.get(c, 0) is not None]
    head, kinds = [], []
    for col in columns:
        cfg = config.get(col)
        if isinstance(cfg, str):
            cfg = {"label": cfg}
        cfg = cfg or {}
        type_config = cfg.get("type_config") or {}
        head.append(f"<th>{html.escape(str(cfg.get('label') or col))}</th>")
        kinds.append((type_config.get("type"), type_config.get("display_text"), type_config.get("format")))
    styles = (cell_styles[columns].itertuples(index=False, name=None) if cell_styles is not None
              else iter(lambda: (), None))
    body = []
    for row in df[columns].itertuples(index=False, name=None):
        css = next(styles, ())
        cells = []
        for i, (value, (kind, display, fmt)) in enumerate(zip(row, kinds)):
            style = f' style="{html.escape(css[i], quote=True)}"' if i < len(css) and css[i] else ""
            if kind == "link":
                cells.append(f"<td{style}>{_link(value, display, blank)}</td>")
            else:
                text, numeric = _text(value, fmt, blank)
                cls = ' class="n"' if numeric else ""
                cells.append(f"<td{cls}{style}>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    classes = "gk-table gk-pin" if pin_first else "gk-table"
    return (f'{_STYLE}<div class="{classes}" data-table="{table_key(df)}" '
            f'style="max-height:{int(max_height)}px"><table><thead><tr>'
            f'{"".join(head)}</tr></thead><tbody>{"".join(body)}</tbody></table></div>')
