"""Numbers that a layout text dump (``pdftotext -layout``, markitdown's text between tables) prints
on a line of their own, above or below their row: put back by the column they line up with and
the form's identities — and left out where that is not certain."""
from __future__ import annotations

from etl.extract.aligned import RowLine, place_lone_numbers
from etl.extract.flatrun import flat_t2, flat_t3, tokenize
from etl.extract.formlabels import T3_ROWS_2019
from tests.extract.test_forms import T3_LABELS, t3_values
from tests.extract.test_forms_flat import HEAD3, TAIL, seg_doc

T2_HEAD = "二、主动公开政府信息情况\n\n"


#: the blocks after (五), each row whole
REST = ("第二十条第（六）项\n\n"
        "信息内容         上一年项目数量     本年增/减        处理决定数量\n\n"
        "行政处罚         2648        0            430\n\n"
        "行政强制         126         0            25\n\n"
        "第二十条第（八）项\n\n"
        "信息内容         上一年项目数量     本年增/减\n\n"
        "行政事业性收费      35          0\n\n"
        "第二十条第（九）项\n\n"
        "信息内容         采购项目数量      采购总金额\n\n"
        "政府集中采购       135         75394432.52 元\n")


def _t2(blocks: str) -> tuple[dict, list]:
    text = T2_HEAD + blocks + REST + "\n三、收到和处理政府信息公开申请情况\n本年新收\n"
    seg, doc = seg_doc(text)
    facts, form, findings, _ = flat_t2(seg, doc)
    return {f.metric: f.value for f in facts}, findings


#: 2019 form 表二 as pdftotext -layout prints it: columns at characters 13, 25 and 38
BLOCK_1 = ("第二十条第（一）项\n\n"
           "信息内容         本年新制作数量     本年新公开数量      对外公开总数量\n\n"
           "             {a}\n"
           "规章                       0            0\n\n"
           "规范性文件        89          89           89\n\n")
BLOCK_5 = ("第二十条第（五）项\n\n"
           "信息内容         上一年项目数量     本年增/减        处理决定数量\n\n"
           "行政许可         396         0            181\n"
           "             10\n"
           "其他对外管理服务事项               0            153\n\n")


def test_a_number_on_a_line_of_its_own_goes_to_the_one_row_and_column_it_lines_up_with() -> None:
    got, findings = _t2(BLOCK_1.format(a="0") + BLOCK_5)
    assert got["disclosure.regulations_new_made"] == 0
    assert got["disclosure.regulations_published_total"] == 0
    assert got["disclosure.normative_docs_new_made"] == 89
    assert got["disclosure.licensing_items_prev_year"] == 396
    assert got["disclosure.other_services_items_prev_year"] == 10
    assert got["disclosure.other_services_decisions"] == 153
    assert any(f.rule == "cell_placed_by_column" and f.severity == "info" for f in findings)


def test_a_lone_number_two_neighbouring_rows_could_take_stays_unstored() -> None:
    # both rows lack the first column and the number sits between them: either could own it
    block = ("第二十条第（五）项\n\n"
             "信息内容         上一年项目数量     本年增/减        处理决定数量\n\n"
             "行政许可                     0            181\n"
             "             10\n"
             "其他对外管理服务事项               0            153\n\n")
    got, findings = _t2(BLOCK_1.format(a="0") + block)
    assert "disclosure.licensing_items_prev_year" not in got
    assert "disclosure.other_services_items_prev_year" not in got
    assert got["disclosure.regulations_new_made"] == 0  # the other block is still read
    assert any(f.rule == "table_unreadable" for f in findings)


def test_a_lone_number_between_two_columns_stays_unstored() -> None:
    got, findings = _t2(BLOCK_1.format(a="        0") + BLOCK_5)  # at character 21: under no column
    assert "disclosure.regulations_new_made" not in got
    assert "disclosure.normative_docs_new_made" not in got
    assert any(f.rule == "table_unreadable" for f in findings)


def test_a_placement_the_form_rejects_is_not_made() -> None:
    # the only column the lone number fits would make 本年新公开数量 exceed 对外公开总数量
    block = ("第二十条第（一）项\n\n"
             "信息内容         本年新制作数量     本年新公开数量      对外公开总数量\n\n"
             "                         9\n"
             "规章             0                         5\n\n"
             "规范性文件        89          89           89\n\n")
    got, _ = _t2(block + BLOCK_5)
    assert "disclosure.regulations_new_published" not in got


def test_place_lone_numbers_counts_characters_as_pdftotext_lays_them_out() -> None:
    region = "规章        0   7\n            4\n规范性文件   5   6\n"
    toks = tokenize(region)
    vals = [i for i, t in enumerate(toks) if t.kind == "value"]
    rows = [RowLine(0, [0], vals[:2], 3), RowLine(2, [4], vals[3:], 3)]
    assert place_lone_numbers(region, toks, rows, [vals[2]], [], 3) is None  # no full row: columns unknown
    full = [RowLine(0, [0], vals[:2], 2)]
    assert place_lone_numbers(region, toks, full, [vals[2]], [], 2) is None  # no row lacks a column


# --- 表三 ---------------------------------------------------------------------------------

def _layout_t3(vals: dict[str, list[int]], moved: dict[str, tuple[int, str]]) -> str:
    """表三 (2019 form) as a layout dump: each row's 7 numbers at fixed columns; for a row in
    ``moved`` the number of column ``j`` is printed on a line of its own above ("up") or below."""
    lines = []
    seen: set[str] = set()
    for m in T3_ROWS_2019:
        a, b, c = T3_LABELS[m]
        parts = [p for p in dict.fromkeys((a, b, c)) if not (p == b and b in seen and c != b)]
        seen.add(b)
        label = "".join(parts)
        cells = [f"{v:>6}" for v in vals[m]]
        if m in moved:
            j, where = moved[m]
            lone = " " * (30 + 6 * j) + cells[j]
            cells[j] = " " * 6
            row = f"{label:<30}" + "".join(cells)
            lines += [lone, row] if where == "up" else [row, lone]
        else:
            lines.append(f"{label:<30}" + "".join(cells))
        lines.append("")
    return HEAD3 + "\n".join(lines) + "\n" + TAIL


def test_a_t3_row_printed_over_two_lines_is_read_by_its_columns_when_the_table_adds_up() -> None:
    vals = t3_values("2019", seed=3)
    text = _layout_t3(vals, {"requests.processed_total": (0, "up"), "requests.carried_over_out": (3, "up")})
    seg, doc = seg_doc(text)
    facts, form, findings, _ = flat_t3(seg, doc)
    got = {(f.metric, f.breakdown): f.value for f in facts}
    keys = ("natural_person", "commercial", "research", "public_welfare", "legal_services", "other_org", "")
    for m in ("requests.processed_total", "requests.carried_over_out", "requests.received"):
        assert [got[(m, k)] for k in keys] == vals[m]
    assert len(got) == 7 * len(T3_ROWS_2019)
    assert any(f.rule == "cell_placed_by_column" for f in findings)


def test_a_t3_line_that_could_join_either_neighbour_stays_apart() -> None:
    vals = t3_values("2019", seed=3)
    text = _layout_t3(vals, {"requests.processed_total": (0, "up")})
    # a second lone number below the same row: the row could take either
    lines = text.split("\n")
    k = next(i for i, ln in enumerate(lines) if "（七）总计" in ln)
    lines.insert(k + 1, " " * 36 + "     9")
    seg, doc = seg_doc("\n".join(lines))
    facts, _, findings, _ = flat_t3(seg, doc)
    got = {(f.metric, f.breakdown): f.value for f in facts}
    for (m, k2), v in got.items():  # whatever is stored is right; the row itself is not
        if m in vals:
            keys = ("natural_person", "commercial", "research", "public_welfare", "legal_services", "other_org", "")
            assert v == vals[m][keys.index(k2)], (m, k2)
    assert not any(f.rule == "cell_placed_by_column" for f in findings)


def test_a_t3_merge_whose_table_does_not_add_up_is_not_kept() -> None:
    vals = t3_values("2019", seed=3)
    text = _layout_t3(vals, {"requests.processed_total": (0, "up")})
    lines = text.split("\n")
    k = next(i for i, ln in enumerate(lines) if "（七）总计" in ln)
    lone = lines[k - 1].strip()
    lines[k - 1] = " " * (30 + 6 * 6 + 4) + lone  # printed right of 总计: the order would be wrong
    seg, doc = seg_doc("\n".join(lines))
    facts, _, findings, _ = flat_t3(seg, doc)
    keys = ("natural_person", "commercial", "research", "public_welfare", "legal_services", "other_org", "")
    for f in facts:
        assert f.value == vals[f.metric][keys.index(f.breakdown)], (f.metric, f.breakdown)
    assert not any(f.rule == "cell_placed_by_column" for f in findings)


# --- Markdown (markitdown): the lone number as plain text between table rows ---------------

MD_BLOCKS = ("第二十条第（一）项\n"
             "| 信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量 |\n"
             "| ---- | ---- | ----- | ------- |\n"
             "0\n"
             "| 规章    |     | 0   | 0   |\n"
             "| ----- | --- | --- | --- |\n"
             "| 规范性文件 | 89  | 89  | 89  |\n"
             "第二十条第（五）项\n"
             "| 信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |\n"
             "| ---- | ------- | ----- | ------ |\n"
             "{licensing}\n"
             "10\n"
             "| 其他对外管理服务事项 |     | 0   | 153 |\n"
             "| ---------- | --- | --- | --- |\n")
MD_REST = ("第二十条第（六）项\n"
           "| 信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |\n| --- | --- | --- | --- |\n"
           "| 行政处罚 | 2648 | 0 | 430 |\n| 行政强制 | 126 | 0 | 25 |\n"
           "第二十条第（八）项\n| 信息内容 | 上一年项目数量 | 本年增/减 |\n| --- | --- | --- |\n"
           "| 行政事业性收费 | 35 | 0 |\n"
           "第二十条第（九）项\n| 信息内容 | 采购项目数量 | 采购总金额 |\n| --- | --- | --- |\n"
           "| 政府集中采购 | 135 | 75394432.52元 |\n")


def _md_t2(licensing: str, tmp_path) -> tuple[dict, list]:
    from etl.extract.forms import parse_forms
    from etl.extract.split import split_document
    from etl.read.text import read_text

    text = T2_HEAD + MD_BLOCKS.format(licensing=licensing) + MD_REST + "三、收到和处理政府信息公开申请情况\n"
    doc = read_text(tmp_path / "r.md", text.encode("utf-8"))
    facts, _, findings = parse_forms(split_document(doc)[0], doc)
    return {f.metric: f.value for f in facts if f.metric.startswith("disclosure.")}, findings


def test_markdown_a_lone_number_fills_the_one_empty_cell_of_the_row_beside_it(tmp_path) -> None:
    got, findings = _md_t2("| 行政许可 | 396     | 0     | 181    |", tmp_path)
    assert got["disclosure.regulations_new_made"] == 0
    assert got["disclosure.regulations_new_published"] == 0
    assert got["disclosure.other_services_items_prev_year"] == 10
    assert got["disclosure.licensing_items_prev_year"] == 396
    assert any(f.rule == "cell_placed_by_column" for f in findings)


def test_markdown_a_lone_number_between_two_rows_with_an_empty_cell_stays_unstored(tmp_path) -> None:
    got, _ = _md_t2("| 行政许可 |      | 0     | 181    |", tmp_path)  # 行政许可 lacks the same cell
    assert got.get("disclosure.other_services_items_prev_year") is None
    assert got.get("disclosure.licensing_items_prev_year") is None


# --- a row's numbers printed above its label, right under the header ------------------------

def _t2_2021(block_1: str) -> tuple[dict, list]:
    text = ("二、主动公开政府信息情况\n" + block_1 +
            "第二十条第（五）项\n信息内容 本年处理决定数量\n行政许可 2418\n"
            "第二十条第（六）项\n信息内容 本年处理决定数量\n行政处罚 12\n行政强制 0\n"
            "第二十条第（八）项\n信息内容 本年收费金额（单位：万元）\n行政事业性收费 0\n"
            "三、收到和处理政府信息公开申请情况\n本年新收\n")
    seg, doc = seg_doc(text)
    facts, _, findings, _ = flat_t2(seg, doc)
    return {f.metric: f.value for f in facts}, findings


def test_numbers_above_a_label_with_none_of_its_own_are_that_rows() -> None:
    got, _ = _t2_2021("第二十条第（一）项\n信息内容 本年制发件数 本年废止件数 现行有效件数\n"
                      "3 1 9\n规章\n行政规范性文\n58 45 546\n件\n")
    assert (got["disclosure.regulations_made"], got["disclosure.regulations_repealed"],
            got["disclosure.regulations_in_force"]) == (3, 1, 9)
    assert got["disclosure.normative_docs_made"] == 58


def test_numbers_above_a_label_that_has_its_own_are_not_taken() -> None:
    got, _ = _t2_2021("第二十条第（一）项\n信息内容 本年制发件数 本年废止件数 现行有效件数\n"
                      "3 1\n规章 0 0 0\n行政规范性文件 58 45 546\n")
    assert got.get("disclosure.regulations_made") in (None, 0)
    assert got.get("disclosure.regulations_repealed") in (None, 0)


def test_markdown_a_number_standing_apart_like_a_page_number_is_not_placed(tmp_path) -> None:
    from etl.extract.forms import parse_forms
    from etl.extract.split import split_document
    from etl.read.text import read_text

    blocks = MD_BLOCKS.format(licensing="| 行政许可 | 396     | 0     | 181    |").replace("10\n", "\n10\n\n")
    text = T2_HEAD + blocks + MD_REST + "三、收到和处理政府信息公开申请情况\n"
    doc = read_text(tmp_path / "r.md", text.encode("utf-8"))
    facts, _, _ = parse_forms(split_document(doc)[0], doc)
    got = {f.metric: f.value for f in facts}
    assert got.get("disclosure.other_services_items_prev_year") is None
