"""The one write path for files: hash, extract, archive, store — one transaction per file.

Every way a file reaches the database (``python -m etl load``, the dashboard's upload page)
calls :func:`load_paths`, so the rules below hold everywhere:

* **All or nothing per file.** A file's reports, facts, findings, cross-year findings and load
  fingerprint are written in one DuckDB transaction. A reader on another cursor sees the file
  entirely or not at all; a process killed mid-file (SIGKILL, power loss) or a write failing
  on a full disk leaves the database as it was before that file (DuckDB's WAL only replays
  committed transactions). Other files of the same load are unaffected.
* **Idempotent.** Re-loading a file replaces what it gave before (``write_reports`` deletes by
  sha256). If the new extraction is identical to what is stored (same fingerprint), nothing is
  written and the file is reported ``unchanged`` — so re-running a load that was killed half
  way skips the finished files quickly and keeps their report ids (shared links stay valid).
* **Archive = content-addressed cache.** Raw bytes are kept as
  ``archive_dir()/<sha[:2]>/<sha>`` (``sources.archive_path`` holds that absolute path; the
  format is in ``sources.format``), written to a temporary file in the same folder,
  fsynced and renamed, so the archive never holds a partial file. The archive is written
  *before* the database transaction commits: a committed source row always has its archive
  file. A crash between the two leaves an unreferenced archive file, which is harmless (same
  content, same name on the next load) and is listed / pruned by :func:`check_archive`
  (``python -m etl check-archive``). A source row whose archive file went missing is
  re-archived the next time the same file is loaded.
* **Bad input never half-writes.** Any exception while reading or extracting a file becomes a
  ``failed`` entry naming the file and the reason; the database is untouched for that file.
* **User file names never become paths.** The archive name is the sha256; the stored file
  name is a sanitised display name (:func:`display_name`).

In-process writers (the dashboard's upload page and analysts' corrections) are serialised by
:data:`WRITE_LOCK`, because two concurrent DuckDB transactions both allocating ``max(id)+1``
would conflict at commit.
"""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Literal, Sequence

import duckdb

from etl.store import database
from etl.model import Finding, InputError, Report
# the file helpers live with the readers, so that ``extract`` needs no DuckDB; the loader's
# callers keep using them from here
from etl.read.files import (  # noqa: F401  (re-exported)
    MAX_LISTED_PROBLEMS,
    MAX_NAME_CHARS,
    SPREADSHEET_FORMATS,
    display_name,
    error_findings,
    expand_paths,
    sniff_format,
)
from etl.read.files import input_error_message as _input_error_message
from etl.progress import make_counter

if TYPE_CHECKING:  # annotations only: the spreadsheet modules load when a spreadsheet does
    from etl.sheets.parse import SheetLoad, SheetParse

log = logging.getLogger(__name__)

#: Largest file accepted is ``etl.read.limits.MAX_FILE_BYTES`` (read at call time).
#: Archive files nobody references are pruned only when older than this (seconds), so a file
#: archived by a load whose transaction is about to commit is never removed under it.
ORPHAN_MIN_AGE_S = 600.0

#: Serialises writes made through this module inside one process (see module docstring); it
#: lives with the schema so that corrections take the same turn without importing the loader.
WRITE_LOCK = database.WRITE_LOCK

Status = Literal["loaded", "unchanged", "failed"]
Extractor = Callable[[Path], Sequence[Report]]


@dataclass
class FileResult:
    """What happened to one file of a load."""

    path: str  # as given (or as found in a folder)
    name: str  # sanitised display name, as stored in sources.file_name
    status: Status
    message: str = ""
    sha256: str | None = None
    reports: int = 0
    facts: int = 0
    findings: int = 0
    #: The error findings of the file's reports (e.g. a scanned PDF, totals that do not add up),
    #: "report N: message" each, so the person loading sees them without opening the dashboard.
    problems: list[str] = field(default_factory=list)
    #: A spreadsheet's warnings (new agencies, identities), "sheet S, row R, …: message" each.
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class LoadResult:
    """Per-file outcomes of :func:`load_paths`, in processing order."""

    files: list[FileResult] = field(default_factory=list)

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "failed"]

    @property
    def ok(self) -> bool:
        return not self.failed

    def count(self, status: Status) -> int:
        return sum(1 for f in self.files if f.status == status)

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": [f.to_dict() for f in self.files],
            "loaded": self.count("loaded"),
            "unchanged": self.count("unchanged"),
            "failed": self.count("failed"),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "LoadResult":
        return cls(files=[FileResult(**f) for f in d.get("files", [])])


# ---------------------------------------------------------------------------- names & files

def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ---------------------------------------------------------------------------- archive


def archive_file(src: Path, sha: str, archive: Path) -> str:
    """Copy ``src`` into the archive under its sha256; returns the archived file's path.

    Atomic: temp file in the target folder, fsync, rename. An existing archive file with the
    right name is kept (content-addressed). Raises ``InputError`` if the file changed since it
    was hashed, ``OSError`` (e.g. disk full) with no partial file left behind.
    """
    target = archive / sha[:2] / sha
    if target.exists() and target.stat().st_size == src.stat().st_size:
        return str(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
    try:
        h = hashlib.sha256()
        with os.fdopen(fd, "wb") as out, src.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if h.hexdigest() != sha:
            raise InputError(display_name(src), "the file changed while it was being loaded")
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return str(target)


def _fsync_dir(d: Path) -> None:
    try:
        fd = os.open(d, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@dataclass
class ArchiveCheck:
    """Disagreements between the archive folder and the ``sources`` table."""

    orphans: list[str] = field(default_factory=list)  # archive files no source references
    missing: list[str] = field(default_factory=list)  # source sha256s whose file is absent
    pruned: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def check_archive(
    con: duckdb.DuckDBPyConnection,
    archive: Path | None = None,
    *,
    prune: bool = False,
    min_age_s: float = ORPHAN_MIN_AGE_S,
) -> ArchiveCheck:
    """List archive files no source row references and source rows whose file is missing.

    With ``prune``, orphans (and leftover ``.tmp-*`` files) older than ``min_age_s`` are
    deleted; younger ones may belong to a load that has not committed yet.
    """
    archive = archive or database.archive_dir()
    rows = con.execute("SELECT sha256, archive_path FROM sources").fetchall()
    result = ArchiveCheck()
    referenced: set[str] = set()
    for sha, stored in rows:
        f = database.archived_file(stored, archive) if stored else None
        if f is None or not f.is_file():
            result.missing.append(str(sha))
        else:
            referenced.add(str(f.resolve()))
    if archive.is_dir():
        now = time.time()
        for f in sorted(archive.glob("*/*")):
            if not f.is_file():
                continue
            rel = f"{f.parent.name}/{f.name}"
            if str(f.resolve()) in referenced:
                continue
            result.orphans.append(rel)
            if prune:
                with WRITE_LOCK:
                    try:
                        if now - f.stat().st_mtime >= min_age_s:
                            f.unlink()
                            result.pruned.append(rel)
                    except FileNotFoundError:
                        pass
    return result


# ---------------------------------------------------------------------------- extraction


def _default_extractor() -> Extractor:
    from etl.extract.pipeline import extract_file

    return extract_file


def _extract_spreadsheet(path: Path, con: duckdb.DuckDBPyConnection, name: str) -> list[Report]:
    """Reports from a spreadsheet (template, long format, 表三 grid) via ``etl.sheets.parse``.

    Any error in the sheet rejects the whole file (nothing written), naming the file and the
    place; the upload page offers "only the valid rows" through ``etl.sheets.parse`` itself.
    """
    return extract_spreadsheet_checked(path, con, name)[0]


def extract_spreadsheet_checked(
    path: Path, con: duckdb.DuckDBPyConnection, name: str, *, only_valid_rows: bool = False
) -> tuple[list[Report], list[str]]:
    """:func:`_extract_spreadsheet` plus the sheet's warnings as text (a new agency about to be
    created — often a typo of a known one —, identities that do not hold …): the upload page
    shows them in its preview, and the command line must not swallow them either.

    ``only_valid_rows`` is the analyst's explicit choice to load the rows without errors: the
    rows with errors are then skipped (each listed as a warning ``skipped …``) instead of
    refusing the file; a file with no valid row is still refused.
    """
    from etl.sheets.parse import parse_spreadsheet

    parsed = parse_spreadsheet(path, con, name=name, only_valid_rows=only_valid_rows)
    errors = list(parsed.errors)
    if errors and not (only_valid_rows and parsed.reports):
        raise InputError(name, spreadsheet_problems_text(errors))
    if not parsed.reports:
        raise InputError(name, "no numbers to load (every data row is empty); nothing was written")
    notes = [*(f"skipped {_problem_line(p)}" for p in errors),
             *(_problem_line(p) for p in parsed.warnings)]
    warnings = notes[:MAX_LISTED_PROBLEMS]
    if len(notes) > MAX_LISTED_PROBLEMS:
        warnings.append(f"… and {len(notes) - MAX_LISTED_PROBLEMS} more")
    return list(parsed.reports), warnings


def _problem_line(p: Any) -> str:
    """``sheet S, row R, column C: message [cell: '…']`` (an ``etl.sheets.validate.Problem`` without
    its file name)."""
    where = ", ".join(
        part for part in (
            f"sheet {p.sheet}" if getattr(p, "sheet", None) else "",
            f"row {p.row}" if getattr(p, "row", None) is not None else "",
            f"column {p.column}" if getattr(p, "column", None) else "",
        ) if part
    )
    cell = getattr(p, "cell", None)
    shown = f" [cell: {cell!r}]" if cell not in (None, "") else ""
    message = getattr(p, "message", p)
    return f"{where}: {message}{shown}" if where else f"{message}{shown}"


def spreadsheet_problems_text(problems: Sequence[Any]) -> str:
    """Every problem of a refused spreadsheet, one per line with its sheet, row, column and
    cell — the analyst must be able to fix the whole file in one pass, not one error per run.

    The file name is left out of each line: the caller's message starts with it already.
    """
    lines = [_problem_line(p) for p in problems[:MAX_LISTED_PROBLEMS]]
    if len(problems) > MAX_LISTED_PROBLEMS:
        lines.append(f"… and {len(problems) - MAX_LISTED_PROBLEMS} more")
    if len(lines) == 1:
        return f"{lines[0]}; nothing was written"
    return f"{len(problems)} problems, nothing was written:\n" + "\n".join(f"  - {x}" for x in lines)


def _apply_corrections(con: duckdb.DuckDBPyConnection, sha: str) -> None:
    """Re-apply analysts' corrections for this file inside the load transaction, so they
    survive re-extraction (``etl.store.corrections``, when present)."""
    try:
        from etl.store.corrections import apply_corrections
    except ImportError:
        return
    apply_corrections(con, sha)


def _fingerprint(name: str, origin: str, reports: Sequence[Report]) -> str:
    """A hash of everything a load would store for this file (not of the bytes: the same
    bytes give a different fingerprint when the extractor improves, so the file is rewritten)."""
    h = hashlib.sha256()
    h.update(repr((name, origin)).encode("utf-8"))
    for r in reports:
        h.update(repr((r.position, r.title, r.agency, r.printed_agency, r.year, r.kind, r.form,
                       r.published, r.offset)).encode("utf-8"))
        for f in r.facts:
            ev = f.evidence
            h.update(repr((f.metric, f.breakdown, f.value, f.unit, f.approx, f.origin, f.note,
                           (ev.raw_text, ev.offset, ev.page, ev.table, ev.row_label, ev.col_label)
                           if ev else None)).encode("utf-8"))
        for fd in r.findings:
            h.update(repr(("finding", fd.rule, fd.severity, fd.message, tuple(fd.cells))).encode("utf-8"))
    return h.hexdigest()


# ---------------------------------------------------------------------------- cross-year


#: Rules ``etl.extract.checks.check_across_years`` emits (``ACROSS_YEAR_RULES`` there wins if defined).
#: A later report's findings with these rules are recomputed whenever a neighbour year loads.
CROSS_YEAR_RULES: tuple[str, ...] = ("carry_over_mismatch", "in_force_mismatch", "implausible_jump")


def _cross_year_rules() -> tuple[Callable[..., Any] | None, tuple[str, ...]]:
    try:
        from etl.extract import checks
    except ImportError:
        return None, ()
    fn = getattr(checks, "check_across_years", None)
    rules = tuple(getattr(checks, "ACROSS_YEAR_RULES", ()) or CROSS_YEAR_RULES)
    return fn, rules


def _cross_year_pairs(
    con: duckdb.DuckDBPyConnection, report_ids: Sequence[int]
) -> set[tuple[int, int, int, int]]:
    """``(prev_id, cur_id, prev_year, cur_year)`` for every new report and the same agency's
    report of the same kind in the year before and after (the highest report id when there are
    several), in one statement for the whole file."""
    rows = con.execute("""
        WITH n AS (
            SELECT report_id, agency_id, year, coalesce(kind, 'None') AS kind FROM reports
            WHERE report_id IN (SELECT unnest(?::INTEGER[]))
              AND agency_id IS NOT NULL AND year IS NOT NULL)
        SELECT n.report_id, n.year, o.year, max(o.report_id)
        FROM n JOIN reports o ON o.agency_id = n.agency_id AND o.kind = n.kind
                              AND (o.year = n.year - 1 OR o.year = n.year + 1)
        GROUP BY n.report_id, n.year, o.year
    """, [list(report_ids)]).fetchall()
    return {pair_of(*row) for row in rows}


def pair_of(rid: int, year: int, other_year: int, other: int) -> tuple[int, int, int, int]:
    """A new report and a neighbour as ``(prev_id, cur_id, prev_year, cur_year)``: the earlier
    year first, whichever of the two is new."""
    rid, year, other_year, other = int(rid), int(year), int(other_year), int(other)
    if other_year == year - 1:
        return other, rid, other_year, year
    return rid, other, year, other_year


def _facts_of_many(
    con: duckdb.DuckDBPyConnection, keys: set[tuple[int, int]]
) -> dict[tuple[int, int], dict[tuple[str, str], float | None]]:
    """Stored values of many reports, ``{(report_id, year): {(metric, breakdown): value}}``
    (each an ``etl.extract.checks.Values``), in one statement.

    The year condition stays (a fact whose year differs from its report's is not compared, as
    before); the id and year ranges let DuckDB skip the row groups of other reports and years
    at province scale. Rows come in stored order (``rowid``), as the per-report scan read
    them, so a key printed twice in one report resolves as it always did (the later row wins)."""
    out: dict[tuple[int, int], dict[tuple[str, str], float | None]] = {k: {} for k in keys}
    if not keys:
        return out
    ids = sorted({k[0] for k in keys})
    years = sorted({k[1] for k in keys})
    rows = con.execute(
        "SELECT report_id, year, metric_id, breakdown, value FROM facts "
        "WHERE report_id BETWEEN ? AND ? AND year BETWEEN ? AND ? "
        "AND report_id IN (SELECT unnest(?::INTEGER[])) AND year IN (SELECT unnest(?::SMALLINT[])) "
        "ORDER BY rowid",
        [ids[0], ids[-1], years[0], years[-1], ids, years],
    ).fetchall()
    for rid, year, m, b, v in rows:
        values = out.get((rid, year))
        if values is not None:
            values[(m, b or "")] = v
    return out


def _add_cross_year_findings(con: duckdb.DuckDBPyConnection, report_ids: Sequence[int]) -> int:
    """Compare each new report with the same agency's report of the year before and after.

    A cross-year finding belongs to the later report; before adding it, that report's earlier
    cross-year findings are removed so re-loading never duplicates them. Returns the number of
    findings added to the current transaction.

    Set-based for the whole file (issue 12: two queries per report took 6.6 s for a 667-report
    spreadsheet): the neighbours in one statement, then :func:`judge_pairs`.
    """
    if not report_ids:
        return 0
    return judge_pairs(con, [sorted(_cross_year_pairs(con, report_ids))])[0]


def judge_pairs(
    con: duckdb.DuckDBPyConnection, groups: Sequence[Sequence[tuple[int, int, int, int]]]
) -> list[int]:
    """Judge ``(prev_id, cur_id, prev_year, cur_year)`` pairs with the cross-year rules and
    store what they find; returns the number of findings each group added.

    The groups are judged in order (a group is one file's pairs, sorted), each pair replacing
    what an earlier pair left on the same later report — exactly what judging them one file
    after another did — with the facts read in one statement, one DELETE and one INSERT.
    """
    check, rules = _cross_year_rules()
    added = [0] * len(groups)
    if check is None or not any(groups):
        return added
    values = _facts_of_many(
        con, {k for g in groups for p in g for k in ((p[0], p[2]), (p[1], p[3]))})
    live: list[tuple[int, Finding] | None] = []  # what the loop would have inserted, in order
    at: dict[int, list[int]] = {}  # cur_id → its entries in ``live``
    deleted: set[tuple[int, str]] = set()  # (cur_id, rule) removed from what was stored
    for g, pairs in enumerate(groups):
        for prev_id, cur_id, prev_year, cur_year in pairs:
            try:
                found = list(check(dict(values[(prev_id, prev_year)]),
                                   dict(values[(cur_id, cur_year)]), prev_year, cur_year))
            except Exception:  # noqa: BLE001 - a bug in a check must not block loading the file
                log.exception("check_across_years failed for reports %s/%s", prev_id, cur_id)
                continue
            names = {*rules, *(f.rule for f in found if isinstance(f, Finding))}
            deleted.update((cur_id, n) for n in names)
            mine = at.setdefault(cur_id, [])
            for i in mine:
                entry = live[i]
                if entry is not None and entry[1].rule in names:
                    live[i] = None
            for fd in found:
                if isinstance(fd, Finding):
                    mine.append(len(live))
                    live.append((cur_id, fd))
                    added[g] += 1
    if deleted:
        gone = sorted(deleted)
        con.execute(
            "DELETE FROM findings USING (SELECT unnest(?::INTEGER[]) AS rid, "
            "unnest(?::VARCHAR[]) AS rule) d WHERE findings.report_id = d.rid AND findings.rule = d.rule",
            [[r for r, _ in gone], [n for _, n in gone]],
        )
    kept = [e for e in live if e is not None]
    if kept:
        where = dict.fromkeys(cur for cur, _ in kept)
        meta = {int(r): (a, y) for r, a, y in con.execute(
            "SELECT report_id, agency_id, year FROM reports WHERE report_id IN (SELECT unnest(?::INTEGER[]))",
            [list(where)],
        ).fetchall()}
        database._bulk_insert(con, "findings", database.FINDING_COLUMNS, [
            (cur, *meta[cur], fd.rule, fd.severity, fd.message, "; ".join(fd.cells))
            for cur, fd in kept
        ])
    return added


def _add_duplicate_findings(con: duckdb.DuckDBPyConnection, report_ids: Sequence[int]) -> int:
    """Flag a new report whose agency, year and kind another file already gave.

    Both are kept (a PDF and an HTML copy of one report, or a corrected re-issue, are different
    files), but sums over a year would count the agency twice, so a supervisor must see it.
    One query finds them for the whole file, one statement inserts them.
    """
    if not report_ids:
        return 0
    rows = duplicate_rows(con, "n.report_id IN (SELECT unnest(?::INTEGER[]))",
                          "o.source_id <> n.source_id", [list(report_ids)])
    store_duplicate_findings(con, rows)
    return len(rows)


def duplicate_rows(con: duckdb.DuckDBPyConnection, new: str, other: str,
                   params: Sequence[Any]) -> list[tuple]:
    """``(report_id, agency_id, year, kind, other_report_id, other_file_name, agency_name,
    source_id)`` for every new report (SQL condition ``new`` on ``n``, with ``params``) that
    another report ``o`` (condition ``other``: which files count as before it) duplicates."""
    return con.execute(f"""
        SELECT n.report_id, n.agency_id, n.year, n.kind, o.report_id, s.file_name, a.name,
               n.source_id
        FROM reports n
        JOIN reports o ON o.agency_id = n.agency_id AND o.year = n.year AND o.kind = n.kind
                      AND {other}
        LEFT JOIN sources s ON s.source_id = o.source_id
        LEFT JOIN agencies a ON a.agency_id = n.agency_id
        WHERE {new} AND n.kind NOT IN ('template', 'letter')
        ORDER BY n.report_id, o.report_id
    """, list(params)).fetchall()


def store_duplicate_findings(con: duckdb.DuckDBPyConnection, rows: Sequence[tuple]) -> None:
    """Insert ``duplicate_report`` findings for :func:`duplicate_rows`' rows."""
    if rows:
        database._bulk_insert(con, "findings", database.FINDING_COLUMNS, [
            (rid, agency_id, year, "duplicate_report", "warning",
             f"{name} {year} ({kind}) is also given by {file_name} (report {other}); "
             "year totals count both until one is removed or its year corrected",
             f"report {other}")
            for rid, agency_id, year, kind, other, file_name, name, _source in rows
        ])


# ---------------------------------------------------------------------------- loading


def load_paths(
    paths: Sequence[str | Path],
    con: duckdb.DuckDBPyConnection,
    *,
    progress: Callable[[int, int, str], None] | None = None,
    origin: str = "extracted",
    extractor: Extractor | None = None,
    archive: Path | None = None,
    force: bool = False,
    should_stop: Callable[[], bool] | None = None,
    only_valid_rows: bool = False,
) -> LoadResult:
    """Load files and folders into the database, one transaction per file.

    ``extractor`` (default :func:`etl.extract.pipeline.extract_file`) turns a report file into Reports;
    spreadsheets go through ``etl.sheets.parse``. ``force`` rewrites files whose extraction is
    unchanged. ``only_valid_rows`` loads a spreadsheet's rows without errors instead of
    refusing the file (the skipped rows are listed in ``FileResult.warnings``); it is only ever
    the user's explicit choice. ``should_stop`` is asked between files; once it says yes, the
    remaining files are reported as not loaded. Never raises for a bad file: see
    ``LoadResult``. Errors of the database itself (e.g. the connection was closed) do
    propagate; Ctrl-C raises :class:`LoadInterrupted` carrying the per-file result so far.
    """
    archive = archive or database.archive_dir()
    files = _without_own_files(expand_paths(paths), con, archive)
    step = make_counter(progress, len(files))
    result = LoadResult()
    for i, path in enumerate(files):
        if should_stop is not None and should_stop():
            result.files.append(FileResult(
                path=str(path), name=display_name(path), status="failed",
                message=f"{display_name(path)}: not loaded (the load was stopped)"))
            continue
        try:
            result.files.append(
                load_file(path, con, origin=origin, extractor=extractor, archive=archive,
                          force=force, only_valid_rows=only_valid_rows)
            )
        except KeyboardInterrupt as exc:
            for rest in files[i:]:
                result.files.append(FileResult(
                    path=str(rest), name=display_name(rest), status="failed",
                    message=f"{display_name(rest)}: not loaded (the load was interrupted)"))
            raise LoadInterrupted(result) from exc
        step(display_name(path))
    return result


class LoadInterrupted(KeyboardInterrupt):
    """Ctrl-C during :func:`load_paths`: the files finished before it are stored (each in its
    own committed transaction), the interrupted one is rolled back. ``result`` says which is
    which, so the command line can report it before exiting."""

    def __init__(self, result: LoadResult) -> None:
        super().__init__("the load was interrupted")
        self.result = result


def _is_interrupt(exc: BaseException) -> bool:
    """DuckDB turns Ctrl-C during a query into its own exception; it must still stop the load
    rather than count as one failed file and carry on with the next."""
    if isinstance(exc, duckdb.InterruptException):
        return True
    return isinstance(exc, RuntimeError) and "interrupted" in str(exc).lower()


def _without_own_files(
    files: list[Path], con: duckdb.DuckDBPyConnection, archive: Path
) -> list[Path]:
    """Drop the database file, its WAL, lock and snapshots and the archive from a listing, so
    ``load data/`` never tries to read the database into itself."""
    skip_dirs = [archive.resolve()]
    skip_files: set[Path] = set()
    try:
        row = con.execute(
            "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
        ).fetchall()
        if row and row[0][0]:
            db = Path(row[0][0]).resolve()
            skip_files = {db, db.with_name(db.name + ".wal"), db.with_name(db.name + ".tmp"),
                          db.with_name(db.name + ".lock")}
            # "inbox": the folder through which older versions handed loads to the dashboard
            skip_dirs += [db.parent / "inbox", db.with_name(db.name + ".snapshots")]
    except duckdb.Error:
        pass

    def own(p: Path) -> bool:
        r = p.resolve()
        return r in skip_files or any(r.is_relative_to(d) for d in skip_dirs)

    return [p for p in files if not own(p)]


def load_file(
    path: Path,
    con: duckdb.DuckDBPyConnection,
    *,
    name: str | None = None,
    origin: str = "extracted",
    extractor: Extractor | None = None,
    archive: Path | None = None,
    force: bool = False,
    only_valid_rows: bool = False,
) -> FileResult:
    """Load one file (see :func:`load_paths`). ``name`` is the name to store and show (e.g. an
    upload's original name; sanitised, never used as a path); default: the file's own name."""
    res, prepared = prepare_file(path, con, name=name, origin=origin, extractor=extractor,
                                 archive=archive, only_valid_rows=only_valid_rows)
    if prepared is None:
        return res
    return store_prepared(con, res, prepared, force=force)


@dataclass
class Prepared:
    """A file read, extracted and archived, ready for its write transaction."""

    source: database.SourceInfo
    reports: list[Report]
    fingerprint: str


def prepare_file(
    path: Path,
    con: duckdb.DuckDBPyConnection,
    *,
    name: str | None = None,
    origin: str = "extracted",
    extractor: Extractor | None = None,
    archive: Path | None = None,
    only_valid_rows: bool = False,
) -> tuple[FileResult, Prepared | None]:
    """Everything of :func:`load_file` before the database write: the file's result so far and
    what to write (None when the file failed; the result says why)."""
    path = Path(path)
    archive = archive or database.archive_dir()
    name = display_name(name or path)
    res = FileResult(path=str(path), name=name, status="failed")
    try:
        size = _check_size(path, name)
        sha = sha256_file(path)
        res.sha256 = sha
        fmt = sniff_format(path)
        if fmt in SPREADSHEET_FORMATS:
            reports, res.warnings = extract_spreadsheet_checked(
                path, con, name, only_valid_rows=only_valid_rows)
            if origin == "extracted":
                origin = "uploaded"
        else:
            reports = list((extractor or _default_extractor())(path))
    except InputError as exc:
        res.message = _input_error_message(name, exc)
        return res, None
    except Exception as exc:  # noqa: BLE001 - any reader failure is the file's problem
        res.message = f"{name}: could not be read ({type(exc).__name__}: {exc})"
        log.debug("extraction failed for %s", path, exc_info=True)
        return res, None

    fingerprint = _fingerprint(name, origin, reports)
    res.problems = error_findings(reports, name=name)
    res.reports = len(reports)
    res.facts = sum(len(r.facts) for r in reports)
    res.findings = sum(len(r.findings) for r in reports)
    try:
        archived = archive_file(path, sha, archive)
    except InputError as exc:
        res.message = _input_error_message(name, exc)
        return res, None
    except OSError as exc:
        res.message = f"{name}: could not be archived ({exc.strerror or exc}); nothing was written"
        return res, None

    source = database.SourceInfo(sha256=sha, file_name=name, size=size, format=fmt,
                                 archive_path=archived, origin=origin)
    return res, Prepared(source, list(reports), fingerprint)


def store_prepared(con: duckdb.DuckDBPyConnection, res: FileResult, prepared: Prepared, *,
                   force: bool = False) -> FileResult:
    """The write of :func:`load_file`: its own transaction (unless unchanged); fills ``res``."""
    with WRITE_LOCK:
        if not force and _is_unchanged(con, prepared.source.sha256, prepared.fingerprint):
            res.status = "unchanged"
            res.message = "already loaded with the same content"
            return res
        try:
            _ids, cross = write_source(con, prepared.source, prepared.reports,
                                       fingerprint=prepared.fingerprint)
        except Exception as exc:  # noqa: BLE001 - reported per file; the database is unchanged
            if _is_interrupt(exc):
                raise KeyboardInterrupt from exc
            res.message = (f"{res.name}: could not be stored ({type(exc).__name__}: {exc}); "
                           "nothing was written")
            res.reports = res.facts = res.findings = 0
            return res
    return stored(res, cross)


def stored(res: FileResult, cross: int) -> FileResult:
    """``res`` marked loaded, with the ``cross`` findings its write added."""
    res.findings += cross
    res.status = "loaded"
    res.message = f"{res.reports} reports, {res.facts} facts"
    return res


def write_source(
    con: duckdb.DuckDBPyConnection,
    source: database.SourceInfo,
    reports: Sequence[Report],
    *,
    fingerprint: str | None = None,
) -> tuple[list[int], int]:
    """The one write transaction for a file (also used for spreadsheet uploads).

    Replaces what ``source.sha256`` gave before with ``reports``, re-applies analysts'
    corrections, adds cross-year findings, records the load fingerprint — all in ONE
    transaction, serialised with other in-process writers by :data:`WRITE_LOCK`. The raw file
    must already be archived at ``source.archive_path``. On any error the transaction is rolled
    back and the error re-raised: the database is exactly as before. Returns the new report
    ids and the number of cross-year findings added.
    """
    fp = fingerprint or _fingerprint(source.file_name, source.origin, reports)
    with WRITE_LOCK:
        con.execute("BEGIN TRANSACTION")
        try:
            ids = database.write_reports_in_tx(con, source, reports)
            _apply_corrections(con, source.sha256)
            cross = _add_cross_year_findings(con, ids) + _add_duplicate_findings(con, ids)
            con.execute(
                "INSERT OR REPLACE INTO source_fingerprints VALUES (?, ?)", [source.sha256, fp]
            )
            con.execute("COMMIT")
        except BaseException:
            database.rollback_quietly(con)
            raise
    return ids, cross


def _check_size(path: Path, name: str) -> int:
    from etl.read import limits

    try:
        st = path.stat()
    except FileNotFoundError:
        raise InputError(name, "no such file")
    except OSError as exc:
        raise InputError(name, f"cannot be opened ({exc.strerror or exc})")
    if not path.is_file():
        raise InputError(name, "not a regular file")
    if st.st_size == 0:
        raise InputError(name, "the file is empty (0 bytes)")
    limits.check_size(name, int(st.st_size))
    return int(st.st_size)


def _is_unchanged(con: duckdb.DuckDBPyConnection, sha: str, fingerprint: str) -> bool:
    row = con.execute(
        "SELECT f.fingerprint FROM source_fingerprints f JOIN sources s USING (sha256) "
        "WHERE f.sha256 = ?",
        [sha],
    ).fetchone()
    return bool(row) and row[0] == fingerprint


# ---------------------------------------------------------------------------------------------
# Spreadsheets parsed (and previewed) by etl.sheets, written here
# ---------------------------------------------------------------------------------------------


def write_parsed(con: Any, path: Path, parsed: SheetParse) -> list[int]:
    """Write a parsed spreadsheet exactly like :func:`load_file` writes a file.

    Archive under the sha256 first (atomic, content-addressed), then ONE transaction:
    ``write_reports_in_tx`` + ``apply_corrections`` + cross-year findings + the load
    fingerprint (so ``python -m etl load`` of the same file later says "unchanged"). Serialised
    with the loader's in-process write lock. Raises on failure with the database unchanged.
    """
    archived = archive_file(path, parsed.sha256, database.archive_dir())
    source = database.SourceInfo(sha256=parsed.sha256, file_name=parsed.file, size=parsed.size,
                              format=parsed.format, archive_path=archived, origin="uploaded")
    ids, _cross = write_source(con, source, parsed.reports)
    return ids


def load_spreadsheet(path: Path, con: Any, *, only_valid_rows: bool = False, name: str | None = None,
                     parsed: SheetParse | None = None) -> SheetLoad:
    """Validate and write one spreadsheet in one transaction; never half a file by accident.

    * same sha256 already loaded → ``unchanged`` (nothing written);
    * any error and not ``only_valid_rows`` → ``refused`` (nothing written, problems listed);
    * otherwise the raw file is archived under its sha256 and the reports are written, with
      earlier corrections re-applied, in one transaction → ``loaded``.
    Raises :class:`InputError` for a file that cannot be read (database untouched).
    """
    from etl.sheets.parse import SheetLoad, parse_spreadsheet
    from etl.sheets.parse import sha256_file as sheet_sha256
    from etl.sheets.preview import source_loaded
    from etl.sheets.validate import display_name as upload_name

    path = Path(path)
    file = upload_name(name or path.name)
    sha = parsed.sha256 if parsed else sheet_sha256(path)
    if source_loaded(con, sha):
        return SheetLoad(file, sha, "unchanged", f"{file}: already loaded (same content); nothing changed")
    if parsed is None:
        parsed = parse_spreadsheet(path, con, name=file, only_valid_rows=only_valid_rows)
    errors = parsed.errors
    if errors and not only_valid_rows:
        return SheetLoad(file, sha, "refused",
                         f"{file}: not loaded — {len(errors)} error(s); fix the file or load only the valid rows",
                         problems=parsed.problems)
    if not parsed.reports:
        return SheetLoad(file, sha, "refused", f"{file}: not loaded — no valid rows", problems=parsed.problems)
    ids = write_parsed(con, path, parsed)
    skipped = f", {parsed.rows_bad} row(s) with errors skipped" if only_valid_rows and parsed.rows_bad else ""
    return SheetLoad(file, sha, "loaded",
                     f"{file}: loaded {len(ids)} report(s), {parsed.fact_count} fact(s){skipped}",
                     report_ids=ids, facts=parsed.fact_count, problems=parsed.problems)
