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

import numpy as np
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

def _pairs(levels: pd.DataFrame, suffix: str, year_from: int | None) -> pd.DataFrame:
    """Each printed ``investment.<series>_<suffix>`` with this year's and last year's level of
    the same agency. Where an agency-year has a metric twice (two reports), the first report's
    counts. Columns: series, level_metric, metric_id, agency_id, year, printed, cur, prev and
    ``_row`` (the printed fact's position in ``levels``).

    Vectorised on numbers only (a province has millions of such facts; moving its text columns
    around cost seconds): the text of a finding is looked up by ``_row`` for the few kept."""
    num = pd.DataFrame({
        "_row": np.arange(len(levels)),
        "agency_id": pd.to_numeric(levels["agency_id"], errors="coerce").to_numpy(),
        "year": pd.to_numeric(levels["year"], errors="coerce").to_numpy(),
        "report_id": pd.to_numeric(levels["report_id"], errors="coerce").to_numpy(),
        "value": pd.to_numeric(levels["value"], errors="coerce").to_numpy(dtype=float),
    })
    codes, names = pd.factorize(levels["metric_id"])
    code_of = {str(n): i for i, n in enumerate(names)}
    key = num[["agency_id", "year"]].assign(m=codes)
    if key.duplicated().any():  # the first report of an agency-year counts
        order = np.argsort(num["report_id"].to_numpy(), kind="stable")
        keep = np.sort(order[~key.iloc[order].duplicated().to_numpy()])
        num, codes = num.iloc[keep].reset_index(drop=True), codes[keep]
    parts = []
    for series in SERIES:
        level = f"investment.{series}_usd"
        printed_name = f"investment.{series}_{suffix}"
        if level not in code_of or printed_name not in code_of:
            continue
        lv = num.loc[codes == code_of[level], ["agency_id", "year", "value"]]
        got = num.loc[codes == code_of[printed_name], ["_row", "agency_id", "year", "value"]]
        if year_from is not None:
            got = got[got["year"] >= year_from]
        if got.empty or lv.empty:
            continue
        got = got.rename(columns={"value": "printed"})
        got = got.merge(lv.rename(columns={"value": "cur"}), on=["agency_id", "year"])
        prev = lv.assign(year=lv["year"] + 1).rename(columns={"value": "prev"})
        got = got.merge(prev, on=["agency_id", "year"])
        parts.append(got.assign(series=series, level_metric=level, metric_id=printed_name))
    if not parts:
        return pd.DataFrame()
    out = pd.concat(parts, ignore_index=True)
    ok = np.isfinite(out[["printed", "cur", "prev"]].to_numpy(dtype=float)).all(axis=1)
    out = out[ok & (out["prev"].to_numpy(dtype=float) > 0)]
    order = np.lexsort((out["metric_id"].to_numpy(), out["year"].to_numpy(),
                        out["agency_id"].to_numpy()))
    return out.iloc[order].reset_index(drop=True)


def _with_text(levels: pd.DataFrame, rec: dict[str, Any]) -> dict[str, Any]:
    """A kept pair with the printed fact's own columns (report, agency name, source)."""
    src = levels.iloc[int(rec["_row"])]
    return {**rec, "report_id": src["report_id"], "agency": src.get("agency"),
            "source_sha256": src.get("source_sha256"), "position": src.get("position")}


def _finding(rec: dict[str, Any], rule: str, severity: str, cell: str, message: str,
             params: dict[str, Any]) -> dict[str, Any]:
    return {"report_id": int(rec["report_id"]), "agency_id": int(rec["agency_id"]),
            "agency": rec.get("agency"), "year": int(rec["year"]), "rule": rule,
            "severity": severity, "cell": cell, "message": message,
            "source_sha256": rec.get("source_sha256"), "position": rec.get("position"),
            "params": params}


def _frame(rows: list[dict[str, Any]], total: int | None = None) -> pd.DataFrame:
    """The findings as a frame; ``attrs["total"]`` = how many there are (more than the rows
    when a limit cut them)."""
    df = pd.DataFrame(rows, columns=list(FINDING_COLUMNS))
    df.attrs["total"] = len(rows) if total is None else int(total)
    return df


def total(df: pd.DataFrame) -> int:
    """How many findings ``df`` stands for (its rows, or more where a limit cut them)."""
    return int(df.attrs.get("total", len(df)))


def yoy_checks(levels: pd.DataFrame, tolerance_pp: float = 1.0,
               year_from: int | None = None, limit: int | None = None) -> pd.DataFrame:
    """Printed year-on-year changes that the two years' levels contradict.

    ``levels``: rows of (report_id, agency_id, agency, year, metric_id, value, source_sha256,
    position), values in the metric's unit (dollars, percent). The change is computed as
    (this year ÷ last year − 1) × 100 where both levels are printed and last year's is
    positive; years before ``year_from`` only serve as last year.
    """
    if levels.empty:
        return _frame([])
    got = _pairs(levels, "yoy_pct", year_from)
    if got.empty:
        return _frame([])
    computed = (got["cur"].astype(float) / got["prev"].astype(float) - 1.0) * 100.0
    got = got.assign(computed=computed, gap=got["printed"].astype(float) - computed)
    got = got[got["gap"].abs() > tolerance_pp]
    total = len(got)
    if limit is not None:
        got = got.head(int(limit))
    rows: list[dict[str, Any]] = []
    for rec in (_with_text(levels, r) for r in got.to_dict("records")):
        printed, computed, p, c = (float(rec["printed"]), float(rec["computed"]),
                                   float(rec["prev"]), float(rec["cur"]))
        year, metric, level = int(rec["year"]), rec["metric_id"], rec["level_metric"]
        opposite = (computed < 0 < printed) or (printed < 0 < computed)
        params = {"metric": metric, "level_metric": level, "prev_year": year - 1, "year": year,
                  "prev": p, "cur": c, "computed": round(computed, 2), "printed": printed,
                  "gap": round(float(rec["gap"]), 2), "opposite": opposite}
        msg = (f"{metric}: printed {printed:+.2f} %, but {level} went from "
               f"{p / 10000:,.0f} 万 ({year - 1}) to {c / 10000:,.0f} 万 ({year}) = "
               f"{computed:+.1f} %")
        rows.append(_finding(rec, YOY_RULE, "error" if opposite else "warning", metric, msg,
                             params))
    return _frame(rows, total)


def plan_checks(levels: pd.DataFrame, min_ratio: float = 0.5, max_ratio: float = 3.0,
                year_from: int | None = None, limit: int | None = None) -> pd.DataFrame:
    """Printed plan completions whose implied target (level ÷ completion) is out of line with
    last year's level (below ``min_ratio`` or above ``max_ratio`` times it), or not positive."""
    if levels.empty:
        return _frame([])
    got = _pairs(levels, "plan_pct", year_from)
    if got.empty:
        return _frame([])
    plan = got["printed"].astype(float)
    target = (got["cur"].astype(float) / (plan / 100.0)).where(plan > 0)
    ratio = target / got["prev"].astype(float)
    got = got.assign(target=target, ratio=ratio)
    got = got[(plan <= 0) | (ratio < min_ratio) | (ratio > max_ratio)]
    total = len(got)
    if limit is not None:
        got = got.head(int(limit))
    rows: list[dict[str, Any]] = []
    for rec in (_with_text(levels, r) for r in got.to_dict("records")):
        p, c, pl = float(rec["prev"]), float(rec["cur"]), float(rec["printed"])
        year, metric, level = int(rec["year"]), rec["metric_id"], rec["level_metric"]
        tgt = None if pl <= 0 else float(rec["target"])
        rt = None if tgt is None else float(rec["ratio"])
        params = {"metric": metric, "level_metric": level, "prev_year": year - 1, "year": year,
                  "prev": p, "cur": c, "printed": pl,
                  "target": None if tgt is None else round(tgt, 2),
                  "ratio": None if rt is None else round(rt, 3),
                  "min_ratio": min_ratio, "max_ratio": max_ratio}
        if tgt is None:
            msg = f"{metric}: printed plan completion {pl:.2f} % is not positive"
        else:
            msg = (f"{metric}: printed {pl:.2f} % of plan with {level} {c / 10000:,.0f} 万 "
                   f"implies a target of {tgt / 10000:,.0f} 万, {rt:.2f}× the "
                   f"{year - 1} level of {p / 10000:,.0f} 万")
        rows.append(_finding(rec, PLAN_RULE, "warning", metric, msg, params))
    return _frame(rows, total)


def level_findings(con: Con, agency_ids: Sequence[int] | None, year_from: int | None = None,
                   year_to: int | None = None, config_mtime: float = 0.0,
                   limit: int | None = 5000) -> pd.DataFrame:
    """Both level rules over the selection, at most ``limit`` findings of each (a province's
    synthetic data flags hundreds of thousands); ``attrs["total"]`` counts them all.
    ``config_mtime`` only keys the page cache."""
    cfg = load_config()
    levels = level_facts(con, agency_ids, year_from, year_to)
    parts = [
        yoy_checks(levels, cfg["yoy"]["tolerance_pp"], year_from, limit),
        plan_checks(levels, cfg["plan"]["min_ratio"], cfg["plan"]["max_ratio"], year_from, limit),
    ]
    out = pd.concat(parts, ignore_index=True)
    if not out.empty:
        out = out.sort_values(["agency", "year", "rule", "cell"], na_position="last",
                              ignore_index=True)
    out.attrs["total"] = sum(total(p) for p in parts)
    return out


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
