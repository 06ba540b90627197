"""Narrative rules on sentences written the way real published reports and work summaries
phrase them (2008–2018 free-text reports, 2019–2024 standard-form prose, 商务局 work summaries).

Every expected value is asserted, and so is every value that must NOT be produced: a wrong
number (a sub-count, a running total, another year's figure, a number of something else in the
same sentence) is worse than a missing one.
"""
from __future__ import annotations

import pytest

from etl.model import Document, Segment
from etl.extract.narrative import extract_narrative


def facts(text: str) -> dict[tuple[str, str], float | None]:
    doc = Document(source="t.txt", format="text", text=text)
    seg = Segment(position=1, title="", text=text, offset=0)
    return {(f.metric, f.breakdown): f.value for f in extract_narrative(seg, doc)}


def exactly(text: str, expected: dict[str, float], breakdowns: dict[tuple[str, str], float] | None = None) -> None:
    """The text gives exactly these facts (metric → value, breakdown ""), nothing else."""
    want = {(m, ""): v for m, v in expected.items()}
    want.update(breakdowns or {})
    got = facts(text)
    assert got == want


# --- proactive disclosure ------------------------------------------------------------------

def test_items_total_with_untagged_sub_counts() -> None:
    exactly("2020年，本机关主动公开政府信息1562条，其中政策文件86条，工作动态1021条。",
            {"disclosure.items": 1562})


def test_running_total_since_start_is_not_this_year() -> None:
    exactly("截至2019年底，累计公开政府信息8万余条。", {})
    exactly("累计主动公开政府信息35000余条，本年度主动公开4200条。", {"disclosure.items": 4200})
    exactly("2008年以来，共主动公开政府信息12000余条。", {})
    exactly("截至目前，我局共公开信息3200条。", {})


def test_this_years_running_total_is_kept() -> None:
    exactly("（一）公开数量。全年累计主动公开政府信息1205条。", {"disclosure.items": 1205})
    exactly("2015年度，我局累计主动公开政府信息316条。", {"disclosure.items": 316})


def test_channel_counts_are_parts_not_the_total() -> None:
    exactly("通过政务新媒体发布信息3000余条，全年共主动公开政府信息5800余条。", {"disclosure.items": 5800})
    exactly(
        "2022年度，区政府门户网站发布信息3589条，通过“北京朝阳”政务微博发布信息2100余条，"
        "政务微信公众号发布信息1300条。",
        {},
    )
    exactly("今年以来，通过政务微博发布信息386条，政务微信发布信息652条，共有政务新媒体账号3个。",
            {"operations.new_media_accounts": 3})
    exactly("通过区政府门户网站公开1100条，占91.3%；通过报刊、广播、电视公开105条。", {})
    # the one channel a small agency names is its total
    exactly("2010年，我局在政府网站上公开信息245条。", {"disclosure.items": 245})
    # 主动公开 through the portal is the official total
    exactly("全年通过门户网站主动公开政府信息1,234条。", {"disclosure.items": 1234})


def test_other_kinds_of_information_are_not_disclosure() -> None:
    exactly("全年发布气象预警信息56条，发布招聘信息120条。", {})


def test_chinese_numerals_and_categories() -> None:
    exactly("二○一二年我局共主动公开政府信息二百三十六条，其中通过网站公开二百一十条。", {"disclosure.items": 236})
    exactly(
        "主动公开信息中，机构职能类12条，政策法规类45条，规划计划类8条，业务工作类210条，人事信息类15条。",
        {},
        {
            ("disclosure.items", "机构职能"): 12,
            ("disclosure.items", "政策法规"): 45,
            ("disclosure.items", "规划计划"): 8,
            ("disclosure.items", "业务工作"): 210,
            ("disclosure.items", "人事信息"): 15,
        },
    )


def test_interpretations_press_new_media() -> None:
    exactly("全年发布政策解读材料46篇，举办新闻发布会8场，开设政务新媒体账号5个。",
            {"disclosure.interpretations": 46, "disclosure.press_conferences": 8,
             "operations.new_media_accounts": 5})
    exactly("全年公开政策解读稿件21篇，其中图解12篇，视频解读3个。", {"disclosure.interpretations": 21})
    exactly("制作政策解读图解23期，发布解读视频5个，在线访谈3期。", {})
    exactly("2018年，召开新闻发布会4场，参加区政府新闻发布会2次。", {"disclosure.press_conferences": 4})


def test_share_and_growth_percentages_are_not_counts() -> None:
    exactly("2019年，共主动公开政府信息12345条，比上年增长12%。", {"disclosure.items": 12345})
    exactly("我局全年主动公开信息245条，主动公开率达100%。", {"disclosure.items": 245})


def test_normative_documents_in_prose() -> None:
    exactly("全年新制发行政规范性文件15件，现行有效规范性文件共计96件。",
            {"disclosure.normative_docs_made": 15, "disclosure.normative_docs_in_force": 96})


# --- requests ------------------------------------------------------------------------------

def test_requests_by_channel() -> None:
    exactly("全年共受理政府信息公开申请236件，其中当面申请12件、网上申请201件、信函申请23件。",
            {"requests.received": 236, "requests.channel_in_person": 12, "requests.channel_online": 201,
             "requests.channel_paper": 23})


def test_requests_outcomes_of_the_new_form() -> None:
    exactly(
        "三、收到和处理政府信息公开申请情况\n"
        "2021年共收到政府信息公开申请236件，上年结转8件。办结225件，结转下年度11件。"
        "其中予以公开98件，部分公开21件，不予公开5件，无法提供73件，不予处理12件，其他处理16件。",
        {"requests.received": 236, "requests.carried_over_in": 8, "requests.processed_total": 225,
         "requests.carried_over_out": 11, "requests.granted": 98, "requests.partially_granted": 21,
         "requests.denied": 5, "requests.unable": 73, "requests.rejected": 12, "requests.other_handling": 16},
    )


def test_requests_outcomes_of_the_old_reports() -> None:
    exactly(
        "二、依申请公开政府信息情况\n2010年，我局共受理政府信息公开申请5件，均已按时答复。"
        "其中同意公开4件，不属于本机关公开范围1件。",
        {"requests.received": 5, "requests.granted": 4, "requests.unable_not_held": 1},
    )
    exactly(
        "全年共收到政府信息公开申请12件，其中网上申请10件，信函申请2件，均在法定期限内答复。"
        "答复情况为：属于已主动公开范围的3件，同意公开的5件，不属于政府信息的2件，信息不存在的2件。",
        {"requests.received": 12, "requests.channel_online": 10, "requests.channel_paper": 2,
         "requests.already_public": 3, "requests.granted": 5, "requests.not_gov_info": 2,
         "requests.unable_not_held": 2},
    )


def test_natural_person_breakdown() -> None:
    exactly("全年共收到政府信息公开申请15件，其中自然人申请13件，法人或其他组织申请2件。",
            {"requests.received": 15}, {("requests.received", "natural_person"): 13})


def test_received_including_carry_over_is_not_new_requests() -> None:
    exactly("共收到政府信息公开申请29件（含上年结转2件），已全部办结。", {"requests.carried_over_in": 2})
    exactly("上年结转的2件已于2021年1月办结。本年度新收申请27件。",
            {"requests.carried_over_in": 2, "requests.received": 27})


def test_change_versus_last_year_is_not_a_count() -> None:
    exactly("2017年，共受理政府信息公开申请89件，较2016年增加23件。", {"requests.received": 89})
    exactly("受理信息公开申请36件，比上年减少5件。", {"requests.received": 36})


def test_other_requests_are_not_disclosure_requests() -> None:
    exactly("全年答复人大代表建议32件、政协提案45件。", {})
    exactly("2023年，全区共办理政府信息公开申请1250件，其中本机关办理83件。", {})
    exactly("共收到网民留言586件，办结率100%。", {})


def test_no_requests_received() -> None:
    exactly("2010年，本局未收到政府信息公开申请，未发生因政府信息公开引起的行政复议和行政诉讼案件。",
            {"requests.received": 0, "appeals.review_total": 0, "appeals.suit_total": 0})


# --- reviews and lawsuits ------------------------------------------------------------------

def test_review_outcomes_and_all_upheld() -> None:
    exactly(
        "四、政府信息公开行政复议、行政诉讼情况\n"
        "全年因政府信息公开申请引发行政复议案件3件，其中维持2件、纠正1件；行政诉讼5件，均维持。",
        {"appeals.review_total": 3, "appeals.review_upheld": 2, "appeals.review_corrected": 1,
         "appeals.suit_total": 5, "appeals.suit_upheld": 5},
    )


def test_all_pending_and_result_upheld() -> None:
    exactly("全年发生政府信息公开行政复议案件2件，均维持；行政诉讼1件，尚在审理中。",
            {"appeals.review_total": 2, "appeals.review_upheld": 2, "appeals.suit_total": 1,
             "appeals.suit_pending": 1})
    exactly(
        "本年度因政府信息公开被申请行政复议1件，结果为维持；被提起行政诉讼2件，"
        "其中1件判决驳回原告诉讼请求，1件尚在审理中。",
        {"appeals.review_total": 1, "appeals.review_upheld": 1, "appeals.suit_total": 2,
         "appeals.suit_pending": 1},
    )


def test_reviews_of_all_kinds_are_not_disclosure_reviews() -> None:
    exactly("全年共收到行政复议申请8件，其中涉及政府信息公开的2件。", {"appeals.review_total": 2})


def test_appeals_without_disclosure_context_are_ignored() -> None:
    exactly("共受理行政复议1件，维持原具体行政行为。行政诉讼0件。", {})
    exactly("行政诉讼3件，其中维持1件，撤销1件，驳回1件。", {})


def test_both_zero() -> None:
    exactly("四、行政复议、行政诉讼情况\n本年度行政复议和行政诉讼案件均为0件。",
            {"appeals.review_total": 0, "appeals.suit_total": 0})


# --- operations ----------------------------------------------------------------------------

def test_staff_counts() -> None:
    exactly("五、政府信息公开工作人员情况\n本局信息公开工作人员5人，其中专职1人，兼职4人。",
            {"operations.staff_full_time": 1, "operations.staff_part_time": 4})
    exactly("目前，我局共有信息公开专职人员2名，兼职人员15名。",
            {"operations.staff_full_time": 2, "operations.staff_part_time": 15})
    exactly("全年共有5名兼职工作人员从事政府信息公开工作。", {"operations.staff_part_time": 5})


def test_spending_is_not_the_budget() -> None:
    exactly("2015年政府信息公开工作经费预算5万元，实际支出4.2万元。", {"operations.spending_cny": 42000})
    exactly("全年信息公开工作经费3.5万元。", {"operations.spending_cny": 35000})


def test_fees() -> None:
    exactly("六、其他需要报告的事项\n本年度共收取信息处理费0元。", {"operations.request_fees_cny": 0})
    exactly("没有因政府信息公开收费的情况。", {"operations.request_fees_cny": 0})
    exactly("2012年度，我办没有收取任何信息公开费用。", {"operations.request_fees_cny": 0})
    exactly("（一）收取信息处理费情况。本年度，本机关依据《政府信息公开信息处理费管理办法》"
            "（国办函〔2020〕109号）共发出收费通知1件，收取信息处理费200元。",
            {"operations.request_fees_cny": 200})


def test_consultations_total_not_channel_parts() -> None:
    exactly("全年接受群众咨询1200余人次。", {"operations.consultations": 1200})
    exactly("接受公众咨询共计205人次，其中现场咨询45人次，电话咨询100人次，网上咨询60人次。",
            {"operations.consultations": 205})
    exactly("电话咨询35人次，网上咨询120人次，现场咨询50人次。", {})
    exactly("全年通过12345热线受理群众咨询投诉3560件。", {})
    exactly("政府网站全年访问量达150万人次，受理群众来信来访32件。", {})


def test_document_numbers_and_dates_give_nothing() -> None:
    exactly(
        "根据《国务院办公厅关于印发<政府信息公开工作年度报告格式>的通知》（国办函〔2021〕30号）要求，编制本报告。",
        {},
    )
    exactly("本报告中所列数据的统计期限自2021年1月1日起至2021年12月31日止。", {})
    exactly("组织开展政府信息公开培训4次，培训人员200余人次。", {})


# --- work summaries ------------------------------------------------------------------------

def test_work_summary_indicators_with_growth_and_plan() -> None:
    exactly(
        "全年新批外资企业12家，合同利用外资1.2亿美元，同比增长15.3%，完成年度计划的108%；"
        "实际利用外资6500万美元，比上年下降3.2%，完成全年任务的102.5%。"
        "外贸进出口总额5.8亿美元，其中出口3.6亿美元，增长12%。",
        {"investment.fdi_new_enterprises": 12, "investment.fdi_contract_usd": 120_000_000,
         "investment.fdi_contract_yoy_pct": 15.3, "investment.fdi_contract_plan_pct": 108,
         "investment.fdi_actual_usd": 65_000_000, "investment.fdi_actual_yoy_pct": -3.2,
         "investment.fdi_actual_plan_pct": 102.5, "investment.exports_usd": 360_000_000,
         "investment.exports_yoy_pct": 12},
    )


def test_negative_growth_written_with_a_minus_sign() -> None:
    exactly("实际利用外资8650万美元，比增-5.6%，完成年计划的96.1%。",
            {"investment.fdi_actual_usd": 86_500_000, "investment.fdi_actual_yoy_pct": -5.6,
             "investment.fdi_actual_plan_pct": 96.1})


def test_funds_arrived_and_growth_rate() -> None:
    exactly("全年到位外资4100万美元，增幅21.6%。",
            {"investment.fdi_actual_usd": 41_000_000, "investment.fdi_actual_yoy_pct": 21.6})


def test_scaled_amounts_are_exact() -> None:
    got = facts("新引进外资项目8个，总投资2.3亿美元，合同外资1.1亿美元。")
    assert got[("investment.fdi_contract_usd", "")] == 110_000_000  # not 110000000.00000001
    assert got[("investment.fdi_new_enterprises", "")] == 8


def test_percentage_points_and_shares_are_not_growth() -> None:
    exactly("合同利用外资完成5600万美元，为年计划的80%，同比下降12.6个百分点。",
            {"investment.fdi_contract_usd": 56_000_000, "investment.fdi_contract_plan_pct": 80})
    exactly("实际到资2100万美元，占全年任务的70%。",
            {"investment.fdi_actual_usd": 21_000_000, "investment.fdi_actual_plan_pct": 70})


def test_part_of_year_figures_are_not_the_years() -> None:
    exactly("1-11月，全县实际利用外资3200万美元，同比增长22%。", {})
    exactly("1-11月，全县实际利用外资3200万美元，同比增长22%。预计全年实际利用外资3500万美元，增长18%。",
            {"investment.fdi_actual_usd": 35_000_000, "investment.fdi_actual_yoy_pct": 18})


def test_sub_market_exports_and_imports_are_not_exports() -> None:
    exactly("其中对美出口1.2亿美元，增长20%。", {})
    exactly("全年外贸出口4.2亿美元，同比下降8.3%，完成年度目标任务的91.2%。进口1.1亿美元，增长5%。",
            {"investment.exports_usd": 420_000_000, "investment.exports_yoy_pct": -8.3,
             "investment.exports_plan_pct": 91.2})


def test_funds_secured_and_other_money() -> None:
    exactly("全年共争取上级各类扶持资金320万元，比上年增加50万元。", {"investment.funds_secured_cny": 3_200_000})
    exactly("2007年全局实现税收1200万元，增长10%。", {})


@pytest.mark.parametrize(
    "text",
    [
        "全年新批外资企业11家，其中增资扩股项目3个。",
        "全年批准设立外商投资企业11家。",
    ],
)
def test_new_foreign_enterprises(text: str) -> None:
    assert facts(text) == {("investment.fdi_new_enterprises", ""): 11}


# --- more phrasings of published reports ----------------------------------------------------

def test_channels_in_brackets_and_carry_over() -> None:
    exactly(
        "（二）依申请公开。2021年，本机关共收到政府信息公开申请56件（其中当面申请8件，网络申请43件，"
        "信函申请5件），上年结转3件，全部按时办结，结转至下年度继续办理4件。",
        {"requests.received": 56, "requests.channel_in_person": 8, "requests.channel_online": 43,
         "requests.channel_paper": 5, "requests.carried_over_in": 3, "requests.carried_over_out": 4},
    )


def test_applicant_list_between_verb_and_request() -> None:
    exactly("全年共受理公民、法人和其他组织的政府信息公开申请42件，其中网上申请35件，信函申请5件，当面申请2件。",
            {"requests.received": 42, "requests.channel_online": 35, "requests.channel_paper": 5,
             "requests.channel_in_person": 2})


def test_need_to_handle_is_not_concluded() -> None:
    exactly("依申请公开方面，全年新收政府信息公开申请126件，加上上年结转的5件，共需办理131件。"
            "已办结125件，其中予以公开42件，部分公开13件。",
            {"requests.received": 126, "requests.carried_over_in": 5, "requests.processed_total": 125,
             "requests.granted": 42, "requests.partially_granted": 13})


def test_press_releases_and_new_media_posts_are_not_disclosure_totals() -> None:
    exactly("全年召开新闻发布会6场次，发布权威信息120余条。", {"disclosure.press_conferences": 6})
    exactly("全年通过政务微信、微博、抖音等新媒体平台发布信息1.2万条。", {})


def test_disclosure_consultations_inside_all_consultations() -> None:
    exactly("2016年我局共受理各类咨询300余次，其中政府信息公开咨询12次。", {"operations.consultations": 12})


def test_new_media_accounts_now_not_newly_opened() -> None:
    exactly("全年新增政务新媒体账号2个，关停整合4个，现有政务新媒体12个。", {"operations.new_media_accounts": 12})


def test_topics_of_requests_are_not_counts_of_anything() -> None:
    exactly("受理申请的主要内容涉及征地拆迁（15件）、社会保障（8件）等方面。", {})
    exactly("全年开展“政府开放日”活动5次，邀请群众120人次参加。", {})


def test_bare_none_under_a_heading() -> None:
    exactly(
        "三、依申请公开政府信息情况\n无。\n四、政府信息公开的收费及减免情况\n无\n"
        "五、因政府信息公开申请提起行政复议、行政诉讼和申诉的情况\n无。\n",
        {"requests.received": 0, "operations.request_fees_cny": 0, "appeals.review_total": 0,
         "appeals.suit_total": 0, "appeals.complaints_total": 0},
    )
    exactly("二、存在的主要问题\n无。\n", {})
    exactly("六、主动公开政府信息情况\n无。\n", {})


def test_vague_chinese_quantities() -> None:
    exactly("全年发布信息数十条。", {})
    exactly("接受咨询几十人次。", {})
    got = {(f.metric, f.approx): f.value for f in
           extract_narrative(Segment(1, "", "全年主动公开信息一百多条。", 0),
                             Document(source="t", format="text", text="全年主动公开信息一百多条。"))}
    assert got == {("disclosure.items", True): 100}
    exactly("全年主动公开信息十余条。", {"disclosure.items": 10})


def test_work_summary_phrasings_of_the_2000s() -> None:
    exactly("全年共批办外资项目15个，合同外资额达到8500万美元，比增23.5%，完成市下达任务数的105%。",
            {"investment.fdi_new_enterprises": 15, "investment.fdi_contract_usd": 85_000_000,
             "investment.fdi_contract_yoy_pct": 23.5, "investment.fdi_contract_plan_pct": 105})
    exactly("实际利用外资（验资口径）4500万美元，同比增长8.2%，完成年度计划数的90%。",
            {"investment.fdi_actual_usd": 45_000_000, "investment.fdi_actual_yoy_pct": 8.2,
             "investment.fdi_actual_plan_pct": 90})
    # growth in multiples (1.2倍) is not a percentage; 利用外资 alone is neither contract nor actual
    exactly("全年自营出口1.5亿美元，同比增长1.2倍。", {"investment.exports_usd": 150_000_000})
    exactly("全年利用外资6500万美元。", {})
    exactly("招商引资工作：全年共引进内资项目56个，总投资12亿元，到位资金8.6亿元。", {})


def test_fee_wording_of_the_2021_notice() -> None:
    exactly("六、其他需要报告的事项\n（一）本机关收取信息处理费情况：发出收费通知的件数和总金额：1件，200元；"
            "实际收取的总金额：200元。", {"operations.request_fees_cny": 200})
    exactly("六、其他需要报告的事项\n本年度本机关未发出收费通知，未收取信息处理费。", {"operations.request_fees_cny": 0})


def test_financial_numerals_and_zero_written_as_ling() -> None:
    exactly("本年度共受理政府信息公开申请壹拾贰件。", {"requests.received": 12})
    exactly("全年主动公开政府信息〇条。", {"disclosure.items": 0})


def test_outcome_list_after_a_semicolon() -> None:
    exactly(
        "2021年本机关共收到政府信息公开申请12件，上年结转0件，全部办结；予以公开5件，部分公开1件，不予公开0件，"
        "无法提供4件，不予处理2件，其他处理0件，结转下年度继续办理0件。",
        {"requests.received": 12, "requests.carried_over_in": 0, "requests.granted": 5,
         "requests.partially_granted": 1, "requests.denied": 0, "requests.unable": 4, "requests.rejected": 2,
         "requests.other_handling": 0, "requests.carried_over_out": 0},
    )


def test_a_whole_2010_report_wrapped_like_pdf_text() -> None:
    text = (
        "三明市梅列区人民政府办公室\n2010年政府信息公开工作年度报告\n"
        "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定，现公布2010年度\n"
        "梅列区人民政府办公室政府信息公开工作年度报告。本报告由概述，主动公开政府信息情况，\n"
        "依申请公开政府信息情况，政府信息公开的收费及减免情况，因政府信息公开申请提起行政复\n"
        "议、提起行政诉讼的情况，政府信息公开工作存在的主要问题和改进措施等六部分组成。本报告\n"
        "中所列数据的统计期限自2010年1月1日起至2010年12月31日止。\n"
        "一、概述\n"
        "2010年，区政府办公室按照《条例》要求，进一步健全政府信息公开工作机制，明确分管领导，\n"
        "落实专职人员1名、兼职人员3名负责政府信息公开日常工作。\n"
        "二、主动公开政府信息情况\n"
        "（一）主动公开情况。2010年，区政府办公室共主动公开政府信息1,026条，其中，机构职能类\n"
        "25条，政策法规类186条，规划计划类52条，工作动态类763条。全文电子化率达98.5%。\n"
        "（二）公开形式。主要通过区政府门户网站公开信息986条，通过政务公开栏公开40条。\n"
        "- 2 -\n"
        "（三）政府信息公开查阅场所。在区档案馆、区图书馆设立政府信息公开查阅点2个，全年接待查\n"
        "阅群众120人次。\n"
        "三、依申请公开政府信息情况\n"
        "2010年，共收到政府信息公开申请8件，其中网上申请5件，当面申请3件。已答复8件，其中同意\n"
        "公开6件，不属于本机关公开范围2件。\n"
        "四、政府信息公开的收费及减免情况\n"
        "2010年，区政府办公室在政府信息公开工作中未收取任何费用。\n"
        "五、因政府信息公开申请提起行政复议、提起行政诉讼的情况\n"
        "2010年，未发生因政府信息公开申请提起行政复议、行政诉讼的情况。\n"
        "三明市梅列区人民政府办公室\n二〇一一年三月二十五日\n"
    )
    exactly(
        text,
        {"operations.staff_full_time": 1, "operations.staff_part_time": 3, "disclosure.items": 1026,
         "disclosure.electronic_pct": 98.5, "requests.received": 8, "requests.channel_online": 5,
         "requests.channel_in_person": 3, "requests.granted": 6, "requests.unable_not_held": 2,
         "operations.request_fees_cny": 0, "appeals.review_total": 0, "appeals.suit_total": 0},
        {("disclosure.items", "机构职能"): 25, ("disclosure.items", "政策法规"): 186,
         ("disclosure.items", "规划计划"): 52, ("disclosure.items", "工作动态"): 763},
    )


def test_traditional_script_mirror() -> None:
    exactly("2012年，本局主動公開政府信息236條，其中機構職能類12條。全年共收到政府信息公開申請5件，其中網上申請3件。",
            {"disclosure.items": 236, "requests.received": 5, "requests.channel_online": 3},
            {("disclosure.items", "机构职能"): 12})


def test_requests_running_total_and_last_years_count() -> None:
    exactly("2008年以来，累计收到政府信息公开申请1200件。", {})
    exactly("2015年，我局累计受理政府信息公开申请15件。", {"requests.received": 15})
    exactly("2019年，全区累计办理政府信息公开申请超过500件，本年度新收政府信息公开申请86件。",
            {"requests.received": 86})
    exactly("本年度共收到政府信息公开申请86件，比2019年的65件增加21件。", {"requests.received": 86})


def test_approximation_written_after_the_unit() -> None:
    (f,) = extract_narrative(Segment(1, "", "全年主动公开信息5000条以上。", 0),
                             Document(source="t", format="text", text="全年主动公开信息5000条以上。"))
    assert (f.metric, f.value, f.approx) == ("disclosure.items", 5000, True)


def test_other_things_concluded_are_not_requests_concluded() -> None:
    exactly("全年办结人大代表建议32件、政协提案45件。", {})
    exactly("网民留言办结586件。", {})
    exactly("全年受理行政许可事项1560件，办结1560件。", {})
    exactly("二、依申请公开情况\n全年办结12件。", {"requests.processed_total": 12})


def test_request_topics_are_not_disclosure_categories() -> None:
    exactly("全年共收到政府信息公开申请20件，其中涉及城建类12件、社保类8件。", {"requests.received": 20})
    exactly("申请内容主要涉及：征地拆迁类15件，社会保障类8件。", {})


def test_categories_in_the_sentence_after_the_total() -> None:
    exactly("全年主动公开政府信息1000条。从公开内容看，机构职能类12条，政策法规类45条。",
            {"disclosure.items": 1000},
            {("disclosure.items", "机构职能"): 12, ("disclosure.items", "政策法规"): 45})


def test_time_spans_are_not_counts() -> None:
    exactly("对符合条件的申请，均在15个工作日内予以公开。", {})
    exactly("全年共收到政府信息公开申请10件，均在20个工作日内答复，其中予以公开8件。",
            {"requests.received": 10, "requests.granted": 8})


def test_attending_press_conferences_is_not_holding_them() -> None:
    exactly("区主要领导出席市政府新闻发布会6次。", {})
    exactly("召开新闻发布会18场，区主要领导出席发布会6次。", {"disclosure.press_conferences": 18})


def test_one_kind_of_information_is_not_the_total() -> None:
    exactly("重点领域信息公开方面，公开财政预决算信息56条，公开重大建设项目信息23条。", {})
    exactly("全年主动公开政务信息2,108条。", {"disclosure.items": 2108})


def test_one_enterprises_investment_is_not_the_districts() -> None:
    exactly("漳州正宏体育用品有限公司合同外资2000万美元，实际到资800万美元。", {})
    exactly("全年外贸出口3.6亿美元，其中民营企业出口增长20%。", {"investment.exports_usd": 360_000_000})


# --- the 2008–2018 statistics table (政府信息公开情况统计表) ----------------------------------

STAT_TABLE = [
    ("统计指标", "单位", "统计数"),
    ("一、主动公开情况", "", ""),
    ("（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）", "条", "1026"),
    ("其中：主动公开规范性文件数", "条", "12"),
    ("制发规范性文件总数", "件", "15"),
    ("1.参加或举办新闻发布会总次数", "次", "4"),
    ("其中：主要负责同志参加新闻发布会次数", "次", "2"),
    ("3.政策解读稿件发布数", "篇", "21"),
    ("三、依申请公开情况", "", ""),
    ("（一）收到申请数", "件", "8"),
    ("1.当面申请数", "件", "3"),
    ("2.传真申请数", "件", "0"),
    ("3.网络申请数", "件", "5"),
    ("4.信函申请数", "件", "0"),
    ("（二）申请办结数", "件", "8"),
    ("1.按时办结数", "件", "8"),
    ("1.属于已主动公开范围数", "件", "2"),
    ("2.同意公开答复数", "件", "4"),
    ("3.同意部分公开答复数", "件", "1"),
    ("4.不同意公开答复数", "件", "0"),
    ("其中：涉及国家秘密", "件", "0"),
    ("5.不属于本行政机关公开数", "件", "1"),
    ("6.申请信息不存在数", "件", "0"),
    ("7.告知作出更改补充数", "件", "0"),
    ("四、行政复议数量", "件", "1"),
    ("（一）维持具体行政行为数", "件", "1"),
    ("（二）被依法纠错数", "件", "0"),
    ("（三）其他情形数", "件", "0"),
    ("五、行政诉讼数量", "件", "2"),
    ("（一）维持具体行政行为或者驳回原告诉讼请求数", "件", "1"),
    ("（二）被依法纠错数", "件", "0"),
    ("（三）其他情形数", "件", "1"),
    ("六、举报投诉数量", "件", "0"),
    ("七、依申请公开信息收取的费用", "万元", "0"),
    ("（三）从事政府信息公开工作人员数", "人", "5"),
    ("1.专职人员数（不包括政府公报及政府网站工作人员数）", "人", "1"),
    ("2.兼职人员数", "人", "4"),
    ("（四）政府信息公开专项经费（不包括用于政府公报编辑管理及政府网站建设维护等方面的经费）", "万元", "2.5"),
]
STAT_EXPECTED = {
    "disclosure.items": 1026, "disclosure.normative_docs_made": 15, "disclosure.press_conferences": 4,
    "disclosure.interpretations": 21, "requests.received": 8, "requests.channel_in_person": 3,
    "requests.channel_fax": 0, "requests.channel_online": 5, "requests.channel_paper": 0,
    "requests.processed_total": 8, "requests.already_public": 2, "requests.granted": 4,
    "requests.partially_granted": 1, "requests.denied": 0, "requests.unable_not_held": 1,
    "requests.correction_requested": 0, "appeals.review_total": 1, "appeals.review_upheld": 1,
    "appeals.review_corrected": 0, "appeals.review_other": 0, "appeals.suit_total": 2,
    "appeals.suit_upheld": 1, "appeals.suit_corrected": 0, "appeals.suit_other": 1,
    "appeals.complaints_total": 0, "operations.request_fees_cny": 0, "operations.staff_full_time": 1,
    "operations.staff_part_time": 4, "operations.spending_cny": 25_000,
}


@pytest.mark.parametrize("sep", ["\t", "  ", " | "])
def test_statistics_table_rows(sep: str) -> None:
    rows = "\n".join(sep.join(c for c in row if c) if sep != " | " else "| " + " | ".join(row) + " |"
                     for row in STAT_TABLE)
    text = "2016年，我局认真贯彻条例，主动公开政府信息1000条。\n政府信息公开情况统计表\n" + rows + "\n"
    # the printed table wins over the rounded figure of the prose
    exactly(text, STAT_EXPECTED)
    doc = Document(source="t.txt", format="text", text=text)
    for f in extract_narrative(Segment(1, "", text, 0), doc):
        printed = f.evidence.raw_text  # type: ignore[union-attr]
        assert text[f.evidence.offset:].startswith(printed.split()[-1].strip("|").strip() if sep != " | "  # type: ignore[union-attr]
                                                   else printed.split("|")[-2].strip())


def test_statistics_rows_need_their_unit_for_money_and_one_number() -> None:
    exactly("政府信息公开专项经费\t2.5\n", {})  # no unit: 2.5 what?
    exactly("（一）予以公开\t5\t0\t0\t0\t0\t0\t5\n", {})  # a 表三 row of the new form is not this table
    exactly("维持具体行政行为数\t件\t1\n", {})  # no 复议/诉讼 row above: whose outcome?


def test_agree_disagree_wording_of_old_reports() -> None:
    exactly("二、依申请公开情况\n对申请人的申请，已答复12件，其中同意公开6件，同意部分公开3件，不同意公开2件，信息不存在1件。",
            {"requests.granted": 6, "requests.partially_granted": 3, "requests.denied": 2,
             "requests.unable_not_held": 1})
    exactly("在已答复的申请中，予以公开的8件，占80%；不予公开的2件，占20%。",
            {"requests.granted": 8, "requests.denied": 2})


def test_activities_and_inspections_are_not_counts_of_the_metric() -> None:
    exactly("开展政策解读宣传活动5次。", {})
    exactly("对全区12个政务新媒体进行抽查，通报3个。", {})


def test_both_appeals_none_in_words() -> None:
    exactly("2021年，本机关因政府信息公开引发的行政复议、行政诉讼均为零。",
            {"appeals.review_total": 0, "appeals.suit_total": 0})
    exactly("本年度因政府信息公开引起的行政复议和行政诉讼案件均未发生。",
            {"appeals.review_total": 0, "appeals.suit_total": 0})
    exactly("本年度本机关因政府信息公开工作被申请行政复议0件，被提起行政诉讼0件。",
            {"appeals.review_total": 0, "appeals.suit_total": 0})
