"""Load benchmark: 20 concurrent browser-less sessions rerunning pages while a load runs.

Not a test (timings are noisy on a shared 2-core machine): it prints the median and
95th-percentile page rerun time and the error count, against the targets of zero errors and
p95 ≤ 2 s.

Set-up, as in production: a real ``streamlit run dashboard.py`` server on a copy of the
province-scale database (it owns the file and runs the inbox writer). Twenty sessions talk to
it over Streamlit's own websocket protocol, exactly what a browser tab sends (a ``rerun_script``
message with the page and its query string), without a browser: each loops over random pages
with random agencies of one region and year ranges — pausing between reruns for a think time, as
a person reading the page does (``--think-min/--think-max``, 0 for a saturation test) — and
times each rerun from request to
``script_finished``; an exception element in a rerun, a failed rerun or a dropped connection
counts as an error. Meanwhile ``python -m etl load`` runs in another process on generated
standard-form reports; it finds the database held by the server and hands its files over
through the inbox, so loads are committed while the sessions read.

    .venv/bin/python benchmarks/bench_sessions.py [--db data/synth/province.duckdb]
        [--sessions 20] [--seconds 60] [--files 40] [--think-min 3 --think-max 12]
"""
from __future__ import annotations

import argparse
import asyncio
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default=str(ROOT / "data" / "synth" / "province.duckdb"))
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--files", type=int, default=40)
    ap.add_argument("--think-min", type=float, default=3.0,
                    help="seconds a user looks at a page before the next rerun (minimum)")
    ap.add_argument("--think-max", type=float, default=12.0)
    args = ap.parse_args()
    src = Path(args.db)
    if not src.exists():
        print(f"{src} does not exist: run `python -m etl synth` first", file=sys.stderr)
        return 2

    work = Path(tempfile.mkdtemp(prefix="gongkai-sessions-"))
    db = work / "province.duckdb"
    shutil.copy(src, db)
    corpus = work / "corpus"
    corpus.mkdir()
    make_corpus(corpus, args.files)
    env = {**os.environ, "GONGKAI_DB": str(db), "GONGKAI_ARCHIVE": str(work / "archive")}

    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    regions = [r for (r,) in con.execute(
        "SELECT DISTINCT region FROM agencies WHERE region IS NOT NULL").fetchall()]
    by_region = {r: [n for (n,) in con.execute(
        "SELECT name FROM agencies WHERE region = ? ORDER BY agency_id LIMIT 60", [r]).fetchall()]
        for r in regions}
    reports_before = con.execute("SELECT count(*) FROM reports").fetchone()[0]
    con.close()

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
         "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        import urllib.request

        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        result = asyncio.run(_drive(port, args, by_region, corpus, db, env))
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    times, errors, load, load_s = result
    con = duckdb.connect(str(db), read_only=True)
    reports_after = con.execute("SELECT count(*) FROM reports").fetchone()[0]
    con.close()

    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))] if times else float("nan")
    med = statistics.median(times) if times else float("nan")
    print(f"database: copy of {src} ({reports_before:,} reports before, {reports_after:,} after)")
    print(f"load: {args.files} files through the dashboard's inbox in {load_s:.1f} s, "
          f"exit code {load.returncode}")
    if load.returncode:
        print(load.stdout[-2000:], load.stderr[-2000:])
    print(f"sessions: {args.sessions} (think time {args.think_min:g}–{args.think_max:g} s between "
          f"reruns), page reruns: {len(times)} in {args.seconds:.0f} s")
    print(f"rerun time: median {med:.2f} s, p95 {p95:.2f} s (target p95 ≤ 2 s)")
    print(f"errors: {len(errors)} (target 0)")
    for e in errors[:10]:
        print("  ", e)
    shutil.rmtree(work, ignore_errors=True)
    return 0 if (not errors and p95 <= 2.0 and load.returncode == 0) else 1


async def _drive(port: int, args: argparse.Namespace, by_region: dict[str, list[str]],
                 corpus: Path, db: Path, env: dict[str, str]):
    from urllib.parse import urlencode

    times: list[float] = []
    errors: list[str] = []
    deadline = time.perf_counter() + args.seconds
    regions = sorted(by_region)

    async def session(k: int) -> None:
        rng = random.Random(k)
        await asyncio.sleep(rng.uniform(0, args.think_max))  # users do not all start at once
        try:
            async with Session(port) as tab:
                while time.perf_counter() < deadline:
                    page = rng.choice(PAGES)
                    region = rng.choice(regions)
                    agencies = rng.sample(by_region[region], k=min(5, len(by_region[region])))
                    y0 = rng.randint(2008, 2018)
                    query = urlencode([("agency", a) for a in agencies]
                                      + [("year_from", y0), ("year_to", rng.randint(y0, 2024))])
                    dt, problems = await tab.rerun(page, query)
                    times.append(dt)
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

    results = await asyncio.gather(load_files(), *(session(k) for k in range(args.sessions)))
    load, load_s = results[0]
    return times, errors, load, load_s


if __name__ == "__main__":
    raise SystemExit(main())
