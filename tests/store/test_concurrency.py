"""The dashboard process holds the database; ``python -m etl load`` runs at the same time.

A server process (standing in for the dashboard: shared connection, ``InboxWriter``, reader
threads on per-thread cursors) holds the file while the real command line loads many files.
Every reader snapshot must show each file either absent or complete; no reader may see an
error; the command must succeed through the inbox. A second test holds the file from a
process that is not a dashboard: the command waits a bounded time, exits 2, writes nothing.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from tests.helpers.server import (
    CHROME_ARGS,
    CHROMIUM,
    DONE,
    free_port,
    start_dashboard,
    stop_dashboard,
    wait_health,
)

from etl.store import database as store
from etl.store import writer

ROOT = Path(__file__).resolve().parents[2]
N_FILES = 20
FACTS_PER_REPORT = 150


def _row_count(db: Path, table: str) -> int:
    """Rows in ``table``, read through a read-only connection that is closed again at once."""
    con = store.connect(db, read_only=True)
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


def _empty_db_and_one_report(tmp_path: Path) -> tuple[Path, Path]:
    """A fresh database and one small narrative report to load into it."""
    db = tmp_path / "g.duckdb"
    store.connect(db).close()
    f = tmp_path / "a.txt"
    f.write_text("我局2019年共主动公开政府信息120条。", encoding="utf-8")
    return db, f


def _stop_server(server: subprocess.Popen, stop: Path, timeout: float) -> None:
    """Ask a test server to finish (its stop file) and wait for it; kill it if it does not end."""
    stop.touch()
    try:
        server.wait(timeout=timeout)
    finally:
        if server.poll() is None:
            server.kill()


def _cli_load_waiting(f: Path, db: Path, wait: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """``python -m etl load F --db DB --wait S`` as an analyst runs it, output captured."""
    return subprocess.run([sys.executable, "-m", "etl", "load", str(f), "--db", str(db), "--wait", wait],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)

SERVER = textwrap.dedent('''
    import json, sys, threading, time
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    db_path, out_path, stop_path = Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])
    n_facts = int(sys.argv[5])
    from etl.store import connection as shared_db, writer
    from etl.metrics import load_metrics
    from etl.model import Fact, Report

    METRICS = list(load_metrics())

    def fake(path):
        i = int(Path(path).read_text(encoding="utf-8"))
        reports = []
        for pos, year in enumerate((2020, 2021), start=1):
            facts = [Fact(METRICS[j % len(METRICS)], float(i + j), breakdown=f"b{j // len(METRICS)}")
                     for j in range(n_facts)]
            reports.append(Report(source=str(path), position=pos, title=f"{i}-{year}",
                                  agency=f"并发{i}局", printed_agency=None, year=year,
                                  kind="disclosure_report", form="narrative", facts=facts))
        return reports

    con = shared_db.shared_connection(db_path)
    w = writer.InboxWriter(con, writer.inbox_dir(db_path), poll_s=0.1, extractor=fake).start()
    stop = threading.Event()
    errors, violations, seen = [], [], {"snapshots": 0, "states": set()}

    def reader():
        cur = shared_db.cursor(db_path)
        while not stop.is_set():
            try:
                cur.execute("BEGIN TRANSACTION")  # one snapshot for both queries
                per_file = cur.execute("""
                    SELECT s.file_name, count(DISTINCT r.report_id), count(f.metric_id)
                    FROM sources s LEFT JOIN reports r USING (source_id)
                    LEFT JOIN facts f USING (report_id) GROUP BY s.file_name""").fetchall()
                agencies = cur.execute("SELECT count(*) FROM agencies").fetchall()[0][0]
                cur.execute("COMMIT")
            except Exception as exc:
                errors.append(repr(exc))
                try:
                    cur.execute("ROLLBACK")
                except Exception:
                    pass
                continue
            seen["snapshots"] += 1
            seen["states"].add(len(per_file))
            for name, n_reports, n_facts_seen in per_file:
                if (n_reports, n_facts_seen) != (2, 2 * n_facts):
                    violations.append([name, n_reports, n_facts_seen])
            if agencies != len(per_file):
                violations.append(["agencies", agencies, len(per_file)])
            time.sleep(0.002)  # like page reruns: frequent, not a busy loop starving the writer

    threads = [threading.Thread(target=reader, daemon=True) for _ in range(3)]
    for t in threads:
        t.start()
    print("READY", flush=True)
    while not stop_path.exists():
        time.sleep(0.05)
    stop.set()
    for t in threads:
        t.join(10)
    w.stop()
    out_path.write_text(json.dumps({"errors": errors[:20], "violations": violations[:20],
                                    "snapshots": seen["snapshots"],
                                    "states": sorted(seen["states"]), "jobs": w.jobs_done}))
''')


def test_cli_load_through_a_live_dashboard_while_readers_read(tmp_path):
    db = tmp_path / "data" / "g.duckdb"
    store.connect(db).close()
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(N_FILES):
        (folder / f"{i:03d}.txt").write_text(str(i), encoding="utf-8")
    script = tmp_path / "server.py"
    script.write_text(SERVER, encoding="utf-8")
    out, stop = tmp_path / "server.json", tmp_path / "stop"
    env = {**os.environ, "GONGKAI_DB": str(db), "GONGKAI_ARCHIVE": str(tmp_path / "archive")}
    server = subprocess.Popen(
        [sys.executable, str(script), str(ROOT), str(db), str(out), str(stop), str(FACTS_PER_REPORT)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert server.stdout.readline().strip() == "READY", server.stderr.read()
        cli_env = {k: v for k, v in env.items() if k != "GONGKAI_DB"}
        r = subprocess.run(
            [sys.executable, "-m", "etl", "load", str(folder), "--db", str(db), "--wait", "30", "--json"],
            cwd=ROOT, env=cli_env, capture_output=True, text=True, timeout=120,
        )
        assert r.returncode == 0, r.stderr
        assert "handing the files to its writer" in r.stderr
        result = json.loads(r.stdout)
        assert result["loaded"] == N_FILES and result["failed"] == 0
        # export while the dashboard holds the file goes through the writer too
        r3 = subprocess.run(
            [sys.executable, "-m", "etl", "export", "--out", str(tmp_path / "all.csv"),
             "--db", str(db)], cwd=ROOT, env=cli_env, capture_output=True, text=True, timeout=120,
        )
        assert r3.returncode == 0, r3.stderr
        lines = (tmp_path / "all.csv").read_text(encoding="utf-8-sig").splitlines()
        assert len(lines) == 1 + N_FILES * 2 * FACTS_PER_REPORT
    finally:
        _stop_server(server, stop, timeout=30)
    report = json.loads(out.read_text())
    assert report["errors"] == []
    assert report["violations"] == []
    assert report["jobs"] == 2  # the load and the export
    assert report["snapshots"] > 0 and max(report["states"]) == N_FILES
    assert _row_count(db, "sources") == N_FILES
    assert _row_count(db, "facts") == N_FILES * 2 * FACTS_PER_REPORT
    assert list((db.parent / "inbox").glob("*.json")) == []  # heartbeat gone, no leftovers


HOLDER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("READY", flush=True)
time.sleep(120)
"""


def test_lock_held_by_another_process_times_out_and_writes_nothing(tmp_path):
    db, f = _empty_db_and_one_report(tmp_path)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "READY"
        env = {**os.environ, "GONGKAI_ARCHIVE": str(tmp_path / "archive")}
        t0 = time.monotonic()
        r = _cli_load_waiting(f, db, "1.5", env)
        waited = time.monotonic() - t0
        assert r.returncode == 2
        assert "locked by another process" in r.stderr and f"pid {holder.pid}" in r.stderr
        assert "nothing was written" in r.stderr
        assert waited >= 1.5  # it did wait (bounded by the test's own timeout above)
    finally:
        holder.kill()
        holder.wait()
    assert _row_count(db, "sources") == 0
    assert not (tmp_path / "archive").exists()  # nothing archived either


PAGES_SERVER = textwrap.dedent('''
    import json, os, sys, time
    from pathlib import Path
    root, db_path, out_path, stop_path = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])
    sys.path.insert(0, root)
    os.environ["GONGKAI_DB"] = str(db_path)
    from streamlit.testing.v1 import AppTest
    from etl.store import connection as shared_db, loader, writer
    from etl.model import Fact, Report

    def fake(path):  # file i: agency i, 2020 and 2021, disclosure.items = 1000 + i
        i = int(Path(path).read_text(encoding="utf-8"))
        return [Report(source=str(path), position=pos, title=f"{i}-{year}", agency=f"页面{i:03d}局",
                       printed_agency=None, year=year, kind="disclosure_report", form="narrative",
                       facts=[Fact("disclosure.items", float(1000 + i)),
                              Fact("requests.received", float(i))])
                for pos, year in enumerate((2020, 2021), start=1)]

    loader._default_extractor = lambda: fake
    # exactly what dashboard.py does: the process connection, and the writer started on it
    writer.start_dashboard_writer(shared_db.shared_connection())
    print("READY", flush=True)
    runs, problems = [], []
    while not stop_path.exists():
        at = AppTest.from_file(os.path.join(root, "pages", "overview.py"), default_timeout=120)
        at.query_params["lang"] = "en"
        at.run()
        if at.exception:
            problems.append([e.message for e in at.exception])
            continue
        m = {x.label: x.value for x in at.metric}
        runs.append([m.get("Agencies reporting"), m.get("Items disclosed")])
    out_path.write_text(json.dumps({"runs": runs, "problems": problems}))
''')


def test_dashboard_pages_during_a_cli_load_show_whole_files_only(tmp_path):
    """Overview page runs (AppTest, in the process that holds the database) during a CLI load:
    no exception, and the headline always matches a whole number of files."""
    if not (ROOT / "pages" / "overview.py").exists():
        pytest.skip("no overview page yet")
    n_files = 12
    db = tmp_path / "g.duckdb"
    store.connect(db).close()
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(n_files):
        (folder / f"{i:03d}.txt").write_text(str(i), encoding="utf-8")
    script = tmp_path / "pages_server.py"
    script.write_text(PAGES_SERVER, encoding="utf-8")
    out, stop = tmp_path / "pages.json", tmp_path / "stop"
    env = {**os.environ, "GONGKAI_ARCHIVE": str(tmp_path / "archive")}
    server = subprocess.Popen([sys.executable, str(script), str(ROOT), str(db), str(out), str(stop)],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().strip() == "READY", server.stderr.read()
        r = subprocess.run([sys.executable, "-m", "etl", "load", str(folder), "--db", str(db), "--wait", "60"],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
        assert r.returncode == 0, r.stderr
        assert "handing the files to its writer" in r.stderr
        time.sleep(0.1)
    finally:
        _stop_server(server, stop, timeout=180)
    report = json.loads(out.read_text())
    assert report["problems"] == []
    allowed = {k: f"{1000 * k + k * (k - 1) // 2:,}" for k in range(1, n_files + 1)}
    assert report["runs"], "no page run finished"
    for agencies, items in report["runs"]:
        if agencies is None:  # empty database: the page shows its empty state
            assert items is None
            continue
        k = int(agencies.replace(",", ""))
        assert items == allowed[k], f"{agencies} agencies but items {items}: part of a file?"


STUCK_DASHBOARD = """
import json, os, sys, time, duckdb
from pathlib import Path
con = duckdb.connect(sys.argv[1])
inbox = Path(sys.argv[1]).parent / "inbox"
inbox.mkdir(exist_ok=True)
print("READY", flush=True)
while True:  # a live heartbeat, but nobody ever claims a job (a writer stuck elsewhere)
    (inbox / "writer.json").write_text(json.dumps({"pid": os.getpid()}))
    time.sleep(0.3)
"""


def test_live_but_busy_dashboard_job_is_withdrawn_exit_2_nothing_written(tmp_path):
    db, f = _empty_db_and_one_report(tmp_path)
    stuck = subprocess.Popen([sys.executable, "-c", STUCK_DASHBOARD, str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert stuck.stdout.readline().strip() == "READY"
        r = _cli_load_waiting(f, db, "1.5", {**os.environ, "GONGKAI_ARCHIVE": str(tmp_path / "archive")})
        assert r.returncode == 2, r.stderr
        assert "did not take the job" in r.stderr and "nothing was written" in r.stderr
        inbox = db.parent / "inbox"
        assert sorted(p.name for p in inbox.iterdir()) == [writer.HEARTBEAT]  # job withdrawn
    finally:
        stuck.kill()
        stuck.wait()
    assert _row_count(db, "sources") == 0


NARRATIVE = (
    "{agency}2020年政府信息公开工作年度报告\n一、概述\n2020年，我局认真贯彻落实《中华人民共和国政府信息公开条例》。\n"
    "二、主动公开政府信息情况\n2020年我局共主动公开政府信息{items}条。\n"
    "三、依申请公开政府信息情况\n2020年共受理政府信息公开申请{req}件。\n"
)
BUREAUS = ["商务局", "财政局", "教育局", "民政局", "司法局", "审计局", "统计局", "林业局", "水利局", "体育局"]


@pytest.mark.skipif(not CHROMIUM.exists() or not (ROOT / "dashboard.py").exists(),
                    reason="needs /usr/bin/chromium and dashboard.py")
def test_real_dashboard_server_pages_during_a_cli_load(tmp_path):
    """``streamlit run dashboard.py`` holds the database; ``python -m etl load`` hands it files
    (real extraction) while a browser reloads the overview: no exception on any page, and the
    headline (agencies reporting, items disclosed) always matches a whole number of files."""
    from playwright.sync_api import sync_playwright

    n_files = len(BUREAUS)
    folder = tmp_path / "in"
    folder.mkdir()
    for i, bureau in enumerate(BUREAUS):
        (folder / f"{i:03d}.txt").write_text(
            NARRATIVE.format(agency=f"临江市{bureau}", items=1000 + i, req=i), encoding="utf-8")
    db = tmp_path / "data" / "g.duckdb"
    env = {**os.environ, "GONGKAI_DB": str(db), "GONGKAI_ARCHIVE": str(tmp_path / "archive"),
           "PYTHONUNBUFFERED": "1"}
    # one file first, so the dashboard does not build the demo into an empty database
    r = subprocess.run([sys.executable, "-m", "etl", "load", str(folder / "000.txt")],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    port = free_port()
    log = (tmp_path / "server.log").open("w")
    proc = start_dashboard(port, env, log)
    seen: list[tuple[str, str]] = []
    try:
        wait_health(port, proc, timeout=60.0)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROME_ARGS, headless=True)
            page = browser.new_page()

            def look() -> None:
                page.goto(f"http://127.0.0.1:{port}/?lang=en", wait_until="domcontentloaded")
                # the database is never empty here, so a finished run always shows the headline
                page.wait_for_selector("[data-testid='stMetric']", timeout=60_000)
                page.wait_for_selector(DONE, timeout=60_000)
                assert page.locator("[data-testid='stException']").count() == 0, page.content()[:2000]
                values = {}
                for m in page.locator("[data-testid='stMetric']").all():
                    label = m.locator("[data-testid='stMetricLabel']").inner_text().strip()
                    values[label] = m.locator("[data-testid='stMetricValue']").inner_text().strip()
                seen.append((values.get("Agencies reporting", ""), values.get("Items disclosed", "")))

            look()  # the server holds the file from here on (the writer starts on first run)
            load = subprocess.Popen(
                [sys.executable, "-m", "etl", "load", str(folder), "--wait", "60"],
                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            while load.poll() is None:
                look()
            out, err = load.communicate()
            assert load.returncode == 0, err
            assert "handing the files to its writer" in err
            assert f"{n_files - 1} loaded, 1 unchanged, 0 failed" in err
            look()
            browser.close()
    finally:
        stop_dashboard(proc, grace=15)
        log.close()
    allowed = {str(k): f"{1000 * k + k * (k - 1) // 2:,}" for k in range(1, n_files + 1)}
    for agencies, items in seen:
        assert agencies in allowed and items == allowed[agencies], (seen, "part of a file shown")
    assert seen[0] == ("1", "1,000") and seen[-1] == (str(n_files), allowed[str(n_files)])
