"""File readers: any supported report file → :class:`etl.model.Document`.

``read_file`` is the one entry point. It checks the size limit before reading, sniffs the real
format from the bytes (``etl.read.sniff``; the extension is only a hint) and hands the bytes
to the format's reader (``pdf``, ``html``, ``docx``, ``text``). Whatever goes wrong ends in an
:class:`InputError` naming the file and the place — a hostile upload must never crash the
dashboard or the CLI with a traceback.

The helpers that every reader uses to render tables into text live in :mod:`etl.read.cells`.
"""
from __future__ import annotations

from pathlib import Path

from etl.read import limits
from etl.model import Document, InputError

__all__ = ["read_file", "read_data", "detect_format"]


def detect_format(path: Path) -> str:
    """The real format of a file on disk ("pdf", "docx", "xlsx", "html", "mhtml", "text").

    For callers that route files (spreadsheets vs. documents) before reading them; applies the
    same size limit and raises the same InputErrors as :func:`read_file`.
    """
    from etl.read.sniff import sniff_format

    data = _read_bytes(path)
    return sniff_format(data, path.name)


def _read_bytes(path: Path) -> bytes:
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(name, f"cannot be opened: {exc.strerror or exc}") from None
    limits.check_size(name, size)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(name, f"cannot be read: {exc.strerror or exc}") from None
    limits.check_size(name, len(data))
    return data


def read_file(path: Path) -> Document:
    """Read one report file of any supported format into a Document.

    Raises InputError (naming the file and the place) for empty, oversized, unsupported,
    damaged or hostile files; reader-level problems that still leave a Document (scanned PDF
    pages, an encrypted PDF) are returned in ``Document.warnings``.
    """
    path = Path(path)
    return read_data(_read_bytes(path), path.name)


def read_data(data: bytes, name: str, *, guard: bool = True) -> Document:
    """Read a file's bytes (e.g. an upload held in memory); ``name`` is used in messages.

    With ``guard`` (the default) an unexpected exception inside a third-party parser becomes an
    InputError too, so one strange file can never take the dashboard down; tests pass
    ``guard=False`` to see such exceptions and fix the reader instead.
    """
    from etl.read.sniff import sniff_format

    path = Path(Path(name).name or "file")
    name = path.name
    limits.check_size(name, len(data))
    if not guard:
        return _dispatch(sniff_format(data, name), path, data)
    try:
        return _dispatch(sniff_format(data, name), path, data)
    except InputError:
        raise
    except RecursionError:
        raise InputError(name, "structure nested too deeply to read") from None
    except MemoryError:
        raise InputError(name, "not enough memory to read this file") from None
    except Exception as exc:  # third-party parsers raise anything on hostile input
        raise InputError(name, f"could not be read ({type(exc).__name__}: {exc})"[:500]) from None


def _dispatch(fmt: str, path: Path, data: bytes) -> Document:
    from etl.read.sniff import check_claimed_format

    name = path.name
    check_claimed_format(fmt, name)
    if fmt == "pdf":
        from etl.read.pdf import read_pdf

        return read_pdf(path, data)
    if fmt == "docx":
        from etl.read.docx import read_docx

        return read_docx(path, data)
    if fmt == "html":
        from etl.read.html import read_html

        return read_html(path, data)
    if fmt == "mhtml":
        from etl.read.html import read_mhtml

        return read_mhtml(path, data)
    if fmt == "xlsx":
        raise InputError(
            name,
            "is a spreadsheet (XLSX), not a report document; load it as a spreadsheet "
            "(upload template, long format or 表三 grid — etl.sheets.parse)",
        )
    from etl.read.text import read_text

    return read_text(path, data)
