"""Within-report identities and across-year checks: numbers kept as printed, findings named."""
from __future__ import annotations

from etl.extract.checks import check_across_years, check_report
from etl.extract.forms import parse_forms
from etl.extract.formlabels import APPLICANT_ORDER, T3_ROWS_2019, T3_ROWS_2021
from etl.model import Document, Fact, Report, Segment, Table
from tests.extract.test_forms import t3_grid, t3_values


def report_from(values: dict[str, list], form: str = "2021", extra: list[Fact] | None = None) -> Report:
    order = T3_ROWS_2021 if form == "2021" else T3_ROWS_2019
    facts = [Fact(m, None if v is None else float(v), k) for m in order
             for k, v in zip(APPLICANT_ORDER, values[m])]
    return Report(source="x", position=1, title="t", agency="a", printed_agency="a", year=2022,
                  kind="disclosure_report", form=form, facts=facts + (extra or []))


def rules(findings):
    return sorted(f.rule for f in findings)


def test_consistent_reports_have_no_findings():
    assert check_report(report_from(t3_values("2021", 1))) == []
    assert check_report(report_from(t3_values("2019", 2), "2019")) == []


def test_printed_total_contradicting_parts_is_kept_and_flagged():
    vals = t3_values("2021", 3)
    vals["requests.processed_total"][0] += 4  # 自然人 总计 printed 4 too high
    grid = t3_grid(vals)
    seg = Segment(1, "t", "", 0, [Table(rows=grid)])
    facts, form, _ = parse_forms(seg, Document("x", "html", "", tables=seg.tables))
    rep = Report("x", 1, "t", None, None, 2022, "disclosure_report", form, facts=facts)
    assert rep.fact("requests.processed_total", "natural_person").value == vals["requests.processed_total"][0]
    found = check_report(rep)
    assert rules(found) == ["t3_applicants_sum", "t3_balance", "t3_outcomes_sum"]
    bal = next(f for f in found if f.rule == "t3_balance")
    assert bal.severity == "error" and "自然人" in bal.message
    assert "requests.processed_total[natural_person]" in bal.cells
    out = next(f for f in found if f.rule == "t3_outcomes_sum")
    assert str(vals["requests.processed_total"][0]) in out.message


def test_applicant_sum_error_names_the_row():
    vals = t3_values("2021", 4)
    vals["requests.granted"][6] += 1
    found = check_report(report_from(vals))
    assert rules(found) == ["t3_applicants_sum", "t3_outcomes_sum"]
    f = next(f for f in found if f.rule == "t3_applicants_sum")
    assert f.cells[0] == "requests.granted" and "granted" in f.message


def test_blank_cells_skip_checks():
    vals = t3_values("2021", 5)
    vals["requests.processed_total"][0] += 4
    vals["requests.processed_total"][0] = None
    vals["requests.granted"][0] = None
    assert check_report(report_from(vals)) == []


def test_printed_subtotal_checked_against_its_items():
    vals = t3_values("2021", 6)
    denied = [sum(vals[m][c] for m in vals if m.startswith("requests.denied_")) for c in range(7)]
    denied[2] += 1
    extra = [Fact("requests.denied", float(v), k) for k, v in zip(APPLICANT_ORDER, denied)]
    found = check_report(report_from(vals, extra=extra))
    sub = [f for f in found if f.rule == "t3_subtotal"]
    assert len(sub) == 1 and "requests.denied[research]" in sub[0].cells
    # the subtotal does not enter the outcomes sum
    assert not [f for f in found if f.rule == "t3_outcomes_sum"]


def test_t4_sum():
    facts = [Fact(f"appeals.review_{k}", v) for k, v in
             (("upheld", 3.0), ("corrected", 1.0), ("other", 0.0), ("pending", 1.0), ("total", 6.0))]
    facts += [Fact(f"appeals.suit_direct_{k}", v) for k, v in
              (("upheld", 1.0), ("corrected", None), ("other", 0.0), ("pending", 0.0), ("total", 9.0))]
    rep = Report("x", 1, "t", None, None, 2022, "disclosure_report", "2021", facts=facts)
    found = check_report(rep)
    assert rules(found) == ["t4_sum"]
    assert found[0].cells[0] == "appeals.review_total" and "5" in found[0].message and "6" in found[0].message


def test_missing_optional_row_of_2019_variant_still_checks():
    vals = t3_values("2019", 7)
    rep = report_from(vals, "2019")
    rep.facts = [f for f in rep.facts if f.metric != "requests.rejected_confirm"]
    # the removed row changes the sum only if it was non-zero
    expect_error = any(v for v in vals["requests.rejected_confirm"])
    got = [f.rule for f in check_report(rep)]
    assert ("t3_outcomes_sum" in got) == expect_error


def test_across_years():
    prev = {("requests.carried_over_out", ""): 3.0, ("requests.carried_over_out", "natural_person"): 2.0,
            ("disclosure.normative_docs_in_force", ""): 40.0, ("disclosure.regulations_in_force", ""): 10.0,
            ("requests.received", ""): 20.0, ("appeals.review_total", ""): 5.0,
            ("disclosure.licensing_decisions", ""): 1000.0}
    cur = {("requests.carried_over_in", ""): 3.0, ("requests.carried_over_in", "natural_person"): 1.0,
           ("disclosure.normative_docs_made", ""): 5.0, ("disclosure.normative_docs_repealed", ""): 2.0,
           ("disclosure.normative_docs_in_force", ""): 44.0,
           ("disclosure.regulations_made", ""): 1.0, ("disclosure.regulations_repealed", ""): 0.0,
           ("disclosure.regulations_in_force", ""): 11.0,
           ("requests.received", ""): 150.0, ("appeals.review_total", ""): 8.0,
           ("disclosure.licensing_decisions", ""): 90.0}
    found = check_across_years(prev, cur, 2021, 2022)
    assert rules(found) == ["carry_over_mismatch", "implausible_jump", "implausible_jump", "in_force_mismatch"]
    carry = next(f for f in found if f.rule == "carry_over_mismatch")
    assert "自然人" in carry.message and carry.severity == "warning"
    inf = next(f for f in found if f.rule == "in_force_mismatch")
    assert "43" in inf.message and "44" in inf.message
    jumps = {f.cells[0]: f.severity for f in found if f.rule == "implausible_jump"}
    assert jumps == {"2021:requests.received": "info", "2021:disclosure.licensing_decisions": "warning"}
    assert check_across_years(prev, cur, 2019, 2022) == []


def test_across_years_small_numbers_and_blanks_ignored():
    prev = {("requests.received", ""): 1.0, ("requests.carried_over_out", ""): None}
    cur = {("requests.received", ""): 9.0, ("requests.carried_over_in", ""): 2.0}
    assert check_across_years(prev, cur, 2022, 2023) == []


def test_approximate_numbers_do_not_enter_identities():
    rep = Report("x", 1, "t", None, None, 2022, "disclosure_report", "narrative", facts=[
        Fact("requests.received", 100.0, approx=True), Fact("requests.carried_over_in", 0.0),
        Fact("requests.processed_total", 90.0), Fact("requests.carried_over_out", 0.0)])
    assert check_report(rep) == []
    rep.facts[0].approx = False
    assert rules(check_report(rep)) == ["t3_balance"]
