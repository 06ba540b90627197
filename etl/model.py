"""Typed values passed between the ETL stages.

Every stage (read → split → extract → check → load) is a plain function from one of these
types to another, so each stage can be tested without Streamlit and without a database.
The types are frozen-ish dataclasses on purpose: a stage returns new values instead of
mutating what it was given, which keeps re-extraction of the same file deterministic.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
Origin = Literal["extracted", "uploaded", "corrected"]
Kind = Literal["disclosure_report", "work_summary", "template"]

KINDS: tuple[str, ...] = ("disclosure_report", "work_summary", "template")
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")


class InputError(Exception):
    """A file that cannot be read. The message always names the file and the place.

    Raised by readers and loaders; the CLI and the dashboard turn it into a message for the
    user and leave the database untouched.
    """

    def __init__(self, file: str, message: str, place: str | None = None) -> None:
        self.file = file
        self.place = place
        self.reason = message
        where = f" ({place})" if place else ""
        super().__init__(f"{file}{where}: {message}")


@dataclass
class Cell:
    """One table cell as printed. ``text`` is raw; spans come from HTML/DOCX merges."""

    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Table:
    """A table as read from the file, rows of raw cell texts (merged cells repeated).

    ``page`` is 1-based for paged formats (PDF), else None. ``offset`` is the character offset
    of the table's first cell in ``Document.text`` when the reader placed it there.
    """

    rows: list[list[str]]
    page: int | None = None
    index: int = 0
    offset: int | None = None


@dataclass
class Page:
    """One page of a paged document: its text and where that text starts in Document.text."""

    number: int
    text: str
    offset: int


@dataclass
class Document:
    """What a reader returns: the whole text, its pages and tables, and where it came from.

    ``text`` is the full plain text in reading order; evidence offsets refer to it. Tables are
    kept separately (with their page) because flattening them into text loses the grid.
    ``warnings`` holds reader-level problems (e.g. no text layer) that become findings.
    """

    source: str
    format: str
    text: str
    pages: list[Page] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    encoding: str | None = None
    warnings: list["Finding"] = field(default_factory=list)
    #: a web page's own description of the article (meta tags ``ArticleTitle``, ``PubDate``,
    #: ``ContentSource``, ``Author`` and the ``<title>``), which CMS pages carry apart from the text
    meta: dict[str, str] = field(default_factory=dict)
    #: character offsets in ``text`` where the page shows a picture (a table printed as an image
    #: leaves only these behind)
    images: list[int] = field(default_factory=list)

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding a character offset, or None for unpaged formats."""
        page = None
        for p in self.pages:
            if p.offset <= offset:
                page = p.number
            else:
                break
        return page


@dataclass
class Segment:
    """One report inside a file: a slice of the document text plus the tables inside it."""

    position: int  # 1-based order in the file
    title: str
    text: str
    offset: int  # where ``text`` starts in Document.text
    tables: list[Table] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)


@dataclass
class Evidence:
    """Where a number was read: enough for a user to find it in the original file."""

    raw_text: str
    offset: int | None = None  # character offset in Document.text
    page: int | None = None
    table: str | None = None  # e.g. "表三" or "table 2 on page 4"
    row_label: str | None = None
    col_label: str | None = None

    def to_dict(self) -> dict[str, Any]:
        # not asdict: it deep-copies each plain value, ~3 ms for a report of 200 facts
        return {f.name: v for f in fields(self) if (v := getattr(self, f.name)) is not None}


@dataclass
class Fact:
    """One number: (metric, breakdown) → value in the metric's canonical unit.

    ``value`` None means the report printed a blank, "/" or "-": recorded, but not a fact
    that enters sums. ``note`` keeps text printed inside a cell next to the number.
    """

    metric: str
    value: float | None
    breakdown: str = ""
    unit: str = "count"
    approx: bool = False
    evidence: Evidence | None = None
    origin: Origin = "extracted"
    note: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.metric, self.breakdown)

    def to_dict(self) -> dict[str, Any]:
        value: float | int | None = self.value
        if isinstance(value, float) and value.is_integer() and self.unit in ("count", "cny", "usd"):
            value = int(value)
        d: dict[str, Any] = {
            "metric": self.metric,
            "breakdown": self.breakdown,
            "value": value,
            "unit": self.unit,
            "approx": self.approx,
            "evidence": self.evidence.to_dict() if self.evidence else None,
        }
        if self.note:
            d["note"] = self.note
        return d


@dataclass
class Finding:
    """A problem worth a human's attention. Never a silent correction."""

    rule: str
    severity: Severity
    message: str
    cells: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"rule": self.rule, "severity": self.severity, "message": self.message}
        if self.cells:
            d["cells"] = self.cells
        return d


@dataclass
class Report:
    """One extracted report with its metadata, facts and findings."""

    source: str
    position: int
    title: str
    agency: str | None  # canonical name, None when unknown / anonymised
    printed_agency: str | None
    year: int | None
    kind: Kind
    form: str | None  # "narrative", "2019", "2021"
    published: str | None = None  # ISO date when the document states one
    facts: list[Fact] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    offset: int = 0

    def fact(self, metric: str, breakdown: str = "") -> Fact | None:
        for f in self.facts:
            if f.metric == metric and f.breakdown == breakdown:
                return f
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "position": self.position,
            "title": self.title,
            "agency": self.agency,
            "printed_agency": self.printed_agency,
            "year": self.year,
            "kind": self.kind,
            "form": self.form,
            "published": self.published,
            "facts": [f.to_dict() for f in self.facts],
            "findings": [f.to_dict() for f in self.findings],
        }
