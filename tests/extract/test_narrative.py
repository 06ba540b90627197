"""Narrative rules, each tested on sentences written here (positive and negative cases)."""
from __future__ import annotations

import pytest

from etl.model import Document, Page, Segment
from etl.extract.narrative import clean_category, extract_narrative


def run(text: str, offset: int = 0, prefix: str = "") -> list:
    full = prefix + text
    doc = Document(source="t.txt", format="text", text=full)
    seg = Segment(position=1, title="", text=text, offset=len(prefix))
    return extract_narrative(seg, doc)


def values(text: str) -> dict[tuple[str, str], float | None]:
    return {(f.metric, f.breakdown): f.value for f in run(text)}


def one(text: str, metric: str, breakdown: str = ""):
    return values(text).get((metric, breakdown))


# --- proactive disclosure ------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, value",
    [
        ("2008年，我局公开信息3条，全文电子化达100%。", 3),
        ("全年共发布信息511条。", 511),
        ("本机关主动公开各类政府信息5500余条。", 5500),
        ("通过门户网站主动公开政府信息1,234条。", 1234),
        ("全年共主动公开3210条政府信息。", 3210),
        ("全年主动公开政府信息１２３条。", 123),
    ],
)
def test_items_total(text: str, value: float) -> None:
    assert one(text, "disclosure.items") == value


@pytest.mark.parametrize(
    "text",
    [
        "中国政府法制网共刊载我省政府法制信息190条。",
        "在《芗城信息》共发表10条信息。",
        "在主动公开的信息中属公共资金使用和监督方面的信息无。",
        "全省各级确认公布行政执法主体共计8674个。",
        "主动公开了X年各类政府信息XX条。",
        "向上级报送政务信息58条。",
    ],
)
def test_items_negative(text: str) -> None:
    assert one(text, "disclosure.items") is None


def test_items_approx_flag_and_evidence() -> None:
    facts = run("本机关主动公开各类政府信息5500余条。")
    (f,) = [f for f in facts if f.metric == "disclosure.items"]
    assert f.approx and f.unit == "count"
    assert f.evidence.raw_text == "本机关主动公开各类政府信息5500余条"


def test_categories_quoted_and_unquoted() -> None:
    v = values(
        "我单位共发布信息511条，其中，“机构设置”栏目发布信息9条，占总数的1.76%；"
        "“人事信息”栏目发布信息10条；“招标采购”栏目发布6条；“通知公告”类信息120条。"
    )
    assert v[("disclosure.items", "")] == 511
    assert v[("disclosure.items", "机构设置")] == 9
    assert v[("disclosure.items", "人事信息")] == 10
    assert v[("disclosure.items", "招标采购")] == 6
    assert v[("disclosure.items", "通知公告")] == 120
    v = values("全年主动公开信息1,234条，其中机构职能类信息12条、政策法规类30条。")
    assert v[("disclosure.items", "机构职能")] == 12 and v[("disclosure.items", "政策法规")] == 30
    assert v[("disclosure.items", "")] == 1234


def test_category_not_taken_from_other_quoted_names() -> None:
    v = values("“专家咨询”收到46条咨询、“投诉举报”收到42条意见。编印“政策文件资料汇编”2万余份。")
    assert not any(m == "disclosure.items" for m, _ in v)
    assert v[("operations.consultations", "")] == 46
    assert v[("operations.complaints", "")] == 42


def test_category_total_not_taken_from_a_category_clause() -> None:
    # only categories printed: no total invented from the first category
    v = values("“机构设置”栏目发布信息9条，“部门动态”栏目发布信息63条。")
    assert ("disclosure.items", "") not in v
    assert v[("disclosure.items", "部门动态")] == 63


@pytest.mark.parametrize(
    "name, clean",
    [("“机构设置”", "机构设置"), ("机构职能类", "机构职能"), ("行政许可类信息", "行政许可"), ("规划计划栏目", "规划计划"),
     ("人事信息", "人事信息")],
)
def test_clean_category(name: str, clean: str) -> None:
    assert clean_category(name) == clean


def test_new_form_disclosure_prose() -> None:
    v = values("2020年，本机关主动公开各类政府信息5500余条，发布政策解读21个，召开新闻发布会12场。全市共开设政务新媒体95个。")
    assert v[("disclosure.items", "")] == 5500
    assert v[("disclosure.interpretations", "")] == 21
    assert v[("disclosure.press_conferences", "")] == 12
    assert v[("operations.new_media_accounts", "")] == 95
    assert one("全年发布21篇政策解读，举办3场新闻发布会。", "disclosure.interpretations") == 21
    assert one("全年发布21篇政策解读，举办3场新闻发布会。", "disclosure.press_conferences") == 3
    assert one("召开新闻发布会筹备会议。", "disclosure.press_conferences") is None


def test_electronic_pct() -> None:
    assert one("全文电子化率达到98.5%。", "disclosure.electronic_pct") == 98.5
    assert one("电子化工作稳步推进。", "disclosure.electronic_pct") is None


# --- requests ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, value",
    [
        ("我局2008年度受理信息公开申请无。", 0),
        ("政府信息网收到公开申请14件，均按时答复。", 14),
        ("2020年共收到政府信息公开申请120件。", 120),
        ("全年共受理政府信息公开申请五十六件。", 56),
        ("本年度新收政府信息公开申请30件。", 30),
        ("全年收到14件政府信息公开申请。", 14),
        ("全年未收到政府信息公开申请。", 0),
    ],
)
def test_requests_received(text: str, value: float) -> None:
    assert one(text, "requests.received") == value


@pytest.mark.parametrize(
    "text",
    [
        "政务中心窗口设置2个政府信息公开申请受理点。",
        "收到行政复议申请5件。",
        "认真承办“人民网”网友留言事项4件，“中安网”网络问政事项17件。",
        "我局未接到依申请公开事项XX件。",
    ],
)
def test_requests_received_negative(text: str) -> None:
    assert one(text, "requests.received") is None


def test_channels_and_derived_total() -> None:
    facts = run("全年共收到在线申请19件，纸质申请4件，所涉内容为规章清理情况。")
    v = {(f.metric, f.breakdown): f for f in facts}
    assert v[("requests.channel_online", "")].value == 19
    assert v[("requests.channel_paper", "")].value == 4
    total = v[("requests.received", "")]
    assert total.value == 23 and total.note and total.note.startswith("derived")
    assert "所涉内容" not in total.evidence.raw_text


def test_stated_total_beats_derived() -> None:
    v = values("共收到政府信息公开申请30件，其中网上申请19件，信函申请4件。")
    assert v[("requests.received", "")] == 30
    assert v[("requests.channel_online", "")] == 19 and v[("requests.channel_paper", "")] == 4


def test_channels_in_person_email_fax_chinese_numerals() -> None:
    v = values("当面申请三件，电子邮件申请2件，传真申请1件。")
    assert v[("requests.channel_in_person", "")] == 3
    assert v[("requests.channel_email", "")] == 2
    assert v[("requests.channel_fax", "")] == 1
    assert ("requests.received", "") not in v  # no 收到/受理: the parts are not a stated total


def test_outcomes_number_first() -> None:
    v = values(
        "其中，4件属于我办已主动公开的信息，1件属于依申请公开的信息，15件不属于政府信息公开的范畴，"
        "2件属于咨询类事项，1件要求申请人补正。"
    )
    assert v == {
        ("requests.already_public", ""): 4,
        ("requests.granted", ""): 1,
        ("requests.not_gov_info", ""): 15,
        ("requests.consultation", ""): 2,
        ("requests.correction_requested", ""): 1,
    }


def test_outcomes_number_after() -> None:
    v = values(
        "2020年共收到政府信息公开申请120件，上年结转5件。其中予以公开60件，部分公开10件，不予公开3件，"
        "本机关不掌握相关政府信息8件，结转下年度继续办理7件，全年办结118件。"
    )
    assert v[("requests.received", "")] == 120
    assert v[("requests.carried_over_in", "")] == 5
    assert v[("requests.granted", "")] == 60
    assert v[("requests.partially_granted", "")] == 10
    assert v[("requests.denied", "")] == 3
    assert v[("requests.unable_not_held", "")] == 8
    assert v[("requests.carried_over_out", "")] == 7
    assert v[("requests.processed_total", "")] == 118


def test_granted_not_taken_from_denied_or_partial() -> None:
    v = values("不予公开3件、部分公开2件。")
    assert ("requests.granted", "") not in v
    assert v[("requests.denied", "")] == 3 and v[("requests.partially_granted", "")] == 2


# --- appeals -------------------------------------------------------------------------------

def test_reviews_and_suits_with_outcomes() -> None:
    v = values(
        "全年发生政府信息公开行政复议351件，其中维持72件，纠正15件，其他结果20件，尚未审结3件；"
        "行政诉讼40件，其中维持30件，纠正2件。"
    )
    assert v[("appeals.review_total", "")] == 351
    assert v[("appeals.review_upheld", "")] == 72
    assert v[("appeals.review_corrected", "")] == 15
    assert v[("appeals.review_other", "")] == 20
    assert v[("appeals.review_pending", "")] == 3
    assert v[("appeals.suit_total", "")] == 40
    assert v[("appeals.suit_upheld", "")] == 30
    assert v[("appeals.suit_corrected", "")] == 2


def test_appeals_of_a_section_heading() -> None:
    v = values("四、政府信息公开行政复议、行政诉讼情况\n本年度行政复议351件其中维持72件。\n")
    assert v[("appeals.review_total", "")] == 351 and v[("appeals.review_upheld", "")] == 72


def test_reviews_not_about_disclosure_are_ignored() -> None:
    assert values("全年共办理行政复议案件1200件。行政诉讼5件。") == {}
    assert values("收集、整理行政复议和行政应诉的典型案例。") == {}


def test_negation_states_zero() -> None:
    v = values("我局2008年度没有发生针对本部门有关政府信息公开事务的行政复议、诉讼和申诉案。")
    assert v == {("appeals.review_total", ""): 0, ("appeals.suit_total", ""): 0, ("appeals.complaints_total", ""): 0}
    v = values("全年未发生因政府信息公开引起的行政复议和行政诉讼。")
    assert v == {("appeals.review_total", ""): 0, ("appeals.suit_total", ""): 0}


def test_negation_needs_no_number_and_not_weijing() -> None:
    assert values("未经复议直接起诉3件。") == {}
    assert one("没有发生政府信息公开行政复议，行政诉讼2件。", "appeals.suit_total") == 2


# --- operations ----------------------------------------------------------------------------

def test_staff() -> None:
    v = values("(1)工作人员情况:兼职工作人员3名。我局配备专职工作人员2名。")
    assert v[("operations.staff_part_time", "")] == 3 and v[("operations.staff_full_time", "")] == 2
    v = values("配备专兼职人员5名。")
    assert ("operations.staff_part_time", "") not in v and ("operations.staff_full_time", "") not in v


def test_spending_and_fees() -> None:
    assert one("(2)政府信息公开事务的财政与实际支出情况:无。", "operations.spending_cny") == 0
    assert one("政府信息公开工作经费支出2.5万元。", "operations.spending_cny") == 25000
    assert one("五、政府支出与收费", "operations.spending_cny") is None
    assert one("本年度共收取信息处理费3940元。", "operations.request_fees_cny") == 3940
    assert one("依申请公开政府信息均未收取任何费用。", "operations.request_fees_cny") == 0
    assert one("我局行政事业性收费支出3万元用于办公。", "operations.spending_cny") is None


def test_consultations_and_complaints() -> None:
    assert one("接待群众咨询约300人次。", "operations.consultations") == 300
    f = [x for x in run("接待群众咨询约300人次。") if x.metric == "operations.consultations"][0]
    assert f.approx
    assert one("2件属于咨询类事项。", "operations.consultations") is None
    assert one("受理群众投诉举报12件。", "operations.complaints") == 12


# --- investment (work summaries) ----------------------------------------------------------

def test_investment_indicators_with_yoy_and_plan() -> None:
    v = values(
        "2007年新办外商投资企业31家,新批合同外资额7400万美元,比增10.78%,完成计划100.77%;"
        "实际到资4100万美元,比增14.49%,完成年计划的102.50%;"
        "外贸出口可达35000万美元,同比增长18.32%,完成年计划的105.65%。"
        "共累计争取资金68.52万元。"
    )
    assert v == {
        ("investment.fdi_new_enterprises", ""): 31,
        ("investment.fdi_contract_usd", ""): 74_000_000,
        ("investment.fdi_contract_yoy_pct", ""): 10.78,
        ("investment.fdi_contract_plan_pct", ""): 100.77,
        ("investment.fdi_actual_usd", ""): 41_000_000,
        ("investment.fdi_actual_yoy_pct", ""): 14.49,
        ("investment.fdi_actual_plan_pct", ""): 102.5,
        ("investment.exports_usd", ""): 350_000_000,
        ("investment.exports_yoy_pct", ""): 18.32,
        ("investment.exports_plan_pct", ""): 105.65,
        ("investment.funds_secured_cny", ""): 685_200,
    }


def test_investment_decline_is_negative() -> None:
    v = values("2019年实际利用外资2.5亿美元，下降5.1%，完成年度计划的90%。")
    assert v[("investment.fdi_actual_usd", "")] == 250_000_000
    assert v[("investment.fdi_actual_yoy_pct", "")] == -5.1
    assert v[("investment.fdi_actual_plan_pct", "")] == 90


@pytest.mark.parametrize(
    "text",
    [
        "我区民营企业出口累计比增34.20%。",
        "正兴车轮集团有限公司1-11月份的出口额已达5429万美元,累计比增22.46%。",
        "三家外资企业注册资金共计178.95万美元。",
        "投资总额有望达到3000万美元,比增20%。",
        "比重由49.04%降至5.27%,比降88.25%。",
    ],
)
def test_investment_negative(text: str) -> None:
    assert values(text) == {}


def test_yoy_does_not_jump_over_another_amount() -> None:
    v = values("实际到资4100万美元，注册资本500万美元，比增14.49%。")
    assert v == {("investment.fdi_actual_usd", ""): 41_000_000}


# --- general -------------------------------------------------------------------------------

def test_first_mention_wins_and_no_duplicates() -> None:
    facts = run("全年共发布信息511条。后续又发布信息20条。")
    assert [(f.metric, f.value) for f in facts] == [("disclosure.items", 511)]


def test_evidence_offset_is_absolute_and_page_known() -> None:
    prefix = "第一篇封面\n" * 3
    text = "本年度我局公开信息3条。"
    doc_text = prefix + text
    doc = Document(source="t", format="pdf", text=doc_text,
                   pages=[Page(1, prefix, 0), Page(2, text, len(prefix))])
    seg = Segment(position=1, title="", text=text, offset=len(prefix))
    (f,) = extract_narrative(seg, doc)
    assert doc_text[f.evidence.offset] == "3"
    assert f.evidence.page == 2
    assert len(f.evidence.raw_text) <= 120


def test_long_clause_evidence_is_cut_around_number() -> None:
    text = "本机关" + "认真" * 80 + "主动公开政府信息77条" + "并且" * 60 + "。"
    (f,) = run(text)
    assert f.value == 77 and len(f.evidence.raw_text) <= 120 and "77" in f.evidence.raw_text


def test_template_placeholders_do_not_crash() -> None:
    text = "XXX年，我局共设置公示板块X块，接待各类咨询XX余人次。主动公开了X年各类政府信息XX条，其中工作动态服务信息XX条。"
    assert run(text) == []


def test_units_are_canonical() -> None:
    for f in run("新批合同外资额7400万美元，比增10.78%。共累计争取资金68.52万元。兼职工作人员3名。"):
        assert f.unit == {"investment.fdi_contract_usd": "usd", "investment.fdi_contract_yoy_pct": "pct",
                          "investment.funds_secured_cny": "cny", "operations.staff_part_time": "count"}[f.metric]


def test_wrapped_pdf_lines_are_joined_and_offsets_stay_true() -> None:
    text = (
        "一、总体情况\n"
        "2021年，我单位共主动公开政府信息4500余条。围绕重点工作开展政策解读6个，举办新闻发布会2\n"
        "场。开设政务新媒体账号11个，持续加强政务新媒体日常监管，不断提升政务公开工作水平和质量。\n"
        "本机关坚持以公开为常态、不公开为例外为原则，进一步健全政府信息公开工作机制，规范办理流\n"
        "程。开设政务新\n"
        "媒体账号99个。\n"
    )
    facts = {f.metric: f for f in run(text)}
    assert facts["disclosure.press_conferences"].value == 2
    assert text[facts["disclosure.press_conferences"].evidence.offset] == "2"
    assert facts["operations.new_media_accounts"].value == 11
    assert text[facts["operations.new_media_accounts"].evidence.offset:][:2] == "11"  # after a joined wrap
    assert facts["disclosure.items"].approx


def test_table_rows_in_text_are_left_to_the_form_parser() -> None:
    text = (
        "四、政府信息公开行政复议、行政诉讼情况\n"
        "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t复议后起诉\n"
        "3\t0\t0\t0\t3\t0\t0\n"
        "| 本年新收政府信息公开申请数量 | 12件 |\n"
    )
    assert run(text) == []


def test_old_era_phrasings() -> None:
    v = values(
        "2012年，我局共主动公开政府信息156条，其中机构职能类12条，政策法规类35条，业务工作类109条。"
        "全年共接待群众来电来访咨询120人次。"
    )
    assert v[("disclosure.items", "")] == 156
    assert v[("disclosure.items", "机构职能")] == 12 and v[("disclosure.items", "业务工作")] == 109
    assert v[("operations.consultations", "")] == 120
    assert one("全年累计发布政务信息1.2万余条。", "disclosure.items") == 12000
    assert one("申请人通过网上申请的有15件。", "requests.channel_online") == 15
    v = values("我局未发生政府信息公开申请行政复议、行政诉讼和申诉案件。")
    assert v == {("appeals.review_total", ""): 0, ("appeals.suit_total", ""): 0, ("appeals.complaints_total", ""): 0}


def test_bare_received_needs_a_requests_heading() -> None:
    assert one("三、政府信息依申请公开情况\n全年共收到申请3件，均已按期答复。\n", "requests.received") == 3
    assert one("二、其他工作\n全年共收到申请3件。\n", "requests.received") is None


def test_investment_phrasing_variants() -> None:
    v = values("全年新设立外商投资企业12家，利用外资合同金额5000万美元，增幅8.5%，为年计划的95%。")
    assert v[("investment.fdi_new_enterprises", "")] == 12
    assert v[("investment.fdi_contract_usd", "")] == 50_000_000
    assert v[("investment.fdi_contract_yoy_pct", "")] == 8.5
    assert v[("investment.fdi_contract_plan_pct", "")] == 95
    assert one("外贸进出口总额8000万美元。", "investment.exports_usd") is None
    assert one("自营出口创汇1200万美元。", "investment.exports_usd") == 12_000_000


# --- which count is the year's disclosure total (measured on real 2011–2020 reports) -------

@pytest.mark.parametrize(
    "text, value",
    [
        # a publisher's part, given with its share of the whole, is not the total
        ("甲市各部门主动公开政府信息380条，占76%。各乡镇主动公开政府信息120条，占24%。"
         "在网站主动公开的500条政府信息中，机构职能类信息40条。", 500),
        # one topic's "published information" yields to the stated proactive total
        ("围绕重点项目，全年共发布信息56条。二、主动公开政府信息情况 本年全市主动公开政府信息1300条。", 1300),
        ("其中微博3个，共发布信息410条。本年度主动公开政府信息980条。", 980),
        # the total before its breakdown in the same clause, the remainder category is a part
        ("全年共公布政府信息700条(其中机构职能类信息20条，其他应主动公开政府信息300条)。", 700),
    ],
)
def test_items_total_is_not_a_part(text: str, value: float) -> None:
    assert one(text, "disclosure.items") == value


def test_a_stated_total_of_government_information_is_not_replaced() -> None:
    text = "全年共公布政府信息700条。其中，区直部门主动公开政府信息500条。"
    assert one(text, "disclosure.items") == 700


def test_no_review_application_is_not_no_information_request() -> None:
    text = "本年度收到有关政府信息公开的信函申请2件；未收到有关政府信息公开行政复议的申请。"
    got = values(text)
    assert got.get(("requests.received", "")) != 0
    assert got.get(("appeals.review_total", "")) == 0
    assert one("本年度未收到政府信息公开申请。", "requests.received") == 0


def test_consultations_by_all_channels() -> None:
    assert one("本年有约900人次通过各种方式向我局咨询涉税事务。", "operations.consultations") == 900


def test_statistics_table_run_into_the_text() -> None:
    text = ("本年未收到行政复议申请。附表：指标名称计量单位2012年度历年累计受理依申请公开信息总数条2121"
            "其中：1.当面申请数条18182.传真申请数条003.电子邮件申请数条33行政复议数条00")
    got = values(text)
    assert got[("requests.received", "")] == 21
    assert got[("requests.channel_in_person", "")] == 18
    assert got[("requests.channel_email", "")] == 3
    assert got[("appeals.review_total", "")] == 0


# --- categories as real reports print them ---------------------------------------------------

LIST = ("本年主动公开政府信息的主要类别有：机构职能类信息17条，政策、规范性文件类信息24条，重大建设项目9条，"
        "安全生产、应急管理类信息7条，行政事业性收费信息2条，其他应主动公开的信息131条。")


def test_category_names_keep_their_enumeration_comma() -> None:
    got = values(LIST)
    assert got[("disclosure.items", "政策、规范性文件")] == 24
    assert got[("disclosure.items", "安全生产、应急管理")] == 7
    assert ("disclosure.items", "规范性文件") not in got


def test_list_items_without_class_word_are_categories() -> None:
    got = values(LIST)
    assert got[("disclosure.items", "重大建设项目")] == 9
    assert got[("disclosure.items", "行政事业性收费信息")] == 2
    assert got[("disclosure.items", "其他应主动公开的信息")] == 131
    assert ("disclosure.items", "") not in got  # the remainder is not the total


def test_items_separated_by_enumeration_comma_after_their_counts() -> None:
    got = values("本年主动公开政府信息100条，其中机构职能类信息12条、政策法规类30条。")
    assert got[("disclosure.items", "机构职能")] == 12 and got[("disclosure.items", "政策法规")] == 30


def test_a_plain_count_outside_a_category_list_is_no_category() -> None:
    got = values("重大建设项目9条。本年共举办培训3次。")
    assert not [k for k in got if k[0] == "disclosure.items" and k[1]]


def test_verbs_before_the_first_category_are_not_its_name() -> None:
    got = values("全年共发布征地类信息32条，土地出让类信息39条。")
    assert got[("disclosure.items", "征地")] == 32 and got[("disclosure.items", "土地出让")] == 39


@pytest.mark.parametrize("text", [
    "2021年，无收取信息处理费情况。",
    "严格执行收费标准，本年度没有产生信息公开处理费。",
    "本机关依申请提供政府信息暂不收费。",
])
def test_fee_zero_phrasings(text: str) -> None:
    assert one(text, "operations.request_fees_cny") == 0


def test_free_reading_room_is_no_fee_statement() -> None:
    assert one("档案馆免费向公众提供查阅服务。", "operations.request_fees_cny") is None


def test_a_list_that_goes_on_to_requests_keeps_its_disclosure_items() -> None:
    text = ("全年共制发政府信息400条，其中，主动公开政府信息55条（涵盖政策及规范性文件类6条、规划计划类3条、"
            "其他应主动公开的政府信息46条）、依申请公开300条、不予公开45条。")
    got = values(text)
    assert got[("disclosure.items", "")] == 55
    assert got[("disclosure.items", "政策及规范性文件")] == 6
    assert got[("disclosure.items", "规划计划")] == 3
    assert got[("disclosure.items", "其他应主动公开的政府信息")] == 46


def test_categories_of_requests_are_still_not_disclosure_categories() -> None:
    got = values("本年收到申请20件，申请内容涉及城建类12件、教育类8件。")
    assert not [k for k in got if k[0] == "disclosure.items"]


def test_a_line_padded_with_spaces_is_not_a_statistics_row() -> None:
    """Text renderings pad table cells with runs of spaces; such a line is read, never hung on."""
    line = "受理申请数" + " " * 3000 + "收到" + " " * 2000 + "12"
    assert ("requests.received", "") not in values(line)


def test_pdf_spaces_between_chinese_and_numbers() -> None:
    got = values("2018年，全区实际利用外资 1.2 亿美元，比增 12%。全年主动公开政府信息 356 条。")
    assert got[("investment.fdi_actual_usd", "")] == 120_000_000
    assert got[("disclosure.items", "")] == 356


def test_a_tab_indenting_a_paragraph_is_no_table_row() -> None:
    assert one("\t2022年全区共主动公开政府信息14571条。", "disclosure.items") == 14571
    assert one("规章\t0\t3\t12", "disclosure.items") is None


def test_a_header_laid_out_with_spaces_is_no_negation() -> None:
    text = "结果维持  结果纠正  其他结果  尚\n未  总  未经复议直接起诉  复议后起诉"
    assert one(text, "appeals.review_total") is None


def test_exports_in_yuan_give_their_change_but_no_dollar_amount() -> None:
    got = values("2017年，全区出口总额10.9亿元，比增44.7%；进出口总额51.9亿元，比增76.5%。")
    assert got == {("investment.exports_yoy_pct", ""): 44.7}
    assert ("investment.exports_yoy_pct", "") not in values("某某公司出口额3亿元，增长9%。")


@pytest.mark.parametrize("text, metric, breakdown, value", [
    ("全年主动公开我区各级单位政府信息2645条，主要通过政府网站发布。", "disclosure.items", "", 2645),
    ("2025年我局共制发政府信息405条，其中主动公开政府信息140条、依申请公开177条。", "disclosure.items", "", 140),
    ("发布文字、图解、H5等多形式政策解读82篇。", "disclosure.interpretations", "", 82),
    ("落实“同步起草、同步审签、同步发布”机制，对29项涉及群众切身利益、需广泛知晓的重要政策文件进行解读。",
     "disclosure.interpretations", "", 29),
    ("2014年全区收到有关政府信息公开的信函申请1条，已受理回复。", "requests.channel_paper", "", 1),
    ("我区各部门共开设新媒体数量70个。", "operations.new_media_accounts", "", 70),
    ("全年共争取中央和省级预算内补助项目24个、共4.08亿元。", "investment.funds_secured_cny", "", 408000000),
    ("主动公开政府信息117条（涵盖政策及规范性文件类10条、规划计划类1条、重大建设项目信息7条、科教文体卫生类12条）。",
     "disclosure.items", "重大建设项目信息", 7),
])
def test_phrasings_of_real_reports(text: str, metric: str, breakdown: str, value: float) -> None:
    assert values(text).get((metric, breakdown)) == value


@pytest.mark.parametrize("text, metric, breakdown", [
    ("本年共收到政府信息公开申请20件，其中主动公开政府信息5条。", "disclosure.items", ""),  # not of what was made
    ("发布图解解读12篇。", "disclosure.interpretations", ""),  # one form of interpretation
    ("对12项政策文件进行合法性审查。", "disclosure.interpretations", ""),  # reviewed, not interpreted
    ("对3项政策文件进行图解解读。", "disclosure.interpretations", ""),  # one form of interpretation
    ("新开设新媒体5个。", "operations.new_media_accounts", ""),
    ("主动公开政府信息117条、依申请公开信息3条、不予公开信息2条。", "disclosure.items", "依申请公开信息"),
])
def test_phrasings_that_are_parts_not_totals(text: str, metric: str, breakdown: str) -> None:
    assert (metric, breakdown) not in values(text)


@pytest.mark.parametrize("text, metric, breakdown, value", [
    ("2013年新增主动公开政府信息45条。其中，政策法规及业务类的信息32条；规划计划类的信息13条。",
     "disclosure.items", "政策法规及业务", 32),
    ("我局没有从事政府信息公开工作的全职人员，兼职人员1人。", "operations.staff_full_time", "", 0),
    ("2013年政府信息公开费用1万元。", "operations.spending_cny", "", 10000),
])
def test_phrasings_of_a_bureau_report(text: str, metric: str, breakdown: str, value: float) -> None:
    assert values(text).get((metric, breakdown)) == value


def test_what_applicants_paid_is_no_spending() -> None:
    assert ("operations.spending_cny", "") not in values("依申请公开政府信息收取费用0元。")


@pytest.mark.parametrize("text, value", [
    # pre-2019 reports print a part's heading inline with its prose; the part on interpreting
    # policies counts what it published without repeating 解读
    ("二、主动公开政府信息情况（三）主动公开政府信息的主要形式门户网站访问量达97402人次。"
     "（四）开展政策解读工作情况按照“三同步”要求，专门设立了“政策解读”公开栏目。"
     "2017年，共公开发布信息82条。（五）回应社会关切情况及时回复。", 82),
    ("（二）政策解读情况\n全年共发布稿件15篇。\n（三）回应关切", 15),
    # two totals in the part: its topics, not its total
    ("（四）政策解读工作情况共发布信息8条，共公开材料12条。（五）其他", None),
    # no 政策解读 in the heading: a count of something else
    ("（四）回应社会关切情况全年共发布信息82条。（五）其他", None),
    # the count is about something the part only mentions
    ("（四）政策解读工作情况举办活动，共发布视频12个。（五）其他", None),
])
def test_interpretations_counted_under_their_inline_heading(text, value) -> None:
    assert one(text, "disclosure.interpretations") == value
