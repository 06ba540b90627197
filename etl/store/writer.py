"""Sharing one DuckDB file between the dashboard process and command-line loads.

DuckDB lets one process hold a database file read-write, and while it does, no other process can
open the file at all (not even read-only). The model:

* The **dashboard process owns the file**. Pages read through per-thread cursors of one shared
  connection; DuckDB's MVCC gives each query a snapshot, and every file is written in one
  transaction (``etl.store.loader``), so a page sees a file's reports all or none.
* Inside the dashboard, an :class:`InboxWriter` thread serves writes requested by other
  processes. It polls the inbox folder (``<db folder>/inbox``) every ~0.5 s, claims a job
  atomically (``rename <id>.job.json → <id>.claimed``), runs :func:`etl.store.loader.load_paths` on
  its own cursor, and writes ``<id>.result.json`` atomically. A second thread refreshes the
  heartbeat file ``writer.json`` every second, so clients can tell a live dashboard writer
  from a stale file.
* ``python -m etl load`` first tries to open the file itself (:func:`open_for_write`), with
  bounded retries. If the file is locked *and* a live dashboard writer is present, it hands its
  files to the inbox (:func:`submit_and_wait`). If the job is not claimed within the timeout it
  is withdrawn (``rename → .cancelled`` succeeds only while unclaimed) and the command exits
  non-zero: nothing was written. A claimed job runs to the end (each file one transaction);
  the client keeps waiting while the heartbeat is alive, and Ctrl-C asks the writer to stop
  after the current file. If the lock is held by something else (another load, a script),
  the command retries until the timeout, then exits non-zero naming the holder's pid.

Rename is atomic on a local file system, which is what makes claim-vs-withdraw race-free: of the
two renames of ``<id>.job.json`` exactly one succeeds.
"""
from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import duckdb

from etl.store import database, export

log = logging.getLogger(__name__)

HEARTBEAT = "writer.json"
#: A heartbeat older than this (seconds) means no live writer.
HEARTBEAT_STALE_S = 5.0
POLL_S = 0.5
#: Results nobody collected are removed after this many seconds.
RESULT_TTL_S = 3600.0

_LOCK_PID = re.compile(r"\(PID (\d+)\)")


def inbox_dir(db: Path | None = None) -> Path:
    """The inbox beside the database file: ``<db folder>/inbox``."""
    db = Path(db) if db else database.db_path()
    return db.parent / "inbox"


_default_inbox = inbox_dir  # the parameter of InboxWriter shadows the function's name


def _write_json_atomic(path: Path, data: Any) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _read_json(path: Path) -> Any | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError, OSError):
        return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def writer_alive(inbox: Path, lock_pid: int | None = None) -> bool:
    """True when a dashboard writer refreshed its heartbeat recently (and, when the pid holding
    the database lock is known, that writer is the holder)."""
    hb = _read_json(inbox / HEARTBEAT)
    if not isinstance(hb, dict):
        return False
    try:
        age = time.time() - (inbox / HEARTBEAT).stat().st_mtime
        pid = int(hb.get("pid", -1))
    except (OSError, TypeError, ValueError):
        return False
    if age > HEARTBEAT_STALE_S or not _pid_alive(pid):
        return False
    return lock_pid is None or lock_pid == pid


# ---------------------------------------------------------------------------- server side


class InboxWriter:
    """The dashboard's writer thread: serves load/export jobs dropped into the inbox.

    Start it once per process (the dashboard does so through ``st.cache_resource``); it uses
    its own cursor of ``con`` and never touches the caller's.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        inbox_dir: Path | None = None,
        *,
        poll_s: float = POLL_S,
        extractor: Callable[..., Any] | None = None,
    ) -> None:
        self.con = con
        self.inbox = Path(inbox_dir) if inbox_dir else _default_inbox()
        self.poll_s = poll_s
        self.extractor = extractor
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.jobs_done = 0

    # lifecycle --------------------------------------------------------------
    def start(self) -> "InboxWriter":
        """Start the heartbeat and worker threads (idempotent)."""
        if self._threads and all(t.is_alive() for t in self._threads):
            return self
        self.inbox.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._recover_interrupted()
        self._beat()
        self._stop.clear()
        self._threads = [
            threading.Thread(target=self._heartbeat_loop, name="gongkai-heartbeat", daemon=True),
            threading.Thread(target=self._work_loop, name="gongkai-inbox", daemon=True),
        ]
        for t in self._threads:
            t.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop both threads (the current file finishes first) and remove the heartbeat."""
        self._stop.set()
        for t in self._threads:
            if t is not threading.current_thread():
                t.join(timeout)
        self._drop_heartbeat()

    def _drop_heartbeat(self) -> None:
        try:
            hb = _read_json(self.inbox / HEARTBEAT)
            if isinstance(hb, dict) and hb.get("pid") == os.getpid():
                (self.inbox / HEARTBEAT).unlink()
        except OSError:
            pass

    @property
    def alive(self) -> bool:
        return bool(self._threads) and all(t.is_alive() for t in self._threads)

    # loops ------------------------------------------------------------------
    def _beat(self) -> None:
        _write_json_atomic(self.inbox / HEARTBEAT, {"pid": os.getpid(), "time": time.time()})

    def _heartbeat_loop(self) -> None:
        while not self._stop.wait(1.0):
            try:
                self._beat()
            except OSError:
                log.warning("could not refresh the writer heartbeat", exc_info=True)

    def _work_loop(self) -> None:
        cur = self.con.cursor()
        try:
            while not self._stop.is_set():
                try:
                    cur.execute("SELECT 1").fetchall()  # cheap probe: is the connection open?
                    self.run_once(cur)
                except duckdb.ConnectionException:
                    # The dashboard closed its connection (e.g. shutting down, or rebuilding the
                    # demo): stop serving and drop the heartbeat so clients open the file
                    # themselves once it is released, instead of waiting on a dead writer.
                    log.warning("inbox writer stopped: the database connection was closed")
                    self._stop.set()
                    for t in self._threads:
                        if t is not threading.current_thread():
                            t.join(5)
                    self._drop_heartbeat()
                    break
                except Exception:  # noqa: BLE001 - the thread must survive one bad job
                    log.exception("inbox writer failed")
                self._stop.wait(self.poll_s)
        finally:
            try:
                cur.close()
            except Exception:  # noqa: BLE001
                pass

    # jobs -------------------------------------------------------------------
    def run_once(self, cur: duckdb.DuckDBPyConnection | None = None) -> int:
        """Claim and run every waiting job, oldest first; returns how many ran."""
        cur = cur or self.con.cursor()
        jobs = sorted(self.inbox.glob("*.job.json"), key=lambda p: (_mtime(p), p.name))
        ran = 0
        for job in jobs:
            if self._stop.is_set():
                break
            job_id = job.name[: -len(".job.json")]
            claimed = self.inbox / f"{job_id}.claimed"
            try:
                os.rename(job, claimed)  # the claim: fails if the client withdrew it
            except FileNotFoundError:
                continue
            result = self._run_job(job_id, claimed, cur)
            _write_json_atomic(self.inbox / f"{job_id}.result.json", result)
            for leftover in (claimed, self.inbox / f"{job_id}.stop"):
                try:
                    leftover.unlink()
                except FileNotFoundError:
                    pass
            ran += 1
            self.jobs_done += 1
        self._clean_old()
        return ran

    def _run_job(self, job_id: str, claimed: Path, cur: duckdb.DuckDBPyConnection) -> dict[str, Any]:
        spec = _read_json(claimed)
        if not isinstance(spec, dict):
            return {"status": "error", "message": "the job file could not be read"}
        kind = spec.get("kind", "load")
        try:
            if kind == "load":
                return self._run_load(job_id, spec, cur)
            if kind == "export":
                return _run_export(spec, cur)
            return {"status": "error", "message": f"unknown job kind {kind!r}"}
        except Exception as exc:  # noqa: BLE001 - reported to the client, not raised
            log.exception("inbox job %s failed", job_id)
            return {"status": "error", "message": f"{type(exc).__name__}: {exc}"}

    def _run_load(self, job_id: str, spec: dict[str, Any], cur: duckdb.DuckDBPyConnection) -> dict[str, Any]:
        from etl.store.loader import LoadInterrupted, load_paths

        paths = spec.get("paths")
        if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
            return {"status": "error", "message": "the job lists no files"}
        progress_file = self.inbox / f"{job_id}.progress.json"
        stop_file = self.inbox / f"{job_id}.stop"

        def progress(done: int, total: int, label: str) -> None:
            try:
                _write_json_atomic(progress_file, {"done": done, "total": total, "label": label})
            except OSError:
                pass

        kwargs: dict[str, Any] = {}
        if self.extractor is not None:
            kwargs["extractor"] = self.extractor
        try:
            result = load_paths(
                [Path(p) for p in paths], cur, progress=progress,
                force=bool(spec.get("force", False)),
                only_valid_rows=bool(spec.get("only_valid_rows", False)),
                should_stop=lambda: self._stop.is_set() or stop_file.exists(), **kwargs,
            )
        except LoadInterrupted as exc:  # a query interrupted under us: report, keep the thread
            result = exc.result
        try:
            progress_file.unlink()
        except FileNotFoundError:
            pass
        return {"status": "done", **result.to_dict()}

    def _recover_interrupted(self) -> None:
        """Jobs claimed by a writer that died: tell their clients instead of leaving them hanging."""
        for claimed in self.inbox.glob("*.claimed"):
            job_id = claimed.name[: -len(".claimed")]
            _write_json_atomic(
                self.inbox / f"{job_id}.result.json",
                {"status": "interrupted",
                 "message": "the dashboard stopped while running this job; files finished "
                            "before that are stored, run the same load again to complete it"},
            )
            try:
                claimed.unlink()
            except FileNotFoundError:
                pass

    def _clean_old(self) -> None:
        now = time.time()
        for f in self.inbox.glob("*.result.json"):
            if now - _mtime(f) > RESULT_TTL_S:
                try:
                    f.unlink()
                except FileNotFoundError:
                    pass
        for f in self.inbox.glob("*.cancelled"):
            try:
                f.unlink()
            except FileNotFoundError:
                pass


def _mtime(p: Path) -> float:
    try:
        return p.stat().st_mtime
    except OSError:
        return 0.0


def _run_export(spec: dict[str, Any], cur: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    out = spec.get("out")
    if not isinstance(out, str) or not os.path.isabs(out):
        return {"status": "error", "message": "the export job names no absolute output file"}
    try:
        rows = export.export_facts(
            cur, Path(out), agency=spec.get("agency"),
            year_from=spec.get("year_from"), year_to=spec.get("year_to"), strict=True,
        )
    except ValueError as exc:  # a bad filter (unknown agency, empty year range): say it plainly
        return {"status": "error", "message": str(exc), "usage": True}
    except OSError as exc:  # the output folder is not writable by the dashboard, disk full …
        return {"status": "error", "message": f"cannot write {out}: {exc.strerror or exc}"}
    return {"status": "done", "rows": rows, "out": out}


_WRITERS: dict[int, InboxWriter] = {}
_WRITERS_LOCK = threading.Lock()


def start_dashboard_writer(con: duckdb.DuckDBPyConnection, inbox: Path | None = None) -> InboxWriter:
    """Start (once per connection) the inbox writer for the dashboard's shared connection."""
    with _WRITERS_LOCK:
        w = _WRITERS.get(id(con))
        if w is None or not w.alive:
            w = InboxWriter(con, inbox).start()
            _WRITERS[id(con)] = w
        return w


# ---------------------------------------------------------------------------- client side


class LockTimeout(Exception):
    """The database stayed locked by a process that is not a dashboard writer."""


@dataclass
class WriteTarget:
    """Where a command-line write goes: our own connection, or a live dashboard's inbox."""

    con: duckdb.DuckDBPyConnection | None = None
    inbox: Path | None = None

    def close(self) -> None:
        if self.con is not None:
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
    inbox: Path | None = None,
    read_only: bool = False,
    sleep: Callable[[float], None] = time.sleep,
) -> WriteTarget:
    """Open ``db`` for writing, or find the live dashboard writer that holds it.

    Retries with backoff (0.1 s doubling to 1 s) while the file is locked by something that is
    not a live dashboard writer; raises :class:`LockTimeout` after ``timeout`` seconds.
    """
    db = Path(db) if db else database.db_path()
    inbox = inbox or inbox_dir(db)
    deadline = time.monotonic() + max(0.0, timeout)
    delay = 0.1
    while True:
        try:
            if read_only:
                if not db.exists():
                    return WriteTarget(con=database.connect(db))
                return WriteTarget(con=database.connect(db, read_only=True))
            return WriteTarget(con=database.connect(db))
        except duckdb.Error as exc:
            if not is_lock_error(exc):
                raise
            pid = lock_holder_pid(exc)
            if writer_alive(inbox, pid):
                return WriteTarget(inbox=inbox)
            if time.monotonic() >= deadline:
                who = f" (pid {pid})" if pid else ""
                raise LockTimeout(
                    f"database {db} is locked by another process{who}; waited {timeout:g} s; "
                    "nothing was written"
                ) from None
        sleep(min(delay, max(0.0, deadline - time.monotonic())) or 0.01)
        delay = min(delay * 2, 1.0)


def submit_job(spec: dict[str, Any], inbox: Path) -> str:
    """Drop a job into the inbox atomically; returns its id."""
    job_id = f"{int(time.time() * 1000):013d}-{uuid.uuid4().hex[:12]}"
    inbox.mkdir(parents=True, exist_ok=True, mode=0o700)
    _write_json_atomic(inbox / f"{job_id}.job.json", {"id": job_id, "client_pid": os.getpid(), **spec})
    return job_id


def withdraw_job(job_id: str, inbox: Path) -> bool:
    """Withdraw an unclaimed job; False if the writer has already claimed it."""
    try:
        os.rename(inbox / f"{job_id}.job.json", inbox / f"{job_id}.cancelled")
    except FileNotFoundError:
        return False
    try:
        (inbox / f"{job_id}.cancelled").unlink()
    except FileNotFoundError:
        pass
    return True


def wait_for_job(
    job_id: str,
    inbox: Path,
    timeout: float,
    *,
    progress: Callable[[int, int, str], None] | None = None,
    poll_s: float = 0.2,
) -> dict[str, Any]:
    """Wait for a job's result; withdraw it if unclaimed after ``timeout`` seconds.

    Returns the writer's result dict (``status`` "done"/"error"/"interrupted"), or
    ``{"status": "timeout", ...}`` when the job was withdrawn unclaimed (nothing written), or
    ``{"status": "writer_gone", ...}`` when the writer stopped mid-job.
    """
    result_file = inbox / f"{job_id}.result.json"
    job_file = inbox / f"{job_id}.job.json"
    deadline = time.monotonic() + max(0.0, timeout)
    try:
        while True:
            result = _read_json(result_file)
            if isinstance(result, dict):
                _cleanup(job_id, inbox)
                return result
            if progress is not None:
                p = _read_json(inbox / f"{job_id}.progress.json")
                if isinstance(p, dict):
                    progress(int(p.get("done", 0)), int(p.get("total", 0)), str(p.get("label", "")))
            if job_file.exists():
                if time.monotonic() >= deadline or not writer_alive(inbox):
                    if withdraw_job(job_id, inbox):
                        why = ("the dashboard writer did not take the job within "
                               f"{timeout:g} s" if writer_alive(inbox)
                               else "the dashboard writer stopped")
                        return {"status": "timeout", "written": False,
                                "message": f"{why}; the job was withdrawn and nothing was written"}
                    continue  # claimed meanwhile: wait for it
            elif not writer_alive(inbox) and not result_file.exists():
                time.sleep(poll_s)
                if _read_json(result_file) is None:
                    return {"status": "writer_gone",
                            "message": "the dashboard stopped during the load; files finished "
                                       "before that are stored; run the same load again"}
            time.sleep(poll_s)
    except KeyboardInterrupt:
        if withdraw_job(job_id, inbox):
            return {"status": "timeout", "written": False,
                    "message": "interrupted; the job was withdrawn and nothing was written"}
        (inbox / f"{job_id}.stop").touch()
        end = time.monotonic() + 120
        while time.monotonic() < end:
            result = _read_json(result_file)
            if isinstance(result, dict):
                _cleanup(job_id, inbox)
                result["interrupted"] = True
                return result
            time.sleep(poll_s)
        raise


def _cleanup(job_id: str, inbox: Path) -> None:
    for suffix in (".result.json", ".progress.json", ".stop"):
        try:
            (inbox / f"{job_id}{suffix}").unlink()
        except FileNotFoundError:
            pass


def submit_and_wait(
    paths: Sequence[str | Path],
    inbox: Path,
    timeout: float,
    *,
    progress: Callable[[int, int, str], None] | None = None,
    force: bool = False,
    only_valid_rows: bool = False,
) -> dict[str, Any]:
    """Hand a load to the dashboard writer and wait for it (see :func:`wait_for_job`)."""
    spec = {"kind": "load", "paths": [str(Path(p).resolve()) for p in paths], "force": force,
            "only_valid_rows": only_valid_rows}
    job_id = submit_job(spec, inbox)
    return wait_for_job(job_id, inbox, timeout, progress=progress)


def open_dashboard_db(db: Path | None = None, timeout: float = 60.0) -> duckdb.DuckDBPyConnection:
    """For the dashboard: open the database read-write, waiting (bounded) while a command-line
    load holds it. Raises :class:`LockTimeout` naming the holder after ``timeout`` seconds."""
    db = Path(db) if db else database.db_path()
    deadline = time.monotonic() + timeout
    delay = 0.1
    while True:
        try:
            return database.connect(db)
        except duckdb.Error as exc:
            if not is_lock_error(exc):
                raise
            if time.monotonic() >= deadline:
                pid = lock_holder_pid(exc)
                raise LockTimeout(
                    f"database {db} is locked by another process"
                    f"{f' (pid {pid})' if pid else ''}; waited {timeout:g} s"
                ) from None
        time.sleep(delay)
        delay = min(delay * 2, 1.0)
