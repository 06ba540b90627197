"""Findings in the view's language: every rule's explanation, messages written from the rule and
its parameters, and the reviewers' verdicts in words (no Streamlit).

Stored findings carry a rule and an English message (``etl/extract/checks.py``); the
consistency findings (``etl/query/consistency.py``, ``reuse.py``) carry their parameters. In
Chinese a message is written from the parameters where they are known, else recovered from the
stored message (the identity checks' messages have fixed shapes: numbers and column names are
kept, the English words translated); a message whose shape is not known is shown as the rule's
explanation, with the stored text after it.
"""
from __future__ import annotations

import functools
import math
import re
from typing import Any, Mapping

from etl.metrics import APPLICANT_LABELS_ZH
from etl.present import i18n
from etl.present.agency_names import agency_label

BLANK = "—"

i18n.register({
    "cs_title": ("一致性检查", "Consistency checks"),
    "cs_help": (
        "报告印出的同比增减和计划完成率，与本年、上年两年的绝对数对照；差异超过容差即列出，两组数字并列。"
        "容差和阈值在 config/checks.toml 中设置。",
        "Printed year-on-year changes and plan completions checked against the levels of both "
        "years; a gap beyond the tolerance is listed with both numbers. Tolerances and thresholds "
        "are set in config/checks.toml.",
    ),
    "cs_none": ("所选范围内印出的增减、计划完成率与两年数字一致。",
                "The printed changes and plan completions of the selection agree with the levels."),
    "cs_n_of": ("显示前 {n} 条，共 {total} 条；请缩小机构或年份范围。",
                "The first {n} of {total} shown; narrow the agencies or years."),
    "cs_reuse_title": ("重复文本", "Reused text"),
    "cs_reuse_help": (
        "报告与本机构上年报告、或同年其他机构报告相同的句子所占比例（不计标题、表格行和多个机构共用的套话），"
        "达到阈值即列出。",
        "Share of a report's sentences found verbatim in the same agency's previous report or "
        "in another agency's report of the same year (headings, table rows and wording many "
        "agencies share not counted); listed at or above the threshold.",
    ),
    "gl_link": ("每项检查、指标和空白的含义见“术语与口径” →",
                "What each check, indicator and blank means: the glossary →"),
    "cs_reuse_too_many": ("需要对照 {n} 份报告，超过一次最多读取的 {max} 份；请缩小机构或年份范围。",
                          "{n} reports to compare, more than the {max} read at a time; narrow "
                          "the agencies or years."),
    "cs_reuse_none": ("未发现超过阈值的重复文本。", "No reused text above the threshold."),
    "cs_reuse_no_text": ("所选报告的原始文件不可读，无法检查重复文本。",
                         "The selection's original files cannot be read: reused text not checked."),
    "cs_printed": ("报告印出（%）", "Printed (%)"),
    "cs_computed": ("按两年数字计算（%）", "From the levels (%)"),
    "cs_prev_level": ("上年（万美元）", "Last year (万美元)"),
    "cs_cur_level": ("本年（万美元）", "This year (万美元)"),
    "cs_share": ("重复比例", "Share reused"),
    "cs_compared": ("对照报告", "Compared with"),
    "vd_verdict": ("审核结论", "Verdict"),
    "vd_who": ("审核人", "Reviewed by"),
    "vd_why": ("理由", "Why"),
    "vd_when": ("时间", "When"),
    "vd_confirmed": ("已确认", "Confirmed"),
    "vd_dismissed": ("已驳回", "Dismissed"),
    "vd_none": ("未审核", "Not reviewed"),
    "vd_title": ("审核结论（分析员）", "Reviewer's verdict (analysts)"),
    "vd_help": (
        "选择一条发现，确认（确实有问题）或驳回（不是问题），并写明理由。结论按文件指纹、报告位置、规则和单元格保存，"
        "重新加载同一文件后仍然保留。",
        "Pick a finding, confirm it (a real problem) or dismiss it (not a problem) and say why. "
        "Verdicts are stored by the file's fingerprint, the report's position, the rule and the "
        "cell, so they stay when the same file is loaded again.",
    ),
    "vd_pick": ("发现", "Finding"),
    "vd_open": ("给出审核结论…", "Give a verdict…"),
    "vd_choice": ("结论", "Verdict"),
    "vd_save": ("保存结论", "Save verdict"),
    "vd_saved": ("结论已保存。", "Verdict saved."),
    "vd_not_saved": ("未保存：{error}", "Not saved: {error}"),
    "vd_need_who_why": ("请填写审核人和理由。", "Enter your name and a reason."),
    "vd_history": ("此发现的审核记录", "This finding's verdicts"),
    "vd_viewer": ("只有分析员可以给出审核结论。", "Only analysts can give verdicts."),
    "vd_nothing": ("没有可审核的发现。", "No findings to review."),
    "fd_detail": ("原始记录", "As recorded"),
})

#: the consistency rules' labels (the stored rules' are in i18n.RULE_LABELS)
NEW_RULE_LABELS: dict[str, tuple[str, str]] = {
    "yoy_vs_levels": ("印出的同比增减与两年数字不符",
                      "Printed year-on-year change contradicts both years' levels"),
    "plan_vs_levels": ("印出的计划完成率推算的目标与上年数字不符",
                       "Printed plan completion implies a target out of line with last year"),
    "text_reused_prev_year": ("重复上年报告文本", "Text repeats last year's report"),
    "text_reused_other_agency": ("重复其他机构报告文本", "Text repeats another agency's report"),
}
for _rule, _pair in NEW_RULE_LABELS.items():
    i18n.RULE_LABELS.setdefault(_rule, _pair)

#: what each rule checks, in both languages (shown on /quality, /glossary and as help texts)
RULE_EXPLANATIONS: dict[str, tuple[str, str]] = {
    "t3_balance": ("表三每一列应满足：本年新收 + 上年结转 = 办理结果总计 + 结转下年度。",
                   "Each 表三 column must satisfy: received + carried over = concluded + carried forward."),
    "t3_outcomes_sum": ("表三各办理结果行之和应等于办理结果总计。",
                        "表三's outcome rows must add up to the outcomes total."),
    "t3_applicants_sum": ("表三每一行六个申请人列之和应等于总计列。",
                          "In each 表三 row the six applicant columns must add up to the total column."),
    "t3_subtotal": ("表三小计（如“不予公开”“无法提供”）应等于其各分项之和。",
                    "A 表三 subtotal (不予公开, 无法提供 …) must equal the sum of its items."),
    "t3_duplicate_row": ("表三同一行印了两次，只采用一次。", "A 表三 row is printed twice; one is used."),
    "t3_unknown_row": ("表三有一行不是国家表格中的行，未录入。",
                       "A 表三 row is not one of the national form's rows; not stored."),
    "t3_missing_rows": ("表三缺少国家表格应有的行。", "表三 lacks rows the national form has."),
    "t4_sum": ("表四每组：结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 总计。",
               "Each 表四 group: upheld + corrected + other + pending = total."),
    "in_force_mismatch": ("本年现行有效件数应等于上年现行有效 + 本年制发 − 本年废止。",
                          "In force this year must equal last year's in force + made − repealed."),
    "carry_over_mismatch": ("本年“上年结转”应等于上年报告的“结转下年度”。",
                            "This year's carried over must equal last year's carried forward."),
    "implausible_jump": ("主要总数与上年相比超过 5 倍或不足五分之一，请核对是否误读或误印。",
                         "A main total more than 5× or under a fifth of last year's: check for a misreading or misprint."),
    "narrative_vs_table": ("正文与表格中的同一数字不一致，以表格为准。",
                           "The text and the table print different numbers; the table's is stored."),
    "form_2019_cites_2021_notice": ("使用 2019 版表格，却引用 2021 年的格式通知。",
                                    "Uses the 2019 form while citing the 2021 format notice."),
    "form_mixed": ("同一报告中混用 2019 版和 2021 版表格的行。",
                   "Rows of the 2019 and the 2021 form mixed in one report."),
    "table_unreadable": ("表格无法可靠读取，相应数字未录入。",
                         "A table could not be read reliably; its numbers are not stored."),
    "pdf_tables_unreadable": ("PDF 中的表格无法读取。", "The PDF's tables could not be read."),
    "agency_unknown": ("无法从报告中识别发布机构。", "The publishing agency could not be recognised."),
    "agency_anonymised": ("机构名称被匿名（如“xx单位”）。", "The agency's name is anonymised (e.g. xx单位)."),
    "year_unknown": ("无法识别报告年度。", "The report's year could not be recognised."),
    "template_unfilled": ("报告是未填写的模板，不录入数字。", "The report is an unfilled template; no numbers stored."),
    "check_failed": ("检查程序未能运行。", "A check could not run."),
    "t3_columns_uncertain": ("表三数字所在列无法确定，未录入。",
                             "The column of 表三 numbers is uncertain; not stored."),
    "t3_zero_rows_dealt": ("文本中表三相邻几行的数字错到了彼此的行里，但合起来恰为每行 7 个且全为 0；"
                           "无论数字如何错位，这些行的每个单元格都是 0，按 0 录入。",
                           "Neighbouring 表三 rows in text have numbers moved between them, but together hold "
                           "exactly 7 per row and every one is 0; however they moved, each of their cells is "
                           "0, and is stored so."),
    "t3_placed_by_identities": ("文本中的表三某行空格消失、数字少于 7 个；只有一种摆放能使表内勾稽关系成立，"
                                "数字按此录入，其余列为空格。",
                                "A 表三 row in text lost its blank cells and shows fewer than 7 numbers; only one "
                                "placement keeps the table's identities, so its numbers are stored there and "
                                "the other columns as blank."),
    "cell_placed_by_column": ("文本中表格某格的数字单独印在所在行的上一行或下一行。表二：它只与一列的表头和其他行的数字"
                              "对齐，且相邻行中只有一行缺这一列，数字按此录入；表三：两行数字合起来恰为 7 个，"
                              "按横向位置排成一行后表内勾稽关系全部成立，按此录入。",
                              "A table cell's number is printed in text on a line of its own above or below its "
                              "row. 表二: it lines up with one column only (its header and the other rows' "
                              "numbers) and only one neighbouring row lacks that column, so it is stored there; "
                              "表三: the two lines hold 7 numbers together, and put in one row by their horizontal "
                              "position every identity of the table holds, so they are stored so."),
    "t3_columns_shifted": ("表三数字错入相邻列，未录入。",
                           "表三 numbers shifted into neighbouring columns; not stored."),
    "narrative_withheld": ("表格已印但未能读取，正文中对应的数字未经核对，不录入。",
                           "A printed table could not be read; the text's numbers for it are unchecked and not stored."),
    "tables_as_images": ("表格以图片形式印出，无法读取；正文中的数字仍然录入。",
                         "Tables printed as pictures cannot be read; the text's numbers still count."),
    "not_a_report": ("这是函件而非年度报告，不录入数字。", "A letter, not a report; no numbers stored."),
    "yoy_vs_levels": (
        "把报告印出的同比增减（如“实际到资比增 28.57%”）与按本年、上年绝对数计算的增减（本年 ÷ 上年 − 1）对照；"
        "相差超过容差即列出，方向相反（印增长实为下降或相反）为错误。",
        "The printed year-on-year change (e.g. 实际到资 比增 28.57 %) against the change computed "
        "from this year's and last year's levels (this ÷ last − 1); a gap beyond the tolerance is "
        "listed, an opposite sign (growth printed for a fall or the reverse) is an error.",
    ),
    "plan_vs_levels": (
        "由印出的计划完成率推算全年目标（本年数 ÷ 完成率），与上年实际数对照；目标低于上年的一定倍数或高出太多即列出。",
        "The year's target implied by the printed plan completion (level ÷ completion) against "
        "last year's level; a target far below or above it is listed.",
    ),
    "text_reused_prev_year": (
        "报告中与本机构上年报告完全相同的句子所占比例达到阈值（不计标题、表格行和套话）。",
        "The share of the report's sentences identical to the agency's previous report reaches "
        "the threshold (headings, table rows and boilerplate not counted).",
    ),
    "text_reused_other_agency": (
        "报告中与同年另一机构报告完全相同的句子所占比例达到阈值（不计标题、表格行和套话）。",
        "The share of the report's sentences identical to another agency's report of the same "
        "year reaches the threshold (headings, table rows and boilerplate not counted).",
    ),
}


def rule_explanation(rule: str | None, lang: str | None = i18n.DEFAULT_LANG) -> str:
    pair = RULE_EXPLANATIONS.get(rule or "")
    if pair is None:
        return i18n.rule_label(rule, lang)
    return pair[1] if i18n.norm_lang(lang) == "en" else pair[0]


def verdict_label(verdict: Any, lang: str | None = i18n.DEFAULT_LANG) -> str:
    if not isinstance(verdict, str) or not verdict:
        return i18n.t("vd_none", lang)
    return i18n.t(f"vd_{verdict}", lang) if verdict in ("confirmed", "dismissed") else verdict


def text_or_blank(v: Any) -> str:
    """A cell for a table: the text, or "—" for a blank (never "None" / "nan")."""
    if v is None:
        return BLANK
    if isinstance(v, float) and math.isnan(v):
        return BLANK
    try:
        import pandas as pd

        if pd.isna(v):
            return BLANK
    except (TypeError, ValueError):
        pass
    s = str(v)
    return s if s.strip() else BLANK


def _wan(v: Any) -> str:
    return f"{float(v) / 10000:,.0f}"


def _label(metric: str, lang: str) -> str:
    return i18n.metric_label(metric, lang)


def _from_params(rule: str, p: Mapping[str, Any], lang: str) -> str | None:
    en = lang == "en"
    try:
        if rule == "yoy_vs_levels":
            m, lv = _label(p["metric"], lang), _label(p["level_metric"], lang)
            if en:
                return (f"{m}: printed {p['printed']:+.2f} %, but {lv} went from {_wan(p['prev'])} "
                        f"万美元 ({p['prev_year']}) to {_wan(p['cur'])} 万美元 ({p['year']}) = "
                        f"{p['computed']:+.1f} % ({p['gap']:+.1f} points apart)")
            return (f"{m}：报告印 {p['printed']:+.2f}%，但{lv}由 {p['prev_year']} 年 "
                    f"{_wan(p['prev'])} 万美元变为 {p['year']} 年 {_wan(p['cur'])} 万美元，"
                    f"按两年数字计算为 {p['computed']:+.1f}%（相差 {p['gap']:+.1f} 个百分点）")
        if rule == "plan_vs_levels":
            m, lv = _label(p["metric"], lang), _label(p["level_metric"], lang)
            if p.get("target") is None:
                return (f"{m}: printed plan completion {p['printed']:.2f} % is not positive" if en
                        else f"{m}：印出的计划完成率 {p['printed']:.2f}% 不是正数")
            if en:
                return (f"{m}: {p['printed']:.2f} % of plan with {lv} {_wan(p['cur'])} 万美元 "
                        f"implies a target of {_wan(p['target'])} 万美元, {p['ratio']:.2f}× the "
                        f"{p['prev_year']} level of {_wan(p['prev'])} 万美元 (expected "
                        f"{p['min_ratio']:g}–{p['max_ratio']:g}×)")
            return (f"{m}：印出完成计划 {p['printed']:.2f}%，按{p['year']} 年{lv} {_wan(p['cur'])} "
                    f"万美元推算全年目标为 {_wan(p['target'])} 万美元，是 {p['prev_year']} 年实际 "
                    f"{_wan(p['prev'])} 万美元的 {p['ratio']:.2f} 倍（合理范围 "
                    f"{p['min_ratio']:g}–{p['max_ratio']:g} 倍）")
        if rule == "text_reused_prev_year":
            if en:
                return (f"{p['share']:.0f} % of the report's sentences ({p['reused']} of "
                        f"{p['sentences']}) repeat the agency's {p['other_year']} report")
            return (f"报告 {p['share']:.0f}% 的句子（{p['sentences']} 句中的 {p['reused']} 句）"
                    f"与本机构 {p['other_year']} 年报告相同")
        if rule == "text_reused_other_agency":
            if en:
                return (f"{p['share']:.0f} % of the report's sentences ({p['reused']} of "
                        f"{p['sentences']}) repeat {agency_label(p['other_agency'], 'en')}'s "
                        f"{p['other_year']} report")
            return (f"报告 {p['share']:.0f}% 的句子（{p['sentences']} 句中的 {p['reused']} 句）"
                    f"与{p['other_agency']} {p['other_year']} 年报告相同")
    except (KeyError, TypeError, ValueError):
        return None
    return None


_NUM = r"(-?[\d,]+(?:\.\d+)?)"
#: the identity checks' English phrases → Chinese, applied in order (numbers and 表/列 names kept)
_ZH_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(a), b) for a, b in (
        (r"表三 column (\S+?):\s*", r"表三 \1 列："),
        (r"表三 row (\S+?):\s*", r"表三 \1 行："),
        (r"表四 (\S+?):\s*", r"表四 \1："),
        (rf"the printed outcome rows already sum to {_NUM} \(blank cells aside\), more than 总计 {_NUM}",
         r"已印的办理结果行之和（不计空格）已达 \1，超过总计 \2"),
        (rf"the printed applicant columns already sum to {_NUM} \(blank cells aside\), more than 总计 {_NUM}",
         r"已印的申请人各列之和（不计空格）已达 \1，超过总计 \2"),
        (rf"the printed results already sum to {_NUM} \(blank cells aside\), more than 总计 {_NUM}",
         r"已印的各结果之和（不计空格）已达 \1，超过总计 \2"),
        (rf" is at least {_NUM} \(blank cells aside\), more than the other side's {_NUM}",
         r" 至少为 \1（不计空格），超过另一侧的 \2"),
        (rf"the outcome rows sum to {_NUM}, but 总计 is printed as {_NUM}",
         r"各办理结果行之和为 \1，但总计印为 \2"),
        (rf"the six applicant columns sum to {_NUM}, but 总计 is printed as {_NUM}",
         r"六个申请人列之和为 \1，但总计印为 \2"),
        (rf" is printed as {_NUM}, its items sum to {_NUM}", r" 印为 \1，其分项之和为 \2"),
        (rf", but 总计 is printed as {_NUM}", r"，但总计印为 \1"),
        (rf", but (\d{{4}}) prints {_NUM}", r"，但 \1 年印为 \2"),
        (r", but ", "，但 "),
        (r"\(([\d.e+]+)× last year\)", r"（为上年的 \1 倍）"),
    ))
#: whole messages of a known shape (the extractor's and the readers' own wording, see
#: etl/extract/*.py and etl/read/*.py) → Chinese; groups are kept as printed (file names, row
#: labels, numbers), metric ids and 表三 row ids are named afterwards. A file name may hold Latin
#: words, so a message matched here is never sent to the fallback.
_TEMPLATES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(a, re.S), b) for a, b in (
        (r"(表.) \(flattened text\): (.*); no facts stored", r"\1（文本中的表格）：\2；未录入任何数字"),
        (r"(表.) \(flattened text\): (.*); the rows under that header were not stored",
         r"\1（文本中的表格）：\2；该表头下的各行未录入"),
        (r"表三 \(flattened text\): row '(.*)' has (\d+) numbers for the form's 7 columns; placed in the "
         r"only columns where the table's identities hold \(blank: (.*)\)",
         r"表三（文本中的表格）：“\1”行有 \2 个数字，国家表格为 7 列；按唯一使表内勾稽关系成立的列录入"
         r"（空格：\3）"),
        (r"表三 \(flattened text\): row '(.*)' has (\d+) numbers for the form's 7 columns and the table's "
         r"identities do not single out their columns; not stored",
         r"表三（文本中的表格）：“\1”行有 \2 个数字，国家表格为 7 列，表内勾稽关系无法确定其所在列；未录入"),
        (r"表三 \(flattened text\): row '(.*)' has (\d+) numbers, more than the form's 7 columns; not stored",
         r"表三（文本中的表格）：“\1”行有 \2 个数字，多于国家表格的 7 列；未录入"),
        (r"表三 \(flattened text\): row '(.*)' has 7 numbers beside a row with another count, and the "
         r"table's identities do not confirm its columns; not stored",
         r"表三（文本中的表格）：“\1”行有 7 个数字，但相邻行的数字个数不同，表内勾稽关系无法确认其所在列；未录入"),
        (r"表三 \(flattened text\): row '(.*)' has 7 numbers, but numbers moved between rows of this table "
         r"and its six applicant columns do not add up to its 总计; not stored",
         r"表三（文本中的表格）：“\1”行有 7 个数字，但表中有数字错入其他行，且该行六个申请人列之和不等于总计；未录入"),
        (r"表三 \(flattened text\): (.*); only the rows with exactly 7 numbers after their label were "
         r"stored; not stored: (.*)",
         r"表三（文本中的表格）：\1；只录入标签后恰有 7 个数字的行，未录入：\2"),
        (r"(表.) \(flattened text\): (\d+) number\(s\) printed on a line of their own placed in the only "
         r"row and column they line up with \((.*)\)",
         r"\1（文本中的表格）：\2 个单独成行的数字按唯一与之对齐的行和列录入（\3）"),
        (r"(表.) \(flattened text\): (\d+) row\(s\) printed over two lines read with their numbers in the "
         r"order of their columns \((.*)\); the table's identities hold",
         r"\1（文本中的表格）：\2 行分两行印出，按数字所在列的先后合为一行读取（\3）；表内勾稽关系均成立"),
        (r"表四: the header could not be read; the 15 numbers were placed in the form's order, "
         r"which each group's 总计 confirms",
         r"表四：表头无法读取，15 个数字按国家表格的顺序录入，各组总计均与之相符"),
        (r"unfilled template: (\d+) placeholders such as (.*); its numbers are not stored",
         r"未填写的模板：有 \1 处占位符，如 \2；其数字未录入"),
        (r"a letter \(函\), not a report: its numbers are not stored as the year's figures",
         r"这是函件而非年度报告，其数字不作为该年度数字录入"),
        (r"no agency name found in the title, the opening sentence or the signature",
         r"标题、首句和落款中均未找到机构名称"),
        (r"the agency name is anonymised as printed \((.*)\); stored without an agency",
         r"机构名称印为匿名（\1），未关联机构"),
        (r"no reporting year found in the title or text", r"标题和正文中均未找到报告年度"),
        (r"表三: row '(.*)' has more numbers than the form has columns and no readable header; "
         r"not stored", r"表三：“\1”行的数字多于表格列数，且表头无法读取；未录入"),
        (r"表三: row '(.*)' has (\d+) cells under a header of (\d+) and text where a number belongs; "
         r"not stored", r"表三：“\1”行有 \2 个单元格，表头为 \3 列，且数字列中有文字；未录入"),
        (r"表三 \(flattened text\): rows (.*) have ([\d/]+) numbers, together 7 for each row and all 0; "
         r"each of their cells stored as 0",
         r"表三（文本中的表格）：\1 各行分别有 \2 个数字，合计恰为每行 7 个且全为 0；这些行的每个单元格均按 0 录入"),
        (r"表三: the outcome rows add up in the wrong columns \((.*)\), as when numbers moved into a "
         r"neighbouring column; only the (\d+) row\(s\) that are 0 in every column stored",
         r"表三：办理结果行之和在错误的列上成立（\1），像是数字错入了相邻列；只录入各列均为 0 的 \2 行"),
        (r"表三: a row with numbers whose label is not a form row: '(.*)'; not stored",
         r"表三：有数字的一行“\1”不是国家表格中的行；未录入"),
        (r"表三: row (\S+) printed twice with different numbers; the first is kept",
         r"表三：\1 行印了两次且数字不同，采用第一次"),
        (r"表三: cell (.+?) / (.+?): the header names two columns for it and they hold different "
         r"numbers; not stored", r"表三：单元格 \1 / \2 在表头中对应两列，两列数字不同；未录入"),
        (r"(表.): cell (.+?) / (.+?) is not a number \((.*)\); not stored",
         r"\1：单元格 \2 / \3 不是数字（\4）；未录入"),
        (r"表二: row '(.*)' has numbers but no column header above it; not stored",
         r"表二：“\1”行有数字，但上方没有列标题；未录入"),
        (r"表二: row (.+?) has (\d+) values for (\d+) columns; not stored",
         r"表二：“\1”行有 \2 个值，对应 \3 列，无法确定所在列；未录入"),
        (r"表四: a data row with (\d+) cells and no recognisable header; not stored",
         r"表四：数据行有 \1 个单元格，且没有可识别的表头；未录入"),
        (r"表四: cell (.+?) is not a number \((.*)\); not stored", r"表四：单元格 \1 不是数字（\2）；未录入"),
        (r"表三: the outcome rows add up in the wrong columns \((.*)\), as when numbers moved into a "
         r"neighbouring column; no 表三 cell stored",
         r"表三：办理结果行之和在错误的列上成立（\1），像是数字错入了相邻列；表三未录入"),
        (r"表三 was found but none of its rows could be read", r"找到了表三，但其中没有一行可以读取"),
        (r"表三 follows the (\d{4}) form but 表二 the (\d{4}) form; form (\d{4}) recorded",
         r"表三为 \1 版表格，表二却为 \2 版；记为 \3 版"),
        (r"the report uses the 23-row 2019 form of 表三 but cites (\S+) \(the 2021 format with 25 rows\)",
         r"报告使用 23 行的 2019 版表三，却引用 2021 年的格式通知 \1（2021 版为 25 行）"),
        (r"表三: (\d+) form row\(s\) not found: (.*)", r"表三：未找到国家表格中的 \1 行：\2"),
        (r"(\S+?)\[(\w+)\]: table says (\S+), text says (\S+?)( \(approx\.\))?(?:; the table value is kept)?",
         r"\1（\2）：表格为 \3，正文为 \4\5；采用表格数字"),
        (r"(\S+?): table says (\S+), text says (\S+?)( \(approx\.\))?(?:; the table value is kept)?",
         r"\1：表格为 \2，正文为 \3\4；采用表格数字"),
        (r"a form table was printed but not read, so the text's numbers for it are not stored "
         r"\(they cannot be checked against the table\): (.*)",
         r"表格已印但未能读取，正文中对应的数字无法与表格核对，未录入：\1"),
        (r"the form's tables appear to be pictures \((\d+) image\(s\) under its headings, no table "
         r"cell in the text\): their numbers were not read; the text's numbers still count",
         r"表格似为图片（标题下有 \1 张图片，正文中没有表格单元格）：表格数字未读取；正文中的数字仍然录入"),
        (r"identity checks could not run: (.*)", r"勾稽关系检查未能运行：\1"),
        (r"the form tables could not be parsed \((.*)\)", r"表格无法解析（\1）"),
        (r"(.+?): (\d+) byte sequence\(s\) are not valid (\S+); shown as � \(numbers next to them "
         r"may be wrong\)", r"\1：有 \2 处字节不是有效的 \3 编码，显示为 �（旁边的数字可能有误）"),
        (r"(.+?): table grids could not be read \((\w+)\); text only",
         r"\1：无法读取表格网格（\2），只读取文字"),
        (r"(.+?): page (\d+): a table's font has no Unicode map; its grid was skipped \(numbers come "
         r"from the page text only\)",
         r"\1：第 \2 页：表格字体没有 Unicode 映射，跳过其网格（数字只取自页面文字）"),
        (r"(.+?): page (\d+): table grid could not be read \((\w+)\); text only",
         r"\1：第 \2 页：无法读取表格网格（\3），只读取文字"),
        (r"(.+?): page (\d+): too many ruling lines \((.*)\) to look for table grids; text only",
         r"\1：第 \2 页：表格线过多（\3），不查找表格网格，只读取文字"),
        (r"(.+?): the PDF is encrypted and needs a password to open; no numbers were read \(save an "
         r"unprotected copy and load that\)",
         r"\1：PDF 已加密，需要密码才能打开，未读取任何数字（请另存一份未加密的副本再加载）"),
        (r"(.+?): page\(s\) (.+?) have no text layer \(scanned\?\); no numbers were read",
         r"\1：第 \2 页没有文字层（扫描件？），未读取任何数字"),
        (r"(.+?): page\(s\) (.+?) have no text layer \(scanned\?\); nothing was read from them",
         r"\1：第 \2 页没有文字层（扫描件？），这些页未读取"),
        (r"(.+?): page\(s\) (.+?) have an unreadable text layer \(fonts without a Unicode map\); "
         r"numbers there may be missing",
         r"\1：第 \2 页的文字层无法读取（字体没有 Unicode 映射），这些页的数字可能缺失"),
        (r"(.+?): (\d+) pages look like tables; only the first (\d+) were read as grids",
         r"\1：有 \2 页像表格，只按网格读取了前 \3 页"),
    ))
#: why a table in flattened text was not read (etl/extract/flatrun.py), inside the messages above
_WHY_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(a), b) for a, b in (
        (r"row '(.*?)' has (\d+) numbers, not (\d+)", r"“\1”行有 \2 个数字，应为 \3 个"),
        (r"row '(.*?)' has (\d+) numbers, the (\d{4}) form has (\d+)",
         r"“\1”行有 \2 个数字，\3 版表格为 \4 个"),
        (r"(\d+) numbers in the table region, the form needs (\d+) \(2021\) or (\d+) \(2019\)",
         r"表格区域共 \1 个数字，国家表格需 \2 个（2021 版）或 \3 个（2019 版）"),
        (r"(\d+) numbers where the form has (\d+)", r"有 \1 个数字，国家表格为 \2 个"),
        (r"the row (\S+) could not be found", r"未找到“\1”行"),
        (r"row (\S+) not found", r"未找到“\1”行"),
        (r"the text rows disagree with the grid \(row (\S+)\)", r"文字行与表格网格不一致（\1 行）"),
        (r"no text row could be checked against the grid", r"没有一行文字能与表格网格核对"),
        (r"numbers precede the first row label", r"第一个行标签之前有数字"),
        (r"(\d+) number\(s\) after an unrecognised label '(.*?)'", r"无法识别的标签“\2”之后有 \1 个数字"),
        (r"numbers after an unrecognised label '(.*?)'", r"无法识别的标签“\1”之后有数字"),
        (r"(\d+) number\(s\) after the heading '(.*?)'", r"标题“\2”之后有 \1 个数字"),
        (r"row '(.*?)' has no numbers and the heading after it has", r"“\1”行没有数字，其后的标题却有"),
        (r"row '(.*?)' appears twice", r"“\1”行出现两次"),
        (r"item '(.*?)' appears twice", r"“\1”项出现两次"),
        (r"numbers follow the last row without a label", r"最后一行之后有无标签的数字"),
        (r"(\d+) form row\(s\) missing \((.*?)\)", r"缺少国家表格中的 \1 行（\2）"),
        (r"rows of both forms present", r"同时出现两版表格的行"),
        (r"(\d+) × (\d+) rules", r"横线 \1 条、竖线 \2 条"),
        (r"(\d+) rule crossings", r"表格线交点 \1 个"),
        (r"cannot tell the 2021 from the 2019 form", r"无法判断是 2021 版还是 2019 版表格"),
        (r"the header is unreadable and the 15 numbers under it do not add up group by group in "
         r"the form's order", r"表头无法读取，其下 15 个数字按国家表格的顺序逐组相加不成立"),
    ))
#: applicant column keys (``natural_person +1`` in the shifted-columns message)
_APPLICANT_KEY = re.compile(r"\b(natural_person|commercial|research|public_welfare|legal_services|other_org)\b")
_METRIC_ID = re.compile(r"\b((?:requests|appeals|disclosure|investment|operations|fees)\.[a-z_]+)\b")
_LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
#: a 表三 row named by its metric's short id (``processed_total``, ``unable``)
_ROW_NAME = re.compile(r"\b[a-z][a-z_]{2,}\b")


def _row_label(m: re.Match[str]) -> str:
    metric = f"requests.{m.group(0)}"
    label = i18n.metric_label(metric, "zh")
    return m.group(0) if label == metric else label


def _named(text: str) -> str:
    """Metric ids, 表三 row ids and applicant keys in a Chinese message by their Chinese names."""
    text = _METRIC_ID.sub(lambda m: i18n.metric_label(m.group(1), "zh"), text)
    text = _APPLICANT_KEY.sub(lambda m: APPLICANT_LABELS_ZH[m.group(1)], text)
    return _ROW_NAME.sub(_row_label, text)


def finding_message(rule: str | None, message: Any, params: Mapping[str, Any] | None = None,
                    lang: str | None = i18n.DEFAULT_LANG) -> str:
    """The finding's message in ``lang``: from its parameters where known; in Chinese the stored
    English message translated where its shape is known, else the rule's explanation followed
    by the stored text."""
    lg = i18n.norm_lang(lang)
    if isinstance(params, Mapping) and params:
        got = _from_params(rule or "", params, lg)
        if got:
            return got
    return _stored_message(rule, message if isinstance(message, str) else "", lg)


@functools.lru_cache(maxsize=65536)
def _stored_message(rule: str | None, msg: str, lg: str) -> str:
    """A finding's stored message in ``lg`` (cached: a province's findings tab renders 5,000
    messages on every run, most of them alike, each matched against every template)."""
    if lg == "en":
        return msg or rule_explanation(rule, lg)
    if not msg:
        return rule_explanation(rule, lg)
    for pat, rep in _TEMPLATES:
        m = pat.fullmatch(msg)
        if m:
            out = m.expand(rep).replace(" (approx.)", "（约数）")
            for why, zh in _WHY_PHRASES:
                out = why.sub(zh, out)
            return _named(out).replace(", ", "、").replace("; ", "；")
    out = msg
    for pat, rep in _ZH_PHRASES:
        out = pat.sub(rep, out)
    out = _named(out)
    if _LATIN_WORD.search(out):
        return f"{rule_explanation(rule, lg)}（{i18n.t('fd_detail', lg)}：{msg}）"
    return out
