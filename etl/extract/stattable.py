"""The 2008–2018 statistics table (政府信息公开情况统计表) when a text rendering ran it together.

Web-page copies print the table as one run of text: ``指标名称 计量单位 2011年度 历年累计
主动公开信息数 条 425 1516 其中：1.网站公开 条 418 1509 2.…`` — or, worse, with no space at
all, so that a row's two numbers (the year's and the running total) and the next row's item
number run into one another (``网站公开条179533042.政府公报公开``). This module reads such a run
row by row and decodes each number pair only where it is certain:

* with spaces, a row must show exactly the two columns of the header;
* glued, a split into (year, running total) must have no leading zeros and a running total not
  below the year's number; where several splits remain, the rows of one 其中 group must add up
  to their total in both columns, and a row is decoded only if every combination that does
  agrees on it. Anything else is left out: a wrong number is worse than a missing one.

Only the year's column is returned; the running total (历年累计) is never a fact of the year.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from etl.read.recache import compile as _rx

def _spaced(word: str) -> str:
    """``word`` with any whitespace between its characters (a PDF line may wrap inside it)."""
    return r"\s*".join(word)


_HEADER = _rx(
    _spaced("指标名称") + r"\s*" + _spaced("计量单位") + r"\s*(?:(?P<y1>(?:19|20)\d{2})\s*年\s*度?\s*(?:历年)?\s*累计"
    r"|(?:历年)?\s*累计\s*(?P<y2>(?:19|20)\d{2})\s*年\s*度?)"
)
_UNITS = "人次|万元|条|件|元|个|次|篇|人|项"
_ITEM = _rx(
    r"(?P<label>[^\d\s](?:[^\d\n]|\d{1,2}[ \t]?[.．、])*?)\s*(?P<unit>" + _UNITS + r")\s*(?P<nums>\d[\d \t\u3000]*)"
)
_NUMBERING = _rx(r"^\s*[.．、]")
_ITEM_NUMBER = _rx(r"\d{1,2}\s*[.．、]\s*[^\d\s]")
_END = _rx(r"附件|注[:：]|说明[:：]|\n\s*\n")
MAX_COMBINATIONS = 20_000


@dataclass
class StatRow:
    """One decoded row: its label as printed (numbering and 其中 removed), unit, and the year's
    value with its offset in the text (None where the pair could not be decoded)."""

    label: str
    unit: str
    value: int | None
    offset: int
    start: int = 0  # where the row's label starts
    end: int = 0  # where its numbers end
    group: int | None = None  # index of the group total this row is a part of
    candidates: list[tuple[int, int]] = field(default_factory=list)


def _splits(run: str) -> list[tuple[int, int]]:
    """Every split of a run of digits into two numbers, neither with a leading zero."""
    out = []
    for i in range(1, len(run)):
        a, b = run[:i], run[i:]
        if (len(a) > 1 and a[0] == "0") or (len(b) > 1 and b[0] == "0"):
            continue
        out.append((int(a), int(b)))
    return out


def _pairs(nums: str, year_first: bool) -> list[tuple[int, int]]:
    """(year, running total) readings of a row's numbers; a running total is never below the
    year's own number."""
    tokens = nums.split()
    if len(tokens) == 2:
        found = [(int(tokens[0]), int(tokens[1]))]
    elif len(tokens) == 1:
        found = _splits(tokens[0])
    else:
        return []
    pairs = [(a, b) if year_first else (b, a) for a, b in found]
    return [(y, c) for y, c in pairs if y <= c]


def parse_stat_run(text: str) -> list[StatRow]:
    """Rows of every run-together statistics table in ``text`` (see the module docstring)."""
    rows: list[StatRow] = []
    for h in _HEADER.finditer(text):
        year_first = h.group("y1") is not None
        end_m = _END.search(text, h.end())
        end = end_m.start() if end_m else len(text)
        # PDF text wraps the run at the page width, inside labels (当面申\n请数) and inside
        # numbers: a wrap reads as a space (offsets kept) so that a label reads whole, and
        # digits a wrap cut (4251\n516) are one run again when the row is decoded
        flat = text[:h.end()] + _rx(r"[\r\n]").sub(" ", text[h.end():end]) + text[end:]
        cuts = {i for i in range(h.end(), end) if text[i] in "\r\n"
                and text[i - 1].isdigit() and i + 1 < len(text) and text[i + 1].isdigit()
                and not _ITEM_NUMBER.match(text, i + 1)}  # (…条 0 0\n3、电子邮件申请数: a new row)
        rows += _parse_table(flat, h.end(), end, year_first, cuts)
    return rows


def _parse_table(text: str, start: int, end: int, year_first: bool, cuts: set[int] = frozenset()  # type: ignore[assignment]
                 ) -> list[StatRow]:
    rows: list[StatRow] = []
    matches = list(_ITEM.finditer(text, start, end))
    group_total: int | None = None
    expected = 0  # the item number the next row of the current 其中 group carries
    for i, m in enumerate(matches):
        label = m.group("label").strip()
        nums = m.group("nums").rstrip()
        nums_end = m.start("nums") + len(nums)
        inside = [c - m.start("nums") for c in cuts if m.start("nums") <= c < nums_end] if cuts else []
        if inside:
            # a line wrap inside the row's digits joins them back: one run, decoded like any
            # glued run (by the group's sums, or not at all)
            nums = "".join(ch for k, ch in enumerate(nums) if k not in inside)
        following = text[nums_end:matches[i + 1].start("label")] if i + 1 < len(matches) else ""
        nxt = matches[i + 1].group("label") if i + 1 < len(matches) else ""
        # the next row's item number ran into this row's numbers (…条17952.政府公报公开)
        next_numbered = bool(_NUMBERING.match(nxt)) and not following.strip()
        if label.startswith("其中"):
            group_total = len(rows) - 1 if rows else None
            mnum = _rx(r"其中\s*[:：]?\s*(\d{1,2})\s*[.．、]").match(label)
            expected = int(mnum.group(1)) + 1 if mnum else 2
            label = _rx(r"^其中\s*[:：]?\s*(?:\d{1,2}\s*[.．、])?").sub("", label)
            in_group = True
        elif _NUMBERING.match(label):
            expected += 1
            label = _NUMBERING.sub("", label)
            in_group = group_total is not None
        else:
            group_total = None
            in_group = False
        if next_numbered:
            tag = str(expected)
            flat = _rx(r"\s+").sub("", nums)
            if " " in nums.strip() or "\t" in nums:
                parts = nums.split()
                if parts[-1] != tag:
                    break  # the numbering is not where it should be: stop reading this table
                nums = " ".join(parts[:-1])
            else:
                if not flat.endswith(tag) or len(flat) <= len(tag):
                    break
                nums = flat[: -len(tag)]
        cands = _pairs(nums, year_first)
        row = StatRow(label=label, unit=m.group("unit"), value=None, offset=m.start("nums"),
                      start=m.start("label"), end=nums_end,
                      group=group_total if in_group else None, candidates=cands)
        if len(cands) == 1:
            row.value = cands[0][0]
        rows.append(row)
    _resolve_groups(rows)
    return rows


def _resolve_groups(rows: list[StatRow]) -> None:
    """Decode ambiguous rows by their group's sums (total = its numbered parts, both columns)."""
    groups: dict[int, list[int]] = {}
    for i, r in enumerate(rows):
        if r.group is not None:
            groups.setdefault(r.group, []).append(i)
    for total, parts in groups.items():
        members = [total, *parts]
        if all(rows[j].value is not None for j in members):
            continue
        if any(not rows[j].candidates for j in members):
            continue
        if math.prod(len(rows[j].candidates) for j in members) > MAX_COMBINATIONS:
            continue
        good = [combo for combo in itertools.product(*(rows[j].candidates for j in members))
                if sum(c[0] for c in combo[1:]) == combo[0][0] and sum(c[1] for c in combo[1:]) == combo[0][1]]
        if not good:
            continue
        for k, j in enumerate(members):
            years = {combo[k][0] for combo in good}
            if len(years) == 1:
                rows[j].value = years.pop()
