"""The standard indicators a supervisor reads, each with its numerator, denominator and N.

A share means nothing without its denominator: "50 %" of 2 requests is not "50 %" of 2,000.
So every indicator here is returned as (numerator, denominator, value) per agency-year; a
zero denominator gives no value ("n/a"), a small one gives a value but no rating, and a
missing part gives no row at all (an indicator a report did not print is unknown, not 0).

``indicator_inputs`` is the only SQL; everything after it is pandas on a small frame, so the
rules can be tested with frames written in the test. Ratings come from
``config/indicators.toml`` (:func:`load_config`).

Indicators (ids are stable, used in URLs and downloads):

* ``correction_rate`` 纠错率 — administrative reviews and lawsuits whose result was 纠正,
  ÷ those concluded (total − pending), over 表四's review and both lawsuit columns. A part
  counts only where its corrected count and its total are both printed (reports before 2019
  print totals only, so they have no 纠错率). Pending not printed counts as 0.
* ``granted_share`` — requests granted in full or in part ÷ requests concluded (办理结果总计).
* ``unable_share`` — requests answered 无法提供 (the subtotal, else its three rows) ÷ concluded.
* ``natural_person_share`` — applicant mix: requests from natural persons ÷ requests received;
  the full mix is :func:`etl.query.analysis.applicant_mix`.
* ``requests_received`` — requests received (a count; across a group: per agency).
"""
from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from etl.query.overview import Con, _df, _in, _where

CONFIG_PATH = Path(__file__).resolve().parents[2] / "config" / "indicators.toml"

INDICATORS: tuple[str, ...] = (
    "correction_rate", "granted_share", "unable_share", "natural_person_share",
    "requests_received",
)
SHARES: tuple[str, ...] = INDICATORS[:4]  # percent; requests_received is a count

APPLICANTS: tuple[str, ...] = (
    "natural_person", "commercial", "research", "public_welfare", "legal_services", "other_org",
)

_TOTAL_METRICS: tuple[str, ...] = (
    "appeals.review_corrected", "appeals.review_total", "appeals.review_pending",
    "appeals.suit_direct_corrected", "appeals.suit_direct_total", "appeals.suit_direct_pending",
    "appeals.suit_after_review_corrected", "appeals.suit_after_review_total",
    "appeals.suit_after_review_pending",
    "appeals.suit_corrected", "appeals.suit_total", "appeals.suit_pending",
    "requests.received", "requests.granted", "requests.partially_granted",
    "requests.processed_total", "requests.unable", "requests.unable_not_held",
    "requests.unable_needs_creation", "requests.unable_unclear",
)

RED, AMBER, OK = "red", "amber", "ok"
NOT_RATED_SMALL_N, NOT_APPLICABLE = "small_n", "n/a"


# ----------------------------------------------------------------------------- configuration

@dataclass(frozen=True)
class Rule:
    """How one indicator is rated (see config/indicators.toml)."""

    higher_is_worse: bool
    amber: float | None = None
    red: float | None = None
    min_n: int = 10


def load_config(path: Path | None = None) -> dict[str, Rule]:
    """indicator id (and ``timeliness``) → Rule, from the TOML file. An indicator missing from
    the file is shown without a rating rather than failing the page."""
    with open(path or CONFIG_PATH, "rb") as fh:
        raw = tomllib.load(fh)
    default_n = int(raw.get("defaults", {}).get("min_n", 10))

    def rule(d: Mapping[str, Any]) -> Rule:
        return Rule(bool(d.get("higher_is_worse", True)),
                    None if d.get("amber") is None else float(d["amber"]),
                    None if d.get("red") is None else float(d["red"]),
                    int(d.get("min_n", default_n)))

    out = {k: rule(v) for k, v in raw.get("indicator", {}).items()}
    for k in INDICATORS:
        out.setdefault(k, Rule(False, None, None, default_n))
    if "timeliness" in raw:
        out["timeliness"] = rule(raw["timeliness"])
    return out


def config_stamp(path: Path | None = None) -> float:
    """The config file's modification time: part of a cache key, so edited thresholds apply
    without waiting for new data."""
    try:
        return (path or CONFIG_PATH).stat().st_mtime
    except OSError:
        return 0.0


def rate(value: float | None, n: float | None, rule: Rule) -> str | None:
    """``red`` / ``amber`` / ``ok`` for a value with ``n`` cases in its denominator;
    ``small_n`` when n < rule.min_n; ``n/a`` without a value; None when the rule has no
    thresholds (a context figure)."""
    if rule.amber is None and rule.red is None:
        return None
    if value is None or _nan(value):
        return NOT_APPLICABLE
    if n is None or _nan(n) or n < rule.min_n:
        return NOT_RATED_SMALL_N
    worse = (lambda v, t: v >= t) if rule.higher_is_worse else (lambda v, t: v <= t)
    if rule.red is not None and worse(value, rule.red):
        return RED
    if rule.amber is not None and worse(value, rule.amber):
        return AMBER
    return OK


def _nan(v: Any) -> bool:
    try:
        return v is None or math.isnan(float(v))
    except (TypeError, ValueError):
        return True


# ----------------------------------------------------------------------------- SQL

def indicator_inputs(
    con: Con,
    agency_ids: Sequence[int] | None,
    year_from: int | None = None,
    year_to: int | None = None,
) -> pd.DataFrame:
    """Per agency-year: agency_id, year, one column per metric the indicators use (total
    breakdown; NaN = not printed) and ``received.<applicant>`` for the applicant columns.

    One scan of ``facts`` filtered by metric and the selection, grouped by (agency, year,
    metric, breakdown) and pivoted in SQL; agency-years without any of these facts are absent.
    """
    where, params = _where(agency_ids, year_from, year_to)
    cols = ",\n".join(
        [f"max(v) FILTER (WHERE metric_id = '{m}' AND breakdown = '') AS \"{m}\""
         for m in _TOTAL_METRICS]
        + [f"max(v) FILTER (WHERE metric_id = 'requests.received' AND breakdown = '{a}') "
           f"AS \"received.{a}\"" for a in APPLICANTS]
    )
    return _df(con, f"""
        WITH s AS (
            SELECT agency_id, year::INTEGER AS year, metric_id, breakdown, sum(value) AS v
            FROM facts
            WHERE metric_id IN ({_in(_TOTAL_METRICS)}) AND value IS NOT NULL
              AND agency_id IS NOT NULL AND year IS NOT NULL
              AND (breakdown = '' OR (metric_id = 'requests.received'
                                      AND breakdown IN ({_in(APPLICANTS)}))) {where}
            GROUP BY ALL
        )
        SELECT agency_id, year, {cols} FROM s GROUP BY agency_id, year
        ORDER BY agency_id, year
    """, [*_TOTAL_METRICS, *APPLICANTS, *params])


def peer_ids(con: Con, agency_id: int, keys: Sequence[str] = ("level", "region")) -> list[int]:
    """The agency and every agency sharing its ``keys`` (level, region); an empty key value
    matches only the same empty value."""
    keys = [k for k in keys if k in ("level", "region")]
    if not keys:
        return [int(r[0]) for r in con.execute("SELECT agency_id FROM agencies").fetchall()]
    cond = " AND ".join(f"a.{k} IS NOT DISTINCT FROM me.{k}" for k in keys)
    rows = con.execute(
        f"SELECT a.agency_id FROM agencies a, (SELECT * FROM agencies WHERE agency_id = ?) me "
        f"WHERE {cond} ORDER BY a.agency_id", [int(agency_id)]).fetchall()
    return [int(r[0]) for r in rows]


# ----------------------------------------------------------------------------- pure rules

def _col(inputs: pd.DataFrame, col: str) -> np.ndarray:
    """A printed figure of every agency-year as floats, NaN where it was not printed."""
    if col not in inputs.columns:
        return np.full(len(inputs), np.nan)
    return pd.to_numeric(inputs[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _correction_parts(inputs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(has parts, numerator, denominator) of the correction rate per agency-year: review and
    litigation corrected ÷ concluded (total − pending), each part counted where both its
    corrected and its total were printed; litigation split into direct and after-review
    suits where either of those was printed, else the combined suit row."""
    direct = ("appeals.suit_direct_corrected", "appeals.suit_direct_total", "appeals.suit_direct_pending")
    after = ("appeals.suit_after_review_corrected", "appeals.suit_after_review_total",
             "appeals.suit_after_review_pending")
    cols = {c: _col(inputs, c) for c in {*direct, *after}}
    split = np.logical_or.reduce([~np.isnan(cols[c]) for c in (*direct, *after)])
    everywhere = np.ones(len(inputs), dtype=bool)
    parts = [(("appeals.review_corrected", "appeals.review_total", "appeals.review_pending"), everywhere),
             (direct, split), (after, split),
             (("appeals.suit_corrected", "appeals.suit_total", "appeals.suit_pending"), ~split)]
    found = np.zeros(len(inputs), dtype=bool)
    num = np.zeros(len(inputs))
    den = np.zeros(len(inputs))
    for (corrected, total, pending), applies in parts:
        c, t, p = (cols[k] if k in cols else _col(inputs, k) for k in (corrected, total, pending))
        ok = applies & ~np.isnan(c) & ~np.isnan(t)
        found |= ok
        num = num + np.where(ok, c, 0.0)
        den = den + np.where(ok, t - np.nan_to_num(p, nan=0.0), 0.0)
    return found, num, den


def indicator_parts(inputs: pd.DataFrame) -> list[tuple[str, np.ndarray, np.ndarray, np.ndarray | None]]:
    """(indicator, where it can be computed, numerator, denominator) over the agency-years of
    :func:`indicator_inputs`, in the indicators' order; an indicator whose parts were not
    printed is absent for that agency-year. ``requests_received`` has no denominator (None).

    Column-wise: a province year is 20,000 agency-years, and a loop over them took 0.4 s of
    every overview whose headline year was not cached yet."""
    found, cnum, cden = _correction_parts(inputs)
    concluded = _col(inputs, "requests.processed_total")
    granted = _col(inputs, "requests.granted")
    partial = np.nan_to_num(_col(inputs, "requests.partially_granted"), nan=0.0)
    unable = _col(inputs, "requests.unable")
    kinds = [_col(inputs, c) for c in ("requests.unable_not_held", "requests.unable_needs_creation",
                                       "requests.unable_unclear")]
    any_kind = np.logical_or.reduce([~np.isnan(k) for k in kinds])
    kinds_sum = np.where(any_kind, np.sum([np.nan_to_num(k, nan=0.0) for k in kinds], axis=0), np.nan)
    unable = np.where(np.isnan(unable), kinds_sum, unable)
    received = _col(inputs, "requests.received")
    natural = _col(inputs, "received.natural_person")
    has = lambda a: ~np.isnan(a)  # noqa: E731
    return [
        ("correction_rate", found, cnum, cden),
        ("granted_share", has(concluded) & has(granted), granted + partial, concluded),
        ("unable_share", has(concluded) & has(unable), unable, concluded),
        ("natural_person_share", has(received) & has(natural), natural, received),
        ("requests_received", has(received), received, None),
    ]


def compute(inputs: pd.DataFrame, config: Mapping[str, Rule] | None = None) -> pd.DataFrame:
    """Long frame: agency_id, year, indicator, num, den, value, n, rating.

    value = 100 · num ÷ den for shares (None when den is 0: "n/a"), num for
    ``requests_received``; n = den (the cases behind a share) or 1 (one agency's count);
    rating from :func:`rate` with the indicator's rule. Rows by agency-year as the inputs
    come, each with its indicators in :func:`indicator_parts`' order.
    """
    config = config or load_config()
    cols = ["agency_id", "year", "indicator", "num", "den", "value", "n", "rating"]
    if inputs.empty:
        return pd.DataFrame([], columns=cols)
    aids = inputs["agency_id"].astype("int64").tolist()
    years = inputs["year"].astype("int64").tolist()
    per: list[list[tuple[Any, ...]]] = [[] for _ in aids]
    for ind, where, num, den in indicator_parts(inputs):
        rule = config[ind]
        for i in np.flatnonzero(where).tolist():
            nu = float(num[i])
            if den is None:
                per[i].append((aids[i], years[i], ind, nu, None, nu, 1.0, None))
                continue
            d = float(den[i])
            value = 100.0 * nu / d if d > 0 else None
            per[i].append((aids[i], years[i], ind, nu, d, value, d, rate(value, d, rule)))
    return pd.DataFrame([r for rows in per for r in rows], columns=cols)


def compute_year(con: Con, year: int, stamp: float | None = None) -> pd.DataFrame:
    """:func:`compute` for every agency in one year (the peers of any selection); ``stamp``
    (:func:`config_stamp`) only keys the pages' cache."""
    return compute(indicator_inputs(con, None, year, year))


def compute_agencies(
    con: Con, agency_ids: Sequence[int], stamp: float | None = None
) -> pd.DataFrame:
    """:func:`compute` for some agencies over all years (an agency and its peers)."""
    return compute(indicator_inputs(con, list(agency_ids)))


def percentile(value: float | None, group: Sequence[float]) -> float | None:
    """Percentile rank (0–100) of ``value`` among ``group`` (which includes it): the share of
    the *other* members below it, ties counted half. None without a value or without others."""
    vals = [float(v) for v in group if not _nan(v)]
    if value is None or _nan(value) or len(vals) < 2:
        return None
    below = sum(v < value for v in vals)
    equal = sum(v == value for v in vals) - 1  # the others with the same value
    return 100.0 * (below + 0.5 * equal) / (len(vals) - 1)


def with_peers(
    ind: pd.DataFrame,
    agencies: pd.DataFrame,
    keys: Sequence[str] = ("level", "region"),
) -> pd.DataFrame:
    """``ind`` (from :func:`compute`) plus peer_n, peer_median and percentile: the group is
    every agency in ``ind`` with the same ``keys`` (level, region) and the same indicator and
    year that has a value; peer_n counts them (the agency included)."""
    out = ind.copy()
    if out.empty:
        return out.assign(peer_n=pd.Series(dtype="Int64"), peer_median=pd.Series(dtype=float),
                          percentile=pd.Series(dtype=float))
    keys = [k for k in keys if k in agencies.columns]
    meta = agencies.set_index("agency_id")[keys] if keys else None
    gkeys = ["indicator", "year"]
    for k in keys:
        out[f"_{k}"] = out["agency_id"].map(meta[k]).fillna("")  # type: ignore[index]
        gkeys.append(f"_{k}")
    # one pass per group in pandas, not a median and a percentile per row in Python: at
    # province scale (97,000 indicator rows, peer groups of thousands) that took 34 s a page run.
    # percentile() by ranks: the average rank r among the group's values is
    # below + (ties incl. itself + 1) / 2, so below + ties/2 = r − 1
    out["_value"] = pd.to_numeric(out["value"], errors="coerce").astype(float)
    grp = out.groupby(gkeys, dropna=False)["_value"]
    peer_n = grp.transform("count").astype(int)
    med = grp.transform("median")
    rank = grp.rank(method="average")
    pct = (100.0 * (rank - 1) / (peer_n - 1)).where((peer_n >= 2) & out["_value"].notna())
    out = out.drop(columns=[c for c in out.columns if c.startswith("_")])
    return out.assign(peer_n=peer_n.to_numpy(), peer_median=med.to_numpy(), percentile=pct.to_numpy())


def aggregate(ind: pd.DataFrame, config: Mapping[str, Rule] | None = None) -> pd.DataFrame:
    """Per year and indicator over a group: agencies (with the indicator), num, den, value, n,
    rating — shares as ratio of sums (Σnum ÷ Σden), requests_received per agency."""
    config = config or load_config()
    cols = ["year", "indicator", "agencies", "num", "den", "value", "n", "rating"]
    if ind.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for (year, name), g in ind.groupby(["year", "indicator"]):
        num = float(g["num"].sum())
        agencies = int(g["agency_id"].nunique())
        if name == "requests_received":
            rows.append({"year": int(year), "indicator": name, "agencies": agencies, "num": num,
                         "den": float(agencies), "value": num / agencies, "n": agencies,
                         "rating": None})
            continue
        den = float(g["den"].sum())
        value = 100.0 * num / den if den > 0 else None
        rows.append({"year": int(year), "indicator": name, "agencies": agencies, "num": num,
                     "den": den, "value": value, "n": den,
                     "rating": rate(value, den, config[name])})
    return pd.DataFrame(rows, columns=cols)
