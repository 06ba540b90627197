"""Vocabulary of the national annual-report forms (表二/表三/表四) and tolerant label matching.

Real reports print the form labels with typos, traditional characters, curly or straight
quotes, full- or half-width brackets and labels broken over lines. Everything that compares a
printed label with the official wording goes through :func:`norm` first, so the parsers in
``etl.extract.forms`` and ``etl.extract.flatrun`` only ever see one spelling. Cell values are parsed here too
(:func:`parse_cell`) because "what counts as blank" must be decided in exactly one place.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType
from typing import Sequence

from etl.read.recache import compile as _rx

# --- normalisation ----------------------------------------------------------------------

# Traditional → simplified, limited to characters of the form vocabulary (enough for the
# traditional-script mirrors some government sites publish).
_TRAD = (
    "開开國国屬属於于與与處处請请數数結结轉转辦办規规範范護护權权務务過过執执詢询項项關关"
    "製制補补確确訪访舉举報报訴诉複复復复議议訟讼維维糾纠審审總总計计費费繳缴納纳現现實实際际"
    "發发廢废許许強强罰罚額额萬万採采購购標标準准況况機机構构組组織织業业專专會会類类態态區区"
    "別别條条對对說说單单則则經经營营來来為为無无後后應应當当據据證证產产學学設设獲获級级體体"
    "個个們们歸归內内險险隱隐穩稳種种戶户門门問问題题進进決决並并僅仅稱称號号參参記记錄录"
    "聯联絡络電电話话郵邮資资訊讯讀读寫写遞递舊旧務务權权劃划護护編编輯辑際际維维議议傳传"
    "級级紀纪檢检監监證证辭辞徵征稅税環环衛卫醫医藥药財财險险貿贸濟济濟济鄉乡鎮镇縣县區区"
    "屆届條条總总嚴严懲惩罰罚衝冲償偿賠赔償偿債债務务問问詢询諮咨見见視视覽览網网頁页檔档"
    "豐丰餘余減减動动華华圍围堅坚場场夠够層层繞绕統统繼继續续認认訓训賬账質质還还這这聞闻東东書书從从眾众廣广擴扩時时顯显匯汇沒没濱滨點点熱热簡简約约綜综職职節节觀观論论責责達达運运違违間间領领長长黨党導导負负養养勞劳樣样寬宽減减増增並并併并於于鬥斗裡里乾干髮发嚴严擬拟"
)
TRAD_TO_SIMP: dict[str, str] = {_TRAD[i]: _TRAD[i + 1] for i in range(0, len(_TRAD) - 1, 2)}
# public: etl.extract.narrative folds traditional script with it (one character for one, so offsets hold)
TRAD_TABLE = str.maketrans(TRAD_TO_SIMP)
_TRAD_TABLE = TRAD_TABLE

_QUOTES = "“”\"'‘’「」『』〝〞＂"
_QUOTE_TABLE = str.maketrans({q: "" for q in _QUOTES})


_WS_RE = _rx(r"\s+")
_NUMDOT_RE = _rx(r"(?<!\d)(\d{1,2})[、.,，:：](?=\D)")


def norm(text: str | None) -> str:
    """Canonical spelling of a printed label: NFKC, simplified, no whitespace or quotes.

    Numbering is unified too: ``1、`` / ``1．`` / ``1,`` → ``1.`` and ``（一）`` → ``(一)``.
    Cached: the same labels and headers recur in every row and every report.
    """
    if not text:
        return ""
    return _norm(text) if len(text) < 400 else _norm.__wrapped__(text)


@lru_cache(maxsize=65536)
def _norm(text: str) -> str:
    s = unicodedata.normalize("NFKC", text)
    s = s.translate(_TRAD_TABLE).translate(_QUOTE_TABLE)
    s = _WS_RE.sub("", s)
    s = s.replace("〔", "(").replace("〕", ")").replace("【", "(").replace("】", ")")
    s = s.replace("其它", "其他")
    s = _NUMDOT_RE.sub(r"\1.", s)
    return s


def _fuzz() -> ModuleType:
    """rapidfuzz's scorers, imported on first use: ~12 ms of start-up that a report without
    form tables (a narrative, a work summary) never needs."""
    from rapidfuzz import fuzz

    return fuzz


def similarity(a: str, b: str) -> float:
    """Similarity 0–100 of two normalised labels (rapidfuzz ratio)."""
    if not a or not b:
        return 0.0
    return float(_fuzz().ratio(a, b))


# --- cell values ------------------------------------------------------------------------

BLANK_TOKENS = frozenset(
    {"", "/", "-", "—", "——", "–", "―", "－", "\\", "_", "__", "/-", "-/", "一", "空", "N/A", "NA",
     "…", "……", "·", "--", "---", "—/—", "×", "x", "X"}
)
ZERO_TOKENS = frozenset({"无", "0件", "零", "没有", "无此项", "未发生", "(无)", "(0)"})
_NUM_RE = _rx(r"^([+\-−]?)(\d[\d,]*(?:\.\d+)?)(.*)$", re.S)
_CJK = _rx(r"[\u3400-\u9fff]")
_UNIT_RE = _rx(r"^(万元|亿元|元|件|个|项|条|次|宗|起|人|份|家|万)")


@dataclass(frozen=True)
class CellValue:
    """What a printed cell says: ``kind`` is "number", "blank" or "text"."""

    kind: str
    value: float | None = None
    note: str | None = None
    unit: str | None = None  # "万" / "元" / "亿" when the cell itself states a money unit
    approx: bool = False


_TWO_NUMBERS = _rx(r"^[0-9][0-9,.]*\s+[0-9]")


def parse_cell(raw: str | None) -> CellValue:
    """Read one table cell (cached; see :func:`_parse_cell`)."""
    if raw is None:
        return CellValue("blank")
    return _parse_cell(raw) if len(raw) < 200 else _parse_cell.__wrapped__(raw)


@lru_cache(maxsize=65536)
def _parse_cell(raw: str) -> CellValue:
    """Read one table cell. "无" is 0; "", "/", "-", "—" are blank; a note after the number is kept.

    Anything else that does not start with a number (after an optional 约/近/增加/减少) is text:
    the caller decides whether that makes a row unreadable — it is never turned into a number.
    """
    if raw is None:
        return CellValue("blank")
    s = unicodedata.normalize("NFKC", raw).strip()
    compact = _rx(r"\s+").sub("", s)
    if compact in BLANK_TOKENS or _rx(r"[-—–/\\_－―]+").fullmatch(compact or "-"):
        return CellValue("blank")
    if compact in ZERO_TOKENS or compact.startswith("无(") or compact == "0":
        note = None
        if compact.startswith("无("):
            note = s[1:].strip()
        return CellValue("number", 0.0, note)
    if _TWO_NUMBERS.match(s):
        # "1 0": two cells merged by a converter, or one number with a space in it: not certain
        return CellValue("text")
    sign = 1.0
    approx = False
    body = compact
    for prefix, sg in (("增加", 1.0), ("增", 1.0), ("减少", -1.0), ("减", -1.0)):
        if body.startswith(prefix) and len(body) > len(prefix) and body[len(prefix)].isdigit():
            body, sign = body[len(prefix):], sg
            break
    for prefix in ("约", "近", "逾", "超"):
        if body.startswith(prefix) and len(body) > 1 and body[1].isdigit():
            body, approx = body[1:], True
            break
    if body == "持平":
        return CellValue("number", 0.0)
    m = _NUM_RE.match(body)
    if not m:
        return CellValue("text")
    minus, digits, rest = m.groups()
    if _rx(r"^[.、．][^\d]").match(rest) or (rest and _CJK.match(rest[0]) and not _rx(
            r"^\s*[+\-−]?\s*\d[\d,]*(?:\.\d+)?\s+\S").match(s) and not _UNIT_RE.match(rest)
            and rest[0] not in "余多"):
        return CellValue("text")  # a list label ("1.属于国家秘密") or a number inside words
    if minus in ("-", "−"):
        sign = -sign
    try:
        value = float(digits.replace(",", ""))
    except ValueError:
        return CellValue("text")
    unit = None
    u = _UNIT_RE.match(rest)
    if u:
        tok = u.group(1)
        unit = {"万元": "万", "万": "万", "亿元": "亿", "元": "元"}.get(tok)
        rest = rest[len(tok):]
    if rest.startswith("余") or rest.startswith("多"):
        approx = True
        rest = rest[1:]
    note = None
    if rest:
        # keep the printed wording of the note: find it in the raw text after the number
        raw_s = raw.strip()
        base = raw_s if len(unicodedata.normalize("NFKC", raw_s)) == len(raw_s) else s
        idx = _note_start(unicodedata.normalize("NFKC", base))
        note = base[idx:].strip() if idx is not None else rest
        if not note:
            note = rest
    return CellValue("number", sign * value, note, unit, approx)


def _note_start(s: str) -> int | None:
    """Index in ``s`` where the text after the leading number (and its unit) begins."""
    m = _rx(r"^\s*(?:增加|增|减少|减|约|近|逾|超)?\s*[+\-−]?\s*\d[\d,]*(?:\.\d+)?\s*"
                 r"(?:万元|亿元|元|件|个|项|条|次|宗|起|人|份|家|万)?(?:余|多)?").match(s)
    return m.end() if m else None


# --- 表三 vocabulary ----------------------------------------------------------------------

APPLICANT_ORDER: tuple[str, ...] = (
    "natural_person", "commercial", "research", "public_welfare", "legal_services", "other_org", "",
)


def applicants_add_up(nums: Sequence[float]) -> bool:
    """A 表三 row's six applicant columns sum to its 总计 (the seventh number, in
    :data:`APPLICANT_ORDER`): the identity every reading of a row that converters garbled is
    checked against before its numbers are placed."""
    return abs(sum(nums[:6]) - nums[6]) < 1e-9

SECTION_WORDS: dict[str, tuple[str, ...]] = {
    "granted": ("予以公开",),
    "partial": ("部分公开",),
    "denied": ("不予公开",),
    "unable": ("无法提供",),
    "rejected": ("不予处理",),
    "other": ("其他处理",),
    "total": ("总计", "合计"),
}
SECTION_BY_MARKER: dict[str, str] = {
    "一": "granted", "二": "partial", "三": "denied", "四": "unable", "五": "rejected",
    "六": "other", "七": "total",
}
SECTION_METRIC: dict[str, str] = {
    "granted": "requests.granted",
    "partial": "requests.partially_granted",
    "denied": "requests.denied",
    "unable": "requests.unable",
    "rejected": "requests.rejected",
    "other": "requests.other_handling",
    "total": "requests.processed_total",
}

# (section, item number, official wording, metric)
T3_ITEMS: tuple[tuple[str, int, str, str], ...] = (
    ("denied", 1, "属于国家秘密", "requests.denied_state_secret"),
    ("denied", 2, "其他法律行政法规禁止公开", "requests.denied_prohibited_by_law"),
    ("denied", 3, "危及三安全一稳定", "requests.denied_security_stability"),
    ("denied", 4, "保护第三方合法权益", "requests.denied_third_party"),
    ("denied", 5, "属于三类内部事务信息", "requests.denied_internal_affairs"),
    ("denied", 6, "属于四类过程性信息", "requests.denied_process_info"),
    ("denied", 7, "属于行政执法案卷", "requests.denied_enforcement_files"),
    ("denied", 8, "属于行政查询事项", "requests.denied_query_matters"),
    ("unable", 1, "本机关不掌握相关政府信息", "requests.unable_not_held"),
    ("unable", 2, "没有现成信息需要另行制作", "requests.unable_needs_creation"),
    ("unable", 3, "补正后申请内容仍不明确", "requests.unable_unclear"),
    ("rejected", 1, "信访举报投诉类申请", "requests.rejected_petition"),
    ("rejected", 2, "重复申请", "requests.rejected_repeat"),
    ("rejected", 3, "要求提供公开出版物", "requests.rejected_publication"),
    ("rejected", 4, "无正当理由大量反复申请", "requests.rejected_excessive"),
    ("rejected", 5, "要求行政机关确认或重新出具已获取信息", "requests.rejected_confirm"),
    ("other", 1, "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
     "requests.other_no_correction"),
    ("other", 2, "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
     "requests.other_fee_unpaid"),
    ("other", 3, "其他", "requests.other_other"),
)

_T3_ROWS_COMMON_HEAD = ("requests.received", "requests.carried_over_in", "requests.granted",
                        "requests.partially_granted")
_T3_DETAIL = tuple(m for s, _, _, m in T3_ITEMS if s in ("denied", "unable", "rejected"))
T3_ROWS_2021: tuple[str, ...] = (
    _T3_ROWS_COMMON_HEAD + _T3_DETAIL
    + ("requests.other_no_correction", "requests.other_fee_unpaid", "requests.other_other",
       "requests.processed_total", "requests.carried_over_out")
)
T3_ROWS_2019: tuple[str, ...] = (
    _T3_ROWS_COMMON_HEAD + _T3_DETAIL
    + ("requests.other_handling", "requests.processed_total", "requests.carried_over_out")
)
assert len(T3_ROWS_2021) == 25 and len(T3_ROWS_2019) == 23

T3_SUBTOTALS = ("requests.denied", "requests.unable", "requests.rejected")
T3_OUTCOME_SECTIONS = ("denied", "unable", "rejected", "other")

_PARTIAL_NOTE = "区分处理的只计这一情形不计其他情形"
_ITEMNUM_RE = _rx(r"^(\d{1,2})\.|^\((\d{1,2})\)|^([①②③④⑤⑥⑦⑧⑨])")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨"


@dataclass(frozen=True)
class RowMatch:
    """What a 表三 label means: a metric row, a heading (context only) or nothing."""

    kind: str  # "row", "heading", "none"
    metric: str | None = None
    section: str | None = None
    score: float = 0.0


def _find_section(s: str) -> tuple[str | None, int]:
    """The last section word in ``s`` and the index just after it (-1 when none)."""
    best: tuple[str | None, int, int] = (None, -1, -1)
    for sec, words in SECTION_WORDS.items():
        for w in words:
            i = s.rfind(w)
            if i >= 0 and i > best[2]:
                best = (sec, i + len(w), i)
    if best[0] is None:
        m = _rx(r"\(([一二三四五六七])\)").search(s)
        if m:
            rest = s[m.end():]
            # a marker followed by a garbled section word: take the marker's section
            sec = SECTION_BY_MARKER[m.group(1)]
            guess = _fuzzy_section(rest[:4])
            if guess == sec or guess is None:
                return sec, m.end() + (4 if guess == sec else 0)
            return guess, m.end() + 4
        g = _fuzzy_section(s[:4])
        if g:
            return g, 4
    return best[0], best[1]


def _fuzzy_section(head: str) -> str | None:
    """A section word with one wrong/missing character (e.g. 不予公幵)."""
    if len(head) < 3:
        return None
    for sec, words in SECTION_WORDS.items():
        for w in words:
            if len(w) == 4 and similarity(head, w) >= 75:
                return sec
    return None


def _strip_item_number(s: str) -> tuple[int | None, str]:
    m = _ITEMNUM_RE.match(s)
    if not m:
        return None, s
    if m.group(3):
        return _CIRCLED.index(m.group(3)) + 1, s[m.end():]
    return int(m.group(1) or m.group(2)), s[m.end():]


def item_by_head(label: str, context_section: str | None) -> str | None:
    """The numbered item whose label starts with this one's item words, its number agreeing
    ("（六）其他处理 2.申请人逾期" → other_fee_unpaid): a label cut off by a page break. Only
    the caller knows whether the rest of the label is elsewhere in the grid."""
    s = norm(label)
    for head in ("本年度办理结果", "本年办理结果", "办理结果"):
        i = s.find(head)
        if i >= 0:
            s = s[i + len(head):]
            break
    sec, end = _find_section(s)
    num, body = _strip_item_number(s[end:] if sec else s)
    sec = sec or context_section
    if num is None or len(body) < 4 or sec not in T3_OUTCOME_SECTIONS:
        return None
    hits = [metric for isec, inum, words, metric in T3_ITEMS
            if isec == sec and inum == num and norm(words).startswith(body)]
    return hits[0] if len(hits) == 1 else None


def match_t3_label(label: str, context_section: str | None) -> RowMatch:
    """Identify a 表三 row from its label (cached; see :func:`_match_t3_label`)."""
    return _match_t3_label(label, context_section)


@lru_cache(maxsize=16384)
def _match_t3_label(label: str, context_section: str | None) -> RowMatch:
    """Identify a 表三 row from its (normalised, concatenated) label.

    ``context_section`` is the section of the previous rows, used when the printed row shows
    only the numbered item ("1.属于国家秘密" under a merged "（三）不予公开" that the reader
    did not repeat).
    """
    s = norm(label)
    if not s:
        return RowMatch("none")
    # top-level rows
    if "结转下年" in s or "继续办理" in s or "下年度继续" in s:
        return RowMatch("row", "requests.carried_over_out", None, 100)
    if "上年结转" in s or ("结转" in s and "上年" in s):
        return RowMatch("row", "requests.carried_over_in", None, 100)
    if "本年新收" in s or "新收" in s:
        return RowMatch("row", "requests.received", None, 100)
    outcome = False
    for head in ("本年度办理结果", "本年办理结果", "办理结果"):
        i = s.find(head)
        if i >= 0:
            s = s[i + len(head):]
            outcome = True
            break
    if not s:
        return RowMatch("heading", None, None, 100) if outcome else RowMatch("none")
    top = _fuzzy_top(s)
    if top:
        return RowMatch("row", top, None, 80)
    sec, end = _find_section(s)
    item_text = s[end:] if sec else s
    if sec in ("granted", "partial", "total"):
        rest = "".join(_CJK.findall(_rx(r"\([^)]*\)?").sub("", item_text)))
        if len(rest) >= 2 and not rest.startswith(("小计", "合计")) and not (
                sec == "partial" and (rest in _PARTIAL_NOTE or _fuzz().partial_ratio(rest, _PARTIAL_NOTE) >= 80)):
            return RowMatch("none")  # a sub-row printed under the section ("其中：…")
        return RowMatch("row", SECTION_METRIC[sec], sec, 100)
    num, body = _strip_item_number(item_text)
    body = body.strip("()")
    if sec and (not body or body in ("小计", "合计", "计", "小计数")):
        # a section printed alone: a heading, or a subtotal row if it carries numbers
        return RowMatch("heading", SECTION_METRIC[sec], sec, 100)
    use_sec = sec or context_section
    best = _best_item(body, num, use_sec)
    if best[1] and best[0] >= 62:
        return RowMatch("row", best[1], best[2], best[0])
    if not sec and use_sec is not None:
        # the section heading may have been lost (e.g. printed vertically outside the grid):
        # accept a clear match from any section, but never the ambiguous "其他"
        free = _best_item(body, num, None)
        if free[1] and free[0] >= 80 and free[1] != "requests.other_other":
            return RowMatch("row", free[1], free[2], free[0])
    return RowMatch("none")


def _best_item(body: str, num: int | None, section: str | None) -> tuple[float, str | None, str | None]:
    """(score, metric, section) of the numbered item closest to ``body``."""
    best: tuple[float, str | None, str | None] = (0.0, None, None)
    for isec, inum, words, metric in T3_ITEMS:
        if section in T3_OUTCOME_SECTIONS and isec != section:
            continue
        w = norm(words)
        score = similarity(body, w)
        if len(body) > len(w) + 2 and len(w) >= 4:
            pr = _fuzz().partial_ratio(w, body)
            if pr >= 85:
                score = max(score, pr * 0.95)
        if num is not None and inum == num:
            score += 12
        if score > best[0]:
            best = (score, metric, isec)
    return best


def _fuzzy_top(s: str) -> str | None:
    """Top-level rows with a garbled key word (e.g. 本年新受政府信息公开申请数量)."""
    for words, metric in (
        ("本年新收政府信息公开申请数量", "requests.received"),
        ("上年结转政府信息公开申请数量", "requests.carried_over_in"),
        ("结转下年度继续办理", "requests.carried_over_out"),
    ):
        body = _rx(r"^[一二三四五六七八九十]+[、.]").sub("", s)
        if similarity(body, words) >= 80:
            return metric
    return None


def applicant_hits(text: str) -> list[str]:
    """All applicant keys named in a 表三 column's header text (more than one = ragged header)."""
    s = norm(text).replace("其它", "其他")
    for noise in ("申请人情况", "法人或其他组织", "法人和其他组织", "法人或者其他组织", "法人及其他组织",
                  "法人其他组织", "申请人"):
        s = s.replace(noise, "")
    hits: list[str] = []
    if "自然人" in s:
        hits.append("natural_person")
    if "商业" in s or "企业" in s:
        hits.append("commercial")
    if "科研" in s:
        hits.append("research")
    if "公益" in s:
        hits.append("public_welfare")
    if "法律服务" in s or "律师" in s:
        hits.append("legal_services")
    if "总计" in s or "合计" in s:
        hits.append("")
    if "其他" in s:
        hits.append("other_org")
    return hits


# --- 表二 vocabulary ----------------------------------------------------------------------

T2_ITEMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("normative_docs", ("行政规范性文件", "规范性文件")),
    ("regulations", ("规章",)),
    ("licensing", ("行政许可",)),
    ("other_services", ("其他对外管理服务事项", "其他对外管理服务", "对外管理服务事项")),
    ("penalty", ("行政处罚",)),
    ("coercion", ("行政强制",)),
    ("fees", ("行政事业性收费",)),
    ("procurement", ("政府集中采购",)),
)

T2_METRICS: dict[tuple[str, str], str] = {
    ("regulations", "made"): "disclosure.regulations_made",
    ("regulations", "repealed"): "disclosure.regulations_repealed",
    ("regulations", "in_force"): "disclosure.regulations_in_force",
    ("regulations", "new_made"): "disclosure.regulations_new_made",
    ("regulations", "new_published"): "disclosure.regulations_new_published",
    ("regulations", "published_total"): "disclosure.regulations_published_total",
    ("normative_docs", "made"): "disclosure.normative_docs_made",
    ("normative_docs", "repealed"): "disclosure.normative_docs_repealed",
    ("normative_docs", "in_force"): "disclosure.normative_docs_in_force",
    ("normative_docs", "new_made"): "disclosure.normative_docs_new_made",
    ("normative_docs", "new_published"): "disclosure.normative_docs_new_published",
    ("normative_docs", "published_total"): "disclosure.normative_docs_published_total",
    ("licensing", "decisions"): "disclosure.licensing_decisions",
    ("licensing", "prev_items"): "disclosure.licensing_items_prev_year",
    ("licensing", "change"): "disclosure.licensing_items_change",
    ("other_services", "prev_items"): "disclosure.other_services_items_prev_year",
    ("other_services", "change"): "disclosure.other_services_items_change",
    ("other_services", "decisions"): "disclosure.other_services_decisions",
    ("penalty", "prev_items"): "disclosure.penalty_items_prev_year",
    ("penalty", "change"): "disclosure.penalty_items_change",
    ("penalty", "decisions"): "disclosure.penalty_decisions",
    ("coercion", "prev_items"): "disclosure.coercion_items_prev_year",
    ("coercion", "change"): "disclosure.coercion_items_change",
    ("coercion", "decisions"): "disclosure.coercion_decisions",
    ("fees", "fee_amount"): "disclosure.admin_fees_cny",
    ("fees", "prev_items"): "disclosure.fee_items_prev_year",
    ("fees", "change"): "disclosure.fee_items_change",
    ("procurement", "proc_projects"): "disclosure.procurement_projects",
    ("procurement", "proc_amount"): "disclosure.procurement_amount_cny",
}
T2_MONEY_KINDS = ("fee_amount", "proc_amount")
T2_KINDS_2021 = frozenset({"made", "repealed", "in_force", "fee_amount"})
T2_KINDS_2019 = frozenset({"new_made", "new_published", "published_total", "prev_items", "change",
                           "proc_projects", "proc_amount"})

# per form: item → column kinds in printed order (used by the flattened reading)
T2_LAYOUT: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "2021": (
        ("regulations", ("made", "repealed", "in_force")),
        ("normative_docs", ("made", "repealed", "in_force")),
        ("licensing", ("decisions",)),
        ("penalty", ("decisions",)),
        ("coercion", ("decisions",)),
        ("fees", ("fee_amount",)),
    ),
    "2019": (
        ("regulations", ("new_made", "new_published", "published_total")),
        ("normative_docs", ("new_made", "new_published", "published_total")),
        ("licensing", ("prev_items", "change", "decisions")),
        ("other_services", ("prev_items", "change", "decisions")),
        ("penalty", ("prev_items", "change", "decisions")),
        ("coercion", ("prev_items", "change", "decisions")),
        ("fees", ("prev_items", "change")),
        ("procurement", ("proc_projects", "proc_amount")),
    ),
}


def classify_t2_header(text: str) -> str | None:
    """Column kind of a 表二 header cell (本年制发件数 → "made" …)."""
    s = norm(text)
    if not s:
        return None
    rules = (
        ("制发", "made"), ("废止", "repealed"), ("现行有效", "in_force"),
        ("新制作", "new_made"), ("新公开", "new_published"), ("公开总数", "published_total"),
        ("上一年", "prev_items"), ("上年项目", "prev_items"), ("增/减", "change"),
        ("增减", "change"), ("处理决定", "decisions"), ("决定数量", "decisions"),
        ("收费金额", "fee_amount"), ("收费总额", "fee_amount"), ("采购项目", "proc_projects"),
        ("采购总金额", "proc_amount"), ("采购金额", "proc_amount"),
    )
    for word, kind in rules:
        if word in s:
            return kind
    return None


def match_t2_item(label: str) -> str | None:
    """表二 row item from its label ("行政规范性文件" → "normative_docs")."""
    s = _rx(r"\([^)]*\)").sub("", norm(label))  # "规章（件）"
    if not s or len(s) > 20:
        return None
    for item, words in T2_ITEMS:
        for w in words:
            if s == w or s.endswith(w):
                return item
    best: tuple[float, str | None] = (0.0, None)
    for item, words in T2_ITEMS:
        for w in words:
            sc = similarity(s, w)
            if sc > best[0]:
                best = (sc, item)
    return best[1] if best[0] >= 80 else None


# --- 表四 vocabulary ----------------------------------------------------------------------

T4_GROUPS = ("review", "suit_direct", "suit_after_review")
T4_KINDS = ("upheld", "corrected", "other", "pending", "total")
T4_METRICS: tuple[str, ...] = tuple(f"appeals.{g}_{k}" for g in T4_GROUPS for k in T4_KINDS)


def classify_t4_header(text: str) -> tuple[str | None, str | None]:
    """(group, kind) of a 表四 column from its concatenated header text."""
    s = norm(text)
    group = None
    if "复议后起诉" in s or "复议后" in s:
        group = "suit_after_review"
    elif "未经复议" in s or "直接起诉" in s:
        group = "suit_direct"
    elif "复议" in s:
        group = "review"
    kind = None
    if "维持" in s:
        kind = "upheld"
    elif "纠正" in s:
        kind = "corrected"
    elif "审结" in s:
        kind = "pending"
    elif "其他" in s:
        kind = "other"
    elif "总计" in s or "合计" in s or "小计" in s:
        kind = "total"
    return group, kind


# --- which form table is this? ----------------------------------------------------------

T3_KEYS = ("本年新收", "上年结转", "予以公开", "部分公开", "不予公开", "无法提供", "不予处理",
           "结转下年", "自然人", "科研机构", "法律服务机构", "国家秘密", "重复申请")
T3_FORM_WORDS = ("本年新收", "上年结转", "结转下年", "自然人", "法律服务机构", "社会公益组织", "本年度办理结果",
                 "其他法律行政法规禁止公开", "三类内部事务", "四类过程性", "行政查询事项", "另行制作")
T2_FORM_WORDS = ("制发件数", "废止件数", "现行有效件数", "新制作数量", "新公开数量", "对外公开总数量",
                 "处理决定数量", "上一年项目数量", "收费金额", "采购项目数量", "第二十条")
T4_FORM_WORDS = ("结果维持", "结果纠正", "尚未审结", "复议后起诉", "直接起诉")
T4_KEYS = ("行政复议", "行政诉讼", "结果维持", "结果纠正", "尚未审结", "复议后起诉", "直接起诉")
T2_KEYS = ("规章", "规范性文件", "行政许可", "行政处罚", "行政强制", "行政事业性收费", "制发件数",
           "现行有效", "第二十条", "信息内容", "政府集中采购", "处理决定数量")


def table_kind(rows: list[list[str]]) -> str | None:
    """"表二" / "表三" / "表四" for a table's rows, by the form words it contains, else None."""
    text = norm("".join(c or "" for r in rows for c in r))
    scores = {
        "表三": sum(1 for k in T3_KEYS if k in text),
        "表四": sum(1 for k in T4_KEYS if k in text),
        "表二": sum(1 for k in T2_KEYS if k in text),
    }
    # pre-2019 statistics tables share words with the forms, never their row/column headers
    if not any(w in text for w in T3_FORM_WORDS):
        scores["表三"] = 0
    if not any(w in text for w in T2_FORM_WORDS):
        scores["表二"] = 0
    if not any(w in text for w in T4_FORM_WORDS):
        scores["表四"] = 0
    kind, best = max(scores.items(), key=lambda kv: kv[1])
    if best < 2:
        return None
    return kind


_TOP_WORDS = {
    "requests.received": "本年新收政府信息公开申请数量",
    "requests.carried_over_in": "上年结转政府信息公开申请数量",
    "requests.granted": "予以公开",
    "requests.partially_granted": "部分公开",
    "requests.processed_total": "总计",
    "requests.carried_over_out": "结转下年度继续办理",
}
_ROW_WORDS = dict(_TOP_WORDS, **{m: w for _, _, w, m in T3_ITEMS})
_ROW_SECTION = {m: s for s, _, _, m in T3_ITEMS}


def match_by_order(label: str, previous: str) -> RowMatch:
    """The row the form order puts after ``previous``, if the garbled label still resembles it.

    Used only for a row with numbers whose label matched nothing: the form's fixed row order
    lowers the similarity needed (never to a guess — some resemblance is still required).
    """
    nexts = set()
    for order in (T3_ROWS_2021, T3_ROWS_2019):
        if previous in order:
            i = order.index(previous)
            if i + 1 < len(order):
                nexts.add(order[i + 1])
    if len(nexts) != 1:
        return RowMatch("none")
    cand = nexts.pop()
    words = _ROW_WORDS.get(cand)
    if not words:
        return RowMatch("none")
    s = norm(label)
    i = s.find("办理结果")
    if i >= 0:
        s = s[i + 4:]
    sec, end = _find_section(s)
    if sec:
        s = s[end:]
    _, body = _strip_item_number(_rx(r"^[一二三四五六七八九十]+[、.]|^\([一二三四五六七]\)").sub("", s))
    score = max(similarity(body, norm(words)), _fuzz().partial_ratio(norm(words), body) * 0.9)
    if score >= 50:
        return RowMatch("row", cand, _ROW_SECTION.get(cand), score)
    return RowMatch("none")
