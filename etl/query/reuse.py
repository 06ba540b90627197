"""Reused text: a report that repeats last year's report, or another agency's, sentence by sentence.

A report's *countable sentences* are its sentences (split at 。！？； and line ends, spaces
removed) of at least ``min_sentence_chars`` characters that are not headings (一、…, （二）…),
sign-off fields or table rows (mostly digits, or cells separated by | or tabs). A sentence
printed by more than
``boilerplate_agencies`` agencies (in any year compared) is boilerplate (the 条例's wording, the form's headings) and
not counted. The *share reused* is the share of the report's countable sentences found
verbatim (numbers included) in the other report.

Two rules, on the later report:

* ``text_reused_prev_year`` — against the same agency's report of the same kind for the
  previous year (cell: that year);
* ``text_reused_other_agency`` — against the report of the same kind and year of the other
  agency it shares most with (cell: that agency's name).

Flagged at or above ``threshold`` (``config/checks.toml``), with the share and both counts.
:func:`sentences` and :func:`reuse_checks` are pure; texts come from the archived originals
(:mod:`etl.store.texts`).
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Any, Mapping, Sequence

import pandas as pd

from etl.query.consistency import FINDING_COLUMNS, load_config
from etl.query.overview import Con, _df, _where
from etl.store import texts as text_store

PREV_RULE, OTHER_RULE = "text_reused_prev_year", "text_reused_other_agency"
RULES: tuple[str, ...] = (PREV_RULE, OTHER_RULE)

_SPLIT = re.compile(r"[。！？!?；;\n]+")
_SPACE = re.compile(r"\s+")
_DIGITS = re.compile(r"[0-9０-９.,，、%％]")
#: headings (一、… （二）… 1. …) and sign-off fields are the form's, not the agency's text
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十0-9]+[）)]|\d+[、.．]"
                      r"|(?:主办单位|发布机构|来源|联系电话|地址)[:：])")


def sentences(text: str, min_chars: int = 15) -> list[str]:
    """The countable sentences of ``text``, in order, each once."""
    out: list[str] = []
    seen: set[str] = set()
    for raw in _SPLIT.split(text or ""):
        if "|" in raw or "\t" in raw:
            continue
        s = _SPACE.sub("", raw)
        if len(s) < min_chars or len(_DIGITS.findall(s)) > 0.4 * len(s) or _HEADING.match(s):
            continue
        if s not in seen:
            seen.add(s)
            out.append(s)
    return out


def share_reused(mine: Sequence[str], other: set[str]) -> tuple[float, int]:
    """(share of ``mine`` found in ``other``, how many) — 0 for no sentences."""
    if not mine:
        return 0.0, 0
    n = sum(1 for s in mine if s in other)
    return n / len(mine), n


def reuse_checks(reports: pd.DataFrame, texts: Mapping[int, str], *, threshold: float = 0.5,
                 min_sentence_chars: int = 15, min_sentences: int = 6,
                 boilerplate_agencies: int = 3,
                 targets: Sequence[int] | None = None) -> pd.DataFrame:
    """Reused-text findings for ``targets`` (report ids; default every report) against the pool
    ``reports`` (report_id, agency_id, agency, year, kind, source_sha256, position) whose
    ``texts`` are given. Pure."""
    recs = [r for r in reports.to_dict("records") if int(r["report_id"]) in texts
            and pd.notna(r.get("agency_id")) and pd.notna(r.get("year"))]
    sents = {int(r["report_id"]): sentences(texts[int(r["report_id"])], min_sentence_chars)
             for r in recs}
    # boilerplate: sentences printed by many agencies (in any year of the pool)
    by_sentence: dict[str, set[int]] = defaultdict(set)
    for r in recs:
        for s in sents[int(r["report_id"])]:
            by_sentence[s].add(int(r["agency_id"]))
    common = {s for s, ags in by_sentence.items() if len(ags) > boilerplate_agencies}
    own = {rid: [s for s in ss if s not in common] for rid, ss in sents.items()}
    index: dict[tuple[int, int, str], list[dict[str, Any]]] = defaultdict(list)
    for r in recs:
        index[(int(r["agency_id"]), int(r["year"]), str(r.get("kind")))].append(r)
    same_year: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    for r in recs:
        same_year[(int(r["year"]), str(r.get("kind")))].append(r)
    wanted = None if targets is None else {int(t) for t in targets}
    rows: list[dict[str, Any]] = []
    for r in recs:
        rid = int(r["report_id"])
        if wanted is not None and rid not in wanted:
            continue
        mine = own[rid]
        if len(mine) < min_sentences:
            continue
        aid, year, kind = int(r["agency_id"]), int(r["year"]), str(r.get("kind"))
        prev = index.get((aid, year - 1, kind), [])
        if prev:
            other = set().union(*(set(sents[int(p["report_id"])]) for p in prev))
            share, n = share_reused(mine, other)
            if share >= threshold:
                rows.append(_finding(r, PREV_RULE, str(year - 1), share, n, len(mine),
                                     {"other_year": year - 1, "other_agency": r.get("agency"),
                                      "other_report_id": int(prev[0]["report_id"])}))
        best: tuple[float, int, dict[str, Any]] | None = None
        for o in same_year.get((year, kind), []):
            if int(o["agency_id"]) == aid:
                continue
            share, n = share_reused(mine, set(sents[int(o["report_id"])]))
            if best is None or share > best[0]:
                best = (share, n, o)
        if best is not None and best[0] >= threshold:
            o = best[2]
            rows.append(_finding(r, OTHER_RULE, str(o.get("agency")), best[0], best[1], len(mine),
                                 {"other_year": year, "other_agency": o.get("agency"),
                                  "other_report_id": int(o["report_id"])}))
    return pd.DataFrame(rows, columns=list(FINDING_COLUMNS))


def _finding(r: dict[str, Any], rule: str, cell: str, share: float, n: int, total: int,
             extra: dict[str, Any]) -> dict[str, Any]:
    params = {"share": round(share * 100, 1), "reused": n, "sentences": total, **extra}
    if rule == PREV_RULE:
        msg = (f"{params['share']:.0f} % of the report's sentences ({n} of {total}) repeat the "
               f"{extra['other_year']} report")
    else:
        msg = (f"{params['share']:.0f} % of the report's sentences ({n} of {total}) repeat "
               f"{extra['other_agency']}'s {extra['other_year']} report")
    return {"report_id": int(r["report_id"]), "agency_id": int(r["agency_id"]),
            "agency": r.get("agency"), "year": int(r["year"]), "rule": rule,
            "severity": "warning", "cell": cell, "message": msg,
            "source_sha256": r.get("source_sha256"), "position": r.get("position"),
            "params": params}


def pool_reports(con: Con, agency_ids: Sequence[int] | None, year_from: int | None,
                 year_to: int | None) -> pd.DataFrame:
    """The reports the selection is compared with: every report of the selection's years and
    the year before (other agencies' reports of those years included), without templates and
    letters, plus ``target`` = True for the selection's own reports."""
    where, params = _where(None, None if year_from is None else year_from - 1, year_to,
                           prefix="r.")
    df = _df(con, f"""
        SELECT r.report_id, r.agency_id, a.name AS agency, r.year::INTEGER AS year, r.kind,
               s.sha256 AS source_sha256, r.position
        FROM reports r JOIN sources s USING (source_id)
        LEFT JOIN agencies a ON a.agency_id = r.agency_id
        WHERE r.agency_id IS NOT NULL AND r.year IS NOT NULL
          AND coalesce(r.kind, '') NOT IN ('template', 'letter') {where}
        ORDER BY r.report_id
    """, params)
    inside = (df["year"] >= year_from) if year_from is not None else pd.Series(True, index=df.index)
    if agency_ids is not None:
        inside &= df["agency_id"].isin([int(i) for i in agency_ids])
    df["target"] = inside
    if agency_ids is not None:
        years = set(df.loc[df["target"], "year"])
        keep = df["year"].isin(years | {y - 1 for y in years})
        df = df[keep].reset_index(drop=True)
    return df


#: more reports than this to compare are not read from their files in a page run
MAX_REPORTS = 3000


def reuse_findings(con: Con, agency_ids: Sequence[int] | None, year_from: int | None = None,
                   year_to: int | None = None, config_mtime: float = 0.0,
                   max_reports: int = MAX_REPORTS) -> pd.DataFrame:
    """Both reuse rules over the selection, comparing with every agency's reports of its years
    (``config_mtime`` only keys the page cache). A pool of more than ``max_reports`` reports
    is not read: the result is empty with ``attrs["too_many"]`` = the pool's size."""
    cfg = load_config()["reuse"]
    pool = pool_reports(con, agency_ids, year_from, year_to)
    if pool.empty or len(pool) > max_reports:
        out = pd.DataFrame(columns=list(FINDING_COLUMNS))
        if len(pool) > max_reports:
            out.attrs["too_many"] = len(pool)
        return out
    texts = text_store.report_texts(con, pool["report_id"].tolist())
    return reuse_checks(
        pool, texts, threshold=cfg["threshold"], min_sentence_chars=int(cfg["min_sentence_chars"]),
        min_sentences=int(cfg["min_sentences"]),
        boilerplate_agencies=int(cfg["boilerplate_agencies"]),
        targets=pool.loc[pool["target"], "report_id"].tolist())
