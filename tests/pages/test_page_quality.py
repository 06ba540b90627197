"""AppTest runs of the data-quality page (findings from tests/conftest.py)."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from etl.present import i18n
from tests.helpers.pages import by_chinese_name, plain, run_app, tables

TIMEOUT = 30


def run(**params: str | list[str]) -> AppTest:
    return run_app("../pages/quality.py", TIMEOUT, **params)


def test_all_findings_and_counts(small_db_env) -> None:
    at = run(lang="en")
    assert not at.exception
    counts = tables(at)[0].value
    assert dict(zip(counts["Rule"], counts["Count"])) == {
        "anonymised_agency": 1, "narrative_vs_table": 1, "note_in_cell": 1, "table3_identity": 1}
    table = by_chinese_name(tables(at)[1].value)
    assert len(table) == 4
    assert set(table["Severity"]) == {"Error", "Warning", "Info"}
    assert "Unknown" in set(table["Agency"])
    row = table[table["Rule"] == "table3_identity"].iloc[0]
    assert row["Agency"] == "丙市商务局" and row["Year"] == 2022
    assert row["Open report"].endswith(f"report={row['report_id']}")
    assert [b.label for b in at.get("download_button")].count("Download CSV") == 2


def test_filters_from_url(small_db_env) -> None:
    at = run(severity="warning", year_from="2021", lang="en")
    assert not at.exception
    assert at.multiselect(key="qp_quality_severity").value == ["warning"]
    # the filters sit in a popover under a line saying which are in force
    assert "Rules: All · Severity: Warning" in [c.value for c in at.caption]
    table = by_chinese_name(tables(at)[1].value)
    assert table["Rule"].tolist() == ["narrative_vs_table"]
    assert table["Agency"].tolist() == ["甲市财政局"]


def test_rule_and_agency_filters(small_db_env) -> None:
    at = run(rule=["table3_identity", "note_in_cell"], agency="甲市商务局")
    assert not at.exception
    summary = [c.value for c in at.caption if c.value.startswith("规则：")]
    assert summary == [f"规则：{i18n.rule_label('table3_identity', 'zh')}、"
                       f"{i18n.rule_label('note_in_cell', 'zh')}　严重程度：全部"]
    table = by_chinese_name(tables(at)[1].value)
    assert table["规则"].tolist() == ["note_in_cell"]
    assert table["严重程度"].tolist() == ["提示"]


def test_widget_change_updates_url(small_db_env) -> None:
    at = run()
    at.multiselect(key="qp_quality_severity").select("error").run()
    assert not at.exception
    assert at.query_params["severity"] == "error"
    assert tables(at)[1].value["规则"].tolist() == ["table3_identity"]
    assert "severity=error" in at.code[0].value


def test_empty_selection_and_bad_params(small_db_env) -> None:
    at = run(year_from="2017", year_to="2018", severity="bogus")
    assert not at.exception
    assert any("severity=bogus" in plain(w.value) for w in at.warning)
    assert any("没有数据" in i.value for i in at.info)
    assert not tables(at)


def test_only_the_open_tab_is_drawn_and_it_is_in_the_url(small_db_env) -> None:
    """The sections are tabs (URL ``view``) below the rule/severity filters: a new session gets
    the stored findings, nothing of the other tabs is sent, and a link opens the tab it names,
    in either language."""
    at = run(lang="en")
    assert not at.exception
    assert [tab.label for tab in at.tabs] == ["Findings", "Consistency", "Reused text"]
    assert [list(d.value.columns[:2]) for d in tables(at)] == [
        ["Check", "Rule"], ["Agency", "Chinese name"]]  # the counts and the findings only
    assert not any("Printed (%)" in d.value.columns or "Share reused" in d.value.columns
                   for d in tables(at))
    assert "view" not in at.query_params  # the default tab is not written to the URL
    # the filters stay above the tabs, the verdicts come at the end of the open one
    assert [m.key for m in at.main.multiselect] == ["qp_quality_rule", "qp_quality_severity"]
    assert at.subheader[-1].value == "Reviewer's verdict (analysts)"
    at = run(view="consistency")
    assert not at.exception
    assert at.tabs[1].label == "一致性检查"
    assert at.session_state["qp_quality_view"] == "一致性检查"  # the open tab
    assert at.query_params["view"] == "consistency"
    assert not tables(at)  # the small database prints no changes against its levels
    assert any("两年数字一致" in i.value for i in at.info)
    at = run(view="reuse", lang="en")
    assert not at.exception
    assert at.session_state["qp_quality_view"] == "Reused text"
    assert [i.value for i in at.info] == ["No reused text above the threshold."]
    assert not tables(at)


def test_unknown_tab_in_a_link_says_so_and_opens_the_first(small_db_env) -> None:
    at = run(view="nosuch", lang="en")
    assert not at.exception
    assert any("view=nosuch" in plain(w.value) for w in at.warning)
    assert at.session_state["qp_quality_view"] == "Findings"
    assert [list(d.value.columns[:2]) for d in tables(at)] == [
        ["Check", "Rule"], ["Agency", "Chinese name"]]


def test_old_reuse_link_opens_the_reuse_tab(small_db_env) -> None:
    """``reuse=1`` was the reused-text checkbox: such a link opens that tab (and the URL says
    ``view=reuse`` instead); a link naming a tab keeps it."""
    at = run(reuse="1", lang="en")
    assert not at.exception
    assert at.session_state["qp_quality_view"] == "Reused text"
    assert at.query_params["view"] == "reuse" and "reuse" not in at.query_params
    assert not at.checkbox  # no checkbox any more: opening the tab runs the check
    assert [i.value for i in at.info] == ["No reused text above the threshold."]
    at = run(reuse="1", view="consistency", lang="en")
    assert not at.exception
    assert at.session_state["qp_quality_view"] == "Consistency"
    assert "reuse" not in at.query_params


def test_long_findings_show_their_first_rows_and_download_all(small_db_env, downloads,
                                                              monkeypatch) -> None:
    """A province's findings: the first rows shown as a light table, put in words; the
    download (made when clicked) holds every finding, in the same words."""
    from etl.present import html_table

    monkeypatch.setattr(html_table, "MAX_ROWS", 1)
    at = run(lang="en")
    assert not at.exception
    shown = tables(at)[1].value
    full = downloads["findings"]
    assert len(shown) == 1 and len(full) == 4 and not at.dataframe
    # the same columns (the English view adds the Chinese names to both, on their way out)
    assert list(full.columns) == [c for c in shown.columns if c != "Chinese name"]
    assert full.iloc[0]["Rule"] == shown.iloc[0]["Rule"]
    assert all(link.endswith(f"report={rid}") for link, rid in zip(full["Open report"], full["report_id"]))
    assert any("Showing the first 1 of 4 rows" in c.value for c in at.caption)
