"""Benchmark: every page and query at province scale, against a naive pandas baseline.

Not a test: timings on a shared 2-core machine are noisy, so this prints medians and the ratio
to a baseline measured in the same run, never asserts. Run ``python -m etl synth`` first (or
point ``--db`` at any database), then ``python -m etl bench`` or
``python benchmarks/bench_pages.py [--db PATH] [--repeat N]``.

What is measured:
- each query function the pages call (etl.query.overview / etl.query.analysis), median of ``repeat`` runs;
- each page's server-side run (AppTest, caches cleared before every run, so a cold rerun);
- the same headline aggregates done the naive way: all facts loaded into pandas, then grouped;
- the resident memory of this process after running every page (what a dashboard holds).
"""
from __future__ import annotations

import inspect
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

import duckdb
import psutil

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from etl.store.database import PROJECT_ROOT  # noqa: E402

PAGES = ["overview", "disclosure", "categories", "requests", "investment", "report", "quality"]
QUERY_TARGET_MS = 50.0
PAGE_TARGET_S = 0.5


def _median_time(fn: Callable[[], Any], repeat: int) -> float:
    fn()  # warm-up: first call pays for imports and the OS page cache
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _selection(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """A realistic supervisor's selection: the agencies of one city, all years."""
    region = con.execute(
        "SELECT region FROM agencies WHERE region IS NOT NULL GROUP BY region "
        "ORDER BY count(*) DESC, region LIMIT 1"
    ).fetchone()
    region_name = region[0] if region else None
    rows = con.execute(
        "SELECT agency_id, name FROM agencies WHERE region = ? ORDER BY agency_id LIMIT 12",
        [region_name],
    ).fetchall() if region_name else con.execute(
        "SELECT agency_id, name FROM agencies ORDER BY agency_id LIMIT 12"
    ).fetchall()
    y0, y1 = con.execute("SELECT min(year), max(year) FROM reports").fetchone()
    report = con.execute(
        "SELECT max(report_id) FROM reports WHERE agency_id = ?", [rows[0][0]]
    ).fetchone()[0] if rows else None
    return {
        "agency_ids": [r[0] for r in rows],
        "agency_names": [r[1] for r in rows],
        "year_from": int(y0 or 2008),
        "year_to": int(y1 or 2024),
        "report_id": report,
        "region": region_name,
    }


def _call_with(fn: Callable[..., Any], con: Any, sel: dict[str, Any]) -> Callable[[], Any] | None:
    """Bind a query function's parameters by name from the selection; None if it can't be."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    kwargs: dict[str, Any] = {}
    aliases = {
        "agency_ids": sel["agency_ids"], "ids": sel["agency_ids"], "agencies": sel["agency_ids"],
        "names": sel["agency_names"], "agency_names": sel["agency_names"],
        "year_from": sel["year_from"], "y0": sel["year_from"], "start": sel["year_from"],
        "year_to": sel["year_to"], "y1": sel["year_to"], "end": sel["year_to"],
        "report_id": sel["report_id"], "year": sel["year_to"],
    }
    params = list(sig.parameters.values())
    for i, p in enumerate(params):
        if i == 0 and p.name in ("con", "cur", "cursor", "conn", "db"):
            continue
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if p.name in aliases:
            kwargs[p.name] = aliases[p.name]
        elif p.default is inspect.Parameter.empty:
            return None
    return lambda: fn(con, **kwargs)


def bench_queries(con: duckdb.DuckDBPyConnection, repeat: int) -> list[tuple[str, float]]:
    """Median time of every public query function whose parameters the bench can bind."""
    import importlib

    sel = _selection(con)
    out: list[tuple[str, float]] = []
    for modname in ("etl.query.overview", "etl.query.analysis"):
        try:
            mod = importlib.import_module(modname)
        except ImportError:
            continue
        for name, fn in inspect.getmembers(mod, inspect.isfunction):
            if name.startswith("_") or fn.__module__ != modname:
                continue
            call = _call_with(fn, con.cursor(), sel)
            if call is None:
                continue
            try:
                out.append((f"{modname.split('.')[-1]}.{name}", _median_time(call, repeat)))
            except Exception as exc:  # a query that fails is reported, not hidden
                out.append((f"{modname.split('.')[-1]}.{name} FAILED: {exc}"[:120], float("nan")))
    return out


def _quiet_streamlit() -> None:
    """Clearing caches outside a server run logs "bare mode" warnings on every call."""
    import logging

    from streamlit import logger as st_logger

    for lg in list(getattr(st_logger, "_loggers", {}).values()):
        lg.setLevel(logging.ERROR)


def bench_pages(db: Path, repeat: int) -> list[tuple[str, float]]:
    """Median cold server-side run time of every page, through AppTest."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["GONGKAI_DB"] = str(db)
    os.environ["GONGKAI_READ_ONLY"] = "1"
    con = duckdb.connect(str(db), read_only=True)
    sel = _selection(con)
    con.close()
    out: list[tuple[str, float]] = []
    # Each page with a supervisor's selection (6 agencies of one city, all years); the overview
    # and quality pages also as first opened, with no agency chosen (the whole province).
    runs = [(page, page, False) for page in PAGES] + [
        ("overview, all agencies", "overview", True), ("quality, all agencies", "quality", True)]
    for label, page, everything in runs:
        path = PROJECT_ROOT / "pages" / f"{page}.py"
        if not path.exists():
            continue
        params: dict[str, Any] = {
            "agency": sel["agency_names"][:6],
            "year_from": str(sel["year_from"]),
            "year_to": str(sel["year_to"]),
        }
        if everything:
            params = {}
        if page == "report" and sel["report_id"]:
            params = {"report": str(sel["report_id"])}

        def run() -> None:
            _quiet_streamlit()
            st.cache_data.clear()
            at = AppTest.from_file(str(path), default_timeout=60)
            for k, v in params.items():
                at.query_params[k] = v
            at.run()
            if at.exception:
                raise RuntimeError(f"page {page} raised: {at.exception[0].value}")

        try:
            out.append((label, _median_time(run, repeat)))
        except Exception as exc:
            out.append((f"{label} FAILED: {exc}"[:120], float("nan")))
    return out


def bench_pandas(db: Path, repeat: int) -> tuple[float, float, list[tuple[str, float, float]]]:
    """The naive way: load all facts into pandas, then aggregate. Returns (load s, MB, per-agg)."""
    con = duckdb.connect(str(db), read_only=True)
    sel = _selection(con)
    rss0 = psutil.Process().memory_info().rss
    t0 = time.perf_counter()
    df = con.execute(
        "SELECT agency_id, year, metric_id, breakdown, value FROM facts"
    ).df()
    load_s = time.perf_counter() - t0
    mem_mb = (psutil.Process().memory_info().rss - rss0) / 2**20
    ids = sel["agency_ids"]
    aggs_pd: dict[str, Callable[[], Any]] = {
        "items per agency-year (selection)": lambda: df[
            (df.metric_id == "disclosure.items") & (df.breakdown == "") & df.agency_id.isin(ids)
        ].groupby(["agency_id", "year"])["value"].sum(),
        "headline per year (all)": lambda: df[
            df.metric_id.isin(["disclosure.items", "requests.received"]) & (df.breakdown == "")
        ].groupby(["year", "metric_id"])["value"].sum(),
        "disclosure rate per year (all)": lambda: (
            lambda g: g.loc[:, ["requests.granted", "requests.partially_granted"]].sum(axis=1)
            / g["requests.processed_total"]
        )(
            df[df.metric_id.isin(["requests.granted", "requests.partially_granted",
                                  "requests.processed_total"]) & (df.breakdown == "")]
            .pivot_table(index="year", columns="metric_id", values="value", aggfunc="sum")
        ),
        "peer median per year (all)": lambda: df[
            (df.metric_id == "disclosure.items") & (df.breakdown == "")
        ].groupby("year")["value"].median(),
    }
    aggs_sql = {
        "items per agency-year (selection)": (
            "SELECT agency_id, year, sum(value) FROM facts WHERE metric_id = 'disclosure.items' "
            "AND breakdown = '' AND agency_id IN (SELECT unnest($ids)) GROUP BY ALL", {"ids": ids}),
        "headline per year (all)": (
            "SELECT year, metric_id, sum(value) FROM facts WHERE metric_id IN "
            "('disclosure.items', 'requests.received') AND breakdown = '' GROUP BY ALL", {}),
        "disclosure rate per year (all)": (
            "SELECT year, sum(value) FILTER (metric_id IN ('requests.granted', "
            "'requests.partially_granted')) / sum(value) FILTER (metric_id = "
            "'requests.processed_total') FROM facts WHERE breakdown = '' AND metric_id IN "
            "('requests.granted', 'requests.partially_granted', 'requests.processed_total') "
            "GROUP BY year", {}),
        "peer median per year (all)": (
            "SELECT year, median(value) FROM facts WHERE metric_id = 'disclosure.items' "
            "AND breakdown = '' GROUP BY year", {}),
    }
    rows = []
    for name, fn in aggs_pd.items():
        sql, params = aggs_sql[name]
        t_pd = _median_time(fn, repeat)
        t_db = _median_time(lambda: con.execute(sql, params).fetchall(), repeat)
        rows.append((name, t_db, t_pd))
    con.close()
    return load_s, mem_mb, rows


def run_bench(db: Path | str | None = None, *, repeat: int = 5) -> int:
    """Print the benchmark; returns 0 when every target is met, 1 otherwise."""
    from rich.console import Console
    from rich.table import Table

    db = Path(db) if db else PROJECT_ROOT / "data" / "synth" / "province.duckdb"
    console = Console()
    # Pages run outside a server (AppTest) make Streamlit log "bare mode" warnings; quiet them
    # before Streamlit is imported (it reads its logger level from the environment then).
    os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")
    from streamlit.logger import set_log_level

    set_log_level("error")
    if not db.exists():
        console.print(f"[red]{db} does not exist; build it with `python -m etl synth --db {db}`[/red]")
        return 2
    con = duckdb.connect(str(db), read_only=True)
    n_facts = con.execute("SELECT count(*) FROM facts").fetchone()[0]
    n_ag = con.execute("SELECT count(*) FROM agencies").fetchone()[0]
    console.print(f"database {db}: {n_ag:,} agencies, {n_facts:,} facts; median of {repeat} runs")
    ok = True

    q = bench_queries(con, repeat)
    con.close()
    t = Table(title=f"queries (target ≤ {QUERY_TARGET_MS:.0f} ms)")
    t.add_column("query"); t.add_column("median ms", justify="right"); t.add_column("ok")
    for name, s in q:
        good = s == s and s * 1000 <= QUERY_TARGET_MS
        ok &= good
        t.add_row(name, f"{s * 1000:.1f}", "✓" if good else "✗")
    console.print(t)

    rss_before = psutil.Process().memory_info().rss
    p = bench_pages(db, repeat)
    rss_after = psutil.Process().memory_info().rss
    t = Table(title=f"pages, cold server-side run via AppTest (target ≤ {PAGE_TARGET_S} s)")
    t.add_column("page"); t.add_column("median s", justify="right"); t.add_column("ok")
    for name, s in p:
        good = s == s and s <= PAGE_TARGET_S
        ok &= good
        t.add_row(name, f"{s:.3f}", "✓" if good else "✗")
    console.print(t)
    mem_mb = rss_after / 2**20
    console.print(f"process memory after all pages: {mem_mb:.0f} MB (target ≤ 1024 MB; "
                  f"{(rss_after - rss_before) / 2**20:+.0f} MB during the page runs)")
    ok &= mem_mb <= 1024

    load_s, pd_mb, rows = bench_pandas(db, repeat)
    t = Table(title=f"same aggregates: DuckDB vs pandas (all facts loaded: {load_s:.1f} s, "
                    f"+{pd_mb:.0f} MB)")
    t.add_column("aggregate"); t.add_column("duckdb ms", justify="right")
    t.add_column("pandas ms", justify="right"); t.add_column("ratio", justify="right")
    for name, t_db, t_pd in rows:
        ratio = t_pd / t_db if t_db else float("inf")
        ok &= ratio >= 5
        t.add_row(name, f"{t_db * 1000:.1f}", f"{t_pd * 1000:.1f}", f"{ratio:.1f}×")
    console.print(t)
    console.print("[green]all targets met[/green]" if ok else "[yellow]some targets missed[/yellow]")
    return 0 if ok else 1


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", default=None, help="database (default: data/synth/province.duckdb)")
    ap.add_argument("--repeat", type=int, default=5, help="runs per measurement (median)")
    a = ap.parse_args()
    sys.exit(run_bench(a.db, repeat=a.repeat))
