"""The dashboard's database as its pages see it: the newest snapshot, read-only, one cursor per
thread, pinned for a whole page run.

No dashboard process holds the primary database file (``etl/store/snapshot.py``): after every
committed load or correction the writer publishes an immutable snapshot, and each process opens
snapshots read-only — any number of processes can, so several ``streamlit run`` processes can
serve one database behind a proxy. A page run takes :func:`cursor` as often as it likes and gets
the same snapshot from start to end (so each loaded file is seen entirely or not at all);
:func:`new_run` (called by ``dashboard.py`` at the start of every page run) lets the next
:func:`cursor` move to the newest snapshot. A connection per snapshot is shared by the threads
that read it; a connection nobody reads any more is closed.

Writes go through :func:`writing` (the writers' lock, the primary read-write, a snapshot
published on the way out) — the upload page and corrections use it, and so does the CLI through
``etl.store.writer``.
"""
from __future__ import annotations

import contextlib
import os
import threading
import time
from pathlib import Path
from typing import Iterator

import duckdb

from etl.store import database, snapshot

_lock = threading.Lock()
# primary path → snapshot name → read-only connection of that snapshot
_connections: dict[str, dict[str, duckdb.DuckDBPyConnection]] = {}
# primary path → thread id → (snapshot name, cursor): every pinned cursor, so close() can close
# them and the cursors of finished threads (Streamlit starts a thread per run) do not pile up
_pins: dict[str, dict[int, tuple[str, duckdb.DuckDBPyConnection]]] = {}
_local = threading.local()
#: how long a reader waits for a writer when there is no snapshot at all yet (seconds)
READER_WAIT_S = 10.0


def _key(path: Path | str | None) -> str:
    return str(Path(path) if path else database.db_path())


def read_only() -> bool:
    """``GONGKAI_READ_ONLY=1``: never write (no demo build, no uploads, no snapshot publishing;
    without a snapshot the primary is opened read-only, as a second viewer would)."""
    return os.environ.get("GONGKAI_READ_ONLY", "").strip().lower() in ("1", "true", "yes")


def _open_snapshot(key: str) -> tuple[str, duckdb.DuckDBPyConnection]:
    """(name, connection) of the newest snapshot of ``key``, opened once per process."""
    for _ in range(5):
        if read_only():
            snap = snapshot.current(key)
            if snap is None:
                name = "primary"
                with _lock:
                    con = _connections.setdefault(key, {}).get(name)
                    if con is None:
                        con = database.connect(key, read_only=True)
                        _connections[key][name] = con
                return name, con
        else:
            snap = snapshot.ensure_current(key, timeout=READER_WAIT_S)
            if snap is None:
                raise duckdb.IOException(f"no snapshot of {key} could be published")
        with _lock:
            cons = _connections.setdefault(key, {})
            con = cons.get(snap.name)
            if con is not None:
                return snap.name, con
        try:
            con = duckdb.connect(str(snap.path), read_only=True, config=reader_config())
        except duckdb.IOException:
            if not snap.path.exists():  # collected between reading the pointer and opening
                time.sleep(0.01)
                continue
            raise
        with _lock:
            other = _connections.setdefault(key, {}).setdefault(snap.name, con)
        if other is not con:
            con.close()
        return snap.name, other
    raise duckdb.IOException(f"the snapshots of {key} changed too fast to open one")


def _collect(key: str) -> None:
    """Close the connections of snapshots no live thread reads any more (not the newest)."""
    live = {t.ident for t in threading.enumerate()}
    to_close: list[duckdb.DuckDBPyConnection] = []
    with _lock:
        pins = _pins.setdefault(key, {})
        for tid in [t for t in pins if t not in live]:
            to_close.append(pins.pop(tid)[1])
        used = {name for name, _ in pins.values()}
        cons = _connections.get(key, {})
        names = sorted(cons)
        newest = names[-1] if names else None
        for name in names:
            if name not in used and name != newest:
                to_close.append(cons.pop(name))
    for c in to_close:
        with contextlib.suppress(duckdb.Error):
            c.close()


def _pin(key: str, run: bool) -> duckdb.DuckDBPyConnection:
    cache: dict[str, tuple[str, duckdb.DuckDBPyConnection, bool]] = (
        getattr(_local, "pins", None) or {})
    _local.pins = cache
    held = cache.get(key)
    valid = held is not None and held[0] in _connections.get(key, {})  # not closed by close()
    if valid and held[2]:  # pinned for this page run: the same snapshot to the end of the run
        return held[1]
    name, con = _open_snapshot(key)
    if valid and held[0] == name:
        if run:
            cache[key] = (name, held[1], True)
        return held[1]
    cur = con.cursor()
    with _lock:
        old = _pins.setdefault(key, {}).get(threading.get_ident())
        _pins[key][threading.get_ident()] = (name, cur)
    if old is not None:
        with contextlib.suppress(duckdb.Error):
            old[1].close()
    cache[key] = (name, cur, run)
    _collect(key)
    return cur


def run_cursor(path: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """Page code: this thread's cursor on the snapshot of this page run — the newest one at the
    first call after :func:`new_run` (Streamlit runs each page run in a thread of its own),
    the same one for every later call of the run."""
    return _pin(_key(path), True)


def cursor(path: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """This thread's cursor on the newest snapshot (inside a page run: the run's snapshot, see
    :func:`run_cursor`). For code outside page runs: scripts, tests."""
    return _pin(_key(path), False)


def snapshot_name(path: Path | str | None = None) -> str:
    """The name of the snapshot this page run reads (see :func:`run_cursor`): a cache key that
    changes with every published change."""
    key = _key(path)
    run_cursor(key)
    return _local.pins[key][0]


def new_run(path: Path | str | None = None) -> None:
    """Start of a page run: the next :func:`run_cursor` of this thread takes the newest snapshot."""
    key = _key(path)
    cache = getattr(_local, "pins", None)
    held = cache.get(key) if cache else None
    if held is not None:
        cache[key] = (held[0], held[1], False)  # kept while it is still the newest


@contextlib.contextmanager
def writing(path: Path | str | None = None, timeout: float = snapshot.LOCK_WAIT_S
            ) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to the primary for one write (upload, correction), taken in turn
    with every other writer; a snapshot is published when it ends, and this thread's next
    :func:`cursor` reads it."""
    key = _key(path)
    if read_only():
        raise PermissionError("the dashboard runs read-only (GONGKAI_READ_ONLY)")
    try:
        with snapshot.writing(key, timeout) as con:
            yield con
    finally:
        new_run(key)


def close(path: Path | str | None = None) -> None:
    """Close every connection and cursor of ``path`` in this process (tests; a later call
    reopens the newest snapshot)."""
    key = _key(path)
    with _lock:
        cons = list(_connections.pop(key, {}).values())
        curs = [c for _, c in _pins.pop(key, {}).values()]
    for c in [*curs, *cons]:
        with contextlib.suppress(duckdb.Error):
            c.close()
    cache = getattr(_local, "pins", None)
    if cache:
        cache.pop(key, None)


def close_all() -> None:
    """Close every connection of this process (end of a test)."""
    for key in list(_connections):
        close(key)


def reader_config() -> dict[str, object]:
    """DuckDB settings of a dashboard's snapshot connections: ``GONGKAI_DUCKDB_THREADS`` caps
    each process's query threads. Why: N dashboard processes on C cores each start C DuckDB
    threads by default, and the N×C threads contend for the same cores (deploy/serve.sh sets
    C/N)."""
    raw = os.environ.get("GONGKAI_DUCKDB_THREADS", "").strip()
    return {"threads": int(raw)} if raw.isdigit() and int(raw) > 0 else {}


def shared_connection(path: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """The read-only connection of the snapshot this thread reads (shared by the threads that
    read the same snapshot); page code takes a :func:`cursor` instead."""
    key = _key(path)
    name = snapshot_name(key)
    with _lock:
        return _connections[key][name]


def published_reports(path: Path | str | None = None) -> int:
    """Reports in the current snapshot of ``path`` when it is up to date, else 0 (a cheap
    first-start check that takes no lock: another process may be writing)."""
    key = _key(path)
    snap = snapshot.current(key)
    if snap is None or snapshot.stale(key):
        return 0
    try:
        con = duckdb.connect(str(snap.path), read_only=True)
    except duckdb.Error:
        return 0
    try:
        return int(con.execute("SELECT count(*) FROM reports").fetchone()[0])
    except duckdb.Error:
        return 0
    finally:
        con.close()
