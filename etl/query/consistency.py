"""Consistency checks a supervisor reads: printed figures against the levels they describe.

* ``yoy_vs_levels`` — a printed year-on-year change (``investment.*_yoy_pct``) against the
  change computed from the levels of both years (``investment.*_usd`` of this year and last
  year, same agency): actual FDI 8,295 → 4,588 万美元 is −44.7 %, so a printed +28.57 % is
  flagged with both numbers. Beyond ``tolerance_pp`` percentage points it is a warning; a sign
  that differs (growth printed for a fall, or the reverse) is an error.
* ``plan_vs_levels`` — a printed plan completion (``investment.*_plan_pct``) implies the year's
  target (level ÷ completion); a target below ``min_ratio`` or above ``max_ratio`` times last
  year's level is flagged (a plan "completed 120 %" while the level halved implies a target
  half of last year's result).

Findings are computed when asked for, not stored, so they always follow the stored facts
(corrections included). Each carries the key a verdict is stored under (the report's source
sha256, its position in the file, the rule, the cell = the printed metric) and its parameters,
from which :mod:`etl.present.findings_text` writes the message in either language.
``yoy_checks`` / ``plan_checks`` are pure (a frame of levels in, findings out); :func:`level_facts`
is the only SQL. Settings: ``config/checks.toml``.

:func:`with_keys` and :func:`with_verdicts` give stored findings (``overview.findings``) the same
verdict key, so every finding of the quality page can carry a verdict.
"""
from __future__ import annotations

import math
import tomllib
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from etl.query.overview import Con, _df, _where
from etl.store import verdicts as vstore

CONFIG_PATH = Path(__file__).resolve().parents[2] / "config" / "checks.toml"

#: the indicators whose level, printed change and printed plan completion are compared
SERIES: tuple[str, ...] = ("fdi_contract", "fdi_actual", "exports")
YOY_RULE, PLAN_RULE = "yoy_vs_levels", "plan_vs_levels"
RULES: tuple[str, ...] = (YOY_RULE, PLAN_RULE)

FINDING_COLUMNS: tuple[str, ...] = (
    "report_id", "agency_id", "agency", "year", "rule", "severity", "cell", "message",
    "source_sha256", "position", "params",
)

DEFAULTS: dict[str, dict[str, float]] = {
    "yoy": {"tolerance_pp": 1.0},
    "plan": {"min_ratio": 0.5, "max_ratio": 3.0},
    "reuse": {"threshold": 0.5, "min_sentence_chars": 15, "min_sentences": 6,
              "boilerplate_agencies": 3},
}


def load_config(path: Path | None = None) -> dict[str, dict[str, float]]:
    """The settings of ``config/checks.toml`` over :data:`DEFAULTS` (a missing file or key
    falls back to the default rather than failing the page)."""
    out = {k: dict(v) for k, v in DEFAULTS.items()}
    try:
        with open(path or CONFIG_PATH, "rb") as fh:
            raw = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return out
    for section, values in raw.items():
        if section in out and isinstance(values, dict):
            for k, v in values.items():
                if isinstance(v, (int, float)):
                    out[section][k] = float(v)
    return out


def config_stamp(path: Path | None = None) -> float:
    try:
        return (path or CONFIG_PATH).stat().st_mtime
    except OSError:
        return 0.0


# ----------------------------------------------------------------------------- SQL

def level_facts(con: Con, agency_ids: Sequence[int] | None, year_from: int | None = None,
                year_to: int | None = None) -> pd.DataFrame:
    """The investment levels, printed changes and plan completions of the selection (and the
    year before ``year_from``, whose levels the first year is compared with): report_id,
    agency_id, agency, year, metric_id, value, raw_text, source_sha256, position.
    Templates and letters are left out; blanks are not facts."""
    metrics = [f"investment.{s}_{x}" for s in SERIES for x in ("usd", "yoy_pct", "plan_pct")]
    where, params = _where(agency_ids, None if year_from is None else year_from - 1, year_to,
                           prefix="f.")
    return _df(con, f"""
        SELECT f.report_id, f.agency_id, a.name AS agency, f.year::INTEGER AS year, f.metric_id,
               f.value, f.raw_text, s.sha256 AS source_sha256, r.position
        FROM facts f
        JOIN reports r USING (report_id)
        JOIN sources s ON s.source_id = r.source_id
        LEFT JOIN agencies a ON a.agency_id = f.agency_id
        WHERE f.metric_id IN (SELECT unnest(?::VARCHAR[])) AND f.breakdown = ''
          AND f.value IS NOT NULL AND f.agency_id IS NOT NULL AND f.year IS NOT NULL
          AND coalesce(r.kind, '') NOT IN ('template', 'letter') {where}
        ORDER BY f.agency_id, f.year, f.report_id
    """, [metrics, *params])


# ----------------------------------------------------------------------------- pure rules

def _finite(v: Any) -> bool:
    try:
        return v is not None and math.isfinite(float(v))
    except (TypeError, ValueError):
        return False


def _first(df: pd.DataFrame) -> dict[tuple[int, int, str], dict[str, Any]]:
    """(agency_id, year, metric) → the first fact (lowest report id) of that agency-year."""
    out: dict[tuple[int, int, str], dict[str, Any]] = {}
    for rec in df.sort_values("report_id").to_dict("records"):
        out.setdefault((int(rec["agency_id"]), int(rec["year"]), rec["metric_id"]), rec)
    return out


def _finding(rec: dict[str, Any], rule: str, severity: str, cell: str, message: str,
             params: dict[str, Any]) -> dict[str, Any]:
    return {"report_id": int(rec["report_id"]), "agency_id": int(rec["agency_id"]),
            "agency": rec.get("agency"), "year": int(rec["year"]), "rule": rule,
            "severity": severity, "cell": cell, "message": message,
            "source_sha256": rec.get("source_sha256"), "position": rec.get("position"),
            "params": params}


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(FINDING_COLUMNS))


def yoy_checks(levels: pd.DataFrame, tolerance_pp: float = 1.0,
               year_from: int | None = None) -> pd.DataFrame:
    """Printed year-on-year changes that the two years' levels contradict.

    ``levels``: rows of (report_id, agency_id, agency, year, metric_id, value, source_sha256,
    position), values in the metric's unit (dollars, percent). The change is computed as
    (this year ÷ last year − 1) × 100 where both levels are printed and last year's is
    positive; years before ``year_from`` only serve as last year.
    """
    if levels.empty:
        return _frame([])
    first = _first(levels)
    rows: list[dict[str, Any]] = []
    for (aid, year, metric), rec in sorted(first.items()):
        if not metric.endswith("_yoy_pct") or (year_from is not None and year < year_from):
            continue
        series = metric[len("investment."):-len("_yoy_pct")]
        level = f"investment.{series}_usd"
        cur, prev = first.get((aid, year, level)), first.get((aid, year - 1, level))
        printed = rec["value"]
        if cur is None or prev is None or not (_finite(cur["value"]) and _finite(prev["value"])
                                               and _finite(printed)):
            continue
        p, c = float(prev["value"]), float(cur["value"])
        if p <= 0:
            continue
        computed = (c / p - 1.0) * 100.0
        gap = float(printed) - computed
        if abs(gap) <= tolerance_pp:
            continue
        opposite = (computed < 0 < float(printed)) or (float(printed) < 0 < computed)
        params = {"metric": metric, "level_metric": level, "prev_year": year - 1, "year": year,
                  "prev": p, "cur": c, "computed": round(computed, 2),
                  "printed": float(printed), "gap": round(gap, 2), "opposite": opposite}
        msg = (f"{metric}: printed {float(printed):+.2f} %, but {level} went from "
               f"{p / 10000:,.0f} 万 ({year - 1}) to {c / 10000:,.0f} 万 ({year}) = "
               f"{computed:+.1f} %")
        rows.append(_finding(rec, YOY_RULE, "error" if opposite else "warning", metric, msg,
                             params))
    return _frame(rows)


def plan_checks(levels: pd.DataFrame, min_ratio: float = 0.5, max_ratio: float = 3.0,
                year_from: int | None = None) -> pd.DataFrame:
    """Printed plan completions whose implied target (level ÷ completion) is out of line with
    last year's level (below ``min_ratio`` or above ``max_ratio`` times it), or not positive."""
    if levels.empty:
        return _frame([])
    first = _first(levels)
    rows: list[dict[str, Any]] = []
    for (aid, year, metric), rec in sorted(first.items()):
        if not metric.endswith("_plan_pct") or (year_from is not None and year < year_from):
            continue
        series = metric[len("investment."):-len("_plan_pct")]
        level = f"investment.{series}_usd"
        cur, prev = first.get((aid, year, level)), first.get((aid, year - 1, level))
        plan = rec["value"]
        if cur is None or prev is None or not (_finite(cur["value"]) and _finite(prev["value"])
                                               and _finite(plan)):
            continue
        p, c, pl = float(prev["value"]), float(cur["value"]), float(plan)
        if p <= 0:
            continue
        if pl <= 0:
            target, ratio = None, None
        else:
            target = c / (pl / 100.0)
            ratio = target / p
            if min_ratio <= ratio <= max_ratio:
                continue
        params = {"metric": metric, "level_metric": level, "prev_year": year - 1, "year": year,
                  "prev": p, "cur": c, "printed": pl,
                  "target": None if target is None else round(target, 2),
                  "ratio": None if ratio is None else round(ratio, 3),
                  "min_ratio": min_ratio, "max_ratio": max_ratio}
        if target is None:
            msg = f"{metric}: printed plan completion {pl:.2f} % is not positive"
        else:
            msg = (f"{metric}: printed {pl:.2f} % of plan with {level} {c / 10000:,.0f} 万 "
                   f"implies a target of {target / 10000:,.0f} 万, {ratio:.2f}× the "
                   f"{year - 1} level of {p / 10000:,.0f} 万")
        rows.append(_finding(rec, PLAN_RULE, "warning", metric, msg, params))
    return _frame(rows)


def level_findings(con: Con, agency_ids: Sequence[int] | None, year_from: int | None = None,
                   year_to: int | None = None, config_mtime: float = 0.0) -> pd.DataFrame:
    """Both level rules over the selection (``config_mtime`` only keys the page cache)."""
    cfg = load_config()
    levels = level_facts(con, agency_ids, year_from, year_to)
    out = pd.concat([
        yoy_checks(levels, cfg["yoy"]["tolerance_pp"], year_from),
        plan_checks(levels, cfg["plan"]["min_ratio"], cfg["plan"]["max_ratio"], year_from),
    ], ignore_index=True)
    return out.sort_values(["agency", "year", "rule", "cell"], na_position="last",
                           ignore_index=True) if not out.empty else out


# ----------------------------------------------------------------------------- verdict keys

def with_keys(con: Con, findings: pd.DataFrame) -> pd.DataFrame:
    """Stored findings (``overview.findings``) with the verdict key: source_sha256, position
    and cell (the finding's cells as stored, "" when none)."""
    df = findings.copy()
    if df.empty:
        for c in ("source_sha256", "position", "cell"):
            df[c] = pd.Series(dtype=object)
        return df
    ids = sorted({int(r) for r in df["report_id"].dropna()})
    keys = _df(con, """
        SELECT r.report_id, s.sha256 AS source_sha256, r.position
        FROM reports r JOIN sources s USING (source_id)
        WHERE r.report_id IN (SELECT unnest(?::INTEGER[]))
    """, [ids])
    df = df.merge(keys, on="report_id", how="left")
    df["cell"] = [c if isinstance(c, str) else "" for c in df.get("cells", [""] * len(df))]
    return df


def with_verdicts(findings: pd.DataFrame, verdicts: pd.DataFrame) -> pd.DataFrame:
    """``findings`` (with key columns) plus the current verdict, who, why, made_at (NaN where a
    finding has none). Pure: a left join on (source_sha256, position, rule, cell)."""
    cols = ["verdict", "who", "why", "made_at"]
    if findings.empty:
        out = findings.copy()
        for c in cols:
            out[c] = pd.Series(dtype=object)
        return out
    left = findings.copy()
    left["_pos"] = pd.to_numeric(left["position"], errors="coerce").astype("Int64")
    left["_cell"] = left["cell"].fillna("").astype(str)
    right = verdicts[list(vstore.KEY_COLUMNS) + cols].copy() if not verdicts.empty else \
        pd.DataFrame(columns=list(vstore.KEY_COLUMNS) + cols)
    right = right.rename(columns={"position": "_pos", "cell": "_cell"})
    right["_pos"] = pd.to_numeric(right["_pos"], errors="coerce").astype("Int64")
    right["_cell"] = right["_cell"].fillna("").astype(str)
    out = left.merge(right, on=["source_sha256", "_pos", "rule", "_cell"], how="left")
    return out.drop(columns=["_pos", "_cell"])


def verdict_key(rec: dict[str, Any]) -> vstore.FindingKey:
    """The key a verdict on this finding row is stored under."""
    return vstore.FindingKey(str(rec["source_sha256"]), int(rec["position"]), str(rec["rule"]),
                             rec.get("cell") if isinstance(rec.get("cell"), str) else "")
