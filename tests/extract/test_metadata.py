"""Report metadata: agency names, reporting year, kind and publication date."""
from __future__ import annotations

import pytest

from etl.extract.agencies import canonical_agency, is_anonymised, is_placeholder, looks_like_agency
from etl.extract.metadata import agency_in_opening, agency_in_title, detect_metadata
from etl.model import Document
from etl.extract.split import split_document

FILLER = "本机关认真贯彻落实政府信息公开条例。" * 5


def meta_of(text: str):
    doc = Document(source="f.txt", format="text", text=text)
    seg = split_document(doc)[0]
    return detect_metadata(seg, doc)


# --- agencies --------------------------------------------------------------------------

@pytest.mark.parametrize(
    "printed, canonical",
    [
        ("芗城区外经局", "芗城区对外贸易经济合作局"),
        ("芗城区外经贸局", "芗城区对外贸易经济合作局"),
        ("芗城区对外贸易经济合作局", "芗城区对外贸易经济合作局"),
        ("芗城区对外经济贸易合作局", "芗城区对外贸易经济合作局"),
        ("杭州市发改委", "杭州市发展和改革委员会"),
        ("杭州市发展改革委", "杭州市发展和改革委员会"),
        ("甲县人社局", "甲县人力资源和社会保障局"),
        ("省法制办", "省人民政府法制办公室"),
        ("省政府法制办", "省人民政府法制办公室"),
        ("浙江省人民政府法制办公室", "浙江省人民政府法制办公室"),
        ("乙区市场监管局", "乙区市场监督管理局"),
        ("芗城区政府", "芗城区人民政府"),
        ("甲市 教育局", "甲市教育局"),
        ("我局", ""),
        ("本局", ""),
    ],
)
def test_canonical_agency(printed: str, canonical: str) -> None:
    assert canonical_agency(printed) == canonical


def test_region_prefix_keeps_agencies_apart() -> None:
    assert canonical_agency("甲市外经局") != canonical_agency("乙市外经局")


def test_placeholder_versus_anonymised() -> None:
    assert is_placeholder("XXX局") and not is_anonymised("XXX局")
    assert is_anonymised("xx单位") and is_anonymised("××厅") and is_anonymised("某某局")
    assert not is_placeholder("xx单位")
    assert not is_anonymised("芗城区外经局") and not is_placeholder("芗城区外经局")


def test_looks_like_agency() -> None:
    assert looks_like_agency("芗城区外经贸局") and looks_like_agency("xx单位")
    assert not looks_like_agency("二00九年一月十九日")
    assert not looks_like_agency("根据芗城区人民政府办公室信息公开要求，我局编制了报告")


def test_agency_in_title_and_opening() -> None:
    assert agency_in_title("芗城区外经局2008年政府信息公开工作年度报告大全") == "芗城区外经局"
    assert agency_in_title("第二篇:芗城区外经局2007年工作总结") == "芗城区外经局"
    assert agency_in_title("2011xx单位政府信息公开工作报告") == "xx单位"
    assert agency_in_title("关于二〇一九年政府信息公开工作的报告") is None
    assert agency_in_title("2017政府信息公开工作报告") is None
    assert agency_in_opening("2017年，省法制办紧紧围绕中心工作。") == "省法制办"
    assert agency_in_opening("2019年，杭州市人民政府办公厅认真贯彻。") == "杭州市人民政府办公厅"
    assert agency_in_opening("2011年,我单位按照省政府统一部署。") is None


# --- whole reports -----------------------------------------------------------------------

def test_reporting_year_not_publication_date() -> None:
    text = (
        "芗城区外经局\n2008年政府信息公开工作年度报告\n一、概述\n" + FILLER
        + "\n芗城区外经贸局\n二00九年一月十九日\n"
    )
    m = meta_of(text)
    assert m.year == 2008 and m.published == "2009-01-19"
    assert m.kind == "disclosure_report"
    assert m.agency == "芗城区对外贸易经济合作局" and m.printed_agency == "芗城区外经局"
    assert "芗城区外经贸局" in m.printed_names
    assert m.findings == []


@pytest.mark.parametrize(
    "title, year",
    [
        ("甲局二〇〇九年政府信息公开工作年度报告", 2009),
        ("甲局二○一一年政府信息公开工作年度报告", 2011),
        ("甲局二OO八年政府信息公开年度报告", 2008),
        ("甲局二00九年度政府信息公开年度报告", 2009),
        ("2017政府信息公开工作报告", 2017),
        ("甲局2020年度政府信息公开工作年度报告", 2020),
    ],
)
def test_year_from_title_in_any_numerals(title: str, year: int) -> None:
    assert meta_of(f"{title}\n{FILLER}\n").year == year


def test_year_from_opening_text_then_signature() -> None:
    assert meta_of("甲局政府信息公开工作报告\n2015年，甲局认真贯彻条例。" + FILLER).year == 2015
    signed_early = "甲局政府信息公开工作报告\n" + FILLER + "\n甲局\n二0一六年二月一日\n"
    m = meta_of(signed_early)
    assert m.year == 2015 and m.published == "2016-02-01"
    signed_late = "甲局工作总结\n" + FILLER + "\n甲局\n2016年12月20日\n"
    assert meta_of(signed_late).year == 2016


def test_kinds() -> None:
    assert meta_of("甲局2007年工作总结\n" + FILLER).kind == "work_summary"
    # a summary of disclosure work is a disclosure report
    assert meta_of("甲局2010年政府信息公开工作总结\n" + FILLER).kind == "disclosure_report"
    tpl = meta_of("政府信息公开工作报告\nXXX年，XXX局在上级部门领导下工作。共设置公示板块X块，接待咨询XX余人次。\n")
    assert tpl.kind == "template" and tpl.agency is None and tpl.year is None
    assert [f.rule for f in tpl.findings] == ["template_unfilled"]
    assert tpl.findings[0].severity == "warning"


def test_anonymised_agency_kept_unknown_with_finding() -> None:
    m = meta_of("2011xx单位政府信息公开工作报告\n2011年,我单位按照省政府统一部署。" + FILLER)
    assert m.agency is None and m.printed_agency == "xx单位" and m.year == 2011
    assert [f.rule for f in m.findings] == ["agency_anonymised"]
    assert m.kind == "disclosure_report"


def test_agency_from_opening_sentence() -> None:
    m = meta_of("2017政府信息公开工作报告\n2017年，省法制办紧紧围绕省委省政府中心工作。" + FILLER)
    assert m.agency == "省人民政府法制办公室" and m.printed_agency == "省法制办" and m.year == 2017


def test_agency_unknown() -> None:
    m = meta_of("政府信息公开工作报告\n2018年，我局认真贯彻条例。" + FILLER)
    assert m.agency is None and m.printed_agency is None
    assert [f.rule for f in m.findings] == ["agency_unknown"]


def test_form_defaults_to_narrative() -> None:
    assert meta_of("甲局2018年政府信息公开年度报告\n" + FILLER).form == "narrative"


def test_upper_case_anonymised_report_with_numbers_is_not_a_template() -> None:
    m = meta_of("XX局2015年政府信息公开工作年度报告\n2015年，我局共主动公开政府信息120条，接待咨询30人次。" + FILLER)
    assert m.kind == "disclosure_report" and m.agency is None and m.year == 2015
    assert [f.rule for f in m.findings] == ["agency_anonymised"]


def test_web_page_date_is_the_publication_date() -> None:
    m = meta_of("首页 > 信息公开\n甲局政府信息公开工作年度报告\n来源：甲局 发布日期：2020-02-13\n" + FILLER)
    assert m.published == "2020-02-13" and m.year == 2019


NAV = "\n".join(f"* [栏目{i}](https://www.example.gov.cn/zwgk/lanmu{i:02d}/index.html \"栏目{i}\")" for i in range(40))


def test_signature_name_wrapped_onto_the_line_above() -> None:
    body = ("二〇二四年工作总结\n今年，我局招商引资工作取得新进展，全年签约项目30个。\n" * 3
            + "平\n潭综合实验区投资促进局\n2024 年 12 月 18 日\n")
    m = meta_of(body)
    assert m.printed_agency == "平潭综合实验区投资促进局"


def test_title_on_a_line_with_the_article_fields_and_a_cms_title_field() -> None:
    text = (NAV + "\n平潭综合实验区经济发展局 2022 年度政府信息公开工作年度报告 来源： 时间：2023-01-05 09:55\n"
            "根据《中华人民共和国政府信息公开条例》，现公布本年度报告。\n一、总体情况\n本年度主动公开信息100条。\n")
    m = meta_of(text)
    assert m.agency == "平潭综合实验区经济发展局" and m.year == 2022
    text = (NAV + "\n* 发文机关： 平潭综合实验区经济发展局\n* 标    题： 关于2018年国民经济和社会发展计划执行情况"
            "及2019年计划（草案）的报告\n* 发文字号： 县第十七届人大三次会议文件（文号:17）\n"
            "各位代表：现将2018年计划执行情况报告如下。全年实际利用外资1亿美元。\n")
    m = meta_of(text)
    assert m.kind == "work_summary" and m.agency == "平潭综合实验区经济发展局"
