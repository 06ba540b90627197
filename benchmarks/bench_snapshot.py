"""Snapshot publication benchmark (not a test): how long making a read snapshot of a database
takes, by the method ``etl/store/snapshot.py`` uses (``CHECKPOINT`` + a file copy + fsync) against
``ATTACH … COPY FROM DATABASE`` (a logical copy), in the same run; medians of ``--repeat`` runs.

    .venv/bin/python benchmarks/bench_snapshot.py [DB …] [--repeat 3]
        [--synthetic-rows N]   # also a generated database of N fact-like rows (e.g. 30000000)
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _file_copy(con: duckdb.DuckDBPyConnection, db: Path, out: Path) -> None:
    con.execute("CHECKPOINT")
    with open(db, "rb") as src, open(out, "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
        dst.flush()
        os.fsync(dst.fileno())


def _logical_copy(con: duckdb.DuckDBPyConnection, db: Path, out: Path) -> None:
    name = con.execute("SELECT current_database()").fetchone()[0]
    con.execute(f"ATTACH '{out}' AS snap")
    con.execute(f"COPY FROM DATABASE \"{name}\" TO snap")
    con.execute("DETACH snap")


def measure(db: Path, repeat: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="gongkai-snap-", dir=db.parent))
    try:
        copy = work / db.name
        shutil.copy(db, copy)
        con = duckdb.connect(str(copy))
        size = copy.stat().st_size
        out = {}
        for label, fn in (("checkpoint + file copy", _file_copy),
                          ("COPY FROM DATABASE", _logical_copy)):
            times = []
            for i in range(repeat):
                target = work / f"snap-{i}.duckdb"
                t0 = time.perf_counter()
                fn(con, copy, target)
                times.append(time.perf_counter() - t0)
                with duckdb.connect(str(target), read_only=True) as check:
                    check.execute("SELECT count(*) FROM information_schema.tables").fetchone()
                target.unlink()
            out[label] = statistics.median(times)
        con.close()
        base = out["checkpoint + file copy"]
        print(f"{db} ({size / 1e6:,.1f} MB): " + ", ".join(
            f"{k} {v:.3f} s" for k, v in out.items())
            + f"; logical / file copy = {out['COPY FROM DATABASE'] / base:.1f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--synthetic-rows", type=int, default=0)
    args = ap.parse_args()
    dbs = list(args.db)
    tmp = None
    if args.synthetic_rows:
        tmp = Path(tempfile.mkdtemp(prefix="gongkai-snap-synth-"))
        synth = tmp / "synth.duckdb"
        with duckdb.connect(str(synth)) as con:
            con.execute(f"""
                CREATE TABLE facts AS
                SELECT (i // 100)::BIGINT AS report_id, (i % 20000)::INTEGER AS agency_id,
                       (2008 + i % 17)::INTEGER AS year, 'metric.' || (i % 90) AS metric_id,
                       '' AS breakdown, (i % 9973)::DOUBLE AS value, 'count' AS unit,
                       'raw text ' || (i % 1000) AS raw_text
                FROM range({args.synthetic_rows}) t(i)""")
        dbs.append(synth)
    if not dbs:
        dbs = [Path(os.environ.get("GONGKAI_DB") or ROOT / "data" / "gongkai.duckdb")]
    print(f"load average: {os.getloadavg()[0]:.2f}")
    for db in dbs:
        measure(db, args.repeat)
    if tmp:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
