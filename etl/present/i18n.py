"""Display conventions shared by every page: UI strings in Chinese and English, metric labels,
and one stable colour per agency.

Pure (no Streamlit), so labels can be tested and reused by chart builders. Chinese is the
default language because the documents and most users are Chinese; English mirrors every key.
Other modules may add their own strings with :func:`register` instead of editing this file, so
the analysis pages can be bilingual without a shared edit point.
"""
from __future__ import annotations

import hashlib
import re
from typing import Iterable, Mapping

from etl.metrics import APPLICANT_LABELS_ZH, load_metrics

LANGS: tuple[str, ...] = ("zh", "en")
DEFAULT_LANG = "zh"

# key → (zh, en). Placeholders use str.format names.
STRINGS: dict[str, tuple[str, str]] = {
    # app / navigation
    "app_title": ("政府信息公开年度报告分析", "Government disclosure report analytics"),
    "page_overview": ("总览", "Overview"),
    "page_disclosure": ("主动公开", "Disclosure volumes"),
    "page_categories": ("公开类别", "Category shares"),
    "page_requests": ("依申请公开", "Request outcomes"),
    "page_investment": ("外商投资", "Investment indicators"),
    "page_report": ("报告", "Report"),
    "page_quality": ("数据质量", "Data quality"),
    "page_upload": ("上传", "Upload"),
    "page_review": ("审核", "Review"),
    "page_agency": ("机构概况", "Agency profile"),
    "page_glossary": ("术语与口径", "Glossary"),
    "building_demo": ("首次启动：正在生成演示数据库……", "First start: building the demo database…"),
    "building_explain": (
        "首次启动：正在用演示文件（青川市各机关 2008—2024 年的报告）生成演示数据，完成后自动打开总览。",
        "First start: building the demo data from the demo files (reports of 青川市's agencies, "
        "2008–2024); the overview opens by itself when it is done.",
    ),
    "building_progress": (
        "正在生成演示数据（第 {done} 个，共 {total} 个文件）",
        "Building the demo data ({done} of {total} files)",
    ),
    "demo_built": ("演示数据库已生成。", "Demo database built."),
    "demo_failed": ("演示数据库生成失败：{error}", "Building the demo database failed: {error}"),
    "db_unavailable": (
        "无法打开数据库 {path}：{error}",
        "Cannot open the database {path}: {error}",
    ),
    # sidebar filters
    "filters": ("筛选", "Filters"),
    "language": ("语言 / Language", "语言 / Language"),
    "other_language": ("English", "中文"),
    "change_filters": ("更改筛选", "Change filters"),
    "summary_agencies_all": ("机构：全部（{n} 个）", "Agencies: all ({n})"),
    "summary_agencies": ("机构：{names}", "Agencies: {names}"),
    "summary_agencies_more": ("机构：{names} 等 {n} 个", "Agencies: {names} and {more} more ({n})"),
    "summary_years": ("年份：{years}", "Years: {years}"),
    "agencies": ("机构", "Agencies"),
    "agencies_help": (
        "不选择表示全部机构", "Leave empty for all agencies",
    ),
    "agency_search": ("查找机构", "Find agencies"),
    "agency_search_placeholder": ("输入名称的一部分（共 {n} 个机构）", "Part of a name ({n} agencies)"),
    "agency_search_more": ("只列出前 {n} 个，共 {total} 个匹配；请输入更多文字。",
                           "The first {n} of {total} matches listed; type more."),
    "agency_search_none": ("没有名称包含该文字的机构。", "No agency name contains this text."),
    "add_by_region": ("按地区添加机构", "Add agencies by region"),
    "add_by_level": ("按层级添加机构", "Add agencies by level"),
    "year_from": ("起始年份", "From year"),
    "year_to": ("截止年份", "To year"),
    "all": ("全部", "All"),
    "choose": ("请选择", "Choose"),
    "copy_link": ("复制链接", "Copy link"),
    "rv_rows_shown": ("显示队列中的前 {n} 份（共 {total} 份）；审核后其余的会依次出现。",
                      "Showing the first {n} of {total} reports in the queue; the others follow as these are reviewed."),
    "table_rows_shown": ("显示前 {n} 行（共 {total} 行）；下载的 CSV/XLSX 包含全部行。",
                         "Showing the first {n} of {total} rows; the CSV/XLSX downloads hold every row."),
    "copy_link_help": (
        "复制下面的链接，发送给同事即可打开相同的页面和视图。",
        "Copy this link to share exactly this page and view.",
    ),
    "relative_link_note": (
        "（相对链接：请在前面加上本服务的地址）",
        "(relative link: prefix it with this server's address)",
    ),
    "invalid_param": (
        "链接参数无效，已忽略：{param}={value}",
        "Invalid link parameter ignored: {param}={value}",
    ),
    "unknown_agency": ("未知机构，已忽略：{name}", "Unknown agency ignored: {name}"),
    # generic
    "no_data": ("当前筛选条件下没有数据。", "No data for this selection."),
    "no_data_years_hint": ("数据库中的数据年份为 {first}–{last} 年。", "The database holds the years {first}–{last}."),
    "no_data_widen_hint": (
        "可在侧栏选择其他机构或扩大年份范围。",
        "Pick other agencies or a wider year range in the sidebar.",
    ),
    "no_reports": ("数据库中还没有报告。", "The database holds no reports yet."),
    "page_error": (
        "本页出现错误，已记录。请调整筛选条件或稍后重试。（{error}）",
        "This page hit an error; it has been logged. Try another selection. ({error})",
    ),
    "download_csv": ("下载 CSV", "Download CSV"),
    "download_xlsx": ("下载 XLSX", "Download XLSX"),
    "agency": ("机构", "Agency"),
    "year": ("年份", "Year"),
    "region": ("地区", "Region"),
    "level": ("层级", "Level"),
    "kind": ("类型", "Kind"),
    "form": ("表式", "Form"),
    "rule_desc": ("问题类型", "Check"),
    "corr_target": ("更正对象", "Corrected"),
    "corr_target_fact": ("数值", "Value"),
    "corr_target_report": ("报告", "Report"),
    "corr_target_agency": ("机构", "Agency"),
    "corr_field_value": ("数值", "value"),
    "corr_field_agency": ("机构", "agency"),
    "corr_field_year": ("年度", "year"),
    "corr_field_merge": ("合并", "merge"),
    "pick_report_help": (
        "所选范围内共有 {n} 份报告（侧栏可缩小范围）。也可以从总览的报告覆盖表、数据质量页或审核页打开报告。",
        "{n} report(s) in this selection (narrow it in the sidebar). Reports also open from the "
        "overview's coverage table, the data quality page and the review queue.",
    ),
    "metric_id": ("指标编号", "Metric id"),
    "form_2019": ("2019 年版表格", "2019 form"),
    "form_2021": ("2021 年版表格", "2021 form"),
    "form_narrative": ("无统计表（仅正文）", "No form tables (text only)"),
    "origin_extracted": ("从报告提取", "Extracted from the report"),
    "origin_uploaded": ("上传的电子表格", "Uploaded spreadsheet"),
    "origin_corrected": ("人工更正", "Corrected by an analyst"),
    "metric": ("指标", "Metric"),
    "breakdown": ("分项", "Breakdown"),
    "value": ("数值", "Value"),
    "unit": ("单位", "Unit"),
    "unknown": ("未知", "Unknown"),
    "kind_disclosure_report": ("年度报告", "Disclosure report"),
    "kind_work_summary": ("工作总结", "Work summary"),
    "kind_template": ("模板", "Template"),
    "kind_letter": ("函件（非报告）", "Letter (not a report)"),
    "severity_error": ("错误", "Error"),
    "severity_warning": ("警告", "Warning"),
    "severity_info": ("提示", "Info"),
    # overview
    "overview_title": ("总览", "Overview"),
    "headline": ("主要指标", "Headline figures"),
    "latest_year": ("{year} 年（与上年比较）", "{year} (change vs previous year)"),
    "h_agencies_reporting": ("报告机构数", "Agencies reporting"),
    "h_items_disclosed": ("主动公开信息数", "Items disclosed"),
    "h_requests_received": ("新收申请数", "Requests received"),
    "h_disclosure_rate": ("申请公开率", "Disclosure rate"),
    "h_correction_rate": ("复议纠错率", "Review correction rate"),
    "disclosure_rate_help": (
        "（予以公开 + 部分公开）/ 办理结果总计",
        "(granted + partially granted) / requests concluded",
    ),
    "correction_rate_help": (
        "结果纠正 /（总计 − 尚未审结）",
        "corrected / (total − pending)",
    ),
    "coverage": ("报告覆盖情况", "Report coverage"),
    "coverage_help": (
        "✓ 按时发布　迟N天 逾期发布　? 日期 发布日期无法读取　✗ 缺报 前后年份都有报告而本年没有　"
        "⚠N 该年报告有 N 个问题　总结、模板、函：该年的其他类型报告　空白：该机构首份报告之前或末份报告之后。"
        "点击格子打开报告（缺报格打开机构概况）。",
        "✓ published on time · late Nd published N days late · ? date publication date unreadable · "
        "✗ missing: reports for earlier and later years but none for this one · ⚠N the year's "
        "reports have N findings · summary, template, letter: the year's other kinds of report · "
        "blank: before the agency's first or after its last report. Click a cell to open the "
        "report (a missing cell opens the agency profile).",
    ),
    "open_report": ("打开报告", "Open report"),
    "coverage_truncated": (
        "仅显示按名称排序的前 {n} 个机构；请在左侧选择机构或地区查看其他机构。",
        "Only the first {n} agencies (by name) are shown; pick agencies or a region to see others.",
    ),
    "ranking": ("排名", "Ranking"),
    "ranking_metric": ("排名指标", "Ranking metric"),
    "ranking_year": ("排名年份", "Ranking year"),
    "rank": ("名次", "Rank"),
    "ranking_in_year": ("{year} 年", "Year {year}"),
    "red_flags": ("风险提示", "Red flags"),
    "no_red_flags": ("没有风险提示。", "No red flags."),
    "flag": ("提示", "Flag"),
    "detail": ("说明", "Detail"),
    "flag_error_findings": ("存在错误级问题", "Error findings"),
    "flag_high_correction": ("复议纠错率高于 15%", "Review correction rate above 15 %"),
    "flag_low_disclosure": ("申请公开率低于 40%", "Disclosure rate below 40 %"),
    "flag_missing_year": ("缺少年度报告", "Report missing for a year"),
    "n_findings": ("问题数", "Findings"),
    # report page
    "report_title": ("报告详情", "Report"),
    "pick_report": ("选择报告", "Pick a report"),
    "report_not_found": ("未找到编号为 {id} 的报告。", "No report with id {id}."),
    "metadata": ("基本信息", "Metadata"),
    "title": ("标题", "Title"),
    "printed_agency": ("原文机构名", "Printed agency"),
    "published": ("发布日期", "Published"),
    "source_file": ("来源文件", "Source file"),
    "sha256": ("SHA-256", "SHA-256"),
    "position": ("文件中位置", "Position in file"),
    "loaded_at": ("导入时间", "Loaded at"),
    "facts": ("数据及出处", "Facts with evidence"),
    "no_facts": ("该报告没有数据。", "This report has no facts."),
    "findings": ("问题", "Findings"),
    "no_findings": ("没有问题。", "No findings."),
    "download_original": ("下载原始文件", "Download the original file"),
    "original_missing": (
        "404：原始文件不在存档中（{path}）。",
        "404: the original file is not in the archive ({path}).",
    ),
    "corrections": ("更正记录", "Correction history"),
    "no_corrections": ("没有更正记录。", "No corrections."),
    "page": ("页码", "Page"),
    "table": ("表格", "Table"),
    "row_label": ("行", "Row"),
    "col_label": ("列", "Column"),
    "raw_text": ("原文", "Raw text"),
    "offset": ("字符位置", "Offset"),
    "origin": ("来源", "Origin"),
    "approx": ("约数", "Approx."),
    "note": ("备注", "Note"),
    "rule": ("规则", "Rule"),
    "severity": ("严重程度", "Severity"),
    "message": ("说明", "Message"),
    "cells": ("单元格", "Cells"),
    "who": ("更正人", "Who"),
    "when": ("时间", "When"),
    "why": ("原因", "Why"),
    "field": ("字段", "Field"),
    "old_value": ("原值", "Old value"),
    "new_value": ("新值", "New value"),
    # quality page
    "quality_title": ("数据质量", "Data quality"),
    "counts_by_rule": ("按规则统计", "Counts by rule"),
    "count": ("数量", "Count"),
    "all_findings": ("全部问题", "All findings"),
    "n_shown": ("共 {n} 条", "{n} shown"),
}

_EXTRA: dict[str, tuple[str, str]] = {}


def register(strings: Mapping[str, tuple[str, str]]) -> None:
    """Add strings (key → (zh, en)) from another module; existing keys are not overwritten."""
    for key, pair in strings.items():
        if key not in STRINGS:
            _EXTRA.setdefault(key, (pair[0], pair[1]))


def norm_lang(lang: str | None) -> str:
    """``zh`` or ``en``; anything else falls back to the default (Chinese)."""
    return lang if lang in LANGS else DEFAULT_LANG


def t(key: str, lang: str | None = DEFAULT_LANG, **fmt: object) -> str:
    """The UI string for ``key`` in ``lang``; an unknown key shows itself rather than crash."""
    pair = STRINGS.get(key) or _EXTRA.get(key)
    if pair is None:
        text = key
    else:
        text = pair[1] if norm_lang(lang) == "en" else pair[0]
    if fmt:
        try:
            return text.format(**fmt)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def metric_label(metric_id: str, lang: str | None = DEFAULT_LANG) -> str:
    """The metric dictionary's label (label_zh / label_en); the id for unknown metrics.

    English labels of money metrics carry a storage note ("(form states 万元; stored in
    yuan)") meant for developers; on screen it put Chinese text into the English interface.
    """
    m = load_metrics().get(metric_id)
    if m is None:
        return metric_id
    return _STORAGE_NOTE.sub("", m.label(norm_lang(lang))).strip()


_STORAGE_NOTE = re.compile(r"\s*\((form states|stored in)[^)]*\)")


APPLICANT_LABELS_EN: dict[str, str] = {
    "": "Total",
    "natural_person": "Natural persons",
    "commercial": "Businesses",
    "research": "Research institutions",
    "public_welfare": "Public-interest organisations",
    "legal_services": "Legal service providers",
    "other_org": "Other organisations",
}


def breakdown_label(breakdown: str, lang: str | None = DEFAULT_LANG) -> str:
    """Applicant keys get their form label; categories are shown as the report wrote them."""
    table = APPLICANT_LABELS_EN if norm_lang(lang) == "en" else APPLICANT_LABELS_ZH
    if breakdown in table:
        return table[breakdown]
    return breakdown


UNIT_LABELS: dict[str, tuple[str, str]] = {
    "count": ("件", "items"),
    "cny": ("元", "yuan"),
    "usd": ("美元", "US$"),
    "pct": ("%", "%"),
}


def unit_label(unit: str, lang: str | None = DEFAULT_LANG) -> str:
    pair = UNIT_LABELS.get(unit)
    if pair is None:
        return unit
    return pair[1] if norm_lang(lang) == "en" else pair[0]


# readable names of the finding rules (etl/extract/checks.py, forms.py, metadata.py, pipeline.py, loader);
# an unknown rule shows its id
RULE_LABELS: dict[str, tuple[str, str]] = {
    "t3_balance": ("表三收支不平衡（新收＋上年结转≠办结＋结转下年）",
                   "Table 3 does not balance (received + carried over ≠ concluded + carried forward)"),
    "t3_outcomes_sum": ("表三办理结果之和与总计不符", "Table 3 outcomes do not add up to the total"),
    "t3_applicants_sum": ("表三申请人各列之和与总计不符", "Table 3 applicant columns do not add up to the total"),
    "t3_subtotal": ("表三小计与分项不符", "Table 3 subtotal differs from its items"),
    "t3_duplicate_row": ("表三重复行", "Table 3 row repeated"),
    "t3_unknown_row": ("表三无法识别的行", "Table 3 row not recognised"),
    "t3_missing_rows": ("表三缺少行", "Table 3 rows missing"),
    "t4_sum": ("表四复议/诉讼结果之和与总计不符", "Table 4 review/litigation outcomes do not add up"),
    "in_force_mismatch": ("现行有效件数与上年不衔接", "Documents in force do not follow from last year"),
    "carry_over_mismatch": ("上年结转与上年报告的结转下年不符",
                            "Carried over differs from last year's carried forward"),
    "implausible_jump": ("与上年相比变化异常", "Implausible jump against last year"),
    "narrative_vs_table": ("正文与表格数字不一致", "Text and table disagree"),
    "form_2019_cites_2021_notice": ("2019 版表格却引用 2021 年通知", "2019 form citing the 2021 notice"),
    "form_mixed": ("混用新旧版表格", "Old and new forms mixed"),
    "table_unreadable": ("表格无法读取", "Table could not be read"),
    "pdf_tables_unreadable": ("PDF 表格无法读取", "PDF tables could not be read"),
    "agency_unknown": ("无法识别机构", "Agency not recognised"),
    "agency_anonymised": ("机构名称已匿名", "Agency name anonymised"),
    "year_unknown": ("无法识别年度", "Year not recognised"),
    "template_unfilled": ("模板未填写", "Template not filled in"),
    "check_failed": ("检查未能运行", "Check could not run"),
    "t3_columns_uncertain": ("表三列位置无法确定（未录入）", "Table 3 column uncertain (not stored)"),
    "t3_columns_shifted": ("表三数字错列（未录入）", "Table 3 numbers shifted into other columns (not stored)"),
    "t3_placed_by_identities": ("表三缺空格的行按勾稽关系定列", "Table 3 row with vanished blanks placed by the identities"),
    "t3_zero_rows_dealt": ("表三错行的全 0 行按 0 录入", "Table 3 all-zero rows with moved numbers stored as 0"),
    "cell_placed_by_column": ("单独成行的数字按对齐的列录入", "Number on a line of its own placed by its aligned column"),
    "narrative_withheld": ("表格未能读取，正文中对应数字未录入", "Table unread: the text's numbers for it not stored"),
    "tables_as_images": ("表格为图片，未能读取", "Tables are pictures and could not be read"),
    "not_a_report": ("函件，不是年度报告（数字未录入）", "A letter, not a report (numbers not stored)"),
}


def rule_label(rule: str | None, lang: str | None = DEFAULT_LANG) -> str:
    """A finding rule in words (the id where the rule is not listed)."""
    if not rule:
        return ""
    pair = RULE_LABELS.get(rule)
    if pair is None:
        return rule
    return pair[1] if norm_lang(lang) == "en" else pair[0]


LEVEL_LABELS_EN: dict[str, str] = {
    "省级": "Provincial", "市级": "City", "区级": "District", "县级": "County",
    "区县级": "District / county", "县区级": "District / county", "地市级": "Prefecture",
    "乡镇": "Township", "乡镇级": "Township", "街道": "Sub-district", "街道级": "Sub-district",
    "乡镇街道": "Township / sub-district", "乡镇（街道）": "Township / sub-district",
}


def level_label(level: str | None, lang: str | None = DEFAULT_LANG) -> str:
    """An agency's administrative level in the interface language (stored in Chinese)."""
    if not level:
        return ""
    return LEVEL_LABELS_EN.get(level, level) if norm_lang(lang) == "en" else level


def form_label(form: str | None, lang: str | None = DEFAULT_LANG) -> str:
    """2019 / 2021 / narrative in words."""
    if not form:
        return ""
    return t(f"form_{form}", lang) if f"form_{form}" in STRINGS else form


def origin_label(origin: str | None, lang: str | None = DEFAULT_LANG) -> str:
    if not origin:
        return ""
    return t(f"origin_{origin}", lang) if f"origin_{origin}" in STRINGS else origin


def kind_label(kind: str | None, lang: str | None = DEFAULT_LANG) -> str:
    if not kind:
        return t("unknown", lang)
    return t(f"kind_{kind}", lang) if f"kind_{kind}" in STRINGS else kind


def severity_label(severity: str, lang: str | None = DEFAULT_LANG) -> str:
    key = f"severity_{severity}"
    return t(key, lang) if key in STRINGS else severity


# Plotly's "Alphabet" + "Dark24" qualitative palettes, deduplicated: 48 distinguishable colours.
# Tableau 10 first (the ten most distinct hues), then ten more from Kelly's colours of maximum
# contrast: a selection of up to ten agencies draws only from the first ten, so two agencies
# never get near-identical colours.
PALETTE: tuple[str, ...] = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac",
    "#0067a5", "#be0032", "#008856", "#875692", "#f38400", "#604e97", "#8db600", "#882d17",
    "#e68fac", "#2b3d26",
)
_DISTINCT = 10


def _hash(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:4], "big")


def agency_color(name: str) -> str:
    """A colour derived from the agency name alone, so it is the same on every page and run."""
    return PALETTE[_hash(name) % _DISTINCT]


def agency_colors(names: Iterable[str]) -> dict[str, str]:
    """Stable colour per agency name: its own hashed colour, unless two selected agencies
    would share one; then the later name (in sorted order) takes the next free colour.

    Depends only on the set of names, and the selection travels in the URL, so every page of
    one view draws an agency in the same colour. Up to ten agencies use the ten most distinct
    colours; larger selections use all twenty (and repeat beyond that).
    """
    chosen = sorted(set(names))
    size = _DISTINCT if len(chosen) <= _DISTINCT else len(PALETTE)
    out: dict[str, str] = {}
    used: set[int] = set()
    for n in chosen:
        start = _hash(n) % size
        pick = start
        if len(used) < size:
            for i in range(size):
                pick = (start + i) % size
                if pick not in used:
                    break
        used.add(pick)
        out[n] = PALETTE[pick]
    return out
