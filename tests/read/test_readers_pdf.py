"""PDF reader: text layer, ruled tables (merged, wrapped, split over pages), scans, encryption.

Fixtures are drawn here with reportlab's built-in CID font (no font files needed), so every
test knows exactly which cells it printed.
"""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from etl.read import limits
from etl.model import InputError
from etl.read.dispatch import read_file
from etl.read import pdf as pdf_reader

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
BODY = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=16)
CELL = ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=10)

APPLICANTS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
ROW_LABELS = ["一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量"] + [
    f"（{i}）处理结果第{i}项" for i in range(1, 27)
] + ["四、结转下年度继续办理"]


def table3_values(row: int, col: int) -> str:
    """The number printed in a 表三 body cell; row 3 column 2 is printed blank on purpose."""
    if (row, col) == (3, 2):
        return ""
    return str((row * 7 + col) % 23)


def _page_number(c: canvas.Canvas, doc) -> None:  # noqa: ANN001 - reportlab callback
    c.setFont(FONT, 9)
    c.drawCentredString(A4[0] / 2, 30, f"- {doc.page} -")


def make_report_pdf(path: Path, *, rotate: int = 0, vertical_label: bool = True, narrative_pages: int = 1) -> Path:
    """A 4-page report: narrative, 表二 (merged title row), 表三 split over pages 2–3, 表四.

    表三's header has cells merged over rows and columns, and header texts wrapped inside
    their cells ("商业企业" over two lines, "法律服务机构" one character per line).
    """
    story: list = []
    story.append(Paragraph("某某市商务局2021年政府信息公开工作年度报告", BODY))
    story.append(Paragraph("一、总体情况 " + "本机关主动公开政府信息5500余条，政策解读21个。" * 14, BODY))
    for _ in range(narrative_pages - 1):
        story += [PageBreak(), Paragraph("（续）" + "本机关严格执行信息公开保密审查制度，政务新媒体95个。" * 40, BODY)]
    story.append(PageBreak())
    story.append(Paragraph("二、主动公开政府信息情况", BODY))
    t2 = [["第二十条第（一）项", "", "", ""], ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], ["规章", "0", "0", "3"], ["行政规范性文件", "5", "1", "20"]]
    table2 = Table(t2, colWidths=[120, 90, 90, 90])
    table2.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 9), ("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("SPAN", (0, 0), (-1, 0))]))
    story += [table2, Spacer(1, 12), Paragraph("三、收到和处理政府信息公开申请情况", BODY)]
    header = [
        [Paragraph("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", CELL), "申请人情况", "", "", "", "", "", ""],
        ["", "自然人", "法人或其他组织", "", "", "", "", "总计"],
        ["", "", Paragraph("商业<br/>企业", CELL), Paragraph("科研<br/>机构", CELL), Paragraph("社会公益组织", CELL),
         Paragraph("法<br/>律<br/>服<br/>务<br/>机<br/>构" if vertical_label else "法律服务机构", CELL), "其他", ""],
    ]
    body = [[label] + [table3_values(r, c) for c in range(7)] for r, label in enumerate(ROW_LABELS)]
    table3 = Table(header + body, colWidths=[170] + [44] * 7, repeatRows=0)
    table3.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 8),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("SPAN", (0, 0), (0, 2)),
                ("SPAN", (1, 0), (7, 0)),
                ("SPAN", (1, 1), (1, 2)),
                ("SPAN", (2, 1), (6, 1)),
                ("SPAN", (7, 1), (7, 2)),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story.append(table3)
    story.append(Paragraph("四、政府信息公开行政复议、行政诉讼情况", BODY))
    t4 = [["行政复议"] + [""] * 4 + ["行政诉讼"] + [""] * 9, ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3, [str(i) for i in range(15)]]
    table4 = Table(t4)
    table4.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 6), ("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("SPAN", (0, 0), (4, 0)), ("SPAN", (5, 0), (14, 0))]))
    story += [table4, Paragraph("五、存在的主要问题及改进情况 进一步加强信息公开工作。", BODY)]

    def on_page(c: canvas.Canvas, doc) -> None:  # noqa: ANN001
        _page_number(c, doc)
        if rotate:
            c.setPageRotation(rotate)

    SimpleDocTemplate(str(path), pagesize=A4, topMargin=250).build(story, onFirstPage=on_page, onLaterPages=on_page)
    return path


def make_text_pdf(path: Path, pages: list[str], **canvas_kwargs) -> Path:
    """A plain PDF with one line of text per page (no tables)."""
    c = canvas.Canvas(str(path), pagesize=A4, **canvas_kwargs)
    for text in pages:
        if text:
            c.setFont(FONT, 12)
            c.drawString(72, 700, text)
        c.showPage()
    c.save()
    return path


def make_scanned_pdf(path: Path, text_pages: tuple[int, ...] = ()) -> Path:
    """A 3-page "scan": each page is an image; pages in ``text_pages`` (1-based) also have text."""
    from PIL import Image

    img = Image.new("RGB", (60, 80), "white")
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    buf.seek(0)
    from reportlab.lib.utils import ImageReader

    reader = ImageReader(Image.open(buf))
    c = canvas.Canvas(str(path), pagesize=A4)
    for n in range(1, 4):
        c.drawImage(reader, 50, 50, 400, 600)
        if n in text_pages:
            c.setFont(FONT, 12)
            c.drawString(72, 760, f"第{n}页 主动公开政府信息100条")
        c.showPage()
    c.save()
    return path


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory):
    path = make_report_pdf(tmp_path_factory.mktemp("pdf") / "报告.pdf")
    return read_file(path)


def test_pages_and_offsets(report) -> None:
    assert report.format == "pdf" and report.source == "报告.pdf"
    assert len(report.pages) >= 3
    for page in report.pages:
        assert report.text[page.offset : page.offset + len(page.text)] == page.text
        assert report.page_at(page.offset) == page.number
    assert "某某市商务局2021年政府信息公开工作年度报告" in report.pages[0].text
    assert "\r" not in report.text


def test_page_number_lines_stay_in_page_text(report) -> None:
    for page in report.pages:
        assert f"- {page.number} -" in page.text


def test_table2_merged_title_repeated(report) -> None:
    t2 = next(t for t in report.tables if any("本年制发件数" in c for c in t.rows[1]))
    assert t2.rows[0] == ["第二十条第（一）项"] * 4
    assert t2.rows[2:] == [["规章", "0", "0", "3"], ["行政规范性文件", "5", "1", "20"]]
    assert t2.page == 2


def _table3_parts(report):
    return [t for t in report.tables if any(row and row[0] in ROW_LABELS for row in t.rows)]


def test_table3_split_over_pages_stays_two_tables_with_pages(report) -> None:
    parts = _table3_parts(report)
    assert len(parts) == 2
    assert parts[1].page == parts[0].page + 1
    labels = [row[0] for t in parts for row in t.rows if row[0] in ROW_LABELS]
    assert labels == ROW_LABELS  # every body row once, in order, none lost at the break
    rows = {row[0]: row[1:] for t in parts for row in t.rows if row[0] in ROW_LABELS}
    for r, label in enumerate(ROW_LABELS):
        assert rows[label] == [table3_values(r, c) for c in range(7)], label


def test_table3_header_merges_and_wrapped_cells(report) -> None:
    head = _table3_parts(report)[0].rows
    assert head[0][1:] == ["申请人情况"] * 7  # colspan repeated
    assert head[1][1] == head[2][1] == "自然人"  # rowspan repeated
    assert head[1][2:7] == ["法人或其他组织"] * 5
    assert head[2][2:7] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    assert head[1][7] == head[2][7] == "总计"
    assert head[0][0] == head[1][0] == head[2][0]  # the merged corner cell, all three rows
    assert head[0][0].startswith("（本列数据的勾稽关系为")
    assert "\n" not in head[0][0]


def test_empty_cell_kept_as_empty_string(report) -> None:
    parts = _table3_parts(report)
    row = next(row for t in parts for row in t.rows if row[0] == ROW_LABELS[3])
    assert row[3] == "" and len(row) == 8


def test_tables_rendered_into_text_at_their_offset(report) -> None:
    assert [t.index for t in report.tables] == list(range(len(report.tables)))
    for t in report.tables:
        rendering = "\n".join("\t".join(r) for r in t.rows)
        assert report.text[t.offset : t.offset + len(rendering)] == rendering
        assert report.page_at(t.offset) == t.page
    # Table text is not also left flattened in the page text: each label appears once.
    assert report.text.count(ROW_LABELS[5]) == 1
    # Text around tables keeps its reading order.
    text = report.text
    assert text.index("二、主动公开政府信息情况") < text.index("本年制发件数") < text.index("三、收到和处理")
    assert text.index("三、收到和处理") < text.index(ROW_LABELS[0]) < text.index("四、政府信息公开行政复议")
    assert text.index("结果维持") < text.index("五、存在的主要问题")


def test_table4_found(report) -> None:
    t4 = next(t for t in report.tables if t.rows and t.rows[0][0] == "行政复议")
    assert t4.rows[0] == ["行政复议"] * 5 + ["行政诉讼"] * 10
    assert t4.rows[2] == [str(i) for i in range(15)]


def test_rotated_pages_still_give_text_and_tables(tmp_path: Path) -> None:
    doc = read_file(make_report_pdf(tmp_path / "rot.pdf", rotate=90))
    assert "某某市商务局" in doc.text
    assert len(_table3_parts(doc)) == 2
    for t in doc.tables:
        assert 0 <= t.offset < len(doc.text)


def test_plain_pages_do_not_run_the_table_finder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list = []
    monkeypatch.setattr(pdf_reader, "_find_tables", lambda *a: calls.append(a) or ({}, []))
    doc = read_file(make_text_pdf(tmp_path / "plain.pdf", ["一、总体情况 主动公开信息100条", "二、其他 本年无收费"]))
    assert calls == []
    assert [p.number for p in doc.pages] == [1, 2]
    assert "主动公开信息100条" in doc.pages[0].text and "本年无收费" in doc.pages[1].text


def test_only_table_pages_go_to_the_table_finders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast_pages: list[int] = []
    slow_pages: list[int] = []
    real_fast, real_slow = pdf_reader._fast_tables, pdf_reader._find_tables

    def spy_fast(pdf, info):  # noqa: ANN001
        fast_pages.append(info.number)
        return real_fast(pdf, info)

    def spy_slow(name, data, candidates, deadline):  # noqa: ANN001
        slow_pages.extend(candidates)
        return real_slow(name, data, candidates, deadline)

    monkeypatch.setattr(pdf_reader, "_fast_tables", spy_fast)
    monkeypatch.setattr(pdf_reader, "_find_tables", spy_slow)
    doc = read_file(make_report_pdf(tmp_path / "r.pdf"))
    assert 1 not in fast_pages + slow_pages  # page 1 is narrative only
    # Page 2 prints a label one glyph per line in a non-embedded font: without a CJK font on
    # the machine pdfium drops such glyphs and that page goes to pdfplumber; with one (e.g.
    # fonts-noto-cjk) the fast finder reads it. Page 3 never needs pdfplumber.
    assert slow_pages in ([2], []) and 3 not in slow_pages
    assert 3 in fast_pages and set(fast_pages) <= {2, 3}
    assert {t.page for t in doc.tables} == {2, 3}


def _ruled_pdf(path: Path, style: str) -> Path:
    """A 3×3 table drawn the ways PDF producers draw rules: lines, thin filled rects, cell rects."""
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont(FONT, 10)
    c.drawString(72, 780, "三、收到和处理政府信息公开申请情况")
    xs, ys = [72, 252, 332, 412], [760, 740, 720, 700]
    cells = [["申请人情况", "自然人", "总计"], ["一、本年新收", "3", "3"], ["结转下年度", "", "0"]]
    if style == "lines":
        path_obj = c.beginPath()
        for x in xs:
            path_obj.moveTo(x, ys[0])
            path_obj.lineTo(x, ys[-1])
        for y in ys:
            path_obj.moveTo(xs[0], y)
            path_obj.lineTo(xs[-1], y)
        c.drawPath(path_obj, stroke=1, fill=0)
    elif style == "filled":
        for x in xs:
            c.rect(x - 0.25, ys[-1], 0.5, ys[0] - ys[-1], stroke=0, fill=1)
        for y in ys:
            c.rect(xs[0], y - 0.25, xs[-1] - xs[0], 0.5, stroke=0, fill=1)
    else:
        for r in range(3):
            for col in range(3):
                c.rect(xs[col], ys[r + 1], xs[col + 1] - xs[col], ys[r] - ys[r + 1], stroke=1, fill=0)
    for r, row in enumerate(cells):
        for col, text in enumerate(row):
            c.drawString(xs[col] + 4, ys[r] - 14, text)
    c.drawString(72, 660, "四、政府信息公开行政复议")
    c.showPage()
    c.save()
    return path


@pytest.mark.parametrize("style", ["lines", "filled", "rects"])
def test_fast_finder_reads_rules_however_drawn(tmp_path: Path, style: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_reader, "_find_tables", lambda *a: pytest.fail("pdfplumber was needed"))
    doc = read_file(_ruled_pdf(tmp_path / f"{style}.pdf", style))
    (table,) = doc.tables
    assert table.rows == [["申请人情况", "自然人", "总计"], ["一、本年新收", "3", "3"], ["结转下年度", "", "0"]]
    assert doc.text.split("\n") == [
        "三、收到和处理政府信息公开申请情况",
        "申请人情况\t自然人\t总计",
        "一、本年新收\t3\t3",
        "结转下年度\t\t0",
        "四、政府信息公开行政复议",
    ]


def test_fast_finder_agrees_with_pdfplumber(tmp_path: Path) -> None:
    """Same grids and boxes from both finders on every table page (merged headers included)."""
    import pypdfium2 as pdfium

    data = make_report_pdf(tmp_path / "r.pdf", vertical_label=False).read_bytes()
    slow, _ = pdf_reader._find_tables("r.pdf", data, [2, 3], limits.Deadline("r.pdf"))
    pdf = pdfium.PdfDocument(data)
    loaded = pdf_reader._Pages(pdf)
    try:
        for number in (2, 3):
            page = loaded.get(number)[0]
            info = pdf_reader._PageInfo(number, "", 0, 0, 0, 0, tuple(page.get_mediabox()))
            fast = pdf_reader._fast_tables(loaded, info)
            assert len(fast) == len(slow[number]) == 2
            assert [g for _b, g in fast] == [g for _b, g in slow[number]]
            for (fb, _g), (sb, _h) in zip(fast, slow[number]):
                assert all(abs(a - b) < 2 for a, b in zip(fb, sb))
    finally:
        loaded.close()
        pdf.close()


def test_embedded_style_report_needs_no_pdfplumber(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_reader, "_find_tables", lambda *a: pytest.fail("pdfplumber was needed"))
    doc = read_file(make_report_pdf(tmp_path / "r.pdf", vertical_label=False, narrative_pages=3))
    assert len(doc.pages) == 5 and len(_table3_parts(doc)) == 2
    head = _table3_parts(doc)[0].rows
    assert head[2][2:7] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]


def test_no_text_layer_gives_error_finding_and_no_text(tmp_path: Path) -> None:
    doc = read_file(make_scanned_pdf(tmp_path / "scan.pdf"))
    assert doc.text == "" and doc.tables == []
    (finding,) = doc.warnings
    assert finding.rule == "pdf_no_text_layer" and finding.severity == "error"
    assert "scan.pdf" in finding.message and "1–3" in finding.message


def test_partly_scanned_pdf_warns_about_the_scanned_pages(tmp_path: Path) -> None:
    doc = read_file(make_scanned_pdf(tmp_path / "mixed.pdf", text_pages=(2,)))
    assert "第2页 主动公开政府信息100条" in doc.text
    (finding,) = doc.warnings
    assert finding.rule == "pdf_no_text_layer" and finding.severity == "warning"
    assert "1, 3" in finding.message


def test_password_protected_pdf_gives_encrypted_finding(tmp_path: Path) -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption

    enc = StandardEncryption("secret", ownerPassword="owner")
    path = make_text_pdf(tmp_path / "locked.pdf", ["主动公开政府信息100条"], encrypt=enc)
    doc = read_file(path)
    assert doc.text == ""
    (finding,) = doc.warnings
    assert finding.rule == "pdf_encrypted" and finding.severity == "error" and "locked.pdf" in finding.message


def test_owner_password_only_pdf_is_read(tmp_path: Path) -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption

    enc = StandardEncryption("", ownerPassword="owner", canCopy=0)
    doc = read_file(make_text_pdf(tmp_path / "restricted.pdf", ["主动公开政府信息100条"], encrypt=enc))
    assert "主动公开政府信息100条" in doc.text and doc.warnings == []


def test_page_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_text_pdf(tmp_path / "long.pdf", ["页"] * 5)
    monkeypatch.setattr(limits, "MAX_PDF_PAGES", 4)
    with pytest.raises(InputError) as err:
        read_file(path)
    assert "long.pdf" in str(err.value) and "5 pages" in str(err.value) and "4" in str(err.value)


def test_time_budget_names_the_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_text_pdf(tmp_path / "slow.pdf", ["页"] * 2)
    monkeypatch.setattr(limits, "TIME_BUDGET_SECONDS", -1.0)
    with pytest.raises(InputError) as err:
        read_file(path)
    assert "slow.pdf" in str(err.value) and "page 1" in str(err.value)


def test_broken_xref_is_repaired(tmp_path: Path) -> None:
    good = make_text_pdf(tmp_path / "good.pdf", ["主动公开政府信息100条"]).read_bytes()
    start = good.rindex(b"startxref")
    broken = good[:start] + b"startxref\n999999\n%%EOF\n"
    (tmp_path / "broken.pdf").write_bytes(broken)
    doc = read_file(tmp_path / "broken.pdf")
    assert "主动公开政府信息100条" in doc.text


def test_unopenable_pdf_is_input_error_naming_file(tmp_path: Path) -> None:
    (tmp_path / "junk.pdf").write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 50)
    with pytest.raises(InputError) as err:
        read_file(tmp_path / "junk.pdf")
    assert "junk.pdf" in str(err.value)


def test_garbled_text_layer_warns(tmp_path: Path) -> None:
    doc_text = "\ue000\ue001\ue002" * 20
    from etl.read.pdf import _is_garbled

    assert _is_garbled(doc_text) and not _is_garbled("主动公开政府信息100条" * 5)


def test_label_free_continuation_page_is_searched(tmp_path: Path) -> None:
    """表四's data row alone on the page after its header: no label, a few numbers, still a table."""
    c = canvas.Canvas(str(tmp_path / "t4.pdf"), pagesize=A4)
    c.setFont(FONT, 8)
    xs = [40 + 34 * i for i in range(16)]
    header = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3
    for x0, x1, text in zip(xs, xs[1:], header):
        c.rect(x0, 100, x1 - x0, 20)
        c.drawString(x0 + 1, 106, text)
    c.drawString(50, 130, "四、政府信息公开行政复议、行政诉讼情况 行政复议 结果维持")
    c.showPage()
    c.setFont(FONT, 8)
    values = [str(i % 4) for i in range(15)]
    values[7] = ""
    for x0, x1, text in zip(xs, xs[1:], values):
        c.rect(x0, 780, x1 - x0, 20)
        c.drawString(x0 + 10, 786, text)
    c.drawString(50, 700, "五、存在的主要问题及改进情况")
    c.showPage()
    c.save()
    doc = read_file(tmp_path / "t4.pdf")
    assert [t.page for t in doc.tables] == [1, 2]
    assert doc.tables[1].rows == [values]


def test_reads_from_several_threads_are_safe(tmp_path: Path) -> None:
    """pdfium is not thread-safe; the reader serialises it so dashboard sessions can share it."""
    from concurrent.futures import ThreadPoolExecutor

    path = make_report_pdf(tmp_path / "r.pdf", vertical_label=False)
    expected = read_file(path)
    with ThreadPoolExecutor(max_workers=4) as pool:
        docs = list(pool.map(lambda _: read_file(path), range(8)))
    assert all(d.text == expected.text and [t.rows for t in d.tables] == [t.rows for t in expected.tables] for d in docs)


def test_embedded_font_table_with_one_glyph_per_line_uses_fast_finder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With an embedded font (as Word exports) pdfium keeps single glyphs: no pdfplumber needed."""
    ttf = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not ttf.exists():
        pytest.skip("no TrueType font on this machine")
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("DejaVu", str(ttf)))
    cell = ParagraphStyle("dv", fontName="DejaVu", fontSize=8, leading=10)
    rows = [
        ["Item", "Total", Paragraph("Natural<br/>person", cell)],
        ["received", Paragraph("1<br/>2<br/>3<br/>4", cell), "12"],
        ["carried over", "", "0"],
    ]
    table = Table(rows, colWidths=[120, 40, 60])
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "DejaVu", 8), ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    path = tmp_path / "embedded.pdf"
    SimpleDocTemplate(str(path), pagesize=A4).build([Paragraph("申请人情况 表三", BODY), table])
    monkeypatch.setattr(pdf_reader, "_find_tables", lambda *a: pytest.fail("pdfplumber was needed"))
    (t,) = read_file(path).tables
    assert t.rows == [["Item", "Total", "Natural person"], ["received", "1234", "12"], ["carried over", "", "0"]]
