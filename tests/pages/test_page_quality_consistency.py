"""The quality page's consistency checks and reviewers' verdicts (AppTest).

Two work summaries of 甲市商务局 (2022, 2023) are loaded through the public loader into a copy
of the small test database. 2023 prints 实际到资 4588 万美元 "比增 28.57 %" after 8295 万美元
in 2022 — the change the levels give is 4588 ÷ 8295 − 1 = −44.7 % — and repeats five of its
six countable sentences from 2022 (the title is too short to count, the figures are mostly
numbers). A verdict given on the page survives loading the file again.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers.pages import by_chinese_name, run_app, tables

TIMEOUT = 60
KEY = "review-key"
SAME = (
    "我局持续优化营商环境，深入开展招商引资专项行动，组织企业参加各类展会十余场。\n"
    "积极推动重点项目落地建设，建立项目跟踪服务机制，协调解决企业用工用地等实际困难。\n"
    "加强外贸企业培育，支持企业开拓国际市场，推动跨境电商等新业态健康发展。\n"
    "强化安全生产监管，开展商贸流通领域安全隐患排查整治，确保全年未发生安全事故。\n"
    "切实加强干部队伍建设，扎实开展作风建设年活动，干部职工服务意识明显增强。\n"
)


def summary(year: int, body: str) -> str:
    return (f"甲市商务局{year}年工作总结\n\n{year}年，甲市商务局在市委、市政府的正确领导下，"
            f"坚持稳中求进工作总基调，全力推进开放型经济发展。\n{body}\n{SAME}")


FILE_2022 = summary(2022, "全年新批外商投资企业12家，合同利用外资9000万美元，比增5.00%，完成计划100.00%；"
                          "实际利用外资8295万美元，比增3.10%，完成计划101.00%；完成外贸出口30000万美元，"
                          "比增2.00%，完成计划99.00%。")
FILE_2023 = summary(2023, "全年新批外商投资企业10家，合同利用外资9900万美元，比增10.00%，完成计划102.00%；"
                          "实际利用外资4588万美元，比增28.57%，完成计划120.00%；完成外贸出口31500万美元，"
                          "比增5.00%，完成计划100.00%。")
EXPECTED_CHANGE = (4588 / 8295 - 1) * 100  # −44.69 %


@pytest.fixture
def loaded_db(small_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from etl.store import connection
    from etl.store import database as store
    from etl.store.loader import load_paths

    db = tmp_path / "copy.duckdb"
    shutil.copy(small_db, db)
    archive = tmp_path / "archive"
    shutil.copytree(small_db.parent / "archive", archive)
    files = tmp_path / "files"
    files.mkdir()
    (files / "甲市商务局2022年工作总结.txt").write_text(FILE_2022, encoding="utf-8")
    (files / "甲市商务局2023年工作总结.txt").write_text(FILE_2023, encoding="utf-8")
    monkeypatch.setenv("GONGKAI_DB", str(db))
    monkeypatch.setenv("GONGKAI_ARCHIVE", str(archive))
    monkeypatch.setenv("GONGKAI_ANALYST_KEY", KEY)
    con = store.connect(db)
    try:
        result = load_paths(sorted(files.iterdir()), con, archive=archive)
        assert result.ok, result.to_dict()
    finally:
        con.close()
    yield db, files
    connection.close_all()


def run(**params: str) -> AppTest:
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "../pages/quality.py"),
                           default_timeout=TIMEOUT)
    at.session_state["_gk_analyst_key"] = KEY
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def consistency_table(at: AppTest):
    """The consistency tab's table (open it with ``view="consistency"``)."""
    assert at.session_state["qp_quality_view"] in ("Consistency", "一致性检查")
    return by_chinese_name(tables(at)[0].value)


def fdi_row(table):
    rows = table[(table["Agency"] == "甲市商务局") & (table["Year"] == 2023)
                 & (table["Metric"] == "Foreign investment received: year-on-year change")]
    assert len(rows) == 1, table
    return rows.iloc[0]


def test_printed_change_against_both_levels_with_both_numbers(loaded_db) -> None:
    at = run(lang="en", view="consistency")
    table = consistency_table(at)
    row = fdi_row(table)
    assert row["Printed (%)"] == 28.57
    assert row["From the levels (%)"] == round(EXPECTED_CHANGE, 1) == -44.7
    assert (row["Last year (万美元)"], row["This year (万美元)"]) == (8295, 4588)
    assert row["Severity"] == "Error"
    assert row["Verdict"] == "Not reviewed" and row["Reviewed by"] == "—"
    # contracted FDI (9000 → 9900 = +10 %, printed 10.00) agrees: not listed
    assert not (table["Metric"] == "Contracted foreign investment: year-on-year change").any()
    # the plan: 120 % of 4588 implies a target of 3823 万, 0.46× 2022's 8295 (below 0.5)
    plan = table[table["Metric"] == "Foreign investment received: share of annual plan"]
    assert len(plan) == 1 and "0.46×" in plan.iloc[0]["Message"]
    # in Chinese the message is written from its numbers
    zh = consistency_table(run(lang="zh", view="consistency"))
    msg = zh[zh["指标"] == "实际到资 比增"].iloc[0]["说明"]
    assert "28.57%" in msg and "-44.7%" in msg and "8,295" in msg and "4,588" in msg


def test_reused_text_on_request(loaded_db) -> None:
    # the reused text is its own tab: neither the findings nor the consistency tab runs it
    for view in ("findings", "consistency"):
        at = run(lang="en", view=view)
        assert not any("Share reused" in d.value.columns for d in tables(at)), view
    assert any("Printed (%)" in d.value.columns for d in tables(at))
    at = run(lang="en", view="reuse")
    assert at.session_state["qp_quality_view"] == "Reused text"
    assert ["Share reused" in d.value.columns for d in tables(at)] == [True]  # it alone
    reused = by_chinese_name(tables(at)[0].value)
    assert reused["Check"].tolist() == ["Text repeats last year's report"]
    row = reused.iloc[0]
    assert (row["Agency"], row["Year"]) == ("甲市商务局", 2023)
    assert row["Share reused"] == f"{5 / 6 * 100:.0f} %" == "83 %"
    assert row["Compared with"] == "甲市商务局 2022"
    assert "(5 of 6)" in row["Message"]
    # a link of the old checkbox (reuse=1) opens the same tab
    old = run(lang="en", reuse="1")
    assert old.session_state["qp_quality_view"] == "Reused text"
    assert by_chinese_name(tables(old)[0].value).equals(reused)
    # the verdicts at the end of the tab take its findings
    assert [o for o in old.selectbox(key="vd_pick").options] == [
        "甲市商务局 2023 · Text repeats last year's report · 2022"]


def test_only_the_open_tab_is_drawn(loaded_db) -> None:
    """The default tab (stored findings) sends none of the consistency table, whose verdicts
    are given in their own tab; a selection holding consistency findings but no stored one
    says where they are rather than "no data"."""
    at = run(lang="en")
    assert at.session_state["qp_quality_view"] == "Findings" and "view" not in at.query_params
    assert [list(d.value.columns[:1]) for d in tables(at)] == [["Check"], ["Agency"]]
    assert not any("Printed (%)" in d.value.columns for d in tables(at))
    assert not any("Foreign investment received" in o for o in at.selectbox(key="vd_pick").options)
    at = run(lang="en", rule="yoy_vs_levels")
    assert not tables(at)
    assert [i.value for i in at.info] == [
        "No extraction or cross-year findings in this selection; the consistency checks' "
        "findings are in the Consistency tab."]
    at = run(lang="en", rule="yoy_vs_levels", view="consistency")
    assert fdi_row(consistency_table(at))["Severity"] == "Error"


def test_verdict_survives_loading_the_file_again(loaded_db) -> None:
    from etl.store import connection
    from etl.store import database as store
    from etl.store.loader import load_paths

    db, files = loaded_db
    at = run(lang="en", view="consistency")
    box = at.selectbox(key="vd_pick")
    label = next(o for o in box.options if "Foreign investment received: year-on-year" in o)
    box.select_index(box.options.index(label)).run()
    at.radio(key="vd_choice").set_value("dismissed")
    at.text_input(key="vd_who").input("王审核")
    at.text_area(key="vd_why").input("报告口径为人民币折算，已核实")
    next(b for b in at.button if b.label == "Save verdict").click().run()
    assert not at.exception, [e.value for e in at.exception]
    row = fdi_row(consistency_table(at))
    assert (row["Verdict"], row["Reviewed by"], row["Why"]) == (
        "Dismissed", "王审核", "报告口径为人民币折算，已核实")

    connection.close_all()
    con = store.connect(db)
    try:
        before = con.execute("SELECT max(report_id) FROM reports").fetchone()[0]
        # both files again (2022 first, so the 2023 report cannot get its old id back)
        result = load_paths(sorted(files.iterdir()), con, force=True,
                            archive=Path(db).parent / "archive")
        assert result.count("loaded") == 2, result.to_dict()
        after = con.execute(
            "SELECT report_id FROM reports WHERE year = 2023 AND kind = 'work_summary'").fetchone()[0]
        assert after > before  # the report got a new id: the verdict is not keyed by it
    finally:
        con.close()
    at2 = run(lang="en", view="consistency")
    row = fdi_row(consistency_table(at2))
    assert (row["Verdict"], row["Reviewed by"], row["Why"]) == (
        "Dismissed", "王审核", "报告口径为人民币折算，已核实")
    assert row["Open report"].endswith(f"report={after}")
    # the other findings carry no verdict
    others = consistency_table(at2)
    assert (others["Verdict"] == "Not reviewed").sum() == len(others) - 1


def test_agency_profile_shows_the_consistency_findings_with_verdicts(loaded_db) -> None:
    from etl.query import consistency
    from etl.store import database as store
    from etl.store import verdicts as vs

    db, _ = loaded_db
    con = store.connect(db)
    try:
        sha, pos = con.execute(
            "SELECT s.sha256, r.position FROM reports r JOIN sources s USING (source_id) "
            "WHERE r.year = 2023 AND r.kind = 'work_summary'").fetchone()
        vs.set_verdict(con, vs.FindingKey(sha, pos, consistency.YOY_RULE,
                                          "investment.fdi_actual_yoy_pct"),
                       vs.CONFIRMED, "李监督", "两年数字无误，报告增幅印错")
    finally:
        con.close()
    at = run_app("../pages/agency.py", TIMEOUT, agency="甲市商务局", lang="zh", reuse="1")
    assert not at.exception, [e.value for e in at.exception]
    assert any(s.value == "一致性检查" for s in at.subheader)
    table = next(d.value for d in tables(at) if "审核结论" in d.value.columns)
    yoy = table[table["说明"].str.contains("实际到资 比增")].iloc[0]
    assert "-44.7%" in yoy["说明"] and yoy["审核结论"] == "已确认"
    assert yoy["理由"] == "两年数字无误，报告增幅印错"
    assert set(table["规则"]) >= {"印出的同比增减与两年数字不符", "重复上年报告文本"}
