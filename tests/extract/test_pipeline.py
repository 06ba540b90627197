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
