"""The database as a page sees it: this thread's cursor on the snapshot of this page run, query
calls cached per snapshot, and the write connection of uploads and corrections."""
from __future__ import annotations

import contextlib
import sys
import traceback
from typing import Any, Callable, Sequence

import pandas as pd
import streamlit as st

from etl.present.urlstate import Filters
from etl.query import overview
from etl.store import connection
from pages._ui.session import _SS_STAMP, md_escape, t


def get_con():
    """This thread's cursor on the snapshot this page run reads (``etl/store/connection.py``):
    the same snapshot for the whole run, the newest one at the start of the run.

    A database that cannot be opened (e.g. not a database) stops the page with a message
    instead of a traceback.
    """
    try:
        return connection.run_cursor()
    except Exception as exc:  # noqa: BLE001 — shown to the user, logged for the operator
        traceback.print_exc(file=sys.stderr)
        from etl.store.database import db_path

        st.error(t("db_unavailable", path=md_escape(str(db_path())),
                   error=md_escape(str(exc)[:200])))
        st.stop()


@st.cache_data(show_spinner=False, max_entries=8)
def _agencies_cached(path: str, stamp: tuple) -> pd.DataFrame:
    return overview.agencies(connection.run_cursor(path))


def _snapshot() -> str:
    get_con()  # a message instead of a traceback when there is no database
    return connection.snapshot_name()


def write_con() -> contextlib.AbstractContextManager[Any]:
    """``with write_con() as con:`` the primary database read-write for one upload or
    correction, in turn with every other writer (a command-line load, another process's upload);
    when the block ends a snapshot is published, which this and every other process read from
    their next page run on."""
    return connection.writing()


def agencies_df() -> pd.DataFrame:
    """All agencies (agency_id, name, region, level), cached per snapshot."""
    from etl.store.database import db_path

    return _agencies_cached(str(db_path()), (_snapshot(),))


_CACHED_FUNCS: dict[str, Callable[..., Any]] = {}


@st.cache_data(show_spinner=False, max_entries=512, ttl=3600)
def _cached_call(path: str, stamp: tuple, fn_key: str, args: tuple, kwargs: dict) -> Any:
    return _CACHED_FUNCS[fn_key](connection.run_cursor(path), *args, **kwargs)


def cached(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``fn(con, *args, **kwargs)`` through st.cache_data, keyed by the database file, the
    snapshot this run reads (a new one is published on every load/correction) and the arguments.

    For query functions (etl.query.overview / etl.query.analysis, or a page's own) whose
    arguments are plain values; a rerun that only changes another widget then costs nothing.
    Results are copies.
    """
    from etl.store.database import db_path

    stamp = (_snapshot(),)
    st.session_state[_SS_STAMP] = stamp
    # by where the function is written: a function of a page script is a new object on every
    # run of the page, and keyed by its id it never hit the cache
    code = getattr(fn, "__code__", None)
    fn_key = (f"{code.co_filename}:{code.co_firstlineno}:{fn.__qualname__}" if code is not None
              else f"{fn.__module__}.{fn.__qualname__}@{id(fn)}")
    _CACHED_FUNCS[fn_key] = fn
    return _cached_call(str(db_path()), stamp, fn_key,
                        tuple(tuple(a) if isinstance(a, list) else a for a in args), kwargs)


def selection(filters: Filters) -> tuple[list[int] | None, int | None, int | None]:
    """(agency ids or None for all, year_from, year_to) for query functions."""
    if not filters.agencies:
        return None, filters.year_from, filters.year_to
    df = agencies_df()
    by_name = dict(zip(df["name"], df["agency_id"]))
    ids = [int(by_name[n]) for n in filters.agencies if n in by_name]
    return ids, filters.year_from, filters.year_to


def shown_agencies(
    ids: list[int] | None, metrics: Sequence[str], year_from: int | None,
    year_to: int | None, note_key: str, n: int = 10,
) -> list[int]:
    """The agencies a page charts: the selected ``ids``, or with nothing selected the ``n`` largest
    by ``metrics`` (one line per agency for a whole province is neither readable nor fast), with
    the page's ``note_key`` caption saying so."""
    if ids is not None:
        return ids
    from etl.query import analysis as an  # only the chart pages need it

    shown = list(cached(an.top_agencies, tuple(metrics), None, year_from, year_to, n=n))
    st.caption(t(note_key, n=n))
    return shown
