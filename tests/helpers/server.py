"""A real ``streamlit run dashboard.py`` for the browser tests: start it on a free port (on a
private copy of the small database if asked), wait until it answers, stop its whole process group.

Also the Chromium settings both use, so the two tests drive the browser the same way.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import IO, Iterator, Mapping

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROME_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--no-first-run",
]
# a page has finished its run (Streamlit marks the app root)
DONE = "[data-testid='stApp'][data-test-script-state='notRunning']"
#: what Streamlit draws in place of an element whose code is still loading (a download
#: button, a table …): a page is not drawn while one shows, even when the script is done
SKELETON = "[data-testid='stSkeleton']"


def wait_drawn(page, timeout: float = 30_000) -> None:  # noqa: ANN001 - a Playwright Page
    """Wait until the page's script run is over and no element is still a placeholder."""
    page.wait_for_selector(DONE, timeout=timeout)
    page.wait_for_function(f"!document.querySelector({SKELETON!r})", timeout=timeout)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_dashboard(port: int, env: Mapping[str, str], log: IO[str]) -> subprocess.Popen:
    """``streamlit run dashboard.py`` headless on ``port``, in its own session (so
    :func:`stop_dashboard` can end it with all its children), output to ``log``."""
    return subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=dict(env), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )


def wait_http(url: str, proc: subprocess.Popen, timeout: float, what: str = "streamlit") -> None:
    """Block until ``url`` answers 200; fail if ``proc`` exits or the time runs out."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"{url}: {what} did not answer")


def wait_health(port: int, proc: subprocess.Popen, timeout: float) -> None:
    """Block until the server's health endpoint answers 200; fail if it exits or times out."""
    wait_http(f"http://127.0.0.1:{port}/_stcore/health", proc, timeout)


def stop_dashboard(proc: subprocess.Popen, grace: float) -> None:
    """SIGTERM the server's process group; SIGKILL it if it has not ended after ``grace`` s."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def copy_small_db(small_db: Path, d: Path) -> Path:
    """A private copy of the small test database and its archive in ``d`` (a server owns it)."""
    db = d / "small.duckdb"
    shutil.copy(small_db, db)
    shutil.copytree(small_db.parent / "archive", d / "archive")
    return db


@contextlib.contextmanager
def dashboard_on(db: Path, *, unset: tuple[str, ...] = ()) -> Iterator[int]:
    """A dashboard serving ``db`` (archive beside it, log in ``server.log`` there) on a free
    port, which it yields; ``unset`` environment variables are removed for it."""
    port = free_port()
    env = dict(os.environ, GONGKAI_DB=str(db), GONGKAI_ARCHIVE=str(db.parent / "archive"),
               PYTHONUNBUFFERED="1")
    for var in unset:
        env.pop(var, None)
    with (db.parent / "server.log").open("w") as log:
        proc = start_dashboard(port, env, log)
        try:
            wait_health(port, proc, timeout=45.0)
            yield port
        finally:
            stop_dashboard(proc, grace=10)


@contextlib.contextmanager
def chromium() -> Iterator["object"]:
    """Debian's Chromium driven by Playwright, headless, with :data:`CHROME_ARGS`."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROME_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


#: a chart that has drawn: a Vega-Lite chart's image (SVG drawn on the server,
#: ``etl/present/chart_svg.py``) or the flow's ECharts canvas
CHART_SVG = ".gk-chart img"
CHART_DRAWN = f"{CHART_SVG}, [data-testid='stEChartsChart'] canvas"

ARTIFACTS = ROOT / "test-artifacts"  # screenshots and PDFs of the browser tests (gitignored)


def open_page(page, url: str, name: str, *, chart: bool) -> None:  # noqa: ANN001 - a Playwright Page
    """Open ``url``, wait until its first script run has finished (a title drawn, the app
    idle, and a drawn chart when ``chart``), screenshot it as ``name`` and fail on any
    exception box."""
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector("[data-testid='stApp']", timeout=30_000)
    page.wait_for_selector("h1", timeout=30_000)
    page.wait_for_selector(DONE, timeout=30_000)
    if chart:
        page.wait_for_selector(CHART_DRAWN, timeout=30_000)
    page.wait_for_timeout(300)
    wait_drawn(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    errors = page.locator("[data-testid='stException']")
    assert errors.count() == 0, errors.first.inner_text()[:500]


def share_link(page) -> str:  # noqa: ANN001 - a Playwright Page
    """The view's share link as the sidebar shows it: open the sidebar's link popover, read its
    code box, close it again (Escape)."""
    box = page.locator("[data-testid='stPopoverBody'] [data-testid='stCode']")
    if not box.count() or not box.first.is_visible():
        # the sidebar's last popover (the first holds the filter widgets)
        page.locator("[data-testid='stSidebar'] [data-testid='stPopover'] button").last.click()
        box.first.wait_for(state="visible", timeout=15_000)
    text = box.first.inner_text()
    page.keyboard.press("Escape")
    return text
