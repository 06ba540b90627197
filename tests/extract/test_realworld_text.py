"""Real-world text and Markdown reports (issue 3): tables as they survive copy-paste.

- browser copy of a web page: one line per <tr>, TAB between the cells actually printed
  (a rowspan cell appears only in its first row);
- "one cell per line" dumps (innerText of some CMS pages, PDF-to-text tools);
- Markdown pipe tables converted from HTML, with and without empty cells for merged parts.
Every cell of 表二/表三/表四 is asserted.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from tests.helpers.realworld import blank_zero_requests, write_and_extract_one
from tests.extract.test_realworld_html import (
    IDENTITY_RULES,
    NARRATIVE,
    T3,
    T3_2019,
    T3_LAYOUT_2019,
    T4,
    assert_cells,
    expected_all,
    rules,
    spec_grid,
    t2_2021_spec,
    t3_spec,
    t4_spec,
)


def tab_lines(spec) -> list[str]:  # noqa: ANN001
    return ["\t".join(t for t, _, _ in row) for row in spec]


def cell_lines(spec) -> list[str]:  # noqa: ANN001
    return [t for row in spec for t, _, _ in row]


def md_padded(spec) -> list[str]:  # noqa: ANN001
    grid, _ = spec_grid(spec)
    out = ["| " + " | ".join(grid[0]) + " |", "|" + "---|" * len(grid[0])]
    out += ["| " + " | ".join(r) + " |" for r in grid[1:]]
    return out


def md_origin(spec) -> list[str]:  # noqa: ANN001
    rows = [[t for t, _, _ in row] for row in spec]
    out = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    out += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return out


def document(render, t2, t3, t4, captions: bool = False, blank_between: bool = False) -> str:  # noqa: ANN001
    tables = {"二、主动公开政府信息情况": ("表二", t2), "三、收到和处理政府信息公开申请情况": ("表三", t3),
              "四、政府信息公开行政复议、行政诉讼情况": ("表四", t4)}
    lines = ["江州市自然资源和规划局2022年政府信息公开工作年度报告", ""]
    for h, p in NARRATIVE:
        if h:
            lines.append(h)
        if p:
            lines.append(p)
        if h in tables:
            kind, spec = tables[h]
            if captions:
                lines.append(kind)
            body = render(spec)
            if blank_between:
                body = [x for line in body for x in (line, "")]
            lines += [""] + body + [""]
    lines += ["江州市自然资源和规划局", "2023年1月18日"]
    return "\n".join(lines) + "\n"


def _one(tmp_path: Path, text: str, name: str):  # noqa: ANN202
    return write_and_extract_one(tmp_path, name, text)


RENDERS = {"tabs": (tab_lines, "r.txt"), "cells": (cell_lines, "r.txt"),
           "md_padded": (md_padded, "r.md"), "md_origin": (md_origin, "r.md")}


@pytest.mark.parametrize("kind", list(RENDERS))
def test_every_cell_2021(tmp_path: Path, kind: str) -> None:
    render, name = RENDERS[kind]
    rep = _one(tmp_path, document(render, t2_2021_spec(), t3_spec(T3), t4_spec()), name)
    assert rep.form == "2021"
    assert_cells(rep, expected_all())
    assert not rules(rep) & IDENTITY_RULES


@pytest.mark.parametrize("kind", list(RENDERS))
def test_every_cell_2019(tmp_path: Path, kind: str) -> None:
    render, name = RENDERS[kind]
    rep = _one(tmp_path, document(render, t2_2021_spec(), t3_spec(T3_2019, layout=T3_LAYOUT_2019), t4_spec()),
               name)
    assert rep.form == "2019"
    assert_cells(rep, expected_all(t3=T3_2019))


@pytest.mark.parametrize("kind", ["tabs", "md_padded", "md_origin"])
def test_blank_cells_keep_their_column(tmp_path: Path, kind: str) -> None:
    """Zero printed as '/' or '-' (blank, not a fact), in formats that keep the cell."""
    render, name = RENDERS[kind]
    fmt = lambda v: "-" if v == 0 else str(v)  # noqa: E731
    rep = _one(tmp_path, document(render, t2_2021_spec(), t3_spec(T3, fmt=fmt), t4_spec(T4, fmt=fmt)), name)
    want = blank_zero_requests(expected_all(t4=tuple(None if v == 0 else v for v in T4)))
    assert_cells(rep, want)


@pytest.mark.parametrize("kind", list(RENDERS))
def test_identity_failures(tmp_path: Path, kind: str) -> None:
    render, name = RENDERS[kind]
    bad = dict(T3)
    bad["requests.granted"] = T3["requests.granted"][:6] + (75,)
    bad["requests.processed_total"] = (125,) + T3["requests.processed_total"][1:]
    t4 = (3, 1, 0, 1, 6) + T4[5:]
    rep = _one(tmp_path, document(render, t2_2021_spec(), t3_spec(bad), t4_spec(t4)), name)
    assert_cells(rep, expected_all(t3=bad, t4=t4))
    assert IDENTITY_RULES <= rules(rep)


def test_cells_with_blank_lines_between_and_captions(tmp_path: Path) -> None:
    rep = _one(tmp_path, document(cell_lines, t2_2021_spec(), t3_spec(T3), t4_spec(), captions=True,
                                  blank_between=True), "r.txt")
    assert_cells(rep, expected_all())


@pytest.mark.parametrize("kind", ["tabs", "cells", "md_padded", "md_origin"])
def test_rows_printed_entirely_blank(tmp_path: Path, kind: str) -> None:
    """Zero printed as an empty cell: whole rows of empty cells stay blank (not dropped, not 0)."""
    render, name = RENDERS[kind]
    fmt = lambda v: "" if v == 0 else str(v)  # noqa: E731
    rep = _one(tmp_path, document(render, t2_2021_spec(), t3_spec(T3, fmt=fmt), t4_spec()), name)
    want = blank_zero_requests(expected_all())
    assert_cells(rep, want)
    assert "t3_missing_rows" not in rules(rep)


@pytest.mark.parametrize("kind", list(RENDERS))
def test_2019_form_tables_2_and_3_without_the_confirm_row(tmp_path: Path, kind: str) -> None:
    from tests.extract.test_realworld_html import LAYOUT_2019_SHORT, T2_2019, t2_2019_spec

    render, name = RENDERS[kind]
    vals = {m: v for m, v in T3_2019.items() if m != "requests.rejected_confirm"}
    vals["requests.rejected_repeat"] = tuple(a + b for a, b in zip(T3_2019["requests.rejected_repeat"],
                                                                    T3_2019["requests.rejected_confirm"]))
    rep = _one(tmp_path, document(render, t2_2019_spec(), t3_spec(vals, layout=LAYOUT_2019_SHORT), t4_spec()),
               name)
    assert rep.form == "2019"
    assert_cells(rep, expected_all(t3=vals, t2=T2_2019))
    assert "form_2019_cites_2021_notice" in rules(rep)  # NARRATIVE cites 国办公开办函〔2021〕30号


def runs(spec) -> list[str]:  # noqa: ANN001
    """Each row's cells joined by spaces (text copied out of a PDF viewer)."""
    return [" ".join(t for t, _, _ in row) for row in spec]


def one_line(spec) -> list[str]:  # noqa: ANN001
    """The whole table on one line (text scraped from a page that lost its line breaks)."""
    return [" ".join(t for row in spec for t, _, _ in row)]


@pytest.mark.parametrize("traditional", [False, True])
@pytest.mark.parametrize("render", [runs, one_line, tab_lines, cell_lines])
def test_runs_and_traditional_mirrors(tmp_path: Path, render, traditional: bool) -> None:  # noqa: ANN001
    text = document(render, t2_2021_spec(), t3_spec(T3), t4_spec())
    if traditional:
        # an independent simplified → traditional list for the form's words (not the reader's table)
        pairs = dict(zip("开属处总计结转继续办数请稳护权务类内过执询机关没现制补后确访举报诉复无获缴纳费组织业构会议讼维审纠条项废规范许决罚强万单额采购减对",
                         "開屬處總計結轉繼續辦數請穩護權務類內過執詢機關沒現製補後確訪舉報訴複無獲繳納費組織業構會議訟維審糾條項廢規範許決罰強萬單額採購減對"))
        text = "".join(pairs.get(c, c) for c in text).replace("“", "「").replace("”", "」")
    rep = _one(tmp_path, text, "r.txt")
    assert_cells(rep, expected_all())
