"""Benchmark: ``python -m etl load`` of a 10,000-row long-format xlsx, whole process (issue 12).

    .venv/bin/python benchmarks/bench_load.py [--rows 10000] [--repeat 3]
        [--demo-db PATH] [--province-db PATH] [--root TREE]

Not a test: prints medians and ratios, asserts nothing. The target is ≤ 3 s whole process into
the province database (``python -m etl synth``, ~32 M facts).

The workbook is what an analyst sends: 667 agency-years of the demo city's agencies (2008–2024)
with 15 figures each — 表三 totals with carry-over, the 规章 / 规范性文件 stock, the main
volumes —, every other year printed under the agency's alias, with carry-over breaks, stock
that does not add up and a few jumps, so the cross-year checks, duplicate reports (the demo
database holds every one of these agency-years already) and alias resolution all have work.

For each database the file is copied (the originals stay intact; the copy is not timed), then
``python -m etl load`` runs as its own process. Baselines measured in the same run, because a
shared 2-core machine is noisy: the same load into an empty database, and the bare start-up
``python -c "import etl.cli"``. ``--root`` runs another checkout of the project (e.g. one
made with ``git archive <commit> | tar -x -C TREE``) with this venv, to measure before and
after a change on the same machine at the same time.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: The figures of one agency-year (all totals, breakdown "").
METRICS = (
    "requests.received", "requests.carried_over_in", "requests.processed_total",
    "requests.carried_over_out", "requests.granted",
    "disclosure.regulations_in_force", "disclosure.regulations_made", "disclosure.regulations_repealed",
    "disclosure.normative_docs_in_force", "disclosure.normative_docs_made",
    "disclosure.normative_docs_repealed", "disclosure.items", "appeals.review_total",
    "disclosure.licensing_decisions", "disclosure.penalty_decisions",
)


def agency_years() -> list[tuple[str, int, int]]:
    """(printed agency, year, agency number) in the order written: agency by agency, year by year."""
    from etl.demo.registry import AGENCIES

    out = []
    for n, a in enumerate(AGENCIES):
        for year in range(2008, 2025):
            printed = a.aliases[0] if a.aliases and year % 2 else a.name
            out.append((printed, year, n))
    return out


def year_values(n: int, year: int) -> dict[str, float]:
    """Figures of agency ``n`` in ``year``: carried over consistently except every 7th year,
    stock adding up except every 5th, a tenfold jump every 11th."""
    k = year - 2008
    received = 40 + 13 * n + 9 * k
    cin = (n + k) % 6 if (n + k) % 7 else 99
    cout = (n + k + 1) % 6
    stock = 20 + 3 * k + (n % 4) + (7 if (n + k) % 5 == 0 else 0)
    items = (300 + 17 * n + 25 * k) * (10 if (n + k) % 11 == 0 else 1)
    return {
        "requests.received": received, "requests.carried_over_in": cin,
        "requests.processed_total": received + cin - cout, "requests.carried_over_out": cout,
        "requests.granted": received // 2,
        "disclosure.regulations_in_force": stock, "disclosure.regulations_made": 3,
        "disclosure.regulations_repealed": 0,
        "disclosure.normative_docs_in_force": 2 * stock, "disclosure.normative_docs_made": 6,
        "disclosure.normative_docs_repealed": 0, "disclosure.items": items,
        "appeals.review_total": (n + k) % 4, "disclosure.licensing_decisions": 100 + 5 * k + n,
        "disclosure.penalty_decisions": 30 + 2 * k,
    }


def build(path: Path, rows: int) -> int:
    """Write the long-format workbook; returns the number of data rows."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("long")
    ws.append(["agency", "year", "metric_id", "breakdown", "value", "unit", "note"])
    written = 0
    for printed, year, n in agency_years():
        vals = year_values(n, year)
        for m in METRICS:
            if written >= rows:
                break
            ws.append([printed, year, m, "", vals[m], None, None])
            written += 1
    wb.save(path)
    return written


def run(cmd: list[str], env: dict[str, str], cwd: Path = ROOT) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    took = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return took


def copy_db(src: Path, dst: Path) -> None:
    for suffix in ("", ".wal"):
        s = src.with_name(src.name + suffix)
        d = dst.with_name(dst.name + suffix)
        if d.exists():
            d.unlink()
        if s.exists():
            shutil.copyfile(s, d)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--demo-db", type=Path, default=Path("/tmp/setbased/demo.duckdb"),
                    help="demo database (python -m etl demo); copied, never written")
    ap.add_argument("--province-db", type=Path, default=ROOT / "data" / "synth" / "province.duckdb",
                    help="province database (python -m etl synth); copied, never written")
    ap.add_argument("--work", type=Path, default=None, help="folder for the copies (default: a temp dir)")
    ap.add_argument("--root", type=Path, default=ROOT,
                    help="project tree whose `python -m etl load` is measured (default: this one)")
    args = ap.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="gongkai-bench-load-"))
    work.mkdir(parents=True, exist_ok=True)
    xlsx = work / "long.xlsx"
    n = build(xlsx, args.rows)
    print(f"{n:,} rows, {len({(p, y) for p, y, _ in agency_years()[: -(-n // len(METRICS))]})} "
          f"agency-years, {xlsx.stat().st_size / 1e6:.2f} MB")
    py = str(ROOT / ".venv" / "bin" / "python")
    if not Path(py).exists():
        py = sys.executable
    env = {**os.environ, "GONGKAI_ARCHIVE": str(work / "archive")}
    env.pop("GONGKAI_DB", None)

    root = args.root.resolve()
    print(f"measuring {root}")
    startup = [run([py, "-c", "import etl.cli"], env, root) for _ in range(args.repeat)]
    t_start = statistics.median(startup)
    print(f"baseline `python -c 'import etl.cli'`: median {t_start:.2f} s")

    def load_into(label: str, original: Path | None) -> float | None:
        if original is not None and not original.exists():
            print(f"{label}: {original} missing, skipped")
            return None
        times = []
        for i in range(args.repeat):
            db = work / f"{label}.duckdb"
            if original is None:
                for f in (db, db.with_name(db.name + ".wal")):
                    f.unlink(missing_ok=True)
            else:
                copy_db(original, db)
            times.append(run([py, "-m", "etl", "load", "--db", str(db), str(xlsx)], env, root))
        med = statistics.median(times)
        print(f"{label}: median {med:.2f} s of {args.repeat} whole-process loads "
              f"(runs: {', '.join(f'{t:.2f}' for t in times)})")
        return med

    t_empty = load_into("empty", None)
    t_demo = load_into("demo", args.demo_db)
    t_prov = load_into("province", args.province_db)
    for label, t in (("demo", t_demo), ("province", t_prov)):
        if t is None:
            continue
        print(f"{label}: {t / t_empty:.1f}× the load into an empty database, "
              f"{t / t_start:.1f}× the bare start-up")
    if t_prov is not None:
        print(f"province target ≤ 3 s: {'OK' if t_prov <= 3 else 'MISSED'} ({t_prov:.2f} s)")
    for f in work.glob("*.duckdb*"):  # the copies, their WAL and any snapshot folders
        if f.is_dir():
            shutil.rmtree(f, ignore_errors=True)
        else:
            f.unlink()


if __name__ == "__main__":
    main()
