"""Real-world HTML reports (issue 3): pages laid out the way government CMSs publish them.

The documents are built here, cell by cell, in the exact layout of real published reports
(gov.cn-style 政府信息公开平台 pages, Word-exported MsoNormal HTML, layout tables), and every
cell of 表二/表三/表四 is asserted. The shared answer (``DATA``) is also used by the PDF, DOCX
and text tests (``from test_realworld_html import ...``).
"""
from __future__ import annotations

from pathlib import Path

import pytest
from tests.helpers.realworld import extract_one

# --- the answer ---------------------------------------------------------------------------

COLS = ("natural_person", "commercial", "research", "public_welfare", "legal_services", "other_org")
J = "、"

# (printed label parts: top, section, item) and metric; 2021 form, exactly as printed
T3_LAYOUT_2021: list[tuple[str, str, str, str]] = [
    ("一、本年新收政府信息公开申请数量", "", "", "requests.received"),
    ("二、上年结转政府信息公开申请数量", "", "", "requests.carried_over_in"),
    ("三、本年度办理结果", "（一）予以公开", "", "requests.granted"),
    ("三、本年度办理结果", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "", "requests.partially_granted"),
    ("三、本年度办理结果", "（三）不予公开", "1.属于国家秘密", "requests.denied_state_secret"),
    ("三、本年度办理结果", "（三）不予公开", "2.其他法律行政法规禁止公开", "requests.denied_prohibited_by_law"),
    ("三、本年度办理结果", "（三）不予公开", "3.危及“三安全一稳定”", "requests.denied_security_stability"),
    ("三、本年度办理结果", "（三）不予公开", "4.保护第三方合法权益", "requests.denied_third_party"),
    ("三、本年度办理结果", "（三）不予公开", "5.属于三类内部事务信息", "requests.denied_internal_affairs"),
    ("三、本年度办理结果", "（三）不予公开", "6.属于四类过程性信息", "requests.denied_process_info"),
    ("三、本年度办理结果", "（三）不予公开", "7.属于行政执法案卷", "requests.denied_enforcement_files"),
    ("三、本年度办理结果", "（三）不予公开", "8.属于行政查询事项", "requests.denied_query_matters"),
    ("三、本年度办理结果", "（四）无法提供", "1.本机关不掌握相关政府信息", "requests.unable_not_held"),
    ("三、本年度办理结果", "（四）无法提供", "2.没有现成信息需要另行制作", "requests.unable_needs_creation"),
    ("三、本年度办理结果", "（四）无法提供", "3.补正后申请内容仍不明确", "requests.unable_unclear"),
    ("三、本年度办理结果", "（五）不予处理", "1.信访举报投诉类申请", "requests.rejected_petition"),
    ("三、本年度办理结果", "（五）不予处理", "2.重复申请", "requests.rejected_repeat"),
    ("三、本年度办理结果", "（五）不予处理", "3.要求提供公开出版物", "requests.rejected_publication"),
    ("三、本年度办理结果", "（五）不予处理", "4.无正当理由大量反复申请", "requests.rejected_excessive"),
    ("三、本年度办理结果", "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息", "requests.rejected_confirm"),
    ("三、本年度办理结果", "（六）其他处理",
     "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "requests.other_no_correction"),
    ("三、本年度办理结果", "（六）其他处理",
     "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "requests.other_fee_unpaid"),
    ("三、本年度办理结果", "（六）其他处理", "3.其他", "requests.other_other"),
    ("三、本年度办理结果", "（七）总计", "", "requests.processed_total"),
    ("四、结转下年度继续办理", "", "", "requests.carried_over_out"),
]

# six applicant columns per row (总计 is their sum); identities hold in every column
_T3_PARTS: dict[str, tuple[int, ...]] = {
    "requests.received": (127, 15, 2, 0, 6, 1),
    "requests.carried_over_in": (5, 1, 0, 0, 0, 0),
    "requests.granted": (60, 9, 2, 0, 3, 0),
    "requests.partially_granted": (8, 1, 0, 0, 0, 0),
    "requests.denied_state_secret": (1, 0, 0, 0, 0, 0),
    "requests.denied_prohibited_by_law": (0, 0, 0, 0, 0, 0),
    "requests.denied_security_stability": (2, 0, 0, 0, 0, 0),
    "requests.denied_third_party": (3, 1, 0, 0, 0, 0),
    "requests.denied_internal_affairs": (0, 0, 0, 0, 0, 0),
    "requests.denied_process_info": (4, 0, 0, 0, 0, 0),
    "requests.denied_enforcement_files": (0, 0, 0, 0, 0, 0),
    "requests.denied_query_matters": (1, 0, 0, 0, 0, 0),
    "requests.unable_not_held": (20, 2, 0, 0, 2, 0),
    "requests.unable_needs_creation": (3, 1, 0, 0, 0, 0),
    "requests.unable_unclear": (2, 0, 0, 0, 0, 0),
    "requests.rejected_petition": (4, 0, 0, 0, 0, 0),
    "requests.rejected_repeat": (9, 0, 0, 0, 1, 0),
    "requests.rejected_publication": (1, 0, 0, 0, 0, 0),
    "requests.rejected_excessive": (0, 0, 0, 0, 0, 0),
    "requests.rejected_confirm": (1, 0, 0, 0, 0, 0),
    "requests.other_no_correction": (3, 1, 0, 0, 0, 0),
    "requests.other_fee_unpaid": (0, 0, 0, 0, 0, 0),
    "requests.other_other": (2, 0, 0, 0, 0, 1),
    "requests.processed_total": (124, 15, 2, 0, 6, 1),
    "requests.carried_over_out": (8, 1, 0, 0, 0, 0),
}


def t3_values(parts: dict[str, tuple[int, ...]] | None = None) -> dict[str, tuple[int, ...]]:
    """metric → 7 printed numbers (six applicant columns then 总计)."""
    parts = parts or _T3_PARTS
    return {m: tuple(v) + (sum(v),) for m, v in parts.items()}


T3 = t3_values()

# 2019 form: （六）其他处理 is one row
T3_LAYOUT_2019 = [r for r in T3_LAYOUT_2021 if r[1] != "（六）其他处理"]
T3_LAYOUT_2019.insert(len(T3_LAYOUT_2019) - 2, ("三、本年度办理结果", "（六）其他处理", "", "requests.other_handling"))
T3_2019 = {m: v for m, v in T3.items() if not m.startswith("requests.other_")}
T3_2019["requests.other_handling"] = tuple(
    a + b + c for a, b, c in zip(T3["requests.other_no_correction"], T3["requests.other_fee_unpaid"],
                                 T3["requests.other_other"]))

T2_2021 = {
    "disclosure.regulations_made": 0.0, "disclosure.regulations_repealed": 0.0,
    "disclosure.regulations_in_force": 3.0,
    "disclosure.normative_docs_made": 12.0, "disclosure.normative_docs_repealed": 4.0,
    "disclosure.normative_docs_in_force": 87.0,
    "disclosure.licensing_decisions": 15234.0,
    "disclosure.penalty_decisions": 356.0, "disclosure.coercion_decisions": 17.0,
    "disclosure.admin_fees_cny": 125000.0,  # printed 12.5 (万元)
}
T4 = (3, 1, 0, 1, 5, 2, 0, 1, 1, 4, 1, 0, 0, 0, 1)
T4_METRICS = tuple(f"appeals.{g}_{k}" for g in ("review", "suit_direct", "suit_after_review")
                   for k in ("upheld", "corrected", "other", "pending", "total"))


def expected_t3(values: dict[str, tuple[int, ...]]) -> dict[tuple[str, str], float | None]:
    out: dict[tuple[str, str], float | None] = {}
    for m, vals in values.items():
        for key, v in zip(COLS + ("",), vals):
            out[(m, key)] = None if v is None else float(v)
    return out


def expected_all(t3: dict | None = None, t2: dict | None = None, t4: tuple | None = None
                 ) -> dict[tuple[str, str], float | None]:
    out = expected_t3(t3 if t3 is not None else T3)
    for m, v in (t2 if t2 is not None else T2_2021).items():
        out[(m, "")] = v
    for m, v in zip(T4_METRICS, t4 if t4 is not None else T4):
        out[(m, "")] = None if v is None else float(v)
    return out


FORM_PREFIXES = ("requests.", "disclosure.regulations", "disclosure.normative", "disclosure.licensing",
                 "disclosure.penalty", "disclosure.coercion", "disclosure.admin_fees",
                 "disclosure.fee_items", "disclosure.other_services", "disclosure.procurement",
                 "appeals.")


def table_facts(report) -> dict[tuple[str, str], float | None]:  # noqa: ANN001
    """(metric, breakdown) → value of the facts read from the form tables."""
    return {(f.metric, f.breakdown): f.value for f in report.facts
            if f.evidence.table in ("表二", "表三", "表四")}


def assert_cells(report, expected: dict[tuple[str, str], float | None]) -> None:  # noqa: ANN001
    """Every expected cell present with its value, and no other form-table cell."""
    got = table_facts(report)
    wrong = {k: (got.get(k, "MISSING"), v) for k, v in expected.items() if got.get(k, "MISSING") != v}
    extra = {k: got[k] for k in got if k not in expected}
    assert not wrong, f"wrong/missing cells (got, want): {wrong}"
    assert not extra, f"unexpected cells: {extra}"


def rules(report) -> set[str]:  # noqa: ANN001
    return {f.rule for f in report.findings}


IDENTITY_RULES = {"t3_balance", "t3_outcomes_sum", "t3_applicants_sum", "t4_sum"}

# --- HTML builders --------------------------------------------------------------------------

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _td(text: str, attrs: str = "", style: str = "span") -> str:
    if style == "mso":
        inner = (f'<p class="MsoNormal" align="center" style="text-align:center"><span '
                 f'style="font-size:10.5pt;font-family:宋体">{text}</span></p>')
    elif style == "p":
        inner = f'<p style="text-align:center;"><span style="font-size:14px;">{text}</span></p>'
    else:
        inner = text
    return f'<td {attrs} width="64" valign="middle">{inner}</td>'


def html_t3(values: dict[str, tuple], layout=T3_LAYOUT_2021, style: str = "p",
            fmt=lambda v: str(v), note_cells: dict | None = None) -> str:
    """表三 exactly like the national template's HTML: merged top-left cell, rowspans."""
    note_cells = note_cells or {}
    rows = [
        "<tr>" + _td("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
                     'colspan="3" rowspan="3"', style) + _td("申请人情况", 'colspan="7"', style) + "</tr>",
        "<tr>" + _td("自然人", 'rowspan="2"', style) + _td("法人或其他组织", 'colspan="5"', style)
        + _td("总计", 'rowspan="2"', style) + "</tr>",
        "<tr>" + "".join(_td(h, "", style) for h in ("商业企业", "科研机构", "社会公益组织",
                                                     "法律服务<br/>机构", "其他")) + "</tr>",
    ]
    tops = [r[0] for r in layout]
    secs = [(r[0], r[1]) for r in layout]
    for i, (top, sec, item, metric) in enumerate(layout):
        cells = ""
        if not sec:
            cells += _td(top, 'colspan="3"', style)
        else:
            if tops.index(top) == i:
                cells += _td(top, f'rowspan="{tops.count(top)}"', style)
            if not item:
                cells += _td(sec, 'colspan="2"', style)
            else:
                if secs.index((top, sec)) == i:
                    cells += _td(sec, f'rowspan="{secs.count((top, sec))}"', style)
                cells += _td(item, "", style)
        for j, v in enumerate(values[metric]):
            text = note_cells.get((metric, j), fmt(v))
            cells += _td(text, "", style)
        rows.append("<tr>" + cells + "</tr>")
    return '<table border="1" cellspacing="0" cellpadding="0" width="600">' + "\n".join(rows) + "</table>"


def html_t2_2021(style: str = "p", fee: str = "12.5", fee_header: str = "本年收费金额（单位：万元）") -> str:
    r = []

    def row(*cells: tuple[str, str]) -> None:
        r.append("<tr>" + "".join(_td(t, a, style) for t, a in cells) + "</tr>")

    row(("第二十条第（一）项", 'colspan="4"'))
    row(("信息内容", ""), ("本年制发件数", ""), ("本年废止件数", ""), ("现行有效件数", ""))
    row(("规章", ""), ("0", ""), ("0", ""), ("3", ""))
    row(("行政规范性文件", ""), ("12", ""), ("4", ""), ("87", ""))
    row(("第二十条第（五）项", 'colspan="4"'))
    row(("信息内容", ""), ("本年处理决定数量", 'colspan="3"'))
    row(("行政许可", ""), ("15234", 'colspan="3"'))
    row(("第二十条第（六）项", 'colspan="4"'))
    row(("信息内容", ""), ("本年处理决定数量", 'colspan="3"'))
    row(("行政处罚", ""), ("356", 'colspan="3"'))
    row(("行政强制", ""), ("17", 'colspan="3"'))
    row(("第二十条第（八）项", 'colspan="4"'))
    row(("信息内容", ""), (fee_header, 'colspan="3"'))
    row(("行政事业性收费", ""), (fee, 'colspan="3"'))
    return '<table border="1" cellspacing="0" width="600">' + "\n".join(r) + "</table>"


def html_t4(values: tuple = T4, style: str = "p", fmt=lambda v: str(v)) -> str:
    kinds = ("结果<br/>维持", "结果<br/>纠正", "其他<br/>结果", "尚未<br/>审结", "总计")
    r = ["<tr>" + _td("行政复议", 'colspan="5"', style) + _td("行政诉讼", 'colspan="10"', style) + "</tr>",
         "<tr>" + "".join(_td(k, 'rowspan="2"', style) for k in kinds)
         + _td("未经复议直接起诉", 'colspan="5"', style) + _td("复议后起诉", 'colspan="5"', style) + "</tr>",
         "<tr>" + "".join(_td(k, "", style) for k in kinds * 2) + "</tr>",
         "<tr>" + "".join(_td(fmt(v), "", style) for v in values) + "</tr>"]
    return '<table border="1" cellspacing="0" width="600">' + "\n".join(r) + "</table>"


INTRO = ("<p>本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《国务院办公厅政府信息与政务公开办公室"
         "关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）要求编制。"
         "本报告中所列数据的统计期限自2022年1月1日起至2022年12月31日止。</p>")


def gov_page(t2: str, t3: str, t4: str, agency: str = "江州市自然资源和规划局", year: int = 2022,
             titles: bool = True, wrap_layout: bool = True, charset: str = "utf-8",
             intro: str = INTRO) -> str:
    """A saved gov.cn-style article page: header, nav, the report in layout tables, footer."""
    h = lambda t: f'<p style="text-indent:2em;"><strong>{t}</strong></p>' if titles else f"<p>{t}</p>"  # noqa: E731
    body = (
        f'<p style="text-align:center"><strong>{agency}{year}年政府信息公开工作年度报告</strong></p>'
        + intro
        + h("一、总体情况")
        + "<p>2022年，我局坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实《条例》。全年主动公开政府信息"
          "1523条，其中政策解读21篇。</p>"
        + h("二、主动公开政府信息情况") + t2
        + h("三、收到和处理政府信息公开申请情况") + t3
        + h("四、政府信息公开行政复议、行政诉讼情况") + t4
        + h("五、存在的主要问题及改进情况")
        + "<p>一是政策解读形式还不够丰富。二是依申请公开答复质量有待提升。</p>"
        + h("六、其他需要报告的事项")
        + "<p>本年度未收取信息处理费。</p>"
        + f'<p style="text-align:right">{agency}</p><p style="text-align:right">{year + 1}年1月18日</p>'
    )
    if wrap_layout:
        body = ('<table width="1000" class="layout"><tr><td><div class="TRS_Editor">'
                + f'<table width="100%"><tr><td class="bt_content">{body}</td></tr></table>'
                + "</div></td></tr></table>")
    return (
        f'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        f"<title>{agency}{year}年政府信息公开工作年度报告_政府信息公开平台</title>"
        "<script>var a='1 2 3 4 5 6 7';</script><style>td{font-size:12px}</style></head><body>"
        '<div class="header"><a href="/">首页</a> &gt; <a href="#">政府信息公开</a> &gt; 年度报告</div>'
        '<table class="xxgk_info"><tr><td>索引号：</td><td>11330100002489123X/2023-00012</td>'
        f"<td>发布机构：</td><td>{agency}</td></tr><tr><td>发文日期：</td><td>{year + 1}-01-18</td>"
        "<td>主题分类：</td><td>其他</td></tr></table>"
        + body
        + '<div class="footer">主办单位：江州市人民政府办公室 网站标识码：3301000001 ICP备案号：浙ICP备05000000号</div>'
        "</body></html>"
    )


def _write(tmp_path: Path, name: str, html: str, encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(html.encode(encoding))
    return p


def _one(path: Path):  # noqa: ANN202
    return extract_one(path)


# --- tests -----------------------------------------------------------------------------------


@pytest.mark.parametrize("style", ["p", "mso", "span"])
def test_gov_cn_page_every_cell(tmp_path: Path, style: str) -> None:
    page = gov_page(html_t2_2021(style), html_t3(T3, style=style), html_t4(style=style))
    rep = _one(_write(tmp_path, f"r_{style}.html", page))
    assert rep.form == "2021"
    assert rep.year == 2022
    assert_cells(rep, expected_all())
    assert not rules(rep) & IDENTITY_RULES


def test_fullwidth_digits_nbsp_and_gbk(tmp_path: Path) -> None:
    page = gov_page(html_t2_2021(fee="１２.５"),
                    html_t3(T3, fmt=lambda v: f"&nbsp;{str(v).translate(FULLWIDTH)}&nbsp;"),
                    html_t4(fmt=lambda v: str(v).translate(FULLWIDTH)), charset="gb2312")
    rep = _one(_write(tmp_path, "gbk.html", page, "gb18030"))
    assert_cells(rep, expected_all())


def test_no_titles_no_layout_no_table_word(tmp_path: Path) -> None:
    page = gov_page(html_t2_2021(), html_t3(T3), html_t4(), titles=False, wrap_layout=False)
    rep = _one(_write(tmp_path, "plain.html", page))
    assert_cells(rep, expected_all())


def test_blank_dash_and_notes_in_cells(tmp_path: Path) -> None:
    """'/', '—', '——', '' are blanks; '无' is 0; a note stays with its number."""
    notes = {("requests.received", 0): "127（含自然失效2件）",
             ("requests.denied_internal_affairs", 1): "/",
             ("requests.denied_enforcement_files", 6): "——",
             ("requests.rejected_excessive", 2): "—",
             ("requests.other_fee_unpaid", 3): "",
             ("requests.denied_prohibited_by_law", 4): "无"}
    page = gov_page(html_t2_2021(fee="0.00"), html_t3(T3, note_cells=notes),
                    html_t4(fmt=lambda v: "-" if v == 0 else str(v)))
    rep = _one(_write(tmp_path, "blank.html", page))
    want = expected_all(t4=tuple(None if v == 0 else v for v in T4),
                        t2=dict(T2_2021, **{"disclosure.admin_fees_cny": 0.0}))
    for (m, j), text in notes.items():
        if text in ("/", "——", "—", ""):
            want[(m, (COLS + ("",))[j])] = None
    assert_cells(rep, want)
    note = next(f for f in rep.facts if f.metric == "requests.received" and f.breakdown == "natural_person")
    assert note.note and "自然失效" in note.note


def test_fee_in_yuan_header_keeps_yuan(tmp_path: Path) -> None:
    page = gov_page(html_t2_2021(fee="1,234.56", fee_header="本年收费金额（单位：元）"), html_t3(T3), html_t4())
    rep = _one(_write(tmp_path, "yuan.html", page))
    assert_cells(rep, expected_all(t2=dict(T2_2021, **{"disclosure.admin_fees_cny": 1234.56})))


def test_traditional_mirror(tmp_path: Path) -> None:
    from etl.extract.formlabels import TRAD_TO_SIMP

    simp_to_trad = {v: k for k, v in TRAD_TO_SIMP.items()}
    page = gov_page(html_t2_2021(), html_t3(T3), html_t4())
    trad = "".join(simp_to_trad.get(c, c) if "\u4e00" <= c <= "\u9fff" else c for c in page)
    rep = _one(_write(tmp_path, "trad.html", trad))
    assert_cells(rep, expected_all())


def test_2019_form_in_a_2023_report(tmp_path: Path) -> None:
    t2 = _t2_2019_html()
    page = gov_page(t2, html_t3(T3_2019, layout=T3_LAYOUT_2019), html_t4(), year=2023,
                    intro="<p>本报告依据《中华人民共和国政府信息公开条例》编制。</p>")
    rep = _one(_write(tmp_path, "f2019.html", page))
    assert rep.form == "2019"
    assert_cells(rep, expected_all(t3=T3_2019, t2=T2_2019))
    assert "form_2019_cites_2021_notice" not in rules(rep)


def test_2019_form_citing_2021_notice_is_flagged(tmp_path: Path) -> None:
    page = gov_page(_t2_2019_html(), html_t3(T3_2019, layout=T3_LAYOUT_2019), html_t4(), year=2023)
    rep = _one(_write(tmp_path, "f2019n.html", page))
    assert rep.form == "2019"
    assert "form_2019_cites_2021_notice" in rules(rep)


T2_2019 = {
    "disclosure.regulations_new_made": 0.0, "disclosure.regulations_new_published": 0.0,
    "disclosure.regulations_published_total": 2.0,
    "disclosure.normative_docs_new_made": 6.0, "disclosure.normative_docs_new_published": 6.0,
    "disclosure.normative_docs_published_total": 45.0,
    "disclosure.licensing_items_prev_year": 88.0, "disclosure.licensing_items_change": -3.0,
    "disclosure.licensing_decisions": 4120.0,
    "disclosure.other_services_items_prev_year": 12.0, "disclosure.other_services_items_change": 0.0,
    "disclosure.other_services_decisions": 350.0,
    "disclosure.penalty_items_prev_year": 410.0, "disclosure.penalty_items_change": 5.0,
    "disclosure.penalty_decisions": 97.0,
    "disclosure.coercion_items_prev_year": 21.0, "disclosure.coercion_items_change": 0.0,
    "disclosure.coercion_decisions": 3.0,
    "disclosure.fee_items_prev_year": 2.0, "disclosure.fee_items_change": 0.0,
    "disclosure.procurement_projects": 14.0, "disclosure.procurement_amount_cny": 3456700.0,
}


def _t2_2019_html() -> str:
    r = []

    def row(*cells: tuple[str, str]) -> None:
        r.append("<tr>" + "".join(_td(t, a, "p") for t, a in cells) + "</tr>")

    row(("第二十条第（一）项", 'colspan="4"'))
    row(("信息内容", ""), ("本年新<br/>制作数量", ""), ("本年新<br/>公开数量", ""), ("对外公开总数量", ""))
    row(("规章", ""), ("0", ""), ("0", ""), ("2", ""))
    row(("规范性文件", ""), ("6", ""), ("6", ""), ("45", ""))
    row(("第二十条第（五）项", 'colspan="4"'))
    row(("信息内容", ""), ("上一年<br/>项目数量", ""), ("本年增/减", ""), ("处理决定数量", ""))
    row(("行政许可", ""), ("88", ""), ("-3", ""), ("4120", ""))
    row(("其他对外管理服务事项", ""), ("12", ""), ("0", ""), ("350", ""))
    row(("第二十条第（六）项", 'colspan="4"'))
    row(("信息内容", ""), ("上一年<br/>项目数量", ""), ("本年增/减", ""), ("处理决定数量", ""))
    row(("行政处罚", ""), ("410", ""), ("+5", ""), ("97", ""))
    row(("行政强制", ""), ("21", ""), ("0", ""), ("3", ""))
    row(("第二十条第（八）项", 'colspan="4"'))
    row(("信息内容", ""), ("上一年<br/>项目数量", ""), ("本年增/减", 'colspan="2"'))
    row(("行政事业性收费", ""), ("2", ""), ("0", 'colspan="2"'))
    row(("第二十条第（九）项", 'colspan="4"'))
    row(("信息内容", ""), ("采购项目数量", ""), ("采购总金额", 'colspan="2"'))
    row(("政府集中采购", ""), ("14", ""), ("345.67", 'colspan="2"'))
    return '<table border="1" cellspacing="0" width="600">' + "\n".join(r) + "</table>"


def test_printed_totals_contradicting_parts_are_kept_and_flagged(tmp_path: Path) -> None:
    bad = dict(T3)
    # 总计 of 予以公开 misprinted (74 instead of 74 → 75), 总计 row natural person off by one,
    # and 表四 复议 total wrong
    bad["requests.granted"] = T3["requests.granted"][:6] + (75,)
    bad["requests.processed_total"] = (125,) + T3["requests.processed_total"][1:]
    t4 = (3, 1, 0, 1, 6) + T4[5:]
    page = gov_page(html_t2_2021(), html_t3(bad), html_t4(t4))
    rep = _one(_write(tmp_path, "bad.html", page))
    assert_cells(rep, expected_all(t3=bad, t4=t4))
    assert {"t3_balance", "t3_outcomes_sum", "t3_applicants_sum", "t4_sum"} <= rules(rep)


def test_title_paragraph_with_table_word_and_separate_tables(tmp_path: Path) -> None:
    """Some sites split 表三 into two <table>s (the header, then the rows) and put 表二 blocks
    in four tables, each under its own caption paragraph."""
    t3 = html_t3(T3)
    head_end = t3.index("</tr>", t3.index("商业企业")) + 5
    # split after the header rows: the second table repeats nothing
    t3_split = t3[:head_end] + "</table><p></p><table border=\"1\">" + t3[head_end:]
    t2 = html_t2_2021()
    t2_split = t2.replace('<tr><td colspan="4"', '</table><table border="1"><tr><td colspan="4"')
    t2_split = t2_split.replace('<table border="1" cellspacing="0" width="600"></table>', "")
    page = gov_page(t2_split, t3_split, html_t4())
    rep = _one(_write(tmp_path, "split.html", page))
    assert_cells(rep, expected_all())


# --- table specs shared by the PDF / DOCX / text tests ------------------------------------------
# A spec is a list of rows of origin cells (text, rowspan, colspan), as in HTML.

Spec = list[list[tuple[str, int, int]]]


def t3_spec(values: dict[str, tuple], layout=T3_LAYOUT_2021, fmt=lambda v: str(v),
            vertical_top: bool = False) -> Spec:
    rows: Spec = [
        [("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3), ("申请人情况", 1, 7)],
        [("自然人", 2, 1), ("法人或其他组织", 1, 5), ("总计", 2, 1)],
        [(h, 1, 1) for h in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")],
    ]
    tops = [r[0] for r in layout]
    secs = [(r[0], r[1]) for r in layout]
    for i, (top, sec, item, metric) in enumerate(layout):
        cells: list[tuple[str, int, int]] = []
        if not sec:
            cells.append((top, 1, 3))
        else:
            if tops.index(top) == i:
                cells.append((top, tops.count(top), 1))
            if not item:
                cells.append((sec, 1, 2))
            else:
                if secs.index((top, sec)) == i:
                    cells.append((sec, secs.count((top, sec)), 1))
                cells.append((item, 1, 1))
        cells += [(fmt(v), 1, 1) for v in values[metric]]
        rows.append(cells)
    return rows


def t2_2021_spec(fee: str = "12.5") -> Spec:
    return [
        [("第二十条第（一）项", 1, 4)],
        [("信息内容", 1, 1), ("本年制发件数", 1, 1), ("本年废止件数", 1, 1), ("现行有效件数", 1, 1)],
        [("规章", 1, 1), ("0", 1, 1), ("0", 1, 1), ("3", 1, 1)],
        [("行政规范性文件", 1, 1), ("12", 1, 1), ("4", 1, 1), ("87", 1, 1)],
        [("第二十条第（五）项", 1, 4)],
        [("信息内容", 1, 1), ("本年处理决定数量", 1, 3)],
        [("行政许可", 1, 1), ("15234", 1, 3)],
        [("第二十条第（六）项", 1, 4)],
        [("信息内容", 1, 1), ("本年处理决定数量", 1, 3)],
        [("行政处罚", 1, 1), ("356", 1, 3)],
        [("行政强制", 1, 1), ("17", 1, 3)],
        [("第二十条第（八）项", 1, 4)],
        [("信息内容", 1, 1), ("本年收费金额（单位：万元）", 1, 3)],
        [("行政事业性收费", 1, 1), (fee, 1, 3)],
    ]


def t4_spec(values: tuple = T4, fmt=lambda v: str(v)) -> Spec:
    kinds = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    return [
        [("行政复议", 1, 5), ("行政诉讼", 1, 10)],
        [(k, 2, 1) for k in kinds] + [("未经复议直接起诉", 1, 5), ("复议后起诉", 1, 5)],
        [(k, 1, 1) for k in kinds * 2],
        [(fmt(v), 1, 1) for v in values],
    ]


def spec_grid(spec: Spec) -> tuple[list[list[str]], list[tuple[int, int, int, int]]]:
    """(grid with origin texts and "" elsewhere, spans (r, c, rowspan, colspan))."""
    occupied: dict[tuple[int, int], bool] = {}
    cells: list[tuple[int, int, int, int, str]] = []
    for r, row in enumerate(spec):
        c = 0
        for text, rs, cs in row:
            while occupied.get((r, c)):
                c += 1
            cells.append((r, c, rs, cs, text))
            for dr in range(rs):
                for dc in range(cs):
                    occupied[(r + dr, c + dc)] = True
            c += cs
    width = max(c for _, c in occupied) + 1
    grid = [["" for _ in range(width)] for _ in range(len(spec))]
    spans = []
    for r, c, rs, cs, text in cells:
        grid[r][c] = text
        if rs > 1 or cs > 1:
            spans.append((r, c, rs, cs))
    return grid, spans


NARRATIVE = [
    ("", "本报告根据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式》"
         "（国办公开办函〔2021〕30号）要求编制。本报告中所列数据的统计期限自2022年1月1日起至2022年12月31日止。"),
    ("一、总体情况", "2022年，我局坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实《条例》。"
                  "全年主动公开政府信息1523条，其中政策解读21篇。"),
    ("二、主动公开政府信息情况", ""),
    ("三、收到和处理政府信息公开申请情况", ""),
    ("四、政府信息公开行政复议、行政诉讼情况", ""),
    ("五、存在的主要问题及改进情况", "一是政策解读形式还不够丰富。二是依申请公开答复质量有待提升。"),
    ("六、其他需要报告的事项", "本年度未收取信息处理费。"),
]


@pytest.mark.parametrize("fix", [
    ('rowspan="22"', 'rowspan="23"'),   # 三、本年度办理结果 spills into the 四 row
    ('rowspan="22"', 'rowspan="20"'),   # … ends two rows early: the last rows start left
    ('rowspan="8"', 'rowspan="9"'),     # （三）不予公开 spills into the first 无法提供 row
])
def test_wrong_rowspans_of_hand_edited_cms_tables(tmp_path: Path, fix: tuple[str, str]) -> None:
    t3 = html_t3(T3)
    assert fix[0] in t3
    page = gov_page(html_t2_2021(), t3.replace(fix[0], fix[1], 1), html_t4())
    rep = _one(_write(tmp_path, "span.html", page))
    assert_cells(rep, expected_all())
    assert not rules(rep) & (IDENTITY_RULES | {"table_unreadable", "t3_missing_rows"})


def test_word_html_spacer_row_and_title_row_inside_table(tmp_path: Path) -> None:
    spacer = ("<![if !supportMisalignedColumns]><tr height=0>"
              + '<td width=48 style="border:none"></td>' * 10 + "</tr><![endif]>")
    t3 = html_t3(T3, style="mso").replace("</table>", spacer + "</table>")
    t3 = t3.replace("<tr>", '<tr><td colspan="10">三、收到和处理政府信息公开申请情况</td></tr><tr>', 1)
    rep = _one(_write(tmp_path, "word.html", gov_page(html_t2_2021("mso"), t3, html_t4(style="mso"), titles=False)))
    assert_cells(rep, expected_all())


@pytest.mark.parametrize("data_label", [True, False])
def test_t4_with_a_label_column(tmp_path: Path, data_label: bool) -> None:
    """表四 with a "项目" column over the header rows; the data row with its own label
    ("件数") or, as on some pages, without it (the 15 numbers then start one column early)."""
    t4 = html_t4().replace("<tr>", '<tr><td rowspan="3" width="64">项目</td>', 1)
    if data_label:
        rows = t4.split("<tr>")
        rows[-1] = "<td>件数</td>" + rows[-1]
        t4 = "<tr>".join(rows)
    rep = _one(_write(tmp_path, "t4.html", gov_page(html_t2_2021(), html_t3(T3), t4)))
    assert_cells(rep, expected_all())
    assert "t4_sum" not in rules(rep)


def test_t4_blank_cells_keep_their_columns(tmp_path: Path) -> None:
    t4 = html_t4(fmt=lambda v: "" if v == 0 else str(v))
    rep = _one(_write(tmp_path, "t4b.html", gov_page(html_t2_2021(), html_t3(T3), t4)))
    assert_cells(rep, expected_all(t4=tuple(None if v == 0 else v for v in T4)))


def test_markdown_file_with_raw_html_tables(tmp_path: Path) -> None:
    """pandoc writes tables with merged cells as raw HTML inside Markdown."""
    md = "# 江州市自然资源和规划局2022年政府信息公开工作年度报告\n\n" + "\n\n".join([
        "本报告根据《条例》和（国办公开办函〔2021〕30号）要求编制。", "## 一、总体情况", "全年主动公开政府信息1523条。",
        "## 二、主动公开政府信息情况", html_t2_2021(), "## 三、收到和处理政府信息公开申请情况", html_t3(T3),
        "## 四、政府信息公开行政复议、行政诉讼情况", html_t4(), "## 五、存在的主要问题及改进情况", "无。"]) + "\n"
    p = tmp_path / "r.md"
    p.write_text(md, encoding="utf-8")
    rep = _one(p)
    assert_cells(rep, expected_all())


def t2_2019_spec() -> Spec:
    """表二 of the 2019 form (same numbers as ``T2_2019``)."""
    h3 = [("信息内容", 1, 1), ("上一年项目数量", 1, 1), ("本年增/减", 1, 1), ("处理决定数量", 1, 1)]
    return [
        [("第二十条第（一）项", 1, 4)],
        [("信息内容", 1, 1), ("本年新制作数量", 1, 1), ("本年新公开数量", 1, 1), ("对外公开总数量", 1, 1)],
        [("规章", 1, 1), ("0", 1, 1), ("0", 1, 1), ("2", 1, 1)],
        [("规范性文件", 1, 1), ("6", 1, 1), ("6", 1, 1), ("45", 1, 1)],
        [("第二十条第（五）项", 1, 4)], h3,
        [("行政许可", 1, 1), ("88", 1, 1), ("-3", 1, 1), ("4120", 1, 1)],
        [("其他对外管理服务事项", 1, 1), ("12", 1, 1), ("0", 1, 1), ("350", 1, 1)],
        [("第二十条第（六）项", 1, 4)], list(h3),
        [("行政处罚", 1, 1), ("410", 1, 1), ("+5", 1, 1), ("97", 1, 1)],
        [("行政强制", 1, 1), ("21", 1, 1), ("0", 1, 1), ("3", 1, 1)],
        [("第二十条第（八）项", 1, 4)],
        [("信息内容", 1, 1), ("上一年项目数量", 1, 1), ("本年增/减", 1, 2)],
        [("行政事业性收费", 1, 1), ("2", 1, 1), ("0", 1, 2)],
        [("第二十条第（九）项", 1, 4)],
        [("信息内容", 1, 1), ("采购项目数量", 1, 1), ("采购总金额", 1, 2)],
        [("政府集中采购", 1, 1), ("14", 1, 1), ("345.67", 1, 2)],
    ]


@pytest.mark.parametrize("where", ["lead", "trail"])
def test_word_html_zero_width_cells_in_some_rows(tmp_path: Path, where: str) -> None:
    """Word's HTML emulates gridBefore/gridAfter with empty zero-width cells in some rows."""
    rows = html_t3(T3).split("<tr>")
    empty = '<td width="0" style="border:none"></td>'
    for i in range(5, len(rows), 3):
        rows[i] = empty + rows[i] if where == "lead" else rows[i].replace("</tr>", empty + "</tr>")
    rep = _one(_write(tmp_path, "w.html", gov_page(html_t2_2021(), "<tr>".join(rows), html_t4())))
    assert_cells(rep, expected_all())


LAYOUT_2019_SHORT = [r for r in T3_LAYOUT_2019 if r[3] != "requests.rejected_confirm"]


def test_2019_form_version_without_the_confirm_row(tmp_path: Path) -> None:
    vals = {m: v for m, v in T3_2019.items() if m != "requests.rejected_confirm"}
    # keep the identities: the confirm row's numbers move to 重复申请
    vals["requests.rejected_repeat"] = tuple(a + b for a, b in zip(T3_2019["requests.rejected_repeat"],
                                                                    T3_2019["requests.rejected_confirm"]))
    page = gov_page(_t2_2019_html(), html_t3(vals, layout=LAYOUT_2019_SHORT), html_t4(),
                    intro="<p>本报告依据《条例》编制。</p>")
    rep = _one(_write(tmp_path, "f2019s.html", page))
    assert rep.form == "2019"
    assert_cells(rep, expected_all(t3=vals, t2=T2_2019))
    assert not rules(rep) & (IDENTITY_RULES | {"t3_missing_rows"})


@pytest.mark.parametrize("fragment,before", [
    ("行政机关不再处理其政府信息公开申请", False),   # the tail of a row split over a page
    ("2.申请人逾期未按收费通知要求", True),          # the head, on the page before
])
def test_row_fragment_over_empty_cells_is_not_a_blank_copy(tmp_path: Path, fragment: str, before: bool) -> None:
    rows = html_t3(T3).split("<tr>")
    word = "缴纳费用" if before else "逾期不补正"
    idx = next(i for i, r in enumerate(rows) if word in r)
    rows.insert(idx if before else idx + 1, f'<td colspan="3">{fragment}</td>' + "<td></td>" * 7 + "</tr>")
    rep = _one(_write(tmp_path, "frag.html", gov_page(html_t2_2021(), "<tr>".join(rows), html_t4())))
    assert_cells(rep, expected_all())
    assert "t3_duplicate_row" not in rules(rep)


def test_t4_printed_turned_one_row_per_group(tmp_path: Path) -> None:
    cells = lambda vs: "".join(f"<td>{v}</td>" for v in vs)  # noqa: E731
    t4 = ('<table border="1"><tr><td rowspan="2" colspan="2">类别</td><td colspan="5">办理结果</td></tr>'
          "<tr><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td></tr>"
          f'<tr><td colspan="2">行政复议</td>{cells(T4[:5])}</tr>'
          f'<tr><td rowspan="2">行政诉讼</td><td>未经复议直接起诉</td>{cells(T4[5:10])}</tr>'
          f"<tr><td>复议后起诉</td>{cells(T4[10:])}</tr></table>")
    rep = _one(_write(tmp_path, "t4t.html", gov_page(html_t2_2021(), html_t3(T3), t4)))
    assert_cells(rep, expected_all())


@pytest.mark.parametrize("label_cols", [2, 4])
def test_header_corner_narrower_or_wider_than_the_label_columns(tmp_path: Path, label_cols: int) -> None:
    """The merged top-left cell spans 2 (or 4) columns while the rows use 3 label columns;
    rows printed entirely blank and a row with a blank 总计 still land in their columns."""
    vals = {m: tuple("" if x == 0 else x for x in v) for m, v in T3.items()}
    vals["requests.denied_third_party"] = (3, 1, "", "", "", "", "")
    t3 = html_t3(vals).replace('colspan="3" rowspan="3"', f'colspan="{label_cols}" rowspan="3"', 1)
    rep = _one(_write(tmp_path, "corner.html", gov_page(html_t2_2021(), t3, html_t4())))
    want = expected_t3({m: tuple(None if x == "" else x for x in v) for m, v in vals.items()})
    want.update({k: v for k, v in expected_all().items() if not k[0].startswith("requests.")})
    assert_cells(rep, want)
    assert "t3_missing_rows" not in rules(rep)
