"""The demo: the city's registry, the corpus plan (realistic shape, deterministic) and a small
demo database built through the real loader."""
from __future__ import annotations

import collections
import hashlib
from pathlib import Path

import pytest

from etl.demo import corpus as demo
from etl.demo import fixtures as fx
from etl.demo.registry import AGENCIES, DISTRICTS, LEVELS, alias_map, by_name


def test_registry_shape() -> None:
    assert 35 <= len(AGENCIES) <= 45
    names = [a.name for a in AGENCIES]
    assert len(names) == len(set(names))
    assert {a.level for a in AGENCIES} == set(LEVELS)
    assert {a.region for a in AGENCIES if a.level != "市级"} == set(DISTRICTS)
    assert any(a.is_commerce and a.level == "市级" for a in AGENCIES)
    assert any(a.is_commerce and a.level == "区级" for a in AGENCIES)
    # no alias is shared by two agencies
    aliases = [al for a in AGENCIES for al in (a.name, *a.aliases)]
    assert len(aliases) == len(set(aliases))


def test_registry_aliases_resolve_by_the_agency_name_rules() -> None:
    from etl.extract.agencies import canonical_agency

    wrong = {n: canonical_agency(n) for n, c in alias_map().items() if canonical_agency(n) != c}
    assert wrong == {}


def test_plan_is_deterministic_and_subsets_match_the_full_corpus() -> None:
    a = demo.plan_corpus(["青川市教育局", "滨江区对外贸易经济合作局"], [2012, 2020, 2022])
    b = demo.plan_corpus(["青川市教育局", "滨江区对外贸易经济合作局"], [2012, 2020, 2022])
    assert [(p.name, hashlib.sha256(p.render()).hexdigest()) for p in a] == \
        [(p.name, hashlib.sha256(p.render()).hexdigest()) for p in b]
    full = {p.name: p for p in demo.plan_corpus()}
    for p in a:
        assert p.name in full
        assert p.spec.expected_facts() == full[p.name].spec.expected_facts()


def test_plan_has_a_realistic_shape() -> None:
    plan = demo.plan_corpus()
    assert 500 <= len(plan) <= 800
    fmts = collections.Counter(p.fmt for p in plan)
    assert 0 < fmts["pdf"] <= 0.05 * len(plan)
    assert {"txt", "md", "html", "html-gbk", "docx", "pdf"} <= set(fmts)
    years = {p.year for p in plan}
    assert min(years) == 2008 and max(years) == 2024
    for p in plan:
        if p.kind == "work_summary" or p.extra:
            assert by_name()[p.agency].is_commerce
        elif p.year < 2019:
            assert isinstance(p.spec, fx.NarrativeReport) and p.fmt in ("txt", "html", "html-gbk")
        else:
            assert isinstance(p.spec, fx.StandardReport)
    std = [p.spec for p in plan if isinstance(p.spec, fx.StandardReport)]
    assert any(s.form == "2019" and s.year >= 2023 for s in std)  # the old form lives on
    assert sum(s.expects_identity_error for s in std) == len(demo.SOURCE_ERRORS)
    assert sum(1 for p in plan if p.printed_agency) >= 10  # short names in some years
    # a few missing years: fewer reports than active agency-years
    active = sum(1 for a in AGENCIES for y in range(2008, 2025) if a.active(y))
    assert sum(1 for p in plan if p.extra) == len(demo.COMPILATIONS)
    reports = sum(1 for p in plan if p.kind == "disclosure_report")
    assert 0.9 * active <= reports < active
    # disclosure rates: most agencies grant most requests, some below 40 %
    rates = []
    for s in std:
        done = s.t3[("requests.processed_total", "")] or 0
        granted = (s.t3[("requests.granted", "")] or 0) + (s.t3[("requests.partially_granted", "")] or 0)
        if done >= 10:
            rates.append(granted / done)
    assert any(r < 0.4 for r in rates) and sum(r >= 0.4 for r in rates) > len(rates) / 2


def test_cross_year_chains_hold_in_the_demo() -> None:
    plan = [p for p in demo.plan_corpus(["青川市公安局"]) if isinstance(p.spec, fx.StandardReport)]
    by_year = {p.year: p.spec for p in plan}
    for y, s in by_year.items():
        prev = by_year.get(y - 1)
        if prev is None:
            continue
        assert s.t3[("requests.carried_over_in", "")] == prev.t3[("requests.carried_over_out", "")]
        if s.form == prev.form == "2021":
            assert s.t2["disclosure.normative_docs_in_force"] == (
                prev.t2["disclosure.normative_docs_in_force"]
                + s.t2["disclosure.normative_docs_made"] - s.t2["disclosure.normative_docs_repealed"])


def _kind(spec: object) -> str:
    return "work_summary" if isinstance(spec, fx.WorkSummary) else "disclosure_report"


def _subset() -> tuple[list[str], list[int]]:
    """A small subset holding a commerce agency and an agency printing a short name."""
    plan = demo.plan_corpus()
    short = next(p for p in plan if p.printed_agency and p.year >= 2019 and p.fmt in ("md", "html"))
    names = sorted({short.agency, "东城区对外贸易经济合作局"})
    return names, sorted({short.year, 2008, 2012, 2017, 2021})  # 2008: a compilation file


@pytest.fixture()
def demo_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[str], list[int]]:
    monkeypatch.setenv("GONGKAI_ARCHIVE", str(tmp_path / "archive"))
    monkeypatch.setenv("GONGKAI_DB", str(tmp_path / "demo.duckdb"))
    db = tmp_path / "demo.duckdb"
    names, years = _subset()
    calls = []
    demo.build_demo(db, agencies=names, years=years, progress=lambda *a: calls.append(a))
    assert calls, "progress is reported"
    done = [c[0] for c in calls]
    assert done == sorted(done) and calls[-1][0] == calls[-1][1]  # one bar, 0 → total
    return db, names, years


def test_build_demo_subset(demo_db) -> None:
    from etl.store import database as store

    db, names, years = demo_db
    plan = demo.plan_corpus(names, years)
    con = store.connect(db)
    try:
        got = con.execute(
            "SELECT a.name, r.year, r.kind, r.form FROM reports r JOIN agencies a USING (agency_id) "
            "ORDER BY 1, 2, 3").fetchall()
        want = sorted((part.agency, part.year, _kind(part), getattr(part, "form", None))
                      for p in plan for part in p.parts)
        assert [(a, y, k) for a, y, k, _ in got] == [(a, y, k) for a, y, k, _ in want]
        forms = {(a, y, k): f for a, y, k, f in got}
        for a, y, k, f in want:
            if k == "disclosure_report" and f != "narrative":
                assert forms[(a, y, k)] == f
        regs = dict(con.execute("SELECT name, region || '/' || level FROM agencies").fetchall())
        for n in names:
            a = by_name()[n]
            assert regs[n] == f"{a.region}/{a.level}"
        # every printed name of an agency resolves to that one agency
        for p in plan:
            if p.printed_agency:
                ids = con.execute(
                    "SELECT DISTINCT agency_id FROM agency_aliases WHERE alias IN (?, ?)",
                    [p.printed_agency, p.agency]).fetchall()
                assert len(ids) == 1
                rep = con.execute(
                    "SELECT count(*) FROM reports r JOIN agencies a USING (agency_id) "
                    "WHERE a.name = ? AND r.year = ? AND r.printed_agency IS NOT NULL",
                    [p.agency, p.year]).fetchone()
                assert rep[0] >= 1
        # the facts of one standard report arrive as generated (spot check of totals)
        std = next(p for p in plan if isinstance(p.spec, fx.StandardReport))
        exp = std.spec.expected_facts()
        rows = dict(con.execute(
            "SELECT f.metric_id || '|' || f.breakdown, f.value FROM facts f JOIN reports r USING "
            "(report_id) JOIN agencies a ON a.agency_id = r.agency_id WHERE a.name = ? AND r.year = ?"
            " AND r.kind = 'disclosure_report'", [std.agency, std.year]).fetchall())
        for key in [("requests.received", ""), ("requests.processed_total", ""),
                    ("appeals.review_total", "")]:
            assert rows.get("|".join(key)) == exp[key], key
        # and the whole subset is exactly what its files say
        assert demo.compare_with_plan(con, plan) == []
        ws = next(p for p in plan if p.kind == "work_summary")
        v = con.execute(
            "SELECT value FROM facts f JOIN agencies a ON a.agency_id = f.agency_id "
            "WHERE a.name = ? AND f.year = ? AND metric_id = 'investment.fdi_new_enterprises'",
            [ws.agency, ws.year]).fetchone()
        assert v is not None and v[0] == ws.spec.facts[("investment.fdi_new_enterprises", "")]
    finally:
        con.close()


def test_build_demo_is_skipped_when_the_database_has_reports(demo_db, tmp_path: Path) -> None:
    from etl.store import database as store

    db, names, years = demo_db
    con = store.connect(db)
    n = con.execute("SELECT count(*) FROM reports").fetchone()[0]
    con.close()
    calls = []
    demo.build_demo(db, agencies=names, years=years, progress=lambda *a: calls.append(a))
    assert calls == []  # nothing rebuilt
    demo.build_demo(db, agencies=names[:1], years=years[:1], force=True)
    con = store.connect(db)
    m = con.execute("SELECT count(DISTINCT agency_id) FROM reports").fetchone()[0]
    con.close()
    assert n > 0 and m == 1  # force rebuilt from scratch with the smaller subset


def test_demo_reports_with_problems_are_flagged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The few deliberate problems of the demo show up as findings of their reports."""
    from etl.store import database as store

    monkeypatch.setenv("GONGKAI_ARCHIVE", str(tmp_path / "archive"))
    cases = {demo.SOURCE_ERRORS[0]: "error", demo.NARRATIVE_CONFLICTS[0]: "warning",
             demo.WRONG_NOTICE[0]: "warning"}
    db = tmp_path / "d.duckdb"
    demo.build_demo(db, agencies=sorted({a for a, _ in cases}), years=sorted({y for _, y in cases}))
    con = store.connect(db)
    try:
        for (agency, year), severity in cases.items():
            got = con.execute(
                "SELECT f.rule FROM findings f JOIN agencies a USING (agency_id) "
                "WHERE a.name = ? AND f.year = ? AND f.severity = ?", [agency, year, severity]
            ).fetchall()
            assert got, (agency, year, severity)
        assert demo.compare_with_plan(con, demo.plan_corpus(
            sorted({a for a, _ in cases}), sorted({y for _, y in cases}))) == []
    finally:
        con.close()


def test_docx_tables_written_directly_equal_python_docx_cell_merge(monkeypatch) -> None:
    """The demo's DOCX tables are written on the XML (fast) exactly as ``cell.merge`` writes
    them: every part of the package is the same byte for byte, for both forms and the quirks."""
    import io
    import zipfile

    from etl.demo import docx_pdf

    def parts(data: bytes) -> dict[str, bytes]:
        z = zipfile.ZipFile(io.BytesIO(data))
        return {n: z.read(n) for n in z.namelist()}

    quirks = [{}, *({"quirks": v} for v in vars(fx).values() if isinstance(v, fx.Quirks))]
    specs = [fx.make_standard_report(11, agency="青川市教育局", year=2022, form=form, **q)
             for form in ("2019", "2021") for q in quirks]
    specs += [p.spec for p in demo.plan_corpus(["青川市统计局", "东城区人民政府"]) if p.fmt == "docx"]
    assert len(specs) >= 5
    fast = [parts(docx_pdf.render_docx(s)) for s in specs]
    monkeypatch.setattr(docx_pdf, "_docx_table", docx_pdf._docx_table_merged)
    assert fast == [parts(docx_pdf.render_docx(s)) for s in specs]
