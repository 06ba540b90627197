"""Reading the form tables where only text survived (flattened runs of numbers).

PDF text extraction and plain-text dumps lose the grid: empty cells vanish, labels break one
character per line, page numbers fall between rows. A flattened table is read ONLY when the
numbers fit the form exactly — 7 per recognised 表三 row (or 175 / 161 in all), 15 for 表四, the
fixed cell count per 表二 row — otherwise nothing is stored and a ``table_unreadable`` finding
says why. A wrong number in the database is worse than a missing one.
"""
from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from functools import lru_cache
from typing import Callable
from dataclasses import dataclass, field

from etl.extract.formlabels import (
    APPLICANT_ORDER,
    T2_LAYOUT,
    T2_METRICS,
    T2_MONEY_KINDS,
    T3_ITEMS,
    T3_ROWS_2019,
    T3_ROWS_2021,
    T3_SUBTOTALS,
    T4_METRICS,
    TRAD_TO_SIMP,
    CellValue,
    applicants_add_up,
    classify_t2_header,
    match_t2_item,
    match_t3_label,
    norm,
    parse_cell,
)
from etl.extract.aligned import (
    RowLine,
    assign,
    line_of,
    line_starts,
    neighbour_rows,
    place_lone_numbers,
    row_columns,
    span,
)
from etl.extract.checks import t3_errors
from etl.read.recache import compile as _rx
from etl.model import Document, Evidence, Fact, Finding, Segment, Table

_UNIT_CHARS = "件个项条次宗起人份家"
PAGE_MASK = "\x00"
_CJK_RE = _rx(r"[\u3400-\u9fff]")


class NormText:
    """A text with whitespace removed and labels normalised, mapped back to raw offsets.

    Lets a heading be found even when printed one character per line or in traditional script.
    """

    def __init__(self, raw: str) -> None:
        chars: list[str] = []
        pos: list[int] = []
        for i, ch in enumerate(raw):
            if ch.isspace():
                continue
            n = unicodedata.normalize("NFKC", ch)
            n = "".join(TRAD_TO_SIMP.get(c, c) for c in n)
            for c in n:
                if c in "“”\"'‘’":
                    continue
                chars.append(c)
                pos.append(i)
        self.s = "".join(chars).replace("〔", "(").replace("〕", ")")
        self.pos = pos
        self.raw = raw

    def find(self, word: str, start_raw: int = 0) -> int:
        """Raw offset of the first occurrence of ``word`` at or after ``start_raw``; -1 if none."""
        k = self.s.find(word, bisect.bisect_left(self.pos, start_raw))
        return self.pos[k] if k >= 0 else -1

    def end_of(self, word: str, start_raw: int = 0) -> int:
        """Raw offset just after the first occurrence of ``word``; -1 if none."""
        k = self.s.find(word, bisect.bisect_left(self.pos, start_raw))
        if k < 0:
            return -1
        return self.pos[k + len(word) - 1] + 1


@lru_cache(maxsize=8)
def normtext(raw: str) -> NormText:
    """NormText of a segment text, built once for the several tables searched in it."""
    return NormText(raw)


def _first(nt: NormText, words: tuple[str, ...], start: int = 0) -> int:
    hits = [h for h in (nt.find(w, start) for w in words) if h >= 0]
    return min(hits) if hits else -1


# --- tokens ------------------------------------------------------------------------------


@dataclass
class Tok:
    kind: str  # "label" | "value"
    text: str
    start: int  # offset in the region string
    value: CellValue | None = None
    empty: bool = False  # an empty line of a one-cell-per-line dump (maybe a blank cell)


_TOKEN_RE = _rx(
    r"(?P<paren>[(（][^()（）\n]{0,80}[)）])"
    r"|(?P<listnum>(?<![\d.])\d{1,2}[ \t\u3000]*[.、．](?![\d.]))"
    r"|(?P<num>[+\-−]?\d[\d,，]*(?:\.\d+)?)"
    r"|(?P<blank>(?<!\S)(?:/|／|-|－|—|——|–|\\|无)(?!\S))"
    r"|(?P<word>[^\s\d(（)）\x00]+)"
)
_PAGE_LINE_RE = _rx(
    r"^[ \t\u3000]*(?:[-—–－][ \t\u3000]*\d+[ \t\u3000]*[-—–－]|第[ \t\u3000]*\d+[ \t\u3000]*页"
    r"(?:[ \t\u3000]*[,，/]?[ \t\u3000]*共[ \t\u3000]*\d+[ \t\u3000]*页)?|"
    r"\d+[ \t\u3000]*/[ \t\u3000]*\d+|[Pp]age[ \t\u3000]*\d+(?:[ \t\u3000]*of[ \t\u3000]*\d+)?)[ \t\u3000\r]*$",
    re.M,
)


def _blank_page_numbers(text: str, boundaries: list[int]) -> str:
    """Mask page-number lines ("- 4 -", "第 4 页", a bare number at a page break) with PAGE_MASK.

    Offsets are kept (same length), so evidence offsets still point into the document.
    """
    text = _PAGE_LINE_RE.sub(lambda m: PAGE_MASK * len(m.group(0)), text)
    chars = list(text)
    for b in boundaries:
        for line in (_line_before(text, b), _line_after(text, b)):
            if line is None:
                continue
            s, e = line
            if _rx(r"\s*\d{1,3}\s*").fullmatch(text[s:e]):
                chars[s:e] = PAGE_MASK * (e - s)
    # a form feed marks a page break too
    for m in _rx(r"\f").finditer(text):
        for line in (_line_before(text, m.start()), _line_after(text, m.end())):
            if line and _rx(r"\s*\d{1,3}\s*").fullmatch(text[line[0]:line[1]]):
                chars[line[0]:line[1]] = PAGE_MASK * (line[1] - line[0])
    return "".join(chars)


def _line_before(text: str, pos: int) -> tuple[int, int] | None:
    e = pos
    while e > 0 and text[e - 1] in " \t\r\n\f\u3000":
        e -= 1
    if e <= 0:
        return None
    s = text.rfind("\n", 0, e) + 1
    return s, e


def _line_after(text: str, pos: int) -> tuple[int, int] | None:
    s = pos
    while s < len(text) and text[s] in " \t\r\n\f\u3000":
        s += 1
    if s >= len(text):
        return None
    e = text.find("\n", s)
    return s, (e if e >= 0 else len(text))


def tokenize(region: str) -> list[Tok]:
    """Labels and cell values of a flattened table region, in reading order.

    A number glued to a following CJK word (2021年, 30号) or preceded by 第 is label text; a
    parenthesis right after a number is that number's note; list numbers ("1." "2、") belong to
    the label they start.
    """
    toks: list[Tok] = []
    for m in _TOKEN_RE.finditer(region):
        kind = m.lastgroup
        text = m.group(0)
        s, e = m.start(), m.end()
        if kind == "num":
            nxt = region[e] if e < len(region) else ""
            prv = region[s - 1] if s > 0 else ""
            nxt2 = region[e + 1] if e + 1 < len(region) else ""
            money = region.startswith(("元", "万元"), e)  # 2元: an amount, not a label's 2021年
            if prv == "第" or (_CJK_RE.match(nxt) and nxt not in _UNIT_CHARS and not money) or (
                    nxt in _UNIT_CHARS and nxt and _CJK_RE.match(nxt2) and _CJK_RE.match(prv or " ")):
                toks.append(Tok("label", text, s))
                continue
            toks.append(Tok("value", text, s, parse_cell(text)))
            continue
        if kind == "blank":
            if (text in ("/", "／") and toks and toks[-1].kind == "label" and toks[-1].text.endswith("增")
                    and region[e:].lstrip(" \t\u3000").startswith("减")):
                # 表二's column 本年增/减 with its slash set apart ("本年增 / 减"): a word, not a blank cell
                toks.append(Tok("label", text, s))
                continue
            toks.append(Tok("value", text, s, parse_cell(text)))
            continue
        if kind == "word":
            gap = region[toks[-1].start + len(toks[-1].text):s] if toks else ""
            adjacent = bool(toks) and toks[-1].kind == "value" and not gap
            # a money unit after a space (PDF text: 75394432.52 元) still belongs to its number
            spaced_money = (bool(toks) and toks[-1].kind == "value" and gap.strip() == "" and len(gap) <= 2
                            and _rx(r"万元|元").match(text) is not None)
            if adjacent or spaced_money:
                unit = _rx(r"[件个项条次宗起人份家]|万元|元").match(text) if adjacent else _rx(r"万元|元").match(text)
                if unit:
                    prev = toks[-1]
                    toks[-1] = Tok("value", prev.text + unit.group(0), prev.start,
                                   parse_cell(prev.text + unit.group(0)))
                    text = text[unit.end():]
                    s += unit.end()
                    if not text:
                        continue
            toks.append(Tok("label", text, s))
            continue
        if kind == "paren":
            inner = text[1:-1]
            if (toks and toks[-1].kind == "value" and toks[-1].value and toks[-1].value.kind == "number"
                    and _rx(r"\d").search(inner) and not region[toks[-1].start + len(toks[-1].text):s].strip()
                    and _CJK_RE.search(inner)):
                prev = toks[-1]
                toks[-1] = Tok("value", prev.text + region[prev.start + len(prev.text):e], prev.start,
                               CellValue("number", prev.value.value, text, prev.value.unit,
                                         prev.value.approx))
                continue
            toks.append(Tok("label", text, s))
            continue
        toks.append(Tok("label", text, s))  # listnum
    return _fix_wu(toks)


def _fix_wu(toks: list[Tok]) -> list[Tok]:
    """"无" standing alone means 0 — unless it is one character of a label printed one
    character per line ("无\n法\n提\n供")."""
    for i, t in enumerate(toks):
        if t.kind == "value" and t.text == "无":
            near = [toks[j] for j in (i - 1, i + 1) if 0 <= j < len(toks)]
            if any(n.kind == "label" and len(n.text.strip("（）()")) == 1 for n in near):
                toks[i] = Tok("label", "无", t.start)
    return toks


def tokenize_cells_per_line(region: str, nbsp_cells: bool = False) -> list[Tok]:
    """Like :func:`tokenize`, but every empty line is kept as a possible blank cell.

    Used for one-cell-per-line dumps, where an empty cell leaves an empty line. A masked
    page-number line takes one empty line on each side with it (the page-break spacing).
    With ``nbsp_cells`` a line of only ``&nbsp;`` is a blank cell for certain (表三, whose
    rows have exactly the form's cells; 表二's rows may carry padding cells of their own).
    """
    lines: list[tuple[int, str]] = []
    pos = 0
    for line in region.split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1
    drop: set[int] = set()
    for i, (_, line) in enumerate(lines):
        if line.strip() and set(line.strip()) <= {PAGE_MASK}:
            drop.add(i)
            for j in (i - 1, i + 1):
                if 0 <= j < len(lines) and not lines[j][1].strip():
                    drop.add(j)
    toks: list[Tok] = []
    after_tab = False  # the last line with anything on it was a browser's cell separator (a tab)
    for i, (start, line) in enumerate(lines):
        if i in drop:
            continue
        if not line.strip():
            if (nbsp_cells and after_tab and line.strip(" \t\r")
                    and not line.strip("\xa0\u3000 \t\r")):
                # a cell holding only &nbsp; right after a tab (a web page's table copied from
                # the browser): a cell that is there and blank, not the empty line any cell may
                # leave (an &nbsp; paragraph after the table is no cell: no tab before it)
                toks.append(Tok("value", line, start, CellValue("blank")))
                after_tab = False
                continue
            if line.strip(" \r"):
                after_tab = line.strip(" \r") == "\t"
            toks.append(Tok("value", "", start, CellValue("blank"), empty=True))
            continue
        after_tab = False
        for t in tokenize(line):
            t.start += start
            toks.append(t)
    return _fix_wu(toks)


def looks_cell_per_line(region: str, min_lines: int = 40) -> bool:
    """True when most non-empty lines hold a single cell (label or number)."""
    lines = [ln for ln in region.split("\n") if ln.strip() and PAGE_MASK not in ln]
    if len(lines) < min_lines:
        return False
    single = sum(1 for ln in lines if len(ln.split()) == 1)
    return single >= 0.9 * len(lines)


@dataclass
class Group:
    """A label and the values printed after it."""

    label: str = ""
    raw: str = ""
    start: int = 0
    values: list[Tok] = field(default_factory=list)


_MARKER_RE = _rx(r"^(?:[(（][一二三四五六七八九十\d]{1,2}[)）]|[一二三四五六七八九十]、|\d{1,2}\s*[.、．]$)")


_BARE_MARKER_RE = _rx(r"^(?:\([一二三四五六七八九十\d]{1,2}\)|[一二三四五六七八九十]、|\d{1,2}[.、])$")


def group_tokens(toks: list[Tok], boundary: set[str]) -> list[Group]:
    """Join label fragments (one-char-per-line labels rejoin here); a marker or value ends a row."""
    groups: list[Group] = []
    for t in toks:
        if t.kind == "label":
            is_marker = bool(_MARKER_RE.match(unicodedata.normalize("NFKC", t.text)))
            word = norm(t.text)
            # a row label cut by its number ("行政事业性收 18651.06 费"): its head starts the row
            splits = is_marker or word in boundary or (
                len(word) >= 4 and any(b.startswith(word) for b in boundary))
            if splits and groups and not groups[-1].values and _BARE_MARKER_RE.match(norm(groups[-1].label)):
                splits = False  # "1." then "属于国家秘密": one label
            if not groups or groups[-1].values or splits:
                groups.append(Group(t.text, t.text, t.start))
            else:
                groups[-1].label += t.text
                groups[-1].raw += " " + t.text
        else:
            if not groups:
                groups.append(Group("", "", t.start))
            groups[-1].values.append(t)
    return groups


def _anchor(nt: NormText, anchors: tuple[str, ...], confirm: tuple[str, ...], window: int) -> int:
    """Raw offset of the first anchor word followed within ``window`` characters by a confirm
    word — the table itself, not a sentence of the narrative that uses the same words."""
    hits: list[int] = []
    for w in anchors:
        k = nt.s.find(w)
        while k >= 0:
            hits.append(k)
            k = nt.s.find(w, k + 1)
    for k in sorted(hits):
        near = nt.s[k:k + window]
        if any(c in near for c in confirm):
            return nt.pos[k]
    return -1


def _region(seg: Segment, doc: Document, anchors: tuple[str, ...], starts: tuple[str, ...],
            ends: tuple[str, ...], after_start: bool = False, confirm: tuple[str, ...] = (),
            window: int = 300) -> tuple[str, int] | None:
    """(region text with page numbers blanked, its absolute offset) or None.

    The region is anchored on a word of the table itself (e.g. 本年新收), starts at the last
    section heading before that anchor (a table of contents mentioning the heading earlier is
    skipped) and ends at the first end word after the anchor.
    """
    src = depipe(seg.text)
    nt = normtext(src)
    anchor = _anchor(nt, anchors, confirm, window) if confirm else _first(nt, anchors)
    if anchor < 0:
        return None
    best = -1
    for w in starts:
        pos = 0
        while True:
            h = nt.find(w, pos)
            if h < 0 or h > anchor:
                break
            e = nt.end_of(w, h) if after_start else h
            best = max(best, e)
            pos = h + 1
    if best < 0:
        best = anchor
    end = _first(nt, ends, anchor + 1)
    if end < 0:
        end = len(src)
    region = src[best:end]
    bounds = [p.offset - seg.offset - best for p in (doc.pages or seg.pages)
              if 0 < p.offset - seg.offset - best < len(region)]
    return _blank_page_numbers(region, bounds), seg.offset + best


_MD_RULE_RE = _rx(r"^[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)+(?:[ \t]*:?-{3,}:?[ \t]*)?[ \t]*$", re.M)


def depipe(text: str) -> str:
    """Markdown table syntax (and the HTML converters leave in it) as whitespace, offsets kept: a converter's table that lost its
    shape (several numbers in one cell, rows split in pieces) reads like any flattened text,
    in order; its empty cells are merged label cells far more often than blank values."""
    if "|" not in text and "<" not in text:
        return text
    blank = lambda m: " " * len(m.group(0))  # noqa: E731
    text = _MD_BR_RE.sub(lambda m: "\n" + " " * (len(m.group(0)) - 1), text)  # a line break in a cell
    text = _MD_MARKUP_RE.sub(blank, text)  # <sup>0</sup>, <!-- picture text -->
    text = _MD_RULE_RE.sub(blank, text)
    return text.replace("|", " ")


_MD_BR_RE = _rx(r"<br\s*/?>", re.I)
_MD_MARKUP_RE = _rx(r"<!--.*?-->|</?(?:sup|sub|u|b|i|em|strong|span|p)\b[^<>\n]{0,80}>", re.S | re.I)


def _evidence(tok: Tok, base: int, doc: Document, table: str, row: str, col: str) -> Evidence:
    off = base + tok.start
    return Evidence(raw_text=tok.text, offset=off, page=doc.page_at(off) if doc.pages else None,
                    table=table, row_label=row or None, col_label=col or None)


def _fact(metric: str, tok: Tok, base: int, doc: Document, table: str, row: str, col: str,
          breakdown: str = "", unit: str = "count", scale: float = 1.0) -> Fact:
    cv = tok.value or CellValue("blank")
    value = None if cv.value is None else cv.value * scale
    if value is not None and abs(value - round(value)) < 1e-6:
        value = float(round(value))
    return Fact(metric=metric, value=value, breakdown=breakdown, unit=unit, approx=cv.approx,
                evidence=_evidence(tok, base, doc, table, row, col), note=cv.note)


def _unreadable(table: str, why: str) -> Finding:
    return Finding("table_unreadable", "warning", f"{table} (flattened text): {why}; no facts stored")


# --- 表三 --------------------------------------------------------------------------------

T3_ROWS_2019_SHORT = tuple(m for m in T3_ROWS_2019 if m != "requests.rejected_confirm")
_T3_BOUNDARY = {norm(w) for _, _, w, _ in T3_ITEMS if len(w) > 2}
_COL_LABELS = {"": "总计", "natural_person": "自然人", "commercial": "商业企业", "research": "科研机构",
               "public_welfare": "社会公益组织", "legal_services": "法律服务机构", "other_org": "其他"}


def _form_row_label(metric: str) -> str:
    """The form's wording of a 表三 row, for evidence when the row was placed by count."""
    from etl.extract.formlabels import _ROW_WORDS

    extra = {"requests.other_handling": "（六）其他处理"}
    return _ROW_WORDS.get(metric) or extra.get(metric) or metric


_T3_STARTS = ("收到和处理政府信息公开申请情况", "申请人情况")
#: where 表三's text ends: 表四's heading (also misspelt, "行政法复议") or the next section
_T3_ENDS = ("政府信息公开行政复议", "行政复议、行政诉讼情况", "行政复议,行政诉讼情况", "行政诉讼情况",
            "存在的主要问题", "五、存在")


def flat_t3(seg: Segment, doc: Document) -> tuple[list[Fact], str | None, list[Finding], bool]:
    """表三 from text: per-row 7 numbers after each label, else exactly 175 / 161 numbers."""
    reg = _region(seg, doc, ("本年新收",), _T3_STARTS, _T3_ENDS, confirm=("上年结转", "结转"), window=120)
    if reg is None:
        return [], None, [], False
    region, base = reg
    nreg = norm(region)
    if "本年新收" not in nreg or not (any(w in nreg for w in ("自然人", "本年度办理结果", "结转下年度继续办理"))
                                     or ("予以公开" in nreg and "部分公开" in nreg
                                         and len(_rx(r"\d+").findall(region)) >= 150)):
        # (a header garbled beyond its words still leaves the form's outcome rows and its
        # 150-odd cells; a paragraph about requests has a handful of numbers)
        return [], None, [], False  # a sentence about requests, not the form
    cpl = looks_cell_per_line(region)
    toks = tokenize_cells_per_line(region, nbsp_cells=True) if cpl else tokenize(region)
    got = _t3_read(toks, region, base, doc, nreg)
    merged = None if cpl else _t3_merge_split_lines(region, toks)
    if merged is not None:
        alt = _t3_read(merged[0], region, base, doc, nreg)
        if _t3_whole(alt[0], alt[1]) and not (_t3_whole(got[0], got[1]) and _same_facts(got[0], alt[0])):
            if not _t3_whole(got[0], got[1]) or t3_errors(_values(got[0])):
                return alt[0], alt[1], alt[2] + [merged[1]], True
    return got[0], got[1], got[2], True


def _values(facts: list[Fact]) -> dict[tuple[str, str], float | None]:
    return {(f.metric, f.breakdown): f.value for f in facts}


def _same_facts(a: list[Fact], b: list[Fact]) -> bool:
    return _values(a) == _values(b)


def _t3_whole(facts: list[Fact], form: str | None) -> bool:
    """Every cell of the form's 表三 read, and every identity of the table holds."""
    rows = T3_ROWS_2021 if form == "2021" else T3_ROWS_2019
    values = _values(facts)
    if len(values) != 7 * len(rows) or any((m, b) not in values for m in rows for b in _COL_LABELS):
        return False
    return not t3_errors(values)


def _t3_read(toks: list[Tok], region: str, base: int, doc: Document, nreg: str
             ) -> tuple[list[Fact], str | None, list[Finding]]:
    """表三 facts from a region's tokens: row by row, else by count, else the certain rows."""
    groups, dealt = deal_zero_runs(group_tokens(toks, _T3_BOUNDARY))
    metrics = [match_t3_label(g.label, None).metric for g in groups]
    received = [i for i, m in enumerate(metrics) if m == "requests.received"]
    carried = next((i for i, m in enumerate(metrics) if m == "requests.carried_over_in"), len(groups))
    before = [i for i in received if i < carried]
    start = before[-1] if before else (received[0] if received else None)
    if start is None:
        return [], None, [_unreadable("表三", "the row 本年新收 could not be found")]
    lead_vals = [t for t in groups[start - 1].values if not t.empty] if start > 0 else []
    groups = groups[start:]
    form = "2021" if ("逾期不补正" in nreg or "缴纳费用" in nreg) else None
    facts, why = _t3_by_rows(groups, base, doc, form, bool(lead_vals))
    if facts is not None:
        f = "2021" if any(x.metric.startswith("requests.other_") and x.metric != "requests.other_handling"
                          for x in facts) else "2019"
        return facts, f, dealt
    if lead_vals:  # numbers printed before their labels: the whole run, in order
        groups = [Group("", "", lead_vals[0].start, lead_vals)] + groups
    facts2, form2, why2 = _t3_by_count(groups, base, doc, form)
    if facts2 is not None:
        return facts2, form2, []
    if not lead_vals:
        facts3, form3, fnd3 = _t3_partial(groups, base, doc, form)
        if facts3:
            return facts3, form3, dealt + fnd3
    return [], form, [_unreadable("表三", f"{why}; {why2}")]


def _t3_merge_split_lines(region: str, toks: list[Tok]) -> tuple[list[Tok], Finding] | None:
    """表三 tokens with rows printed over two lines put back together, or None.

    A converter prints a cell set higher or lower than its row on a line of its own (the
    总计 row's 0 above its other six numbers; two of 结转下年度's cells on the line above it).
    Two neighbouring lines whose numbers together make the form's 7 (each with fewer), with
    at most one of them holding label text, are one row: its numbers in the order of their
    horizontal position, where no number of one line overlaps a number of the other. A line
    that could pair with both of its neighbours is left alone. The caller keeps the result only
    if the whole table then reads and every identity of the form holds.
    """
    starts = line_starts(region)
    by_line: dict[int, list[int]] = {}
    for i, t in enumerate(toks):
        by_line.setdefault(line_of(starts, t.start), []).append(i)
    lines = sorted(by_line)
    info: dict[int, tuple[list[int], list[int]]] = {}
    for ln in lines:
        idx = by_line[ln]
        vals = [i for i in idx if toks[i].kind == "value" and not toks[i].empty]
        labels = [i for i in idx if toks[i].kind == "label"]
        if vals and (not labels or max(labels) < min(vals)):
            info[ln] = (labels, vals)
    pairs: list[tuple[int, int, list[int]]] = []
    for a, b in zip(lines, lines[1:]):
        if a not in info or b not in info:
            continue
        (la, va), (lb, vb) = info[a], info[b]
        if len(va) >= 7 or len(vb) >= 7 or len(va) + len(vb) != 7 or (la and lb):
            continue
        spans = {i: span(region, starts, toks[i].start, toks[i].start + len(toks[i].text), "chars")
                 for i in va + vb}
        if any(sp is None for sp in spans.values()):
            continue
        if any(spans[i][0] < spans[j][1] and spans[j][0] < spans[i][1] for i in va for j in vb):
            continue  # numbers of the two lines overlap: not one row's cells side by side
        order = sorted(va + vb, key=lambda i: spans[i][0])
        if not _adds_up([toks[i] for i in order]):
            continue
        pairs.append((a, b, order))
    used: dict[int, int] = {}
    for a, b, _ in pairs:
        used[a] = used.get(a, 0) + 1
        used[b] = used.get(b, 0) + 1
    pairs = [p for p in pairs if used[p[0]] == 1 and used[p[1]] == 1]
    if not pairs:
        return None
    at: dict[int, list[int]] = {}  # token index before which a merged row's numbers go
    drop: set[int] = set()
    for a, b, order in pairs:
        (la, va), (lb, vb) = info[a], info[b]
        anchor = min(vb) if lb else min(va)
        at[anchor] = order
        drop |= set(va) | set(vb)
    out = _reordered(toks, at, drop)
    rows = "; ".join(" ".join(toks[k].text for k in order) for _, _, order in pairs)
    return out, Finding("cell_placed_by_column", "info",
                        f"表三 (flattened text): {len(pairs)} row(s) printed over two lines read with their "
                        f"numbers in the order of their columns ({rows}); the table's identities hold")


_NOTE_RE = _rx(r"\d\s*[（(]\s*(?:含|其中|包括|另|注)")
_NOTE_WORDS_RE = _rx(r"^[（(]?(?:含|其中|包括|另|注)")
#: beyond this many joint placements of the short rows, each short row is tried on its own
_MAX_JOINT_PLACEMENTS = 2000

_Row = tuple[str, list[Tok], Group]


def _t3_partial(groups: list[Group], base: int, doc: Document, form: str | None
                ) -> tuple[list[Fact], str | None, list[Finding]]:
    """The rows whose columns are certain, when the whole table cannot be read (a blank cell
    vanished from the text, a note "（含自然失效2件）" wrapped into a cell, another table's
    rows printed in the middle).

    The labels must be trustworthy: every label with numbers recognised, each row once, in the
    form's order. Then each row is judged on its own, and each row left out gets a finding
    naming it:

    - exactly 7 numbers: the form's column order — but a number can move from one row into
      the next in place of a vanished blank, leaving 6 then 7 shifted numbers; so a 7-number
      row beside a row with another count is placed only where the identities pin down its
      columns (:func:`_pinned`), and where numbers surely moved (a row with more than 7 that
      no note explains) every 7-number row must add up (six applicant columns = 总计);
    - fewer: placed only where the table's identities leave a single placement of its numbers
      (:func:`_forced_placements`); a vanished blank could have stood in any column;
    - more: left out.

    At least 4/5 of the form's rows must be placed, or nothing is.
    """
    read = _t3_partial_rows(groups)
    if read is None:
        return [], None, []
    seen, noted, trailing = read
    metrics = [m for m, _, _ in seen]
    order = T3_ROWS_2021 if (form == "2021" or any(m in T3_ROWS_2021 and m.startswith("requests.other_")
                                                    and m != "requests.other_handling" for m in metrics)) \
        else T3_ROWS_2019
    pos = [order.index(m) for m in metrics if m in order]
    if len(pos) != len(metrics) or pos != sorted(pos):
        return [], None, []
    unexplained = {m for m, v, g in seen if len(v) > 7 and m not in noted and not _NOTE_RE.search(g.raw)}
    findings: list[Finding] = []
    full: dict[str, list[Tok]] = {}
    for m, v, g in seen:
        if len(v) > 7:
            findings.append(_row_left_out(m, g, f"has {len(v)} numbers, more than the form's 7 columns"))
        elif len(v) == 7 and (trailing or unexplained) and not _adds_up(v):
            findings.append(_row_left_out(m, g, "has 7 numbers, but numbers moved between rows of this table "
                                                "and its six applicant columns do not add up to its 总计"))
        elif len(v) == 7:
            full[m] = v
    short = [(m, v, g) for m, v, g in seen if len(v) < 7]
    findings += _unconfirmed_beside_odd(seen, full, short, unexplained)
    placed = {m: (full[m], g) for m, _, g in seen if m in full}
    shorts, fnd = _place_short_rows(short, full)
    placed.update(shorts)
    findings += fnd
    if len(placed) * 5 < len(order) * 4:
        return [], None, []
    facts: list[Fact] = []
    for metric in order:
        if metric not in placed:
            continue
        vals, g = placed[metric]
        for key, tok in zip(APPLICANT_ORDER, vals):
            facts.append(_fact(metric, tok, base, doc, "表三", g.raw.strip(), _COL_LABELS[key], key))
    absent = [m for m in order if m not in metrics]
    if absent:
        findings.append(Finding(
            "t3_missing_rows", "warning",
            f"表三: {len(absent)} form row(s) not found: " + ", ".join(m.split(".")[1] for m in absent),
            absent))
    return facts, ("2021" if order is T3_ROWS_2021 else "2019"), findings


def deal_zero_runs(groups: list[Group]) -> tuple[list[Group], list[Finding]]:
    """Consecutive 表三 rows whose counts of numbers are off 7 but together hold exactly 7 per
    row, every one of them 0: dealt out 7 per row.

    A converter that splits tall cells prints some of a row's numbers on the line of the row
    above or below ("8.属于行政查询事项 0 0 … (14 numbers)", "1.本机关不掌握… 0 0 0",
    "2.没有现成信息… 0 0 0 0"). Where and in what order they went is not known, but when the
    run balances (no cell vanished and none came from outside it: a row beside it that gave or
    took one would be off 7 itself, and so part of the run) and every number is 0, each cell
    of each row is 0 whichever way they moved. A number other than 0, a note, numbers after a
    label that names no row, or a run that does not balance leave the rows as printed.
    Labels without numbers (headings, the tail of a wrapped label) neither join nor end a run.
    """
    context: str | None = None
    #: per row with numbers: (group index, metric, indexes of the groups whose numbers it has)
    info: list[tuple[int, str | None, list[int]]] = []
    for i, g in enumerate(groups):
        m = match_t3_label(g.label, context)
        if m.section:
            context = m.section
        if not any(not t.empty for t in g.values):
            continue
        if info and (m.kind != "row" or any(e[1] == m.metric for e in info)):
            # numbers after a label naming no row, or a row already seen: a wrapped label's tail
            info[-1][2].append(i)
            continue
        info.append((i, m.metric if m.kind == "row" else None, [i]))

    def count(e: tuple[int, str | None, list[int]]) -> int:
        return sum(len(groups[x].values) for x in e[2])

    out = list(groups)
    findings: list[Finding] = []
    k = 0
    while k < len(info):
        if count(info[k]) == 7:
            k += 1
            continue
        j = k
        while j < len(info) and count(info[j]) != 7:
            j += 1
        run = info[k:j]
        k = j
        members = [groups[x] for e in run for x in e[2]]
        toks = [t for g in members for t in g.values]
        if (len(run) < 2 or any(mt is None for _, mt, _ in run) or len({mt for _, mt, _ in run}) != len(run)
                or len(toks) != 7 * len(run) or not all(_is_zero(t) for t in toks)
                or any(_NOTE_RE.search(g.raw) or _NOTE_WORDS_RE.match(g.label) for g in members)):
            continue
        for n, (i, _, parts) in enumerate(run):
            for x in parts:
                out[x] = Group(groups[x].label, groups[x].raw, groups[x].start, [])
            out[i] = Group(groups[i].label, groups[i].raw, groups[i].start, toks[7 * n:7 * n + 7])
        findings.append(Finding(
            "t3_zero_rows_dealt", "info",
            f"表三 (flattened text): rows {', '.join(repr(groups[i].label[:24]) for i, _, _ in run)} have "
            f"{'/'.join(str(count(e)) for e in run)} numbers, together 7 for each row and all 0; "
            "each of their cells stored as 0",
            [c for _, mt, _ in run for c in _row_cells(mt or "")]))
    return out, findings


def _is_zero(tok: Tok) -> bool:
    cv = tok.value
    return (tok.kind == "value" and not tok.empty and cv is not None and cv.kind == "number"
            and cv.value == 0 and not cv.note and not cv.approx)


def _unconfirmed_beside_odd(seen: list[_Row], full: dict[str, list[Tok]], short: list[_Row],
                            unexplained: set[str]) -> list[Finding]:
    """Take out of ``full`` (and report) the 7-number rows beside a row with another count that
    the identities do not pin down. A row that took its neighbour's number in place of a blank
    of its own shows 7 numbers shifted by a column; then the short row beside it has no
    placement that fits, nothing completes the identities, and nothing pins the shifted row."""
    odd = {i for i, (m, v, _) in enumerate(seen) if len(v) < 7 or m in unexplained}
    suspects = {seen[i][0] for i in range(len(seen)) if seen[i][0] in full and ({i - 1, i + 1} & odd)}
    if not suspects:
        return []
    _, counts = _forced_placements(short, full)
    known = _known_counts(full) | counts
    out: list[Finding] = []
    for m, v, g in seen:
        if m in suspects and not _pinned(m, v, {k: x for k, x in known.items() if k[0] != m}):
            out.append(_row_left_out(m, g, "has 7 numbers beside a row with another count, and the "
                                           "table's identities do not confirm its columns"))
            del full[m]
    return out


def _place_short_rows(short: list[_Row], full: dict[str, list[Tok]]
                      ) -> tuple[dict[str, tuple[list[Tok], Group]], list[Finding]]:
    """The short rows whose placement the identities force (their blanks as blank cells), an
    info finding for each and a warning for each of the others, which are not stored."""
    forced, _ = _forced_placements(short, full)
    placed: dict[str, tuple[list[Tok], Group]] = {}
    findings: list[Finding] = []
    for m, v, g in short:
        where = forced.get(m)
        if where is None:
            findings.append(_row_left_out(m, g, f"has {len(v)} numbers for the form's 7 columns and the "
                                                "table's identities do not single out their columns"))
            continue
        cells = [Tok("value", "", g.start + len(g.raw), CellValue("blank")) for _ in APPLICANT_ORDER]
        for tok, j in zip(v, where):
            cells[j] = tok
        placed[m] = (cells, g)
        blank = ", ".join(_COL_LABELS[k] for j, k in enumerate(APPLICANT_ORDER) if j not in where)
        findings.append(Finding(
            "t3_placed_by_identities", "info",
            f"表三 (flattened text): row {g.label[:40]!r} has {len(v)} numbers for the form's 7 columns; "
            f"placed in the only columns where the table's identities hold (blank: {blank})",
            _row_cells(m)))
    return placed, findings


def _t3_partial_rows(groups: list[Group]) -> tuple[list[_Row], set[str], bool] | None:
    """The recognised 表三 rows in reading order with the numbers after their labels, the rows
    whose extra number a note explains, and whether numbers follow the last row.

    None when the labels cannot be trusted: numbers before the first row, a row named twice
    with numbers, a heading with numbers. A label with no number after it names no row: it is
    the tail of a wrapped label ("其他情形）" reads like 3.其他) or a row whose cells all
    vanished, and either way nothing of it can be placed. Numbers after a label that names no
    row are added to the row before (which then has too many), never read on their own.
    """
    context: str | None = None
    seen: list[_Row] = []
    noted: set[str] = set()
    done = trailing = False
    for g in _collapse_repeats(groups):
        m = match_t3_label(g.label, context)
        if m.section:
            context = m.section
        vals = [t for t in g.values if not t.empty]
        if done:
            trailing = trailing or bool(vals)
            continue
        if m.kind == "none" or (m.kind == "heading" and not vals):
            if m.kind == "none" and vals and not seen:
                return None
            if m.kind == "none" and vals:
                seen[-1] = (seen[-1][0], seen[-1][1] + vals, seen[-1][2])
                if _NOTE_WORDS_RE.match(g.label):
                    noted.add(seen[-1][0])
            continue
        if not vals:
            continue
        if m.metric is None or any(x[0] == m.metric for x in seen):
            return None
        if len(vals) != 7 and len(g.values) == 7:
            vals = g.values  # one-cell-per-line dump: the empty lines are the blank cells
        seen.append((m.metric, vals, g))
        done = m.metric == "requests.carried_over_out"
    return seen, noted, trailing


def _numbers_moved(groups: list[Group]) -> bool:
    """Whether the text shows 表三 numbers moved between rows: between the first row and
    结转下年度, a row label with more than 7 numbers after it (no note explains) or numbers
    after a label that names no row. A row that lost a number then may have taken one from
    its neighbour and still show 7."""
    context: str | None = None
    started = False
    for g in _collapse_repeats(groups):
        m = match_t3_label(g.label, context)
        if m.section:
            context = m.section
        vals = [t for t in g.values if not t.empty]
        if m.kind == "row" and vals:
            started = True
        if not started or not vals:
            continue
        if m.kind == "none" and not _NOTE_WORDS_RE.match(g.label):
            return True
        if len(vals) > 7 and not _NOTE_RE.search(g.raw):
            return True
        if m.metric == "requests.carried_over_out":
            break
    return False


def _reordered(toks: list[Tok], at: dict[int, list[int]], drop: set[int]) -> list[Tok]:
    """``toks`` with the tokens ``at[i]`` (in that order) put in before token ``i`` and the
    tokens in ``drop`` left out: numbers moved back to the row and column they belong to."""
    out: list[Tok] = []
    for i, t in enumerate(toks):
        if i in at:
            out += [toks[k] for k in at[i]]
        if i not in drop:
            out.append(t)
    return out


def _row_cells(metric: str) -> list[str]:
    return [f"{metric}[{k}]" if k else metric for k in APPLICANT_ORDER]


def _row_left_out(metric: str, g: Group, why: str) -> Finding:
    return Finding("table_unreadable", "warning",
                   f"表三 (flattened text): row {g.label[:40]!r} {why}; not stored", _row_cells(metric))


def _count(tok: Tok) -> float | None:
    """A cell as a count for the identities: a blank is 0; an approximate number or text is
    not a count."""
    cv = tok.value
    if cv is None or cv.approx or cv.kind == "text":
        return None
    return 0.0 if cv.kind == "blank" or cv.value is None else float(cv.value)


def _adds_up(vals: list[Tok]) -> bool:
    """The row's six applicant columns sum to its 总计 (blanks as 0)."""
    nums = [_count(t) for t in vals]
    if any(n is None for n in nums):
        return False
    return applicants_add_up(nums)  # type: ignore[arg-type]


def _forced_placements(short: list[_Row], placed: dict[str, list[Tok]]
                       ) -> tuple[dict[str, tuple[int, ...]], dict[tuple[str, str], float]]:
    """The columns of each short row's numbers, for the rows where only one placement is possible.

    A row with k < 7 numbers could have its blanks in any of C(7, k) placements (the numbers
    keep their printed order). A placement fits when no 表三 identity involving the row fails
    (:func:`etl.extract.checks.t3_errors`, blanks counting as 0; the cells of rows not placed
    are unknown, so the identities they enter are not checked). Each row is first tried with
    the other short rows unknown: one fitting placement is certain (more identities could only
    rule it out if the row were misread) and joins the known cells; a row with none lost a
    number rather than a blank and stays unknown. Rows still open are then tried together, and
    one is placed where every joint fit puts its numbers in the same columns.

    Also returned: the cells, as counts for the identities (blank = 0), of the rows placed and
    of the rows whose fitting placements all give the same counts (six 0s for seven columns:
    whichever column is blank, the row counts 0 in each) — known enough to check other rows
    against, though not to store.
    """
    values = _known_counts(placed)
    rows: dict[str, list[float]] = {}
    for metric, toks, _ in short:
        nums = [_count(t) for t in toks]
        if all(n is not None for n in nums):
            rows[metric] = nums  # type: ignore[assignment]
    options = {m: list(itertools.combinations(range(7), len(nums))) for m, nums in rows.items()}
    out: dict[str, tuple[int, ...]] = {}
    progress = True
    while progress:
        progress = False
        for m in [m for m in options if m not in out]:
            fits = _fits(values, [(m, rows[m])], [[w] for w in options[m]])
            if not fits:
                del options[m]  # no placement keeps the identities: a number, not a blank, is missing
            elif len(fits) == 1:
                out[m] = fits[0][0]
                values.update(_placed_counts(m, rows[m], out[m]))
                progress = True
    open_rows = [m for m in options if m not in out]
    counts = {k: v for k, v in values.items() if k[0] in out}
    for m in open_rows:
        seen_counts = {tuple(sorted(_placed_counts(m, rows[m], w[0]).items()))
                       for w in _fits(values, [(m, rows[m])], [[w] for w in options[m]])}
        if len(seen_counts) == 1:
            counts.update(dict(seen_counts.pop()))
    joint = 1
    for m in open_rows:
        joint *= len(options[m])
    if len(open_rows) > 1 and joint <= _MAX_JOINT_PLACEMENTS:
        fits = _fits(values, [(m, rows[m]) for m in open_rows],
                     [list(c) for c in itertools.product(*(options[m] for m in open_rows))])
        for k, m in enumerate(open_rows):
            wheres = {combo[k] for combo in fits}
            if len(wheres) == 1:
                out[m] = wheres.pop()
    return out, counts


def _known_counts(rows: dict[str, list[Tok]]) -> dict[tuple[str, str], float]:
    """The rows' cells as counts for the identities (blank = 0; approximate numbers unknown)."""
    values: dict[tuple[str, str], float] = {}
    for metric, toks in rows.items():
        values.update(_row_counts(metric, [_count(t) for t in toks]))
    return values


def _pinned(metric: str, toks: list[Tok], others: dict[tuple[str, str], float]) -> bool:
    """The 7-number row ``metric`` keeps every identity with the other rows' counts ``others``,
    and those identities fix each of its columns: its number in any applicant column moved
    (with its 总计, so that the row still adds up) would break one. A row shifted by a column
    (a neighbour's number in front, a blank of its own lost) would not keep them all."""
    own = _row_counts(metric, [_count(t) for t in toks])
    if len(own) != 7:
        return False
    names = set(_row_cells(metric))
    if any(names & set(f.cells) for f in t3_errors({**others, **own})):
        return False
    for b in APPLICANT_ORDER[:6]:
        bumped = dict(own)
        bumped[(metric, b)] += 1000.0
        bumped[(metric, "")] += 1000.0
        col = f"{metric}[{b}]"
        if not any(col in f.cells and f.rule != "t3_applicants_sum" for f in t3_errors({**others, **bumped})):
            return False
    return True


def _row_counts(metric: str, nums: list[float | None]) -> dict[tuple[str, str], float]:
    return {(metric, k): n for k, n in zip(APPLICANT_ORDER, nums) if n is not None}


def _placed_counts(metric: str, nums: list[float], where: tuple[int, ...]) -> dict[tuple[str, str], float]:
    """A short row's cells with its numbers in columns ``where`` and 0 for its blanks."""
    cells = [0.0] * 7
    for n, j in zip(nums, where):
        cells[j] = n
    return _row_counts(metric, cells)  # type: ignore[arg-type]


def _fits(values: dict[tuple[str, str], float], rows: list[tuple[str, list[float]]],
          combos: list[list[tuple[int, ...]]]) -> list[list[tuple[int, ...]]]:
    """The placements ``combos`` of ``rows`` (one column tuple per row) that fail no identity
    involving one of those rows, given the known cells ``values``."""
    names = {c for m, _ in rows for c in _row_cells(m)}
    out = []
    for combo in combos:
        trial = dict(values)
        for (m, nums), where in zip(rows, combo):
            trial.update(_placed_counts(m, nums, where))
        if not any(names & set(f.cells) for f in t3_errors(trial)):
            out.append(combo)
    return out


def flat_t3_rows(seg: Segment, doc: Document, wanted: set[str],
                 known: dict[tuple[str, str], float | None] | None = None
                 ) -> tuple[list[Fact], list[Finding]]:
    """Only the ``wanted`` 表三 rows, from text rows with exactly 7 numbers after their label.

    Completes a grid that broke off; a wanted row found with another count of numbers is
    reported, never guessed. ``known`` (cells the grid gave) vouches for the text: the text
    rows that repeat grid rows must agree with them in the cells the grid read (at least one
    must), else nothing is read — a text whose numbers are shifted against their labels would
    disagree. Where the text shows numbers moved between rows elsewhere (:func:`_numbers_moved`),
    a 7-number row is used only when it adds up (six applicant columns = 总计); one beside a row
    with another count only where the identities, with the grid's cells, pin down its columns
    (:func:`_pinned`).
    """
    reg = _region(seg, doc, ("本年新收",), _T3_STARTS, _T3_ENDS, confirm=("上年结转", "结转"), window=120)
    if reg is None:
        return [], []
    region, base = reg
    cpl = looks_cell_per_line(region)
    groups, dealt = deal_zero_runs(group_tokens(tokenize_cells_per_line(region, nbsp_cells=True) if cpl
                                                else tokenize(region),
                                                _T3_BOUNDARY))
    context: str | None = None
    facts: list[Fact] = []
    findings: list[Finding] = []
    done: set[str] = set()
    agree = 0
    moved = _numbers_moved(groups)
    beside = _beside_odd_rows(groups)
    rows: list[tuple[str, list[Tok], Group]] = []
    suspects: set[str] = set()
    for gi, g in enumerate(groups):
        m = match_t3_label(g.label, context)
        if m.section:
            context = m.section
        metric = m.metric if m.kind == "row" else None
        if known is not None and metric is not None and metric not in wanted and (metric, "") in known:
            vals = [t for t in g.values if not t.empty]
            if len(vals) == 7:
                # only the cells the grid read (a converter may have merged the others into one)
                read = [j for j, k in enumerate(APPLICANT_ORDER) if (metric, k) in known]
                text_vals = [vals[j].value.value if vals[j].value else None for j in read]
                grid_vals = [known.get((metric, APPLICANT_ORDER[j])) for j in read]
                if text_vals != grid_vals:
                    return [], [_unreadable("表三", f"the text rows disagree with the grid (row {metric.split('.')[1]})")]
                agree += 1
        if metric not in wanted or metric in done:
            continue
        filled = [t for t in g.values if not t.empty]
        if len(filled) != 7 and len(g.values) == 7:
            filled = g.values
        if len(filled) != 7:
            findings.append(_unreadable("表三", f"row {g.label[:24]!r} has {len(filled)} numbers, not 7"))
            continue
        if moved and not _adds_up(filled):
            findings.append(_row_left_out(metric, g, "has 7 numbers, but numbers moved between rows of this "
                                                     "table and its six applicant columns do not add up to its 总计"))
            continue
        done.add(metric)
        rows.append((metric, filled, g))
        if gi in beside:
            suspects.add(metric)
    if known is not None and rows and not agree:
        return [], findings + [_unreadable("表三", "no text row could be checked against the grid")]
    counts = {k: (0.0 if v is None else float(v)) for k, v in (known or {}).items()}
    counts |= _known_counts({m: v for m, v, _ in rows})
    for metric, filled, g in rows:
        if metric in suspects and not _pinned(metric, filled, {k: x for k, x in counts.items() if k[0] != metric}):
            findings.append(_row_left_out(metric, g, "has 7 numbers beside a row with another count, and the "
                                                     "table's identities do not confirm its columns"))
            continue
        for key, tok in zip(APPLICANT_ORDER, filled):
            facts.append(_fact(metric, tok, base, doc, "表三", g.raw.strip(), _COL_LABELS[key], key))
    placed = {f.metric for f in facts}
    findings += [f for f in dealt if any(c.split("[")[0] in placed for c in f.cells)]
    return facts, findings


def _beside_odd_rows(groups: list[Group]) -> set[int]:
    """Indexes of the groups with numbers next to a 表三 row whose count of numbers is not 7
    (no note explaining it): a row there may hold its neighbour's number in place of a blank."""
    context: str | None = None
    seq: list[tuple[int, bool]] = []  # (group index, count is odd) of the groups with numbers
    for i, g in enumerate(groups):
        m = match_t3_label(g.label, context)
        if m.section:
            context = m.section
        n = len([t for t in g.values if not t.empty])
        if n and m.kind != "none":
            seq.append((i, n != 7 and len(g.values) != 7 and not _NOTE_RE.search(g.raw)))
        elif n and seq:
            seq[-1] = (seq[-1][0], True)  # numbers after a label that names no row
    return {seq[k][0] for k in range(len(seq))
            if any(0 <= j < len(seq) and seq[j][1] for j in (k - 1, k + 1))}


def _t3_by_rows(groups: list[Group], base: int, doc: Document, form: str | None,
                lead_values: bool = False) -> tuple[list[Fact] | None, str]:
    """Rows by label, each with exactly 7 cells (a row with no cell at all is all blank).

    ``lead_values``: numbers stood right before the first row's label — the numbers may
    precede their labels throughout, so a row-by-row reading could be shifted: refused.
    """
    if lead_values:
        return None, "numbers precede the first row label"
    context: str | None = None
    rows: dict[str, Group] = {}
    groups = _collapse_repeats(groups)
    prev_metric: str | None = None
    for i, g in enumerate(groups):
        m = match_t3_label(g.label, context)
        if m.section:
            context = m.section
        if i:
            prev_metric = match_t3_label(groups[i - 1].label, None).metric
        filled = [t for t in g.values if not t.empty]
        if len(filled) != 7 and len(g.values) == 7:
            filled = g.values  # one-cell-per-line dump: the empty lines are the blank cells
        n = len(filled)
        if m.kind == "none":
            if n:
                return None, f"{n} number(s) after an unrecognised label {g.label[:20]!r}"
            continue
        if m.kind == "heading" and n == 0:
            if m.section == "other":
                rows.setdefault("_other_heading", g)
            continue
        if m.metric is None:
            if n:
                return None, f"{n} number(s) after the heading {g.label[:20]!r}"
            continue
        if n == 0 and m.kind == "row" and not g.values:
            if prev_metric == m.metric and rows.get(m.metric) is not None and rows[m.metric].values:
                continue  # the rest of the row's wrapped label ("3.危及“三安 0 0 …" / "全一稳定”")
            nxt = groups[i + 1] if i + 1 < len(groups) else None
            if nxt is not None and any(not t.empty for t in nxt.values) and \
                    match_t3_label(nxt.label, context).kind == "heading":
                # "1.申请人…逾期不补正 / （六）其他处理 8 0 0 … / 不再处理…": the numbers beside the
                # heading are this row's, its label wrapped around them — not a blank row
                return None, f"row {g.label[:24]!r} has no numbers and the heading after it has"
            filled = [Tok("value", "", g.start + len(g.raw), CellValue("blank"))] * 7  # all blank
            n = 7
        if n > 7:
            rejoined = rejoin_split_digits(filled)
            if rejoined is not None:
                filled, n = rejoined, 7
        if n != 7:
            return None, f"row {g.label[:24]!r} has {n} numbers, not 7"
        if m.metric in rows:
            return None, f"row {g.label[:24]!r} appears twice"
        rows[m.metric] = Group(g.label, g.raw, g.start, filled)
        if m.metric == "requests.carried_over_out":
            nxt = groups[i + 1] if i + 1 < len(groups) else None
            if nxt is not None and not nxt.label and any(not t.empty for t in nxt.values):
                return None, "numbers follow the last row without a label"
            break
    rows.pop("_other_heading", None)
    expected = T3_ROWS_2021 if (form == "2021" or "requests.other_other" in rows) else T3_ROWS_2019
    if expected is T3_ROWS_2019 and "requests.rejected_confirm" not in rows:
        expected = T3_ROWS_2019_SHORT  # a 2019-form version without 5.要求行政机关确认…
    missing = [m for m in expected if m not in rows]
    if missing:
        return None, f"{len(missing)} form row(s) missing ({', '.join(x.split('.')[1] for x in missing[:4])})"
    extra = [m for m in rows if m not in expected and m not in T3_SUBTOTALS
             and m != "requests.other_handling"]
    if extra:
        return None, "rows of both forms present"
    facts: list[Fact] = []
    for metric, g in rows.items():
        row_label = g.raw.strip()
        for key, tok in zip(APPLICANT_ORDER, g.values):
            facts.append(_fact(metric, tok, base, doc, "表三", row_label, _COL_LABELS[key], key))
    return facts, ""


def rejoin_split_digits(vals: list[Tok]) -> list[Tok] | None:
    """A 表三 row whose numbers a page split into digits ("2 0 0 0 0 0 1 2 1": 自然人 20 … 总计
    21, each digit in its own span) — rejoined only where the pieces stand one space apart and
    only as the one way of making 7 cells whose six applicant columns add up to the 总计."""
    n = len(vals)
    if not 7 < n <= 12 or any(not t.text.isdigit() for t in vals):
        return None
    glued = [vals[k + 1].start - vals[k].start - len(vals[k].text) <= 1 for k in range(n - 1)]
    found: list[list[list[Tok]]] = []
    for cuts in itertools.combinations(range(1, n), 6):
        if any(not glued[k - 1] for k in range(1, n) if k not in cuts):
            continue  # a join across a column gap
        bounds = (0, *cuts, n)
        parts = [vals[a:b] for a, b in zip(bounds, bounds[1:])]
        texts = ["".join(t.text for t in p) for p in parts]
        if any(len(p) > 1 and t.startswith("0") for p, t in zip(parts, texts)):
            continue
        if applicants_add_up([int(t) for t in texts]):
            found.append(parts)
    if len(found) != 1:
        return None
    out: list[Tok] = []
    for p in found[0]:
        digits = "".join(t.text for t in p)
        out.append(Tok("value", " ".join(t.text for t in p), p[0].start, parse_cell(digits)))
    return out


def _collapse_repeats(groups: list[Group]) -> list[Group]:
    """Drop a label group without numbers when the next group repeats the same label (a dump
    of merged label cells prints the label once per covered column)."""
    out: list[Group] = []
    for i, g in enumerate(groups):
        nxt = groups[i + 1] if i + 1 < len(groups) else None
        if not g.values and nxt is not None and norm(nxt.label).startswith(norm(g.label)) and g.label:
            continue
        out.append(g)
    return out


def _t3_by_count(groups: list[Group], base: int, doc: Document, form: str | None
                 ) -> tuple[list[Fact] | None, str | None, str]:
    values = [t for g in groups for t in g.values if not t.empty]
    n = len(values)
    if n not in (175, 161, 154):
        # one-cell-per-line dump: empty lines between the first and the last number are cells
        allv = [t for g in groups for t in g.values]
        idx = [i for i, t in enumerate(allv) if not t.empty]
        if idx and any(t.empty for t in allv):
            inner = allv[idx[0]:idx[-1] + 1]
            if len(inner) in (175, 161, 154):
                values, n = inner, len(inner)
    if n == 175 and form in (None, "2021"):
        order, f = T3_ROWS_2021, "2021"
    elif n == 161 and form in (None, "2019"):
        order, f = T3_ROWS_2019, "2019"
    elif n == 154 and form in (None, "2019") and not any(
            "确认或重新出具" in g.label or "重新出具" in g.label for g in groups):
        order, f = T3_ROWS_2019_SHORT, "2019"
    else:
        return None, None, f"{n} numbers in the table region, the form needs 175 (2021) or 161 (2019)"
    facts: list[Fact] = []
    for i, metric in enumerate(order):
        for k, key in enumerate(APPLICANT_ORDER):
            tok = values[i * 7 + k]
            facts.append(_fact(metric, tok, base, doc, "表三", _form_row_label(metric),
                               _COL_LABELS[key], key))
    return facts, f, ""


# --- 表四 --------------------------------------------------------------------------------


_T4_OUTCOMES = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
_T4_LABELS = tuple(g + k for g in ("行政复议 ", "行政诉讼 未经复议直接起诉 ", "行政诉讼 复议后起诉 ")
                   for k in _T4_OUTCOMES)


#: 表四's section heading as reports word it (、 , 与 和 及 between the two): the region starts
#: after the last one before the table, so a table of contents that words it otherwise must
#: not be taken for it
_T4_STARTS = tuple(f"{p}行政复议{sep}行政诉讼情况" for p in ("政府信息公开", "") for sep in "、,与和及")


def _t4_header_readable(nreg: str) -> bool:
    """表四's column header is there in words: 结果维持, 尚未审结 (or its two halves, where a cell
    wrapped "尚未 / 审结" and the line between them belongs to the other columns) and the
    litigation columns. Its 15 columns are then the form's, in the form's order."""
    pending = "尚未审结" in nreg or ("尚未" in nreg and "审结" in nreg.split("尚未", 1)[1])
    return "结果维持" in nreg and pending and ("复议后起诉" in nreg or "直接起诉" in nreg)


def flat_t4(seg: Segment, doc: Document) -> tuple[list[Fact], list[Finding], bool]:
    """表四 from text: exactly 15 numbers under the 行政复议 / 行政诉讼 header."""
    # (confirmed by a second header word close by: a wrapped header may part 结果纠正 / 尚未审结)
    reg = _region(seg, doc, ("结果维持", "尚未审结"), confirm=("结果纠正", "尚未审结", "其他结果", "直接起诉",
                                                             "复议后起诉"),
                  window=40, starts=_T4_STARTS, ends=("存在的主要问题", "五、", "主要问题及改进"), after_start=True)
    if reg is None:
        return _t4_canonical(seg, doc)
    region, base = reg
    if not _t4_header_readable(norm(region)):
        return _t4_canonical(seg, doc)  # no readable 表四 header (maybe garbled, maybe none)
    start = NormText(region).find("行政复议")
    sub = region[max(start, 0):]
    base += max(start, 0)
    cpl = looks_cell_per_line(sub, 20)
    toks = tokenize_cells_per_line(sub) if cpl else tokenize(sub)
    values = [t for t in toks if t.kind == "value" and not t.empty]
    if len(values) != 15:
        # the unbroken run of cells right under the header (a note may follow the table)
        first = next((i for i, t in enumerate(toks) if t.kind == "value" and not t.empty), None)
        if first is not None:
            hdr_end = max((i for i in range(first) if toks[i].kind == "label"), default=-1)
            run: list[Tok] = []
            for t in toks[hdr_end + 1:]:
                if t.kind != "value":
                    break
                run.append(t)
            while run and run[-1].empty:
                run.pop()
            filled = [t for t in run if not t.empty]
            if len(filled) == 15:
                values = filled
            elif cpl and len(run) == 15:
                values = run  # one-cell-per-line dump: the empty lines are blank cells
    if len(values) != 15:
        return [], [_unreadable("表四", f"{len(values)} numbers where the form has 15")], True
    facts = [_fact(m, t, base, doc, "表四", "", lab) for m, t, lab in zip(T4_METRICS, values, _T4_LABELS)]
    return facts, [], True


_T4_HEADER_CHARS = set("维持纠正审结总计复议诉")


def _t4_canonical(seg: Segment, doc: Document) -> tuple[list[Fact], list[Finding], bool]:
    """表四 whose header text came out garbled (PDF text laid out column by column prints
    "结果维持" one character per line): the 15 numbers in the form's fixed order.

    Only a run of exactly 15 numbers right under the 行政复议/行政诉讼 heading, after a header
    that holds the header's characters, and only when every group's 总计 equals the sum of its
    four outcomes — the one check that tells a shifted or partial run from the form's order.
    """
    nt = normtext(depipe(seg.text))
    k = nt.s.find("行政复议")
    while k >= 0:
        if "行政诉讼" in nt.s[k:k + 16]:
            got = _t4_run_after(seg, doc, nt.pos[k])
            if got is not None:
                return got
        k = nt.s.find("行政复议", k + 1)
    return [], [], False


def _t4_run_after(seg: Segment, doc: Document, at: int) -> tuple[list[Fact], list[Finding], bool] | None:
    region = depipe(seg.text[at:at + 3000])  # (a Markdown table pads its cells: wide)
    toks = tokenize(region)
    first = next((i for i, t in enumerate(toks) if t.kind == "value" and not t.empty), None)
    if first is None:
        return None
    header = "".join(t.text for t in toks[:first] if t.kind == "label")
    if not _T4_HEADER_CHARS <= set(header) or len(norm(header)) > 160:
        return None
    run: list[Tok] = []
    for t in toks[first:]:
        if t.kind != "value":
            break
        if not t.empty:
            run.append(t)
    if len(run) != 15 or any(t.value is None or t.value.kind != "number" for t in run):
        return None
    nums = [t.value.value for t in run if t.value is not None]
    for g in range(3):
        part = nums[g * 5:g * 5 + 5]
        if any(v is None for v in part) or part[4] != sum(part[:4]):  # type: ignore[operator]
            return [], [_unreadable("表四", "the header is unreadable and the 15 numbers under it do not "
                                            "add up group by group in the form's order")], True
    base = seg.offset + at
    facts = [_fact(m, t, base, doc, "表四", "", lab) for m, t, lab in zip(T4_METRICS, run, _T4_LABELS)]
    note = Finding("table_canonical_order", "info",
                   "表四: the header could not be read; the 15 numbers were placed in the form's order, "
                   "which each group's 总计 confirms")
    return facts, [note], True


# --- 表二 --------------------------------------------------------------------------------

_T2_NAMES = {"regulations": "规章", "normative_docs": "行政规范性文件", "licensing": "行政许可",
             "other_services": "其他对外管理服务事项", "penalty": "行政处罚", "coercion": "行政强制",
             "fees": "行政事业性收费", "procurement": "政府集中采购"}
_T2_BOUNDARY = {"第二十条第", "规章", "行政规范性文件", "规范性文件", "行政许可", "其他对外管理服务事项", "行政处罚",
                "行政强制", "行政事业性收费", "政府集中采购"}


def flat_t2(seg: Segment, doc: Document, wanted: set[str] | None = None, form_hint: str | None = None
            ) -> tuple[list[Fact], str | None, list[Finding], bool]:
    """表二 from text: each item label followed by exactly its form's number of cells.

    With ``wanted`` (metric ids) only those cells are read, row by row — used to complete a
    表二 whose grid was found only in part; otherwise the whole table or nothing.
    """
    reg = _region(seg, doc, ("第二十条第", "信息内容"), ("第二十条第", "信息内容"),
                  ("收到和处理政府信息公开申请情况", "三、收到和处理", "本年新收"),
                  confirm=("规章", "规范性文件", "行政许可", "制发", "新制作"), window=80)
    if reg is None:
        return [], None, [], False
    region, base = reg
    nreg = norm(region)
    if sum(1 for w in ("规章", "行政许可", "行政处罚", "行政强制", "信息内容") if w in nreg) < 3 or not any(
            w in nreg for w in ("制发件数", "废止件数", "现行有效件数", "新制作数量", "对外公开总数量",
                                "处理决定数量", "上一年项目数量", "收费金额")):
        return [], None, [], False  # no 表二 column header: prose about licensing etc.
    cpl = looks_cell_per_line(region, 20)
    toks = tokenize_cells_per_line(region) if cpl else tokenize(region)
    groups = group_tokens(toks, _T2_BOUNDARY)
    kinds = {k for g in groups for k in [classify_t2_header(w) for w in _rx(r"\s+").split(g.raw)] if k}
    form = form_hint
    if form is None and kinds & {"made", "repealed", "in_force", "fee_amount"}:
        form = "2021"
    elif form is None and kinds & {"new_made", "new_published", "published_total", "prev_items", "proc_projects"}:
        form = "2019"
    placed_by_column: list[Finding] = []
    if not cpl and form in T2_LAYOUT:
        raw = seg.text[base - seg.offset:base - seg.offset + len(region)]
        moved = _t2_lone_numbers(region, toks, form, raw if "|" in raw else None)
        if moved is not None:
            toks, note = moved
            groups = group_tokens(toks, _T2_BOUNDARY)
            placed_by_column.append(note)
    items: dict[str, Group] = {}
    headers: dict[str, list[str]] = {}  # item → the column kinds printed above it
    cur_kinds: list[str] = []
    block = 0  # the header block (第二十条第（…）项 and its rows) a group is in
    block_of: dict[str, int] = {}
    spoilt: dict[int, str] = {}  # block → why its rows cannot be trusted
    seen_header = False
    orphan: tuple[list[Tok], str | None] | None = None  # numbers right after a header, no row yet
    for g in groups:
        item = match_t2_item(_tail_item(g.label))
        ks = [k for k in (classify_t2_header(w) for w in g.raw.split()) if k] if item is None else []
        if ks or (item is None and "第二十条" in norm(g.label)):
            if seen_header and items and block in block_of.values():
                block += 1  # a new block starts with its header
            seen_header = True
        if item is None and not [t for t in g.values if not t.empty]:
            if ks:
                cur_kinds = ks
        if item is not None and cur_kinds:
            headers[item] = cur_kinds
        if item is None:
            vals_g = [t for t in g.values if not t.empty]
            why_g = f"numbers after an unrecognised label {g.label[:20]!r}" if (
                wanted is None and vals_g and items) else None
            orphan = None
            if vals_g and ks:
                # a row's numbers set above its label (a tall label cell centred lower): right
                # under the header, taken by the next row only if it has none and they fill it
                orphan = (vals_g, why_g)
                cur_kinds = ks
            elif why_g:
                spoilt.setdefault(block, why_g)
            continue
        if orphan is not None:
            o_vals, o_why = orphan
            orphan = None
            need = len(dict(T2_LAYOUT[form]).get(item, ())) if form in T2_LAYOUT else 0
            if need and len(o_vals) == need and not [t for t in g.values if not t.empty]:
                g = Group(g.label, g.raw, g.start, list(o_vals))
            elif o_why:
                spoilt.setdefault(block, o_why)
        if item in items:
            if wanted is None:
                return [], form, [_unreadable("表二", f"item {g.label!r} appears twice")], True
            continue
        items[item] = g
        block_of[item] = block
    if form is None:
        total = sum(len([t for t in g.values if not t.empty]) for g in items.values())
        form = "2021" if total == 10 else "2019" if total == 22 else None
    if form is None:
        return [], None, [_unreadable("表二", "cannot tell the 2021 from the 2019 form")], True
    facts: list[Fact] = []
    findings: list[Finding] = []
    blocks_read: dict[int, list[Fact]] = {}
    for item, kinds_of in T2_LAYOUT[form]:
        metrics = [T2_METRICS[(item, k)] for k in kinds_of]
        if wanted is not None and not set(metrics) & wanted:
            continue
        g = items.get(item)
        if g is None:
            why = f"row {_T2_NAMES[item]} not found"
        elif wanted is None and block_of[item] in spoilt:
            continue  # reported once for its block below
        else:
            vals = [t for t in g.values if not t.empty]
            if len(vals) != len(kinds_of) and len(g.values) == len(kinds_of):
                vals = g.values  # one-cell-per-line dump: empty lines are blank cells
            if len(vals) != len(kinds_of):
                vals = _by_header(vals, headers.get(item, []), kinds_of) or vals
            if not g.values:  # the label with nothing after it: every cell of the row blank
                vals = [Tok("value", "", g.start + len(g.raw), CellValue("blank"))] * len(kinds_of)
            if len(vals) == len(kinds_of):
                for kind, tok in zip(kinds_of, vals):
                    metric = T2_METRICS[(item, kind)]
                    if wanted is not None and metric not in wanted:
                        continue
                    unit, scale = "count", 1.0
                    if kind in T2_MONEY_KINDS:
                        unit = "cny"
                        cv = tok.value
                        scale = {"万": 1e4, "亿": 1e8, "元": 1.0}.get((cv.unit if cv else None) or "", 1e4)
                    fact = _fact(metric, tok, base, doc, "表二", _tail_item(g.label),
                                 _T2_KIND_LABELS[kind], "", unit, scale)
                    facts.append(fact)
                    blocks_read.setdefault(block_of.get(item, -1), []).append(fact)
                continue
            why = f"row {g.label!r} has {len(vals)} numbers, the {form} form has {len(kinds_of)}"
            if wanted is None and block > 0:
                # a number moved out of this row (or into it) stays inside its block: the block
                # is left out, the other blocks (each with its own header) are read
                spoilt.setdefault(block_of[item], why)
                continue
        if wanted is None:
            return [], form, [_unreadable("表二", why)], True
        findings.append(_unreadable("表二", why))
    if wanted is None and spoilt:
        if not block:
            return [], form, [_unreadable("表二", next(iter(spoilt.values())))], True
        bad = {f.key for b in spoilt for f in blocks_read.get(b, [])}
        facts = [f for f in facts if f.key not in bad]
        left = sorted({m for it, b in block_of.items() if b in spoilt for k in dict(T2_LAYOUT[form]).get(it, ())
                       for m in [T2_METRICS[(it, k)]]})
        findings += [Finding("table_unreadable", "warning",
                             f"表二 (flattened text): {why}; the rows under that header were not stored",
                             left) for why in spoilt.values()]
        if not facts:
            return [], form, [_unreadable("表二", next(iter(spoilt.values())))], True
    if facts and placed_by_column:
        findings += placed_by_column
    return facts, form, findings, True


def _t2_check(kinds_of: tuple[str, ...]) -> Callable[[RowLine, list[int]], bool]:
    """What a 表二 row placed by column must satisfy, whatever the numbers: no more published
    this year than published in all (2019 form), and last year's items plus the year's change
    not below zero."""
    def check(toks: list[Tok], cols: list[int]) -> bool:
        v = {k: _count(toks[i]) for k, i in zip(kinds_of, cols)}
        if v.get("new_published") is not None and v.get("published_total") is not None:
            if v["new_published"] > v["published_total"]:
                return False
        if v.get("prev_items") is not None and v.get("change") is not None:
            if v["prev_items"] + v["change"] < 0:
                return False
        return True
    return check


def _pipe_cells(line: str) -> list[tuple[int, int]]:
    """Spans of the cells of a Markdown table line (between its pipes); [] if it is not one."""
    if not line.lstrip().startswith("|"):
        return []
    bars = [k for k, ch in enumerate(line) if ch == "|"]
    return [(a + 1, b) for a, b in zip(bars, bars[1:])]


def _t2_pipe_gaps(raw: str, starts: list[int], toks: list[Tok], r: RowLine,
                  header: list[str | None] | None, kinds_of: tuple[str, ...]) -> set[int] | None:
    """The columns a Markdown 表二 row leaves empty, told by its cells; None if not certain.

    A cell's column is the header cell above it in a table of as many cells, else its place
    after the label when the row has exactly the form's cells after it; a number outside a
    column's cell, two in one cell or an empty cell that names no column make it uncertain.
    """
    ls = starts[r.line]
    end = raw.find("\n", ls)
    line = raw[ls:end if end >= 0 else len(raw)]
    cells = _pipe_cells(line)
    if not cells:
        return None

    def cell_of(off: int) -> int | None:
        return next((j for j, (a, b) in enumerate(cells) if a <= off - ls < b), None)

    lab = {cell_of(toks[i].start) for i in r.labels}
    if len(lab) != 1 or None in lab:
        return None
    label_cell = lab.pop()
    after = list(range(label_cell + 1, len(cells)))
    named = {j: kinds_of.index(k) for j in after for k in [header[j]] if k in kinds_of} \
        if header is not None and len(header) == len(cells) else {}
    colmap = named
    if len(named) < len(kinds_of):
        if len(after) != len(kinds_of):
            return None
        colmap = {j: j - label_cell - 1 for j in after}
        if any(colmap[j] != c for j, c in named.items()):
            return None  # the header above names another column for a cell
    if sorted(colmap.values()) != list(range(len(kinds_of))):
        return None
    used = [cell_of(toks[i].start) for i in r.values]
    if None in used or len(set(used)) != len(used) or any(j not in colmap for j in used):
        return None
    cols = [colmap[j] for j in used]
    if cols != sorted(cols):
        return None
    for j in after:  # a cell under no column must be empty
        if j not in colmap and line[cells[j][0]:cells[j][1]].strip():
            return None
    return set(range(len(kinds_of))) - set(cols)


def _t2_by_pipe_gaps(raw: str, starts: list[int], toks: list[Tok], rows: list[RowLine], lone: list[int],
                     kinds_of: tuple[str, ...], head_line: int | None,
                     check: Callable[[list[Tok], list[int]], bool]) -> dict[int, tuple[int, int]] | None:
    """Lone numbers (a line of plain text between Markdown table rows) into the empty cells of
    the rows right above or below them, where the cells name the column and one way fits."""
    header: list[str | None] | None = None
    if head_line is not None:
        ls = starts[head_line]
        line = raw[ls:raw.find("\n", ls)]
        header = [classify_t2_header(line[a:b]) for a, b in _pipe_cells(line)]
    for i in lone:
        if _pipe_cells(raw[starts[line_of(starts, toks[i].start)]:raw.find("\n", toks[i].start)]):
            return None  # numbers alone in a table row: their cells are the question, not the answer
    gaps: dict[int, set[int]] = {}
    for ri, r in enumerate(rows):
        if len(r.values) < len(kinds_of):
            g = _t2_pipe_gaps(raw, starts, toks, r, header, kinds_of)
            if g is not None and len(g) == len(kinds_of) - len(r.values):
                gaps[ri] = g
    near = neighbour_rows(starts, toks, rows, lone)
    # only a line touching the row (no blank line between: a page number stands apart)
    options = [[(ri, j) for ri in near.get(i, []) if ri in gaps
                and abs(rows[ri].line - line_of(starts, toks[i].start)) == 1 for j in sorted(gaps[ri])]
               for i in lone]
    placed = assign(lone, options, gaps)
    if placed is None:
        return None
    for ri in {ri for ri, _ in placed.values()}:
        cols = row_columns(placed, ri, rows[ri], len(kinds_of))
        if cols is None or not check(toks, cols):
            return None
    return placed


def _t2_lone_numbers(region: str, toks: list[Tok], form: str, raw: str | None = None
                     ) -> tuple[list[Tok], Finding] | None:
    """表二 tokens with numbers printed on a line of their own moved into their row, or None.

    Layout text dumps (``pdftotext -layout``) print a cell set higher or lower than its row on a
    line of its own; its column is told by the character position it shares with the column's
    header words and the other rows' numbers (see :mod:`etl.extract.aligned`). Blocks are the
    form's 第二十条第（…）项 parts, each with its own header and column positions.
    """
    starts = line_starts(region)
    by_line: dict[int, list[int]] = {}
    for i, t in enumerate(toks):
        by_line.setdefault(line_of(starts, t.start), []).append(i)
    layout = dict(T2_LAYOUT[form])
    block_word = "第二十条" if "第二十条" in norm(region) else "信息内容"
    block = 0
    blocks: dict[int, tuple[list[RowLine], list[int], list[tuple[int, str]]]] = {}
    kinds_in: dict[int, set[tuple[str, ...]]] = {}
    pipe_head: dict[int, int] = {}  # block → its last Markdown header line
    for ln in sorted(by_line):
        idx = by_line[ln]
        text = norm("".join(toks[i].text for i in idx if toks[i].kind == "label"))
        if block_word in text:
            block += 1
        rows, lone, heads = blocks.setdefault(block, ([], [], []))
        vals = [i for i in idx if toks[i].kind == "value"]
        if vals and len(vals) == len(idx):
            if all(toks[i].value is not None and toks[i].value.kind == "number" for i in vals):
                lone += vals
            else:
                blocks[block] = (rows, lone + [-1], heads)  # a blank mark alone: not sure
            continue
        labels = [i for i in idx if toks[i].kind == "label"]
        if vals and labels and max(labels) < min(vals):
            item = match_t2_item(_tail_item("".join(toks[i].text for i in labels)))
            if item in layout:
                rows.append(RowLine(ln, labels, vals, len(layout[item]), item))
                kinds_in.setdefault(block, set()).add(layout[item])
                continue
        heads += [(i, k) for i in labels for k in [classify_t2_header(toks[i].text)] if k]
        if raw is not None and heads and _pipe_cells(raw[starts[ln]:raw.find("\n", starts[ln])]):
            pipe_head[block] = ln
    placed_all: dict[int, tuple[RowLine, int]] = {}
    for b, (rows, lone, heads) in blocks.items():
        if not lone or -1 in lone or len(kinds_in.get(b, ())) != 1:
            continue
        kinds_of = next(iter(kinds_in[b]))
        anchors = [(i, kinds_of.index(k)) for i, k in heads if k in kinds_of]
        check = _t2_check(kinds_of)
        placed = place_lone_numbers(region, toks, rows, lone, anchors, len(kinds_of),
                                    lambda r, cols: check(toks, cols))
        if placed is None and raw is not None:
            placed = _t2_by_pipe_gaps(raw, starts, toks, rows, lone, kinds_of, pipe_head.get(b), check)
        if placed is None:
            continue
        for t, (ri, j) in placed.items():
            placed_all[t] = (rows[ri], j)
    if not placed_all:
        return None
    rebuilt: dict[int, list[int]] = {}  # first value token of a row → the row's values in order
    skip: set[int] = set(placed_all)
    for r in {id(r): r for r, _ in placed_all.values()}.values():
        mine = {t: (0, j) for t, (rr, j) in placed_all.items() if rr is r}
        cols = row_columns(mine, 0, r, r.ncols)
        if cols is None:
            return None
        rebuilt[r.values[0]] = cols
        skip |= set(r.values)
    out = _reordered(toks, rebuilt, skip)  # (each rebuilt row's first token is in skip)
    cells = ", ".join(f"{_T2_NAMES[r.key]} / {_T2_KIND_LABELS[dict(T2_LAYOUT[form])[r.key][j]]} {toks[t].text}"
                      for t, (r, j) in sorted(placed_all.items()))
    note = Finding("cell_placed_by_column", "info",
                   f"表二 (flattened text): {len(placed_all)} number(s) printed on a line of their own placed "
                   f"in the only row and column they line up with ({cells})",
                   sorted(T2_METRICS[(r.key, dict(T2_LAYOUT[form])[r.key][j])] for r, j in placed_all.values()))
    return out, note


def _by_header(vals: list[Tok], header: list[str], kinds_of: tuple[str, ...]) -> list[Tok] | None:
    """The row's cells in form order, read through the header printed above it.

    A dump of merged cells repeats a merged value ("行政许可 746 746 746" under a header
    merged over three columns): the header then names the same column kind several times,
    and the repeats must agree — otherwise nothing is read.
    """
    if not header or len(vals) != len(header):
        return None
    by_kind: dict[str, Tok] = {}
    for kind, tok in zip(header, vals):
        have = by_kind.get(kind)
        if have is None:
            by_kind[kind] = tok
        elif (have.value.value if have.value else None) != (tok.value.value if tok.value else None):
            return None
    if not all(k in by_kind for k in kinds_of):
        return None
    return [by_kind[k] for k in kinds_of]


_T2_KIND_LABELS = {
    "made": "本年制发件数", "repealed": "本年废止件数", "in_force": "现行有效件数",
    "new_made": "本年新制作数量", "new_published": "本年新公开数量", "published_total": "对外公开总数量",
    "prev_items": "上一年项目数量", "change": "本年增/减", "decisions": "处理决定数量",
    "fee_amount": "本年收费金额（单位：万元）", "proc_projects": "采购项目数量",
    "proc_amount": "采购总金额",
}


def _tail_item(label: str) -> str:
    """The item name at the end of a label group (header words may precede it)."""
    s = norm(label)
    for w in sorted(_T2_BOUNDARY, key=len, reverse=True):
        if s.endswith(w):
            return w
    return s


# --- TAB-separated table lines in plain text ---------------------------------------------


def tab_tables(seg: Segment) -> list[Table]:
    """Pseudo tables from runs of TAB-separated lines (text dumps of a grid keep empty cells)."""
    tables: list[Table] = []
    rows: list[list[str]] = []
    first = None
    gap = 0
    pos = 0
    short: list[str] = []  # a label printed one character per line between grid rows
    for line in seg.text.split("\n"):
        start = pos
        pos += len(line) + 1
        if line.count("\t") >= 1 and line.strip():
            if first is None:
                first = start
            if short:
                rows.append(["".join(short)])
                short = []
            rows.append(line.rstrip("\r").split("\t"))
            gap = 0
            continue
        if rows and 0 < len(line.strip()) <= 2 and not line.strip().isdigit() and len(short) < 40:
            short.append(line.strip())
            continue
        if rows and (not line.strip() or _PAGE_LINE_RE.match(line) or _rx(r"\s*\d{1,3}\s*").fullmatch(line)) and gap < 3:
            gap += 1
            continue
        if rows:
            tables.append(Table(rows=rows, offset=seg.offset + (first or 0)))
        rows, first, gap, short = [], None, 0, []
    if rows:
        tables.append(Table(rows=rows, offset=seg.offset + (first or 0)))
    return [t for t in tables if len(t.rows) >= 2]
