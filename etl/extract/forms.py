"""Standard-form parsing: 表二 / 表三 / 表四 of a report segment → facts, form and findings.

Rows and columns are identified by their printed labels (see ``etl.extract.formlabels``), never by
position alone, because real reports add, drop, merge and wrap rows and columns. Where no
table grid survived (plain text, PDF text extraction) ``etl.extract.flatrun`` reads the flattened text,
and only where the count of numbers fits the form exactly.

Contract (docs/ARCHITECTURE.md): ``parse_forms(seg, doc) -> (facts, form, findings)`` with form
"2021" / "2019", or None when the segment has no form tables.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from etl.extract.checks import COLUMNS, outcome_parts
from etl.extract.checks import all_values as check_all
from etl.extract.checks import get_value as check_get
from etl.extract.flatrun import flat_t2, flat_t3, flat_t3_rows, flat_t4, tab_tables
from etl.extract.formlabels import (
    APPLICANT_ORDER,
    T2_KINDS_2019,
    T2_KINDS_2021,
    T2_LAYOUT,
    T2_METRICS,
    T3_ROWS_2019,
    T3_ROWS_2021,
    T2_MONEY_KINDS,
    T3_ITEMS,
    T4_METRICS,
    SECTION_METRIC,
    CellValue,
    applicant_hits,
    applicants_add_up,
    classify_t2_header,
    item_by_head,
    classify_t4_header,
    match_t2_item,
    match_by_order,
    match_t3_label,
    norm,
    parse_cell,
    table_kind,
)
from etl.read.recache import compile as _rx
from etl.model import Document, Evidence, Fact, Finding, Segment, Table

NOTICE_2021_RE = _rx(r"[(\[]2021[)\]]30号|2021年?新?版.{0,6}格式|2021.{0,3}年度报告格式")
_CJK_RE = _rx(r"[\u4e00-\u9fff]")
_PAGE_NO_RE = _rx(r"^\s*(?:[-—–]\s*\d+\s*[-—–]|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\d{1,3})\s*$")


@dataclass
class TableCtx:
    """Where a table sits, for evidence (and where each of its rows starts in the text)."""

    name: str
    page: int | None
    offset: int | None
    row_starts: list[int] | None = None
    text: str = ""

    def cell_offset(self, r: int | None, j: int | None, rows: list[list[str]] | None = None) -> int | None:
        """Offset of cell (r, j) in Document.text when the reader rendered the table there
        (one row per line, TAB between cells); else the table's offset."""
        if r is None or j is None or self.row_starts is None or rows is None or r >= len(rows):
            return self.offset
        pos = self.row_starts[r] + sum(len(c or "") + 1 for c in rows[r][:j])
        raw = rows[r][j] if j < len(rows[r]) else ""
        if raw and self.text[pos:pos + len(raw)] != raw:
            return self.offset
        return pos


def _ctx(name: str, t: Table, doc: Document) -> TableCtx:
    page = t.page
    if page is None and t.offset is not None and doc.pages:
        page = doc.page_at(t.offset)
    starts: list[int] | None = None
    if t.offset is not None and t.rows:
        first = "\t".join(c or "" for c in t.rows[0])
        if doc.text.startswith(first, t.offset):
            starts, pos = [], t.offset
            for row in t.rows:
                starts.append(pos)
                pos += len("\t".join(c or "" for c in row)) + 1
    return TableCtx(name, page, t.offset, starts, doc.text if starts else "")


def _clean_label(text: str | None) -> str:
    """A printed label made readable: line breaks inside CJK words removed."""
    if not text:
        return ""
    s = _rx(r"(?<=[^\x00-\x7f])\s*\n\s*(?=[^\x00-\x7f])").sub("", text)
    return _rx(r"\s+").sub(" ", s).strip()


def _distinct(cells: list[str]) -> list[str]:
    """Cells in order, without the repeats that merge expansion produced."""
    out: list[str] = []
    seen: set[str] = set()
    for c in cells:
        c = (c or "").strip()
        if not c:
            continue
        n = norm(c)
        if n not in seen:
            seen.add(n)
            out.append(c)
    return out


def make_fact(metric: str, cell: CellValue, raw: str, ctx: TableCtx, row_label: str,
              col_label: str, breakdown: str = "", unit: str = "count", scale: float = 1.0,
              offset: int | None = None) -> Fact:
    """A fact for one printed cell (value None for a blank cell)."""
    value = None if cell.value is None else cell.value * scale
    if value is not None and abs(value - round(value)) < 1e-6:
        value = float(round(value))
    return Fact(
        metric=metric,
        value=value,
        breakdown=breakdown,
        unit=unit,
        approx=cell.approx,
        evidence=Evidence(raw_text=raw if raw is not None else "",
                          offset=ctx.offset if offset is None else offset, page=ctx.page,
                          table=ctx.name, row_label=row_label or None, col_label=col_label or None),
        note=cell.note,
    )


def _cellname(metric: str, breakdown: str) -> str:
    return f"{metric}[{breakdown}]" if breakdown else metric


# --- 表三 --------------------------------------------------------------------------------


@dataclass
class T3Result:
    facts: list[Fact] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    form: str | None = None
    rows: set[str] = field(default_factory=set)


def _t3_colmap(header_rows: list[list[str]]) -> tuple[dict[str, int], dict[str, str], dict[str, list[int]]]:
    """Applicant key → column index, from header rows (merged cells repeated or blank), with
    each key's printed label and the other columns that repeat it.

    Each column is named by its lowest non-empty header cell, as a reader of a multi-row header
    reads it: a parent cell (自然人 spanning two columns by a wrong colspan) yields to the cell
    under it (商业企业). A leaf name repeated over several columns keeps its first column; the
    others are returned as repeats, because a header cell spread over two columns by a wrong
    colspan leaves a phantom column in every data row, and which of the two holds the value is
    certain only where both read the same.
    """
    width = max((len(r) for r in header_rows), default=0)
    colmap: dict[str, int] = {}
    labels: dict[str, str] = {}
    repeated: dict[str, list[int]] = {}
    for j in range(width):
        cells = [r[j] for r in header_rows if j < len(r) and r[j]]
        hits = next((h for h in map(applicant_hits, reversed(cells)) if h), [])
        if len(hits) > 1:
            return {}, {}, {}  # header cells do not line up with columns (merges collapsed)
        if not hits and len(cells) > 1:
            # a name wrapped over the header rows (自 / 然人, 法律 / 服务机构) reads whole top-down
            joined = applicant_hits("".join(cells))
            hits = joined if len(joined) == 1 else []
        if not hits:
            continue
        key = hits[0]
        if key not in colmap:
            colmap[key] = j
            labels[key] = _clean_label(cells[-1])
        else:
            repeated.setdefault(key, []).append(j)
    return colmap, labels, repeated


_T3_HEADER_WORDS = ("自然人", "申请人情况", "商业企业", "科研机构", "社会公益", "法律服务机构")


def _is_t3_header_row(row: list[str]) -> bool:
    """A header row names applicant columns (自然人 / 商业企业 …); data rows never do."""
    text = norm("".join(c or "" for c in row))
    return any(w in text for w in _T3_HEADER_WORDS)


@dataclass
class _T3Row:
    metric: str | None  # None: a row with numbers whose label matched nothing
    parsed: list[tuple[str, CellValue, str, str, int | None]]
    ctx: TableCtx
    label: str
    row_label: str
    context: str | None = None  # the section the rows above it were in
    #: a line of numbers without any label stood right above / below it (a split tall row)
    bare_before: bool = False
    bare_after: bool = False
    #: the label's cells (section, row label …), as read into ``label``
    label_parts: tuple[str, ...] = ()


def parse_t3_tables(tables: list[Table], doc: Document) -> T3Result:
    """Read the 表三 grid from one or more consecutive tables (a page break continues the grid)."""
    res = T3Result()
    colmap: dict[str, int] = {}
    col_labels: dict[str, str] = {}
    repeated: dict[str, list[int]] = {}
    width = 0
    context: str | None = None
    pending_other_blank: tuple[list[tuple[str, CellValue, str, str, int | None]], TableCtx, str] | None = None
    records: list[_T3Row] = []
    bare: set[int] = set()  # n: a line of numbers without any label stood before records[n]
    shift_hint = [0]  # the displacement of the last row with numbers (for all-blank rows)
    for t in tables:
        ctx = _ctx("表三", t, doc)
        shift_hint[0] = 0  # each table (page) has its own geometry
        rows = [list(r) for r in t.rows if any((c or "").strip() for c in r)]
        index = [i for i, r in enumerate(t.rows) if any((c or "").strip() for c in r)]
        rows, index = _split_stacked_rows(rows, index)
        header = [r for r in rows if _is_t3_header_row(r)]
        if header:
            # the top rows of a header whose names wrapped (自 / 然人) carry no header word of
            # their own: the rows without numbers right above the first header row belong to it
            k = next(i for i, r in enumerate(rows) if r is header[0])
            while k > 0 and not any(parse_cell(c).kind == "number" for c in rows[k - 1]) and \
                    len(rows[k - 1]) == len(header[0]):
                k -= 1
                header.insert(0, rows[k])
            cm, cl, rep = _t3_colmap(header)
            if len(cm) == 7 or ("" in cm and len(cm) >= 2):
                colmap, col_labels, repeated = cm, cl, rep
                width = max(len(r) for r in header)
        trim = 0
        if not colmap:
            # no header to name the columns: a trailing column empty in every row is not part
            # of the form (e.g. 备注), so counting 7 cells from the right must skip it
            while rows and all(len(r) > trim + 8 and not (r[-1 - trim] or "").strip() for r in rows):
                trim += 1
        for ri, row in zip(index, rows):
            if trim:
                row = row[:-trim]
            if _is_t3_header_row(row):
                continue
            if all(_PAGE_NO_RE.match(c or "") or not (c or "").strip() for c in row):
                continue
            if any(_rx(r"\d").search(c or "") for c in row) and not any(_CJK_RE.search(c or "") for c in row):
                bare.add(len(records))  # numbers on a line of their own, between two records
                if records:
                    records[-1].bare_after = True
            if (len(_distinct(row)) == 1 and parse_cell(_distinct(row)[0]).kind == "text"
                    and sum(1 for c in row if not (c or "").strip()) < 7):
                # a section label on its own line (printed vertically outside the grid)
                m1 = match_t3_label(_distinct(row)[0], context)
                if m1.section:
                    context = m1.section
                continue
            cm_row, rep_row = colmap, repeated
            row = _unstack(row, colmap, width)
            if width and len(row) != width and _in_form_order(colmap) and _seven_at_right(row):
                # a header from a grid of another width (the page before, or a header whose
                # merged cells overlap) names the form's 7 columns in the form's order, and
                # this row's 7 cells stand at its right: they are those columns
                cm_row, rep_row = {}, {}
            cells = _t3_value_cells(row, cm_row, width, shift_hint)
            if cells is None:
                if _t3_too_many_numbers(row, cm_row):
                    res.findings.append(Finding(
                        "t3_columns_uncertain", "warning",
                        f"表三: row {_clean_label((_distinct(row) or [''])[0])[:40]!r} has more "
                        "numbers than the form has columns and no readable header; not stored",
                    ))
                continue
            label_cells, values = cells
            if width and len(row) != width and len(cm_row) == 7 and any(
                    parse_cell(raw).kind == "text" for _k, _j, raw in values):
                # the row is narrower or wider than the header and counting its cells from the
                # right puts a word (a label's tail, two numbers in one cell) under a value
                # column: the other cells' columns are no more certain than that one's
                res.findings.append(Finding(
                    "t3_columns_uncertain", "warning",
                    f"表三: row {_clean_label((_distinct(row) or [''])[0])[:40]!r} has {len(row)} cells "
                    f"under a header of {width} and text where a number belongs; not stored",
                ))
                continue
            if rep_row:
                values = _check_repeated(row, values, cm_row, rep_row)
            label_raw = _label_order(_distinct(label_cells))
            label = "".join(label_raw)
            row_label = _clean_label(" ".join(label_raw))
            parsed = [(key, parse_cell(raw), raw, col_labels.get(key) or _default_col(key),
                       ctx.cell_offset(ri, j, t.rows)) for key, j, raw in values]
            has_number = any(p[1].kind == "number" for p in parsed)
            has_text = any(p[1].kind == "text" for p in parsed)
            before = context
            m = match_t3_label(label, context)
            if m.section:
                context = m.section
            if m.kind == "none":
                if has_number and not has_text:
                    records.append(_T3Row(None, parsed, ctx, label, row_label, before,
                                          label_parts=tuple(label_raw)))
                continue
            if has_text and not has_number:
                continue  # a title or header line that spans the value columns
            if m.kind == "heading" and not has_number:
                if m.section == "other":
                    pending_other_blank = (parsed, ctx, row_label)
                continue
            if m.metric is not None:
                records.append(_T3Row(m.metric, parsed, ctx, label, row_label, before))
    for n in bare:
        if n < len(records):
            records[n].bare_before = True
    records = _join_wrapped_labels(records)
    records = _join_repeated_fragments(records)
    _name_by_item_head(records)
    records = _drop_item_repeats(records)
    _place_by_order(records)
    records = _drop_blank_fragments(records)
    seen: dict[str, list[float | None]] = {}
    for rec in records:
        metric = rec.metric
        if metric is None:
            res.findings.append(Finding(
                "t3_unknown_row", "warning",
                f"表三: a row with numbers whose label is not a form row: {rec.label[:40]!r}; not stored",
            ))
            continue
        vals = [p[1].value for p in rec.parsed]
        if metric in seen:
            if seen[metric] != vals:
                res.findings.append(Finding(
                    "t3_duplicate_row", "warning",
                    f"表三: row {metric} printed twice with different numbers; the first is kept",
                    [metric],
                ))
            continue
        seen[metric] = vals
        res.rows.add(metric)
        for key, cell, raw, col_label, off in rec.parsed:
            if raw is _UNCERTAIN:
                res.findings.append(Finding(
                    "t3_columns_uncertain", "warning",
                    f"表三: cell {rec.row_label} / {col_label}: the header names two columns for it and "
                    "they hold different numbers; not stored",
                    [_cellname(metric, key)],
                ))
                continue
            if cell.kind == "text":
                res.findings.append(Finding(
                    "table_unreadable", "warning",
                    f"表三: cell {rec.row_label} / {col_label} is not a number ({raw!r}); not stored",
                    [_cellname(metric, key)],
                ))
                continue
            res.facts.append(make_fact(metric, cell, raw, rec.ctx, rec.row_label, col_label, key,
                                       offset=off))
    other_items = {"requests.other_no_correction", "requests.other_fee_unpaid", "requests.other_other"}
    if res.rows & other_items:
        res.form = "2021"
    elif "requests.other_handling" in res.rows:
        res.form = "2019"
    elif pending_other_blank is not None and res.rows:
        parsed, ctx, row_label = pending_other_blank
        res.form = "2019"
        res.rows.add("requests.other_handling")
        for key, cell, raw, col_label, off in parsed:
            if cell.kind != "text":
                res.facts.append(make_fact("requests.other_handling", cell, raw, ctx, row_label,
                                           col_label, key, offset=off))
    return res


_LABEL_START_RE = _rx(r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七]\)|\d{1,2}\.|[①-⑨])")


def _join_wrapped_labels(records: list[_T3Row]) -> list[_T3Row]:
    """A label that wrapped onto the next row of the grid, with the numbers beside its tail.

    Converters that split a wrapped label cell into rows print the label's first line over
    empty cells ("4.无正当理") and its rest beside the numbers ("由大量反复申请 0 0 …"). When an
    all-blank row is followed by a row with numbers whose label does not start like a form
    label (1. / （三） / 一、), the two labels are read as one; the blank row is dropped only
    when the joined label names a form row.
    """
    out: list[_T3Row] = []
    i = 0
    while i < len(records):
        rec = records[i]
        nxt = records[i + 1] if i + 1 < len(records) else None
        if (nxt is not None and rec.metric is not None and not rec.bare_after
                and all(p[1].kind == "blank" for p in rec.parsed)
                and any(p[1].kind == "number" for p in nxt.parsed)
                and not _LABEL_START_RE.match(norm(nxt.label))):
            m = match_t3_label(rec.label + nxt.label, rec.context)
            if m.kind == "row" and m.metric == rec.metric:
                out.append(_T3Row(m.metric, nxt.parsed, nxt.ctx, rec.label + nxt.label,
                                  _clean_label(rec.row_label + nxt.row_label), rec.context,
                                  rec.bare_before, nxt.bare_after))
                i += 2
                continue
        out.append(rec)
        i += 1
    return out


def _join_repeated_fragments(records: list[_T3Row]) -> list[_T3Row]:
    """One row whose label cell wrapped into several grid rows, its numbers repeated on each.

    A PDF that draws a rule under every line of a tall label cell gives one grid row per line
    ("5. 要求行政机" / "关确认或重新" / "出具已获取信" / "息"), and the numbers, one merged cell
    beside them, are repeated on each. Consecutive rows whose labels match no form row and
    whose cells hold exactly the same numbers are read as one row when their labels, joined
    line by line (a cell shared by all, the section's, kept once), name a form row.
    """
    out: list[_T3Row] = []
    i = 0
    while i < len(records):
        rec = records[i]
        j = i + 1
        if rec.metric is None and rec.label_parts:
            raws = [raw for _k, _c, raw, _l, _o in rec.parsed]
            while (j < len(records) and records[j].metric is None
                   and len(records[j].label_parts) == len(rec.label_parts)
                   and records[j].context == rec.context
                   and [raw for _k, _c, raw, _l, _o in records[j].parsed] == raws):
                j += 1
        if j - i >= 2:
            run = records[i:j]
            parts = []
            for col in zip(*(r.label_parts for r in run)):
                parts.append(col[0] if len(set(col)) == 1 else "".join(col))
            label = "".join(parts)
            m = match_t3_label(label, rec.context)
            if m.kind == "row" and m.metric is not None:
                out.append(_T3Row(m.metric, rec.parsed, rec.ctx, label,
                                  _clean_label(" ".join(parts)), rec.context,
                                  rec.bare_before, run[-1].bare_after, tuple(parts)))
                i = j
                continue
        out.append(rec)
        i += 1
    return out


def _name_by_item_head(records: list[_T3Row]) -> None:
    """Name an unrecognised row by the head of its label ("2.申请人逾期"), the rest cut off by
    a page break — only when no other unrecognised row follows it, which could hold the rest
    of the label and numbers of its own."""
    for i, rec in enumerate(records):
        nxt = records[i + 1] if i + 1 < len(records) else None
        if rec.metric is None and (nxt is None or nxt.metric is not None):
            metric = item_by_head(rec.label, rec.context)
            if metric is not None and not any(r.metric == metric for r in records):
                rec.metric = metric


_ITEM_SECTION = {metric: sec for sec, _n, _w, metric in T3_ITEMS}


def _drop_item_repeats(records: list[_T3Row]) -> list[_T3Row]:
    """A section's label alone between two of its items, repeating the numbers above: the
    second grid line of the item above (its label cell wrapped, or ran on to the next page),
    not the section's subtotal, which the form never prints between its own items."""
    out: list[_T3Row] = []
    for i, rec in enumerate(records):
        prev = out[-1] if out else None
        nxt = records[i + 1] if i + 1 < len(records) else None
        sec = next((s for s, m in SECTION_METRIC.items() if m == rec.metric), None)
        if (sec is not None and prev is not None and nxt is not None
                and _ITEM_SECTION.get(prev.metric or "") == sec == _ITEM_SECTION.get(nxt.metric or "")
                and any(p[1].kind == "number" for p in rec.parsed)
                and [p[2] for p in rec.parsed] == [p[2] for p in prev.parsed]):
            continue
        out.append(rec)
    return out


def _drop_blank_fragments(records: list[_T3Row]) -> list[_T3Row]:
    """Rows with no number at all that must not stand for a form row.

    A row broken across a page (Word lets a row split) leaves the tail of its label over
    empty cells on the next page; it must not become a blank copy of that row or of a row
    with a similar ending. An all-blank row counts only when its label starts like a form
    label (一、 / （三） / 1.) and no other row with numbers names the same metric.
    """
    with_numbers = {r.metric for r in records
                    if r.metric and any(p[1].kind == "number" for p in r.parsed)}
    # numbers on a grid line of their own, without a label, beside a label over empty cells:
    # a converter split a tall row into its label and its numbers, so the blank row is no row
    out = []
    for r in records:
        blank = r.metric is not None and all(p[1].kind == "blank" for p in r.parsed)
        if blank and (r.metric in with_numbers or not _LABEL_START_RE.match(norm(r.label))
                      or r.bare_before or r.bare_after):
            continue
        out.append(r)
    return out


def _place_by_order(records: list[_T3Row]) -> None:
    """Name an unrecognised row by the form's row order: only when it sits exactly between
    the two rows the form puts around it, and its label still resembles the missing row."""
    for i, rec in enumerate(records):
        if rec.metric is not None:
            continue
        prev = records[i - 1].metric if i > 0 else None
        nxt = records[i + 1].metric if i + 1 < len(records) else None
        if prev is None or nxt is None:
            continue
        m = match_by_order(rec.label, prev)
        if m.kind != "row" or m.metric is None:
            continue
        if any(o.index(prev) + 2 == o.index(nxt) and o[o.index(prev) + 1] == m.metric
               for o in (T3_ROWS_2021, T3_ROWS_2019) if prev in o and nxt in o):
            rec.metric = m.metric


def _default_col(key: str) -> str:
    from etl.metrics import APPLICANT_LABELS_ZH

    return APPLICANT_LABELS_ZH.get(key, key)


_TOP_RE = _rx(r"^[一二三四五六七八九十]+[、.]")
_SEC_RE = _rx(r"^\([一二三四五六七]\)")


def _label_order(cells: list[str]) -> list[str]:
    """Label cells ordered top level → section → item, as the form nests them.

    A wrong rowspan in the page can leave a section cell (（四）无法提供) to the right of the
    item it heads ("2.没有现成信息…"); read in grid order the label would end in the section
    word and name the section's subtotal instead of the item. The top level is also the tail
    of its own label cut by a page break ("三、本" | "年度办理结果" on the next page), which
    carries no number of its own.
    """
    def rank(c: str) -> int:
        n = norm(c)
        return 0 if _TOP_RE.match(n) or "办理结果" in n else 1 if _SEC_RE.match(n) else 2

    ranks = [rank(c) for c in cells]
    if ranks == sorted(ranks):
        return cells
    return [c for _, c in sorted(zip(ranks, cells), key=lambda x: x[0])]


class _Uncertain(str):
    """The raw text of a cell whose column is not certain (see :func:`_check_repeated`)."""


_UNCERTAIN = _Uncertain("")


def _check_repeated(row: list[str], values: list[tuple[str, int | None, str]], colmap: dict[str, int],
                    repeated: dict[str, list[int]]) -> list[tuple[str, int | None, str]]:
    """Values of keys whose header spans several columns: kept where all those columns read the
    same (a phantom column), else marked uncertain — never a guess between them."""
    out = []
    for key, j, raw in values:
        if key in repeated and j is not None:
            shift = j - colmap[key]
            others = [row[c + shift] if 0 <= c + shift < len(row) else "" for c in repeated[key]]
            mine = parse_cell(raw)
            if any(parse_cell(o).kind != mine.kind or parse_cell(o).value != mine.value for o in others):
                raw = _UNCERTAIN
        out.append((key, j, raw))
    return out


_ITEM_START = _rx(r"(?m)^[ \t]*(\d{1,2})[ \t]*[.．、]")
_NUMBERS_CELL = _rx(r"^\s*\d+(?:\s+\d+)+\s*$")


def _split_stacked_rows(rows: list[list[str]], index: list[int]) -> tuple[list[list[str]], list[int]]:
    """Grid rows that a converter stacked into one (two numbered labels in the label cell, each
    value cell two numbers one above the other), split back into the form's rows.

    A row is split only when its last 7 cells each hold the same number k ≥ 2 of numbers, its
    label holds exactly k consecutively numbered items (1. … 2. …), and every one of the k rows
    it makes has six applicant cells adding up to its 总计. Otherwise it stays as printed
    (and is not stored, its cells being text).
    """
    out_rows: list[list[str]] = []
    out_index: list[int] = []
    for ri, row in zip(index, rows):
        split = _split_stacked(row)
        for r in split or [row]:
            out_rows.append(r)
            out_index.append(ri)
    return out_rows, out_index


def _split_stacked(row: list[str]) -> list[list[str]] | None:
    if len(row) < 8 or not all(_NUMBERS_CELL.match(c or "") for c in row[-7:]):
        return None
    stacks = [(c or "").split() for c in row[-7:]]
    k = len(stacks[0])
    if k < 2 or any(len(st) != k for st in stacks):
        return None
    if any(parse_cell(c).kind == "number" for c in row[:-7]):
        return None
    label = "\n".join(c for c in row[:-7] if c)
    starts = list(_ITEM_START.finditer(label))
    if len(starts) != k or [int(m.group(1)) for m in starts] != list(range(int(starts[0].group(1)),
                                                                          int(starts[0].group(1)) + k)):
        return None
    prefix = label[:starts[0].start()]
    bounds = [m.start() for m in starts] + [len(label)]
    out = []
    for n in range(k):
        vals = [st[n] for st in stacks]
        if not applicants_add_up([int(v) for v in vals]):
            return None
        out.append([prefix + label[bounds[n]:bounds[n + 1]].strip("\n")] + vals)
    return out


_STACKED = _rx(r"^\s*(\d+)\s+(\d+)\s*$")


def _unstack(row: list[str], colmap: dict[str, int], width: int) -> list[str]:
    """A data row whose converter stacked two neighbouring cells into one ("1<br>0", "0 23"),
    split back into its columns.

    PDF-to-Markdown converters that lose a column boundary print the two numbers in one cell,
    and the row comes out one cell narrower than the header. The split is made only when it
    makes the row exactly as wide as the header and the six applicant columns, read by the
    header, then add up to the 总计: otherwise the row is left as printed (and not stored).
    """
    if not width or len(row) >= width or len(colmap) != 7:
        return row
    stacked = [j for j, c in enumerate(row) if _STACKED.match(c or "")]
    if not stacked or len(stacked) != width - len(row):
        return row
    out: list[str] = []
    for j, c in enumerate(row):
        m = _STACKED.match(c or "") if j in stacked else None
        out.extend([m.group(1), m.group(2)] if m else [c])
    vals = [parse_cell(out[colmap[k]]) for k in APPLICANT_ORDER]
    if any(v.kind != "number" or v.value is None for v in vals):
        return row
    if not applicants_add_up([v.value for v in vals]):  # type: ignore[misc]
        return row
    return out


def _t3_too_many_numbers(row: list[str], colmap: dict[str, int]) -> bool:
    """A row read without a header whose numbers outnumber the form's 7 columns."""
    return not colmap and sum(1 for c in row if parse_cell(c).kind == "number") > 7


def _content_width(row: list[str]) -> int:
    """Index after the last non-empty cell (readers pad every row to the grid's width)."""
    for j in range(len(row) - 1, -1, -1):
        if (row[j] or "").strip():
            return j + 1
    return 0


def _span_shift(row: list[str], colmap: dict[str, int], hint: list[int] | None = None) -> int:
    """Columns a data row is displaced by a wrong rowspan in the page's HTML/DOCX.

    Hand-edited CMS tables often carry a rowspan one too large (a label cell spills into the
    next row and pushes its cells right) or too small (the row's cells start one column early).
    Readers pad rows to one width, so this shows as numbers beyond the 总计 column, or numbers
    inside the label columns. The row's cells are then read right-aligned to the header — only
    when that leaves text labels on the left and exactly the 7 columns on the right.
    """
    last = max(colmap.values())
    first = min(colmap.values())
    cw = _content_width(row)
    kinds = [parse_cell(c).kind for c in row]

    def fits(sh: int) -> bool:
        # text labels on the left, no text in the 7 value columns, all inside the row
        return (0 < first + sh and last + sh < len(row)
                and "number" not in kinds[:first + sh]
                and all(kinds[j + sh] != "text" for j in colmap.values()))

    h = hint[0] if hint is not None else 0
    if "number" not in kinds:
        # a row without numbers shows no displacement of its own: the rows around it do
        return h if h and cw <= first + h and fits(h) else 0
    if cw > last + 1:
        shift = cw - (last + 1)
    elif cw and cw < last + 1 and "number" in kinds[:first]:
        shift = cw - (last + 1)
    else:
        shift = 0
    if fits(shift):
        return shift
    # e.g. a blank 总计 cell hides the row's displacement: that of the rows before
    return h if h and fits(h) else 0


def _t3_value_cells(row: list[str], colmap: dict[str, int], width: int, hint: list[int] | None = None
                    ) -> tuple[list[str], list[tuple[str, int | None, str]]] | None:
    """(label cells, [(applicant key, column, raw cell)]) of a data row, by header or form order.

    A complete header (7 columns) maps by name, right-aligned when a row is shorter or longer
    than the header (collapsed label cells). A partial header (e.g. only 自然人 / 总计 printed)
    is trusted only for rows exactly as wide as the header.
    """
    if colmap and (len(colmap) == 7 or (len(row) == width and "" in colmap and len(colmap) >= 2)):
        shift = len(row) - width if width and len(row) != width else 0
        if shift == 0 and len(colmap) == 7:
            shift = _span_shift(row, colmap, hint)
            if hint is not None and any(parse_cell(c).kind == "number" for c in row):
                hint[0] = shift
        first = min(colmap.values()) + shift
        if first <= 0:
            return None
        out = []
        for key in APPLICANT_ORDER:
            if key in colmap:
                j = colmap[key] + shift
                out.append((key, j if 0 <= j < len(row) else None, row[j] if 0 <= j < len(row) else ""))
        return list(row[:first]), out
    # no header seen: the form's column order, counted from the right — only where the row has
    # no more numbers than the form has columns (an 8th number leaves the columns uncertain)
    if not _seven_at_right(row):
        return None
    tail = row[-7:]
    return list(row[:-7]), [(k, len(row) - 7 + i, c) for i, (k, c) in enumerate(zip(APPLICANT_ORDER, tail))]


def _in_form_order(colmap: dict[str, int]) -> bool:
    return len(colmap) == 7 and sorted(colmap, key=lambda k: colmap[k]) == list(APPLICANT_ORDER)


def _seven_at_right(row: list[str]) -> bool:
    """Label cells, then exactly the form's 7 value cells (numbers or blanks) at the right."""
    return (len(row) >= 8 and all(parse_cell(c).kind != "text" for c in row[-7:])
            and not any(parse_cell(c).kind == "number" for c in row[:-7]))


# --- 表二 --------------------------------------------------------------------------------


@dataclass
class T2Result:
    facts: list[Fact] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)


def _money_scale(header_text: str) -> float:
    s = norm(header_text)
    if "亿元" in s:
        return 1e8
    if "万元" in s:
        return 1e4
    if "元" in s:
        return 1.0
    return 1e4  # the form states 万元


def parse_t2_tables(tables: list[Table], doc: Document) -> T2Result:
    """Read 表二 blocks: each header row (信息内容 | 本年制发件数 …) sets the columns below it."""
    res = T2Result()
    done: set[str] = set()
    kinds: dict[str, tuple[list[int], str]] = {}
    for t in tables:
        ctx = _ctx("表二", t, doc)
        for ri, row in enumerate(t.rows):
            if not any((c or "").strip() for c in row):
                continue
            cls = [classify_t2_header(c) for c in row]
            cells = [parse_cell(c) for c in row]
            if any(k for k in cls[1:]) and not any(c.kind == "number" for c in cells):
                kinds = _t2_spans(row, cls)
                res.kinds |= set(kinds)
                continue
            label_j = next((j for j, c in enumerate(row) if cells[j].kind == "text"), None)
            if label_j is None:
                continue
            item = match_t2_item(row[label_j])
            if item is None:
                continue
            if not kinds:
                if any(c.kind == "number" for c in cells):
                    res.findings.append(Finding(
                        "table_unreadable", "warning",
                        f"表二: row {row[label_j]!r} has numbers but no column header above it; not stored",
                    ))
                continue
            row_label = _clean_label(row[label_j])
            # the row's printed values, left to right (a value repeated over a merged span once)
            filled = [j for j in range(label_j + 1, len(row)) if cells[j].kind != "blank"
                      and not (j > label_j + 1 and row[j] == row[j - 1] and _same_span(kinds, j))]
            if len(filled) > len(kinds):
                # more values than the header has columns (a converter split 2425.311082 over
                # three cells): no column is certain
                res.findings.append(Finding(
                    "table_unreadable", "warning",
                    f"表二: row {row_label} has {len(filled)} values for {len(kinds)} columns; not stored",
                    [m for m in (T2_METRICS.get((item, k)) for k in kinds) if m],
                ))
                continue
            # as many values as columns: the form's column order places them, whatever positions
            # a converter gave the header cells
            by_order = dict(zip(sorted(kinds, key=lambda k: min(kinds[k][0])), filled)) \
                if len(filled) == len(kinds) else {}
            for kind, (span, col_label) in kinds.items():
                metric = T2_METRICS.get((item, kind))
                span = [j for j in span if label_j < j < len(row)]
                if metric is None or not span or metric in done:
                    continue
                # a merged value cell is repeated (or left blank) across the header's span
                j = by_order.get(kind) or next((j for j in span if parse_cell(row[j]).kind != "blank"), span[0])
                cell = parse_cell(row[j])
                if cell.kind == "text":
                    res.findings.append(Finding(
                        "table_unreadable", "warning",
                        f"表二: cell {row_label} / {col_label} is not a number ({row[j]!r}); not stored",
                        [metric],
                    ))
                    continue
                unit, scale = "count", 1.0
                if kind in T2_MONEY_KINDS:
                    unit = "cny"
                    scale = {"万": 1e4, "亿": 1e8, "元": 1.0}.get(cell.unit or "", _money_scale(col_label))
                done.add(metric)
                res.facts.append(make_fact(metric, cell, row[j], ctx, row_label, col_label, "",
                                           unit, scale, ctx.cell_offset(ri, j, t.rows)))
    return res


def _same_span(kinds: dict[str, tuple[list[int], str]], j: int) -> bool:
    """Columns ``j - 1`` and ``j`` lie under one header cell (a merged value cell repeated)."""
    return any(j in span and j - 1 in span for span, _ in kinds.values())


def _t2_spans(row: list[str], cls: list[str | None]) -> dict[str, tuple[list[int], str]]:
    """Column kind → (its columns, printed header) for one 表二 header row.

    A header merged over several columns arrives repeated (HTML/DOCX) or followed by empty
    cells (PDF); both give the kind a span, and the value is the first non-blank cell in it.
    """
    kinds: dict[str, tuple[list[int], str]] = {}
    current: str | None = None
    for j, k in enumerate(cls):
        if k:
            if k in kinds and current != k:
                current = None
                continue
            kinds.setdefault(k, ([], _clean_label(row[j])))[0].append(j)
            current = k
        elif current and j > 0 and not (row[j] or "").strip():
            kinds[current][0].append(j)
        else:
            current = None
    return kinds


def t2_form(kinds: set[str]) -> str | None:
    """"2021" / "2019" from the 表二 column headers present."""
    a, b = len(kinds & T2_KINDS_2021), len(kinds & T2_KINDS_2019)
    if a > b:
        return "2021"
    if b > a:
        return "2019"
    return None


# --- 表四 --------------------------------------------------------------------------------


def _ffill(row: list[str]) -> list[str]:
    out: list[str] = []
    last = ""
    for c in row:
        c = c or ""
        if c.strip():
            last = c
            out.append(c)
        else:
            out.append(last)
    return out


def _t4_colmap(header_rows: list[list[str]]) -> tuple[dict[str, int], dict[str, str]]:
    width = max((len(r) for r in header_rows), default=0)
    filled = [_ffill(r) + [""] * (width - len(r)) for r in header_rows]
    colmap: dict[str, int] = {}
    labels: dict[str, str] = {}
    for j in range(width):
        cells = [r[j] for r in filled if r[j]]
        g, k = classify_t4_header("".join(_distinct(cells)))
        if g and k:
            metric = f"appeals.{g}_{k}"
            if metric not in colmap:
                colmap[metric] = j
                labels[metric] = " ".join(_clean_label(c) for c in _distinct(cells))
    return colmap, labels


_T4_GROUP_ZH = {"review": "行政复议", "suit_direct": "行政诉讼 未经复议直接起诉",
                "suit_after_review": "行政诉讼 复议后起诉"}
_T4_KIND_ZH = {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结",
               "total": "总计"}


def _t4_default_label(metric: str) -> str:
    """The form's column label of a 表四 metric (when the printed header was not readable)."""
    key = metric.split(".", 1)[1]
    for g, zh in _T4_GROUP_ZH.items():
        if key.startswith(g + "_") and key[len(g) + 1:] in _T4_KIND_ZH:
            return f"{zh} {_T4_KIND_ZH[key[len(g) + 1:]]}"
    return metric


@dataclass
class T4Result:
    facts: list[Fact] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def _t4_ordered(row: list[str], cells: list[CellValue]) -> list[int] | None:
    """Columns of a 表四 data row holding exactly 15 adjacent value cells, else None."""
    cw = _content_width(row)
    vals = [j for j in range(cw) if cells[j].kind != "text"]
    if len(vals) != 15 or vals[-1] - vals[0] != 14:
        return None
    if any(cells[j].kind == "text" for j in range(vals[-1] + 1, len(row))):
        return None
    return vals


def _t4_transposed(tables: list[Table], doc: Document) -> T4Result | None:
    """表四 printed turned: one header row of results (结果维持 … 总计) and one row per
    group (行政复议 / 未经复议直接起诉 / 复议后起诉), as narrow pages sometimes do.

    Used only when a header row names the five results without any group and at least one
    row's label names a group; each row needs its five cells under the five headers.
    """
    res = T4Result()
    kinds: dict[str, int] = {}
    head_labels: dict[str, str] = {}
    seen_group = False
    for t in tables:
        ctx = _ctx("表四", t, doc)
        for ri, row in enumerate(t.rows):
            if not any((c or "").strip() for c in row):
                continue
            cells = [parse_cell(c) for c in row]
            if not any(c.kind == "number" for c in cells):
                found = {}
                for j, c in enumerate(row):
                    g, k = classify_t4_header(c)
                    if g is None and k and k not in found:
                        found[k] = j
                if len(found) == 5:
                    kinds = found
                    head_labels = {k: _clean_label(row[j]) for k, j in found.items()}
                continue
            if len(kinds) != 5:
                return None
            first = min(kinds.values())
            label = "".join(_distinct([c for c in row[:first]]))
            group, k = classify_t4_header(label)
            if group is None or k is not None:
                return None
            seen_group = True
            for kind, j in kinds.items():
                metric = f"appeals.{group}_{kind}"
                raw = row[j] if j < len(row) else ""
                cell = parse_cell(raw)
                if cell.kind == "text":
                    return None
                res.facts.append(make_fact(metric, cell, raw, ctx, _clean_label(label),
                                           head_labels[kind], offset=ctx.cell_offset(ri, j, t.rows)))
    if not seen_group or len({f.metric for f in res.facts}) != len(res.facts):
        return None
    order = {m: i for i, m in enumerate(T4_METRICS)}
    res.facts.sort(key=lambda f: order.get(f.metric, 99))
    return res


def parse_t4_tables(tables: list[Table], doc: Document) -> T4Result:
    """Read the single data row of 表四 under its 2–3 header rows (or the turned layout)."""
    turned = _t4_transposed(tables, doc)
    if turned is not None:
        return turned
    res = T4Result()
    header: list[list[str]] = []
    colmap: dict[str, int] = {}
    labels: dict[str, str] = {}
    for t in tables:
        ctx = _ctx("表四", t, doc)
        for ri, row in enumerate(t.rows):
            if not any((c or "").strip() for c in row):
                continue
            cells = [parse_cell(c) for c in row]
            numbers = [c for c in cells if c.kind == "number"]
            if not numbers:
                header.append(row)
                colmap, labels = _t4_colmap(header)
                continue
            ordered = _t4_ordered(row, cells)
            if len(colmap) == 15 and len(set(colmap.values())) == 15 and ordered is None:
                shift = len(row) - max(len(r) for r in header) if header else 0
                picks = [(m, colmap[m] + shift) for m in T4_METRICS if m in colmap]
            elif ordered is not None:
                # exactly 15 value cells side by side: the form's order, whatever the header's
                # width (a label column in the header only, a cell missing in the data row)
                picks = list(zip(T4_METRICS, ordered))
            else:
                vals = [j for j, c in enumerate(cells) if c.kind != "text"]
                if len(vals) < 15:
                    res.findings.append(Finding(
                        "table_unreadable", "warning",
                        f"表四: a data row with {len(vals)} cells and no recognisable header; not stored",
                    ))
                    return res
                picks = list(zip(T4_METRICS, vals[-15:]))
            row_label = _clean_label(" ".join(_distinct([c for c, v in zip(row, cells) if v.kind == "text"])))
            for metric, j in picks:
                raw = row[j] if 0 <= j < len(row) else ""
                cell = parse_cell(raw)
                if cell.kind == "text":
                    res.findings.append(Finding(
                        "table_unreadable", "warning",
                        f"表四: cell {labels.get(metric) or _t4_default_label(metric)} is not a number "
                        f"({raw!r}); not stored",
                        [metric],
                    ))
                    continue
                res.facts.append(make_fact(metric, cell, raw, ctx, row_label,
                                           labels.get(metric) or _t4_default_label(metric),
                                           offset=ctx.cell_offset(ri, j if 0 <= j < len(row) else None, t.rows)))
            return res
    return res


# --- orchestration -----------------------------------------------------------------------


def _classify_tables(tables: list[Table]) -> dict[str, list[Table]]:
    """Group the segment's tables by form table; header-less continuations follow 表三."""
    groups: dict[str, list[Table]] = {"表二": [], "表三": [], "表四": []}
    last: str | None = None
    tables = [part for t in tables for part in _split_mixed(t)]
    for t in tables:
        kind = table_kind(t.rows)
        if kind is None and last == "表三" and _has_t3_rows(t):
            kind = "表三"
        if kind is None and last == "表二" and any(
                match_t2_item(next((c for c in r if (c or "").strip()), "")) for r in t.rows):
            kind = "表二"
        if kind is None and last == "表四" and groups["表四"] and _t4_numbers_only(t):
            kind = "表四"
        if kind:
            groups[kind].append(t)
        last = kind or last
    return groups


def _row_starts(row: list[str]) -> str | None:
    """The form table a row opens (its heading or first header row), if any."""
    s = norm("".join(_distinct(row)))
    if "第二十条" in s or ("信息内容" in s and len(s) < 60):
        return "表二"
    if "申请人情况" in s or "自然人" in s:
        return "表三"
    if ("行政复议" in s and ("行政诉讼" in s or "结果维持" in s)) or "复议后起诉" in s:
        return "表四"
    return None


def _split_mixed(t: Table) -> list[Table]:
    """A reader may hand several form tables as one grid (nested layout tables): split it
    where the rows of another form table begin."""
    cuts: list[int] = []
    current: str | None = None
    for i, row in enumerate(t.rows):
        k = _row_starts(row)
        if k and k != current:
            if current is not None:
                cuts.append(i)
            current = k
    if not cuts:
        return [t]
    bounds = [0] + cuts + [len(t.rows)]
    return [Table(rows=t.rows[a:b], page=t.page, index=t.index, offset=t.offset)
            for a, b in zip(bounds, bounds[1:]) if b > a]


def _has_t3_rows(t: Table) -> bool:
    for row in t.rows:
        label = "".join(_distinct([c for c in row if parse_cell(c).kind == "text"]))
        if label and match_t3_label(label, None).kind == "row":
            return True
    return False


def _t4_numbers_only(t: Table) -> bool:
    return any(sum(1 for c in r if parse_cell(c).kind != "text") >= 15 for r in t.rows)


def form_from_text(text: str) -> str | None:
    """The form by its wording when no table decided it (e.g. an unreadable flattened 表三)."""
    s = norm(text)
    if any(w in s for w in ("逾期不补正", "逾期未按收费通知", "本年制发件数", "现行有效件数")):
        return "2021"
    if any(w in s for w in ("本年新制作数量", "对外公开总数量", "上一年项目数量")):
        return "2019"
    if _rx(r"\(六\)其他处理[\d\s/\-—]*\(七\)总计").search(s):
        return "2019"
    return None


def notice_2021_cited(text: str) -> bool:
    """True when the text cites 国办公开办函〔2021〕30号 or says it follows the 2021 format."""
    return bool(NOTICE_2021_RE.search(norm(text)))


def parse_forms(seg: Segment, doc: Document) -> tuple[list[Fact], str | None, list[Finding]]:
    """Facts of 表二/表三/表四 in one report segment, the form ("2021"/"2019"/None), findings.

    Never raises on a strange document: an internal error costs that report its form facts
    and becomes a finding, instead of failing the whole file.
    """
    try:
        return _parse_forms(seg, doc)
    except Exception as exc:  # noqa: BLE001 - a report is more useful with a finding than a crash
        return [], None, [Finding("table_unreadable", "warning",
                                  f"the form tables could not be parsed ({type(exc).__name__}: {exc})")]


def _unless_shifted(t3_facts: list[Fact]) -> tuple[list[Fact], list[Finding]]:
    """表三's cells, unless its columns show numbers moved into a neighbouring column.

    A printed mistake leaves one column off; a converter that garbles the header and moves the
    numbers leaves two or more applicant columns off by amounts that cancel out (自然人 +23,
    商业企业 −23): the outcome rows still add up, only in the wrong columns. Then no column of
    the table is certain, and none is stored.
    """
    values = {(f.metric, f.breakdown): f.value for f in t3_facts}
    diffs: dict[str, float] = {}
    for b in COLUMNS:
        if not b:
            continue
        total = check_get(values, "requests.processed_total", b)
        parts = outcome_parts(values, b)
        got = check_all(values, parts, b) if parts is not None else None
        if total is None or got is None:
            continue
        if abs(sum(got) - total) > 1e-9:
            diffs[b] = sum(got) - total
    if len(diffs) >= 2 and abs(sum(diffs.values())) <= 1e-9:
        names = ", ".join(f"{b} {d:+g}" for b, d in diffs.items())
        # a row that is 0 in all seven columns reads the same however its numbers moved
        by_row: dict[str, list[Fact]] = {}
        for f in t3_facts:
            by_row.setdefault(f.metric, []).append(f)
        zero = [f for fs in by_row.values()
                if len(fs) == 7 and all(f.value == 0 and not f.approx for f in fs) for f in fs]
        if zero:
            return zero, [Finding(
                "t3_columns_shifted", "warning",
                f"表三: the outcome rows add up in the wrong columns ({names}), as when numbers moved into a "
                f"neighbouring column; only the {len(zero) // 7} row(s) that are 0 in every column stored",
            )]
        return [], [Finding(
            "t3_columns_shifted", "warning",
            f"表三: the outcome rows add up in the wrong columns ({names}), as when numbers moved into a "
            "neighbouring column; no 表三 cell stored",
        )]
    return t3_facts, []


def _flat_agreeing(seg: Segment, doc: Document, grid: list[Fact]
                   ) -> tuple[list[Fact], list[Finding], str | None] | None:
    """The whole 表三 read from the text, if it is complete and agrees with every grid cell."""
    f3, form3, fnd3, _ = flat_t3(seg, doc)
    if not f3 or any(f.rule == "table_unreadable" for f in fnd3):
        return None
    flat = {f.key: f.value for f in f3}
    if any(flat.get(f.key, object()) != f.value for f in grid):
        return None
    values = {f.value for f in f3}
    if len(grid) < 7 and len(values) > 1:
        return None  # too few grid cells to vouch for the text's order (unless all cells agree anyway)
    return f3, fnd3, form3


def _parse_forms(seg: Segment, doc: Document) -> tuple[list[Fact], str | None, list[Finding]]:
    facts: list[Fact] = []
    findings: list[Finding] = []
    groups = _classify_tables(list(seg.tables))
    if not all(groups.values()):
        # plain-text TAB dumps keep empty cells: read them as grids before trying number runs
        extra = _classify_tables(tab_tables(seg))
        for kind, ts in extra.items():
            if not groups[kind]:
                groups[kind] = ts
    found_any = False
    form_t3: str | None = None
    form_t2: str | None = None

    if groups["表三"]:
        found_any = True
        r3 = parse_t3_tables(groups["表三"], doc)
        t3_facts, t3_find, form_t3 = r3.facts, r3.findings, r3.form
        if not r3.facts:
            f3, form3, fnd3, present = flat_t3(seg, doc)
            if f3:
                t3_facts, t3_find, form_t3 = f3, fnd3, form3
            else:
                t3_find = t3_find + [Finding("table_unreadable", "warning",
                                             "表三 was found but none of its rows could be read")]
        else:
            missing = set(_missing_metrics(r3.rows, r3.form))
            if r3.form is None:
                missing |= set(OTHER_2021) | {"requests.other_handling"}
            whole = _flat_agreeing(seg, doc, r3.facts) if (missing or r3.findings) else None
            if whole is not None:
                # the grid lost its shape (several numbers in one cell, rows in pieces) but
                # the text reads as the whole form and repeats every cell the grid did give
                t3_facts, t3_find, form_t3 = whole
                missing = set()
                rows = {f.metric for f in t3_facts}
            elif missing:
                # the grid broke off (e.g. a continuation page without ruling): complete it from
                # text rows that carry exactly 7 numbers after a recognisable label
                known = {f.key: f.value for f in r3.facts}
                extra, fnd = flat_t3_rows(seg, doc, missing, known)
                t3_facts = t3_facts + extra
                rows = r3.rows | {f.metric for f in extra}
                if r3.form is None:
                    if any(m in rows for m in OTHER_2021):
                        form_t3 = "2021"
                    elif "requests.other_handling" in rows:
                        form_t3 = "2019"
                t3_find = t3_find + fnd
            else:
                rows = r3.rows
            t3_find += _missing_rows(rows, form_t3)
        t3_facts, shifted = _unless_shifted(t3_facts)
        facts += t3_facts
        findings += t3_find + shifted
    else:
        f3, form3, fnd3, present = flat_t3(seg, doc)
        f3, shifted = _unless_shifted(f3)
        facts += f3
        findings += fnd3 + shifted
        found_any |= present
        form_t3 = form3

    r2_ok = False
    if groups["表二"]:
        found_any = True
        r2 = parse_t2_tables(groups["表二"], doc)
        if r2.findings or any(f.value is None for f in r2.facts):
            # the grid lost its shape (a converter's Markdown): the text, read row by row by its
            # labels, replaces it when it reads whole and repeats every cell the grid gave
            f2, form2, fnd2, _ = flat_t2(seg, doc)
            flat = {f.key: f.value for f in f2}
            same_form = form2 == (t2_form(r2.kinds) or form2)
            # a cell the grid left empty may hold the number the text printed on a line of its
            # own beside the row (placed by its column, an info finding says which)
            by_column = {m for f in fnd2 if f.rule == "cell_placed_by_column" for m in f.cells}
            if f2 and not [f for f in fnd2 if f.severity != "info"] and same_form and all(
                    flat.get(f.key, object()) == f.value or (f.value is None and f.metric in by_column)
                    for f in r2.facts):
                r2 = T2Result(facts=f2, findings=fnd2, kinds=r2.kinds)
        facts += r2.facts
        findings += r2.findings
        form_t2 = t2_form(r2.kinds) or form_t3
        r2_ok = bool(r2.facts)
        if r2_ok and form_t2:
            want = {T2_METRICS[(item, k)] for item, ks in T2_LAYOUT[form_t2] for k in ks}
            want -= {f.metric for f in r2.facts}
            if want:
                # a block of 表二 was not found as a grid (e.g. on the next page): its rows
                # may still be read from the text, each only with its exact cell count
                f2, _, fnd2, _ = flat_t2(seg, doc, want, form_t2)
                facts += f2
                findings += fnd2
    if not r2_ok:
        f2, form2, fnd2, present = flat_t2(seg, doc)
        facts += f2
        findings += fnd2
        found_any |= present
        form_t2 = form_t2 or form2

    r4_ok = False
    if groups["表四"]:
        found_any = True
        r4 = parse_t4_tables(groups["表四"], doc)
        facts += r4.facts
        findings += r4.findings
        r4_ok = bool(r4.facts)
    if not r4_ok:
        f4, fnd4, present = flat_t4(seg, doc)
        facts += f4
        findings += fnd4
        found_any |= present

    if not found_any:
        return facts, None, findings
    form = form_t3 or form_t2 or form_from_text(seg.text) or "2021"
    if form_t3 and form_t2 and form_t3 != form_t2:
        findings.append(Finding(
            "form_mixed", "info",
            f"表三 follows the {form_t3} form but 表二 the {form_t2} form; form {form_t3} recorded",
        ))
    if form == "2019" and notice_2021_cited(seg.text):
        findings.append(Finding(
            "form_2019_cites_2021_notice", "warning",
            "the report uses the 23-row 2019 form of 表三 but cites 国办公开办函〔2021〕30号 "
            "(the 2021 format with 25 rows)",
        ))
    return facts, form, findings


OTHER_2021 = ("requests.other_no_correction", "requests.other_fee_unpaid", "requests.other_other")


def _missing_metrics(rows: set[str], form: str | None) -> list[str]:
    """Rows of the form (as far as it is known) that the grid did not give."""
    expected = T3_ROWS_2019 if form == "2019" else T3_ROWS_2021
    if form is None:
        expected = tuple(m for m in T3_ROWS_2021 if not m.startswith("requests.other_"))
    optional = {"requests.rejected_confirm"} if form == "2019" else set()
    return [m for m in expected if m not in rows and m not in optional]


def _missing_rows(rows: set[str], form: str | None) -> list[Finding]:
    missing = _missing_metrics(rows, form)
    if not missing:
        return []
    return [Finding(
        "t3_missing_rows", "warning",
        f"表三: {len(missing)} form row(s) not found: " + ", ".join(m.split('.')[1] for m in missing),
        missing,
    )]
