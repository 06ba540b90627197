"""Compiled regular expressions kept between processes, like ``.pyc`` files for code.

Why: the extraction rules are a few hundred large patterns (every narrative rule embeds the
quantity pattern, full of CJK character classes), and CPython's pattern compiler is pure Python:
compiling them took ~0.15–0.2 s of every ``python -m etl extract`` process, more than reading a
6-page PDF. (The readers' patterns use it too; it lives in :mod:`etl.read` so that every stage
may import it.) The compiled form (the ``_sre`` code list, flags and group names) depends only on the
pattern text, the flags and the interpreter, so it is cached in one file per interpreter version
(``$XDG_CACHE_HOME/gongkai`` or ``~/.cache/gongkai``; ``GONGKAI_REGEX_CACHE=0`` turns it off) and
handed back to ``_sre.compile``, which is what :func:`re.compile` ends with. A pattern built
from the cache is equal (``==``) to ``re.compile(pattern, flags)``; anything unexpected (another
Python, an unreadable or damaged cache file, a read-only home) falls back to :func:`re.compile`.
The code lists are kept as packed 32-bit words: unpacking those costs a quarter of what
unmarshalling lists of ints does, and the file is read by every process.
"""
from __future__ import annotations

import atexit
import marshal
import os
import re
import sys
from array import array
from pathlib import Path
from typing import Any, AnyStr

try:  # CPython's own pattern compiler (stable within one interpreter version)
    import _sre
    from re import _compiler, _parser
except ImportError:  # pragma: no cover - another implementation: plain re.compile
    _sre = None  # type: ignore[assignment]

_entries: dict[tuple[str | bytes, int], tuple] | None = None
_path: Path | None = None  # cache_file() as of the first _load()
_compiled: dict[tuple[str | bytes, int], re.Pattern[Any]] = {}  # this process's patterns
_dirty = False


def cache_file() -> Path | None:
    """Where this interpreter's compiled patterns are kept (None: caching is off)."""
    if _sre is None or sys.implementation.name != "cpython" or array("I").itemsize != _sre.CODESIZE \
            or os.environ.get("GONGKAI_REGEX_CACHE", "1") == "0":
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    tag = f"{sys.implementation.cache_tag}-{'.'.join(map(str, sys.version_info[:3]))}"
    return Path(base) / "gongkai" / f"regex-{tag}-{_sre.MAGIC}-packed.marshal"


def _load() -> dict[tuple[str | bytes, int], tuple] | None:
    """This process's cache entries (read once), None when caching is off.

    The cache file's name is worked out here, once: ``compile`` runs a few hundred times at
    import and must not look at the environment and the home folder each time."""
    global _entries, _path
    if _entries is None:
        _entries = {}
        _path = cache_file()
        if _path is not None:
            try:
                data = marshal.loads(_path.read_bytes())
                if isinstance(data, dict):
                    _entries = data
            except (OSError, ValueError, EOFError, TypeError):
                pass
    return _entries if _path is not None else None


def compile(pattern: AnyStr, flags: int = 0) -> re.Pattern[AnyStr]:  # noqa: A001 - re.compile's twin
    """``re.compile(pattern, flags)``, from the cache when this interpreter compiled it before
    (text or bytes patterns, as ``re.compile`` takes).

    Kept for the process too, so a rule may say ``_rx(r"…").search(s)`` where it uses the
    pattern: after the first call that costs a dict lookup, as ``re.search`` does.
    """
    key = (pattern, flags)
    found = _compiled.get(key)
    if found is None:
        found = _compiled[key] = _build(pattern, flags)
    return found


def _build(pattern: AnyStr, flags: int) -> re.Pattern[AnyStr]:
    global _dirty
    entries = _load()
    if entries is None:
        return re.compile(pattern, flags)
    flags = int(flags)
    key = (pattern, flags)
    hit = entries.get(key)
    if hit is not None:
        try:
            return _sre.compile(pattern, hit[0], array("I", hit[1]).tolist(), *hit[2:])
        except Exception:  # noqa: BLE001 - a damaged entry: compile it afresh
            entries.pop(key, None)
    try:
        p = _parser.parse(pattern, flags)
        code = _compiler._code(p, flags)
        groupindex = dict(p.state.groupdict)
        indexgroup = [None] * p.state.groups
        for k, i in groupindex.items():
            indexgroup[i] = k
        # opcodes are int subclasses (named constants): plain ints for _sre, packed for marshal
        words = [int(c) for c in code]
        entry = (int(flags | p.state.flags), array("I", words).tobytes(), int(p.state.groups - 1),
                 {str(k): int(v) for k, v in groupindex.items()}, tuple(indexgroup))
        compiled = _sre.compile(pattern, entry[0], words, *entry[2:])
    except re.error:
        raise
    except Exception:  # noqa: BLE001 - internals differ from what this module expects
        return re.compile(pattern, flags)
    entries[key] = entry
    if not _dirty:
        _dirty = True
        atexit.register(save)
    return compiled


def save() -> None:
    """Write the cache (atomically) if this process compiled something new; never raises."""
    global _dirty
    path = _path
    if not _dirty or path is None or _entries is None:
        return
    _dirty = False
    try:
        merged: dict = {}
        try:  # keep what other processes added meanwhile
            old = marshal.loads(path.read_bytes())
            if isinstance(old, dict):
                merged.update(old)
        except (OSError, ValueError, EOFError, TypeError):
            pass
        merged.update(_entries)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps(merged))
        os.replace(tmp, path)
    except (OSError, ValueError):
        pass
