"""Findings in the view's language (etl/present/findings_text.py), rounded downloads
(etl/present/exports.py) and the glossary's tables (etl/present/glossary.py)."""
from __future__ import annotations

import math

import pandas as pd

from etl.present import exports
from etl.present import findings_text as ft
from etl.present import glossary as gl
from etl.present import i18n

YOY = {"metric": "investment.fdi_actual_yoy_pct", "level_metric": "investment.fdi_actual_usd",
       "prev_year": 2022, "year": 2023, "prev": 82_950_000.0, "cur": 45_880_000.0,
       "computed": round((4588 / 8295 - 1) * 100, 2), "printed": 28.57,
       "gap": round(28.57 - (4588 / 8295 - 1) * 100, 2), "opposite": True}


def test_messages_from_parameters_in_both_languages() -> None:
    zh = ft.finding_message("yoy_vs_levels", "english text", YOY, "zh")
    assert zh.startswith("实际到资 比增：报告印 +28.57%")
    assert "2022 年 8,295 万美元" in zh and "2023 年 4,588 万美元" in zh and "-44.7%" in zh
    en = ft.finding_message("yoy_vs_levels", "english text", YOY, "en")
    assert "printed +28.57 %" in en and "8,295 万美元 (2022)" in en and "= -44.7 %" in en
    reuse = {"share": 83.3, "reused": 5, "sentences": 6, "other_year": 2022,
             "other_agency": "甲市商务局"}
    assert ft.finding_message("text_reused_prev_year", "", reuse, "zh") == \
        "报告 83% 的句子（6 句中的 5 句）与本机构 2022 年报告相同"
    assert "repeat 甲市商务局's 2022 report" in ft.finding_message(
        "text_reused_other_agency", "", reuse, "en")


def test_stored_english_messages_recovered_in_chinese() -> None:
    got = ft.finding_message(
        "t3_outcomes_sum", "表三 column 总计: the outcome rows sum to 12, but 总计 is printed as 13",
        None, "zh")
    assert got == "表三 总计 列：各办理结果行之和为 12，但总计印为 13"
    got = ft.finding_message("implausible_jump", "requests.received: 2021 12 → 2022 130 (11× last year)",
                             None, "zh")
    assert got == f"{i18n.metric_label('requests.received', 'zh')}: 2021 12 → 2022 130 （为上年的 11 倍）"
    got = ft.finding_message("in_force_mismatch",
                             "规章 现行有效: 2021 5 + 制发 1 − 废止 0 = 6, but 2022 prints 7", None, "zh")
    assert got.endswith("= 6，但 2022 年印为 7")
    # rows named by their metric's short id get the metric's Chinese label
    got = ft.finding_message(
        "t3_applicants_sum",
        "表三 row processed_total: the six applicant columns sum to 69, but 总计 is printed as 79",
        None, "zh")
    assert got == (f"表三 {i18n.metric_label('requests.processed_total', 'zh')} 行："
                   "六个申请人列之和为 69，但总计印为 79")
    got = ft.finding_message("t3_subtotal", "表三 column 总计: unable is printed as 3, its items sum to 2",
                             None, "zh")
    assert got == f"表三 总计 列：{i18n.metric_label('requests.unable', 'zh')} 印为 3，其分项之和为 2"
    # a shape not known: the rule's explanation, the stored text after it; never English alone
    got = ft.finding_message("table_unreadable", "表三 (flattened text): columns unclear", None, "zh")
    assert got.startswith(ft.rule_explanation("table_unreadable", "zh"))
    assert "columns unclear" in got
    # English views keep the stored message
    assert ft.finding_message("t4_sum", "x but y", None, "en") == "x but y"
    assert ft.finding_message("t4_sum", None, None, "zh") == ft.rule_explanation("t4_sum", "zh")


def test_every_rule_has_a_label_and_an_explanation_in_both_languages() -> None:
    for rule in i18n.RULE_LABELS:
        for lang in ("zh", "en"):
            assert ft.rule_explanation(rule, lang) != i18n.rule_label(rule, lang), (rule, lang)
    assert i18n.rule_label("yoy_vs_levels", "zh") == "印出的同比增减与两年数字不符"


def test_blanks_and_verdicts_in_words() -> None:
    for blank in (None, float("nan"), pd.NA, "", "  "):
        assert ft.text_or_blank(blank) == "—"
    assert ft.text_or_blank("王审核") == "王审核" and ft.text_or_blank(0) == "0"
    assert ft.verdict_label("confirmed", "zh") == "已确认"
    assert ft.verdict_label(float("nan"), "en") == "Not reviewed"


def test_downloads_round_percents_and_float_noise() -> None:
    df = pd.DataFrame({"agency": ["甲"], "yoy_pct": [28.570000000000004],
                       "change %": [(4588 / 8295 - 1) * 100], "value": [0.1 + 0.2],
                       "amount_cny": [1234.56], "n": [3]})
    out = exports.rounded_for_download(df)
    assert out["yoy_pct"].iloc[0] == 28.57
    assert out["change %"].iloc[0] == round((4588 / 8295 - 1) * 100, 2) == -44.69
    assert out["value"].iloc[0] == 0.3 and out["amount_cny"].iloc[0] == 1234.56
    assert out["n"].iloc[0] == 3 and df["yoy_pct"].iloc[0] != 28.57  # a copy
    text = exports.to_csv_bytes(out).decode("utf-8-sig")
    assert "28.57," in text and "-44.69," in text and "0.30000000000000004" not in text


def test_glossary_tables() -> None:
    for lang in ("zh", "en"):
        ind = gl.indicator_table(lang)
        assert len(ind) == 5
        rows = gl.form_rows_table(lang)
        assert set(rows["id"]) >= {"requests.other_fee_unpaid", "disclosure.regulations_in_force",
                                   "disclosure.procurement_projects"}
        assert not rows.isna().any().any()
        assert len(gl.blank_table(lang)) == len(gl.BLANK_TERMS)
        rules = gl.rules_table(lang)
        assert not any(isinstance(x, float) and math.isnan(x) for x in rules.iloc[:, 2])
