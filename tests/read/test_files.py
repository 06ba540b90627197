"""etl.read.files holds the file helpers that ``extract`` needs without DuckDB; the loader uses
the very same functions (one implementation, so the two can never drift apart)."""
from __future__ import annotations

from etl.read import files


def test_the_loader_uses_the_readers_file_helpers() -> None:
    from etl.store import loader

    for name in ("display_name", "expand_paths", "sniff_format", "error_findings",
                 "MAX_NAME_CHARS", "SPREADSHEET_FORMATS", "MAX_LISTED_PROBLEMS"):
        assert getattr(loader, name) is getattr(files, name), name
    assert loader._input_error_message is files.input_error_message
