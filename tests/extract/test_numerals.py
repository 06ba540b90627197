"""Numbers, units and dates as Chinese reports print them."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from etl.extract.numerals import (
    Quantity,
    chinese_to_int,
    find_dates,
    parse_date,
    parse_number,
    parse_quantity,
    parse_year,
    to_halfwidth,
)


@pytest.mark.parametrize(
    "text, value",
    [
        ("三十一", 31), ("十", 10), ("十五", 15), ("二十", 20), ("一百零五", 105), ("两千零八", 2008),
        ("三万五千", 35000), ("一亿二千万", 120_000_000), ("二〇〇九", 2009), ("二OO八", 2008),
        ("二○一一", 2011), ("五", 5), ("零", 0),
    ],
)
def test_chinese_to_int(text: str, value: int) -> None:
    assert chinese_to_int(text) == value


def test_chinese_to_int_rejects_other_text() -> None:
    with pytest.raises(ValueError):
        chinese_to_int("三件")
    with pytest.raises(ValueError):
        chinese_to_int("")


@pytest.mark.parametrize(
    "text, value",
    [
        ("1,234", 1234), ("１２３", 123), ("１，２３４．５", 1234.5), ("68.52万", 685200), ("2.5亿", 2.5e8),
        ("无", 0), ("三十一", 31), ("5500余", 5500), ("约300", 300), ("10.78%", 10.78), ("0", 0),
    ],
)
def test_parse_number(text: str, value: float) -> None:
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "XX", "若干", "3件"])
def test_parse_number_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


@pytest.mark.parametrize(
    "text, q",
    [
        ("5500余条", Quantity(5500, "count", True)),
        ("7400万美元", Quantity(74_000_000, "usd")),
        ("35000万美元", Quantity(350_000_000, "usd")),
        ("68.52万元", Quantity(685_200, "cny")),
        ("3940元", Quantity(3940, "cny")),
        ("1.2亿元", Quantity(120_000_000, "cny")),
        ("10.78%", Quantity(10.78, "pct")),
        ("102.50％", Quantity(102.5, "pct")),
        ("31家", Quantity(31, "count")),
        ("2万余份", Quantity(20_000, "count", True)),
        ("约300人次", Quantity(300, "count", True)),
        ("近百", Quantity(100, "count", True)),
        ("若干件", None),
        ("无", Quantity(0, "count")),
    ],
)
def test_parse_quantity(text: str, q: Quantity | None) -> None:
    if q is None:
        with pytest.raises(ValueError):
            parse_quantity(text)
        return
    got = parse_quantity(text)
    assert got.unit == q.unit and got.approx == q.approx
    assert got.value == pytest.approx(q.value)


@pytest.mark.parametrize(
    "text, iso",
    [
        ("二00九年一月十九日", "2009-01-19"),
        ("二〇〇九年一月十九日", "2009-01-19"),
        ("二○一一年十二月三十一日", "2011-12-31"),
        ("二OO八年12月1日", "2008-12-01"),
        ("2019年3月5日", "2019-03-05"),
        ("２０２０年１０月２号", "2020-10-02"),
        ("二00七年十二月", None),  # no day: not a full date
        ("2019年13月5日", None),
        ("没有日期", None),
    ],
)
def test_parse_date(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


def test_find_dates_keeps_year_without_day() -> None:
    found = find_dates("芗城区对外贸易经济合作局\n二00七年十二月")
    assert found == [(13, None, 2007)]


@pytest.mark.parametrize("text, year", [("2009", 2009), ("二00九", 2009), ("二OO八", 2008), ("XXXX", None), ("1234", None)])
def test_parse_year(text: str, year: int | None) -> None:
    assert parse_year(text) == year


def test_to_halfwidth_only_numbers() -> None:
    assert to_halfwidth("１２３，４５６．７％甲") == "123,456.7%甲"


@given(st.integers(min_value=0, max_value=99_999_999))
def test_arabic_with_thousands_separators_roundtrip(n: int) -> None:
    assert parse_number(f"{n:,}") == n
    assert parse_number(f"{n:,}".translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})) == n


def _to_chinese(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n == 0:
        return "零"
    out = ""
    units = [(1000, "千"), (100, "百"), (10, "十"), (1, "")]
    zero = False
    for value, name in units:
        d = n // value % 10
        if d:
            if zero and out:
                out += "零"
            out += digits[d] + name
            zero = False
        elif out:
            zero = True
    return out


@given(st.integers(min_value=0, max_value=9999))
def test_chinese_numerals_roundtrip(n: int) -> None:
    assert chinese_to_int(_to_chinese(n)) == n
