"""Regression tests for what a browser walk-through of the dashboard found (issues 4 and 5):
each test names the symptom a user saw."""
from __future__ import annotations

import pandas as pd

from etl.present import charts as ch
from tests.helpers.pages import tables


def test_stacked_bars_keep_years_in_order_when_first_part_misses_a_year() -> None:
    # the first category has no 2021 value: plotly ordered a multicategory axis by first
    # appearance, so 2021 used to be drawn after 2022 within the agency's group
    df = pd.DataFrame({
        "agency": ["甲局", "甲局", "甲局"],
        "year": [2022, 2021, 2022],
        "category": ["机构", "执法", "执法"],
        "count": [5.0, 4.0, 5.0],
        "share_pct": [50.0, 100.0, 50.0],
    })
    chart = ch.stacked_bar_chart(df, x=["agency", "year"], part="category",
                                 part_order=["机构", "执法"])
    assert chart.spec["facet"]["column"]["sort"] == ["甲局"]
    years = chart.spec["spec"]["encoding"]["x"]
    assert years["field"] == "x_sub" and years["sort"] == ["2021", "2022"]
    first = chart.rows("机构")
    assert first["x_sub"].tolist() == ["2022"] and first["y"].tolist() == [50.0]
    # the table itself runs year by year within the agency
    assert chart.data["x_sub"].tolist() == ["2021", "2022", "2022"]


# --------------------------------------------------------------------------- access (issue 5)

def test_ipv4_mapped_localhost_counts_as_the_local_machine() -> None:
    # Tornado reports a browser on 127.0.0.1 as ::ffff:127.0.0.1; the analyst on the machine
    # running the dashboard was refused the upload page
    from etl.store import access

    assert access.is_local_request("::ffff:127.0.0.1", {})
    assert not access.is_local_request("::ffff:192.168.1.9", {})
    assert not access.is_local_request("not an ip", {})
    cfg = access.load_config({}, {})
    assert access.decide(cfg, ip="::ffff:127.0.0.1", headers={}).is_analyst
    assert not access.decide(cfg, ip="::ffff:192.168.1.9", headers={}).is_analyst


def test_access_reasons_are_shown_in_the_interface_language() -> None:
    from streamlit.testing.v1 import AppTest

    def run(lang: str) -> AppTest:
        at = AppTest.from_string(
            "import streamlit as st\n"
            "from etl.store.access import Decision\n"
            "from pages._corrections import reason_text\n"
            f"st.session_state['qp_lang'] = {lang!r}\n"
            "st.write(reason_text(Decision('viewer', 'local', 'uploads and corrections are "
            "allowed only from the machine running the dashboard (no analyst key or sign-in "
            "is configured)')))\n"
            "st.write(reason_text(Decision('viewer', 'oidc', 'a@b.c is not in the analysts list', "
            "who='a@b.c')))\n",
            default_timeout=30,
        )
        return at.run()

    zh = [m.value for m in run("zh").markdown]
    assert zh[0].startswith("未配置分析员密钥或登录") and zh[1] == "a@b.c 不在分析员名单中。"
    en = [m.value for m in run("en").markdown]
    assert en[0].startswith("Uploads and corrections are allowed only")


# --------------------------------------------------------------------------- labels

def test_english_metric_labels_carry_no_storage_note() -> None:
    from etl.present import i18n

    assert i18n.metric_label("disclosure.admin_fees_cny", "en") == "Administrative fees collected"
    assert "万元" not in i18n.metric_label("disclosure.procurement_amount_cny", "en")
    assert i18n.metric_label("no.such.metric", "en") == "no.such.metric"


def test_rule_form_and_origin_labels() -> None:
    from etl.present import i18n

    assert i18n.rule_label("t3_balance", "en").startswith("Table 3 does not balance")
    assert i18n.rule_label("t3_balance", "zh").startswith("表三")
    assert i18n.rule_label("made_up_rule", "en") == "made_up_rule"
    assert i18n.form_label("narrative", "en") == "No form tables (text only)"
    assert i18n.form_label("2019", "zh") == "2019 年版表格"
    assert i18n.origin_label("corrected", "en") == "Corrected by an analyst"


# --------------------------------------------------------------------------- pages (AppTest)

def _run(page: str, **params):  # type: ignore[no-untyped-def]
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(f"../../pages/{page}.py", default_timeout=30)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def _value_columns(ranking) -> list[str]:
    """The ranking's columns without its link to each agency's profile (the last column)."""
    return [c for c in ranking.columns if c not in ("Profile", "机构概况")]


def test_ranking_by_money_shows_ten_thousand_dollars(small_db_env) -> None:
    # agency 1 (甲市商务局) received US$45,000,000 in 2018: the ranking used to print the raw
    # dollar figure under a header without a unit
    at = _run("overview", metric="investment.fdi_actual_usd", year_to="2018", lang="en",
              view="ranking")
    ranking = at.dataframe[0].value
    col = _value_columns(ranking)[-1]
    assert col == "Foreign investment actually received (10k US$)"
    assert ranking[col].tolist() == [4500.0]


def test_ranking_header_names_the_count_unit_in_chinese(small_db_env) -> None:
    at = _run("overview", view="ranking")
    assert _value_columns(at.dataframe[0].value)[-1] == "主动公开政府信息数量（件）"


def test_year_range_without_data_says_which_years_exist(small_db_env) -> None:
    at = _run("overview", year_from="1990", year_to="1995")
    infos = [i.value for i in at.info]
    assert infos and all("2017–2023" in v for v in infos)
    # no green "no red flags" all-clear for a selection that holds nothing
    assert not at.success


def test_empty_selection_of_agencies_suggests_widening(small_db_env) -> None:
    at = _run("disclosure", agency="丙市教育局", series="fees")
    assert [i.value for i in at.info] == [
        "当前筛选条件下没有数据。可在侧栏选择其他机构或扩大年份范围。"]


def test_quality_page_names_rules_in_words(small_db_env) -> None:
    at = _run("quality", lang="en")
    counts = tables(at)[0].value
    assert "Check" in counts.columns and "Rule" in counts.columns
    words = dict(zip(counts["Rule"], counts["Check"]))
    assert words["narrative_vs_table"] == "Text and table disagree"
    assert words["table3_identity"] == "table3_identity"  # not a rule of ours: its id


def test_review_queue_translates_kind_and_reasons(small_db_env) -> None:
    at = _run("review", lang="en")
    df = tables(at)[0].value
    assert set(df["kind"]) <= {"Disclosure report", "Work summary", "Template", "Unknown"}
    assert any("Agency unknown" in r for r in df["reason_text"])


def test_upload_preview_shows_problems_first_with_headers_in_words(small_db_env, tmp_path) -> None:
    from streamlit.testing.v1 import AppTest

    bad = "agency,year,metric_id,breakdown,value\n甲市商务局,2023,disclosure.items,,abc\n"
    at = AppTest.from_file("../../pages/upload.py", default_timeout=30)
    at.query_params["lang"] = "en"
    at.run()
    at.file_uploader[0].upload("bad.csv", bad.encode("utf-8"), "text/csv")
    at.run()
    assert not at.exception, at.exception
    assert at.tabs[0].label == "Problems (1)"
    frame = at.tabs[0].dataframe[0]
    assert frame.value["severity"].tolist() == ["Error"]
    import json

    cfg = {k: v.get("label") for k, v in json.loads(frame.proto.columns).items()}
    assert cfg["severity"] == "Severity" and cfg["row"] == "Row" and cfg["message"] == "Message"


def test_unchanged_headline_figure_has_no_up_arrow(small_db_env) -> None:
    at = _run("overview", agency=["甲市商务局", "丙市丁县人民政府"], year_to="2022", lang="en")
    m = next(x for x in at.metric if x.label == "Agencies reporting")
    assert m.delta == "+0"
    assert m.proto.color == m.proto.MetricColor.GRAY
    other = next(x for x in at.metric if x.label == "Items disclosed")
    assert other.proto.color != other.proto.MetricColor.GRAY


def test_lines_break_where_a_year_is_missing() -> None:
    # 甲局 reported 2019 and 2022 only: a straight line 2019→2022 suggested two years of values
    df = pd.DataFrame({"agency": ["甲局", "甲局", "乙局", "乙局", "乙局", "乙局"],
                       "year": [2019, 2022, 2019, 2020, 2021, 2022],
                       "value": [1.0, 4.0, 1.0, 2.0, 3.0, 4.0], "yoy_pct": [None] * 6})
    chart = ch.line_chart(df, unit="件")
    jia = chart.rows("甲局")
    assert jia["x"].tolist() == ["2019", "2020", "2022"]
    assert [None if pd.isna(v) else v for v in jia["y"]] == [1.0, None, 4.0]
    # Vega-Lite breaks a line at an empty value unless the mark says otherwise
    assert chart.spec["mark"].get("invalid", "break-paths-show-path-domains").startswith("break-paths")
    band = pd.DataFrame({"year": [2019, 2022], "q25": [1.0, 2.0], "median": [1.0, 3.0],
                         "q75": [2.0, 4.0], "agencies": [2, 2], "unit": ["件", "件"]})
    chart = ch.band_chart(df, band, unit="件", y_label="x")
    for layer in chart.spec["layer"]:  # the band, the median and the agencies share one axis
        assert layer["encoding"]["x"]["scale"]["domain"] == ["2019", "2020", "2021", "2022"]
    shares = pd.DataFrame({"year": [2019, 2021], "category": ["A", "A"], "count": [1.0, 2.0],
                           "share_pct": [50.0, 60.0]})
    trend = ch.share_trend_chart(shares)
    assert [None if pd.isna(v) else v for v in trend.rows("A")["y"]] == [50.0, None, 60.0]


def test_correction_metric_picker_speaks_english(small_db_env) -> None:
    import duckdb

    con = duckdb.connect(str(small_db_env), read_only=True)
    rid = con.execute("SELECT min(report_id) FROM facts").fetchone()[0]
    con.close()
    at = _run("report", report=str(rid), lang="en")
    box = next(s for s in at.selectbox if s.label == "Metric")
    shown = list(box.options[:3])  # the labels as displayed
    assert shown and all(not any("\u4e00" <= ch <= "\u9fff" for ch in o) for o in shown), shown


def test_correction_history_in_words(small_db_env) -> None:
    import duckdb

    con = duckdb.connect(str(small_db_env), read_only=True)
    rid = con.execute("""SELECT r.report_id FROM corrections c JOIN sources s ON s.sha256 = c.source_sha256
                         JOIN reports r ON r.source_id = s.source_id AND r.position = c.position
                         LIMIT 1""").fetchone()[0]
    con.close()
    at = _run("report", report=str(rid), lang="en")
    hist = next(d.value for d in tables(at) if "Who" in d.value.columns)
    assert "#" in hist.columns and "correction_id" not in hist.columns
    assert hist["Corrected"].tolist() == ["Value"]
    assert hist["Metric"].iloc[0].endswith(")") and "(" in hist["Metric"].iloc[0]


def test_level_picker_and_report_level_in_english(small_db_env) -> None:
    at = _run("overview", lang="en")
    level = next(m for m in at.sidebar.multiselect if m.key == "add_level")
    assert level.options and not any(
        any("\u4e00" <= ch <= "\u9fff" for ch in o) for o in level.options), level.options


def test_long_legends_show_every_entry_within_the_width() -> None:
    # 20 agencies: the legend used to scroll inside the default 450 px, hiding the last ones;
    # Vega-Lite drops legend entries past 30 unless told otherwise, and does not wrap a legend
    # to the chart's width
    def legend(chart: ch.Chart) -> dict:
        return chart.spec["encoding"]["color"]["legend"]

    for n, name in ((20, "机构{:02d}"), (40, "机构{:02d}"), (6, "一个名称非常非常长的县级人民政府办公室{}")):
        df = pd.DataFrame({"agency": [name.format(i) for i in range(n)], "year": [2020] * n,
                           "value": [float(i) for i in range(n)]})
        chart = ch.line_chart(df, unit="件")
        lg = legend(chart)
        assert len(chart.spec["encoding"]["color"]["scale"]["domain"]) == n
        assert lg["symbolLimit"] >= n
        assert lg["columns"] * lg["labelLimit"] <= ch.LEGEND_WIDTH
        assert lg["labelLimit"] >= max(ch._text_px(s) for s in df["agency"])  # labels whole
        # the plot keeps its height, the legend is added below it
        assert chart.spec["height"] == ch.HEIGHT and chart.spec["autosize"]["type"] == "fit-x"
        assert lg["orient"] == "bottom"
    few = pd.DataFrame({"agency": ["甲局", "乙局", "丙局"], "year": [2020] * 3, "value": [1.0, 2.0, 3.0]})
    small = legend(ch.line_chart(few, unit="件"))
    assert small["symbolLimit"] >= 3 and small["columns"] == 3  # one row
