"""The extraction pipeline: file → Document → Segments → Reports (facts + findings).

Pure: nothing here touches the database. ``python -m etl extract --json`` prints exactly what
:func:`extract_file` returns, and ``load`` writes exactly that, so what a user previews is what
gets stored.
"""
from __future__ import annotations

from pathlib import Path

from etl.extract.checks import check_report
from etl.extract.forms import form_from_text, parse_forms
from etl.extract.metadata import detect_metadata
from etl.metrics import load_metrics
from etl.read.recache import compile as _rx
from etl.model import Document, Fact, Finding, Report, Segment
from etl.extract.narrative import extract_narrative
from etl.read.dispatch import read_file
from etl.extract.split import split_document


def merge_facts(table_facts: list[Fact], narrative_facts: list[Fact]) -> tuple[list[Fact], list[Finding]]:
    """One fact per (metric, breakdown): a table cell wins over the narrative.

    Where both state a value and the values differ, the table's value is kept and the
    disagreement becomes a ``narrative_vs_table`` finding naming both.
    """
    merged: dict[tuple[str, str], Fact] = {}
    findings: list[Finding] = []
    for f in table_facts:
        merged.setdefault(f.key, f)
    for f in narrative_facts:
        have = merged.get(f.key)
        if have is None:
            merged[f.key] = f
            continue
        if have.value is not None and f.value is not None and abs(have.value - f.value) > 1e-9:
            tolerance = 0.1 * abs(have.value) if f.approx else 0.0
            if abs(have.value - f.value) > tolerance:
                findings.append(
                    Finding(
                        rule="narrative_vs_table",
                        severity="warning",
                        message=(
                            f"{f.metric}{'[' + f.breakdown + ']' if f.breakdown else ''}: "
                            f"table says {have.value:g}, text says {f.value:g}"
                            f"{' (approx.)' if f.approx else ''}; the table value is kept"
                        ),
                        cells=[f.metric],
                    )
                )
    return list(merged.values()), findings


_TABLE_SOURCE = {"表二": "table2", "表三": "table3", "表四": "table4"}


def withhold_unchecked(narrative: list[Fact], form_findings: list[Finding], table_facts: list[Fact] = (),
                       *, form_report: bool = False) -> tuple[list[Fact], list[Finding]]:
    """Leave out the text's numbers for a form table that was printed but could not be read.

    The table is the report's own statement of those numbers and the text often words them
    differently (收到申请75件 where 表三 counts 74 new requests and one carried over; 引发行政复议
    1起 where 表四 prints 0); with the table unread, the text's number cannot be checked against
    it, so it is not stored. A report of the national form (2019 on) always prints 表三 and 表四:
    where one of them gave no cell at all, it was there and not read.
    """
    metrics = load_metrics()

    def tables_of(metric: str) -> set[str]:
        """The form tables a metric is printed in (metrics.csv ``source``: "table3 narrative",
        "table2_2021" …)."""
        words = metrics[metric].source.split() if metric in metrics else []
        return {t for t in _TABLE_SOURCE.values() if any(w.startswith(t) for w in words)}

    cells: set[str] = set()
    tables: set[str] = set()
    if form_report:
        read = set().union(*(tables_of(f.metric) for f in table_facts))
        tables.update({"table3", "table4"} - read)
    for f in form_findings:
        if f.rule != "table_unreadable":
            continue
        table = next((t for t in _TABLE_SOURCE if f.message.startswith(t)), None)
        if table is None:
            continue
        if f.cells:
            cells.update(c.split("[", 1)[0] for c in f.cells)
        else:
            tables.add(_TABLE_SOURCE[table])
    if not cells and not tables:
        return narrative, []
    kept: list[Fact] = []
    dropped: list[str] = []
    for fact in narrative:
        if fact.metric in cells or tables_of(fact.metric) & tables:
            dropped.append(fact.metric)
        else:
            kept.append(fact)
    if not dropped:
        return narrative, []
    names = ", ".join(sorted(set(dropped)))
    return kept, [Finding("narrative_withheld", "info",
                          f"a form table was printed but not read, so the text's numbers for it are not stored "
                          f"(they cannot be checked against the table): {names}", sorted(set(dropped)))]


#: the headings of the national form's tables (2019 on): 二、主动公开政府信息情况 (表二),
#: 三、收到和处理政府信息公开申请情况 (表三), 四、…行政复议、行政诉讼情况 (表四)
_FORM_HEADINGS = _rx(r"主动公开政府信息情况|收到和处理政府信息公开申请情况|行政复议[、和及]?行政诉讼情况")


def tables_as_images(seg: Segment, doc: Document, table_facts: list[Fact]) -> list[Finding]:
    """A finding when the form's tables are pictures: pictures under the tables' headings and no
    table cell read. Their numbers are not in the text; the narrative's still count."""
    if table_facts or not doc.images:
        return []
    end = seg.offset + len(seg.text)
    heads = [seg.offset + m.start() for m in _FORM_HEADINGS.finditer(seg.text)]
    if not heads:
        return []
    under = [p for p in doc.images if heads[0] <= p <= end]
    if not under:
        return []
    return [Finding("tables_as_images", "warning",
                    f"the form's tables appear to be pictures ({len(under)} image(s) under its headings, no "
                    "table cell in the text): their numbers were not read; the text's numbers still count")]


def extract_document(doc: Document) -> list[Report]:
    """All reports in one read document, in file order."""
    reports: list[Report] = []
    for seg in split_document(doc):
        meta = detect_metadata(seg, doc)
        findings: list[Finding] = list(doc.warnings) + list(meta.findings)
        facts: list[Fact] = []
        form = meta.form
        if meta.kind not in ("template", "letter"):
            table_facts, table_form, form_findings = parse_forms(seg, doc)
            narrative_facts, withheld = withhold_unchecked(
                extract_narrative(seg, doc), form_findings, table_facts,
                form_report=bool(table_form or form_from_text(seg.text)))
            findings += withheld
            facts, merge_findings = merge_facts(table_facts, narrative_facts)
            findings += form_findings + merge_findings + tables_as_images(seg, doc, table_facts)
            form = table_form or form
        report = Report(
            source=doc.source,
            position=seg.position,
            title=seg.title,
            agency=meta.agency,
            printed_agency=meta.printed_agency,
            year=meta.year,
            kind=meta.kind,
            form=form,
            published=meta.published,
            facts=facts,
            findings=findings,
            offset=seg.offset,
        )
        report.findings += check_report(report)
        reports.append(report)
    return reports


def extract_file(path: str | Path) -> list[Report]:
    """Read and extract one file. Raises :class:`etl.model.InputError` for unreadable input."""
    return extract_document(read_file(Path(path)))
