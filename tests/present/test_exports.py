"""CSV/XLSX downloads: BOM, formula neutralisation, numbers kept numeric, safe names."""
from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from etl.present.exports import (
    neutralize,
    safe_filename,
    safe_sheet_name,
    to_csv_bytes,
    to_xlsx_bytes,
)


@pytest.fixture()
def hostile() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "agency": ["=HYPERLINK(\"http://x\",\"点我\")", "+1+2", "-3", "@SUM(A1)", "某某局"],
            "year": [2020, 2021, 2022, 2023, 2024],
            "value": [1.5, -2.0, None, 0.0, 1234567.0],
        }
    )


def test_neutralize_only_touches_dangerous_text() -> None:
    assert neutralize("=1+1") == "'=1+1"
    assert neutralize("+86") == "'+86"
    assert neutralize("-x") == "'-x"
    assert neutralize("@a") == "'@a"
    assert neutralize("\tcmd") == "'\tcmd"
    assert neutralize("正常") == "正常"
    assert neutralize(-5) == -5
    assert neutralize(None) is None


def test_csv_has_bom_and_is_inert(hostile: pd.DataFrame) -> None:
    data = to_csv_bytes(hostile)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["agency", "year", "value"]
    agencies = [r[0] for r in rows[1:]]
    assert agencies[:4] == ["'=HYPERLINK(\"http://x\",\"点我\")", "'+1+2", "'-3", "'@SUM(A1)"]
    assert agencies[4] == "某某局"
    # numbers stay numbers: a negative number is not prefixed
    assert rows[2][2] == "-2.0"
    assert rows[3][2] == ""  # missing stays empty
    assert not any(cell.startswith(("=", "+", "@")) for r in rows for cell in r)


def test_csv_neutralises_column_names() -> None:
    df = pd.DataFrame({"=bad": ["a"]})
    text = to_csv_bytes(df).decode("utf-8-sig")
    assert text.splitlines()[0] == "'=bad"


def test_xlsx_readable_numbers_numeric_text_inert(hostile: pd.DataFrame) -> None:
    data = to_xlsx_bytes(hostile, "披露/数量:2024")
    wb = load_workbook(io.BytesIO(data))
    ws = wb.active
    assert ws.title == "披露_数量_2024"
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("agency", "year", "value")
    assert rows[1][0] == "'=HYPERLINK(\"http://x\",\"点我\")"
    assert rows[4][0] == "'@SUM(A1)"
    assert rows[5][0] == "某某局"
    assert rows[1][1] == 2020 and isinstance(rows[1][1], int)
    assert rows[2][2] == -2 and isinstance(rows[2][2], (int, float))
    assert rows[3][2] is None
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f"


def test_xlsx_handles_pandas_string_and_na_dtypes() -> None:
    df = pd.DataFrame(
        {
            "name": pd.array(["甲", None, "乙"], dtype="string"),
            "n": pd.array([1, None, None], dtype="Int64"),
        }
    )
    rows = list(load_workbook(io.BytesIO(to_xlsx_bytes(df, "x"))).active.iter_rows(values_only=True))
    assert rows[1] == ("甲", 1)
    assert rows[2] == (None, None)
    assert rows[3] == ("乙", None)


def test_empty_frame_exports() -> None:
    df = pd.DataFrame({"agency": pd.Series([], dtype=object), "value": pd.Series([], dtype=float)})
    assert to_csv_bytes(df).decode("utf-8-sig").strip() == "agency,value"
    rows = list(load_workbook(io.BytesIO(to_xlsx_bytes(df, ""))).active.iter_rows(values_only=True))
    assert rows == [("agency", "value")]


def test_sheet_name_rules() -> None:
    assert safe_sheet_name("") == "data"
    assert len(safe_sheet_name("x" * 50)) == 31
    assert safe_sheet_name("a[b]c") == "a_b_c"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("披露数量 2024.csv", "披露数量_2024.csv"),
        ("../../etc/passwd", "etc_passwd"),
        ('a<b>:"c"|d?*', "a_b_c_d"),
        ("", "download"),
        ("...", "download"),
        ("CON.csv", "_CON.csv"),
    ],
)
def test_safe_filename(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


def test_safe_filename_keeps_extension_when_truncating() -> None:
    out = safe_filename("长" * 200 + ".xlsx")
    assert out.endswith(".xlsx") and len(out) <= 80


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=12), min_size=1, max_size=5))
def test_no_exported_text_cell_can_start_a_formula(texts: list[str]) -> None:
    df = pd.DataFrame({"t": texts, "n": range(len(texts))})
    rows = list(csv.reader(io.StringIO(to_csv_bytes(df).decode("utf-8-sig"), newline="")))
    for row in rows[1:]:
        assert not row[0].startswith(("=", "+", "-", "@"))
    ws = load_workbook(io.BytesIO(to_xlsx_bytes(df, "p"))).active
    for (cell,) in ws.iter_rows(min_row=2, max_col=1):
        assert cell.data_type != "f"
        if isinstance(cell.value, str):
            assert not cell.value.startswith(("=", "+", "-", "@"))


def test_xlsx_replaces_control_characters() -> None:
    df = pd.DataFrame({"raw_text": ["第\x00一\x1f页", "=\x01x"]})
    rows = list(load_workbook(io.BytesIO(to_xlsx_bytes(df, "x"))).active.iter_rows(values_only=True))
    assert rows[1] == ("第\ufffd一\ufffd页",)
    assert rows[2] == ("'=\ufffdx",)
