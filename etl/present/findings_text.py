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

import math
import re
from typing import Any, Mapping

from etl.present import i18n

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
    "cs_reuse_toggle": ("检查重复文本（读取原始文件，首次较慢）",
                        "Check reused text (reads the original files; slow the first time)"),
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
                        f"{p['sentences']}) repeat {p['other_agency']}'s {p['other_year']} report")
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
_METRIC_ID = re.compile(r"\b((?:requests|appeals|disclosure|investment|operations|fees)\.[a-z_]+)\b")
_LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
#: a 表三 row named by its metric's short id (``processed_total``, ``unable``)
_ROW_NAME = re.compile(r"\b[a-z][a-z_]{2,}\b")


def _row_label(m: re.Match[str]) -> str:
    metric = f"requests.{m.group(0)}"
    label = i18n.metric_label(metric, "zh")
    return m.group(0) if label == metric else label


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
    msg = message if isinstance(message, str) else ""
    if lg == "en":
        return msg or rule_explanation(rule, lg)
    if not msg:
        return rule_explanation(rule, lg)
    out = msg
    for pat, rep in _ZH_PHRASES:
        out = pat.sub(rep, out)
    out = _METRIC_ID.sub(lambda m: i18n.metric_label(m.group(1), "zh"), out)
    out = _ROW_NAME.sub(_row_label, out)
    if _LATIN_WORD.search(out):
        return f"{rule_explanation(rule, lg)}（{i18n.t('fd_detail', lg)}：{msg}）"
    return out
