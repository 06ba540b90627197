"""Load benchmark: 20 concurrent browser-less sessions rerunning pages while a load runs.

Not a test (timings are noisy on a shared 2-core machine): it prints the median and
95th-percentile page rerun time and the error count, against the targets of zero errors and
p95 ≤ 2 s.

Set-up, as in production: this process plays the dashboard server. It opens a copy of the
province-scale database through ``etl.db`` (one shared connection, a cursor per thread) and
starts the inbox writer exactly as ``dashboard.py`` does. Twenty threads each drive their own
AppTest session (a real Streamlit script run of a page, with its own query string: random
agencies of one region and a random page) in a loop. Meanwhile ``python -m etl load`` runs in a
separate process on generated standard-form reports; it finds the database held by this
process and hands its files over through the inbox, so the loads are committed while the
sessions read.

    .venv/bin/python benchmarks/bench_sessions.py [--db data/synth/province.duckdb]
        [--sessions 20] [--seconds 60] [--files 40]
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = ["overview", "disclosure", "categories", "requests", "investment", "quality"]


def make_corpus(folder: Path, n: int) -> list[Path]:
    """``n`` standard-form reports (txt/md/html/docx) of agencies that exist in the database."""
    from etl.fixtures import make_standard_report, render
    from etl.synth import agency_names

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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default=str(ROOT / "data" / "synth" / "province.duckdb"))
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--files", type=int, default=40)
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
    os.environ["GONGKAI_DB"] = str(db)
    os.environ["GONGKAI_ARCHIVE"] = str(work / "archive")

    from streamlit.testing.v1 import AppTest

    from etl import db as dbmod

    con = dbmod.shared_connection(db)
    writer = dbmod.start_writer(db)
    regions = [r[0] for r in con.cursor().execute(
        "SELECT DISTINCT region FROM agencies WHERE region IS NOT NULL").fetchall()]
    by_region = {r: [n for (n,) in con.cursor().execute(
        "SELECT name FROM agencies WHERE region = ? ORDER BY agency_id LIMIT 60", [r]).fetchall()]
        for r in regions}
    reports_before = con.cursor().execute("SELECT count(*) FROM reports").fetchone()[0]

    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def session(k: int) -> None:
        rng = random.Random(k)
        while not stop.is_set():
            page = rng.choice(PAGES)
            region = rng.choice(regions)
            agencies = rng.sample(by_region[region], k=min(5, len(by_region[region])))
            y0 = rng.randint(2008, 2018)
            at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=120)
            at.query_params["agency"] = agencies
            at.query_params["year_from"] = str(y0)
            at.query_params["year_to"] = str(rng.randint(y0, 2024))
            t0 = time.perf_counter()
            try:
                at.run()
                dt = time.perf_counter() - t0
                problem = [str(e.value)[:200] for e in at.exception]
            except Exception as exc:  # a crashed rerun is an error, not a crash of the bench
                dt = time.perf_counter() - t0
                problem = [f"{type(exc).__name__}: {exc}"[:200]]
            with lock:
                times.append(dt)
                errors.extend(f"{page}: {p}" for p in problem)

    threads = [threading.Thread(target=session, args=(k,), daemon=True) for k in range(args.sessions)]
    t_start = time.perf_counter()
    for th in threads:
        th.start()
    time.sleep(2.0)  # sessions are running before the load starts
    load = subprocess.run(
        [sys.executable, "-m", "etl", "load", str(corpus), "--db", str(db), "--wait", "600"],
        cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "GONGKAI_DB": str(db)},
    )
    load_s = time.perf_counter() - t_start - 2.0
    remaining = args.seconds - (time.perf_counter() - t_start)
    if remaining > 0:
        time.sleep(remaining)
    stop.set()
    for th in threads:
        th.join(timeout=180)
    reports_after = con.cursor().execute("SELECT count(*) FROM reports").fetchone()[0]
    if writer is not None:
        writer.stop()
    dbmod.close_all()

    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))] if times else float("nan")
    med = statistics.median(times) if times else float("nan")
    print(f"database: copy of {src} ({reports_before:,} reports before, {reports_after:,} after)")
    print(f"load: {args.files} files through the inbox in {load_s:.1f} s, exit code {load.returncode}")
    if load.returncode:
        print(load.stdout[-2000:], load.stderr[-2000:])
    print(f"sessions: {args.sessions}, page reruns: {len(times)}")
    print(f"rerun time: median {med:.2f} s, p95 {p95:.2f} s (target p95 ≤ 2 s)")
    print(f"errors: {len(errors)} (target 0)")
    for e in errors[:10]:
        print("  ", e)
    shutil.rmtree(work, ignore_errors=True)
    return 0 if (not errors and p95 <= 2.0 and load.returncode == 0) else 1


if __name__ == "__main__":
    raise SystemExit(main())
