"""Decide a file's real format from its bytes; the extension is only a hint.

Government sites serve HTML under ``.pdf`` links, users rename ``.doc`` files to ``.docx`` and
mail clients strip extensions, so trusting the name sends files to the wrong reader and yields a
confusing traceback. This module looks at magic bytes (and, for ZIPs, at the member names) and
returns one of ``"pdf"``, ``"docx"``, ``"xlsx"``, ``"html"``, ``"mhtml"`` (a saved web archive),
``"text"``; formats Gongkai cannot
read end here in an :class:`InputError` that says what the file really is and what to do.
"""
from __future__ import annotations

import codecs
import io
import re

from etl.read import limits
from etl.read.recache import compile as _rx
from etl.model import InputError

PDF_MAGIC = b"%PDF-"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_IMAGE = "an image (a scan?); Gongkai reads reports with a text layer: load the PDF or DOCX the agency published"
_ARCHIVE = "a compressed archive; unpack it and load the files inside"
_OTHER_FORMATS: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", _IMAGE),
    (b"\x89PNG\r\n\x1a\n", _IMAGE),
    (b"GIF87a", _IMAGE),
    (b"GIF89a", _IMAGE),
    (b"II*\x00", _IMAGE),
    (b"MM\x00*", _IMAGE),
    (b"\x1f\x8b", _ARCHIVE),
    (b"Rar!\x1a\x07", _ARCHIVE),
    (b"7z\xbc\xaf\x27\x1c", _ARCHIVE),
)
_TEXT_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_HTML_START = _rx(
    rb"^(?:\s|<!--.*?-->|<\?xml[^>]*>)*<(?:!doctype\s+html|html|head|body|meta|title|table|div|p|"
    rb"span|center|font|br|style|script|link|h[1-6])[\s>/]",
    re.IGNORECASE | re.DOTALL,
)
_HTML_ANYWHERE = _rx(rb"<(?:!doctype\s+html|html[\s>]|body[\s>]|table[\s>])", re.IGNORECASE)
_MHTML = _rx(rb"^(?:[\x21-\x7e]+:[^\r\n]*\r?\n(?:[ \t][^\r\n]*\r?\n)*)*?(?:MIME-Version|Content-Type):", re.IGNORECASE)
_BLANK = _rx(rb"[ \t\r\n\x00]*")
_HTML_EXTS = (".html", ".htm", ".shtml", ".xhtml", ".jsp", ".asp", ".aspx", ".php")
_BINARY_EXTS = (".pdf", ".docx", ".xlsx", ".doc", ".xls", ".wps", ".et", ".zip")
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27)) + b"\x7f"


def _head_as_ascii_html(data: bytes) -> bytes:
    """The first 8 KB with UTF-16 reduced to its low bytes, so tag checks work on it too."""
    head = data[:8192]
    if head.startswith(codecs.BOM_UTF16_LE):
        head = head[2::2]
    elif head.startswith(codecs.BOM_UTF16_BE):
        head = head[3::2]
    elif head.startswith(codecs.BOM_UTF8):
        head = head[3:]
    return head


def looks_binary(data: bytes) -> bool:
    """True for data that is not text in any encoding (control bytes other than NUL abound).

    NUL bytes alone do not decide: BOM-less UTF-16 text has many of them, and the text
    decoder (``etl.read.textio``) recognises or rejects that pattern itself.
    """
    if any(data.startswith(b) for b in _TEXT_BOMS):
        return False
    head = data[:65536]
    if not head:
        return False
    controls = sum(head.count(bytes([c])) for c in _CONTROL)
    return controls / len(head) > 0.05


def _zip_kind(data: bytes, name: str) -> str:
    import zipfile  # only ZIP containers need it (~3 ms to import): not a PDF or a text

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise InputError(
            name, f"damaged ZIP container (truncated or corrupt DOCX/XLSX?): {exc}", "zip directory"
        ) from None
    with zf:
        limits.check_zip(zf, name)
        names = set(zf.namelist())
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "mimetype" in names:
            try:
                mime = zf.read("mimetype")[:100].decode("ascii", "replace")
            except Exception:
                mime = ""
            if "opendocument" in mime:
                raise InputError(
                    name, f"OpenDocument file ({mime.strip()}) is not supported; save it as .docx or .xlsx"
                )
        if any(n.startswith("ppt/") for n in names):
            raise InputError(name, "PowerPoint file is not supported; save it as PDF")
        if any(n.startswith("word/") for n in names):
            types = b""
            if "[Content_Types].xml" in names and zf.getinfo("[Content_Types].xml").file_size < 1_000_000:
                try:
                    types = zf.read("[Content_Types].xml")
                except Exception:
                    types = b""
            if b"wordprocessingml.document.main" in types or b"wordprocessingml.template.main" in types:
                return "docx"  # main part under another name; the reader follows the relationships
            raise InputError(name, "DOCX without its main part word/document.xml (damaged?)", "zip directory")
    raise InputError(
        name, "a ZIP archive that is neither a DOCX nor an XLSX; unpack it and load the files inside"
    )


def sniff_format(data: bytes, name: str) -> str:
    """The real format of ``data``: "pdf", "docx", "xlsx", "html", "mhtml" or "text".

    Raises InputError for empty files, old binary Office files, unsupported containers and
    binary data that is no known format (whatever the extension says).
    """
    if not data or _BLANK.fullmatch(data):
        raise InputError(name, "file is empty (0 bytes of content)")
    if data.startswith(PDF_MAGIC):
        return "pdf"
    if data.startswith(ZIP_MAGICS):
        return _zip_kind(data, name)
    if data.startswith(OLE2_MAGIC):
        raise InputError(
            name,
            "old binary Office format (.doc/.xls/.wps) is not supported; save it as .docx or .xlsx",
        )
    if data[:64].lstrip().startswith(b"{\\rtf"):
        raise InputError(name, "RTF is not supported; save it as .docx")
    for magic, what in _OTHER_FORMATS:
        if data.startswith(magic):
            raise InputError(name, what)
    head = _head_as_ascii_html(data)
    lowered = name.lower()
    if _MHTML.match(data[:4096]) and b"multipart/related" in data[:8192].lower():
        return "mhtml"
    if _HTML_START.match(head):
        return "html"
    # The PDF header may follow up to 1 KB of junk (the spec tolerates it, readers do too).
    if PDF_MAGIC in data[:1024]:
        return "pdf"
    if _HTML_ANYWHERE.search(head):
        return "html"
    if lowered.endswith(_HTML_EXTS) and re.search(rb"<[a-zA-Z!/]", head):
        return "html"
    if looks_binary(data):
        ext = lowered.rsplit(".", 1)[-1] if "." in lowered else ""
        claimed = f" although its name ends in .{ext}" if lowered.endswith(_BINARY_EXTS) else ""
        raise InputError(
            name,
            f"not a PDF, DOCX, HTML or text file{claimed}: the content is unrecognised binary data",
            "byte 0",
        )
    return "text"


_SHEET_EXTS = (".xlsx", ".xls", ".xlsm", ".et")


def check_claimed_format(fmt: str, name: str) -> None:
    """Refuse plain text under a spreadsheet name (.xlsx, .xls …).

    Sniffing still calls such content "text" (the extension is only a hint, and a text report
    saved under a ``.pdf`` or ``.docx`` download name is read as the text it is), but a
    "workbook" that is plain text was never meant as a report: reading it would store an empty
    report and hide the mistake (an error page saved under the download's name, a CSV renamed).
    """
    lowered = name.lower()
    if fmt == "text" and lowered.endswith(_SHEET_EXTS):
        ext = lowered.rsplit(".", 1)[-1]
        raise InputError(
            name,
            f"the name ends in .{ext} but the content is plain text, not an Excel workbook; "
            "if it is a table, save it as .csv (or as a real .xlsx) and load it again",
            "byte 0",
        )
