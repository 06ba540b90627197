"""The glossary (/glossary) as data: every indicator's formula and rating, the consistency
checks and their settings, the two versions of the national form, what blank / 0 / n/a / —
mean, where each number comes from, and every finding rule — in both languages, no Streamlit.

Built from the sources of truth, so it cannot drift from them: the indicator definitions and
thresholds (``etl/present/supervision.py``, ``config/indicators.toml``), the check settings
(``config/checks.toml``), the metric dictionary (``etl/metrics.csv``: which form prints each
row) and the finding rules (``etl/present/findings_text.py``).
"""
from __future__ import annotations

from typing import Mapping

import pandas as pd

from etl.metrics import load_metrics
from etl.present import findings_text as ft
from etl.present import i18n
from etl.present import supervision as sv
from etl.query import consistency
from etl.query import indicators as ind

i18n.register({
    "page_glossary": ("术语与口径", "Glossary"),
    "gl_intro": (
        "本页说明每个指标的计算公式、国家表格的两个版本、空白 / 0 / n/a 的含义，以及每个数字的来源。",
        "What every indicator's formula is, how the two versions of the national form differ, "
        "what blank / 0 / n/a mean, and where each number comes from.",
    ),
    "gl_indicators": ("标准指标", "Standard indicators"),
    "gl_indicators_help": (
        "每个比率都给出分子和分母 N；分母为 0 时为 n/a；分母小于“最少件数”时显示数值但不评级。"
        "阈值在 config/indicators.toml 中设置。百分位：同类机构（同层级、同地区）中低于该值的比例。",
        "Every share is shown with its numerator and denominator N; a denominator of 0 gives "
        "n/a; below the minimum N the value is shown but not rated. Thresholds are set in "
        "config/indicators.toml. Percentile: the share of peers (same level and region) below "
        "the value.",
    ),
    "gl_formula": ("公式", "Formula"),
    "gl_direction": ("方向", "Direction"),
    "gl_amber": ("黄色阈值", "Amber at"),
    "gl_red": ("红色阈值", "Red at"),
    "gl_min_n": ("最少件数", "Minimum N"),
    "gl_not_rated": ("不评级（背景数字）", "not rated (context)"),
    "gl_timeliness": ("报告及时性", "Timeliness of the reports"),
    "gl_timeliness_text": (
        "2019 年度及以后的报告（2019 年《条例》）：县级以上人民政府于次年 3 月 31 日前公布（第五十条），"
        "政府部门于次年 1 月 31 日前公布（第四十九条）；乡镇、街道按部门处理。2019 年以前（2008 年《条例》第三十一条）："
        "一律次年 3 月 31 日前。公布日期无法识别为“未知”，不算迟报；没有报告的年份为“缺失”。",
        "Reports for 2019 on (2019 条例): people's governments at county level and above by 31 "
        "March of the next year (art. 50), government departments by 31 January (art. 49); "
        "townships and streets are judged like departments. Before 2019 (2008 条例 art. 31): all "
        "by 31 March. A date that cannot be read is “unknown”, never late; a year without a "
        "report is “missing”.",
    ),
    "gl_checks": ("一致性检查", "Consistency checks"),
    "gl_checks_help": (
        "设置在 config/checks.toml 中；每条发现可由分析员在“数据质量”页确认或驳回，结论在重新加载文件后仍保留。",
        "Set in config/checks.toml; analysts confirm or dismiss each finding on the data-quality "
        "page, and the verdict stays when the file is loaded again.",
    ),
    "gl_setting": ("设置", "Setting"),
    "gl_forms": ("国家表格的两个版本", "The two versions of the national form"),
    "gl_forms_text": (
        "2019 年《条例》施行后的年度报告使用统一格式：2019、2020 年度报告用 2019 年版表格，2021 年度起用 2021 年版表格"
        "（国务院办公厅政府信息与政务公开办公室 2021 年印发的新格式）。2019 年以前的报告没有统一表格，数字取自正文或各地的统计表。"
        "表二（主动公开）两版的行不同：2019 版按“本年新制作 / 本年新公开 / 对外公开总数量”和“上一年项目数量 / 本年增减”统计，"
        "2021 版按“本年制发 / 本年废止 / 现行有效”统计；行政许可、处罚、强制的处理决定数两版都有。"
        "表三（依申请公开）2021 版把“其他处理”细分为三行（逾期不补正、逾期未缴费、其他），2019 版只有一行；其余行两版相同。"
        "表四（复议、诉讼）两版相同。因此 2019 版特有的数字在 2021 年以后为空白（不是 0），反之亦然；公开类别只在 2019 年以前的正文中有。",
        "Since the 2019 条例 the annual reports use a national format: reports for 2019 and 2020 "
        "use the 2019 form, reports from 2021 on the 2021 form (the new format the State "
        "Council's disclosure office issued in 2021). Reports before 2019 have no national form: "
        "their numbers come from the text or local statistics tables. 表二 (proactive "
        "disclosure) has different rows: the 2019 form counts newly made / newly published / "
        "published in total and last year's items / change; the 2021 form counts issued / "
        "repealed / in force; licensing, penalty and coercion decisions are in both. 表三 "
        "(requests) in the 2021 form splits “other handling” into three rows (no correction in "
        "time, fee not paid, other), the 2019 form has one row; the other rows are the same. "
        "表四 (review and litigation) is the same in both. So a number only the 2019 form has "
        "is blank (not 0) from 2021 on, and the reverse; disclosure categories exist only in "
        "the text of reports before 2019.",
    ),
    "gl_form_rows": ("只在一个版本中出现的行", "Rows printed in one version only"),
    "gl_table": ("表格", "Table"),
    "gl_in_form": ("出现在", "Printed in"),
    "gl_blank": ("空白、0、n/a 和 —", "Blank, 0, n/a and —"),
    "gl_sources": ("每个数字从哪里来", "Where each number comes from"),
    "gl_rules": ("发现（检查规则）", "Findings (the checks' rules)"),
    "gl_term": ("术语", "Term"),
    "gl_meaning": ("含义", "Meaning"),
    "gl_explanation": ("说明", "What it checks"),
})

BLANK_TERMS: tuple[tuple[str, tuple[str, str], tuple[str, str]], ...] = (
    ("0", ("0", "0"),
     ("报告印出的 0：是一个事实，计入合计和比率。", "A 0 the report prints: a fact, counted in sums and shares.")),
    ("blank", ("空白", "blank"),
     ("报告没有印这个数字，或印为“/”“-”、空格：不是事实，不计入合计；不当作 0。",
      "The report did not print the number, or printed “/”, “-” or an empty cell: not a "
      "fact, not counted in sums, never taken as 0.")),
    ("na", ("n/a", "n/a"),
     ("比率的分母为 0（例如没有已审结的复议诉讼），比率无意义。",
      "The share's denominator is 0 (e.g. no review or lawsuit concluded): no share exists.")),
    ("small_n", ("N 过小", "N too small"),
     ("分母小于最少件数：显示数值和 N，但不评红黄。", "Denominator below the minimum N: value and N shown, not rated.")),
    ("dash", ("—", "—"),
     ("表格中的“—”表示此处没有数值（空白、未知或不适用），而不是 0。",
      "“—” in a table means there is no value here (blank, unknown or not applicable), not 0.")),
    ("unknown", ("未知", "unknown"),
     ("无法从报告中读出（如公布日期、机构或年度），不作推测。",
      "Could not be read from the report (publication date, agency or year); nothing is guessed.")),
)

SOURCE_TERMS: tuple[tuple[str, tuple[str, str], tuple[str, str]], ...] = (
    ("extracted", ("从报告提取", "Extracted from the report"),
     ("从报告原文件（PDF、网页、Word、文本）中读出；每个数字保存文件指纹（sha256）、页码或字符位置、表格的行列名和原文，"
      "在“报告”页可以打开证据和原文件。表格与正文不一致时以表格为准，并记一条发现。",
      "Read from the report's original file (PDF, web page, Word, text); every number keeps "
      "the file's fingerprint (sha256), the page or character offset, the table's row and "
      "column labels and the raw text — the report page opens the evidence and the original "
      "file. Where the table and the text disagree the table wins and a finding is recorded.")),
    ("uploaded", ("上传的电子表格", "Uploaded spreadsheet"),
     ("分析员上传的电子表格（模板、长表或表三网格）中的数字，逐行校验后入库，保存工作表、行和列。",
      "Numbers from an analyst's spreadsheet (template, long format or 表三 grid), validated "
      "row by row, stored with the sheet, row and column.")),
    ("corrected", ("人工更正", "Corrected by an analyst")
     , ("分析员的更正：原值保留在更正记录中（谁、何时、为什么），重新提取同一文件后更正仍然生效。",
        "An analyst's correction: the printed value is kept in the correction history (who, "
        "when, why), and the correction is applied again when the file is re-extracted.")),
    ("derived", ("推算", "Derived"),
     ("由报告印出的分项相加得到的小计（如 2019 版表三的“其他处理”），在指标字典中注明。",
      "A subtotal added up from printed items (e.g. 其他处理 of the 2019 表三), marked in the "
      "metric dictionary.")),
    ("verdict", ("审核结论", "Reviewer's verdict"),
     ("对一条发现的确认或驳回（谁、何时、为什么）；不改变数字本身。",
      "A finding confirmed or dismissed (who, when, why); it never changes the number.")),
)


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if i18n.norm_lang(lang) == "en" else pair[0]


def indicator_table(lang: str, config: Mapping[str, ind.Rule] | None = None) -> pd.DataFrame:
    """One row per standard indicator: name, id, formula, direction, thresholds, minimum N."""
    cfg = config if config is not None else ind.load_config()
    rows = []
    for key in ind.INDICATORS:
        rule = cfg.get(key)
        rated = rule is not None and (rule.amber is not None or rule.red is not None)
        unit = "" if key == "requests_received" else " %"
        rows.append({
            i18n.t("indicator", lang): sv.indicator_label(key, lang),
            "id": key,
            i18n.t("gl_formula", lang): i18n.t(f"ind_def_{key}", lang),
            i18n.t("gl_direction", lang): (i18n.t("higher_is_worse" if rule.higher_is_worse
                                                  else "lower_is_worse", lang)
                                           if rated else i18n.t("gl_not_rated", lang)),
            i18n.t("gl_amber", lang): f"{rule.amber:g}{unit}" if rated and rule.amber is not None
            else ft.BLANK,
            i18n.t("gl_red", lang): f"{rule.red:g}{unit}" if rated and rule.red is not None
            else ft.BLANK,
            i18n.t("gl_min_n", lang): str(rule.min_n) if rated else ft.BLANK,
        })
    return pd.DataFrame(rows)


_SETTING_WORDS: dict[str, tuple[str, str]] = {
    "yoy.tolerance_pp": ("容差（百分点）", "tolerance (percentage points)"),
    "plan.min_ratio": ("目标不低于上年的倍数", "target at least × last year"),
    "plan.max_ratio": ("目标不高于上年的倍数", "target at most × last year"),
    "reuse.threshold": ("重复比例阈值", "share reused flagged at"),
    "reuse.min_sentence_chars": ("计入的句子最少字数", "shortest sentence counted (characters)"),
    "reuse.min_sentences": ("报告最少句数", "fewest sentences judged"),
    "reuse.boilerplate_agencies": ("超过这么多机构共用的句子算套话", "a sentence more agencies share is boilerplate"),
}
_CHECK_RULES: dict[str, tuple[str, ...]] = {
    "yoy": ("yoy_vs_levels",), "plan": ("plan_vs_levels",),
    "reuse": ("text_reused_prev_year", "text_reused_other_agency"),
}


def checks_table(lang: str, config: Mapping[str, Mapping[str, float]] | None = None) -> pd.DataFrame:
    """One row per consistency rule: its name, id, what it checks and its settings."""
    cfg = config if config is not None else consistency.load_config()
    rows = []
    for section, rules in _CHECK_RULES.items():
        sep = "; " if i18n.norm_lang(lang) == "en" else "；"
        text = sep.join([f"{_pick(_SETTING_WORDS.get(f'{section}.{k}', (k, k)), lang)} = {v:g}"
                         for k, v in cfg.get(section, {}).items()])
        for rule in rules:
            rows.append({
                i18n.t("rule_desc", lang): i18n.rule_label(rule, lang),
                "id": rule,
                i18n.t("gl_explanation", lang): ft.rule_explanation(rule, lang),
                i18n.t("gl_setting", lang): text,
            })
    return pd.DataFrame(rows)


_TABLE_OF = {"table2": "表二", "table3": "表三", "table4": "表四"}


def form_rows_table(lang: str) -> pd.DataFrame:
    """The form rows whose metric only one version prints (from the metric dictionary)."""
    rows = []
    for m in load_metrics().values():
        forms = [s for s in (m.source or "").split() if s.startswith("table") and "_" in s]
        if not forms:
            continue
        versions = sorted({s.split("_")[1] for s in forms})
        if len(versions) > 1:
            continue  # printed in both: not a difference between the versions
        rows.append({i18n.t("gl_table", lang): _TABLE_OF.get(forms[0].split("_")[0], forms[0]),
                     i18n.t("metric", lang): m.label(lang), "id": m.metric_id,
                     i18n.t("gl_in_form", lang): i18n.t(f"form_{versions[0]}", lang)})
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    return df.sort_values([i18n.t("gl_table", lang), i18n.t("gl_in_form", lang), "id"],
                          ignore_index=True)


def _terms(terms: tuple, lang: str) -> pd.DataFrame:
    return pd.DataFrame({i18n.t("gl_term", lang): [_pick(name, lang) for _, name, _ in terms],
                         i18n.t("gl_meaning", lang): [_pick(text, lang) for _, _, text in terms]})


def blank_table(lang: str) -> pd.DataFrame:
    return _terms(BLANK_TERMS, lang)


def sources_table(lang: str) -> pd.DataFrame:
    return _terms(SOURCE_TERMS, lang)


def rules_table(lang: str) -> pd.DataFrame:
    """Every finding rule the dashboard knows: name, id, what it checks."""
    ids = list(dict.fromkeys([*i18n.RULE_LABELS, *ft.RULE_EXPLANATIONS]))
    return pd.DataFrame({
        i18n.t("rule_desc", lang): [i18n.rule_label(r, lang) for r in ids],
        "id": ids,
        i18n.t("gl_explanation", lang): [ft.rule_explanation(r, lang) for r in ids],
    })
