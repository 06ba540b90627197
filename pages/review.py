"""Review queue (/review): reports that need a person — error findings, unknown agency or year.

Each row links to the report page (/report?report=ID), where analysts correct it. Viewing the
queue needs no role; the corrections themselves are analyst-only on the report page.
"""
from __future__ import annotations

import streamlit as st

from etl.present import i18n
from etl.present.findings_text import text_or_blank
from etl.store.corrections import review_queue
from pages._ui.data import get_con
from pages._ui.downloads import first_rows, shown_rows, table
from pages._ui.links import nav_link, report_links
from pages._ui.messages import empty_state, error_boundary
from pages._ui.session import agency_option, lang, t
from pages._ui.state import page_setup

i18n.register({
    "rv_intro": (
        "以下报告有错误，或机关、年度未能识别。点击“打开”查看报告并更正。",
        "These reports have errors, or their agency or year is unknown. Open one to review and correct it.",
    ),
    "rv_empty": ("没有需要审核的报告。", "Nothing to review."),
    "rv_open": ("打开", "Open"),
    "rv_count": ("待审核报告：{n}", "Reports to review: {n}"),
    "rv_report_id": ("报告编号", "Report"),
    "rv_printed_agency": ("原文机构名", "Agency as printed"),
    "rv_file": ("来源文件", "Source file"),
    "rv_position": ("文件中位置", "Position in file"),
    "rv_errors": ("错误数", "Errors"),
    "rv_reasons": ("原因", "Why"),
    "rv_rule_ids": ("规则编号", "Rule ids"),
    "rv_agency_unknown": ("机构未识别", "Agency unknown"),
    "rv_year_unknown": ("年度未识别", "Year unknown"),
    "rv_verdicts": ("逐条确认或驳回发现（数据质量页）→", "Confirm or dismiss each finding (data quality) →"),
})


def reason_text(reasons: object, lang: str) -> str:
    """The queue's reasons ("agency unknown; t3_balance, t4_sum") in words."""
    if not isinstance(reasons, str) or not reasons:
        return ""
    fixed = {"agency unknown": "rv_agency_unknown", "year unknown": "rv_year_unknown"}
    out = []
    for part in reasons.split("; "):
        if part in fixed:
            out.append(i18n.t(fixed[part], lang))
        else:
            out.extend(i18n.rule_label(r.strip(), lang) for r in part.split(",") if r.strip())
    return "；".join(out) if lang == "zh" else "; ".join(out)


def main() -> None:
    filters = page_setup("review", "page_review")
    with error_boundary():
        st.caption(t("rv_intro"))
        df = review_queue(get_con())
        if df.empty:
            empty_state(t("rv_empty"))
            return
        lg = lang()
        total = len(df)
        # a province's queue: the first rows, as a light table
        df = first_rows(df, shown_rows(light=True), note="rv_rows_shown").copy()
        df["link"] = report_links(df["report_id"], filters)
        df["kind"] = [i18n.kind_label(k, lg) for k in df["kind"]]
        df["reason_text"] = [reason_text(r, lg) for r in df["reasons"]]
        # an agency not recognised is "unknown", other blanks "—", never "None"
        df["agency"] = [agency_option(a) if isinstance(a, str) and a else t("unknown") for a in df["agency"]]
        for col in ("printed_agency", "file", "reasons", "reason_text"):
            df[col] = [text_or_blank(v) for v in df[col]]
        st.write(t("rv_count", n=total))
        nav_link("quality", t("rv_verdicts"))
        label = st.column_config.Column
        table(
            df, light=True,
            # the link first: at the end it was cut off at the right edge of the table
            column_order=["link", "report_id", "agency", "year", "kind", "errors", "reason_text",
                          "printed_agency", "file", "position", "reasons"],
            column_config={
                "link": st.column_config.LinkColumn(t("rv_open"), display_text=t("rv_open")),
                "report_id": label(t("rv_report_id")),
                "agency": label(t("agency")),
                "printed_agency": label(t("rv_printed_agency")),
                "year": st.column_config.NumberColumn(t("year"), format="%d"),
                "kind": label(t("kind")),
                "file": label(t("rv_file")),
                "position": label(t("rv_position")),
                "errors": label(t("rv_errors")),
                "reason_text": label(t("rv_reasons")),
                "reasons": label(t("rv_rule_ids")),
            },
        )


main()
