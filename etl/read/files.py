"""File names and kinds without the database: what ``python -m etl extract`` needs.

Why here: :mod:`etl.store.loader` imports DuckDB (~0.3 s) at import time, and a command that
only reads files must not pay for it. The loader imports (and re-exports) these helpers from
here (``input_error_message`` is its ``_input_error_message``).
"""
from __future__ import annotations

import os
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

from etl.read.recache import compile as _rx

if TYPE_CHECKING:
    from etl.model import InputError, Report

#: Longest display name kept for a file (characters).
MAX_NAME_CHARS = 200
#: Formats handled as spreadsheets (template, long format, 表三 grid) rather than reports.
SPREADSHEET_FORMATS = ("xlsx", "xls", "csv")
#: At most this many problems of one file are listed in a message (the rest are counted).
MAX_LISTED_PROBLEMS = 50
_CONTROL = _rx(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def display_name(path: str | Path) -> str:
    """A file's name fit for storing and showing: last path component only, no control or
    bidi characters, no path separators, at most :data:`MAX_NAME_CHARS` characters."""
    raw = str(path).replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    text = unicodedata.normalize("NFC", raw)
    text = _CONTROL.sub("", text).replace("/", "_").replace("\\", "_").strip()
    if text in ("", ".", ".."):
        text = "unnamed"
    if len(text) > MAX_NAME_CHARS:
        stem, dot, ext = text.rpartition(".")
        if dot and 0 < len(ext) <= 8:
            text = stem[: MAX_NAME_CHARS - len(ext) - 2] + "…." + ext
        else:
            text = text[: MAX_NAME_CHARS - 1] + "…"
    return text


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly, plus every file below named folders (recursively, sorted).

    Hidden files and office lock files (``.*``, ``~$*``) inside folders are skipped; a path that
    does not exist is kept so that it is reported as failed rather than silently ignored.
    """
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found = []
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for f in files:
                    if f.startswith((".", "~$")):
                        continue
                    found.append(Path(root) / f)
            out.extend(sorted(found, key=lambda x: str(x)))
        else:
            out.append(p)
    return out


def sniff_format(path: Path) -> str:
    """The format recorded in ``sources.format`` and used to route the file: spreadsheets
    (xlsx/xls by magic bytes, csv by suffix) go to ``etl.sheets.parse``, everything else to
    the report extractor, whose reader (``etl.read.dispatch``) does the thorough sniffing and refuses
    what it cannot read. Reads only the first bytes and the ZIP directory.
    """
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK\x03\x04"):
        import zipfile  # only here (~3 ms to import): most files are not ZIP containers

        try:
            with zipfile.ZipFile(path) as z:
                names = z.namelist()[:2000]
        except (zipfile.BadZipFile, OSError, ValueError):
            return "zip"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        if any(n.startswith("word/") for n in names):
            return "docx"
        return "zip"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls" if path.suffix.lower() == ".xls" else "ole"
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".htm", ".html"):
        return "html"
    return "text"


def error_findings(
    reports: Sequence[Report], limit: int = MAX_LISTED_PROBLEMS, *, name: str = ""
) -> list[str]:
    """``report N: message`` for every error-severity finding (at most ``limit``, then a count).

    Stored with the reports (the review queue lists them); also returned so the command line
    can say, for a file that loaded, what in it is wrong."""
    out: list[str] = []
    for r in reports:
        for fd in r.findings:
            if getattr(fd, "severity", "") == "error":
                msg = str(fd.message)
                if name and msg.startswith(f"{name}: "):
                    msg = msg[len(name) + 2:]  # the caller names the file already
                out.append(f"report {r.position}: {msg}")
    if len(out) > limit:
        out = out[:limit] + [f"… and {len(out) - limit} more"]
    return out


def input_error_message(name: str, exc: InputError) -> str:
    """The reader's reason and place under the display name (a reader may have named the file
    by a temporary path, e.g. for uploads)."""
    reason = getattr(exc, "reason", None) or str(exc)
    place = getattr(exc, "place", None)
    return f"{name}{f' ({place})' if place else ''}: {reason}"
