"""AppTest runs of the report page (numbers from tests/conftest.py)."""
from __future__ import annotations

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from etl.query import overview as queries
from tests.helpers.pages import plain, run_app
from tests.conftest import ORIGINAL_BYTES, expected

TIMEOUT = 30


def run(**params: str | list[str]) -> AppTest:
    return run_app("../pages/report.py", TIMEOUT, **params)


def report_id(db, agency: str, year: int, kind: str = "disclosure_report") -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return int(con.execute(
            "SELECT report_id FROM reports r JOIN agencies a USING (agency_id) "
            "WHERE a.name = ? AND r.year = ? AND r.kind = ?", [agency, year, kind]
        ).fetchone()[0])
    finally:
        con.close()


@pytest.fixture(scope="module")
def ids(small_db) -> dict[str, int]:
    return {
        "a1_2021": report_id(small_db, "甲市商务局", 2021),
        "a1_2022": report_id(small_db, "甲市商务局", 2022),
        "a2_2021": report_id(small_db, "甲市财政局", 2021),
        "a1_2017_ws": report_id(small_db, "甲市商务局", 2017, "work_summary"),
    }


def frame_with(at: AppTest, column: str):
    for df in at.dataframe:
        if column in df.value.columns:
            return df.value
    raise AssertionError(f"no dataframe with column {column!r}")


def test_facts_with_evidence_and_original_download(small_db_env, ids) -> None:
    at = run(report=str(ids["a1_2021"]), lang="en")
    assert not at.exception
    meta = frame_with(at, "Field").set_index("Field")["Value"]
    assert meta["Agency"] == "Jia City Commerce Bureau · 甲市商务局" and meta["Year"] == "2021" and meta["Form"] == "2021 form"
    assert meta["Kind"] == "Disclosure report"
    facts = frame_with(at, "Raw text")
    rec = facts[(facts["metric_id"] == "requests.received") & (facts["Breakdown"] == "Total")]
    assert rec["Value"].tolist() == [expected(1, 2021)["requests.received"]]
    assert rec["Table"].tolist() == ["表三"] and rec["Column"].tolist() == ["总计"]
    assert rec["Page"].tolist() == [2]
    assert rec["Metric"].tolist() == ["New requests received this year"]
    items = facts[facts["metric_id"] == "disclosure.items"].iloc[0]
    assert items["Offset"] == 100 and "disclosure.items" in items["Raw text"]
    assert set(facts[facts["metric_id"] == "requests.received"]["Breakdown"]) == {
        "Total", "Natural persons", "Businesses"}
    labels = [b.label for b in at.get("download_button")]
    assert "Download the original file" in labels
    assert any("No findings" in s.value for s in at.success)


def test_missing_original_is_a_404_message(small_db_env, ids) -> None:
    at = run(report=str(ids["a2_2021"]))
    assert not at.exception
    assert any(plain(w.value).startswith("404") for w in at.warning)
    fd = frame_with(at, "规则")
    assert fd["规则"].tolist() == ["narrative_vs_table"] and fd["严重程度"].tolist() == ["警告"]


def test_correction_history(small_db_env, ids) -> None:
    at = run(report=str(ids["a1_2022"]), lang="en")
    assert not at.exception
    hist = frame_with(at, "Who")
    assert hist["Who"].tolist() == ["analyst1"]
    assert hist["New value"].tolist() == ["16"] and hist["Why"].tolist() == ["表三 misread"]


def test_work_summary_investment_facts(small_db_env, ids) -> None:
    at = run(report=str(ids["a1_2017_ws"]))
    facts = frame_with(at, "原文")
    got = dict(zip(facts["metric_id"], facts["数值"]))
    assert got["investment.fdi_actual_usd"] == 41_000_000
    assert got["investment.fdi_new_enterprises"] == 31


@pytest.mark.parametrize("bad", ["abc", "-1", "999999", "1.5"])
def test_invalid_or_unknown_report_shows_message_and_picker(small_db_env, bad) -> None:
    at = run(report=bad, year_from="zz")
    assert not at.exception
    text = plain(" ".join(w.value for w in at.warning))
    assert "year_from=zz" in text
    assert ("report=" in text) or ("未找到" in text)
    assert at.selectbox(key="report_picker") is not None


def test_picker_opens_a_report(small_db_env, ids) -> None:
    at = run(agency="甲市商务局", year_from="2021", year_to="2021", lang="en")
    assert not at.exception
    picker = at.selectbox(key="report_picker")
    assert len(picker.options) == 2  # "—" + the one report
    picker.set_value(ids["a1_2021"]).run()
    assert not at.exception
    assert at.query_params["report"] == str(ids["a1_2021"])
    assert frame_with(at, "Raw text") is not None


def test_picker_empty_selection(small_db_env) -> None:
    at = run(year_from="2030")
    assert not at.exception
    assert any("没有数据" in i.value for i in at.info)


def test_document_text_is_not_rendered_as_markdown(small_db_env, tmp_path, monkeypatch) -> None:
    """A title full of markdown/HTML is shown as plain text."""
    import shutil

    from etl.store import database as store

    p = tmp_path / "x.duckdb"
    shutil.copy(small_db_env, p)
    con = store.connect(p)
    con.execute("UPDATE reports SET title = '<script>alert(1)</script> **bold** [x](http://e)' "
                "WHERE report_id = 1")
    con.close()
    monkeypatch.setenv("GONGKAI_DB", str(p))
    at = run(report="1")
    assert not at.exception
    assert at.text[0].value.startswith("<script>")
    assert not any("<script>" in m.value for m in at.markdown)
    from etl.store import connection as db

    db.close(p)


def test_original_file_resolution(small_db, tmp_path) -> None:
    archive = small_db.parent / "archive"
    con = duckdb.connect(str(small_db), read_only=True)
    try:
        paths = [r[0] for r in con.execute(
            "SELECT archive_path FROM sources WHERE archive_path IS NOT NULL ORDER BY file_name"
        ).fetchall()]
    finally:
        con.close()
    found = [queries.original_file(p, archive) for p in paths]
    assert [f.read_bytes() for f in found if f] == [ORIGINAL_BYTES]
    assert found.count(None) == 1  # the 404 case
    assert queries.original_file(None, archive) is None
    outside = tmp_path / "secret.txt"
    outside.write_text("x")
    assert queries.original_file(f"../{outside.name}", tmp_path / "sub") is None
    (tmp_path / "sub").mkdir()
    assert queries.original_file(f"../{outside.name}", tmp_path / "sub") is None


def test_findings_in_the_views_language(small_db_env, ids) -> None:
    # a supervisor reading the Chinese view saw the extractor's English message
    at = run(report=str(ids["a2_2021"]))
    assert not at.exception
    fd = frame_with(at, "说明")
    assert fd["说明"].tolist() == ["本年新收政府信息公开申请数量：表格为 21，正文为 20；采用表格数字"]
    assert fd["单元格"].tolist() == ["—"]
    en = frame_with(run(report=str(ids["a2_2021"]), lang="en"), "Message")
    assert en["Message"].tolist() == ["requests.received: table says 21, text says 20"]
