"""Consistency checks: the identities a standard-form report must satisfy.

Checks never change a number: a printed total that contradicts its parts stays as printed and
becomes a finding naming the cells and the numbers, so a supervisor can see the source error.
An equality is not checked when a cell it needs is blank or absent — a blank is "not stated",
not zero — but counts are never negative, so printed parts that already exceed a printed total
are reported even with blank cells among them.
"""
from __future__ import annotations

from typing import Mapping

from etl.model import Finding, Report

APPLICANT_KEYS: tuple[str, ...] = (
    "natural_person", "commercial", "research", "public_welfare", "legal_services", "other_org",
)
COLUMNS: tuple[str, ...] = APPLICANT_KEYS + ("",)
COL_ZH = {"": "总计", "natural_person": "自然人", "commercial": "商业企业", "research": "科研机构",
          "public_welfare": "社会公益组织", "legal_services": "法律服务机构", "other_org": "其他"}

DENIED = tuple(f"requests.denied_{k}" for k in (
    "state_secret", "prohibited_by_law", "security_stability", "third_party", "internal_affairs",
    "process_info", "enforcement_files", "query_matters"))
UNABLE = ("requests.unable_not_held", "requests.unable_needs_creation", "requests.unable_unclear")
REJECTED = ("requests.rejected_petition", "requests.rejected_repeat", "requests.rejected_publication",
            "requests.rejected_excessive", "requests.rejected_confirm")
OTHER = ("requests.other_no_correction", "requests.other_fee_unpaid", "requests.other_other")
# rows some 2019-form versions leave out; absent (not blank) means "not on this form"
OPTIONAL_ROWS = frozenset({"requests.rejected_confirm", "requests.rejected_excessive"})
SUBTOTALS = (("requests.denied", DENIED), ("requests.unable", UNABLE),
             ("requests.rejected", REJECTED), ("requests.other_handling", OTHER))
T3_METRICS = (("requests.received", "requests.carried_over_in", "requests.granted",
               "requests.partially_granted") + DENIED + UNABLE + REJECTED + OTHER
              + ("requests.denied", "requests.unable", "requests.rejected", "requests.other_handling",
                 "requests.processed_total", "requests.carried_over_out"))
T4_GROUPS = {"review": "行政复议", "suit_direct": "行政诉讼 未经复议直接起诉",
             "suit_after_review": "行政诉讼 复议后起诉"}

#: Rules of :func:`check_across_years` (the loader recomputes them when a neighbour year loads).
ACROSS_YEAR_RULES: tuple[str, ...] = ("carry_over_mismatch", "in_force_mismatch", "implausible_jump")

JUMP_METRICS: tuple[str, ...] = (
    "disclosure.items", "requests.received", "requests.processed_total", "appeals.review_total",
    "appeals.suit_direct_total", "appeals.suit_after_review_total", "appeals.suit_total",
    "disclosure.licensing_decisions", "disclosure.penalty_decisions",
    "disclosure.coercion_decisions", "disclosure.normative_docs_in_force",
)

_EPS = 1e-6

Values = Mapping[tuple[str, str], "float | None"]


def cell(metric: str, breakdown: str = "") -> str:
    """The cell name used in findings: ``metric[breakdown]`` (``metric`` for totals)."""
    return f"{metric}[{breakdown}]" if breakdown else metric


def _n(x: float) -> str:
    return f"{x:g}"


def _get(values: Values, metric: str, b: str) -> float | None:
    v = values.get((metric, b))
    return None if v is None else float(v)


def _all(values: Values, metrics: tuple[str, ...] | list[str], b: str) -> list[float] | None:
    """The values of all ``metrics`` in column ``b``, or None when one is absent or blank."""
    out: list[float] = []
    for m in metrics:
        v = _get(values, m, b)
        if v is None:
            return None
        out.append(v)
    return out


def _lower(values: Values, metrics: tuple[str, ...] | list[str], b: str) -> tuple[float, int] | None:
    """(sum of the printed numbers, count of blank cells) of ``metrics`` in column ``b``;
    None when a cell is absent (a row not on this report's form)."""
    total, blanks = 0.0, 0
    for m in metrics:
        if (m, b) not in values:
            return None
        v = values[(m, b)]
        if v is None:
            blanks += 1
        else:
            total += float(v)
    return total, blanks


def _exceeds(values: Values, parts: tuple[str, ...] | list[str], b: str, total: float) -> float | None:
    """The printed parts' sum when it already exceeds ``total`` although some parts are blank.

    Counts are never negative, so whatever a blank cell stands for, parts that already sum to
    more than the printed total contradict it: that is certain, unlike equality with blanks.
    """
    low = _lower(values, parts, b)
    if low is None or low[1] == 0:
        return None
    return low[0] if low[0] > total + _EPS else None


def report_values(report: Report) -> dict[tuple[str, str], float | None]:
    """(metric, breakdown) → value of a report (None for blank cells).

    Approximate numbers ("5500余条") are left out: an identity cannot fail on them.
    """
    return {f.key: f.value for f in report.facts if not f.approx}


def check_report(report: Report) -> list[Finding]:
    """Within-report identities of 表三 and 表四 (errors when a printed number contradicts)."""
    values = report_values(report)
    findings: list[Finding] = []
    findings += _t3_balance(values)
    findings += _t3_outcomes(values)
    findings += _t3_subtotals(values)
    findings += _t3_applicants(values)
    findings += _t4_sums(values)
    return findings


def _t3_balance(values: Values) -> list[Finding]:
    out: list[Finding] = []
    ms = ("requests.received", "requests.carried_over_in", "requests.processed_total",
          "requests.carried_over_out")
    for b in COLUMNS:
        got = _all(values, ms, b)
        if got is None:
            left, right = _all(values, ms[:2], b), _all(values, ms[2:], b)
            for known, other, words in ((left, ms[2:], "总计 + 结转下年度"), (right, ms[:2], "新收 + 上年结转")):
                if known is None:
                    continue
                over = _exceeds(values, other, b, sum(known))
                if over is not None:
                    out.append(Finding(
                        "t3_balance", "error",
                        f"表三 column {COL_ZH[b]}: {words} is at least {_n(over)} (blank cells aside), "
                        f"more than the other side's {_n(sum(known))}",
                        [cell(m, b) for m in ms],
                    ))
            continue
        rec, cin, tot, cout = got
        if abs((rec + cin) - (tot + cout)) > _EPS:
            out.append(Finding(
                "t3_balance", "error",
                f"表三 column {COL_ZH[b]}: 新收 {_n(rec)} + 上年结转 {_n(cin)} = {_n(rec + cin)}, but "
                f"总计 {_n(tot)} + 结转下年度 {_n(cout)} = {_n(tot + cout)}",
                [cell(m, b) for m in ms],
            ))
    return out


def _outcome_parts(values: Values, b: str) -> list[str] | None:
    """The outcome rows this report printed for column ``b`` (detail rows, not subtotals)."""
    parts = ["requests.granted", "requests.partially_granted"]
    for sub, group in SUBTOTALS[:3]:
        if not any((m, b) in values for m in group) and (sub, b) in values:
            parts.append(sub)  # only the subtotal was printed
            continue
        for m in group:
            if (m, b) not in values and m in OPTIONAL_ROWS:
                continue
            parts.append(m)
    if any((m, b) in values for m in OTHER):
        parts += list(OTHER)
    else:
        parts.append("requests.other_handling")
    return parts


#: the same readings of a report's values, for the form parser to judge a placement with
get_value, all_values, outcome_parts = _get, _all, _outcome_parts


def t3_errors(values: Values) -> list[Finding]:
    """Every 表三 identity that fails on ``values`` (balance, outcome sums, subtotals, applicant
    sums): the form parser asks it whether a placement of a row's numbers keeps the table whole,
    with the same identities the report is later checked against."""
    return _t3_balance(values) + _t3_outcomes(values) + _t3_subtotals(values) + _t3_applicants(values)


def _t3_outcomes(values: Values) -> list[Finding]:
    out: list[Finding] = []
    for b in COLUMNS:
        total = _get(values, "requests.processed_total", b)
        if total is None:
            continue
        parts = _outcome_parts(values, b)
        if parts is None:
            continue
        got = _all(values, parts, b)
        if got is None:
            over = _exceeds(values, parts, b, total)
            if over is not None:
                out.append(Finding(
                    "t3_outcomes_sum", "error",
                    f"表三 column {COL_ZH[b]}: the printed outcome rows already sum to {_n(over)} "
                    f"(blank cells aside), more than 总计 {_n(total)}",
                    [cell("requests.processed_total", b)] + [cell(m, b) for m in parts],
                ))
            continue
        s = sum(got)
        if abs(s - total) > _EPS:
            out.append(Finding(
                "t3_outcomes_sum", "error",
                f"表三 column {COL_ZH[b]}: the outcome rows sum to {_n(s)}, but 总计 is printed as {_n(total)}",
                [cell("requests.processed_total", b)] + [cell(m, b) for m in parts],
            ))
    return out


def _t3_subtotals(values: Values) -> list[Finding]:
    out: list[Finding] = []
    for sub, parts in SUBTOTALS:
        for b in COLUMNS:
            printed = _get(values, sub, b)
            if printed is None:
                continue
            present = [m for m in parts if (m, b) in values]
            if not present or (sub == "requests.other_handling" and len(present) < len(parts)):
                continue
            if any(m not in present and m not in OPTIONAL_ROWS for m in parts):
                continue
            got = _all(values, present, b)
            if got is None:
                continue
            if abs(sum(got) - printed) > _EPS:
                out.append(Finding(
                    "t3_subtotal", "error",
                    f"表三 column {COL_ZH[b]}: {sub.split('.')[1]} is printed as {_n(printed)}, "
                    f"its items sum to {_n(sum(got))}",
                    [cell(sub, b)] + [cell(m, b) for m in present],
                ))
    return out


def _t3_applicants(values: Values) -> list[Finding]:
    out: list[Finding] = []
    for m in T3_METRICS:
        total = _get(values, m, "")
        if total is None:
            continue
        got = _all_row(values, m)
        if got is None:
            over = _row_exceeds(values, m, total)
            if over is not None:
                out.append(Finding(
                    "t3_applicants_sum", "error",
                    f"表三 row {m.split('.')[1]}: the printed applicant columns already sum to {_n(over)} "
                    f"(blank cells aside), more than 总计 {_n(total)}",
                    [cell(m)] + [cell(m, b) for b in APPLICANT_KEYS],
                ))
            continue
        s = sum(got)
        if abs(s - total) > _EPS:
            out.append(Finding(
                "t3_applicants_sum", "error",
                f"表三 row {m.split('.')[1]}: the six applicant columns sum to {_n(s)}, "
                f"but 总计 is printed as {_n(total)}",
                [cell(m)] + [cell(m, b) for b in APPLICANT_KEYS],
            ))
    return out


def _row_exceeds(values: Values, metric: str, total: float) -> float | None:
    """Like :func:`_exceeds` across the six applicant columns of one row."""
    known, blanks = 0.0, 0
    for b in APPLICANT_KEYS:
        if (metric, b) not in values:
            return None
        v = values[(metric, b)]
        if v is None:
            blanks += 1
        else:
            known += float(v)
    return known if blanks and known > total + _EPS else None


def _all_row(values: Values, metric: str) -> list[float] | None:
    out: list[float] = []
    for b in APPLICANT_KEYS:
        v = _get(values, metric, b)
        if v is None:
            return None
        out.append(v)
    return out


def _t4_sums(values: Values) -> list[Finding]:
    out: list[Finding] = []
    for g, zh in T4_GROUPS.items():
        parts = [f"appeals.{g}_{k}" for k in ("upheld", "corrected", "other", "pending")]
        total = _get(values, f"appeals.{g}_total", "")
        got = _all(values, parts, "")
        if total is None:
            continue
        if got is None:
            over = _exceeds(values, parts, "", total)
            if over is not None:
                out.append(Finding(
                    "t4_sum", "error",
                    f"表四 {zh}: the printed results already sum to {_n(over)} (blank cells aside), "
                    f"more than 总计 {_n(total)}",
                    [cell(f"appeals.{g}_total")] + [cell(m) for m in parts],
                ))
            continue
        if abs(sum(got) - total) > _EPS:
            out.append(Finding(
                "t4_sum", "error",
                f"表四 {zh}: 结果维持 + 结果纠正 + 其他结果 + 尚未审结 = {_n(sum(got))}, "
                f"but 总计 is printed as {_n(total)}",
                [cell(f"appeals.{g}_total")] + [cell(m) for m in parts],
            ))
    return out


# --- across years ------------------------------------------------------------------------


def check_across_years(prev_facts: Values, cur_facts: Values, prev_year: int, cur_year: int
                       ) -> list[Finding]:
    """Identities between an agency's consecutive reports, reported on the later one.

    Last year's 结转下年度 must be this year's 上年结转 (per column); 现行有效 must equal last
    year's 现行有效 + 制发 − 废止; a main total more than 5× (or under a fifth of) last year's is
    flagged as implausible. Years that are not consecutive are not compared.
    """
    if cur_year - prev_year != 1:
        return []
    out: list[Finding] = []
    for b in COLUMNS:
        last = _get(prev_facts, "requests.carried_over_out", b)
        now = _get(cur_facts, "requests.carried_over_in", b)
        if last is None or now is None or abs(last - now) <= _EPS:
            continue
        out.append(Finding(
            "carry_over_mismatch", "warning",
            f"表三 column {COL_ZH[b]}: {prev_year} 结转下年度 {_n(last)} ≠ {cur_year} 上年结转 {_n(now)}",
            [f"{prev_year}:{cell('requests.carried_over_out', b)}",
             f"{cur_year}:{cell('requests.carried_over_in', b)}"],
        ))
    for kind, zh in (("regulations", "规章"), ("normative_docs", "行政规范性文件")):
        last = _get(prev_facts, f"disclosure.{kind}_in_force", "")
        made = _get(cur_facts, f"disclosure.{kind}_made", "")
        rep = _get(cur_facts, f"disclosure.{kind}_repealed", "")
        now = _get(cur_facts, f"disclosure.{kind}_in_force", "")
        if None in (last, made, rep, now):
            continue
        assert last is not None and made is not None and rep is not None and now is not None
        expect = last + made - rep
        if abs(expect - now) > _EPS:
            out.append(Finding(
                "in_force_mismatch", "warning",
                f"{zh} 现行有效: {prev_year} {_n(last)} + 制发 {_n(made)} − 废止 {_n(rep)} = "
                f"{_n(expect)}, but {cur_year} prints {_n(now)}",
                [f"{prev_year}:disclosure.{kind}_in_force", f"{cur_year}:disclosure.{kind}_made",
                 f"{cur_year}:disclosure.{kind}_repealed", f"{cur_year}:disclosure.{kind}_in_force"],
            ))
    for m in JUMP_METRICS:
        last = _get(prev_facts, m, "")
        now = _get(cur_facts, m, "")
        if last is None or now is None or max(abs(last), abs(now)) < 10:
            continue
        if last <= 0 or now <= 0:
            if max(last, now) >= 50 and min(last, now) == 0:
                out.append(Finding(
                    "implausible_jump", "info",
                    f"{m}: {prev_year} {_n(last)} → {cur_year} {_n(now)}",
                    [f"{prev_year}:{m}", f"{cur_year}:{m}"],
                ))
            continue
        ratio = now / last
        if ratio > 5 or ratio < 0.2:
            sev = "warning" if (ratio > 10 or ratio < 0.1) else "info"
            out.append(Finding(
                "implausible_jump", sev,
                f"{m}: {prev_year} {_n(last)} → {cur_year} {_n(now)} ({ratio:.2g}× last year)",
                [f"{prev_year}:{m}", f"{cur_year}:{m}"],
            ))
    return out
