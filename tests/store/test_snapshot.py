"""Snapshots (etl/store/snapshot.py) and the readers' view of them (etl/store/connection.py):
a page run sees one snapshot from start to end; writers take turns through one lock and never
wait on a reader; old snapshots go; a SIGKILLed load leaves every snapshot whole."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from etl.store import connection, database, snapshot, writer

ROOT = Path(__file__).resolve().parents[2]
NARRATIVE = "临江市{bureau}2023年政府信息公开工作年度报告\n本机关2023年主动公开政府信息{items}条。\n"


def _count(con: duckdb.DuckDBPyConnection, table: str = "meta") -> int:
    return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.fixture()
def db(tmp_path: Path):
    p = tmp_path / "g.duckdb"
    yield p
    connection.close(p)


def test_a_page_run_keeps_its_snapshot_and_the_next_run_sees_the_write(db: Path) -> None:
    run = connection.run_cursor(db)
    before = _count(run)
    seen: list[int] = []

    def other_session() -> None:  # another session's upload, in its own thread
        with connection.writing(db) as w:
            w.execute("INSERT INTO meta VALUES ('x', '1')")
        seen.append(_count(connection.run_cursor(db)))

    t = threading.Thread(target=other_session)
    t.start()
    t.join()
    assert seen == [before + 1]  # the writer's thread sees its own write
    assert connection.run_cursor(db) is run and _count(run) == before  # same run, same snapshot
    assert _count(connection.cursor(db)) == before  # inside a run, cursor() is the run's too
    connection.new_run(db)
    assert _count(connection.run_cursor(db)) == before + 1


def test_only_changes_publish_and_old_snapshots_are_removed_while_still_readable(db: Path) -> None:
    connection.cursor(db)
    first = snapshot.current(db)
    with connection.writing(db):
        pass
    assert snapshot.current(db) == first  # nothing committed, nothing published
    old = duckdb.connect(str(first.path), read_only=True)
    for i in range(4):
        with connection.writing(db) as w:
            w.execute("INSERT INTO meta VALUES (?, '1')", [f"k{i}"])
    names = sorted(p.name for p in snapshot.snapshot_dir(db).glob("*.duckdb"))
    assert len(names) == snapshot.KEEP and f"{snapshot.current(db).name}.duckdb" in names
    assert not first.path.exists() and _count(old) >= 0  # removed, still readable by its reader
    old.close()


def test_a_primary_changed_without_publishing_is_published_for_the_next_reader(db: Path) -> None:
    n = _count(connection.cursor(db))
    con = database.connect(db)  # e.g. `python -m etl demo`, or a script
    con.execute("INSERT INTO meta VALUES ('outside', '1')")
    con.close()
    assert snapshot.stale(db)
    assert _count(connection.cursor(db)) == n + 1


def test_writers_take_turns_and_a_held_lock_times_out_naming_the_holder(db: Path) -> None:
    connection.cursor(db)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; sys.path.insert(0, sys.argv[1]);"
         "from etl.store import snapshot;"
         "cm = snapshot.writer_lock(sys.argv[2]); cm.__enter__(); print('held', flush=True);"
         "time.sleep(60)", str(ROOT), str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(writer.LockTimeout, match=f"pid {holder.pid}"):
            writer.open_for_write(db, timeout=0.3)
        # readers are never blocked by a writer
        assert _count(connection.cursor(db)) >= 0
    finally:
        holder.kill()
        holder.wait()
    target = writer.open_for_write(db, timeout=5)  # the kernel released the dead holder's lock
    target.con.execute("INSERT INTO meta VALUES ('after', '1')")
    target.close()
    assert _count(connection.cursor(db)) >= 1


def test_a_cli_load_never_waits_on_readers_of_other_processes(db: Path, tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(NARRATIVE.format(bureau="商务局", items=120), encoding="utf-8")
    before = _count(connection.cursor(db), "reports")
    reader = duckdb.connect(str(snapshot.current(db).path), read_only=True)  # another process's
    env = {**os.environ, "GONGKAI_DB": str(db), "GONGKAI_ARCHIVE": str(tmp_path / "archive")}
    r = subprocess.run([sys.executable, "-m", "etl", "load", str(f), "--wait", "2"], cwd=ROOT,
                       env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert _count(reader, "reports") == before  # its snapshot is immutable
    assert _count(connection.cursor(db), "reports") == before + 1
    reader.close()


def test_sigkill_of_the_writer_mid_load_leaves_every_snapshot_whole(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(60):
        (folder / f"{i:03d}.txt").write_text(
            NARRATIVE.format(bureau=f"第{i}局", items=1000 + i), encoding="utf-8")
    env = {**os.environ, "GONGKAI_DB": str(db), "GONGKAI_ARCHIVE": str(tmp_path / "archive")}
    connection.cursor(db)
    snap = snapshot.current(db)
    with duckdb.connect(str(snap.path), read_only=True) as c:
        before = c.execute("SELECT count(*) FROM reports").fetchone()[0]
    load = subprocess.Popen([sys.executable, "-m", "etl", "load", str(folder)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # kill it once some files are committed (the WAL grows), before it publishes
    wal = db.with_name(db.name + ".wal")
    end = time.monotonic() + 60
    while time.monotonic() < end and not (wal.exists() and wal.stat().st_size > 50_000):
        assert load.poll() is None, "the load ended before it could be killed"
        time.sleep(0.02)
    os.kill(load.pid, signal.SIGKILL)
    load.wait()
    assert snapshot.current(db) == snap  # the pointer did not move
    for p in snapshot.snapshot_dir(db).glob("*.duckdb"):  # every snapshot opens, whole
        with duckdb.connect(str(p), read_only=True) as c:
            c.execute("SELECT count(*) FROM facts").fetchone()
    with duckdb.connect(str(snap.path), read_only=True) as c:
        assert c.execute("SELECT count(*) FROM reports").fetchone()[0] == before
    r = subprocess.run([sys.executable, "-m", "etl", "load", str(folder), "--wait", "10"],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "0 failed" in r.stderr
    assert not list(snapshot.snapshot_dir(db).glob(".tmp-*"))
    assert _count(connection.cursor(db), "reports") == before + 60


def test_a_copy_left_half_made_by_a_killed_publisher_is_never_read_and_is_removed(db: Path) -> None:
    n = _count(connection.cursor(db))
    snap = snapshot.current(db)
    half = snapshot.snapshot_dir(db) / f".tmp-{snap.generation + 1:08d}-dead.duckdb"
    half.write_bytes(snap.path.read_bytes()[:4096])  # a copy cut short by SIGKILL
    connection.new_run(db)
    assert snapshot.current(db) == snap and _count(connection.cursor(db)) == n
    with connection.writing(db) as w:
        w.execute("INSERT INTO meta VALUES ('next', '1')")
    assert not half.exists() and _count(connection.cursor(db)) == n + 1


def test_reader_threads_follow_the_environment(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """deploy/serve.sh gives each of N processes cores/N DuckDB threads (GONGKAI_DUCKDB_THREADS);
    the snapshot connections a page reads take it, and anything but a positive count is ignored."""
    for raw, want in (("", {}), ("0", {}), ("two", {}), ("1", {"threads": 1}), (" 3 ", {"threads": 3})):
        monkeypatch.setenv("GONGKAI_DUCKDB_THREADS", raw)
        assert connection.reader_config() == want, raw
    monkeypatch.setenv("GONGKAI_DUCKDB_THREADS", "1")
    with connection.writing(db) as w:
        w.execute("INSERT INTO meta VALUES ('y', '1')")
    connection.new_run(db)
    threads = connection.run_cursor(db).execute("SELECT current_setting('threads')").fetchone()[0]
    assert int(threads) == 1
