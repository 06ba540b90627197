"""The dashboard's database connection: opened once per process, one cursor per thread.

DuckDB lets one process hold a database file read-write, and a single connection used from two
threads at once raises "connection is busy". Streamlit runs every session's script in its own
thread, so the process keeps one connection per database path (the writer and uploads use it
too) and hands each thread its own ``con.cursor()``. Cursors of one connection share the
database instance and see every committed transaction (MVCC), so a page never sees half a file.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import duckdb

from etl.store import database

_lock = threading.Lock()
_connections: dict[str, duckdb.DuckDBPyConnection] = {}
# every live cursor by path and thread id, so close() can close them and cursors of finished
# threads (Streamlit starts a thread per script run) are closed instead of piling up
_cursors: dict[str, dict[int, duckdb.DuckDBPyConnection]] = {}
_local = threading.local()
_writers: dict[str, Any] = {}  # path → etl.store.writer.InboxWriter serving the inbox


def _key(path: Path | str | None) -> str:
    return str(Path(path) if path else database.db_path())


def read_only() -> bool:
    """``GONGKAI_READ_ONLY=1``: open the database read-only (benchmarks, a second viewer);
    then no demo build, no uploads and no inbox writer."""
    return os.environ.get("GONGKAI_READ_ONLY", "").strip().lower() in ("1", "true", "yes")


def shared_connection(path: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """The process-wide connection to ``path`` (default: ``database.db_path()``), read-write
    unless :func:`read_only`.

    Created (with the schema) on first use. Do not run queries on it from page code — take a
    :func:`cursor`; this object is for owners such as the inbox writer.
    """
    key = _key(path)
    with _lock:
        con = _connections.get(key)
        if con is None:
            con = database.connect(key, read_only=read_only())
            _connections[key] = con
        return con


def cursor(path: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """This thread's cursor on the shared connection (created on first use per thread)."""
    key = _key(path)
    cache: dict[str, tuple[duckdb.DuckDBPyConnection, duckdb.DuckDBPyConnection]] = (
        getattr(_local, "cursors", None) or {}
    )
    _local.cursors = cache
    con = shared_connection(key)
    held = cache.get(key)
    if held is not None and held[0] is con:
        return held[1]
    cur = con.cursor()
    with _lock:
        live = {t.ident for t in threading.enumerate()}
        by_thread = _cursors.setdefault(key, {})
        stale = [by_thread.pop(tid) for tid in list(by_thread) if tid not in live]
        old = by_thread.get(threading.get_ident())
        by_thread[threading.get_ident()] = cur
    for c in [*stale, old]:
        if c is not None:
            try:
                c.close()
            except duckdb.Error:
                pass
    cache[key] = (con, cur)
    return cur


def start_writer(path: Path | str | None = None) -> Any | None:
    """Start, once per database, the inbox writer (``etl/writer.py``) on the shared
    connection, so ``python -m etl load`` can hand files to this process. None when
    read-only or when the writer module is absent."""
    if read_only():
        return None
    try:
        from etl.store.writer import start_dashboard_writer
    except ImportError:
        return None
    key = _key(path)
    con = shared_connection(key)
    with _lock:
        w = _writers.get(key)
        if w is not None and getattr(w, "alive", True) and getattr(w, "con", con) is con:
            return w
        w = start_dashboard_writer(con)
        _writers[key] = w
        return w


def close(path: Path | str | None = None) -> None:
    """Stop the writer and close the shared connection and every cursor for ``path``
    (tests, demo rebuild; a later call reopens it)."""
    key = _key(path)
    with _lock:
        writer = _writers.pop(key, None)
    if writer is not None:
        try:
            writer.stop(timeout=5)
        except Exception:  # noqa: BLE001 — closing must not fail on a stuck writer
            pass
    with _lock:
        con = _connections.pop(key, None)
        curs = list(_cursors.pop(key, {}).values())
    # cursors are connections of their own: close them too, or the file stays open
    for c in [*curs, con]:
        if c is None:
            continue
        try:
            c.close()
        except duckdb.Error:
            pass
    cache = getattr(_local, "cursors", None)
    if cache:
        cache.pop(key, None)


def close_all() -> None:
    """Close every shared connection and writer (end of a test)."""
    for key in {*_connections, *_writers}:
        close(key)
