"""Many new files in one write transaction: what a first build (the demo) needs to be fast.

Why: one transaction per file costs ~45 ms of fixed work on this machine (a dozen statements,
a commit), so the 627 files of the demo took 25–30 s to store while extracting them took less
on two cores (issue 12). :func:`store_batch` writes a run of files that are all new to the
database in one transaction with one statement per table and per check, and gives exactly what
storing them one after another gives: the same ids, agencies, rows, cross-year and duplicate
findings (each judged only against what was stored before that file, as the serial loader did)
and the same per-file results. Where that equivalence is not simple — a file already stored
(re-loading replaces it), the same file twice, or analysts' corrections recorded (they may move
reports between agencies and years) — and when the batch fails, it falls back to the per-file
path, which then reports the bad file by itself and stores the good ones.

The price is atomicity per batch instead of per file for the time of one write: a process
killed mid-batch leaves the database as before the batch (never half a file).
"""
from __future__ import annotations

import logging
from typing import Sequence

import duckdb

from etl.store import database
from etl.store.loader import (
    WRITE_LOCK,
    FileResult,
    Prepared,
    _is_interrupt,
    duplicate_rows,
    judge_pairs,
    pair_of,
    store_duplicate_findings,
    store_prepared,
    stored,
)

log = logging.getLogger(__name__)


def store_batch(con: duckdb.DuckDBPyConnection,
                items: Sequence[tuple[FileResult, Prepared]]) -> list[FileResult]:
    """Store prepared files (see :func:`etl.store.loader.prepare_file`) in order; each result
    is filled as :func:`etl.store.loader.store_prepared` would fill it."""
    if not items:
        return []
    if len(items) > 1:
        with WRITE_LOCK:
            try:
                crosses = write_batch(con, [p for _, p in items])
            except Exception as exc:  # noqa: BLE001 - the per-file path says which file
                if _is_interrupt(exc):
                    raise KeyboardInterrupt from exc
                log.info("batch of %d files failed (%s); storing them one by one",
                         len(items), exc)
                crosses = None
        if crosses is not None:
            return [stored(res, cross) for (res, _), cross in zip(items, crosses)]
    return [store_prepared(con, res, p) for res, p in items]


def write_batch(con: duckdb.DuckDBPyConnection, files: Sequence[Prepared]) -> list[int] | None:
    """One transaction for ``files``; returns the cross-year and duplicate findings each added,
    or None (nothing written) when the batch is not one :func:`store_batch` may write at once."""
    shas = [p.source.sha256 for p in files]
    if len(set(shas)) != len(shas):
        return None
    con.execute("BEGIN TRANSACTION")
    try:
        known = con.execute(
            "SELECT (SELECT count(*) FROM sources WHERE sha256 IN (SELECT unnest(?::VARCHAR[])))"
            " + (SELECT count(*) FROM source_fingerprints WHERE sha256 IN (SELECT unnest(?::VARCHAR[])))"
            " + (SELECT count(*) FROM corrections)", [shas, shas]).fetchone()[0]
        if known:
            con.execute("ROLLBACK")
            return None
        written = database.write_new_sources_in_tx(con, [(p.source, p.reports) for p in files])
        sids, ids = [sid for sid, _ in written], [i for _, i in written]
        cross = judge_pairs(con, _pairs_by_file(con, sids, ids))
        for k, n in _duplicates(con, sids).items():
            cross[k] += n
        database._bulk_insert(con, "source_fingerprints",
                              (("sha256", "VARCHAR"), ("fingerprint", "VARCHAR")),
                              [(p.source.sha256, p.fingerprint) for p in files])
        con.execute("COMMIT")
    except BaseException:
        database.rollback_quietly(con)
        raise
    return cross


def _pairs_by_file(con: duckdb.DuckDBPyConnection, sids: list[int],
                   ids: list[list[int]]) -> list[list[tuple[int, int, int, int]]]:
    """Each file's ``(prev_id, cur_id, prev_year, cur_year)`` pairs, sorted, as
    :func:`etl.store.loader._cross_year_pairs` found them when that file was stored: a
    neighbour counts only if it was stored by then (its id is at most the file's last id), and
    the highest such id is the one compared."""
    bounds, last = [], 0
    for file_ids in ids:
        last = file_ids[-1] if file_ids else last
        bounds.append(last)
    rows = con.execute("""
        WITH b AS (SELECT unnest(?::INTEGER[]) AS sid, unnest(?::INTEGER[]) AS bound),
        n AS (
            SELECT r.report_id, r.source_id, r.agency_id, r.year,
                   coalesce(r.kind, 'None') AS kind, b.bound
            FROM reports r JOIN b ON r.source_id = b.sid
            WHERE r.agency_id IS NOT NULL AND r.year IS NOT NULL)
        SELECT n.source_id, n.report_id, n.year, o.year, max(o.report_id)
        FROM n JOIN reports o ON o.agency_id = n.agency_id AND o.kind = n.kind
                              AND (o.year = n.year - 1 OR o.year = n.year + 1)
                              AND o.report_id <= n.bound
        GROUP BY n.source_id, n.report_id, n.year, o.year
    """, [sids, bounds]).fetchall()
    at = {sid: k for k, sid in enumerate(sids)}
    pairs: list[set[tuple[int, int, int, int]]] = [set() for _ in sids]
    for sid, *row in rows:
        pairs[at[int(sid)]].add(pair_of(*row))
    return [sorted(p) for p in pairs]


def _duplicates(con: duckdb.DuckDBPyConnection, sids: list[int]) -> dict[int, int]:
    """``duplicate_report`` findings for the batch's reports, each against what files stored
    before its own gave (lower source ids: the batch's ids follow every stored one); returns
    how many each file (by position) got."""
    rows = duplicate_rows(con, "n.source_id BETWEEN ? AND ?", "o.source_id < n.source_id",
                          [sids[0], sids[-1]])
    store_duplicate_findings(con, rows)
    counts: dict[int, int] = {}
    for r in rows:
        k = int(r[7]) - sids[0]
        counts[k] = counts.get(k, 0) + 1
    return counts
