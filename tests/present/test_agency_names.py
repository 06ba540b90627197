"""English labels for agency names (etl/present/agency_names.py) and their use in charts and
tables (etl/present/charts.py: relabel)."""
from __future__ import annotations

import pandas as pd
import pytest

from etl.present import agency_names as an
from etl.present import charts as ch


@pytest.mark.parametrize("name, english", [
    ("青川市商务局", "Qingchuan City Commerce Bureau"),
    ("青川市市场监督管理局", "Qingchuan City Market Regulation Administration"),  # 市场, not 市 + 场
    ("青川市人民政府办公室", "Qingchuan City People's Government General Office"),  # longest body
    ("东城区人民政府", "Dongcheng District People's Government"),
    ("滨江区临江镇人民政府", "Binjiang District Linjiang Town People's Government"),  # 镇 in the body
    ("西城区和平街道办事处", "Xicheng District Heping Sub-district Office"),
    ("平潭综合实验区经济发展局", "Pingtan Comprehensive Pilot Zone Economic Development Bureau"),
    ("福建省商务厅", "Fujian Province Department of Commerce"),
    ("市中区教育局", "Shizhong District Education Bureau"),
    ("长沙市财政局", "Changsha City Finance Bureau"),  # pinyin of the place as a word
])
def test_names_composed_from_places_and_body(name: str, english: str) -> None:
    assert an.english_name(name) == english
    assert an.agency_label(name, "en") == english
    assert an.agency_label(name, "zh") == name


@pytest.mark.parametrize("name", ["某某局", "青川市某某中心", "国家统计局", "商务局", "", None,
                                  "浦东新区商务委员会", "青川市教育局局"])
def test_no_label_is_guessed(name) -> None:
    # an unknown body, no place before it, or a prefix that is not a chain of places
    assert an.english_name(name) is None
    assert an.agency_label(name, "en") == (name or "")


def test_the_known_list_wins(tmp_path, monkeypatch) -> None:
    known = tmp_path / "agency_names.csv"
    known.write_text("name,english\n青川市商务局,Qingchuan Municipal Bureau of Commerce\n"
                     "青川市某某中心,Qingchuan Some Centre\n", encoding="utf-8")
    monkeypatch.setattr(an, "KNOWN_PATH", known)
    an.english_name.cache_clear()
    try:
        assert an.english_name("青川市商务局") == "Qingchuan Municipal Bureau of Commerce"
        assert an.english_name("青川市某某中心") == "Qingchuan Some Centre"
    finally:
        an.english_name.cache_clear()


def test_the_bundled_list() -> None:
    # a polyphone pinyin gets wrong (朝阳 read zhao yang) set right
    assert an.english_name("东城区朝阳街道办事处") == "Dongcheng District Chaoyang Sub-district Office"


def test_regions() -> None:
    assert an.region_label("青川市", "en") == "Qingchuan City"
    assert an.region_label("东城区", "en") == "Dongcheng District"
    assert an.region_label("东城区", "zh") == "东城区"
    assert an.region_label("某地", "en") == "某地" and an.region_label(None, "en") == ""


def test_tables_keep_the_chinese_name_beside_the_label() -> None:
    df = pd.DataFrame({"agency": ["青川市商务局", "某某局", None], "value": [1, 2, 3]})
    out = an.relabel_frame(df, "en")
    assert list(out.columns) == ["agency", an.CHINESE_COLUMN, "value"]
    assert out["agency"].tolist()[:2] == ["Qingchuan City Commerce Bureau", "某某局"]
    assert out[an.CHINESE_COLUMN].tolist()[:2] == ["青川市商务局", "某某局"]
    assert df["agency"].tolist()[0] == "青川市商务局"  # the input is not changed
    assert an.relabel_frame(df, "zh") is df
    # twice (a table, then its download) changes nothing more
    assert an.relabel_frame(out, "en").equals(out)
    nothing = pd.DataFrame({"agency": ["某某局"]})
    assert an.relabel_frame(nothing, "en") is nothing


def test_charts_relabelled_with_colours_and_legend_laid_out_again() -> None:
    df = pd.DataFrame({"agency": ["青川市商务局"] * 2 + ["东城区教育局"] * 2,
                       "year": [2020, 2021] * 2, "value": [1.0, 2.0, 3.0, 4.0]})
    colors = {"青川市商务局": "#111111", "东城区教育局": "#222222"}
    chart = ch.line_chart(df, unit="件", lang="en", colors=colors)
    mapping = an.labels(df["agency"], "en")
    out = ch.relabel(chart, mapping)
    assert set(out.data["series"]) == {"Qingchuan City Commerce Bureau", "Dongcheng District Education Bureau"}
    assert out.rows("Qingchuan City Commerce Bureau")["y"].tolist() == [1.0, 2.0]

    def colour(c: ch.Chart) -> dict:
        found: list[dict] = []

        def walk(node: object) -> None:
            if isinstance(node, dict):
                if isinstance(node.get("color"), dict) and "scale" in node["color"]:
                    found.append(node["color"])
                for v in node.values():
                    walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)
        walk(c.spec)
        return found[0]

    before, after = colour(chart), colour(out)
    pairs = dict(zip(after["scale"]["domain"], after["scale"]["range"]))
    assert pairs["Qingchuan City Commerce Bureau"] == "#111111"
    assert pairs["Dongcheng District Education Bureau"] == "#222222"
    # long English labels: fewer legend columns than for the short Chinese names
    assert after["legend"]["columns"] <= before["legend"]["columns"]
    assert after["legend"]["labelLimit"] >= ch._text_px("Dongcheng District Education Bureau") or \
        after["legend"]["columns"] == 1
    assert "青川市商务局" not in str(out.spec)
    assert ch.relabel(chart, {}) is chart
