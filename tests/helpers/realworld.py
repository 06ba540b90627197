"""Shared set-up of the real-world extraction tests (tests/test_realworld_*.py).

Every real-world test writes one built document to ``tmp_path`` and expects the extractor to
find exactly one report in it; the write-and-extract step lives here so the HTML, PDF, DOCX and
text tests check it the same way.
"""
from __future__ import annotations

from pathlib import Path

from etl.extract.pipeline import extract_file


def extract_one(path: Path):  # noqa: ANN201
    """Extract ``path`` and return its only report (fails when there is not exactly one)."""
    reports = extract_file(path)
    assert len(reports) == 1, [r.title for r in reports]
    return reports[0]


def write_and_extract_one(tmp_path: Path, name: str, data: bytes | str):  # noqa: ANN201
    """Write ``data`` (text is written as UTF-8) to ``tmp_path / name`` and extract its only report."""
    p = tmp_path / name
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return extract_one(p)


def blank_zero_requests(want: dict[tuple[str, str], float | None]) -> dict[tuple[str, str], float | None]:
    """The expected cells when 表三's zero cells are printed blank or as a dash: those cells
    state nothing, so they are expected empty (None) rather than 0."""
    return {k: None if k[0].startswith("requests.") and v == 0 else v for k, v in want.items()}
