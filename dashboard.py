"""Gongkai dashboard entry point: the router (``streamlit run dashboard.py``).

Holds what is shared by all pages and sessions of the process:
* the database connection (``etl/store/connection.py``: one per process, one cursor per thread);
* the first-start demo build (an empty database gets the bundled demo, no question asked);
* the inbox writer that applies ``python -m etl load`` jobs while the dashboard holds the file;
* the page list (``st.navigation``); page files that do not exist yet are simply not listed.

Pages live in ``pages/`` and share ``pages/_ui/`` (filters in the URL, language, links, downloads).
"""
from __future__ import annotations

import sys
import threading
import traceback
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from etl.store import connection  # noqa: E402
from etl.present import i18n
from etl.query import overview
from etl.store import database

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
)


def _literal(text: str) -> str:
    """Escape markdown metacharacters (st.error renders markdown)."""
    return "".join("\\" + c if c in "\\`*[]()!#|<>~$" else c for c in text)


@st.cache_resource(show_spinner=False)
def _process_state() -> dict:
    """Per-process bookkeeping: which databases were checked for the demo, and a lock so two
    first sessions do not build it twice."""
    return {"lock": threading.Lock(), "checked": set()}


def _current_lang() -> str:
    ss_lang = st.session_state.get("qp_lang")
    if ss_lang in i18n.LANGS:
        return ss_lang
    return i18n.norm_lang(st.query_params.get("lang"))


def ensure_data(lang: str) -> None:
    """Build the demo database on first start when the database holds no reports."""
    state = _process_state()
    path = str(database.db_path())
    if path in state["checked"] or connection.read_only():
        return
    with state["lock"]:
        if path in state["checked"]:
            return
        if overview.report_count(connection.cursor(path)) == 0:
            try:
                from etl.demo.corpus import build_demo
            except ImportError:
                build_demo = None  # type: ignore[assignment]
            if build_demo is not None:
                _build_demo(build_demo, Path(path), lang)
        state["checked"].add(path)


def _build_demo(build_demo, path: Path, lang: str) -> None:  # type: ignore[no-untyped-def]
    bar = st.progress(0.0, text=i18n.t("building_demo", lang))

    def progress(*args: object, **kwargs: object) -> None:
        """Accepts (done, total[, text]) or (fraction[, text]); anything else is ignored."""
        try:
            nums = [a for a in args if isinstance(a, (int, float))]
            texts = [a for a in args if isinstance(a, str)]
            if len(nums) >= 2 and nums[1]:
                frac = float(nums[0]) / float(nums[1])
            elif nums:
                frac = float(nums[0])
            else:
                return
            label = i18n.t("building_demo", lang) + (f" {texts[0]}" if texts else "")
            bar.progress(min(max(frac, 0.0), 1.0), text=label[:200])
        except Exception:  # noqa: BLE001 — progress display must never break the build
            pass

    with st.spinner(i18n.t("building_demo", lang)):
        try:
            # the builder opens the file itself; in this process DuckDB hands it the same
            # database instance, so the shared connection sees the demo when it commits
            build_demo(path, force=False, progress=progress)
        except Exception as exc:  # noqa: BLE001 — shown, logged, dashboard still opens
            traceback.print_exc(file=sys.stderr)
            st.error(i18n.t("demo_failed", lang, error=_literal(str(exc)[:300])))
    bar.empty()


def start_writer() -> None:
    """Start the inbox writer once per process and database (etl/store/connection.py keeps it)."""
    try:
        connection.start_writer()
    except Exception:  # noqa: BLE001 — the dashboard works without the inbox
        traceback.print_exc(file=sys.stderr)


def main() -> None:
    st.set_page_config(page_title="Gongkai 公开", layout="wide", page_icon=":material/policy:")
    lang = _current_lang()
    try:
        connection.cursor()
    except Exception as exc:  # noqa: BLE001 — e.g. the file is locked by another process
        traceback.print_exc(file=sys.stderr)
        st.error(i18n.t("db_unavailable", lang, path=_literal(str(database.db_path())),
                        error=_literal(str(exc)[:300])))
        st.stop()
    ensure_data(lang)
    start_writer()
    pages = []
    for file, url_path, title_key, icon in PAGES:
        if not (ROOT / file).exists():
            continue
        if url_path == "":
            pages.append(st.Page(file, title=i18n.t(title_key, lang), icon=icon, default=True))
        else:
            pages.append(st.Page(file, title=i18n.t(title_key, lang), icon=icon,
                                 url_path=url_path))
    if not pages:
        st.error("no pages")
        st.stop()
    st.navigation(pages).run()


main()
