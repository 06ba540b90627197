"""Real-browser test: start ``streamlit run dashboard.py`` on the small database, open shared
links with filters on every page in Chromium (Playwright), and check that the page finished
running, no exception is shown, charts were drawn, and the URL's filters are in the widgets.
Screenshots go to test-artifacts/ (gitignored).

Skipped only when /usr/bin/chromium is absent (CI installs it, see .ci/run).
"""
from __future__ import annotations

import contextlib
from pathlib import Path
from urllib.parse import quote

import duckdb
import pytest
from tests.helpers.server import (
    open_page,
    share_link,
    CHART_SVG,
    CHROMIUM,
    DONE,
    chromium,
    copy_small_db,
    dashboard_on,
)

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium not installed")


@contextlib.contextmanager
def _serve(small_db: Path, d: Path):
    """A dashboard on a private copy of the small database (the server process must own it)."""
    db = copy_small_db(small_db, d)
    rid = _report_id(db)  # before the server owns the file
    with dashboard_on(db) as port:
        yield {"port": port, "db": db, "log": d / "server.log", "report_id": rid}


@pytest.fixture(scope="module")
def server(small_db, tmp_path_factory):
    with _serve(small_db, tmp_path_factory.mktemp("browser")) as info:
        yield info


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def _report_id(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return int(con.execute(
            "SELECT report_id FROM reports r JOIN agencies a USING (agency_id) "
            "WHERE a.name = '甲市商务局' AND r.year = 2021").fetchone()[0])
    finally:
        con.close()


def _sidebar_text(page) -> str:
    return page.locator("[data-testid='stSidebar']").inner_text()


A1 = quote("甲市商务局")
A6 = quote("丙市教育局")
ANALYSIS_PAGES = {  # page → (query, chart expected)
    "disclosure": f"agency={A1}&agency={A6}&year_from=2017&year_to=2023&lang=en",
    "categories": f"agency={A1}&agency={A6}&year_from=2017&year_to=2018&lang=en",
    "requests": f"agency={A1}&agency={A6}&year_from=2019&year_to=2023&lang=en",
    "investment": f"agency={A1}&year_from=2017&year_to=2018&lang=en",
}


def test_shared_links_on_every_page(server, browser) -> None:
    base = f"http://127.0.0.1:{server['port']}"
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        # overview: filters from the URL in the widgets, the trend tab's chart drawn, full copy
        # link (with the open tab)
        open_page(page, f"{base}/?agency={A1}&agency={A6}&year_from=2019&view=trend&lang=en",
                  "overview", chart=True)
        assert page.get_by_role("tab", name="Trend").get_attribute("aria-selected") == "true"
        side = _sidebar_text(page)
        assert "Agencies: " in side and "甲市商务局" in side and "丙市教育局" in side
        assert "Years: 2019–" in side
        # the filter widgets are drawn when their popover opens
        assert page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").count() == 0
        page.get_by_role("button", name="Change filters").click()
        year_from = page.locator("[data-testid='stSelectbox']").filter(has_text="From year").first
        assert year_from.locator("input").first.input_value() == "2019"
        page.keyboard.press("Escape")
        code = share_link(page)
        assert code.strip().startswith(f"{base}/?agency=")
        assert "year_from=2019" in code and "lang=en" in code and "view=trend" in code
        assert page.get_by_text("Agencies reporting").count() >= 1
        # another tab: drawn on the click, and the URL names it
        page.get_by_role("tab", name="Coverage").click()
        page.wait_for_function("() => location.search.includes('view=coverage')", timeout=15_000)
        page.wait_for_selector(".gk-table", timeout=30_000)  # the coverage matrix
        page.wait_for_selector(DONE, timeout=30_000)
        assert page.locator(CHART_SVG).count() == 0  # the trend's gone

        # moving to another page through the menu keeps the filters in the URL
        page.locator("[data-testid='stSidebarNav'] a[href$='/quality']").first.click()
        page.wait_for_url("**/quality**", timeout=15_000)
        page.wait_for_selector(DONE, timeout=30_000)
        page.wait_for_function(
            "() => location.search.includes('year_from=2019')", timeout=15_000)
        assert "lang=en" in page.url and "agency=" in page.url
        assert "Data quality" in page.locator("h1").first.inner_text()

        # data quality with page filters
        open_page(page, f"{base}/quality?severity=error&lang=en", "quality", chart=False)
        main = page.locator("[data-testid='stMain']")
        assert main.get_by_text("Rules: All · Severity: Error").count() == 1
        # the filters are drawn when their popover opens, with the URL's choice in them
        assert main.locator("[data-testid='stMultiSelect']").count() == 0
        main.get_by_role("button", name="Filter findings").click()
        picker = page.locator("[data-testid='stMultiSelect']").filter(has_text="Severity").first
        assert "Error" in picker.inner_text()
        page.keyboard.press("Escape")

        # report page: evidence table and the original's download
        rid = server["report_id"]
        open_page(page, f"{base}/report?report={rid}&lang=en", "report", chart=False)
        assert page.get_by_text("Download the original file").count() >= 1
        assert page.get_by_text("Facts with evidence").count() == 1

        # invalid parameters: a message, no traceback
        open_page(page, f"{base}/report?report=abc&year_from=zz", "report_invalid", chart=False)
        assert page.get_by_text("year_from=zz").count() >= 1

        # the analysis pages (owned by other engineers) that exist
        for name, query in ANALYSIS_PAGES.items():
            if not (ROOT / "pages" / f"{name}.py").exists():
                continue
            open_page(page, f"{base}/{name}?{query}", name, chart=True)
            assert "甲市商务局" in _sidebar_text(page)
    finally:
        page.close()


def test_first_visitor_of_a_fresh_server_opening_a_shared_sub_page_link(
        small_db, tmp_path, browser) -> None:
    """The first request a server ever gets is a shared link to a sub-page: the router must
    still handle it (menu of page titles, not of files; full copy link of that page)."""
    with _serve(small_db, tmp_path) as srv:
        base = f"http://127.0.0.1:{srv['port']}"
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            query = ANALYSIS_PAGES["requests"]
            open_page(page, f"{base}/requests?{query}", "first_visit_requests", chart=True)
            nav = page.locator("[data-testid='stSidebarNav']").inner_text()
            assert "Request outcomes" in nav and "Overview" in nav
            assert "ui" not in nav.split() and "corrections" not in nav  # file names of pages/
            code = share_link(page)
            assert code.strip().startswith(f"{base}/requests?")
            assert "Request outcomes" in page.locator("h1").first.inner_text()
        finally:
            page.close()
