"""Command-line writes: open the database for one load (or a read for an export), in turn with
every other writer, never waiting on a dashboard.

Dashboards read published snapshots and never hold the primary file (``etl/store/snapshot.py``),
so ``python -m etl load`` opens it itself: :func:`open_for_write` takes the writers' lock
(waiting, bounded by ``--wait``, while another load, an upload or a correction runs), opens the
primary read-write, and :meth:`WriteTarget.close` publishes a snapshot of what was committed
before it lets go — also after a failed or interrupted load, since every stored file is one
committed transaction. Reads (``export``, ``check-archive``) open the current snapshot and wait
for nobody.

(The inbox through which a command-line load used to hand its files to the dashboard that held
the file is gone: nothing holds the file for longer than one write any more.)
"""
from __future__ import annotations

import contextlib
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import duckdb

from etl.store import database, snapshot
from etl.store.snapshot import LockTimeout

__all__ = ["LockTimeout", "WriteTarget", "open_for_write", "is_lock_error", "lock_holder_pid"]

_LOCK_PID = re.compile(r"\(PID (\d+)\)")


@dataclass
class WriteTarget:
    """An open database for one command: :attr:`con` is the primary read-write (under the
    writers' lock) or a snapshot read-only. :meth:`close` publishes, closes and unlocks."""

    con: duckdb.DuckDBPyConnection | None = None
    _stack: contextlib.ExitStack | None = field(default=None, repr=False)

    def close(self) -> None:
        stack, self._stack = self._stack, None
        if stack is not None:
            self.con = None
            stack.close()  # publishes a snapshot of what was committed, closes, unlocks
        elif self.con is not None:
            self.con.close()
            self.con = None


def lock_holder_pid(exc: BaseException) -> int | None:
    """The pid DuckDB names in a "Could not set lock" error, if any."""
    m = _LOCK_PID.search(str(exc))
    return int(m.group(1)) if m else None


def is_lock_error(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.Error) and "lock" in str(exc).lower()


def open_for_write(
    db: Path | None = None,
    timeout: float = 30.0,
    *,
    read_only: bool = False,
    sleep: Callable[[float], None] = time.sleep,
) -> WriteTarget:
    """Open ``db`` for one command.

    Writing: take the writers' lock (raises :class:`LockTimeout` naming the holder after
    ``timeout`` seconds; nothing written), open the primary read-write; a process outside the
    lock that holds the file (``etl demo`` building it) is waited for the same way. Reading
    (``read_only``): the current snapshot (published first if the primary changed), or the
    primary itself read-only when no snapshot can be had.
    """
    db = Path(db) if db else database.db_path()
    deadline = time.monotonic() + max(0.0, timeout)
    if read_only:
        if not db.exists():
            return WriteTarget(con=database.connect(db))
        try:
            snap = snapshot.ensure_current(db, timeout=max(0.0, timeout))
        except duckdb.Error as exc:
            if not is_lock_error(exc):
                raise
            snap = None
        if snap is not None:
            try:
                return WriteTarget(con=duckdb.connect(str(snap.path), read_only=True))
            except duckdb.IOException:
                if snap.path.exists():
                    raise
        return WriteTarget(con=database.connect(db, read_only=True))
    delay = 0.1
    while True:
        stack = contextlib.ExitStack()
        try:
            con = stack.enter_context(
                snapshot.writing(db, max(0.0, deadline - time.monotonic())))
            return WriteTarget(con=con, _stack=stack)
        except duckdb.Error as exc:
            stack.close()
            if not is_lock_error(exc):
                raise
            if time.monotonic() >= deadline:
                pid = lock_holder_pid(exc)
                raise LockTimeout(
                    f"database {db} is locked by another process"
                    f"{f' (pid {pid})' if pid else ''}; waited {timeout:g} s; nothing was written"
                ) from None
        sleep(min(delay, max(0.0, deadline - time.monotonic())) or 0.01)
        delay = min(delay * 2, 1.0)
