"""Bad input through ``python -m etl`` as a user meets it: every message names the file and the
place, the exit code is right, and the database is exactly as before (or holds the good part
with the problem recorded *and said*)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest

from etl import cli
from etl.demo import docx_pdf, fixtures
from etl.store import database as store


@pytest.fixture()
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "db" / "g.duckdb"
    monkeypatch.setenv("GONGKAI_DB", str(path))
    monkeypatch.setenv("GONGKAI_ARCHIVE", str(tmp_path / "db" / "archive"))
    return path


def _count(db: Path, table: str) -> int:
    """Rows in ``table`` (0 when no database was created), connection closed afterwards."""
    if not db.exists():
        return 0
    con = store.connect(db, read_only=True)
    try:
        return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        con.close()


def _good_txt(folder: Path, seed: int = 1, agency: str = "青川市教育局", year: int = 2021) -> Path:
    spec = fixtures.make_standard_report(seed, agency=agency, year=year, form="2021")
    path = folder / f"good_{seed}.txt"
    path.write_text(fixtures.render_txt(spec), encoding="utf-8")
    return path


def _export(capsys: pytest.CaptureFixture[str], out: Path) -> bytes:
    assert cli.main(["export", "--out", str(out)]) == 0
    capsys.readouterr()
    return out.read_bytes()


def _long_xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "long"
    ws.append(["agency", "year", "metric_id", "breakdown", "value"])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_spreadsheet_with_bad_rows_lists_every_problem_and_writes_nothing(
    tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["load", str(_good_txt(tmp_path))]) == 0
    before = _export(capsys, tmp_path / "before.csv")
    bad = _long_xlsx(tmp_path / "bad rows.xlsx", [
        ["青川市教育局", 2020, "disclosure.items", "", 12],
        ["青川市教育局", 2020, "requests.received", "", "十二x"],
        ["青川市教育局", 1820, "requests.received", "", 3],
        ["青川市教育局", 2020, "no.such.metric", "", 3],
    ])
    assert cli.main(["load", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "failed     bad rows.xlsx: 3 problems, nothing was written" in err
    assert "sheet long, row 3, column E: text in a numeric cell" in err and "'十二x'" in err
    assert "sheet long, row 4, column B: year 1820" in err
    assert "sheet long, row 5, column C: unknown metric 'no.such.metric'" in err
    assert "error: bad rows.xlsx" not in err  # the file is named once, not inside each line
    assert _export(capsys, tmp_path / "after.csv") == before


def test_extract_names_a_bad_spreadsheet_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = _long_xlsx(tmp_path / "x.xlsx", [["青川市教育局", 2020, "requests.received", "", -4]])
    assert cli.main(["extract", str(bad), "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.out.strip() == "[]"
    assert captured.err.count("x.xlsx") == 1
    assert "row 2, column E: negative value" in captured.err


def test_scanned_pdf_is_stored_with_its_problem_and_the_problem_is_said(
    tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(docx_pdf.render_scanned_pdf(pages=2))
    assert cli.main(["load", str(pdf)]) == 0
    captured = capsys.readouterr()
    assert "loaded     scan.pdf: 1 report(s), 0 fact(s)" in captured.out
    assert re.search(r"problem  scan\.pdf, report 1: page\(s\) 1.2 have no text layer", captured.err)
    assert "scan.pdf, report 1: scan.pdf" not in captured.err  # no doubled name
    con = store.connect(db, read_only=True)
    try:
        rules = {r[0] for r in con.execute("SELECT rule FROM findings").fetchall()}
    finally:
        con.close()
    assert "pdf_no_text_layer" in rules
    # Loading again changes nothing but still says what is wrong with the file.
    assert cli.main(["load", str(pdf)]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("unchanged") and "no text layer" in captured.err


def test_totals_that_do_not_add_up_are_loaded_and_named(
    tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = fixtures.make_standard_report(11, agency="青川市卫生健康委员会", year=2021, form="2021")
    text = fixtures.render_txt(spec)
    lines = text.splitlines()
    i = next(k for k, line in enumerate(lines) if line.startswith("（七）总计"))
    cells = lines[i].split("\t")
    cells[-1] = str(int(cells[-1]) + 5)
    lines[i] = "\t".join(cells)
    path = tmp_path / "totals.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert cli.main(["load", str(path)]) == 0
    err = capsys.readouterr().err
    assert "problem  totals.txt, report 1: 表三" in err and "总计" in err


def test_text_under_a_spreadsheet_name_is_refused(
    tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["load", str(_good_txt(tmp_path))]) == 0
    before = _export(capsys, tmp_path / "before.csv")
    fake = tmp_path / "numbers.xlsx"
    fake.write_text("这不是表格\n" * 20, encoding="utf-8")
    assert cli.main(["load", str(fake)]) == 1
    err = capsys.readouterr().err
    assert "numbers.xlsx" in err and "not an Excel workbook" in err
    assert _export(capsys, tmp_path / "after.csv") == before


def test_export_with_an_unknown_agency_or_empty_year_range_is_a_usage_error(
    tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["load", str(_good_txt(tmp_path))]) == 0
    capsys.readouterr()
    out = tmp_path / "x.csv"
    assert cli.main(["export", "--out", str(out), "--agency", "教育局"]) == 2
    err = capsys.readouterr().err
    assert "no agency named '教育局'" in err and "did you mean 青川市教育局" in err
    assert not out.exists()
    assert cli.main(["export", "--out", str(out), "--year-from", "2025", "--year-to", "2020"]) == 2
    assert "--year-from 2025 is after --year-to 2020" in capsys.readouterr().err
    assert not out.exists()
    assert cli.main(["export", "--out", str(out), "--agency", "青川市教育局"]) == 0
    assert out.exists()


def test_export_to_an_unwritable_place_says_so(
    tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["load", str(_good_txt(tmp_path))]) == 0
    capsys.readouterr()
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert cli.main(["export", "--out", str(blocker / "x.csv")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: cannot write") and "nothing was exported" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("command", [
    ["load", "IN"], ["export", "--out", "OUT"], ["check-archive"],
])
def test_a_file_that_is_no_database_is_named_without_a_traceback(
    tmp_path: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    notdb = tmp_path / "notes.duckdb"
    notdb.write_text("hello\n")
    argv = [str(_good_txt(tmp_path)) if a == "IN" else str(tmp_path / "x.csv") if a == "OUT" else a
            for a in command]
    assert cli.main([*argv, "--db", str(notdb)]) == 2
    err = capsys.readouterr().err
    assert f"cannot use the database {notdb}" in err and "nothing was written" in err
    assert notdb.read_text() == "hello\n"


def test_loading_an_empty_folder_says_so_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "drop"
    empty.mkdir()
    target = tmp_path / "db" / "g.duckdb"
    assert cli.main(["load", str(empty), "--db", str(target)]) == 0
    assert "no files found in" in capsys.readouterr().err
    assert not target.exists()


def test_wrong_columns_say_what_the_sheet_holds_and_what_is_missing(
    tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数据"
    ws.append(["名称", "数量", "备注"])
    ws.append(["青川市教育局", 5, "x"])
    path = tmp_path / "wrong.xlsx"
    wb.save(path)
    assert cli.main(["load", str(path)]) == 1
    err = capsys.readouterr().err
    assert "wrong.xlsx: no sheet in the layout" in err
    assert "sheet 数据: row 1 has 名称, 数量, 备注" in err
    assert "missing columns agency/机关, year/年度, metric_id/指标" in err
    assert _count(db, "sources") == 0


def test_file_names_cannot_drive_the_terminal(
    tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a\x1b[31mRED\x1b[0m.txt").write_bytes(b"")
    good = _good_txt(tmp_path)
    (folder / "b\x1b]0;title\x07.txt").write_bytes(good.read_bytes())
    assert cli.main(["extract", str(folder)]) == 1
    captured = capsys.readouterr()
    assert "a[31mRED[0m.txt" in captured.err and "b]0;title.txt" in captured.out
    assert "\x1b" not in captured.out + captured.err and "\x07" not in captured.out
    assert cli.main(["load", str(folder)]) == 1
    captured = capsys.readouterr()
    assert "\x1b" not in captured.out + captured.err


def test_csv_in_utf16_tab_separated_loads_and_undecodable_csv_names_the_byte(
    tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    u16 = tmp_path / "unicode.csv"  # Excel's "Unicode text": UTF-16 with BOM, tab-separated
    u16.write_bytes("机关\t年度\t指标\t数值\r\n青川市教育局\t2021\tdisclosure.items\t5\r\n"
                    .encode("utf-16"))
    assert cli.main(["load", str(u16)]) == 0
    assert "loaded     unicode.csv: 1 report(s), 1 fact(s)" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"agency,year\n\xff\xfe\xfa,1\n")
    assert cli.main(["load", str(bad)]) == 1
    assert "bad.csv (byte 12): CSV is neither UTF-8 nor GBK text" in capsys.readouterr().err


def test_a_new_agency_from_a_spreadsheet_is_said_with_the_closest_known_names(
    tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["load", str(_good_txt(tmp_path))]) == 0
    capsys.readouterr()
    typo = tmp_path / "typo.csv"
    typo.write_text("agency;year;metric_id;value\n青川市教育句;2022;disclosure.items;5\n",
                    encoding="utf-8")
    assert cli.main(["load", str(typo)]) == 0
    captured = capsys.readouterr()
    assert "loaded     typo.csv" in captured.out
    assert ("warning  typo.csv, sheet typo, row 2, column A: unknown agency '青川市教育句'"
            in captured.err)
    assert "closest known: 青川市教育局" in captured.err
    assert cli.main(["load", str(typo), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["files"][0]["status"] == "unchanged" and out["files"][0]["warnings"] == []


def test_valid_rows_only_is_an_explicit_choice_and_lists_the_skipped_rows(
    tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _long_xlsx(tmp_path / "mixed.xlsx", [
        ["青川市教育局", 2020, "disclosure.items", "", 12],
        ["青川市教育局", 2020, "requests.received", "", "十二x"],
    ])
    assert cli.main(["load", str(bad)]) == 1  # default: the whole file is refused
    capsys.readouterr()
    assert _count(db, "facts") == 0
    assert cli.main(["load", str(bad), "--valid-rows-only"]) == 0
    captured = capsys.readouterr()
    assert "loaded     mixed.xlsx: 1 report(s), 1 fact(s)" in captured.out
    assert "warning  mixed.xlsx, skipped sheet long, row 3, column E: text in a numeric cell" \
        in captured.err
    con = store.connect(db, read_only=True)
    try:
        rows = con.execute("SELECT metric_id, value FROM facts").fetchall()
    finally:
        con.close()
    assert rows == [("disclosure.items", 12.0)]


def test_paths_after_an_option_are_still_paths_and_stray_words_are_refused(
    tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = _good_txt(tmp_path, seed=1, year=2021)
    b = _good_txt(tmp_path, seed=2, year=2022)
    assert cli.main(["load", str(a), "--force", str(b)]) == 0
    assert capsys.readouterr().out.count("loaded ") == 2
    with pytest.raises(SystemExit) as ex:
        cli.main(["export", "--out", str(tmp_path / "x.csv"), "stray"])
    assert ex.value.code == 2
    assert "unrecognized arguments: stray" in capsys.readouterr().err


@pytest.mark.parametrize("how", ["python", "duckdb"])
def test_ctrl_c_stops_the_load_keeps_finished_files_and_says_so(
    tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch, how: str,
) -> None:
    from etl.store import loader

    files = [_good_txt(tmp_path, seed=s, year=2018 + s) for s in (1, 2, 3)]
    real_write = loader.write_source
    calls = {"n": 0}

    def write(con, source, reports, **kw):  # noqa: ANN001, ANN003
        calls["n"] += 1
        if calls["n"] == 2:
            # Ctrl-C lands in Python code, or inside a DuckDB query (DuckDB raises its own).
            if how == "python":
                raise KeyboardInterrupt
            raise RuntimeError("Query interrupted")
        return real_write(con, source, reports, **kw)

    monkeypatch.setattr(loader, "write_source", write)
    assert cli.main(["load", *map(str, files)]) == 130
    captured = capsys.readouterr()
    assert "loaded     good_1.txt" in captured.out
    assert "good_2.txt: not loaded (the load was interrupted)" in captured.err
    assert "good_3.txt: not loaded (the load was interrupted)" in captured.err
    assert "run the same load again" in captured.err
    con = store.connect(db, read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM sources").fetchone()[0] == 1
    finally:
        con.close()
    monkeypatch.setattr(loader, "write_source", real_write)
    assert cli.main(["load", *map(str, files)]) == 0
    assert capsys.readouterr().out.count("loaded ") == 2  # the rest; good_1 is unchanged
