"""Fuzz through the one write path: hostile spreadsheets (xlsx, csv) and report files given to
``etl.store.loader.load_paths`` end in a clean per-file error naming the file — never an exception,
never a hang — and a failed file leaves the database exactly as it was.

The document readers have their own, larger fuzz file (test_fuzz_readers.py); this one covers
the spreadsheet readers and the loader around every reader, where a partial write could hide.
"""
from __future__ import annotations

import io
import itertools
import time
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.store import loader
from etl.store import database as store
from etl.model import InputError
from etl.sheets.parse import parse_spreadsheet

HANG_GUARD_S = 10.0  # generous: a hang guard, not a timing assertion
FUZZ = settings(max_examples=120, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


def _export(con) -> list:
    """Every table's rows, sorted: equal before/after ⇔ the database is unchanged."""
    out = []
    for table in ("sources", "reports", "facts", "findings", "agencies", "agency_aliases",
                  "corrections"):
        rows = con.execute(f"SELECT * FROM {table}").fetchall()
        out.append((table, sorted(rows, key=repr)))
    return out


def _long_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["agency", "year", "metric_id", "breakdown", "value"])
    for i in range(30):
        ws.append(["甲市商务局", 2015 + i % 8, "requests.received", "", i])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


XLSX = _long_xlsx()
GOOD_TXT = ("甲市商务局2020年政府信息公开工作年度报告\n2020年，我局主动公开政府信息120条。"
            "全年共受理政府信息公开申请8件。\n").encode("utf-8")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """A database holding one good report, shared by the examples (each must leave it as is)."""
    d = tmp_path_factory.mktemp("fuzzload")
    con = store.connect(d / "f.duckdb")
    good = d / "good.txt"
    good.write_bytes(GOOD_TXT)
    res = loader.load_paths([good], con, archive=d / "archive")
    assert res.ok, res.to_dict()
    yield con, d
    con.close()


_SEQ = itertools.count()


def _load_one(db, name: str, data: bytes) -> None:
    """Load one hostile file; it may load (if it happens to be valid) or fail cleanly."""
    con, d = db
    folder = d / f"in{next(_SEQ)}"
    folder.mkdir()
    path = folder / name
    path.write_bytes(data)
    before = _export(con)
    t0 = time.perf_counter()
    res = loader.load_paths([path], con, archive=d / "archive")
    assert time.perf_counter() - t0 < HANG_GUARD_S
    (fr,) = res.files
    if fr.status == "failed":
        assert fr.name in fr.message or name in fr.message, fr.message
        assert _export(con) == before  # nothing written
    else:  # a valid file: remove it again so the next example starts from the same state
        store.delete_source(con, fr.sha256)


def _mutate(data: bytes, edits: list[tuple[int, int]]) -> bytes:
    b = bytearray(data)
    for pos, val in edits:
        b[pos % len(b)] = val
    return bytes(b)


@FUZZ
@given(cut=st.integers(min_value=0, max_value=len(XLSX) - 1))
def test_truncated_xlsx(db, cut: int) -> None:
    _load_one(db, "truncated.xlsx", XLSX[:cut])


@FUZZ
@given(edits=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1,
                      max_size=8))
def test_mutated_xlsx(db, edits: list[tuple[int, int]]) -> None:
    _load_one(db, "mutated.xlsx", _mutate(XLSX, edits))


@FUZZ
@given(data=st.binary(max_size=4096),
       name=st.sampled_from(["a.xlsx", "a.csv", "a.txt", "a.pdf", "a.docx", "a.html", "noext"]))
def test_random_bytes_through_the_loader(db, data: bytes, name: str) -> None:
    _load_one(db, name, data)


CSV_CELL = st.one_of(st.text(max_size=12), st.integers(-10**6, 10**9).map(str),
                     st.sampled_from(["甲市商务局", "requests.received", "2021", "万元", "=1+1",
                                      "@SUM(A1)", "", "/", "-", "１２"]))


@FUZZ
@given(rows=st.lists(st.lists(CSV_CELL, min_size=1, max_size=8), min_size=0, max_size=12),
       sep=st.sampled_from([",", ";", "\t"]), enc=st.sampled_from(["utf-8", "utf-8-sig", "gbk"]),
       header=st.booleans())
def test_generated_csv(db, rows: list[list[str]], sep: str, enc: str, header: bool) -> None:
    lines = ([sep.join(["agency", "year", "metric_id", "breakdown", "value"])] if header else [])
    lines += [sep.join(r) for r in rows]
    data = "\n".join(lines).encode(enc, errors="replace")
    _load_one(db, "generated.csv", data)


@FUZZ
@given(data=st.binary(min_size=1, max_size=2048))
def test_parse_spreadsheet_clean_error_or_result(tmp_path_factory, data: bytes) -> None:
    d = tmp_path_factory.mktemp("ps")
    for name, payload in (("x.csv", data), ("x.xlsx", b"PK\x03\x04" + data)):
        p = d / name
        p.write_bytes(payload)
        try:
            parse_spreadsheet(p)
        except InputError as exc:
            assert name in str(exc)


def test_zip_bomb_xlsx_through_the_loader(db) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(XLSX)) as zin, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item))
        zout.writestr("xl/worksheets/sheet9.xml", b"\0" * (400 * 1024 * 1024))
    _load_one(db, "bomb.xlsx", out.getvalue())


def test_good_file_still_loads_after_the_fuzzing(db) -> None:
    con, _ = db
    rows = con.execute("SELECT count(*) FROM reports").fetchone()[0]
    assert rows == 1  # the one good report, untouched by every failed example
