"""Read-only SQL → DataFrames for the analysis pages (disclosure, categories, requests, investment).

Why it looks like this: at province scale ``facts`` holds ~35 M rows, so every query here
filters on ``metric_id``, ``agency_id IN (...)`` and the year range *in SQL* and aggregates in
SQL; pandas only ever sees the aggregated result (agencies × years × a few series). No joins on
``facts``: ``agency_id`` and ``year`` are denormalised onto it; agency names are attached after
aggregation.

Conventions shared by all functions:

* ``agencies`` is ``None`` (all agencies), a list of agency ids (what ``pages._ui.selection``
  returns) or of canonical names / aliases. An empty list, or names that match nothing, give
  an empty result, never "all".
* ``year_from`` / ``year_to`` are inclusive; ``None`` leaves that side open.
* One value per (agency, year, metric, breakdown): where several reports of the same agency and
  year state the same fact, the most recently loaded report (highest ``report_id``) wins.
  Blank / "/" cells (``value`` NULL) are not facts and are ignored.
* Values come back in display units: counts as is, yuan → 万元, US dollars → 万美元; the
  ``unit`` column holds the display unit (件, 家, 万元, 万美元, %).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

import duckdb
import pandas as pd

from etl.metrics import APPLICANT_KEYS, load_metrics

Con = duckdb.DuckDBPyConnection

# ---------------------------------------------------------------------------------------------
# Series definitions


@dataclass(frozen=True)
class Series:
    """A chartable series: the metrics that can state it (first present wins) and its unit."""

    key: str
    metrics: tuple[str, ...]
    unit: str  # display unit: 件, 家, 万元, 万美元, %
    scale: float = 1.0  # stored canonical unit → display unit


WAN = 1e-4  # yuan → 万元, dollars → 万美元

DISCLOSURE_SERIES: dict[str, Series] = {
    s.key: s
    for s in (
        Series("items", ("disclosure.items",), "件"),
        Series(
            "regulations",
            ("disclosure.regulations_made", "disclosure.regulations_new_made"),
            "件",
        ),
        Series(
            "normative_docs",
            ("disclosure.normative_docs_made", "disclosure.normative_docs_new_made"),
            "件",
        ),
        Series("licensing", ("disclosure.licensing_decisions",), "件"),
        Series("penalty", ("disclosure.penalty_decisions",), "件"),
        Series("coercion", ("disclosure.coercion_decisions",), "件"),
        Series("fees", ("disclosure.admin_fees_cny",), "万元", WAN),
    )
}

INVESTMENT_SERIES: dict[str, Series] = {
    s.key: s
    for s in (
        Series("enterprises", ("investment.fdi_new_enterprises",), "家"),
        Series("contract", ("investment.fdi_contract_usd",), "万美元", WAN),
        Series("actual", ("investment.fdi_actual_usd",), "万美元", WAN),
        Series("exports", ("investment.exports_usd",), "万美元", WAN),
    )
}

# stated year-on-year change and plan completion, per investment series
INVESTMENT_YOY: dict[str, str] = {
    "contract": "investment.fdi_contract_yoy_pct",
    "actual": "investment.fdi_actual_yoy_pct",
    "exports": "investment.exports_yoy_pct",
}
INVESTMENT_PLAN: dict[str, str] = {
    "contract": "investment.fdi_contract_plan_pct",
    "actual": "investment.fdi_actual_plan_pct",
    "exports": "investment.exports_plan_pct",
}

REQUEST_VOLUMES: tuple[str, ...] = (
    "requests.received",
    "requests.carried_over_in",
    "requests.processed_total",
    "requests.carried_over_out",
)

# outcome groups of 表三: (group key, subtotal metric or None, itemised metrics)
OUTCOME_GROUPS: tuple[tuple[str, str | None, tuple[str, ...]], ...] = (
    ("granted", None, ("requests.granted",)),
    ("partially_granted", None, ("requests.partially_granted",)),
    (
        "denied",
        "requests.denied",
        (
            "requests.denied_state_secret",
            "requests.denied_prohibited_by_law",
            "requests.denied_security_stability",
            "requests.denied_third_party",
            "requests.denied_internal_affairs",
            "requests.denied_process_info",
            "requests.denied_enforcement_files",
            "requests.denied_query_matters",
        ),
    ),
    (
        "unable",
        "requests.unable",
        ("requests.unable_not_held", "requests.unable_needs_creation", "requests.unable_unclear"),
    ),
    (
        "rejected",
        "requests.rejected",
        (
            "requests.rejected_petition",
            "requests.rejected_repeat",
            "requests.rejected_publication",
            "requests.rejected_excessive",
            "requests.rejected_confirm",
        ),
    ),
    (
        "other",
        "requests.other_handling",
        ("requests.other_no_correction", "requests.other_fee_unpaid", "requests.other_other"),
    ),
)
OUTCOME_METRICS: tuple[str, ...] = tuple(
    m for _, sub, items in OUTCOME_GROUPS for m in ((sub,) if sub else ()) + items
)
OUTCOME_ORDER: tuple[str, ...] = tuple(
    m for _, sub, items in OUTCOME_GROUPS for m in items + ((sub,) if sub else ())
)
GROUP_OF: dict[str, str] = {
    m: g for g, sub, items in OUTCOME_GROUPS for m in items + ((sub,) if sub else ())
}

APPEAL_PARTS: tuple[str, ...] = ("upheld", "corrected", "other", "pending", "total")
APPEAL_METRICS: tuple[str, ...] = tuple(
    f"appeals.{kind}_{part}"
    for kind in ("review", "suit", "suit_direct", "suit_after_review")
    for part in APPEAL_PARTS
)

_PAREN_NOTE = re.compile(r"\s*\((form states|stored in)[^)]*\)")


def metric_label(metric_id: str, lang: str = "zh") -> str:
    """The dictionary label of a metric, without the storage note some English labels carry."""
    m = load_metrics().get(metric_id)
    if m is None:
        return metric_id
    return _PAREN_NOTE.sub("", m.label(lang)).strip()


def series_label(series: Series, lang: str = "zh") -> str:
    """A series is labelled by its first (current-form) metric."""
    return metric_label(series.metrics[0], lang)


# ---------------------------------------------------------------------------------------------
# SQL building blocks


AgencyScope = Sequence[int] | Sequence[str] | None


def resolve_agency_ids(con: Con, agencies: AgencyScope) -> list[int] | None:
    """Agency ids for a scope: ``None`` → None (all agencies); ids pass through; canonical
    names or aliases are looked up. Names that match nothing are dropped, so a selection of
    unknown names gives ``[]`` (→ empty results), never "all".
    """
    if agencies is None:
        return None
    items = [a for a in agencies if a is not None and a != ""]
    if not items:
        return []
    if all(not isinstance(a, str) for a in items):
        return sorted({int(a) for a in items})
    names = [str(a) for a in items]
    marks = ", ".join("?" for _ in names)
    rows = con.execute(
        f"""
        SELECT agency_id FROM agencies WHERE name IN ({marks})
        UNION
        SELECT agency_id FROM agency_aliases WHERE alias IN ({marks})
        """,
        names + names,
    ).fetchall()
    return sorted(int(r[0]) for r in rows)


def top_agencies(
    con: Con,
    metrics: Sequence[str] = ("disclosure.items",),
    agencies: AgencyScope = None,
    year_from: int | None = None,
    year_to: int | None = None,
    n: int = 10,
) -> list[int]:
    """Ids of the ``n`` agencies with the largest sum of ``metrics`` (totals) over the range.

    Pages use it when no agency is selected: at province scale one line per agency for all
    20,000 agencies is neither readable nor fast, so they chart the largest ones.
    """
    if isinstance(metrics, str):
        metrics = (metrics,)
    ids = resolve_agency_ids(con, agencies)
    if ids == []:
        return []
    where, params = _filters(ids, metrics, year_from, year_to)
    rows = con.execute(
        f"""
        SELECT agency_id FROM facts WHERE {where}
        GROUP BY agency_id ORDER BY sum(value) DESC, agency_id LIMIT ?
        """,
        params + [int(n)],
    ).fetchall()
    return [int(r[0]) for r in rows]


def _in(column: str, values: Sequence[object]) -> tuple[str, list[object]]:
    return f"{column} IN ({', '.join('?' for _ in values)})", list(values)


def _filters(
    ids: list[int] | None,
    metrics: Sequence[str],
    year_from: int | None,
    year_to: int | None,
    breakdown: str | None = "",
) -> tuple[str, list[object]]:
    """The WHERE clause every facts scan uses: metric, agency, year range, breakdown."""
    clauses: list[str] = ["value IS NOT NULL", "agency_id IS NOT NULL", "year IS NOT NULL"]
    params: list[object] = []
    sql, p = _in("metric_id", metrics)
    clauses.append(sql)
    params += p
    if ids is not None:
        sql, p = _in("agency_id", ids)
        clauses.append(sql)
        params += p
    if year_from is not None:
        clauses.append("year >= ?")
        params.append(int(year_from))
    if year_to is not None:
        clauses.append("year <= ?")
        params.append(int(year_to))
    if breakdown == "":
        clauses.append("breakdown = ''")
    elif breakdown == "*":  # any non-total breakdown
        clauses.append("breakdown <> ''")
    elif breakdown is not None:
        clauses.append("breakdown = ?")
        params.append(breakdown)
    return " AND ".join(clauses), params


def _values_cte(
    ids: list[int] | None,
    metrics: Sequence[str],
    year_from: int | None,
    year_to: int | None,
    breakdown: str | None = "",
) -> tuple[str, list[object]]:
    """``v(agency_id, year, metric_id, breakdown, value)``: one value per key, latest report."""
    where, params = _filters(ids, metrics, year_from, year_to, breakdown)
    sql = f"""
        v AS (
            SELECT agency_id, year, metric_id, breakdown, arg_max(value, report_id) AS value
            FROM facts
            WHERE {where}
            GROUP BY agency_id, year, metric_id, breakdown
        )"""
    return sql, params


_PRIORITY_STEP = 1 << 40  # larger than any report_id: priority first, then the latest report


def _series_cte(
    ids: list[int] | None, series: Series, year_from: int | None, year_to: int | None
) -> tuple[str, list[object]]:
    """``s(agency_id, year, metric, value)``: one value per agency-year in display units.

    One GROUP BY pass: the ordering key ranks the series' metrics (first = preferred) and,
    within a metric, the latest report — cheaper than deduplicating per metric first.
    """
    where, params = _filters(ids, series.metrics, year_from, year_to)
    if len(series.metrics) == 1:
        key = "report_id"
        metric = f"'{series.metrics[0]}'"
    else:
        n = len(series.metrics)
        prio = " ".join(f"WHEN '{m}' THEN {n - i}" for i, m in enumerate(series.metrics))
        key = f"(CASE metric_id {prio} END) * {_PRIORITY_STEP} + report_id"
        metric = f"arg_max(metric_id, {key})"
    sql = f"""
        s AS (
            SELECT agency_id, year, {metric} AS metric,
                   arg_max(value, {key}) * {float(series.scale)!r} AS value
            FROM facts
            WHERE {where}
            GROUP BY agency_id, year
        )"""
    return sql, params


def get_series(series: Series | str) -> Series:
    """A series by key (disclosure or investment), or the series itself."""
    if isinstance(series, Series):
        return series
    found = DISCLOSURE_SERIES.get(series) or INVESTMENT_SERIES.get(series)
    if found is None:
        raise KeyError(f"unknown series: {series}")
    return found


def _empty(columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})


def _in_order(df: pd.DataFrame, column: str, keys: Iterable[object], by: Sequence[str]) -> pd.DataFrame:
    """``df`` sorted by ``by`` and then by where ``column`` stands in ``keys``: charts and legends
    follow the form's (or the largest-first) order, not the alphabet."""
    order = {k: i for i, k in enumerate(keys)}
    return df.assign(_o=df[column].map(order)).sort_values([*by, "_o"]).drop(columns="_o")


def _with_shares(out: pd.DataFrame, by: str | list[str], count: str = "count") -> pd.DataFrame:
    """Add ``share_pct`` (each row's % of its ``by`` group; none where the group sums to 0) and
    the unit 件, in place."""
    total = out.groupby(by)[count].transform("sum")
    out["share_pct"] = (100.0 * out[count] / total).where(total > 0)
    out["unit"] = "件"
    return out


def _merge_small_categories(
    df: pd.DataFrame, keep: list[str], other_label: str, by: list[str]
) -> pd.DataFrame:
    """Counts per ``by`` and category, with the categories outside ``keep`` summed as
    ``other_label``; shares recomputed per ``by`` group, in the order ``keep`` then other."""
    df = df.assign(category=df["category"].where(df["category"].isin(keep), other_label))
    out = df.groupby([*by, "category"], as_index=False, sort=False)["count"].sum()
    out = _with_shares(out, by)
    return _in_order(out, "category", [*keep, other_label], by)


def _fetch(con: Con, sql: str, params: Sequence[object]) -> pd.DataFrame:
    return con.execute(sql, list(params)).df()


def _prev_year(year_from: int | None) -> int | None:
    return None if year_from is None else int(year_from) - 1


# ---------------------------------------------------------------------------------------------
# Disclosure volumes

SERIES_COLUMNS = ("agency", "year", "series", "metric", "value", "unit", "yoy_pct")


def series_values(
    con: Con,
    series: Series | str = "items",
    agencies: AgencyScope = None,
    year_from: int | None = None,
    year_to: int | None = None,
) -> pd.DataFrame:
    """Per agency and year: the series value (display unit) and its year-on-year change (%).

    Columns ``agency, year, series, metric, value, unit, yoy_pct``. The year before
    ``year_from`` is read too so the first year has a change; ``yoy_pct`` is NULL when the
    previous year is missing or zero.
    """
    series = get_series(series)
    ids = resolve_agency_ids(con, agencies)
    if ids == []:
        return _empty(SERIES_COLUMNS)
    cte, params = _series_cte(ids, series, _prev_year(year_from), year_to)
    sql = f"""
        WITH {cte},
        y AS (
            SELECT *, lag(value) OVER w AS prev_value, lag(year) OVER w AS prev_year
            FROM s WINDOW w AS (PARTITION BY agency_id ORDER BY year)
        )
        SELECT a.name AS agency, CAST(y.year AS INTEGER) AS year, ? AS series, metric, value,
               ? AS unit,
               CASE WHEN prev_year = year - 1 AND prev_value <> 0
                    THEN 100.0 * (value - prev_value) / abs(prev_value) END AS yoy_pct
        FROM y JOIN agencies a USING (agency_id)
        WHERE y.year >= ?
        ORDER BY agency, year
    """
    params += [series.key, series.unit, -1 if year_from is None else int(year_from)]
    return _fetch(con, sql, params)


BAND_COLUMNS = ("year", "agencies", "q25", "median", "q75", "unit")


def peer_band(
    con: Con,
    series: Series | str = "items",
    agencies: AgencyScope = None,
    year_from: int | None = None,
    year_to: int | None = None,
) -> pd.DataFrame:
    """Per year over the peer group: number of agencies reporting, 25th, 50th, 75th percentile.

    The peer group is ``agencies`` (``None`` = every agency in the database). Percentiles are
    continuous (linear interpolation), computed in SQL.
    """
    series = get_series(series)
    ids = resolve_agency_ids(con, agencies)
    if ids == []:
        return _empty(BAND_COLUMNS)
    cte, params = _series_cte(ids, series, year_from, year_to)
    sql = f"""
        WITH {cte},
        q AS (
            SELECT year, count(*) AS agencies, quantile_cont(value, [0.25, 0.5, 0.75]) AS qs
            FROM s GROUP BY year
        )
        SELECT CAST(year AS INTEGER) AS year, agencies, qs[1] AS q25, qs[2] AS median,
               qs[3] AS q75, ? AS unit
        FROM q ORDER BY year
    """
    params += [series.unit]
    return _fetch(con, sql, params)


# ---------------------------------------------------------------------------------------------
# Category shares

CATEGORY_COLUMNS = ("agency", "year", "category", "count", "share_pct", "unit")


def category_shares(
    con: Con,
    agencies: AgencyScope = None,
    year_from: int | None = None,
    year_to: int | None = None,
) -> pd.DataFrame:
    """Items disclosed by category, per agency and year, with each category's share (%).

    Shares are of the sum of the categories (so bars stack to 100 %); whether that sum matches
    the stated total is :func:`category_gaps`'s job.
    """
    ids = resolve_agency_ids(con, agencies)
    if ids == []:
        return _empty(CATEGORY_COLUMNS)
    cte, params = _values_cte(ids, ("disclosure.items",), year_from, year_to, breakdown="*")
    sql = f"""
        WITH {cte}
        SELECT a.name AS agency, CAST(v.year AS INTEGER) AS year, breakdown AS category,
               value AS count,
               CASE WHEN sum(value) OVER (PARTITION BY agency_id, v.year) > 0
                    THEN 100.0 * value / sum(value) OVER (PARTITION BY agency_id, v.year)
               END AS share_pct,
               '件' AS unit
        FROM v JOIN agencies a USING (agency_id)
        ORDER BY agency, year, count DESC, category
    """
    return _fetch(con, sql, params)


GAP_COLUMNS = ("agency", "year", "categories_sum", "stated_total", "difference")


def category_gaps(
    con: Con,
    agencies: AgencyScope = None,
    year_from: int | None = None,
    year_to: int | None = None,
    tolerance: float = 0.5,
) -> pd.DataFrame:
    """Agency-years whose category counts do not add up to the stated total of items disclosed.

    Only agency-years that state both a total and at least one category are compared.
    ``difference`` = categories_sum − stated_total.
    """
    ids = resolve_agency_ids(con, agencies)
    if ids == []:
        return _empty(GAP_COLUMNS)
    cte, params = _values_cte(ids, ("disclosure.items",), year_from, year_to, breakdown=None)
    sql = f"""
        WITH {cte},
        s AS (
            SELECT agency_id, year,
                   sum(value) FILTER (WHERE breakdown <> '') AS categories_sum,
                   max(value) FILTER (WHERE breakdown = '') AS stated_total
            FROM v GROUP BY agency_id, year
        )
        SELECT a.name AS agency, CAST(s.year AS INTEGER) AS year, categories_sum, stated_total,
               categories_sum - stated_total AS difference
        FROM s JOIN agencies a USING (agency_id)
        WHERE categories_sum IS NOT NULL AND stated_total IS NOT NULL
          AND abs(categories_sum - stated_total) > ?
        ORDER BY agency, year
    """
    return _fetch(con, sql, params + [tolerance])


def top_categories(shares: pd.DataFrame, top_n: int = 8) -> list[str]:
    """The ``top_n`` categories with the largest counts over the whole result."""
    if shares.empty:
        return []
    totals = shares.groupby("category")["count"].sum()
    totals = totals.sort_values(ascending=False, kind="stable")
    return [str(c) for c in totals.index[:top_n]]


def group_small_categories(
    shares: pd.DataFrame, top_n: int = 8, other_label: str = "其他"
) -> pd.DataFrame:
    """Per agency-year shares with categories outside the ``top_n`` merged into ``other_label``.

    Reports name their categories freely, so a selection can hold dozens; merging the small
    ones keeps the stacked bars and their legend readable. Shares are recomputed per
    agency-year and still add up to 100 %.
    """
    cols = list(CATEGORY_COLUMNS)
    if shares.empty:
        return _empty(cols)
    keep = top_categories(shares, top_n)
    out = _merge_small_categories(shares, keep, other_label, ["agency", "year"])
    return out[cols].reset_index(drop=True)


def category_trend(
    shares: pd.DataFrame, top_n: int = 8, other_label: str = "其他", agency: str | None = None
) -> pd.DataFrame:
    """Shares of categories per year, summed over agencies (or one ``agency``).

    Categories outside the ``top_n`` largest (by count over all years) are merged into
    ``other_label`` so the trend stays readable. Works on the small output of
    :func:`category_shares`; columns ``year, category, count, share_pct, unit``.
    """
    cols = ["year", "category", "count", "share_pct", "unit"]
    df = shares
    if agency:
        df = df[df["agency"] == agency]
    if df.empty:
        return _empty(cols)
    keep = top_categories(df, top_n)
    out = _merge_small_categories(df, keep, other_label, ["year"])
    return out[cols].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Request outcomes

VOLUME_COLUMNS = ("agency", "year", "measure", "value", "unit")


def request_volumes(
    con: Con,
    agencies: AgencyScope = None,
    year_from: int | None = None,
    year_to: int | None = None,
) -> pd.DataFrame:
    """Received, carried in, concluded and carried out (总计 column), per agency and year.

    Long format: ``measure`` is the metric id.
    """
    ids = resolve_agency_ids(con, agencies)
    if ids == []:
        return _empty(VOLUME_COLUMNS)
    cte, params = _values_cte(ids, REQUEST_VOLUMES, year_from, year_to)
    sql = f"""
        WITH {cte}
        SELECT a.name AS agency, CAST(v.year AS INTEGER) AS year, metric_id AS measure,
               value, '件' AS unit
        FROM v JOIN agencies a USING (agency_id)
        ORDER BY agency, year, measure
    """
    return _fetch(con, sql, params)


def volumes_by_year(volumes: pd.DataFrame) -> pd.DataFrame:
    """Volumes summed over the selected agencies per year (what the volume chart shows)."""
    cols = ["year", "measure", "value", "agencies", "unit"]
    if volumes.empty:
        return _empty(cols)
    out = volumes.groupby(["year", "measure"], as_index=False).agg(
        value=("value", "sum"), agencies=("agency", "nunique")
    )
    out["unit"] = "件"
    out = _in_order(out, "measure", REQUEST_VOLUMES, ["year"])
    return out[cols].reset_index(drop=True)


OUTCOME_COLUMNS = ("agency", "year", "group", "outcome", "count", "unit")


def request_outcomes(
    con: Con,
    agencies: AgencyScope = None,
    year_from: int | None = None,
    year_to: int | None = None,
) -> pd.DataFrame:
    """Outcomes (总计 column) per agency and year, by reason where the report itemises them.

    For each group (不予公开, 无法提供, 不予处理, 其他处理) the itemised reasons are used when any is
    stated; otherwise the subtotal stands for the whole group (a 2019-form 其他处理 row, or a
    narrative report that only gives 不予公开 in total). ``outcome`` is the metric id.
    """
    ids = resolve_agency_ids(con, agencies)
    if ids == []:
        return _empty(OUTCOME_COLUMNS)
    cte, params = _values_cte(ids, OUTCOME_METRICS, year_from, year_to)
    group_case = " ".join(f"WHEN '{m}' THEN '{g}'" for m, g in GROUP_OF.items())
    subtotals = [sub for _, sub, _ in OUTCOME_GROUPS if sub]
    sub_list = ", ".join(f"'{s}'" for s in subtotals)
    order_case = " ".join(f"WHEN '{m}' THEN {i}" for i, m in enumerate(OUTCOME_ORDER))
    sql = f"""
        WITH {cte},
        g AS (
            SELECT *, CASE metric_id {group_case} END AS grp,
                   metric_id IN ({sub_list}) AS is_sub
            FROM v
        ),
        h AS (
            SELECT agency_id, year, grp, bool_or(NOT is_sub) AS itemised
            FROM g GROUP BY agency_id, year, grp
        )
        SELECT a.name AS agency, CAST(g.year AS INTEGER) AS year, g.grp AS "group",
               g.metric_id AS outcome, g.value AS count, '件' AS unit
        FROM g JOIN h USING (agency_id, year, grp) JOIN agencies a USING (agency_id)
        WHERE g.is_sub <> h.itemised
        ORDER BY agency, year, CASE g.metric_id {order_case} END
    """
    return _fetch(con, sql, params)


def mix_by_agency(df: pd.DataFrame, part: str, count: str = "count") -> pd.DataFrame:
    """Sum a long mix (outcomes or applicants) over years per agency and add shares (%).

    ``part`` is the column holding the part key (``outcome`` or ``applicant``). Columns
    ``agency, <part>, count, share_pct, unit`` (plus ``group`` when present), the order of
    parts as given.
    """
    keys = ["agency", part] + (["group"] if "group" in df.columns else [])
    cols = [*keys, count, "share_pct", "unit"]
    if df.empty:
        return _empty(cols)
    out = df.groupby(keys, as_index=False, sort=False)[count].sum()
    out = _with_shares(out, "agency", count)
    out = _in_order(out, part, pd.unique(df[part]), ["agency"])
    return out[cols].reset_index(drop=True)


APPLICANT_COLUMNS = ("agency", "year", "applicant", "count", "unit")


def applicant_mix(
    con: Con,
    agencies: AgencyScope = None,
    year_from: int | None = None,
    year_to: int | None = None,
) -> pd.DataFrame:
    """New requests received by applicant type (表三 columns), per agency and year."""
    ids = resolve_agency_ids(con, agencies)
    if ids == []:
        return _empty(APPLICANT_COLUMNS)
    cte, params = _values_cte(ids, ("requests.received",), year_from, year_to, breakdown="*")
    order_case = " ".join(f"WHEN '{k}' THEN {i}" for i, k in enumerate(APPLICANT_KEYS))
    keys = ", ".join(f"'{k}'" for k in APPLICANT_KEYS)
    sql = f"""
        WITH {cte}
        SELECT a.name AS agency, CAST(v.year AS INTEGER) AS year, breakdown AS applicant,
               value AS count, '件' AS unit
        FROM v JOIN agencies a USING (agency_id)
        WHERE breakdown IN ({keys})
        ORDER BY agency, year, CASE breakdown {order_case} END
    """
    return _fetch(con, sql, params)


def request_flow(
    volumes: pd.DataFrame,
    outcomes: pd.DataFrame,
    agency: str,
    year: int,
    itemise: Sequence[str] = ("denied",),
) -> pd.DataFrame:
    """Links of the flow received (+ carried in) → handled → outcome groups (→ reasons).

    Built from the outputs of :func:`request_volumes` and :func:`request_outcomes` for one
    agency-year. Columns ``source, target, value, unit``; node keys are metric ids or
    ``"handled"`` and the outcome group keys. Only the groups in ``itemise`` (by default
    不予公开, whose reasons matter most) are split further into reasons: two dozen tiny reason
    nodes would make the flow unreadable. Zero flows are dropped (Sankey cannot draw them).
    """
    cols = ["source", "target", "value", "unit"]
    vol = volumes[(volumes["agency"] == agency) & (volumes["year"] == year)]
    out = outcomes[(outcomes["agency"] == agency) & (outcomes["year"] == year)]
    links: list[tuple[str, str, float]] = []
    vals = dict(zip(vol["measure"], vol["value"]))
    for m in ("requests.carried_over_in", "requests.received"):
        if vals.get(m):
            links.append((m, "handled", float(vals[m])))
    for grp, sub, items in OUTCOME_GROUPS:
        part = out[out["group"] == grp]
        total = float(part["count"].sum()) if not part.empty else 0.0
        if total <= 0:
            continue
        links.append(("handled", grp, total))
        if grp in itemise and sub is not None and not (part["outcome"] == sub).all():
            for m, c in zip(part["outcome"], part["count"]):
                if c and c > 0:
                    links.append((grp, m, float(c)))
    if vals.get("requests.carried_over_out"):
        links.append(("handled", "requests.carried_over_out", float(vals["requests.carried_over_out"])))
    if not links:
        return _empty(cols)
    df = pd.DataFrame(links, columns=["source", "target", "value"])
    df["unit"] = "件"
    return df[cols]


APPEAL_COLUMNS = (
    "agency", "year",
    *(f"review_{p}" for p in APPEAL_PARTS),
    *(f"suit_{p}" for p in APPEAL_PARTS),
    "correction_rate_pct",
)


def appeals(
    con: Con,
    agencies: AgencyScope = None,
    year_from: int | None = None,
    year_to: int | None = None,
) -> pd.DataFrame:
    """Administrative review and litigation outcomes per agency and year, wide.

    ``suit_*`` is the stated all-lawsuits figure, or else 未经复议直接起诉 + 复议后起诉.
    ``review_total`` falls back to the sum of its parts when not stated.
    ``correction_rate_pct`` = review_corrected / (review_total − review_pending) × 100, NULL when
    that denominator is not positive.
    """
    ids = resolve_agency_ids(con, agencies)
    if ids == []:
        return _empty(APPEAL_COLUMNS)
    where, params = _filters(ids, APPEAL_METRICS, year_from, year_to)
    # one pass over facts: each column is the latest report's value of its metric
    pivots = ",\n".join(
        f"arg_max(value, report_id) FILTER (WHERE metric_id = 'appeals.{k}_{p}') AS {k}_{p}"
        for k in ("review", "suit", "suit_direct", "suit_after_review")
        for p in APPEAL_PARTS
    )
    suits = ",\n".join(
        f"""coalesce(suit_{p}, CASE WHEN suit_direct_{p} IS NOT NULL
                      OR suit_after_review_{p} IS NOT NULL
                 THEN coalesce(suit_direct_{p}, 0) + coalesce(suit_after_review_{p}, 0) END)
            AS suit_{p}"""
        for p in APPEAL_PARTS
    )
    sql = f"""
        WITH w AS (
            SELECT agency_id, year, {pivots}
            FROM facts WHERE {where} GROUP BY agency_id, year
        ),
        x AS (
            SELECT agency_id, year, review_upheld, review_corrected, review_other, review_pending,
                   coalesce(review_total, CASE WHEN review_upheld IS NOT NULL
                        OR review_corrected IS NOT NULL OR review_other IS NOT NULL
                        OR review_pending IS NOT NULL
                   THEN coalesce(review_upheld, 0) + coalesce(review_corrected, 0)
                        + coalesce(review_other, 0) + coalesce(review_pending, 0) END)
                   AS review_total,
                   {suits}
            FROM w
        )
        SELECT a.name AS agency, CAST(x.year AS INTEGER) AS year,
               review_upheld, review_corrected, review_other, review_pending, review_total,
               suit_upheld, suit_corrected, suit_other, suit_pending, suit_total,
               CASE WHEN review_total - coalesce(review_pending, 0) > 0
                         AND review_corrected IS NOT NULL
                    THEN 100.0 * review_corrected / (review_total - coalesce(review_pending, 0))
               END AS correction_rate_pct
        FROM x JOIN agencies a USING (agency_id)
        ORDER BY agency, year
    """
    return _fetch(con, sql, params)


# ---------------------------------------------------------------------------------------------
# Investment indicators

INVESTMENT_COLUMNS = (
    "agency", "year", "indicator", "value", "unit", "yoy_pct", "yoy_source", "plan_pct",
)


def investment(
    con: Con,
    agencies: AgencyScope = None,
    year_from: int | None = None,
    year_to: int | None = None,
) -> pd.DataFrame:
    """Investment indicators per agency, year and indicator (long), in display units.

    ``yoy_pct`` is the change the report states; where it states none and the previous year's
    amount is known, it is computed (``yoy_source`` = ``stated`` / ``computed``). ``plan_pct`` is
    the stated completion of the annual plan.
    """
    ids = resolve_agency_ids(con, agencies)
    if ids == []:
        return _empty(INVESTMENT_COLUMNS)
    amount_case = " ".join(
        f"WHEN '{s.metrics[0]}' THEN '{k}'" for k, s in INVESTMENT_SERIES.items()
    )
    scale_case = " ".join(f"WHEN '{s.metrics[0]}' THEN {s.scale}" for s in INVESTMENT_SERIES.values())
    unit_case = " ".join(f"WHEN '{s.metrics[0]}' THEN '{s.unit}'" for s in INVESTMENT_SERIES.values())
    yoy_case = " ".join(f"WHEN '{m}' THEN '{k}'" for k, m in INVESTMENT_YOY.items())
    plan_case = " ".join(f"WHEN '{m}' THEN '{k}'" for k, m in INVESTMENT_PLAN.items())
    metrics = [
        *(s.metrics[0] for s in INVESTMENT_SERIES.values()),
        *INVESTMENT_YOY.values(),
        *INVESTMENT_PLAN.values(),
    ]
    cte, params = _values_cte(ids, metrics, _prev_year(year_from), year_to)
    sql = f"""
        WITH {cte},
        amt AS (
            SELECT agency_id, year, CASE metric_id {amount_case} END AS indicator,
                   value * CASE metric_id {scale_case} END AS value,
                   CASE metric_id {unit_case} END AS unit
            FROM v WHERE CASE metric_id {amount_case} END IS NOT NULL
        ),
        yoy AS (
            SELECT agency_id, year, CASE metric_id {yoy_case} END AS indicator, value AS yoy
            FROM v WHERE CASE metric_id {yoy_case} END IS NOT NULL
        ),
        plan AS (
            SELECT agency_id, year, CASE metric_id {plan_case} END AS indicator, value AS plan
            FROM v WHERE CASE metric_id {plan_case} END IS NOT NULL
        ),
        lagged AS (
            SELECT *, lag(value) OVER w AS prev_value, lag(year) OVER w AS prev_year
            FROM amt WINDOW w AS (PARTITION BY agency_id, indicator ORDER BY year)
        ),
        keys AS (
            SELECT agency_id, year, indicator FROM amt
            UNION SELECT agency_id, year, indicator FROM yoy
            UNION SELECT agency_id, year, indicator FROM plan
        )
        SELECT a.name AS agency, CAST(k.year AS INTEGER) AS year, k.indicator,
               l.value,
               coalesce(l.unit, CASE k.indicator WHEN 'enterprises' THEN '家' ELSE '万美元' END)
                   AS unit,
               coalesce(y.yoy, CASE WHEN l.prev_year = l.year - 1 AND l.prev_value <> 0
                    THEN 100.0 * (l.value - l.prev_value) / abs(l.prev_value) END) AS yoy_pct,
               CASE WHEN y.yoy IS NOT NULL THEN 'stated'
                    WHEN l.prev_year = l.year - 1 AND l.prev_value <> 0 THEN 'computed'
               END AS yoy_source,
               p.plan AS plan_pct
        FROM keys k
        LEFT JOIN lagged l USING (agency_id, year, indicator)
        LEFT JOIN yoy y USING (agency_id, year, indicator)
        LEFT JOIN plan p USING (agency_id, year, indicator)
        JOIN agencies a ON a.agency_id = k.agency_id
        WHERE k.year >= ?
        ORDER BY agency, year, k.indicator
    """
    params += [-1 if year_from is None else int(year_from)]
    df = _fetch(con, sql, params)
    if not df.empty:
        df = _in_order(df, "indicator", INVESTMENT_SERIES, ["agency", "year"]).reset_index(drop=True)
    return df


def years_in(df: pd.DataFrame) -> list[int]:
    """Sorted distinct years of a result (for year pickers on the pages)."""
    if df.empty or "year" not in df.columns:
        return []
    return sorted({int(y) for y in df["year"].dropna()})
