"""Flattened form tables (text only): read only when the count of numbers fits the form."""
from __future__ import annotations

from etl.extract.forms import parse_forms
from etl.extract.formlabels import APPLICANT_ORDER, T3_ROWS_2019, T3_ROWS_2021
from etl.model import Document, Page, Segment
from tests.extract.test_forms import T3_LABELS, t3_values

HEAD3 = ("三、收到和处理政府信息公开申请情况\n"
         "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\n"
         "申请人情况\n自然人\n法人或其他组织\n总计\n商业企业\n科研机构\n社会公益组织\n法律服务机构\n其他\n")
TAIL = "四、政府信息公开行政复议、行政诉讼情况\n"


def row_label(m: str) -> str:
    a, b, c = T3_LABELS[m]
    parts = []
    for p in (a, b, c):
        if p not in parts:
            parts.append(p)
    return "\n".join(parts)


def flat_rows(vals, form="2021", sep=" ", label_of=row_label) -> str:
    order = T3_ROWS_2021 if form == "2021" else T3_ROWS_2019
    lines = []
    seen_sections = set()
    for m in order:
        a, b, c = T3_LABELS[m]
        label = label_of(m)
        # print a section heading only once, like the form does
        if b in seen_sections and c != b:
            label = c
        seen_sections.add(b)
        lines.append(label + sep + sep.join(str(v) for v in vals[m]))
    return "\n".join(lines) + "\n"


def seg_doc(text: str, pages: list[Page] | None = None):
    doc = Document(source="x.txt", format="text", text=text, pages=pages or [])
    return Segment(position=1, title="x", text=text, offset=0, tables=[]), doc


def by_key(facts):
    return {f.key: f for f in facts}


def assert_all(facts, vals, form):
    got = by_key([f for f in facts if f.metric.startswith("requests.")])
    order = T3_ROWS_2021 if form == "2021" else T3_ROWS_2019
    expected = {(m, k): v for m in order for k, v in zip(APPLICANT_ORDER, vals[m])}
    assert set(got) == set(expected)
    for k, v in expected.items():
        assert got[k].value == v, (k, got[k].value, v)


def test_flat_rows_with_labels_2021_and_page_numbers_and_split_labels():
    vals = t3_values("2021", seed=21)
    body = flat_rows(vals)
    body = body.replace("1.属于国家秘密", "1.属\n于\n国\n家\n秘\n密")
    body = body.replace("3.补正后申请内容仍不明确 ", "3.补正后申请内容仍不明确\n- 4 -\n")
    body = body.replace("2.重复申请", "第 5 页\n2.重复申请")
    text = "二、主动公开政府信息情况\n……\n" + HEAD3 + body + TAIL
    seg, doc = seg_doc(text)
    facts, form, findings = parse_forms(seg, doc)
    assert form == "2021"
    assert_all(facts, vals, "2021")
    assert not [f for f in findings if f.rule == "table_unreadable"]
    f = by_key(facts)[("requests.received", "")]
    assert f.evidence.table == "表三" and text[f.evidence.offset:].startswith(f.evidence.raw_text)


def test_flat_rows_2019():
    vals = t3_values("2019", seed=22)
    text = HEAD3 + flat_rows(vals, "2019") + TAIL
    facts, form, findings = parse_forms(*seg_doc(text))
    assert form == "2019"
    assert_all(facts, vals, "2019")


def test_flat_number_run_exact_count_read_positionally():
    vals = t3_values("2021", seed=23)
    labels = "\n".join(row_label(m) for m in T3_ROWS_2021)
    numbers = "\n".join(" ".join(str(v) for v in vals[m]) for m in T3_ROWS_2021)
    text = HEAD3 + labels + "\n" + numbers + "\n" + TAIL
    facts, form, findings = parse_forms(*seg_doc(text))
    assert form == "2021"
    assert_all(facts, vals, "2021")


def test_flat_one_cell_per_line_dump():
    vals = t3_values("2021", seed=24)
    text = HEAD3 + flat_rows(vals, sep="\n") + TAIL
    facts, form, _ = parse_forms(*seg_doc(text))
    assert_all(facts, vals, "2021")


def _assert_rows_but(facts, vals, form, left_out):
    """Every row of the form read right except ``left_out``, of which no cell is stored."""
    got = by_key([f for f in facts if f.metric.startswith("requests.")])
    order = T3_ROWS_2021 if form == "2021" else T3_ROWS_2019
    for m in order:
        for k, v in zip(APPLICANT_ORDER, vals[m]):
            if m in left_out:
                assert (m, k) not in got, (m, k)
            else:
                assert got[(m, k)].value == v, (m, k, got[(m, k)].value, v)


def _left_out(findings, metric):
    return [f for f in findings if f.rule == "table_unreadable" and metric in f.cells]


def test_flat_row_short_of_a_number_is_left_out_and_the_other_rows_are_read():
    vals = t3_values("2021", seed=25)
    body = flat_rows(vals)
    lines = body.split("\n")
    i = next(k for k, ln in enumerate(lines) if ln.startswith("4.保护第三方合法权益"))
    lines[i] = " ".join(lines[i].split(" ")[:-2] + lines[i].split(" ")[-1:])  # a number vanished (3)
    text = HEAD3 + "\n".join(lines) + TAIL
    facts, form, findings = parse_forms(*seg_doc(text))
    assert form == "2021"
    # no placement of its six numbers keeps the identities: the row is not stored, named in a
    # finding. It lost a number, not a blank — perhaps to a neighbour that lost a blank of its
    # own: the rows beside it show 7 numbers but nothing can confirm their columns, so they
    # are left out too; every other row is read.
    beside = {"requests.denied_security_stability", "requests.denied_internal_affairs"}
    _assert_rows_but(facts, vals, "2021", {"requests.denied_third_party"} | beside)
    bad = _left_out(findings, "requests.denied_third_party")
    assert len(bad) == 1 and bad[0].severity == "warning" and "4.保护第三方合法权益" in bad[0].message
    assert "has 6 numbers" in bad[0].message
    for m in beside:
        assert any("beside a row with another count" in f.message for f in _left_out(findings, m))


def test_flat_short_row_placed_where_the_identities_allow_only_one_placement():
    vals = t3_values("2021", seed=41)
    # a row whose zero cells were printed blank (the text loses them): only its non-zero numbers remain
    m = next(m for m in T3_ROWS_2021[2:-2]
             if sum(1 for v in vals[m][:6] if v == 0) >= 2 and sum(1 for v in vals[m][:6] if v) >= 2)
    printed = [v if v else None for v in vals[m]]
    body = flat_rows(dict(vals, **{m: printed})).replace(" None", "")
    facts, form, findings = parse_forms(*seg_doc(HEAD3 + body + TAIL))
    _assert_rows_but(facts, dict(vals, **{m: printed}), "2021", set())  # the blanks stored as blank
    note = [f for f in findings if f.rule == "t3_placed_by_identities"]
    assert len(note) == 1 and note[0].severity == "info" and m in note[0].cells
    assert not [f for f in findings if f.severity != "info"]


def test_flat_short_row_not_placed_where_a_blank_and_a_zero_could_trade_places():
    vals = t3_values("2021", seed=41)
    m = next(m for m in T3_ROWS_2021[2:-2]
             if sum(1 for v in vals[m][:6] if v == 0) >= 2 and sum(1 for v in vals[m][:6] if v) >= 1)
    # one of the row's zero cells printed blank: any of its zero columns could be the blank one
    j = vals[m].index(0)
    printed = [None if c == j else v for c, v in enumerate(vals[m])]
    body = flat_rows(dict(vals, **{m: printed})).replace(" None", "")
    facts, form, findings = parse_forms(*seg_doc(HEAD3 + body + TAIL))
    _assert_rows_but(facts, vals, "2021", {m})
    bad = _left_out(findings, m)
    assert len(bad) == 1 and "do not single out" in bad[0].message


def test_flat_two_all_zero_rows_with_a_blank_total_are_left_out():
    """A report with no requests: every cell 0, the 总计 of two rows blank (six numbers for seven
    columns). Whichever column is blank, every identity holds: those rows are not placed."""
    vals = {m: [0] * 7 for m in T3_ROWS_2021}
    printed = dict(vals, **{m: [0] * 6 + [None] for m in ("requests.granted", "requests.partially_granted")})
    body = flat_rows(printed).replace(" None", "")
    facts, form, findings = parse_forms(*seg_doc(HEAD3 + body + TAIL))
    assert form == "2021"
    _assert_rows_but(facts, vals, "2021", {"requests.granted", "requests.partially_granted"})
    assert _left_out(findings, "requests.granted") and _left_out(findings, "requests.partially_granted")


def _slide(lines, src, dst):
    """The last number of row ``src`` printed after the label of row ``dst`` (the next row)."""
    i = next(k for k, ln in enumerate(lines) if ln.startswith(src))
    j = next(k for k, ln in enumerate(lines) if ln.startswith(dst))
    head, last = lines[i].rsplit(" ", 1)
    lines[i] = head
    lines[j] = lines[j].replace(dst + " ", dst + " " + last + " ", 1)


def _with_a_vanished_blank(vals):
    """The rows as printed when 结转下年度's first cell (a 0) is printed blank: the text then has
    174 numbers, so the table is not read by its count of numbers, row by row instead."""
    m = "requests.carried_over_out"
    assert vals[m][0] == 0
    printed = dict(vals, **{m: [None] + vals[m][1:]})
    return printed, flat_rows(printed).replace(" None", "").split("\n")


def _assert_stored_right(facts, printed):
    for (metric, k), f in by_key([f for f in facts if f.metric.startswith("requests.")]).items():
        assert f.value == printed[metric][APPLICANT_ORDER.index(k)], (metric, k)


def test_flat_number_slid_into_the_next_row_leaves_both_rows_out():
    vals = t3_values("2021", seed=42)
    printed, lines = _with_a_vanished_blank(vals)
    _slide(lines, "1.信访举报投诉类申请", "2.重复申请")  # 6 numbers, then 8
    facts, form, findings = parse_forms(*seg_doc(HEAD3 + "\n".join(lines) + TAIL))
    _assert_stored_right(facts, printed)
    got = by_key(facts)
    for metric in ("requests.rejected_petition", "requests.rejected_repeat"):
        assert not [k for k in APPLICANT_ORDER if (metric, k) in got]
        assert _left_out(findings, metric)
    assert ("requests.rejected_excessive", "") in got and ("requests.granted", "") in got
    # the row with the blank cell: its placement is the only one the balance identity allows
    assert got[("requests.carried_over_out", "natural_person")].value is None
    assert got[("requests.carried_over_out", "commercial")].value == vals["requests.carried_over_out"][1]


def test_flat_number_slid_into_a_row_with_a_vanished_blank_is_not_read_as_that_row():
    """The neighbour's number takes the place of a blank that vanished: 6 numbers, then 7 that
    are shifted by a column (and still add up where the number that moved is a 0 or not).
    Only the identities could confirm the 7, and with the short row beside it unplaceable
    they cannot: neither row is stored."""
    vals = t3_values("2021", seed=42)
    m = "requests.rejected_repeat"
    assert vals[m][0] == 0
    printed = dict(vals, **{m: [None] + vals[m][1:]})
    lines = flat_rows(printed).replace(" None", "").split("\n")
    _slide(lines, "1.信访举报投诉类申请", "2.重复申请")  # 6 numbers, then 7
    facts, form, findings = parse_forms(*seg_doc(HEAD3 + "\n".join(lines) + TAIL))
    _assert_stored_right(facts, printed)
    got = by_key(facts)
    for metric in ("requests.rejected_petition", "requests.rejected_repeat"):
        assert not [k for k in APPLICANT_ORDER if (metric, k) in got], metric
        assert _left_out(findings, metric)
    assert ("requests.granted", "") in got


def test_flat_seven_numbers_that_do_not_add_up_are_left_out_where_numbers_moved():
    vals = t3_values("2021", seed=42)
    printed, lines = _with_a_vanished_blank(vals)
    # 2.重复申请 takes its neighbour's last number and gives away its own: it still shows 7
    # numbers, shifted by a column, which no longer add up; the row after it shows 8
    _slide(lines, "2.重复申请", "3.要求提供公开出版物")
    _slide(lines, "1.信访举报投诉类申请", "2.重复申请")
    assert len(next(ln for ln in lines if ln.startswith("2.重复申请")).split()) == 8
    facts, form, findings = parse_forms(*seg_doc(HEAD3 + "\n".join(lines) + TAIL))
    _assert_stored_right(facts, printed)
    got = by_key(facts)
    for metric in ("requests.rejected_petition", "requests.rejected_repeat", "requests.rejected_publication"):
        assert not [k for k in APPLICANT_ORDER if (metric, k) in got], metric
    assert any("do not add up" in f.message for f in _left_out(findings, "requests.rejected_repeat"))
    assert ("requests.rejected_confirm", "") in got and ("requests.granted", "") in got


def test_flat_bare_page_number_at_page_break_is_ignored():
    vals = t3_values("2021", seed=26)
    body = flat_rows(vals)
    cut = body.index("1.本机关不掌握")
    first = HEAD3 + body[:cut] + "7\n"
    text = first + body[cut:] + TAIL
    pages = [Page(1, first, 0), Page(2, text[len(first):], len(first))]
    facts, form, findings = parse_forms(*seg_doc(text, pages))
    assert_all(facts, vals, "2021")
    assert by_key(facts)[("requests.carried_over_out", "")].evidence.page == 2


def test_flat_blank_markers_count_as_cells():
    vals = t3_values("2021", seed=27)
    body = flat_rows(vals)
    r = " ".join(str(v) for v in vals["requests.denied_query_matters"])
    body = body.replace("8.属于行政查询事项 " + r, "8.属于行政查询事项 / - — 无 / / /")
    facts, _, _ = parse_forms(*seg_doc(HEAD3 + body + TAIL))
    got = by_key(facts)
    assert [got[("requests.denied_query_matters", k)].value for k in APPLICANT_ORDER] == [
        None, None, None, 0, None, None, None]


def test_flat_note_after_number_is_kept():
    vals = t3_values("2021", seed=28)
    body = flat_rows(vals)
    r = " ".join(str(v) for v in vals["requests.granted"])
    v = vals["requests.granted"]
    new = " ".join(str(x) for x in v[:6]) + f" {v[6]}（含自然失效 2 件）"
    body = body.replace(r, new, 1)
    facts, _, _ = parse_forms(*seg_doc(HEAD3 + body + TAIL))
    f = by_key(facts)[("requests.granted", "")]
    assert f.value == v[6] and f.note == "（含自然失效 2 件）"


def test_flat_t4_exact_and_wrong_count():
    head = ("四、政府信息公开行政复议、行政诉讼情况\n行政复议\n行政诉讼\n结果维持 结果纠正 其他结果 尚未审结 总计\n"
            "未经复议直接起诉 复议后起诉\n结果维持 结果纠正 其他结果 尚未审结 总计 结果维持 结果纠正 其他结果 尚未审结 总计\n")
    nums = " ".join(str(i) for i in range(15))
    text = head + nums + "\n五、存在的主要问题及改进情况\n今年共有 3 项整改。"
    facts, form, findings = parse_forms(*seg_doc(text))
    t4 = [f for f in facts if f.metric.startswith("appeals.")]
    assert [f.value for f in t4] == list(range(15))
    assert t4[0].metric == "appeals.review_upheld" and t4[-1].metric == "appeals.suit_after_review_total"
    text = head + " ".join(str(i) for i in range(14)) + "\n五、存在的主要问题及改进情况\n"
    facts, form, findings = parse_forms(*seg_doc(text))
    assert not [f for f in facts if f.metric.startswith("appeals.")]
    assert any(f.rule == "table_unreadable" and "表四" in f.message for f in findings)


T2_FLAT_2021 = """二、主动公开政府信息情况
第二十条第（一）项
信息内容 本年制发件数 本年废止件数 现行有效件数
规章 2 0 15
行政规范性文件 5 1 40
第二十条第（五）项
信息内容 本年处理决定数量
行政许可 1234
第二十条第（六）项
信息内容 本年处理决定数量
行政处罚 56
行政强制 0
第二十条第（八）项
信息内容 本年收费金额（单位：万元）
行政事业性收费 12.5
三、收到和处理政府信息公开申请情况
"""

T2_FLAT_2019 = """二、主动公开政府信息情况
第二十条第（一）项
信息内容 本年新制作数量 本年新公开数量 对外公开总数量
规章 1 1 9
规范性文件 3 3 27
第二十条第（五）项
信息内容 上一年项目数量 本年增/减 处理决定数量
行政许可 20 -2 300
其他对外管理服务事项 4 0 10
第二十条第（六）项
信息内容 上一年项目数量 本年增/减 处理决定数量
行政处罚 100 3 45
行政强制 8 / 0
第二十条第（八）项
信息内容 上一年项目数量 本年增/减
行政事业性收费 2 0
第二十条第（九）项
信息内容 采购项目数量 采购总金额
政府集中采购 7 88.6
三、收到和处理政府信息公开申请情况
"""


def test_flat_t2_2021():
    facts, form, findings = parse_forms(*seg_doc(T2_FLAT_2021))
    got = {f.metric: f.value for f in facts}
    assert got == {
        "disclosure.regulations_made": 2, "disclosure.regulations_repealed": 0,
        "disclosure.regulations_in_force": 15, "disclosure.normative_docs_made": 5,
        "disclosure.normative_docs_repealed": 1, "disclosure.normative_docs_in_force": 40,
        "disclosure.licensing_decisions": 1234, "disclosure.penalty_decisions": 56,
        "disclosure.coercion_decisions": 0, "disclosure.admin_fees_cny": 125000,
    }
    assert form == "2021" and findings == []


def test_flat_t2_2019_and_wrong_count():
    facts, form, findings = parse_forms(*seg_doc(T2_FLAT_2019))
    got = {f.metric: f.value for f in facts}
    assert len(got) == 22
    assert got["disclosure.licensing_items_change"] == -2
    assert got["disclosure.coercion_items_change"] is None
    assert got["disclosure.procurement_amount_cny"] == 886000
    assert got["disclosure.other_services_decisions"] == 10
    assert form == "2019"
    broken = T2_FLAT_2019.replace("行政强制 8 / 0", "行政强制 8 0")
    facts, form, findings = parse_forms(*seg_doc(broken))
    # which of 行政强制's cells vanished is not known, and a number may have moved from the row
    # beside it: no row under that header (第二十条第（六）项) is stored; the other blocks are read
    # under their own headers
    left = {m for m in got if m.startswith(("disclosure.penalty_", "disclosure.coercion_"))}
    assert len(left) == 6
    assert {f.metric: f.value for f in facts} == {m: v for m, v in got.items() if m not in left}
    bad = [f for f in findings if f.rule == "table_unreadable" and "表二" in f.message]
    assert len(bad) == 1 and "行政强制" in bad[0].message and set(bad[0].cells) == left


def test_tab_separated_dump_keeps_empty_cells():
    vals = t3_values("2021", seed=29)
    lines = ["\t".join(["", "", "", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"])]
    for m in T3_ROWS_2021:
        cells = [str(v) for v in vals[m]]
        if m == "requests.rejected_publication":
            cells[1] = ""
        lines.append("\t".join(list(T3_LABELS[m]) + cells))
    text = "三、收到和处理政府信息公开申请情况\n" + "\n".join(lines) + "\n" + TAIL
    facts, form, findings = parse_forms(*seg_doc(text))
    got = by_key(facts)
    assert got[("requests.rejected_publication", "commercial")].value is None
    vals["requests.rejected_publication"][1] = None
    assert_all(facts, vals, "2021")


def test_narrative_mention_before_the_table_is_skipped():
    vals = t3_values("2021", seed=30)
    intro = ("一、总体情况\n本年新收政府信息公开申请45件，办结40件，发生政府信息公开行政复议2件。\n"
             "二、主动公开政府信息情况\n略\n")
    text = intro + HEAD3 + flat_rows(vals) + TAIL
    facts, form, findings = parse_forms(*seg_doc(text))
    assert_all(facts, vals, "2021")
    assert not [f for f in findings if f.rule == "table_unreadable"]


def test_cell_per_line_dump_empty_lines_are_blank_cells():
    vals = t3_values("2021", seed=31)
    vals["requests.carried_over_in"][5] = None
    vals["requests.rejected_publication"][0] = None
    body = flat_rows(vals, sep="\n").replace("None", "")
    t4 = ("四、政府信息公开行政复议、行政诉讼情况\n行政复议\n行政诉讼\n结果维持\n结果纠正\n其他结果\n尚未审结\n总计\n"
          "未经复议直接起诉\n复议后起诉\n" + "结果维持\n结果纠正\n其他结果\n尚未审结\n总计\n" * 2
          + "1\n0\n\n0\n1\n1\n0\n0\n0\n1\n0\n0\n0\n0\n0\n\n五、存在的主要问题及改进情况\n")
    text = HEAD3.replace("\t", "\n") + body + t4
    facts, form, findings = parse_forms(*seg_doc(text))
    assert_all(facts, vals, "2021")
    t4v = [f.value for f in facts if f.metric.startswith("appeals.")]
    assert t4v == [1, 0, None, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0]


def test_ragged_tab_dump_with_collapsed_merges_and_vertical_section_labels():
    vals = t3_values("2021", seed=32)
    vals["requests.denied_third_party"][3] = None
    lines = ["三、收到和处理政府信息公开申请情况",
             "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t申请人情况",
             "自然人\t法人或其他组织\t总计",
             "商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他"]
    last_section = None
    for m in T3_ROWS_2021:
        a, b, c = T3_LABELS[m]
        cells = ["" if v is None else str(v) for v in vals[m]]
        if a == b == c:
            lines.append("\t".join([a] + cells))
        elif b == c:
            lines.append("\t".join([c] + cells))
        else:
            if b != last_section:
                lines.extend(list(b))  # the section label printed one character per line
            lines.append("\t".join([c] + cells))
        last_section = b
    text = "\n".join(lines) + "\n" + TAIL
    facts, form, findings = parse_forms(*seg_doc(text))
    assert form == "2021"
    assert_all(facts, vals, "2021")


def test_2019_variant_without_confirm_row():
    vals = t3_values("2019", seed=33)
    body = "\n".join(ln for ln in flat_rows(vals, "2019").split("\n") if "确认或重新出具" not in ln)
    facts, form, findings = parse_forms(*seg_doc(HEAD3 + body + "\n" + TAIL))
    assert form == "2019"
    got = by_key(facts)
    assert ("requests.rejected_confirm", "") not in got
    assert got[("requests.other_handling", "")].value == vals["requests.other_handling"][6]
    assert not [f for f in findings if f.rule in ("table_unreadable", "t3_missing_rows")]


def test_t4_header_in_a_table_numbers_only_in_text():
    from etl.model import Table
    header = [["行政复议"] * 5 + ["行政诉讼"] * 10,
              ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] + ["未经复议直接起诉"] * 5 + ["复议后起诉"] * 5,
              ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3]
    text = ("四、政府信息公开行政复议、行政诉讼情况\n" + "\n".join("\t".join(r) for r in header)
            + "\n- 2 -\n" + " ".join(str(i) for i in range(15)) + "\n五、存在的主要问题及改进情况\n")
    doc = Document(source="x.pdf", format="pdf", text=text, tables=[Table(rows=header, page=2, offset=20)])
    seg = Segment(1, "x", text, 0, doc.tables)
    facts, form, findings = parse_forms(seg, doc)
    assert [f.value for f in facts if f.metric.startswith("appeals.")] == list(range(15))


def test_t3_grid_that_breaks_off_is_completed_from_text_rows():
    from etl.model import Table
    from tests.extract.test_forms import t3_grid
    vals = t3_values("2021", seed=34)
    grid = t3_grid(vals)[:18]  # header + 15 data rows; the rest only as text
    text = HEAD3 + flat_rows(vals) + TAIL
    doc = Document(source="x.pdf", format="pdf", text=text, tables=[Table(rows=grid, page=3, offset=0)])
    seg = Segment(1, "x", text, 0, doc.tables)
    facts, form, findings = parse_forms(seg, doc)
    assert form == "2021"
    assert_all(facts, vals, "2021")
    assert not [f for f in findings if f.rule == "t3_missing_rows"]


def test_grid_that_breaks_off_with_blank_cells_in_text_is_not_guessed():
    from etl.model import Table
    from tests.extract.test_forms import t3_grid
    vals = t3_values("2021", seed=35)
    grid = t3_grid(vals)[:18]
    body = flat_rows(vals).replace("3.其他 " + " ".join(str(v) for v in vals["requests.other_other"]),
                                   "3.其他 " + " ".join(str(v) for v in vals["requests.other_other"][1:]))
    text = HEAD3 + body + TAIL
    doc = Document(source="x.pdf", format="pdf", text=text, tables=[Table(rows=grid)])
    facts, form, findings = parse_forms(Segment(1, "x", text, 0, doc.tables), doc)
    got = by_key(facts)
    assert ("requests.other_other", "") not in got
    assert ("requests.other_no_correction", "") in got
    # the rows beside the short one may hold a number of it in place of a blank of their own:
    # with 3.其他 unknown the outcome sums cannot confirm 2.申请人逾期未按…; （七）总计 is confirmed by
    # the balance of 新收 + 上年结转 = 总计 + 结转下年度 in every column
    assert ("requests.other_fee_unpaid", "") not in got
    assert [got[("requests.processed_total", k)].value for k in APPLICANT_ORDER] == vals["requests.processed_total"]
    assert _left_out(findings, "requests.other_fee_unpaid")
    assert any(f.rule == "t3_missing_rows" and "requests.other_other" in f.cells for f in findings)


def test_grid_completion_checks_the_text_against_the_cells_the_grid_read():
    """A converter's grid that merged two numbers into one cell (not read) and broke off: the
    text rows that repeat grid rows are compared in the cells the grid did read, and then
    complete the grid; a text row short of a number is still not placed."""
    from etl.model import Table
    from tests.extract.test_forms import t3_grid
    vals = t3_values("2021", seed=36)
    grid = t3_grid(vals)[:18]
    for r in grid[3:]:
        r[6] = f"{r[6]} {r[6]}"  # 社会公益组织: "2 2", two numbers in one cell
    short = vals["requests.other_other"]
    body = flat_rows(vals).replace("3.其他 " + " ".join(map(str, short)), "3.其他 " + " ".join(map(str, short[1:])))
    text = HEAD3 + body + TAIL
    doc = Document(source="x.pdf", format="pdf", text=text, tables=[Table(rows=grid)])
    facts, form, findings = parse_forms(Segment(1, "x", text, 0, doc.tables), doc)
    got = by_key(facts)
    for (m, k), f in got.items():
        assert f.value == vals[m][APPLICANT_ORDER.index(k)], (m, k)
    assert ("requests.granted", "public_welfare") not in got and ("requests.granted", "") in got
    for m in ("requests.rejected_petition", "requests.other_no_correction", "requests.carried_over_out"):
        assert [got[(m, k)].value for k in APPLICANT_ORDER] == vals[m]
    assert ("requests.other_other", "") not in got and ("requests.other_fee_unpaid", "") not in got


def test_pdf_text_with_crlf_running_headers_and_page_footers():
    vals = t3_values("2021", seed=36)
    body = flat_rows(vals).replace("\n", "\r\n")
    cut = body.index("（五）不予处理")
    page_break = "\r\n第 3 页 共 6 页\r\n\f青川市教育局2022年政府信息公开工作年度报告\r\n"
    text = ("三、收到和处理政府信息公开申请情况\r\n" + HEAD3.replace("\n", "\r\n") + body[:cut]
            + page_break + body[cut:] + TAIL)
    first = text.index("\f")
    pages = [Page(1, text[:first], 0), Page(2, text[first:], first)]
    facts, form, findings = parse_forms(*seg_doc(text, pages))
    assert form == "2021"
    assert_all(facts, vals, "2021")
    got = by_key(facts)
    assert got[("requests.rejected_petition", "")].evidence.page == 2
    assert got[("requests.received", "")].evidence.page == 1


def test_narrative_sentences_are_not_tables():
    text = ("三、依申请公开情况\n本年新收政府信息公开申请10件，上年结转2件，予以公开5件，部分公开2件，"
            "不予公开1件。\n四、行政复议情况\n发生行政复议1件，结果维持1件，尚未审结0件。\n")
    assert parse_forms(*seg_doc(text)) == ([], None, [])


def test_table2_block_missing_from_the_grid_is_read_from_its_text_row():
    from etl.model import Table
    grid = [["第二十条第（一）项"] * 4, ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
            ["规章", "2", "0", "15"], ["行政规范性文件", "5", "1", "40"],
            ["第二十条第（五）项"] * 4, ["信息内容", "本年处理决定数量", "本年处理决定数量", "本年处理决定数量"],
            ["行政许可", "1234", "1234", "1234"]]
    # 行政强制 printed nothing (blank); the fee row carries a stray number: reported, not guessed
    text = T2_FLAT_2021.replace("行政强制 0", "行政强制").replace("行政事业性收费 12.5", "行政事业性收费 12.5 3")
    doc = Document(source="x.pdf", format="pdf", text=text, tables=[Table(rows=grid, page=1)])
    facts, form, findings = parse_forms(Segment(1, "x", text, 0, doc.tables), doc)
    got = {f.metric: f.value for f in facts}
    assert got == {
        "disclosure.regulations_made": 2, "disclosure.regulations_repealed": 0,
        "disclosure.regulations_in_force": 15, "disclosure.normative_docs_made": 5,
        "disclosure.normative_docs_repealed": 1, "disclosure.normative_docs_in_force": 40,
        "disclosure.licensing_decisions": 1234, "disclosure.penalty_decisions": 56,
        "disclosure.coercion_decisions": None,
    }
    assert any(f.rule == "table_unreadable" and "行政事业性收费" in f.message for f in findings)


def test_table2_cell_per_line_with_empty_cells():
    text = T2_FLAT_2019.replace(" / ", "  ").replace(" ", "\n")  # one cell per line, blank = empty line
    facts, form, findings = parse_forms(*seg_doc(text))
    got = {f.metric: f.value for f in facts}
    assert len(got) == 22 and got["disclosure.coercion_items_change"] is None
    assert got["disclosure.coercion_decisions"] == 0 and form == "2019"


def test_space_separated_dump_with_repeated_merged_cells_and_vertical_wu():
    vals = t3_values("2021", seed=37)
    lines = []
    for m in T3_ROWS_2021:
        a, b, c = T3_LABELS[m]
        if m == "requests.unable_not_held":
            lines.extend(list("（四）无法提供"))  # section printed vertically: "无" is a label here
        lines.append(" ".join([a, b, c] + [str(v) for v in vals[m]]))
    t2 = T2_FLAT_2021.replace("信息内容 本年处理决定数量\n行政许可 1234", "信息内容 本年处理决定数量 本年处理决定数量 "
                              "本年处理决定数量\n行政许可 746 746 746").replace("三、收到和处理政府信息公开申请情况\n", "")
    text = t2 + HEAD3 + "\n".join(lines) + "\n" + TAIL
    facts, form, findings = parse_forms(*seg_doc(text))
    assert_all(facts, vals, "2021")
    got = by_key(facts)
    assert got[("disclosure.licensing_decisions", "")].value == 746
    assert got[("disclosure.penalty_decisions", "")].value == 56
    bad = T2_FLAT_2021.replace("行政许可 1234", "行政许可 1234 1234 99")
    bad = bad.replace("信息内容 本年处理决定数量\n行政许可", "信息内容 本年处理决定数量 本年处理决定数量 本年处理决定数量\n行政许可")
    facts, _, findings = parse_forms(*seg_doc(bad))
    # the repeats disagree: 行政许可's block is left out, the blocks under other headers are read
    t2 = {f.metric: f.value for f in facts if f.metric.startswith("disclosure.")}
    assert "disclosure.licensing_decisions" not in t2 and t2["disclosure.penalty_decisions"] == 56
    assert any(f.rule == "table_unreadable" and "disclosure.licensing_decisions" in f.cells for f in findings)


def test_row_with_nothing_after_its_label_is_all_blank():
    vals = t3_values("2021", seed=38)
    vals["requests.denied_enforcement_files"] = [None] * 7
    body = flat_rows(vals).replace(" None", "")
    facts, form, findings = parse_forms(*seg_doc(HEAD3 + body + TAIL))
    assert_all(facts, vals, "2021")


def test_numbers_printed_before_their_labels_are_not_shifted_into_the_next_row():
    vals = t3_values("2021", seed=39)
    lines = []
    for m in T3_ROWS_2021:  # each row's numbers on the line above its label
        lines.append(" ".join(str(v) for v in vals[m]))
        lines.append(T3_LABELS[m][2])
    text = HEAD3 + "\n".join(lines) + "\n" + TAIL
    facts, form, findings = parse_forms(*seg_doc(text))
    got = by_key(facts)
    # either read right (by the exact total count) or not at all — never shifted by a row
    for m in T3_ROWS_2021:
        for k, v in zip(APPLICANT_ORDER, vals[m]):
            assert (m, k) not in got or got[(m, k)].value == v


def test_grid_completion_refuses_text_that_disagrees_with_the_grid():
    from etl.model import Table
    from tests.extract.test_forms import t3_grid
    vals = t3_values("2021", seed=40)
    grid = t3_grid(vals)[:18]
    lines = []
    for m in T3_ROWS_2021:  # numbers above their labels: row-by-row reading would be shifted
        lines.append(" ".join(str(v) for v in vals[m]))
        lines.append(T3_LABELS[m][2])
    # one number of the text differs from the grid's cell: the text's whole-table reading (by
    # count) is refused, and so is its row-by-row reading (shifted against the labels)
    first = T3_ROWS_2021[0]
    lines[0] = " ".join(str(v + 1 if i == 1 else v) for i, v in enumerate(vals[first]))
    text = HEAD3 + "\n".join(lines) + "\n" + TAIL
    doc = Document(source="x.pdf", format="pdf", text=text, tables=[Table(rows=grid)])
    facts, form, findings = parse_forms(Segment(1, "x", text, 0, doc.tables), doc)
    got = by_key(facts)
    for (m, k), f in got.items():
        assert f.value == vals[m][APPLICANT_ORDER.index(k)]
    assert ("requests.carried_over_out", "") not in got
    assert any("disagree" in f.message for f in findings)


def test_grid_that_lost_its_shape_gives_way_to_the_whole_text_when_they_agree():
    from etl.model import Table
    from tests.extract.test_forms import t3_grid
    vals = t3_values("2021", seed=40)
    grid = t3_grid(vals)[:18]
    lines = []
    for m in T3_ROWS_2021:  # numbers above their labels: only the whole run, by count, reads
        lines.append(" ".join(str(v) for v in vals[m]))
        lines.append(T3_LABELS[m][2])
    text = HEAD3 + "\n".join(lines) + "\n" + TAIL
    doc = Document(source="x.pdf", format="pdf", text=text, tables=[Table(rows=grid)])
    facts, form, findings = parse_forms(Segment(1, "x", text, 0, doc.tables), doc)
    got = by_key(facts)
    assert {(m, k) for m in T3_ROWS_2021 for k in APPLICANT_ORDER} <= set(got)
    for (m, k), f in got.items():
        if m.startswith("requests."):
            assert f.value == vals[m][APPLICANT_ORDER.index(k)]


def test_prose_about_licensing_is_not_table2():
    text = ("二、主动公开情况\n信息内容涵盖规章、行政许可、行政处罚、行政强制等方面，共公开信息内容1200条，"
            "其中行政许可 300 条，行政处罚 20 条。\n")
    assert parse_forms(*seg_doc(text)) == ([], None, [])


def test_flat_t4_followed_by_a_note_with_numbers():
    head = ("四、政府信息公开行政复议、行政诉讼情况\n行政复议 行政诉讼\n结果维持 结果纠正 其他结果 尚未审结 总计 "
            "未经复议直接起诉 复议后起诉\n" + "结果维持 结果纠正 其他结果 尚未审结 总计 " * 2 + "\n")
    text = head + " ".join(["1", "0", "0", "0", "1"] + ["0"] * 10) + "\n注：复议案件 1 件已于 2023 年 1 月审结。\n五、存在的主要问题\n"
    facts, _, findings = parse_forms(*seg_doc(text))
    assert [f.value for f in facts] == [1, 0, 0, 0, 1] + [0] * 10


# --- renderings that garble the layout: PDF text laid out column by column, Markdown ---------

T4_GARBLED = ("四、政府信息公开行政复议、行政诉讼情况\n\n行政复议                    行政诉讼\n"
              "                        未经复议直接起诉                 复议后起诉\n"
              "   结     其   尚\n结果                      结   结       其    尚      结    结   其\n"
              "   果     他   未    总                                          尚未\n"
              "维                       果   果       他    未      果    果   他\n"
              "   纠     结   审    计                          总计              审 总计\n"
              "持                       维   纠       结    审      维    纠   结\n"
              "   正     果   结                        持   正       果    结      持    正   果\n"
              "{nums}\n五、存在的主要问题及改进情况\n")


def test_t4_with_a_garbled_header_is_read_in_the_form_order_when_each_group_adds_up():
    nums = [2, 1, 3, 1, 7, 0, 0, 0, 0, 0, 0, 13, 2, 4, 19]
    text = T4_GARBLED.format(nums="  ".join(map(str, nums)))
    facts, _, findings = parse_forms(*seg_doc(text))
    assert [f.value for f in facts] == nums
    assert facts[0].metric == "appeals.review_upheld" and facts[-1].metric == "appeals.suit_after_review_total"
    assert [f.rule for f in findings] == ["table_canonical_order"]


def test_t4_with_a_garbled_header_that_does_not_add_up_is_refused():
    nums = [0, 1, 0, 0, 0] + [0] * 10  # a printed 纠正 1 under a 总计 0: which column is it?
    facts, _, findings = parse_forms(*seg_doc(T4_GARBLED.format(nums="  ".join(map(str, nums)))))
    assert facts == []
    assert any(f.rule == "table_unreadable" and "表四" in f.message for f in findings)


T4_WRAPPED = ("本报告由总体情况、政府信息公开行政复议、行政诉讼情况、存在的主要问题及改进情况等部分组成，"
              "统计期限为2024年1月1日至2024年12月31日，电话0591-23153022。\n"
              "四、政府信息公开行政复议与行政诉讼情况\n"
              "  行政复议  行政诉讼\n"
              "  结果维持  结果    其他  尚未  总计  未经复议直接起诉  复议后起诉\n"
              "        纠正    结果  审结\n"
              "  结果    结果    其他  尚未  总计  结果        结果     其他  尚未  总计\n"
              "  维持    纠正    结果  审结      维持        纠正     结果  审结\n"
              "  {nums}\n"
              "五、存在的主要问题及改进情况\n")


def test_t4_under_its_wrapped_header_is_read_in_the_form_order_even_where_a_group_does_not_add_up():
    """The heading worded with 与 (the introduction's table of contents with 、 comes first), the
    header cells wrapped (尚未 / 审结 on two lines): the header still names the form's 15 columns,
    so the 15 numbers under it are theirs — also when the report misprints a 总计."""
    nums = [1, 0, 0, 0, 0] + [0] * 10  # 结果维持 1 under a printed 总计 0
    facts, _, findings = parse_forms(*seg_doc(T4_WRAPPED.format(nums="  ".join(map(str, nums)))))
    t4 = [f for f in facts if f.metric.startswith("appeals.")]
    assert [f.value for f in t4] == nums
    assert t4[0].metric == "appeals.review_upheld" and t4[-1].metric == "appeals.suit_after_review_total"
    assert not [f for f in findings if f.rule == "table_unreadable"]


def test_markdown_table_that_lost_its_shape_reads_as_flattened_text():
    # markitdown's cut of a PDF table: two numbers in one cell, rule lines in the middle
    t2 = T2_FLAT_2021.replace("规章 2 0 15", "| 规章 |  | 2 0 | 15 |\n| --- | --- | --- | --- |") \
        .replace("行政许可 1234", "|     | 行政许可 | 1234 |")
    facts, form, findings = parse_forms(*seg_doc(t2))
    got = {f.metric: f.value for f in facts}
    assert got["disclosure.regulations_made"] == 2 and got["disclosure.regulations_in_force"] == 15
    assert got["disclosure.licensing_decisions"] == 1234 and form == "2021"


def test_row_label_cut_by_its_number_and_an_amount_glued_to_yuan():
    t2 = T2_FLAT_2021.replace("行政事业性收费 12.5", "行政事业性收   12.5\n  费")
    got = {f.metric: f.value for f in parse_forms(*seg_doc(t2))[0]}
    assert got["disclosure.admin_fees_cny"] == 125000
    # a number the converter cut in two cells ("75394432.5|2元") gives a third number: refused
    t2 = T2_FLAT_2019.replace("政府集中采购 7 88.6", "|政府集中采购|7|88.5|2元|")
    facts, _, findings = parse_forms(*seg_doc(t2))
    assert "disclosure.procurement_amount_cny" not in {f.metric for f in facts}
    assert any("政府集中采购" in f.message for f in findings)


def test_a_number_at_the_end_of_a_line_is_not_a_list_number_of_the_next():
    vals = t3_values("2021", seed=7)
    body = flat_rows(vals)
    granted = " ".join(str(v) for v in vals["requests.granted"])
    body = body.replace(granted + "\n", granted + "\n\n、", 1)  # the vertical "三、" of the section
    facts, _, _ = parse_forms(*seg_doc(HEAD3 + body + TAIL))
    assert_all(facts, vals, "2021")


def test_label_wrapped_around_numbers_beside_a_heading_is_not_a_blank_row():
    vals = t3_values("2021", seed=11)
    body = flat_rows(vals)
    row = " ".join(str(v) for v in vals["requests.other_no_correction"])
    label = row_label("requests.other_no_correction").split("\n")[-1]
    # inscriptis: "1.申请人无正当理由逾期不补正、行政机关 / （六）其他处理 8 0 … / 不再处理其…申请"
    body = body.replace(label + " " + row, "1.申请人无正当理由逾期不补正、行政机关\n（六）其他处理 " + row
                        + "\n不再处理其政府信息公开申请")
    facts, _, _ = parse_forms(*seg_doc(HEAD3 + body + TAIL))
    got = by_key(facts)
    for (m, k), f in got.items():
        if m.startswith("requests."):
            assert f.value == vals[m][APPLICANT_ORDER.index(k)], (m, k)


def test_row_whose_numbers_were_split_into_digits_is_rejoined_only_where_the_total_allows():
    from etl.extract.flatrun import Tok, rejoin_split_digits, tokenize

    def vals(line: str) -> list[Tok]:
        return [t for t in tokenize(line) if t.kind == "value"]

    got = rejoin_split_digits(vals("2 0    0    0   0   0  1  2 1"))
    assert [t.value.value for t in got] == [20, 0, 0, 0, 0, 1, 21]
    assert rejoin_split_digits(vals("1 1    0    0   0   1  1 1")) is None  # neither joining adds up
    assert rejoin_split_digits(vals("2   0    0    0   0   0  1  2   1")) is None  # no glued pieces
    assert rejoin_split_digits(vals("0 0    0    0   0   0  0 0")) is None  # "00" is no number


def test_table2_grid_that_lost_its_shape_gives_way_to_the_text_read_by_its_labels():
    from etl.read.text import pipe_tables
    # markitdown: each block a table of its own, a header cut over two rows, cells out of line
    text = ("二、主动公开政府信息情况\n第二十条第（一）项\n| | 本年新制作数 | 本年新公开 | 对外公开总数 |\n| --- | --- | --- | --- |\n"
            "信息内容\n| | 量 | 数量 | 量 |\n| | 规章 | 1 | 1 | 9 |\n| | 规范性文件 | 3 | 3 | 27 |\n"
            "第二十条第（五）项\n上一年项目数\n| | 信息内容 | | 本年增/减 | 处理决定数量 |\n| --- | --- | --- | --- | --- |\n量\n"
            "| | 行政许可 | 20 | | -2 | 300 |\n| | 其他对外管理服务 | 4 | 0 | 10 |\n事项\n"
            "第二十条第（六）项\n上一年项目数\n| | 信息内容 | | 本年增/减 | 处理决定数量 |\n量\n"
            "| | 行政处罚 | 100 | | 3 | 45 |\n| | 行政强制 | 8 | | 0 | 0 |\n"
            "第二十条第（八）项\n上一年项目数\n| | 信息内容 | | 本年增/减 |\n量\n| | 行政事业性收费 | 2 | | 0 |\n"
            "第二十条第（九）项\n| | 信息内容 | 采购项目数量 | 采购总金额 |\n| | 政府集中采购 | 7 | 88.6 |\n"
            "三、收到和处理政府信息公开申请情况\n")
    doc = Document(source="x.md", format="markdown", text=text, tables=pipe_tables(text))
    facts, form, _ = parse_forms(Segment(1, "x", text, 0, doc.tables), doc)
    got = {f.metric: f.value for f in facts}
    assert form == "2019"
    assert got["disclosure.licensing_items_prev_year"] == 20 and got["disclosure.licensing_items_change"] == -2
    assert got["disclosure.licensing_decisions"] == 300 and got["disclosure.penalty_decisions"] == 45
    assert got["disclosure.other_services_items_prev_year"] == 4 and got["disclosure.procurement_projects"] == 7


def test_browser_copy_nbsp_cell_is_a_blank_cell_and_a_nbsp_paragraph_is_not():
    """A web page's table copied from the browser: cells on lines of their own, a tab line
    between cells; a row of six 0s whose 总计 cell holds only &nbsp; keeps its columns, and
    the &nbsp; paragraph after the table is no cell of its last row."""
    vals = t3_values("2021", seed=41)
    for m in ("requests.granted", "requests.partially_granted"):
        vals[m] = [0, 0, 0, 0, 0, 0, None]
    body = flat_rows(vals, sep="\n\n\t\n\n").replace("None", "\xa0")
    text = HEAD3 + body + "\n\xa0\n\n" + TAIL
    facts, form, findings = parse_forms(*seg_doc(text))
    assert form == "2021"
    assert_all(facts, vals, "2021")
    # without the tab before it, a lone &nbsp; line is not taken for a cell: those rows have
    # six numbers for seven columns and are left out, never stored shifted
    facts2, _f, _x = parse_forms(*seg_doc(text.replace("\n\t\n\n\xa0", "\n\n\xa0")))
    got = by_key(facts2)
    assert ("requests.granted", "natural_person") not in got
    expected = {(m, k): v for m in T3_ROWS_2021 for k, v in zip(APPLICANT_ORDER, vals[m])}
    assert all(got[k].value == v for k, v in expected.items() if k in got)
