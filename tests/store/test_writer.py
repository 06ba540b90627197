"""The inbox between ``python -m etl load`` and a dashboard that holds the database."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from etl.store import database as store
from etl.store import writer
from etl.model import Fact, Report

ROOT = Path(__file__).resolve().parents[2]


def fake_extract(path: Path) -> list[Report]:
    n = int(Path(path).read_text(encoding="utf-8"))
    return [Report(source=str(path), position=1, title="t", agency=f"局{n}", printed_agency=None,
                   year=2020, kind="disclosure_report", form="narrative",
                   facts=[Fact("disclosure.items", float(n))])]


@pytest.fixture()
def setup(tmp_path, monkeypatch):
    db = tmp_path / "g.duckdb"
    monkeypatch.setenv("GONGKAI_DB", str(db))
    monkeypatch.setenv("GONGKAI_ARCHIVE", str(tmp_path / "archive"))
    con = store.connect(db)
    inbox = writer.inbox_dir(db)
    files = []
    for i in range(3):
        p = tmp_path / "in" / f"{i}.txt"
        p.parent.mkdir(exist_ok=True)
        p.write_text(str(i + 1))
        files.append(p)
    yield con, inbox, files, tmp_path
    con.close()


def test_inbox_is_beside_the_database(tmp_path):
    assert writer.inbox_dir(tmp_path / "x.duckdb") == tmp_path / "inbox"


def test_writer_thread_serves_a_load_and_reports_per_file(setup):
    con, inbox, files, tmp = setup
    w = writer.InboxWriter(con, inbox, poll_s=0.05, extractor=fake_extract).start()
    try:
        assert writer.writer_alive(inbox) and writer.writer_alive(inbox, os.getpid())
        assert not writer.writer_alive(inbox, os.getpid() + 1)  # lock held by someone else
        seen = []
        res = writer.submit_and_wait(files + [tmp / "missing.txt"], inbox, 10,
                                     progress=lambda d, t, label: seen.append(d))
        assert res["status"] == "done"
        assert [f["status"] for f in res["files"]] == ["loaded"] * 3 + ["failed"]
        assert res["loaded"] == 3 and res["failed"] == 1
        cur = con.cursor()
        assert cur.execute("SELECT sum(value) FROM facts").fetchone()[0] == 6.0
        # nothing is left behind in the inbox but the heartbeat
        assert sorted(p.name for p in inbox.iterdir()) == [writer.HEARTBEAT]
        again = writer.submit_and_wait(files, inbox, 10)
        assert [f["status"] for f in again["files"]] == ["unchanged"] * 3
    finally:
        w.stop()
    assert not (inbox / writer.HEARTBEAT).exists()
    assert not writer.writer_alive(inbox)


def test_export_job_runs_in_the_writer(setup):
    con, inbox, files, tmp = setup
    w = writer.InboxWriter(con, inbox, poll_s=0.05, extractor=fake_extract).start()
    try:
        writer.submit_and_wait(files, inbox, 10)
        job = writer.submit_job({"kind": "export", "out": str(tmp / "o.csv")}, inbox)
        res = writer.wait_for_job(job, inbox, 10)
        assert res == {"status": "done", "rows": 3, "out": str(tmp / "o.csv")}
        assert (tmp / "o.csv").read_text(encoding="utf-8-sig").count("\n") == 4
        job = writer.submit_job({"kind": "export", "out": "relative.csv"}, inbox)
        assert writer.wait_for_job(job, inbox, 10)["status"] == "error"
    finally:
        w.stop()


def test_unclaimed_job_is_withdrawn_on_timeout_and_nothing_is_written(setup):
    """A heartbeat without a working writer (busy or hung): the client gives up cleanly."""
    con, inbox, files, tmp = setup
    inbox.mkdir(parents=True)
    (inbox / writer.HEARTBEAT).write_text(json.dumps({"pid": os.getpid()}))
    t0 = time.monotonic()
    res = writer.submit_and_wait(files, inbox, 0.5)
    assert res["status"] == "timeout" and res["written"] is False
    assert "nothing was written" in res["message"]
    assert time.monotonic() - t0 < 5
    assert list(inbox.glob("*.job.json")) == [] and list(inbox.glob("*.cancelled")) == []
    # a writer that starts later finds nothing to do
    w = writer.InboxWriter(con, inbox, extractor=fake_extract)
    assert w.run_once() == 0
    assert con.execute("SELECT count(*) FROM sources").fetchone()[0] == 0


def test_claimed_job_cannot_be_withdrawn(setup):
    con, inbox, files, tmp = setup
    job = writer.submit_job({"kind": "load", "paths": [str(files[0])]}, inbox)
    os.rename(inbox / f"{job}.job.json", inbox / f"{job}.claimed")  # the writer's claim
    assert writer.withdraw_job(job, inbox) is False
    assert (inbox / f"{job}.claimed").exists()


def test_malformed_jobs_get_an_error_result_and_the_writer_survives(setup):
    con, inbox, files, tmp = setup
    inbox.mkdir(parents=True)
    (inbox / "1-a.job.json").write_text("{not json")
    (inbox / "2-b.job.json").write_text(json.dumps({"kind": "load", "paths": "not-a-list"}))
    (inbox / "3-c.job.json").write_text(json.dumps({"kind": "drop tables"}))
    w = writer.InboxWriter(con, inbox, extractor=fake_extract)
    assert w.run_once() == 3
    for job in ("1-a", "2-b", "3-c"):
        res = json.loads((inbox / f"{job}.result.json").read_text())
        assert res["status"] == "error"
    assert con.execute("SELECT count(*) FROM sources").fetchone()[0] == 0


def test_jobs_of_a_dead_writer_are_reported_interrupted(setup):
    con, inbox, files, tmp = setup
    job = writer.submit_job({"kind": "load", "paths": [str(files[0])]}, inbox)
    os.rename(inbox / f"{job}.job.json", inbox / f"{job}.claimed")
    w = writer.InboxWriter(con, inbox, extractor=fake_extract).start()
    try:
        res = writer.wait_for_job(job, inbox, 5)
        assert res["status"] == "interrupted" and "run the same load again" in res["message"]
    finally:
        w.stop()


def test_stale_heartbeat_is_not_a_live_writer(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    hb = inbox / writer.HEARTBEAT
    hb.write_text(json.dumps({"pid": os.getpid()}))
    assert writer.writer_alive(inbox)
    old = time.time() - writer.HEARTBEAT_STALE_S - 5
    os.utime(hb, (old, old))
    assert not writer.writer_alive(inbox)
    hb.write_text("garbage")
    assert not writer.writer_alive(inbox)


HOLDER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("READY", flush=True)
time.sleep(60)
"""


@pytest.fixture()
def holder(tmp_path):
    db = tmp_path / "held.duckdb"
    store.connect(db).close()
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "READY"
    yield db, proc
    proc.kill()
    proc.wait()


def test_open_for_write_times_out_naming_the_holder(holder):
    db, proc = holder
    slept = []
    with pytest.raises(writer.LockTimeout) as err:
        writer.open_for_write(db, timeout=0.3, sleep=lambda s: (slept.append(s), time.sleep(s)))
    msg = str(err.value)
    assert f"pid {proc.pid}" in msg and "nothing was written" in msg and str(db) in msg
    assert slept and all(0 <= s <= 1.0 for s in slept)


def test_open_for_write_uses_the_inbox_of_a_live_dashboard_writer(holder):
    db, proc = holder
    inbox = writer.inbox_dir(db)
    inbox.mkdir()
    (inbox / writer.HEARTBEAT).write_text(json.dumps({"pid": proc.pid}))
    target = writer.open_for_write(db, timeout=0.3)
    assert target.con is None and target.inbox == inbox


def test_open_for_write_gets_the_file_once_released(holder, tmp_path):
    db, proc = holder
    proc.kill()
    proc.wait()
    target = writer.open_for_write(db, timeout=5)
    assert target.con is not None
    target.close()


def test_start_dashboard_writer_is_once_per_connection(setup):
    con, inbox, files, tmp = setup
    a = writer.start_dashboard_writer(con, inbox)
    try:
        assert writer.start_dashboard_writer(con, inbox) is a and a.alive
    finally:
        a.stop()


def test_writer_stops_and_drops_heartbeat_when_the_connection_closes(tmp_path):
    db = tmp_path / "c.duckdb"
    con = store.connect(db)
    inbox = writer.inbox_dir(db)
    w = writer.InboxWriter(con, inbox, poll_s=0.05, extractor=fake_extract).start()
    assert writer.writer_alive(inbox)
    for _ in range(100):
        try:
            con.close()  # refuses ("busy") while the writer's probe query runs: retry
            break
        except duckdb.Error:
            time.sleep(0.01)
    for _ in range(200):
        if not (inbox / writer.HEARTBEAT).exists() and not w._threads[1].is_alive():
            break
        time.sleep(0.05)
    assert not writer.writer_alive(inbox)
    w.stop()
    target = writer.open_for_write(db, timeout=5)  # the CLI can now open the file itself
    assert target.con is not None
    target.close()


def test_client_stops_waiting_when_the_writer_dies_mid_job(setup):
    con, inbox, files, tmp = setup
    job = writer.submit_job({"kind": "load", "paths": [str(files[0])]}, inbox)
    os.rename(inbox / f"{job}.job.json", inbox / f"{job}.claimed")  # claimed, then the writer died
    (inbox / writer.HEARTBEAT).write_text(json.dumps({"pid": os.getpid()}))
    old = time.time() - writer.HEARTBEAT_STALE_S - 1
    os.utime(inbox / writer.HEARTBEAT, (old, old))
    res = writer.wait_for_job(job, inbox, 30, poll_s=0.05)
    assert res["status"] == "writer_gone" and "run the same load again" in res["message"]


def test_open_dashboard_db_waits_bounded_for_a_cli_load(holder):
    db, proc = holder
    t0 = time.monotonic()
    with pytest.raises(writer.LockTimeout, match=f"pid {proc.pid}"):
        writer.open_dashboard_db(db, timeout=0.3)
    assert time.monotonic() - t0 < 10
