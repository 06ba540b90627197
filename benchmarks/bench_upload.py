"""Benchmark: a 10,000-row long-format xlsx validated and loaded (target ≤ 3 s, median of 3).

    .venv/bin/python benchmarks/bench_upload.py [--rows 10000] [--repeat 3]

Builds the workbook once (openpyxl, not timed), then for each run: a fresh database, then
``parse_spreadsheet`` (guard + read + validate + build reports) and ``load_spreadsheet`` (one
transaction). Prints the median and each phase, plus a baseline (reading the same sheet with
pandas + calamine) measured in the same run, because timings on a shared machine are noisy.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    from etl.metrics import APPLICANT_KEYS, load_metrics

    metrics = [m for m in load_metrics().values() if m.breakdown in ("", "applicant")]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("long")
    ws.append(["agency", "year", "metric_id", "breakdown", "value", "unit", "note"])
    n = 0
    agency = 0
    while n < rows:
        agency += 1
        for year in range(2015, 2025):
            for m in metrics:
                for b in ("",) + (APPLICANT_KEYS if m.breakdown == "applicant" else ()):
                    if n >= rows:
                        break
                    ws.append([f"测试市第{agency}局", year, m.metric_id, b, (n * 7) % 500, None, None])
                    n += 1
    wb.save(path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-upload-"))
    os.environ["GONGKAI_ARCHIVE"] = str(tmp / "archive")
    from etl.store import database
    from etl.store.loader import load_spreadsheet
    from etl.sheets.parse import parse_spreadsheet

    xlsx = tmp / "long.xlsx"
    build(xlsx, args.rows)
    print(f"{args.rows:,} rows, {xlsx.stat().st_size / 1e6:.1f} MB")
    import pandas as pd

    totals, parses, loads, bases = [], [], [], []
    for i in range(args.repeat):
        t0 = time.perf_counter()
        pd.read_excel(xlsx, engine="calamine", header=None)
        bases.append(time.perf_counter() - t0)
        con = database.connect(tmp / f"run{i}.duckdb")
        t0 = time.perf_counter()
        parsed = parse_spreadsheet(xlsx, con)
        t1 = time.perf_counter()
        res = load_spreadsheet(xlsx, con, parsed=parsed)
        t2 = time.perf_counter()
        con.close()
        assert res.status == "loaded", res.message
        assert res.facts == args.rows, (res.facts, args.rows)
        parses.append(t1 - t0)
        loads.append(t2 - t1)
        totals.append(t2 - t0)
    med = statistics.median(totals)
    print(f"validate: median {statistics.median(parses):.2f} s; load: median {statistics.median(loads):.2f} s")
    print(f"validate+load: median {med:.2f} s of {args.repeat} (runs: {', '.join(f'{t:.2f}' for t in totals)})"
          f" — target ≤ 3 s: {'OK' if med <= 3 else 'MISSED'}")
    base = statistics.median(bases)
    print(f"baseline pandas+calamine read: {base:.2f} s; ratio {med / base:.1f}×")


if __name__ == "__main__":
    main()
