"""Decoding bytes of text files whose encoding nobody tells us.

Government sites publish reports in UTF-8 (with and without BOM), GB18030/GBK/GB2312 and,
from Word's "save as Unicode text", UTF-16. The encoding is detected, never assumed:

1. a BOM decides (UTF-8-SIG, UTF-16 LE/BE, UTF-32 is treated as UTF-16 family too rare to care);
2. strict UTF-8 — random GBK bytes almost never form valid UTF-8, so success is reliable;
3. BOM-less UTF-16, recognised by its NUL pattern (ASCII characters have a zero high byte);
4. strict GB18030 (a superset of GBK and GB2312) — charset detectors are unreliable on short
   Chinese texts, while a strict GB18030 decode of non-GB bytes usually fails quickly;
5. charset-normalizer as a last resort (Big5, Latin-1 pages and such).

Newlines are normalised to ``\\n``; nothing else is changed, so character offsets computed on the
returned text stay true to what was printed.
"""
from __future__ import annotations

import codecs

from etl.model import InputError
from etl.read.recache import compile as _rx

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF (old Mac exports and Windows files mixed in one corpus)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _plausible(ch: str) -> bool:
    """A character real Chinese report text is made of (wrong byte order gives other blocks)."""
    o = ord(ch)
    return (
        0x20 <= o < 0x7F or ch in "\n\r\t"
        or 0x4E00 <= o <= 0x9FFF or 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF
        or 0x2010 <= o <= 0x206F or 0xA0 <= o <= 0xFF or 0x2460 <= o <= 0x24FF
        or 0x2100 <= o <= 0x21FF or 0x25A0 <= o <= 0x25FF or 0x3300 <= o <= 0x4DBF
        or 0xF900 <= o <= 0xFAFF or o == 0xFEFF
    )


_IMPLAUSIBLE = _rx(
    "[^\x20-\x7e\n\r\t\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2010-\u206f\u00a0-\u00ff"
    "\u2460-\u24ff\u2100-\u21ff\u25a0-\u25ff\u3300-\u4dbf\uf900-\ufaff\ufeff]"
)


def _score(text: str) -> float:
    """Share of plausible report characters in (a sample of) a decoded text."""
    sample = text[:20000]
    return sum(1 for ch in sample if _plausible(ch)) / max(len(sample), 1)


def _utf16_guess(data: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' for BOM-less UTF-16, else None.

    Only tried when NUL bytes are present (ASCII digits, punctuation and newlines in UTF-16 have
    a zero byte). Both byte orders are decoded and the one whose characters are plausible report
    text (CJK, ASCII, CJK punctuation) wins; the wrong order lands in unrelated blocks.
    """
    if len(data) < 2 or len(data) % 2 or b"\x00" not in data:
        return None
    best: tuple[float, str] | None = None
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        score = _score(text)
        if best is None or score > best[0]:
            best = (score, enc)
    if best and best[0] >= 0.9:
        return best[1]
    return None


def _first_bad_offset(data: bytes, encoding: str) -> int:
    try:
        data.decode(encoding)
    except UnicodeDecodeError as exc:
        return exc.start
    return -1


def decode_bytes(data: bytes, name: str) -> tuple[str, str]:
    """Text and the detected encoding name; raises InputError naming the byte offset.

    ``name`` is only used in the error message (the file the user gave).
    """
    if not data:
        return "", "utf-8"
    for bom, enc in _BOMS:
        if data.startswith(bom):
            codec = "utf-8" if enc == "utf-8-sig" else enc
            try:
                text = data[len(bom):].decode(codec)
            except UnicodeDecodeError as exc:
                raise InputError(
                    name, f"not valid {codec} text despite its byte-order mark", f"byte {exc.start + len(bom)}"
                ) from None
            return normalise_newlines(text), enc
    if b"\x00" not in data:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            # Short GBK text can happen to be valid UTF-8 (CF A2 "息" → U+03E2): if UTF-8 gives
            # unusual characters and GB18030 reads it all as plausible text, GB18030 wins.
            if not text.isascii() and _IMPLAUSIBLE.search(text, 0, 20000):
                utf8_score = _score(text)
                if utf8_score < 1.0:
                    try:
                        gb = data.decode("gb18030")
                    except UnicodeDecodeError:
                        gb = None
                    if gb is not None and _score(gb) > utf8_score:
                        return normalise_newlines(gb), "gb18030"
            return normalise_newlines(text), "utf-8"
    guess = _utf16_guess(data)
    if guess:
        try:
            return normalise_newlines(data.decode(guess)), guess
        except UnicodeDecodeError:
            pass
    if b"\x00" not in data:
        try:
            return normalise_newlines(data.decode("gb18030")), "gb18030"
        except UnicodeDecodeError:
            pass
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
    except Exception:  # pragma: no cover - library trouble must not hide the real error
        best = None
    if best is not None and best.encoding and b"\x00" not in data:
        # Only accept a detector result that is plausibly text: mostly printable characters.
        text = str(best)
        printable = sum(1 for ch in text if ch.isprintable() or ch in "\n\r\t")
        if text and printable / len(text) > 0.97:
            return normalise_newlines(text), best.encoding
    offset = _first_bad_offset(data, "gb18030") if b"\x00" not in data else data.index(b"\x00")
    if offset < 0:
        offset = _first_bad_offset(data, "utf-8")
    raise InputError(
        name,
        "not readable as text (tried UTF-8, UTF-16, GB18030 and detection)",
        f"byte {max(offset, 0)}",
    )
