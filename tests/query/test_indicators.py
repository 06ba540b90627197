"""The standard indicators: rules on frames written here, SQL on the small database
(tests/conftest.py), expected values computed in the test from the fixture's definition."""
from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl.query import indicators as ind
from tests.conftest import AGENCIES, expected

CFG = {
    "correction_rate": ind.Rule(True, 10.0, 15.0, 5),
    "granted_share": ind.Rule(False, 60.0, 40.0, 10),
    "unable_share": ind.Rule(True, 25.0, 40.0, 10),
    "natural_person_share": ind.Rule(False),
    "requests_received": ind.Rule(False),
}


def one(df: pd.DataFrame, **where) -> pd.Series:
    m = pd.Series(True, index=df.index)
    for k, v in where.items():
        m &= df[k] == v
    rows = df[m]
    assert len(rows) == 1, (where, rows)
    return rows.iloc[0]


def test_rating_thresholds_directions_and_small_n() -> None:
    worse_up = ind.Rule(True, 10.0, 15.0, 5)
    assert ind.rate(15.0, 20, worse_up) == "red"
    assert ind.rate(12.0, 20, worse_up) == "amber"
    assert ind.rate(9.9, 20, worse_up) == "ok"
    assert ind.rate(50.0, 4, worse_up) == "small_n"  # 2 of 4 says little
    assert ind.rate(None, 0, worse_up) == "n/a"
    worse_down = ind.Rule(False, 60.0, 40.0, 10)
    assert ind.rate(39.0, 100, worse_down) == "red"
    assert ind.rate(55.0, 100, worse_down) == "amber"
    assert ind.rate(75.0, 100, worse_down) == "ok"
    assert ind.rate(75.0, 100, ind.Rule(False)) is None  # no thresholds: a context figure


def test_parts_from_a_frame_written_here() -> None:
    inputs = pd.DataFrame([
        # a 2021 form: review 3 corrected of 10 (2 pending), suits 1 of 4 (direct), 0 of 2
        {"agency_id": 1, "year": 2021,
         "appeals.review_corrected": 3, "appeals.review_total": 10, "appeals.review_pending": 2,
         "appeals.suit_direct_corrected": 1, "appeals.suit_direct_total": 4,
         "appeals.suit_direct_pending": 0, "appeals.suit_after_review_corrected": 0,
         "appeals.suit_after_review_total": 2, "appeals.suit_after_review_pending": 1,
         "requests.received": 40, "requests.granted": 20, "requests.partially_granted": 5,
         "requests.processed_total": 50, "requests.unable_not_held": 6,
         "requests.unable_unclear": 2, "received.natural_person": 30},
        # zero denominators, and a narrative report with totals only (no 纠错率 at all)
        {"agency_id": 2, "year": 2021, "appeals.review_corrected": 0, "appeals.review_total": 0,
         "requests.received": 0, "requests.granted": 0, "requests.processed_total": 0},
        {"agency_id": 3, "year": 2015, "appeals.review_total": 5, "requests.received": 7,
         "requests.granted": 4},
        # the 2019 form's one litigation row, and 无法提供 printed as a total
        {"agency_id": 4, "year": 2020, "appeals.review_corrected": 1, "appeals.review_total": 3,
         "appeals.suit_corrected": 2, "appeals.suit_total": 5, "appeals.suit_pending": 1,
         "requests.processed_total": 10, "requests.unable": 4, "requests.unable_not_held": 1},
    ])
    df = ind.compute(inputs, CFG)
    corr = one(df, agency_id=1, indicator="correction_rate")
    # corrected 3 + 1 + 0 = 4; concluded (10 − 2) + (4 − 0) + (2 − 1) = 13
    assert (corr["num"], corr["den"]) == (4, 13)
    assert corr["value"] == pytest.approx(100 * 4 / 13) and corr["rating"] == "red"
    g = one(df, agency_id=1, indicator="granted_share")
    assert (g["num"], g["den"], g["rating"]) == (25, 50, "amber")
    u = one(df, agency_id=1, indicator="unable_share")
    assert (u["num"], u["den"], u["rating"]) == (8, 50, "ok")
    npers = one(df, agency_id=1, indicator="natural_person_share")
    assert npers["value"] == pytest.approx(75.0) and pd.isna(npers["rating"])
    z = one(df, agency_id=2, indicator="granted_share")
    assert z["den"] == 0 and pd.isna(z["value"]) and z["rating"] == "n/a"
    assert one(df, agency_id=2, indicator="correction_rate")["rating"] == "n/a"
    # printed totals without the corrected count: unknown, not 0 %
    assert df[(df["agency_id"] == 3) & (df["indicator"] == "correction_rate")].empty
    assert df[(df["agency_id"] == 3) & (df["indicator"] == "granted_share")].empty
    assert one(df, agency_id=3, indicator="requests_received")["value"] == 7
    c4 = one(df, agency_id=4, indicator="correction_rate")
    assert (c4["num"], c4["den"]) == (3, 3 + 4)  # review 1 of 3, suits 2 of 5 − 1 pending
    assert one(df, agency_id=4, indicator="unable_share")["num"] == 4  # the printed total wins
    # rows by agency-year as they come, each with its indicators in order
    assert df["agency_id"].tolist() == sorted(df["agency_id"].tolist())
    assert df[df["agency_id"] == 1]["indicator"].tolist() == list(ind.INDICATORS)


def test_percentile_and_peer_groups() -> None:
    assert ind.percentile(5.0, [1.0, 5.0, 9.0]) == 50.0
    assert ind.percentile(9.0, [1.0, 5.0, 9.0]) == 100.0
    assert ind.percentile(1.0, [1.0, 1.0, 9.0]) == 25.0  # one other equal: half
    assert ind.percentile(3.0, [3.0]) is None  # no peers
    assert ind.percentile(None, [1.0, 2.0]) is None
    rows = pd.DataFrame({
        "agency_id": [1, 2, 3, 4], "year": 2021, "indicator": "granted_share",
        "num": [1, 2, 3, 4], "den": [10, 10, 10, 0],
        "value": [10.0, 20.0, 30.0, None], "n": [10, 10, 10, 0], "rating": None,
    })
    agencies = pd.DataFrame({"agency_id": [1, 2, 3, 4], "level": ["市级", "市级", "区级", "市级"],
                             "region": ["A", "A", "A", "A"]})
    out = ind.with_peers(rows, agencies, ("level", "region")).set_index("agency_id")
    assert out.loc[1, "peer_n"] == 2 and out.loc[2, "percentile"] == 100.0  # 3 is 区级; 4 has no value
    assert out.loc[3, "peer_n"] == 1 and pd.isna(out.loc[3, "percentile"])
    assert out.loc[1, "peer_median"] == 15.0
    out = ind.with_peers(rows, agencies, ()).set_index("agency_id")
    assert out.loc[3, "peer_n"] == 3 and out.loc[3, "percentile"] == 100.0


def test_aggregate_is_a_ratio_of_sums() -> None:
    rows = pd.DataFrame({
        "agency_id": [1, 2, 1, 2], "year": 2021,
        "indicator": ["granted_share", "granted_share", "requests_received", "requests_received"],
        "num": [1, 9, 10, 30], "den": [10, 10, None, None],
        "value": [10.0, 90.0, 10.0, 30.0], "n": [10, 10, 1, 1], "rating": None,
    })
    agg = ind.aggregate(rows, CFG).set_index("indicator")
    assert agg.loc["granted_share", "value"] == 50.0 and agg.loc["granted_share", "n"] == 20
    assert agg.loc["requests_received", "value"] == 20.0  # per agency
    assert agg.loc["requests_received", "agencies"] == 2


def test_config_file_is_read(tmp_path: Path) -> None:
    cfg = ind.load_config()
    assert set(ind.INDICATORS) <= set(cfg)
    assert cfg["correction_rate"].higher_is_worse and not cfg["granted_share"].higher_is_worse
    p = tmp_path / "ind.toml"
    p.write_text("[defaults]\nmin_n = 3\n[indicator.granted_share]\nhigher_is_worse = false\n"
                 "amber = 70\nred = 50\n", encoding="utf-8")
    cfg = ind.load_config(p)
    assert cfg["granted_share"] == ind.Rule(False, 70.0, 50.0, 3)
    assert cfg["unable_share"].amber is None  # absent: shown without a rating


def test_indicators_on_the_small_database(small_db: Path) -> None:
    con = duckdb.connect(str(small_db), read_only=True)
    try:
        ids = dict(con.execute("SELECT name, agency_id FROM agencies").fetchall())
        df = ind.compute(ind.indicator_inputs(con, None, 2017, 2023), CFG)
        peer_rows = ind.with_peers(df, con.execute(
            "SELECT agency_id, level, region FROM agencies").df(), ("level", "region"))
    finally:
        con.close()
    for i, (name, _region, _level) in enumerate(AGENCIES, start=1):
        e = expected(i, 2022)
        aid = ids[name]
        g = one(df, agency_id=aid, year=2022, indicator="granted_share")
        assert g["num"] == e["requests.granted"] + e["requests.partially_granted"]
        assert g["den"] == e["requests.processed_total"]
        u = one(df, agency_id=aid, year=2022, indicator="unable_share")
        assert u["num"] == e["requests.unable_not_held"]
        c = one(df, agency_id=aid, year=2022, indicator="correction_rate")
        assert (c["num"], c["den"]) == (e["appeals.review_corrected"], e["appeals.review_total"])
        n = one(df, agency_id=aid, year=2022, indicator="natural_person_share")
        assert n["value"] == pytest.approx(100 * (e["requests.received"] - 1) / e["requests.received"])
    # 丙市丁县人民政府: 3 of 10 reviews corrected = 30 % ≥ 15 % → red
    c5 = one(df, agency_id=ids["丙市丁县人民政府"], year=2022, indicator="correction_rate")
    assert c5["value"] == pytest.approx(30.0) and c5["rating"] == "red"
    # narrative years print no 表三/表四: no shares, only the requests count
    early = df[(df["year"] == 2017)]
    assert set(early["indicator"]) == {"requests_received"}
    # peers: 丙市 市级 = 丙市商务局 (4), 丙市教育局 (6); 丙市教育局 grants 1 of 15+…
    p6 = one(peer_rows, agency_id=ids["丙市教育局"], year=2022, indicator="granted_share")
    e4, e6 = expected(4, 2022), expected(6, 2022)
    v4 = 100 * (e4["requests.granted"] + 1) / e4["requests.processed_total"]
    v6 = 100 * (e6["requests.granted"] + 0) / e6["requests.processed_total"]
    assert p6["peer_n"] == 2 and p6["value"] == pytest.approx(v6)
    assert p6["percentile"] == (0.0 if v6 < v4 else 100.0)
    assert p6["peer_median"] == pytest.approx((v4 + v6) / 2)
    assert not math.isnan(p6["value"])


def test_peers_agree_with_the_one_row_definitions() -> None:
    """with_peers works per group in pandas; each row must still equal percentile() and the
    median of its group's values, ties and blanks included (random groups, fixed seed)."""
    import random
    import statistics

    rnd = random.Random(7)
    n = 400
    agencies = pd.DataFrame({"agency_id": range(n),
                             "level": [rnd.choice(["市级", "县级", None]) for _ in range(n)],
                             "region": [rnd.choice(["甲市", "乙市"]) for _ in range(n)]})
    rows = pd.DataFrame({
        "agency_id": list(range(n)) * 2, "year": 2024,
        "indicator": ["correction_rate"] * n + ["granted_share"] * n,
        "value": [None if rnd.random() < 0.2 else float(rnd.choice([0, 0, 5, 10, 12.5, 50, 100]))
                  for _ in range(2 * n)],
    })
    out = ind.with_peers(rows, agencies, ("level", "region"))
    lvl = agencies.set_index("agency_id")["level"].fillna("")
    reg = agencies.set_index("agency_id")["region"]
    for r in out.itertuples(index=False):
        group = [v for a, i, v in zip(rows["agency_id"], rows["indicator"], rows["value"])
                 if i == r.indicator and lvl[a] == lvl[r.agency_id] and reg[a] == reg[r.agency_id]
                 and v is not None and not pd.isna(v)]
        assert r.peer_n == len(group)
        assert (pd.isna(r.peer_median) if not group else r.peer_median == statistics.median(group))
        want = ind.percentile(None if pd.isna(r.value) else r.value, group)
        assert (pd.isna(r.percentile) if want is None else r.percentile == pytest.approx(want))
