"""AppTest runs of the overview page and the router (numbers from tests/conftest.py)."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers.pages import by_chinese_name, plain, run_app, tables, vega_charts
from tests.conftest import expected

TIMEOUT = 30


def run(path: str = "../pages/overview.py", **params: str | list[str]) -> AppTest:
    return run_app(path, TIMEOUT, **params)


def metrics(at: AppTest) -> dict[str, tuple[str, str | None]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def test_headline_figures_for_selection_in_english(small_db_env) -> None:
    at = run(agency=["甲市商务局", "丙市丁县人民政府"], year_to="2022", lang="en")
    assert not at.exception
    e1, e5 = expected(1, 2022), expected(5, 2022)
    p1, p5 = expected(1, 2021), expected(5, 2021)
    m = metrics(at)
    assert m["Agencies reporting"] == ("2", "+0")
    items = e1["disclosure.items"] + e5["disclosure.items"]
    prev_items = p1["disclosure.items"] + p5["disclosure.items"]
    assert m["Items disclosed"] == (f"{items:,.0f}", f"{items - prev_items:+,.0f}")
    rec = e1["requests.received"] + e5["requests.received"]
    assert m["Requests received"][0] == f"{rec:,.0f}"
    rate = 100 * (e1["requests.granted"] + 1 + e5["requests.granted"] + 1) / rec
    assert m["Disclosure rate"][0] == f"{rate:.1f}%"
    assert m["Review correction rate"][0] == f"{100 * 3 / 14:.1f}%"
    assert m["Review correction rate"][1] == "+0.0 pp"
    # the sidebar shows the URL's filters
    assert at.multiselect(key="qp_agency").value == ["甲市商务局", "丙市丁县人民政府"]
    assert at.selectbox(key="qp_year_to").value == 2022
    assert at.session_state["qp_lang"] == "en"
    assert at.button(key="lang_switch").label == "中文"  # the way back, in its own language
    assert at.multiselect(key="qp_agency").label == "Agencies"
    # ... and says them as text, the widgets being in a popover
    summary = at.sidebar.markdown[0].value
    assert "Agencies: " in summary and "甲市商务局" in summary and "丙市丁县人民政府" in summary
    assert "Years: " in summary and summary.endswith("–2022")  # from the first year with data
    # the copy link carries the whole view
    link = at.code[0].value
    assert link.startswith("/?") and "year_to=2022" in link and "lang=en" in link
    assert link.count("agency=") == 2


def test_chinese_by_default(small_db_env) -> None:
    at = run(agency="丙市教育局", year_from="2023")
    assert not at.exception
    m = metrics(at)
    assert m["报告机构数"][0] == "1"
    assert m["申请公开率"][0] == f"{100 / expected(6, 2023)['requests.processed_total']:.1f}%"
    assert at.title[0].value == "总览"


def test_coverage_matrix_links_open_reports(small_db_env) -> None:
    at = run(agency=["甲市商务局", "甲市乙区商务局"], lang="en", view="coverage")
    assert not at.exception
    matrix = tables(at)[0].value
    # in English the agencies by their English labels (etl/present/agency_names.py)
    assert list(matrix["Agency"]) == ["Jia City Yi District Commerce Bureau", "Jia City Commerce Bureau"]
    matrix["Agency"] = ["甲市乙区商务局", "甲市商务局"]
    row3 = matrix[matrix["Agency"] == "甲市乙区商务局"].iloc[0]
    # a year missing between two reports: marked, and opening the agency's profile
    assert row3["2020"].startswith("/agency?") and row3["2020"].endswith("#✗ missing")
    cell = matrix[matrix["Agency"] == "甲市商务局"].iloc[0]["2017"]
    assert "/report?" in cell and "report=" in cell and "lang=en" in cell
    assert cell.endswith("#✓ summary")  # on time, and a work summary besides
    assert matrix[matrix["Agency"] == "甲市商务局"].iloc[0]["2023"].endswith(" ⚠1")


def test_ranking_metric_from_url(small_db_env) -> None:
    at = run(metric="requests.received", year_to="2019", lang="en", view="ranking")
    assert not at.exception
    assert at.selectbox(key="qp_overview_metric").value == "requests.received"
    ranking = by_chinese_name(tables(at)[0].value)
    assert ranking.columns[-2] == "New requests received this year (items)"
    assert ranking["Agency"].tolist()[:2] == ["丙市教育局", "丙市丁县人民政府"]
    assert ranking.iloc[0, -2] == expected(6, 2019)["requests.received"]
    # each agency links to its profile, keeping the view's language and years
    link = ranking["Profile"].iloc[0]
    assert link.startswith("/agency?agency=") and "lang=en" in link and link.endswith("#Profile")


def test_red_flags_listed(small_db_env) -> None:
    at = run(lang="en")
    assert not at.exception
    flags = next(by_chinese_name(d.value) for d in tables(at) if "Flag" in d.value.columns)
    pairs = {(a, f) for a, f in zip(flags["Agency"], flags["Flag"])}
    assert ("丙市商务局", "Error findings") in pairs
    assert ("甲市乙区商务局", "Report missing for a year") in pairs
    assert ("丙市丁县人民政府", "Review correction rate above 15 %") in pairs
    assert ("丙市教育局", "Disclosure rate below 40 %") in pairs


def test_invalid_params_give_messages_not_tracebacks(small_db_env) -> None:
    at = run(year_from="zz", metric="no.such.metric", agency="不存在的机构", view="ranking")
    assert not at.exception
    warnings = plain(" ".join(w.value for w in at.warning))
    assert "year_from=zz" in warnings
    assert "metric=no.such.metric" in warnings
    assert "不存在的机构" in warnings
    # ignored means ignored: dropped from the selection and from the URL
    assert at.multiselect(key="qp_agency").value == []
    assert "agency" not in at.query_params and "year_from" not in at.query_params
    assert at.metric  # the page still shows its figures


def test_empty_database(empty_db_env) -> None:
    at = run()
    assert not at.exception
    assert any("还没有报告" in i.value for i in at.info)


def test_error_boundary_shows_message(small_db_env, monkeypatch) -> None:
    from etl.query import overview as queries

    def boom(*a, **k):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(queries, "headline", boom)
    import streamlit as st

    st.cache_data.clear()  # the overview caches query results per data stamp
    at = run(lang="en")
    assert not at.exception
    assert any("RuntimeError" in e.value for e in at.error)


def test_region_picker_adds_agencies_to_url(small_db_env) -> None:
    at = run()
    at.multiselect(key="add_region").select("丙市").run()
    assert not at.exception
    assert sorted(at.multiselect(key="qp_agency").value) == sorted(
        ["丙市商务局", "丙市丁县人民政府", "丙市教育局"])
    assert sorted(at.query_params["agency"]) == sorted(
        ["丙市商务局", "丙市丁县人民政府", "丙市教育局"])
    assert at.multiselect(key="add_region").value == []
    at.multiselect(key="add_level").select("区县级").run()
    assert "甲市乙区商务局" in at.query_params["agency"]


def test_router_keeps_filters_across_pages(small_db_env) -> None:
    at = run("../dashboard.py", agency="丙市教育局", year_from="2019")
    assert not at.exception
    assert metrics(at)["报告机构数"][0] == "1"
    at.button(key="lang_switch").click().run()
    # the sidebar menu drops the query string: the session restores the filters
    at.query_params.clear()
    at.switch_page("pages/quality.py").run()
    assert not at.exception
    assert at.query_params.get("agency") == "丙市教育局"
    assert at.query_params.get("year_from") == "2019"
    assert at.query_params.get("lang") == "en"
    assert at.multiselect(key="qp_agency").value == ["丙市教育局"]
    assert at.title[0].value == "Data quality"


def test_router_lists_existing_pages_only(small_db_env) -> None:
    at = run("../dashboard.py")
    assert not at.exception
    # the default page is the overview
    assert at.title[0].value == "总览"


@pytest.mark.parametrize("lang,label", [("zh", "机构"), ("en", "Agencies")])
def test_sidebar_language(small_db_env, lang, label) -> None:
    at = run(lang=lang)
    assert at.multiselect(key="qp_agency").label == label
    n = len(at.multiselect(key="qp_agency").options)
    summary = at.sidebar.markdown[0].value
    assert (f"机构：全部（{n} 个）" if lang == "zh" else f"Agencies: all ({n})") in summary
    # the button switches to the other language and back, and the URL follows
    at.button(key="lang_switch").click().run()
    assert at.multiselect(key="qp_agency").label == ("Agencies" if lang == "zh" else "机构")
    assert at.query_params.get("lang") == ("en" if lang == "zh" else None)


def test_first_start_builds_the_demo(empty_db_env, monkeypatch) -> None:
    """An empty database gets the demo without a question; progress is reported."""
    import etl.demo.corpus
    from etl.store import database as store
    from tests.conftest import build_reports

    calls: list[tuple] = []

    def fake_build_demo(db, *, force=False, progress=None):
        calls.append((str(db), force))
        if progress:
            progress(0, 2, "generating demo corpus")
        con = store.connect(db)
        try:
            store.write_reports(con, store.SourceInfo("ab" * 32, "demo.txt", 1, "text"),
                                build_reports(1, 2022))
        finally:
            con.close()
        if progress:
            progress(2, 2, "done")

    monkeypatch.setattr(etl.demo.corpus, "build_demo", fake_build_demo)
    at = run("../dashboard.py", lang="en")
    assert not at.exception
    assert calls == [(str(empty_db_env), False)]
    assert metrics(at)["Agencies reporting"][0] == "1"
    # a second start does not build again
    run("../dashboard.py")
    assert len(calls) == 1


def test_link_with_a_printed_name_selects_the_agency(small_db_env, tmp_path, monkeypatch) -> None:
    import shutil

    from etl.store import connection as db
    from etl.store import database as store

    p = tmp_path / "alias.duckdb"
    shutil.copy(small_db_env, p)
    con = store.connect(p)
    con.execute("INSERT INTO agency_aliases SELECT '甲市对外贸易经济合作局', agency_id FROM agencies "
                "WHERE name = '甲市商务局'")
    con.close()
    monkeypatch.setenv("GONGKAI_DB", str(p))
    try:
        at = run(agency="甲市对外贸易经济合作局", lang="en")
        assert not at.exception and not at.warning
        assert at.multiselect(key="qp_agency").value == ["甲市商务局"]
        assert at.query_params["agency"] == "甲市商务局"
    finally:
        db.close(p)


def test_url_text_is_escaped_in_messages(small_db_env) -> None:
    at = run(agency="[click](http://evil.example) **x**", year_from="<b>1</b>")
    assert not at.exception
    text = " ".join(w.value for w in at.warning)
    assert r"\[click\]\(http://evil.example\)" in text
    assert r"\*\*x\*\*" in text and r"\<b\>1\</b\>" in text


def test_only_the_open_tab_is_drawn_and_it_is_in_the_url(small_db_env) -> None:
    """The sections are tabs (URL ``view``): a new session gets the red flags, nothing of the
    other tabs is sent, and a link opens the tab it names, in either language."""
    at = run(lang="en")
    assert not at.exception
    assert [tab.label for tab in at.tabs] == [
        "Red flags", "Ranking", "Coverage", "Indicators", "Timeliness", "Trend"]
    assert ["Flag" in d.value.columns for d in tables(at)] == [True]  # the red flags only
    assert not vega_charts(at)
    assert "view" not in at.query_params  # the default tab is not written to the URL
    at = run(view="coverage")
    assert not at.exception
    assert at.tabs[2].label == "报告覆盖"
    assert at.session_state["qp_overview_view"] == "报告覆盖"  # the open tab
    assert list(tables(at)[0].value.columns[:2]) == ["机构", "2017"]
    at = run(view="trend", lang="en")
    assert not at.exception and len(vega_charts(at)) == 1 and not tables(at)


def test_unknown_tab_in_a_link_says_so_and_opens_the_first(small_db_env) -> None:
    at = run(view="nosuch", lang="en")
    assert not at.exception
    assert any("view=nosuch" in plain(w.value) for w in at.warning)
    assert ["Flag" in d.value.columns for d in tables(at)] == [True]
