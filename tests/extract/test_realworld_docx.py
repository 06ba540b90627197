"""Real-world DOCX reports (issue 3): Word tables in the exact official layout.

python-docx merges make real vMerge/gridSpan cells (as Word writes them); headings and the
narrative are paragraphs. Every cell of 表二/表三/表四 is asserted.
"""
from __future__ import annotations

import io
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


def _add_table(d, spec, wrap_paragraphs: bool = False) -> None:  # noqa: ANN001
    grid, spans = spec_grid(spec)
    t = d.add_table(rows=len(grid), cols=len(grid[0]))
    t.style = "Table Grid"
    for r, row in enumerate(grid):
        for c, text in enumerate(row):
            if text:
                cell = t.cell(r, c)
                if wrap_paragraphs and len(text) > 6 and not text[0].isdigit():
                    # a label typed with manual line breaks, as in many real forms
                    half = len(text) // 2
                    cell.text = text[:half]
                    cell.add_paragraph(text[half:])
                else:
                    cell.text = text
    for r, c, rs, cs in spans:
        a = t.cell(r, c)
        b = t.cell(r + rs - 1, c + cs - 1)
        keep = a.text
        merged = a.merge(b)
        # python-docx concatenates the texts of merged cells; only the origin had text
        if merged.text != keep:
            merged.text = keep


def build_docx(t2, t3, t4, captions: bool = False, wrap_paragraphs: bool = False) -> bytes:  # noqa: ANN001
    import docx

    d = docx.Document()
    d.add_paragraph("江州市自然资源和规划局2022年政府信息公开工作年度报告")
    tables = {"二、主动公开政府信息情况": ("表二", t2), "三、收到和处理政府信息公开申请情况": ("表三", t3),
              "四、政府信息公开行政复议、行政诉讼情况": ("表四", t4)}
    for h, p in NARRATIVE:
        if h:
            d.add_paragraph(h)
        if p:
            d.add_paragraph(p)
        if h in tables:
            kind, spec = tables[h]
            if captions:
                d.add_paragraph(kind)
            _add_table(d, spec, wrap_paragraphs)
    d.add_paragraph("江州市自然资源和规划局")
    d.add_paragraph("2023年1月18日")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _one(tmp_path: Path, data: bytes):  # noqa: ANN202
    return write_and_extract_one(tmp_path, "r.docx", data)


@pytest.mark.parametrize("wrap", [False, True])
def test_docx_every_cell_2021(tmp_path: Path, wrap: bool) -> None:
    rep = _one(tmp_path, build_docx(t2_2021_spec(), t3_spec(T3), t4_spec(), wrap_paragraphs=wrap))
    assert rep.form == "2021"
    assert_cells(rep, expected_all())
    assert not rules(rep) & IDENTITY_RULES


def test_docx_2019_form(tmp_path: Path) -> None:
    rep = _one(tmp_path, build_docx(t2_2021_spec(), t3_spec(T3_2019, layout=T3_LAYOUT_2019), t4_spec(),
                                    captions=True))
    assert rep.form == "2019"
    assert_cells(rep, expected_all(t3=T3_2019))


def test_docx_blanks_and_notes(tmp_path: Path) -> None:
    fmt = lambda v: "——" if v == 0 else ("127（含自然失效2件）" if v == 127 else str(v))  # noqa: E731
    rep = _one(tmp_path, build_docx(t2_2021_spec(fee="1,234.5"), t3_spec(T3, fmt=fmt), t4_spec()))
    want = expected_all()
    want[("disclosure.admin_fees_cny", "")] = 12345000.0
    want = blank_zero_requests(want)
    assert_cells(rep, want)
    note = next(f for f in rep.facts if f.metric == "requests.received" and f.breakdown == "natural_person")
    assert "自然失效" in (note.note or "")


def test_docx_identity_failures(tmp_path: Path) -> None:
    bad = dict(T3)
    bad["requests.granted"] = T3["requests.granted"][:6] + (75,)
    bad["requests.processed_total"] = (125,) + T3["requests.processed_total"][1:]
    t4 = (3, 1, 0, 1, 6) + T4[5:]
    rep = _one(tmp_path, build_docx(t2_2021_spec(), t3_spec(bad), t4_spec(t4)))
    assert_cells(rep, expected_all(t3=bad, t4=t4))
    assert IDENTITY_RULES <= rules(rep)


def test_docx_identity_failures_with_blank_zero_cells(tmp_path: Path) -> None:
    """Zeros printed as "——": equalities with a blank cannot be checked, but printed parts
    that already exceed a printed total are certain contradictions and are reported."""
    bad = dict(T3)
    bad["requests.granted"] = T3["requests.granted"][:6] + (70,)           # parts 74 > 70
    bad["requests.processed_total"] = (120,) + T3["requests.processed_total"][1:]  # outcomes > 120
    t4 = (3, 1, 0, 1, 4) + T4[5:]                                           # 5 > 4
    fmt = lambda v: "——" if v == 0 else str(v)  # noqa: E731
    rep = _one(tmp_path, build_docx(t2_2021_spec(), t3_spec(bad, fmt=fmt), t4_spec(t4, fmt=fmt)))
    want = blank_zero_requests(expected_all(t3=bad, t4=tuple(None if v == 0 else v for v in t4)))
    assert_cells(rep, want)
    found = {f.rule: f for f in rep.findings}
    assert {"t3_outcomes_sum", "t3_applicants_sum", "t4_sum", "t3_balance"} <= set(found)
    assert "blank cells aside" in found["t4_sum"].message


def test_docx_blank_cells_alone_raise_no_identity_finding(tmp_path: Path) -> None:
    fmt = lambda v: "——" if v == 0 else str(v)  # noqa: E731
    rep = _one(tmp_path, build_docx(t2_2021_spec(), t3_spec(T3, fmt=fmt), t4_spec(T4, fmt=fmt)))
    assert not rules(rep) & IDENTITY_RULES
