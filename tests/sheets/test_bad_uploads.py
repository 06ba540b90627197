"""Hostile and broken uploads: each is refused with a message naming the file and the reason,
and an export of the database is identical before and after."""
from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from etl.store import database as store
from etl.model import InputError
from etl.store.loader import load_spreadsheet
from etl.sheets.parse import parse_spreadsheet
from etl.sheets.preview import preview_upload
from etl.sheets.validate import guard_file
from tests.sheets.test_spreadsheets import export


def _xlsx_bytes() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["agency", "year", "metric_id", "breakdown", "value"])
    ws.append(["甲市商务局", 2023, "requests.received", "", 3])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _rewrite_sheet(data: bytes, fn) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            body = zin.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = fn(body.decode()).encode()
            zout.writestr(item, body)
    return out.getvalue()


def _million_columns() -> bytes:
    def claim(xml: str) -> str:
        xml = re.sub(r"<dimension[^>]*/>", "", xml)
        return xml.replace("<sheetViews>", '<dimension ref="A1:BDWGN2"/><sheetViews>', 1)
    return _rewrite_sheet(_xlsx_bytes(), claim)


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_xlsx_bytes())) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item))
        zout.writestr("xl/worksheets/sheet2.xml", b"\0" * (8 * 1024 * 1024))
    return out.getvalue()


def _pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


CASES = {
    "corrupt.xlsx": (lambda: b"PK\x03\x04" + os.urandom(2000), "corrupt or truncated"),
    "truncated.xlsx": (lambda: _xlsx_bytes()[:1500], "corrupt or truncated"),
    "actually_pdf.xlsx": (_pdf_bytes, "not a .xlsx file: its content is a PDF"),
    "actually_xlsx.csv": (_xlsx_bytes, "not a .csv file: its content is a zip archive"),
    "bomb.xlsx": (_zip_bomb, "zip bomb"),
    "wide.xlsx": (_million_columns, "claims 2 rows × 1,000,000 columns"),
    "empty.xlsx": (lambda: b"", "the file is empty"),
    "empty.csv": (lambda: b"", "the file is empty"),
    "report.exe": (lambda: b"MZ\x90\x00", "unsupported file type .exe"),
    "wide.csv": (lambda: b"agency" + b"," * 1_000_000 + b"\n", "1,000,001 columns"),
    "binary_text.csv": (lambda: bytes(range(128, 256)) * 4, "neither UTF-8 nor GBK"),
}


@pytest.fixture
def con(tmp_path, monkeypatch):
    monkeypatch.setenv("GONGKAI_ARCHIVE", str(tmp_path / "archive"))
    c = store.connect(tmp_path / "bad.duckdb")
    good = tmp_path / "good.csv"
    good.write_text("agency,year,metric_id,breakdown,value\n甲市商务局,2022,requests.received,,8\n", encoding="utf-8")
    assert load_spreadsheet(good, c).status == "loaded"
    yield c
    c.close()


@pytest.mark.parametrize("name", list(CASES))
def test_bad_file_refused_with_reason_and_database_unchanged(con, tmp_path, name):
    make, reason = CASES[name]
    p = tmp_path / name
    p.write_bytes(make())
    before = export(con)
    with pytest.raises(InputError) as exc:
        load_spreadsheet(p, con, only_valid_rows=True)
    assert name in str(exc.value) and reason in str(exc.value)
    pv = preview_upload(p, con)
    assert pv.status == "refused" and name in pv.message and reason in pv.message
    assert export(con) == before
    archived = [f for f in (tmp_path / "archive").rglob("*") if f.is_file()]
    assert len(archived) == 1  # only the good file loaded by the fixture


def test_zip_bomb_refused_before_decompressing(tmp_path, monkeypatch):
    """The guard looks only at the zip directory: reading a member would be a failure."""
    p = tmp_path / "bomb.xlsx"
    p.write_bytes(_zip_bomb())
    monkeypatch.setattr(zipfile.ZipFile, "read", lambda *a, **k: pytest.fail("decompressed"))
    with pytest.raises(InputError, match="zip bomb"):
        guard_file(p)


def test_huge_file_refused_from_its_size_alone(con, tmp_path, monkeypatch):
    p = tmp_path / "huge.csv"
    with p.open("wb") as fh:  # sparse: 200 MB on paper, nothing on disk
        fh.truncate(200 * 1024 * 1024)
    opened = []
    real_open = Path.open

    def spy(self, *a, **k):
        opened.append(self)
        return real_open(self, *a, **k)

    monkeypatch.setattr(Path, "open", spy)
    before = export(con)
    with pytest.raises(InputError) as exc:
        guard_file(p)
    assert "huge.csv" in str(exc.value) and "the limit is 50 MB per file" in str(exc.value)
    assert p not in opened  # refused before a byte was read
    monkeypatch.undo()
    pv = preview_upload(p, con)
    assert pv.status == "refused" and "too large: 200 MB" in pv.message
    assert export(con) == before


def test_path_separators_never_become_a_path(con, tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("agency,year,metric_id,breakdown,value\n乙市商务局,2023,requests.received,,2\n", encoding="utf-8")
    res = load_spreadsheet(p, con, name="../../../etc/cron.d/evil.csv")
    assert res.status == "loaded" and res.file == "evil.csv"
    name, archived, sha = con.execute(
        "SELECT file_name, archive_path, sha256 FROM sources WHERE file_name LIKE '%evil%'").fetchone()
    assert name == "evil.csv"
    assert Path(archived) == tmp_path / "archive" / sha[:2] / sha
    assert not any("evil" in str(f) for f in tmp_path.rglob("*") if f != p)


def test_bad_rows_are_not_partly_written(con, tmp_path):
    p = tmp_path / "partly.csv"
    p.write_text("agency,year,metric_id,breakdown,value\n甲市商务局,2023,requests.received,,5\n"
                 "甲市商务局,1990,requests.granted,,2\n", encoding="utf-8")
    before = export(con)
    res = load_spreadsheet(p, con)
    assert res.status == "refused" and "partly.csv" in res.message
    assert any(pr.row == 3 and pr.column == "B" for pr in res.problems)
    assert export(con) == before


def test_unrecognised_sheet_is_refused(con, tmp_path):
    p = tmp_path / "random.csv"
    p.write_text("foo,bar\n1,2\n", encoding="utf-8")
    parsed = parse_spreadsheet(p)
    assert parsed.errors and "no sheet in the layout" in parsed.errors[0].message
    before = export(con)
    assert load_spreadsheet(p, con).status == "refused"
    assert export(con) == before
