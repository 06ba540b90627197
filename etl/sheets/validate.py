"""Checks on uploaded files and spreadsheet rows, before anything reaches the database.

Two layers, both pure (no Streamlit, no writes):

* :func:`guard_file` looks at a file *before* it is parsed — size, emptiness, whether the
  content is what the extension says, zip bombs and sheets that claim absurd dimensions — and
  raises :class:`etl.model.InputError` naming the file and the reason. It reads only the zip
  directory and the first bytes of each worksheet, so a hostile file costs almost nothing.
* :func:`validate_candidates` turns the raw cells a spreadsheet parser found into facts and
  :class:`Problem` records that name sheet, row, column and the cell's content, so an analyst
  can find and fix each one in Excel.

Validation never silently fixes a number: a 万元 value converted to yuan is reported, a
suspicious magnitude is a warning, and an error keeps its row out of the database.
"""
from __future__ import annotations

import math
import os
import re
import unicodedata
import zipfile
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Literal

from etl.metrics import APPLICANT_KEYS, APPLICANT_LABELS_ZH, load_metrics
from etl.read.limits import check_zip
from etl.model import Evidence, Fact, InputError

ProblemSeverity = Literal["error", "warning"]

MIN_YEAR = 2000
DEFAULT_MAX_UPLOAD_MB = 50
MAX_SHEET_COLUMNS = 1000
MAX_SHEET_ROWS = 300_000
MAX_SHEET_CELLS = 5_000_000

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")
REPORT_SUFFIXES = (".pdf", ".docx", ".html", ".htm", ".txt", ".md", ".markdown")


def max_upload_bytes() -> int:
    """The per-file size limit: ``GONGKAI_MAX_UPLOAD_MB`` (default 50 MB)."""
    try:
        mb = float(os.environ.get("GONGKAI_MAX_UPLOAD_MB") or DEFAULT_MAX_UPLOAD_MB)
    except ValueError:
        mb = DEFAULT_MAX_UPLOAD_MB
    limit = int(mb * 1024 * 1024)
    try:
        from etl.read import limits

        limit = min(limit, int(limits.MAX_FILE_BYTES))
    except (ImportError, AttributeError):
        pass
    return limit


def max_upload_mb() -> int:
    return max(1, round(max_upload_bytes() / (1024 * 1024)))


@dataclass
class Problem:
    """One thing wrong with an uploaded file, precise enough to find it in Excel."""

    file: str
    message: str
    severity: ProblemSeverity = "error"
    sheet: str | None = None
    row: int | None = None  # 1-based, as Excel shows it
    column: str | None = None  # column letter (or header name for CSV)
    cell: str | None = None  # the cell's content as read

    def where(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        cell = f" [cell: {self.cell!r}]" if self.cell not in (None, "") else ""
        return f"{self.severity}: {self.where()}: {self.message}{cell}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# ---------------------------------------------------------------------------------------------
# File names and the pre-parse guard
# ---------------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def display_name(name: str | None) -> str:
    """A file name safe to show and to use as ONE path component inside our own temp dir.

    Anything before a ``/`` or ``\\`` is dropped (an upload name never becomes a path), control
    characters are removed, leading dots are stripped (no ``..`` or hidden files), and the
    length is bounded. Storage is always by sha256, never by this name.
    """
    raw = (name or "").replace("\\", "/")
    base = raw.rsplit("/", 1)[-1]
    base = _CONTROL.sub("", base).strip().lstrip(".").strip()
    base = base.replace(":", "_")
    if len(base) > 120:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: 110] + "…." + ext) if dot and len(ext) <= 8 else base[:120]
    return base or "upload"


def _sniff(head: bytes) -> str:
    """What the first bytes say the file is."""
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if b"\x00" in head[:8192] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary"
    return "text"


_SNIFF_LABEL = {
    "zip": "a zip archive (xlsx/docx)",
    "pdf": "a PDF",
    "ole": "an old binary Office file (.xls/.doc)",
    "binary": "binary data",
    "text": "plain text",
}


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def col_letter(index0: int) -> str:
    """0-based column index → Excel letters (0 → A)."""
    s = ""
    n = index0 + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


_DIM = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"')


def _check_zip(path: Path, name: str, kind: str) -> None:
    """Refuse zip bombs and absurd sheet dimensions using only the zip directory + headers."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(name, f"corrupt or truncated {kind} file ({exc})") from None
    with zf:
        check_zip(zf, name)  # the same zip-bomb limits as every document reader
        infos = zf.infolist()
        names = {i.filename for i in infos}
        if kind == "xlsx":
            if "xl/workbook.xml" not in names:
                raise InputError(name, "not an xlsx workbook (the zip has no xl/workbook.xml)")
            for info in infos:
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    _check_dimension(zf, info, name)
        elif kind == "docx" and "word/document.xml" not in names:
            raise InputError(name, "not a docx document (the zip has no word/document.xml)")


def _check_dimension(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
    try:
        with zf.open(info) as fh:
            head = fh.read(65536)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise InputError(name, f"corrupt or truncated xlsx file ({exc})", info.filename) from None
    m = _DIM.search(head)
    if not m:
        return
    c1, r1, c2, r2 = m.groups()
    if c2 is None:  # single-cell ref like "A1"
        c2, r2 = c1, r1
    cols = _col_number(c2.decode()) - _col_number((c1 or b"A").decode()) + 1 if c2 else 1
    rows = int(r2) - int(r1 or b"1") + 1 if r2 else 1
    sheet = info.filename.rsplit("/", 1)[-1]
    if cols > MAX_SHEET_COLUMNS or rows > MAX_SHEET_ROWS or cols * rows > MAX_SHEET_CELLS:
        raise InputError(
            name,
            f"refused: a sheet claims {rows:,} rows × {cols:,} columns "
            f"(limits {MAX_SHEET_ROWS:,} rows, {MAX_SHEET_COLUMNS:,} columns)",
            sheet,
        )


def guard_file(path: Path, name: str | None = None) -> str:
    """Check a file before parsing it; return its kind: ``"xlsx"``, ``"xls"``, ``"csv"`` or ``"report"``.

    Raises :class:`InputError` (file name + reason) for an empty file, a file over the size
    limit, content that is not what the extension says, a zip bomb, or a sheet claiming more
    rows/columns than any real report table has.
    """
    path = Path(path)
    name = display_name(name or path.name)
    suffix = Path(name).suffix.lower() or path.suffix.lower()
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(name, f"cannot be opened ({exc.strerror or exc})") from None
    limit = max_upload_bytes()
    if size > limit:
        raise InputError(name, f"too large: {size / (1024 * 1024):.0f} MB (the limit is {max_upload_mb()} MB per file)")
    if size == 0:
        raise InputError(name, "the file is empty")
    with path.open("rb") as fh:
        head = fh.read(8192)
    sniffed = _sniff(head)
    expected: dict[str, tuple[str, ...]] = {
        ".xlsx": ("zip",), ".xlsm": ("zip",), ".docx": ("zip",), ".xls": ("ole",),
        ".pdf": ("pdf",), ".csv": ("text",), ".txt": ("text",), ".md": ("text",),
        ".markdown": ("text",), ".html": ("text",), ".htm": ("text",),
    }
    if suffix not in expected:
        raise InputError(
            name,
            f"unsupported file type {suffix or '(no extension)'}; accepted: "
            + ", ".join(SPREADSHEET_SUFFIXES + REPORT_SUFFIXES),
        )
    if sniffed not in expected[suffix]:
        raise InputError(name, f"not a {suffix} file: its content is {_SNIFF_LABEL[sniffed]}")
    if suffix in (".xlsx", ".xlsm"):
        _check_zip(path, name, "xlsx")
        return "xlsx"
    if suffix == ".docx":
        _check_zip(path, name, "docx")
        return "report"
    if suffix == ".xls":
        return "xls"
    if suffix == ".csv":
        if not head.strip():
            raise InputError(name, "the file is empty (only blank space)")
        return "csv"
    return "report"


def is_spreadsheet(name: str) -> bool:
    return Path(name).suffix.lower() in SPREADSHEET_SUFFIXES


# ---------------------------------------------------------------------------------------------
# Cell values
# ---------------------------------------------------------------------------------------------

BLANK_MARKS = {"/", "-", "—", "－", "／", "–", "——"}
ZERO_MARKS = {"无", "0件", "零"}
_NUM = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")

UNIT_SCALES: dict[str, tuple[str, float]] = {
    # stated unit → (canonical unit it belongs to, factor to canonical)
    "元": ("cny", 1.0), "人民币元": ("cny", 1.0), "yuan": ("cny", 1.0), "cny": ("cny", 1.0),
    "万元": ("cny", 1e4), "亿元": ("cny", 1e8),
    "美元": ("usd", 1.0), "usd": ("usd", 1.0), "万美元": ("usd", 1e4), "亿美元": ("usd", 1e8),
    "件": ("count", 1.0), "个": ("count", 1.0), "条": ("count", 1.0), "次": ("count", 1.0),
    "场": ("count", 1.0), "人": ("count", 1.0), "count": ("count", 1.0),
    "%": ("pct", 1.0), "％": ("pct", 1.0), "pct": ("pct", 1.0),
}


def cell_text(v: Any) -> str:
    """A cell as text the way a person would read it (floats without a trailing .0)."""
    if v is None:
        return ""
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    return str(v).strip()


def parse_value(v: Any) -> tuple[str, float | None]:
    """Classify a numeric cell: ``("blank", None)``, ``("none", None)`` for "/" or "-",
    ``("number", x)`` or ``("text", None)`` when the cell holds words."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "blank", None
    if isinstance(v, bool):
        return "text", None
    if isinstance(v, (int, float)):
        return "number", float(v)
    s = unicodedata.normalize("NFKC", str(v)).strip()
    if not s:
        return "blank", None
    if s in BLANK_MARKS or unicodedata.normalize("NFKC", s) in BLANK_MARKS:
        return "none", None
    if s in ZERO_MARKS:
        return "number", 0.0
    t = s.replace(",", "").replace(" ", "")
    if t.endswith("件") or t.endswith("个"):
        t = t[:-1]
    if _NUM.match(t):
        return "number", float(t)
    return "text", None


def parse_year(v: Any) -> int | None:
    """2023, 2023.0, "2023", "2023年", "2023年度" → 2023; anything else → None."""
    kind, x = parse_value(v)
    if kind == "number" and x is not None and float(x).is_integer():
        return int(x)
    m = re.fullmatch(r"\s*(\d{4})\s*年?度?\s*", unicodedata.normalize("NFKC", cell_text(v)))
    return int(m.group(1)) if m else None


def allows_negative(metric_id: str) -> bool:
    """Year-on-year changes may be negative; every other metric is a count, sum or share."""
    return metric_id.endswith("_change") or metric_id.endswith("_yoy_pct")


_BREAKDOWN_BY_LABEL = {v: k for k, v in APPLICANT_LABELS_ZH.items()}
_BREAKDOWN_BY_LABEL.update({"合计": "", "总数": "", "总计": "", "其他组织": "other_org", "total": ""})


def normalise_breakdown(metric_kind: str, raw: str) -> tuple[str, str | None]:
    """(breakdown key, error message or None) for a metric's breakdown kind."""
    b = unicodedata.normalize("NFKC", raw or "").strip()
    if metric_kind == "applicant":
        if b in APPLICANT_KEYS or b == "":
            return b, None
        if b in _BREAKDOWN_BY_LABEL:
            return _BREAKDOWN_BY_LABEL[b], None
        return b, (
            f"unknown applicant breakdown {b!r}; use one of: (empty)=总计, "
            + ", ".join(f"{k}={APPLICANT_LABELS_ZH[k]}" for k in APPLICANT_KEYS)
        )
    if metric_kind == "category":
        b = re.sub(r"[“”\"'‘’]", "", b)
        b = re.sub(r"(类信息|类|栏目)$", "", b) if b not in ("总计", "合计") else ""
        return b, None
    if b in ("", "总计", "合计", "total"):
        return "", None
    return b, "this metric takes no breakdown; leave the breakdown cell empty"


# ---------------------------------------------------------------------------------------------
# Candidates → facts + problems
# ---------------------------------------------------------------------------------------------


@dataclass
class Candidate:
    """One value cell found by a spreadsheet parser, with the cells that say what it is."""

    sheet: str
    row: int  # 1-based sheet row of the value
    column: str  # letter of the value's column
    agency: str  # as written
    year: Any
    metric: str  # metric id (or what the cell said)
    breakdown: str
    value: Any
    unit: str = ""  # unit column or header hint ("万元" …)
    unit_from: str = ""  # "unit column" / "header"
    note: str | None = None
    row_label: str | None = None
    col_label: str | None = None
    table: str | None = None  # e.g. "表三"
    agency_cell: str | None = None  # e.g. "A5"
    year_cell: str | None = None
    metric_cell: str | None = None

    @property
    def row_key(self) -> tuple[str, int]:
        return (self.sheet, self.row)


@dataclass
class ValidFact:
    """A validated fact with what it belongs to."""

    agency: str  # canonical name
    printed_agency: str
    year: int
    fact: Fact
    row_key: tuple[str, int]


@dataclass
class Validation:
    facts: list[ValidFact] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    bad_rows: set[tuple[str, int]] = field(default_factory=set)
    new_agencies: dict[str, list[str]] = field(default_factory=dict)  # name → suggestions

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def canonical_name(printed: str) -> str:
    """The project's canonical agency name when etl.extract.agencies exists, else the trimmed name."""
    name = re.sub(r"\s+", "", unicodedata.normalize("NFKC", printed or "")).strip()
    try:
        from etl.extract.agencies import canonical_agency  # type: ignore[import-not-found]
    except ImportError:
        return name
    try:
        return canonical_agency(name) or name
    except Exception:  # a rule bug elsewhere must not block an upload
        return name


def known_agencies(con: Any) -> dict[str, int]:
    """Every agency name and alias in the database → agency id (empty without a database)."""
    if con is None:
        return {}
    try:
        rows = con.execute(
            "SELECT name, agency_id FROM agencies UNION ALL SELECT alias, agency_id FROM agency_aliases"
        ).fetchall()
    except Exception:
        return {}
    return {str(n): int(i) for n, i in rows if n}


def closest_agencies(name: str, known: Iterable[str], limit: int = 3) -> list[str]:
    """The closest known agency names (rapidfuzz WRatio ≥ 60), best first."""
    from rapidfuzz import fuzz, process

    choices = list(dict.fromkeys(known))
    if not choices:
        return []
    hits = process.extract(name, choices, scorer=fuzz.WRatio, limit=limit, score_cutoff=60)
    return [h[0] for h in hits]


def _suspicious_magnitude(unit: str, value: float) -> bool:
    """A yuan/dollar figure that looks typed in 万: fractional or tiny but non-zero."""
    if unit not in ("cny", "usd") or value == 0:
        return False
    return abs(value) < 100 or not float(value).is_integer()


def validate_candidates(
    cands: Iterable[Candidate],
    file: str,
    con: Any = None,
    *,
    this_year: int | None = None,
) -> Validation:
    """Check every candidate cell; return the facts that passed and every problem found.

    Rows (sheet, row) with any error are listed in ``bad_rows``; their other cells are not
    loaded either, so "load only the valid rows" never writes half a row.
    """
    metrics = load_metrics()
    this_year = this_year or date.today().year
    known = known_agencies(con)
    out = Validation()
    seen: dict[tuple[str, int, str, str], tuple[float | None, Candidate]] = {}
    agency_checked: dict[str, str] = {}
    suggested: dict[str, list[str]] = {}

    def problem(c: Candidate, msg: str, sev: ProblemSeverity = "error", column: str | None = None,
                cell: Any = None) -> None:
        out.problems.append(Problem(file, msg, sev, c.sheet, c.row, column or c.column,
                                    cell_text(cell) if cell is not None else None))
        if sev == "error":
            out.bad_rows.add(c.row_key)

    for c in cands:
        ok = True
        # agency
        printed = cell_text(c.agency)
        if not printed:
            problem(c, "agency missing", column=c.agency_cell)
            ok = False
            canon = ""
        else:
            canon = agency_checked.get(printed)
            if canon is None:
                canon = canonical_name(printed)
                agency_checked[printed] = canon
                if con is not None and canon not in known and printed not in known:
                    # spellings with one canonical name share its suggestions (a province's
                    # 20,000 names cost ~30 ms of fuzzy matching per name)
                    sugg = suggested.get(canon)
                    if sugg is None:
                        sugg = suggested[canon] = closest_agencies(canon, known)
                    out.new_agencies[canon] = sugg
                    hint = ("closest known: " + "、".join(sugg)) if sugg else "no similar name is known"
                    problem(c, f"unknown agency {canon!r}: a new agency will be created when the file is loaded "
                               f"({hint})", "warning", column=c.agency_cell, cell=printed)
        # year
        year = parse_year(c.year)
        if year is None:
            problem(c, "year missing or not a year", column=c.year_cell, cell=c.year)
            ok = False
        elif not (MIN_YEAR <= year <= this_year):
            problem(c, f"year {year} out of range ({MIN_YEAR}–{this_year})", column=c.year_cell, cell=c.year)
            ok = False
        # metric
        mid = cell_text(c.metric)
        m = metrics.get(mid)
        if m is None:
            problem(c, f"unknown metric {mid!r} (see the metric list sheet of the template)",
                    column=c.metric_cell, cell=mid)
            continue
        breakdown, berr = normalise_breakdown(m.breakdown, cell_text(c.breakdown))
        if berr:
            problem(c, berr, cell=c.breakdown)
            ok = False
        # value
        kind, value = parse_value(c.value)
        if kind == "blank":
            continue
        if kind == "text":
            problem(c, f"text in a numeric cell ({m.label_zh}, {mid})", cell=c.value)
            continue
        note = c.note
        if value is not None:
            unit = unicodedata.normalize("NFKC", c.unit or "").strip().lower()
            unit = {"万": "万元"}.get(unit, unit) if m.unit == "cny" else unit
            if unit:
                scale = UNIT_SCALES.get(unit) or UNIT_SCALES.get(c.unit.strip())
                if scale is None:
                    problem(c, f"unknown unit {c.unit!r} for {mid} (expected {m.unit})", cell=c.unit)
                    ok = False
                elif scale[0] != m.unit:
                    problem(c, f"unit {c.unit!r} does not fit {mid}, which is stored in {m.unit}", cell=c.unit)
                    ok = False
                elif scale[1] != 1.0:
                    converted = value * scale[1]
                    problem(c, f"{cell_text(value)} {c.unit} converted to {converted:,.0f} "
                               f"{'yuan' if m.unit == 'cny' else 'dollars'} ({c.unit_from or 'unit'} says {c.unit})",
                            "warning", cell=c.value)
                    value = converted
            elif _suspicious_magnitude(m.unit, value):
                problem(c, f"{cell_text(value)} looks small for {mid}, which is stored in "
                           f"{'yuan' if m.unit == 'cny' else 'dollars'}: was it entered in 万? "
                           "(state 万元 in the unit column or the header to convert)", "warning", cell=c.value)
            if value < 0 and not allows_negative(mid):
                problem(c, f"negative value for {mid} ({m.label_zh}); only *_change and *_yoy_pct may be negative",
                        cell=c.value)
                ok = False
        if not ok or not canon or year is None:
            out.bad_rows.add(c.row_key)
            continue
        key = (canon, year, mid, breakdown)
        if key in seen:
            prev_value, prev = seen[key]
            where = f"{prev.sheet}!{prev.column}{prev.row}"
            if prev_value == value:
                problem(c, f"duplicate of {where} (same value; the duplicate is ignored)", "warning", cell=c.value)
            else:
                problem(c, f"duplicate of {where} with a different value ({cell_text(prev_value)} there)",
                        cell=c.value)
            continue
        seen[key] = (value, c)
        ev = Evidence(
            raw_text=cell_text(c.value),
            table=f"{c.sheet}!{c.column}{c.row}",
            row_label=c.row_label,
            col_label=c.col_label,
        )
        fact = Fact(metric=mid, value=value, breakdown=breakdown, unit=m.unit, evidence=ev,
                    origin="uploaded", note=note or None)
        out.facts.append(ValidFact(canon, printed, year, fact, c.row_key))
    return out
