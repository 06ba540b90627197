"""AppTest runs of the glossary (/glossary): formulas and thresholds from config/indicators.toml,
the check settings from config/checks.toml, the form rows from the metric dictionary."""
from __future__ import annotations

import tomllib
from pathlib import Path

from etl.metrics import load_metrics
from tests.helpers.pages import plain, run_page

ROOT = Path(__file__).resolve().parents[2]


def table_with(at, column: str):
    """The first table (grid or wrapped text table) with ``column``."""
    for df in [*at.dataframe, *at.table]:
        if column in df.value.columns:
            return df.value
    raise AssertionError(f"no table with column {column!r}")


def test_glossary_in_english(small_db_env) -> None:
    at = run_page("glossary", lang="en")
    assert [tab.label for tab in at.tabs] == ["Indicators", "Checks", "Form versions",
                                              "Blank, 0, n/a", "Sources", "Rules"]
    assert not at.subheader  # a tab's label names its section
    cfg = tomllib.loads((ROOT / "config" / "indicators.toml").read_text(encoding="utf-8"))
    inds = table_with(at, "Formula").set_index("id")
    assert list(inds.index) == ["correction_rate", "granted_share", "unable_share",
                                "natural_person_share", "requests_received"]
    corr = cfg["indicator"]["correction_rate"]
    assert inds.loc["correction_rate", "Amber at"] == f"{corr['amber']:g} %"
    assert inds.loc["correction_rate", "Red at"] == f"{corr['red']:g} %"
    assert inds.loc["correction_rate", "Minimum N"] == str(corr["min_n"])
    assert inds.loc["correction_rate", "Direction"] == "higher is worse"
    assert inds.loc["granted_share", "Direction"] == "lower is worse"
    assert "concluded" in inds.loc["correction_rate", "Formula"]
    assert inds.loc["requests_received", "Amber at"] == "—"
    assert any(m.value.startswith("**Timeliness of the reports**") for m in at.markdown)
    at = run_page("glossary", lang="en", view="checks")
    checks = table_with(at, "What it checks").set_index("id")
    chk = tomllib.loads((ROOT / "config" / "checks.toml").read_text(encoding="utf-8"))
    assert f"= {chk['yoy']['tolerance_pp']:g}" in checks.loc["yoy_vs_levels", "Setting"]
    assert f"= {chk['reuse']['threshold']:g}" in checks.loc["text_reused_prev_year", "Setting"]
    # the form rows of one version only, exactly as the metric dictionary says
    at = run_page("glossary", lang="en", view="forms")
    rows = table_with(at, "Printed in").set_index("id")
    metrics = load_metrics()
    only_2021 = {m for m, x in metrics.items()
                 if {s.split("_")[1] for s in x.source.split() if s.startswith("table") and "_" in s}
                 == {"2021"}}
    assert set(rows.index[rows["Printed in"] == "2021 form"]) == only_2021
    assert "requests.other_fee_unpaid" in only_2021
    assert rows.loc["disclosure.regulations_new_made", "Printed in"] == "2019 form"
    assert "disclosure.licensing_decisions" not in rows.index  # in both forms
    at = run_page("glossary", lang="en", view="blank")
    terms = table_with(at, "Meaning").set_index("Term")
    assert "never taken as 0" in terms.loc["blank", "Meaning"]
    assert "denominator is 0" in terms.loc["n/a", "Meaning"]
    at = run_page("glossary", lang="en", view="rules")
    rules = at.table[-1].value.set_index("id")  # every finding rule, the tab's one table
    assert {"t3_balance", "carry_over_mismatch", "yoy_vs_levels",
            "text_reused_other_agency"} <= set(rules.index)
    assert rules.loc["t3_balance", "What it checks"].startswith("Each 表三 column must satisfy")


def test_glossary_in_chinese(small_db_env) -> None:
    at = run_page("glossary")
    assert "术语与口径" in [x.value for x in at.title]
    tabs = [tab.label for tab in at.tabs]
    assert tabs[0] == "标准指标" and "表格版本" in tabs
    inds = table_with(at, "公式").set_index("id")
    assert inds.loc["correction_rate", "指标"] == "纠错率"
    assert "已审结" in inds.loc["correction_rate", "公式"]
    text = " ".join(m.value for m in at.markdown)
    assert "第四十九条" in text  # the timeliness rule, below the indicators
    text = " ".join(m.value for m in run_page("glossary", view="forms").markdown)
    assert "2021 年版表格" in text
    rules = run_page("glossary", view="rules").table[-1].value.set_index("id")
    assert "本年新收 + 上年结转" in rules.loc["t3_balance", "说明"]
    assert "同比增减" in rules.loc["yoy_vs_levels", "说明"]


def test_only_the_open_tab_is_drawn_and_it_is_in_the_url(small_db_env) -> None:
    """The sections are tabs (URL ``view``) below the intro: a new session gets the indicators,
    nothing of the other tabs is sent, and a link opens the tab it names, in either language."""
    at = run_page("glossary", lang="en")
    assert [tab.label for tab in at.tabs] == ["Indicators", "Checks", "Form versions",
                                              "Blank, 0, n/a", "Sources", "Rules"]
    assert ["Formula" in d.value.columns for d in at.table] == [True]  # the indicators only
    assert not at.dataframe  # the form rows' grid is another tab's
    assert [b.label for b in at.get("download_button")].count("Download CSV") == 1
    intro = at.caption[0].value  # the intro, above the tabs
    assert intro.startswith("What every indicator's formula is")
    assert intro not in [c.value for c in at.tabs[0].caption]
    assert "view" not in at.query_params  # the default tab is not written to the URL
    at = run_page("glossary", view="forms")
    assert at.tabs[2].label == "表格版本"
    assert at.session_state["qp_glossary_view"] == "表格版本"  # the open tab
    assert at.query_params["view"] == "forms"
    assert not at.table and "出现在" in at.dataframe[0].value.columns
    for view, column in (("checks", "What it checks"), ("blank", "Meaning"),
                         ("sources", None), ("rules", "What it checks")):
        at = run_page("glossary", lang="en", view=view)
        assert len(at.table) == 1 and not at.dataframe, view
        assert column is None or column in at.table[0].value.columns, view


def test_unknown_tab_in_a_link_says_so_and_opens_the_first(small_db_env) -> None:
    at = run_page("glossary", view="nosuch", lang="en")
    assert any("view=nosuch" in plain(w.value) for w in at.warning)
    assert at.session_state["qp_glossary_view"] == "Indicators"
    assert ["Formula" in d.value.columns for d in at.table] == [True]
