"""Shared fixtures: a small database with known numbers, built through ``etl.store.database.write_reports``.

``small_db`` (session scope) returns the path of a DuckDB file holding, for years 2017–2023:

Agencies (region / level)::

    1 甲市商务局      甲市 / 市级        4 丙市商务局      丙市 / 市级
    2 甲市财政局      甲市 / 市级        5 丙市丁县人民政府 丙市 / 区县级
    3 甲市乙区商务局  甲市 / 区县级      6 丙市教育局      丙市 / 市级

(ids follow write order: agency *i* gets id *i*.) Every agency has a disclosure report every
year 2017–2023, except 甲市乙区商务局 which has none for 2020 (a ``missing_year`` red flag).
2017–2018 are narrative, 2019–2020 use the 2019 form, 2021–2023 the 2021 form. For agency
number ``i`` and year ``y`` (``k = y - 2017``), see :func:`expected` for the exact numbers:

* ``disclosure.items`` = 100·i + 10·k, with categories 机构设置 = 10 and 行政执法 = items − 10
  (2017–2018; agency 2 in 2018 prints 行政执法 = items − 20, so categories do not add up);
* ``requests.received`` = 10·i + k; on forms also ``requests.processed_total`` = received,
  ``requests.granted`` = received // 2, ``requests.partially_granted`` = 1, and
  ``requests.unable_not_held`` = the rest; applicant breakdowns natural_person = X − 1 and
  commercial = 1 for received / granted / processed_total (X ≥ 1);
  agency 6 (丙市教育局): granted = 1, partially_granted = 0 (disclosure rate < 40 %);
* 表四 on forms: review_total 4, review_upheld 4, review_corrected 0, review_pending 0;
  agency 5: review_total 10, review_upheld 7, review_corrected 3 (30 % > 15 %);
* agency 1 has 2017 and 2018 ``work_summary`` reports too, with investment facts
  (fdi_new_enterprises 31, fdi_actual_usd 41,000,000, exports_usd 350,000,000 in 2017;
  35 / 45,000,000 / 380,000,000 in 2018);
* findings: error ``table3_identity`` on 丙市商务局 2022, warning ``narrative_vs_table`` on
  甲市财政局 2021, info ``note_in_cell`` on 甲市商务局 2023, warning ``anonymised_agency`` on
  the unknown-agency report (printed "xx单位", 2020, items 50);
* the 甲市商务局 2021 source has an archived original file (``ORIGINAL_BYTES``); the
  甲市财政局 2021 source points at an archive file that does not exist;
* one correction (who "analyst1") on 甲市商务局 2022's ``requests.received``.
"""
from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from etl.model import Evidence, Fact, Finding, Report  # noqa: E402

YEARS = tuple(range(2017, 2024))
AGENCIES: tuple[tuple[str, str, str], ...] = (
    ("甲市商务局", "甲市", "市级"),
    ("甲市财政局", "甲市", "市级"),
    ("甲市乙区商务局", "甲市", "区县级"),
    ("丙市商务局", "丙市", "市级"),
    ("丙市丁县人民政府", "丙市", "区县级"),
    ("丙市教育局", "丙市", "市级"),
)
MISSING = {(3, 2020)}
ORIGINAL_BYTES = "甲市商务局2021年政府信息公开工作年度报告\n原始文件内容".encode("utf-8")
APPLICANT_SPLIT = ("natural_person", "commercial")


def form_of(year: int) -> str:
    return "narrative" if year < 2019 else ("2019" if year < 2021 else "2021")


def expected(i: int, year: int) -> dict[str, float]:
    """The total-breakdown values of agency number ``i`` (1-based) in ``year``."""
    k = year - 2017
    items = 100 * i + 10 * k
    received = 10 * i + k
    out: dict[str, float] = {"disclosure.items": items, "requests.received": received}
    if year >= 2019:
        granted = 1 if i == 6 else received // 2
        partial = 0 if i == 6 else 1
        out.update({
            "requests.processed_total": received,
            "requests.granted": granted,
            "requests.partially_granted": partial,
            "requests.unable_not_held": received - granted - partial,
        })
        if i == 5:
            out.update({"appeals.review_total": 10, "appeals.review_upheld": 7,
                        "appeals.review_corrected": 3, "appeals.review_pending": 0})
        else:
            out.update({"appeals.review_total": 4, "appeals.review_upheld": 4,
                        "appeals.review_corrected": 0, "appeals.review_pending": 0})
    return out


def _unit(metric: str) -> str:
    return "usd" if metric.endswith("_usd") else ("cny" if metric.endswith("_cny") else "count")


def _fact(metric: str, value: float, breakdown: str = "", *, table: str | None = None,
          row: str | None = None, col: str | None = None, page: int | None = None,
          offset: int | None = None, raw: str | None = None) -> Fact:
    return Fact(
        metric=metric, value=float(value), breakdown=breakdown, unit=_unit(metric),
        evidence=Evidence(raw_text=raw if raw is not None else f"{value:g}", offset=offset,
                          page=page, table=table, row_label=row, col_label=col),
    )


def build_reports(i: int, year: int) -> list[Report]:
    """The report(s) agency ``i`` published for ``year`` (empty when missing)."""
    if (i, year) in MISSING:
        return []
    name = AGENCIES[i - 1][0]
    form = form_of(year)
    values = expected(i, year)
    facts: list[Fact] = []
    for n, (metric, value) in enumerate(values.items()):
        if metric.startswith(("requests.", "appeals.")) and year >= 2019:
            table = "表三" if metric.startswith("requests.") else "表四"
            facts.append(_fact(metric, value, table=table, row=metric.split(".")[1], col="总计",
                               page=2 + (table == "表四")))
            if metric in ("requests.received", "requests.granted", "requests.processed_total") \
                    and value >= 1:
                facts.append(_fact(metric, value - 1, "natural_person", table=table,
                                   row=metric.split(".")[1], col="自然人", page=2))
                facts.append(_fact(metric, 1, "commercial", table=table,
                                   row=metric.split(".")[1], col="商业企业", page=2))
        else:
            facts.append(_fact(metric, value, offset=100 + 40 * n,
                               raw=f"{name}{metric}共{value:g}件"))
    if year < 2019:
        items = values["disclosure.items"]
        other = items - (20 if (i, year) == (2, 2018) else 10)
        facts.append(_fact("disclosure.items", 10, "机构设置", offset=400, raw="机构设置类10条"))
        facts.append(_fact("disclosure.items", other, "行政执法", offset=420,
                           raw=f"行政执法类{other:g}条"))
    findings: list[Finding] = []
    if (i, year) == (4, 2022):
        findings.append(Finding("table3_identity", "error",
                                "表三 总计 column: outcomes do not sum to 总计", ["表三"]))
    if (i, year) == (2, 2021):
        findings.append(Finding("narrative_vs_table", "warning",
                                "requests.received: table says 21, text says 20"))
    if (i, year) == (1, 2023):
        findings.append(Finding("note_in_cell", "info", "note kept: （含自然失效 29 件）"))
    reports = [Report(
        source=f"{name}-{year}.txt", position=1,
        title=f"{name}{year}年政府信息公开工作年度报告", agency=name, printed_agency=name,
        year=year, kind="disclosure_report", form=form, published=f"{year + 1}-01-31",
        facts=facts, findings=findings,
    )]
    if i == 1 and year in (2017, 2018):
        inv = ({"investment.fdi_new_enterprises": 31, "investment.fdi_actual_usd": 41_000_000,
                "investment.exports_usd": 350_000_000} if year == 2017 else
               {"investment.fdi_new_enterprises": 35, "investment.fdi_actual_usd": 45_000_000,
                "investment.exports_usd": 380_000_000})
        reports.append(Report(
            source=f"{name}-{year}.txt", position=2, title=f"{name}{year}年工作总结",
            agency=name, printed_agency=name, year=year, kind="work_summary", form="narrative",
            facts=[_fact(m, v, offset=900, raw=f"{v:g}") for m, v in inv.items()],
        ))
    return reports


def unknown_report() -> Report:
    return Report(
        source="xx单位-2020.txt", position=1, title="xx单位2020年政府信息公开工作年度报告",
        agency=None, printed_agency="xx单位", year=2020, kind="disclosure_report",
        form="narrative", facts=[_fact("disclosure.items", 50, offset=30, raw="主动公开信息50条")],
        findings=[Finding("anonymised_agency", "warning", "agency name is anonymised: xx单位")],
    )


def build_small_db(path: Path, archive: Path) -> Path:
    """Write the small database described in the module docstring to ``path``."""
    from etl.store import database as store

    archive.mkdir(parents=True, exist_ok=True)
    con = store.connect(path)
    try:
        for i in range(1, len(AGENCIES) + 1):
            name = AGENCIES[i - 1][0]
            for year in YEARS:
                reports = build_reports(i, year)
                if not reports:
                    continue
                sha = hashlib.sha256(f"{name}-{year}".encode()).hexdigest()
                archive_path = None
                if (i, year) == (1, 2021):
                    archive_path = f"{sha[:2]}/{sha}.txt"
                    (archive / sha[:2]).mkdir(parents=True, exist_ok=True)
                    (archive / archive_path).write_bytes(ORIGINAL_BYTES)
                elif (i, year) == (2, 2021):
                    archive_path = f"{sha[:2]}/{sha}.txt"  # never written: the 404 case
                src = store.SourceInfo(sha256=sha, file_name=f"{name}-{year}.txt",
                                       size=len(ORIGINAL_BYTES), format="text",
                                       archive_path=archive_path)
                store.write_reports(con, src, reports)
        sha = hashlib.sha256(b"xx-2020").hexdigest()
        store.write_reports(con, store.SourceInfo(sha, "xx单位-2020.txt", 10, "text"),
                            [unknown_report()])
        for name, region, level in AGENCIES:
            con.execute("UPDATE agencies SET region = ?, level = ? WHERE name = ?",
                        [region, level, name])
        sha = hashlib.sha256("甲市商务局-2022".encode()).hexdigest()
        con.execute(
            "INSERT INTO corrections VALUES (1, 'fact', ?, 1, 'requests.received', '', 'value',"
            " '15', '16', 'analyst1', TIMESTAMP '2024-03-01 10:00:00', '表三 misread')",
            [sha],
        )
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


@pytest.fixture(scope="session")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of the small test database (see module docstring). Its archive folder is
    ``<db dir>/archive`` (set ``GONGKAI_ARCHIVE`` to it, or leave unset: the default is the
    folder beside the database). Treat it as read-only; copy it for tests that write."""
    d = tmp_path_factory.mktemp("small_db")
    return build_small_db(d / "small.duckdb", d / "archive")


@pytest.fixture
def small_db_env(small_db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """``small_db`` with GONGKAI_DB / GONGKAI_ARCHIVE pointing at it (for AppTest runs)."""
    monkeypatch.setenv("GONGKAI_DB", str(small_db))
    monkeypatch.setenv("GONGKAI_ARCHIVE", str(small_db.parent / "archive"))
    yield small_db
    from etl.store import connection as db

    db.close_all()  # other tests may open the file with another configuration (read-only)


@pytest.fixture
def empty_db_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty database (schema only) with GONGKAI_DB pointing at it."""
    from etl.store import database as store

    p = tmp_path / "empty.duckdb"
    store.connect(p).close()
    monkeypatch.setenv("GONGKAI_DB", str(p))
    monkeypatch.setenv("GONGKAI_ARCHIVE", str(tmp_path / "archive"))
    yield p
    from etl.store import connection as db

    db.close_all()


os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict:
    """Record the frames handed to the pages' download buttons, by file name."""
    import pages._ui.downloads as ui

    seen: dict = {}
    original = ui.download_buttons

    def spy(df, name: str, key: str | None = None) -> None:
        seen[name] = df() if callable(df) else df.copy()  # a frame made on the click: made now
        original(df, name, key=key)

    monkeypatch.setattr(ui, "download_buttons", spy)
    return seen


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: ANN001
    """The real corpus's scores (tests/extract/test_corpus.py, test_renderings.py), when they ran."""
    scores = getattr(sys.modules.get("tests.extract.test_corpus"), "SCORES", None)
    if scores:
        correct = sum(s[0] for s in scores.values())
        total = sum(s[1] for s in scores.values())
        wrong = sum(s[2] for s in scores.values())
        terminalreporter.write_sep("-", "real corpus (../shared/corpus gold)")
        for name, (c, t, w, m) in sorted(scores.items()):
            terminalreporter.write_line(f"{name:28} {c:4}/{t:<4} correct, {w} wrong, {m} missing")
        terminalreporter.write_line(f"{'all':28} {correct:4}/{total:<4} correct "
                                    f"({correct / max(total, 1):.1%}), {wrong} wrong")
    rscores = getattr(sys.modules.get("tests.extract.test_renderings"), "SCORES", None)
    if rscores:
        terminalreporter.write_sep("-", "renderings of the published pages and text reports (same gold)")
        by_name: dict[str, list[int]] = {}
        for (_doc, name), (c, t, w) in rscores.items():
            acc = by_name.setdefault(name, [0, 0, 0])
            acc[0] += c
            acc[1] += t
            acc[2] += w
        for name, (c, t, w) in sorted(by_name.items()):
            terminalreporter.write_line(f"{name:32} {c:5}/{t:<5} correct ({c / max(t, 1):.1%}), {w} wrong")
