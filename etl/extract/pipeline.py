"""The extraction pipeline: file → Document → Segments → Reports (facts + findings).

Pure: nothing here touches the database. ``python -m etl extract --json`` prints exactly what
:func:`extract_file` returns, and ``load`` writes exactly that, so what a user previews is what
gets stored.
"""
from __future__ import annotations

from pathlib import Path

from etl.extract.checks import check_report
from etl.extract.forms import parse_forms
from etl.extract.metadata import detect_metadata
from etl.model import Document, Fact, Finding, Report
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


def extract_document(doc: Document) -> list[Report]:
    """All reports in one read document, in file order."""
    reports: list[Report] = []
    for seg in split_document(doc):
        meta = detect_metadata(seg, doc)
        findings: list[Finding] = list(doc.warnings) + list(meta.findings)
        facts: list[Fact] = []
        form = meta.form
        if meta.kind != "template":
            table_facts, table_form, form_findings = parse_forms(seg, doc)
            narrative_facts = extract_narrative(seg, doc)
            facts, merge_findings = merge_facts(table_facts, narrative_facts)
            findings += form_findings + merge_findings
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
