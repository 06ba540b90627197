"""The set-based write path (issue 12) stores exactly what the per-report one did.

Every test runs the same loads and corrections against two databases: one through today's
``etl.store.loader.write_source``, one through the per-report reference kept in
``tests/store/reference_write.py`` (the code as it was), and compares every table — agencies,
aliases, reports, facts, findings, corrections, fingerprints — after each step, plus what each
load returned (report ids, number of cross-year and duplicate findings).

Cases: the demo corpus of a few agencies through the real extractor (aliases, the first year
of an agency, work summaries beside reports), loaded, replaced, corrected and rebuilt like
``python -m etl demo --force``; a long-format spreadsheet over it; generated corner cases
(gaps between years, duplicate reports inside one file and across files, a printed name shared
by two canonical names, reports without agency or year, blanks and approximate numbers, a file
replacing its earlier load, corrections of facts the report has and lacks, of years and
agencies, merges re-applied); and random sequences of all of these.
"""
from __future__ import annotations

import hashlib
import random
from pathlib import Path
from typing import Any, Callable, Sequence

import duckdb
import pytest

from etl.model import Evidence, Fact, Finding, Report
from etl.store import corrections as cor
from etl.store import database, loader
from tests.store import reference_write as ref

QUERIES = {
    "agencies": "SELECT agency_id, name, region, level FROM agencies",
    "agency_aliases": "SELECT * FROM agency_aliases",
    "sources": "SELECT source_id, sha256, file_name, size, format, archive_path, origin FROM sources",
    "reports": "SELECT * FROM reports",
    "facts": "SELECT * FROM facts",
    "findings": "SELECT * FROM findings",
    "corrections": "SELECT * EXCLUDE (made_at) FROM corrections",
    "source_fingerprints": "SELECT * FROM source_fingerprints",
}


def snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every table without timestamps, rows sorted (a table's row order is no contract)."""
    return {t: sorted(con.execute(q).fetchall(), key=repr) for t, q in QUERIES.items()}


def assert_same(a: duckdb.DuckDBPyConnection, b: duckdb.DuckDBPyConnection, step: str = "") -> None:
    sa, sb = snapshot(a), snapshot(b)
    for table in QUERIES:
        if sa[table] != sb[table]:
            only_a = [r for r in sa[table] if r not in sb[table]][:5]
            only_b = [r for r in sb[table] if r not in sa[table]][:5]
            pytest.fail(f"{step}: table {table} differs\n set-based only: {only_a}\n reference only: {only_b}")
    assert sa["findings"] or sa["reports"] is not None


class Pair:
    """The same database twice: ``new`` written set-based, ``old`` by the reference."""

    def __init__(self, folder: Path, seed_db: Path | None = None) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.new = database.connect(folder / "new.duckdb")
        self.old = database.connect(folder / "old.duckdb")
        self.both = (self.new, self.old)

    def write(self, source: database.SourceInfo, reports: Sequence[Report], step: str = "",
              *, compare: bool = True) -> tuple:
        got = loader.write_source(self.new, source, reports)
        want = ref.write_source(self.old, source, reports)
        assert got == want, f"{step}: write_source returned {got}, the reference {want}"
        if compare:
            assert_same(self.new, self.old, step)
        return got

    def each(self, fn: Callable[[duckdb.DuckDBPyConnection], Any], step: str = "") -> None:
        """Run the same change (a correction, a merge …) on both and compare."""
        results = [fn(con) for con in self.both]
        assert results[0] == results[1], step
        assert_same(self.new, self.old, step)

    def close(self) -> None:
        for con in self.both:
            con.close()


def source(sha_seed: str, name: str = "f.xlsx") -> database.SourceInfo:
    return database.SourceInfo(sha256=hashlib.sha256(sha_seed.encode()).hexdigest(), file_name=name,
                               size=100, format="xlsx", archive_path=None, origin="uploaded")


def report(pos: int, agency: str | None, year: int | None, values: dict[tuple[str, str], float | None],
           *, printed: str | None = "", kind: str = "disclosure_report", approx: Sequence[str] = (),
           findings: Sequence[Finding] = ()) -> Report:
    facts = [Fact(m, v, breakdown=b, approx=m in approx, evidence=Evidence(f"{m}[{b}]={v}", offset=pos))
             for (m, b), v in values.items()]
    return Report(source="f", position=pos, title=f"{agency} {year}", agency=agency,
                  printed_agency=agency if printed == "" else printed, year=year, kind=kind,  # type: ignore[arg-type]
                  form="2021", facts=facts, findings=list(findings))


def values(k: int, *, cin: float | None = 1, cout: float | None = 2, stock: float | None = 10,
           items: float | None = 100) -> dict[tuple[str, str], float | None]:
    """Figures the three cross-year rules read: carry-over, the stock of rules, a jump."""
    return {
        ("requests.received", ""): 20 + k, ("requests.carried_over_in", ""): cin,
        ("requests.carried_over_out", ""): cout, ("requests.carried_over_in", "natural_person"): cin,
        ("requests.carried_over_out", "natural_person"): cout,
        ("disclosure.regulations_in_force", ""): stock, ("disclosure.regulations_made", ""): 2,
        ("disclosure.regulations_repealed", ""): 1,
        ("disclosure.normative_docs_in_force", ""): stock, ("disclosure.normative_docs_made", ""): 0,
        ("disclosure.normative_docs_repealed", ""): 0, ("disclosure.items", ""): items,
        ("appeals.review_total", ""): 12,
    }


# --------------------------------------------------------------------------- corner cases


def test_corner_cases(tmp_path: Path) -> None:
    p = Pair(tmp_path)
    try:
        # existing data: A 2015 and 2016 and 2018 (a gap at 2017), B from 2016 (its first year)
        p.write(source("base"), [
            report(1, "甲市商务局", 2015, values(0, cout=3)),
            report(2, "甲市商务局", 2016, values(1, cin=3, stock=11)),
            report(3, "甲市商务局", 2018, values(3, items=900)),
            report(4, "乙市教育局", 2016, values(0), printed="乙市教育局(盖章)"),
            report(5, "甲市商务局", 2016, values(1), kind="work_summary"),
        ], "base file")
        # a file with neighbours before and after in the database, duplicates of stored
        # reports, a duplicate inside the file, a gap, an unknown agency and an unknown year
        f2 = [
            report(1, "甲市商务局", 2017, values(2, cin=7, items=5000)),  # between 2016 and 2018
            report(2, "乙市教育局", 2016, values(0, cout=4)),  # duplicate of a stored report
            report(3, "乙市教育局", 2017, values(1, cin=5)),
            report(4, "乙市教育局", 2017, values(1, cin=4, stock=99)),  # twice in this file
            report(5, "丙县政府", 2019, values(0), printed="丙县人民政府"),  # new agency, no neighbour
            report(6, None, 2017, values(0), printed="xx单位"),
            report(7, "甲市商务局", None, values(0)),
            report(8, "甲市商务局", 2014, values(0, cout=None, stock=None, items=None),
                   approx=("disclosure.items",)),
            report(9, "甲市商务局", 2017, {}, kind="template"),
            report(10, "丁局", 2016, values(0), printed="乙市教育局(盖章)"),  # printed name of 乙
            report(11, "丁局", 2018, values(2)),  # 丁局 now means 乙 (an alias made above)
        ]
        p.write(source("f2"), f2, "second file")
        assert p.new.execute("SELECT count(*) FROM findings WHERE rule = 'duplicate_report'").fetchone()[0]
        assert p.new.execute("SELECT count(*) FROM findings WHERE rule = 'carry_over_mismatch'").fetchone()[0]
        assert p.new.execute("SELECT count(*) FROM findings WHERE rule = 'in_force_mismatch'").fetchone()[0]
        assert p.new.execute("SELECT count(*) FROM findings WHERE rule = 'implausible_jump'").fetchone()[0]
        # the same file again with other numbers replaces its earlier load
        f2[0] = report(1, "甲市商务局", 2017, values(2, cin=3, items=120))
        p.write(source("f2"), f2, "second file replaced")
        # corrections: a fact the report has (twice), one it lacks, a year, an agency
        rid = lambda sha, pos: p.new.execute(  # noqa: E731
            "SELECT report_id FROM reports JOIN sources USING (source_id) WHERE sha256 = ? AND position = ?",
            [source(sha).sha256, pos]).fetchone()[0]
        r1, r3, r4 = rid("f2", 1), rid("f2", 3), rid("f2", 4)
        p.each(lambda c: cor.correct_fact(c, r1, "requests.carried_over_in", "", 2, "a", "typo"), "fact")
        p.each(lambda c: cor.correct_fact(c, r1, "requests.carried_over_in", "", 3, "a", "again"), "fact again")
        p.each(lambda c: cor.correct_fact(c, r1, "requests.carried_over_out", "commercial", 1, "a", "added"),
               "fact added")
        p.each(lambda c: cor.correct_fact(c, r3, "disclosure.items", "", None, "a", "blank"), "fact blank")
        p.each(lambda c: cor.correct_report(c, r4, "year", 2019, "a", "misdated"), "year")
        p.each(lambda c: cor.correct_report(c, r3, "agency", "戊局", "a", "wrong office"), "agency")
        p.each(lambda c: cor.correct_fact(c, r3, "requests.carried_over_in", "natural_person", 8, "a", "x"),
               "fact after the agency")
        p.each(lambda c: cor.merge_agencies(c, "丙县政府", "甲市商务局", "a", "same office"), "merge")
        # the file loaded again: every correction is re-applied inside the load
        f2[0] = report(1, "甲市商务局", 2017, values(2, cin=9, items=130))
        p.write(source("f2"), f2, "corrected file replaced")
        # like `python -m etl demo --force`: data emptied (corrections kept), agencies
        # registered again — the merged name is an agency of its own until the merge re-applies
        for con in p.both:
            for t in ("facts", "findings", "reports", "sources", "source_fingerprints", "agency_aliases", "agencies"):
                con.execute(f"DELETE FROM {t}")
            con.execute("INSERT INTO agencies (agency_id, name) VALUES (1, '甲市商务局'), (2, '丙县政府')")
            con.execute("INSERT INTO agency_aliases VALUES ('甲市商务局', 1), ('丙县政府', 2)")
        p.write(source("f2"), f2, "rebuilt: merge re-applied")
        assert p.new.execute("SELECT count(*) FROM agencies WHERE name = '丙县政府'").fetchone()[0] == 0
        p.write(source("base"), [report(1, "甲市商务局", 2016, values(1, cin=0))], "rebuilt base")
    finally:
        p.close()


def test_a_failing_check_is_skipped_like_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A check that raises for one pair leaves the later report's earlier findings to the
    other pairs, as the per-report loop did."""
    from etl.extract import checks

    real = checks.check_across_years

    def flaky(prev, cur, prev_year, cur_year):  # noqa: ANN001
        if cur_year == 2017 and prev.get(("requests.received", "")) == 21:
            raise RuntimeError("bug")
        return real(prev, cur, prev_year, cur_year)

    monkeypatch.setattr(checks, "check_across_years", flaky)
    p = Pair(tmp_path)
    try:
        p.write(source("a"), [report(1, "甲", 2017, values(5, cin=9)), report(2, "甲", 2018, values(6, cin=0))])
        p.write(source("b"), [report(1, "甲", 2016, values(1)), report(2, "甲", 2016, values(3, cout=5))])
    finally:
        p.close()


# --------------------------------------------------------------------------- random sequences

NAMES = [("甲市商务局", ["甲市商务局", "甲市商务"]), ("乙市教育局", ["乙市教育局", "乙教育"]),
         ("丙县政府", ["丙县人民政府", "丙县政府"]), ("丁局", ["丁局", "乙教育"]), (None, ["xx单位", None])]
KINDS = ["disclosure_report"] * 6 + ["work_summary", "template"]


def random_file(rng: random.Random) -> list[Report]:
    out = []
    for pos in range(1, rng.randint(1, 9)):
        name, printed = rng.choice(NAMES)
        year = rng.choice([2014, 2015, 2016, 2017, 2018, 2019, 2020, None] if rng.random() < 0.1
                          else [2015, 2016, 2017, 2018])

        def v(lo: int, hi: int) -> float | None:
            return None if rng.random() < 0.1 else float(rng.randint(lo, hi))

        vals = values(rng.randint(0, 50), cin=v(0, 3), cout=v(0, 3), stock=v(8, 12),
                      items=v(0, 1) if rng.random() < 0.2 else v(20, 2000))
        for key in rng.sample(sorted(vals), rng.randint(0, 3)):
            del vals[key]
        approx = ("disclosure.items",) if rng.random() < 0.1 else ()
        found = [Finding("t3_balance", "error", "x", ["a"])] if rng.random() < 0.2 else []
        if rng.random() < 0.05:  # a report that already carries a cross-year rule's name
            found.append(Finding("implausible_jump", "info", "printed", []))
        out.append(report(pos, name, year, vals, printed=rng.choice(printed), kind=rng.choice(KINDS),
                          approx=approx, findings=found))
    return out


def random_correction(rng: random.Random, con: duckdb.DuckDBPyConnection) -> Callable[[Any], Any] | None:
    ids = [r[0] for r in con.execute("SELECT report_id FROM reports ORDER BY report_id").fetchall()]
    if not ids:
        return None
    rid = rng.choice(ids)
    what = rng.random()
    if what < 0.5:
        metric, breakdown = rng.choice(sorted(values(0)))
        if rng.random() < 0.3:
            breakdown = "commercial" if metric.startswith("requests.") else breakdown
        value = rng.choice([None, 0.0, 3.0, 7.0, 500.0])
        return lambda c: cor.correct_fact(c, rid, metric, breakdown, value, "a", "random")
    if what < 0.7:
        year = rng.choice([2015, 2016, 2017, 2018, 2019])
        return lambda c: cor.correct_report(c, rid, "year", year, "a", "random")
    if what < 0.9:
        name = rng.choice(["甲市商务局", "乙市教育局", "新局", "乙教育"])
        return lambda c: cor.correct_report(c, rid, "agency", name, "a", "random")
    names = [r[0] for r in con.execute("SELECT name FROM agencies ORDER BY agency_id").fetchall()]
    if len(names) < 2:
        return None
    alias, target = rng.sample(names, 2)
    return lambda c: cor.merge_agencies(c, alias, target, "a", "random")


@pytest.mark.parametrize("seed", range(6))
def test_random_sequences(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    p = Pair(tmp_path)
    try:
        for step in range(14):
            if step > 2 and rng.random() < 0.35:
                fn = random_correction(rng, p.new)
                if fn is not None:
                    p.each(fn, f"seed {seed} step {step}: correction")
                continue
            sha = f"file{rng.randint(0, 4)}"  # a few files, so some loads replace earlier ones
            p.write(source(sha, f"{sha}.txt"), random_file(rng), f"seed {seed} step {step}: load {sha}")
    finally:
        p.close()


# --------------------------------------------------------------------------- the demo corpus

#: aliases, an agency's first year (卫计委 2014), commerce work summaries, and the two agencies
#: whose demo reports jump implausibly between years
DEMO_AGENCIES = ("青川市发展和改革委员会", "青川市卫生和计划生育委员会", "青川市商务局",
                 "东城区对外贸易经济合作局", "西城区教育局", "青川市公安局")


@pytest.fixture(scope="module")
def demo_reports(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[database.SourceInfo, list[Report]]]:
    """The demo corpus of a few agencies (aliases, an agency's first year, commerce work
    summaries) through the real extractor, once for every test here."""
    from etl.demo.corpus import generate_corpus
    from etl.extract.pipeline import extract_file

    folder = tmp_path_factory.mktemp("demo-corpus")
    out = []
    for path in sorted(generate_corpus(folder, agencies=DEMO_AGENCIES, years=range(2012, 2021))):
        sha = loader.sha256_file(path)
        out.append((database.SourceInfo(sha256=sha, file_name=path.name, size=path.stat().st_size,
                                        format=loader.sniff_format(path), archive_path=None),
                    list(extract_file(path))))
    return out


def test_demo_corpus_loaded_replaced_corrected_rebuilt(tmp_path: Path, demo_reports) -> None:  # noqa: ANN001
    from etl.demo.corpus import register_agencies, select_agencies

    p = Pair(tmp_path)
    try:
        for con in p.both:
            register_agencies(con, select_agencies(DEMO_AGENCIES))
        for i, (src, reports) in enumerate(demo_reports):
            p.write(src, reports, f"demo file {i} {src.file_name}", compare=i % 10 == 9)
        assert_same(p.new, p.old, "demo corpus loaded")
        assert p.new.execute("SELECT count(*) FROM findings WHERE rule IN "
                             "('carry_over_mismatch', 'in_force_mismatch', 'implausible_jump')").fetchone()[0]
        # corrections on a few reports, then every file loaded again (each replaces itself)
        ids = [r[0] for r in p.new.execute("SELECT report_id FROM reports ORDER BY report_id").fetchall()]
        p.each(lambda c: cor.correct_fact(c, ids[3], "requests.carried_over_in", "", 41, "a", "x"), "fact")
        p.each(lambda c: cor.correct_fact(c, ids[5], "disclosure.items", "", 99999, "a", "x"), "jump")
        p.each(lambda c: cor.correct_report(c, ids[8], "year", 2013, "a", "x"), "year")
        for i, (src, reports) in enumerate(reversed(demo_reports)):
            p.write(src, reports, f"demo file {i} again {src.file_name}", compare=i % 10 == 9)
        assert_same(p.new, p.old, "demo corpus loaded again")
        # the rebuild of `python -m etl demo --force`: data emptied, corrections kept
        from etl.demo.corpus import clear_database

        for con in p.both:
            clear_database(con)
            register_agencies(con, select_agencies(DEMO_AGENCIES))
        for i, (src, reports) in enumerate(demo_reports):
            p.write(src, reports, f"demo rebuilt {i} {src.file_name}", compare=False)
        assert_same(p.new, p.old, "demo corpus rebuilt")
    finally:
        p.close()


def test_long_spreadsheet_over_the_demo(tmp_path: Path, demo_reports) -> None:  # noqa: ANN001
    """An analyst's long-format file of the same agency-years (aliases every other year):
    duplicates of every stored report, neighbours in the file and in the database."""
    from openpyxl import Workbook

    from etl.demo.corpus import register_agencies, select_agencies
    from etl.demo.registry import by_name
    from etl.sheets.parse import parse_spreadsheet

    p = Pair(tmp_path)
    try:
        for con in p.both:
            register_agencies(con, select_agencies(DEMO_AGENCIES))
        for src, reports in demo_reports:
            p.write(src, reports, compare=False)
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("long")
        ws.append(["agency", "year", "metric_id", "breakdown", "value", "unit", "note"])
        for n, name in enumerate(DEMO_AGENCIES):
            a = by_name()[name]
            for year in range(a.first_year, a.last_year + 1, 1 if n % 2 else 2):
                printed = a.aliases[0] if a.aliases and year % 2 else a.name
                for (m, b), v in values(year - 2000, cin=(n + year) % 3, cout=(n + year + 1) % 3,
                                        stock=10 + (year % 4), items=100 * (1 + year % 6)).items():
                    ws.append([printed, year, m, b, v, None, None])
        xlsx = tmp_path / "long.xlsx"
        wb.save(xlsx)
        parsed = parse_spreadsheet(xlsx, p.new, name="long.xlsx")
        assert not parsed.errors, parsed.errors[:3]
        src = database.SourceInfo(sha256=parsed.sha256, file_name="long.xlsx", size=parsed.size,
                                  format="xlsx", archive_path=None, origin="uploaded")
        _ids, cross = p.write(src, parsed.reports, "long spreadsheet")
        assert cross > 0
        p.write(src, parsed.reports, "long spreadsheet again")
    finally:
        p.close()


def test_both_bulk_inserts_store_the_same(tmp_path: Path) -> None:
    """Rows go in as an Arrow table where pyarrow is loaded anyway, as typed lists elsewhere;
    both must store the same values, blanks and dates, and refuse text in a number column."""
    from datetime import date

    con = database.connect(tmp_path / "bulk.duckdb")
    rows = [
        (1, 1, 1, 4, "甲", 2020, "disclosure_report", "2021", "t", "2021-01-31", 0),
        (2, 1, 2, None, None, None, None, None, None, None, None),
        (3, 1, 3, 7, "x", 2019, "letter", None, "", "2020-05-01", 12),
    ]
    facts = [(1, 1, 2020, "disclosure.items", "", 5.0, False, "count", "extracted", None, 3, None, None,
              None, "五", None), (1, None, None, "requests.received", "natural_person", None, True, "count",
                                  "corrected", 2, None, "表三", "r", "c", None, "n")]
    got = []
    for insert in (database._arrow_insert, database._unnest_insert):
        con.execute("DELETE FROM reports")
        con.execute("DELETE FROM facts")
        insert(con, "reports", database.REPORT_COLUMNS, rows)
        insert(con, "facts", database.FACT_COLUMNS, facts)
        insert(con, "facts", database.FACT_COLUMNS, facts[:1])  # columns blank in every row
        got.append((con.execute("SELECT * FROM reports ORDER BY report_id").fetchall(),
                    con.execute("SELECT * FROM facts ORDER BY metric_id, note").fetchall()))
        with pytest.raises(Exception):
            insert(con, "facts", database.FACT_COLUMNS, [(*facts[0][:5], "many", *facts[0][6:])])
    assert got[0] == got[1]
    assert got[0][0][0][9] == date(2021, 1, 31)
    con.close()


def test_a_key_printed_twice_in_a_report_resolves_as_before(tmp_path: Path) -> None:
    """A (metric, breakdown) printed twice in one report: the later row wins, as it did when
    each report's facts were read on their own."""
    p = Pair(tmp_path)
    try:
        twice = report(1, "甲", 2017, values(1, cin=4))
        twice.facts.append(Fact("requests.carried_over_in", 9.0, evidence=Evidence("again", offset=9)))
        twice.facts.append(Fact("disclosure.items", 100000.0, evidence=Evidence("again", offset=10)))
        p.write(source("a"), [report(1, "甲", 2016, values(0, cout=4)), twice])
        assert p.new.execute("SELECT count(*) FROM findings WHERE rule = 'carry_over_mismatch'").fetchone()[0]
        p.write(source("b"), [report(1, "甲", 2018, values(2, cin=2))])
    finally:
        p.close()
