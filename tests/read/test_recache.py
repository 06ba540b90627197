"""The compiled-pattern cache (etl/read/recache.py): patterns built from it are the patterns
re.compile builds, across processes, and a damaged or missing cache changes nothing."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from etl.read import recache

ROOT = Path(__file__).resolve().parents[2]

PATTERNS = [
    (r"(?P<n>[0-9０-９]+)\s*(?P<u>条|件)", 0),
    (r"^[ \t\u3000]*(?:[一二三四五六七八九十]+[、.．])", re.M),
    (r"[^，,。；;、\d０-９\n]{0,6}?(?:收到|受理)", re.I | re.S),
]


@pytest.fixture()
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("GONGKAI_REGEX_CACHE", raising=False)
    monkeypatch.setattr(recache, "_entries", None)
    monkeypatch.setattr(recache, "_path", None)
    monkeypatch.setattr(recache, "_compiled", {})
    monkeypatch.setattr(recache, "_dirty", False)
    return tmp_path


def test_patterns_from_the_cache_equal_re_compile(fresh_cache) -> None:
    first = [recache.compile(p, f) for p, f in PATTERNS]
    recache.save()
    assert recache.cache_file().exists()
    recache._entries, recache._compiled = None, {}  # as a new process: everything from the file
    again = [recache.compile(p, f) for p, f in PATTERNS]
    for (p, f), a, b in zip(PATTERNS, first, again):
        assert a == re.compile(p, f) and b == re.compile(p, f)
        assert b.groupindex == re.compile(p, f).groupindex and b.flags == re.compile(p, f).flags
    assert again[0].search("共收到12件").group("n", "u") == ("12", "件")
    assert recache.compile(*PATTERNS[0]) is again[0]  # kept for the process: no rebuilding


def test_a_damaged_cache_file_is_ignored(fresh_cache) -> None:
    path = recache.cache_file()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not marshal data")
    assert recache.compile(*PATTERNS[0]) == re.compile(*PATTERNS[0])
    with pytest.raises(re.error):
        recache.compile("(unclosed")


def test_every_narrative_pattern_survives_a_new_process(fresh_cache) -> None:
    """The extraction rules compiled in one process (writing the cache) and read from the cache
    in another are equal to re.compile's, pattern for pattern."""
    code = ("import re, sys; from etl.read import recache; import etl.extract.narrative; "
            "from etl.read.recache import _load; "
            "bad = [k for k in _load() if recache.compile(*k) != re.compile(*k)]; "
            "print(len(_load()), len(bad))")
    env = {"XDG_CACHE_HOME": str(fresh_cache), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    outs = [subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True,
                           capture_output=True, text=True).stdout.split() for _ in range(2)]
    assert int(outs[0][0]) > 100 and outs[0][1] == "0"
    assert outs[1] == outs[0]
