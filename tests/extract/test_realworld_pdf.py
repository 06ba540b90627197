"""Real-world PDF reports (issue 3): Word→PDF exports imitated with reportlab.

Ruled tables with the official merged layout, 表三 split across pages with or without the header
repeated, "- 5 -" page footers, narrow columns wrapping "法律服务\\n机构", tables without ruling
(the text layer gives only runs). Every cell of 表二/表三/表四 is asserted.
"""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from tests.helpers.realworld import blank_zero_requests, write_and_extract_one
from tests.extract.test_realworld_html import (
    IDENTITY_RULES,
    NARRATIVE,
    T3,
    T3_2019,
    T3_LAYOUT_2019,
    T4,
    assert_cells,
    expected_all,
    rules,
    spec_grid,
    t2_2021_spec,
    t3_spec,
    t4_spec,
)


def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def _table(spec, kind: str, ruled: bool, repeat: int):  # noqa: ANN001, ANN202
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Table, TableStyle

    cell = ParagraphStyle("c", fontName=_font(), fontSize=8, leading=10, wordWrap="CJK", alignment=1)
    grid, spans = spec_grid(spec)
    data = [[Paragraph(t, cell) if len(t) > 3 else t for t in row] for row in grid]
    style = [("FONTNAME", (0, 0), (-1, -1), _font()), ("FONTSIZE", (0, 0), (-1, -1), 8),
             ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (0, 0), (-1, -1), "CENTER")]
    if ruled:
        style.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
    for r, c, rs, cs in spans:
        style.append(("SPAN", (c, r), (c + cs - 1, r + rs - 1)))
    width = len(grid[0])
    avail = 170 * mm
    if kind == "表三":
        # narrow applicant columns: "法律服务机构" wraps as in real exports
        widths = [12 * mm, 16 * mm, 44 * mm] + [(avail - 72 * mm) / 7] * 7
    elif kind == "表四":
        widths = [avail / 15] * 15
    else:
        widths = [50 * mm] + [(avail - 50 * mm) / (width - 1)] * (width - 1)
    return Table(data, colWidths=widths, style=TableStyle(style), repeatRows=repeat, splitInRow=0)


def build_pdf(t2, t3, t4, ruled: bool = True, repeat_header: bool = True,  # noqa: ANN001
              push_t3: float = 60, captions: bool = False) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    font = _font()
    body = ParagraphStyle("b", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK", firstLineIndent=21)
    head = ParagraphStyle("h", parent=body, fontSize=12, leading=18, firstLineIndent=0)
    title = ParagraphStyle("t", parent=body, fontSize=15, leading=22, alignment=1, firstLineIndent=0)
    story: list = [Paragraph("江州市自然资源和规划局2022年政府信息公开工作年度报告", title), Spacer(1, 4 * mm)]
    tables = {"二、主动公开政府信息情况": ("表二", t2), "三、收到和处理政府信息公开申请情况": ("表三", t3),
              "四、政府信息公开行政复议、行政诉讼情况": ("表四", t4)}
    for h, p in NARRATIVE:
        if h:
            story.append(Paragraph(h, head))
        if p:
            story.append(Paragraph(p, body))
        if h in tables:
            kind, spec = tables[h]
            if kind == "表三":
                story.append(Spacer(1, push_t3 * mm))
            if captions:
                story.append(Paragraph(kind, head))
            story.append(_table(spec, kind, ruled, 3 if (kind == "表三" and repeat_header) else 0))
            story.append(Spacer(1, 3 * mm))
    right = ParagraphStyle("r", parent=body, alignment=2, firstLineIndent=0)
    story += [Spacer(1, 6 * mm), Paragraph("江州市自然资源和规划局", right), Paragraph("2023年1月18日", right)]

    def footer(canvas, doc) -> None:  # noqa: ANN001
        canvas.saveState()
        canvas.setFont(font, 9)
        canvas.drawCentredString(A4[0] / 2, 12 * mm, f"- {doc.page} -")
        canvas.restoreState()

    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm,
                      bottomMargin=22 * mm, invariant=1).build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()


def _build_pdf_restyled(lines: list, *args, **kwargs) -> bytes:  # noqa: ANN002, ANN003
    """``build_pdf`` with every table drawn unruled and then given only ``lines`` (a table style
    of Word/WPS that draws some rules); build_pdf looks the table builder up at call time."""
    orig = _table

    def restyled(spec, kind, ruled, repeat):  # noqa: ANN001, ANN202
        t = orig(spec, kind, False, repeat)
        t.setStyle(lines)
        return t

    globals()["_table"] = restyled
    try:
        return build_pdf(*args, **kwargs)
    finally:
        globals()["_table"] = orig


def _one(tmp_path: Path, data: bytes, name: str = "r.pdf"):  # noqa: ANN202
    return write_and_extract_one(tmp_path, name, data)


@pytest.mark.parametrize("repeat", [True, False])
@pytest.mark.parametrize("push", [60, 120])
def test_ruled_pdf_t3_across_pages(tmp_path: Path, repeat: bool, push: float) -> None:
    rep = _one(tmp_path, build_pdf(t2_2021_spec(), t3_spec(T3), t4_spec(), repeat_header=repeat, push_t3=push))
    assert rep.form == "2021"
    assert_cells(rep, expected_all())
    assert not rules(rep) & IDENTITY_RULES


def test_ruled_pdf_blanks_and_dashes(tmp_path: Path) -> None:
    t4 = tuple(None if v == 0 else v for v in T4)
    rep = _one(tmp_path, build_pdf(t2_2021_spec(fee="0.00"), t3_spec(T3, fmt=lambda v: "/" if v == 0 else str(v)),
                                   t4_spec(T4, fmt=lambda v: "—" if v == 0 else str(v))))
    want = expected_all(t4=t4, t2=None)
    want[("disclosure.admin_fees_cny", "")] = 0.0
    want = blank_zero_requests(want)
    assert_cells(rep, want)


def test_ruled_pdf_2019_form(tmp_path: Path) -> None:
    rep = _one(tmp_path, build_pdf(t2_2021_spec(), t3_spec(T3_2019, layout=T3_LAYOUT_2019), t4_spec()))
    assert rep.form == "2019"
    assert_cells(rep, expected_all(t3=T3_2019))
    assert "form_2019_cites_2021_notice" in rules(rep)


def test_unruled_pdf_runs(tmp_path: Path) -> None:
    """No table lines: only the text layer's runs; every row has all 7 numbers printed."""
    rep = _one(tmp_path, build_pdf(t2_2021_spec(), t3_spec(T3), t4_spec(), ruled=False, push_t3=20))
    assert_cells(rep, expected_all())


def test_identity_failures_in_pdf(tmp_path: Path) -> None:
    bad = dict(T3)
    bad["requests.granted"] = T3["requests.granted"][:6] + (75,)
    bad["requests.processed_total"] = (125,) + T3["requests.processed_total"][1:]
    t4 = (3, 1, 0, 1, 6) + T4[5:]
    rep = _one(tmp_path, build_pdf(t2_2021_spec(), t3_spec(bad), t4_spec(t4)))
    assert_cells(rep, expected_all(t3=bad, t4=t4))
    assert IDENTITY_RULES <= rules(rep)


@pytest.mark.parametrize("noted", ["requests.received", "requests.granted"])
def test_unruled_pdf_with_a_note_in_a_cell_keeps_the_other_rows(tmp_path: Path, noted: str) -> None:
    """A note wrapped inside a narrow cell ("127（含自然失效2件）") adds a number to its row in the
    text runs: that row is not stored (finding), every other row is, none is wrong."""
    first = T3[noted][0]
    fmt = lambda v: f"{v}（含自然失效2件）" if v == first else str(v)  # noqa: E731
    vals = {m: tuple(v) for m, v in T3.items()}
    assert sum(1 for v in vals.values() for x in v if x == first) == 1
    rep = _one(tmp_path, build_pdf(t2_2021_spec(), t3_spec(T3, fmt=fmt), t4_spec(), ruled=False, push_t3=20))
    want = {k: v for k, v in expected_all().items() if k[0] != noted}
    assert_cells(rep, want)
    unreadable = [f for f in rep.findings if f.rule == "table_unreadable"]
    assert unreadable and noted in unreadable[0].cells


@pytest.mark.parametrize("push", [20, 100])
def test_unruled_pdf_with_blank_cells_placed_by_column_position(tmp_path: Path, push: float) -> None:
    """Empty cells vanish from unruled text runs; the reader puts a blank mark where the x
    positions (header words 自然人 … 总计, or the page before's columns) show an empty column."""
    rep = _one(tmp_path, build_pdf(t2_2021_spec(), t3_spec(T3, fmt=lambda v: "" if v == 0 else str(v)),
                                   t4_spec(), ruled=False, push_t3=push))
    want = blank_zero_requests(expected_all())
    assert_cells(rep, want)
    assert "table_unreadable" not in rules(rep)


@pytest.mark.parametrize("push", [20, 100])
def test_horizontal_rules_only_with_blank_cells(tmp_path: Path, push: float) -> None:
    from reportlab.lib import colors

    hlines = [("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.black),
              ("LINEABOVE", (0, 0), (-1, 0), 0.5, colors.black)]
    rep = _one(tmp_path, _build_pdf_restyled(
        hlines, t2_2021_spec(), t3_spec(T3, fmt=lambda v: "" if v == 0 else str(v)), t4_spec(), push_t3=push))
    want = blank_zero_requests(expected_all())
    assert_cells(rep, want)


def test_table_style_without_outer_border(tmp_path: Path) -> None:
    """Word/WPS styles that draw only the inner grid: the edge cells are open on one side."""
    from reportlab.lib import colors

    inner_only = [("INNERGRID", (0, 0), (-1, -1), 0.5, colors.black)]
    fmt = lambda v: "" if v == 0 else str(v)  # noqa: E731
    rep = _one(tmp_path, _build_pdf_restyled(inner_only, t2_2021_spec(), t3_spec(T3, fmt=fmt), t4_spec(), push_t3=100))
    want = blank_zero_requests(expected_all())
    assert_cells(rep, want)
