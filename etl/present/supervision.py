"""Texts and display rules of the supervisor's views: the headline year, timeliness, the
standard indicators and the agency profile (no Streamlit).

The strings are registered with :func:`etl.present.i18n.register` from here, one module per
feature, so these views are bilingual without editing the shared string table at the same time
as others do. Blank is "—" and a zero denominator "n/a", in every language.
"""
from __future__ import annotations

import math
from typing import Any, Mapping

import pandas as pd

from etl.present import i18n
from etl.query import indicators as ind
from etl.query import timeliness as tl

BLANK = "—"
NOT_APPLICABLE = "n/a"

STRINGS: dict[str, tuple[str, str]] = {
    "page_agency": ("机构概况", "Agency profile"),
    # headline year
    "headline_year": ("标题年份", "Headline year"),
    "headline_year_help": (
        "默认为所选机构中多数已报告的最近年份；报告不全的年份标为“部分”。",
        "By default the latest year in which most agencies of the selection have reported; "
        "years with fewer reports are marked partial.",
    ),
    "year_reported_n_of_n": ("{year} 年：{n} / {total} 个机构已报告", "{year}: {n} of {total} agencies reported"),
    "year_option_partial": ("{year}（部分：{n}/{total}）", "{year} (partial: {n}/{total})"),
    "year_partial_warning": (
        "{year} 年数据不全：{n} / {total} 个机构已报告。数字只代表已报告的机构，不与上一年比较。",
        "{year} is partial: {n} of {total} agencies reported. Figures cover only those agencies "
        "and are not compared with the previous year.",
    ),
    "newer_partial_years": (
        "更新的年份数据不全，未作为标题年份：{years}",
        "Newer years are partial and not headlined: {years}",
    ),
    "no_delta_partial": (
        "不显示与上一年的变化：两年中至少一年数据不全。",
        "No change against the previous year is shown: one of the two years is partial.",
    ),
    "ranking_partial_note": (
        "{year} 年数据不全（{n} / {total}），排名只包括已报告的机构。",
        "{year} is partial ({n} of {total}); the ranking covers only the agencies that reported.",
    ),
    # indicators
    "indicators": ("标准指标", "Standard indicators"),
    "indicators_help": (
        "每个比率都附其分母 N；分母为 0 显示 n/a；N 小于阈值时不作评级。阈值见 config/indicators.toml。",
        "Each share is shown with its denominator N; n/a where N is 0; no rating where N is "
        "below the threshold. Thresholds are in config/indicators.toml.",
    ),
    "ind_correction_rate": ("纠错率", "Correction rate"),
    "ind_granted_share": ("公开（含部分公开）比例", "Granted in full or in part"),
    "ind_unable_share": ("“无法提供”比例", "Answered “unable to provide”"),
    "ind_natural_person_share": ("自然人申请占比", "Requests from natural persons"),
    "ind_requests_received": ("收到申请数", "Requests received"),
    "ind_requests_per_agency": ("平均每机构申请数", "Requests per agency"),
    "ind_def_correction_rate": (
        "行政复议和行政诉讼结果为“纠正”的件数 ÷ 已审结件数（总计 − 尚未审结）",
        "Reviews and lawsuits corrected ÷ concluded (total − pending)",
    ),
    "ind_def_granted_share": ("（予以公开 + 部分公开）÷ 办理结果总计", "(granted + partly granted) ÷ requests concluded"),
    "ind_def_unable_share": ("无法提供 ÷ 办理结果总计", "unable to provide ÷ requests concluded"),
    "ind_def_natural_person_share": ("自然人申请 ÷ 本年新收申请", "natural persons ÷ requests received"),
    "ind_def_requests_received": ("本年新收申请数", "new requests received this year"),
    "indicator": ("指标", "Indicator"),
    "definition": ("定义", "Definition"),
    "numerator": ("分子", "Numerator"),
    "denominator_n": ("分母 N", "Denominator N"),
    "rating": ("评级", "Rating"),
    "rating_red": ("红", "Red"),
    "rating_amber": ("黄", "Amber"),
    "rating_ok": ("正常", "OK"),
    "rating_small_n": ("N 过小，不评级", "N too small: not rated"),
    "rating_na": ("n/a（分母为 0）", "n/a (denominator 0)"),
    "small_n_note": (
        "分母小于下列件数的比率不评级（少数几件的百分比说明不了问题）：{n}",
        "Shares with a denominator below these counts are not rated (a percentage of a few "
        "cases says little): {n}",
    ),
    "peer_group": ("同类机构", "Peer group"),
    "peers_level_region": ("同层级、同地区", "Same level and region"),
    "peers_level": ("同层级", "Same level"),
    "peers_all": ("全部机构", "All agencies"),
    "peer_n": ("同类 N", "Peers N"),
    "peer_median": ("同类中位数", "Peer median"),
    "percentile": ("百分位", "Percentile"),
    "percentile_help": (
        "在同类机构中低于该值的比例（并列算一半）；同类只有一个机构时为空。",
        "Share of the peers below this value (ties count half); blank when the agency has no peers.",
    ),
    "value": ("数值", "Value"),
    "higher_is_worse": ("越高越差", "higher is worse"),
    "lower_is_worse": ("越低越差", "lower is worse"),
    "agencies_n": ("机构数", "Agencies"),
    "open_profile": ("机构概况", "Profile"),
    "selection_total": ("所选机构合计", "Selection total"),
    "applicant_mix": ("申请人构成", "Applicant mix"),
    "share_pct": ("占比（%）", "Share (%)"),
    "count_items": ("件数（件）", "Count (items)"),
    "applicant": ("申请人", "Applicant"),
    # timeliness
    "timeliness": ("报告及时性", "Timeliness of the annual reports"),
    "timeliness_help": (
        "2019 年及以后的报告：政府部门于次年 1 月 31 日前、县级以上人民政府于 3 月 31 日前公布；"
        "之前的报告一律于次年 3 月 31 日前。日期无法读取的记为“未知”，不算逾期。",
        "Reports for 2019 on: government departments by 31 January of the next year, people's "
        "governments at county level and above by 31 March; earlier reports all by 31 March. "
        "A date that cannot be read is unknown, not late.",
    ),
    "on_time_rate": ("按时率", "On-time rate"),
    "on_time_rate_detail": (
        "{on_time} / {n} 按时（逾期 {late}，缺失 {missing}，日期未知 {unknown}）",
        "{on_time} of {n} on time ({late} late, {missing} missing, {unknown} date unknown)",
    ),
    "status": ("状态", "Status"),
    "status_on_time": ("按时", "On time"),
    "status_late": ("逾期", "Late"),
    "status_missing": ("缺失", "Missing"),
    "status_unknown": ("日期未知", "Date unknown"),
    "published": ("发布日期", "Published"),
    "deadline": ("截止日期", "Deadline"),
    "days_late": ("逾期天数", "Days late"),
    "agency_type": ("机构类型", "Agency type"),
    "type_government": ("县级以上人民政府", "People's government (county and above)"),
    "type_department": ("政府部门", "Government department"),
    "type_township": ("乡镇/街道", "Township or street"),
    "rate_pct": ("按时率（%）", "On-time rate (%)"),
    "reports_n": ("报告数（份）", "Reports"),
    # agency profile
    "pick_agency": ("选择机构", "Choose an agency"),
    "pick_agency_help": (
        "在下面或侧栏选择一个机构，查看其概况。",
        "Choose an agency below or in the sidebar to see its profile.",
    ),
    "profile_first_of": (
        "已选择多个机构，显示第一个。其他机构：",
        "Several agencies are selected; showing the first. The others:",
    ),
    "region": ("地区", "Region"),
    "level": ("层级", "Level"),
    "print_hint": (
        "打印为一页简报：使用浏览器的“打印”（Ctrl+P / ⌘P），侧栏和按钮不会打印。",
        "Print as a one-page brief with the browser's print (Ctrl+P / ⌘P); the sidebar and "
        "buttons are left out.",
    ),
    "indicator_over_years": ("指标历年变化（与同类中位数对比）", "Indicator over the years, against the peer median"),
    "this_agency": ("本机构", "This agency"),
    "findings_title": ("发现的问题", "Findings"),
    "no_findings": ("没有发现问题。", "No findings."),
    "reports_title": ("报告", "Reports"),
    "no_indicators": (
        "该机构的报告没有给出计算这些指标所需的数字（2019 年以前的报告通常没有表三、表四）。",
        "This agency's reports do not print the numbers these indicators need (reports before "
        "2019 usually have no 表三/表四).",
    ),
    "profile_year": ("年份", "Year"),
    "latest": ("最近", "latest"),
    "message": ("说明", "Message"),
    "severity": ("严重程度", "Severity"),
    "rule": ("规则", "Rule"),
    "title": ("标题", "Title"),
    "kind": ("类型", "Kind"),
}
i18n.register(STRINGS)


def _nan(v: Any) -> bool:
    try:
        return v is None or math.isnan(float(v))
    except (TypeError, ValueError):
        return True


def indicator_label(indicator: str, lang: str) -> str:
    return i18n.t(f"ind_{indicator}", lang)


def indicator_definition(indicator: str, rule: ind.Rule | None, lang: str) -> str:
    """The formula in words, and which direction is worse where the indicator is rated."""
    text = i18n.t(f"ind_def_{indicator}", lang)
    if rule is not None and (rule.amber is not None or rule.red is not None):
        text += "; " if lang == "en" else "；"
        text += i18n.t("higher_is_worse" if rule.higher_is_worse else "lower_is_worse", lang)
    return text


def fmt_value(indicator: str, value: Any, den: Any) -> str:
    """A share as ``49.4%``, a zero denominator as ``n/a``, a count as ``1,234``, none as ``—``."""
    if indicator == "requests_received":
        return BLANK if _nan(value) else f"{float(value):,.0f}"
    if not _nan(den) and float(den) == 0:
        return NOT_APPLICABLE
    return BLANK if _nan(value) else f"{float(value):.1f}%"


def min_n_text(config: Mapping[str, ind.Rule], indicators: Any, lang: str) -> str:
    """"纠错率 5, …": the smallest N rated, for each rated indicator of ``indicators``."""
    parts = [f"{indicator_label(i, lang)} {config[i].min_n}" for i in indicators
             if i in config and (config[i].amber is not None or config[i].red is not None)]
    return ("，" if lang == "zh" else ", ").join(parts)


def fmt_count(value: Any) -> str:
    return BLANK if _nan(value) else f"{float(value):,.0f}"


def fmt_pct(value: Any) -> str:
    return BLANK if _nan(value) else f"{float(value):.1f}%"


def fmt_percentile(value: Any) -> str:
    return BLANK if _nan(value) else f"{float(value):.0f}"


def rating_label(rating: Any, lang: str) -> str:
    """The rating in words (red / amber / OK / not rated / n/a), "—" for unrated figures."""
    if rating is None or (isinstance(rating, float) and math.isnan(rating)):
        return BLANK
    key = {"n/a": "rating_na"}.get(str(rating), f"rating_{rating}")
    return i18n.t(key, lang)


def status_label(status: str, lang: str) -> str:
    return i18n.t(f"status_{status}", lang)


def type_label(kind: str, lang: str) -> str:
    return i18n.t(f"type_{kind}", lang)


def fmt_date(v: Any) -> str:
    if v is None:
        return BLANK
    try:
        if pd.isna(v):
            return BLANK
    except (TypeError, ValueError):
        pass
    return str(pd.Timestamp(v).date())


def indicator_table(
    df: pd.DataFrame,
    lang: str,
    config: Mapping[str, ind.Rule],
    names: Mapping[int, str] | None = None,
) -> pd.DataFrame:
    """The display table of :func:`etl.query.indicators.compute` (+ ``with_peers``) rows:
    agency (when ``names``), year, indicator, value, numerator, N, rating, peer columns when
    present — every blank "—", every zero denominator "n/a"."""
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    out = pd.DataFrame()
    if names is not None:
        out[t("agency")] = df["agency_id"].map(lambda a: names.get(int(a), BLANK))
    out[t("year")] = df["year"].astype(int).to_numpy()
    out[t("indicator")] = [indicator_label(i, lang) for i in df["indicator"]]
    out[t("value")] = [fmt_value(i, v, d) for i, v, d in zip(df["indicator"], df["value"], df["den"])]
    out[t("numerator")] = [fmt_count(v) for v in df["num"]]
    out[t("denominator_n")] = [fmt_count(d) for d in df["den"]]
    out[t("rating")] = [rating_label(r, lang) for r in df["rating"]]
    if "peer_n" in df.columns:
        out[t("peer_median")] = [fmt_value(i, v, None) for i, v in zip(df["indicator"], df["peer_median"])]
        out[t("percentile")] = [fmt_percentile(p) for p in df["percentile"]]
        out[t("peer_n")] = [fmt_count(n) for n in df["peer_n"]]
    return out.reset_index(drop=True)


def timeliness_table(df: pd.DataFrame, lang: str, with_agency: bool = False) -> pd.DataFrame:
    """Display rows of :func:`etl.query.timeliness.timeliness`."""
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    out = pd.DataFrame()
    if with_agency:
        out[t("agency")] = df["agency"].to_numpy()
    out[t("year")] = df["year"].astype(int).to_numpy()
    out[t("published")] = [fmt_date(v) for v in df["published"]]
    out[t("deadline")] = [fmt_date(v) for v in df["deadline"]]
    out[t("status")] = [status_label(s, lang) for s in df["status"]]
    out[t("days_late")] = [BLANK if _nan(v) or not v else f"{int(v)}" for v in df["days_late"]]
    return out.reset_index(drop=True)


def on_time_text(summary: Mapping[str, Any], lang: str) -> str:
    """"12 of 15 on time (2 late, 1 missing, 0 date unknown)"."""
    return i18n.t("on_time_rate_detail", lang, **{k: summary[k] for k in (
        "on_time", "n", "late", "missing", "unknown")})


__all__ = [
    "BLANK", "NOT_APPLICABLE", "fmt_value", "fmt_count", "fmt_pct", "fmt_percentile",
    "indicator_label", "indicator_definition", "indicator_table", "rating_label",
    "status_label", "timeliness_table", "type_label", "on_time_text", "tl",
]
