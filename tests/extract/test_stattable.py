"""The 2008–2018 statistics table run together by a text rendering: decoded only where certain."""
from __future__ import annotations

from etl.extract.stattable import parse_stat_run

SPACED = ("指标名称 计量 单位 2011 年度 历年累计 主动公开信息数 条 425 1516 其中：1.网站公开 条 418 1509 "
          "2.政府公报公开 条 7 7 受理依申请公开信息总数 条 3 9 其中：1.当面申请数 条 1 2 2.电子邮件申请数 条 2 7 "
          "行政复议数 条 0 0 附件下载")
# the same rows with no space at all: numbers and the next item number run together
GLUED = ("指标名称计量单位2012年度历年累计受理依申请公开信息总数条2121其中：1.当面申请数条18182.传真申请数条00"
         "3.电子邮件申请数条33对申请的答复数条2121其中：1.同意公开答复数条17172.同意部分公开答复数条22"
         "3.否决公开答复数条22行政复议数条00")


def _values(text: str) -> dict[str, int | None]:
    return {r.label: r.value for r in parse_stat_run(text)}


def test_spaced_rows_take_the_year_column_never_the_running_total() -> None:
    got = _values(SPACED)
    assert got["主动公开信息数"] == 425 and got["网站公开"] == 418 and got["政府公报公开"] == 7
    assert got["受理依申请公开信息总数"] == 3 and got["当面申请数"] == 1 and got["电子邮件申请数"] == 2
    assert got["行政复议数"] == 0


def test_glued_runs_decoded_by_their_group_sums() -> None:
    got = _values(GLUED)
    # "2121" alone is 2|121 or 21|21; only 21 = 18 + 0 + 3 in both columns
    assert got["受理依申请公开信息总数"] == 21 and got["当面申请数"] == 18
    assert got["传真申请数"] == 0 and got["电子邮件申请数"] == 3
    assert got["对申请的答复数"] == 21 and got["同意公开答复数"] == 17
    assert got["同意部分公开答复数"] == 2 and got["否决公开答复数"] == 2
    assert got["行政复议数"] == 0


def test_a_run_that_no_sum_decides_is_left_out() -> None:
    text = "指标名称计量单位2015年度历年累计主动公开文件数条294981916行政复议数件00"
    got = _values(text)
    assert got["主动公开文件数"] is None  # 2|94981916, 29|4981916, 294|981916, 2949|81916 …
    assert got["行政复议数"] == 0


def test_group_sums_that_fail_leave_the_group_out() -> None:
    # 20263542 = total, 17953304 = website part, 0|7 bulletin: no split makes the parts add up
    text = "指标名称计量单位2012年度历年累计主动公开信息数条20263542其中：1.网站公开条179533042.政府公报公开条07"
    got = _values(text)
    assert got["主动公开信息数"] is None and got["网站公开"] is None
    assert got["政府公报公开"] == 0


def test_a_misplaced_item_number_stops_the_table() -> None:
    text = "指标名称计量单位2012年度历年累计受理依申请公开信息总数条11其中：1.当面申请数条115.传真申请数条00"
    got = _values(text)
    assert "传真申请数" not in got


def test_no_header_no_table() -> None:
    assert parse_stat_run("受理依申请公开信息总数 条 3 9") == []


def test_a_run_wrapped_by_pdf_text_reads_like_the_unwrapped_one() -> None:
    # PDF text wraps at the page width, inside the header, inside labels and between numbers
    wrapped = GLUED.replace("指标名称", "指\n标名称").replace("当面申请数", "当面申\n请数") \
        .replace("同意公开答复数条1717", "同意公开答\n复数条1717")
    assert {k.replace(" ", ""): v for k, v in _values(wrapped).items()} == _values(GLUED)
    # a wrap inside a row's digits (4251516 as 42 / 51516) is one glued run, never the pair
    # 42 | 51516: undecided alone, decided by its group's sums
    got = _values("指标名称计量单位2011年度历年累计主动公开信息数条42\n51516行政复议数条00")
    assert got["主动公开信息数"] is None and got["行政复议数"] == 0
    cut = GLUED.replace("当面申请数条1818", "当面申请数条18\n18")
    assert _values(cut)["当面申请数"] == 18


def test_item_numbers_set_apart_from_their_mark_still_number_the_rows() -> None:
    # pymupdf4llm prints each number in its own span: "其中： 1 、当面申请数 条 0 0 2 、传真申请数"
    text = ("指标名称 计量 单位 2012 年度 历年累计 受理依申请公开信息总数 条 3 9 其中： 1 、当面申请数 条 1 4 "
            "2 、传真申请数 条 2 5 对申请的答复总数 条 3 9 行政复议 数 件 0 0 附件下载")
    got = _values(text)
    assert got["受理依申请公开信息总数"] == 3 and got["当面申请数"] == 1 and got["传真申请数"] == 2
    assert got["对申请的答复总数"] == 3 and got["行政复议 数"] == 0
