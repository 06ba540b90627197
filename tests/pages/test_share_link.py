"""The sidebar's share link is shown decoded (pages/_ui/links.py → etl/present/sharelink.py)."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.helpers.pages import run_page


def test_share_link_is_shown_decoded(small_db_env) -> None:
    at = run_page("quality", agency=["甲市商务局", "丙市丁县人民政府"], year_from="2021", lang="en")
    link = at.code[0].value
    assert link.startswith("/quality?") and "%" not in link
    assert parse_qs(urlsplit(link).query) == {
        "agency": ["甲市商务局", "丙市丁县人民政府"], "year_from": ["2021"], "lang": ["en"]}


def test_profile_links_built_once_equal_each_link_built_alone() -> None:
    from etl.present.urlstate import Filters
    from pages._ui.links import profile_link, profile_links

    names = ["甲市商务局", "A&B 局", "x/y?z=1", "50% 局", "甲市商务局", ""]
    for f in (Filters(), Filters(("乙局",), 2019, 2022, "en", {"metric": ("requests.received",)})):
        assert profile_links(names, f) == [profile_link(n, f) for n in names]


def test_report_links_built_once_equal_each_link_built_alone() -> None:
    from etl.present.urlstate import Filters
    from pages._ui.links import report_link, report_links

    ids = [1, 42, 1, 9_999_999]
    for f in (Filters(), Filters(("乙局", "A&B 局"), 2019, 2022, "en", {"metric": ("x",)}),
              Filters((), None, 2020)):
        assert report_links(ids, f) == [report_link(i, f) for i in ids]
    assert report_links([], Filters()) == []
