"""Real-browser test of the glossary and of a reviewer's verdict on the quality page.

The small test database plus two work summaries of 甲市商务局 (2023 prints 实际到资 "比增
28.57 %" after the level fell 8295 → 4588 万美元), loaded through the public loader. In the
browser (from 127.0.0.1, so an analyst without sign-in) a verdict is given on the first
consistency finding (the quality page's Consistency tab); the consistency table's CSV download
then carries it, also after the page is opened again. Both pages are tabs (URL ``view``) of
which only the open one is drawn. Screenshots go to test-artifacts/ (gitignored).

Skipped only when /usr/bin/chromium is absent.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from tests.helpers.server import (
    ARTIFACTS,
    CHROMIUM,
    DONE,
    chromium,
    copy_small_db,
    dashboard_on,
    wait_drawn,
)
from tests.pages.test_page_quality_consistency import FILE_2022, FILE_2023


pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium not installed")


@pytest.fixture(scope="module")
def server(small_db, tmp_path_factory):
    from etl.store import database as store
    from etl.store.loader import load_paths

    d = tmp_path_factory.mktemp("browser_glossary")
    db = copy_small_db(small_db, d)
    files = d / "files"
    files.mkdir()
    (files / "甲市商务局2022年工作总结.txt").write_text(FILE_2022, encoding="utf-8")
    (files / "甲市商务局2023年工作总结.txt").write_text(FILE_2023, encoding="utf-8")
    con = store.connect(db)
    try:
        assert load_paths(sorted(files.iterdir()), con, archive=d / "archive").ok
    finally:
        con.close()
    with dashboard_on(db, unset=("GONGKAI_ANALYST_KEY", "GONGKAI_ANALYSTS", "GONGKAI_READ_ONLY")) as port:
        yield {"port": port}


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def _open(page, url: str, name: str, text: str) -> str:
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector("h1", timeout=30_000)
    page.wait_for_selector(DONE, timeout=30_000)
    page.get_by_text(text).first.wait_for(timeout=30_000)
    wait_drawn(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    errors = page.locator("[data-testid='stException']")
    assert errors.count() == 0, errors.first.inner_text()[:500]
    return page.locator("[data-testid='stMain']").inner_text()


def _first_csv(page) -> list[dict[str, str]]:
    """The rows of the consistency table's CSV download on /quality (the first download whose
    header is the consistency table's: the page also offers other tables' downloads)."""
    buttons = page.locator("[data-testid='stMain'] [data-testid='stDownloadButton'] button",
                           has_text="Download CSV")
    for i in range(buttons.count()):
        with page.expect_download(timeout=30_000) as dl:
            buttons.nth(i).click()
        data = Path(dl.value.path()).read_bytes().decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(data)))
        if rows and "Printed (%)" in rows[0]:
            return rows
    raise AssertionError("no download of the consistency table on the page")


def _open_tab(page, name: str, view: str, text: str) -> str:
    """Click the tab called ``name``: the page runs again, ``view=<view>`` goes into the URL
    and the tab is drawn (``text`` shows); the main area's text."""
    page.get_by_role("tab", name=name, exact=True).click()
    page.wait_for_function(f"() => location.search.includes('view={view}')", timeout=15_000)
    page.get_by_text(text).first.wait_for(timeout=30_000)
    wait_drawn(page)
    errors = page.locator("[data-testid='stException']")
    assert errors.count() == 0, errors.first.inner_text()[:500]
    selected = page.get_by_role("tab", name=name, exact=True)
    assert selected.get_attribute("aria-selected") == "true"
    return page.locator("[data-testid='stMain']").inner_text()


def test_glossary_page(server, browser) -> None:
    base = f"http://127.0.0.1:{server['port']}"
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        main = _open(page, f"{base}/glossary?lang=en", "glossary", "Timeliness of the reports")
        assert "Glossary" in page.locator("h1").first.inner_text()
        assert "view=" not in page.url  # the default tab is not written to the URL
        for name in ("Indicators", "Checks", "Form versions", "Blank, 0, n/a", "Sources",
                     "Rules"):
            assert page.get_by_role("tab", name=name, exact=True).count() == 1, name
        # only the open tab is drawn: the indicators' table whose texts wrap in full, no
        # other tab's table nor the form rows' grid
        tables = page.locator("[data-testid='stMain'] [data-testid='stTable']")
        assert tables.count() == 1
        assert page.locator("[data-testid='stDataFrame']").count() == 0
        assert "Minimum N" in tables.nth(0).inner_text()  # the indicators' last column shows
        assert "2021 form" not in main

        # clicking a tab puts it into the URL and draws it (and only it)
        main = _open_tab(page, "Checks", "checks", "this ÷ last − 1")
        assert "lang=en" in page.url
        assert tables.count() == 1 and "Minimum N" not in main
        checks = tables.nth(0)
        checks.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        page.screenshot(path=str(ARTIFACTS / "glossary_checks.png"))
        assert checks.bounding_box()["width"] > 600
        assert "this ÷ last − 1" in checks.inner_text()  # the whole explanation, not cut

        # a link opens the tab it names: the form rows' grid
        main = _open(page, f"{base}/glossary?lang=en&view=forms", "glossary_forms", "2021 form")
        page.wait_for_function(
            "document.querySelectorAll(\"[data-testid='stDataFrame']\").length >= 1",
            timeout=15_000)
        assert "Rows printed in one version only" in main
        assert tables.count() == 0
        for view, text in (("blank", "never taken as 0"), ("sources", "Uploaded spreadsheet"),
                           ("rules", "Each 表三 column must satisfy")):
            _open(page, f"{base}/glossary?lang=en&view={view}", f"glossary_{view}", text)
            assert tables.count() == 1, view

        zh = _open(page, f"{base}/glossary", "glossary_zh", "标准指标")
        assert "术语与口径" in page.locator("h1").first.inner_text()
        assert "表格版本" in zh  # the forms' tab
    finally:
        page.close()


def test_quality_verdict_is_kept_when_the_page_opens_again(server, browser) -> None:
    base = f"http://127.0.0.1:{server['port']}"
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    try:
        url = f"{base}/quality?agency={'甲市商务局'}&lang=en"
        main = _open(page, url, "quality_findings", "Counts by rule")
        assert "Reviewer's verdict (analysts)" in main  # of the stored findings
        assert "Printed year-on-year changes" not in main  # another tab's
        # the consistency checks are a tab of their own: clicking it puts it into the URL
        main = _open_tab(page, "Consistency", "consistency", "Printed year-on-year changes")
        page.screenshot(path=str(ARTIFACTS / "quality_before_verdict.png"), full_page=True)
        assert "Reviewer's verdict (analysts)" in main and "Counts by rule" not in main
        url = f"{url}&view=consistency"
        rows = _first_csv(page)
        fdi = [r for r in rows if r["Metric"] == "Foreign investment received: year-on-year change"]
        assert len(fdi) == 1 and fdi[0]["Printed (%)"] == "28.57"
        assert fdi[0]["From the levels (%)"] == f"{(4588 / 8295 - 1) * 100:.1f}" == "-44.7"
        assert (fdi[0]["Last year (万美元)"], fdi[0]["This year (万美元)"]) == ("8295", "4588")
        assert all(r["Verdict"] == "Not reviewed" for r in rows)

        # the form opens in a popover (not drawn before); the first finding is preselected;
        # dismiss it with a name and a reason
        form = page.locator("[data-testid='stForm']")
        assert form.count() == 0
        page.get_by_role("button", name="Give a verdict…").click()
        form.get_by_text("Dismissed", exact=True).click()
        form.get_by_label("Reviewed by").fill("王审核")
        form.get_by_label("Why").fill("报告以人民币口径计算")
        form.get_by_role("button", name="Save verdict").click()
        page.get_by_text("Verdict saved.").wait_for(timeout=30_000)
        wait_drawn(page)
        rows = _first_csv(page)
        judged = [r for r in rows if r["Verdict"] == "Dismissed"]
        assert len(judged) == 1 and judged[0]["Reviewed by"] == "王审核"
        assert judged[0]["Why"] == "报告以人民币口径计算"
        first = judged[0]

        # a new visit of the same link shows the verdict again
        _open(page, url, "quality_with_verdict", "Printed year-on-year changes")
        rows = _first_csv(page)
        again = [r for r in rows if r["Verdict"] == "Dismissed"]
        assert [(r["Metric"], r["Year"], r["Reviewed by"]) for r in again] == [
            (first["Metric"], first["Year"], "王审核")]
    finally:
        page.close()
