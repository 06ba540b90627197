"""PDF reports → Document: page text from pypdfium2, ruled tables from pdfplumber.

Why two libraries: pypdfium2 reads a 6-page report's text layer in a few milliseconds but
knows nothing about tables (it flattens 表三 into runs of numbers); pdfplumber recovers ruled
grids, merged label cells included, but costs ~0.25 s per page. So pdfplumber runs only on
pages that look like they hold a form table (its labels or long runs of numbers, plus ruling
lines), and at most ``limits.MAX_PDF_TABLE_PAGES`` of them.

On a page with tables the page text is rebuilt as: the text above the table, the table rendered
one row per line with TAB-separated cells (merged cells repeated), the text below — so the
narrative and the form parser see the same grid. A table continuing on the next page stays two
Tables, each with its page. Page-number lines ("- 4 -") are kept as printed.

A PDF without a text layer (scanned) or needing a password yields a Document with no text and
an error finding: no numbers are guessed. A PDF that cannot be opened at all is an InputError.
"""
from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from etl import limits
from etl.model import Document, Finding, InputError, Page, Table
from etl.readers import clean_cell, render_rows

# Labels that only appear in or around 表二/表三/表四 (and their 2019 variants).
_TABLE_LABELS = re.compile(
    "表[二三四]|申请人情况|本年新收|上年结转|结转下年度|予以公开|不予公开|无法提供|不予处理|"
    "结果维持|结果纠正|尚未审结|其他结果|复议后起诉|未经复议|本年制发|本年废止|现行有效|"
    "本年新制作|本年新公开|对外公开总数量|处理决定数量|行政事业性收费|政府集中采购|"
    "第二十条|第二十一条|自然人|商业企业|科研机构|法律服务机构|社会公益组织"
)
_NUMBER_TOKEN = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_PUA = re.compile("[\ue000-\uf8ff\ufffd]")

# pdfminer (under pdfplumber) logs a warning for every quirk of a damaged file; the reader
# reports what matters as findings, so keep the console of the CLI and dashboard quiet.
logging.getLogger("pdfminer").setLevel(logging.ERROR)


@dataclass
class _PageInfo:
    number: int
    text: str
    objects: int
    paths: int
    images: int
    rotation: int
    mediabox: tuple[float, float, float, float]


def _clean_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def _count_objects(page: pdfium.PdfPage) -> tuple[int, int, int]:
    """(all, path, image) top-level page objects, without building Python wrappers."""
    n = pdfium_c.FPDFPage_CountObjects(page.raw)
    if n > limits.MAX_PDF_PAGE_OBJECTS:
        return n, 0, 0
    paths = images = 0
    for j in range(n):
        kind = pdfium_c.FPDFPageObj_GetType(pdfium_c.FPDFPage_GetObject(page.raw, j))
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            paths += 1
        elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            images += 1
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            paths += 4  # rules drawn inside a form XObject (some PDF printers do this)
    return n, paths, images


def _is_table_candidate(info: _PageInfo) -> bool:
    """Worth the slow table finder: ruling lines plus form labels or a long run of numbers."""
    if info.paths < 4 or info.objects > limits.MAX_PDF_PAGE_OBJECTS:
        return False
    labels = len(set(_TABLE_LABELS.findall(info.text)))
    numbers = len(_NUMBER_TOKEN.findall(info.text))
    return (labels >= 1 and numbers >= 4) or numbers >= 40


def _open(name: str, data: bytes) -> pdfium.PdfDocument | None:
    """The pdfium document, None when a password is required; InputError when unreadable."""
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            return None
        raise InputError(name, f"damaged PDF that cannot be opened ({message})", "PDF structure") from None


def _grid_from_plumber(table, name: str, page_no: int) -> list[list[str]]:
    """pdfplumber table → grid of cleaned cell texts, merged cells repeated (both ways).

    pdfplumber reports a merged cell once (its other positions are None); the cell's bbox tells
    which rows and columns it covers, so its text is copied into each of them.
    """
    rows = table.rows
    texts = table.extract()
    xs = sorted({cell[0] for cell in table.cells})
    tops = [row.bbox[1] for row in rows]
    n_rows, n_cols = len(rows), len(xs)
    if n_rows * n_cols > limits.MAX_TABLE_CELLS:
        raise InputError(name, f"table grid larger than {limits.MAX_TABLE_CELLS:,} cells", f"page {page_no}")
    grid: list[list[str | None]] = [[None] * n_cols for _ in range(n_rows)]
    eps = 0.5
    for ri, row in enumerate(rows):
        for ci, bbox in enumerate(row.cells):
            if bbox is None:
                continue
            text = clean_cell(texts[ri][ci] if ci < len(texts[ri]) else "")
            x0, top, x1, bottom = bbox
            span_rows = [k for k in range(ri, n_rows) if top - eps <= tops[k] < bottom - eps] or [ri]
            span_cols = [k for k in range(ci, n_cols) if x0 - eps <= xs[k] < x1 - eps] or [ci]
            for rr in span_rows:
                for cc in span_cols:
                    if grid[rr][cc] is None:
                        grid[rr][cc] = text
    return [[c or "" for c in row] for row in grid]


def _find_tables(
    name: str, data: bytes, candidates: list[int], deadline: limits.Deadline
) -> tuple[dict[int, list[tuple[tuple[float, float, float, float], list[list[str]]]]], list[Finding]]:
    """Ruled tables per candidate page (1-based) as (bbox in pdfplumber coords, grid)."""
    import pdfplumber  # slow import (~0.2 s); only paid when a page may hold a table

    found: dict[int, list] = {}
    warnings: list[Finding] = []
    try:
        pdf = pdfplumber.open(io.BytesIO(data), pages=candidates)
    except Exception as exc:  # pdfminer may reject what pdfium repaired
        warnings.append(
            Finding("pdf_tables_unreadable", "warning", f"{name}: table grids could not be read ({type(exc).__name__}); text only")
        )
        return found, warnings
    try:
        for page in pdf.pages:
            deadline.check(f"page {page.page_number}")
            try:
                tables = page.find_tables()
                items = []
                for t in tables:
                    grid = _grid_from_plumber(t, name, page.page_number)
                    grid = [row for row in grid if any(row)]
                    if len(grid) * max((len(r) for r in grid), default=0) < 2:
                        continue  # a framed heading, not a table
                    if _unmapped_glyphs(grid):
                        warnings.append(
                            Finding(
                                "pdf_tables_unreadable",
                                "warning",
                                f"{name}: page {page.page_number}: a table's font has no Unicode map; "
                                "its grid was skipped (numbers come from the page text only)",
                            )
                        )
                        continue
                    items.append((tuple(t.bbox), grid))
                if items:
                    found[page.page_number] = items
            except InputError:
                raise
            except Exception as exc:
                warnings.append(
                    Finding(
                        "pdf_tables_unreadable",
                        "warning",
                        f"{name}: page {page.page_number}: table grid could not be read ({type(exc).__name__}); text only",
                    )
                )
            finally:
                page.close()
    except InputError:
        raise
    except Exception as exc:  # the page tree itself is broken for pdfminer
        warnings.append(
            Finding("pdf_tables_unreadable", "warning", f"{name}: table grids could not be read ({type(exc).__name__}); text only")
        )
    finally:
        try:
            pdf.close()
        except Exception:
            pass
    return found, warnings


def _unmapped_glyphs(grid: list[list[str]]) -> bool:
    """pdfminer writes "(cid:123)" for glyphs it cannot map; such a grid is not worth keeping."""
    filled = [c for row in grid for c in row if c]
    return bool(filled) and sum("(cid:" in c for c in filled) / len(filled) > 0.3


def _band_text(textpage: pdfium.PdfTextPage, box: tuple[float, float, float, float], top: float, bottom: float) -> str:
    """Text between two distances from the page top (pdfplumber coordinates)."""
    left, _b, right, page_top = box
    if bottom - top <= 0.01:
        return ""
    text = textpage.get_text_bounded(left=left - 1000, bottom=page_top - bottom, right=right + 1000, top=page_top - top)
    return _clean_text(text).strip("\n")


def _compose_page(
    pdf: pdfium.PdfDocument, info: _PageInfo, tables: list[tuple[tuple[float, float, float, float], list[list[str]]]]
) -> tuple[str, list[tuple[int, list[list[str]]]]]:
    """Page text with its tables rendered in place; returns (text, [(offset in page, grid)])."""
    placed: list[tuple[int, list[list[str]]]] = []
    tables = sorted(tables, key=lambda t: (t[0][1], t[0][0]))
    if info.rotation % 360 != 0:
        # Rotated pages: keep pdfium's text and point each table at its first cell's text.
        for _bbox, grid in tables:
            first = next((c for row in grid for c in row if c), "")
            pos = info.text.find(first) if first else -1
            placed.append((max(pos, 0), grid))
        return info.text, placed
    page = pdf[info.number - 1]
    textpage = page.get_textpage()
    try:
        pieces: list[tuple[str, list[list[str]] | None]] = []
        cursor = 0.0
        i = 0
        while i < len(tables):
            group = [tables[i]]
            g_top, g_bottom = tables[i][0][1], tables[i][0][3]
            i += 1
            while i < len(tables) and tables[i][0][1] < g_bottom:
                group.append(tables[i])
                g_bottom = max(g_bottom, tables[i][0][3])
                i += 1
            pieces.append((_band_text(textpage, info.mediabox, cursor, g_top), None))
            for _bbox, grid in sorted(group, key=lambda t: t[0][0]):
                pieces.append((render_rows(grid), grid))
            cursor = g_bottom
        page_height = info.mediabox[3] - info.mediabox[1]
        pieces.append((_band_text(textpage, info.mediabox, cursor, page_height + 1000), None))
    finally:
        textpage.close()
        page.close()
    out: list[str] = []
    length = 0
    for text, grid in pieces:
        if not text and grid is None:
            continue
        if out:
            out.append("\n")
            length += 1
        if grid is not None:
            placed.append((length, grid))
        out.append(text)
        length += len(text)
    return "".join(out), placed


def read_pdf(path: Path, data: bytes) -> Document:
    """A PDF file's bytes → Document (pages, text with tables rendered, ruled tables)."""
    name = path.name
    deadline = limits.Deadline(name)
    pdf = _open(name, data)
    if pdf is None:
        return Document(
            source=name,
            format="pdf",
            text="",
            warnings=[
                Finding(
                    "pdf_encrypted",
                    "error",
                    f"{name}: the PDF is encrypted and needs a password to open; no numbers were read "
                    "(save an unprotected copy and load that)",
                )
            ],
        )
    try:
        return _read_open_pdf(name, data, pdf, deadline)
    finally:
        pdf.close()


def _read_open_pdf(name: str, data: bytes, pdf: pdfium.PdfDocument, deadline: limits.Deadline) -> Document:
    n_pages = len(pdf)
    if n_pages > limits.MAX_PDF_PAGES:
        raise InputError(name, f"PDF has {n_pages:,} pages; the limit is {limits.MAX_PDF_PAGES:,}", "page count")
    if n_pages == 0:
        raise InputError(name, "PDF has no pages (damaged?)", "page tree")
    infos: list[_PageInfo] = []
    total = 0
    for i in range(n_pages):
        deadline.check(f"page {i + 1}")
        try:
            page = pdf[i]
        except pdfium.PdfiumError as exc:
            raise InputError(name, f"page cannot be loaded ({exc})", f"page {i + 1}") from None
        try:
            textpage = page.get_textpage()
            try:
                text = _clean_text(textpage.get_text_range())
            finally:
                textpage.close()
            objects, paths, images = _count_objects(page)
            infos.append(
                _PageInfo(i + 1, text, objects, paths, images, page.get_rotation(), tuple(page.get_mediabox()))
            )
        finally:
            page.close()
        total += len(text)
        limits.check_text_size(name, total, f"page {i + 1}")

    warnings: list[Finding] = []
    blank = [p.number for p in infos if not p.text.strip()]
    if len(blank) == len(infos):
        warnings.append(
            Finding(
                "pdf_no_text_layer",
                "error",
                f"{name}: page(s) {_pages_label(blank)} have no text layer (scanned?); no numbers were read",
            )
        )
        pages = [Page(number=p.number, text="", offset=0) for p in infos]
        return Document(source=name, format="pdf", text="", pages=pages, warnings=warnings)
    scanned = [p.number for p in infos if not p.text.strip() and p.images]
    if scanned:
        warnings.append(
            Finding(
                "pdf_no_text_layer",
                "warning",
                f"{name}: page(s) {_pages_label(scanned)} have no text layer (scanned?); nothing was read from them",
            )
        )
    garbled = [p.number for p in infos if _is_garbled(p.text)]
    if garbled:
        warnings.append(
            Finding(
                "pdf_garbled_text",
                "warning",
                f"{name}: page(s) {_pages_label(garbled)} have an unreadable text layer "
                "(fonts without a Unicode map); numbers there may be missing",
            )
        )

    candidates = [p.number for p in infos if _is_table_candidate(p)]
    if len(candidates) > limits.MAX_PDF_TABLE_PAGES:
        warnings.append(
            Finding(
                "pdf_tables_skipped",
                "warning",
                f"{name}: {len(candidates)} pages look like tables; only the first "
                f"{limits.MAX_PDF_TABLE_PAGES} were read as grids",
            )
        )
        candidates = candidates[: limits.MAX_PDF_TABLE_PAGES]
    found: dict[int, list] = {}
    if candidates:
        found, table_warnings = _find_tables(name, data, candidates, deadline)
        warnings += table_warnings

    pages: list[Page] = []
    tables: list[Table] = []
    chunks: list[str] = []
    offset = 0
    for info in infos:
        deadline.check(f"page {info.number}")
        text, placed = info.text, []
        if info.number in found:
            try:
                text, placed = _compose_page(pdf, info, found[info.number])
            except pdfium.PdfiumError:
                text, placed = info.text, [(0, grid) for _b, grid in found[info.number]]
        pages.append(Page(number=info.number, text=text, offset=offset))
        for off, grid in placed:
            tables.append(Table(rows=grid, page=info.number, index=len(tables), offset=offset + off))
        chunks.append(text)
        offset += len(text) + 1
        limits.check_text_size(name, offset, f"page {info.number}")
    return Document(
        source=name,
        format="pdf",
        text="\n".join(chunks),
        pages=pages,
        tables=tables,
        warnings=warnings,
    )


def _is_garbled(text: str) -> bool:
    visible = [c for c in text if not c.isspace()]
    if len(visible) < 20:
        return False
    return len(_PUA.findall(text)) / len(visible) > 0.3


def _pages_label(numbers: list[int]) -> str:
    """"1–3, 7" style page list (short even for a 2,000-page scan)."""
    spans: list[str] = []
    start = prev = None
    for n in numbers + [None]:  # type: ignore[list-item]
        if start is None:
            start = prev = n
        elif n is not None and n == prev + 1:
            prev = n
        else:
            spans.append(f"{start}" if start == prev else f"{start}–{prev}")
            start = prev = n
    return ", ".join(spans)


__all__ = ["read_pdf"]
