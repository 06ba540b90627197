"""Binary fixture writers: DOCX (python-docx) and PDF (reportlab) renderings of a spec.

Why separate: these pull in python-docx and reportlab, which the text renderers and the
dashboard do not need. Both reproduce what real files do to tables: DOCX merges header and
label cells (``cell.merge``); the PDF draws ruled tables (TableStyle GRID, so pdfplumber can
recover the grid), wraps long header cells, lets 表三 run over a page break and prints a
"- N -" page number in every footer.
"""
from __future__ import annotations

import io
from functools import lru_cache

from etl.demo.fixtures import (
    SECTION_HEADINGS,
    LTable,
    Quirks,
    StandardReport,
    _date_zh,
    _tables_of,
    span_origins,
    standard_paragraphs,
)


def _width(table: LTable) -> int:
    return max(c + cs for _, c, _, cs, _, _ in span_origins(table))


# ----------------------------------------------------------------------------------------
# DOCX
# ----------------------------------------------------------------------------------------

def render_docx(spec: StandardReport, quirks: Quirks | None = None) -> bytes:
    """A Word report: paragraphs plus tables with merged cells (vertical and horizontal)."""
    from docx import Document as Docx

    q = quirks or spec.quirks
    paras = standard_paragraphs(spec, q)
    tables = _tables_of(spec, q)
    d = Docx()
    d.add_paragraph(spec.title)
    for p in paras[""]:
        d.add_paragraph(p)
    for h in SECTION_HEADINGS:
        d.add_paragraph(h)
        for p in paras[h]:
            d.add_paragraph(p)
        if h in tables:
            name, t = tables[h]
            if q.captions:
                d.add_paragraph(name)
            _docx_table(d, t)
    d.add_paragraph(spec.agency)
    d.add_paragraph(_date_zh(spec.published))
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _docx_table(d, table: LTable) -> None:
    """The table with its merged cells, written as ``cell.merge`` writes them (a ``gridSpan``
    with the summed width, ``vMerge`` restart/continue down the rows, the covered cells
    removed) but directly on the cells' XML: ``cell.merge`` re-derives the grid with XPath
    over the whole table on every call (~0.15 s per demo report). Spans never overlap and
    the covered cells are empty, so there is no content to move; the document XML is the
    same byte for byte (``tests/demo`` compares it with ``cell.merge``'s)."""
    from docx.shared import Length
    from docx.table import _Cell

    cells = span_origins(table)
    t = d.add_table(rows=len(table), cols=_width(table))
    t.style = "Table Grid"
    # the grid as it was created, one <w:tc> per grid cell, before any is removed
    grid = [list(tr.tc_lst) for tr in t._tbl.tr_lst]
    for r, c, rs, cs, text, _ in cells:
        for rr in range(r, r + rs):
            tc = grid[rr][c]
            if cs > 1:
                width = tc.width
                for covered in grid[rr][c + 1:c + cs]:
                    if width and covered.width:
                        width = Length(width + covered.width)
                    covered.getparent().remove(covered)
                if width is not None:
                    tc.width = width
                tc.grid_span = cs
            if rs > 1:
                tc.vMerge = "restart" if rr == r else "continue"
        _Cell(grid[r][c], t).text = text


def _docx_table_merged(d, table: LTable) -> None:
    """The reference: python-docx's own ``cell.merge`` (what :func:`_docx_table` must equal)."""
    cells = span_origins(table)
    t = d.add_table(rows=len(table), cols=_width(table))
    t.style = "Table Grid"
    grid = [list(row.cells) for row in t.rows]
    for r, c, rs, cs, text, _ in cells:
        cell = grid[r][c]
        if rs > 1 or cs > 1:
            cell = cell.merge(grid[r + rs - 1][c + cs - 1])
        cell.text = text


# ----------------------------------------------------------------------------------------
# PDF
# ----------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def render_pdf(spec: StandardReport, quirks: Quirks | None = None) -> bytes:
    """A text-layer PDF: ruled tables, wrapped header cells, 表三 across a page break,
    "- N -" page numbers in the footer."""
    return _render_pdf_with(spec, quirks)


def _render_pdf_with(spec: StandardReport, quirks: Quirks | None = None, encrypt=None) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    q = quirks or spec.quirks
    font = _font()
    body = ParagraphStyle("zh", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK",
                          firstLineIndent=21)
    head = ParagraphStyle("zhh", parent=body, fontSize=12, leading=18, firstLineIndent=0)
    title = ParagraphStyle("zht", parent=body, fontSize=15, leading=22, alignment=1,
                           firstLineIndent=0)
    cell = ParagraphStyle("zhc", fontName=font, fontSize=8, leading=10, wordWrap="CJK",
                          alignment=1)
    paras = standard_paragraphs(spec, q)
    tables = _tables_of(spec, q)
    story: list = [Paragraph(spec.title, title), Spacer(1, 4 * mm)]
    for p in paras[""]:
        story.append(Paragraph(p, body))
    for h in SECTION_HEADINGS:
        story.append(Paragraph(h, head))
        for p in paras[h]:
            story.append(Paragraph(p, body))
        if h in tables:
            name, t = tables[h]
            if q.captions:
                story.append(Paragraph(name, head))
            if name == "表三":
                story.append(Spacer(1, 40 * mm))  # push 表三 over the page break
            if name == "表四" and q.split_table4:
                story.append(_fill_leaving(_header_height(t, cell)))
            story.append(_pdf_table(t, name, cell, ruled=not q.unruled))
            story.append(Spacer(1, 3 * mm))
    right = ParagraphStyle("zhr", parent=body, alignment=2, firstLineIndent=0)
    story += [Spacer(1, 6 * mm), Paragraph(spec.agency, right),
              Paragraph(_date_zh(spec.published), right)]

    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(font, 9)
        canvas.drawCentredString(A4[0] / 2, 12 * mm, f"- {doc.page} -")
        canvas.restoreState()

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                            topMargin=20 * mm, bottomMargin=22 * mm, title=spec.title,
                            author=spec.agency, invariant=1, encrypt=encrypt)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()


def _fill_leaving(leave: float):
    """A flowable taking all the page's remaining height except ``leave`` points, so the
    next table's header fits at the page bottom and its data rows go to the next page."""
    from reportlab.platypus import Flowable

    class _Fill(Flowable):
        def wrap(self, aw, ah):  # noqa: ANN001 - reportlab protocol
            self.height = max(0.0, ah - leave)
            return aw, self.height

        def draw(self) -> None:
            pass

    return _Fill()


def _header_height(table: LTable, cell_style) -> float:
    """Height of a table's header rows as reportlab lays them out (plus a little slack)."""
    from reportlab.lib.pagesizes import A4

    n_header = sum(1 for row in table if row and all(c.header for c in row))
    t = _pdf_table(table[:n_header], "表四", cell_style)
    _, h = t.wrap(A4[0], A4[1])
    return h + 6


def _pdf_table(table: LTable, name: str, cell_style, ruled: bool = True):
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Table, TableStyle

    width = _width(table)
    grid: list[list] = [["" for _ in range(width)] for _ in range(len(table))]
    style = [
        *([("GRID", (0, 0), (-1, -1), 0.5, colors.black)] if ruled else []),
        ("FONTNAME", (0, 0), (-1, -1), _font()),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
    ]
    for r, c, rs, cs, text, header in span_origins(table):
        # Paragraphs wrap long labels and headers over several lines, as real forms do
        grid[r][c] = Paragraph(text, cell_style) if text and (header or len(text) > 6) else text
        if rs > 1 or cs > 1:
            style.append(("SPAN", (c, r), (c + cs - 1, r + rs - 1)))
    avail = 170 * mm
    if name == "表三":
        widths = [14 * mm, 16 * mm, 34 * mm] + [(avail - 64 * mm) / 7] * 7
        repeat = 3
    elif name == "表四":
        widths = [avail / 15] * 15
        repeat = 0
    else:
        widths = [40 * mm] + [(avail - 40 * mm) / (width - 1)] * (width - 1)
        repeat = 0
    return Table(grid, colWidths=widths, style=TableStyle(style), repeatRows=repeat,
                 splitInRow=0)


def render_scanned_pdf(pages: int = 2) -> bytes:
    """A "scanned" report: pages carrying only a picture (no text layer), as image-only PDFs
    from a copier are. The extractor must say so and guess nothing."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    for _ in range(pages):
        c.setFillGray(0.85)
        c.rect(60, 120, A4[0] - 120, A4[1] - 220, fill=1, stroke=0)  # the page image
        c.setFillGray(0.3)
        for y in range(160, int(A4[1]) - 120, 18):  # "lines of text" drawn as bars
            c.rect(80, y, A4[0] - 160, 6, fill=1, stroke=0)
        c.showPage()
    c.save()
    return buf.getvalue()


def render_encrypted_pdf(spec: StandardReport, password: str = "secret",
                         quirks: Quirks | None = None) -> bytes:
    """The report as a password-protected PDF (user password needed to open it)."""
    from reportlab.lib import pdfencrypt

    enc = pdfencrypt.StandardEncryption(password, ownerPassword=password + "-owner",
                                        canPrint=0, canModify=0, canCopy=0, canAnnotate=0)
    return _render_pdf_with(spec, quirks, encrypt=enc)
