"""The first start of a dashboard process: an empty database gets the demo, in the background.

Why here and not in the page script: Streamlit runs ``dashboard.py`` once per page view, in a
thread of its own, so a build started from a page would make the first visitor wait on a blank
page (and any other visitor on the lock). Instead the server starts :func:`start` when it starts
(``dashboard.py``'s ``st.App`` lifespan), the build runs in one daemon thread of the process,
and every page run only reads :class:`Build`'s counters to draw a "building the demo data
(n of N files)" page until the data is there. A page run that finds no build started (e.g.
AppTest, which has no server) starts it itself; :func:`start` is idempotent per database.

No Streamlit here: this is process state, shared by the lifespan (module ``dashboard``) and the
page runs (a fresh ``__main__`` module each time), which only an imported module can be.
"""
from __future__ import annotations

import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from etl.store import connection, database


@dataclass
class Build:
    """What a page needs to know about the first-start build of one database file."""

    db: str
    state: str = "checking"  # checking → building → ready | failed
    done: int = 0
    total: int = 0
    error: str | None = None
    started: float = field(default_factory=time.monotonic)
    seconds: float | None = None
    finished: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def ready(self) -> bool:
        """True once the pages can be shown (data loaded, none needed, or the build failed)."""
        return self.finished.is_set()

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` s for :attr:`ready` (a quick check should not flash a page)."""
        return self.finished.wait(timeout)

    def progress(self, done: int, total: int, _name: str = "") -> None:
        """The build's progress callback: files stored so far of all."""
        self.state = "building"
        self.done, self.total = int(done), int(total)


_lock = threading.Lock()
_builds: dict[str, Build] = {}


def start(db: Path | str | None = None) -> Build:
    """The build of ``db`` (default: the configured database), started if it was not yet."""
    key = str(Path(db) if db else database.db_path())
    with _lock:
        build = _builds.get(key)
        if build is None:
            build = _builds[key] = Build(key)
            threading.Thread(target=_run, args=(build,), daemon=True,
                             name="gongkai-first-start").start()
        return build


def current(db: Path | str | None = None) -> Build | None:
    """The build of ``db`` if one was started in this process."""
    return _builds.get(str(Path(db) if db else database.db_path()))


def forget(db: Path | str | None = None) -> None:
    """Drop what this process knows about ``db``'s build (tests; the file was replaced)."""
    with _lock:
        _builds.pop(str(Path(db) if db else database.db_path()), None)


def _run(build: Build) -> None:
    try:
        if connection.read_only():
            return
        if connection.published_reports(build.db):
            return  # the data is there (published by whoever wrote it); no lock needed
        # writers take turns (another dashboard process may be building it); the schema is
        # made, and a snapshot published for the readers, when this ends (etl/store/snapshot.py)
        with connection.writing(build.db, timeout=900) as con:
            row = con.execute("SELECT count(*) FROM reports").fetchone()
            if row and row[0]:
                return
            build.state = "building"
            from etl.demo import corpus

            # looked up now, not imported by name: tests replace it with a fake
            corpus.build_demo(Path(build.db), force=False, progress=build.progress)
    except Exception as exc:  # noqa: BLE001 — the dashboard still opens, with the reason
        traceback.print_exc(file=sys.stderr)
        build.error = f"{type(exc).__name__}: {exc}"
        build.state = "failed"
    finally:
        if build.state != "failed":
            build.state = "ready"
        build.seconds = time.monotonic() - build.started
        build.finished.set()
