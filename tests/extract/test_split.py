"""Splitting a file into its reports (第N篇 headers or several titles)."""
from __future__ import annotations

from etl.model import Document, Page, Table
from etl.extract.split import split_document

BODY = "一、概述\n" + "本机关认真贯彻落实政府信息公开条例，主动公开政府信息。" * 12 + "\n"


def _doc(text: str, **kw) -> Document:
    return Document(source="f.txt", format="text", text=text, **kw)


def test_single_report_is_one_segment() -> None:
    text = "甲市商务局\n2019年政府信息公开工作年度报告\n" + BODY
    segs = split_document(_doc(text))
    assert len(segs) == 1
    seg = segs[0]
    assert seg.offset == 0 and seg.text == text and seg.position == 1
    assert seg.title == "甲市商务局2019年政府信息公开工作年度报告"


def test_part_headers_chinese_and_arabic_numerals() -> None:
    text = (
        "第一篇:甲局2008年政府信息公开工作年度报告大全\n" + BODY
        + "第2篇：乙局2009年工作总结\n" + BODY
        + "第十一篇 丙局报告\n" + BODY
    )
    segs = split_document(_doc(text))
    assert [s.title for s in segs] == ["甲局2008年政府信息公开工作年度报告大全", "乙局2009年工作总结", "丙局报告"]
    assert [s.position for s in segs] == [1, 2, 3]
    for seg in segs:
        assert text[seg.offset:seg.offset + len(seg.text)] == seg.text
    assert segs[1].text.startswith("第2篇") and segs[2].text.startswith("第十一篇")
    assert "".join(s.text for s in segs) == text  # nothing lost, nothing doubled


def test_header_without_title_uses_next_line() -> None:
    text = "第一篇\n甲局2010年政府信息公开年度报告\n" + BODY + "第二篇\n乙局2010年政府信息公开年度报告\n" + BODY
    segs = split_document(_doc(text))
    assert [s.title for s in segs] == ["甲局2010年政府信息公开年度报告", "乙局2010年政府信息公开年度报告"]


def test_several_titles_without_headers() -> None:
    first = "甲市商务局\n2019年政府信息公开工作年度报告\n" + BODY + "甲市商务局\n二0二0年一月二十日\n"
    second = "乙市财政局\n2019年政府信息公开工作年度报告\n" + BODY + "乙市财政局\n2020年1月15日\n"
    segs = split_document(_doc(first + second))
    assert len(segs) == 2
    assert segs[1].offset == len(first)  # the agency line above the title starts the report
    assert segs[1].title == "乙市财政局2019年政府信息公开工作年度报告"
    assert segs[0].text == first


def test_mentions_of_a_report_in_prose_do_not_split() -> None:
    text = (
        "甲局2019年政府信息公开工作年度报告\n" + BODY
        + "本报告电子版可在门户网站下载。如对本报告有疑问，请联系办公室。\n" + BODY
    )
    assert len(split_document(_doc(text))) == 1


def test_tables_and_pages_attached_by_offset() -> None:
    text = "第一篇:甲局报告\n" + BODY + "第二篇:乙局报告\n" + BODY
    second = text.index("第二篇")
    t1 = Table(rows=[["a"]], offset=5)
    t2 = Table(rows=[["b"]], offset=second + 10)
    t3 = Table(rows=[["c"]], offset=None)
    pages = [Page(1, text[:second - 5], 0), Page(2, text[second - 5:], second - 5)]
    segs = split_document(_doc(text, tables=[t1, t2, t3], pages=pages))
    assert segs[0].tables == [t1, t3] and segs[1].tables == [t2]
    assert [p.number for p in segs[0].pages] == [1, 2]  # page 2 starts inside report 1
    assert [p.number for p in segs[1].pages] == [2]


def test_empty_document() -> None:
    segs = split_document(_doc(""))
    assert len(segs) == 1 and segs[0].text == ""


def test_running_page_header_does_not_split() -> None:
    header = "甲市商务局2019年政府信息公开工作年度报告\n"
    text = header + BODY + "- 1 -\n" + header + BODY + "- 2 -\n" + header + BODY
    assert len(split_document(_doc(text))) == 1


def test_breadcrumb_and_markdown_marks_are_not_the_title() -> None:
    text = "首页 > 政府信息公开 > 年度报告\n# 甲市商务局2019年政府信息公开工作年度报告\n" + BODY
    (seg,) = split_document(_doc(text))
    assert seg.title == "甲市商务局2019年政府信息公开工作年度报告"
    text = "第一篇：**乙局2010年政府信息公开年度报告**\n" + BODY + "第二篇：丙局报告\n" + BODY
    assert split_document(_doc(text))[0].title == "乙局2010年政府信息公开年度报告"


def test_a_web_page_repeating_its_title_shorter_is_one_report() -> None:
    text = ("首页 政务公开 办事服务\n甲市2019年度政府信息公开工作年度报告\n来源：甲市人民政府 时间：2020-01-20\n"
            + BODY + "政府信息公开工作年度报告\n" + BODY)
    assert len(split_document(_doc(text))) == 1


def test_generic_titles_after_a_signature_still_start_new_reports() -> None:
    text = ("甲局2019年政府信息公开工作年度报告\n" + BODY + "2020年1月20日\n"
            + "政府信息公开工作年度报告\n" + BODY)
    assert len(split_document(_doc(text))) == 2


def test_the_same_title_spaced_differently_is_one_report() -> None:
    text = ("甲市商务局 2019 年政府信息公开工作年度报告\n" + BODY * 2
            + "甲市商务局2019 年政府信息公开工作年度报告\n" + BODY * 3)
    assert len(split_document(_doc(text))) == 1
