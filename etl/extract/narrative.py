"""Numbers stated in the free text of a report → Facts.

Reports of every era state their numbers in a small set of phrasings: a keyword, a short gap
of words, a number, a measure word (``公开信息3条``, ``收到政府信息公开申请14件``,
``新批合同外资额7400万美元``), or the number first (``4件属于已主动公开的信息``, ``发布21篇政策解读``),
or a negation that states a zero (``没有发生…行政复议、诉讼和申诉案``, ``支出情况：无``).
This module writes those phrasings as rules over *clauses* (text between commas) inside
*sentences* (text between 。；), because a clause rarely holds more than one fact and never
spans two. Two phrasings need state across clauses and are handled per sentence:

- a year-on-year change (比增, 同比增长, 下降) or a plan completion (完成年计划的102.50%) belongs to
  the amount stated just before it in the same sentence (新批合同外资额7400万美元，比增10.78%，…);
- outcomes of reviews and lawsuits (其中维持72件) belong to the last of 行政复议 / 行政诉讼 named.

Real reports state many numbers that are *not* the metric, and a wrong value is worse than a
missing one, so totals are guarded by context: a running total since the system began (累计 … /
截至2019年底 … / 2008年以来 …) is not this year's; a count published through one channel
(门户网站 / 政务微博 …) is a part, used as the total only when it is the only count stated; a
sub-count (其中 …), a time span (15个工作日), a budget (预算), another body's press conference
(出席发布会) or one enterprise's investment is not the metric. The 2008–2018 statistics table
(政府信息公开情况统计表: label | unit | number rows) is read first and wins over the prose.

Gaps between keyword and number never cross digits, commas, 、 or sentence ends, so a rule cannot
reach a number that belongs to another statement. The first mention of a (metric, breakdown)
wins; nothing is emitted twice. Every fact carries the clause it came from and the absolute
offset of its number in ``Document.text``.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Callable

from etl.extract.formlabels import TRAD_TABLE
from etl.read.recache import compile as _rx
from etl.metrics import load_metrics
from etl.model import Document, Evidence, Fact, Segment
from etl.extract.numerals import QTY, Quantity, quantity_from_match
from etl.extract.stattable import parse_stat_run

G = r"[^，,。；;、\d０-９\n]"  # one gap character: no digits, no clause or sentence boundary
N = QTY
ZERO = r"(?P<zero>无)(?![法论需])"
MONEY = r"(?P<u>美元|元)"
PCT = r"(?P<u>[%％])"
QUOTE_OPEN = "“\"「『‘"
QUOTE_CLOSE = "”\"」』’"

_SENTENCE_END = _rx(r"[。；;！？!?\n]")
_CLAUSE_END = _rx(r"(?<![0-9０-９])[，,]|[，,](?![0-9０-９])")
# readers render table rows TAB-separated; Markdown pipes. A tab that only indents a paragraph
# (a browser's copy of an indented web page) does not make it a table row.
_TABLE_LINE = _rx(r"\S[ \u3000]*\t|^\s*\|", re.M)
_HEADING = _rx(r"^[ \t\u3000]*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)])")
_HAS_NUMBER = _rx(
    r"[0-9０-９]|[零〇一二两三四五六七八九十百千壹贰叁肆伍陆柒捌玖拾佰仟]+[万亿]?[余多]?(?:条|件|项|篇|个|份|宗|起|次|人次|家|名|人|场|期|户|批)"
)
_DATES = _rx(r"[0-9０-９]{4}\s*年度?|[0-9０-９]{1,2}\s*[月日号]|[XＸxｘ]+\s*[年月日]")


def _re(pattern: str) -> re.Pattern[str]:
    return _rx(pattern.replace("{N}", N).replace("{G}", G).replace("{Z}", ZERO))


@dataclass(frozen=True)
class Rule:
    """metric ← pattern (groups from QTY, optional ``u`` unit, ``zero``, ``cat``)."""

    metric: str
    pattern: re.Pattern[str]
    exclude: re.Pattern[str] | None = None  # clause-level veto
    gate: str | None = None  # name of a context test (see _gate_ok)
    breakdown: Callable[[re.Match[str]], str] | None = None
    unit: str | None = None  # printed unit when the pattern has no ``u`` group (e.g. "件")


def _rule(metric: str, *patterns: str, exclude: str | None = None, gate: str | None = None,
          breakdown: Callable[[re.Match[str]], str] | None = None, unit: str | None = None) -> list[Rule]:
    ex = _rx(exclude) if exclude else None
    return [Rule(metric, _re(p), ex, gate, breakdown, unit) for p in patterns]


def clean_category(name: str) -> str:
    """A category as the metric dictionary keys it: no quotes, no trailing 类/类信息/栏目."""
    s = name.strip().strip(QUOTE_OPEN + QUOTE_CLOSE).strip()
    s = _rx(r"^(?:其中|包括|主要有|主动公开|公开|发布|以及|及|和)").sub("", s)
    for suffix in ("类政府信息", "类信息", "栏目", "专栏", "板块", "版块", "类"):
        if s.endswith(suffix) and len(s) > len(suffix):
            s = s[: -len(suffix)]
            break
    return s.strip()


# words that introduce a list of categories rather than belong to the first one's name
_CAT_INTRO = _rx(r"(?:主动)?公开了?|发布了?|公布了?|主要有|主要包括|包括|其中|涉及|共有|涵盖|分别为|分别是")


def _cat(m: re.Match[str]) -> str:
    """The category name, or "" when the words before 类 are not a name (各类, 公开各类 …)."""
    name = clean_category(_CAT_INTRO.split(m.group("cat"))[-1].lstrip("、"))
    if len(name) < 2 or _rx(r"公开|发布|公布").search(name) or _rx(r"[各多等几此该本其全两]$").search(name):
        return ""
    return name


# an item of a category list printed without 类 (重大建设项目29条, 其他应主动公开的信息1831条): one
# whole clause, counted only inside a list whose other items say 类
_PLAIN_ITEM = _re(
    r"^\s*(?:[^：:]*[：:])?(?P<cat>[\u4e00-\u9fff](?:[\u4e00-\u9fff]|、(?=[\u4e00-\u9fff])){1,24}?){N}(?P<u>条)"
    r"(?:\s*[)）]|\s*$)"
)
_CLASS_ITEM_NEAR = _rx(r"类(?:政府)?信息?[0-9０-９]+(?:余)?条")


def _plain_item(col: "_Collector", clause: str, cs: int) -> bool:
    """Add a list item without 类 as a category of disclosure.items; True if it was one."""
    m = _PLAIN_ITEM.match(clause)
    if not m:
        return False
    name = m.group("cat").lstrip("、")
    if _rx(r"全年|本年|今年|当年|年度|共|累计|合计|总计|其中").match(name):
        return False
    if not _rx(r"其[他它]").match(name) and _rx(r"公开|发布|公布|收到|受理|申请|咨询").search(name):
        return False
    text = col.ctx.text
    near = text[max(0, cs - 160): cs] + text[cs + len(clause): cs + len(clause) + 160]
    if len(_CLASS_ITEM_NEAR.findall(near)) < 2:
        return False
    got = _quantity(m, "条")
    if got is None:
        return False
    q, local = got
    name = clean_category(name)
    if len(name) < 2:
        return False
    col.add("disclosure.items", q, clause, cs, local, name)
    return True


# --- clause rules, in priority order ------------------------------------------------------
# Words that make a clause about something other than proactive disclosure counts.
_NOT_DISCLOSURE = r"刊载|报送|上报|发表|转载|采用|录用|被.{0,6}采|申请|咨询|投诉|举报|留言"
# A running total since the system began (累计 … / 截至目前 …) is not this year's number; 全年累计
# (this year's running total) is.
_SINCE = _rx(r"截[至止](?:目前|现在|今|[^，,。；;]{0,12}?[底末])|至今|历年|总量|(?<![今本]年)(?<!年初)以来")
_THIS_YEAR = _rx(r"(?:19|20)[0-9]{2}\s*年|[一二][〇○O零一二三四五六七八九]{3}年|本年|全年|今年|当年|年内|年度")
# "information" that is not proactive disclosure of government information
_OTHER_INFO = r"预警|招聘|供求|用工|岗位信息|天气|气象|价格信息|房源|广告|寻人|失信|红黑榜|违法违规信息"
# channels: a count published through one channel is a part of the total, not the total
_CHANNEL = _rx(
    r"微博|微信|新媒体|公众号|公开栏|公示栏|宣传栏|报刊|报纸|广播|电视|头条|抖音|客户端|APP|短信|显示屏|触摸屏"
    r"|网站(?![^，,]*主动公开)|网页|平台"
)
_SHARE = _rx(r"占|比例|比重")
# a count followed by its share of a whole (…303条，占71.3%) is a part of that whole
_SHARE_AFTER = _rx(r"[)）]?\s*[，,、]?\s*(?:约|共|仅)?占[^，,。；;]{0,16}?[0-9０-９.．]+\s*[%％]")
# the remainder category of a list (其他应主动公开政府信息1053条) is a part, not the total
_REMAINDER = r"其[他它](?:应|需|依法)?(?:主动)?公开的?(?:政府)?信息"
_TIME_SPAN = _rx(r"工作日|自然日|月|小时|季度|百分点|星期|周|年|天")
_MEDIA_CHANNEL = _rx(r"微博|微信|新媒体|公众号|报刊|报纸|广播|电视|头条|抖音|客户端|APP|短信|显示屏|触摸屏")
_CONSULT_PART = _rx(r"其中[^，,。；;\d]{0,10}信息公开[^，,。；;\d]{0,6}咨询")

CATEGORY_RULES: list[Rule] = _rule(
    "disclosure.items",
    # “机构设置”栏目发布信息9条 / “招标采购”栏目发布6条 / “工作动态”类信息公开120条
    "[" + QUOTE_OPEN + r"](?P<cat>[^" + QUOTE_CLOSE + r"\n]{1,15})[" + QUOTE_CLOSE + r"]"
    r"(?:(?:栏目|专栏|类信息|类|板块|版块)(?:中|内)?(?:共|主动|累计)?(?:(?:发布|公开|公布|更新)了?)?"
    r"|(?:中|内)?(?:共|主动|累计)?(?:发布|公开|公布|更新)了?)"
    r"(?:各类)?(?:政府)?(?:信息)?{N}(?P<u>条|件|篇|项)",
    # 其中机构职能类信息12条、政策法规类30条; a name may hold 、 (政策、规范性文件类信息21条): an 、
    # ends an item only right after its count
    r"(?:^|(?<=[条件篇项])、|(?<![\u4e00-\u9fff、])、|[：:]|其中|包括|[（(](?:涵盖|包括|含)?)"
    r"(?P<cat>[\u4e00-\u9fff](?:[\u4e00-\u9fff]|、(?=[\u4e00-\u9fff])){1,24}?)类(?:的)?(?:政府)?(?:信息)?{N}(?P<u>条|件|篇|项)",
    exclude=_NOT_DISCLOSURE,
    gate="disclosure_line",
    breakdown=_cat,
) + _rule(
    "disclosure.items",
    # …为民办实事类5条、其他应主动公开的政府信息30条: the remainder item of an 、-list, without 类
    r"(?<=[条件篇项])、(?P<cat>其[他它][\u4e00-\u9fff]{0,16}?信息){N}(?P<u>条|件|篇|项)",
    # …规划计划类1条、重大建设项目信息7条、民政…类4条: an item without 类 between two items
    r"(?<=[条件篇项])、(?P<cat>[\u4e00-\u9fff]{2,16}?信息){N}(?P<u>条|件|篇|项)(?=、[\u4e00-\u9fff、]{2,24}?类)",
    exclude=_NOT_DISCLOSURE,
    gate="disclosure_line",
    breakdown=lambda m: clean_category(m.group("cat")),
)

_MADE_TOTAL = _rx(r"(?:制发|制作|产生|生成|获取)[^，,。；;]{0,8}?(?:政府)?信息(?:总数|总量)?(?:共|为|达)?"
                  r"[0-9０-９]+(?:余|多)?条[，,]?$")

CLAUSE_RULES: list[Rule] = [
    # --- proactive disclosure ---
    *_rule(
        "disclosure.items",
        r"^\s*其中[，,]?主动公开(?:的)?(?:政府)?信息{N}(?P<u>条|件|项)",
        exclude=_NOT_DISCLOSURE + "|" + _OTHER_INFO,
        gate="disclosed_of_made",
    ),
    *_rule(
        "disclosure.items",
        # 公开信息3条 / 共发布信息511条 / 主动公开各类政府信息5500余条
        # only generic words between verb and 信息: 公开财政预决算信息56条 is one kind of information
        r"(?:公开|发布|公布)了?(?:各类|各项|政府|政务|行政|工作|相关|有关|的|了|共|共计|合计|累计|全年|本年|年度"
        # whose: 主动公开我区各级单位政府信息2645条 (the whole area's, not one kind of information)
        r"|我区|全区|我县|全县|我市|全市|本级|各级|单位|各单位|部门|各部门)*"
        r"信息{G}{0,4}?{N}(?P<u>条|件|项|篇)",
        # 主动公开3210条政府信息
        r"(?:主动公开|发布|公开|公布)了?{G}{0,6}?{N}(?P<u>条|件|项)(?:各类)?(?:政府)?信息",
        # 本年度主动公开4200条
        r"主动公开(?:了)?(?:共|共计|合计|总计)?{N}(?P<u>条)",
        exclude=_NOT_DISCLOSURE + "|" + _OTHER_INFO + r"|^\s*其中|" + _REMAINDER,
        gate="items_total",
    ),
    *_rule("disclosure.electronic_pct", r"电子化{G}{0,6}?{N}" + PCT),
    *_rule(
        "disclosure.interpretations",
        r"(?:政策)?解读{G}{0,8}?{N}" + r"(?P<u>篇|个|条|件|次|期|份)",
        r"{N}(?P<u>篇|个|条|件|期|份){G}{0,4}?(?:政策)?解读",
        # 对29项涉及群众切身利益、…的重要政策文件进行解读: the documents interpreted, counted
        r"(?:^|[，,])\s*对{N}(?P<u>项|个|件|份|篇|部)[^，,。；;\d]{0,40}?(?:政策|文件)[^，,。；;\d]{0,4}?"
        r"(?:进行|开展|作出|作)了?(?:政策)?解读",
        # one form of interpretation is not all of them — unless the forms are listed as the
        # total's (发布文字、图解、H5等多形式政策解读82篇)
        exclude=r"申请|咨询|(?:图解|视频|动漫|漫画|H5|音频)(?![^，,。；;]{0,12}等[^，,。；;]{0,4}形式)"
                r"|访谈|^\s*其中|活动|培训|会议|讲座",
    ),
    *_rule(
        "disclosure.press_conferences",
        r"(?:新闻)?发布会{G}{0,6}?{N}(?P<u>场|次|期|个)",
        r"{N}(?P<u>场|次|期)(?:新闻)?发布会",
        exclude=r"参加|出席|参与|列席|^\s*其中",  # attending another body's press conferences
    ),
    # --- requests ---
    *_rule(
        "requests.received",
        # 收到政府信息公开申请14件 / 受理信息公开申请无 / 新收政府信息公开申请30件
        r"(?:收到|受理|接到|接收|新收|共收)了?[^，,。；;\d０-９\n]{0,16}?公开申请{G}{0,6}?"
        r"(?:{N}(?P<u>件|条|个|份|宗|次|人次)|{Z})",
        # 收到依申请公开（事项）14件
        r"(?:收到|受理|接到|接收|新收)了?(?:各类)?依申请公开(?:事项|申请)?{G}{0,4}?{N}(?P<u>件|个|份|宗)",
        # 收到14件政府信息公开申请
        r"(?:收到|受理|接到|接收|新收){G}{0,4}?{N}(?P<u>件|个|份|宗)(?:政府)?(?:信息)?公开申请",
        exclude=r"复议|诉讼|结转",
        gate="this_year",
    ),
    *_rule(
        "requests.received",
        r"新收(?:到)?(?:各类)?申请{G}{0,4}?{N}(?P<u>件|个|份|宗)",
        exclude=r"复议|诉讼|结转|投诉|举报|咨询",
    ),
    # 共收到申请3件 — only under a heading about requests (依申请公开情况)
    *_rule(
        "requests.received",
        r"(?:收到|受理|接到|接收|新收)了?(?:各类)?申请{G}{0,4}?{N}(?P<u>件|个|份|宗)",
        exclude=r"复议|诉讼|结转|投诉|举报|咨询",
        gate="requests_heading",
    ),
    *_rule(
        "requests.channel_online",
        r"(?:在线|网上|网络|互联网|网站)(?:提交的?|提出的?|申请的?)?申请{G}{0,4}?{N}(?P<u>件|个|份|宗)",
        r"{N}(?P<u>件|个|份)(?:为|是|通过)?(?:在线|网上|网络|互联网|网站)(?:申请|提交|提出)",
    ),
    *_rule(
        "requests.channel_paper",
        r"(?:纸质|书面|信函|来信|邮寄)(?:形式)?(?:提交的?|提出的?)?申请{G}{0,4}?{N}(?P<u>件|个|份|宗|条)",
        r"{N}(?P<u>件|个|份)(?:为|是|通过)?(?:纸质|书面|信函|来信|邮寄)(?:申请|提交|提出|形式)",
    ),
    *_rule(
        "requests.channel_in_person",
        r"(?:当面|现场)(?:提交的?|提出的?)?申请{G}{0,4}?{N}(?P<u>件|个|份|宗)",
        r"{N}(?P<u>件|个|份)(?:为|是|通过)?(?:当面|现场)(?:申请|提交|提出)",
    ),
    *_rule(
        "requests.channel_email",
        r"(?:电子邮件|电子邮箱|邮件)(?:提交的?|提出的?)?申请{G}{0,4}?{N}(?P<u>件|个|份|宗)",
    ),
    *_rule("requests.channel_fax", r"传真(?:提交的?|提出的?)?申请{G}{0,4}?{N}(?P<u>件|个|份|宗)"),
    *_rule("requests.carried_over_in", r"上(?:一)?年(?:度)?结转{G}{0,10}?{N}(?P<u>件|个|份)"),
    *_rule(
        "requests.carried_over_out",
        r"结转(?:至|到)?下(?:一)?年(?:度)?{G}{0,8}?{N}(?P<u>件|个|份)",
        r"{N}(?P<u>件|个|份){G}{0,4}?结转(?:至|到)?下(?:一)?年",
    ),
    *_rule("requests.processed_total", r"(?:已|共|全部)?办结{G}{0,6}?{N}(?P<u>件|个|份)",
           exclude=r"复议|诉讼|建议|提案|留言|工单|热线|信访|许可|审批|事项|投诉|举报|咨询", gate="outcomes"),
    *_rule(
        "requests.already_public",
        r"{N}(?P<u>件|个|份){G}{0,6}?已(?:经)?主动公开",
        r"属于{G}{0,6}?已(?:经)?主动公开{G}{0,8}?{N}(?P<u>件|个|份)",
    ),
    *_rule(
        "requests.partially_granted",
        r"部分公开{G}{0,4}?{N}(?P<u>件|个|份)",
        r"{N}(?P<u>件|个|份){G}{0,4}?部分公开",
    ),
    *_rule(
        "requests.denied",
        r"(?:不予(?:以)?|不同意)公开{G}{0,4}?{N}(?P<u>件|个|份)",
        r"{N}(?P<u>件|个|份){G}{0,4}?(?:不予(?:以)?|不同意)公开",
    ),
    *_rule(
        "requests.granted",
        r"(?<!不)(?:予以公开|同意公开|全部公开|准予公开){G}{0,4}?{N}(?P<u>件|个|份)",
        r"{N}(?P<u>件|个|份){G}{0,6}?(?:属于)?(?:(?<!不)予以公开|同意公开|全部公开|依申请公开的(?:政府)?信息)",
        exclude=r"不属于|部分公开|不予",
    ),
    *_rule(
        "requests.unable",
        r"(?<!不予)无法提供{G}{0,4}?{N}(?P<u>件|个|份)",
        r"{N}(?P<u>件|个|份){G}{0,4}?无法提供",
    ),
    *_rule(
        "requests.rejected",
        r"不予(?:以)?处理{G}{0,4}?{N}(?P<u>件|个|份)",
        r"{N}(?P<u>件|个|份){G}{0,4}?不予(?:以)?处理",
    ),
    *_rule(
        "requests.other_handling",
        r"(?<![\u4e00-\u9fff])其他处理{G}{0,4}?{N}(?P<u>件|个|份)",
        r"(?:^|其中|[，,、])其他处理{G}{0,4}?{N}(?P<u>件|个|份)",
        gate="outcomes",
    ),
    *_rule(
        "requests.received",
        # 其中自然人申请13件 — the natural-person column of 表三's 新收 row
        r"(?:^|其中|[：:])(?:由)?自然人(?:提出的?|提交的?)?申请{G}{0,2}?{N}(?P<u>件|个|份)",
        r"(?:^|其中|[：:])(?:由)?自然人(?:提出|提交)(?:的)?{G}{0,2}?{N}(?P<u>件|个|份)",
        breakdown=lambda m: "natural_person",
        gate="received_sentence",
    ),
    *_rule(
        "requests.not_gov_info",
        r"{N}(?P<u>件|个|份){G}{0,6}?(?:不属于|非)(?:政府信息|本机关政府信息)(?!公开申请)",
        r"(?:不属于|非)政府信息{G}{0,10}?{N}(?P<u>件|个|份)",
    ),
    *_rule(
        "requests.unable_not_held",
        r"(?:信息不存在|不掌握|不属于本(?:机关|部门|单位){G}{0,6}?范围){G}{0,6}?{N}(?P<u>件|个|份)",
        r"{N}(?P<u>件|个|份){G}{0,6}?(?:信息不存在|不掌握|不属于本(?:机关|部门|单位))",
    ),
    *_rule(
        "requests.consultation",
        r"{N}(?P<u>件|个|份){G}{0,4}?属于咨询",
        r"属于咨询{G}{0,6}?{N}(?P<u>件|个|份)",
    ),
    *_rule(
        "requests.correction_requested",
        r"{N}(?P<u>件|个|份){G}{0,8}?补正",
        r"(?:告知|要求|通知)(?:申请人)?补正{G}{0,6}?{N}(?P<u>件|个|份)",
    ),
    # --- operations ---
    *_rule(
        # 共受理各类咨询300余次，其中政府信息公开咨询12次: the disclosure part is the metric
        "operations.consultations",
        r"^\s*其中{G}{0,10}?信息公开{G}{0,6}?咨询{G}{0,4}?{N}(?P<u>人次|次|件|个)",
        gate="consult_disclosure_part",
    ),
    *_rule(
        "operations.consultations",
        r"咨询{G}{0,8}?{N}(?P<u>人次|次|条|件|个|批次|人)",
        r"{N}(?P<u>人次|次|条|个|批次)(?:的)?(?:各类)?(?:来电|来访|来人|群众|公众)?咨询",
        # 有约4900人次通过各种方式向我局咨询
        r"{N}(?P<u>人次)通过[^，,。；;\d]{0,24}?咨询",
        exclude=r"属于咨询|咨询类|申请|^\s*其中|咨询[、和及与]?投诉|投诉[、和及与]?咨询|咨询[、和及与]?举报",
        gate="consult_total",
    ),
    *_rule(
        "operations.complaints",
        r"(?:投诉|举报){G}{0,8}?{N}(?P<u>条|件|次|人次|个)",
        exclude=r"申请|复议|诉讼|咨询[、和及与]?投诉|投诉[、和及与]?咨询|咨询[、和及与]?举报",
    ),
    *_rule(
        "operations.staff_full_time",
        r"(?<!兼)(?:专职|全职)(?:工作)?人员{G}{0,4}?{N}(?P<u>名|人|个)",
        r"{N}(?P<u>名|人|个)(?<!兼)(?:专职|全职)(?:工作)?人员",
        r"(?:^|其中|[：:、])(?<!兼)专职{N}(?P<u>名|人)",
    ),
    *_rule(
        "operations.staff_part_time",
        r"(?<!专)兼职(?:工作)?人员{G}{0,4}?{N}(?P<u>名|人|个)",
        r"{N}(?P<u>名|人|个)兼职(?:工作)?人员",
        r"(?:^|其中|[：:、])(?<!专)兼职{N}(?P<u>名|人)",
    ),
    *_rule(
        "operations.request_fees_cny",
        r"(?:信息处理费|处理费|收取(?:费用|{G}{0,6}?费))(?:共计|合计|共)?{G}{0,4}?{N}" + MONEY,
        # 2021 notice wording: 实际收取的总金额：200元
        r"实际收取(?:的)?(?:总)?(?:金额|费用)[:：]?\s*{N}" + MONEY,
        r"收取(?:[^，,。；;\d０-９\n]{0,14}?)费用?(?:共计|合计|共)?{G}{0,4}?{N}" + MONEY,
        gate="fees",
    ),
    *_rule(
        "operations.spending_cny",
        r"(?:支出|经费)(?:情况)?{G}{0,6}?[:：]?\s*(?:{N}" + MONEY + r"|{Z})",
        # 政府信息公开费用1万元 (the office's cost; never what applicants paid)
        r"信息公开(?:工作)?(?:的)?费用(?:为|共|共计)?{N}" + MONEY,
        gate="spending",
        exclude=r"收费|收取|缴纳|减免|处理费|预算|计划|安排",
    ),
    *_rule(
        "operations.new_media_accounts",
        r"政务新媒体{G}{0,8}?{N}(?P<u>个|家|户)",
        r"开设(?:的)?(?:政务)?新媒体(?:账号|平台)?(?:数量)?(?:共|为|达)?{N}(?P<u>个|家|户)",
        r"{N}(?P<u>个|家)政务新媒体",
        exclude=r"新增|新开|新注册|关停|注销|整合|清理|^\s*其中|检查|抽查|监测|整改|巡查|考核|通报",
    ),
    # --- 表二 figures that new-form reports also state in prose (the table wins) ---
    *_rule(
        "disclosure.normative_docs_made",
        r"(?:新)?制发(?:了)?(?:行政)?规范性文件(?:共计|共)?{N}(?P<u>件|个|份)",
        exclude=r"规章|累计|^\s*其中",
    ),
    *_rule(
        "disclosure.normative_docs_repealed",
        r"废止(?:了)?(?:行政)?规范性文件(?:共计|共)?{N}(?P<u>件|个|份)",
        exclude=r"规章|累计|^\s*其中",
    ),
    *_rule(
        "disclosure.normative_docs_in_force",
        r"现行有效(?:的)?(?:行政)?规范性文件(?:共计|共)?{N}(?P<u>件|个|份)",
        exclude=r"规章|^\s*其中",
    ),
    # --- investment indicators of work summaries ---
    *_rule(
        "investment.fdi_new_enterprises",
        r"(?:新(?:办|批|设立|设|增|引进|批准|签|注册)|批准设立|批办)(?:[(（]批[)）])?(?:外商投资|外资|三资)(?:企业|项目){G}{0,4}?{N}(?P<u>家|个|户)",
    ),
    *_rule(
        "investment.funds_secured_cny",
        r"争取{G}{0,12}?(?:资金|扶持|补助|专项|经费|补贴){G}{0,8}?{N}(?P<u>元)",
        # 争取中央和省级预算内补助项目24个、共4.08亿元: the projects' count, then their money
        r"争取{G}{0,12}?(?:资金|扶持|补助|专项|经费|补贴)项目[0-9０-９]+个、(?:共|共计|资金|金额)?{N}(?P<u>元)",
    ),
]

# exports of one firm, one product, one partner or one trade mode, or of part of the year
_NOT_ALL_EXPORTS = (r"公司|集团|民营|国有|私营|个体|外资企业|产品|其中[^出，,]+出口|对[^，,出]{1,6}出口|一般贸易|加工贸易"
                    r"|边境贸易|[0-9０-９]+\s*[-—–~～至]\s*[0-9０-９]+\s*月|月份")

# Amount statements that open a "subject" for following 比增 / 完成计划 clauses.
SUBJECT_RULES: list[Rule] = [
    *_rule(
        "investment.fdi_contract_usd",
        r"(?:合同(?:利用)?外资|外资合同|利用外资合同|协议(?:利用)?外资)(?:额|金额|总额)?{G}{0,6}?{N}(?P<u>美元)",
        exclude=r"公司|集团|有限|[0-9０-９]+\s*[-—–~～至]\s*[0-9０-９]+\s*月|月份",  # one enterprise's / part-year figure
    ),
    *_rule(
        "investment.fdi_actual_usd",
        r"(?:实际到资|实际利用外资|实际使用外资|实际到位外资|外资实际到位|实到外资|到位外资|外资到位|利用外资到位)(?:额|金额|资金)?{G}{0,6}?{N}(?P<u>美元)",
        exclude=r"公司|集团|有限|[0-9０-９]+\s*[-—–~～至]\s*[0-9０-９]+\s*月|月份",
    ),
    *_rule(
        "investment.exports_usd",
        r"(?<!进)(?:外贸)?出口(?:总额|额|值|总值|创汇)?{G}{0,6}?{N}(?P<u>美元)",
        exclude=_NOT_ALL_EXPORTS,
    ),
]
SUBJECT_TARGETS: dict[str, tuple[str, str]] = {
    "investment.fdi_contract_usd": ("investment.fdi_contract_yoy_pct", "investment.fdi_contract_plan_pct"),
    "investment.fdi_actual_usd": ("investment.fdi_actual_yoy_pct", "investment.fdi_actual_plan_pct"),
    "investment.exports_usd": ("investment.exports_yoy_pct", "investment.exports_plan_pct"),
}
_EXPORTS_CNY = _re(r"(?<!进)(?:外贸)?出口(?:总额|额|值|总值)?{G}{0,6}?{N}(?P<u>(?<!美)元)")
_EXPORTS_EXCLUDE = _rx(_NOT_ALL_EXPORTS)
_ANY_MONEY = _rx(r"[0-9０-９][0-9０-９.,．]*\s*(?:万|亿)?(?:美元|元)")
_YOY = _re(r"(?:同比|比上年|较上年|比去年)?(?P<dir>比增|比降|增长|增幅|增加|上升|下降|降幅|减少|回落|增|降)了?(?:为|达)?(?P<neg>[-－−—])?" + N + PCT)
_PLAN = _re(r"(?:完成|为|占|达)(?:[市省区县]?下达(?:的)?)?(?:全年|年度|年)?(?:计划|目标|任务)(?:任务)?(?:数)?(?:的)?" + N + PCT)

# Reviews and lawsuits: totals, then outcomes attached to the last one named.
APPEAL_TOTALS: list[Rule] = [
    *_rule(
        "appeals.review_total",
        r"(?:行政)?复议(?:案件|申请)?{G}{0,8}?{N}(?P<u>件|起|宗|个|次)",
        r"{N}(?P<u>件|起|宗|个|次)(?:行政)?复议",
        exclude=r"决定书|案例",
    ),
    *_rule(
        "appeals.suit_total",
        r"(?:行政)?(?:诉讼|应诉)(?:案件)?{G}{0,8}?{N}(?P<u>件|起|宗|个|次)",
        r"{N}(?P<u>件|起|宗|个|次)(?:行政)?(?:诉讼|应诉)",
        exclude=r"决定书|案例|复议后",
    ),
]
OUTCOMES: list[tuple[str, re.Pattern[str]]] = [
    (suffix, _re(pat))
    for suffix, pat in (
        ("upheld", r"(?:结果)?维持(?:原)?(?:决定|行政行为)?{G}{0,4}?{N}(?P<u>件|起|宗|个)"),
        ("upheld", r"{N}(?P<u>件|起|宗|个)(?:被)?(?:予以)?维持"),
        ("corrected", r"(?:结果)?(?:被)?纠正{G}{0,4}?{N}(?P<u>件|起|宗|个)"),
        ("corrected", r"{N}(?P<u>件|起|宗|个)(?:被)?(?:予以)?纠正"),
        ("other", r"其他(?:结果)?{G}{0,4}?{N}(?P<u>件|起|宗|个)"),
        ("pending", r"(?:尚未审结|未审结|正在审理|审理中){G}{0,4}?{N}(?P<u>件|起|宗|个)"),
        ("pending", r"{N}(?P<u>件|起|宗|个){G}{0,2}?(?:尚未审结|未审结|正在审理|审理中)"),
    )
]
APPEAL_PREFIX = {"review": "appeals.review_", "suit": "appeals.suit_"}

# Negations that state a zero: 没有发生…行政复议、诉讼和申诉案 / 未收到…申请 / 未收取费用.
_NEG = r"(?:没有|并未|均未|从未|(?<!尚)未(?!经|能|予|审结|结|办结)|无一)"
NEGATIONS: list[tuple[str, re.Pattern[str], str]] = [
    ("appeals.review_total", _rx(_NEG + r"[^。；;]{0,30}?(?P<k>复议)"), "appeals"),
    ("appeals.suit_total", _rx(_NEG + r"[^。；;]{0,30}?(?P<k>诉讼)"), "appeals"),
    ("appeals.complaints_total", _rx(_NEG + r"[^。；;]{0,30}?(?P<k>申诉|举报|投诉)"), "appeals"),
    # 未收到…行政复议申请 is about reviews, not information requests
    ("requests.received", _rx(_NEG + r"(?:收到|接到|受理)(?:(?!复议|诉讼|申诉|投诉|举报)[^。；;]){0,20}?(?P<k>申请)"),
     "requests"),
    ("operations.request_fees_cny", _rx(_NEG + r"(?:收取|收)[^。；;]{0,10}?(?P<k>费)"), "fees"),
    # 没有因政府信息公开收费的情况
    ("operations.request_fees_cny", _rx(_NEG + r"[^。；;，,]{0,14}?(?P<k>收费)"), "fees"),
    # 无收取信息处理费情况 / 本年度没有产生信息公开处理费 / 依申请提供政府信息暂不收费
    ("operations.request_fees_cny",
     _rx(r"(?:无|没有|未|暂未)(?:产生|收取)[^。；;，,]{0,12}?(?P<k>处理费|费用)"), "fees"),
    ("operations.request_fees_cny", _rx(r"(?:暂不|不予|免于|免予|免)(?P<k>收费|收取[^。；;，,]{0,10}?费)"),
     "fees"),
    # 没有从事政府信息公开工作的全职人员，兼职人员1人
    ("operations.staff_full_time",
     _rx(r"(?:没有|无)(?:从事[^。；;，,]{0,16}?的)?(?P<k>专职|全职)(?:工作)?人员"), "spending"),
]


# --- context ------------------------------------------------------------------------------

@dataclass
class _Ctx:
    seg: Segment
    doc: Document
    text: str = ""  # the segment text with soft (wrapping) newlines removed, traditional folded
    printed: str = ""  # the same view as printed (evidence quotes this, not the folded text)
    breaks: list[int] = field(default_factory=list)  # view positions where a newline was removed
    headings: list[tuple[int, str]] = field(default_factory=list)

    def original(self, view_pos: int) -> int:
        """Position in ``seg.text`` of a position in the joined view."""
        return view_pos + bisect_right(self.breaks, view_pos)

    def heading_at(self, pos: int) -> str:
        current = ""
        for off, text in self.headings:
            if off <= pos:
                current = text
            else:
                break
        return current

    def line_at(self, pos: int) -> str:
        text = self.text
        start = text.rfind("\n", 0, pos) + 1
        end = text.find("\n", pos)
        return text[start: end if end >= 0 else len(text)]


def _headings(text: str) -> list[tuple[int, str]]:
    out = []
    pos = 0
    for line in text.split("\n"):
        if _HEADING.match(line) and len(line.strip()) <= 40:
            out.append((pos, line.strip()))
        pos += len(line) + 1
    return out


def _sentence_start(text: str, pos: int) -> int:
    m = None
    for m in _SENTENCE_END.finditer(text, max(0, pos - 300), pos):
        pass
    return m.end() if m else max(0, pos - 300)


def _gate_ok(gate: str | None, ctx: _Ctx, sentence: str, pos: int) -> bool:
    if gate is None:
        return True
    heading = ctx.heading_at(pos)
    if gate == "appeals":
        return bool(_rx(r"信息公开").search(sentence) or _rx(r"复议|诉讼|申诉").search(heading))
    if gate == "requests":
        return bool(_rx(r"信息公开|公开申请|依申请").search(sentence) or _rx(r"申请").search(heading))
    if gate == "fees":
        return bool(_rx(r"信息公开|依申请|申请|处理费").search(sentence) or _rx(r"收费|费用").search(heading)
                    or "信息处理费" in ctx.line_at(pos))
    if gate == "spending":
        return bool(_rx(r"信息公开").search(sentence) or _rx(r"支出|经费").search(heading))
    if gate == "outcomes":
        return bool(_rx(r"信息公开|公开申请|依申请|予以公开|不予公开|无法提供|不予处理").search(sentence)
                    or _rx(r"申请").search(heading))
    if gate == "requests_heading":
        return bool(_rx(r"申请").search(heading))
    if gate in ("items_total", "this_year"):
        # 截至2019年底，累计公开8万余条 / 累计主动公开35000余条: a running total since the
        # system began. 2015年度，我局累计主动公开… (this year's total) is kept.
        start = _sentence_start(ctx.text, pos)
        if _SINCE.search(ctx.text, start, pos + 1):
            return False
        if gate == "this_year":
            clause_start = max([start] + [m.end() for m in _CLAUSE_END.finditer(ctx.text, start, pos)])
            cut = ctx.text.find("累计", clause_start, pos + 12)
            return cut < 0 or bool(_THIS_YEAR.search(ctx.text, start, cut))
        if _rx(r"发布会|权威信息|新闻通稿|新闻稿").search(sentence) and "主动公开" not in sentence:
            return False  # 召开新闻发布会6场次，发布权威信息120余条: press releases
        clause_start = max([start] + [m.end() for m in _CLAUSE_END.finditer(ctx.text, start, pos)])
        cut = ctx.text.find("累计", clause_start, pos + 12)
        return cut < 0 or bool(_THIS_YEAR.search(ctx.text, start, cut))
    if gate == "disclosed_of_made":
        # 共制发政府信息405条，其中主动公开政府信息140条: the disclosed part of what was made is
        # the year's disclosure total (the 其中 of any other total is a part)
        start = _sentence_start(ctx.text, pos)
        return bool(_MADE_TOTAL.search(ctx.text, start, pos)) and not _SINCE.search(ctx.text, start, pos + 1)
    if gate == "received_sentence":
        return bool(_rx(r"收到|受理|接到|接收|新收").search(sentence)) and not _rx(r"复议|诉讼").search(sentence)
    if gate == "consult_disclosure_part":
        return True
    if gate == "consult_total":
        if _CONSULT_PART.search(sentence) and "信息公开" not in ctx.text[_sentence_start(ctx.text, pos): pos + 1]:
            return False
        # 电话咨询35人次，网上咨询120人次 — channel parts, not the total
        end = _CLAUSE_END.search(ctx.text, pos)
        window = ctx.text[max(0, pos - 4): min(pos + 16, end.start() if end else len(ctx.text))]
        channel = _rx(r"(?:电话|网上|现场|来电|来访|网络|在线|信函|邮件|当面|窗口|热线)咨询").search(window)
        return not (channel and len(_rx(r"咨询").findall(sentence)) >= 2)
    if gate == "disclosure_line":
        # categories of requests (申请内容涉及城建类12件) or complaints are not disclosure categories;
        # judged by the words up to this item (a list may go on to 依申请公开341条)
        upto = ctx.text[_sentence_start(ctx.text, pos): pos + 12]
        if _rx(r"申请|咨询|投诉|举报|复议|诉讼|留言|信访").search(upto):
            return False
        if _rx(r"公开|发布|公布").search(ctx.line_at(pos)) or _rx(r"主动公开").search(heading):
            return True
        # 按信息类别分：机构职能类12条 … right after the paragraph that states the total
        return "主动公开" in ctx.text[max(0, pos - 300): pos]
    return True


# --- extraction ---------------------------------------------------------------------------

def _spans(text: str, boundary: re.Pattern[str], start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    end = len(text) if end is None else end
    out = []
    pos = start
    for m in boundary.finditer(text, start, end):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if pos < end:
        out.append((pos, end))
    return out


def _raw(clause: str, local: int) -> str:
    """The clause as evidence, cut to ≤ 120 characters around the number."""
    s = clause.strip()
    if len(s) <= 120:
        return s
    lead = len(clause) - len(clause.lstrip())
    at = max(local - lead, 0)
    lo = max(0, min(at - 60, len(s) - 120))
    return s[lo: lo + 120]


class _Collector:
    """First mention wins; units checked against the metric dictionary."""

    def __init__(self, ctx: _Ctx) -> None:
        self.ctx = ctx
        self.facts: dict[tuple[str, str], Fact] = {}
        self.view_pos: dict[tuple[str, str], int] = {}  # where each fact's number is in ctx.text
        self.metrics = load_metrics()
        # disclosure.items totals stated for one channel (门户网站发布信息3589条): used only when
        # the report states no other total and names exactly one such channel count
        self.channel_items: list[tuple[Quantity, str, int, int, bool]] = []  # (…, new-media channel)
        self.weak_total = False  # the total held says only 发布信息: a 主动公开政府信息 count replaces it

    def add_total(self, q: Quantity, clause: str, clause_start: int, local: int, *, explicit: bool) -> None:
        """The year's disclosure total: the first mention, except that a count said to be the
        proactively disclosed government information (主动公开政府信息2122条) replaces an earlier
        one that says only "published information" (全年共发布信息166条, often one topic's)."""
        if explicit and self.weak_total:
            del self.facts[("disclosure.items", "")]
            self.weak_total = False
        if self.add("disclosure.items", q, clause, clause_start, local) and not explicit:
            self.weak_total = "政府信息" not in clause

    def has(self, metric: str, breakdown: str = "") -> bool:
        return (metric, breakdown) in self.facts

    def add(self, metric: str, q: Quantity, clause: str, clause_start: int, local: int,
            breakdown: str = "", note: str | None = None, raw: bool = False) -> bool:
        """``raw``: positions are in ``seg.text`` itself (table rows), not in the joined view."""
        key = (metric, breakdown)
        if key in self.facts or metric not in self.metrics:
            return False
        if q.unit != self.metrics[metric].unit:
            return False
        view_pos = clause_start + local
        if raw:
            offset = self.ctx.seg.offset + view_pos
            self.view_pos[key] = -1  # not in the joined view
            printed = self.ctx.seg.text[clause_start: clause_start + len(clause)] or clause
        else:
            offset = self.ctx.seg.offset + self.ctx.original(view_pos)
            self.view_pos[key] = view_pos
            printed = self.ctx.printed[clause_start: clause_start + len(clause)] or clause
        ev = Evidence(raw_text=_raw(printed, local), offset=offset, page=self.ctx.doc.page_at(offset))
        self.facts[key] = Fact(metric=metric, value=q.value, breakdown=breakdown, unit=q.unit,
                               approx=q.approx, evidence=ev, note=note)
        return True


def _quantity(m: re.Match[str], default_unit: str | None) -> tuple[Quantity, int] | None:
    """(Quantity, local offset of the number) from a rule match; 无 gives a count of 0."""
    groups = m.groupdict()
    if groups.get("zero"):
        return Quantity(0.0, "count"), m.start("zero")
    if not groups.get("n"):
        return None
    unit = groups.get("u") or default_unit
    try:
        q = quantity_from_match(m, unit)
    except ValueError:
        return None
    return q, m.start("pre") if groups.get("pre") else m.start("n")


def _apply(rule: Rule, col: _Collector, clause: str, cstart: int, sentence: str) -> re.Match[str] | None:
    # disclosure counts are judged by the words up to their own count: a list that goes on to
    # 依申请公开341条 does not make 主动公开政府信息55条 a count of requests
    local_exclude = rule.metric == "disclosure.items"
    if rule.exclude and not local_exclude and rule.exclude.search(clause):
        return None
    first: re.Match[str] | None = None
    for m in rule.pattern.finditer(clause):
        if local_exclude and rule.exclude and rule.exclude.search(
                clause[: m.end()] + _rx(r"[、，,)）]").split(clause[m.end(): m.end() + 6])[0]):
            continue
        if not _gate_ok(rule.gate, col.ctx, sentence, cstart + m.start()):
            continue
        got = _quantity(m, rule.unit)
        if got is None:
            continue
        q, local = got
        if m.groupdict().get("zero"):
            unit = col.metrics[rule.metric].unit if rule.metric in col.metrics else "count"
            q = Quantity(0.0, unit, False)
        breakdown = rule.breakdown(m) if rule.breakdown else ""
        if rule.breakdown and not breakdown:
            continue
        if m.groupdict().get("u") and _TIME_SPAN.match(clause, m.end("u")):
            continue  # 15个工作日内 / 3个月: a time span, not a count
        if not q.approx and _rx(r"以上|左右|上下").match(clause[m.end():]):
            q = Quantity(q.value, q.unit, True)
        if rule.gate == "items_total" and _SHARE_AFTER.match(col.ctx.text, cstart + m.end()):
            continue  # a part of the total, with its share
        if rule.gate == "items_total" and _CHANNEL.search(clause[: m.end()]):
            if not _SHARE.search(sentence):
                media = bool(_MEDIA_CHANNEL.search(clause[: m.end()]))
                col.channel_items.append((q, clause, cstart, local, media))
            return m
        if rule.gate == "items_total":
            col.add_total(q, clause, cstart, local, explicit="主动公开" in clause[: m.end()] and "政府信息" in clause)
            return m
        col.add(rule.metric, q, clause, cstart, local, breakdown)
        first = first or m
        if not rule.breakdown:
            return m  # one total per rule and clause; breakdowns list several (A类12条、B类30条)
    return first


_PART_YEAR = _rx(
    r"^\s*(?:[0-9０-９一]{1,2}\s*[-—–~～至到]\s*(?:[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})\s*月(?:份)?|前[一二三]季度|上半年|前[0-9０-９一二三四五六七八九十]{1,3}个月)"
)


def _investment(col: _Collector, text: str, clauses: list[tuple[int, int]]) -> None:
    subject: str | None = None
    if clauses and _PART_YEAR.search(text[clauses[0][0]: clauses[-1][1]]):
        return  # 1-11月，实际利用外资3200万美元: part of the year, not the year's figure
    enterprise = False  # once a sentence names one enterprise, its amounts are that enterprise's
    for cs, ce in clauses:
        clause = text[cs:ce]
        search_from = 0
        matched = False
        if _rx(r"公司|集团|有限|厂(?!商)|其中[^，,]{0,10}(?:企业|产品)").search(clause):
            enterprise, subject = True, None
        for rule in SUBJECT_RULES:
            if enterprise or (rule.exclude and rule.exclude.search(clause)):
                continue
            m = rule.pattern.search(clause)
            if not m:
                continue
            got = _quantity(m, None)
            if got is None:
                continue
            q, local = got
            subject = rule.metric if col.add(rule.metric, q, clause, cs, local) else None
            search_from = m.end()
            matched = True
            break
        if not matched and not enterprise:
            # 出口总额10.9亿元，比增44.7%: exports in yuan have no metric of their own (exports_usd
            # is in dollars), but their change and plan completion are the exports' all the same
            m = _EXPORTS_CNY.search(clause)
            if m and not _EXPORTS_EXCLUDE.search(clause):
                subject, search_from, matched = "investment.exports_usd", m.end(), True
        if not matched and _ANY_MONEY.search(clause):
            subject = None  # another amount (注册资金, 投资总额 …) closes the subject
        if subject is None:
            continue
        yoy_metric, plan_metric = SUBJECT_TARGETS[subject]
        m = _PLAN.search(clause, search_from)
        if m:
            got = _quantity(m, "%")
            if got:
                col.add(plan_metric, got[0], clause, cs, got[1])
        for m in _YOY.finditer(clause, search_from):
            if _PLAN.search(clause[max(0, m.start() - 8): m.end()]):
                continue
            got = _quantity(m, "%")
            if got:
                q, local = got
                down = m.group("dir") in ("比降", "下降", "降幅", "减少", "回落", "降")
                if down != bool(m.group("neg")):  # 比增-5.6% is a fall; 下降-2% would be a rise
                    q = Quantity(-q.value, q.unit, q.approx)
                col.add(yoy_metric, q, clause, cs, local)
                break


def _appeals(col: _Collector, text: str, clauses: list[tuple[int, int]], sentence: str,
             carried: bool = False) -> bool:
    """Review/lawsuit totals and outcomes of one sentence; True when it spoke about them.

    ``carried``: the previous sentence of the same paragraph was about disclosure appeals,
    so this one (行政诉讼40件，其中维持30件) is too, even without repeating 信息公开.
    """
    subject: str | None = None
    subject_total: float | None = None  # the total stated for the subject in this sentence
    spoke = False
    both = _BOTH_ZERO.search(sentence)
    if both and (carried or _gate_ok("appeals", col.ctx, sentence, clauses[0][0] if clauses else 0)):
        # 本年度行政复议和行政诉讼案件均为0件
        cs = clauses[0][0] if clauses else 0
        for metric in ("appeals.review_total", "appeals.suit_total"):
            col.add(metric, Quantity(0.0, "count"), sentence, cs, both.end() - 2)
        return True
    for ci, (cs, ce) in enumerate(clauses):
        clause = text[cs:ce]
        if not carried and not _gate_ok("appeals", col.ctx, sentence, cs):
            return False
        if subject is not None and subject_total and not _rx(r"[0-9０-９]").search(clause):
            # 行政诉讼5件，均维持 / 行政诉讼1件，尚在审理中: the outcome of all of them
            if _ALL_UPHELD.search(clause):
                col.add(APPEAL_PREFIX[subject] + "upheld", Quantity(subject_total, "count"), clause, cs,
                        _ALL_UPHELD.search(clause).start())  # type: ignore[union-attr]
            elif _ALL_PENDING.search(clause):
                col.add(APPEAL_PREFIX[subject] + "pending", Quantity(subject_total, "count"), clause, cs,
                        _ALL_PENDING.search(clause).start())  # type: ignore[union-attr]
        if _rx(r"复议|诉讼").search(clause):
            spoke = True
        # every total stated in the clause (行政复议1件、行政诉讼0件), in text order
        totals: list[tuple[re.Match[str], Rule]] = []
        for rule in APPEAL_TOTALS:
            if rule.exclude and rule.exclude.search(clause):
                continue
            m = rule.pattern.search(clause)
            if m and m.groupdict().get("u") and _TIME_SPAN.match(clause, m.end("u")):
                continue  # 复议决定作出后15个工作日内: a time span
            if m and _quantity(m, None) is not None:
                totals.append((m, rule))
        totals.sort(key=lambda t: t[0].start())
        # outcomes after a total belong to it, up to the next total
        if totals:
            if len(totals) == 1 and "信息公开" not in clause:
                # 共收到行政复议申请8件，其中涉及政府信息公开的2件: the total is the part
                rest = text[ce: clauses[-1][1]]
                skip = len(rest) - len(rest.lstrip("，, \u3000"))
                sub = _DISCLOSURE_PART.match(rest, skip)
                if sub:
                    q = quantity_from_match(sub, "件")
                    scs = ce + sub.start()
                    col.add(totals[0][1].metric, q, text[scs: ce + sub.end()], scs, sub.start("n") - sub.start())
                    subject_total = None  # outcomes that follow may be of all cases: not attached
                    subject = None
                    continue
            for i, (m, rule) in enumerate(totals):
                got = _quantity(m, None)
                assert got is not None
                col.add(rule.metric, got[0], clause, cs, got[1])
                subject_total = got[0].value
                subject = "review" if rule.metric.endswith("review_total") else "suit"
                end = totals[i + 1][0].start() if i + 1 < len(totals) else len(clause)
                _outcomes(col, clause, cs, subject, m.end(), end)
            continue
        if _rx(r"复议").search(clause):
            subject = "review"
        elif _rx(r"诉讼|起诉|应诉").search(clause):
            subject = "suit"
        if subject is not None:
            _outcomes(col, clause, cs, subject, 0, len(clause))
    return spoke


_ALL_UPHELD = _rx(
    r"^\s*(?:且|经审理|经审查)?(?:结果(?:为|是)?|均|全部|都)(?:被|已|已被)?(?:予以)?维持"
)
_BOTH_ZERO = _rx(
    r"复议[^，,。；;\d]{0,12}诉讼[^，,。；;\d]{0,6}?"
    r"(?:(?:均|都)(?:为)?(?:0|０|零)(?:件|起)?|(?:均|都)?(?:未发生|没有发生|未曾发生)(?!变化))"
)
_ALL_PENDING = _rx(r"^\s*(?:目前|现)?(?:均|全部|都)?(?:尚在审理|尚未审结|正在审理|仍在审理|在审理中|尚在审查)")
_DISCLOSURE_PART = _re(
    r"其中[^，,。；;\d０-９]{0,8}?(?:政府)?信息公开[^，,。；;\d０-９]{0,8}?{N}(?P<u>件|起|宗)"
)


def _outcomes(col: _Collector, clause: str, cs: int, subject: str, start: int, end: int) -> None:
    for suffix, pat in OUTCOMES:
        m = pat.search(clause, start, end)
        if m:
            got = _quantity(m, None)
            if got:
                col.add(APPEAL_PREFIX[subject] + suffix, got[0], clause, cs, got[1])


_LAID_OUT = _rx(r"\S[ \u3000]{2,}\S")


def _negations(col: _Collector, text: str, clauses: list[tuple[int, int]], sentence: str) -> None:
    for cs, ce in clauses:
        clause = text[cs:ce]
        bare = _DATES.sub("", clause)
        if _HAS_NUMBER.search(bare) or _rx(r"[XＸxｘ]+(?:[件条个人次余])").search(bare):
            continue
        if _LAID_OUT.search(clause):
            continue  # a table header laid out with spaces (尚 未 审 结 …), not a sentence
        for metric, pat, gate in NEGATIONS:
            m = pat.search(clause)
            if not m or not _gate_ok(gate, col.ctx, sentence, cs):
                continue
            unit = col.metrics[metric].unit
            col.add(metric, Quantity(0.0, unit), clause, cs, m.start("k"))


_BARE_NONE = _rx(r"^\s*(?:无|没有|暂无|无此类情况|无相关情况|无此情况|本年度无|全年无)\s*$")
# a heading about … whose whole body says 无: the zero of its metrics
_NONE_UNDER: list[tuple[re.Pattern[str], tuple[str, ...]]] = [
    (_rx(r"收费|信息处理费"), ("operations.request_fees_cny",)),
    (_rx(r"复议.*诉讼.*申诉|申诉.*复议.*诉讼"),
     ("appeals.review_total", "appeals.suit_total", "appeals.complaints_total")),
    (_rx(r"复议.*诉讼"), ("appeals.review_total", "appeals.suit_total")),
    (_rx(r"^(?!.*(?:复议|诉讼|收费|主动)).*(?:依申请公开|公开申请)"), ("requests.received",)),
]


def _none_under_heading(col: _Collector, text: str, ss: int, se: int) -> None:
    """``三、政府信息公开的收费及减免情况\n无。`` → request fees 0."""
    sentence = text[ss:se]
    if not _BARE_NONE.match(sentence):
        return
    line_start = text.rfind("\n", 0, ss) + 1
    if text[line_start:ss].strip():
        return  # not a line of its own
    heading = col.ctx.heading_at(ss)
    if not heading:
        return
    for pat, metrics in _NONE_UNDER:
        if pat.search(heading):
            for metric in metrics:
                unit = col.metrics[metric].unit
                col.add(metric, Quantity(0.0, unit), sentence, ss, len(sentence) - len(sentence.lstrip()))
            return


def _derived_received(col: _Collector, text: str, sentences: list[tuple[int, int]]) -> None:
    """全年共收到在线申请19件，纸质申请4件 → requests.received 23 (sum of the stated parts)."""
    if col.has("requests.received"):
        return
    channels = [k for k in col.facts
                if k[0].startswith("requests.channel_") and k[1] == "" and col.view_pos.get(k, -1) >= 0]
    for ss, se in sentences:
        sentence = text[ss:se]
        if not _rx(r"(?:共|全年|累计|合计|总共|本年|年内)?(?:收到|受理|接到|接收|新收)").search(sentence):
            continue
        keys = [k for k in channels if ss <= col.view_pos[k] < se]
        if len(keys) < 2:
            continue
        parts = [col.facts[k] for k in keys]
        total = sum(p.value or 0 for p in parts)
        local = min(col.view_pos[k] for k in keys) - ss
        desc = " + ".join(f"{p.evidence.raw_text}" for p in parts)  # type: ignore[union-attr]
        last = max(col.view_pos[k] for k in keys) - ss
        cut = _CLAUSE_END.search(sentence, last)
        stated = sentence[: cut.start() if cut else len(sentence)]
        col.add(
            "requests.received",
            Quantity(total, "count", any(p.approx for p in parts)),
            stated,
            ss,
            local,
            note=f"derived: sum of the stated parts ({desc})",
        )
        return


_SOFT_BREAK_END = _rx(r"[。；;！？!?：:]\s*$")
_SPACED_COLUMNS = _rx(r"\S {3,}\S")


def joined_view(text: str) -> tuple[str, list[int]]:
    """The text with wrapping newlines removed, and where they were (in view positions).

    PDF text (and text saved from it) wraps paragraphs at the page width, splitting words and
    numbers from their measure words (``政务新\n媒体``, ``新闻发布会2\n场``). A newline is a
    wrap when its line is about as long as the document's full lines, does not end a sentence,
    and the next line is not a heading or a table row. Positions map back (see
    ``_Ctx.original``), so evidence still points into the original text.
    """
    lines = text.split("\n")
    # (a table's rows — Markdown, the readers' tab-separated ones, or columns set apart by runs
    # of spaces as ``pdftotext -layout`` prints them — are not prose: their width says nothing
    # about the page's)
    lengths = sorted(len(ln.strip()) for ln in lines
                     if len(ln.strip()) >= 10 and not ln.lstrip().startswith("|") and "\t" not in ln
                     and not (_SPACED_COLUMNS.search(ln) and not _PROSE_PUNCT.search(ln)))
    # PDF text puts a space between Chinese and a number (实际利用外资 1.37 亿美元): not a word gap
    spaces = [m.start() for m in _SOFT_SPACE.finditer(text)]
    # justified PDF lines pad the gap around a number with a run of spaces (markitdown:
    # "主动公开政府信息      125      条，涵盖"): on a line of prose every space of the run is soft
    spaces += [k for m in _PADDED_NUMBER.finditer(text) if _PROSE_PUNCT.search(text, *_line_span(text, m.start()))
               for k in range(m.start(), m.end())]
    prose, cut = _prose_tables(lines)
    spaces += cut
    if len(lengths) < 3:
        return _remove(text, sorted(set(spaces)))
    full = lengths[int(len(lengths) * 0.75)]
    soft: list[int] = []
    pos = 0
    for i, line in enumerate(lines[:-1]):
        pos += len(line)
        nxt = lines[i + 1]
        body = line.strip()
        if i in prose:
            # a prose line a converter set as a table row: it wraps into the next row (or the
            # line after the table) unless it ends a sentence
            body = prose[i]
            if body and not _SOFT_BREAK_END.search(body) and nxt.strip() and not _HEADING.match(nxt) \
                    and (i + 1 in prose or not nxt.lstrip().startswith("|")):
                soft.append(pos)
            pos += 1
            continue
        if (
            len(body) >= max(10, full * 0.85)
            and not _SOFT_BREAK_END.search(body)
            and "\t" not in line and "\t" not in nxt
            and nxt.strip()
            and not _HEADING.match(nxt)
            and (i + 1 in prose or not nxt.lstrip().startswith(("|", "第")))
            and not (_HEADING.match(line) and not _rx(r"[，。；,;]").search(body))  # a heading line
        ):
            soft.append(pos)
            # the indent a converter leaves at the start of the wrapped line (" 5      条") and
            # the padding before the wrap are part of the wrap too
            k = pos + 1
            while k < len(text) and text[k] == " ":
                soft.append(k)
                k += 1
            k = pos - 1
            while k >= 0 and text[k] == " ":
                soft.append(k)
                k -= 1
        pos += 1
    return _remove(text, sorted(set(soft) | set(spaces)))


_PIPE_LINE = _rx(r"^[ \t]*\|.*\|[ \t]*$")
_RULE_LINE = _rx(r"^[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)+[ \t]*$")
_CELL_GAP = _rx(r"[ \t]*\|[ \t|]*")
_SENTENCE_PUNCT = _rx(r"[，。；]")
_WORDISH = _rx(r"[0-9A-Za-z.%]")


def _prose_tables(lines: list[str]) -> tuple[dict[int, str], list[int]]:
    """Markdown "tables" that are prose: {line index: the line's text without its cell
    borders}, and the positions of the borders (with their padding and the separator rows).

    markitdown sets justified paragraphs as tables, one cell per stretch of a line
    (``| 信息 437 | 条，其中，主动公开政府信息 | | 55 | 条（涵盖…``). A run of pipe rows is
    prose when at least half of its rows carry sentence punctuation (，。；) — the form's
    tables carry it in their header note at most. Between two cells whose neighbouring
    characters are both digits or letters one character stays, so that numbers of two cells
    never run together.
    """
    prose: dict[int, str] = {}
    cut: list[int] = []
    starts = [0]
    for ln in lines:
        starts.append(starts[-1] + len(ln) + 1)
    i = 0
    while i < len(lines):
        if not _PIPE_LINE.match(lines[i]):
            i += 1
            continue
        j = i
        while j < len(lines) and _PIPE_LINE.match(lines[j]):
            j += 1
        rows = [k for k in range(i, j) if not _RULE_LINE.match(lines[k])]
        if rows and sum(1 for k in rows if _SENTENCE_PUNCT.search(lines[k])) * 2 >= len(rows):
            for k in range(i, j):
                line, base = lines[k], starts[k]
                if _RULE_LINE.match(line):
                    cut += range(base, base + len(line) + (1 if k + 1 < len(lines) else 0))
                    prose[k] = ""  # (its line break goes with it)
                    continue
                kept: list[str] = []
                prev = 0
                for m in _CELL_GAP.finditer(line):
                    a, b = m.start(), m.end()
                    left = line[a - 1] if a > 0 else ""
                    right = line[b] if b < len(line) else ""
                    keep = a if (left and right and _WORDISH.match(left) and _WORDISH.match(right)) else -1
                    cut += [base + x for x in range(a, b) if x != keep]
                    kept.append(line[prev:a] + (line[keep] if keep >= 0 else ""))
                    prev = b
                kept.append(line[prev:])
                prose[k] = "".join(kept).strip()
        i = j
    return prose, cut


# one space between a Chinese character and a number or a percent sign, either way round, or
# between two Chinese characters (a converter joining PDF lines with a space: 2026 条 政府信息)
_SOFT_SPACE = _rx(r"(?<=[\u4e00-\u9fff]) (?=[0-9０-９\u4e00-\u9fff])|(?<=[0-9０-９%％]) (?=[\u4e00-\u9fff])")


#: a run of 2–8 spaces between a Chinese character and a number (either way round)
_PADDED_NUMBER = _rx(r"(?<=[\u4e00-\u9fff]) {2,8}(?=[0-9０-９])|(?<=[0-9０-９%％]) {2,8}(?=[\u4e00-\u9fff])")
_PROSE_PUNCT = _rx(r"[，。；：、]")


def _line_span(text: str, pos: int) -> tuple[int, int]:
    """(start, end) of the line holding ``pos``."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end < 0 else end


def _remove(text: str, positions: list[int]) -> tuple[str, list[int]]:
    """``text`` without the characters at ``positions`` (sorted), and the view positions of the
    characters that follow each removed one (see ``_Ctx.original``)."""
    if not positions:
        return text, []
    pieces = []
    prev = 0
    for p in positions:
        pieces.append(text[prev:p])
        prev = p + 1
    pieces.append(text[prev:])
    # the character after the j-th removed character sits at view position positions[j] - j
    return "".join(pieces), [p - j for j, p in enumerate(positions)]


# --- the 2008–2018 统计表 (政府信息公开情况统计表): label | unit | number rows ---------------
# Reports of 2014–2018 (and many earlier) append the national statistics table. Readers render
# table rows as TAB-separated lines (PDF text: runs of spaces). A row is read only when its label
# is one of the table's indicators below and its number cell is a plain number; the section a
# 维持/纠错/其他 row belongs to is the last 行政复议/行政诉讼 row above it.
_STAT_ROW = _rx(
    r"^\s*\|?\s*(?P<label>[^\t|]+?)\s*(?:\t+|\s*\|\s*|\s{2,}|\s(?=[条件次篇人个万元]))\s*"
    r"(?:(?P<unit>人次|万元|条|件|次|篇|人|个|元)\s*(?:\t+|\s*\|\s*|\s+))?"
    r"(?P<val>[0-9０-９]+(?:[.．][0-9０-９]+)?)\s*\|?\s*$"
)
_STAT_PREFIX = _rx(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）]|[0-9０-９]+[.．、]|其中[：:])\s*")
_STAT_LABELS: list[tuple[re.Pattern[str], str]] = [
    (_rx(p), m)
    for p, m in (
        (r"^主动公开政府信息(?:数|条数|数量)", "disclosure.items"),
        (r"^主动公开(?:信息|文件)(?:数|条数|总数)$", "disclosure.items"),
        (r"^受理(?:政府信息)?依申请公开(?:信息|申请)?(?:总数|数)$", "requests.received"),
        (r"^对申请的?答复(?:总)?数$", "requests.processed_total"),
        (r"^(?:否决|不予)公开(?:答复)?数$", "requests.denied"),
        (r"^(?:行政)?申诉(?:、举报)?数$", "appeals.complaints_total"),
        (r"^制发规范性文件(?:总数|数)", "disclosure.normative_docs_made"),
        (r"^(?:参加或)?举办新闻发布会(?:总)?次数", "disclosure.press_conferences"),
        (r"^政策解读稿件(?:发布)?数", "disclosure.interpretations"),
        (r"^(?:收到|受理)(?:政府信息公开)?申请(?:数|总数|件数)", "requests.received"),
        (r"^当面申请数", "requests.channel_in_person"),
        (r"^传真申请数", "requests.channel_fax"),
        (r"^(?:网络|网上|互联网)申请数", "requests.channel_online"),
        (r"^(?:信函|书面)申请数", "requests.channel_paper"),
        (r"^(?:电子邮件|电子邮箱)申请数", "requests.channel_email"),
        (r"^申请办结数", "requests.processed_total"),
        (r"^属于已主动公开(?:范围)?数", "requests.already_public"),
        (r"^同意公开(?:答复)?数", "requests.granted"),
        (r"^同意部分公开(?:答复)?数", "requests.partially_granted"),
        (r"^不同意公开(?:答复)?数", "requests.denied"),
        (r"^不属于本(?:行政)?机关公开(?:范围)?数", "requests.unable_not_held"),
        (r"^告知作出更改补充数", "requests.correction_requested"),
        (r"^(?:行政)?复议(?:数量|数|案件数)", "appeals.review_total"),
        (r"^(?:行政)?诉讼(?:数量|数|案件数)", "appeals.suit_total"),
        (r"^维持具体行政行为(?:或者驳回原告诉讼请求)?数", "@upheld"),
        (r"^被依法纠错数", "@corrected"),
        (r"^其他情形数", "@other"),
        (r"^(?:举报投诉|投诉举报|申诉)(?:数量|数)", "appeals.complaints_total"),
        (r"^依申请公开(?:政府)?信息收取的?费用", "operations.request_fees_cny"),
        (r"^专职(?:工作)?人员数", "operations.staff_full_time"),
        (r"^兼职(?:工作)?人员数", "operations.staff_part_time"),
        (r"^政府信息公开专项经费", "operations.spending_cny"),
    )
]


_STAT_ROW_MAX = 160
_ENDS_WITH_NUMBER = _rx(r"[0-9０-９]\s*\|?\s*$")


def _stat_table(col: _Collector, text: str) -> None:
    section: str | None = None  # "review" / "suit" for the 维持/纠错/其他 rows
    pos = 0
    for line in text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        # a row is a label, maybe a unit and one number: a long line (a text rendering padding
        # cells with spaces) is none, and would cost the row pattern's backtracking dearly
        if len(line) > _STAT_ROW_MAX or not _ENDS_WITH_NUMBER.search(line):
            continue
        m = _STAT_ROW.match(line)
        if not m:
            continue
        label = m.group("label").strip()
        while True:
            cut = _STAT_PREFIX.sub("", label)
            if cut == label:
                break
            label = cut
        label = _rx(r"[\s\u3000]").sub("", label)
        metric = next((mt for pat, mt in _STAT_LABELS if pat.search(label)), None)
        if metric is None:
            continue
        if metric == "appeals.review_total":
            section = "review"
        elif metric == "appeals.suit_total":
            section = "suit"
        elif metric.startswith("@"):
            if section is None:
                continue
            metric = APPEAL_PREFIX[section] + metric[1:]
        unit = m.group("unit") or ("万元" if "万元" in label else None)
        if col.metrics.get(metric) and col.metrics[metric].unit == "cny" and unit not in ("万元", "元"):
            continue  # an amount without its unit is not read
        try:
            q = quantity_from_match(_STAT_NUM.match(m.group("val")), unit)  # type: ignore[arg-type]
        except (ValueError, AttributeError):
            continue
        col.add(metric, q, line, start, m.start("val"), raw=True)


_STAT_NUM = _rx(r"(?P<pre>)(?P<n>.+)(?P<mult>)(?P<post>)")


def _run_stat_table(col: _Collector, text: str) -> None:
    """The statistics table run together into prose by a text rendering (see
    :mod:`etl.extract.stattable`): only the rows whose year value is certain."""
    for row in parse_stat_run(text):
        label = _rx(r"[\s\u3000]").sub("", row.label)
        metric = next((mt for pat, mt in _STAT_LABELS if pat.search(label)), None)
        if metric is None or metric.startswith("@"):
            continue
        if row.value is None or row.unit not in ("条", "件", "个", "次", "人次", "篇", "项"):
            continue
        if col.metrics.get(metric) is None or col.metrics[metric].unit != "count":
            continue
        q = quantity_from_match(_STAT_NUM.match(str(row.value)), row.unit)  # type: ignore[arg-type]
        col.add(metric, q, text[row.start: row.end], row.start, row.offset - row.start, raw=True)


# a section mark: （四） or 四、 (not 十四、 read as 四、)
_SECTION_MARK = _rx(r"[（(][一二三四五六七八九十]{1,3}[）)]|(?<![一二三四五六七八九十\d])[一二三四五六七八九十]{1,3}、")
# the section's heading names 政策解读 itself: （四）开展政策解读工作情况 / （二）政策解读情况
_INTERP_HEADING = _rx(r"[^。；;，,：:\n]{0,12}?政策解读(?:工作)?(?:情况|工作)")
# the section's one count of what it published: 2017年，共公开发布信息82条
_SECTION_TOTAL = _re(r"共(?:计)?(?:公开)?(?:发布|公开|公布)了?(?:各类|相关)?(?:政策)?(?:解读)?"
                     r"(?:信息|稿件|材料|文章)?{N}(?P<u>条|篇|期|份|个)")
_SECTION_VETO = _rx(r"申请|咨询|访谈|活动|培训|会议|讲座|图解|视频|动漫|漫画|音频|留言|舆情")


def _section_interpretations(col: _Collector, text: str) -> None:
    """（四）开展政策解读工作情况 … 2017年，共公开发布信息82条。（五）… → 82 interpretations.

    Reports of the old form print each part's heading inline with its prose, and the part
    about interpreting policies counts what it published without repeating 解读. Read only
    when nothing else gave the figure, only under a heading that names 政策解读, and only when
    the part holds exactly one such total (several would be its topics, not its total).
    """
    if col.has("disclosure.interpretations"):
        return
    marks = list(_SECTION_MARK.finditer(text))
    for i, mark in enumerate(marks):
        head = _INTERP_HEADING.match(text, mark.end())
        if head is None:
            continue
        end = min(marks[i + 1].start() if i + 1 < len(marks) else len(text), head.end() + 800)
        hits = list(_SECTION_TOTAL.finditer(text, head.end(), end))
        if len(hits) != 1:
            continue
        m = hits[0]
        ss = _sentence_start(text, m.start())
        ss = max(ss, head.end())
        sentence = text[ss: m.end()]
        if _SECTION_VETO.search(sentence):
            continue
        got = _quantity(m, None)
        if got is None:
            continue
        q, at = got  # ``at``: the number's position in ``text`` (the match ran on all of it)
        if col.add("disclosure.interpretations", q, sentence, ss, at - ss):
            return


def extract_narrative(seg: Segment, doc: Document) -> list[Fact]:
    """All narrative facts of one report, in text order of first mention."""
    printed, breaks = joined_view(seg.text)
    # Traditional-script mirrors: fold to simplified one character for one, so every
    # position (and so every evidence offset) stays the same as in the printed text.
    text = printed.translate(TRAD_TABLE)
    ctx = _Ctx(seg=seg, doc=doc, text=text, printed=printed, breaks=breaks,
               headings=_headings(text))
    col = _Collector(ctx)
    _stat_table(col, seg.text.translate(TRAD_TABLE))  # the printed statistics table wins over the prose
    _run_stat_table(col, seg.text.translate(TRAD_TABLE))
    sentences = _spans(text, _SENTENCE_END)
    carried = False
    for ss, se in sentences:
        sentence = text[ss:se]
        if ss > 0 and text[ss - 1] == "\n":
            carried = False  # a new paragraph starts a new context
        if _TABLE_LINE.search(sentence):
            continue  # a table rendered into the text: the form parser reads it, not prose rules
        _none_under_heading(col, text, ss, se)
        clauses = _spans(text, _CLAUSE_END, ss, se)
        for cs, ce in clauses:
            clause = text[cs:ce]
            if "无" not in clause and not _HAS_NUMBER.search(clause):
                continue  # every clause rule needs a number or 无
            cat_hit = None
            for rule in CATEGORY_RULES:
                hit = _apply(rule, col, clause, cs, sentence)
                cat_hit = cat_hit or hit
            if cat_hit is None and _plain_item(col, clause, cs):
                continue  # a category list item: no other rule reads it
            for rule in CLAUSE_RULES:
                if cat_hit is not None and rule.metric == "disclosure.items":
                    # 共公布政府信息2602条(其中机构职能类信息82条，…: the total before its breakdown
                    if cat_hit.start() > 0:
                        _apply(rule, col, clause[: cat_hit.start()], cs, sentence)
                    continue
                _apply(rule, col, clause, cs, sentence)
        _investment(col, text, clauses)
        carried = _appeals(col, text, clauses, sentence, carried)
        _negations(col, text, clauses, sentence)
    _derived_received(col, text, sentences)
    _section_interpretations(col, text)
    if not col.has("disclosure.items") and len(col.channel_items) == 1 and not col.channel_items[0][4]:
        col.add("disclosure.items", *col.channel_items[0][:4])
    return list(col.facts.values())
