"""The loader: one transaction per file, idempotent re-loads, bad files change nothing, archive.

A tiny fake extractor (``key=value`` lines, reports separated by ``---``) keeps these tests
independent of the real readers; the loader's contract does not depend on how facts are found.
"""
from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path

import pytest

from etl.store import loader
from etl.store import database as store
from etl.model import Evidence, Fact, Finding, InputError, Report


def fake_extract(path: Path) -> list[Report]:
    text = Path(path).read_text(encoding="utf-8")
    if text.startswith("CORRUPT"):
        raise InputError(Path(path).name, "corrupt header", "line 1")
    if text.startswith("BOOM"):
        raise ValueError("reader crashed")
    reports = []
    for pos, block in enumerate(text.split("---"), start=1):
        meta: dict[str, str] = {}
        facts = []
        for line in block.strip().splitlines():
            key, _, value = line.partition("=")
            if "." in key:
                metric, _, breakdown = key.partition(":")
                facts.append(Fact(metric, float(value) if value != "bad" else value,  # type: ignore[arg-type]
                                  breakdown=breakdown, evidence=Evidence(line, offset=0)))
            else:
                meta[key] = value
        reports.append(Report(source=str(path), position=pos, title=meta.get("title", f"r{pos}"),
                              agency=meta.get("agency"), printed_agency=meta.get("agency"),
                              year=int(meta["year"]) if "year" in meta else None,
                              kind=meta.get("kind", "disclosure_report"), form="narrative",  # type: ignore[arg-type]
                              facts=facts, findings=[Finding("demo_rule", "info", "x")]))
    return reports


def report_text(agency: str, year: int, items: int, extra: str = "") -> str:
    return f"agency={agency}\nyear={year}\ndisclosure.items={items}\nrequests.received={items // 10}\n{extra}"


def canonical(con) -> dict[str, list[tuple]]:
    """Database content without generated ids or timestamps, sorted: equal means same data."""
    q = {
        "sources": "SELECT sha256, file_name, size, format, archive_path, origin FROM sources",
        "reports": """SELECT s.sha256, r.position, a.name, r.printed_agency, r.year, r.kind, r.form,
                             r.title FROM reports r JOIN sources s USING (source_id)
                      LEFT JOIN agencies a ON a.agency_id = r.agency_id""",
        "facts": """SELECT s.sha256, r.position, f.metric_id, f.breakdown, f.value, f.unit,
                           f.approx, f.raw_text FROM facts f JOIN reports r USING (report_id)
                    JOIN sources s USING (source_id)""",
        "findings": """SELECT s.sha256, r.position, f.rule, f.severity, f.message
                       FROM findings f JOIN reports r USING (report_id) JOIN sources s USING (source_id)""",
        "agencies": "SELECT name FROM agencies",
        "aliases": "SELECT alias FROM agency_aliases",
    }
    return {k: sorted(con.execute(v).fetchall(), key=repr) for k, v in q.items()}


@pytest.fixture()
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("GONGKAI_DB", str(tmp_path / "db" / "g.duckdb"))
    monkeypatch.setenv("GONGKAI_ARCHIVE", str(tmp_path / "archive"))
    con = store.connect()
    yield con, tmp_path
    con.close()


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_text(text, encoding="utf-8")
    return p


def test_load_twice_never_duplicates_and_reports_unchanged(env):
    con, tmp = env
    a = write(tmp / "in", "a.txt", report_text("甲局", 2020, 120))
    first = loader.load_paths([a], con, extractor=fake_extract)
    assert [f.status for f in first.files] == ["loaded"]
    assert first.files[0].reports == 1 and first.files[0].facts == 2
    before = canonical(con)
    ids = con.execute("SELECT report_id FROM reports").fetchall()
    second = loader.load_paths([a], con, extractor=fake_extract)
    assert [f.status for f in second.files] == ["unchanged"]
    assert canonical(con) == before
    assert con.execute("SELECT report_id FROM reports").fetchall() == ids  # links stay valid
    forced = loader.load_paths([a], con, extractor=fake_extract, force=True)
    assert forced.files[0].status == "loaded"
    assert canonical(con) == before
    assert con.execute("SELECT count(*) FROM facts").fetchone()[0] == 2


def test_reload_with_new_extraction_replaces_what_the_file_gave(env):
    con, tmp = env
    a = write(tmp / "in", "a.txt", report_text("甲局", 2020, 120))
    loader.load_paths([a], con, extractor=fake_extract)

    def better(path: Path) -> list[Report]:
        reps = fake_extract(path)
        reps[0].facts.append(Fact("disclosure.interpretations", 7.0))
        return reps

    res = loader.load_paths([a], con, extractor=better)
    assert res.files[0].status == "loaded"
    rows = con.execute("SELECT metric_id, value FROM facts ORDER BY metric_id").fetchall()
    assert rows == [("disclosure.interpretations", 7.0), ("disclosure.items", 120.0),
                    ("requests.received", 12.0)]
    assert con.execute("SELECT count(*) FROM sources").fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == 1


@pytest.mark.parametrize("content, reason", [
    ("CORRUPT", "corrupt header"),
    ("BOOM", "reader crashed"),
    ("", "empty"),
])
def test_unreadable_file_is_named_and_leaves_database_unchanged(env, content, reason):
    con, tmp = env
    good = write(tmp / "in", "good.txt", report_text("甲局", 2020, 120))
    loader.load_paths([good], con, extractor=fake_extract)
    before = canonical(con)
    bad = write(tmp / "in", "bad 文件.txt", content)
    other = write(tmp / "in", "other.txt", report_text("乙局", 2021, 50))
    res = loader.load_paths([bad, other], con, extractor=fake_extract)
    assert [f.status for f in res.files] == ["failed", "loaded"]
    assert "bad 文件.txt" in res.files[0].message and reason in res.files[0].message
    assert not res.ok and len(res.failed) == 1
    after = canonical(con)
    other_sha = hashlib.sha256(other.read_bytes()).hexdigest()
    assert {k: [r for r in v if other_sha not in r and "乙局" not in r] for k, v in after.items()} == before


def test_missing_path_fails_by_name(env):
    con, tmp = env
    res = loader.load_paths([tmp / "nope.txt"], con, extractor=fake_extract)
    assert res.files[0].status == "failed" and "nope.txt" in res.files[0].message


def test_store_failure_rolls_back_the_whole_file(env):
    """A failure inside the transaction (here: a value DuckDB cannot store) writes nothing."""
    con, tmp = env
    good = write(tmp / "in", "good.txt", report_text("甲局", 2020, 120))
    loader.load_paths([good], con, extractor=fake_extract)
    before = canonical(con)
    bad = write(tmp / "in", "half.txt",
                report_text("丙局", 2020, 5) + "---\n" + "agency=丙局\nyear=2021\ndisclosure.items=bad\n")
    res = loader.load_paths([bad], con, extractor=fake_extract)
    assert res.files[0].status == "failed"
    assert "nothing was written" in res.files[0].message
    assert canonical(con) == before
    assert con.execute("SELECT count(*) FROM agencies WHERE name = '丙局'").fetchone()[0] == 0


def test_full_disk_while_archiving_writes_nothing(env, monkeypatch):
    con, tmp = env
    a = write(tmp / "in", "a.txt", report_text("甲局", 2020, 120))
    real_replace = os.replace

    def no_space(src, dst, *args, **kwargs):
        if ".tmp-" in str(src):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(loader.os, "replace", no_space)
    res = loader.load_paths([a], con, extractor=fake_extract)
    assert res.files[0].status == "failed" and "No space left" in res.files[0].message
    assert con.execute("SELECT count(*) FROM sources").fetchone()[0] == 0
    leftovers = [p for p in (tmp / "archive").rglob("*") if p.is_file()]
    assert leftovers == []  # no partial archive file either
    monkeypatch.setattr(loader.os, "replace", real_replace)
    assert loader.load_paths([a], con, extractor=fake_extract).files[0].status == "loaded"


def test_archive_is_content_addressed_and_restored_when_missing(env):
    con, tmp = env
    a = write(tmp / "in", "../weird/../a.txt".replace("/", "_"), report_text("甲局", 2020, 1))
    loader.load_paths([a], con, extractor=fake_extract)
    sha = hashlib.sha256(a.read_bytes()).hexdigest()
    stored = con.execute("SELECT archive_path FROM sources").fetchone()[0]
    f = store.archived_file(stored)
    assert f == tmp / "archive" / sha[:2] / sha
    assert hashlib.sha256(f.read_bytes()).hexdigest() == sha
    f.unlink()
    assert loader.check_archive(con).missing == [sha]
    res = loader.load_paths([a], con, extractor=fake_extract)
    assert res.files[0].status == "unchanged"
    assert f.is_file() and loader.check_archive(con).ok


def test_check_archive_lists_and_prunes_orphans(env):
    con, tmp = env
    a = write(tmp / "in", "a.txt", report_text("甲局", 2020, 1))
    loader.load_paths([a], con, extractor=fake_extract)
    orphan = tmp / "archive" / "ff" / ("f" * 64)
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"left by a killed load")
    res = loader.check_archive(con)
    assert res.orphans == [f"ff/{'f' * 64}"] and res.pruned == [] and res.ok
    assert orphan.exists()  # young orphans are kept: a load may be about to commit
    res = loader.check_archive(con, prune=True, min_age_s=0)
    assert res.pruned == [f"ff/{'f' * 64}"] and not orphan.exists()
    assert loader.check_archive(con).orphans == []


def test_folders_expand_recursively_sorted_skipping_hidden(env):
    con, tmp = env
    write(tmp / "in" / "b", "2.txt", report_text("乙局", 2020, 2))
    write(tmp / "in", "1.txt", report_text("甲局", 2020, 1))
    write(tmp / "in" / "a", "3.txt", report_text("丙局", 2020, 3))
    write(tmp / "in", ".hidden.txt", "CORRUPT")
    write(tmp / "in", "~$lock.txt", "CORRUPT")
    files = loader.expand_paths([tmp / "in"])
    assert [p.relative_to(tmp / "in").as_posix() for p in files] == ["1.txt", "a/3.txt", "b/2.txt"]
    seen = []
    res = loader.load_paths([tmp / "in"], con, extractor=fake_extract,
                            progress=lambda d, t, label: seen.append((d, t)))
    assert res.count("loaded") == 3 and res.ok
    assert seen[0] == (0, 3) and seen[-1] == (3, 3)


def test_should_stop_leaves_remaining_files_unloaded(env):
    con, tmp = env
    for i in range(3):
        write(tmp / "in", f"{i}.txt", report_text(f"局{i}", 2020, i + 1))
    calls = iter([False, True, True])
    res = loader.load_paths([tmp / "in"], con, extractor=fake_extract, should_stop=lambda: next(calls))
    assert [f.status for f in res.files] == ["loaded", "failed", "failed"]
    assert "stopped" in res.files[1].message
    assert con.execute("SELECT count(*) FROM sources").fetchone()[0] == 1


@pytest.mark.parametrize("raw, expected", [
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\x\\报告.txt", "报告.txt"),
    ("a\x00b\x1b[31m\u202e.txt", "ab[31m.txt"),
    ("..", "unnamed"),
])
def test_display_name_never_keeps_paths_or_control_characters(raw, expected):
    assert loader.display_name(raw) == expected


def test_display_name_is_bounded():
    name = loader.display_name("长" * 500 + ".docx")
    assert len(name) <= loader.MAX_NAME_CHARS and name.endswith(".docx")


def test_cross_year_findings_attach_to_later_report_without_duplicates(env, monkeypatch):
    con, tmp = env
    calls = []

    def check(prev_facts, cur_facts, prev_year, cur_year):
        calls.append((prev_year, cur_year))
        prev = prev_facts[("disclosure.items", "")]
        cur = cur_facts[("disclosure.items", "")]
        return [Finding("cross_year_jump", "warning", f"items {prev:g} → {cur:g}")]

    monkeypatch.setattr(loader, "_cross_year_rules", lambda: (check, ("cross_year_jump",)))
    f2021 = write(tmp / "in", "2021.txt", report_text("甲局", 2021, 300))
    f2019 = write(tmp / "in", "2019.txt", report_text("甲局", 2019, 100))
    f2020 = write(tmp / "in", "2020.txt", report_text("甲局", 2020, 200))
    other = write(tmp / "in", "x.txt", report_text("乙局", 2020, 5))
    for f in (f2021, f2019, other, f2020):
        assert loader.load_paths([f], con, extractor=fake_extract).ok

    def cross():
        return sorted(con.execute(
            "SELECT year, message FROM findings WHERE rule = 'cross_year_jump'").fetchall())

    assert cross() == [(2020, "items 100 → 200"), (2021, "items 200 → 300")]
    loader.load_paths([f2020], con, extractor=fake_extract, force=True)
    loader.load_paths([f2019], con, extractor=fake_extract, force=True)
    assert cross() == [(2020, "items 100 → 200"), (2021, "items 200 → 300")]


def test_spreadsheet_goes_through_the_same_path(env):
    """A long-format CSV is loaded by etl.sheets.parse' parser inside the loader's transaction."""
    con, tmp = env
    csv = write(tmp / "in", "upload.csv",
                "agency,year,metric_id,breakdown,value\n甲市商务局,2021,requests.received,,12\n")
    res = loader.load_paths([csv], con)
    assert res.files[0].status == "loaded", res.files[0].message
    assert con.execute("SELECT value, origin FROM facts").fetchall() == [(12.0, "uploaded")]
    assert con.execute("SELECT format, origin FROM sources").fetchall() == [("csv", "uploaded")]
    bad = write(tmp / "in", "bad.csv", "agency,year,metric_id,breakdown,value\n甲市商务局,2021,no.such_metric,,x\n")
    before = canonical(con)
    res = loader.load_paths([bad], con)
    assert res.files[0].status == "failed" and "bad.csv" in res.files[0].message
    assert canonical(con) == before


def test_real_cross_year_check_runs_on_load(env):
    """With etl.extract.checks present, a tenfold jump becomes a finding on the later report, once."""
    con, tmp = env
    f19 = write(tmp / "in", "2019.txt", report_text("甲局", 2019, 200))
    f20 = write(tmp / "in", "2020.txt", report_text("甲局", 2020, 5000))
    loader.load_paths([f20, f19], con, extractor=fake_extract)
    loader.load_paths([f19], con, extractor=fake_extract, force=True)
    rows = con.execute("SELECT year, rule FROM findings WHERE rule = 'implausible_jump'").fetchall()
    assert rows and {r[0] for r in rows} == {2020}
    assert len(rows) == len(set(con.execute(
        "SELECT year, rule, message FROM findings WHERE rule = 'implausible_jump'").fetchall()))


def test_loading_the_data_folder_skips_the_database_archive_and_inbox(tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("GONGKAI_ARCHIVE", str(data / "archive"))
    con = store.connect(data / "g.duckdb")
    try:
        write(data, "report.txt", report_text("甲局", 2020, 1))
        loader.load_paths([data], con, extractor=fake_extract)
        write(data / "inbox", "x.job.json", "{}")
        write(data / "g.duckdb.snapshots", "00000001-ab.duckdb", "not read")  # the readers' copies
        write(data, "g.duckdb.lock", "123\n")
        res = loader.load_paths([data], con, extractor=fake_extract)
        assert [(Path(f.path).name, f.status) for f in res.files] == [("report.txt", "unchanged")]
    finally:
        con.close()


@pytest.mark.parametrize("name, data", [
    ("random.pdf", bytes(range(256)) * 40),
    ("truncated.docx", b"PK\x03\x04" + b"\x00" * 50),
    ("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nxref\nbroken"),
    ("fake.xlsx", b"PK\x03\x04 not really a zip"),
    ("undecodable.txt", b"\xff\xfe\x00\xd8" * 300 + b"\x81\x00\xfe" * 300),
])
def test_hostile_files_through_the_real_readers_fail_cleanly(env, name, data):
    con, tmp = env
    good = write(tmp / "in", "good.txt", report_text("甲局", 2020, 120))
    loader.load_paths([good], con, extractor=fake_extract)
    before = canonical(con)
    bad = tmp / "in" / name
    bad.write_bytes(data)
    res = loader.load_paths([bad], con)  # the real extractor / spreadsheet reader
    assert res.files[0].status == "failed"
    assert res.files[0].message.startswith(name)
    assert canonical(con) == before
    assert not list((tmp / "archive").rglob(hashlib.sha256(data).hexdigest()))  # not archived


def test_a_second_file_for_the_same_agency_year_is_flagged(tmp_path):
    """Two different files giving one agency-year (say the PDF and the HTML of a report) are
    both kept, and the later one carries a duplicate_report finding naming the first."""
    from etl.store import loader as ld
    from etl.store import database as st

    con = st.connect(tmp_path / "dup.duckdb")
    text = "甲市商务局2020年政府信息公开工作年度报告\n2020年，我局主动公开政府信息120条。\n"
    a = tmp_path / "a.txt"
    a.write_text(text, encoding="utf-8")
    b = tmp_path / "b.txt"
    b.write_text(text + "（网页版）\n", encoding="utf-8")
    assert ld.load_paths([a], con, archive=tmp_path / "ar").ok
    assert con.execute("SELECT count(*) FROM findings WHERE rule = 'duplicate_report'").fetchone()[0] == 0
    assert ld.load_paths([b], con, archive=tmp_path / "ar").ok
    rows = con.execute("""
        SELECT s.file_name, f.message FROM findings f JOIN reports r USING (report_id)
        JOIN sources s USING (source_id) WHERE f.rule = 'duplicate_report'
    """).fetchall()
    assert len(rows) == 1 and rows[0][0] == "b.txt" and "a.txt" in rows[0][1]
    con.close()
