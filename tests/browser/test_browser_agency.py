"""Real-browser test of the supervisor's views: the agency profile opened from a shared link,
its printed brief (print media: no sidebar, toolbar or buttons; a PDF is made), and an overview
link carrying the headline year, indicator and peer group. Screenshots and the PDF go to
test-artifacts/ (gitignored).

Skipped only when /usr/bin/chromium is absent.
"""
from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from tests.helpers.server import (
    ARTIFACTS, CHART_DRAWN, CHROMIUM, chromium, copy_small_db, dashboard_on, open_page, share_link,
)


pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium not installed")


@pytest.fixture(scope="module")
def server(small_db, tmp_path_factory):
    with dashboard_on(copy_small_db(small_db, tmp_path_factory.mktemp("browser_agency"))) as port:
        yield {"port": port}


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def test_agency_profile_and_its_printed_brief(server, browser) -> None:
    base = f"http://127.0.0.1:{server['port']}"
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        url = f"{base}/agency?agency={quote('丙市丁县人民政府')}&ind=correction_rate&lang=en"
        open_page(page, url, "agency_profile", chart=True)
        main = page.locator("[data-testid='stMain']").inner_text()
        assert "Agency profile" in page.locator("h1").first.inner_text()
        assert "丙市丁县人民政府" in main and "People's government" in main
        assert "30.0%" in main  # 3 of 10 reviews corrected
        assert "Timeliness" in main and "Findings" in main or "No findings" in main
        assert page.locator("[data-testid='stSidebar']").is_visible()
        code = share_link(page)
        assert "/agency?agency=" in code and "lang=en" in code

        # the printed brief: no sidebar, header toolbar or buttons
        page.emulate_media(media="print")
        assert not page.locator("[data-testid='stSidebar']").is_visible()
        assert not page.locator("[data-testid='stHeader']").is_visible()
        buttons = page.locator("[data-testid='stDownloadButton']")
        assert buttons.count() > 0 and not buttons.first.is_visible()
        assert page.locator(CHART_DRAWN).first.is_visible()
        pdf = page.pdf(format="A4", print_background=True)
        (ARTIFACTS / "agency_brief.pdf").write_bytes(pdf)
        assert pdf.startswith(b"%PDF")
        # a one-page brief (this agency has no findings; long tables are screen-only)
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
        page.emulate_media(media="screen")
    finally:
        page.close()


def test_overview_link_with_headline_year_indicator_and_peers(server, browser) -> None:
    base = f"http://127.0.0.1:{server['port']}"
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        open_page(page, f"{base}/?year=2021&ind=granted_share&peers=level&view=indicators&lang=en",
                  "overview_headline_year", chart=False)
        main = page.locator("[data-testid='stMain']").inner_text()
        assert "2021: 6 of 6 agencies reported" in main
        assert "Selection total · 2021" in main
        selects = page.locator("[data-testid='stMain'] [data-testid='stSelectbox']")
        chosen = {}
        for i in range(selects.count()):
            box = selects.nth(i)
            value = box.locator("input").first.input_value() if box.locator("input").count() \
                else ""
            chosen[box.locator("label").first.inner_text().strip()] = (
                value or box.locator("[data-baseweb='select']").first.inner_text()).strip()
        assert chosen["Headline year"] == "2021", chosen
        assert chosen["Indicator"] == "Granted in full or in part", chosen
        assert chosen["Peer group"] == "Same level", chosen
        code = share_link(page)
        assert "year=2021" in code and "ind=granted_share" in code and "peers=level" in code
        assert "view=indicators" in code
        # the timeliness tab, drawn on the click, of the same headline year
        page.get_by_role("tab", name="Timeliness").click()
        page.wait_for_function("() => location.search.includes('view=timeliness')", timeout=15_000)
        page.get_by_text("On-time rate · 2021").first.wait_for(timeout=30_000)
        assert "year=2021" in page.url
    finally:
        page.close()
