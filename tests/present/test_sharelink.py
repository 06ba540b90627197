"""The readable share link (etl/present/sharelink.py): decoded where the meaning is kept."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from etl.present import urlstate
from etl.present.sharelink import readable_url
from etl.present.urlstate import Filters


def test_chinese_names_decoded_and_the_link_means_the_same() -> None:
    f = urlstate.parse({"agency": ["甲市商务局", "丙市丁县人民政府"], "year_from": ["2019"],
                        "lang": ["en"]})
    url = urlstate.build_url("http://host:8501", "agency", f)
    assert "%E7%94%B2" in url
    got = readable_url(url)
    assert got == "http://host:8501/agency?agency=甲市商务局&agency=丙市丁县人民政府&year_from=2019&lang=en"
    assert parse_qs(urlsplit(got).query) == parse_qs(urlsplit(url).query)


def test_reserved_and_invisible_characters_stay_encoded() -> None:
    name = "A&B=C #1+2 % 甲\u200b"
    url = urlstate.build_url("", "report", Filters().with_params(note=name))
    got = readable_url(url)
    assert "甲" in got
    for kept in ("%26", "%3D", "%23", "%2B", "%25", "%E2%80%8B"):
        assert kept in got, (kept, got)
    assert parse_qs(urlsplit(got).query) == parse_qs(urlsplit(url).query)
    # not valid UTF-8: left as it is
    assert readable_url("/x?a=%E7%94&b=%FF") == "/x?a=%E7%94&b=%FF"
    assert readable_url("") == ""
