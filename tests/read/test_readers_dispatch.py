"""Format sniffing and the read_file dispatcher: bytes decide, the extension is only a hint."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from etl.read import limits
from etl.model import Document, InputError
from etl.read.cells import clean_cell, expand_spans, join_wrapped
from etl.read.dispatch import detect_format, read_data, read_file
from etl.read.sniff import OLE2_MAGIC, sniff_format


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in members.items():
            z.writestr(name, content)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"%PDF-1.7\n...", "a.bin", "pdf"),
        (b"junk before header\r\n%PDF-1.4\n...", "a.pdf", "pdf"),
        (b"<html><body>how to read %PDF-1.4 files</body></html>", "a.pdf", "html"),
        (_zip({"word/document.xml": b"<w/>"}), "a.zip", "docx"),
        (_zip({"xl/workbook.xml": b"<w/>"}), "a.docx", "xlsx"),
        (b"<!DOCTYPE html><html><body>x</body></html>", "a.pdf", "html"),
        (b"\xef\xbb\xbf<html><body>x</body></html>", "a.txt", "html"),
        ("<html><body>报告</body></html>".encode("utf-16"), "a", "html"),
        (b"  \n<table><tr><td>1</td></tr></table>", "a.txt", "html"),
        (b"<p>x</p>", "a.htm", "html"),
        ("某某局2021年政府信息公开工作年度报告\n| a | b |\n".encode("utf-8"), "a.md", "text"),
        ("某某局报告 a<b".encode("gbk"), "a.docx", "text"),
        ("报告".encode("utf-16"), "a.txt", "text"),
    ],
)
def test_sniff_format(data: bytes, name: str, expected: str) -> None:
    assert sniff_format(data, name) == expected


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"", "empty.pdf", "empty"),
        (b" \r\n\t ", "blank.txt", "empty"),
        (OLE2_MAGIC + b"\x00" * 600, "old.doc", "old binary Office"),
        (b"{\\rtf1\\ansi hello}", "a.doc", "RTF"),
        (_zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}), "a.odt", "OpenDocument"),
        (_zip({"readme.txt": b"hi"}), "a.zip", "neither a DOCX nor an XLSX"),
        (b"PK\x03\x04 truncated", "cut.docx", "damaged ZIP"),
        (bytes(range(256)) * 8, "random.docx", ".docx"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 100, "scan.pdf", "image"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "page.png", "image"),
        (b"\x1f\x8b\x08\x00" + b"\x00" * 100, "reports.tar.gz", "archive"),
    ],
)
def test_sniff_refuses_with_file_name(data: bytes, name: str, words: str) -> None:
    with pytest.raises(InputError) as err:
        sniff_format(data, name)
    assert name in str(err.value) and words in str(err.value)


def test_spreadsheet_is_refused_by_read_file_with_a_pointer(tmp_path: Path) -> None:
    path = tmp_path / "表三.xlsx"
    path.write_bytes(_zip({"xl/workbook.xml": b"<w/>", "[Content_Types].xml": b"<T/>"}))
    with pytest.raises(InputError) as err:
        read_file(path)
    assert "表三.xlsx" in str(err.value) and "spreadsheet" in str(err.value)
    assert detect_format(path) == "xlsx"


def test_size_limit_checked_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "huge.pdf"
    path.write_bytes(b"%PDF-1.4\n" + b"0" * 2000)
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 1000)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("file was read"))
    with pytest.raises(InputError) as err:
        read_file(path)
    assert "huge.pdf" in str(err.value) and "limit" in str(err.value)


def test_missing_file_is_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        read_file(tmp_path / "nowhere.pdf")
    assert "nowhere.pdf" in str(err.value)


def test_text_goes_to_the_text_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import etl.read.text as text_reader

    seen: list[tuple[Path, bytes]] = []

    def fake(path: Path, data: bytes) -> Document:
        seen.append((path, data))
        return Document(source=path.name, format="text", text="ok")

    monkeypatch.setattr(text_reader, "read_text", fake)
    path = tmp_path / "report.pdf"  # wrong extension: the bytes are text
    path.write_bytes("某某局年度报告".encode("gbk"))
    assert read_file(path).text == "ok"
    assert seen == [(Path("report.pdf"), "某某局年度报告".encode("gbk"))]


def test_unexpected_reader_exception_becomes_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import etl.read.html as html_reader

    def boom(path: Path, data: bytes) -> Document:
        raise KeyError("internal")

    monkeypatch.setattr(html_reader, "read_html", boom)
    with pytest.raises(InputError) as err:
        read_data(b"<html><body>x</body></html>", "x.html")
    assert "x.html" in str(err.value) and "KeyError" in str(err.value)
    with pytest.raises(KeyError):
        read_data(b"<html><body>x</body></html>", "x.html", guard=False)


def test_read_data_uses_only_the_base_name() -> None:
    doc = read_data(b"<html><body>x</body></html>", "../../etc/evil.html")
    assert doc.source == "evil.html"


def test_join_wrapped_and_clean_cell() -> None:
    assert join_wrapped(["申", "请", "人"]) == "申请人"
    assert join_wrapped(["Open", "Data"]) == "Open Data"
    assert join_wrapped(["966.7", "1"]) == "966.71" and join_wrapped(["12,3", "45"]) == "12,345"
    assert join_wrapped(["商业", " 企业 "]) == "商业企业"
    assert clean_cell("法律服务\n机构") == "法律服务机构"
    assert clean_cell("12\xa0\t 件") == "12 件"
    assert clean_cell(None) == ""


def test_expand_spans_repeats_merged_cells() -> None:
    rows = [[("A", 2, 1), ("B", 1, 2)], [("c", 1, 1), ("d", 1, 1)], [("e", 1, 1)]]
    assert expand_spans(rows, "t", "table 1") == [["A", "B", "B"], ["A", "c", "d"], ["e", "", ""]]


def test_expand_spans_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_TABLE_CELLS", 10)
    with pytest.raises(InputError) as err:
        expand_spans([[("x", 1, 20)]], "wide.html", "table 3")
    assert "wide.html" in str(err.value) and "table 3" in str(err.value)


def test_limits_describe_mentions_each_limit() -> None:
    text = limits.describe()
    assert f"{limits.MAX_FILE_BYTES // limits.MB} MB" in text and str(limits.MAX_PDF_PAGES) in text
