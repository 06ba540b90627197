"""First start on a fresh machine, in a real browser: ``streamlit run dashboard.py`` with no
database file builds the demo when the server starts, a visitor who arrives meanwhile sees a
"building the demo data (n of N files)" page in their language that moves on by itself, then the
overview with data; Streamlit's menu of the pages/ folder never shows.

Slow (a whole demo build); no timing is asserted (benchmarks/bench_first_start.py prints them).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers.server import CHROMIUM

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium not installed")


def _counts(texts: list[str]) -> list[tuple[int, int]]:
    out = []
    for t in texts:
        m = re.search(r"(\d+)\D+(\d+)", t)
        if m:
            out.append((int(m.group(1)), int(m.group(2))))
    return out


def test_first_start_builds_in_the_background_and_shows_progress(tmp_path: Path) -> None:
    from tests.helpers.firststart import first_start

    # the visitor comes a little after the server is up: the build must already be running
    got = first_start(tmp_path / "en", lang="en", visit_delay=3.0)
    assert got.corpus_files_before_visit > 0, "the build starts with the server, not the visit"
    assert got.building_s is not None, "a building page with progress was shown"
    counts = _counts(got.progress_texts)
    assert counts and all(t == counts[0][1] and 0 <= d <= t for d, t in counts)
    assert [d for d, _ in counts] == sorted(d for d, _ in counts), "progress only grows"
    assert len({d for d, _ in counts}) > 1, "the page refreshed itself"
    assert all("files" in t for t in got.progress_texts)  # in English, as the URL asked
    assert got.overview_s is not None and got.overview_s > got.building_s
    # no menu at all while building (neither Streamlit's of pages/ nor ours), ours afterwards
    for nav in got.nav_during_build:
        assert "Overview" in nav and "overview" not in nav.replace("Overview", ""), nav
    assert "Overview" in got.nav_after and "Data quality" in got.nav_after
    assert got.exceptions == 0


def test_building_page_speaks_chinese_by_default(tmp_path: Path) -> None:
    from tests.helpers.firststart import first_start

    got = first_start(tmp_path / "zh", lang="zh", stop_at_progress=2)
    assert got.building_s is not None
    assert len(got.progress_texts) >= 2 and all("正在生成演示数据" in t and "个文件" in t
                                                for t in got.progress_texts)
    assert got.nav_during_build == [] and got.exceptions == 0
