"""Review queue (/review): reports that need a person — error findings, unknown agency or year.

Each row links to the report page (/report?report=ID), where analysts correct it. Viewing the
queue needs no role; the corrections themselves are analyst-only on the report page.
"""
from __future__ import annotations

import streamlit as st

from etl import i18n
from etl.corrections import review_queue
from pages._ui import empty_state, error_boundary, get_con, page_setup, report_link, t

i18n.register({
    "rv_intro": (
        "以下报告有错误，或机关、年度未能识别。点击“打开”查看报告并更正。",
        "These reports have errors, or their agency or year is unknown. Open one to review and correct it.",
    ),
    "rv_empty": ("没有需要审核的报告。", "Nothing to review."),
    "rv_open": ("打开", "Open"),
    "rv_count": ("待审核报告：{n}", "Reports to review: {n}"),
})


def main() -> None:
    filters = page_setup("review", "page_review")
    with error_boundary():
        st.caption(t("rv_intro"))
        df = review_queue(get_con())
        if df.empty:
            empty_state(t("rv_empty"))
            return
        df["link"] = [report_link(int(r), filters) for r in df["report_id"]]
        st.write(t("rv_count", n=len(df)))
        st.dataframe(
            df, hide_index=True,
            column_config={"link": st.column_config.LinkColumn(t("rv_open"), display_text=t("rv_open"))},
        )


main()
