"""Short tables as HTML (etl/present/html_table.py): Streamlit's column settings read, every
text escaped, blanks as "—"."""
from __future__ import annotations

import pandas as pd
import streamlit as st
from lxml import html as lhtml

from etl.present import html_table


def _cells(markup: str) -> tuple[list[str], list[list[str]], lhtml.HtmlElement]:
    doc = lhtml.fragment_fromstring(markup, create_parent="div")
    head = [th.text_content() for th in doc.xpath(".//th")]
    rows = [[td.text_content() for td in tr.xpath("./td")] for tr in doc.xpath(".//tbody/tr")]
    return head, rows, doc


def test_labels_links_formats_and_blanks() -> None:
    df = pd.DataFrame({
        "agency": ["甲<b>局</b>", None], "year": [2024, 2023], "rate": [12.3456, float("nan")],
        "link": ["/report?report=12&lang=en", ""], "open": ["/report?report=7", None],
        "hidden": ["x", "y"],
    })
    markup = html_table.table_html(df, {
        "agency": st.column_config.Column("机构"),
        "rate": st.column_config.NumberColumn("比率", format="%.1f%%"),
        "link": st.column_config.LinkColumn("报告", display_text=r"report=(\d+)"),
        "open": st.column_config.LinkColumn("打开", display_text="打开"),
        "hidden": None,
    }, column_order=["link", "agency", "year", "rate", "open", "hidden"])
    head, rows, doc = _cells(markup)
    assert head == ["报告", "机构", "year", "比率", "打开"]  # in the given order, hidden left out
    assert rows == [["12", "甲<b>局</b>", "2024", "12.3%", "打开"], ["—", "—", "2023", "—", "—"]]
    assert not doc.xpath(".//b")  # the name is text, not markup
    links = doc.xpath(".//a")
    assert [a.get("href") for a in links] == ["/report?report=12&lang=en", "/report?report=7"]
    assert doc.xpath(".//div[@class='gk-table']")[0].get("data-table") == html_table.table_key(df)


def test_integers_stay_plain_and_decimals_are_trimmed() -> None:
    df = pd.DataFrame({"n": [1234567, 3], "x": [0.5, 2.0]})
    _head, rows, _doc = _cells(html_table.table_html(df))
    assert rows == [["1234567", "0.5"], ["3", "2"]]


def test_a_matrix_keeps_its_colours_and_first_column() -> None:
    df = pd.DataFrame({"机构": ["甲局"], "2023": ["/report?report=3#按时"], "2024": [""]})
    styles = pd.DataFrame({"机构": [""], "2023": ["background-color: #e8f5e9"], "2024": ['"><b>']})
    markup = html_table.table_html(df, {"2023": st.column_config.LinkColumn("2023", display_text=r"#(.*)$")},
                                   cell_styles=styles, pin_first=True, max_height=300, blank="")
    _head, rows, doc = _cells(markup)
    assert rows == [["甲局", "按时", ""]]  # blank as the matrix's legend has it
    tds = doc.xpath(".//tbody//td")
    assert tds[0].get("style") is None and tds[1].get("style") == "background-color: #e8f5e9"
    assert tds[2].get("style") == '"><b>' and not doc.xpath(".//b")  # a style is an attribute only
    box = doc.xpath(".//div[contains(@class, 'gk-table')]")[0]
    assert box.get("class") == "gk-table gk-pin" and "max-height:300px" in box.get("style")
