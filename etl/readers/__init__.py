"""File readers: any supported report file → :class:`etl.model.Document`.

``read_file`` is the one entry point. It checks the size limit before reading, sniffs the real
format from the bytes (``etl.readers.sniff``; the extension is only a hint) and hands the bytes
to the format's reader (``pdf``, ``html``, ``docx``, ``text``). Whatever goes wrong ends in an
:class:`InputError` naming the file and the place — a hostile upload must never crash the
dashboard or the CLI with a traceback.

The small helpers below are shared by the readers so that every format renders tables into the
text the same way: one row per line, cells separated by a TAB, merged cells repeated.
"""
from __future__ import annotations

import re
from pathlib import Path

from etl import limits
from etl.model import Document, InputError

__all__ = ["read_file", "read_data", "detect_format", "join_wrapped", "clean_cell", "render_rows", "expand_spans", "TextBuilder"]

_WS = re.compile(r"\s+")


def join_wrapped(parts: list[str]) -> str:
    """Join the lines of a wrapped cell or label without the line breaks.

    "申请人\\n情况" → "申请人情况", "申\\n请\\n人" → "申请人" (one character per line) and a number
    wrapped in a narrow cell stays one number ("966.7\\n1" → "966.71"); only two Latin words
    keep a space between them ("Open\\nData" → "Open Data").
    """
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if out and out[-1].isascii() and out[-1].isalpha() and part[0].isascii() and part[0].isalpha():
            out += " "
        out += part
    return out


def clean_cell(text: str | None) -> str:
    """A raw cell text fit for one TAB-separated line: wrapped lines joined, spaces collapsed."""
    if not text:
        return ""
    text = text.replace("\xa0", " ").replace("\u3000", " ")
    joined = join_wrapped(re.split(r"[\r\n\v\f\u2028\u2029]+", text))
    return _WS.sub(" ", joined).strip()


def render_rows(rows: list[list[str]]) -> str:
    """A table as text: one row per line, cells separated by TAB (no trailing newline)."""
    return "\n".join("\t".join(row) for row in rows)


def expand_spans(rows: list[list[tuple[str, int, int]]], name: str, place: str) -> list[list[str]]:
    """Grid of cell texts from rows of (text, rowspan, colspan), merged cells repeated.

    A cell spanning several rows/columns is copied into every grid position it covers, so a
    row label merged over two rows labels both. Rows are padded to the same width. Spans are
    clipped like browsers clip them; a grid beyond ``limits.MAX_TABLE_CELLS`` is refused.
    """
    grid: dict[tuple[int, int], str] = {}
    width = 0
    cells = 0
    for r, row in enumerate(rows):
        c = 0
        for text, rowspan, colspan in row:
            while (r, c) in grid:
                c += 1
            rowspan = max(1, min(rowspan, limits.MAX_ROWSPAN, len(rows) - r))
            colspan = max(1, min(colspan, limits.MAX_COLSPAN))
            cells += rowspan * colspan
            if cells > limits.MAX_TABLE_CELLS:
                raise InputError(
                    name, f"table grid larger than {limits.MAX_TABLE_CELLS:,} cells (hostile spans?)", place
                )
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid.setdefault((r + dr, c + dc), text)
            c += colspan
            width = max(width, c)
    height = len(rows)
    if height * width > limits.MAX_TABLE_CELLS:
        raise InputError(name, f"table grid larger than {limits.MAX_TABLE_CELLS:,} cells", place)
    return [[grid.get((r, c), "") for c in range(width)] for r in range(height)]


class TextBuilder:
    """Collects lines of text and the tables placed between them, for the HTML/DOCX readers.

    Inline pieces accumulate until a block boundary (``newline``) ends the line; whitespace runs
    (``&nbsp;``, ideographic spaces, tabs) collapse to one space and empty lines are dropped. A
    table becomes its rendered rows; ``result`` gives the text and each table's char offset.
    """

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.cur: list[str] = []
        self.tables: list[tuple[int, list[list[str]]]] = []
        self.chars = 0

    def text(self, s: str | None) -> None:
        if s:
            self.cur.append(s)

    def newline(self) -> None:
        if self.cur:
            line = _WS.sub(" ", "".join(self.cur)).strip()
            self.cur = []
            if line:
                self.lines.append(line)
                self.chars += len(line) + 1

    def table(self, grid: list[list[str]]) -> None:
        self.newline()
        if not grid:
            return
        self.tables.append((len(self.lines), grid))
        for row in grid:
            line = "\t".join(row)
            self.lines.append(line)
            self.chars += len(line) + 1

    def result(self) -> tuple[str, list[tuple[int, list[list[str]]]]]:
        self.newline()
        starts: list[int] = []
        pos = 0
        for line in self.lines:
            starts.append(pos)
            pos += len(line) + 1
        return "\n".join(self.lines), [(starts[i], grid) for i, grid in self.tables]


def detect_format(path: Path) -> str:
    """The real format of a file on disk ("pdf", "docx", "xlsx", "html", "mhtml", "text").

    For callers that route files (spreadsheets vs. documents) before reading them; applies the
    same size limit and raises the same InputErrors as :func:`read_file`.
    """
    from etl.readers.sniff import sniff_format

    data = _read_bytes(path)
    return sniff_format(data, path.name)


def _read_bytes(path: Path) -> bytes:
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(name, f"cannot be opened: {exc.strerror or exc}") from None
    limits.check_size(name, size)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(name, f"cannot be read: {exc.strerror or exc}") from None
    limits.check_size(name, len(data))
    return data


def read_file(path: Path) -> Document:
    """Read one report file of any supported format into a Document.

    Raises InputError (naming the file and the place) for empty, oversized, unsupported,
    damaged or hostile files; reader-level problems that still leave a Document (scanned PDF
    pages, an encrypted PDF) are returned in ``Document.warnings``.
    """
    path = Path(path)
    return read_data(_read_bytes(path), path.name)


def read_data(data: bytes, name: str, *, guard: bool = True) -> Document:
    """Read a file's bytes (e.g. an upload held in memory); ``name`` is used in messages.

    With ``guard`` (the default) an unexpected exception inside a third-party parser becomes an
    InputError too, so one strange file can never take the dashboard down; tests pass
    ``guard=False`` to see such exceptions and fix the reader instead.
    """
    from etl.readers.sniff import sniff_format

    path = Path(Path(name).name or "file")
    name = path.name
    limits.check_size(name, len(data))
    if not guard:
        return _dispatch(sniff_format(data, name), path, data)
    try:
        return _dispatch(sniff_format(data, name), path, data)
    except InputError:
        raise
    except RecursionError:
        raise InputError(name, "structure nested too deeply to read") from None
    except MemoryError:
        raise InputError(name, "not enough memory to read this file") from None
    except Exception as exc:  # third-party parsers raise anything on hostile input
        raise InputError(name, f"could not be read ({type(exc).__name__}: {exc})"[:500]) from None


def _dispatch(fmt: str, path: Path, data: bytes) -> Document:
    from etl.readers.sniff import check_claimed_format

    name = path.name
    check_claimed_format(fmt, name)
    if fmt == "pdf":
        from etl.readers.pdf import read_pdf

        return read_pdf(path, data)
    if fmt == "docx":
        from etl.readers.docx import read_docx

        return read_docx(path, data)
    if fmt == "html":
        from etl.readers.html import read_html

        return read_html(path, data)
    if fmt == "mhtml":
        from etl.readers.html import read_mhtml

        return read_mhtml(path, data)
    if fmt == "xlsx":
        raise InputError(
            name,
            "is a spreadsheet (XLSX), not a report document; load it as a spreadsheet "
            "(upload template, long format or 表三 grid — etl.spreadsheets)",
        )
    from etl.readers.text import read_text

    return read_text(path, data)
