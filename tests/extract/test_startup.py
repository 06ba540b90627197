"""``python -m etl extract`` imports only what the file needs (issue 12: a whole process must
stay ≤ 2× one that only reads a PDF's text with pypdfium2, so start-up counts).

Measured in a fresh interpreter, as the command runs: a narrative text needs no fuzzy matching
(rapidfuzz, ~12 ms), no ZIP reader (zipfile, ~3 ms), no PDF library; a PDF whose tables the fast
finder reads needs no pdfplumber (~0.2 s); neither needs DuckDB (~0.3 s).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from etl.demo import fixtures as fx
from etl.demo.render import render

ROOT = Path(__file__).resolve().parents[2]
WATCHED = ("duckdb", "pdfplumber", "pypdfium2", "rapidfuzz", "zipfile")

_CODE = (
    "import contextlib, io, json, sys\n"
    "from etl.cli import main\n"
    "out = io.StringIO()\n"
    "with contextlib.redirect_stdout(out):\n"
    "    rc = main(['extract', sys.argv[1], '--json'])\n"
    "print(json.dumps([rc, len(json.loads(out.getvalue())), [m for m in json.loads(sys.argv[2]) if m in sys.modules]]))\n"
)


def _extract_imports(path: Path, watched: tuple[str, ...] = WATCHED) -> tuple[int, int, list[str]]:
    """(exit code, reports found, watched modules imported) of one extract in a new process."""
    done = subprocess.run([sys.executable, "-c", _CODE, str(path), json.dumps(watched)], cwd=ROOT,
                          check=True, capture_output=True, text=True)
    rc, n_reports, modules = json.loads(done.stdout.strip().splitlines()[-1])
    return rc, n_reports, modules


def test_a_narrative_text_imports_no_fuzzy_matching_zip_or_pdf_library(tmp_path: Path) -> None:
    path = tmp_path / "narrative.txt"
    path.write_text(fx.render_narrative_txt(fx.make_narrative_report(3, "青川市民政局", 2011)),
                    encoding="utf-8")
    assert _extract_imports(path) == (0, 1, [])


def test_a_pdf_with_ruled_tables_imports_no_pdfplumber_zip_or_duckdb(tmp_path: Path) -> None:
    spec = fx.make_standard_report(7, agency="青川市教育局", year=2022, form="2021")
    path = tmp_path / "report.pdf"
    path.write_bytes(render(spec, "pdf"))
    assert _extract_imports(path) == (0, 1, ["pypdfium2", "rapidfuzz"])


def test_a_plain_extract_builds_no_argparse_parser(tmp_path: Path) -> None:
    """``extract PATH --json`` is parsed without argparse (~5 ms with its sub-parsers; pypdfium2
    imports argparse itself, so this is watched on a text file)."""
    path = tmp_path / "narrative.txt"
    path.write_text(fx.render_narrative_txt(fx.make_narrative_report(3, "青川市民政局", 2011)),
                    encoding="utf-8")
    assert _extract_imports(path, ("argparse", "gettext")) == (0, 1, [])


def test_the_command_list_matches_the_parser() -> None:
    """``main`` builds only the named command's sub-parser when the name is in COMMANDS."""
    from etl import cli

    assert cli.command_names() == list(cli.COMMANDS)
