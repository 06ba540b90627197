"""Plain text and Markdown reports → Document.

The text is kept exactly as decoded (newlines normalised) so evidence offsets point at what the
user sees. Markdown pipe tables (``| a | b |``) are additionally returned as ``Document.tables``
with the offset of their first cell, because form parsing needs the grid. One-cell-per-line dumps
and flattened number runs stay in the text: only the form parser can tell what they are.
"""
from __future__ import annotations

import re
from pathlib import Path

from etl.model import Document, Table
from etl.read.recache import compile as _rx
from etl.read.textio import decode_bytes

_PIPE_ROW = _rx(r"^[ \t]*\|.*\|[ \t]*$")
_SEPARATOR_CELL = _rx(r"^:?-{2,}:?$")
#: a line break inside a Markdown cell, as converters write it (pymupdf4llm: ``本年制发件<br>数``):
#: a wrapped label or two cells' numbers stacked in one cell, read as the line break it is
_BR = _rx(r"[ \t]*<br\s*/?>[ \t]*", re.I)


def _split_row(line: str) -> list[str]:
    """Cells of one pipe row; ``\\|`` inside a cell is an escaped pipe, not a border."""
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    cells = re.split(r"(?<!\\)\|", body)
    return [_BR.sub("\n", c.strip().replace("\\|", "|")).strip() for c in cells]


def pipe_tables(text: str) -> list[Table]:
    """Every run of consecutive pipe-table lines as one Table (separator rows dropped)."""
    tables: list[Table] = []
    rows: list[list[str]] = []
    first: int | None = None
    pos = 0
    for line in text.split("\n"):
        if _PIPE_ROW.match(line):
            cells = _split_row(line)
            if not all(_SEPARATOR_CELL.match(c.replace(" ", "")) for c in cells if c) or not any(cells):
                if first is None:
                    stripped = line.lstrip(" \t|")
                    first = pos + (len(line) - len(stripped))
                rows.append(cells)
        else:
            if rows:
                tables.append(Table(rows=rows, page=None, index=len(tables), offset=first))
            rows, first = [], None
        pos += len(line) + 1
    if rows:
        tables.append(Table(rows=rows, page=None, index=len(tables), offset=first))
    return tables


_CODE_SPAN = _rx(r"`([^`\n]*)`")


def unquote_code(text: str) -> str:
    """Markdown without inline-code backticks, as it reads rendered: PDF converters mark runs
    set in another font as code (pymupdf4llm prints every number of a LibreOffice PDF as
    ```2016``` 年), which would otherwise keep numbers away from their words."""
    return _CODE_SPAN.sub(lambda m: m.group(1), text)


def read_text(path: Path, data: bytes) -> Document:
    """A .txt/.md (or unknown text) file as a Document; InputError if it is not text."""
    text, encoding = decode_bytes(data, path.name)
    fmt = "markdown" if path.suffix.lower() in (".md", ".markdown") else "text"
    if fmt == "markdown":
        text = unquote_code(text)
    return Document(
        source=path.name,
        format=fmt,
        text=text,
        pages=[],
        tables=pipe_tables(text),
        encoding=encoding,
    )
