"""Pages in a real browser (issue 11, item 8): a page in a new session, and moving between pages.

Not a test (timings on a shared 2-core machine are noisy): prints medians and the ratio to a
one-line Streamlit page (``benchmarks/bare_page.py``) served by the same server in the same run.
Targets: a page in a new session ≤ 1.5× the bare page; moving between pages ≤ 0.5 s; the same
at province scale (``--db data/synth/province.duckdb`` after ``python -m etl synth``).

Measured as a user meets it: a real ``streamlit run dashboard.py`` on the database, Debian's
Chromium through Playwright, 1400 px wide. The server is warmed first (every page opened once),
as a running server is. A *new session* is a new browser context (no cache, no cookies) that
opens the page's URL; it counts until the page is drawn: the script run over, no element still
a loading placeholder, every chart drawn. *Moving* is a click on the page's entry in the sidebar
menu of an open session, until the new page is drawn the same way; a *tab switch* is a click on
another tab of a page in lazy tabs, timed the same way (target as for a move).

    .venv/bin/python benchmarks/bench_browser.py [--db PATH] [--repeat 5] [--pages overview,agency]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: (url path, query) of every page a supervisor opens; "bare" is the baseline
PAGES = {
    "bare": "", "": "", "disclosure": "", "categories": "", "requests": "", "investment": "",
    "agency": "", "quality": "", "report": "", "glossary": "",
}

def _drawn_js() -> str:
    """A JS predicate: the run is over, no element is still a loading placeholder (the browser
    tests' :func:`tests.helpers.server.wait_drawn`), a title is drawn and every chart has drawn
    its SVG or canvas (the Vega-Lite charts are SVG from the server, ``etl/present/chart_svg.py``;
    the predicate still waits for any chart Vega would draw in the browser)."""
    from tests.helpers.server import DONE, SKELETON

    return f"""() => {{
  if (!document.querySelector({DONE!r}) || document.querySelector({SKELETON!r})) return false;
  if (!document.querySelector('h1')) return false;
  const all = (sel, drawn) => [...document.querySelectorAll(sel)].every(e => e.querySelector(drawn));
  return all("[data-testid='stVegaLiteChart']", 'canvas, svg')
    && all("[data-testid='stEChartsChart']", 'canvas');
}}"""


DRAWN_JS = _drawn_js()
#: records the script-state changes of the app root, so a run that starts and ends between two
#: polls is still seen
WATCH_JS = """() => {
  window.__states = [];
  window.__h1 = (document.querySelector('h1') || {}).innerText;
  const app = document.querySelector("[data-testid='stApp']");
  new MutationObserver(() => window.__states.push(app.getAttribute('data-test-script-state')))
    .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""
#: the move is over when the new page is drawn: its run was seen, or — a run so short that the
#: frontend drew 'running' and 'notRunning' in one render, so the attribute never changed —
#: another page's title is drawn (each page has its own)
MOVED_JS = ("() => (window.__states.includes('running') || "
            "(document.querySelector('h1') || {}).innerText !== window.__h1) && (" + DRAWN_JS + ")()")


def _demo_db(folder: Path) -> Path:
    from etl.demo.corpus import build_demo

    db = folder / "demo.duckdb"
    print("building the demo database …", flush=True)
    build_demo(db, force=True)
    return db


def _new_session(browser, url: str, ctx=None) -> float:  # noqa: ANN001 - Playwright objects
    """Open ``url`` in a new tab of ``ctx`` (a browser whose cache holds Streamlit's files, as
    a returning user's does) or, without ``ctx``, of a new context (a first visit: no cache)."""
    own = ctx is None
    ctx = ctx or browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    try:
        t0 = time.perf_counter()
        page.goto(url, wait_until="commit")
        page.wait_for_function(DRAWN_JS, timeout=60_000, polling=20)
        return time.perf_counter() - t0
    finally:
        page.close()
        if own:
            ctx.close()


def _move(page, path: str, title: str) -> float:  # noqa: ANN001 - a Playwright Page
    page.evaluate(WATCH_JS)
    link = page.locator("[data-testid='stSidebarNav'] a", has_text=title).first
    t0 = time.perf_counter()
    link.click()
    page.wait_for_function(MOVED_JS, timeout=60_000, polling=20)
    return time.perf_counter() - t0


#: a tab switch is over when its run was seen or the URL's ``view`` changed (a run too short
#: to show 'running'), and the page is drawn
SWITCHED_JS = ("() => (window.__states.includes('running') || location.search !== window.__search)"
               " && (" + DRAWN_JS + ")()")


def _tab_switches(page, repeat: int) -> dict[str, list[float]]:  # noqa: ANN001 - a Playwright Page
    """Click each tab of the open page in turn, ending on the first, ``repeat`` times:
    seconds per switch by tab label. Pages in lazy tabs (pages/_ui/state.py: url_tabs) run
    the page again for the tab clicked, so a switch is timed as a move is."""
    page.wait_for_timeout(500)  # the moved-to page's elements all in place before counting
    tabs = page.locator("[data-testid='stMain'] [role='tab']")
    labels = [tabs.nth(i).inner_text().strip() for i in range(tabs.count())]
    out: dict[str, list[float]] = {label: [] for label in labels}
    for _ in range(repeat):
        for label in [*labels[1:], *labels[:1]]:
            page.evaluate(WATCH_JS + "; window.__search = location.search;")
            t0 = time.perf_counter()
            page.get_by_role("tab", name=label, exact=True).first.click()
            page.wait_for_function(SWITCHED_JS, timeout=60_000, polling=20)
            out[label].append(time.perf_counter() - t0)
    return out


def _menu_titles(lang: str) -> dict[str, str]:
    """Each page's menu title, from ``dashboard.PAGES`` (read, not imported: importing the
    script would make a Streamlit app)."""
    import ast

    from etl.present import i18n

    tree = ast.parse((ROOT / "dashboard.py").read_text(encoding="utf-8"))
    pages = next(ast.literal_eval(n.value) for n in tree.body
                 if isinstance(n, ast.AnnAssign) and getattr(n.target, "id", "") == "PAGES")
    return {"bare": "Bare", **{path: i18n.t(key, lang) for _f, path, key, _i in pages}}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, help="database to serve (default: the demo, built here)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--pages", help="comma-separated url paths (overview = the default page)")
    ap.add_argument("--lang", default="zh")
    args = ap.parse_args()
    from tests.helpers.server import chromium, free_port, start_dashboard, stop_dashboard, wait_health

    titles = _menu_titles(args.lang)
    pages = ["bare", *[p for p in (args.pages.split(",") if args.pages else titles)
                       if p != "bare"]]
    pages = ["" if p == "overview" else p for p in pages]
    q = "" if args.lang == "zh" else f"?lang={args.lang}"
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-browser-") as tmp:
        db = args.db or _demo_db(Path(tmp))
        port = free_port()
        env = dict(os.environ, GONGKAI_DB=str(db), GONGKAI_BENCH_BARE_PAGE="1",
                   PYTHONUNBUFFERED="1")
        with (Path(tmp) / "server.log").open("w") as log:
            proc = start_dashboard(port, env, log)
            try:
                wait_health(port, proc, timeout=120.0)
                base = f"http://127.0.0.1:{port}/"
                with chromium() as browser:
                    for p in pages:  # warm the server: every page once
                        _new_session(browser, base + p + q)
                    fresh: dict[str, list[float]] = {p: [] for p in pages}
                    tab: dict[str, list[float]] = {p: [] for p in pages}
                    cached = browser.new_context(viewport={"width": 1400, "height": 1000})
                    for _ in range(args.repeat):
                        for p in pages:
                            fresh[p].append(_new_session(browser, base + p + q))
                            tab[p].append(_new_session(browser, base + p + q, cached))
                    cached.close()
                    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
                    page = ctx.new_page()
                    page.goto(base + q, wait_until="commit")
                    page.wait_for_function(DRAWN_JS, timeout=60_000, polling=20)
                    # ends on the overview, where the session started
                    order = [p for p in pages if p not in ("bare", "")] + [""]
                    moves: dict[str, list[float]] = {p: [] for p in order}
                    for _ in range(args.repeat):
                        for p in order:
                            moves[p].append(_move(page, p, titles[p]))
                    switches: dict[str, dict[str, list[float]]] = {}
                    for p in order:  # every tab of each page in lazy tabs
                        _move(page, p, titles[p])
                        got = _tab_switches(page, args.repeat)
                        if len(got) > 1:
                            switches[p] = got
                    ctx.close()
            finally:
                stop_dashboard(proc, grace=10)
    bare, bare_tab = statistics.median(fresh["bare"]), statistics.median(tab["bare"])
    print(f"database: {args.db or 'the demo (built here)'}; {args.repeat} runs each, medians; "
          "new session = first visit (new browser context) / new tab (browser cache warm)")
    print(f"  {'page':12} {'first visit':>12} {'× bare':>7} {'new tab':>9} {'× bare':>7} "
          f"{'moving to it':>13}")
    worst = [0.0, 0.0, 0.0]
    for p in pages:
        f, w = statistics.median(fresh[p]), statistics.median(tab[p])
        m = statistics.median(moves[p]) if p in moves else None
        if p != "bare":
            worst = [max(worst[0], f / bare), max(worst[1], w / bare_tab), max(worst[2], m or 0.0)]
        print(f"  {p or 'overview':12} {f:11.2f}s {f / bare:6.2f}× {w:8.2f}s {w / bare_tab:6.2f}× "
              f"{'' if m is None else f'{m:12.2f}s'}")
    print(f"worst new session {worst[0]:.2f}× the bare page on a first visit, {worst[1]:.2f}× in "
          f"a new tab (target ≤ 1.5×); worst move {worst[2]:.2f} s (target ≤ 0.5 s)")
    if switches:
        print("switching tabs (a click on a tab of the open page, until it is drawn), medians:")
        worst_tab = 0.0
        for p, got in switches.items():
            meds = {label: statistics.median(ts) for label, ts in got.items()}
            slowest = max(meds, key=meds.get)
            worst_tab = max(worst_tab, meds[slowest])
            print(f"  {p or 'overview':12} " + ", ".join(f"{k} {v:.2f}s" for k, v in meds.items()))
        print(f"worst tab switch {worst_tab:.2f} s (target as for a move: ≤ 0.5 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
