"""Splitting one file into its reports.

Compilations downloaded from document sites hold several reports in one file, either headed
``第一篇:…``, ``第二篇:…`` (Chinese or Arabic numerals), or simply one report title after another.
Each report becomes a Segment whose ``offset`` is absolute in ``Document.text`` so evidence
offsets found inside a segment map back to the file. A file with one report gives one segment.
"""
from __future__ import annotations

import re

from etl.extract.agencies import looks_like_agency
from etl.model import Document, Segment
from etl.extract.numerals import DATE_RE
from etl.read.recache import compile as _rx

_PART_HEADER = _rx(
    r"^[ \t\u3000]*第\s*([一二三四五六七八九十百零〇两]+|[0-9０-９]+)\s*篇[ \t\u3000]*[:：、.．]?[ \t\u3000]*(.*)$",
    re.M,
)

# A report title on a line of its own: short, ends with 报告 / 总结 (optionally a bracketed note).
_TITLE_LINE = _rx(
    r"^[ \t\u3000]*(?P<t>[^\n。；;，,]{0,50}?(?:信息公开|政务公开)[^\n。；;，,]{0,20}?(?:报告|总结)"
    r"|[^\n。；;，,]{2,40}?工作总结)"
    r"[ \t\u3000]*(?:[(（][^)）\n]{0,20}[)）])?[ \t\u3000]*$",
    re.M,
)

_BREADCRUMB = _rx(r"[>＞»›]|首页|当前位置|您的位置|所在位置")
_MARKUP = _rx(r"^[#>*\s\u3000]+|[*_]{2,}|\s*#+\s*$")
_HAS_YEAR = _rx(r"(?:19|20)[0-9]{2}|[一二][〇○OoＯ0零一二三四五六七八九]{3}年")

MIN_REPORT_CHARS = 200


def clean_title(line: str) -> str:
    """A title line without Markdown marks (``# 标题``, ``**标题**``) and outer spaces."""
    return _MARKUP.sub("", line).strip()


def is_breadcrumb(line: str) -> bool:
    """``首页 > 政府信息公开 > 年度报告`` — a saved web page's navigation, not a title."""
    return bool(_BREADCRUMB.search(line))  # a "report" shorter than this is a repeated title, not a new report


def _title_of(m: re.Match[str]) -> str:
    """The title line as printed, keeping a bracketed note that states the year
    (``政府信息公开工作年度报告（2019年）``): the year is part of the title."""
    whole = clean_title(m.group(0))
    return whole if _HAS_YEAR.search(whole[len(clean_title(m.group("t"))):]) else clean_title(m.group("t"))


def _first_line(text: str) -> str:
    for line in text.split("\n"):
        if line.strip():
            return line.strip()
    return ""


def _part_starts(text: str) -> list[tuple[int, str]]:
    """(offset, title) of each 第N篇 header."""
    out = []
    for m in _PART_HEADER.finditer(text):
        title = clean_title(m.group(2))
        if not title:
            title = clean_title(_first_line(text[m.end():]))
        out.append((m.start(), title))
    return out


def _line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def _title_starts(text: str) -> list[tuple[int, str]]:
    """(offset, title) of each report title line, merged when closer than MIN_REPORT_CHARS.

    A short agency line just above a title belongs to the new report when the line above it
    ends the previous report with a date (a signature is agency-then-date, a heading is
    date-then-agency).
    """
    starts: list[tuple[int, str]] = []
    seen: set[str] = set()
    for m in _TITLE_LINE.finditer(text):
        if is_breadcrumb(m.group("t")):
            continue
        start = m.start("t")
        start = _line_start(text, start)
        title = _title_of(m)
        if starts and start - starts[-1][0] < MIN_REPORT_CHARS:
            continue
        if start > 0:
            prev_end = start - 1
            prev_start = _line_start(text, prev_end)
            prev_line = text[prev_start:prev_end].strip()
            if prev_line and looks_like_agency(prev_line):
                before_start = _line_start(text, max(prev_start - 1, 0))
                before = text[before_start:max(prev_start - 1, 0)].strip()
                if prev_start == 0 or not before or DATE_RE.search(before):
                    if prev_line not in title:
                        title = prev_line + title
                    start = prev_start
        if _repeats(title, seen) and not _after_signature(text, start):
            # a running page header repeats the title, or a web page's article repeats its page
            # title shorter (平潭…2019年度政府信息公开工作年度报告 → 政府信息公开工作年度报告): not a new report
            continue
        seen.add(title)
        starts.append((start, title))
    return starts


def _repeats(title: str, seen: set[str]) -> bool:
    """The title was printed before, whole or as part of a longer one (or contains one); PDF
    text may space the same title differently (经济发展局 2019 年 / 经济发展局2019 年)."""
    t = _rx(r"\s+").sub("", title)
    for s in seen:
        s = _rx(r"\s+").sub("", s)
        if t == s or (len(t) >= 6 and len(s) >= 6 and (t in s or s in t)):
            return True
    return False


def _after_signature(text: str, start: int) -> bool:
    """The last printed line before ``start`` is a date line (``2020年1月20日``): the previous
    report ended with its signature, so a repeated generic title starts a new report."""
    before = text[:start].rstrip()
    line = before[before.rfind("\n") + 1:].strip().replace(" ", "").replace("\u3000", "")
    return bool(line) and len(line) <= 24 and DATE_RE.fullmatch(line) is not None


def _single_title(text: str) -> str:
    """The title of a one-report file: the first title line with a year, else the first title
    line, else the first line; an agency line just above it is prefixed."""
    candidates = [m for m in _TITLE_LINE.finditer(text[:3000]) if not is_breadcrumb(m.group("t"))]
    if not candidates:
        return clean_title(_first_line(text))[:80]
    m = next((c for c in candidates if _HAS_YEAR.search(c.group(0))), candidates[0])
    title = _title_of(m)
    start = _line_start(text, m.start("t"))
    if start > 0:
        prev_start = _line_start(text, start - 1)
        prev_line = clean_title(text[prev_start:start - 1])
        if prev_line and looks_like_agency(prev_line) and prev_line not in title:
            title = prev_line + title
    return title


def _segment(doc: Document, position: int, title: str, start: int, end: int) -> Segment:
    pages = [
        p for p in doc.pages
        if p.offset < end and p.offset + max(len(p.text), 1) > start
    ]
    return Segment(position=position, title=title, text=doc.text[start:end], offset=start, pages=pages)


def split_document(doc: Document) -> list[Segment]:
    """One Segment per report in the document, in file order."""
    text = doc.text
    starts = _part_starts(text)
    if not starts:
        titles = _title_starts(text)
        if len(titles) >= 2:
            starts = titles
    if not starts:
        title = _single_title(text)
        segments = [Segment(position=1, title=title, text=text, offset=0, pages=list(doc.pages))]
    else:
        segments = []
        for i, (start, title) in enumerate(starts):
            # Text before the first header (a compilation's cover) stays with the first report,
            # so no printed character is outside every segment.
            begin = 0 if i == 0 else start
            end = starts[i + 1][0] if i + 1 < len(starts) else len(text)
            segments.append(_segment(doc, i + 1, title, begin, end))
    # attach tables
    for table in doc.tables:
        if table.offset is None:
            segments[0].tables.append(table)
            continue
        for seg in segments:
            if seg.offset <= table.offset < seg.offset + len(seg.text):
                seg.tables.append(table)
                break
        else:
            segments[-1 if table.offset >= len(text) else 0].tables.append(table)
    return segments
