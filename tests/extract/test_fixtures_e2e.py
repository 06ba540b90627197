"""End to end, per format: a report generated from known numbers → etl.extract.pipeline.extract_file →
every printed cell, the form, year, agency and the expected findings.

The fixtures (etl.demo.fixtures) render the same kind of spec into txt, md, html (utf-8, gbk),
docx and pdf with real-document quirks; each spec knows its answer. The first block checks
the generator itself (its answers are right and its files are what they claim to be); the
second runs the real pipeline.
"""
from __future__ import annotations

import io
import math
import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.demo import docx_pdf
from etl.demo import fixtures as fx
from etl.demo.fixtures import Quirks, make_standard_report
from etl.demo.render import render
from etl.metrics import APPLICANT_KEYS, load_metrics

# ---------------------------------------------------------------------------------------
# the generator's own answers
# ---------------------------------------------------------------------------------------


def _identities_hold(spec: fx.StandardReport) -> list[str]:
    """The 表三/表四 identities, checked on the spec's printed values (blank = 0)."""
    v = lambda m, k="": int(spec.t3.get((m, k)) or 0)  # noqa: E731
    bad = []
    outcomes = fx.OUTCOME_METRICS_2021 if spec.form == "2021" else fx.OUTCOME_METRICS_2019
    for k in (*APPLICANT_KEYS, ""):
        if v("requests.received", k) + v("requests.carried_over_in", k) != \
                v("requests.processed_total", k) + v("requests.carried_over_out", k):
            bad.append(f"column {k or '总计'}: 新收+结转 ≠ 总计+结转下年")
        if sum(v(m, k) for m in outcomes) != v("requests.processed_total", k):
            bad.append(f"column {k or '总计'}: outcomes ≠ 总计")
    for row in fx.t3_rows(spec.form):
        if sum(v(row.metric, k) for k in APPLICANT_KEYS) != v(row.metric):
            bad.append(f"row {row.metric}: applicants ≠ 总计")
    t4 = [int(x or 0) for x in spec.t4]
    for i in range(3):
        if sum(t4[i * 5:i * 5 + 4]) != t4[i * 5 + 4]:
            bad.append(f"表四 group {i}")
    return bad


@pytest.mark.parametrize("form,rows", [("2021", 25), ("2019", 23)])
def test_form_rows_and_metric_ids(form: str, rows: int) -> None:
    metrics = load_metrics()
    t3 = fx.t3_rows(form)
    assert len(t3) == rows
    assert len({r.metric for r in t3}) == rows
    for r in t3:
        assert r.metric in metrics, r.metric
    t2 = fx.T2_2021 if form == "2021" else fx.T2_2019
    for _, cols, items in t2:
        for _, ms in items:
            assert len(ms) == len(cols)
            for m in ms:
                assert m in metrics and metrics[m].source.startswith("table2"), m
    assert len(fx.T4_METRICS) == 15 and all(m in metrics for m in fx.T4_METRICS)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("form", ["2019", "2021"])
def test_generated_specs_are_consistent(seed: int, form: str) -> None:
    spec = make_standard_report(seed, year=2023, form=form)
    assert _identities_hold(spec) == []
    exp = spec.expected_facts()
    n_t2 = 10 if form == "2021" else 22
    n_rows = 25 if form == "2021" else 23
    assert len([k for k in exp if k[0].startswith("requests.")]) == n_rows * 7
    assert len([k for k in exp if k[0].startswith("appeals.")]) == 15
    assert len([k for k in exp if k[0].startswith("disclosure.") and k[0] in
                {m for _, _, items in (fx.T2_2021 if form == "2021" else fx.T2_2019)
                 for _, ms in items for m in ms}]) == n_t2
    assert all(v is not None for v in exp.values())  # no blanks without the quirk


def test_2019_version_without_the_confirm_row() -> None:
    spec = make_standard_report(15, form="2019", quirks=Quirks(drop_confirm_row=True))
    assert len(spec.rows()) == 22 and _identities_hold(spec) == []
    assert not [k for k in spec.expected_facts() if k[0] == "requests.rejected_confirm"]
    assert "确认或重新出具" not in fx.render_txt(spec)


def test_blank_cells_are_expected_as_none_and_keep_identities() -> None:
    spec = make_standard_report(4, form="2021", quirks=Quirks(empty_cells=True))
    exp = spec.expected_facts()
    blanks = [k for k, v in exp.items() if v is None]
    assert 4 <= len(blanks) <= 6 + 2 + 3  # 表三, 表四, and a blank 规章 row
    assert _identities_hold(spec) == []  # blanks replace printed zeros only
    txt = fx.render_txt(spec)
    # a blank cell shows as an empty field between tabs
    assert "\t\t" in txt or "\t\n" in txt


def test_source_error_breaks_an_identity_and_keeps_the_printed_value() -> None:
    clean = make_standard_report(5, form="2021")
    bad = make_standard_report(5, form="2021", quirks=Quirks(source_error=True))
    assert bad.expects_identity_error and not clean.expects_identity_error
    assert _identities_hold(bad)
    k = bad.source_error_cell
    assert bad.expected_facts()[k] != clean.expected_facts()[k]
    assert bad.expected_facts()[k] == bad.t3[k]  # the printed value is the answer


def test_wan_yuan_and_notes() -> None:
    spec = make_standard_report(6, form="2019", quirks=Quirks(cell_note=True))
    exp = spec.expected_facts()
    amount = spec.t2["disclosure.procurement_amount_cny"]
    assert math.isclose(exp[("disclosure.procurement_amount_cny", "")], amount * 10000)
    assert spec.expected_notes() == {("disclosure.normative_docs_published_total", ""): "自然失效"}
    assert "（含自然失效" in fx.render_txt(spec)


def test_rendering_is_deterministic() -> None:
    a = make_standard_report(7, quirks=fx.ALL_TEXT_QUIRKS)
    b = make_standard_report(7, quirks=fx.ALL_TEXT_QUIRKS)
    for fmt in ("txt", "md", "html-gbk", "pdf"):
        assert render(a, fmt) == render(b, fmt), fmt


def test_binary_writers_are_reexported() -> None:
    from etl.demo.docx_pdf import render_docx, render_pdf

    spec = make_standard_report(14)
    assert render_docx(spec)[:2] == b"PK" and render_pdf(spec)[:5] == b"%PDF-"
    with pytest.raises(ValueError):
        render(spec, "rtf")


def test_phrasings_vary_with_the_seed() -> None:
    firsts = {fx.standard_paragraphs(make_standard_report(s), Quirks())[fx.SECTION_HEADINGS[0]][0][:8]
              for s in range(30)}
    assert len(firsts) >= 3


def test_text_quirks_are_present() -> None:
    spec = make_standard_report(8, form="2021", quirks=fx.ALL_TEXT_QUIRKS)
    txt = fx.render_txt(spec)
    assert "- 4 -" in txt
    assert "\n本\n年\n度\n" in txt  # a merged label one character per line
    assert "其他法律行政止公开" in txt  # the typo
    assert '"三安全一稳定"' in txt
    assert "(一)予以公开" in txt and "1、属于国家秘密" in txt
    assert any("０" <= ch <= "９" for ch in txt)
    flat = fx.render_txt(make_standard_report(8, form="2019"), Quirks(flattened=True))
    lines = flat.splitlines()
    start = lines.index("四、结转下年度继续办理") + 1
    assert all(line.isdigit() for line in lines[start:start + 23 * 7])


def test_html_gbk_declares_and_uses_gbk() -> None:
    spec = make_standard_report(9, quirks=Quirks(layout_table=True, empty_cells=True))
    data = render(spec, "html-gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text = data.decode("gbk")
    assert 'charset=gb2312' in text and "rowspan=" in text and "&nbsp;" in text
    assert text.count("<table") == 4  # layout table + 表二/三/四


def test_traditional_mirror_converts_the_page() -> None:
    spec = make_standard_report(13, form="2019", quirks=Quirks(traditional=True))
    page = render(spec, "html").decode("utf-8")
    assert "本年增/減" in page and "收到和處理政府信息公開申請情況" in page
    assert "公开" not in page


def test_docx_has_merged_cells() -> None:
    docx = pytest.importorskip("docx")
    spec = make_standard_report(10, form="2021")
    d = docx.Document(io.BytesIO(render(spec, "docx")))
    t3 = d.tables[1]
    first_col = [row.cells[0].text for row in t3.rows]
    assert first_col.count("三、本年度办理结果") == 22  # vertically merged label
    assert t3.rows[0].cells[3].text == t3.rows[0].cells[9].text == "申请人情况"


def test_pdf_table4_header_and_numbers_on_two_pages() -> None:
    pdfplumber = pytest.importorskip("pdfplumber")
    spec = make_standard_report(12, form="2021", quirks=Quirks(split_table4=True))
    with pdfplumber.open(io.BytesIO(render(spec, "pdf"))) as pdf:
        found = [(p.page_number, t) for p in pdf.pages for t in p.extract_tables()
                 if t and (t[0][0] == "行政复议" or len(t[0]) == 15 and len(t) == 1)]
    assert [len(t) for _, t in found] == [3, 1]  # three header rows, then the data row
    assert found[1][0] == found[0][0] + 1
    assert found[1][1][0] == [fx._fmt_num(v, "") for v in spec.t4]


def test_filler_makes_a_six_page_pdf_with_the_same_answers() -> None:
    pdfplumber = pytest.importorskip("pdfplumber")
    short = make_standard_report(16, form="2021")
    long = make_standard_report(16, form="2021", quirks=fx.SIX_PAGE_PDF)
    assert long.expected_facts() == short.expected_facts()
    with pdfplumber.open(io.BytesIO(render(long, "pdf"))) as pdf:
        assert len(pdf.pages) >= 6


def test_pdf_table_runs_over_a_page_break() -> None:
    pdfplumber = pytest.importorskip("pdfplumber")
    spec = make_standard_report(11, form="2021")
    with pdfplumber.open(io.BytesIO(render(spec, "pdf"))) as pdf:
        pages_with_t3 = [p.page_number for p in pdf.pages
                         if "予以公开" in (p.extract_text() or "")
                         or "本年新收" in (p.extract_text() or "")]
        assert len(set(pages_with_t3)) >= 2
        texts = [p.extract_text() or "" for p in pdf.pages]
        assert any(f"- {i} -" in t for i, t in enumerate(texts, 1))
        cells = [c for p in pdf.pages for t in p.extract_tables() for row in t for c in row if c]
        assert str(spec.t3[("requests.granted", "")]) in cells


# ---------------------------------------------------------------------------------------
# the real pipeline on each format and both forms
# ---------------------------------------------------------------------------------------

FORMAT_QUIRKS: dict[tuple[str, str], Quirks] = {
    ("txt", "2021"): Quirks(empty_cells=True, cell_note=True, vertical_labels=True,
                            page_numbers=True, straight_quotes=True, fullwidth_digits=True,
                            halfwidth_brackets=True),
    ("txt", "2019"): Quirks(flattened=True, typo=True, captions=True, page_numbers=True,
                            wrapped_labels=True),
    ("txt-cells", "2021"): Quirks(cell_per_line=True, empty_cells=True, slash_cells=True),
    ("txt-cells", "2019"): Quirks(cell_per_line=True, page_numbers=True, wrapped_labels=True),
    ("md", "2021"): Quirks(empty_cells=True, slash_cells=True, captions=True),
    ("md", "2019"): Quirks(repeat_merged=True, cell_note=True),
    ("html-utf8", "2021"): Quirks(layout_table=True, empty_cells=True, cell_note=True),
    ("html-utf8", "2019"): Quirks(halfwidth_brackets=True, drop_confirm_row=True),
    ("html-gbk", "2021"): Quirks(empty_cells=True, slash_cells=True, fullwidth_digits=True),
    ("html-gbk", "2019"): Quirks(straight_quotes=True, layout_table=True),
    ("html-trad", "2021"): Quirks(traditional=True, empty_cells=True),
    ("html-trad", "2019"): Quirks(traditional=True, layout_table=True),
    ("docx", "2021"): Quirks(empty_cells=True, cell_note=True),
    ("docx", "2019"): Quirks(halfwidth_brackets=True, captions=True, drop_confirm_row=True),
    ("pdf", "2021"): Quirks(empty_cells=True),
    ("pdf", "2019"): Quirks(cell_note=True),
    ("pdf-split", "2021"): Quirks(split_table4=True, captions=True),
    ("pdf-split", "2019"): Quirks(split_table4=True, empty_cells=True),
    ("pdf-unruled", "2021"): Quirks(unruled=True),
    ("pdf-unruled", "2019"): Quirks(unruled=True, cell_note=True, halfwidth_brackets=True),
}
CASES = sorted(FORMAT_QUIRKS)
SUFFIX = {"txt": ".txt", "txt-cells": ".txt", "md": ".md", "html-trad": ".html", "html-utf8": ".html", "html-gbk": ".htm",
          "docx": ".docx", "pdf": ".pdf", "pdf-split": ".pdf",
          "pdf-unruled": ".pdf"}
# reports of 2023/2024 may still print the 2019 form: use one for the 2019 cases
YEAR = {"2021": 2022, "2019": 2023}


def _extract(tmp_path: Path, spec: fx.StandardReport, fmt: str, quirks: Quirks | None = None):
    from etl.extract.pipeline import extract_file

    path = tmp_path / f"report{SUFFIX[fmt]}"
    fmt = {"html-utf8": "html", "html-trad": "html", "txt-cells": "txt",
           "pdf-split": "pdf", "pdf-unruled": "pdf"}.get(fmt, fmt)
    path.write_bytes(render(spec, fmt, quirks))
    return extract_file(path)


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


TABLE_METRICS: dict[str, str] = {
    **{m: "表二" for sec in (fx.T2_2021, fx.T2_2019) for _, _, items in sec for _, ms in items
       for m in ms},
    **{r.metric: "表三" for r in fx.t3_rows("2021") + fx.t3_rows("2019")},
    **{m: "表四" for m in fx.T4_METRICS},
}


def _printed(spec: fx.StandardReport, key: tuple[str, str]) -> str | None:
    """The cell text as the fixture printed it (万元 amounts as printed, not in yuan)."""
    metric, breakdown = key
    if metric in fx.T4_METRICS:
        v = spec.t4[fx.T4_METRICS.index(metric)]
    elif TABLE_METRICS.get(metric) == "表二":
        v = spec.t2.get(metric)
    else:
        v = spec.t3.get(key)
    return None if v is None else fx._fmt_num(v, "")


def _check_evidence(report, spec: fx.StandardReport, doc_text: str | None, paged: bool) -> list[str]:
    """Every table cell can be traced: table, labels, raw text, and where it sits."""
    problems = []
    for f in report.facts:
        ev = f.evidence
        if ev is None:
            problems.append(f"{f.key}: no evidence")
            continue
        if paged and ev.page is None:
            problems.append(f"{f.key}: no page")
        table = TABLE_METRICS.get(f.metric)
        if ev.offset is not None and doc_text is not None:
            if not 0 <= ev.offset < len(doc_text):
                problems.append(f"{f.key}: offset {ev.offset} outside the document")
            elif table is None and ev.raw_text:
                # free text: the offset lies inside the quoted words (at their start or at the
                # number); a table cell's offset may be its table's, as the model allows
                # (a line break of the file may sit inside the words: PDF line wrap)
                raw = ev.raw_text
                pattern = re.compile(r"\s*".join(re.escape(ch) for ch in raw if not ch.isspace()))
                m = pattern.search(doc_text, max(0, ev.offset - 2 * len(raw)))
                if m is None or not m.start() <= ev.offset <= m.end():
                    problems.append(f"{f.key}: offset {ev.offset} is not inside {raw!r}")
        if table is None or (table == "表三" and f.metric not in {r.metric for r in spec.rows()}):
            continue
        if ev.table != table:
            problems.append(f"{f.key}: evidence table {ev.table!r}, expected {table}")
        if not ev.col_label or (table != "表四" and not ev.row_label):
            problems.append(f"{f.key}: labels missing (row {ev.row_label!r}, column {ev.col_label!r})")

        printed = _printed(spec, f.key)
        if printed is not None and printed not in (ev.raw_text or "").translate(
                str.maketrans("０１２３４５６７８９", "0123456789")):
            problems.append(f"{f.key}: raw text {ev.raw_text!r} does not hold {printed!r}")
    return problems


def _check_facts(report, spec: fx.StandardReport, doc_text: str | None = None,
                 paged: bool = False) -> None:
    exp = spec.expected_facts()
    got = {f.key: f for f in report.facts}
    problems = _check_evidence(report, spec, doc_text, paged)
    for key, value in sorted(exp.items(), key=lambda kv: kv[0]):
        fact = got.get(key)
        if fact is None:
            problems.append(f"missing {key} (expected {value})")
        elif not _same(fact.value, value):
            problems.append(f"wrong {key}: got {fact.value}, expected {value}")
    for key in sorted(set(got) - set(exp)):
        problems.append(f"unexpected {key} = {got[key].value}")
    for key in spec.expected_approx():
        fact = got.get(key)
        if fact is not None and not fact.approx:
            problems.append(f"{key} is stated with 余 but not marked approx")
    for key, text in spec.expected_notes().items():
        fact = got.get(key)
        if fact is not None and text not in (fact.note or ""):
            problems.append(f"note of {key}: got {fact.note!r}, expected to contain {text!r}")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:60])


@pytest.mark.parametrize("fmt,form", CASES)
def test_every_cell_of_a_standard_report(tmp_path: Path, fmt: str, form: str) -> None:
    seed = 100 + CASES.index((fmt, form))
    spec = make_standard_report(seed, "青川市教育局", YEAR[form], form, FORMAT_QUIRKS[(fmt, form)])
    reports = _extract(tmp_path, spec, fmt)
    assert len(reports) == 1
    r = reports[0]
    assert (r.agency, r.year, r.kind, r.form) == (spec.agency, spec.year, "disclosure_report", form)
    from etl.read.dispatch import read_file

    doc = read_file(tmp_path / f"report{SUFFIX[fmt]}")
    _check_facts(r, spec, doc.text, paged=fmt.startswith("pdf"))
    errors = [f.to_dict() for f in r.findings if f.severity == "error"]
    assert errors == [], "a consistent report must not produce error findings"
    assert not [f for f in r.findings if f.rule == "narrative_vs_table"]


@pytest.mark.parametrize("fmt", ["txt", "html-gbk", "docx", "pdf"])
def test_printed_total_contradicting_its_parts_is_kept_and_flagged(tmp_path: Path, fmt: str) -> None:
    base = FORMAT_QUIRKS[(fmt, "2021")]
    clean = make_standard_report(300, "青川市民政局", 2022, "2021", base)
    bad = make_standard_report(300, "青川市民政局", 2022, "2021",
                               replace(base, source_error=True))
    (r_clean,) = _extract(tmp_path, clean, fmt)
    (r_bad,) = _extract(tmp_path, bad, fmt)
    key = bad.source_error_cell
    fact = r_bad.fact(*key)
    assert fact is not None and _same(fact.value, bad.expected_facts()[key]), "kept as printed"
    clean_rules = {(f.rule, f.message) for f in r_clean.findings}
    new = [f for f in r_bad.findings if (f.rule, f.message) not in clean_rules
           and f.severity == "error"]
    assert new, f"no identity finding; findings: {[f.to_dict() for f in r_bad.findings]}"


def test_short_printed_name_resolves_to_the_canonical_agency(tmp_path: Path) -> None:
    spec = make_standard_report(400, "青川市人力资源和社会保障局", 2021, "2021",
                                printed_agency="青川市人社局")
    assert spec.title.startswith("青川市人社局")
    (r,) = _extract(tmp_path, spec, "txt")
    assert r.agency == "青川市人力资源和社会保障局"
    _check_facts(r, spec)


def test_2024_report_in_the_2019_form_is_read_as_2019(tmp_path: Path) -> None:
    spec = make_standard_report(401, "滨江区教育局", 2024, "2019")
    (r,) = _extract(tmp_path, spec, "md")
    assert (r.year, r.form) == (2024, "2019")


# ---------------------------------------------------------------------------------------
# narrative-era reports and work summaries (the same generator feeds the demo corpus)
# ---------------------------------------------------------------------------------------


def _extract_narrative(tmp_path: Path, spec, fmt: str):  # noqa: ANN001, ANN202
    """Write a narrative-era report as text (``txt``) or HTML (``html``, ``html-gbk``) and
    extract its only report."""
    from etl.extract.pipeline import extract_file

    path = tmp_path / ("r.txt" if fmt == "txt" else "r.html")
    if fmt == "txt":
        path.write_text(fx.render_narrative_txt(spec), encoding="utf-8")
    else:
        path.write_bytes(fx.render_narrative_html(spec, "gbk" if fmt == "html-gbk" else "utf-8"))
    (r,) = extract_file(path)
    return r


@pytest.mark.parametrize("seed,fmt", [(1, "txt"), (2, "html-gbk"), (3, "txt"), (4, "html"),
                                      (5, "txt"), (6, "html")])
def test_narrative_era_report(tmp_path: Path, seed: int, fmt: str) -> None:
    spec = fx.make_narrative_report(seed, "青川市司法局", 2009 + seed)
    r = _extract_narrative(tmp_path, spec, fmt)
    assert (r.agency, r.year, r.kind) == ("青川市司法局", spec.year, "disclosure_report")
    got = {f.key: f.value for f in r.facts}
    problems = [f"{k}: got {got.get(k, 'nothing')}, expected {v}"
                for k, v in spec.expected_facts().items() if not _same(got.get(k), v)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_work_summary_investment_indicators(tmp_path: Path, seed: int) -> None:
    from etl.extract.pipeline import extract_file

    spec = fx.make_work_summary(seed, "滨江区对外贸易经济合作局", 2010 + seed)
    path = tmp_path / "summary.txt"
    path.write_text(fx.render_work_summary_txt(spec), encoding="utf-8")
    (r,) = extract_file(path)
    assert (r.agency, r.year, r.kind) == ("滨江区对外贸易经济合作局", spec.year, "work_summary")
    got = {f.key: f.value for f in r.facts}
    problems = [f"{k}: got {got.get(k, 'nothing')}, expected {v}"
                for k, v in spec.expected_facts().items() if not _same(got.get(k), v)]
    assert not problems, "\n".join(problems)


def test_compilation_file_is_split_into_its_reports(tmp_path: Path) -> None:
    from etl.extract.pipeline import extract_file

    parts = [
        fx.make_narrative_report(21, "东城区对外贸易经济合作局", 2010),
        fx.make_work_summary(22, "东城区对外贸易经济合作局", 2010),
        make_standard_report(23, "青川市审计局", 2021, "2021", Quirks(empty_cells=True)),
    ]
    path = tmp_path / "compilation.txt"
    path.write_text(fx.render_compilation_txt([(p.title, fx.spec_text(p)) for p in parts]),
                    encoding="utf-8")
    reports = extract_file(path)
    assert [(r.position, r.agency, r.year, r.kind) for r in reports] == [
        (1, "东城区对外贸易经济合作局", 2010, "disclosure_report"),
        (2, "东城区对外贸易经济合作局", 2010, "work_summary"),
        (3, "青川市审计局", 2021, "disclosure_report"),
    ]
    assert reports[2].form == "2021"
    _check_facts(reports[2], parts[2])
    for r, p in zip(reports[:2], parts[:2]):
        got = {f.key: f.value for f in r.facts}
        wrong = {k: (got.get(k), v) for k, v in p.expected_facts().items() if not _same(got.get(k), v)}
        assert wrong == {}


# ---------------------------------------------------------------------------------------
# property: any seed, any combination of quirks, any text-like format — every cell right
# ---------------------------------------------------------------------------------------


_LAYOUT_FLAGS = ("empty_cells", "slash_cells", "cell_note", "vertical_labels", "page_numbers",
                 "straight_quotes", "fullwidth_digits", "halfwidth_brackets", "typo",
                 "layout_table", "repeat_merged", "captions", "wrapped_labels")


@st.composite
def _cases(draw):
    fmt = draw(st.sampled_from(["txt", "txt-cells", "txt-flat", "md", "html-utf8", "html-gbk",
                                "docx"]))
    flags = {f: draw(st.booleans()) for f in _LAYOUT_FLAGS}
    if fmt == "txt-cells":
        flags["cell_per_line"] = True
    if fmt == "txt-flat":  # a flattened run is only readable without blanks
        flags.update(flattened=True, empty_cells=False, slash_cells=False)
    form = draw(st.sampled_from(["2019", "2021"]))
    year = draw(st.sampled_from([2019, 2020, 2023, 2024] if form == "2019" else [2021, 2022, 2024]))
    return draw(st.integers(0, 10**6)), fmt, form, year, Quirks(**flags)


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=_cases())
def test_any_seed_and_quirks_round_trip(tmp_path: Path, case) -> None:
    seed, fmt, form, year, quirks = case
    spec = make_standard_report(seed, "北塘区青石镇人民政府", year, form, quirks)
    fmt_file = {"txt-flat": "txt"}.get(fmt, fmt)
    (r,) = _extract(tmp_path, spec, fmt_file)
    assert (r.agency, r.year, r.form) == (spec.agency, year, form)
    _check_facts(r, spec)
    assert not [f for f in r.findings if f.severity == "error" or f.rule == "narrative_vs_table"]


# ---------------------------------------------------------------------------------------
# inconsistencies a reader must see: text vs table, wrong notice, across years
# ---------------------------------------------------------------------------------------


def _new_findings(bad, clean) -> list:
    seen = {(f.rule, f.message) for f in clean.findings}
    return [f for f in bad.findings if (f.rule, f.message) not in seen]


@pytest.mark.parametrize("fmt", ["md", "docx"])
def test_text_disagreeing_with_the_table_keeps_the_table_and_says_so(tmp_path: Path, fmt: str) -> None:
    spec = make_standard_report(600, "青川市财政局", 2022, "2021", Quirks(narrative_conflict=True))
    assert spec.narrative["requests.received"] != spec.t3[("requests.received", "")]
    (r,) = _extract(tmp_path, spec, fmt)
    _check_facts(r, spec)  # the table's value is the fact
    assert [f for f in r.findings if f.rule == "narrative_vs_table"
            and "requests.received" in (f.message + " ".join(f.cells))]


def test_23_row_form_citing_the_2021_notice_is_flagged(tmp_path: Path) -> None:
    clean = make_standard_report(601, "青川市财政局", 2021, "2019")
    bad = make_standard_report(601, "青川市财政局", 2021, "2019", Quirks(wrong_notice=True))
    assert fx.NOTICE_2021 in fx.render_txt(bad) and fx.NOTICE_2021 not in fx.render_txt(clean)
    (r_clean,) = _extract(tmp_path, clean, "html-utf8")
    (r_bad,) = _extract(tmp_path, bad, "html-utf8")
    assert r_bad.form == "2019"
    _check_facts(r_bad, bad)
    assert _new_findings(r_bad, r_clean), "no finding for the 23-row form under the 2021 notice"


def _shift_carry_in(spec: fx.StandardReport, delta: int) -> fx.StandardReport:
    """Last year's 结转下年度 no longer equals this year's 上年结转; the report itself stays
    consistent (the extra requests are granted)."""
    t3 = dict(spec.t3)
    for col in ("natural_person", ""):
        for m in ("requests.carried_over_in", "requests.granted", "requests.processed_total"):
            t3[(m, col)] = int(t3[(m, col)] or 0) + delta
    return replace(spec, t3=t3)


def _load_findings(tmp_path: Path, specs: list[fx.StandardReport], name: str) -> list[tuple]:
    from etl.store import database as store
    from etl.store.loader import load_paths

    folder = tmp_path / name
    folder.mkdir()
    paths = []
    for s in specs:
        p = folder / f"{s.year}.md"
        p.write_bytes(render(s, "md"))
        paths.append(p)
    con = store.connect(folder / "db.duckdb")
    try:
        res = load_paths(paths, con, archive=folder / "archive")
        assert res.ok, res.to_dict()
        return con.execute("SELECT year, rule, severity, message FROM findings").fetchall()
    finally:
        con.close()


def test_cross_year_carry_over_mismatch_is_found_when_loading(tmp_path: Path) -> None:
    y21 = make_standard_report(602, "青川市财政局", 2021, "2021")
    y22 = make_standard_report(603, "青川市财政局", 2022, "2021", prev=y21)
    assert y22.t3[("requests.carried_over_in", "")] == y21.t3[("requests.carried_over_out", "")]
    good = _load_findings(tmp_path, [y21, y22], "good")
    bad = _load_findings(tmp_path, [y21, _shift_carry_in(y22, 3)], "bad")
    new = [f for f in bad if f not in good]
    assert any(f[0] == 2022 and f[2] in ("error", "warning") for f in new), bad


@pytest.mark.parametrize("form", ["2019", "2021"])
def test_space_separated_text_rows(tmp_path: Path, form: str) -> None:
    spec = make_standard_report(700, "青川市教育局", 2022, form, Quirks(space_separated=True))
    (r,) = _extract(tmp_path, spec, "txt")
    _check_facts(r, spec)


@pytest.mark.parametrize("form,fmt", [("2019", "txt"), ("2021", "txt"), ("2021", "pdf-unruled")])
def test_vanished_blank_cells_give_no_wrong_value_and_a_finding(tmp_path: Path, form: str,
                                                                 fmt: str) -> None:
    """Plain PDF text drops blank cells, so a short row cannot be placed by position: the
    extractor must not guess (no wrong value, nothing unexpected) and must say so."""
    spec = make_standard_report(701, "青川市教育局", 2022, form,
                                Quirks(space_separated=True, empty_cells=True, unruled=True))
    (r,) = _extract(tmp_path, spec, fmt)
    exp = spec.expected_facts()
    wrong = [(f.key, f.value, exp.get(f.key, "unexpected")) for f in r.facts
             if f.key not in exp or not _same(f.value, exp[f.key])]
    assert wrong == []
    assert [f for f in r.findings if f.severity in ("warning", "error")], "silently incomplete"


@pytest.mark.parametrize("mask", ["xx单位", "××局"])
def test_anonymised_agency_keeps_its_numbers(tmp_path: Path, mask: str) -> None:
    from etl.extract.pipeline import extract_file

    spec = fx.anonymised(fx.make_narrative_report(31, "青川市民政局", 2011), mask)
    assert spec.title.startswith(mask)
    path = tmp_path / "anon.txt"
    path.write_text(fx.render_narrative_txt(spec), encoding="utf-8")
    (r,) = extract_file(path)
    assert r.agency is None and r.year == 2011 and r.kind == "disclosure_report"
    assert r.findings, "an anonymised agency is a finding"
    got = {f.key: f.value for f in r.facts}
    wrong = {k: (got.get(k), v) for k, v in spec.expected_facts().items() if not _same(got.get(k), v)}
    assert wrong == {}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_unfilled_template_has_no_facts(tmp_path: Path, seed: int) -> None:
    from etl.extract.pipeline import extract_file

    path = tmp_path / "template.txt"
    path.write_text(fx.render_template_txt(seed), encoding="utf-8")
    (r,) = extract_file(path)
    assert r.kind == "template" and r.facts == [] and r.findings



def test_traditional_mirror_names_the_simplified_agency(tmp_path: Path) -> None:
    spec = make_standard_report(131, "东城区人力资源和社会保障局", 2022, "2021",
                                Quirks(traditional=True))
    assert "東城區人力資源和社會保障局" in render(spec, "html").decode("utf-8")
    (r,) = _extract(tmp_path, spec, "html-trad")
    assert r.agency == "东城区人力资源和社会保障局"


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6), year=st.integers(2008, 2018),
       fmt=st.sampled_from(["txt", "html", "html-gbk"]), fullwidth=st.booleans(),
       agency=st.sampled_from(["青川市司法局", "东城区教育局", "滨江区临江镇人民政府"]))
def test_any_narrative_era_report_round_trips(tmp_path: Path, seed: int, year: int, fmt: str,
                                              fullwidth: bool, agency: str) -> None:
    spec = fx.make_narrative_report(seed, agency, year, quirks=Quirks(fullwidth_digits=fullwidth))
    r = _extract_narrative(tmp_path, spec, fmt)
    assert (r.agency, r.year, r.kind) == (agency, year, "disclosure_report")
    got = {f.key: f.value for f in r.facts}
    exp = spec.expected_facts()
    wrong = {k: (got.get(k), v) for k, v in exp.items() if not _same(got.get(k), v)}
    unexpected = {k: v for k, v in got.items() if k not in exp}
    assert wrong == {} and unexpected == {}


@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6), year=st.integers(2005, 2018),
       size=st.floats(0.3, 4.0))
def test_any_work_summary_round_trips(tmp_path: Path, seed: int, year: int, size: float) -> None:
    from etl.extract.pipeline import extract_file

    spec = fx.make_work_summary(seed, "青川市商务局", year, size=size)
    path = tmp_path / "summary.txt"
    path.write_text(fx.render_work_summary_txt(spec), encoding="utf-8")
    (r,) = extract_file(path)
    assert (r.agency, r.year, r.kind) == ("青川市商务局", year, "work_summary")
    got = {f.key: f.value for f in r.facts}
    exp = spec.expected_facts()
    assert {k: (got.get(k), v) for k, v in exp.items() if not _same(got.get(k), v)} == {}
    assert {k: v for k, v in got.items() if k not in exp} == {}


@pytest.mark.parametrize("layout", ["tabs", "flattened", "cell_per_line", "space_separated"])
def test_evidence_labels_are_the_printed_labels(tmp_path: Path, layout: str) -> None:
    """A user reads evidence: row and column labels are the report's words, not metric ids."""
    q = Quirks(**({} if layout == "tabs" else {layout: True}))
    spec = make_standard_report(132, "青川市教育局", 2022, "2021", q)
    (r,) = _extract(tmp_path, spec, "txt")
    ids = sorted({(f.metric, label) for f in r.facts if f.evidence
                  for label in (f.evidence.row_label, f.evidence.col_label)
                  if label and re.fullmatch(r"[a-z_]+\.[a-z_]+", label)})
    assert ids == [], f"{len(ids)} labels are metric ids, e.g. {ids[:3]}"


@pytest.mark.parametrize("kind", ["scanned", "encrypted"])
def test_unreadable_pdf_gives_a_finding_and_no_numbers(tmp_path: Path, kind: str) -> None:
    from etl.extract.pipeline import extract_file
    from etl.model import InputError

    data = (docx_pdf.render_scanned_pdf() if kind == "scanned"
            else docx_pdf.render_encrypted_pdf(make_standard_report(17)))
    path = tmp_path / f"{kind}.pdf"
    path.write_bytes(data)
    try:
        reports = extract_file(path)
    except InputError as exc:  # refusing the file with a clear message is also acceptable
        assert "pdf" in str(exc).lower()
        return
    assert reports and all(r.facts == [] for r in reports)
    assert any(f.severity == "error" for r in reports for f in r.findings)
