"""Schema, the transactional write path and exports (numbers stay numbers, formulas made inert)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from etl.store import database as store
from etl.store import export
from etl.model import Evidence, Fact, Finding, Report


def rep(agency: str | None, year: int, facts: list[Fact], position: int = 1,
        printed: str | None = None, kind: str = "disclosure_report") -> Report:
    return Report(source="x", position=position, title=f"{agency} {year}", agency=agency,
                  printed_agency=printed or agency, year=year, kind=kind, form="narrative",  # type: ignore[arg-type]
                  facts=facts, findings=[Finding("r", "warning", "m", ["a", "b"])])


def src(sha: str, name: str = "f.txt") -> store.SourceInfo:
    return store.SourceInfo(sha256=sha, file_name=name, size=10, format="text")


@pytest.fixture()
def con(tmp_path):
    c = store.connect(tmp_path / "s.duckdb")
    yield c
    c.close()


def test_schema_is_idempotent_and_fills_metrics(tmp_path):
    c = store.connect(tmp_path / "s.duckdb")
    n = c.execute("SELECT count(*) FROM metrics").fetchone()[0]
    store.ensure_schema(c)
    assert c.execute("SELECT count(*) FROM metrics").fetchone()[0] == n > 50
    c.close()
    c = store.connect(tmp_path / "s.duckdb", read_only=True)
    assert c.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == store.SCHEMA_VERSION
    c.close()


def test_write_reports_replaces_by_sha_and_copies_agency_year_to_facts(con):
    ids = store.write_reports(con, src("a"), [
        rep("甲局", 2020, [Fact("disclosure.items", 3.0, evidence=Evidence("共3条", offset=7, page=2))]),
        rep("甲局", 2021, [Fact("disclosure.items", None)], position=2),
    ])
    assert len(ids) == 2
    rows = con.execute("SELECT f.agency_id, f.year, f.value, f.char_offset, f.page, f.raw_text "
                       "FROM facts f ORDER BY year").fetchall()
    aid = con.execute("SELECT agency_id FROM agencies WHERE name = '甲局'").fetchone()[0]
    assert rows == [(aid, 2020, 3.0, 7, 2, "共3条"), (aid, 2021, None, None, None, None)]
    assert con.execute("SELECT cells FROM findings LIMIT 1").fetchone()[0] == "a; b"
    store.write_reports(con, src("a"), [rep("甲局", 2020, [Fact("disclosure.items", 4.0)])])
    assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == 1
    assert con.execute("SELECT value FROM facts").fetchall() == [(4.0,)]
    assert con.execute("SELECT count(*) FROM sources").fetchone()[0] == 1


def test_write_reports_is_all_or_nothing(con):
    store.write_reports(con, src("a"), [rep("甲局", 2020, [Fact("disclosure.items", 3.0)])])
    bad = rep("乙局", 2020, [Fact("disclosure.items", "not a number")])  # type: ignore[arg-type]
    with pytest.raises(Exception):
        store.write_reports(con, src("b"), [rep("丙局", 2020, []), bad])
    assert con.execute("SELECT count(*) FROM sources").fetchone()[0] == 1
    assert con.execute("SELECT name FROM agencies").fetchall() == [("甲局",)]


def test_delete_source_keeps_other_files_and_corrections(con):
    store.write_reports(con, src("a"), [rep("甲局", 2020, [Fact("disclosure.items", 3.0)])])
    store.write_reports(con, src("b"), [rep("乙局", 2020, [Fact("disclosure.items", 5.0)])])
    con.execute("INSERT INTO corrections (correction_id, target, source_sha256) VALUES (1, 'fact', 'a')")
    con.execute("INSERT INTO source_fingerprints VALUES ('a', 'fp')")
    store.delete_source(con, "a")
    assert con.execute("SELECT value FROM facts").fetchall() == [(5.0,)]
    assert con.execute("SELECT count(*) FROM corrections").fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM source_fingerprints").fetchone()[0] == 0


def test_resolve_agency_prefers_existing_alias(con):
    a = store.resolve_agency(con, "芗城区对外贸易经济合作局", ["芗城区外经局"])
    b = store.resolve_agency(con, "别的名字", ["芗城区外经局"])
    assert a == b
    assert store.resolve_agency(con, None) is None


def _fill_for_export(con) -> None:
    store.write_reports(con, src("a", "=cmd|' /C calc'!A0.txt"), [
        rep("=HYPERLINK(\"http://x\")", 2019, [Fact("disclosure.items", 120.0),
                                                Fact("disclosure.electronic_pct", 99.5, unit="pct"),
                                                Fact("requests.received", -3.0)]),
    ])
    store.write_reports(con, src("b"), [
        rep("甲市商务局", 2021, [Fact("disclosure.items", 7.0, breakdown="@机构设置")],
            printed="甲市外经局"),
    ])


def test_export_csv_neutralises_text_but_keeps_numbers(con, tmp_path):
    _fill_for_export(con)
    out = tmp_path / "out" / "facts.csv"
    assert export.export_facts(con, out) == 4
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Chinese correctly
    df = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False)
    assert list(df.columns) == ["agency", "year", "metric", "breakdown", "value", "unit", "kind", "source"]
    assert set(df["agency"]) == {"'=HYPERLINK(\"http://x\")", "甲市商务局"}
    assert "'@机构设置" in set(df["breakdown"])
    assert df["source"].iloc[0].startswith("'=cmd")
    assert sorted(df["value"].tolist()) == [-3, 7, 99.5, 120]  # negative number not neutralised
    assert "120.0" not in out.read_text(encoding="utf-8-sig")  # counts print as integers


def test_export_xlsx_has_numbers_and_no_formulas(con, tmp_path):
    from openpyxl import load_workbook

    _fill_for_export(con)
    out = tmp_path / "facts.xlsx"
    export.export_facts(con, out)
    ws = load_workbook(out).active
    rows = list(ws.iter_rows(values_only=False))
    assert [c.value for c in rows[0]] == ["agency", "year", "metric", "breakdown", "value", "unit", "kind", "source"]
    for row in rows[1:]:
        assert all(c.data_type != "f" for c in row)
        assert isinstance(row[1].value, int) and isinstance(row[4].value, (int, float))
    assert rows[1][0].value == "'=HYPERLINK(\"http://x\")"


def test_export_parquet_and_filters(con, tmp_path):
    _fill_for_export(con)
    out = tmp_path / "facts.parquet"
    assert export.export_facts(con, out, agency="甲市外经局") == 1  # alias resolves
    df = pd.read_parquet(out)
    assert df.to_dict("records") == [{
        "agency": "甲市商务局", "year": 2021, "metric": "disclosure.items", "breakdown": "@机构设置",
        "value": 7.0, "unit": "count", "kind": "disclosure_report", "source": "f.txt"}]
    assert export.export_facts(con, tmp_path / "y.csv", year_from=2020, year_to=2021) == 1
    assert export.export_facts(con, tmp_path / "z.csv", year_to=2019) == 3
    assert export.export_facts(con, tmp_path / "n.csv", agency="无此单位") == 0


def test_export_rejects_unknown_format_without_leaving_files(con, tmp_path):
    with pytest.raises(ValueError, match="unsupported"):
        export.export_facts(con, tmp_path / "x.json")
    assert list(tmp_path.glob("*.json*")) == [] and list(tmp_path.glob(".*tmp")) == []


def test_archived_file_resolves_stored_paths_safely(tmp_path):
    assert store.archived_file(None) is None
    assert store.archived_file("ab/abc", tmp_path) == tmp_path / "ab" / "abc"
    assert store.archived_file("/abs/x", tmp_path) == Path("/abs/x")
    assert store.archived_file("../../etc/passwd", tmp_path) is None


def test_export_sql_has_only_parameters():
    assert "{" not in export.EXPORT_SQL and "$agency" in export.EXPORT_SQL
