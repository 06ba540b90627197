"""The bundled demo: a generated corpus of 青川市 reports, loaded through the real ETL path.

Why generated, not shipped: the corpus is produced by the project's own fixture generator
(:mod:`etl.demo.fixtures`) from a fixed seed, so it is identical on every machine, every file knows
its answer, and nothing needs downloading. Why through the real path: the demo database is
whatever :func:`etl.store.loader.load_paths` makes of those files — the same readers, splitter,
extractors and checks a user's upload goes through — so the dashboard opens on data that is
honest about what the extractor can do.

Shape (realistic on purpose): ~40 agencies of one city over 2008–2024; free-text reports before
2019 (txt and html, some GBK), the national form from 2019 (md, txt, html, docx, a few pdf —
PDFs are slow to read, so they are kept to a few percent), the 2019 form kept by a few agencies
in 2023–2024, work summaries with investment indicators for commerce agencies, a few missing
years, a few printed totals that contradict their parts, short agency names in some years.
"""
from __future__ import annotations

import logging
import os
import random
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from etl.demo import fixtures as fx
from etl.demo.render import FORMAT_SUFFIX, render
from etl.demo.registry import AGENCIES, FIRST_YEAR, LAST_YEAR, Agency

log = logging.getLogger(__name__)

DEMO_SEED = 2024
ProgressFn = Callable[[int, int, str], None]

#: (format, weight) for standard-form reports and for narrative-era reports
STANDARD_FORMATS: tuple[tuple[str, float], ...] = (
    ("md", 0.22), ("txt", 0.25), ("html", 0.23), ("html-gbk", 0.10), ("docx", 0.16), ("pdf", 0.05),
)
NARRATIVE_FORMATS: tuple[tuple[str, float], ...] = (("txt", 0.55), ("html", 0.25), ("html-gbk", 0.20))
#: agencies (by canonical name) that keep printing the 23-row 2019 form in 2021–2024
KEEPS_2019_FORM = ("青川市统计局", "滨江区教育局", "北塘区青石镇人民政府")
#: (agency, year) whose annual report and work summary come as one compilation file (第一篇 …)
COMPILATIONS = (("东城区对外贸易经济合作局", 2008), ("东城区对外贸易经济合作局", 2009))
#: (agency, year) with a one-off surge of items disclosed (an implausible-jump finding)
SURGES = (("青川市公安局", 2016), ("西城区教育局", 2022))
#: (agency, year) reports printed with a total that contradicts its parts
SOURCE_ERRORS = (("青川市民政局", 2020), ("东城区人民政府", 2022), ("青川市交通运输局", 2024))
#: (agency, year) whose text states another 新收 than its 表三 (a narrative-vs-table finding)
NARRATIVE_CONFLICTS = (("青川市财政局", 2021),)
#: (agency, year) printing the 23-row 2019 form while citing the 2021 notice (a finding)
WRONG_NOTICE = (("青川市统计局", 2023),)


@dataclass
class PlannedFile:
    """One demo file: what it is, and the spec it was rendered from (its known answer)."""

    name: str
    agency: str
    year: int
    kind: str  # disclosure_report | work_summary
    fmt: str
    spec: object = field(repr=False, default=None)
    printed_agency: str | None = None
    extra: list = field(repr=False, default_factory=list)  # further documents (compilation)

    @property
    def parts(self) -> list:
        """The specs of the reports in this file, in file order."""
        return [self.spec, *self.extra]

    def render(self) -> bytes:
        if self.extra:
            return fx.render_compilation_txt(
                [(p.title, fx.spec_text(p)) for p in self.parts]).encode("utf-8")
        s = self.spec
        if isinstance(s, fx.StandardReport):
            return render(s, self.fmt)
        if isinstance(s, fx.NarrativeReport):
            if self.fmt == "txt":
                return fx.render_narrative_txt(s).encode("utf-8")
            return fx.render_narrative_html(s, "gbk" if self.fmt == "html-gbk" else "utf-8")
        if isinstance(s, fx.WorkSummary):
            return fx.render_work_summary_txt(s).encode("utf-8")
        raise TypeError(f"unknown spec for {self.name}")


def _rng(*parts: object) -> random.Random:
    """A generator seeded from stable text (``hash()`` of a str is salted per process)."""
    return random.Random(zlib.crc32("|".join(map(str, (DEMO_SEED, *parts))).encode("utf-8")))


def _pick(rng: random.Random, choices: Sequence[tuple[str, float]]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def _profile(a: Agency, year: int) -> fx.Profile:
    rng = _rng("profile", a.name)
    grant = rng.uniform(0.2, 0.38) if rng.random() < 0.15 else rng.uniform(0.5, 0.85)
    correction = rng.uniform(0.2, 0.35) if rng.random() < 0.15 else rng.uniform(0.02, 0.12)
    items_base = rng.uniform(60, 160) * a.size
    requests_base = rng.uniform(20, 45) * a.size
    # requests grew after the 2019 revision of the Regulations
    growth = 1.0 + max(0, year - 2019) * 0.12
    return fx.Profile(size=a.size, grant_share=grant, correction_share=correction,
                      makes_regulations=a.makes_regulations, items_base=items_base,
                      requests_base=requests_base * growth)


def _standard_quirks(rng: random.Random, fmt: str, key: tuple[str, int]) -> fx.Quirks:
    empty = rng.random() < 0.25
    # plain-text tables: tab-separated rows, one cell per line, flattened number runs or
    # space-separated rows; PDFs with ruled tables or unruled ones
    layout = rng.choice(["tabs", "cells", "flat", "spaces"]) if fmt == "txt" else "tabs"
    unruled = fmt == "pdf" and rng.random() < 0.3
    if layout != "tabs" or unruled:
        empty = False  # blanks that vanish from text cannot be placed by anyone
    return fx.Quirks(
        cell_per_line=layout == "cells",
        flattened=layout == "flat",
        space_separated=layout == "spaces",
        empty_cells=empty,
        slash_cells=empty and rng.random() < 0.4,
        cell_note=rng.random() < 0.1,
        source_error=key in SOURCE_ERRORS,
        narrative_conflict=key in NARRATIVE_CONFLICTS,
        wrong_notice=key in WRONG_NOTICE,
        vertical_labels=layout == "tabs" and rng.random() < 0.15,
        page_numbers=fmt == "txt" and rng.random() < 0.15,
        straight_quotes=rng.random() < 0.15,
        fullwidth_digits=rng.random() < 0.1,
        halfwidth_brackets=rng.random() < 0.15,
        layout_table=fmt.startswith("html") and rng.random() < 0.3,
        repeat_merged=fmt == "md" and rng.random() < 0.3,
        captions=rng.random() < 0.3,
        drop_confirm_row=layout == "tabs" and rng.random() < 0.1,  # (2019 form only)
        traditional=fmt == "html" and rng.random() < 0.06,  # a traditional-script mirror
        unruled=unruled,
        wrapped_labels=layout in ("cells", "flat") and rng.random() < 0.5,
    )


def select_agencies(agencies: int | Sequence[str] | None = None) -> tuple[Agency, ...]:
    """All registry agencies, the first N, or those with the given canonical names."""
    if agencies is None:
        return AGENCIES
    if isinstance(agencies, int):
        return AGENCIES[:agencies]
    wanted = set(agencies)
    unknown = wanted - {a.name for a in AGENCIES}
    if unknown:
        raise ValueError(f"not demo agencies: {sorted(unknown)}")
    return tuple(a for a in AGENCIES if a.name in wanted)


def plan_corpus(agencies: int | Sequence[str] | None = None,
                years: Iterable[int] | None = None) -> list[PlannedFile]:
    """Every demo file with its spec, deterministic. ``agencies`` keeps the first N of the
    registry or the named ones (tests use a small subset); ``years`` restricts the years.
    A subset gets exactly the files the full corpus has for those agencies and years."""
    chosen = select_agencies(agencies)
    wanted_years = set(years) if years is not None else set(range(FIRST_YEAR, LAST_YEAR + 1))
    files: list[PlannedFile] = []
    for a in chosen:
        arng = _rng("agency", a.name)
        short_years = set()
        if a.aliases and arng.random() < 0.6:
            all_years = range(FIRST_YEAR, LAST_YEAR + 1)  # same choice for any year subset
            short_years = {y for y in all_years if arng.random() < 0.3}
        prev_std: fx.StandardReport | None = None
        for year in range(FIRST_YEAR, LAST_YEAR + 1):  # every year: chains stay identical
            if not a.active(year):
                continue
            emit = year in wanted_years
            rng = _rng("report", a.name, year)
            special = (*SOURCE_ERRORS, *COMPILATIONS, *SURGES, *NARRATIVE_CONFLICTS, *WRONG_NOTICE)
            missing = rng.random() < 0.04 and (a.name, year) not in special
            printed = a.aliases[rng.randrange(len(a.aliases))] if year in short_years else None
            seed = zlib.crc32(f"{a.name}{year}".encode("utf-8"))
            prof = _profile(a, year)
            if not missing and year >= 2019:
                fmt = _pick(rng, STANDARD_FORMATS)
                old_form = year < 2021 or (a.name in KEEPS_2019_FORM and year >= 2023)
                form = "2019" if old_form else "2021"
                quirks = _standard_quirks(rng, fmt, (a.name, year))
                spec = fx.make_standard_report(seed, a.name, year, form, quirks, profile=prof,
                                               prev=prev_std, printed_agency=printed)
                if (a.name, year) in SURGES:
                    spec.narrative["disclosure.items"] *= 6
                prev_std = spec
                if emit:
                    files.append(PlannedFile(_file_name(a.name, year, fmt, "年报"), a.name,
                                             year, "disclosure_report", fmt, spec, printed))
            elif not missing and emit:
                fmt = _pick(rng, NARRATIVE_FORMATS)
                nspec = fx.make_narrative_report(seed, a.name, year, profile=prof,
                                                 printed_agency=printed)
                if (a.name, year) in SURGES:
                    for k in [k for k in nspec.facts if k[0] == "disclosure.items"]:
                        nspec.facts[k] *= 6
                files.append(PlannedFile(_file_name(a.name, year, fmt, "年报"), a.name, year,
                                         "disclosure_report", fmt, nspec, printed))
            if emit and a.is_commerce and (year <= 2018 or rng.random() < 0.5):
                ws = fx.make_work_summary(seed + 1, a.name, year, size=a.size)
                last = files[-1] if files else None
                if (a.name, year) in COMPILATIONS and last and (last.agency, last.year) == (a.name, year):
                    # a web compilation (汇编): the annual report and the work summary in one file
                    files[-1] = PlannedFile(_file_name(a.name, year, "txt", "汇编"), a.name, year,
                                            last.kind, "txt", last.spec, last.printed_agency, [ws])
                else:
                    files.append(PlannedFile(_file_name(a.name, year, "txt", "工作总结"), a.name,
                                             year, "work_summary", "txt", ws))
    return files


def _file_name(agency: str, year: int, fmt: str, what: str) -> str:
    return f"{agency}_{year}_{what}{FORMAT_SUFFIX[fmt]}"


def generate_corpus(folder: Path, *, agencies: int | Sequence[str] | None = None,
                    years: Iterable[int] | None = None) -> list[Path]:
    """Write the demo files into ``folder`` (created; existing demo files overwritten)."""
    return _write_files(folder, plan_corpus(agencies, years))


def _write_files(folder: Path, plan: Sequence[PlannedFile],
                 step: Callable[[int], object] | None = None) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, pf in enumerate(plan, 1):
        p = folder / pf.name
        p.write_bytes(pf.render())
        paths.append(p)
        if step and i % 20 == 0:
            step(i)
    return paths


def has_reports(db: Path) -> bool:
    """True when ``db`` exists and holds at least one report (then the demo is not rebuilt)."""
    if not Path(db).exists():
        return False
    from etl.store import database

    con = database.connect(db)
    try:
        row = con.execute("SELECT count(*) FROM reports").fetchone()
        return bool(row and row[0])
    except Exception:  # noqa: BLE001 - an unreadable/old file counts as empty
        return False
    finally:
        con.close()


def register_agencies(con, agencies: Sequence[Agency] = AGENCIES) -> None:
    """Insert the registry's agencies with region/level and their aliases, so every printed
    name (short or full) lands on one agency, and fill region/level where an agency exists."""
    from datetime import datetime, timezone

    now = datetime.now(timezone.utc).replace(tzinfo=None)
    con.execute("BEGIN TRANSACTION")
    try:
        for a in agencies:
            row = con.execute("SELECT agency_id FROM agencies WHERE name = ?", [a.name]).fetchone()
            if row:
                aid = int(row[0])
                con.execute("UPDATE agencies SET region = ?, level = ? WHERE agency_id = ?",
                            [a.region, a.level, aid])
            else:
                aid = int(con.execute(
                    "SELECT coalesce(max(agency_id), 0) + 1 FROM agencies").fetchone()[0])
                con.execute(
                    "INSERT INTO agencies (agency_id, name, region, level, created_at) "
                    "VALUES (?, ?, ?, ?, ?)", [aid, a.name, a.region, a.level, now])
            names = (a.name, *a.aliases)
            # traditional-script mirrors print the same names in traditional characters
            for alias in dict.fromkeys((*names, *(n.translate(fx.S2T) for n in names))):
                con.execute("INSERT INTO agency_aliases VALUES (?, ?) ON CONFLICT (alias) DO NOTHING",
                            [alias, aid])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


#: tables a forced rebuild empties (corrections made by people are kept)
_DATA_TABLES = ("facts", "findings", "reports", "sources", "source_fingerprints",
                "agency_aliases", "agencies")


def clear_database(con) -> None:
    """Empty the loaded data in one transaction, so a forced rebuild starts from scratch
    without deleting the file (another connection of this process may hold it)."""
    existing = {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables").fetchall()}
    con.execute("BEGIN TRANSACTION")
    try:
        for t in _DATA_TABLES:
            if t in existing:
                con.execute(f"DELETE FROM {t}")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def build_demo(db: Path, *, force: bool = False, progress: ProgressFn | None = None,
               agencies: int | Sequence[str] | None = None,
               years: Iterable[int] | None = None, corpus: Path | None = None,
               workers: int | None = None) -> None:
    """Build the demo database at ``db`` unless it already holds reports (or ``force``).

    ``force`` empties the loaded data first (corrections are kept) and rebuilds.
    Writes the corpus into ``corpus`` (default ``db.parent / "demo_corpus"``), registers the
    city's agencies (region, level, aliases) and loads every file through
    :func:`etl.store.loader.load_file` (archive, checks, one transaction per file).

    Why workers: rendering and extracting a file (the real
    :func:`etl.extract.pipeline.extract_file`, run in ``workers`` child processes, default one
    per core up to 2) do not touch the database, so they run beside the one writer, which
    takes the files in plan order (report ids and cross-year findings come out as with a
    serial build). A worker that dies only costs speed: its files are done in this process.
    ``progress(done, total, name)`` counts files stored.
    """
    db = Path(db)
    if not force and has_reports(db):
        return
    from etl.store import database

    corpus = corpus or db.parent / "demo_corpus"  # files are overwritten, never deleted
    t0 = time.perf_counter()
    plan = plan_corpus(agencies, years)
    n = len(plan)
    if progress:
        progress(0, n, "")
    chosen = select_agencies(agencies)
    con = database.connect(db)
    try:
        if force:
            clear_database(con)
        register_agencies(con, chosen)
        _load(plan, _produced(plan, corpus, agencies, years, workers), con, db, progress)
        register_agencies(con, chosen)  # region/level for agencies created by the load
        con.execute("INSERT OR REPLACE INTO meta VALUES ('demo_built_seconds', ?)",
                    [f"{time.perf_counter() - t0:.1f}"])
    finally:
        con.close()


#: below this many files the workers' start-up (~0.5 s each) costs more than it saves
MIN_FILES_FOR_WORKERS = 40


def _produced(plan: Sequence[PlannedFile], corpus: Path,
              agencies: int | Sequence[str] | None, years: Iterable[int] | None,
              workers: int | None) -> Iterator[tuple[Path, list | None, object]]:
    """(path, reports, error) for every planned file, in plan order: rendered into ``corpus``
    and extracted, by worker processes when it pays."""
    from etl.demo.worker import WorkerPool, render_and_extract

    corpus.mkdir(parents=True, exist_ok=True)
    if workers is None:
        workers = min(2, os.cpu_count() or 1)
    if workers <= 1 or len(plan) < MIN_FILES_FOR_WORKERS:
        for i in range(len(plan)):
            yield render_and_extract(plan, i, corpus)
        return
    pool = WorkerPool(corpus, agencies, None if years is None else sorted(set(years)), workers)
    try:
        for i in range(len(plan)):
            got = pool.result(i)
            if got is None:  # that worker died: do its file here
                yield render_and_extract(plan, i, corpus)
            else:
                yield (corpus / plan[i].name, *got)
    finally:
        pool.close()


#: files stored per write transaction (see :mod:`etl.store.batch`): large enough that the
#: fixed cost of a transaction is spread thin, small enough that progress moves every second
BATCH_FILES = 24


def _load(plan: Sequence[PlannedFile], produced: Iterable[tuple[Path, list | None, object]],
          con, db: Path, progress: ProgressFn | None) -> None:
    """Through the write path for files (archive, checks), :data:`BATCH_FILES` new files a
    transaction (:func:`etl.store.batch.store_batch`, which gives what storing them one by one
    gives); the extraction already happened in :func:`_produced`, so the loader is handed its
    result."""
    from etl.store import database
    from etl.store.batch import store_batch
    from etl.store.loader import LoadResult, prepare_file

    archive = database.archive_dir(db)
    result = LoadResult()
    pending: list = []

    def flush() -> None:
        base = len(result.files)
        result.files.extend(store_batch(con, pending))
        if progress:
            for k, (res, _) in enumerate(pending, 1):
                progress(base + k, len(plan), res.name)
        pending.clear()

    for path, reports, error in produced:
        res, prepared = prepare_file(path, con, extractor=_handed(reports, error), archive=archive)
        if prepared is None:
            flush()
            result.files.append(res)
            if progress:
                progress(len(result.files), len(plan), res.name)
            continue
        pending.append((res, prepared))
        if len(pending) >= BATCH_FILES:
            flush()
    flush()
    if result.failed:  # a bug worth hearing about, but the rest of the demo is still useful
        names = "; ".join(f.message for f in result.failed[:3])
        log.warning("%d demo files failed to load: %s", len(result.failed), names)


def _handed(reports: list | None, error: object) -> Callable[[Path], list]:
    """An extractor that returns what the worker extracted (or raises what it raised)."""
    def extractor(_path: Path) -> list:
        if error is not None:
            raise error if isinstance(error, BaseException) else RuntimeError(str(error))
        return reports or []
    return extractor


def worker_main(argv: Sequence[str]) -> int:
    """A child of :class:`etl.demo.worker.WorkerPool`: render and extract every ``step``-th
    demo file from ``index`` (the plan is deterministic, so it is computed here, not sent),
    result frames to stdout."""
    import json

    from etl.demo.worker import render_and_extract, write_frame

    args = json.loads(argv[0])
    # the one writer is the build's critical path: workers take the CPU it leaves
    try:
        os.nice(10)
    except OSError:
        pass
    # frames go to a private copy of stdout; anything a library prints lands on stderr
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    plan = plan_corpus(args.get("agencies"), args.get("years"))
    folder = Path(args["corpus"])
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(int(args["index"]), len(plan), int(args["step"])):
        _path, reports, error = render_and_extract(plan, i, folder)
        write_frame(out, (i, reports, error))
    out.close()
    return 0


def compare_with_plan(con, plan: Sequence[PlannedFile]) -> list[str]:
    """Differences between what the database holds and what each demo file is known to say:
    one line per missing, wrong or unexpected fact (empty list = the demo is exact)."""
    rows = con.execute(
        "SELECT s.file_name, r.position, f.metric_id, f.breakdown, f.value FROM facts f "
        "JOIN reports r USING (report_id) JOIN sources s USING (source_id)").fetchall()
    got: dict[tuple[str, int], dict[tuple[str, str], float | None]] = {}
    for name, position, metric, breakdown, value in rows:
        got.setdefault((name, position), {})[(metric, breakdown)] = value
    meta = {(n, pos): (a, y, k) for n, pos, a, y, k in con.execute(
        "SELECT s.file_name, r.position, a.name, r.year, r.kind FROM reports r "
        "JOIN sources s USING (source_id) LEFT JOIN agencies a USING (agency_id)").fetchall()}
    problems: list[str] = []
    for pf in plan:
        for position, spec in enumerate(pf.parts, 1):
            where = pf.name if len(pf.parts) == 1 else f"{pf.name}#{position}"
            kind = "work_summary" if isinstance(spec, fx.WorkSummary) else "disclosure_report"
            if meta.get((pf.name, position)) != (spec.agency, spec.year, kind):
                problems.append(f"{where}: report is {meta.get((pf.name, position))}, "
                                f"expected {(spec.agency, spec.year, kind)}")
            have = got.get((pf.name, position), {})
            want = spec.expected_facts()
            for key, value in want.items():
                if key not in have:
                    problems.append(f"{where}: missing {key} (expected {value})")
                elif not _same(have[key], value):
                    problems.append(f"{where}: {key} = {have[key]}, expected {value}")
            for key in set(have) - set(want):
                problems.append(f"{where}: unexpected {key} = {have[key]}")
    return problems


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m etl.demo [DIR]``: build the full demo into DIR (default: a temporary
    folder), print how long it took and how far the database is from the known answers."""
    import argparse
    import tempfile

    ap = argparse.ArgumentParser(prog="python -m etl.demo", description=main.__doc__)
    ap.add_argument("folder", nargs="?", help="where to build (default: a temporary folder)")
    args = ap.parse_args(argv)
    from etl.store import database

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.folder or tmp)
        db = folder / "demo.duckdb"
        t0 = time.perf_counter()
        build_demo(db, force=True)
        seconds = time.perf_counter() - t0
        con = database.connect(db)
        try:
            reports = con.execute("SELECT count(*) FROM reports").fetchone()[0]
            problems = compare_with_plan(con, plan_corpus())
        finally:
            con.close()
    print(f"demo: {reports} reports in {seconds:.1f} s; {len(problems)} differences from the "
          "known answers")
    for line in problems[:20]:
        print("  " + line)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
