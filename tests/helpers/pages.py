"""Helpers shared by the AppTest page tests: run a page with a query string, read its charts."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

TESTS_DIR = Path(__file__).resolve().parents[1]
PAGES_DIR = TESTS_DIR.parent / "pages"


def plain(markdown: str) -> str:
    """Messages escape URL text for markdown; compare what the user reads."""
    return re.sub(r"\\(.)", r"\1", markdown)


def run_app(path: str | Path, timeout: float = 60, **query: Any) -> AppTest:
    """Run an app file (relative paths from tests/) once with ``query`` as its URL parameters.

    No check of the result: for tests that look at exceptions and error messages themselves.
    """
    at = AppTest.from_file(str(TESTS_DIR / path), default_timeout=timeout)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def run_page(page: str, **query: Any) -> AppTest:
    """Run ``pages/<page>.py`` once with ``query`` as its URL parameters; no error allowed."""
    at = run_app(PAGES_DIR / f"{page}.py", **query)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def charts(at: AppTest) -> list[dict]:
    """The plotly figures of a run, as JSON specs, in page order."""
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def trace(spec: dict, name: str) -> dict:
    return next(t for t in spec["data"] if t.get("name") == name)
