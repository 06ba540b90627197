"""The deployment recipe: ``deploy/serve.sh 2`` — two ``streamlit run`` processes behind
Debian's nginx. A real browser opens the overview through nginx; a command-line load made while
both serve is visible in each process (each asked directly, on its own port) and through nginx;
an upload through nginx (sticky session, shared cookie secret) is written and seen by both.

Needs ``nginx`` (``scripts/test.sh`` installs ``nginx-light``) and Chromium; skipped without.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from tests.helpers.server import CHROME_ARGS, CHROMIUM, DONE, free_port, wait_http

ROOT = Path(__file__).resolve().parents[2]
NARRATIVE = "临江市{bureau}2023年政府信息公开工作年度报告\n本机关2023年主动公开政府信息{items}条。\n"

pytestmark = pytest.mark.skipif(
    not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()) or not CHROMIUM.exists(),
    reason="needs nginx and chromium")


def _free_block(n: int) -> int:
    """A port p with p … p+n all free (nginx on p, the processes above it)."""
    import socket

    for _ in range(50):
        p = free_port()
        if p + n > 65000:
            continue
        socks = []
        try:
            for q in range(p, p + n + 1):
                s = socket.socket()
                s.bind(("127.0.0.1", q))
                socks.append(s)
            return p
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no free port block")


def test_two_processes_behind_nginx_serve_a_browser_and_see_a_cli_load(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    db = tmp_path / "data" / "g.duckdb"
    env = {**os.environ, "GONGKAI_DB": str(db), "GONGKAI_ARCHIVE": str(tmp_path / "archive"),
           "GONGKAI_RUN_DIR": str(tmp_path / "run"), "PYTHON": sys.executable,
           "PATH": os.environ.get("PATH", "") + ":/usr/sbin"}
    env["GONGKAI_ANALYST_KEY"] = "k3y"  # behind nginx nobody is "this machine"
    first, second, third = tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.txt"
    first.write_text(NARRATIVE.format(bureau="商务局", items=1000), encoding="utf-8")
    second.write_text(NARRATIVE.format(bureau="财政局", items=2000), encoding="utf-8")
    third.write_text(NARRATIVE.format(bureau="教育局", items=3000), encoding="utf-8")
    # one file first, so the processes do not build the demo into an empty database
    r = subprocess.run([sys.executable, "-m", "etl", "load", str(first)], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    port = _free_block(2)
    proc = subprocess.Popen(["bash", str(ROOT / "deploy" / "serve.sh"), "2", str(port)], cwd=ROOT,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        for p in (port + 1, port + 2, port):
            wait_http(f"http://127.0.0.1:{p}/_stcore/health", proc, 45, "serve.sh")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROME_ARGS,
                                         headless=True)

            def headline(p: int) -> dict[str, str]:
                page = browser.new_page()
                try:
                    page.goto(f"http://127.0.0.1:{p}/?lang=en&year_from=2022&year_to=2023",
                              wait_until="domcontentloaded")
                    page.wait_for_selector("[data-testid='stMetric']", timeout=30_000)
                    page.wait_for_selector(DONE, timeout=30_000)
                    assert page.locator("[data-testid='stException']").count() == 0
                    out = {}
                    for m in page.locator("[data-testid='stMetric']").all():
                        label = m.locator("[data-testid='stMetricLabel']").inner_text().strip()
                        out[label] = m.locator("[data-testid='stMetricValue']").inner_text().strip()
                    return out
                finally:
                    page.close()

            # through nginx: the page, its websocket and the route cookie
            assert headline(port)["Agencies reporting"] == "1"
            # a load while both processes serve: no waiting on them, seen by each
            r = subprocess.run([sys.executable, "-m", "etl", "load", str(second), "--wait", "10"],
                               cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
            assert r.returncode == 0 and "1 loaded" in r.stderr, r.stderr
            for p in (port + 1, port + 2):  # each process, asked directly
                seen = headline(p)
                assert (seen["Agencies reporting"], seen["Items disclosed"]) == ("2", "3,000"), p
            # an upload through nginx: the page, its websocket and the upload request must all
            # reach the process of the browser's session (the route cookie), with one secret
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}/upload?lang=en", wait_until="domcontentloaded")
            page.locator("input[type='password']").fill("k3y")
            page.get_by_role("button", name="Sign in as analyst").click()
            page.locator("input[type='file']").set_input_files(str(third))
            page.get_by_text("Create these agencies").click()  # 临江市教育局 is new
            page.get_by_role("button", name="Confirm and write to the database").click()
            alert = page.locator("[data-testid='stAlert']").filter(has_text="ritten")
            alert.first.wait_for(timeout=30_000)
            assert alert.first.inner_text().startswith("Written:"), alert.first.inner_text()
            assert page.locator("[data-testid='stException']").count() == 0
            page.close()
            for p in (port + 1, port + 2):
                seen = headline(p)
                assert (seen["Agencies reporting"], seen["Items disclosed"]) == ("3", "6,000"), p
            browser.close()
        conf = (tmp_path / "run" / "nginx.conf").read_text()
        assert "hash $gk_route consistent" in conf and "Upgrade $http_upgrade" in conf
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)
