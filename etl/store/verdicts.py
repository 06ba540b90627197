"""Reviewers' verdicts on findings: confirmed or dismissed, by whom, when and why.

A verdict is keyed by what stays the same when a file is loaded again — the source file's
sha256, the report's position in the file, the finding's rule and its cell (the metric or the
cells the finding names) — never by a report or finding id, which a reload renumbers. So a
verdict set on a finding is shown again on the same finding after the file is re-extracted.

The table is append-only: every verdict given is kept (the history), the latest per key is the
current one. One INSERT per verdict (atomic on its own; no id is allocated, so it cannot
conflict with a load running in another cursor). This module imports nothing from the rest of
the store, so :func:`etl.store.database.ensure_schema` can call :func:`ensure`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import duckdb

if TYPE_CHECKING:
    import pandas as pd

CONFIRMED = "confirmed"
DISMISSED = "dismissed"
VERDICTS: tuple[str, ...] = (CONFIRMED, DISMISSED)

TABLE = "finding_verdicts"

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    source_sha256 VARCHAR NOT NULL, position INTEGER NOT NULL, rule VARCHAR NOT NULL,
    cell VARCHAR NOT NULL, verdict VARCHAR NOT NULL, who VARCHAR NOT NULL, why VARCHAR NOT NULL,
    made_at TIMESTAMP NOT NULL
)
"""

KEY_COLUMNS: tuple[str, ...] = ("source_sha256", "position", "rule", "cell")


class VerdictError(ValueError):
    """A verdict that cannot be stored (unknown verdict, missing who or why)."""


@dataclass(frozen=True)
class FindingKey:
    """What identifies a finding across reloads of its file."""

    source_sha256: str
    position: int
    rule: str
    cell: str = ""


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    """Create the verdict table if it is missing (idempotent; joins the caller's transaction)."""
    con.execute(SCHEMA)


def has_table(con: duckdb.DuckDBPyConnection) -> bool:
    """False on a database made before verdicts existed and opened read-only."""
    row = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [TABLE]
    ).fetchone()
    return bool(row and row[0])


def set_verdict(con: duckdb.DuckDBPyConnection, key: FindingKey, verdict: str, who: str,
                why: str, *, at: datetime | None = None) -> None:
    """Record ``verdict`` on the finding ``key``; it becomes the finding's current verdict."""
    if verdict not in VERDICTS:
        raise VerdictError(f"unknown verdict {verdict!r} (expected one of {', '.join(VERDICTS)})")
    who, why = (who or "").strip(), (why or "").strip()
    if not who or not why:
        raise VerdictError("a verdict needs who gave it and why")
    if not key.source_sha256 or not key.rule:
        raise VerdictError("a verdict needs the finding's file and rule")
    ensure(con)
    made = at or datetime.now(timezone.utc).replace(tzinfo=None)
    con.execute(
        f"INSERT INTO {TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [key.source_sha256, int(key.position), key.rule, key.cell or "", verdict, who, why, made],
    )


def current(con: duckdb.DuckDBPyConnection) -> "pd.DataFrame":
    """The current verdict of every finding that has one: the key columns, verdict, who, why,
    made_at (the latest verdict given per key)."""
    import pandas as pd

    cols = [*KEY_COLUMNS, "verdict", "who", "why", "made_at"]
    if not has_table(con):
        return pd.DataFrame(columns=cols)
    return con.execute(f"""
        SELECT {', '.join(cols)} FROM {TABLE}
        QUALIFY row_number() OVER (PARTITION BY {', '.join(KEY_COLUMNS)}
                                   ORDER BY made_at DESC) = 1
        ORDER BY made_at
    """).df()


def history(con: duckdb.DuckDBPyConnection, key: FindingKey) -> list[dict[str, Any]]:
    """Every verdict given on ``key``, oldest first."""
    if not has_table(con):
        return []
    rows = con.execute(
        f"SELECT verdict, who, why, made_at FROM {TABLE} WHERE source_sha256 = ? AND position = ?"
        " AND rule = ? AND cell = ? ORDER BY made_at",
        [key.source_sha256, int(key.position), key.rule, key.cell or ""],
    ).fetchall()
    return [dict(zip(("verdict", "who", "why", "made_at"), r)) for r in rows]
