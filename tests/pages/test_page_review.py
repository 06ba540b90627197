"""The review queue page: reports with error findings or unknown agency/year, each linking to
/report?report=ID; an empty queue says so."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.helpers.pages import tables

PAGE = "../../pages/review.py"


def test_review_queue_lists_reports_needing_review(small_db_env):
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    df = tables(at)[0].value
    assert len(df) == 2
    by_agency = {a: row for a, row in zip(df["agency"], df.itertuples())}
    assert by_agency["丙市商务局"].year == 2022 and "table3_identity" in by_agency["丙市商务局"].reasons
    assert "agency unknown" in by_agency["未知"].reasons  # shown as unknown, not None
    assert "None" not in df.astype(str).to_numpy().ravel().tolist()
    for rid, link in zip(df["report_id"], df["link"]):
        assert link.startswith("report?") or link.startswith("/report?")
        assert f"report={rid}" in link


def test_review_queue_keeps_filters_in_links(small_db_env):
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception, at.exception
    assert all("lang=en" in link for link in tables(at)[0].value["link"])


def test_empty_queue(empty_db_env):
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert any("没有需要审核的报告" in i.value for i in at.info)
    assert len(tables(at)) == 0


def test_a_long_queue_shows_its_first_rows_as_a_light_table(small_db_env, monkeypatch):
    """A province's queue: the first html_table.MAX_ROWS reports, drawn as plain HTML (no data
    grid), and a caption saying how many there are."""
    from etl.present import html_table

    monkeypatch.setattr(html_table, "MAX_ROWS", 1)
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert [len(t.value) for t in tables(at)] == [1] and not at.dataframe
    assert any("显示队列中的前 1 份（共 2 份）" in c.value for c in at.caption)
