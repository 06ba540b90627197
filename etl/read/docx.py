"""DOCX reports → Document: paragraphs and tables in body order, merged cells expanded.

Word stores a horizontally merged cell once with ``w:gridSpan`` and a vertically merged one as
a ``w:vMerge="restart"`` cell followed by empty ``w:vMerge`` continuation cells below it. The
form parser needs every grid position to carry its label, so a merged cell's text is repeated
into all positions it covers (continuations copy the text from the row above).

The ZIP is checked against the zip-bomb limits before anything is decompressed. The body is
parsed from ``word/document.xml`` with lxml (no entity resolution, no network; about ten times
faster than opening the whole package with python-docx, and indifferent to odd content types
written by WPS); python-docx is used only for packages whose main part has another name.
Automatic list numbers ("一、", "（一）") are rendered from numbering.xml.
Tables that contain tables are layout: their cells' content flows as text and only the inner
tables become Tables, as in the HTML reader. A text box (``w:txbxContent``, how LibreOffice and
WPS save a floating frame) is a block of its own after its anchor paragraph: a form table put in
a frame is still a table, not its cells' texts run together into the paragraph.
"""
from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path

from lxml import etree

from etl.read import limits
from etl.model import Document, InputError, Table
from etl.read.cells import TextBuilder, clean_cell

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = "{%s}" % W
_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT = (_W + t for t in ("p", "tbl", "tr", "tc", "sdt", "sdtContent"))
# Deleted/moved-away revisions are not text; mc:Fallback repeats a text box's content (VML copy).
_SKIP_TEXT_UNDER = {_W + t for t in ("del", "moveFrom", "instrText", "delText")} | {
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
}
_TXBX = _W + "txbxContent"
_TEXT_TAGS = {_W + "t": None, _W + "tab": " ", _W + "br": "\n", _W + "cr": "\n", _W + "noBreakHyphen": "-"}


def _val(el: etree._Element | None, default: int = 1) -> int:
    if el is None:
        return default
    raw = el.get(_W + "val") or ""
    return int(raw[:6]) if raw.isdigit() else default


def _paragraph_text(p: etree._Element, skip: frozenset[str] | set[str] = _SKIP_TEXT_UNDER) -> str:
    """A paragraph's visible text: runs, tabs as spaces, breaks as newlines; deletions skipped
    (and, with ``skip`` naming ``w:txbxContent``, the text boxes anchored in it)."""
    parts: list[str] = []
    for el in p.iter(*_TEXT_TAGS):
        parent = el.getparent()
        skipped = False
        while parent is not None and parent is not p:
            if parent.tag in skip:
                skipped = True
                break
            parent = parent.getparent()
        if skipped:
            continue
        fixed = _TEXT_TAGS[el.tag]
        parts.append(el.text or "" if fixed is None else fixed)
    return "".join(parts)


def _text_boxes(p: etree._Element) -> list[etree._Element]:
    """The outermost text boxes anchored in a paragraph, without mc:Fallback's VML copies."""
    boxes = []
    for box in p.iter(_TXBX):
        parent = box.getparent()
        while parent is not None and parent is not p and parent.tag not in _SKIP_TEXT_UNDER and parent.tag != _TXBX:
            parent = parent.getparent()
        if parent is p:
            boxes.append(box)
    return boxes


def _children(el: etree._Element, tag: str) -> list[etree._Element]:
    """Direct children with ``tag``, looking through content controls (w:sdt) and customXml."""
    out: list[etree._Element] = []
    for child in el:
        if child.tag == tag:
            out.append(child)
        elif child.tag in (_SDT, _W + "customXml"):
            inner = child.find(_SDT_CONTENT) if child.tag == _SDT else child
            if inner is not None:
                out.extend(_children(inner, tag))
    return out


def _cell_text(tc: etree._Element) -> str:
    # Direct paragraphs only: a text box's paragraphs are already inside its anchor paragraph.
    return clean_cell("\n".join(_paragraph_text(p) for p in _children(tc, _P)))


def _table_grid(tbl: etree._Element, name: str, index: int, cell_text=None) -> list[list[str]]:  # noqa: ANN001
    """Grid of a table without nested tables; merged cells repeated in every position."""
    cell_text = cell_text or _cell_text
    grid: list[list[str]] = []
    cells = 0
    for tr in _children(tbl, _TR):
        tr_pr = tr.find(_W + "trPr")
        row: list[str] = [""] * min(_val(tr_pr.find(_W + "gridBefore") if tr_pr is not None else None, 0), limits.MAX_COLSPAN)
        above = grid[-1] if grid else []
        for tc in _children(tr, _TC):
            tc_pr = tc.find(_W + "tcPr")
            span = _val(tc_pr.find(_W + "gridSpan") if tc_pr is not None else None)
            span = max(1, min(span, limits.MAX_COLSPAN))
            vmerge = tc_pr.find(_W + "vMerge") if tc_pr is not None else None
            start = len(row)
            if vmerge is not None and (vmerge.get(_W + "val") or "continue") == "continue":
                row.extend(above[start + k] if start + k < len(above) else "" for k in range(span))
            else:
                row.extend([cell_text(tc)] * span)
        if tr_pr is not None:
            row.extend([""] * min(_val(tr_pr.find(_W + "gridAfter"), 0), limits.MAX_COLSPAN))
        cells += len(row)
        if cells > limits.MAX_TABLE_CELLS:
            raise InputError(name, f"table grid larger than {limits.MAX_TABLE_CELLS:,} cells", f"table {index + 1}")
        grid.append(row)
    width = max((len(r) for r in grid), default=0)
    return [r + [""] * (width - len(r)) for r in grid if any(r)]


_CN_DIGITS = "〇一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def _chinese(n: int, digits: str = _CN_DIGITS, ten: str = "十") -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (list numbers rarely pass 99)."""
    if n <= 0 or n >= 100:
        return str(n)
    tens, units = divmod(n, 10)
    if tens == 0:
        return digits[units]
    return ("" if tens == 1 else digits[tens]) + ten + (digits[units] if units else "")


def _format_number(n: int, fmt: str) -> str:
    """A list counter in Word's number format (w:numFmt)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting", "ideographDigital"):
        return _chinese(n)
    if fmt == "chineseLegalSimplified":
        return _chinese(n, _CN_LEGAL, "拾")
    if fmt == "ideographTraditional":
        return _TIANGAN[(n - 1) % 10]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman") and n > 0:
        out, rest = "", n
        for value, sym in _ROMAN:
            while rest >= value:
                out, rest = out + sym, rest - value
        return out if fmt == "upperRoman" else out.lower()
    return str(n)


class _Numbering:
    """Word's automatic list numbers ("一、", "（一）", "1.") rendered as text.

    Section headings and 表三 row labels are often auto-numbered in Word templates; without the
    number the text says "总体情况" instead of "一、总体情况" and "予以公开" instead of
    "（一）予以公开", which the splitter and the form parser rely on.
    """

    def __init__(self, zf: zipfile.ZipFile, uses_numbering: bool = True, uses_styles: bool = True) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.style_num: dict[str, tuple[str, int]] = {}
        self.counters: dict[str, list[int | None]] = {}
        # Parsing numbering/styles costs more than the body; skip them when nothing can refer to them.
        numbering = _safe_xml(zf, "word/numbering.xml") if (uses_numbering or uses_styles) else None
        if numbering is not None:
            abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
            for an in numbering.iter(_W + "abstractNum"):
                lvls: dict[int, tuple[str, str, int]] = {}
                for lvl in an.iter(_W + "lvl"):
                    ilvl = _int_attr(lvl, _W + "ilvl", 0)
                    fmt = lvl.find(_W + "numFmt")
                    text = lvl.find(_W + "lvlText")
                    lvls[ilvl] = (
                        (fmt.get(_W + "val") if fmt is not None else "decimal") or "decimal",
                        (text.get(_W + "val") if text is not None else "") or "",
                        _val(lvl.find(_W + "start"), 1),
                    )
                abstract[an.get(_W + "abstractNumId") or ""] = lvls
            for num in numbering.iter(_W + "num"):
                ref = num.find(_W + "abstractNumId")
                lvls = dict(abstract.get(ref.get(_W + "val") if ref is not None else "", {}))
                for override in num.iter(_W + "lvlOverride"):
                    ilvl = _int_attr(override, _W + "ilvl", 0)
                    start = override.find(_W + "startOverride")
                    if start is not None and ilvl in lvls:
                        fmt, text, _s = lvls[ilvl]
                        lvls[ilvl] = (fmt, text, _val(start, 1))
                self.levels[num.get(_W + "numId") or ""] = lvls
        styles = _safe_xml(zf, "word/styles.xml") if (self.levels and uses_styles) else None
        if styles is not None:
            based: dict[str, str] = {}
            for style in styles.iter(_W + "style"):
                sid = style.get(_W + "styleId") or ""
                num_pr = style.find(f"{_W}pPr/{_W}numPr")
                if num_pr is not None and num_pr.find(_W + "numId") is not None:
                    self.style_num[sid] = (num_pr.find(_W + "numId").get(_W + "val") or "", _val(num_pr.find(_W + "ilvl"), 0))
                parent = style.find(_W + "basedOn")
                if parent is not None:
                    based[sid] = parent.get(_W + "val") or ""
            for sid in list(based):
                seen, cur = set(), sid
                while cur not in self.style_num and cur in based and cur not in seen:
                    seen.add(cur)
                    cur = based[cur]
                if cur in self.style_num and sid not in self.style_num:
                    self.style_num[sid] = self.style_num[cur]

    def prefix(self, p: etree._Element) -> str:
        """The rendered list number of a paragraph ("" if it is not numbered)."""
        if not self.levels:
            return ""
        p_pr = p.find(_W + "pPr")
        num_id, ilvl = None, 0
        if p_pr is not None:
            num_pr = p_pr.find(_W + "numPr")
            if num_pr is not None and num_pr.find(_W + "numId") is not None:
                num_id = num_pr.find(_W + "numId").get(_W + "val")
                ilvl = _val(num_pr.find(_W + "ilvl"), 0)
            elif p_pr.find(_W + "pStyle") is not None:
                num_id, ilvl = self.style_num.get(p_pr.find(_W + "pStyle").get(_W + "val") or "", (None, 0))
        if not num_id or num_id == "0" or num_id not in self.levels:
            return ""
        lvls = self.levels[num_id]
        if ilvl not in lvls or ilvl > 8:
            return ""
        counts = self.counters.setdefault(num_id, [None] * 9)
        for deeper in range(ilvl + 1, 9):
            counts[deeper] = None
        current = counts[ilvl]
        counts[ilvl] = lvls[ilvl][2] if current is None else current + 1
        fmt, text, _start = lvls[ilvl]
        if fmt in ("bullet", "none"):
            return ""

        def level_number(match: "re.Match[str]") -> str:
            k = int(match.group(1)) - 1
            if k not in lvls:
                return ""
            value = counts[k]
            return _format_number(lvls[k][2] if value is None else value, lvls[k][0])

        return re.sub(r"%([1-9])", level_number, text)


def _int_attr(el: etree._Element, attr: str, default: int) -> int:
    raw = el.get(attr) or ""
    return int(raw[:3]) if raw.isdigit() else default


def _safe_xml(zf: zipfile.ZipFile, part: str) -> etree._Element | None:
    """A secondary part (numbering, styles) or None: damage there must not stop the text."""
    try:
        data = zf.read(part)
    except (KeyError, zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
        return None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(data, parser=parser)
    except (etree.XMLSyntaxError, ValueError):
        return None


class _Walker:
    def __init__(self, name: str, numbering: _Numbering | None = None) -> None:
        self.name = name
        self.out = TextBuilder()
        self.n_tables = 0
        self.deadline = limits.Deadline(name)
        self.numbering = numbering

    def paragraph(self, p: etree._Element) -> str:
        prefix = self.numbering.prefix(p) if self.numbering else ""
        return prefix + _paragraph_text(p)

    def boxed_paragraph(self, p: etree._Element, depth: int) -> None:
        """A paragraph with text boxes: its own text, then each box's content as blocks."""
        prefix = self.numbering.prefix(p) if self.numbering else ""
        for line in (prefix + _paragraph_text(p, _SKIP_TEXT_UNDER | {_TXBX})).split("\n"):
            self.out.text(line)
            self.out.newline()
        for box in _text_boxes(p):
            self.block(box, depth + 1)

    def cell_text(self, tc: etree._Element) -> str:
        return clean_cell("\n".join(self.paragraph(p) for p in _children(tc, _P)))

    def block(self, container: etree._Element, depth: int = 0) -> None:
        if depth > 50:
            raise InputError(self.name, "tables nested more than 50 levels deep", "word/document.xml")
        for child in container:
            if child.tag == _P and _text_boxes(child):
                self.boxed_paragraph(child, depth)
            elif child.tag == _P:
                for line in self.paragraph(child).split("\n"):
                    self.out.text(line)
                    self.out.newline()
            elif child.tag == _TBL:
                self.table(child, depth)
            elif child.tag in (_SDT, _W + "customXml"):
                inner = child.find(_SDT_CONTENT) if child.tag == _SDT else child
                if inner is not None:
                    self.block(inner, depth + 1)
            if self.out.chars > limits.MAX_TEXT_CHARS:
                limits.check_text_size(self.name, self.out.chars, "word/document.xml")

    def table(self, tbl: etree._Element, depth: int) -> None:
        self.deadline.check(f"table {self.n_tables + 1}")
        nested = any(True for _ in tbl.iterdescendants(_TBL))
        if not nested:
            self.out.table(_table_grid(tbl, self.name, self.n_tables, self.cell_text))
            self.n_tables += 1
            return
        for tr in _children(tbl, _TR):
            for tc in _children(tr, _TC):
                self.block(tc, depth + 1)
                self.out.newline()


def _body_from_python_docx(data: bytes) -> etree._Element:
    """The body via python-docx, which finds the main part through the package relationships."""
    import docx  # python-docx

    return docx.Document(io.BytesIO(data)).element.body


def _main_xml(zf: zipfile.ZipFile, name: str) -> bytes | None:
    """word/document.xml's bytes, None when the package keeps its main part elsewhere."""
    try:
        return zf.read("word/document.xml")
    except KeyError:
        return None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise InputError(name, f"damaged DOCX: {exc}", "word/document.xml") from None


def _body_from_xml(xml: bytes, name: str) -> etree._Element:
    """Plain lxml elements (fast; no entity resolution, no network, libxml2's depth limit)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=True)
    try:
        root = etree.fromstring(xml, parser=parser)
    except etree.XMLSyntaxError as exc:
        line, col = getattr(exc, "position", (None, None)) or (None, None)
        where = f"word/document.xml, line {line}, column {col}" if line else "word/document.xml"
        raise InputError(name, "damaged DOCX: the document text is not well-formed XML "
                               "(truncated or edited by hand?)", where) from None
    except ValueError as exc:
        raise InputError(name, f"damaged DOCX: {exc}", "word/document.xml") from None
    body = root.find(_W + "body") if root is not None else None
    if body is None:
        raise InputError(name, "DOCX whose document has no body", "word/document.xml")
    return body


def read_docx(path: Path, data: bytes) -> Document:
    """A DOCX file's bytes → Document with paragraphs and tables in body order."""
    name = path.name
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise InputError(name, f"damaged DOCX (not a readable ZIP): {exc}", "zip directory") from None
    with zf:
        limits.check_zip(zf, name)
        xml = _main_xml(zf, name)
        if xml is not None:
            body = _body_from_xml(xml, name)
        else:
            try:  # a main part under another name: python-docx follows the relationships
                body = _body_from_python_docx(data)
            except Exception as exc:  # python-docx raises KeyError, ValueError, … on damage
                raise InputError(name, f"DOCX without a readable main document ({type(exc).__name__})", "zip directory") from None
            xml = b"numPr pStyle"
        numbering = _Numbering(zf, uses_numbering=b"numPr" in xml, uses_styles=b"pStyle" in xml)
    walker = _Walker(name, numbering)
    walker.block(body)
    text, placed = walker.out.result()
    tables = [Table(rows=grid, page=None, index=i, offset=off) for i, (off, grid) in enumerate(placed)]
    return Document(source=name, format="docx", text=text, tables=tables)


__all__ = ["read_docx"]
