"""A dashboard serves while ``python -m etl load`` runs at the same time.

A real server reads snapshots while the real command line loads many files: every page shows
each file either absent or complete. A second test holds the file from a process outside the
writers' lock: the command waits a bounded time, exits 2, writes nothing.
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


def _cli_load_waiting(f: Path, db: Path, wait: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """``python -m etl load F --db DB --wait S`` as an analyst runs it, output captured."""
    return subprocess.run([sys.executable, "-m", "etl", "load", str(f), "--db", str(db), "--wait", wait],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)

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


NARRATIVE = (
    "{agency}2020年政府信息公开工作年度报告\n一、概述\n2020年，我局认真贯彻落实《中华人民共和国政府信息公开条例》。\n"
    "二、主动公开政府信息情况\n2020年我局共主动公开政府信息{items}条。\n"
    "三、依申请公开政府信息情况\n2020年共受理政府信息公开申请{req}件。\n"
)
BUREAUS = ["商务局", "财政局", "教育局", "民政局", "司法局", "审计局", "统计局", "林业局", "水利局", "体育局"]


@pytest.mark.skipif(not CHROMIUM.exists() or not (ROOT / "dashboard.py").exists(),
                    reason="needs /usr/bin/chromium and dashboard.py")
def test_real_dashboard_server_pages_during_a_cli_load(tmp_path):
    """``streamlit run dashboard.py`` reads snapshots; ``python -m etl load`` writes the primary
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

            look()  # the server reads a snapshot from here on; the load never waits for it
            load = subprocess.Popen(
                [sys.executable, "-m", "etl", "load", str(folder), "--wait", "60"],
                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            while load.poll() is None:
                look()
            out, err = load.communicate()
            assert load.returncode == 0, err
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
