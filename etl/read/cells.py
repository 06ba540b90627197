"""Cell and table helpers shared by the readers, so that every format renders tables into the
text the same way: one row per line, cells separated by a TAB, merged cells repeated.

Why a module of its own: the format readers (``html``, ``docx``, ``pdf``) need these, and the
dispatcher (:mod:`etl.read.dispatch`) needs the readers; keeping the helpers here lets the
imports run one way (dispatch → readers → cells) with no cycle.
"""
from __future__ import annotations

import re

from etl.model import InputError
from etl.read import limits
from etl.read.recache import compile as _rx

_WS = _rx(r"\s+")


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
