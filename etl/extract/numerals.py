"""Numbers, units and dates as Chinese reports print them.

Reports mix Arabic digits (``1,234``, full-width ``１２３``), Chinese numerals (``三十一``,
``二〇〇九`` written digit by digit, often with a letter O or ``○`` for zero), unit multipliers
(``万``, ``亿``), currencies (``万元``, ``万美元``), approximations (``余``, ``多``, ``约``, ``近``)
and ``无`` meaning zero. Everything here is a pure function so the narrative extractor and the
metadata detector share one interpretation. Full-width characters are only normalised while
parsing; the stored document text is never rewritten (evidence offsets must stay true).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from etl.read.recache import compile as _rx

_FULLWIDTH = {ord("０") + i: ord("0") + i for i in range(10)}
_FULLWIDTH.update({ord("．"): ord("."), ord("，"): ord(","), ord("％"): ord("%"), ord("－"): ord("-")})

DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "○": 0, "Ｏ": 0, "O": 0, "o": 0, "0": 0, "０": 0, "◯": 0,
    "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3, "四": 4, "肆": 4,
    "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}
for _i in range(10):
    DIGITS[str(_i)] = _i
    DIGITS[chr(ord("０") + _i)] = _i

_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}

CN_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟"
APPROX_MARKS = ("余", "多", "约", "近", "逾", "超过", "大约", "左右", "上下")

# One printed quantity: optional approx prefix, the number (Arabic or Chinese), optional 万/亿,
# optional approx suffix. Named groups are reused by etl.extract.narrative's rule patterns.
ARABIC = r"[0-9０-９]+(?:[,，][0-9０-９]{3})*(?:[.．][0-9０-９]+)?"
CHINESE = r"[零〇一二两三四五六七八九十百千壹贰叁肆伍陆柒捌玖拾佰仟]+"
QTY = (
    r"(?P<pre>约|近|逾|超过|大约)?"
    r"(?<![数几])(?P<n>" + ARABIC + r"|" + CHINESE + r")"
    r"(?P<mult>万|亿)?(?P<post>余|多)?"
)


def to_halfwidth(text: str) -> str:
    """Full-width digits and number punctuation → ASCII (for parsing only)."""
    return text.translate(_FULLWIDTH)


def chinese_to_int(text: str) -> int:
    """Chinese numerals → int: ``三十一`` → 31, ``一百零五`` → 105, ``二〇〇九`` → 2009.

    A string made only of digit characters (no 十/百/千/万) is read digit by digit, as years
    and codes are written. Raises ValueError for anything else.
    """
    s = text.strip()
    if not s:
        raise ValueError("empty numeral")
    if all(ch in DIGITS for ch in s):
        if len(s) == 1:
            return DIGITS[s]
        return int("".join(str(DIGITS[ch]) for ch in s))
    total = 0
    section = 0
    number = 0
    for ch in s:
        if ch in DIGITS:
            number = DIGITS[ch]
        elif ch in _SMALL_UNITS:
            section += (number or 1) * _SMALL_UNITS[ch]
            number = 0
        elif ch in _BIG_UNITS:
            big = _BIG_UNITS[ch]
            if big == 10_000:
                total += (section + number or 1) * big
            else:
                total = (total + section + number or 1) * big
            section = 0
            number = 0
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + section + number


def parse_number(text: str) -> float:
    """One printed number → float. ``1,234`` ``１２３`` ``三十一`` ``68.52万`` ``无`` (→ 0).

    Approximation marks (余, 多, 约 …) and a trailing % are ignored here; use
    :func:`parse_quantity` to keep them. Raises ValueError when there is no number.
    """
    s = to_halfwidth(text).strip()
    for mark in APPROX_MARKS:
        s = s.replace(mark, "")
    s = s.rstrip("%").strip()
    if s in ("无", "零", "没有"):
        return 0.0
    mult = 1.0
    if s and s[-1] in _BIG_UNITS and not all(ch in CN_NUMERAL_CHARS for ch in s):
        mult = float(_BIG_UNITS[s[-1]])
        s = s[:-1]
    if _rx(r"[+-]?\d+(?:,\d{3})*(?:\.\d+)?|[+-]?\d*\.\d+").fullmatch(s):
        return float(s.replace(",", "")) * mult
    if s and all(ch in CN_NUMERAL_CHARS or ch in DIGITS for ch in s):
        return float(chinese_to_int(s)) * mult
    raise ValueError(f"not a number: {text!r}")


@dataclass(frozen=True)
class Quantity:
    """A parsed amount in a canonical unit: count, cny (yuan), usd (dollars) or pct."""

    value: float
    unit: str
    approx: bool = False


def scale_unit(value: float, mult: str | None, unit: str | None) -> tuple[float, str]:
    """Apply 万/亿 and map a printed unit to the canonical one.

    ``unit`` is the printed unit after the multiplier (元, 美元, %, 件 …); ``mult`` 万 or 亿
    (either standalone or part of 万元 / 万美元).
    """
    factor = {None: 1.0, "": 1.0, "万": 1e4, "亿": 1e8}[mult]
    u = (unit or "").strip()
    if u.startswith("万") or u.startswith("亿"):
        factor *= 1e4 if u[0] == "万" else 1e8
        u = u[1:]
    # 1.1亿 is 110000000, not 110000000.00000001: round away binary noise of the scaling
    scaled = round(value * factor, 6) if factor != 1.0 else value
    if u in ("美元", "美金"):
        return scaled, "usd"
    if u in ("元", "人民币", "元人民币"):
        return scaled, "cny"
    if u in ("%", "％"):
        return value, "pct"
    return scaled, "count"


_QTY_FULL = _rx(
    r"^\s*(?P<pre>约|近|逾|超过|大约)?\s*(?P<n>" + ARABIC + r"|" + CHINESE + r"|无)"
    r"\s*(?P<mult>万|亿)?(?P<post>余|多)?\s*(?P<unit>美元|美金|元|%|％|[^\d\s]{0,3})?\s*$"
)


def parse_quantity(text: str) -> Quantity:
    """``5500余条`` → Quantity(5500, count, approx) ; ``7400万美元`` → (74e6, usd) ;
    ``68.52万元`` → (685200, cny) ; ``10.78%`` → (10.78, pct) ; ``无`` → (0, count)."""
    m = _QTY_FULL.match(text)
    if not m:
        raise ValueError(f"not a quantity: {text!r}")
    value = parse_number(m.group("n"))
    unit = m.group("unit") or ""
    v, canonical = scale_unit(value, m.group("mult"), unit)
    approx = bool(m.group("pre") or m.group("post"))
    return Quantity(v, canonical, approx)


def quantity_from_match(m: re.Match[str], unit: str | None = None) -> Quantity:
    """A Quantity from a regex match built with :data:`QTY` (groups pre, n, mult, post)."""
    value = parse_number(m.group("n"))
    v, canonical = scale_unit(value, m.group("mult"), unit)
    approx = bool(m.group("pre") or m.group("post"))
    return Quantity(v, canonical, approx)


# --- dates -------------------------------------------------------------------------------

YEAR_CHARS = "0-9０-９〇○OoＯ◯零一二三四五六七八九"
YEAR_RE = _rx(r"([12１２一二][" + YEAR_CHARS + r"]{3})\s*年")
DATE_RE = _rx(
    r"([12１２一二][" + YEAR_CHARS + r"]{3})\s*年\s*"
    r"([0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})\s*月"
    r"(?:\s*([0-9０-９]{1,2}|[一二三四五六七八九十]{1,4})\s*[日号])?"
)


def parse_year(text: str) -> int | None:
    """A four-character year (``2009``, ``二00九``, ``二〇〇九``, ``二OO八``) → int, if plausible."""
    s = text.strip()
    if len(s) != 4 or not all(ch in DIGITS for ch in s):
        return None
    year = int("".join(str(DIGITS[ch]) for ch in s))
    return year if 1949 <= year <= 2100 else None


def small_number(text: str) -> int:
    """A month or day number, Arabic or Chinese (``12``, ``十二``, ``十九``)."""
    t = to_halfwidth(text)
    return int(t) if t.isdigit() else chinese_to_int(t)


def parse_date(text: str) -> str | None:
    """The first full date (year, month, day) in ``text`` as ISO ``YYYY-MM-DD``, else None.

    ``二00九年一月十九日`` → ``2009-01-19``; ``2019年3月5日`` → ``2019-03-05``. A date without a
    day (``二00七年十二月``) is not a full date and gives None.
    """
    for m in DATE_RE.finditer(text):
        year = parse_year(m.group(1))
        if year is None or not m.group(3):
            continue
        try:
            month, day = small_number(m.group(2)), small_number(m.group(3))
        except ValueError:
            continue
        if 1 <= month <= 12 and 1 <= day <= 31:
            return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def find_dates(text: str) -> list[tuple[int, str | None, int | None]]:
    """Every printed date: (offset, ISO date or None when no day, year)."""
    out: list[tuple[int, str | None, int | None]] = []
    for m in DATE_RE.finditer(text):
        year = parse_year(m.group(1))
        if year is None:
            continue
        iso = None
        try:
            month = small_number(m.group(2))
            if m.group(3):
                day = small_number(m.group(3))
                if 1 <= month <= 12 and 1 <= day <= 31:
                    iso = f"{year:04d}-{month:02d}-{day:02d}"
        except ValueError:
            pass
        out.append((m.start(), iso, year))
    return out
