"""Hostile and broken input for every document reader (issue 6, item 3).

Hundreds of generated inputs — random bytes, random bytes behind each format's magic, valid
files cut or mutated at random points, wrong extensions, 10,000-level HTML, zip bombs, 0-byte,
500 MB and 3,000-page files, undecodable text. Each must end in a Document or an InputError
whose message names the file — never another exception — within a generous time bound (a hang
guard, not a benchmark) and without unbounded memory growth.

Readers are called with ``guard=False`` so that a third-party exception leaking out of a reader
fails here instead of being hidden by the dispatcher's last-resort conversion.
"""
from __future__ import annotations

import io
import struct
import time
import zipfile
from pathlib import Path

import docx
import psutil
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle
from reportlab.lib.styles import ParagraphStyle

from etl.read import limits
from etl.model import Document, InputError
from etl.read.dispatch import read_data, read_file

HANG_GUARD_SECONDS = 10.0
RSS_GROWTH_LIMIT = 600 * 1024 * 1024
FUZZ = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
_PROCESS = psutil.Process()
_RSS_START = _PROCESS.memory_info().rss


def _small_pdf() -> bytes:
    buf = io.BytesIO()
    style = ParagraphStyle("b", fontName=FONT, fontSize=10)
    table = Table([["申请人情况", "自然人", "总计"], ["一、本年新收", "3", "3"], ["结转下年度", "0", "0"]])
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 9), ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    SimpleDocTemplate(buf, pagesize=A4).build([Paragraph("某某局2021年政府信息公开工作年度报告 三、收到和处理", style), table])
    return buf.getvalue()


def _small_docx() -> bytes:
    d = docx.Document()
    d.add_paragraph("某某局2021年政府信息公开工作年度报告")
    t = d.add_table(rows=2, cols=3)
    t.cell(0, 0).merge(t.cell(0, 1)).text = "申请人情况"
    t.cell(1, 0).text, t.cell(1, 2).text = "新收", "3"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


SMALL_HTML = (
    '<html><head><meta charset="gbk"></head><body><table><tr><td><p>某某局报告&nbsp;一、总体情况</p>'
    '<table border=1><tr><td rowspan=2>申请人</td><td colspan=2>总计</td></tr><tr><td>3</td><td>4</td></tr></table>'
    "</td></tr></table></body></html>"
).encode("gbk")
PDF = _small_pdf()
DOCX = _small_docx()
NAMES = ["x.pdf", "x.docx", "x.html", "x.txt", "x.md", "x", "报告.PDF"]


def check(data: bytes, name: str) -> Document | None:
    """The reader's contract on one input: Document or InputError naming the file, in bounded time."""
    start = time.monotonic()
    try:
        doc = read_data(data, name, guard=False)
    except InputError as exc:
        assert Path(name).name in str(exc), str(exc)
        doc = None
    else:
        assert isinstance(doc, Document) and doc.source == Path(name).name
        assert isinstance(doc.text, str)
        for page in doc.pages:
            assert doc.text[page.offset : page.offset + len(page.text)] == page.text
        for table in doc.tables:
            assert table.offset is None or 0 <= table.offset <= len(doc.text)
            assert all(isinstance(c, str) for row in table.rows for c in row)
    assert time.monotonic() - start < HANG_GUARD_SECONDS
    assert _PROCESS.memory_info().rss - _RSS_START < RSS_GROWTH_LIMIT
    return doc


# ---------------------------------------------------------------- random bytes


@FUZZ
@given(data=st.binary(max_size=4096), name=st.sampled_from(NAMES))
def test_random_bytes(data: bytes, name: str) -> None:
    check(data, name)


@FUZZ
@given(
    magic=st.sampled_from([b"%PDF-1.4\n", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", b"PK\x03\x04", b"<html><body>", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\xef\xbb\xbf", b"\xff\xfe", b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=b\r\n\r\n--b\r\nContent-Type: text/html; charset=gbk\r\nContent-Transfer-Encoding: base64\r\n\r\n"]),
    tail=st.binary(max_size=2048),
    name=st.sampled_from(NAMES),
)
def test_random_bytes_behind_magic(magic: bytes, tail: bytes, name: str) -> None:
    check(magic + tail, name)


# ---------------------------------------------------------------- truncated and mutated files


@FUZZ
@given(cut=st.integers(min_value=0, max_value=len(PDF)), name=st.sampled_from(["x.pdf", "x.docx"]))
def test_truncated_pdf(cut: int, name: str) -> None:
    check(PDF[:cut], name)


@FUZZ
@given(cut=st.integers(min_value=0, max_value=len(DOCX)))
def test_truncated_docx(cut: int) -> None:
    check(DOCX[:cut], "x.docx")


@FUZZ
@given(cut=st.integers(min_value=0, max_value=len(SMALL_HTML)))
def test_truncated_html(cut: int) -> None:
    check(SMALL_HTML[:cut], "x.html")


MHT = (
    b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=b\r\n\r\n--b\r\n"
    b"Content-Type: text/html; charset=gbk\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
    + SMALL_HTML.replace(b"=", b"=3D")
    + b"\r\n--b--\r\n"
)


@FUZZ
@given(cut=st.integers(min_value=0, max_value=len(MHT)))
def test_truncated_web_archive(cut: int) -> None:
    check(MHT[:cut], "x.mht")


def _mutate(data: bytes, edits: list[tuple[int, int]]) -> bytes:
    buf = bytearray(data)
    for pos, value in edits:
        buf[pos % len(buf)] = value
    return bytes(buf)


@FUZZ
@given(edits=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), min_size=1, max_size=20))
def test_mutated_pdf(edits: list[tuple[int, int]]) -> None:
    check(_mutate(PDF, edits), "m.pdf")


@FUZZ
@given(edits=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), min_size=1, max_size=20))
def test_mutated_docx(edits: list[tuple[int, int]]) -> None:
    check(_mutate(DOCX, edits), "m.docx")


@FUZZ
@given(
    html=st.lists(
        st.sampled_from(["<table>", "</table>", "<tr>", "</tr>", "<td rowspan=3>", "<td colspan=0>", "<td colspan=-4>", "<th colspan=99999>", "</td>", "<br>", "<p>", "字", "1", "&nbsp;", "<script>", "<!--", "<div style='display:none'>", "</div>", "\x00", "\udcff"]),
        max_size=200,
    )
)
def test_generated_html_soup(html: list[str]) -> None:
    check("<html><body>".join(["", "".join(html)]).encode("utf-8", "surrogateescape"), "soup.html")


# ---------------------------------------------------------------- wrong extensions


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(("data", "fmt"), [(PDF, "pdf"), (DOCX, "docx"), (SMALL_HTML, "html")], ids=["pdf", "docx", "html"])
def test_wrong_extension_still_read_by_content(data: bytes, fmt: str, name: str) -> None:
    doc = check(data, name)
    assert doc is not None and doc.format == fmt and doc.tables


# ---------------------------------------------------------------- structural bombs


def test_html_nested_ten_thousand_levels() -> None:
    def deep(tag: str) -> bytes:
        return ("<html><body>" + f"<{tag}>" * 10_000 + "x" + f"</{tag}>" * 10_000 + "</body></html>").encode()

    for tag in ("div", "table", "span", "font"):
        with pytest.raises(InputError, match="deep.html") as err:
            read_data(deep(tag), "deep.html", guard=False)
        assert f"deeper than {limits.MAX_HTML_DEPTH} levels" in str(err.value)
    check(deep("td"), "flat.html")  # the parser closes each <td>: not deep, just odd
    check(b"<html><body>" + b"<table><tr><td>" * 100 + b"x" + b"</td></tr></table>" * 100 + b"</body></html>", "nest.html")


def _forge_sizes(data: bytes, member: str, size: int) -> bytes:
    """Rewrite the declared uncompressed size of ``member`` in both ZIP headers (a lying bomb)."""
    buf = bytearray(data)
    name = member.encode()
    pos = 0
    while (pos := buf.find(b"PK\x03\x04", pos)) != -1:
        n_len = struct.unpack_from("<H", buf, pos + 26)[0]
        if buf[pos + 30 : pos + 30 + n_len] == name:
            struct.pack_into("<I", buf, pos + 22, size)
        pos += 4
    pos = 0
    while (pos := buf.find(b"PK\x01\x02", pos)) != -1:
        n_len = struct.unpack_from("<H", buf, pos + 28)[0]
        if buf[pos + 46 : pos + 46 + n_len] == name:
            struct.pack_into("<I", buf, pos + 24, size)
        pos += 4
    return bytes(buf)


def _docx_with_document(payload: bytes) -> bytes:
    out = io.BytesIO()
    src = zipfile.ZipFile(io.BytesIO(DOCX))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info.filename, payload if info.filename == "word/document.xml" else src.read(info.filename))
    return out.getvalue()


def test_zip_bombs_refused_before_decompressing(monkeypatch: pytest.MonkeyPatch) -> None:
    honest = _docx_with_document(b"<w:document>" + b"\x20" * (64 * 1024 * 1024) + b"</w:document>")
    assert len(honest) < 1024 * 1024
    claims_4gb = _forge_sizes(_docx_with_document(b"<w:document/>" * 10), "word/document.xml", 0xFFFFFFF0)
    lies_small = _forge_sizes(_docx_with_document(b"<x>" + b"a" * 2_000_000 + b"</x>"), "word/document.xml", 100)
    opened: list[str] = []
    real_open = zipfile.ZipFile.open
    monkeypatch.setattr(
        zipfile.ZipFile, "open", lambda self, name, *a, **k: opened.append(str(name)) or real_open(self, name, *a, **k)
    )
    for data, name in ((honest, "bomb.docx"), (claims_4gb, "claims.docx")):
        with pytest.raises(InputError, match=name) as err:
            read_data(data, name, guard=False)
        assert "zip bomb" in str(err.value) or "expand" in str(err.value)
        assert opened == []  # refused from the directory alone
    check(lies_small, "lies.docx")  # zipfile stops at the declared size; CRC fails → InputError


def test_docx_with_billion_laughs_entities() -> None:
    lol = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY e "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&e;&e;&e;</w:t></w:r></w:p></w:body></w:document>'
    )
    doc = check(_docx_with_document(lol), "lol.docx")
    assert doc is None or len(doc.text) < 100_000


def test_docx_with_deep_xml() -> None:
    deep = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>' + b"<w:tbl><w:tr><w:tc>" * 3000 + b"</w:tc></w:tr></w:tbl>" * 3000 + b"</w:body></w:document>"
    check(_docx_with_document(deep), "deep.docx")


def test_pdf_with_thousands_of_pages() -> None:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(100, 100))
    for _ in range(3000):
        c.showPage()
    c.save()
    assert limits.MAX_PDF_PAGES < 3000
    start = time.monotonic()
    with pytest.raises(InputError, match="pages.pdf") as err:
        read_data(buf.getvalue(), "pages.pdf", guard=False)
    assert "3,000 pages" in str(err.value) and f"{limits.MAX_PDF_PAGES:,}" in str(err.value)
    assert time.monotonic() - start < HANG_GUARD_SECONDS


def test_pdf_page_with_thousands_of_rules() -> None:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont(FONT, 8)
    c.drawString(20, 830, "申请人情况 自然人 总计 1 2 3")
    for i in range(205):
        c.line(10, 10 + i * 4, 580, 10 + i * 4)
    for i in range(143):
        c.line(10 + i * 4, 10, 10 + i * 4, 826)
    c.showPage()
    c.save()
    doc = check(buf.getvalue(), "rules.pdf")
    assert doc is not None and "申请人情况" in doc.text
    assert [w.rule for w in doc.warnings] == ["pdf_tables_skipped"]


def test_pdf_claiming_a_huge_page_count() -> None:
    forged = PDF.replace(b"/Count 1", b"/Count 99999999")
    assert forged != PDF
    check(forged, "count.pdf")


# ---------------------------------------------------------------- sizes and encodings


@pytest.mark.parametrize("name", NAMES)
def test_zero_byte_files(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        read_file(tmp_path / name)


def test_500_mb_file_refused_without_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.pdf"
    with open(path, "wb") as fh:
        fh.write(b"%PDF-1.4\n")
        fh.truncate(500 * 1024 * 1024)  # sparse: costs no disk and no time
    rss = _PROCESS.memory_info().rss
    with pytest.raises(InputError, match="huge.pdf") as err:
        read_file(path)
    assert "500 MB" in str(err.value) and f"{limits.MAX_FILE_BYTES // limits.MB} MB" in str(err.value)
    assert _PROCESS.memory_info().rss - rss < 50 * 1024 * 1024


@FUZZ
@given(data=st.binary(min_size=1, max_size=2048).map(lambda b: bytes(0x80 | x for x in b)))
def test_undecodable_high_bytes_as_text(data: bytes) -> None:
    check(data, "bytes.txt")


@FUZZ
@given(text=st.text(max_size=500), enc=st.sampled_from(["utf-8", "gb18030", "utf-16", "big5"]))
def test_text_in_any_encoding(text: str, enc: str) -> None:
    try:
        data = text.encode(enc)
    except UnicodeEncodeError:
        data = text.encode("utf-8", "replace")
    for name in ("t.txt", "t.html", "t.pdf"):
        check(data, name)


def test_memory_stayed_bounded_over_the_whole_run() -> None:
    assert _PROCESS.memory_info().rss - _RSS_START < RSS_GROWTH_LIMIT
