"""Helpers shared by the AppTest page tests: run a page with a query string, read its charts."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"


def run_page(page: str, **query: Any) -> AppTest:
    """Run ``pages/<page>.py`` once with ``query`` as its URL parameters; no error allowed."""
    at = AppTest.from_file(str(PAGES_DIR / f"{page}.py"), default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def charts(at: AppTest) -> list[dict]:
    """The plotly figures of a run, as JSON specs, in page order."""
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def trace(spec: dict, name: str) -> dict:
    return next(t for t in spec["data"] if t.get("name") == name)
