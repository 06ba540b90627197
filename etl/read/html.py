"""HTML pages as saved from government sites → Document.

Real pages are old: GBK/GB2312 bytes with a meta charset (sometimes a wrong one), the report
inside a layout table inside another layout table, ``&nbsp;`` padding, rowspan/colspan headers.
This reader:

- decodes by BOM, then strict UTF-8 (valid UTF-8 is almost never accidental, and pages whose
  meta says gb2312 while the bytes are UTF-8 are common), then the meta charset (GB2312/GBK
  read as their superset GB18030), then ``etl.read.textio.decode_bytes`` detection;
- drops ``<head>``, ``<script>``, ``<style>``, comments and ``display:none`` elements;
- turns ``<br>`` and block elements into newlines, collapses other whitespace (``&nbsp;`` too);
- makes a Table of every *innermost* ``<table>`` (one holding no other table), with rowspan and
  colspan expanded into the grid, rendered into the text one row per line, TAB between cells;
  outer layout tables just let their cells' text flow, one cell per line.

Traditional-script mirrors are kept as written; label matching is the form parser's concern.
"""
from __future__ import annotations

import codecs
import re
from pathlib import Path

import lxml.etree as etree

from etl.read import limits
from etl.model import Document, Finding, InputError, Table
from etl.read.cells import TextBuilder, clean_cell, expand_spans
from etl.read.recache import compile as _rx

_BLOCK = frozenset(
    "address article aside blockquote body caption center dd details div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table "
    "tbody td tfoot th thead tr ul title option".split()
)
_DROP = ("script", "style", "noscript", "template", "head", "iframe", "object", "svg", "select")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
_XML_DECL = _rx(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_HIDDEN = _rx(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_GB_ALIASES = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "gb18030", "cp936", "ms936", "euc-cn", "x-euc-cn", "hz-gb-2312"}


def decode_html(data: bytes, name: str) -> tuple[str, str, list[Finding]]:
    """(text, encoding, warnings) of an HTML page's bytes; see the module docstring for order."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(enc.replace("-sig", ""), errors="replace"), enc, []
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    match = _META_CHARSET.search(data[:8192])
    declared = match.group(1).decode("ascii", "replace").lower() if match else None
    if declared in _GB_ALIASES:
        declared = "gb18030"
    if declared:
        try:
            codecs.lookup(declared)
        except LookupError:
            declared = None
    if declared:
        try:
            return data.decode(declared), declared, []
        except UnicodeDecodeError:
            if declared == "gb18030":
                # A GB page with a few bad bytes: the declaration beats any detector's guess.
                return _lenient(data, declared, name)
    try:
        from etl.read.textio import decode_bytes

        text, enc = decode_bytes(data, name)
        return text, enc, []
    except InputError:
        pass
    return _lenient(data, declared or "gb18030", name)


def _lenient(data: bytes, enc: str, name: str) -> tuple[str, str, list[Finding]]:
    text = data.decode(enc, errors="replace")
    bad = text.count("\ufffd")
    return text, enc, [
        Finding(
            "html_decode_errors",
            "warning",
            f"{name}: {bad} byte sequence(s) are not valid {enc}; shown as � (numbers next to them may be wrong)",
        )
    ]


def _attr_int(el: etree._Element, attr: str) -> int:
    value = (el.get(attr) or "").strip()
    if not value.isdigit():
        digits = re.match(r"\d+", value)
        if not digits:
            return 1
        value = digits.group()
    n = int(value[:7])
    return n if n > 0 else limits.MAX_ROWSPAN  # rowspan="0": to the end of the table


def _inline_text(el: etree._Element) -> str:
    """Text of a cell: <br> and blocks become newlines (``clean_cell`` then joins them)."""
    parts: list[str] = []
    for event, node in etree.iterwalk(el, events=("start", "end")):
        tag = node.tag if isinstance(node.tag, str) else ""
        if event == "start":
            if tag == "br" or tag in _BLOCK:
                parts.append("\n")
            if node.text and tag and tag not in _DROP:
                parts.append(node.text)
        else:
            if tag in _BLOCK:
                parts.append("\n")
            if node is not el and node.tail:
                parts.append(node.tail)
    return "".join(parts)


def _table_grid(table: etree._Element, name: str, index: int) -> list[list[str]]:
    rows: list[list[tuple[str, int, int]]] = []
    for tr in table.iter("tr"):
        cells = [
            (clean_cell(_inline_text(td)), _attr_int(td, "rowspan"), _attr_int(td, "colspan"))
            for td in tr
            if td.tag == "td" or td.tag == "th"
        ]
        rows.append(cells)
    grid = expand_spans(rows, name, f"table {index + 1}")
    return [row for row in grid if any(row)]


def _parse(text: str, name: str) -> etree._Element:
    """Plain lxml.etree elements (lxml.html's element classes cost a lookup per node)."""
    text = _XML_DECL.sub("", text, count=1)
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(text, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise InputError(name, f"HTML page without readable content ({exc})") from None
    if root is None:
        raise InputError(name, "HTML page without readable content")
    return root


def read_html(path: Path, data: bytes) -> Document:
    """An HTML page's bytes → Document with text in reading order and innermost tables."""
    name = path.name
    if len(data) > limits.MAX_HTML_BYTES:
        raise InputError(name, f"HTML page larger than the {limits.MAX_HTML_BYTES // limits.MB} MB limit")
    text, encoding, warnings = decode_html(data, name)
    return _read_html_text(name, text, encoding, warnings)


def read_mhtml(path: Path, data: bytes) -> Document:
    """A web page saved as one MIME file (.mht/.mhtml, "Web archive"): its HTML part is read.

    Browsers on Windows save government pages this way; read as text it would be MIME source
    full of quoted-printable escapes. The HTML part's own charset decides, then detection.
    """
    import email
    from email import policy

    name = path.name
    try:
        message = email.message_from_bytes(data, policy=policy.compat32)
    except Exception as exc:  # the email parser is lenient; this is defensive
        raise InputError(name, f"damaged web archive ({type(exc).__name__})", "MIME structure") from None
    for part in message.walk():
        if part.get_content_type() != "text/html":
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes) or not payload.strip():
            continue
        if len(payload) > limits.MAX_HTML_BYTES:
            raise InputError(name, f"HTML page larger than the {limits.MAX_HTML_BYTES // limits.MB} MB limit")
        charset = (part.get_content_charset() or "").lower()
        if charset in _GB_ALIASES:
            charset = "gb18030"
        try:
            text, encoding, warnings = payload.decode(charset), charset, []
        except (LookupError, UnicodeDecodeError, ValueError):
            text, encoding, warnings = decode_html(payload, name)
        doc = _read_html_text(name, text, encoding, warnings)
        doc.format = "mhtml"
        return doc
    raise InputError(name, "web archive (.mht) without an HTML page inside", "MIME parts")


def _read_html_text(name: str, text: str, encoding: str, warnings: list[Finding]) -> Document:
    deadline = limits.Deadline(name)
    root = _parse(text, name)
    data_tables = {t for t in root.iter("table") if next(t.iterdescendants("table"), None) is None}
    out = TextBuilder()
    images: list[int] = []
    n_tables = 0
    # An explicit stack instead of recursion: depth is bounded by the limit, not by Python.
    stack: list[tuple[etree._Element, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, closing = stack.pop()
        tag = node.tag if isinstance(node.tag, str) else ""
        if closing:
            if tag in _BLOCK:
                out.newline()
            out.text(node.tail)
            continue
        if depth > limits.MAX_HTML_DEPTH:
            raise InputError(
                name,
                f"HTML elements nested deeper than {limits.MAX_HTML_DEPTH} levels (hostile or broken page)",
                "element nesting",
            )
        if not tag or tag in _DROP or _HIDDEN.search(node.get("style") or ""):
            out.text(node.tail)  # scripts, styles, hidden blocks: their text is not the report's
            continue
        if node in data_tables:
            deadline.check(f"table {n_tables + 1}")
            out.table(_table_grid(node, name, n_tables))
            n_tables += 1
            out.text(node.tail)
            continue
        if tag == "img":
            out.newline()
            images.append(out.chars)
        if tag == "br" or tag in _BLOCK:
            out.newline()
        out.text(node.text)
        stack.append((node, depth, True))
        stack.extend((child, depth + 1, False) for child in reversed(node))
        if out.chars > limits.MAX_TEXT_CHARS:
            limits.check_text_size(name, out.chars)
    full, placed = out.result()
    tables = [Table(rows=grid, page=None, index=i, offset=off) for i, (off, grid) in enumerate(placed)]
    return Document(source=name, format="html", text=full, tables=tables, encoding=encoding, warnings=warnings,
                    meta=_page_meta(root), images=images)


#: meta tags of government CMS pages that describe the article itself (names compared in lower case)
_META_NAMES = {"articletitle": "ArticleTitle", "pubdate": "PubDate", "contentsource": "ContentSource",
               "author": "Author"}


def _page_meta(root: etree._Element) -> dict[str, str]:
    """The article's title, date and source as the page's meta tags and ``<title>`` give them."""
    meta: dict[str, str] = {}
    for el in root.iter("meta"):
        key = _META_NAMES.get((el.get("name") or "").strip().lower())
        value = clean_cell(el.get("content") or "")
        if key and value and key not in meta:
            meta[key] = value[:300]
    title = next(root.iter("title"), None)
    if title is not None:
        text = clean_cell("".join(title.itertext()))
        if text:
            meta["title"] = text[:300]
    return meta


__all__ = ["read_html", "read_mhtml", "decode_html"]
