"""Downloads of exactly the data a chart shows: CSV and XLSX bytes of a DataFrame.

Why this module exists: every chart on the analysis pages offers its data for download, and
those files are opened in Excel or WPS by users who did not write them. Agency names, category
names and notes come from documents we do not control, so a text cell such as ``=HYPERLINK(..)``
or ``@SUM(..)`` must not become a live formula (CSV/formula injection). Text cells beginning with
``= + - @`` (and tab / carriage return, which some spreadsheet programs strip before parsing)
get a leading apostrophe; numbers stay numbers so the user can still sum a column.

CSV is UTF-8 *with* a byte-order mark because Excel on Windows otherwise reads UTF-8 Chinese as
mojibake.
"""
from __future__ import annotations

import io
import math
import re
import unicodedata
from typing import Any

import pandas as pd

from etl.store.export import DANGEROUS_PREFIXES, neutralize  # noqa: F401 — one rule for every export

_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_FILENAME_FORBIDDEN = re.compile(r"[^\w.\-]+", re.UNICODE)
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                     *(f"LPT{i}" for i in range(1, 10))}


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells and column names are neutralised; numeric columns untouched."""
    out = df.copy()
    out.columns = [neutralize(str(c)) for c in out.columns]
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
            continue
        if pd.api.types.is_datetime64_any_dtype(s):
            continue
        out[col] = s.astype(object).map(lambda v: None if _is_missing(v) else neutralize(v))
    return out


#: column names that hold a percent or a ratio: rounded to PCT_DECIMALS in downloads
_PCT_NAME = re.compile(r"pct|percent|share|rate|yoy|plan|ratio|%|％|比|率|占比", re.IGNORECASE)
PCT_DECIMALS = 2
#: every other float column: enough for yuan cents and 万 fractions, none of a float's noise
DECIMALS = 6


def rounded_for_download(df: pd.DataFrame) -> pd.DataFrame:
    """A copy whose float columns are rounded: percents and ratios (by column name: pct, yoy,
    share, rate, %, 率 …) to two decimals (28.57, not 28.570000000000004 or a computed change
    with 15 decimals), other floats to six (cents of a yuan amount stay exact). Integers,
    text and blanks are unchanged."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if not pd.api.types.is_float_dtype(s):
            continue
        digits = PCT_DECIMALS if _PCT_NAME.search(str(col)) else DECIMALS
        out[col] = s.round(digits)
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV as UTF-8 with BOM (Excel opens Chinese correctly), formula-like text made inert."""
    buf = io.StringIO()
    _safe_frame(df).to_csv(buf, index=False, lineterminator="\r\n")
    return buf.getvalue().encode("utf-8-sig")


def safe_sheet_name(name: str) -> str:
    """Excel sheet names: at most 31 characters, none of ``[]:*?/\\``, not empty."""
    cleaned = _SHEET_FORBIDDEN.sub("_", name or "").strip("'").strip()
    return (cleaned or "data")[:31]


def _cell_value(value: Any) -> Any:
    if _is_missing(value):
        return None
    if isinstance(value, str):
        # control characters (common in text read from PDFs) are illegal in XLSX XML
        return _ILLEGAL_XLSX.sub("\ufffd", value)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            return value.item()  # numpy scalar → Python number
        except (ValueError, AttributeError):
            return value
    return value


def to_xlsx_bytes(df: pd.DataFrame, sheet_name: str = "data") -> bytes:
    """An .xlsx workbook with one sheet: a header row, then the rows; text is never a formula."""
    from openpyxl import Workbook

    safe = _safe_frame(df)
    wb = Workbook()
    ws = wb.active
    ws.title = safe_sheet_name(sheet_name)
    ws.append([_cell_value(str(c)) for c in safe.columns])
    for row in safe.itertuples(index=False, name=None):
        ws.append([_cell_value(v) for v in row])
    # openpyxl would turn any string starting with "=" into a formula; after neutralising none
    # does, but pin the type anyway so a future change in neutralize() cannot re-open the hole.
    for row in ws.iter_rows(min_row=1):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def safe_filename(name: str, default: str = "download", max_length: int = 80) -> str:
    """A file name safe on Windows, macOS and Linux; Chinese characters are kept.

    Path separators, quotes, control characters and other punctuation become ``_``; leading
    dots are dropped (no hidden files, no ``..``); the result is never empty.
    """
    text = unicodedata.normalize("NFKC", name or "")
    text = _FILENAME_FORBIDDEN.sub("_", text)
    text = re.sub(r"_+", "_", text).strip("._ ")
    if not text:
        return default
    if len(text) > max_length:
        stem, dot, ext = text.rpartition(".")
        if dot and 0 < len(ext) <= 5:
            text = stem[: max_length - len(ext) - 1].rstrip("._") + "." + ext
        else:
            text = text[:max_length].rstrip("._")
    text = text or default
    if text.split(".")[0].upper() in _WINDOWS_RESERVED:
        text = "_" + text
    return text
