"""Text decoding: encodings are detected, never assumed; bad bytes are named by offset."""
from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from etl.model import InputError
from etl.read.text import pipe_tables, read_text
from etl.read.textio import decode_bytes

SAMPLE = "芗城区外经局\r\n2008年政府信息公开工作年度报告\r\n我局公开信息3条，全文电子化达100%。\n"
SHORT = "公开信息3条"  # short Chinese texts are where detectors go wrong


@pytest.mark.parametrize(
    "data, encoding",
    [
        (SAMPLE.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), "utf-8-sig"),
        (SAMPLE.encode("gb18030"), "gb18030"),
        (SAMPLE.encode("gbk"), "gb18030"),
        (SHORT.encode("gb2312"), "gb18030"),
        (codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"), "utf-16-be"),
        (SAMPLE.encode("utf-16-le"), "utf-16-le"),  # BOM-less, found by the NUL pattern
        (SAMPLE.encode("utf-16-be"), "utf-16-be"),
    ],
)
def test_decodes_and_normalises_newlines(data: bytes, encoding: str) -> None:
    text, enc = decode_bytes(data, "r.txt")
    assert enc == encoding
    expected = SAMPLE.replace("\r\n", "\n") if len(data) > 20 else SHORT
    if SHORT.encode("gb2312") == data:
        expected = SHORT
    assert text == expected
    assert "\r" not in text and "\ufeff" not in text


def test_short_gbk_text_is_not_mistaken() -> None:
    for phrase in ("无", "受理信息公开申请无。", "二00九年一月十九日", "兼职工作人员3名"):
        text, enc = decode_bytes(phrase.encode("gbk"), "x.txt")
        assert text == phrase and enc == "gb18030"


def test_full_width_digits_kept_as_printed() -> None:
    text, _ = decode_bytes("公开信息１２３条".encode("utf-8"), "x.txt")
    assert text == "公开信息１２３条"


def test_empty_file() -> None:
    assert decode_bytes(b"", "e.txt") == ("", "utf-8")


def test_undecodable_names_file_and_byte_offset() -> None:
    data = "正常文字".encode("gb18030") + b"\xff\xfe\xff\x80\x80\xff" * 3
    with pytest.raises(InputError) as exc:
        decode_bytes(data, "bad.txt")
    assert exc.value.file == "bad.txt"
    assert exc.value.place is not None and exc.value.place.startswith("byte ")
    assert "bad.txt" in str(exc.value)


def test_bom_with_broken_body_is_an_error() -> None:
    with pytest.raises(InputError) as exc:
        decode_bytes(codecs.BOM_UTF8 + b"abc\xff\xfe", "x.txt")
    assert exc.value.place == "byte 6"


def test_read_text_document_and_pipe_tables(tmp_path: Path) -> None:
    md = (
        "# 报告\n\n正文一段。\n\n"
        "| 项目 | 数量 |\n| --- | :---: |\n| 本年新收 | 12 |\n| 结转 \\| 注 | 3 |\n\n"
        "中间文字\n| a | b |\n"
    )
    doc = read_text(tmp_path / "r.md", md.encode("gb18030"))
    assert doc.format == "markdown" and doc.encoding == "gb18030"
    assert doc.text == md
    assert len(doc.tables) == 2
    first = doc.tables[0]
    assert first.rows == [["项目", "数量"], ["本年新收", "12"], ["结转 | 注", "3"]]
    assert doc.text[first.offset:first.offset + 2] == "项目"
    assert doc.tables[1].rows == [["a", "b"]] and doc.tables[1].index == 1
    assert doc.text[doc.tables[1].offset] == "a"


def test_plain_text_keeps_dumps_in_text(tmp_path: Path) -> None:
    doc = read_text(tmp_path / "r.txt", "本年新收\n12\n3\n0\n".encode("utf-8"))
    assert doc.format == "text" and doc.tables == [] and doc.pages == []
    assert doc.text == "本年新收\n12\n3\n0\n"


def test_pipe_tables_ignores_prose_with_pipes() -> None:
    assert pipe_tables("a | b\n不是表格 | 也不是\n") == []


from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_decode_or_raise_input_error(data: bytes) -> None:
    try:
        text, enc = decode_bytes(data, "fuzz.bin")
    except InputError as exc:
        assert exc.file == "fuzz.bin" and (exc.place or "").startswith("byte ")
        return
    assert isinstance(text, str) and enc and "\r" not in text


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from("政府信息公开年度报告申请件条无二〇〇九，。0123456789\n"), min_size=1, max_size=200))
def test_chinese_text_roundtrips_in_every_supported_encoding(text: str) -> None:
    for enc in ("utf-8", "gb18030", "utf-16"):
        assert decode_bytes(text.encode(enc), "x.txt")[0] == text


def test_markdown_inline_code_reads_as_rendered(tmp_path: Path) -> None:
    # pymupdf4llm marks runs in another font as code: every number of a LibreOffice PDF
    md = tmp_path / "r.md"
    md.write_text("平潭县 `2012` 年制作政府信息 `3978` 条，`a|b` 不是表格\n", encoding="utf-8")
    doc = read_text(md, md.read_bytes())
    assert doc.text.startswith("平潭县 2012 年制作政府信息 3978 条，a|b 不是表格")
    txt = tmp_path / "r.txt"
    txt.write_text("代码 `x` 原样\n", encoding="utf-8")
    assert "`x`" in read_text(txt, txt.read_bytes()).text  # plain text is kept as printed


def test_br_in_a_markdown_cell_is_a_line_break(tmp_path: Path) -> None:
    """pymupdf4llm writes a wrapped label or two stacked numbers as ``<br>`` inside one cell."""
    doc = read_text(tmp_path / "r.md", "|本年制发件<br>数|商业<br/>企业|\n|---|---|\n|0<br>0|1|\n".encode())
    assert doc.tables[0].rows == [["本年制发件\n数", "商业\n企业"], ["0\n0", "1"]]
