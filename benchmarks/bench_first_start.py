"""First start on a fresh machine (issue 12, target ≤ 20 s): ``streamlit run dashboard.py`` with
no database file, a headless Chromium visiting as soon as the server answers, timed until the
overview shows data. Prints, per run and as medians: server healthy, building page with
progress seen, overview with data seen (seconds from process start).

Not a test (timings are noisy on a shared 2-core machine). Needs /usr/bin/chromium.

    .venv/bin/python benchmarks/bench_first_start.py [--runs 3]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    from tests.helpers.firststart import first_start

    rows = []
    for i in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="gongkai-first-start-") as tmp:
            r = first_start(Path(tmp) / "w", lang="en", timeout=300)
        rows.append(r)
        print(f"run {i + 1}: healthy {r.healthy_s:.1f} s, building page {r.building_s or 0:.1f} s, "
              f"overview with data {r.overview_s or float('nan'):.1f} s, "
              f"{len(r.progress_texts)} progress updates, {r.exceptions} exceptions")
    done = [r.overview_s for r in rows if r.overview_s is not None]
    if done:
        print(f"median first start → overview with data: {statistics.median(done):.1f} s "
              f"(target ≤ 20 s) over {len(done)} of {len(rows)} runs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
