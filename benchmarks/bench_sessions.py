"""Load benchmark: 20 concurrent browser-less sessions rerunning pages while a load runs.

Not a test (timings are noisy on a shared 2-core machine): it prints, per set-up, the
throughput (page reruns per second), the median and 95th-percentile rerun time and the error
count, and the ratio of 2 processes to 1 behind nginx, against the targets of ≥ 1.7×, zero
errors and p95 ≤ 2 s with think time.

Set-up, as in production: real ``streamlit run dashboard.py`` servers on a copy of the database
(default: the province-scale one) — one bare process (``--processes 0``) or N processes behind
Debian's nginx (``deploy/serve.sh N``; ``--processes 1,2`` measures both in one run). They read
published snapshots (``etl/store/snapshot.py``). Twenty sessions talk to the server over
Streamlit's own websocket protocol, exactly what a browser tab sends (a ``rerun_script`` message
with the page and its query string), without a browser: each loops over random pages (and a random tab
of the page's lazy tabs) with random agencies of one region and year ranges — pausing between reruns for a think time, as a person
reading the page does (``--think-min/--think-max``, 0 for a saturation test) — and times each
rerun from request to ``script_finished``; an exception element in a rerun, a failed rerun or a
dropped connection counts as an error. Meanwhile ``python -m etl load`` runs in another process
on generated standard-form reports: it takes the writers' lock, writes the primary and publishes
a snapshot, which the servers move to between page runs (``--no-load-too`` also measures each
set-up without the load). A websocket client sends no cookie, so nginx routes each session
(one websocket) by a fresh random route: sessions spread over the processes.

    .venv/bin/python benchmarks/bench_sessions.py [--db data/synth/province.duckdb]
        [--sessions 20] [--seconds 60] [--files 40] [--think-min 3 --think-max 12]
        [--processes 1,2] [--no-load-too]
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = ["overview", "disclosure", "categories", "requests", "investment", "quality"]


def page_tabs(page: str) -> list[str]:
    """The ``view`` values of a page in lazy tabs (its ``TABS``, read from the source: importing a
    page would run it), "" for its default tab; [""] for a page without tabs."""
    import ast

    tree = ast.parse((ROOT / "pages" / f"{page}.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "TABS" for t in node.targets):
            return ["", *ast.literal_eval(node.value)[1:]]
    return [""]


def make_corpus(folder: Path, n: int) -> list[Path]:
    """``n`` standard-form reports (txt/md/html/docx) of agencies that exist in the database."""
    from etl.demo.fixtures import make_standard_report
    from etl.demo.render import render
    from etl.demo.synth import agency_names

    names = [nm for nm, _, _ in agency_names(400)]
    fmts = ["txt", "md", "html", "docx"]
    paths = []
    for i in range(n):
        spec = make_standard_report(1000 + i, agency=names[i * 7 % len(names)], year=2025)
        fmt = fmts[i % len(fmts)]
        ext = {"html": "html", "docx": "docx", "md": "md"}.get(fmt, "txt")
        p = folder / f"report_{i:03d}.{ext}"
        p.write_bytes(render(spec, fmt))
        paths.append(p)
    return paths


def free_port() -> int:
    import socket

    with socket.socket() as sk:
        sk.bind(("127.0.0.1", 0))
        return sk.getsockname()[1]


class Session:
    """One browser tab's conversation with the server, over Streamlit's websocket protocol."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.ws = None

    async def __aenter__(self) -> "Session":
        import websockets

        self.ws = await websockets.connect(f"ws://127.0.0.1:{self.port}/_stcore/stream",
                                           subprotocols=["streamlit"], max_size=None)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.ws.close()

    async def rerun(self, page: str, query: str) -> tuple[float, list[str]]:
        """Open ``page?query`` in this session: (seconds until script_finished, problems)."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        problems: list[str] = []
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = "" if page == "overview" else page
        t0 = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        while True:
            fm = ForwardMsg()
            fm.ParseFromString(await asyncio.wait_for(self.ws.recv(), timeout=120))
            kind = fm.WhichOneof("type")
            if kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                el = fm.delta.new_element
                if el.WhichOneof("type") == "exception":
                    problems.append(f"{page}?{query}: {el.exception.message[:160]}")
            elif kind == "script_finished":
                if fm.script_finished == 2:  # FINISHED_EARLY_FOR_RERUN: a newer run replaced it
                    continue
                if fm.script_finished != 0:  # 0 = FINISHED_SUCCESSFULLY
                    problems.append(f"{page}?{query}: script finished with status {fm.script_finished}")
                return time.perf_counter() - t0, problems
            elif kind == "page_not_found":
                problems.append(f"{page}: page not found")


def _start_servers(n: int, env: dict[str, str], work: Path) -> tuple[subprocess.Popen, int]:
    """``n`` = 0: one bare ``streamlit run``; ``n`` ≥ 1: ``deploy/serve.sh n`` (nginx in front).
    Returns (process, port the sessions talk to) once every process answers."""
    import urllib.request

    port = free_port()
    if n == 0:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
             "--server.port", str(port), "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        ports = [port]
    else:
        while any(_busy(q) for q in range(port, port + n + 1)):
            port = free_port()
        proc = subprocess.Popen(
            ["bash", str(ROOT / "deploy" / "serve.sh"), str(n), str(port)], cwd=ROOT,
            env={**env, "GONGKAI_RUN_DIR": str(work / f"run{n}"), "PYTHON": sys.executable,
                 "PATH": env.get("PATH", "") + ":/usr/sbin"},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        ports = [port + i for i in range(1, n + 1)] + [port]
    for q in ports:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{q}/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
    return proc, port


def _busy(port: int) -> bool:
    import socket

    with socket.socket() as sk:
        try:
            sk.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def _stop(proc: subprocess.Popen) -> None:
    import signal

    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default=str(ROOT / "data" / "synth" / "province.duckdb"))
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--files", type=int, default=40)
    ap.add_argument("--think-min", type=float, default=3.0,
                    help="seconds a user looks at a page before the next rerun (minimum)")
    ap.add_argument("--think-max", type=float, default=12.0)
    ap.add_argument("--processes", default="0",
                    help="comma-separated process counts: 0 = one bare streamlit run, N = N "
                         "processes behind nginx (deploy/serve.sh); e.g. 1,2 for the ratio")
    ap.add_argument("--no-load-too", action="store_true",
                    help="also measure each set-up without a CLI load running")
    args = ap.parse_args()
    src = Path(args.db)
    if not src.exists():
        print(f"{src} does not exist: run `python -m etl synth` first", file=sys.stderr)
        return 2
    print(f"load average before: {os.getloadavg()[0]:.2f} (cores: {os.cpu_count()})")
    results: dict[tuple[int, bool], dict] = {}
    ok = True
    for n in [int(x) for x in args.processes.split(",")]:
        for with_load in ([False, True] if args.no_load_too else [True]):
            r = _run_one(n, with_load, args, src)
            results[(n, with_load)] = r
            ok = ok and not r["errors"] and r["load_rc"] == 0
            label = "1 bare process" if n == 0 else f"{n} behind nginx"
            print(f"{label:>16}, {'during a load' if with_load else 'no load':>13}: "
                  f"{r['throughput']:.2f} reruns/s, median {r['median']:.2f} s, "
                  f"p95 {r['p95']:.2f} s, errors {len(r['errors'])}"
                  + (f", load {r['load_s']:.1f} s exit {r['load_rc']}" if with_load else "")
                  + f" (this client: {r['client_cpu']:.0%} of a core; load average "
                    f"{r['loadavg']:.1f})",
                  flush=True)
            print("      per page (median / p95 s): " + ", ".join(
                f"{pg} {statistics.median(ts):.2f}/{ts[int(0.95 * (len(ts) - 1))]:.2f}"
                for pg, ts in sorted(r["by_page"].items()) if ts), flush=True)
            for e in r["errors"][:5]:
                print("     ", e)
    for with_load in (False, True):
        one, two = results.get((1, with_load)), results.get((2, with_load))
        if one and two and one["throughput"]:
            print(f"ratio 2 vs 1 processes {'during a load' if with_load else 'no load'}: "
                  f"{two['throughput'] / one['throughput']:.2f}x (target ≥ 1.7x)")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0 if ok else 1


def _run_one(n: int, with_load: bool, args: argparse.Namespace, src: Path) -> dict:
    work = Path(tempfile.mkdtemp(prefix="gongkai-sessions-"))
    db = work / src.name
    shutil.copy(src, db)
    corpus = work / "corpus"
    corpus.mkdir()
    make_corpus(corpus, args.files)
    env = {**os.environ, "GONGKAI_DB": str(db), "GONGKAI_ARCHIVE": str(work / "archive")}

    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    regions = [r for (r,) in con.execute(
        "SELECT DISTINCT region FROM agencies WHERE region IS NOT NULL").fetchall()]
    by_region = {r: [n_ for (n_,) in con.execute(
        "SELECT name FROM agencies WHERE region = ? ORDER BY agency_id LIMIT 60", [r]).fetchall()]
        for r in regions}
    by_region = {r: v for r, v in by_region.items() if v}
    con.close()
    server, port = _start_servers(n, env, work)
    import resource

    cpu0, wall0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    try:
        times, errors, load, load_s, by_page = asyncio.run(
            _drive(port, args, by_region, corpus, db, env, with_load))
    finally:
        _stop(server)
    cpu1, wall = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter() - wall0
    client_cpu = (cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime) / wall
    times.sort()
    shutil.rmtree(work, ignore_errors=True)
    return {"throughput": len(times) / args.seconds,
            "p95": times[int(0.95 * (len(times) - 1))] if times else float("nan"),
            "median": statistics.median(times) if times else float("nan"),
            "errors": errors, "load_rc": load.returncode if load else 0, "load_s": load_s,
            "client_cpu": client_cpu, "loadavg": os.getloadavg()[0],
            "by_page": {pg: sorted(ts) for pg, ts in by_page.items()}}


async def _drive(port: int, args: argparse.Namespace, by_region: dict[str, list[str]],
                 corpus: Path, db: Path, env: dict[str, str], with_load: bool = True):
    from urllib.parse import urlencode

    times: list[float] = []
    by_page: dict[str, list[float]] = {p: [] for p in PAGES}
    errors: list[str] = []
    deadline = time.perf_counter() + args.seconds
    regions = sorted(by_region)
    tabs = {p: page_tabs(p) for p in PAGES}

    async def session(k: int) -> None:
        rng = random.Random(k)
        await asyncio.sleep(rng.uniform(0, max(args.think_max, 1.0)))  # users do not all start at once
        try:
            async with Session(port) as tab:
                while time.perf_counter() < deadline:
                    page = rng.choice(PAGES)
                    region = rng.choice(regions)
                    agencies = rng.sample(by_region[region], k=min(5, len(by_region[region])))
                    y0 = rng.randint(2008, 2018)
                    view = rng.choice(tabs[page])  # a person opens a page, then its tabs
                    query = urlencode([("agency", a) for a in agencies]
                                      + [("year_from", y0), ("year_to", rng.randint(y0, 2024))]
                                      + ([("view", view)] if view else []))
                    dt, problems = await tab.rerun(page, query)
                    times.append(dt)
                    by_page[page].append(dt)
                    errors.extend(problems)
                    await asyncio.sleep(rng.uniform(args.think_min, args.think_max))
        except Exception as exc:  # a dropped session is an error, not a crash of the bench
            errors.append(f"session {k}: {type(exc).__name__}: {exc}"[:200])

    async def load_files():
        t0 = time.perf_counter()
        await asyncio.sleep(2.0)  # sessions are running before the load starts
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "etl", "load", str(corpus), "--db", str(db), "--wait", "600",
            cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await proc.communicate()
        done = subprocess.CompletedProcess(proc.args if hasattr(proc, "args") else "load",
                                           proc.returncode, out.decode(), err.decode())
        return done, time.perf_counter() - t0 - 2.0

    async def no_load():
        return None, 0.0

    results = await asyncio.gather(load_files() if with_load else no_load(),
                                   *(session(k) for k in range(args.sessions)))
    load, load_s = results[0]
    return times, errors, load, load_s, by_page


if __name__ == "__main__":
    raise SystemExit(main())
