"""Corrections: who/when/why/previous value, the printed value kept, merges, history, the
review queue, and re-application after the same file is extracted and loaded again."""
from __future__ import annotations

import shutil

import pytest

from etl.store import database as store
from etl.store.corrections import (
    CorrectionError,
    apply_corrections,
    correct_fact,
    correct_report,
    history,
    in_transaction,
    merge_agencies,
    review_queue,
)
from etl.store.loader import load_file
from etl.store.loader import load_spreadsheet
from tests.sheets.test_spreadsheets import export

CSV = (
    "agency,year,metric_id,breakdown,value\n"
    "甲市商务局,2023,requests.received,,10\n"
    "甲市商务局,2023,requests.received,natural_person,9\n"
    "甲市招商局,2022,requests.received,,4\n"
)


@pytest.fixture
def loaded(tmp_path, monkeypatch):
    monkeypatch.setenv("GONGKAI_ARCHIVE", str(tmp_path / "archive"))
    con = store.connect(tmp_path / "c.duckdb")
    p = tmp_path / "up.csv"
    p.write_text(CSV, encoding="utf-8")
    res = load_spreadsheet(p, con)
    assert res.status == "loaded"
    yield con, p, res.report_ids
    con.close()


def _rid(con, agency, year):
    return con.execute("SELECT report_id FROM reports r JOIN agencies a USING (agency_id) WHERE a.name = ? AND r.year = ?",
                       [agency, year]).fetchone()[0]


def _value(con, rid, metric="requests.received", breakdown=""):
    return con.execute("SELECT value, origin, raw_text FROM facts WHERE report_id = ? AND metric_id = ? AND breakdown = ?",
                       [rid, metric, breakdown]).fetchone()


def test_correct_fact_keeps_printed_value(loaded):
    con, _p, _ = loaded
    rid = _rid(con, "甲市商务局", 2023)
    cid = correct_fact(con, rid, "requests.received", "", 12, "ana", "表三 misread")
    assert _value(con, rid) == (12.0, "corrected", "10")  # raw_text still shows what was printed
    row = con.execute("SELECT target, field, old_value, new_value, who, why, made_at FROM corrections "
                      "WHERE correction_id = ?", [cid]).fetchone()
    assert row[:6] == ("fact", "value", "10", "12", "ana", "表三 misread") and row[6] is not None
    correct_fact(con, rid, "requests.received", "", 13, "bob", "again")
    h = history(con, rid)
    assert list(h["old_value"]) == ["10", "12"] and list(h["new_value"]) == ["12", "13"]
    assert list(h["who"]) == ["ana", "bob"]


def test_correct_fact_can_add_a_missing_fact(loaded):
    con, _p, _ = loaded
    rid = _rid(con, "甲市商务局", 2023)
    correct_fact(con, rid, "requests.granted", "", 7, "ana", "missed by extraction")
    assert _value(con, rid, "requests.granted")[:2] == (7.0, "corrected")
    assert history(con, rid)["old_value"].isna().all()


def test_invalid_corrections_change_nothing(loaded):
    con, _p, _ = loaded
    rid = _rid(con, "甲市商务局", 2023)
    before = export(con)
    for call in (
        lambda: correct_fact(con, rid, "requests.received", "", -1, "ana", "x"),
        lambda: correct_fact(con, rid, "requests.nope", "", 1, "ana", "x"),
        lambda: correct_fact(con, rid, "requests.received", "", 1, "", "x"),
        lambda: correct_fact(con, rid, "requests.received", "", 1, "ana", " "),
        lambda: correct_report(con, rid, "year", 1990, "ana", "x"),
        lambda: correct_report(con, rid, "title", "x", "ana", "x"),
        lambda: correct_report(con, 9999, "year", 2020, "ana", "x"),
        lambda: merge_agencies(con, "甲市商务局", "甲市商务局", "ana", "x"),
        lambda: merge_agencies(con, "无此机关", "甲市商务局", "ana", "x"),
    ):
        with pytest.raises(CorrectionError):
            call()
    assert export(con) == before


def test_correct_report_agency_and_year(loaded):
    con, _p, _ = loaded
    rid = _rid(con, "甲市商务局", 2023)
    correct_report(con, rid, "year", 2021, "ana", "cover says 2021")
    assert con.execute("SELECT DISTINCT year FROM facts WHERE report_id = ?", [rid]).fetchall() == [(2021,)]
    correct_report(con, rid, "agency", "甲市商务局（新）", "ana", "renamed")
    new_id = con.execute("SELECT agency_id FROM agencies WHERE name = '甲市商务局（新）'").fetchone()[0]
    assert con.execute("SELECT DISTINCT agency_id FROM facts WHERE report_id = ?", [rid]).fetchall() == [(new_id,)]
    h = history(con, rid)
    assert list(h["field"]) == ["year", "agency"]
    assert list(h["old_value"]) == ["2023", "甲市商务局"]


def test_merge_agencies_moves_everything(loaded):
    con, _p, _ = loaded
    old_rid = _rid(con, "甲市招商局", 2022)
    merge_agencies(con, "甲市招商局", "甲市商务局", "ana", "same agency, old name")
    assert con.execute("SELECT count(*) FROM agencies WHERE name = '甲市招商局'").fetchone()[0] == 0
    target = con.execute("SELECT agency_id FROM agencies WHERE name = '甲市商务局'").fetchone()[0]
    assert con.execute("SELECT DISTINCT agency_id FROM facts").fetchall() == [(target,)]
    assert con.execute("SELECT agency_id FROM agency_aliases WHERE alias = '甲市招商局'").fetchone()[0] == target
    h = history(con, old_rid)
    assert list(h["field"]) == ["merge"] and h["old_value"][0] == "甲市招商局"
    # a new file printing the old name lands on the target
    assert store.resolve_agency(con, "甲市招商局") == target


def test_corrections_survive_reextraction(loaded, tmp_path):
    con, p, _ = loaded
    rid = _rid(con, "甲市商务局", 2023)
    correct_fact(con, rid, "requests.received", "natural_person", 8, "ana", "typo")
    correct_report(con, rid, "year", 2021, "ana", "wrong year")
    merge_agencies(con, "甲市招商局", "甲市商务局", "ana", "old name")
    # the same file extracted and loaded again (forced): earlier corrections come back
    res = load_file(p, con, force=True)
    assert res.status == "loaded", res.message
    new_rid = con.execute("SELECT max(report_id) FROM reports WHERE position = 1").fetchone()[0]
    assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == 2  # replaced, not added
    assert _value(con, new_rid, breakdown="natural_person")[:2] == (8.0, "corrected")
    assert con.execute("SELECT year FROM reports WHERE report_id = ?", [new_rid]).fetchone()[0] == 2021
    assert con.execute("SELECT count(*) FROM agencies WHERE name = '甲市招商局'").fetchone()[0] == 0
    assert len(history(con, new_rid)) >= 2


def test_apply_corrections_alone_and_inside_a_transaction(loaded):
    con, p, _ = loaded
    rid = _rid(con, "甲市商务局", 2023)
    correct_fact(con, rid, "requests.received", "", 11, "ana", "x")
    sha = con.execute("SELECT sha256 FROM sources").fetchone()[0]
    con.execute("UPDATE facts SET value = 10, origin = 'uploaded' WHERE report_id = ? AND breakdown = ''", [rid])
    assert not in_transaction(con)
    assert apply_corrections(con, sha) == 1
    assert _value(con, rid)[0] == 11
    con.execute("UPDATE facts SET value = 10 WHERE report_id = ? AND breakdown = ''", [rid])
    con.execute("BEGIN TRANSACTION")
    assert in_transaction(con)
    apply_corrections(con, sha)
    con.execute("ROLLBACK")  # the caller's rollback undoes it: it joined the caller's transaction
    assert _value(con, rid)[0] == 10
    assert apply_corrections(con, "0" * 64) == 0


def test_review_queue_on_small_db(small_db, tmp_path):
    db = tmp_path / "copy.duckdb"
    shutil.copy(small_db, db)
    con = store.connect(db)
    try:
        df = review_queue(con)
        got = {(r.agency, r.year): r for r in df.itertuples()}
        assert ("丙市商务局", 2022) in got and "table3_identity" in got[("丙市商务局", 2022)].reasons
        unknown = df[df["agency"].isna()]
        assert len(unknown) == 1 and "agency unknown" in unknown.iloc[0]["reasons"]
        assert all(link == f"/report?report={rid}" for link, rid in zip(df["link"], df["report_id"]))
        assert ("甲市财政局", 2021) not in got  # warnings alone do not queue a report
    finally:
        con.close()
