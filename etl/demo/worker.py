"""Demo-build worker processes: each renders its share of the demo corpus and extracts each file.

Why plain child processes (:class:`WorkerPool`, running
:func:`etl.demo.corpus.worker_main`) rather than ``multiprocessing``: the demo is built inside the dashboard's server process, where Streamlit
replaces ``sys.modules["__main__"]`` with the page script and runs many threads. ``spawn`` would
re-run that script in every child and ``fork`` copies a process whose other threads may hold
locks. A plain child that computes the (deterministic) plan itself and takes every
``step``-th file from ``index`` needs neither, and its only input is its command line.

Protocol: one JSON object as the child's only argument (``corpus`` folder, ``agencies``, ``years``,
``index``, ``step``); for each of its files, in plan order, a frame on stdout: 8-byte
big-endian length, then ``pickle`` of ``(i, reports, error)`` where ``reports`` is what
:func:`etl.extract.pipeline.extract_file` returned (the real extraction path) or ``None`` and
``error`` is the exception it raised (or its text when the exception cannot be pickled).
"""
from __future__ import annotations

import os
import pickle
import struct
import sys
from pathlib import Path
import logging
import threading
from typing import Any, BinaryIO, Sequence

log = logging.getLogger(__name__)

FRAME = struct.Struct(">Q")


def render_and_extract(plan: Sequence[Any], i: int, corpus: Path) -> tuple[Path, list | None, Any]:
    """Write file ``i`` of ``plan`` into ``corpus`` and extract it; never raises for the file's
    own problems (they travel back and become the loader's per-file message)."""
    from etl.extract.pipeline import extract_file

    pf = plan[i]
    path = corpus / pf.name
    path.write_bytes(pf.render())
    try:
        return path, list(extract_file(path)), None
    except Exception as exc:  # noqa: BLE001 — the loader reports it for that file
        return path, None, exc


def write_frame(out: BinaryIO, item: tuple[int, list | None, Any]) -> None:
    """One result frame; an exception that does not survive pickling is sent as its text."""
    try:
        data = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
        if item[2] is not None:
            pickle.loads(data)  # an exception class may not rebuild from its args
    except Exception:  # noqa: BLE001 — e.g. an exception holding an unpicklable object
        i, reports, error = item
        data = pickle.dumps((i, reports, f"{type(error).__name__}: {error}"))
    out.write(FRAME.pack(len(data)))
    out.write(data)
    out.flush()


def read_frame(inp: BinaryIO) -> tuple[int, list | None, Any] | None:
    """The next frame from a worker's stdout, or None at its end."""
    head = inp.read(FRAME.size)
    if len(head) < FRAME.size:
        return None
    (n,) = FRAME.unpack(head)
    data = inp.read(n)
    if len(data) < n:
        return None
    return pickle.loads(data)  # noqa: S301 — our own child process, started by us


#: what a child runs: the plan lives in :mod:`etl.demo.corpus`, which imports this module
CHILD = "import sys; from etl.demo.corpus import worker_main; sys.exit(worker_main(sys.argv[1:]))"


class WorkerPool:
    """``workers`` children, worker k rendering and extracting files k, k+W, k+2W … of the plan
    for ``agencies`` and ``years``; a reader thread per child collects its frames."""

    def __init__(self, corpus: Path, agencies: int | Sequence[str] | None,
                 years: list[int] | None, workers: int) -> None:
        import json
        import subprocess
        import sys

        root = Path(__file__).resolve().parents[2]
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
        self.step = workers
        self.results: dict[int, tuple[list | None, object]] = {}
        self.alive = [True] * workers
        self.cond = threading.Condition()
        self.procs: list = []
        ag = list(agencies) if agencies is not None and not isinstance(agencies, int) else agencies
        for k in range(workers):
            arg = json.dumps({"corpus": str(corpus), "agencies": ag, "years": years,
                              "index": k, "step": workers})
            try:
                proc = subprocess.Popen([sys.executable, "-c", CHILD, arg],
                                        cwd=root, env=env, stdin=subprocess.DEVNULL,
                                        stdout=subprocess.PIPE)
            except OSError:
                log.warning("demo worker %d could not start; its files are built here", k)
                self.alive[k] = False
                continue
            self.procs.append(proc)
            threading.Thread(target=self._read, args=(k, proc), daemon=True,
                             name=f"demo-worker-{k}").start()

    def _read(self, k: int, proc) -> None:  # type: ignore[no-untyped-def]
        try:
            while True:
                frame = read_frame(proc.stdout)
                if frame is None:
                    break
                i, reports, error = frame
                with self.cond:
                    self.results[i] = (reports, error)
                    self.cond.notify_all()
        except Exception:  # noqa: BLE001 — a broken stream counts as a dead worker
            log.warning("demo worker %d sent a broken result", k, exc_info=True)
        finally:
            with self.cond:
                self.alive[k] = False
                self.cond.notify_all()

    def result(self, i: int) -> tuple[list | None, object] | None:
        """File ``i``'s (reports, error); None when its worker ended without sending it."""
        with self.cond:
            while i not in self.results and self.alive[i % self.step]:
                self.cond.wait(timeout=1.0)
            return self.results.pop(i, None)

    def close(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            if proc.stdout:
                proc.stdout.close()
