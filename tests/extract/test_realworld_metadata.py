"""Metadata and splitting on titles, name lines and signatures written the way real reports
print them (区/县/市/省 agencies, 乡镇, 街道办事处, 商务局 work summaries, compilations)."""
from __future__ import annotations

import pytest

from etl.extract.pipeline import extract_document
from etl.extract.metadata import (
    agency_in_opening,
    agency_in_title,
    detect_metadata,
    region_government,
)
from etl.model import Document
from etl.extract.split import split_document

BODY = (
    "一、总体情况\n{y}年，我局认真贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外，"
    "全年主动公开政府信息{n}条。全年共收到政府信息公开申请{r}件，均已按时答复。"
    "本年度未发生因政府信息公开引起的行政复议和行政诉讼案件。\n二、存在问题及改进措施\n"
    "一是公开内容不够全面；二是解读形式单一。下一步，我局将进一步加强政府信息公开工作，提高公开质量。\n"
)


def meta(text: str):
    doc = Document(source="t.txt", format="text", text=text)
    segs = split_document(doc)
    assert len(segs) == 1
    return detect_metadata(segs[0], doc)


@pytest.mark.parametrize(
    "title, agency, year",
    [
        ("北京市朝阳区人民政府2022年政府信息公开工作年度报告", "北京市朝阳区人民政府", 2022),
        ("梅林镇人民政府2020年政府信息公开工作年度报告", "梅林镇人民政府", 2020),
        ("东湖街道办事处2021年政府信息公开工作年度报告", "东湖街道办事处", 2021),
        ("仓山区发展和改革局二〇一一年政府信息公开工作年度报告", "仓山区发展和改革局", 2011),
        ("城关乡人民政府二00八年度政府信息公开工作报告", "城关乡人民政府", 2008),
        ("广州市天河区教育局2023年度政府信息公开工作年度报告", "广州市天河区教育局", 2023),
        ("成都市武侯区人民政府玉林街道办事处2022年政府信息公开工作年度报告",
         "成都市武侯区人民政府玉林街道办事处", 2022),
        ("国家税务总局厦门市税务局2020年政府信息公开工作年度报告", "国家税务总局厦门市税务局", 2020),
        ("中共漳州市委组织部2015年政府信息公开工作年度报告", "中共漳州市委组织部", 2015),
        # a place only: the report of its people's government
        ("湖南省衡阳市珠晖区2019年政府信息公开工作年度报告", "湖南省衡阳市珠晖区人民政府", 2019),
        ("莆田市涵江区江口镇2021年政府信息公开工作年度报告", "莆田市涵江区江口镇人民政府", 2021),
        # short forms resolve to the full name
        ("芗城区人社局2016年政府信息公开工作年度报告", "芗城区人力资源和社会保障局", 2016),
    ],
)
def test_agency_and_year_from_the_title(title: str, agency: str, year: int) -> None:
    m = meta(title + "\n" + BODY.format(y=year, n=10, r=1))
    assert (m.agency, m.year, m.kind) == (agency, year, "disclosure_report")


def test_generic_title_agency_from_the_name_line_and_signature() -> None:
    m = meta("关于2019年度政府信息公开工作的报告\n" + BODY.format(y=2019, n=5, r=0)
             + "漳州市芗城区市场监督管理局\n2020年1月20日\n")
    assert (m.agency, m.year, m.published) == ("漳州市芗城区市场监督管理局", 2019, "2020-01-20")
    m = meta("政府信息公开工作年度报告（2019年）\n泉州市丰泽区住房和城乡建设局\n" + BODY.format(y=2019, n=5, r=0))
    assert (m.agency, m.year) == ("泉州市丰泽区住房和城乡建设局", 2019)


def test_year_is_not_the_signature_year() -> None:
    m = meta("2018年度政府信息公开工作年度报告\n" + BODY.format(y=2018, n=5, r=0)
             + "龙岩市新罗区卫生和计划生育局\n二〇一九年一月三十日\n")
    assert (m.agency, m.year, m.published) == ("龙岩市新罗区卫生和计划生育局", 2018, "2019-01-30")
    # no year anywhere but the signature: a January report covers the previous year
    m = meta("政府信息公开工作年度报告\n我局认真贯彻落实条例，主动公开政府信息。" * 3
             + "\n厦门市思明区财政局\n2021年1月28日\n")
    assert (m.year, m.published) == (2020, "2021-01-28")


def test_page_date_of_a_saved_web_page() -> None:
    m = meta("广州市天河区教育局2023年度政府信息公开工作年度报告\n发布日期：2024-01-22\n来源：天河区教育局\n"
             + BODY.format(y=2023, n=5, r=0))
    assert (m.year, m.published) == (2023, "2024-01-22")


def test_anonymised_region_is_not_an_agency() -> None:
    m = meta("XX市XX区人力资源和社会保障局2021年政府信息公开工作年度报告\n" + BODY.format(y=2021, n=5, r=0))
    assert m.agency is None and m.year == 2021 and m.kind == "disclosure_report"
    assert [f.rule for f in m.findings] == ["agency_anonymised"]


def test_work_summary_kind_and_year() -> None:
    m = meta("芗城区对外贸易经济合作局\n二〇〇七年工作总结\n2007年，在区委、区政府的正确领导下，我局紧紧围绕中心工作。")
    assert (m.agency, m.year, m.kind) == ("芗城区对外贸易经济合作局", 2007, "work_summary")
    m = meta("漳州市商务局关于2007年工作总结和2008年工作计划的报告\n2007年，全市新批外资企业120家。")
    assert (m.agency, m.year, m.kind) == ("漳州市商务局", 2007, "work_summary")


def test_subject_of_the_opening_sentence() -> None:
    assert agency_in_opening("2020年，西湖区主动公开政府信息。") == "西湖区人民政府"
    assert agency_in_opening("2019年，江口镇认真贯彻落实条例。") == "江口镇人民政府"
    assert agency_in_opening("2018年，共青团漳州市委认真贯彻。") == "共青团漳州市委"
    assert agency_in_opening("2022年，全区认真贯彻落实条例。") is None
    assert agency_in_opening("2019年，本镇认真贯彻落实条例。") is None


def test_region_government_rule() -> None:
    assert region_government("玉林街道") == "玉林街道办事处"
    assert region_government("杭州市西湖区") == "杭州市西湖区人民政府"
    assert region_government("全区") is None
    assert region_government("区政府门户网站") is None
    assert agency_in_title("关于二〇一九年政府信息公开工作的报告") is None


def test_notice_wrapping_a_report_names_the_region() -> None:
    text = ("杭州市西湖区人民政府办公室关于印发2020年政府信息公开工作年度报告的通知\n"
            "各镇人民政府、街道办事处：现将报告印发给你们。\n"
            "杭州市西湖区2020年政府信息公开工作年度报告\n一、总体情况\n2020年，西湖区主动公开政府信息。")
    m = meta(text)
    assert (m.agency, m.year) == ("杭州市西湖区人民政府", 2020)


def _report(agency: str, year: int, n: int, signed: str) -> str:
    return f"{agency}{year}年政府信息公开工作年度报告\n" + BODY.format(y=year, n=n, r=2) + f"{agency}\n{signed}\n"


def test_several_titles_split_into_reports() -> None:
    text = "\n".join([
        _report("漳州市芗城区教育局", 2019, 120, "2020年1月20日"),
        _report("漳州市芗城区教育局", 2020, 135, "2021年1月20日"),
        _report("漳州市芗城区卫生健康局", 2021, 150, "2022年1月20日"),
    ])
    reports = extract_document(Document(source="m.txt", format="text", text=text))
    got = [(r.position, r.agency, r.year, r.fact("disclosure.items").value) for r in reports]  # type: ignore[union-attr]
    assert got == [
        (1, "漳州市芗城区教育局", 2019, 120),
        (2, "漳州市芗城区教育局", 2020, 135),
        (3, "漳州市芗城区卫生健康局", 2021, 150),
    ]
    assert [r.published for r in reports] == ["2020-01-20", "2021-01-20", "2022-01-20"]


def test_agency_line_above_each_title_goes_with_its_report() -> None:
    text = "".join(
        f"龙海市人力资源和社会保障局\n{y}年度政府信息公开工作年度报告\n" + BODY.format(y=y, n=y - 1900, r=2)
        + f"\n龙海市人力资源和社会保障局\n{y + 1}年3月1日\n"
        for y in (2016, 2017)
    )
    reports = extract_document(Document(source="m.txt", format="text", text=text))
    assert [(r.agency, r.year, r.published) for r in reports] == [
        ("龙海市人力资源和社会保障局", 2016, "2017-03-01"),
        ("龙海市人力资源和社会保障局", 2017, "2018-03-01"),
    ]
    assert [r.fact("disclosure.items").value for r in reports] == [116, 117]  # type: ignore[union-attr]


def test_numbered_parts_with_arabic_numerals_and_chinese_dates() -> None:
    text = "\n".join(
        f"第{i}篇 梅林镇人民政府{y}年政府信息公开工作年度报告\n" + BODY.format(y=y, n=n, r=0)
        + f"梅林镇人民政府\n{signed}\n"
        for i, (y, n, signed) in enumerate([(2010, 50, "二〇一一年一月十五日"), (2011, 60, "二〇一二年一月十五日")], 1)
    )
    reports = extract_document(Document(source="m.txt", format="text", text=text))
    assert [(r.position, r.agency, r.year, r.published) for r in reports] == [
        (1, "梅林镇人民政府", 2010, "2011-01-15"),
        (2, "梅林镇人民政府", 2011, "2012-01-15"),
    ]


def test_year_of_a_cited_law_is_not_the_reporting_year() -> None:
    text = ("政府信息公开工作年度报告\n本报告根据《中华人民共和国政府信息公开条例》（2019年修订）和"
            "《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》"
            "（国办公开办函〔2021〕30号）编制。\n一、总体情况\n2022年，我局认真贯彻落实条例。\n"
            "漳州市芗城区财政局\n2023年1月30日\n")
    m = meta(text)
    assert (m.agency, m.year, m.published) == ("漳州市芗城区财政局", 2022, "2023-01-30")


def test_title_keeps_its_bracketed_year() -> None:
    doc = Document(source="t.txt", format="text",
                   text="政府信息公开工作年度报告（2019年）\n泉州市丰泽区住房和城乡建设局\n" + BODY.format(y=2019, n=5, r=0))
    (seg,) = split_document(doc)
    assert seg.title == "政府信息公开工作年度报告（2019年）"


def test_publisher_line_of_a_saved_web_page() -> None:
    text = ("2021年政府信息公开工作年度报告\n索引号：FJ00123-0200-2022-00001\n发布机构：厦门市思明区财政局\n"
            "发布日期：2022-01-25\n" + BODY.format(y=2021, n=5, r=0))
    m = meta(text)
    assert (m.agency, m.year, m.published) == ("厦门市思明区财政局", 2021, "2022-01-25")


def test_repeated_generic_title_after_a_signature_starts_a_new_report() -> None:
    text = "".join(
        f"2019年政府信息公开工作年度报告\n{agency}\n" + BODY.format(y=2019, n=n, r=1) + f"{agency}\n2020年1月{d}日\n"
        for agency, n, d in [("漳州市芗城区财政局", 40, 15), ("漳州市芗城区审计局", 25, 16)]
    )
    reports = extract_document(Document(source="m.txt", format="text", text=text))
    assert [(r.agency, r.year, r.fact("disclosure.items").value) for r in reports] == [  # type: ignore[union-attr]
        ("漳州市芗城区财政局", 2019, 40), ("漳州市芗城区审计局", 2019, 25)]


def test_running_page_header_does_not_split() -> None:
    title = "漳州市芗城区财政局2019年政府信息公开工作年度报告"
    text = title + "\n" + BODY.format(y=2019, n=40, r=1) + "- 1 -\n" + title + "\n" + BODY.format(y=2019, n=40, r=1)
    assert len(split_document(Document(source="m.txt", format="text", text=text))) == 1


def test_year_from_the_opening_sentence_not_a_comparison() -> None:
    text = ("政府信息公开工作年度报告\n与2019年相比，今年公开工作有较大进步。\n2020年，我局认真贯彻落实条例，主动公开政府信息30条。"
            "\n漳州市芗城区民政局\n")
    assert meta(text).year == 2020
    text = ("政府信息公开工作年度报告\n本报告所列数据的统计期限自2021年1月1日起至2021年12月31日止。"
            "与2020年相比，公开数量增加。\n漳州市芗城区民政局\n")
    assert meta(text).year == 2021


@pytest.mark.parametrize(
    "printed, canonical",
    [
        ("芗城区卫健局", "芗城区卫生健康局"),
        ("鼓楼区应急局", "鼓楼区应急管理局"),
        ("思明区医保局", "思明区医疗保障局"),
        ("湖里区工信局", "湖里区工业和信息化局"),
        ("漳州市人防办", "漳州市人民防空办公室"),
        ("龙海市文旅局", "龙海市文化和旅游局"),
        ("芗城区人社局", "芗城区人力资源和社会保障局"),
        ("芗城区政府", "芗城区人民政府"),
        ("漳州市审计局", "漳州市审计局"),
    ],
)
def test_short_forms_of_common_agencies(printed: str, canonical: str) -> None:
    from etl.extract.agencies import canonical_agency

    assert canonical_agency(printed) == canonical


def test_signature_before_an_appended_statistics_table() -> None:
    table = "\n".join(f"{i}.指标{i}\t件\t{i}" for i in range(1, 12))
    text = ("政府信息公开工作年度报告\n" + "我局认真贯彻落实条例，主动公开政府信息。" * 3
            + "\n漳州市芗城区民政局\n2017年2月10日\n附件：政府信息公开情况统计表\n" + table + "\n")
    m = meta(text)
    assert (m.agency, m.year, m.published) == ("漳州市芗城区民政局", 2016, "2017-02-10")


@pytest.mark.parametrize("title", ["某局2016年政府信息公开工作年度报告", "漳州市某区财政局2016年政府信息公开工作年度报告"])
def test_names_masked_with_mou_are_anonymised(title: str) -> None:
    m = meta(title + "\n" + BODY.format(y=2016, n=5, r=0))
    assert m.agency is None and m.year == 2016
    assert [f.rule for f in m.findings] == ["agency_anonymised"]


# --- a government CMS page: navigation above the article, the article described in meta tags ---

CMS_PAGE = """<html><head><meta charset="utf-8"/>
<meta name="SiteName" content="某市人民政府"/>
<meta name="ArticleTitle" content="{title}"/>
<meta name="PubDate" content="2019-02-20 09:30"/>
<meta name="ContentSource" content="{source}"/>
<title>{title}_工作动态_某市人民政府</title></head><body>
<div class="nav">国务院 省政府 省人大 省政协</div><div class="nav">首页 政务公开 办事服务 互动交流</div>
<div class="article"><p>{body}</p></div><div class="footer">主办：某市人民政府办公室</div></body></html>"""


def _cms(title: str, body: str, source: str = "") -> object:
    from etl.read.dispatch import read_data

    doc = read_data(CMS_PAGE.format(title=title, body=body, source=source).encode("utf-8"), "page.html")
    reports = extract_document(doc)
    assert len(reports) == 1
    return reports[0]


def test_cms_page_takes_kind_agency_year_and_date_from_its_article_title() -> None:
    r = _cms("江州市商务局2018年工作总结暨2019年工作思路",
             "2018年，全市实际利用外资1.2亿美元，比增12%。全年共争取省级补助资金3000万元。")
    assert r.kind == "work_summary" and r.agency == "江州市商务局" and r.year == 2018
    assert r.published == "2019-02-20"


def test_cms_plan_execution_report_is_a_work_summary() -> None:
    r = _cms("关于江州市2018年国民经济和社会发展计划执行情况及2019年计划的报告",
             "2018年，全市外贸出口总额10.2亿元，比增8%。", source="江州市发展和改革委员会")
    assert r.kind == "work_summary" and r.year == 2018
    assert r.agency == "江州市发展和改革委员会"


def test_a_printed_report_title_is_trusted_before_the_meta_tags() -> None:
    body = "江州市教育局2018年政府信息公开工作年度报告</p><p>" + BODY.format(y=2018, n=120, r=3)
    r = _cms("通知公告", body)
    assert r.kind == "disclosure_report" and r.agency == "江州市教育局" and r.year == 2018


def test_title_under_a_web_page_navigation_copied_as_text() -> None:
    text = ("国务院 省政府 省人大 省政协\n移动版\n登录 注册\n• 首页\n• 政务公开\n当前位置：\n• 首页\n• 政府信息公开\n"
            "江州市商务局 2018 年工作总结暨 2019 年工作思路\n来源： 时间：2019-01-28 11:34\n"
            "2018 年，全市实际利用外资 1.2 亿美元，比增 12%。\n")
    doc = Document(source="t.txt", format="text", text=text)
    r = extract_document(doc)[0]
    assert r.kind == "work_summary" and r.agency == "江州市商务局" and r.year == 2018


def test_a_letter_about_the_years_work_is_not_a_report() -> None:
    r = _cms("关于2014年政府信息公开工作要点落实情况的函",
             "省政府办公厅：2014年，我区共主动公开政府信息5300余条。特此函复。")
    assert r.kind == "letter" and not r.facts
    assert any(f.rule == "not_a_report" for f in r.findings)


def test_a_letter_title_under_a_navigation_copied_as_text() -> None:
    text = ("国务院 省政府 省人大 省政协\n• 首页\n• 办事服务\n当前位置：\n"
            "关于 2014 年政府信息公开工作要点落实情况的函\n"
            "省政府办公厅：2014 年，我区共主动公开政府信息 5300 余条。特此函复。\n")
    r = extract_document(Document(source="t.txt", format="text", text=text))[0]
    assert r.kind == "letter" and not r.facts
