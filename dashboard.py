"""Gongkai dashboard entry point: the router (``streamlit run dashboard.py``).

Holds what is shared by all pages and sessions of the process:
* the database as pages read it (``etl/store/connection.py``): the newest published snapshot,
  read-only, one cursor per thread, pinned for the whole page run (each run starts with
  :func:`etl.store.connection.new_run`, so the next run sees the newest data); no process holds
  the primary file, so several processes can serve one database (``deploy/``);
* the first-start demo build: an empty database gets the bundled demo, no question asked. The
  build starts with the server (``streamlit run`` finds :data:`app`, an ``st.App`` whose
  lifespan starts it) and runs in the background (``etl/demo/firststart.py``); whoever arrives
  meanwhile sees a "building the demo data (n of N files)" page that refreshes itself;
* the page list (``st.navigation``); page files that do not exist yet are simply not listed.

Pages live in ``pages/`` and share ``pages/_ui/`` (filters in the URL, language, links, downloads).
"""
from __future__ import annotations

import contextlib
import os
import sys
import threading
import traceback
from pathlib import Path
from typing import Any, AsyncIterator

import streamlit as st

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from etl.demo import firststart  # noqa: E402
from etl.present import i18n  # noqa: E402
from etl.store import connection, database  # noqa: E402

# (file, url path, title key, icon); the url path equals the page id used by pages/_ui/
PAGES: tuple[tuple[str, str, str, str], ...] = (
    ("pages/overview.py", "", "page_overview", ":material/dashboard:"),
    ("pages/disclosure.py", "disclosure", "page_disclosure", ":material/campaign:"),
    ("pages/categories.py", "categories", "page_categories", ":material/donut_small:"),
    ("pages/requests.py", "requests", "page_requests", ":material/inbox:"),
    ("pages/investment.py", "investment", "page_investment", ":material/trending_up:"),
    ("pages/report.py", "report", "page_report", ":material/description:"),
    ("pages/agency.py", "agency", "page_agency", ":material/account_balance:"),
    ("pages/quality.py", "quality", "page_quality", ":material/rule:"),
    ("pages/upload.py", "upload", "page_upload", ":material/upload_file:"),
    ("pages/review.py", "review", "page_review", ":material/fact_check:"),
    ("pages/glossary.py", "glossary", "page_glossary", ":material/menu_book:"),
)


def _literal(text: str) -> str:
    """Escape markdown metacharacters (st.error renders markdown)."""
    return "".join("\\" + c if c in "\\`*[]()!#|<>~$" else c for c in text)


def _current_lang() -> str:
    ss_lang = st.session_state.get("qp_lang")
    if ss_lang in i18n.LANGS:
        return ss_lang
    return i18n.norm_lang(st.query_params.get("lang"))


#: how long a page run waits for the first-start check before it draws the building page: an
#: existing database is confirmed in milliseconds and should open directly
FIRST_WAIT_S = 2.0
#: how often the building page redraws its progress
REFRESH_S = 1.0


def _building_page(lang: str) -> None:
    """Shown while the demo is being built: what is happening and how far it got; it redraws
    itself every second and turns into the requested page when the data is there."""
    st.title(i18n.t("app_title", lang))
    st.info(i18n.t("building_explain", lang))

    @st.fragment(run_every=REFRESH_S)
    def progress() -> None:
        build = firststart.current(database.db_path())
        if build is None or build.ready:
            st.rerun()  # the whole app: now the pages can run
        if build.total:
            st.progress(min(build.done / build.total, 1.0),
                        text=i18n.t("building_progress", lang, done=build.done, total=build.total))
        else:
            st.progress(0.0, text=i18n.t("building_demo", lang))

    progress()


def _demo_error(build: firststart.Build, lang: str) -> None:
    """A failed build is said once per browser session; the dashboard opens anyway."""
    if build.state == "failed" and not st.session_state.get("_gongkai_demo_error_shown"):
        st.session_state["_gongkai_demo_error_shown"] = True
        st.error(i18n.t("demo_failed", lang, error=_literal(str(build.error or "")[:300])))


def main() -> None:
    st.set_page_config(page_title="Gongkai 公开", layout="wide", page_icon=":material/policy:")
    lang = _current_lang()
    connection.new_run()  # this run reads the newest snapshot, from start to end
    build = firststart.start(database.db_path())  # already running when the server started it
    ready = build.wait(FIRST_WAIT_S)
    if ready:
        try:
            connection.run_cursor()
        except Exception as exc:  # noqa: BLE001 — e.g. the database file is not a database
            traceback.print_exc(file=sys.stderr)
            st.error(i18n.t("db_unavailable", lang, path=_literal(str(database.db_path())),
                            error=_literal(str(exc)[:300])))
            st.stop()
        _demo_error(build, lang)
    # .streamlit/config.toml hides the menu Streamlit makes of the pages/ folder before this
    # script first calls st.navigation; this menu is ours
    st.set_option("client.showSidebarNavigation", True)
    pages = []
    for file, url_path, title_key, icon in PAGES:
        if not (ROOT / file).exists():
            continue
        if url_path == "":
            pages.append(st.Page(file, title=i18n.t(title_key, lang), icon=icon, default=True))
        else:
            pages.append(st.Page(file, title=i18n.t(title_key, lang), icon=icon,
                                 url_path=url_path))
    if os.environ.get("GONGKAI_BENCH_BARE_PAGE") == "1":  # benchmarks/bench_browser.py only
        pages.append(st.Page("benchmarks/bare_page.py", title="Bare", url_path="bare"))
    if not pages:
        st.error("no pages")
        st.stop()
    if not ready:
        # the URL's page is kept (and opens when the data is there); no menu meanwhile
        st.navigation(pages, position="hidden")
        _building_page(lang)
        return
    st.navigation(pages).run()


@contextlib.asynccontextmanager
async def _lifespan(_app: Any) -> AsyncIterator[None]:
    """Server start: begin the first-start check (and demo build) before anyone visits, and,
    once the data is there, the engine that draws the charts (``etl/present/chart_svg.py``:
    about 0.7 s, which the first chart page would otherwise wait for)."""
    build = firststart.start(database.db_path())

    def warm_charts() -> None:
        build.wait(600)  # not while the build needs the cores
        try:
            from etl.present import chart_svg

            chart_svg.warm()
        except Exception:  # noqa: BLE001 - a chart page then starts the engine itself, or says why
            traceback.print_exc(file=sys.stderr)

    threading.Thread(target=warm_charts, name="gongkai-warm-charts", daemon=True).start()
    yield


if __name__ == "__main__":  # Streamlit runs this file as __main__ for every page view
    main()
else:  # ``streamlit run dashboard.py`` imports the module and serves this app with uvicorn
    app = st.App(__file__, lifespan=_lifespan)
