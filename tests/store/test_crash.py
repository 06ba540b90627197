"""Crash safety: ``python -m etl load`` killed (SIGKILL) at random moments, several times.

After every kill the database must hold exactly the files of some prefix of the load order —
each of them complete, never part of a file — and every stored source must have its archived
raw file. Re-running the load then completes it, and the result equals a clean full load
(compared without generated ids and timestamps).

The load runs in a subprocess through the real command line. Two extractors:

* ``fake`` — a driver script replaces the default extractor with a deterministic one producing
  many facts per file, so a kill often lands inside a transaction (no hook in product code);
* ``real`` — the real readers/extractors on narrative report text written here.
"""
from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from etl.store import database as store

ROOT = Path(__file__).resolve().parents[2]

DRIVER = textwrap.dedent('''
    import sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    from etl.store import loader
    from etl.metrics import load_metrics
    from etl.model import Evidence, Fact, Finding, InputError, Report

    METRICS = [m for m in load_metrics()]

    def fake(path):
        text = Path(path).read_text(encoding="utf-8")
        if text.startswith("CORRUPT"):
            raise InputError(Path(path).name, "corrupt", "line 1")
        meta = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
        i, n = int(meta["i"]), int(meta["n"])
        reports = []
        for pos, year in enumerate((2020, 2021), start=1):
            facts = [Fact(METRICS[j % len(METRICS)], float(i * 100000 + year * 10 + j),
                          breakdown=f"b{j // len(METRICS)}",
                          evidence=Evidence(f"第{j}项", offset=j))
                     for j in range(n)]
            reports.append(Report(source=str(path), position=pos, title=f"{meta['agency']}{year}",
                                  agency=meta["agency"], printed_agency=meta["agency"], year=year,
                                  kind="disclosure_report", form="narrative", facts=facts,
                                  findings=[Finding("demo", "info", f"file {i}")]))
        return reports

    if sys.argv[2] == "fake":
        loader._default_extractor = lambda: fake

    # Tell the test when each file starts, so it can kill inside a chosen file (test-side only).
    _load_file = loader.load_file
    def traced(path, *args, **kwargs):
        print("FILE", path, flush=True)
        return _load_file(path, *args, **kwargs)
    loader.load_file = traced
    from etl.cli import main
    sys.exit(main(sys.argv[3:]))
''')

NARRATIVE = (
    "{agency}{year}年政府信息公开工作年度报告\n"
    "一、概述\n{year}年，我局认真贯彻落实《中华人民共和国政府信息公开条例》。\n"
    "二、主动公开政府信息情况\n{year}年我局共主动公开政府信息{items}条，其中机构设置类{a}条，"
    "行政执法类{b}条。全文电子化率达100%。\n"
    "三、依申请公开政府信息情况\n{year}年共受理政府信息公开申请{req}件。\n"
    "四、行政复议和行政诉讼情况\n{year}年没有发生针对本机关政府信息公开的行政复议和行政诉讼。\n"
)


CITIES = ["临江市", "青川县", "云溪区", "白沙县"]
BUREAUS = ["商务局", "财政局", "教育局", "民政局", "司法局", "审计局", "统计局", "林业局"]


def agency_name(i: int) -> str:
    return CITIES[i // len(BUREAUS) % len(CITIES)] + BUREAUS[i % len(BUREAUS)]


def make_files(folder: Path, kind: str, n_files: int) -> list[Path]:
    folder.mkdir(parents=True)
    paths = []
    for i in range(n_files):
        p = folder / f"{i:03d}.txt"
        if kind == "fake":
            text = f"i={i}\nn=400\nagency=测试{i}局\n" if i != 7 else "CORRUPT\n"
        else:
            items = 100 + i
            text = NARRATIVE.format(agency=agency_name(i), year=2015 + i % 4, items=items,
                                    a=10, b=items - 10, req=i + 3)
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    return paths


def run_load(driver: Path, kind: str, folder: Path, db: Path, archive: Path,
             kill_at: tuple[int, float] | None = None, force: bool = False) -> int | None:
    """Run the load; with ``kill_at=(k, delay)``, SIGKILL it ``delay`` s after file k started."""
    env = {**os.environ, "GONGKAI_DB": str(db), "GONGKAI_ARCHIVE": str(archive)}
    proc = subprocess.Popen(
        [sys.executable, str(driver), str(ROOT), kind, "load", str(folder), "--wait", "20",
         *(["--force"] if force else [])],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    if kill_at is None:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode in (0, 1), err.decode(errors="replace")
        return proc.returncode
    k, delay = kill_at
    started = 0
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith(b"FILE"):
            started += 1
            if started > k:
                time.sleep(delay)
                break
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    return None


def canonical(db: Path) -> dict[str, set[tuple]]:
    """Content without ids/timestamps/archive locations; every row starts with its file's sha."""
    con = store.connect(db)  # read-write: replays the WAL exactly as the next load would
    try:
        q = {
            "sources": "SELECT sha256, file_name, size, format, origin FROM sources",
            "reports": """SELECT s.sha256, r.position, a.name, r.printed_agency, r.year, r.kind,
                                 r.form, r.title, r.published, r.char_offset
                          FROM reports r JOIN sources s USING (source_id)
                          LEFT JOIN agencies a ON a.agency_id = r.agency_id""",
            "facts": """SELECT s.sha256, r.position, f.metric_id, f.breakdown, f.value, f.approx,
                               f.unit, f.origin, f.page, f.char_offset, f.raw_text, f.note
                        FROM facts f JOIN reports r USING (report_id) JOIN sources s USING (source_id)""",
            "findings": """SELECT s.sha256, r.position, f.rule, f.severity, f.message, f.cells
                           FROM findings f JOIN reports r USING (report_id)
                           JOIN sources s USING (source_id)""",
            "agencies": """SELECT s.sha256, a.name FROM agencies a JOIN reports r USING (agency_id)
                           JOIN sources s USING (source_id)""",
            "fingerprints": "SELECT sha256 FROM source_fingerprints",
        }
        out = {k: set(con.execute(v).fetchall()) for k, v in q.items()}
        out["orphan_agencies"] = set(con.execute(
            "SELECT name FROM agencies WHERE agency_id NOT IN (SELECT agency_id FROM reports "
            "WHERE agency_id IS NOT NULL)").fetchall())
        out["archive"] = set(con.execute("SELECT sha256, archive_path FROM sources").fetchall())
        dup = con.execute("SELECT count(*) - count(DISTINCT (report_id, metric_id, breakdown)) "
                          "FROM facts").fetchone()[0]
        assert dup == 0, "duplicate facts"
        return out
    finally:
        con.close()


def assert_archive_agrees(state: dict[str, set[tuple]]) -> None:
    for sha, path in state.pop("archive"):
        data = Path(path).read_bytes()  # the stored path exists ...
        assert hashlib.sha256(data).hexdigest() == sha  # ... and holds the whole file


def restrict(ref: dict[str, set[tuple]], shas: set[str]) -> dict[str, set[tuple]]:
    return {k: {r for r in v if r[0] in shas} for k, v in ref.items()
            if k not in ("archive", "orphan_agencies")}


@pytest.fixture(scope="module", params=["fake", "real"])
def corpus(request, tmp_path_factory):
    """Report files, the driver script and a clean full load of them (the reference)."""
    kind = request.param
    if kind == "real":
        pytest.importorskip("etl.extract.pipeline")
    base = tmp_path_factory.mktemp(f"crash-{kind}")
    n_files = 16 if kind == "fake" else 12
    folder = base / "in"
    files = make_files(folder, kind, n_files)
    order = [hashlib.sha256(p.read_bytes()).hexdigest() for p in files]
    driver = base / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    run_load(driver, kind, folder, base / "ref.duckdb", base / "ref-archive")
    ref = canonical(base / "ref.duckdb")
    assert_archive_agrees(ref)
    loadable = [s for s in order if s in {r[0] for r in ref["sources"]}]
    assert len(loadable) >= n_files - 1 and ref["orphan_agencies"] == set()
    return {"kind": kind, "folder": folder, "driver": driver, "ref": ref, "loadable": loadable,
            "n_files": n_files}


def test_sigkill_at_random_moments_never_leaves_part_of_a_file(tmp_path, corpus):
    kind, folder, driver = corpus["kind"], corpus["folder"], corpus["driver"]
    ref, loadable, n_files = corpus["ref"], corpus["loadable"], corpus["n_files"]

    db, archive = tmp_path / "k.duckdb", tmp_path / "k-archive"
    rng = random.Random(20260127)
    loaded_before: set[str] = set()
    prefixes = []
    for i in range(5 if kind == "fake" else 3):
        # Odd rounds rewrite every file (--force): a kill then lands inside a *replacement*,
        # which must leave the file's previous version intact.
        kill_at = (rng.randrange(n_files), rng.uniform(0.0, 0.06))
        run_load(driver, kind, folder, db, archive, kill_at=kill_at, force=i % 2 == 1)
        if not db.exists():
            continue
        state = canonical(db)
        assert_archive_agrees(state)
        loaded = {r[0] for r in state["sources"]}
        k = len(loaded)
        assert loaded == set(loadable[:k]), "not a prefix of whole files"
        assert loaded >= loaded_before, "a killed load lost a file loaded earlier"
        assert state["orphan_agencies"] == set(), "an agency without its report survived"
        state.pop("orphan_agencies")
        assert state == restrict(ref, loaded), "a file is only partly stored"
        loaded_before = loaded
        prefixes.append(k)

    # Running the same load again completes it, equal to the clean full load.
    run_load(driver, kind, folder, db, archive)
    final = canonical(db)
    assert_archive_agrees(final)
    assert final == {k: v for k, v in ref.items() if k != "archive"}
    print(f"{kind}: files stored after each kill {prefixes} of {len(loadable)}")


def _limit_file_size(limit: int):
    """For the child: files may not grow beyond ``limit`` bytes (like a full disk: EFBIG)."""
    import resource

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_disk_full_mid_load_keeps_whole_files_and_a_rerun_completes(tmp_path, corpus):
    if corpus["kind"] != "fake":
        pytest.skip("one extractor is enough for the disk-full case")
    folder, driver, ref, loadable = corpus["folder"], corpus["driver"], corpus["ref"], corpus["loadable"]

    db, archive = tmp_path / "k.duckdb", tmp_path / "k-archive"
    store.connect(db).close()
    env = {**os.environ, "GONGKAI_DB": str(db), "GONGKAI_ARCHIVE": str(archive)}
    limit = 500_000  # bytes per file: the WAL (~100 KB per file here) fills up after a few files
    r = subprocess.run([sys.executable, str(driver), str(ROOT), "fake", "load", str(folder)],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
                       preexec_fn=_limit_file_size(limit))
    assert r.returncode == 1, r.stderr  # some files failed, reported, no crash
    assert "could not be stored" in r.stderr or "could not be archived" in r.stderr
    state = canonical(db)
    assert_archive_agrees(state)
    loaded = {row[0] for row in state["sources"]}
    assert 0 < len(loaded) < len(loadable)
    assert loaded == set(loadable[: len(loaded)])
    state.pop("orphan_agencies")
    assert state == restrict(ref, loaded)

    run_load(driver, "fake", folder, db, archive)
    final = canonical(db)
    assert_archive_agrees(final)
    assert final == {k: v for k, v in ref.items() if k != "archive"}
