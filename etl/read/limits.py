"""Limits on what a reader accepts: hostile or broken files must end in a clear error.

Gongkai reads files that strangers upload. Every reader checks these limits *before* doing the
expensive thing (reading the bytes, decompressing a ZIP member, parsing a page), so a zip bomb,
a PDF claiming 100,000 pages or HTML nested 10,000 levels deep ends in an ``InputError`` that
names the file, the place and the limit — never in a hang, an out-of-memory kill or a traceback.

The values are module attributes read at call time (``limits.MAX_PDF_PAGES``, not a copy made
at import), so tests and operators can lower them (``monkeypatch.setattr(limits, ...)``).
Real annual reports are far below every limit: a large one is 40 pages, 5 MB, 300 KB of text.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from etl.model import InputError

if TYPE_CHECKING:  # the readers of ZIP containers import it; a PDF or a text need not
    import zipfile

MB = 1024 * 1024

#: Largest file read at all; bigger files are refused from their size alone, before reading.
MAX_FILE_BYTES: int = 200 * MB

#: Most pages read from one PDF (the largest real compilations have a few hundred).
MAX_PDF_PAGES: int = 2000

#: Most pages of one PDF on which the (slow) ruled-table finder runs; others keep their text.
MAX_PDF_TABLE_PAGES: int = 60

#: Pages with more drawing/text objects than this are not searched for tables (pathological).
MAX_PDF_PAGE_OBJECTS: int = 50_000

#: Most characters of text accepted from one document (all pages, all tables rendered).
MAX_TEXT_CHARS: int = 20_000_000

#: Sum of the declared uncompressed sizes of a ZIP (DOCX/XLSX) — checked before decompressing.
MAX_ZIP_UNCOMPRESSED: int = 300 * MB

#: Highest compression ratio accepted for a ZIP member larger than ``ZIP_RATIO_MIN_SIZE``.
#: Real DOCX XML compresses about 5–20×; bombs compress 1000× and more.
MAX_ZIP_RATIO: float = 200.0
ZIP_RATIO_MIN_SIZE: int = 5 * MB

#: Most members in one ZIP (a DOCX has ~20; many thousands means a hostile archive).
MAX_ZIP_MEMBERS: int = 10_000

#: Largest HTML page (bytes) and deepest element nesting accepted. libxml2 (lxml) silently stops
#: nesting at 256 levels, so anything deeper than this limit is refused rather than misread.
MAX_HTML_BYTES: int = 50 * MB
MAX_HTML_DEPTH: int = 250

#: Most cells of one table grid after expanding rowspan/colspan (colspan=100000 is hostile).
MAX_TABLE_CELLS: int = 200_000
#: Spans are clipped like browsers do (HTML: colspan ≤ 1000, rowspan ≤ 65534).
MAX_COLSPAN: int = 1000
MAX_ROWSPAN: int = 65534

#: Wall-clock budget for reading one file (seconds); checked between pages / parts.
TIME_BUDGET_SECONDS: float = 60.0


def describe() -> str:
    """The limits in words, for the README / upload page ("files up to 200 MB, …")."""
    return (
        f"files up to {MAX_FILE_BYTES // MB} MB; PDFs up to {MAX_PDF_PAGES} pages; "
        f"DOCX/XLSX up to {MAX_ZIP_UNCOMPRESSED // MB} MB uncompressed; "
        f"HTML up to {MAX_HTML_BYTES // MB} MB and {MAX_HTML_DEPTH} levels of nesting; "
        f"{int(TIME_BUDGET_SECONDS)} s of reading per file"
    )


def check_size(name: str, size: int) -> None:
    """Refuse a file from its size alone, before any byte of it is read."""
    if size > MAX_FILE_BYTES:
        raise InputError(
            name,
            f"file is {size / MB:.0f} MB; the limit is {MAX_FILE_BYTES // MB} MB per file "
            "(split the document or load its tables as a spreadsheet)",
        )


def check_zip(zf: zipfile.ZipFile, name: str) -> None:
    """Refuse a zip bomb from the central directory, before any member is decompressed.

    Python's zipfile never yields more bytes than a member's declared size, so checking the
    declared sizes (total and per-member compression ratio) bounds the memory used later.
    """
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise InputError(
            name, f"archive has {len(infos)} parts; the limit is {MAX_ZIP_MEMBERS}", "zip directory"
        )
    total = 0
    for info in infos:
        total += info.file_size
        if total > MAX_ZIP_UNCOMPRESSED:
            raise InputError(
                name,
                f"archive would expand to more than {MAX_ZIP_UNCOMPRESSED // MB} MB "
                "(zip bomb?); refused before decompressing",
                f"zip part {info.filename}",
            )
        if info.file_size > ZIP_RATIO_MIN_SIZE:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > MAX_ZIP_RATIO:
                raise InputError(
                    name,
                    f"part expands {ratio:.0f}× ({info.file_size / MB:.0f} MB), more than the "
                    f"{MAX_ZIP_RATIO:.0f}× limit (zip bomb?); refused before decompressing",
                    f"zip part {info.filename}",
                )


@dataclass
class Deadline:
    """A per-file time budget, checked by readers between pages (no threads, no processes)."""

    name: str
    seconds: float = field(default_factory=lambda: TIME_BUDGET_SECONDS)
    start: float = field(default_factory=time.monotonic)

    def expired(self) -> bool:
        return time.monotonic() - self.start > self.seconds

    def check(self, place: str) -> None:
        """Raise InputError naming the place reached when the budget is spent."""
        if self.expired():
            raise InputError(
                self.name,
                f"reading took longer than the {self.seconds:.0f} s limit per file; stopped",
                place,
            )


def check_text_size(name: str, chars: int, place: str | None = None) -> None:
    """Refuse a document whose text grows beyond ``MAX_TEXT_CHARS``."""
    if chars > MAX_TEXT_CHARS:
        raise InputError(
            name, f"more than {MAX_TEXT_CHARS:,} characters of text; the limit was reached", place
        )
