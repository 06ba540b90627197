"""etl.present.urlstate: a shared link's query string ↔ Filters, including bad input."""
from __future__ import annotations

from urllib.parse import parse_qsl

from hypothesis import given, settings
from hypothesis import strategies as st

from etl.present.urlstate import (
    Filters,
    build_url,
    parse,
    serialise,
    to_dict,
    to_int,
    to_query_string,
)


def test_parse_common_filters_and_page_params() -> None:
    f = parse({"agency": ["甲市商务局", "丙市教育局"], "year_from": "2019", "year_to": "2022",
               "lang": "en", "metric": "requests.received", "rule": ["a", "b"]})
    assert f.agencies == ("甲市商务局", "丙市教育局")
    assert (f.year_from, f.year_to, f.lang) == (2019, 2022, "en")
    assert f.get("metric") == "requests.received"
    assert f.get_all("rule") == ("a", "b")
    assert f.errors == ()


def test_defaults_when_empty() -> None:
    f = parse({})
    assert f == Filters()
    assert to_query_string(f) == ""


def test_invalid_values_become_errors_not_exceptions() -> None:
    f = parse({"year_from": "zz", "year_to": "1e3", "lang": "fr", "report": "abc"})
    assert f.year_from is None and f.year_to is None and f.lang == "zh"
    assert ("year_from", "zz") in f.errors
    assert ("year_to", "1e3") in f.errors
    assert ("lang", "fr") in f.errors
    # page parameters are kept raw; the page validates them
    assert f.get("report") == "abc" and f.get_int("report") is None


def test_out_of_range_year_is_an_error() -> None:
    f = parse({"year_from": "20199"})
    assert f.year_from is None and f.errors == (("year_from", "20199"),)


def test_reversed_years_are_swapped() -> None:
    f = parse({"year_from": "2023", "year_to": "2018"})
    assert (f.year_from, f.year_to) == (2018, 2023)


def test_duplicate_agencies_kept_once_in_order() -> None:
    f = parse({"agency": ["B", "A", "B", " "]})
    assert f.agencies == ("B", "A")


def test_serialise_omits_defaults_and_keeps_order() -> None:
    f = Filters(agencies=("甲", "乙"), year_from=2019, lang="zh", params={"metric": ("x",)})
    assert serialise(f) == [("agency", "甲"), ("agency", "乙"), ("year_from", "2019"),
                            ("metric", "x")]
    assert to_dict(f, include_params=False) == {"agency": ["甲", "乙"], "year_from": ["2019"]}


def test_query_string_is_percent_encoded_utf8() -> None:
    qs = to_query_string(Filters(agencies=("甲市商务局",), lang="en"))
    assert qs == "agency=%E7%94%B2%E5%B8%82%E5%95%86%E5%8A%A1%E5%B1%80&lang=en"


def test_build_url() -> None:
    f = Filters(agencies=("A",), year_to=2020)
    assert build_url("http://host:8501", "report", f.with_params(report="3")) == \
        "http://host:8501/report?agency=A&year_to=2020&report=3"
    assert build_url(None, "", Filters()) == "/"
    assert build_url("http://h/", "", f) == "http://h/?agency=A&year_to=2020"


def test_with_params_and_common() -> None:
    f = Filters(agencies=("A",)).with_params(report="5", rule=["r1", "r2"])
    assert f.get_all("rule") == ("r1", "r2")
    assert f.with_params(report=None).get("report") is None
    assert f.common().params == {}


def test_to_int() -> None:
    assert to_int("42") == 42 and to_int(" 7 ") == 7 and to_int("-3") == -3
    for bad in (None, "", "abc", "1.5", "1e3", "４２", "--1"):
        assert to_int(bad) is None


names = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1,
                max_size=12).map(str.strip).filter(bool)


@settings(max_examples=150, deadline=None)
@given(
    agencies=st.lists(names, max_size=4, unique=True),
    y0=st.none() | st.integers(1990, 2100),
    y1=st.none() | st.integers(1990, 2100),
    lang=st.sampled_from(["zh", "en"]),
    metric=st.none() | names,
)
def test_round_trip_through_query_string(agencies, y0, y1, lang, metric) -> None:
    if y0 is not None and y1 is not None and y0 > y1:
        y0, y1 = y1, y0
    f = Filters(tuple(agencies), y0, y1, lang).with_params(metric=metric)
    pairs = parse_qsl(to_query_string(f), keep_blank_values=True)
    multi: dict[str, list[str]] = {}
    for k, v in pairs:
        multi.setdefault(k, []).append(v)
    back = parse(multi)
    assert back.agencies == f.agencies
    assert (back.year_from, back.year_to, back.lang) == (y0, y1, lang)
    assert back.get("metric") == metric
    assert back.errors == ()


# --- etl.present.i18n: the language half of a view (lang=zh|en) -------------------------------------

def test_strings_in_both_languages() -> None:
    from etl.present import i18n

    assert i18n.t("agencies", "zh") == "机构" and i18n.t("agencies", "en") == "Agencies"
    assert i18n.t("agencies", "fr") == "机构"  # unknown language → Chinese
    assert i18n.t("no.such.key", "en") == "no.such.key"  # visible, never a crash
    assert i18n.t("invalid_param", "en", param="year_from", value="zz") == \
        "Invalid link parameter ignored: year_from=zz"
    assert all(zh and en for zh, en in i18n.STRINGS.values())


def test_register_adds_but_never_overwrites() -> None:
    from etl.present import i18n

    i18n.register({"agencies": ("X", "Y"), "test_only_key": ("测试", "test")})
    assert i18n.t("agencies", "en") == "Agencies"
    assert i18n.t("test_only_key", "en") == "test" and i18n.t("test_only_key") == "测试"


def test_metric_and_breakdown_labels() -> None:
    from etl.present import i18n

    assert i18n.metric_label("requests.received", "zh") == "本年新收政府信息公开申请数量"
    assert i18n.metric_label("requests.received", "en") == "New requests received this year"
    assert i18n.metric_label("x.unknown", "en") == "x.unknown"
    assert i18n.breakdown_label("natural_person", "zh") == "自然人"
    assert i18n.breakdown_label("", "en") == "Total"
    assert i18n.breakdown_label("行政执法", "en") == "行政执法"
    assert i18n.kind_label("work_summary", "en") == "Work summary"
    assert i18n.kind_label(None, "zh") == "未知"


def test_agency_colours_stable_and_distinct() -> None:
    from etl.present import i18n

    names = [f"机构{i}" for i in range(len(i18n.PALETTE))]
    a = i18n.agency_colors(names)
    b = i18n.agency_colors(list(reversed(names)))
    assert a == b  # order of the selection does not matter
    assert len(set(a.values())) == len(names)  # no two selected agencies share a colour
    assert i18n.agency_color("甲市商务局") == i18n.agency_color("甲市商务局")
    assert all(c in i18n.PALETTE for c in a.values())
    # up to ten agencies draw only from the ten most distinct colours
    few = i18n.agency_colors(names[:10])
    assert set(few.values()) == set(i18n.PALETTE[:10])
