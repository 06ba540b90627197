"""What PDF→Markdown converters (markitdown, pymupdf4llm) do to the national forms, decoded by
the forms' structure: stacked cells and rows, header names wrapped over rows, labels split from
their numbers, all-zero rows whose numbers moved — and the ambiguous cases left unstored."""
from __future__ import annotations

from pathlib import Path

from etl.extract.flatrun import Group, Tok, deal_zero_runs
from etl.extract.formlabels import APPLICANT_ORDER, T3_ROWS_2021, CellValue
from etl.extract.forms import parse_forms, parse_t3_tables
from etl.extract.narrative import extract_narrative, joined_view
from etl.extract.split import split_document
from etl.model import Document, Segment
from etl.read.text import read_text
from tests.extract.test_forms import T3_LABELS, t3_values
from tests.extract.test_forms_flat import HEAD3, TAIL, flat_rows

HEADER_MD = ("|（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）||自然人|商业<br>企业|"
             "科研<br>机构|社会<br>公益<br>组织|法律<br>服务<br>机构|其他|总计|\n|---|---|---|---|---|---|---|---|---|\n")


def _label(m: str) -> tuple[str, str]:
    a, b, c = T3_LABELS[m]
    return (a, c) if b == c else (b, c)


def md_table(vals: dict[str, list], rows: list[str] | None = None, header: str = HEADER_MD) -> str:
    """表三 as pymupdf4llm prints it: two label columns, seven value columns, ``<br>`` in cells."""
    out = [header.rstrip("\n")]
    for m in rows or T3_ROWS_2021:
        a, c = _label(m)
        out.append("|" + "|".join([a, c] + [str(v) for v in vals[m]]) + "|")
    return "\n".join(out) + "\n"


def facts_of(text: str, tmp_path: Path) -> tuple[dict, list]:
    doc = read_text(tmp_path / "r.md", text.encode("utf-8"))
    seg = split_document(doc)[0]
    facts, _form, findings = parse_forms(seg, doc)
    return {f.key: f.value for f in facts if f.metric.startswith("requests.")}, findings


def expected(vals: dict[str, list], metrics) -> dict:
    return {(m, k): float(v) for m in metrics for k, v in zip(APPLICANT_ORDER, vals[m])}


PRE = "三、收到和处理政府信息公开申请情况\n\n"
POST = "\n四、政府信息公开行政复议、行政诉讼情况\n"


# --- Markdown cells ------------------------------------------------------------------------

def test_header_names_wrapped_over_two_header_rows_name_their_columns(tmp_path: Path) -> None:
    vals = t3_values("2021", seed=7)
    header = ("|||自|法人|或其他|组织<br>社会|法律|||\n|---|---|---|---|---|---|---|---|---|\n"
              "|和，等于第三项|加第四项之和）|然<br>人|商业<br>企业|科研<br>机构|公益<br>组织|服务<br>机构|其他|总计|\n")
    got, _ = facts_of(PRE + md_table(vals, header=header) + POST, tmp_path)
    assert got == expected(vals, T3_ROWS_2021)


def _stacked(v: list[str], a: str, c: str) -> str:
    """A 表三 row whose converter lost the boundary between 商业企业 and 科研机构: one cell
    "n<br>n", one cell fewer."""
    return "|" + "|".join([a, c, v[0], f"{v[1]}<br>{v[2]}"] + v[3:]) + "|"


def _processed_row(seed: int) -> tuple[dict[str, list], list[str], int, str, str, str, list[str]]:
    """A generated 表三 (values, Markdown lines) and its 办理结果总计 row: line index, metric,
    label cells and values as text."""
    vals = t3_values("2021", seed=seed)
    lines = md_table(vals).split("\n")
    m = "requests.processed_total"
    a, c = _label(m)
    i = next(k for k, ln in enumerate(lines) if ln.startswith(f"|{a}|{c}|"))
    return vals, lines, i, m, a, c, [str(x) for x in vals[m]]


def test_two_cells_stacked_in_one_are_split_where_the_row_then_adds_up(tmp_path: Path) -> None:
    vals, lines, i, m, a, c, v = _processed_row(8)
    lines[i] = _stacked(v, a, c)
    got, _ = facts_of(PRE + "\n".join(lines) + POST, tmp_path)
    assert got == expected(vals, T3_ROWS_2021)


def test_a_narrower_row_that_does_not_add_up_is_not_stored(tmp_path: Path) -> None:
    vals, lines, i, m, a, c, v = _processed_row(8)
    # a wrong 总计 printed: splitting the stacked cell would not make the row add up, and
    # counting from the right would put a word under 自然人: the row is left out with a finding
    printed = v[:6] + [str(int(v[6]) + 1)]
    lines[i] = _stacked(printed, a, c)
    doc = read_text(tmp_path / "g.md", (PRE + "\n".join(lines) + POST).encode())
    grid = parse_t3_tables(doc.tables, doc)
    assert not [f for f in grid.facts if f.metric == m]
    assert any(f.rule == "t3_columns_uncertain" and "text where a number belongs" in f.message
               for f in grid.findings)
    got, _ = facts_of(PRE + "\n".join(lines) + POST, tmp_path)
    # the grid gives nothing of the row; the text may give it, in its printed order only
    want = {**expected(vals, T3_ROWS_2021), **{(m, k): float(x) for k, x in zip(APPLICANT_ORDER, printed)}}
    assert all(got[k] == want[k] for k in got), {k: (got[k], want[k]) for k in got if got[k] != want[k]}


def test_two_rows_stacked_into_one_are_split_by_their_numbered_labels(tmp_path: Path) -> None:
    vals = t3_values("2021", seed=9)
    rows = list(T3_ROWS_2021)
    m1, m2 = "requests.other_no_correction", "requests.other_fee_unpaid"
    lines = md_table(vals).split("\n")
    a1, c1 = _label(m1)
    _, c2 = _label(m2)
    i = next(k for k, ln in enumerate(lines) if ln.startswith(f"|{a1}|{c1}|"))
    stacked = "|" + "|".join([a1, f"{c1}<br>{c2}"] + [f"{x}<br>{y}" for x, y in zip(vals[m1], vals[m2])]) + "|"
    lines[i:i + 2] = [stacked]
    got, _ = facts_of(PRE + "\n".join(lines) + POST, tmp_path)
    assert got == expected(vals, rows)


def test_a_label_over_empty_cells_joins_the_row_below_that_carries_its_numbers(tmp_path: Path) -> None:
    vals = t3_values("2021", seed=10)
    m = "requests.rejected_excessive"
    a, c = _label(m)
    lines = md_table(vals).split("\n")
    i = next(k for k, ln in enumerate(lines) if ln.startswith(f"|{a}|{c}|"))
    lines[i:i + 1] = ["|" + "|".join([a, "4.无正当理"] + [""] * 7) + "|",
                      "|" + "|".join(["", "由大量反复申请"] + [str(x) for x in vals[m]]) + "|"]
    got, _ = facts_of(PRE + "\n".join(lines) + POST, tmp_path)
    assert got == expected(vals, T3_ROWS_2021)


# --- flattened text: all-zero rows whose numbers moved ----------------------------------------

#: 予以公开 with its 总计 printed blank (six numbers): the table cannot be read by its count of
#: numbers, so every row is judged on its own
BLANK_TOTAL = {"requests.granted": [0] * 6}


def _zero_text(counts: dict[str, int]) -> str:
    printed = {m: [0] * counts.get(m, 7) for m in T3_ROWS_2021}
    return HEAD3 + flat_rows({**printed, **BLANK_TOTAL}) + TAIL


def _seg(text: str) -> tuple[Segment, Document]:
    doc = Document(source="x.txt", format="text", text=text, pages=[])
    return Segment(position=1, title="x", text=text, offset=0, tables=[]), doc


def test_zero_rows_whose_numbers_moved_but_balance_are_read_as_zero() -> None:
    # 8.属于行政查询事项 printed with its neighbour's seven numbers (14), the next two rows 3 and 4
    counts = {"requests.denied_query_matters": 14, "requests.unable_not_held": 3,
              "requests.unable_needs_creation": 4}
    facts, form, findings = parse_forms(*_seg(_zero_text(counts)))
    got = {f.key: f.value for f in facts if f.metric.startswith("requests.")}
    assert got == {(m, k): 0.0 for m in T3_ROWS_2021 for k in APPLICANT_ORDER if m != "requests.granted"}
    assert any(f.rule == "t3_zero_rows_dealt" and f.severity == "info" for f in findings)


def test_moved_numbers_that_are_not_all_zero_or_do_not_balance_stay_unstored() -> None:
    moved = ("requests.denied_query_matters", "requests.unable_not_held", "requests.unable_needs_creation")
    # one cell of the run is 1: which row and column it belongs to is not known
    vals = {m: [0] * 7 for m in T3_ROWS_2021}
    vals["requests.unable_not_held"] = [1, 0, 0, 0, 0, 0, 1]
    text = HEAD3 + flat_rows({**vals, moved[0]: [0] * 14, moved[1]: [1, 0, 0], moved[2]: [0, 0, 0, 1],
                              **BLANK_TOTAL}) + TAIL
    facts, _, findings = parse_forms(*_seg(text))
    got = {f.key for f in facts}
    assert not any(k[0] in moved for k in got)
    assert not any(f.rule == "t3_zero_rows_dealt" for f in findings)
    # a run one number short (a blank cell vanished): not dealt either
    counts = {moved[0]: 14, moved[1]: 3, moved[2]: 3}
    facts, _, findings = parse_forms(*_seg(_zero_text(counts)))
    assert not any(f.metric in moved for f in facts)


def test_deal_zero_runs_leaves_a_single_odd_row_alone() -> None:
    zero = [Tok("value", "0", i, CellValue("number", 0.0)) for i in range(8)]
    groups = [Group("一、本年新收政府信息公开申请数量", "", 0, zero[:7]),
              Group("二、上年结转政府信息公开申请数量", "", 10, zero[:8])]
    out, findings = deal_zero_runs(groups)
    assert out == groups and not findings


def test_shifted_columns_keep_only_the_rows_that_are_zero_everywhere() -> None:
    vals = {m: [0] * 7 for m in T3_ROWS_2021}
    for m in ("requests.received", "requests.processed_total"):
        vals[m] = [0, 3, 0, 0, 0, 0, 3]  # 3 in 商业企业, but the outcomes are 自然人's
    vals["requests.granted"] = [3, 0, 0, 0, 0, 0, 3]
    facts, _, findings = parse_forms(*_seg(HEAD3 + flat_rows(vals) + TAIL))
    got = {f.key: f.value for f in facts if f.metric.startswith("requests.")}
    shifted = {"requests.received", "requests.processed_total", "requests.granted"}
    assert got == {(m, k): 0.0 for m in T3_ROWS_2021 if m not in shifted for k in APPLICANT_ORDER}
    assert any(f.rule == "t3_columns_shifted" and "0 in every column" in f.message for f in findings)


# --- narrative text from PDF converters -------------------------------------------------------

def _narrative(text: str) -> dict:
    doc = Document(source="x.md", format="markdown", text=text, pages=[])
    seg = Segment(position=1, title="x", text=text, offset=0, tables=[])
    return {(f.metric, f.breakdown): f.value for f in extract_narrative(seg, doc)}


#: three full lines of prose, which set how wide a full line of the page is (joined_view)
FULL_LINES = "这是一行很长的正文，用来确定页面的整行宽度，共有三十多个字符。\n" * 3


def test_justified_padding_and_wrapped_indent_around_numbers_are_soft() -> None:
    text = (FULL_LINES +
            " 2021      年，主动公开政府信息      125      条，涵盖政策及规范性文件类\n"
            " 5      条、其他应主动公开的政府信息      120      条。\n"
            "| 一 | 二 | 三 | 四 | 五 | 六 | 七 | 八 | 九 | 十 | 十一 | 十二 | 十三 | 十四 | 十五 | 十六 |\n")
    got = _narrative(text)
    assert got[("disclosure.items", "")] == 125
    assert got[("disclosure.items", "政策及规范性文件")] == 5
    view, _ = joined_view(text)
    assert "政府信息125条" in view


def test_long_tab_separated_table_rows_do_not_set_the_width_of_a_full_line() -> None:
    """A PDF read with its tables written out as tab-separated rows: those rows are far wider
    than the page's prose lines and must not make a full prose line look short."""
    row = "\t".join(["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"] * 2 + ["0"] * 7)
    text = (FULL_LINES +
            " 2021 年，本机关主动公开政府信息 125 条，涵盖政策及规范性文件类\n"
            " 5 条、其他应主动公开的政府信息 120 条。\n" + (row + "\n") * 12)
    got = _narrative(text)
    assert got[("disclosure.items", "政策及规范性文件")] == 5


def test_table_rows_set_out_in_space_runs_do_not_set_the_width_of_a_full_line() -> None:
    """``pdftotext -layout`` prints a table's columns set apart by runs of spaces, lines wider
    than the page's prose; a full prose line beside them still wraps into the next."""
    row = "    信息内容    本年制发件数      本年废止件数    现行有效件数      备注说明"
    text = (FULL_LINES +
            " 2021 年，本机关主动公开政府信息 125 条，涵盖政策及规范性文件类\n"
            " 5 条、其他应主动公开的政府信息 120 条。\n" + (row + "\n") * 12)
    got = _narrative(text)
    assert got[("disclosure.items", "政策及规范性文件")] == 5


def test_padding_between_columns_of_a_table_line_stays() -> None:
    view, _ = joined_view("行政许可      0\n行政处罚      12\n")
    assert "行政许可      0" in view and "行政处罚      12" in view


def test_a_label_over_empty_cells_beside_a_line_of_bare_numbers_is_no_blank_row(tmp_path: Path) -> None:
    """markitdown splits a tall row into a line with its label and a line with its numbers: the
    label line is not an all-blank row (the text reading places the numbers, or nothing does)."""
    vals = {m: [0] * 7 for m in T3_ROWS_2021}
    m = "requests.unable_not_held"
    a, c = _label(m)
    lines = md_table(vals).split("\n")
    i = next(k for k, ln in enumerate(lines) if ln.startswith(f"|{a}|{c}|"))
    lines[i:i + 1] = ["|" + "|".join([a, c] + [""] * 7) + "|", "|" + "|".join(["", ""] + ["0 0"] * 3 + ["0"] + [""] * 3) + "|"]
    doc = read_text(tmp_path / "g.md", (PRE + "\n".join(lines) + POST).encode())
    grid = parse_t3_tables(doc.tables, doc)
    assert not [f for f in grid.facts if f.metric == m]  # not stored as seven blanks
    assert {f.metric for f in grid.facts} == set(T3_ROWS_2021) - {m}


def test_prose_set_as_a_markdown_table_reads_as_prose() -> None:
    text = (FULL_LINES + "全年共制发政府\n"
            "| 信息 437 | 条，其中，主动公开政府信息 | | 55 | 条（涵盖政策及规范性文件类 | | 6 |\n"
            "| --- | --- | --- | --- | --- | --- | --- |\n"
            "| 条、其他应主动公开的政府信息 | | 49 | 条）。 |\n")
    got = _narrative(text)
    assert got[("disclosure.items", "")] == 55
    assert got[("disclosure.items", "政策及规范性文件")] == 6
    assert got[("disclosure.items", "其他应主动公开的政府信息")] == 49


def test_numbers_of_two_cells_of_a_prose_table_never_run_together() -> None:
    view, _ = joined_view("| 本年共办结 | 12 | 34 | 件，其中公开 | 5 | 件。 |\n")
    assert "12 34" in view or "12|34" in view
    # a table of the form (no sentence punctuation in most rows) is left as it is
    table = "| 规章 | 0 | 0 |\n| --- | --- | --- |\n| 行政规范性文件 | 5 | 0 |\n"
    assert joined_view(table)[0] == table


T2_2019 = ("二、主动公开政府信息情况\n第二十条第（一）项\n信息内容 本年新制作数量 本年新公开数量 对外公开总数量\n"
           "规章 0 0 7\n规范性文件 77 77 166\n第二十条第（五）项\n信息内容 上一年项目数量 本年增 / 减 处理决定数量\n"
           "{licensing}其他对外管理服务事项 10 7 105\n第二十条第（六）项\n信息内容 上一年项目数量 本年增 / 减 处理决定数量\n"
           "行政处罚 2648 -18 538\n行政强制 126 26 29\n第二十条第（八）项\n信息内容 上一年项目数量 本年增 / 减\n"
           "行政事业性收费 35 -15\n第二十条第（九）项\n信息内容 采购项目数量 采购总金额\n政府集中采购 395 73802895.90元\n"
           "三、收到和处理政府信息公开申请情况\n")


def _t2(text: str) -> tuple[dict, list]:
    facts, _, findings = parse_forms(*_seg(text))
    return {f.metric: f.value for f in facts if f.metric.startswith("disclosure.")}, findings


def test_the_slash_of_a_spaced_out_zeng_jian_header_is_no_blank_cell() -> None:
    got, _ = _t2(T2_2019.format(licensing="行政许可 396 442 278\n"))
    assert len(got) == 22
    assert got["disclosure.licensing_items_change"] == 442 and got["disclosure.fee_items_change"] == -15


def test_a_number_printed_off_its_row_leaves_its_header_block_out_and_reads_the_others() -> None:
    # pdftotext -layout prints a raised cell on a line of its own above its row: "442" then
    # "行政许可 396 278" — its column is not known, and 行政许可 + the row below could take it
    got, findings = _t2(T2_2019.format(licensing="442\n行政许可 396 278\n"))
    block = ("licensing", "other_services")
    assert not [m for m in got if any(b in m for b in block)]
    assert got["disclosure.penalty_items_change"] == -18 and got["disclosure.normative_docs_new_made"] == 77
    assert len(got) == 22 - 6
    assert any(f.rule == "table_unreadable" and "under that header" in f.message for f in findings)
