"""A fresh machine's first start, watched in a real browser: ``streamlit run dashboard.py`` on a
database file that does not exist yet, a visitor arriving at once, and what they see until the
overview shows data. Shared by ``tests/browser/test_first_start.py`` (which checks what is shown)
and ``benchmarks/bench_first_start.py`` (which prints how long it took).
"""
from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.helpers.server import CHROME_ARGS, CHROMIUM, free_port, start_dashboard, \
    stop_dashboard, wait_health

#: the menu Streamlit draws of the pages/ folder, and ours (both use this test id)
SIDEBAR_NAV = "[data-testid='stSidebarNav']"
PROGRESS = "[data-testid='stProgress']"
#: the overview's headline figure that says data is there, by language
DATA_MARK = {"en": "Agencies reporting", "zh": "报告机构数"}
BUILDING_MARK = {"en": "Building the demo data", "zh": "正在生成演示数据"}


@dataclass
class FirstStart:
    """What one first start looked like, with seconds counted from ``streamlit run``."""

    healthy_s: float = 0.0
    corpus_files_before_visit: int = 0
    building_s: float | None = None  # building page with its progress first seen
    overview_s: float | None = None  # overview with data first seen
    progress_texts: list[str] = field(default_factory=list)
    nav_during_build: list[str] = field(default_factory=list)  # any menu seen before data
    nav_after: str = ""
    exceptions: int = 0


def first_start(work: Path, lang: str = "en", timeout: float = 180.0,
                visit_delay: float = 0.0, stop_at_progress: int = 0) -> FirstStart:
    """Start a server on ``work/gongkai.duckdb`` (absent), visit ``/?lang=…`` as soon as it
    answers (after ``visit_delay`` more seconds), poll what the page shows every 0.25 s until
    the overview shows data (or, with ``stop_at_progress``, until that many different progress
    texts were seen)."""
    from playwright.sync_api import sync_playwright

    work.mkdir(parents=True, exist_ok=True)
    db = work / "gongkai.duckdb"
    env = dict(os.environ, GONGKAI_DB=str(db), GONGKAI_ARCHIVE=str(work / "archive"),
               PYTHONUNBUFFERED="1")
    port = free_port()
    out = FirstStart()
    log = (work / "server.log").open("w")
    t0 = time.monotonic()
    proc = start_dashboard(port, env, log)
    try:
        wait_health(port, proc, timeout=60.0)
        out.healthy_s = time.monotonic() - t0
        time.sleep(visit_delay)
        corpus = work / "demo_corpus"
        out.corpus_files_before_visit = len(list(corpus.iterdir())) if corpus.exists() else 0
        q = "" if lang == "zh" else f"?lang={lang}"
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROME_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"http://127.0.0.1:{port}/{q}")
            end = t0 + timeout
            while time.monotonic() < end:
                body = page.locator("body").inner_text(timeout=5_000)
                now = time.monotonic() - t0
                nav = page.locator(SIDEBAR_NAV)
                if DATA_MARK[lang] in body:
                    out.overview_s = now
                    page.wait_for_timeout(500)
                    out.nav_after = nav.first.inner_text() if nav.count() else ""
                    break
                if BUILDING_MARK[lang] in body:
                    # read at once: the bar goes away when the overview replaces the page, and
                    # a count() then inner_text() waited 30 s for a bar that had just gone
                    progress = _text_of(page, PROGRESS)
                    if out.building_s is None and progress is not None:
                        out.building_s = now
                    m = re.search(r"[^\n]*\d+[^\n]*\d+[^\n]*", progress) if progress else None
                    if m and (not out.progress_texts or out.progress_texts[-1] != m.group(0)):
                        out.progress_texts.append(m.group(0))
                if stop_at_progress and len(out.progress_texts) >= stop_at_progress:
                    break
                menu = _text_of(page, SIDEBAR_NAV)
                if menu is not None:  # any menu before the data is there (Streamlit's or ours)
                    out.nav_during_build.append(menu)
                page.wait_for_timeout(250)
            out.exceptions = page.locator("[data-testid='stException']").count()
            browser.close()
    finally:
        stop_dashboard(proc, grace=10)
        log.close()
    return out


def _text_of(page, selector: str) -> str | None:  # noqa: ANN001 - a Playwright Page
    """The text of the first element ``selector`` finds, read in one step (None if there is
    none): the element may go away between a count() and an inner_text()."""
    return page.evaluate("(sel) => { const e = document.querySelector(sel); return e ? e.innerText : null; }",
                         selector)
