"""Many new files in one transaction (``etl.store.batch``, the demo build) store exactly what
storing them one after another does.

Each case writes the same files into two databases — one file at a time through
``loader.store_prepared`` (its own transaction each), and as batches through
``batch.store_batch`` — and compares every table and every file's result. Cases: neighbours
and duplicates inside the batch and in the database before it, the same agency-year twice
(the highest id is the neighbour compared), reports without agency or year, templates, aliases
made by an earlier file of the batch; the demo corpus of a few agencies; random files over a
random database; and what makes a batch fall back to the per-file path (a file already stored,
the same file twice, corrections on record, a file whose write fails).
"""
from __future__ import annotations

import random
from pathlib import Path
from typing import Sequence

import duckdb
import pytest

from etl.model import Fact, Report
from etl.store import batch, corrections as cor, database, loader
from tests.store.test_setbased import (  # noqa: F401  (demo_reports is a fixture)
    DEMO_AGENCIES,
    assert_same,
    demo_reports,
    random_file,
    report,
    source,
    values,
)


def prepared(src: database.SourceInfo, reports: Sequence[Report]) -> tuple[loader.FileResult, loader.Prepared]:
    res = loader.FileResult(path=src.file_name, name=src.file_name, status="failed", sha256=src.sha256,
                            reports=len(reports), facts=sum(len(r.facts) for r in reports),
                            findings=sum(len(r.findings) for r in reports))
    return res, loader.Prepared(src, list(reports), loader._fingerprint(src.file_name, src.origin, reports))


class Twin:
    """The same database twice: ``one`` stored file by file, ``many`` in batches."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.one = database.connect(folder / "one.duckdb")
        self.many = database.connect(folder / "many.duckdb")

    def both(self, files: Sequence[tuple[database.SourceInfo, Sequence[Report]]], step: str,
             *, expect_batched: bool | None = True) -> list[loader.FileResult]:
        serial = [loader.store_prepared(self.one, *prepared(s, r)) for s, r in files]
        calls: list[object] = []
        real = batch.write_batch

        def spy(con, items):  # noqa: ANN001
            out = real(con, items)
            calls.append(out)
            return out

        batch.write_batch = spy
        try:
            batched = batch.store_batch(self.many, [prepared(s, r) for s, r in files])
        finally:
            batch.write_batch = real
        if expect_batched is not None and len(files) > 1:
            assert (calls[0] is not None) == expect_batched, f"{step}: batched={calls}"
        key = lambda r: (r.name, r.status, r.message, r.reports, r.facts, r.findings)  # noqa: E731
        assert [key(r) for r in batched] == [key(r) for r in serial], step
        assert_same(self.many, self.one, step)
        return batched

    def each(self, sql: str) -> None:
        for con in (self.one, self.many):
            con.execute(sql)

    def close(self) -> None:
        self.one.close()
        self.many.close()


def test_neighbours_and_duplicates_inside_the_batch_and_before_it(tmp_path: Path) -> None:
    t = Twin(tmp_path)
    try:
        t.both([(source("base"), [
            report(1, "甲市商务局", 2015, values(0, cout=3)),
            report(2, "甲市商务局", 2018, values(3, items=900)),
            report(3, "乙市教育局", 2016, values(0), printed="乙市教育局(盖章)"),
        ])], "base")
        res = t.both([
            (source("a"), [report(1, "甲市商务局", 2016, values(1, cin=4, stock=30)),
                           report(2, "乙市教育局", 2016, values(0, cout=4))]),  # duplicate of base
            (source("b"), [report(1, "甲市商务局", 2017, values(2, cin=7, items=5000)),
                           report(2, "甲市商务局", 2016, values(1, cin=3)),  # 2016 twice: highest id
                           report(3, None, 2017, values(0), printed="xx单位"),
                           report(4, "甲市商务局", None, values(0)),
                           report(5, "甲市商务局", 2017, {}, kind="template")]),
            (source("c"), [report(1, "丁局", 2017, values(2, cin=9), printed="乙市教育局(盖章)"),
                           report(2, "丁局", 2015, values(0))]),  # 丁局 is 乙 by the alias
            (source("d"), []),
            (source("e"), [report(1, "甲市商务局", 2017, values(5, cin=1)),  # duplicate in batch
                           report(2, "乙市教育局", 2016, values(0, cout=8))]),
        ], "batch")
        assert sum(r.findings for r in res) > 0
        for rule in ("duplicate_report", "carry_over_mismatch", "in_force_mismatch", "implausible_jump"):
            assert t.many.execute("SELECT count(*) FROM findings WHERE rule = ?", [rule]).fetchone()[0], rule
        t.both([(source("f"), [report(1, "甲市商务局", 2019, values(5, cin=0))]),
                (source("g"), [report(1, "乙市教育局", 2018, values(1))])], "another batch")
    finally:
        t.close()


@pytest.mark.parametrize("seed", range(8))
def test_random_files_over_a_random_database(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    t = Twin(tmp_path)
    try:
        n = 0
        for step in range(4):
            files = []
            for _ in range(rng.randint(1 if step == 0 else 2, 7)):
                n += 1
                files.append((source(f"s{seed}-{n}", f"f{n}.txt"), random_file(rng)))
            t.both(files, f"seed {seed} batch {step}")
    finally:
        t.close()


def test_the_demo_corpus_in_batches(tmp_path: Path, demo_reports) -> None:  # noqa: ANN001, F811
    from etl.demo.corpus import register_agencies, select_agencies

    t = Twin(tmp_path)
    try:
        for con in (t.one, t.many):
            register_agencies(con, select_agencies(DEMO_AGENCIES))
        for k in range(0, len(demo_reports), 13):
            t.both(demo_reports[k:k + 13], f"demo files {k}…")
        assert t.many.execute("SELECT count(*) FROM findings WHERE rule IN "
                              "('carry_over_mismatch', 'in_force_mismatch', 'implausible_jump')").fetchone()[0]
    finally:
        t.close()


def test_what_the_batch_leaves_to_the_per_file_path(tmp_path: Path) -> None:
    t = Twin(tmp_path)
    try:
        t.both([(source("a"), [report(1, "甲", 2016, values(0))]),
                (source("b"), [report(1, "甲", 2017, values(1, cin=5))])], "first batch")
        # a file already stored (its new load replaces the old one)
        t.both([(source("c"), [report(1, "甲", 2018, values(2))]),
                (source("a"), [report(1, "甲", 2016, values(0, cout=5))])], "a file again",
               expect_batched=False)
        # the same file twice in one batch
        t.both([(source("d"), [report(1, "甲", 2019, values(2))]),
                (source("d"), [report(1, "甲", 2019, values(3))])], "twice", expect_batched=False)
        # corrections on record
        rid = t.one.execute("SELECT max(report_id) FROM reports").fetchone()[0]
        for con in (t.one, t.many):
            cor.correct_fact(con, rid, "requests.carried_over_in", "", 4, "a", "typo")
        t.both([(source("e"), [report(1, "甲", 2020, values(2))]),
                (source("f"), [report(1, "甲", 2021, values(3))])], "corrections",
               expect_batched=False)
    finally:
        t.close()


def test_a_file_that_cannot_be_stored_fails_alone(tmp_path: Path) -> None:
    bad = report(1, "乙", 2017, values(1))
    bad.facts.append(Fact("disclosure.items", "many"))  # type: ignore[arg-type]  # not a number
    t = Twin(tmp_path)
    try:
        res = t.both([(source("a"), [report(1, "甲", 2016, values(0))]), (source("b"), [bad]),
                      (source("c"), [report(1, "甲", 2017, values(1, cin=5))])], "bad file",
                     expect_batched=None)
        assert [r.status for r in res] == ["loaded", "failed", "loaded"]
        assert "could not be stored" in res[1].message and res[1].name in res[1].message
    finally:
        t.close()


def test_a_killed_batch_leaves_the_database_as_before(tmp_path: Path) -> None:
    """An error inside the batch's transaction (here: after every row is written) rolls back every file of it."""
    con = database.connect(tmp_path / "x.duckdb")
    try:
        loader.store_prepared(con, *prepared(source("a"), [report(1, "甲", 2016, values(0))]))
        before = con.execute("SELECT count(*) FROM facts").fetchone()[0]

        items = [prepared(source(k), [report(1, "甲", 2017 + i, values(i))]) for i, k in enumerate("bcd")]
        real = database.write_new_sources_in_tx

        def fail_after(con_, files):  # noqa: ANN001
            real(con_, files)
            raise duckdb.IOException("disk full")

        database.write_new_sources_in_tx = fail_after
        try:
            with pytest.raises(duckdb.IOException):
                batch.write_batch(con, [p for _, p in items])
        finally:
            database.write_new_sources_in_tx = real
        assert con.execute("SELECT count(*) FROM facts").fetchone()[0] == before
        assert con.execute("SELECT count(*) FROM sources").fetchone()[0] == 1
    finally:
        con.close()
