"""PDF reports → Document: page text and ruled tables from pypdfium2, pdfplumber as fallback.

pypdfium2 reads a 6-page report's text layer in a few milliseconds but flattens 表三 into runs
of numbers; pdfplumber recovers ruled grids, merged label cells included, but costs ~0.25 s per
page (plus ~0.2 s to import). So tables are found in two tiers, and only on pages that look like
they hold a form table (its labels or a long run of numbers, plus ruling lines; at most
``limits.MAX_PDF_TABLE_PAGES`` pages):

1. a fast finder on pdfium's own objects (pdfplumber's "lines" method re-done: ruling segments →
   snapped edges → crossings → cells → tables; cell text from character boxes) — a few ms/page;
2. pdfplumber, only for pages the fast finder cannot judge: rules inside form XObjects, rules
   drawn with curves on a page of many paths without closed cells, or glyphs pdfium drops
   (zero-width text objects of non-embedded CJK fonts, e.g. a label printed one character per
   line). Word-, WPS- and LibreOffice-made PDFs draw straight rules, so they need none.

On a page with tables the page text is rebuilt as: the text above the table, the table rendered
one row per line with TAB-separated cells (merged cells repeated), the text below — so the
narrative and the form parser see the same grid. A table continuing on the next page stays two
Tables, each with its page. Page-number lines ("- 4 -") are kept as printed. Wrapped header
cells are joined without the line break ("商业\n企业" → "商业企业").

A PDF without a text layer (scanned) or needing a password yields a Document with no text and
an error finding: no numbers are guessed. A PDF that cannot be opened at all is an InputError.
"""
from __future__ import annotations

import bisect
import ctypes
import io
import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from etl.read import limits
from etl.model import Document, Finding, InputError, Page, Table
from etl.read.cells import clean_cell, render_rows
from etl.read.recache import compile as _rx

# Labels that only appear in or around 表二/表三/表四 (and their 2019 variants).
_TABLE_LABELS = _rx(
    "表[二三四]|申请人情况|本年新收|上年结转|结转下年度|予以公开|不予公开|无法提供|不予处理|"
    "结果维持|结果纠正|尚未审结|其他结果|复议后起诉|未经复议|本年制发|本年废止|现行有效|"
    "本年新制作|本年新公开|对外公开总数量|处理决定数量|行政事业性收费|政府集中采购|"
    "第二十条|第二十一条|自然人|商业企业|科研机构|法律服务机构|社会公益组织"
)
_NUMBER_TOKEN = _rx(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])")
_CONTROL = _rx(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_PUA = _rx("[\ue000-\uf8ff\ufffd]")

# pdfium is not thread-safe: two threads inside it at once can crash the process. The
# dashboard may read uploads from several sessions' threads, so every read holds this lock.
_PDFIUM_LOCK = threading.RLock()

def _unchecked(fn: ctypes._CFuncPtr) -> ctypes._CFuncPtr:
    """The same C function with the same result type, but no ``argtypes``.

    Why: ctypes converts every argument through ``argtypes`` on each call, half the cost of a
    call; the loops over every object, path segment or character of a page make thousands of
    calls per page (~5 ms of a 9-page report). They pass only pdfium handles, ``int`` indexes
    and ``byref`` pointers, which ctypes passes unconverted just the same.
    """
    bare = type(fn)(ctypes.cast(fn, ctypes.c_void_p).value)
    bare.restype = fn.restype
    return bare


#: The functions of those loops (same names as in ``pypdfium2.raw``), called without conversion.
_fast = SimpleNamespace(**{name: _unchecked(getattr(pdfium_c, name)) for name in (
    "FPDFPage_GetObject", "FPDFPageObj_GetType", "FPDFPath_CountSegments", "FPDFPageObj_GetBounds",
    "FPDFTextObj_GetFont", "FPDFFont_GetIsEmbedded", "FPDFPath_GetDrawMode", "FPDFPageObj_GetMatrix",
    "FPDFPath_GetPathSegment", "FPDFPathSegment_GetPoint", "FPDFPathSegment_GetType",
    "FPDFPathSegment_GetClose", "FPDFText_GetUnicode", "FPDFText_IsGenerated",
    "FPDFText_GetLooseCharBox",
)})

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


class _Pages:
    """A document's pages, each loaded with its text page at most once per read.

    pdfium parses a page's content on every load (~0.5 ms for a LibreOffice page, as much again
    for its text page), and a table page is needed three times: its text, its rules and
    characters, its composition. Pages are released once composed and all at the end.
    """

    def __init__(self, pdf: pdfium.PdfDocument) -> None:
        self.pdf = pdf
        self._open: dict[int, tuple[pdfium.PdfPage, pdfium.PdfTextPage]] = {}

    def get(self, number: int) -> tuple[pdfium.PdfPage, pdfium.PdfTextPage]:
        """Page ``number`` (1-based) and its text page, kept from before or loaded now."""
        if number not in self._open:
            page = self.pdf[number - 1]
            try:
                self._open[number] = (page, page.get_textpage())
            except BaseException:
                page.close()
                raise
        return self._open[number]

    def keep(self, number: int, page: pdfium.PdfPage, textpage: pdfium.PdfTextPage) -> None:
        """Hold on to a page loaded elsewhere (the first pass over all pages)."""
        self._open[number] = (page, textpage)

    def kept(self) -> int:
        return len(self._open)

    def release(self, number: int) -> None:
        pair = self._open.pop(number, None)
        if pair is not None:
            pair[1].close()
            pair[0].close()

    def close(self) -> None:
        for number in list(self._open):
            self.release(number)


def _clean_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def _count_objects(page: pdfium.PdfPage) -> tuple[int, int, int]:
    """(objects, rule weight, images) of a page, without Python wrappers."""
    n = pdfium_c.FPDFPage_CountObjects(page.raw)
    if n > limits.MAX_PDF_PAGE_OBJECTS:
        return n, 0, 0
    paths = images = 0
    raw = page.raw
    for j in range(n):
        obj = _fast.FPDFPage_GetObject(raw, j)
        kind = _fast.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            # One path may draw a whole grid: weigh it by its segments (two per rule).
            paths += max(1, _fast.FPDFPath_CountSegments(obj) // 2)
        elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            images += 1
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            paths += 4  # rules drawn inside a form XObject (some PDF printers do this)
    return n, paths, images


def _drops_glyphs(page: pdfium.PdfPage) -> bool:
    """Whether the page has text objects pdfium leaves out of its text page.

    Those are zero-width boxes: single glyphs of a non-embedded CJK font pdfium has no
    substitute glyphs for (e.g. a label printed one character per line). pdfplumber measures
    them from the font metrics, so a table page holding them goes to pdfplumber. (A server
    with CJK fonts installed avoids this.) Asked of table pages only: it measures every text
    object, which costs as much as counting all objects.
    """
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    refs = (ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top))
    raw = page.raw
    for j in range(pdfium_c.FPDFPage_CountObjects(raw)):
        obj = _fast.FPDFPage_GetObject(raw, j)
        if _fast.FPDFPageObj_GetType(obj) == pdfium_c.FPDF_PAGEOBJ_TEXT and _fast.FPDFPageObj_GetBounds(
            obj, *refs
        ) and right.value - left.value < 0.01:
            # Only fonts pdfium must substitute lose glyphs (spaces are zero-width anywhere).
            if _fast.FPDFFont_GetIsEmbedded(_fast.FPDFTextObj_GetFont(obj)) != 1:
                return True
    return False


def _holds_t3(text: str) -> bool:
    """Whether a page's text holds rows of 表三 (which may be unruled, so its blank cells are
    placed from the characters' columns: the page is read again)."""
    return "本年新收" in text or "自然人" in text


def _is_table_candidate(info: _PageInfo, after_candidate: bool = False) -> bool:
    """Worth looking for grids: ruling lines plus form labels or a long run of numbers.

    A page right after such a page needs only a couple of numbers: a table continued over
    the page break may carry no label at all (表四's data row under a header on the page before).
    """
    if info.paths < 4 or info.objects > limits.MAX_PDF_PAGE_OBJECTS:
        return False
    labels = len(set(_TABLE_LABELS.findall(info.text)))
    numbers = len(_NUMBER_TOKEN.findall(info.text))
    if after_candidate and numbers >= 2:
        return True
    return (labels >= 1 and numbers >= 2) or labels >= 3 or numbers >= 40


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


# ------------------------------------------------------------------ fast ruled-table finder
# pdfplumber's "lines" strategy re-done on pdfium's own objects: ruling segments from path
# objects → snapped and joined edges → intersections → smallest cells → tables of connected
# cells → grid (merged cells repeated) with the text of the characters whose centre is inside.
# It costs a few milliseconds per page instead of ~0.25 s; pages it cannot handle (rules drawn
# inside form XObjects, or many rules but no grid found) still go to pdfplumber.

_SNAP = 3.0  # edges this close are the same rule (pdfplumber: snap_tolerance)
_JOIN = 3.0  # collinear pieces with gaps up to this are one rule (join_tolerance)
_MIN_EDGE = 3.0  # shorter rules are ignored (edge_min_length)
_ISECT = 3.0  # how far a rule may stop short of another and still meet it
_AXIS = 1.0  # a segment within this of horizontal/vertical is a rule; others are ignored


def _merge_edges(edges: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """(position, start, end) rules: snap positions within _SNAP, join pieces, drop short ones."""
    if not edges:
        return []
    edges.sort()
    clusters: list[list[tuple[float, float, float]]] = [[edges[0]]]
    for edge in edges[1:]:
        if edge[0] - clusters[-1][-1][0] <= _SNAP:
            clusters[-1].append(edge)
        else:
            clusters.append([edge])
    merged: list[tuple[float, float, float]] = []
    for cluster in clusters:
        pos = sum(e[0] for e in cluster) / len(cluster)
        pieces = sorted((e[1], e[2]) for e in cluster)
        start, end = pieces[0]
        for a, b in pieces[1:]:
            if a <= end + _JOIN:
                end = max(end, b)
            else:
                merged.append((pos, start, end))
                start, end = a, b
        merged.append((pos, start, end))
    return [e for e in merged if e[2] - e[1] >= _MIN_EDGE]


def _page_rules(page: pdfium.PdfPage, top: float) -> tuple[list, list, bool] | None:
    """Horizontal (y, x0, x1) and vertical (x, y0, y1) rules in top-down coordinates, and
    whether they are all the rules pdfplumber would see (no curves, no path skipped as huge).

    None when rules may hide inside form XObjects (their matrices would need composing);
    such pages are left to pdfplumber.
    """
    raw = page.raw
    hs: list[tuple[float, float, float]] = []
    vs: list[tuple[float, float, float]] = []
    matrix = pdfium_c.FS_MATRIX()
    fx, fy = ctypes.c_float(), ctypes.c_float()
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    matrix_ref, fx_ref, fy_ref = ctypes.byref(matrix), ctypes.byref(fx), ctypes.byref(fy)
    fill_ref, stroke_ref = ctypes.byref(fill), ctypes.byref(stroke)
    exact = True

    def add(p: tuple[float, float], q: tuple[float, float]) -> None:
        (x0, y0), (x1, y1) = p, q
        if abs(y0 - y1) <= _AXIS:
            hs.append((top - (y0 + y1) / 2, min(x0, x1), max(x0, x1)))
        elif abs(x0 - x1) <= _AXIS:
            vs.append(((x0 + x1) / 2, top - max(y0, y1), top - min(y0, y1)))

    for j in range(pdfium_c.FPDFPage_CountObjects(raw)):
        obj = _fast.FPDFPage_GetObject(raw, j)
        kind = _fast.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            return None
        if kind != pdfium_c.FPDF_PAGEOBJ_PATH:
            continue
        if _fast.FPDFPath_GetDrawMode(obj, fill_ref, stroke_ref):
            if fill.value == pdfium_c.FPDF_FILLMODE_NONE and not stroke.value:
                continue  # an invisible path draws no rule
        if _fast.FPDFPageObj_GetMatrix(obj, matrix_ref):
            a, b, c, d, e, f = matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f
        else:
            a, b, c, d, e, f = 1.0, 0.0, 0.0, 1.0, 0.0, 0.0
        n_segments = _fast.FPDFPath_CountSegments(obj)
        if n_segments > 20_000:
            exact = False
            continue
        start = prev = None
        for k in range(n_segments):
            seg = _fast.FPDFPath_GetPathSegment(obj, k)
            if not _fast.FPDFPathSegment_GetPoint(seg, fx_ref, fy_ref):
                continue
            point = (a * fx.value + c * fy.value + e, b * fx.value + d * fy.value + f)
            kind_seg = _fast.FPDFPathSegment_GetType(seg)
            if kind_seg == pdfium_c.FPDF_SEGMENT_MOVETO:
                start = prev = point
                continue
            if kind_seg == pdfium_c.FPDF_SEGMENT_LINETO and prev is not None:
                add(prev, point)
            elif kind_seg == pdfium_c.FPDF_SEGMENT_BEZIERTO:
                exact = False  # pdfplumber turns curves into edges; this finder does not
            prev = point
            if _fast.FPDFPathSegment_GetClose(seg) and start is not None:
                add(point, start)
                prev = start
    return _merge_edges(hs), _merge_edges(vs), exact


def _close_frames(hs: list, vs: list) -> tuple[list, list]:
    """Rules plus the outer frame of every ruled grid that was printed without one.

    Word and WPS table styles may draw only the inner grid ("no outer border"): the cells on
    the table's edges are then open and the whole table would be lost. Rules that cross each
    other form one grid; where its bounding box has no rule, one is added. A grid needs at
    least two rules each way, so a lone underline or a box around a heading adds nothing new.
    """
    n_h = len(hs)
    rules = [("h", r) for r in hs] + [("v", r) for r in vs]
    if len(rules) < 4 or len(hs) * len(vs) > MAX_RULE_PAIRS:
        return hs, vs
    parent = list(range(len(rules)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for hi, (y, x0, x1) in enumerate(hs):
        for vj, (x, y0, y1) in enumerate(vs):
            if x0 - _ISECT <= x <= x1 + _ISECT and y0 - _ISECT <= y <= y1 + _ISECT:
                a, b = root(hi), root(n_h + vj)
                if a != b:
                    parent[a] = b
    comps: dict[int, list[int]] = {}
    for i in range(len(rules)):
        comps.setdefault(root(i), []).append(i)
    add_h: list[tuple[float, float, float]] = []
    add_v: list[tuple[float, float, float]] = []
    for members in comps.values():
        ch = [hs[i] for i in members if i < n_h]
        cv = [vs[i - n_h] for i in members if i >= n_h]
        if len(ch) < 2 or len(cv) < 2:
            continue
        left = min(min(h[1] for h in ch), min(v[0] for v in cv))
        right = max(max(h[2] for h in ch), max(v[0] for v in cv))
        top = min(min(v[1] for v in cv), min(h[0] for h in ch))
        bottom = max(max(v[2] for v in cv), max(h[0] for h in ch))
        if right - left < _MIN_EDGE or bottom - top < _MIN_EDGE:
            continue
        for y in (top, bottom):
            if not any(abs(h[0] - y) <= _SNAP and h[1] <= left + _JOIN and h[2] >= right - _JOIN for h in ch):
                add_h.append((y, left, right))
        for x in (left, right):
            if not any(abs(v[0] - x) <= _SNAP and v[1] <= top + _JOIN and v[2] >= bottom - _JOIN for v in cv):
                add_v.append((x, top, bottom))
    if not add_h and not add_v:
        return hs, vs
    return _merge_edges(list(hs) + add_h), _merge_edges(list(vs) + add_v)


class _TooComplex(Exception):
    """A page with so many rules that finding its grid would take unbounded time."""


#: Most horizontal × vertical rule pairs examined on one page (a 表三 page has about 40 × 12).
MAX_RULE_PAIRS = 200_000


def _cells_from_rules(hs: list, vs: list) -> list[tuple[float, float, float, float]]:
    """The smallest closed rectangles (x0, top, x1, bottom) the rules form (pdfplumber's method)."""
    if len(hs) * len(vs) > MAX_RULE_PAIRS:
        raise _TooComplex(f"{len(hs)} × {len(vs)} rules")
    points: dict[tuple[float, float], tuple[set[int], set[int]]] = {}
    for vi, (x, y0, y1) in enumerate(vs):
        for hi, (y, x0, x1) in enumerate(hs):
            if x0 - _ISECT <= x <= x1 + _ISECT and y0 - _ISECT <= y <= y1 + _ISECT:
                h_set, v_set = points.setdefault((x, y), (set(), set()))
                h_set.add(hi)
                v_set.add(vi)
    if len(points) > 20_000:
        raise _TooComplex(f"{len(points)} rule crossings")
    by_x: dict[float, list[float]] = {}
    by_y: dict[float, list[float]] = {}
    for x, y in points:
        by_x.setdefault(x, []).append(y)
        by_y.setdefault(y, []).append(x)
    for lst in (*by_x.values(), *by_y.values()):
        lst.sort()

    def v_connects(p: tuple[float, float], q: tuple[float, float]) -> bool:
        return bool(points[p][1] & points[q][1])

    def h_connects(p: tuple[float, float], q: tuple[float, float]) -> bool:
        return bool(points[p][0] & points[q][0])

    cells = []
    for (x, y) in sorted(points):
        pt = (x, y)
        found = None
        for yb in by_x[x]:
            if yb <= y or not v_connects(pt, (x, yb)):
                continue
            for xr in by_y[y]:
                if xr <= x or not h_connects(pt, (xr, y)):
                    continue
                corner = (xr, yb)
                if corner in points and v_connects(corner, (xr, y)) and h_connects(corner, (x, yb)):
                    found = (x, y, xr, yb)
                    break
            if found:
                break
        if found:
            cells.append(found)
    return cells


def _group_cells(cells: list[tuple[float, float, float, float]]) -> list[list[tuple[float, float, float, float]]]:
    """Cells sharing a corner belong to one table (union-find over corners)."""
    parent = list(range(len(cells)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[tuple[float, float], int] = {}
    for i, (x0, y0, x1, y1) in enumerate(cells):
        for corner in ((x0, y0), (x1, y0), (x0, y1), (x1, y1)):
            if corner in owner:
                parent[root(i)] = root(owner[corner])
            else:
                owner[corner] = i
    groups: dict[int, list] = {}
    for i, cell in enumerate(cells):
        groups.setdefault(root(i), []).append(cell)
    return sorted(groups.values(), key=lambda g: (min(c[1] for c in g), min(c[0] for c in g)))


def _page_chars(textpage: pdfium.PdfTextPage, top: float) -> list[tuple[float, float, float, float, str]]:
    """Printed characters as (x0, x1, centre-y top-down, height, char), generated ones skipped.

    Loose boxes (advance width × font ascent/descent) are used: tight glyph boxes collapse to
    nothing for fonts that are not embedded, loose ones stay true to the printed line.
    """
    raw = textpage.raw
    box = pdfium_c.FS_RECTF()
    box_ref = ctypes.byref(box)
    get_unicode, is_generated = _fast.FPDFText_GetUnicode, _fast.FPDFText_IsGenerated
    chars: list[tuple[float, float, float, float, str]] = []
    pending_high: int | None = None
    for i in range(pdfium_c.FPDFText_CountChars(raw)):
        code = get_unicode(raw, i)
        if is_generated(raw, i) == 1 or code in (0, 0x0D, 0x0A, 0xFFFE, 0xFFFF):
            continue
        if 0xD800 <= code < 0xDC00:
            pending_high = code
            continue
        if 0xDC00 <= code < 0xE000:
            if pending_high is None:
                continue
            code = 0x10000 + ((pending_high - 0xD800) << 10) + (code - 0xDC00)
        pending_high = None
        if not _fast.FPDFText_GetLooseCharBox(raw, i, box_ref):
            continue
        left, right, b_bottom, b_top = box.left, box.right, box.bottom, box.top
        chars.append((min(left, right), max(left, right), top - (b_bottom + b_top) / 2, abs(b_top - b_bottom),
                      chr(code)))
    return chars


def _cell_text(chars: list[tuple[float, float, float, float, str]]) -> str:
    """Characters of one cell in reading order: lines top to bottom, then left to right."""
    lines: list[list[tuple[float, float, float, float, str]]] = []
    for ch in sorted(chars, key=lambda c: c[2]):
        if lines and abs(ch[2] - lines[-1][0][2]) <= max(ch[3], lines[-1][0][3], 1.0) * 0.5:
            lines[-1].append(ch)
        else:
            lines.append([ch])
    out: list[str] = []
    for line in lines:
        line.sort(key=lambda c: c[0])
        text = line[0][4]
        for prev, ch in zip(line, line[1:]):
            if ch[0] - prev[1] > _JOIN and not text.endswith(" ") and ch[4] != " ":
                text += " "
            text += ch[4]
        out.append(text)
    return clean_cell("\n".join(out))


def _fast_tables(pages: _Pages, info: _PageInfo) -> list | None:
    """Ruled tables of one page as (bbox top-down, grid), or None when pdfplumber must decide.

    An empty list is a sure "no table" when this finder saw every rule pdfplumber would (no
    form XObjects, no curves): pdfplumber's "lines" method on the same rules finds no more.
    That is what Word, WPS and LibreOffice print — e.g. a page of underlined links, or the
    rules below a signature — so those pages cost no pdfplumber. Only a page whose rules
    were not all seen and that draws many paths is left to pdfplumber.
    """
    page, textpage = pages.get(info.number)
    page_top = info.mediabox[3]
    rules = _page_rules(page, page_top)
    if rules is None:
        return None
    hs, vs, exact = rules
    unsure = None if not exact and info.paths >= 12 else []
    cells = _cells_from_rules(*_close_frames(hs, vs))
    if not cells:
        return unsure
    chars = _page_chars(textpage, page_top)
    result = []
    for group in _group_cells(cells):
        xs = sorted({c[0] for c in group} | {c[2] for c in group})
        ys = sorted({c[1] for c in group} | {c[3] for c in group})
        n_rows, n_cols = len(ys) - 1, len(xs) - 1
        if n_rows * n_cols > limits.MAX_TABLE_CELLS or n_rows < 1 or n_cols < 1:
            continue
        col_of = {x: i for i, x in enumerate(xs)}
        row_of = {y: i for i, y in enumerate(ys)}
        x0, y0, x1, y1 = xs[0], ys[0], xs[-1], ys[-1]
        inside: dict[int, list] = {}
        owner: dict[tuple[int, int], int] = {}
        for ci, (cx0, cy0, cx1, cy1) in enumerate(group):
            for r in range(row_of[cy0], row_of[cy1]):
                for c in range(col_of[cx0], col_of[cx1]):
                    owner.setdefault((r, c), ci)
        for ch in chars:
            cx = (ch[0] + ch[1]) / 2
            if not (x0 <= cx < x1 and y0 <= ch[2] < y1):
                continue
            r = bisect.bisect_right(ys, ch[2]) - 1
            c = bisect.bisect_right(xs, cx) - 1
            ci = owner.get((r, c))
            if ci is not None:
                inside.setdefault(ci, []).append(ch)
        texts = {ci: _cell_text(chs) for ci, chs in inside.items()}
        grid = [[texts.get(owner.get((r, c), -1), "") for c in range(n_cols)] for r in range(n_rows)]
        grid = [row for row in grid if any(row)]
        if len(grid) * max((len(r) for r in grid), default=0) < 2:
            continue  # a framed heading or an empty box, not a table
        result.append(((x0, y0, x1, y1), grid))
    return result or unsure


_CELL_WORD = _rx(r"^(?:\d[\d,]*(?:\.\d+)?|[/／\\]|[-－—–―]{1,2}|无)$")
_FOOTER_LINE = _rx(r"^\s*(?:[-—–]\s*\d+\s*[-—–]|第\s*\d+\s*页.*|\d+\s*/\s*\d+)\s*$")
BLANK_MARK = "/"


def _line_words(chars: list[tuple[float, float, float, float, str]]) -> list[list[tuple[float, float, str]]]:
    """Printed lines (top to bottom) as words (x0, x1, text), split at wide gaps."""
    lines: list[list[tuple[float, float, float, float, str]]] = []
    for ch in sorted(chars, key=lambda c: c[2]):
        if lines and abs(ch[2] - lines[-1][0][2]) <= max(ch[3], lines[-1][0][3], 1.0) * 0.4:
            lines[-1].append(ch)
        else:
            lines.append([ch])
    out = []
    for line in lines:
        line.sort(key=lambda c: c[0])
        words: list[list] = []
        for x0, x1, _y, h, c in line:
            if c.isspace():
                if words and words[-1][2]:
                    words.append([x1, x1, ""])
                continue
            if words and words[-1][2] and x0 - words[-1][1] <= max(h, 1.0) * 0.5:
                words[-1][1] = x1
                words[-1][2] += c
            elif words and not words[-1][2]:
                words[-1] = [x0, x1, c]
            else:
                words.append([x0, x1, c])
        out.append([(w[0], w[1], w[2]) for w in words if w[2]])
    return out


def _blank_columns_text(pages: _Pages, info: _PageInfo, prev_cols: list[float] | None = None
                        ) -> tuple[str | None, list[float] | None]:
    """(page text where rows of an UNRULED 表三 get a "/" for each empty cell, the columns).

    Without rules the text layer drops empty cells, and a row with 5 of its 7 numbers cannot
    be placed. The x positions still tell the columns: the 7 header words (自然人 … 总计), else
    the page before's columns (a continued table), else the rows printing all 7 cells. Each row
    whose numbers all fall in distinct columns gets a blank mark in the columns it leaves empty;
    rows that do not fit are left as printed (the form parser then refuses them).
    """
    chars = _page_chars(pages.get(info.number)[1], info.mediabox[3])
    lines = _line_words(chars)
    cells_of: list[list[tuple[float, float, str]]] = []
    for words in lines:
        tail: list[tuple[float, float, str]] = []
        for w in reversed(words):
            if not _CELL_WORD.match(w[2]):
                break
            tail.append(w)
        cells_of.append(tail[::-1])
    full = [c for c in cells_of if len(c) == 7]
    options = [_header_columns(lines), prev_cols]
    if len(full) >= 3:
        centres = [[(w[0] + w[1]) / 2 for w in c] for c in full]
        options.append([sum(c[k] for c in centres) / len(centres) for k in range(7)])
    cols = None
    for option in options:
        if option is None:
            continue
        spacing = min(b - a for a, b in zip(option, option[1:]))
        # rows printing all 7 cells must agree with the columns (numbers right-aligned
        # under centred header words do not, and then the rows' own positions are used)
        if spacing >= 8 and all(abs((w[0] + w[1]) / 2 - x) <= spacing * 0.3
                                for c in full for w, x in zip(c, option)):
            cols = option
            break
    if cols is None:
        return None, None
    spacing = min(b - a for a, b in zip(cols, cols[1:]))
    # only the rows of 表三: from 本年新收 (or the top of a continuation page) to 表四
    start = next((i for i, ws in enumerate(lines) if any("本年新收" in w[2] for w in ws)), None)
    if start is None and prev_cols is None:
        return None, cols
    start = start or 0
    end = next((i for i in range(start, len(lines)) if any(
        k in w[2] for w in lines[i] for k in ("行政复议", "行政诉讼", "存在的主要问题")) or any(
        w[2].startswith(("四、政府", "五、")) for w in lines[i][:1])), len(lines))
    text = info.text
    lines_text = text.split("\n")
    first = next((i for i, ln in enumerate(lines_text) if "本年新收" in ln), 0)
    last_hit = first - 1
    changed = False
    for words, cells in zip(lines[start:end], cells_of[start:end]):
        if not 0 < len(cells) < 7 or len(cells) == len(words) and len(cells) < 2:
            continue
        line_str = " ".join(w[2] for w in words)
        if _FOOTER_LINE.match(line_str):
            continue
        slots: dict[int, str] = {}
        for x0, x1, t in cells:
            k = min(range(7), key=lambda i: abs(cols[i] - (x0 + x1) / 2))
            if abs(cols[k] - (x0 + x1) / 2) > spacing * 0.3 or k in slots:
                slots = {}
                break
            slots[k] = t
        if not slots or (len(words) > len(cells) and words[-len(cells) - 1][1] > cols[0] - spacing * 0.5):
            continue  # the numbers do not sit in the columns, or a label runs into them
        filled = " ".join(slots.get(k, BLANK_MARK) for k in range(7))
        # the text layer ends a line with these numbers (its label part may be cut elsewhere)
        want = [w[2] for w in cells]
        hit = None
        for i in range(last_hit + 1, len(lines_text)):
            toks = lines_text[i].split()
            if toks[-len(want):] == want and (len(toks) == len(want) or not _CELL_WORD.match(toks[-len(want) - 1])):
                hit = i
                break
        if hit is None:
            continue
        last_hit = hit
        head = re.sub(r"(?:\s*\S+){%d}\s*$" % len(want), "", lines_text[hit])
        lines_text[hit] = (head + " " + filled).strip()
        changed = True
    return ("\n".join(lines_text) if changed else None), cols


_HEADER_KEYS = (("自然人",), ("商业",), ("科研",), ("社会", "公益"), ("法律", "律服"), ("其他", "其它"), ("总计", "合计"))


def _header_columns(lines: list[list[tuple[float, float, str]]]) -> list[float] | None:
    """x centres of the 7 applicant columns from 表三's header words, above the first row."""
    found: dict[int, float] = {}
    for words in lines:
        if any("本年新收" in w[2] for w in words):
            break
        for x0, x1, t in words:
            if len(t) > 8:
                continue
            for k, keys in enumerate(_HEADER_KEYS):
                if k not in found and any(t.startswith(key) for key in keys):
                    found[k] = (x0 + x1) / 2
    if len(found) != 7:
        return None
    cols = [found[k] for k in range(7)]
    return cols if all(a < b for a, b in zip(cols, cols[1:])) else None


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
    pages: _Pages, info: _PageInfo, tables: list[tuple[tuple[float, float, float, float], list[list[str]]]]
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
    textpage = pages.get(info.number)[1]
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
    with _PDFIUM_LOCK:
        return _read_pdf_locked(path.name, data)


def _read_pdf_locked(name: str, data: bytes) -> Document:
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
    loaded = _Pages(pdf)
    try:
        return _read_open_pdf(name, data, loaded, deadline)
    finally:
        loaded.close()
        pdf.close()


def _read_open_pdf(name: str, data: bytes, loaded: _Pages, deadline: limits.Deadline) -> Document:
    pdf = loaded.pdf
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
        except BaseException:
            page.close()
            raise
        loaded.keep(i + 1, page, textpage)  # closed by the caller if anything below fails
        text = _clean_text(textpage.get_text_range())
        objects, paths, images = _count_objects(page)
        infos.append(_PageInfo(i + 1, text, objects, paths, images, page.get_rotation(), tuple(page.get_mediabox())))
        # kept only if it may be read again for tables (see _Pages), and only so many
        if loaded.kept() > limits.MAX_PDF_TABLE_PAGES or not (
                _is_table_candidate(infos[-1], after_candidate=True) or _holds_t3(text)):
            loaded.release(i + 1)
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

    candidates: list[int] = []
    for p in infos:
        if _is_table_candidate(p, after_candidate=bool(candidates) and candidates[-1] == p.number - 1):
            candidates.append(p.number)
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
    slow: list[int] = []
    by_number = {p.number: p for p in infos}
    for number in candidates:
        deadline.check(f"page {number}")
        try:
            if _drops_glyphs(loaded.get(number)[0]):
                slow.append(number)
                continue
            tables = _fast_tables(loaded, by_number[number])
        except pdfium.PdfiumError:
            tables = None
        except _TooComplex as exc:
            warnings.append(
                Finding(
                    "pdf_tables_skipped",
                    "warning",
                    f"{name}: page {number}: too many ruling lines ({exc}) to look for table grids; text only",
                )
            )
            continue
        if tables:
            found[number] = tables
        elif tables is None:
            slow.append(number)  # rules the fast finder cannot see (see _fast_tables)
    if slow:
        slow_found, table_warnings = _find_tables(name, data, slow, deadline)
        found.update(slow_found)
        warnings += table_warnings

    pages: list[Page] = []
    tables: list[Table] = []
    chunks: list[str] = []
    offset = 0
    prev_t3 = False
    t3_cols: list[float] | None = None
    for info in infos:
        deadline.check(f"page {info.number}")
        text, placed = info.text, []
        t3_page = _holds_t3(text)
        if info.number not in found and (t3_page or prev_t3):
            try:
                new_text, t3_cols = _blank_columns_text(loaded, info, t3_cols if prev_t3 else None)
                text = new_text or text
            except pdfium.PdfiumError:
                pass
        prev_t3 = t3_page and "行政复议" not in text
        if info.number in found:
            try:
                text, placed = _compose_page(loaded, info, found[info.number])
            except pdfium.PdfiumError:
                text, placed = info.text, [(0, grid) for _b, grid in found[info.number]]
        loaded.release(info.number)
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
