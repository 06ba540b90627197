"""Analysis queries (etl.query.analysis) on a small database built here with known numbers."""
from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl.query import analysis as an
from etl.model import Fact, Report
from etl.store.database import SourceInfo, connect, write_reports

A, B, C = "甲市教育局", "乙市财政局", "丙区外经局"


def _report(agency: str, year: int, facts: dict, kind: str = "disclosure_report") -> Report:
    out: list[Fact] = []
    for key, value in facts.items():
        metric, _, breakdown = key.partition("|")
        unit = "cny" if metric.endswith("_cny") else "usd" if metric.endswith("_usd") else (
            "pct" if metric.endswith("_pct") else "count"
        )
        out.append(Fact(metric=metric, value=value, breakdown=breakdown, unit=unit))
    return Report(
        source=f"{agency}{year}.txt", position=1, title=f"{agency}{year}年报告", agency=agency,
        printed_agency=agency, year=year, kind=kind, form="2021", facts=out,
    )


def build_analysis_db(path: Path) -> duckdb.DuckDBPyConnection:
    """Three agencies, 2020–2022, with every quirk the queries must handle."""
    con = connect(path)
    reports = [
        _report(A, 2020, {"disclosure.items": 100, "disclosure.regulations_new_made": 3}),
        _report(A, 2021, {
            "disclosure.items": 150,
            "disclosure.items|机构设置": 30, "disclosure.items|部门动态": 60,
            "disclosure.items|行政执法": 60,
            "disclosure.regulations_made": 5,
            "disclosure.admin_fees_cny": 123400,
            "disclosure.licensing_decisions": 10,
            "requests.received": 100, "requests.received|natural_person": 80,
            "requests.received|commercial": 20,
            "requests.carried_over_in": 10, "requests.processed_total": 105,
            "requests.carried_over_out": 5,
            "requests.granted": 55, "requests.partially_granted": 20,
            "requests.denied_state_secret": 5, "requests.denied_third_party": 5,
            "requests.denied": 10, "requests.unable_not_held": 10, "requests.rejected": 5,
            "requests.other_handling": 5,
            "appeals.review_upheld": 3, "appeals.review_corrected": 2, "appeals.review_other": 1,
            "appeals.review_pending": 4, "appeals.review_total": 10,
            "appeals.suit_direct_upheld": 1, "appeals.suit_after_review_upheld": 2,
            "appeals.suit_direct_total": 1, "appeals.suit_after_review_total": 2,
        }),
        _report(A, 2022, {
            "disclosure.items": 120, "disclosure.items|机构设置": 20,
            "disclosure.items|部门动态": 80,
            "disclosure.regulations_made": 4, "disclosure.regulations_new_made": 9,
        }),
        _report(B, 2020, {"disclosure.items": 50}),
        _report(B, 2021, {
            "disclosure.items": 50, "disclosure.penalty_decisions": None,
            "requests.received": 40, "requests.processed_total": 40,
            "requests.granted": 30, "requests.denied": 10,
            "appeals.review_total": 4, "appeals.review_pending": 4, "appeals.review_corrected": 0,
        }),
        _report(C, 2021, {"disclosure.items": 200}),
        _report(C, 2020, {
            "investment.fdi_new_enterprises": 10, "investment.fdi_actual_usd": 2_000_000,
        }, kind="work_summary"),
        _report(C, 2021, {
            "investment.fdi_new_enterprises": 12,
            "investment.fdi_contract_usd": 5_000_000, "investment.fdi_contract_yoy_pct": 25,
            "investment.fdi_contract_plan_pct": 80,
            "investment.fdi_actual_usd": 3_000_000,
            "investment.exports_yoy_pct": 5,
        }, kind="work_summary"),
    ]
    for i, r in enumerate(reports):
        write_reports(con, SourceInfo(sha256=f"sha{i}", file_name=r.source, size=1, format="txt"), [r])
    # a later file restating A's 2021 licensing decisions: the latest report wins
    later = _report(A, 2021, {"disclosure.licensing_decisions": 12}, kind="work_summary")
    write_reports(con, SourceInfo(sha256="later", file_name="later.txt", size=1, format="txt"), [later])
    return con


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    c = build_analysis_db(tmp_path_factory.mktemp("an") / "a.duckdb")
    yield c
    c.close()


def _val(df: pd.DataFrame, **where: object) -> object:
    m = pd.Series(True, index=df.index)
    for k, v in where.items():
        m &= df[k] == v
    rows = df[m]
    assert len(rows) == 1, (where, rows)
    return rows.iloc[0]


def test_resolve_agency_ids(con: duckdb.DuckDBPyConnection) -> None:
    assert an.resolve_agency_ids(con, None) is None
    assert an.resolve_agency_ids(con, []) == []
    assert an.resolve_agency_ids(con, ["不存在"]) == []
    ids = an.resolve_agency_ids(con, [A, B])
    assert len(ids) == 2
    assert an.resolve_agency_ids(con, list(reversed(ids))) == ids  # ids pass through


def test_queries_accept_ids_and_empty_selection(con: duckdb.DuckDBPyConnection) -> None:
    ids = an.resolve_agency_ids(con, [A])
    by_id = an.series_values(con, an.DISCLOSURE_SERIES["items"], ids, None, None)
    by_name = an.series_values(con, an.DISCLOSURE_SERIES["items"], [A], None, None)
    pd.testing.assert_frame_equal(by_id, by_name)
    assert an.series_values(con, an.DISCLOSURE_SERIES["items"], [], None, None).empty
    assert an.request_outcomes(con, [], None, None).empty


def test_top_agencies(con: duckdb.DuckDBPyConnection) -> None:
    top = an.top_agencies(con, ("disclosure.items",), None, 2021, 2021, n=2)
    names = dict(con.execute("SELECT agency_id, name FROM agencies").fetchall())
    assert [names[i] for i in top] == [C, A]
    assert an.top_agencies(con, ("disclosure.items",), [], None, None) == []
    assert an.top_agencies(con, "disclosure.items", None, 2021, 2021, n=2) == top


def test_series_values_and_yoy(con: duckdb.DuckDBPyConnection) -> None:
    s = an.DISCLOSURE_SERIES["items"]
    df = an.series_values(con, s, [A, B], 2021, 2022)
    assert set(df.columns) == set(an.SERIES_COLUMNS)
    assert sorted(df["year"].unique()) == [2021, 2022]  # 2020 only read for the change
    row = _val(df, agency=A, year=2021)
    assert row["value"] == 150 and row["yoy_pct"] == pytest.approx(50.0)
    assert _val(df, agency=A, year=2022)["yoy_pct"] == pytest.approx(-20.0)
    assert _val(df, agency=B, year=2021)["yoy_pct"] == pytest.approx(0.0)
    assert len(df[df["agency"] == C]) == 0


def test_series_prefers_current_form_metric_and_latest_report(con: duckdb.DuckDBPyConnection) -> None:
    df = an.series_values(con, an.DISCLOSURE_SERIES["regulations"], [A], None, None)
    assert list(df["value"]) == [3, 5, 4]
    assert list(df["metric"]) == [
        "disclosure.regulations_new_made", "disclosure.regulations_made",
        "disclosure.regulations_made",
    ]
    lic = an.series_values(con, an.DISCLOSURE_SERIES["licensing"], [A], None, None)
    assert list(lic["value"]) == [12]


def test_series_fees_in_wan_yuan_and_null_not_a_fact(con: duckdb.DuckDBPyConnection) -> None:
    fees = an.series_values(con, an.DISCLOSURE_SERIES["fees"], [A], None, None)
    assert fees["value"].iloc[0] == pytest.approx(12.34)
    assert fees["unit"].iloc[0] == "万元"
    pen = an.series_values(con, an.DISCLOSURE_SERIES["penalty"], [B], None, None)
    assert pen.empty


def test_series_unknown_agency_gives_empty(con: duckdb.DuckDBPyConnection) -> None:
    df = an.series_values(con, an.DISCLOSURE_SERIES["items"], ["没有这个局"], None, None)
    assert df.empty and list(df.columns) == list(an.SERIES_COLUMNS)


def test_peer_band(con: duckdb.DuckDBPyConnection) -> None:
    band = an.peer_band(con, an.DISCLOSURE_SERIES["items"], None, 2020, 2021)
    r21 = _val(band, year=2021)
    assert r21["agencies"] == 3
    assert r21["median"] == 150 and r21["q25"] == 100 and r21["q75"] == 175
    r20 = _val(band, year=2020)
    assert r20["median"] == 75
    sel = an.peer_band(con, an.DISCLOSURE_SERIES["items"], [A, B], 2021, 2021)
    assert _val(sel, year=2021)["median"] == 100


def test_category_shares_and_gaps(con: duckdb.DuckDBPyConnection) -> None:
    df = an.category_shares(con, [A], None, None)
    r = _val(df, year=2021, category="部门动态")
    assert r["count"] == 60 and r["share_pct"] == pytest.approx(40.0)
    assert df[df["year"] == 2022]["share_pct"].sum() == pytest.approx(100.0)
    gaps = an.category_gaps(con, [A, B], None, None)
    assert len(gaps) == 1
    g = gaps.iloc[0]
    assert (g["year"], g["categories_sum"], g["stated_total"], g["difference"]) == (2022, 100, 120, -20)


def test_category_trend_groups_small_categories(con: duckdb.DuckDBPyConnection) -> None:
    df = an.category_shares(con, [A], None, None)
    tr = an.category_trend(df, top_n=1, other_label="其他")
    assert set(tr["category"]) == {"部门动态", "其他"}
    r = _val(tr, year=2021, category="其他")
    assert r["count"] == 90 and r["share_pct"] == pytest.approx(60.0)
    assert an.category_trend(df, agency=B).empty


def test_request_volumes(con: duckdb.DuckDBPyConnection) -> None:
    vol = an.request_volumes(con, [A, B], 2021, 2021)
    assert _val(vol, agency=A, measure="requests.carried_over_out")["value"] == 5
    by_year = an.volumes_by_year(vol)
    r = _val(by_year, year=2021, measure="requests.received")
    assert r["value"] == 140 and r["agencies"] == 2
    assert list(by_year["measure"]) == list(an.REQUEST_VOLUMES)


def test_request_outcomes_itemised_vs_subtotal(con: duckdb.DuckDBPyConnection) -> None:
    out = an.request_outcomes(con, [A, B], None, None)
    a = out[out["agency"] == A]
    # A itemises denied → reasons, not the subtotal; rejected and other only as subtotals
    assert "requests.denied" not in set(a["outcome"])
    assert {"requests.denied_state_secret", "requests.denied_third_party"} <= set(a["outcome"])
    assert "requests.rejected" in set(a["outcome"]) and "requests.other_handling" in set(a["outcome"])
    assert a["count"].sum() == 105
    b = out[out["agency"] == B]
    assert dict(zip(b["outcome"], b["count"])) == {"requests.granted": 30, "requests.denied": 10}
    assert _val(b, outcome="requests.denied")["group"] == "denied"


def test_mix_by_agency_shares(con: duckdb.DuckDBPyConnection) -> None:
    out = an.request_outcomes(con, [A, B], None, None)
    mix = an.mix_by_agency(out, "outcome")
    assert _val(mix, agency=B, outcome="requests.granted")["share_pct"] == pytest.approx(75.0)
    for _, g in mix.groupby("agency"):
        assert g["share_pct"].sum() == pytest.approx(100.0)


def test_applicant_mix(con: duckdb.DuckDBPyConnection) -> None:
    ap = an.applicant_mix(con, [A, B], None, None)
    assert list(ap["applicant"]) == ["natural_person", "commercial"]
    mix = an.mix_by_agency(ap, "applicant")
    assert _val(mix, applicant="natural_person")["share_pct"] == pytest.approx(80.0)


def test_request_flow_balances(con: duckdb.DuckDBPyConnection) -> None:
    vol = an.request_volumes(con, [A], None, None)
    out = an.request_outcomes(con, [A], None, None)
    flow = an.request_flow(vol, out, A, 2021)
    into = flow[flow["target"] == "handled"]["value"].sum()
    from_handled = flow[flow["source"] == "handled"]["value"].sum()
    assert into == 110 and from_handled == 110
    assert _val(flow, source="handled", target="denied")["value"] == 10
    assert _val(flow, source="denied", target="requests.denied_state_secret")["value"] == 5
    # subtotal-only groups end at the group node
    assert flow[flow["source"] == "rejected"].empty
    assert an.request_flow(vol, out, A, 1999).empty


def test_appeals_and_correction_rate(con: duckdb.DuckDBPyConnection) -> None:
    ap = an.appeals(con, [A, B], None, None)
    a = _val(ap, agency=A, year=2021)
    assert a["correction_rate_pct"] == pytest.approx(100 * 2 / 6)
    assert a["suit_upheld"] == 3 and a["suit_total"] == 3
    assert pd.isna(a["suit_corrected"])
    b = _val(ap, agency=B, year=2021)
    assert pd.isna(b["correction_rate_pct"])  # everything still pending


def test_investment(con: duckdb.DuckDBPyConnection) -> None:
    inv = an.investment(con, [C], 2021, 2021)
    assert set(inv["year"]) == {2021}
    ent = _val(inv, indicator="enterprises")
    assert ent["value"] == 12 and ent["unit"] == "家"
    assert ent["yoy_pct"] == pytest.approx(20.0) and ent["yoy_source"] == "computed"
    con_ = _val(inv, indicator="contract")
    assert con_["value"] == pytest.approx(500.0) and con_["unit"] == "万美元"
    assert con_["yoy_pct"] == 25 and con_["yoy_source"] == "stated" and con_["plan_pct"] == 80
    act = _val(inv, indicator="actual")
    assert act["value"] == pytest.approx(300.0) and act["yoy_pct"] == pytest.approx(50.0)
    exp = _val(inv, indicator="exports")
    assert pd.isna(exp["value"]) and exp["yoy_pct"] == 5 and exp["unit"] == "万美元"
    assert list(inv["indicator"]) == ["enterprises", "contract", "actual", "exports"]


def test_years_in_and_labels(con: duckdb.DuckDBPyConnection) -> None:
    df = an.series_values(con, an.DISCLOSURE_SERIES["items"], None, None, None)
    assert an.years_in(df) == [2020, 2021, 2022]
    assert an.series_label(an.DISCLOSURE_SERIES["fees"], "en") == "Administrative fees collected"
    assert an.metric_label("requests.granted") == "予以公开"
    assert not math.isnan(df["value"].sum())


def test_queries_filter_in_sql(con: duckdb.DuckDBPyConnection) -> None:
    """The plan filters facts by metric, agency and year before aggregating (no full load)."""
    ids = an.resolve_agency_ids(con, [A])
    cte, params = an._values_cte(ids, ("disclosure.items",), 2021, 2022)
    plan = "\n".join(
        r[1] for r in con.execute(f"EXPLAIN WITH {cte} SELECT * FROM v", params).fetchall()
    )
    assert "metric_id" in plan and "agency_id" in plan and "year" in plan


def test_group_small_categories(con: duckdb.DuckDBPyConnection) -> None:
    df = an.category_shares(con, [A], None, None)
    assert an.top_categories(df, 2) == ["部门动态", "行政执法"]  # 140, 60 vs 机构设置 50
    g = an.group_small_categories(df, top_n=2, other_label="其他")
    r21 = g[g["year"] == 2021]
    assert list(r21["category"]) == ["部门动态", "行政执法", "其他"]
    assert list(r21["count"]) == [60, 60, 30]
    r22 = g[g["year"] == 2022]
    assert list(r22["category"]) == ["部门动态", "其他"]
    assert r21["share_pct"].sum() == pytest.approx(100.0)
    assert an.group_small_categories(df.iloc[0:0]).empty


def test_series_by_key_and_defaults(con: duckdb.DuckDBPyConnection) -> None:
    by_key = an.series_values(con, "fees", [A])
    assert by_key["value"].tolist() == [pytest.approx(12.34)]
    assert an.get_series("enterprises").unit == "家"
    with pytest.raises(KeyError):
        an.get_series("nope")
    # every query runs with only a connection (the benchmark binds parameters by name)
    assert len(an.series_values(con)) == 6
    assert list(an.peer_band(con)["year"]) == [2020, 2021, 2022]


def test_request_flow_itemises_only_chosen_groups(con: duckdb.DuckDBPyConnection) -> None:
    vol = an.request_volumes(con, [A], None, None)
    out = an.request_outcomes(con, [A], None, None)
    default = an.request_flow(vol, out, A, 2021)
    assert default[default["source"] == "unable"].empty  # unable_not_held is not split out
    more = an.request_flow(vol, out, A, 2021, itemise=("denied", "unable"))
    assert _val(more, source="unable", target="requests.unable_not_held")["value"] == 10
    none = an.request_flow(vol, out, A, 2021, itemise=())
    assert none[none["source"] == "denied"].empty
