"""The text of stored reports, recovered from the archived original files.

The database keeps a report's numbers with their evidence, not its whole text. The text is
recoverable: every source's raw file is archived by its sha256, and a report's
``char_offset`` is where it starts in that file's text (the next report of the same file, or
the end of the text, is where it stops). Texts are read once per process and kept by
(sha256, position), so the same report is never read twice; a file that is missing or cannot
be read gives no text (never an error).
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Sequence

import duckdb

from etl.read.dispatch import read_file
from etl.store.database import archived_file

_CACHE: dict[tuple[str, int], str | None] = {}
_LOCK = threading.Lock()
_MAX_CACHED = 50_000


def _read_source(archive_path: str | None) -> str | None:
    path = archived_file(archive_path)
    if path is None or not Path(path).is_file():
        return None
    try:
        return read_file(Path(path)).text
    except Exception:  # noqa: BLE001 — an unreadable archive file just has no text
        return None


def report_texts(con: duckdb.DuckDBPyConnection, report_ids: Sequence[int]) -> dict[int, str]:
    """report_id → the report's text, for the reports whose archived file can be read."""
    ids = sorted({int(r) for r in report_ids})
    if not ids:
        return {}
    rows = con.execute("""
        WITH mine AS (SELECT DISTINCT source_id FROM reports
                      WHERE report_id IN (SELECT unnest(?::INTEGER[])))
        SELECT r.report_id, s.sha256, r.position, r.char_offset, s.archive_path,
               lead(r.char_offset) OVER (PARTITION BY r.source_id ORDER BY r.char_offset,
                                         r.position) AS next_offset
        FROM reports r JOIN sources s USING (source_id)
        WHERE r.source_id IN (SELECT source_id FROM mine)
    """, [ids]).fetchall()
    wanted = set(ids)
    by_source: dict[str, list[tuple]] = {}
    for row in rows:
        by_source.setdefault(row[1], []).append(row)
    out: dict[int, str] = {}
    for sha, reports in by_source.items():
        missing = [r for r in reports if (sha, int(r[2])) not in _CACHE]
        if missing:
            text = _read_source(reports[0][4])
            with _LOCK:
                if len(_CACHE) > _MAX_CACHED:
                    _CACHE.clear()
                for rid, _sha, pos, start, _ap, nxt in reports:
                    if text is None:
                        _CACHE[(sha, int(pos))] = None
                        continue
                    a = int(start or 0)
                    b = int(nxt) if nxt is not None and int(nxt) > a else len(text)
                    _CACHE[(sha, int(pos))] = text[a:b]
        for rid, _sha, pos, *_ in reports:
            got = _CACHE.get((sha, int(pos)))
            if int(rid) in wanted and got:
                out[int(rid)] = got
    return out


def clear_cache() -> None:
    with _LOCK:
        _CACHE.clear()
