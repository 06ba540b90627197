"""Validation of spreadsheet rows: every problem names sheet, row, column and the cell."""
from __future__ import annotations

from datetime import date

import pytest

from etl.store import database as store
from etl.sheets.parse import parse_spreadsheet
from etl.sheets.validate import (
    Candidate,
    allows_negative,
    closest_agencies,
    display_name,
    normalise_breakdown,
    parse_value,
    parse_year,
    validate_candidates,
)


@pytest.fixture
def con(tmp_path):
    c = store.connect(tmp_path / "v.duckdb")
    for i, name in enumerate(["甲市商务局", "甲市财政局", "丙市教育局"], start=1):
        c.execute("INSERT INTO agencies (agency_id, name) VALUES (?, ?)", [i, name])
    c.execute("INSERT INTO agency_aliases VALUES ('甲市外经贸局', 1)")
    yield c
    c.close()


def cand(**kw) -> Candidate:
    base = dict(sheet="S", row=2, column="E", agency="甲市商务局", year=2023,
                metric="requests.received", breakdown="", value=5, agency_cell="A", year_cell="B",
                metric_cell="C")
    base.update(kw)
    return Candidate(**base)


def one(problems, severity="error"):
    hits = [p for p in problems if p.severity == severity]
    assert len(hits) == 1, problems
    return hits[0]


def test_known_agency_and_alias_have_no_problem(con):
    v = validate_candidates([cand(), cand(row=3, agency="甲市外经贸局")], "f.csv", con)
    assert v.problems == []
    assert len(v.facts) == 2


def test_unknown_agency_offers_closest_names(con):
    v = validate_candidates([cand(agency="甲市商务厅")], "f.csv", con)
    p = one(v.problems, "warning")
    assert (p.file, p.sheet, p.row, p.column, p.cell) == ("f.csv", "S", 2, "A", "甲市商务厅")
    assert "new agency will be created" in p.message and "甲市商务局" in p.message
    assert v.new_agencies["甲市商务厅"][0] == "甲市商务局"
    assert len(v.facts) == 1  # a warning does not block


def test_closest_agencies_ranks_best_first():
    assert closest_agencies("甲市商务", ["丙市教育局", "甲市商务局", "甲市财政局"])[0] == "甲市商务局"
    assert closest_agencies("x", []) == []


def test_unknown_metric(con):
    p = one(validate_candidates([cand(metric="requests.recieved")], "f.csv", con).problems)
    assert "unknown metric 'requests.recieved'" in p.message and p.column == "C"


def test_text_in_numeric_cell(con):
    v = validate_candidates([cand(value="十二件左右")], "f.csv", con)
    p = one(v.problems)
    assert "text in a numeric cell" in p.message and p.cell == "十二件左右" and p.column == "E"
    assert v.facts == [] and ("S", 2) in v.bad_rows


def test_negative_counts_are_errors_but_changes_may_be_negative(con):
    v = validate_candidates([cand(value=-3)], "f.csv", con)
    assert "negative value" in one(v.problems).message
    ok = validate_candidates([cand(metric="disclosure.licensing_items_change", value=-3),
                              cand(row=3, metric="investment.exports_yoy_pct", value=-1.5)], "f.csv", con)
    assert ok.problems == [] and [f.fact.value for f in ok.facts] == [-3, -1.5]
    assert allows_negative("disclosure.fee_items_change") and not allows_negative("requests.received")


def test_wan_yuan_unit_converted_and_reported(con):
    v = validate_candidates([cand(metric="operations.spending_cny", value=3.2, unit="万元",
                                  unit_from="unit column")], "f.csv", con)
    p = one(v.problems, "warning")
    assert "converted to 32,000 yuan" in p.message and "万元" in p.message
    assert v.facts[0].fact.value == 32000 and v.facts[0].fact.unit == "cny"


def test_suspicious_magnitude_warns(con):
    v = validate_candidates([cand(metric="operations.spending_cny", value=3.5)], "f.csv", con)
    assert "was it entered in 万" in one(v.problems, "warning").message
    assert v.facts[0].fact.value == 3.5  # never silently changed
    quiet = validate_candidates([cand(metric="operations.spending_cny", value=35000)], "f.csv", con)
    assert quiet.problems == []


def test_unit_that_does_not_fit_the_metric(con):
    p = one(validate_candidates([cand(value=5, unit="万元")], "f.csv", con).problems)
    assert "does not fit requests.received" in p.message


def test_duplicate_rows(con):
    same = validate_candidates([cand(), cand(row=3)], "f.csv", con)
    w = one(same.problems, "warning")
    assert w.row == 3 and "duplicate of S!E2" in w.message and len(same.facts) == 1
    diff = validate_candidates([cand(), cand(row=3, value=6)], "f.csv", con)
    e = one(diff.problems)
    assert e.row == 3 and "different value" in e.message


def test_years_out_of_range(con):
    this_year = date.today().year
    for y in (1999, this_year + 1):
        p = one(validate_candidates([cand(year=y)], "f.csv", con).problems)
        assert "out of range" in p.message and p.column == "B" and p.cell == str(y)
    p = one(validate_candidates([cand(year="去年")], "f.csv", con).problems)
    assert "not a year" in p.message


def test_breakdowns():
    assert normalise_breakdown("applicant", "自然人") == ("natural_person", None)
    assert normalise_breakdown("applicant", "总计") == ("", None)
    assert normalise_breakdown("applicant", "外国人")[1].startswith("unknown applicant breakdown")
    assert normalise_breakdown("category", "“机构设置”类") == ("机构设置", None)
    assert normalise_breakdown("", "自然人")[1] is not None


def test_value_and_year_parsing():
    assert parse_value("1,234") == ("number", 1234.0)
    assert parse_value("１２") == ("number", 12.0)
    assert parse_value("/") == ("none", None)
    assert parse_value("无") == ("number", 0.0)
    assert parse_value("") == ("blank", None)
    assert parse_value("abc") == ("text", None)
    assert parse_year("2023年") == 2023 and parse_year(2021.0) == 2021 and parse_year("x") is None


def test_display_name_never_a_path():
    assert display_name("../../etc/passwd") == "passwd"
    assert display_name("C:\\Users\\x\\报表.xlsx") == "报表.xlsx"
    assert display_name("..") == "upload"
    assert display_name("a\x00b\n.csv") == "ab.csv"
    assert "/" not in display_name("a/b/c/" + "长" * 300 + ".xlsx") and len(display_name("x" * 500)) <= 120


def test_identity_findings_become_warnings(tmp_path):
    """A 表三 whose outcomes do not sum to 总计 loads (as printed) with a warning."""
    pytest.importorskip("etl.extract.checks")
    from tests.sheets.test_spreadsheets import grid_values

    values = grid_values()
    values[("requests.processed_total", "")] += 5  # a source error: printed total ≠ parts
    lines = ["agency,year,metric_id,breakdown,value"]
    lines += [f"甲市商务局,2023,{m},{b},{v}" for (m, b), v in values.items()]
    p = tmp_path / "id.csv"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    parsed = parse_spreadsheet(p)
    assert not parsed.errors
    assert parsed.warnings and all(w.severity == "warning" for w in parsed.warnings)
    assert any("processed_total" in w.message for w in parsed.warnings)
    rep = parsed.reports[0]
    assert rep.findings and rep.fact("requests.processed_total").value == values[("requests.processed_total", "")]


def test_problem_text_names_everything(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("agency,year,metric_id,breakdown,value\n甲市商务局,2023,requests.received,,-1\n", encoding="utf-8")
    err = parse_spreadsheet(p).errors[0]
    text = str(err)
    for part in ("t.csv", "sheet t", "row 2", "column E", "'-1'", "negative"):
        assert part in text
