"""etl.read.files copies the loader's file helpers so that ``extract`` needs no DuckDB: both
must give the same answers."""
from __future__ import annotations

from pathlib import Path

from etl.read import files


def test_same_as_the_loader(tmp_path: Path) -> None:
    from etl.store import loader

    assert files._CONTROL.pattern == loader._CONTROL.pattern
    assert files.MAX_NAME_CHARS == loader.MAX_NAME_CHARS
    assert files.SPREADSHEET_FORMATS == loader.SPREADSHEET_FORMATS
    names = ["a/b/报告.pdf", "x\u202eevil.txt", "..", "", "c:\\dir\\f.docx", "长" * 300 + ".pdf",
             "n" * 300, "tab\there.md"]
    assert [files.display_name(n) for n in names] == [loader.display_name(n) for n in names]
    (tmp_path / "d" / ".hidden").mkdir(parents=True)
    for rel, data in [("d/a.txt", b"x"), ("d/~$lock.docx", b"x"), ("d/.hidden/h.txt", b"x"),
                      ("d/s.csv", b"a,b"), ("d/p.pdf", b"%PDF-1.4"), ("d/w.htm", b"<p>"),
                      ("d/z.xlsx", b"PK\x03\x04junk"), ("d/o.xls", b"\xd0\xcf\x11\xe0")]:
        (tmp_path / rel).write_bytes(data)
    given = [tmp_path / "d", tmp_path / "missing.pdf"]
    assert files.expand_paths(given) == loader.expand_paths(given)
    for p in files.expand_paths(given)[:-1]:
        assert files.sniff_format(p) == loader.sniff_format(p), p
    assert files.MAX_LISTED_PROBLEMS == loader.MAX_LISTED_PROBLEMS
    from etl.model import Finding, InputError, Report

    r = Report(source="f.txt", position=2, title="t", agency=None, printed_agency=None, year=2022,
               kind="disclosure_report", form="2021")
    r.findings = [Finding("x", "error", f"f.txt: bad {i}") for i in range(60)] + \
        [Finding("y", "warning", "fine")]
    assert files.error_findings([r], name="f.txt") == loader.error_findings([r], name="f.txt")
    exc = InputError("tmp123", "too big", "page 3")
    assert files.input_error_message("a.pdf", exc) == loader._input_error_message("a.pdf", exc)
