"""Columns of text tables aligned by spaces (``pdftotext -layout`` and the like).

A PDF cell whose text sits higher or lower than the rest of its row comes out of a layout
text dump on a line of its own, above or below the row ("       10" over "其他对外管理服务事项
0  153"). Read in order, that number joins the wrong row. The spaces still tell its column:
every number of a column starts (or ends) at the same character position, as do the header
words above it. This module finds, for such a lone number, the one row and column it can
belong to — only where the alignment leaves no choice — so that the form readers can put it
back before they count a row's numbers.

The position is measured in characters of the line. ``pdftotext -layout`` lays text on a grid
of character slots whatever a character's width; a tool that pads by display width counts a
CJK character as two cells. Both measures are tried; a measure is used only if every number of
the rows involved lines up with exactly one column under it, and the two may not disagree.
"""
from __future__ import annotations

import bisect
import itertools
import unicodedata
from dataclasses import dataclass
from typing import Callable, Sequence

#: lone numbers of one block tried jointly at most (2 neighbours each: 2**8 assignments)
MAX_LONE = 8
#: joint assignments of a block's lone numbers tried at most
MAX_ASSIGNMENTS = 4096


@dataclass
class RowLine:
    """A table row printed on one line: its label tokens and its value tokens (indices)."""

    line: int
    labels: list[int]
    values: list[int]
    ncols: int
    key: str = ""


def line_starts(region: str) -> list[int]:
    """Offsets of the first character of each line of ``region``."""
    starts = [0]
    for i, ch in enumerate(region):
        if ch == "\n":
            starts.append(i + 1)
    return starts


def line_of(starts: list[int], offset: int) -> int:
    """Index of the line holding ``offset``."""
    return bisect.bisect_right(starts, offset) - 1


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def span(region: str, starts: list[int], s: int, e: int, metric: str) -> tuple[int, int] | None:
    """Horizontal extent ``[a, b)`` of ``region[s:e]`` in its line under ``metric`` ("chars" or
    "cells"); None where a TAB makes positions meaningless."""
    ls = starts[line_of(starts, s)]
    head = region[ls:s]
    if "\t" in head:
        return None
    if metric == "chars":
        return s - ls, e - ls
    a = _width(head)
    return a, a + _width(region[s:e])


def _column(hulls: list[tuple[int, int] | None], sp: tuple[int, int]) -> int | None:
    """The one column whose extent ``sp`` overlaps; None if none or several."""
    hit = [j for j, h in enumerate(hulls) if h is not None and sp[0] < h[1] and h[0] < sp[1]]
    return hit[0] if len(hit) == 1 else None


def _place(toks_spans: Callable[[int, str], tuple[int, int] | None], rows: list[RowLine], lone: list[int], anchors: list[tuple[int, int]], ncols: int,
           neighbours: dict[int, list[int]], metric: str) -> dict[int, tuple[int, int]] | None:
    """Placements {lone token: (row index, column)} under one metric; None if not certain."""
    ext: list[list[tuple[int, int]]] = [[] for _ in range(ncols)]
    for r in rows:
        if len(r.values) == ncols:
            for j, t in enumerate(r.values):
                sp = toks_spans(t, metric)
                if sp is None:
                    return None
                ext[j].append(sp)
    for t, j in anchors:
        sp = toks_spans(t, metric)
        if sp is not None:
            ext[j].append(sp)
    hulls: list[tuple[int, int] | None] = [
        (min(a for a, _ in e), max(b for _, b in e)) if e else None for e in ext]
    known = [h for h in hulls if h is not None]
    if any(known[i][1] > known[i + 1][0] for i in range(len(known) - 1)):
        return None  # columns overlap or are out of order: not an aligned table
    gaps: dict[int, set[int]] = {}
    for ri, r in enumerate(rows):
        if len(r.values) >= ncols:
            continue
        cols: list[int] = []
        for t in r.values:
            sp = toks_spans(t, metric)
            j = _column(hulls, sp) if sp is not None else None
            if j is None or (cols and j <= cols[-1]):
                return None
            cols.append(j)
        gaps[ri] = set(range(ncols)) - set(cols)
    options: list[list[tuple[int, int]]] = []
    for t in lone:
        sp = toks_spans(t, metric)
        j = _column(hulls, sp) if sp is not None else None
        if j is None:
            return None
        opts = [(ri, j) for ri in neighbours.get(t, []) if j in gaps.get(ri, set())]
        if not opts:
            return None
        options.append(opts)
    return assign(lone, options, gaps)


def assign(lone: list[int], options: list[list[tuple[int, int]]], gaps: dict[int, set[int]]
           ) -> dict[int, tuple[int, int]] | None:
    """The one way to put each lone number into one of its ``options`` (row, column) so that no
    cell takes two and every row that takes one has all its ``gaps`` filled; None if there is
    no such way or more than one."""
    if len(options) != len(lone) or not all(options):
        return None
    size = 1
    for o in options:
        size *= len(o)
    if size > MAX_ASSIGNMENTS:
        return None  # too many ways to try: not certain anyway
    found: list[dict[int, tuple[int, int]]] = []
    for combo in itertools.product(*options):
        if len(set(combo)) < len(combo):
            continue  # two numbers in one cell
        filled: dict[int, int] = {}
        for ri, _ in combo:
            filled[ri] = filled.get(ri, 0) + 1
        if any(n != len(gaps[ri]) for ri, n in filled.items()):
            continue  # a row left with a gap: its numbers still do not fit
        found.append(dict(zip(lone, combo)))
        if len(found) > 1:
            return None
    return found[0] if found else None


def place_lone_numbers(region: str, toks: Sequence, rows: list[RowLine], lone: list[int],
                       anchors: list[tuple[int, int]], ncols: int,
                       check: Callable[[RowLine, list[int]], bool] | None = None
                       ) -> dict[int, tuple[int, int]] | None:
    """Where each lone number token goes, ``{token index: (row index, column)}``, or None.

    ``rows`` are the block's row lines (all of ``ncols`` cells), ``lone`` the tokens of lines
    holding numbers only, ``anchors`` header tokens with the column they name. A lone number may
    go only to the row printed right above or below its line, into a column that row lacks and
    that the number lines up with; every lone number must find a place, every row that takes
    one must end up full, and there must be exactly one way to do it. ``check`` (the row, its
    values in column order) vetoes a placement the form's identities reject.
    """
    if not lone or len(lone) > MAX_LONE or not rows:
        return None
    starts = line_starts(region)
    neighbours = neighbour_rows(starts, toks, rows, lone)

    def toks_spans(i: int, metric: str) -> tuple[int, int] | None:
        t = toks[i]
        return span(region, starts, t.start, t.start + len(t.text), metric)

    got = [_place(toks_spans, rows, lone, anchors, ncols, neighbours, m)
           for m in ("chars", "cells")]
    sure = [g for g in got if g is not None]
    if not sure or any(g != sure[0] for g in sure):
        return None
    placed = sure[0]
    if check is not None:
        for ri in {ri for ri, _ in placed.values()}:
            r = rows[ri]
            cols = row_columns(placed, ri, r, ncols)
            if cols is None or not check(r, cols):
                return None
    return placed


def neighbour_rows(starts: list[int], toks: Sequence, rows: list[RowLine], lone: list[int]
                   ) -> dict[int, list[int]]:
    """For each lone number token, the rows (indices into ``rows``) printed on the line right
    above and right below its own, blank lines aside."""
    nonblank = sorted({line_of(starts, t.start) for t in toks})
    row_at = {r.line: ri for ri, r in enumerate(rows)}
    out: dict[int, list[int]] = {}
    for i in lone:
        k = bisect.bisect_left(nonblank, line_of(starts, toks[i].start))
        near = [nonblank[k - 1]] if k > 0 else []
        if k + 1 < len(nonblank):
            near.append(nonblank[k + 1])
        out[i] = [row_at[ln] for ln in near if ln in row_at]
    return out


def row_columns(placed: dict[int, tuple[int, int]], ri: int, r: RowLine, ncols: int) -> list[int] | None:
    """The row's value tokens in column order once its lone numbers are in (its own values are
    in column order already, the lone ones fill its gaps)."""
    into = {j: t for t, (rj, j) in placed.items() if rj == ri}
    out: list[int] = []
    rest = iter(r.values)
    for j in range(ncols):
        if j in into:
            out.append(into[j])
        else:
            nxt = next(rest, None)
            if nxt is None:
                return None
            out.append(nxt)
    return out
