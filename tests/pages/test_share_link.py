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
