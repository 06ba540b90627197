"""A real ``streamlit run dashboard.py`` for the browser tests (test_browser, test_concurrency):
start it on a free port, wait until it answers, stop its whole process group again.

Also the Chromium settings both use, so the two tests drive the browser the same way.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import IO, Mapping

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROME_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--no-first-run",
]
# a page has finished its run (Streamlit marks the app root)
DONE = "[data-testid='stApp'][data-test-script-state='notRunning']"


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


def wait_health(port: int, proc: subprocess.Popen, timeout: float) -> None:
    """Block until the server's health endpoint answers 200; fail if it exits or times out."""
    url = f"http://127.0.0.1:{port}/_stcore/health"
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise TimeoutError("streamlit did not become healthy")


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
