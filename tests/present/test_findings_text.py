"""Findings in the view's language (etl/present/findings_text.py), rounded downloads
(etl/present/exports.py) and the glossary's tables (etl/present/glossary.py)."""
from __future__ import annotations

import math
import re

import pandas as pd
import pytest

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
    # the other agency by its English label in English
    assert "repeat Jia City Commerce Bureau's 2022 report" in ft.finding_message(
        "text_reused_other_agency", "", reuse, "en")
    assert "与甲市商务局 2022 年报告相同" in ft.finding_message("text_reused_other_agency", "", reuse, "zh")


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


#: one message per shape the extractor and the readers write (etl/extract/*.py, etl/read/*.py),
#: built as they build it
EXTRACTOR_MESSAGES: list[tuple[str, str]] = [
    ("table_unreadable", "表三 (flattened text): row '（一）予以公开' has 6 numbers, not 7; 173 numbers in "
                         "the table region, the form needs 175 (2021) or 161 (2019); no facts stored"),
    ("table_unreadable", "表二 (flattened text): row 规章 not found; no facts stored"),
    ("table_unreadable", "表二 (flattened text): row '行政许可' has 4 numbers, the 2019 form has 3; the rows "
                         "under that header were not stored"),
    ("table_unreadable", "表二 (flattened text): numbers after an unrecognised label '（五）项信息内容上一年项目数量'; "
                         "the rows under that header were not stored"),
    ("table_unreadable", "表四 (flattened text): 26 numbers where the form has 15; no facts stored"),
    ("table_unreadable", "表三 (flattened text): row '（一）予以公开' has 6 numbers, not 7; only the rows "
                         "with exactly 7 numbers after their label were stored; not stored: granted, "
                         "denied_state_secret"),
    ("t3_placed_by_identities", "表三 (flattened text): row '（三）不予公开 3.危及“三安全一稳定”' has 5 "
                                "numbers for the form's 7 columns; placed in the only columns where the "
                                "table's identities hold (blank: 科研机构, 其他)"),
    ("cell_placed_by_column", "表二 (flattened text): 2 number(s) printed on a line of their own placed in "
                              "the only row and column they line up with (规章 / 本年新制作数量 0, "
                              "其他对外管理服务事项 / 上一年项目数量 10)"),
    ("cell_placed_by_column", "表三 (flattened text): 2 row(s) printed over two lines read with their numbers "
                              "in the order of their columns (23 0 0 0 0 0 23; 0 0 0 0 0 0 0); the table's "
                              "identities hold"),
    ("t3_zero_rows_dealt", "表三 (flattened text): rows '8.属于行政查询事项', '本机关不掌握相关政府信息' have "
                           "10/4 numbers, together 7 for each row and all 0; each of their cells stored as 0"),
    ("t3_columns_uncertain", "表三: row '（七）总计' has 18 cells under a header of 19 and text where a number "
                             "belongs; not stored"),
    ("t3_columns_shifted", "表三: the outcome rows add up in the wrong columns (natural_person +23, commercial "
                           "-23), as when numbers moved into a neighbouring column; only the 15 row(s) that are "
                           "0 in every column stored"),
    ("table_unreadable", "表三 (flattened text): row '（四）无法提供 1.本机关不掌握相关政府信息' has 6 numbers "
                         "for the form's 7 columns and the table's identities do not single out their "
                         "columns; not stored"),
    ("table_unreadable", "表三 (flattened text): row '（一）予以公开' has 11 numbers, more than the form's 7 "
                         "columns; not stored"),
    ("table_unreadable", "表三 (flattened text): row '（二）部分公开' has 7 numbers beside a row with another "
                         "count, and the table's identities do not confirm its columns; not stored"),
    ("table_unreadable", "表三 (flattened text): row '二、本年新收政府信息公开申请数量' has 7 numbers, but "
                         "numbers moved between rows of this table and its six applicant columns do not "
                         "add up to its 总计; not stored"),
    ("table_unreadable", "表三 (flattened text): the row 本年新收 could not be found; no facts stored"),
    ("table_unreadable", "表三 (flattened text): the text rows disagree with the grid (row granted)"
                         "; no facts stored"),
    ("table_unreadable", "表三 (flattened text): no text row could be checked against the grid; "
                         "no facts stored"),
    ("table_unreadable", "表三 (flattened text): 12 number(s) after an unrecognised label '合计'; "
                         "32 numbers in the table region, the form needs 175 (2021) or 161 (2019); "
                         "no facts stored"),
    ("table_unreadable", "表三 (flattened text): numbers precede the first row label; numbers follow "
                         "the last row without a label; no facts stored"),
    ("table_unreadable", "表三 (flattened text): 7 number(s) after the heading '三、本年度办理结果'; "
                         "row '（三）不予公开' has no numbers and the heading after it has; no facts stored"),
    ("table_unreadable", "表三 (flattened text): row '（一）予以公开' appears twice; 2 form row(s) missing "
                         "(granted, denied_state_secret); rows of both forms present; no facts stored"),
    ("table_unreadable", "表二 (flattened text): numbers after an unrecognised label '合计'; no facts stored"),
    ("table_unreadable", "表二 (flattened text): item '规章' appears twice; no facts stored"),
    ("table_unreadable", "表二 (flattened text): cannot tell the 2021 from the 2019 form; no facts stored"),
    ("table_unreadable", "表二 (flattened text): row '规章' has 2 numbers, the 2021 form has 3; no facts stored"),
    ("table_unreadable", "表四 (flattened text): the header is unreadable and the 15 numbers under it do "
                         "not add up group by group in the form's order; no facts stored"),
    ("table_canonical_order", "表四: the header could not be read; the 15 numbers were placed in the "
                              "form's order, which each group's 总计 confirms"),
    ("template_unfilled", "unfilled template: 4 placeholders such as XXX, XX; its numbers are not stored"),
    ("not_a_report", "a letter (函), not a report: its numbers are not stored as the year's figures"),
    ("agency_unknown", "no agency name found in the title, the opening sentence or the signature"),
    ("agency_anonymised", "the agency name is anonymised as printed (xx单位); stored without an agency"),
    ("year_unknown", "no reporting year found in the title or text"),
    ("t3_columns_uncertain", "表三: row '（一）予以公开' has more numbers than the form has columns and no "
                             "readable header; not stored"),
    ("t3_unknown_row", "表三: a row with numbers whose label is not a form row: '合计'; not stored"),
    ("t3_duplicate_row", "表三: row requests.granted printed twice with different numbers; the first is kept"),
    ("t3_columns_uncertain", "表三: cell （一）予以公开 / 科研机构: the header names two columns for it and "
                             "they hold different numbers; not stored"),
    ("table_unreadable", "表三: cell （一）予以公开 / 自然人 is not a number ('若干'); not stored"),
    ("table_unreadable", "表二: cell 规章 / 本年制发件数 is not a number ('-'); not stored"),
    ("table_unreadable", "表二: row '行政许可' has numbers but no column header above it; not stored"),
    ("table_unreadable", "表二: row 规章 has 2 values for 3 columns; not stored"),
    ("table_unreadable", "表四: a data row with 9 cells and no recognisable header; not stored"),
    ("table_unreadable", "表四: cell 行政复议 结果维持 is not a number ('无'); not stored"),
    ("table_unreadable", "the form tables could not be parsed (ValueError: bad cell)"),
    ("t3_columns_shifted", "表三: the outcome rows add up in the wrong columns (natural_person +2, "
                           "commercial -2), as when numbers moved into a neighbouring column; no 表三 cell stored"),
    ("table_unreadable", "表三 was found but none of its rows could be read"),
    ("form_mixed", "表三 follows the 2021 form but 表二 the 2019 form; form 2021 recorded"),
    ("form_2019_cites_2021_notice", "the report uses the 23-row 2019 form of 表三 but cites "
                                    "国办公开办函〔2021〕30号 (the 2021 format with 25 rows)"),
    ("t3_missing_rows", "表三: 2 form row(s) not found: granted, unable_not_held"),
    ("narrative_vs_table", "requests.received: table says 39, text says 44; the table value is kept"),
    ("narrative_vs_table", "requests.received[natural_person]: table says 3, text says 4 (approx.); "
                           "the table value is kept"),
    ("narrative_withheld", "a form table was printed but not read, so the text's numbers for it are not "
                           "stored (they cannot be checked against the table): appeals.review_total, "
                           "requests.received"),
    ("tables_as_images", "the form's tables appear to be pictures (3 image(s) under its headings, no "
                         "table cell in the text): their numbers were not read; the text's numbers still count"),
    ("check_failed", "identity checks could not run: division by zero"),
    ("html_decode_errors", "some_report.html: 3 byte sequence(s) are not valid utf-8; shown as � (numbers "
                           "next to them may be wrong)"),
    ("pdf_tables_unreadable", "annual report.pdf: table grids could not be read (PdfiumError); text only"),
    ("pdf_tables_unreadable", "annual report.pdf: page 3: a table's font has no Unicode map; its grid was "
                              "skipped (numbers come from the page text only)"),
    ("pdf_tables_unreadable", "annual report.pdf: page 3: table grid could not be read (KeyError); text only"),
    ("pdf_tables_skipped", "annual report.pdf: page 4: too many ruling lines (120 × 80 rules) to look for "
                           "table grids; text only"),
    ("pdf_tables_skipped", "annual report.pdf: page 4: too many ruling lines (9000 rule crossings) to look for "
                           "table grids; text only"),
    ("pdf_encrypted", "annual report.pdf: the PDF is encrypted and needs a password to open; no numbers "
                      "were read (save an unprotected copy and load that)"),
    ("pdf_no_text_layer", "scan.pdf: page(s) 1–6 have no text layer (scanned?); no numbers were read"),
    ("pdf_no_text_layer", "scan.pdf: page(s) 2, 5 have no text layer (scanned?); nothing was read from them"),
    ("pdf_garbled_text", "annual report.pdf: page(s) 3 have an unreadable text layer (fonts without a "
                         "Unicode map); numbers there may be missing"),
    ("pdf_tables_skipped", "big.pdf: 80 pages look like tables; only the first 40 were read as grids"),
]

#: Latin words a Chinese message may keep: file names, encodings, exception names, font terms
_KEPT_LATIN = re.compile(r"\b(?:some_report\.html|annual report\.pdf|scan\.pdf|big\.pdf|utf-8|"
                         r"Unicode|PdfiumError|KeyError|ValueError|bad cell|division by zero|PDF|XXX?)\b")


@pytest.mark.parametrize("rule, message", EXTRACTOR_MESSAGES, ids=[m[:40] for _, m in EXTRACTOR_MESSAGES])
def test_every_extractor_message_shape_reads_in_chinese(rule: str, message: str) -> None:
    got = ft.finding_message(rule, message, None, "zh")
    assert i18n.t("fd_detail", "zh") not in got, got  # not the fallback
    assert not re.search(r"[A-Za-z]{3,}", _KEPT_LATIN.sub("", got)), got
    # what the message was about is still there: its numbers
    assert all(n in got for n in re.findall(r"\d{2,}", message)), got
    assert ft.finding_message(rule, message, None, "en") == message


def test_the_corpus_findings_read_in_chinese() -> None:
    """Every finding the real corpus gives reads in Chinese without the fallback (the shapes above
    are what the extractor writes; this catches a new one)."""
    from pathlib import Path

    from etl.extract.pipeline import extract_file

    corpus = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "pingtan"
    if not corpus.is_dir():
        pytest.skip("../shared/corpus is not beside the project")
    seen = 0
    for doc in sorted(corpus.rglob("page.html")):
        for report in extract_file(doc):
            for f in report.findings:
                seen += 1
                got = ft.finding_message(f.rule, f.message, None, "zh")
                assert i18n.t("fd_detail", "zh") not in got, (doc.parent.name, f.message)
                assert not re.search(r"[A-Za-z]{3,}", got.replace("page.html", "")), got
    assert seen > 10
