"""The extraction pipeline: merging table and text, and withholding what cannot be checked."""
from __future__ import annotations

from etl.extract.pipeline import withhold_unchecked
from etl.model import Fact, Finding


def _fact(metric: str, value: float) -> Fact:
    return Fact(metric=metric, value=value, unit="count")


def test_text_numbers_of_an_unread_table_are_withheld() -> None:
    narrative = [_fact("requests.received", 75), _fact("disclosure.items", 100)]
    unread = [Finding("table_unreadable", "warning", "表三 (flattened text): 190 numbers; no facts stored")]
    kept, findings = withhold_unchecked(narrative, unread)
    assert [f.metric for f in kept] == ["disclosure.items"]
    assert findings[0].rule == "narrative_withheld" and "requests.received" in findings[0].cells


def test_a_form_report_whose_table4_gave_nothing_keeps_no_text_review_count() -> None:
    narrative = [_fact("appeals.review_total", 1), _fact("requests.received", 9)]
    table = [_fact("requests.received", 9)]
    kept, _ = withhold_unchecked(narrative, [], table, form_report=True)
    assert [f.metric for f in kept] == ["requests.received"]


def test_a_narrative_report_keeps_its_text_numbers() -> None:
    narrative = [_fact("appeals.review_total", 0), _fact("requests.received", 9)]
    kept, findings = withhold_unchecked(narrative, [], [], form_report=False)
    assert kept == narrative and findings == []


PICTURES = """<html><body><h1>江州市教育局2022年政府信息公开工作年度报告</h1>
<p>一、总体情况</p><p>2022年，我局主动公开政府信息356条，全年共收到政府信息公开申请12件。</p>
<p>二、主动公开政府信息情况</p><p><img src="t2.png"/></p>
<p>三、收到和处理政府信息公开申请情况</p><p><img src="t3.png"/></p>
<p>四、政府信息公开行政复议、行政诉讼情况</p><p><img src="t4.png"/></p>
<p>五、存在的主要问题及改进情况</p><p>一是公开不够全面。</p></body></html>"""


def test_tables_printed_as_pictures_get_a_finding_and_the_text_still_counts() -> None:
    from etl.extract.pipeline import extract_document
    from etl.read.dispatch import read_data

    report = extract_document(read_data(PICTURES.encode("utf-8"), "r.html"))[0]
    assert any(f.rule == "tables_as_images" and "3 image" in f.message for f in report.findings)
    values = {(f.metric, f.breakdown): f.value for f in report.facts}
    assert values[("disclosure.items", "")] == 356
    assert values[("requests.received", "")] == 12


def test_a_logo_above_the_report_is_no_table_picture() -> None:
    from etl.extract.pipeline import extract_document
    from etl.read.dispatch import read_data

    html = (PICTURES.replace('<p><img src="t2.png"/></p>', "").replace('<p><img src="t3.png"/></p>', "")
            .replace('<p><img src="t4.png"/></p>', "").replace("<h1>", '<p><img src="logo.png"/></p><h1>'))
    report = extract_document(read_data(html.encode("utf-8"), "r.html"))[0]
    assert not [f for f in report.findings if f.rule == "tables_as_images"]
    assert report.year == 2022
