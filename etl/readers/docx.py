"""DOCX reports → Document: paragraphs and tables in body order, merged cells expanded.

Word stores a horizontally merged cell once with ``w:gridSpan`` and a vertically merged one as
a ``w:vMerge="restart"`` cell followed by empty ``w:vMerge`` continuation cells below it. The
form parser needs every grid position to carry its label, so a merged cell's text is repeated
into all positions it covers (continuations copy the text from the row above).

The ZIP is checked against the zip-bomb limits before anything is decompressed. python-docx
opens the package (its XML parser does not resolve entities); files it rejects for packaging
reasons (e.g. odd content types written by WPS) are read from ``word/document.xml`` directly.
Tables that contain tables are layout: their cells' content flows as text and only the inner
tables become Tables, as in the HTML reader.
"""
from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

from lxml import etree

from etl import limits
from etl.model import Document, InputError, Table
from etl.readers import TextBuilder, clean_cell

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = "{%s}" % W
_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT = (_W + t for t in ("p", "tbl", "tr", "tc", "sdt", "sdtContent"))
_SKIP_TEXT_UNDER = {_W + t for t in ("del", "moveFrom", "instrText", "delText")}
_TEXT_TAGS = {_W + "t": None, _W + "tab": " ", _W + "br": "\n", _W + "cr": "\n", _W + "noBreakHyphen": "-"}


def _val(el: etree._Element | None, default: int = 1) -> int:
    if el is None:
        return default
    raw = el.get(_W + "val") or ""
    return int(raw[:6]) if raw.isdigit() else default


def _paragraph_text(p: etree._Element) -> str:
    """A paragraph's visible text: runs, tabs as spaces, breaks as newlines; deletions skipped."""
    parts: list[str] = []
    for el in p.iter(*_TEXT_TAGS):
        parent = el.getparent()
        skipped = False
        while parent is not None and parent is not p:
            if parent.tag in _SKIP_TEXT_UNDER:
                skipped = True
                break
            parent = parent.getparent()
        if skipped:
            continue
        fixed = _TEXT_TAGS[el.tag]
        parts.append(el.text or "" if fixed is None else fixed)
    return "".join(parts)


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
    return clean_cell("\n".join(_paragraph_text(p) for p in tc.iter(_P)))


def _table_grid(tbl: etree._Element, name: str, index: int) -> list[list[str]]:
    """Grid of a table without nested tables; merged cells repeated in every position."""
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
                row.extend([_cell_text(tc)] * span)
        if tr_pr is not None:
            row.extend([""] * min(_val(tr_pr.find(_W + "gridAfter"), 0), limits.MAX_COLSPAN))
        cells += len(row)
        if cells > limits.MAX_TABLE_CELLS:
            raise InputError(name, f"table grid larger than {limits.MAX_TABLE_CELLS:,} cells", f"table {index + 1}")
        grid.append(row)
    width = max((len(r) for r in grid), default=0)
    return [r + [""] * (width - len(r)) for r in grid if any(r)]


class _Walker:
    def __init__(self, name: str) -> None:
        self.name = name
        self.out = TextBuilder()
        self.n_tables = 0
        self.deadline = limits.Deadline(name)

    def block(self, container: etree._Element, depth: int = 0) -> None:
        if depth > 50:
            raise InputError(self.name, "tables nested more than 50 levels deep", "word/document.xml")
        for child in container:
            if child.tag == _P:
                for line in _paragraph_text(child).split("\n"):
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
            self.out.table(_table_grid(tbl, self.name, self.n_tables))
            self.n_tables += 1
            return
        for tr in _children(tbl, _TR):
            for tc in _children(tr, _TC):
                self.block(tc, depth + 1)
                self.out.newline()


def _body_from_python_docx(data: bytes) -> etree._Element:
    import docx  # python-docx

    return docx.Document(io.BytesIO(data)).element.body


def _body_from_xml(zf: zipfile.ZipFile, name: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=True)
    try:
        root = etree.fromstring(zf.read("word/document.xml"), parser=parser)
    except KeyError:
        raise InputError(name, "DOCX without its main part (word/document.xml)", "zip directory") from None
    except (etree.XMLSyntaxError, zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise InputError(name, f"damaged DOCX: {exc}", "word/document.xml") from None
    body = root.find(_W + "body")
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
        try:
            body = _body_from_python_docx(data)
        except InputError:
            raise
        except Exception:
            # python-docx is strict about packaging; the XML itself may still be fine.
            body = _body_from_xml(zf, name)
    walker = _Walker(name)
    walker.block(body)
    text, placed = walker.out.result()
    tables = [Table(rows=grid, page=None, index=i, offset=off) for i, (off, grid) in enumerate(placed)]
    return Document(source=name, format="docx", text=text, tables=tables)


__all__ = ["read_docx"]
