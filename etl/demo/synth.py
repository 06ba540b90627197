"""A province-scale synthetic database (default 20,000 agencies × 2008–2024, ~32 M facts).

It exists to measure the dashboard at the scale a provincial disclosure office works at, so it
is generated inside DuckDB with set-based SQL (minutes, not hours) and deterministic hashing
instead of Python loops. Distributions are shaped like the real ones: agency sizes are
log-normal, disclosure volumes grow over the years, requests come mostly from natural persons,
most end granted or already public, correction rates sit mostly below 15 %. Narrative-era
reports (before 2019) carry the narrative metrics and categories; from 2019 the 2019 form
(23-row 表三) and from 2021 mostly the 2021 form (25 rows), with some later reports still on
the 2019 form. A few percent of agency-years are missing and some reports carry findings.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

import duckdb

from etl.metrics import APPLICANT_KEYS
from etl.store.database import connect

# Government units: one province, its cities, their counties. Names are fictional.
PROVINCE = "江南省"
CITIES = [
    "临江市", "青川市", "云溪市", "白沙市", "东陵市", "南屏市", "北塘市",
    "西岭市", "金川市", "玉泉市", "石门市", "长汀市", "平湖市", "安源市",
]
COUNTY_SUFFIXES = ["东城区", "西城区", "南湖区", "北山区", "新城区", "高新区", "江口县",
                   "河阳县", "清水县", "桃源县", "松溪县", "梅岭县"]
BUREAUS = [
    "人民政府办公室", "发展和改革委员会", "教育局", "科学技术局", "工业和信息化局", "公安局",
    "民政局", "司法局", "财政局", "人力资源和社会保障局", "自然资源和规划局", "生态环境局",
    "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局", "文化和旅游局",
    "卫生健康委员会", "退役军人事务局", "应急管理局", "审计局", "市场监督管理局", "统计局",
    "医疗保障局", "林业局", "体育局", "信访局", "城市管理局", "行政审批局", "数据资源局",
    "粮食和物资储备局", "机关事务管理局", "人民防空办公室", "地方金融监督管理局", "税务局",
    "对外贸易经济合作局", "投资促进局", "档案局", "民族宗教事务局",
]
TOWN_NAMES = "清河 石桥 柳湾 杏林 梅溪 竹山 枫桥 荷塘 青石 白云 金沙 龙泉 凤岭 桂花 新桥 长岗".split()

CATEGORIES = ["机构职能", "政策法规", "规划计划", "工作动态", "人事信息", "财务预决算", "行政执法", "其他"]
CATEGORY_SHARE = [0.04, 0.10, 0.05, 0.40, 0.06, 0.03, 0.27, 0.05]
APPLICANT_SHARE = [0.84, 0.08, 0.01, 0.01, 0.03, 0.03]

# 表三 outcome rows and their share of requests (per applicant column).
T3_COMMON = [
    ("requests.carried_over_in", 0.05),
    ("requests.granted", 0.42), ("requests.partially_granted", 0.08),
    ("requests.denied_state_secret", 0.003), ("requests.denied_prohibited_by_law", 0.004),
    ("requests.denied_security_stability", 0.002), ("requests.denied_third_party", 0.006),
    ("requests.denied_internal_affairs", 0.01), ("requests.denied_process_info", 0.012),
    ("requests.denied_enforcement_files", 0.006), ("requests.denied_query_matters", 0.004),
    ("requests.unable_not_held", 0.20), ("requests.unable_needs_creation", 0.04),
    ("requests.unable_unclear", 0.02), ("requests.rejected_petition", 0.04),
    ("requests.rejected_repeat", 0.03), ("requests.rejected_publication", 0.005),
    ("requests.rejected_excessive", 0.01), ("requests.rejected_confirm", 0.005),
    ("requests.carried_over_out", 0.06),
]
# Printed subtotals and totals are derived from their parts after generation (see _derive), so
# the synthetic 表三/表四 satisfy the form identities like a correct report does.
T3_SUBTOTALS = {
    "requests.denied": "requests.denied_%",
    "requests.unable": "requests.unable_%",
    "requests.rejected": "requests.rejected_%",
}
T4_TOTALS = {
    "appeals.review_total": "appeals.review_%",
    "appeals.suit_direct_total": "appeals.suit_direct_%",
    "appeals.suit_after_review_total": "appeals.suit_after_review_%",
}
T3_2019_ONLY = [("requests.other_handling", 0.05)]
T3_2021_ONLY = [("requests.other_no_correction", 0.03), ("requests.other_fee_unpaid", 0.002),
                ("requests.other_other", 0.018)]
T2_2021 = [
    ("disclosure.regulations_made", "reg", 0.3), ("disclosure.regulations_repealed", "reg", 0.1),
    ("disclosure.regulations_in_force", "reg", 4.0), ("disclosure.normative_docs_made", "reg", 3.0),
    ("disclosure.normative_docs_repealed", "reg", 1.0), ("disclosure.normative_docs_in_force", "reg", 25.0),
    ("disclosure.licensing_decisions", "dec", 1.0), ("disclosure.penalty_decisions", "dec", 0.6),
    ("disclosure.coercion_decisions", "dec", 0.05), ("disclosure.admin_fees_cny", "fee", 1.0),
]
T2_2019 = [
    ("disclosure.regulations_new_made", "reg", 0.3), ("disclosure.regulations_new_published", "reg", 0.3),
    ("disclosure.regulations_published_total", "reg", 4.0), ("disclosure.normative_docs_new_made", "reg", 3.0),
    ("disclosure.normative_docs_new_published", "reg", 3.0), ("disclosure.normative_docs_published_total", "reg", 25.0),
    ("disclosure.licensing_items_prev_year", "reg", 8.0), ("disclosure.licensing_items_change", "reg", 0.2),
    ("disclosure.licensing_decisions", "dec", 1.0), ("disclosure.other_services_items_prev_year", "reg", 5.0),
    ("disclosure.other_services_items_change", "reg", 0.1), ("disclosure.other_services_decisions", "dec", 0.3),
    ("disclosure.penalty_items_prev_year", "reg", 10.0), ("disclosure.penalty_items_change", "reg", 0.2),
    ("disclosure.penalty_decisions", "dec", 0.6), ("disclosure.coercion_items_prev_year", "reg", 3.0),
    ("disclosure.coercion_items_change", "reg", 0.05), ("disclosure.coercion_decisions", "dec", 0.05),
    ("disclosure.fee_items_prev_year", "reg", 1.0), ("disclosure.fee_items_change", "reg", 0.02),
    ("disclosure.procurement_projects", "reg", 2.0), ("disclosure.procurement_amount_cny", "fee", 3.0),
]
T4 = [
    ("appeals.review_upheld", 0.6), ("appeals.review_corrected", 0.08), ("appeals.review_other", 0.2),
    ("appeals.review_pending", 0.12),
    ("appeals.suit_direct_upheld", 0.25), ("appeals.suit_direct_corrected", 0.02),
    ("appeals.suit_direct_other", 0.08), ("appeals.suit_direct_pending", 0.05),
    ("appeals.suit_after_review_upheld", 0.15),
    ("appeals.suit_after_review_corrected", 0.01), ("appeals.suit_after_review_other", 0.03),
    ("appeals.suit_after_review_pending", 0.01),
]
NARRATIVE_OLD = [
    ("disclosure.electronic_pct", "pct", 1.0), ("requests.received", "req", 1.0),
    ("requests.granted", "req", 0.55), ("requests.partially_granted", "req", 0.08),
    ("requests.already_public", "req", 0.15), ("requests.not_gov_info", "req", 0.12),
    ("requests.channel_online", "req", 0.6), ("requests.channel_paper", "req", 0.3),
    ("requests.channel_in_person", "req", 0.1), ("appeals.review_total", "app", 1.0),
    ("appeals.suit_total", "app", 0.5), ("operations.consultations", "req", 12.0),
    ("operations.staff_full_time", "staff", 0.4), ("operations.staff_part_time", "staff", 1.0),
    ("operations.spending_cny", "fee", 0.3), ("operations.request_fees_cny", "zero", 0.0),
]
NARRATIVE_NEW = [
    ("disclosure.interpretations", "items", 0.02), ("disclosure.press_conferences", "items", 0.004),
    ("operations.new_media_accounts", "staff", 0.8), ("operations.request_fees_cny", "zero", 0.0),
]
INVESTMENT = [
    ("investment.fdi_new_enterprises", "inv_n", 1.0), ("investment.fdi_contract_usd", "inv_usd", 1.0),
    ("investment.fdi_contract_yoy_pct", "yoy", 1.0), ("investment.fdi_contract_plan_pct", "plan", 1.0),
    ("investment.fdi_actual_usd", "inv_usd", 0.55), ("investment.fdi_actual_yoy_pct", "yoy", 1.0),
    ("investment.fdi_actual_plan_pct", "plan", 1.0), ("investment.exports_usd", "inv_usd", 4.5),
    ("investment.exports_yoy_pct", "yoy", 1.0), ("investment.exports_plan_pct", "plan", 1.0),
    ("investment.funds_secured_cny", "fee", 2.0),
]
FINDING_RULES = [
    ("t3_balance", "error", "表三 新收 + 上年结转 ≠ 总计 + 结转下年度"),
    ("t3_outcomes_sum", "error", "表三 办理结果各项之和 ≠ 总计"),
    ("t4_sum", "error", "表四 各项之和 ≠ 总计"),
    ("carry_over_mismatch", "warning", "上年结转 ≠ 上一年度报告的结转下年度"),
    ("implausible_jump", "warning", "与上年相比变化超过 5 倍"),
    ("narrative_vs_table", "warning", "正文与表格数字不一致"),
    ("agency_unknown", "warning", "无法确定报告机关"),
]


def agency_names(n: int) -> list[tuple[str, str, str]]:
    """``n`` fictional agencies as (name, region, level), provincial first, then by city."""
    out: list[tuple[str, str, str]] = []
    for b in BUREAUS:
        out.append((f"{PROVINCE}{b}", PROVINCE, "省级"))
    counties = [(c, f"{c}{s}") for c in CITIES for s in COUNTY_SUFFIXES]
    for c in CITIES:
        for b in BUREAUS:
            out.append((f"{c}{b}", c, "市级"))
    town_round = 0
    while len(out) < n:
        for city, county in counties:
            if town_round == 0:
                out.extend((f"{county}{b}", city, "县级") for b in BUREAUS)
            else:
                t = TOWN_NAMES[(town_round - 1) % len(TOWN_NAMES)]
                suffix = "镇" if town_round <= len(TOWN_NAMES) else f"第{town_round}街道"
                out.append((f"{county}{t}{suffix}人民政府", city, "乡镇"))
            if len(out) >= n:
                break
        town_round += 1
    return out[:n]


def _templates() -> list[tuple[str, str, str, str, float]]:
    """(era, metric_id, breakdown, base, share) rows joined with reports to generate facts."""
    rows: list[tuple[str, str, str, str, float]] = []
    for era in ("f2019", "f2021"):
        t3 = T3_COMMON + (T3_2019_ONLY if era == "f2019" else T3_2021_ONLY)
        for metric, share in t3:
            for key, ashare in zip(APPLICANT_KEYS, APPLICANT_SHARE):
                rows.append((era, metric, key, "req", share * ashare))
        for metric, base, share in (T2_2019 if era == "f2019" else T2_2021):
            rows.append((era, metric, "", base, share))
        for metric, share in T4:
            rows.append((era, metric, "", "app", share))
        rows.append((era, "disclosure.items", "", "items", 1.0))
        for metric, base, share in NARRATIVE_NEW:
            rows.append((era, metric, "", base, share))
    rows.append(("narr", "disclosure.items", "", "items", 1.0))
    for cat, share in zip(CATEGORIES, CATEGORY_SHARE):
        rows.append(("narr", "disclosure.items", cat, "items", share))
    for metric, base, share in NARRATIVE_OLD:
        rows.append(("narr", metric, "", base, share))
    for metric, base, share in INVESTMENT:
        rows.append(("inv", metric, "", base, share))
    return rows


# Value expression: u1..u3 are deterministic uniforms in [0, 1) per (report, metric, breakdown).
_VALUE_SQL = """
CASE t.base
  WHEN 'req'   THEN round(r.size * 12 * t.share * (0.5 + u1) * (1 + (r.year - 2008) * 0.06))
  WHEN 'items' THEN round(r.size * 180 * t.share * (0.6 + 0.8 * u1) * (1 + (r.year - 2008) * 0.12))
  WHEN 'app'   THEN round(greatest(0, r.size * 1.2 * t.share * (u1 * 2 - 0.4)))
  WHEN 'reg'   THEN round(r.size * t.share * (0.3 + 1.4 * u1))
  WHEN 'dec'   THEN round(r.size * 150 * t.share * (0.2 + 1.6 * u1) * r.enforcer)
  WHEN 'fee'   THEN round(r.size * 20000 * t.share * (0.2 + 1.6 * u1), -2)
  WHEN 'staff' THEN round(1 + r.size * 2 * t.share * u1)
  WHEN 'pct'   THEN CASE WHEN u1 < 0.7 THEN 100 ELSE round(80 + 20 * u2, 1) END
  WHEN 'zero'  THEN CASE WHEN u1 < 0.9 THEN 0 ELSE round(100 * u2) END
  WHEN 'inv_n' THEN round(5 + r.size * 20 * u1)
  WHEN 'inv_usd' THEN round(r.size * 2.0e7 * t.share * (0.6 + 0.8 * u1) * (1 + (r.year - 2008) * 0.05), -4)
  WHEN 'yoy'   THEN round(-10 + 35 * u1 + 10 * (u2 - 0.5), 2)
  WHEN 'plan'  THEN round(85 + 30 * u1, 2)
END
"""


def synth(
    db: Path | str,
    *,
    agencies: int = 20_000,
    year_from: int = 2008,
    year_to: int = 2024,
    seed: int = 0,
    progress: Callable[[str, float], None] | None = None,
) -> dict[str, int]:
    """Build (replacing) a synthetic database at ``db``; returns row counts."""
    db = Path(db)
    for p in (db, Path(str(db) + ".wal")):
        if p.exists():
            p.unlink()
    say = progress or (lambda msg, frac: None)
    t0 = time.perf_counter()
    con = connect(db)
    try:
        _build(con, agencies, year_from, year_to, seed, say)
        counts = {
            t: int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0])  # type: ignore[index]
            for t in ("agencies", "reports", "facts", "findings")
        }
        con.execute("CHECKPOINT")
    finally:
        con.close()
    counts["seconds"] = round(time.perf_counter() - t0)
    say("done", 1.0)
    return counts


def _build(con: duckdb.DuckDBPyConnection, n: int, y0: int, y1: int, seed: int,
           say: Callable[[str, float], None]) -> None:
    say("agencies", 0.0)
    names = agency_names(n)
    con.execute("CREATE TEMP TABLE ag_in (agency_id INTEGER, name VARCHAR, region VARCHAR, level VARCHAR)")
    con.executemany("INSERT INTO ag_in VALUES (?, ?, ?, ?)",
                    [(i + 1, nm, rg, lv) for i, (nm, rg, lv) in enumerate(names)])
    con.execute("INSERT INTO agencies SELECT agency_id, name, region, level, now()::TIMESTAMP FROM ag_in")
    con.execute("INSERT INTO agency_aliases SELECT name, agency_id FROM ag_in")
    con.execute(
        "INSERT INTO sources VALUES (1, ?, 'synthetic', 0, 'synthetic', now()::TIMESTAMP, NULL, 'synthetic')",
        [f"synthetic-{seed}"],
    )
    say("reports", 0.05)
    # size: log-normal agency size; enforcer: agencies that take many decisions.
    con.execute(f"""
        CREATE TEMP TABLE rep AS
        WITH a AS (
            SELECT agency_id, name, level,
                   exp(((hash(agency_id, {seed}, 'size') % 100000) / 100000.0
                        + (hash(agency_id, {seed}, 'size2') % 100000) / 100000.0 - 1.0) * 2.2)
                   * CASE level WHEN '省级' THEN 4 WHEN '市级' THEN 2 WHEN '县级' THEN 1 ELSE 0.3 END AS size,
                   CASE WHEN name LIKE '%公安局' OR name LIKE '%市场监督管理局' OR name LIKE '%城市管理局'
                        OR name LIKE '%生态环境局' OR name LIKE '%交通运输局' OR name LIKE '%税务局'
                        THEN 8 ELSE 1 END AS enforcer,
                   name LIKE '%商务局' OR name LIKE '%对外贸易经济合作局' OR name LIKE '%投资促进局' AS commerce
            FROM ag_in
        )
        SELECT (a.agency_id - 1) * {y1 - y0 + 1} + (y - {y0}) + 1 AS report_id,
               a.agency_id, y::SMALLINT AS year, a.size, a.enforcer, a.commerce,
               CASE WHEN y < 2019 THEN 'narr'
                    WHEN y < 2021 THEN 'f2019'
                    WHEN (hash(a.agency_id, y, {seed}, 'form') % 100) < 12 THEN 'f2019'
                    ELSE 'f2021' END AS era
        FROM a, range({y0}, {y1 + 1}) t(y)
        WHERE (hash(a.agency_id, y, {seed}, 'missing') % 1000) >= 25
    """)
    con.execute("""
        INSERT INTO reports
        SELECT report_id, 1, 1, agency_id, NULL, year,
               'disclosure_report',
               CASE era WHEN 'narr' THEN 'narrative' WHEN 'f2019' THEN '2019' ELSE '2021' END,
               year || '年政府信息公开工作年度报告', NULL, 0
        FROM rep
    """)
    con.execute("CREATE TEMP TABLE tmpl (era VARCHAR, metric_id VARCHAR, breakdown VARCHAR, base VARCHAR, share DOUBLE)")
    con.executemany("INSERT INTO tmpl VALUES (?, ?, ?, ?, ?)", _templates())
    metrics = [r[0] for r in con.execute("SELECT DISTINCT metric_id FROM tmpl ORDER BY metric_id").fetchall()]
    units = dict(con.execute("SELECT metric_id, unit FROM metrics").fetchall())
    for i, metric in enumerate(metrics):
        say(f"facts {metric}", 0.1 + 0.8 * i / len(metrics))
        # One INSERT per metric keeps each metric's rows together on disk (zone maps serve
        # the dashboard's metric filters) and bounds memory.
        con.execute(f"""
            INSERT INTO facts
            SELECT report_id, agency_id, year, metric_id, breakdown, value, false, ?, 'extracted',
                   NULL, NULL, NULL, NULL, NULL, NULL, NULL
            FROM (
                SELECT r.report_id, r.agency_id, r.year, t.metric_id, t.breakdown,
                       (hash(r.report_id, t.metric_id, t.breakdown, {seed}) % 1000003) / 1000003.0 AS u1,
                       (hash(r.report_id, t.metric_id, t.breakdown, {seed}, 2) % 1000003) / 1000003.0 AS u2,
                       {_VALUE_SQL} AS value
                FROM rep r JOIN tmpl t
                  ON (t.era = r.era OR (t.era = 'inv' AND r.commerce))
                WHERE t.metric_id = ?
            ) ORDER BY year, agency_id
        """, [units.get(metric, "count"), metric])
    say("totals", 0.9)
    _derive(con)
    say("findings", 0.95)
    rules = FINDING_RULES
    con.execute("CREATE TEMP TABLE rules (i INTEGER, rule VARCHAR, severity VARCHAR, message VARCHAR)")
    con.executemany("INSERT INTO rules VALUES (?, ?, ?, ?)",
                    [(i, r, s, m) for i, (r, s, m) in enumerate(rules)])
    con.execute(f"""
        INSERT INTO findings
        SELECT r.report_id, r.agency_id, r.year, ru.rule, ru.severity, ru.message, NULL
        FROM rep r JOIN rules ru ON ru.i = hash(r.report_id, {seed}, 'rule') % {len(rules)}
        WHERE hash(r.report_id, {seed}, 'finding') % 100 < 4
    """)


_FACT_TAIL = "false, 'count', 'extracted', NULL, NULL, NULL, NULL, NULL, NULL, NULL"
_APPLICANTS_SQL = "('natural_person', 'commercial', 'research', 'public_welfare', 'legal_services', 'other_org')"


def _derive(con: duckdb.DuckDBPyConnection) -> None:
    """Totals and subtotals from their parts, as a consistent report prints them."""
    standard = "report_id IN (SELECT report_id FROM rep WHERE era <> 'narr')"
    for total, parts in {**T3_SUBTOTALS, **T4_TOTALS}.items():
        con.execute(f"""
            INSERT INTO facts
            SELECT report_id, agency_id, year, ?, breakdown, sum(value), {_FACT_TAIL}
            FROM facts WHERE metric_id LIKE ? AND metric_id <> ? AND {standard}
            GROUP BY report_id, agency_id, year, breakdown
        """, [total, parts, total])
    outcomes = ("requests.granted", "requests.partially_granted", "requests.denied",
                "requests.unable", "requests.rejected", "requests.other_handling",
                "requests.other_no_correction", "requests.other_fee_unpaid", "requests.other_other")
    con.execute(f"""
        INSERT INTO facts
        SELECT report_id, agency_id, year, 'requests.processed_total', breakdown, sum(value), {_FACT_TAIL}
        FROM facts WHERE metric_id IN {outcomes} AND {standard}
        GROUP BY report_id, agency_id, year, breakdown
    """)
    # 新收 = 总计 + 结转下年度 − 上年结转: the balance identity of every 表三 column.
    con.execute(f"""
        INSERT INTO facts
        SELECT report_id, agency_id, year, 'requests.received', breakdown,
               greatest(0, sum(value) FILTER (metric_id IN ('requests.processed_total', 'requests.carried_over_out'))
                  - coalesce(sum(value) FILTER (metric_id = 'requests.carried_over_in'), 0)),
               {_FACT_TAIL}
        FROM facts WHERE metric_id IN ('requests.processed_total', 'requests.carried_over_out',
                                       'requests.carried_over_in') AND {standard}
        GROUP BY report_id, agency_id, year, breakdown
    """)
    # 表三 总计 column: the sum of the applicant columns.
    con.execute(f"""
        INSERT INTO facts
        SELECT report_id, agency_id, year, metric_id, '', sum(value), {_FACT_TAIL}
        FROM facts WHERE metric_id LIKE 'requests.%' AND breakdown IN {_APPLICANTS_SQL}
        GROUP BY ALL ORDER BY year, agency_id
    """)


def estimate_facts(agencies: int, years: int) -> int:
    """Rough fact count, for progress messages."""
    return int(agencies * years * 95 * (1 - 0.025))


if __name__ == "__main__":  # pragma: no cover - convenience
    import sys
    print(synth(sys.argv[1] if len(sys.argv) > 1 else "data/synth.duckdb",
                agencies=int(sys.argv[2]) if len(sys.argv) > 2 else 200,
                progress=lambda m, f: print(f"{f:5.0%} {m}", flush=True)))
