"""The query string ↔ a :class:`Filters` value: what a shared link means.

Pure (no Streamlit) so the round trip can be tested exhaustively. The common filters —
``agency`` (repeatable canonical names), ``year_from``, ``year_to``, ``lang`` — travel between
pages; every other parameter belongs to the page that set it (``metric``, ``report``, ``rule``,
``severity`` …) and is kept as raw strings in ``Filters.params``.

Bad values never raise: they are dropped and listed in ``Filters.errors`` as (param, value)
so a page can say "invalid link parameter ignored" instead of showing a traceback.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterable, Mapping, Sequence
from urllib.parse import urlencode

LANGS = ("zh", "en")
COMMON_KEYS: tuple[str, ...] = ("agency", "year_from", "year_to", "lang")
MIN_YEAR, MAX_YEAR = 1990, 2100

QueryInput = Mapping[str, "str | Sequence[str]"]


@dataclass(frozen=True)
class Filters:
    """One view's state. ``year_from``/``year_to`` None means open-ended; ``agencies`` empty
    means all agencies. ``params`` holds page-specific parameters as tuples of strings."""

    agencies: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    lang: str = "zh"
    params: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    errors: tuple[tuple[str, str], ...] = ()

    def get(self, name: str, default: str | None = None) -> str | None:
        """The last value of a page parameter (a browser may repeat a key)."""
        vals = self.params.get(name) or ()
        return vals[-1] if vals else default

    def get_all(self, name: str) -> tuple[str, ...]:
        return tuple(self.params.get(name) or ())

    def get_int(self, name: str) -> int | None:
        """A page parameter as int; None when absent or not an integer (see :func:`to_int`)."""
        return to_int(self.get(name))

    def with_params(self, **params: str | Sequence[str] | None) -> "Filters":
        """A copy with page parameters set (None or empty removes them)."""
        new = dict(self.params)
        for k, v in params.items():
            vals = _as_tuple(v)
            if vals:
                new[k] = vals
            else:
                new.pop(k, None)
        return replace(self, params=new)

    def common(self) -> "Filters":
        """Only the filters that travel between pages."""
        return replace(self, params={}, errors=())


def _as_tuple(v: str | Sequence[str] | None) -> tuple[str, ...]:
    if v is None:
        return ()
    if isinstance(v, str):
        return (v,) if v != "" else ()
    return tuple(str(x) for x in v if x is not None and str(x) != "")


def to_int(value: str | None) -> int | None:
    """Decimal integer or None; rejects '1e3', '', '12.5', ' 7 ' is accepted (browsers trim)."""
    if value is None:
        return None
    s = str(value).strip()
    if not s or not (s.isascii() and (s.isdigit() or (s[0] == "-" and s[1:].isdigit()))):
        return None
    try:
        return int(s)
    except ValueError:
        return None


def _year(value: str | None) -> int | None:
    y = to_int(value)
    if y is None or not (MIN_YEAR <= y <= MAX_YEAR):
        return None
    return y


def parse(query: QueryInput) -> Filters:
    """Filters from query parameters (values may be a string or a list of strings)."""
    errors: list[tuple[str, str]] = []
    agencies: list[str] = []
    for name in _as_tuple(query.get("agency")):
        name = name.strip()
        if name and name not in agencies:
            agencies.append(name)
    years: dict[str, int | None] = {}
    for key in ("year_from", "year_to"):
        vals = _as_tuple(query.get(key))
        raw = vals[-1] if vals else None
        y = _year(raw)
        if raw is not None and y is None:
            errors.append((key, raw))
        years[key] = y
    y0, y1 = years["year_from"], years["year_to"]
    if y0 is not None and y1 is not None and y0 > y1:
        y0, y1 = y1, y0
    lang_vals = _as_tuple(query.get("lang"))
    lang = lang_vals[-1] if lang_vals else "zh"
    if lang not in LANGS:
        errors.append(("lang", lang))
        lang = "zh"
    params = {
        k: _as_tuple(v) for k, v in query.items() if k not in COMMON_KEYS and _as_tuple(v)
    }
    return Filters(tuple(agencies), y0, y1, lang, params, tuple(errors))


def serialise(filters: Filters, include_params: bool = True) -> list[tuple[str, str]]:
    """Ordered (key, value) pairs; defaults are omitted to keep links short."""
    pairs: list[tuple[str, str]] = [("agency", a) for a in filters.agencies]
    if filters.year_from is not None:
        pairs.append(("year_from", str(filters.year_from)))
    if filters.year_to is not None:
        pairs.append(("year_to", str(filters.year_to)))
    if filters.lang != "zh":
        pairs.append(("lang", filters.lang))
    if include_params:
        for k in sorted(filters.params):
            if k in COMMON_KEYS:
                continue
            pairs.extend((k, v) for v in filters.params[k])
    return pairs


def to_dict(filters: Filters, include_params: bool = True) -> dict[str, list[str]]:
    """The shape ``st.query_params.from_dict`` / ``st.page_link(query_params=…)`` accept."""
    out: dict[str, list[str]] = {}
    for k, v in serialise(filters, include_params):
        out.setdefault(k, []).append(v)
    return out


def to_query_string(filters: Filters, include_params: bool = True) -> str:
    """``agency=A&agency=B&year_from=2019…`` (UTF-8 percent-encoded), '' when all default."""
    return urlencode(serialise(filters, include_params))


def build_url(base: str | None, url_path: str, filters: Filters) -> str:
    """A full link to a page: ``base`` (scheme://host[:port][/prefix]) or '' for a relative one."""
    root = (base or "").rstrip("/")
    path = f"{root}/{url_path.strip('/')}" if url_path.strip("/") else (root + "/" if root else "/")
    qs = to_query_string(filters)
    return f"{path}?{qs}" if qs else path


def multi_dict(items: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Group repeated keys (helper for callers holding a list of pairs)."""
    out: dict[str, list[str]] = {}
    for k, v in items:
        out.setdefault(k, []).append(v)
    return out
