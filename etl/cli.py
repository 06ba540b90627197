"""``python -m etl …``: a thin command line over the library functions.

Each command parses its arguments, calls one library function and turns the outcome into output
and an exit code: 0 ok, 1 some files failed, 2 usage error or the database stayed locked. Heavy
modules (extraction, demo, synth, bench) are imported inside the commands so that ``--help``
is instant and works even when an optional module is missing.

Output discipline: data goes to stdout (JSON for ``extract --json``), messages and the progress
bar go to stderr, so ``python -m etl extract x.txt --json > out.json`` gives clean JSON.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Callable, Sequence

if TYPE_CHECKING:  # argparse is imported where a parser is built: see _plain_extract
    import argparse

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

DEFAULT_WAIT_S = 30.0


#: Control characters (but not tab and newline) and bidi overrides: file names, cell contents and
#: titles come from other people's files and must not drive the terminal (colours, titles,
#: cursor moves) or reorder what the user reads.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _safe(text: str) -> str:
    return _UNSAFE.sub("", text)


def _err(msg: str) -> None:
    print(_safe(msg), file=sys.stderr, flush=True)


SYNTH_DB = Path(__file__).resolve().parent.parent / "data" / "synth" / "province.duckdb"


def _db(args: argparse.Namespace) -> Path:
    from etl.store import database

    return Path(args.db) if getattr(args, "db", None) else database.db_path()


def _utf8_stdout() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            if (stream.encoding or "").lower().replace("-", "") != "utf8":
                stream.reconfigure(encoding="utf-8")  # type: ignore[attr-defined]
        except (AttributeError, ValueError):
            pass


# ---------------------------------------------------------------------------- extract


def _extractor() -> Callable[[Path], Any]:
    """The loader's extractor when the loader is already imported (tests replace it there),
    else the pipeline's own, without importing the loader and DuckDB with it."""
    loader = sys.modules.get("etl.store.loader")
    if loader is not None:
        return loader._default_extractor()
    from etl.extract.pipeline import extract_file

    return extract_file


def cmd_extract(args: argparse.Namespace) -> int:
    # no etl.store here: reading files needs no database, and DuckDB alone takes ~0.3 s to import
    from etl.progress import make_counter, rich_progress
    from etl.read.files import display_name, error_findings, expand_paths

    extractor = _extractor()
    reports: list[Any] = []
    failed = 0
    paths = expand_paths(args.paths)
    with rich_progress("extracting") as progress:  # drawn on stderr, only on a terminal
        step = make_counter(progress, len(paths))
        for path in paths:
            failed += _extract_one(path, extractor, reports)
            step(display_name(path))
    if args.json:
        # one write: json.dump would write each of its ~10,000 pieces to the stream
        sys.stdout.write(json.dumps([r.to_dict() for r in reports], ensure_ascii=False, indent=2) + "\n")
    elif not reports:
        _err("no reports found")  # an empty table would look like output
    else:
        _print_reports(reports)
        for r in reports:
            name = display_name(r.source)
            for problem in error_findings([r], name=name):
                _err(f"  problem  {name}, {problem}")
    return EXIT_FAILED if failed else EXIT_OK


def _extract_one(path: Path, extractor: Callable[[Path], Any], reports: list[Any]) -> int:
    """Extract one file into ``reports``; returns 1 (and says why on stderr) if it failed."""
    from etl.model import InputError
    from etl.read.files import SPREADSHEET_FORMATS, display_name, input_error_message, sniff_format

    try:
        if not path.is_file():
            raise InputError(display_name(path), "no such file")
        if path.stat().st_size and sniff_format(path) in SPREADSHEET_FORMATS:
            # No database: agencies are not checked against known ones (that is `load`'s job,
            # where a new name gets a warning with the closest known names).
            from etl.store.loader import extract_spreadsheet_checked

            found, warnings = extract_spreadsheet_checked(path, None, display_name(path))
            for warning in warnings:
                _err(f"  warning  {display_name(path)}, {warning}")
        else:
            found = list(extractor(path))
    except InputError as exc:
        _err(f"error: {input_error_message(display_name(path), exc)}")
        return 1
    except Exception as exc:  # noqa: BLE001 - any reader failure names the file
        _err(f"error: {display_name(path)}: could not be read ({type(exc).__name__}: {exc})")
        return 1
    for r in found:
        r.source = str(path)
    reports.extend(found)
    return 0


def _print_reports(reports: Sequence[Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(reports)} report(s)")
    for col in ("source", "#", "title", "agency", "year", "kind", "form", "facts", "findings"):
        table.add_column(col, no_wrap=col not in ("title", "agency", "source"), overflow="fold")
    from etl.read.files import display_name

    for r in reports:
        table.add_row(
            display_name(r.source), str(r.position), _safe((r.title or "")[:40]),
            _safe(r.agency or "—"), str(r.year or "—"), r.kind, r.form or "—",
            str(len(r.facts)), str(len(r.findings)),
        )
    # markup=False: titles and agency names come from documents and must print verbatim.
    console = Console(markup=False, highlight=False)
    if not console.is_terminal:
        console = Console(markup=False, highlight=False, width=140)
    console.print(table)


# ---------------------------------------------------------------------------- load


def cmd_load(args: argparse.Namespace) -> int:
    from etl.store import database
    from etl.store.loader import LoadInterrupted, expand_paths, load_paths
    from etl.progress import rich_progress
    from etl.store.writer import LockTimeout, open_for_write

    db = _db(args)
    if not expand_paths(args.paths):
        # An empty folder is not an error (a scheduled load of an empty drop folder), but say
        # so rather than print "0 loaded" as if something had been looked at.
        _err(f"no files found in {', '.join(map(str, args.paths))}; nothing to load")
        return EXIT_OK
    try:  # writers take turns; dashboards read snapshots and are never waited for
        target = open_for_write(db, timeout=args.wait)
    except LockTimeout as exc:
        _err(f"error: {exc}")
        return EXIT_USAGE
    try:
        with rich_progress("loading") as progress:
            result = load_paths(args.paths, target.con, progress=progress,
                                archive=database.archive_dir(db), force=args.force,
                                only_valid_rows=args.valid_rows_only)
    except LoadInterrupted as exc:
        _report_load(exc.result, as_json=args.json)
        _err("interrupted: the files listed as loaded are stored, the others are not; "
             "run the same load again to complete it")
        return 130
    finally:
        target.close()  # publishes a snapshot of what was stored
    return _report_load(result, as_json=args.json)


def _report_load(result: Any, *, as_json: bool) -> int:
    if as_json:
        json.dump(result.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    for f in result.files:
        if f.status == "failed":
            _err(f"failed     {f.message}")
            continue
        if not as_json:
            print(_safe(f"{f.status:<10} {f.name}: {f.reports} report(s), {f.facts} fact(s), "
                        f"{f.findings} finding(s)"), flush=True)  # keeps order with stderr lines
        # Loaded, but with errors worth a look (scanned pages, totals that do not add up …):
        # say so here rather than leave the person to find them in the dashboard.
        for problem in getattr(f, "problems", None) or []:
            _err(f"  problem  {f.name}, {problem}")
        for warning in getattr(f, "warnings", None) or []:
            _err(f"  warning  {f.name}, {warning}")
    summary = (f"{result.count('loaded')} loaded, {result.count('unchanged')} unchanged, "
               f"{result.count('failed')} failed")
    _err(summary)
    return EXIT_FAILED if result.failed else EXIT_OK


# ---------------------------------------------------------------------------- export


def cmd_export(args: argparse.Namespace) -> int:
    from etl.store import export
    from etl.store.writer import LockTimeout, open_for_write

    out = Path(args.out)
    if out.suffix.lower() not in export.EXPORT_FORMATS:
        _err(f"error: {out.name}: unsupported format; use .csv, .xlsx or .parquet")
        return EXIT_USAGE
    if args.year_from is not None and args.year_to is not None and args.year_from > args.year_to:
        _err(f"error: --year-from {args.year_from} is after --year-to {args.year_to}")
        return EXIT_USAGE
    db = _db(args)
    if not db.exists():
        _err(f"error: no database at {db} (run `python -m etl demo` or `python -m etl load`)")
        return EXIT_USAGE
    try:
        target = open_for_write(db, timeout=args.wait, read_only=True)
    except LockTimeout as exc:
        _err(f"error: {str(exc).replace('nothing was written', 'nothing was exported')}")
        return EXIT_USAGE
    try:
        n = export.export_facts(target.con, out, agency=args.agency,
                               year_from=args.year_from, year_to=args.year_to,
                               strict=True)
    except ValueError as exc:  # a bad filter, e.g. an unknown agency: nothing written
        _err(f"error: {exc}; nothing was exported")
        return EXIT_USAGE
    except OSError as exc:  # the output folder is not writable, the disk is full …
        _err(f"error: cannot write {out}: {exc.strerror or exc}; nothing was exported")
        return EXIT_FAILED
    finally:
        target.close()
    _err(f"wrote {n} row(s) to {out}")
    return EXIT_OK


# ---------------------------------------------------------------------------- archive


def cmd_check_archive(args: argparse.Namespace) -> int:
    from etl.store import database
    from etl.store.loader import check_archive
    from etl.store.writer import LockTimeout, open_for_write

    db = _db(args)
    if not db.exists():
        _err(f"error: no database at {db}")
        return EXIT_USAGE
    try:
        target = open_for_write(db, timeout=args.wait, read_only=not args.prune)
    except LockTimeout as exc:
        _err(f"error: {exc}")
        return EXIT_USAGE
    if target.con is None:
        _err("error: the dashboard holds the database; stop it to check the archive")
        return EXIT_USAGE
    try:
        res = check_archive(target.con, database.archive_dir(db), prune=args.prune,
                            min_age_s=args.min_age)
    finally:
        target.close()
    for sha in res.missing:
        _err(f"missing    archive file of source {sha} (load that file again to restore it)")
    for rel in res.orphans:
        print(f"{'pruned' if rel in res.pruned else 'orphan':<10} {rel}")
    _err(f"{len(res.missing)} missing, {len(res.orphans)} unreferenced, {len(res.pruned)} pruned")
    return EXIT_FAILED if res.missing else EXIT_OK


# ---------------------------------------------------------------------------- demo/synth/bench


def _require_unlocked(db: Path) -> bool:
    """Builders replace the database file: refuse while another process holds it."""
    import duckdb

    from etl.store.writer import is_lock_error, lock_holder_pid

    if not db.exists():
        return True
    try:
        duckdb.connect(str(db)).close()
        return True
    except duckdb.Error as exc:
        if not is_lock_error(exc):
            return True  # not ours to judge (e.g. an old format): the builder will say
        pid = lock_holder_pid(exc)
        _err(f"error: database {db} is in use by another process"
             f"{f' (pid {pid})' if pid else ''}; stop it first; nothing was written")
        return False


def cmd_demo(args: argparse.Namespace) -> int:
    from etl.progress import rich_progress

    db = _db(args)
    if not _require_unlocked(db):
        return EXIT_USAGE
    from etl.demo.corpus import build_demo

    with rich_progress("demo") as progress:
        build_demo(db, force=args.force, progress=progress)
    _err(f"demo database ready: {db}")
    return EXIT_OK


def _fraction_progress(progress: Callable[[int, int, str], None]) -> Callable[[str, float], None]:
    return lambda msg, frac: progress(int(round(frac * 100)), 100, msg)


def cmd_synth(args: argparse.Namespace) -> int:
    from etl.progress import rich_progress

    db = _db(args)
    if not _require_unlocked(db):
        return EXIT_USAGE
    from etl.demo.synth import synth

    with rich_progress("synth") as progress:
        counts = synth(db, agencies=args.agencies, year_from=args.year_from,
                       year_to=args.year_to, seed=args.seed,
                       progress=_fraction_progress(progress))
    _err(f"synthetic database ready: {db} {counts if isinstance(counts, dict) else ''}")
    return EXIT_OK


def _benchmark(name: str) -> Any:
    """A script of ``benchmarks/``, loaded by path: benchmarks are not part of the library (they
    import it, never the other way round), but ``python -m etl bench`` stays a command."""
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "benchmarks" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"benchmarks.{name}", path)
    if spec is None or spec.loader is None:  # pragma: no cover - the file ships with the project
        raise FileNotFoundError(path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cmd_bench(args: argparse.Namespace) -> int:
    db = _db(args)
    if not _require_unlocked(db):
        return EXIT_USAGE
    rc = _benchmark("bench_pages").run_bench(db, repeat=args.repeat)
    return int(rc) if isinstance(rc, int) else EXIT_OK


# ---------------------------------------------------------------------------- parser


#: The sub-commands, in the order ``--help`` lists them (``build_parser`` adds them in this order).
COMMANDS = ("extract", "load", "export", "demo", "synth", "bench", "check-archive")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with ``command``, holding only that sub-command.

    Why: argparse makes a help formatter for every argument it is given, so the whole parser
    costs milliseconds of every run; a command's arguments, usage and messages need only its
    own sub-parser (the top-level usage names no sub-command: ``COMMAND ...``).
    """
    import argparse

    def wanted(name: str) -> bool:
        return command is None or command == name

    p = argparse.ArgumentParser(
        prog="python -m etl",
        description="Gongkai ETL: extract numbers from government information-disclosure annual "
                    "reports, load them into DuckDB, export them.",
        epilog="Exit codes: 0 ok, 1 some files failed, 2 usage error or database locked.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def db_opt(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--db", metavar="PATH",
                        help="database file (default: $GONGKAI_DB or data/gongkai.duckdb)")

    def synth_db_opt(sp: argparse.ArgumentParser) -> None:
        # Never the working database: synth replaces its file.
        sp.add_argument("--db", metavar="PATH", default=str(SYNTH_DB),
                        help=f"database file (default: {SYNTH_DB.relative_to(SYNTH_DB.parents[2])})")

    def wait_opt(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--wait", type=float, default=DEFAULT_WAIT_S, metavar="SECONDS",
                        help=f"how long to wait for a locked database (default {DEFAULT_WAIT_S:g})")

    if wanted("extract"):
        sp = sub.add_parser("extract", help="print the reports found in files (no database)",
                            description="Read files (or folders) and print the reports, facts and "
                                        "findings found, without touching the database.")
        sp.add_argument("paths", nargs="+", metavar="PATH", help="report files or folders")
        sp.add_argument("--json", action="store_true",
                        help="print a JSON array, one object per report (stable interface)")
        sp.set_defaults(func=cmd_extract)

    if wanted("load"):
        sp = sub.add_parser("load", help="load files or folders into the database",
                            description="Load report files, spreadsheets or folders of them, one "
                                        "transaction per file. Re-loading a file replaces what it "
                                        "gave before. Writers (loads, uploads, corrections) take "
                                        "turns; running dashboards see the files when it is done.")
        sp.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (recursive)")
        db_opt(sp)
        wait_opt(sp)
        sp.add_argument("--force", action="store_true",
                        help="rewrite files even when their extraction is unchanged")
        sp.add_argument("--valid-rows-only", action="store_true",
                        help="spreadsheets with bad rows: load the valid rows and list the skipped "
                             "ones (default: refuse the whole file)")
        sp.add_argument("--json", action="store_true", help="print the per-file result as JSON")
        sp.set_defaults(func=cmd_load)

    if wanted("export"):
        sp = sub.add_parser("export", help="export facts to csv, xlsx or parquet",
                            description="Write agency, year, metric, breakdown, value, unit, kind and "
                                        "source of every fact; the format follows the extension.")
        sp.add_argument("--out", required=True, metavar="FILE", help="output file (.csv/.xlsx/.parquet)")
        sp.add_argument("--agency", metavar="NAME", help="only this agency (name or alias)")
        sp.add_argument("--year-from", type=int, metavar="Y", help="first reporting year")
        sp.add_argument("--year-to", type=int, metavar="Y", help="last reporting year")
        db_opt(sp)
        wait_opt(sp)
        sp.set_defaults(func=cmd_export)

    if wanted("demo"):
        sp = sub.add_parser("demo", help="build the bundled demo database",
                            description="Build the demo database from the bundled demo corpus "
                                        "through the real ETL path.")
        db_opt(sp)
        sp.add_argument("--force", action="store_true", help="rebuild even if it exists")
        sp.set_defaults(func=cmd_demo)

    if wanted("synth"):
        sp = sub.add_parser("synth", help="build a province-scale synthetic database",
                            description="Generate a synthetic database (default 20,000 agencies × "
                                        "2008–2024) for benchmarks. Replaces the file.")
        synth_db_opt(sp)
        sp.add_argument("--agencies", type=int, default=20_000, metavar="N")
        sp.add_argument("--year-from", type=int, default=2008, metavar="Y")
        sp.add_argument("--year-to", type=int, default=2024, metavar="Y")
        sp.add_argument("--seed", type=int, default=0, metavar="S")
        sp.set_defaults(func=cmd_synth)

    if wanted("bench"):
        sp = sub.add_parser("bench", help="benchmark pages and queries at province scale",
                            description="Time every page and query against the synthetic province "
                                        "database (medians, with a pandas baseline in the same run).")
        synth_db_opt(sp)
        sp.add_argument("--repeat", type=int, default=5, metavar="N")
        sp.set_defaults(func=cmd_bench)

    if wanted("check-archive"):
        sp = sub.add_parser("check-archive", help="compare the raw-file archive with the database",
                            description="List archived files no source references (harmless; "
                                        "left by interrupted loads) and sources whose archived file "
                                        "is missing (load the file again to restore it).")
        db_opt(sp)
        wait_opt(sp)
        sp.add_argument("--prune", action="store_true", help="delete unreferenced archive files")
        sp.add_argument("--min-age", type=float, default=600.0, metavar="SECONDS",
                        help="only prune files older than this (default 600)")
        sp.set_defaults(func=cmd_check_archive)
    return p


def command_names(parser: argparse.ArgumentParser | None = None) -> list[str]:
    """The sub-command names (used by the test that keeps README in step with the CLI)."""
    import argparse

    parser = parser or build_parser()
    for action in parser._actions:  # noqa: SLF001 - argparse has no public accessor
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            return list(action.choices)
    return []


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:400]


def _plain_extract(argv: list[str]) -> SimpleNamespace | None:
    """``extract PATH… [--json]`` parsed as argparse parses it, without argparse; else None.

    Why: importing argparse and building even one sub-parser costs ~5 ms of a ~0.2 s extract
    process (issue 12: ≤ 2× reading the text with pypdfium2). Only that plain form: paths not
    starting with "-" and the exact flag ``--json`` anywhere among them (argparse leaves paths
    after the flag over, and ``_parse`` joins them, so the paths keep their order). Anything
    else — help, an abbreviated or unknown option, ``--``, no path — goes to argparse and its
    messages.
    """
    if len(argv) < 2 or argv[0] != "extract":
        return None
    paths = [a for a in argv[1:] if a != "--json"]
    if not paths or any(a.startswith("-") for a in paths):
        return None
    return SimpleNamespace(command="extract", paths=paths, json=len(paths) < len(argv) - 1,
                           func=cmd_extract)


def _parse(argv: list[str]) -> argparse.Namespace:
    """The arguments as argparse reads them (exits with a usage message when they are wrong)."""
    parser = build_parser(argv[0] if argv and argv[0] in COMMANDS else None)
    # Paths after an option (`load a.txt --force b.txt`) are still paths: argparse alone would
    # refuse them as "unrecognized arguments" (intermixed parsing does not work with sub-commands).
    args, extra = parser.parse_known_args(argv)
    if extra:
        if isinstance(getattr(args, "paths", None), list) and not any(e.startswith("-") for e in extra):
            args.paths.extend(extra)
        else:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    _utf8_stdout()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _plain_extract(argv) or _parse(argv)
    try:
        return int(args.func(args))
    except BrokenPipeError:  # e.g. `… extract --json | head`
        return EXIT_OK
    except Exception as exc:
        duckdb = sys.modules.get("duckdb")  # imported only by commands that use it
        if duckdb is None or not isinstance(exc, duckdb.Error):
            raise
        if isinstance(exc, duckdb.InterruptException):  # Ctrl-C inside a query
            _err("interrupted")
            return 130
        # Not a lock (those are handled per command): the file is no DuckDB database, of a
        # newer format, or on a read-only disk. Say which file, without a traceback.
        _err(f"error: cannot use the database {_db(args)}: {_one_line(exc)}; "
             "nothing was written")
        return EXIT_USAGE
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
