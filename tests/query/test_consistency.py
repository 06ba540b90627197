"""Consistency checks (etl/query/consistency.py, etl/query/reuse.py) and reviewers' verdicts
(etl/store/verdicts.py): rules on frames written here, expected numbers computed in the test."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from etl.query import consistency as cs
from etl.query import reuse
from etl.store import database as store
from etl.store import verdicts as vs


def levels(rows: list[tuple]) -> pd.DataFrame:
    """(agency_id, year, metric suffix, value) → the frame ``level_facts`` returns."""
    out = []
    for n, (aid, year, metric, value) in enumerate(rows):
        out.append({"report_id": 100 * aid + year - 2000, "agency_id": aid, "agency": f"机构{aid}",
                    "year": year, "metric_id": f"investment.{metric}", "value": value,
                    "raw_text": None, "source_sha256": f"sha{aid}{year}", "position": 1})
    return pd.DataFrame(out)


def test_printed_yoy_against_levels_flags_the_issue_example_with_both_numbers() -> None:
    df = levels([
        (1, 2022, "fdi_actual_usd", 82_950_000), (1, 2023, "fdi_actual_usd", 45_880_000),
        (1, 2023, "fdi_actual_yoy_pct", 28.57),
        # consistent within rounding: 9000 → 9900 is +10 %, printed 10.4
        (1, 2022, "fdi_contract_usd", 90_000_000), (1, 2023, "fdi_contract_usd", 99_000_000),
        (1, 2023, "fdi_contract_yoy_pct", 10.4),
        # same sign, 8 points off: a warning
        (1, 2022, "exports_usd", 300_000_000), (1, 2023, "exports_usd", 330_000_000),
        (1, 2023, "exports_yoy_pct", 18.0),
    ])
    got = cs.yoy_checks(df, tolerance_pp=1.0)
    assert sorted(got["cell"]) == ["investment.exports_yoy_pct", "investment.fdi_actual_yoy_pct"]
    fdi = got[got["cell"] == "investment.fdi_actual_yoy_pct"].iloc[0]
    expected = (4588 / 8295 - 1) * 100  # −44.69 %
    assert fdi["params"]["computed"] == pytest.approx(expected, abs=0.01)
    assert fdi["params"]["printed"] == 28.57
    assert fdi["params"]["prev"] == 82_950_000 and fdi["params"]["cur"] == 45_880_000
    assert fdi["severity"] == "error"  # growth printed for a fall
    assert "28.57" in fdi["message"] and "-44.7" in fdi["message"]
    assert "8,295" in fdi["message"] and "4,588" in fdi["message"]
    assert fdi["source_sha256"] == "sha12023" and fdi["rule"] == cs.YOY_RULE
    ex = got[got["cell"] == "investment.exports_yoy_pct"].iloc[0]
    assert ex["severity"] == "warning"
    assert ex["params"]["gap"] == pytest.approx(18.0 - 10.0, abs=0.01)


def test_yoy_needs_both_consecutive_levels_and_a_positive_base() -> None:
    df = levels([
        (1, 2021, "fdi_actual_usd", 10_000_000), (1, 2023, "fdi_actual_usd", 50_000_000),
        (1, 2023, "fdi_actual_yoy_pct", -30.0),        # no 2022 level: not judged
        (2, 2022, "exports_usd", 0.0), (2, 2023, "exports_usd", 5_000_000),
        (2, 2023, "exports_yoy_pct", 12.0),            # base 0: no change computable
        (3, 2023, "exports_usd", 5_000_000), (3, 2023, "exports_yoy_pct", 99.0),
    ])
    assert cs.yoy_checks(df).empty
    # tolerance from the config: 10 points tolerates an 8-point gap
    df2 = levels([(1, 2022, "exports_usd", 100.0), (1, 2023, "exports_usd", 110.0),
                  (1, 2023, "exports_yoy_pct", 18.0)])
    assert len(cs.yoy_checks(df2, tolerance_pp=1.0)) == 1
    assert cs.yoy_checks(df2, tolerance_pp=10.0).empty
    # years before year_from only serve as last year
    assert cs.yoy_checks(df2, year_from=2024).empty


def test_plan_completion_implied_target_against_last_years_level() -> None:
    df = levels([
        (1, 2022, "fdi_actual_usd", 82_950_000), (1, 2023, "fdi_actual_usd", 45_880_000),
        (1, 2023, "fdi_actual_plan_pct", 120.0),     # target 3,823 万 = 0.46× last year's
        (1, 2022, "exports_usd", 300_000_000), (1, 2023, "exports_usd", 315_000_000),
        (1, 2023, "exports_plan_pct", 100.0),        # target 31,500 万 = 1.05×: fine
        (2, 2022, "exports_usd", 100.0), (2, 2023, "exports_usd", 100.0),
        (2, 2023, "exports_plan_pct", 0.0),          # not positive
    ])
    got = cs.plan_checks(df, min_ratio=0.5, max_ratio=3.0)
    assert sorted(zip(got["agency_id"], got["cell"])) == [
        (1, "investment.fdi_actual_plan_pct"), (2, "investment.exports_plan_pct")]
    one = got[got["agency_id"] == 1].iloc[0]
    target = 45_880_000 / 1.2
    assert one["params"]["target"] == pytest.approx(target, abs=0.01)
    assert one["params"]["ratio"] == pytest.approx(target / 82_950_000, abs=0.001)
    assert got[got["agency_id"] == 2].iloc[0]["params"]["target"] is None


def test_config_file_overrides_defaults(tmp_path: Path) -> None:
    p = tmp_path / "checks.toml"
    p.write_text("[yoy]\ntolerance_pp = 3\n[reuse]\nthreshold = 0.8\n", encoding="utf-8")
    cfg = cs.load_config(p)
    assert cfg["yoy"]["tolerance_pp"] == 3.0 and cfg["reuse"]["threshold"] == 0.8
    assert cfg["plan"] == cs.DEFAULTS["plan"]
    assert cs.load_config(tmp_path / "missing.toml") == cs.DEFAULTS
    # the shipped file parses and sets every documented key
    shipped = cs.load_config()
    assert set(shipped["reuse"]) == set(cs.DEFAULTS["reuse"])


# ----------------------------------------------------------------------------- reused text

BODY = [
    "我局持续优化营商环境，深入开展招商引资专项行动，组织企业参加各类展会十余场。",
    "积极推动重点项目落地建设，建立项目跟踪服务机制，协调解决企业实际困难。",
    "加强外贸企业培育，支持企业开拓国际市场，推动跨境电商等新业态健康发展。",
    "强化安全生产监管，开展商贸流通领域安全隐患排查整治，确保全年未发生事故。",
    "切实加强干部队伍建设，扎实开展作风建设年活动，干部职工服务意识明显增强。",
    "深入推进政务公开标准化规范化建设，及时公开各类政策文件和办事指南信息。",
]
NEW = [
    "今年新建立了企业服务专员制度，为三十家重点企业提供一对一上门服务指导。",
    "首次举办跨境电商人才培训班，参训学员超过两百人次，获得企业广泛好评认可。",
    "完成了全市商贸网点布局规划的编制工作，报请市政府审定后将于明年实施。",
    "推动老旧菜市场改造提升，新增便民服务网点，居民生活更加方便快捷舒适。",
]


def test_sentences_skip_headings_tables_and_short_lines() -> None:
    text = ("一、总体情况\n" + BODY[0] + "\n| 本年新收 | 12 | 3 |\n短句。\n"
            "2023年共受理申请12345件，办结12000件，结转345件。\n" + BODY[1] + BODY[1])
    got = reuse.sentences(text, min_chars=15)
    # the line mostly of numbers (19 of 34 characters) is a statistics line, not prose
    assert got == [BODY[0][:-1], BODY[1][:-1]]
    assert reuse.sentences("2023年共受理政府信息公开申请12件，全部按时办结答复。") == [
        "2023年共受理政府信息公开申请12件，全部按时办结答复"]


def pool(rows: list[tuple[int, int, int, str]]) -> pd.DataFrame:
    return pd.DataFrame([{"report_id": rid, "agency_id": aid, "agency": f"机构{aid}",
                          "year": year, "kind": kind, "source_sha256": f"s{rid}", "position": 1}
                         for rid, aid, year, kind in rows])


def test_reuse_of_last_years_report_and_of_another_agencys() -> None:
    texts = {
        1: "\n".join(BODY),                                  # agency 1, 2022
        2: "\n".join(BODY[:4] + NEW[:2]),                    # agency 1, 2023: 4 of 6 reused
        3: "\n".join(NEW),                                   # agency 2, 2022
        4: "\n".join(NEW + BODY[4:5] + ["其他工作按计划有序推进，各项任务均已全面完成到位。"]),
    }
    df = pool([(1, 1, 2022, "work_summary"), (2, 1, 2023, "work_summary"),
               (3, 2, 2022, "work_summary"), (4, 2, 2023, "work_summary")])
    got = reuse.reuse_checks(df, texts, threshold=0.5, min_sentences=6, boilerplate_agencies=3)
    prev = got[got["rule"] == reuse.PREV_RULE].set_index("report_id")
    assert sorted(prev.index) == [2, 4]
    assert prev.loc[2, "params"]["reused"] == 4 and prev.loc[2, "params"]["sentences"] == 6
    assert prev.loc[2, "params"]["share"] == pytest.approx(round(4 / 6 * 100, 1))
    assert prev.loc[2, "cell"] == "2022"
    # agency 2's 2023 report repeats its own 2022 text (4 of 6) — and shares only 1 with
    # agency 1's 2023 report (1/6 < 0.5): no other-agency finding
    assert prev.loc[4, "params"]["reused"] == 4
    other = got[got["rule"] == reuse.OTHER_RULE]
    assert other.empty
    # the same text under another agency in the same year is reuse of another agency's
    texts[5] = texts[1]
    df2 = pd.concat([df, pool([(5, 3, 2022, "work_summary")])], ignore_index=True)
    got2 = reuse.reuse_checks(df2, texts, threshold=0.5, min_sentences=6, targets=[5])
    assert got2["rule"].tolist() == [reuse.OTHER_RULE]
    assert got2.iloc[0]["cell"] == "机构1" and got2.iloc[0]["params"]["share"] == 100.0


def test_boilerplate_printed_by_many_agencies_is_not_reuse() -> None:
    texts = {i: "\n".join(BODY) for i in range(1, 6)}
    df = pool([(i, i, 2023, "disclosure_report") for i in range(1, 6)])
    assert reuse.reuse_checks(df, texts, boilerplate_agencies=3).empty  # 5 agencies print it
    assert len(reuse.reuse_checks(df, texts, boilerplate_agencies=5)) == 5
    # too few sentences are not judged
    assert reuse.reuse_checks(df, texts, boilerplate_agencies=5, min_sentences=7).empty


# ----------------------------------------------------------------------------- verdicts

def test_verdicts_latest_wins_history_kept_and_join_by_stable_key(tmp_path: Path) -> None:
    con = store.connect(tmp_path / "v.duckdb")
    try:
        key = vs.FindingKey("abc", 2, cs.YOY_RULE, "investment.fdi_actual_yoy_pct")
        vs.set_verdict(con, key, vs.CONFIRMED, "张三", "水平数字核对无误",
                       at=datetime(2026, 1, 1, 9))
        vs.set_verdict(con, key, vs.DISMISSED, "李四", "报告口径不同", at=datetime(2026, 1, 2, 9))
        with pytest.raises(vs.VerdictError):
            vs.set_verdict(con, key, "maybe", "x", "y")
        with pytest.raises(vs.VerdictError):
            vs.set_verdict(con, key, vs.CONFIRMED, "x", " ")
        cur = vs.current(con)
        assert cur[["verdict", "who", "why"]].values.tolist() == [["dismissed", "李四", "报告口径不同"]]
        assert [h["who"] for h in vs.history(con, key)] == ["张三", "李四"]
        findings = pd.DataFrame([
            {"report_id": 7, "rule": cs.YOY_RULE, "cell": "investment.fdi_actual_yoy_pct",
             "source_sha256": "abc", "position": 2},
            {"report_id": 8, "rule": cs.YOY_RULE, "cell": "investment.exports_yoy_pct",
             "source_sha256": "abc", "position": 2},
        ])
        out = cs.with_verdicts(findings, cur)
        assert out["verdict"].tolist()[0] == "dismissed" and pd.isna(out["verdict"].tolist()[1])
    finally:
        con.close()


def test_a_limit_keeps_the_first_findings_and_counts_them_all() -> None:
    rows = []
    for aid in range(1, 6):  # five agencies, each printing +50 % for a level that stayed put
        rows += [(aid, 2022, "exports_usd", 100.0), (aid, 2023, "exports_usd", 100.0),
                 (aid, 2023, "exports_yoy_pct", 50.0)]
    got = cs.yoy_checks(levels(rows), limit=2)
    assert got["agency_id"].tolist() == [1, 2] and cs.total(got) == 5
    assert cs.total(cs.yoy_checks(levels(rows))) == 5
    # two reports of one agency-year: the first report's figure counts
    dup = levels([(1, 2022, "exports_usd", 100.0), (1, 2023, "exports_usd", 110.0),
                  (1, 2023, "exports_yoy_pct", 10.0)])
    later = dup.iloc[[2]].assign(report_id=999, value=40.0)
    assert cs.yoy_checks(pd.concat([dup, later], ignore_index=True)).empty


def test_reuse_pool_too_large_is_not_read(small_db: Path) -> None:
    import duckdb

    con = duckdb.connect(str(small_db), read_only=True)
    try:
        got = reuse.reuse_findings(con, None, max_reports=5)
        assert got.empty and got.attrs["too_many"] > 5
        pool = reuse.pool_reports(con, [1], 2022, 2023)
        # the agency's own reports are targets; every agency's 2021–2023 reports are compared
        assert set(pool.loc[pool["target"], "agency_id"]) == {1}
        assert set(pool["year"]) == {2021, 2022, 2023} and pool["agency_id"].nunique() == 6
    finally:
        con.close()
