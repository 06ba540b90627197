"""A share link people can read: the view's URL with its percent-encoding decoded where that
changes nothing about what the link means.

``/agency?agency=%E7%94%B2%E5%B8%82%E5%95%86%E5%8A%A1%E5%B1%80&lang=en`` is shown as
``/agency?agency=甲市商务局&lang=en``: browsers encode non-ASCII characters themselves when the
link is pasted or followed, so both open the same view. ASCII escapes stay encoded — ``%26``
(&), ``%3D`` (=), ``%23`` (#), ``%2B`` (+), ``%25`` (%), ``%20`` and the other reserved or
invisible characters — because decoding them would change how the query string splits; so does
any escape that is not valid UTF-8.
"""
from __future__ import annotations

import re

_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
#: characters that may appear decoded in a query value without changing its meaning
_SAFE_ASCII = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
#: Unicode characters kept encoded even when they decode: invisible or bidi controls, spaces
_KEEP_ENCODED = re.compile(r"[\s\u00a0\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


def _decode_run(run: str) -> str:
    raw = bytes(int(run[i + 1:i + 3], 16) for i in range(0, len(run), 3))
    out: list[str] = []
    i = 0
    while i < len(raw):
        b = raw[i]
        n = 1 if b < 0x80 else 2 if b >> 5 == 0b110 else 3 if b >> 4 == 0b1110 \
            else 4 if b >> 3 == 0b11110 else 0
        chunk = raw[i:i + n] if n else raw[i:i + 1]
        try:
            ch = chunk.decode("utf-8") if n else None
        except UnicodeDecodeError:
            ch = None
        encoded = "".join(f"%{x:02X}" for x in chunk)
        if ch is None or (n == 1 and ch not in _SAFE_ASCII) or _KEEP_ENCODED.match(ch):
            out.append(encoded)
        else:
            out.append(ch)
        i += len(chunk)
    return "".join(out)


def readable_url(url: str) -> str:
    """``url`` with its non-ASCII text (and unreserved ASCII) decoded, everything that would
    change the link's meaning left encoded."""
    return _ESCAPES.sub(lambda m: _decode_run(m.group(0)), url or "")
