"""Report documents generated from known numbers, so every fixture knows its answer.

Why: the extractor is judged on cells it has never seen. Tests and the demo corpus therefore
render the *same* spec into every format (txt, md, html utf-8/gbk, docx, pdf) with the quirks
real documents carry (blank and "/" cells, notes inside cells, one-character-per-line labels,
wrapped labels, flattened number runs, space-separated rows whose blanks vanish, page-number
lines inside tables, tables over a page break, unruled PDF tables, curly/straight quotes,
full-width digits, traditional-script mirrors, a printed total that contradicts its parts)
and compare what comes back with the spec's ``expected_facts()``. Phrasings of the free-text
numbers are chosen at random (seeded) among several real-world variants, so tests exercise
rules rather than strings. Everything is deterministic from the spec's ``seed``.

Public pieces:
- national form: :class:`StandardReport` from :func:`make_standard_report` (2019 or 2021 form,
  :class:`Quirks`, optional last-year ``prev`` to chain 结转 and 现行有效), rendered by
  :func:`render_txt`, :func:`render_md`, :func:`render_html`, ``render_docx``, ``render_pdf``
  or ``etl.demo.render.render`` (format name → bytes);
- before 2019: :class:`NarrativeReport` (:func:`make_narrative_report`,
  :func:`render_narrative_txt`, :func:`render_narrative_html`, :func:`anonymised`);
- commerce work summaries: :class:`WorkSummary` (:func:`make_work_summary`,
  :func:`render_work_summary_txt`); unfilled templates (:func:`render_template_txt`);
  compilations of several documents in one file (:func:`render_compilation_txt`).

Binary writers (docx, pdf) live in :mod:`etl.demo.docx_pdf`, which imports this module (never
the other way round); :mod:`etl.demo.render` renders a spec in any format by name.
"""
from __future__ import annotations

import html as _html
import random
from dataclasses import dataclass, field, replace

from etl.metrics import APPLICANT_KEYS

Key = tuple[str, str]
Value = float | None

# ----------------------------------------------------------------------------------------
# The official forms: labels → metric ids
# ----------------------------------------------------------------------------------------

APPLICANT_COLS: tuple[str, ...] = (*APPLICANT_KEYS, "")  # 自然人 … 其他, 总计

#: 表三 rows as (level-1 label, level-2 label, level-3 label, metric). A row with metric None
#: is a group label only (merged over the rows below it in the printed grid).
_T3_HEAD = [
    ("一、本年新收政府信息公开申请数量", None, None, "requests.received"),
    ("二、上年结转政府信息公开申请数量", None, None, "requests.carried_over_in"),
]
_T3_DENIED = [
    ("1.属于国家秘密", "requests.denied_state_secret"),
    ("2.其他法律行政法规禁止公开", "requests.denied_prohibited_by_law"),
    ("3.危及“三安全一稳定”", "requests.denied_security_stability"),
    ("4.保护第三方合法权益", "requests.denied_third_party"),
    ("5.属于三类内部事务信息", "requests.denied_internal_affairs"),
    ("6.属于四类过程性信息", "requests.denied_process_info"),
    ("7.属于行政执法案卷", "requests.denied_enforcement_files"),
    ("8.属于行政查询事项", "requests.denied_query_matters"),
]
_T3_UNABLE = [
    ("1.本机关不掌握相关政府信息", "requests.unable_not_held"),
    ("2.没有现成信息需要另行制作", "requests.unable_needs_creation"),
    ("3.补正后申请内容仍不明确", "requests.unable_unclear"),
]
_T3_REJECTED = [
    ("1.信访举报投诉类申请", "requests.rejected_petition"),
    ("2.重复申请", "requests.rejected_repeat"),
    ("3.要求提供公开出版物", "requests.rejected_publication"),
    ("4.无正当理由大量反复申请", "requests.rejected_excessive"),
    ("5.要求行政机关确认或重新出具已获取信息", "requests.rejected_confirm"),
]
_T3_OTHER_2021 = [
    ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
     "requests.other_no_correction"),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
     "requests.other_fee_unpaid"),
    ("3.其他", "requests.other_other"),
]
RESULTS = "三、本年度办理结果"


@dataclass(frozen=True)
class T3Row:
    """One data row of 表三: its label path (group labels first) and metric id."""

    labels: tuple[str, ...]
    metric: str


def t3_rows(form: str) -> list[T3Row]:
    """The data rows of 表三 for the 2021 (25 rows) or 2019 (23 rows) form, in print order."""
    rows = [T3Row((a,), m) for a, _, _, m in _T3_HEAD]
    rows.append(T3Row((RESULTS, "（一）予以公开"), "requests.granted"))
    rows.append(T3Row((RESULTS, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
                      "requests.partially_granted"))
    rows += [T3Row((RESULTS, "（三）不予公开", lab), m) for lab, m in _T3_DENIED]
    rows += [T3Row((RESULTS, "（四）无法提供", lab), m) for lab, m in _T3_UNABLE]
    rows += [T3Row((RESULTS, "（五）不予处理", lab), m) for lab, m in _T3_REJECTED]
    if form == "2021":
        rows += [T3Row((RESULTS, "（六）其他处理", lab), m) for lab, m in _T3_OTHER_2021]
    else:
        rows.append(T3Row((RESULTS, "（六）其他处理"), "requests.other_handling"))
    rows.append(T3Row((RESULTS, "（七）总计"), "requests.processed_total"))
    rows.append(T3Row(("四、结转下年度继续办理",), "requests.carried_over_out"))
    return rows


OUTCOME_METRICS_2021 = [r.metric for r in t3_rows("2021")][2:-2]
OUTCOME_METRICS_2019 = [r.metric for r in t3_rows("2019")][2:-2]

#: 表二 sections: (heading, column headers, [(row label, [metric per column])]).
T2_2021: list[tuple[str, list[str], list[tuple[str, list[str]]]]] = [
    ("第二十条第（一）项", ["本年制发件数", "本年废止件数", "现行有效件数"], [
        ("规章", ["disclosure.regulations_made", "disclosure.regulations_repealed",
                "disclosure.regulations_in_force"]),
        ("行政规范性文件", ["disclosure.normative_docs_made", "disclosure.normative_docs_repealed",
                     "disclosure.normative_docs_in_force"]),
    ]),
    ("第二十条第（五）项", ["本年处理决定数量"], [
        ("行政许可", ["disclosure.licensing_decisions"]),
    ]),
    ("第二十条第（六）项", ["本年处理决定数量"], [
        ("行政处罚", ["disclosure.penalty_decisions"]),
        ("行政强制", ["disclosure.coercion_decisions"]),
    ]),
    ("第二十条第（八）项", ["本年收费金额（单位：万元）"], [
        ("行政事业性收费", ["disclosure.admin_fees_cny"]),
    ]),
]
T2_2019: list[tuple[str, list[str], list[tuple[str, list[str]]]]] = [
    ("第二十条第（一）项", ["本年新制作数量", "本年新公开数量", "对外公开总数量"], [
        ("规章", ["disclosure.regulations_new_made", "disclosure.regulations_new_published",
                "disclosure.regulations_published_total"]),
        ("规范性文件", ["disclosure.normative_docs_new_made", "disclosure.normative_docs_new_published",
                   "disclosure.normative_docs_published_total"]),
    ]),
    ("第二十条第（五）项", ["上一年项目数量", "本年增/减", "处理决定数量"], [
        ("行政许可", ["disclosure.licensing_items_prev_year", "disclosure.licensing_items_change",
                  "disclosure.licensing_decisions"]),
        ("其他对外管理服务事项", ["disclosure.other_services_items_prev_year",
                        "disclosure.other_services_items_change",
                        "disclosure.other_services_decisions"]),
    ]),
    ("第二十条第（六）项", ["上一年项目数量", "本年增/减", "处理决定数量"], [
        ("行政处罚", ["disclosure.penalty_items_prev_year", "disclosure.penalty_items_change",
                  "disclosure.penalty_decisions"]),
        ("行政强制", ["disclosure.coercion_items_prev_year", "disclosure.coercion_items_change",
                  "disclosure.coercion_decisions"]),
    ]),
    ("第二十条第（八）项", ["上一年项目数量", "本年增/减"], [
        ("行政事业性收费", ["disclosure.fee_items_prev_year", "disclosure.fee_items_change"]),
    ]),
    ("第二十条第（九）项", ["采购项目数量", "采购总金额"], [
        ("政府集中采购", ["disclosure.procurement_projects", "disclosure.procurement_amount_cny"]),
    ]),
]
#: 表二 cells printed in 万元 and stored in yuan.
WAN_YUAN_METRICS = {"disclosure.admin_fees_cny", "disclosure.procurement_amount_cny"}

T4_PARTS = ("upheld", "corrected", "other", "pending", "total")
T4_PART_LABELS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
T4_METRICS: list[str] = [
    f"appeals.{group}_{part}"
    for group in ("review", "suit_direct", "suit_after_review")
    for part in T4_PARTS
]

NOTICE_2021 = "国办公开办函〔2021〕30号"
SECTION_HEADINGS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")

# Simplified → traditional for the characters these documents use (the traditional-script
# mirrors some government sites publish). Deliberately independent of the extractor's table.
_S2T_PAIRS = (
    "万萬业業个個丰豐为為举舉于於体體余餘会會关關内內决決况況准準减減则則办辦务務动動区區"
    "华華单單发發号號后後围圍国國坚堅场場处處复復够夠审審对對层層属屬录錄当當态態总總户戶"
    "执執护護报報据據无無机機权權条條构構标標现現监監确確称稱稳穩类類级級纠糾纳納组組织織"
    "经經结結绕繞统統继繼续續维維编編缴繳网網罚罰规規计計认認训訓议議许許讼訟设設访訪诉訴"
    "询詢请請读讀账賬质質购購费費转轉过過还還这這进進门門问問闻聞项項题題额額开開强強废廢"
    "数數东東书書产產从從们們众眾传傳广廣应應扩擴时時来來显顯检檢汇匯没沒济濟滨濱点點热熱"
    "环環电電种種简簡约約络絡综綜职職联聯节節获獲营營补補见見观觀记記论論证證话話说說责責"
    "贸貿资資达達运運违違镇鎮间間际際页頁领領长長党黨乡鄉县縣卫衛医醫财財划劃导導负負实實"
    "养養劳勞样樣宽寬处處"
)
S2T = str.maketrans({_S2T_PAIRS[i]: _S2T_PAIRS[i + 1] for i in range(0, len(_S2T_PAIRS), 2)})


# ----------------------------------------------------------------------------------------
# Quirks and specs
# ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Quirks:
    """Real-document quirks to put into a rendering. Data quirks change the printed values
    (and therefore the expected facts) and are applied once, by :func:`make_standard_report`,
    from the spec's own ``quirks``; layout quirks only change how the values are printed and
    may be overridden per rendering (``render_txt(spec, quirks)``)."""

    # data quirks (applied by make_standard_report)
    empty_cells: bool = False  # some zero cells printed blank → expected value None
    slash_cells: bool = False  # blank cells printed "/" instead of nothing
    cell_note: bool = False  # "12（含自然失效 3 件）" in a 表二 cell
    source_error: bool = False  # printed 总计 ≠ its parts: kept as printed, finding expected
    narrative_conflict: bool = False  # the text states another 新收 than 表三: table wins + finding
    wrong_notice: bool = False  # a 2019-form (23-row) report citing the 2021 notice: finding
    # layout quirks
    vertical_labels: bool = False  # txt: merged group labels one character per line
    flattened: bool = False  # txt: labels, then every number one per line (no blanks allowed)
    cell_per_line: bool = False  # txt/md: one cell per line dump
    space_separated: bool = False  # txt: cells joined by spaces; a blank cell vanishes
    page_numbers: bool = False  # txt/md: "- 4 -" page-number lines inside 表三
    straight_quotes: bool = False  # "三安全一稳定" with straight instead of curly quotes
    fullwidth_digits: bool = False  # narrative numbers in full-width digits
    halfwidth_brackets: bool = False  # (一) instead of （一）, 1、 instead of 1.
    typo: bool = False  # 其他法律行政止公开 (a real typo)
    layout_table: bool = False  # html: the article inside a layout table
    repeat_merged: bool = False  # md/txt: merged label text repeated in every covered cell
    captions: bool = False  # "表二" style captions above tables
    split_table4: bool = False  # pdf: 表四's header at a page bottom, its numbers on the next
    traditional: bool = False  # html: a traditional-script mirror of the page
    drop_confirm_row: bool = False  # 2019 form versions without 5.要求行政机关确认… (22 rows)
    unruled: bool = False  # pdf: tables drawn without ruling lines (text positions only)
    filler: int = 0  # extra number-free paragraphs (long documents for benchmarks)
    wrapped_labels: bool = False  # txt dumps: long labels broken over lines, as in a PDF cell


#: a standard report long enough for the 6-page PDF benchmark of issue 3
SIX_PAGE_PDF = Quirks(filler=50)

ALL_TEXT_QUIRKS = Quirks(empty_cells=True, cell_note=True, vertical_labels=True,
                         page_numbers=True, fullwidth_digits=True, halfwidth_brackets=True,
                         typo=True, straight_quotes=True)


@dataclass
class StandardReport:
    """A report in the national form (2019 or 2021) with every printed value known.

    ``t3`` maps (metric, applicant key) → printed int or None (blank); ``t2`` metric → value
    as printed (万元 for the two money cells) or None; ``t4`` the 15 numbers of 表四;
    ``narrative`` metric → value stated in the free text (may repeat table values).
    """

    agency: str
    year: int
    form: str  # "2019" | "2021"
    t2: dict[str, float | None]
    t3: dict[Key, int | None]
    t4: list[int | None]
    narrative: dict[str, float] = field(default_factory=dict)
    narrative_approx: set[str] = field(default_factory=set)
    notes: dict[str, str] = field(default_factory=dict)  # metric (表二) → note text in the cell
    quirks: Quirks = Quirks()
    seed: int = 0
    printed_agency: str | None = None  # the name as printed in the title (alias), else agency
    source_error_cell: Key | None = None
    published: str | None = None  # ISO date printed under the signature
    omitted_rows: tuple[str, ...] = ()  # 表三 rows this version of the form does not print

    def rows(self) -> list[T3Row]:
        """The 表三 rows as printed by this report."""
        return [r for r in t3_rows(self.form) if r.metric not in self.omitted_rows]

    # -- answers -------------------------------------------------------------------------
    def expected_facts(self) -> dict[Key, Value]:
        """Every fact a correct extractor returns: (metric, breakdown) → canonical value."""
        out: dict[Key, Value] = {}
        for _, _, rows in T2_2021 if self.form == "2021" else T2_2019:
            for _, metrics in rows:
                for m in metrics:
                    v = self.t2.get(m)
                    if v is not None and m in WAN_YUAN_METRICS:
                        v = round(v * 10000, 2)
                    out[(m, "")] = None if v is None else float(v)
        for row in self.rows():
            for col in APPLICANT_COLS:
                v = self.t3.get((row.metric, col))
                out[(row.metric, col)] = None if v is None else float(v)
        for m, v in zip(T4_METRICS, self.t4):
            out[(m, "")] = None if v is None else float(v)
        for m, v in self.narrative.items():
            out.setdefault((m, ""), float(v))
        return out

    def expected_approx(self) -> set[Key]:
        """Keys whose narrative value is stated approximately (余, 约): approx must be set."""
        return {(m, "") for m in self.narrative_approx}

    def expected_notes(self) -> dict[Key, str]:
        """(metric, breakdown) → text a fact's note must contain."""
        return {(m, ""): "自然失效" for m in self.notes}

    @property
    def expects_identity_error(self) -> bool:
        return self.source_error_cell is not None

    @property
    def title(self) -> str:
        return _title(self.printed_agency or self.agency, self.year, self.seed)

    @property
    def blank_text(self) -> str:
        return "/" if self.quirks.slash_cells else ""


def _title(agency: str, year: int, seed: int) -> str:
    forms = (
        "{a}{y}年政府信息公开工作年度报告",
        "{a}{y}年度政府信息公开工作年度报告",
        "{a}{y}年政府信息公开工作报告",
    )
    return random.Random(seed * 7 + 1).choice(forms).format(a=agency, y=year)


def _split(rng: random.Random, total: int, weights: list[float]) -> list[int]:
    """Split ``total`` into integer parts proportional to noisy weights (sum exact)."""
    if total <= 0:
        return [0] * len(weights)
    w = [max(0.0, x * rng.uniform(0.4, 1.6)) for x in weights]
    s = sum(w) or 1.0
    parts = [int(total * x / s) for x in w]
    rest = total - sum(parts)
    order = sorted(range(len(w)), key=lambda i: -w[i])
    i = 0
    while rest > 0:
        parts[order[i % len(order)]] += 1
        rest -= 1
        i += 1
    return parts


@dataclass
class Profile:
    """How an agency behaves: drives realistic distributions in the demo."""

    size: float = 1.0  # scales request and disclosure volumes
    grant_share: float = 0.55  # share of concluded requests granted in full or in part
    correction_share: float = 0.08  # share of reviews that end corrected
    makes_regulations: bool = False
    items_base: float = 0.0  # items disclosed in 2008 (0: drawn from the seed)
    requests_base: float = 0.0  # requests received in 2019 (0: drawn from the seed)


def items_for(prof: Profile, year: int, rng: random.Random) -> int:
    """Items disclosed: grow ~15 % a year from the agency's 2008 level, with noise."""
    base = prof.items_base or rng.uniform(40, 300) * prof.size
    return max(3, int(base * (1 + (year - 2008) * 0.15) * rng.uniform(0.85, 1.2)))


def make_standard_report(
    seed: int,
    agency: str = "青川市教育局",
    year: int = 2021,
    form: str | None = None,
    quirks: Quirks = Quirks(),
    *,
    profile: Profile | None = None,
    prev: StandardReport | None = None,
    printed_agency: str | None = None,
) -> StandardReport:
    """A consistent report (all identities hold) from a seed, then the data quirks applied.

    ``prev`` (last year's report of the same agency) chains 上年结转 and 现行有效 so the
    cross-year identities hold in the demo.
    """
    rng = random.Random(seed)
    prof = profile or Profile(size=rng.uniform(0.5, 3.0))
    form = form or ("2021" if year >= 2021 else "2019")
    t3: dict[Key, int | None] = {}
    if prof.requests_base:
        received_total = max(1, int(prof.requests_base * rng.uniform(0.8, 1.25)))
    else:
        received_total = max(1, int(rng.gauss(40, 15) * prof.size))
    received = _split(rng, received_total, [80, 12, 1, 1.5, 3, 2.5])
    for i, k in enumerate(APPLICANT_KEYS):  # small columns are often exactly zero
        if k in ("research", "public_welfare") and rng.random() < 0.6:
            received[0] += received[i]
            received[i] = 0
    if prev is not None:
        carried_in = [int(prev.t3.get(("requests.carried_over_out", k)) or 0) for k in APPLICANT_KEYS]
    else:
        carried_in = [rng.choice([0, 0, 1, 2]) if i == 0 else 0 for i in range(6)]
    outcomes = OUTCOME_METRICS_2021 if form == "2021" else OUTCOME_METRICS_2019
    g = prof.grant_share
    weights = {
        "requests.granted": 100 * g * 0.85, "requests.partially_granted": 100 * g * 0.15,
        "requests.unable_not_held": (1 - g) * 45, "requests.unable_needs_creation": (1 - g) * 8,
        "requests.unable_unclear": (1 - g) * 5, "requests.denied_third_party": (1 - g) * 4,
        "requests.denied_process_info": (1 - g) * 4, "requests.denied_internal_affairs": (1 - g) * 3,
        "requests.denied_state_secret": (1 - g) * 0.5,
        "requests.denied_prohibited_by_law": (1 - g) * 1,
        "requests.denied_security_stability": (1 - g) * 0.5,
        "requests.denied_enforcement_files": (1 - g) * 1,
        "requests.denied_query_matters": (1 - g) * 2,
        "requests.rejected_petition": (1 - g) * 8, "requests.rejected_repeat": (1 - g) * 6,
        "requests.rejected_publication": (1 - g) * 1, "requests.rejected_excessive": (1 - g) * 2,
        "requests.rejected_confirm": (1 - g) * 1,
        "requests.other_no_correction": (1 - g) * 6, "requests.other_fee_unpaid": (1 - g) * 0.5,
        "requests.other_other": (1 - g) * 3, "requests.other_handling": (1 - g) * 9,
    }
    for i, k in enumerate(APPLICANT_KEYS):
        total = received[i] + carried_in[i]
        out = min(total, rng.choice([0, 0, 0, 1, 2]) if total > 3 else 0)
        done = total - out
        ws = [weights[m] if rng.random() < 0.8 else 0.0 for m in outcomes]
        ws[0] = max(ws[0], 1.0)
        parts = _split(rng, done, ws)
        for m, v in zip(outcomes, parts):
            t3[(m, k)] = v
        t3[("requests.received", k)] = received[i]
        t3[("requests.carried_over_in", k)] = carried_in[i]
        t3[("requests.processed_total", k)] = done
        t3[("requests.carried_over_out", k)] = out
    for row in t3_rows(form):
        t3[(row.metric, "")] = sum(int(t3[(row.metric, k)] or 0) for k in APPLICANT_KEYS)

    t2: dict[str, float | None] = {}
    if form == "2021":
        prev_in_force_reg = _prev_t2(prev, "disclosure.regulations_in_force",
                                     rng.randint(3, 12) if prof.makes_regulations else 0)
        prev_in_force_nd = _prev_t2(prev, "disclosure.normative_docs_in_force",
                                    int(rng.randint(10, 60) * prof.size))
        made = rng.randint(0, 3) if prof.makes_regulations else 0
        rep = min(prev_in_force_reg, rng.randint(0, 1)) if prof.makes_regulations else 0
        t2["disclosure.regulations_made"] = made
        t2["disclosure.regulations_repealed"] = rep
        t2["disclosure.regulations_in_force"] = prev_in_force_reg + made - rep
        nmade = rng.randint(0, int(8 * prof.size) + 1)
        nrep = min(prev_in_force_nd, rng.randint(0, 4))
        t2["disclosure.normative_docs_made"] = nmade
        t2["disclosure.normative_docs_repealed"] = nrep
        t2["disclosure.normative_docs_in_force"] = prev_in_force_nd + nmade - nrep
        t2["disclosure.licensing_decisions"] = _drift(
            rng, prev, "disclosure.licensing_decisions", lambda: rng.randint(0, 3000) * prof.size)
        t2["disclosure.penalty_decisions"] = _drift(
            rng, prev, "disclosure.penalty_decisions", lambda: rng.randint(0, 400) * prof.size)
        t2["disclosure.coercion_decisions"] = _drift(
            rng, prev, "disclosure.coercion_decisions", lambda: rng.randint(0, 30))
        t2["disclosure.admin_fees_cny"] = rng.choice([0, 0, round(rng.uniform(0.5, 900), 2)])
    else:
        for base in ("regulations", "normative_docs"):
            if base == "regulations" and not prof.makes_regulations:
                vals = [0, 0, 0]
            else:
                new = rng.randint(0, int(6 * prof.size) + 1)
                vals = [new, new, new + rng.randint(5, 80)]
            for suffix, v in zip(("new_made", "new_published", "published_total"), vals):
                t2[f"disclosure.{base}_{suffix}"] = v
        for base in ("licensing", "other_services", "penalty", "coercion"):
            items_prev = rng.randint(0, 60)
            if prev is not None and prev.form == "2019":  # last year's count + its change
                items_prev = int(prev.t2.get(f"disclosure.{base}_items_prev_year") or 0) + int(
                    prev.t2.get(f"disclosure.{base}_items_change") or 0)
            t2[f"disclosure.{base}_items_prev_year"] = max(0, items_prev)
            t2[f"disclosure.{base}_items_change"] = max(-items_prev, rng.choice([0, 0, 1, 2, -1, -3]))
            t2[f"disclosure.{base}_decisions"] = _drift(
                rng, prev, f"disclosure.{base}_decisions", lambda: rng.randint(0, 900) * prof.size)
        t2["disclosure.fee_items_prev_year"] = rng.randint(0, 8)
        t2["disclosure.fee_items_change"] = rng.choice([0, 0, -1])
        t2["disclosure.procurement_projects"] = rng.randint(0, 40)
        t2["disclosure.procurement_amount_cny"] = round(rng.uniform(10, 3000), 2) \
            if t2["disclosure.procurement_projects"] else 0

    review = _split(rng, rng.choice([0, 0, 1, 2, 3, 5]) * max(1, int(prof.size)),
                    [70, 100 * prof.correction_share, 15, 8])
    suit_direct = _split(rng, rng.choice([0, 0, 0, 1, 2]), [70, 5, 15, 10])
    suit_after = _split(rng, rng.choice([0, 0, 0, 1]), [70, 5, 15, 10])
    t4: list[int | None] = []
    for parts in (review, suit_direct, suit_after):
        t4 += [*parts, sum(parts)]

    items = items_for(prof, year, rng) if prof.items_base else \
        int(rng.uniform(200, 1500) * prof.size * (1 + (year - 2019) * 0.12))
    narrative: dict[str, float] = {
        "disclosure.items": items,
        "disclosure.interpretations": rng.randint(2, 40),
        "disclosure.press_conferences": rng.randint(0, 15),
        "operations.new_media_accounts": rng.randint(1, 12),
        "operations.request_fees_cny": rng.choice([0, 0, 0, 120, 300, 3940]),
    }
    approx: set[str] = set()
    if rng.random() < 0.3:
        narrative["disclosure.items"] = round(items, -2) or 100
        approx.add("disclosure.items")
    if rng.random() < 0.6:  # the text repeats a table value: must agree, no finding
        narrative["requests.received"] = t3[("requests.received", "")] or 0

    spec = StandardReport(
        agency=agency, year=year, form=form, t2=t2, t3=t3, t4=t4, narrative=narrative,
        narrative_approx=approx, quirks=quirks, seed=seed, printed_agency=printed_agency,
        published=f"{year + 1}-0{rng.randint(1, 3)}-{rng.randint(10, 28)}",
    )
    return apply_data_quirks(spec, quirks)


def _drift(rng: random.Random, prev: StandardReport | None, metric: str, draw) -> int:
    """Last year's value with a modest change (agencies do not jump 20× a year), else a draw."""
    last = prev.t2.get(metric) if prev is not None else None
    if last is None:
        return int(draw())
    return max(0, int(round(float(last) * rng.uniform(0.8, 1.25))) + rng.randint(-2, 2))


def _prev_t2(prev: StandardReport | None, metric: str, default: int) -> int:
    if prev is not None and prev.form == "2021":
        v = prev.t2.get(metric)
        if v is not None:
            return int(v)
    return default


def apply_data_quirks(spec: StandardReport, quirks: Quirks) -> StandardReport:
    """Blank cells, notes and the deliberate source error, chosen from the spec's seed."""
    rng = random.Random(spec.seed * 31 + 5)
    t3 = dict(spec.t3)
    t2 = dict(spec.t2)
    notes: dict[str, str] = {}
    err: Key | None = None
    if quirks.empty_cells or quirks.slash_cells:
        zeros = sorted(k for k, v in t3.items() if v == 0 and k[1] != "")
        for k in rng.sample(zeros, min(len(zeros), 6)):
            t3[k] = None
        regs = [m for m in t2 if m.startswith("disclosure.regulations_")]
        if all(t2[m] == 0 for m in regs):  # agencies that make no 规章 often leave the row blank
            for m in regs:
                t2[m] = None
        t4 = list(spec.t4)
        z4 = [i for i, v in enumerate(t4) if v == 0 and i % 5 != 4]
        for i in rng.sample(z4, min(len(z4), 2)):
            t4[i] = None
        spec = replace(spec, t4=t4)
    if quirks.cell_note:
        m = ("disclosure.normative_docs_repealed" if spec.form == "2021"
             else "disclosure.normative_docs_published_total")
        n = int(t2.get(m) or 0)
        if n == 0:  # keep the note meaningful: at least one repealed, identity kept
            n = 3
            t2[m] = n
            if spec.form == "2021":
                t2["disclosure.normative_docs_in_force"] = max(
                    0, int(t2["disclosure.normative_docs_in_force"] or 0) - n)
        notes[m] = f"（含自然失效{rng.randint(1, n)}件）"
    omitted: tuple[str, ...] = ()
    if quirks.drop_confirm_row and spec.form == "2019":
        gone, into = "requests.rejected_confirm", "requests.rejected_repeat"
        for col in APPLICANT_COLS:  # the form has no row for it: counted as a repeat
            t3[(into, col)] = int(t3[(into, col)] or 0) + int(t3[(gone, col)] or 0)
            t3[(gone, col)] = 0
        omitted = (gone,)
    narrative = dict(spec.narrative)
    if quirks.narrative_conflict:
        narrative["requests.received"] = int(t3[("requests.received", "")] or 0) + 5
    if quirks.source_error:
        err = ("requests.processed_total", "")
        printed = int(t3[err] or 0)
        t3[err] = printed + rng.choice([1, 2, 3, 10])
    return replace(spec, t3=t3, t2=t2, notes=notes, quirks=quirks, source_error_cell=err,
                   narrative=narrative, omitted_rows=omitted)


# ----------------------------------------------------------------------------------------
# Logical tables (format-neutral grids with spans) used by every renderer
# ----------------------------------------------------------------------------------------

@dataclass
class LCell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False
    numeric: bool = False


LTable = list[list[LCell]]  # rows of origin cells (HTML semantics)


def _fmt_num(v: float | int | None, blank: str) -> str:
    if v is None:
        return blank
    if isinstance(v, float) and not v.is_integer():
        return f"{v:.2f}".rstrip("0").rstrip(".")
    return str(int(v))


def _label(text: str, q: Quirks) -> str:
    if q.halfwidth_brackets:
        text = text.replace("（", "(").replace("）", ")")
        if len(text) > 1 and text[0].isdigit() and text[1] == ".":
            text = text[0] + "、" + text[2:]
    if q.straight_quotes:
        text = text.replace("“", '"').replace("”", '"')
    if q.typo:
        text = text.replace("其他法律行政法规禁止公开", "其他法律行政止公开")
    return text


def table2(spec: StandardReport, q: Quirks) -> LTable:
    """表二 as one 4-column table with section rows, like the official HTML template."""
    rows: LTable = []
    sections = T2_2021 if spec.form == "2021" else T2_2019
    for heading, cols, items in sections:
        rows.append([LCell(heading, colspan=4, header=True)])
        span = 4 - len(cols)
        head = [LCell("信息内容", header=True)]
        head += [LCell(c, header=True, colspan=(1 + span if i == len(cols) - 1 else 1))
                 for i, c in enumerate(cols)]
        rows.append(head)
        for label, metrics in items:
            row = [LCell(_label(label, q))]
            for i, m in enumerate(metrics):
                text = _fmt_num(spec.t2.get(m), spec.blank_text)
                if m in spec.notes:
                    text += spec.notes[m]
                row.append(LCell(text, colspan=(1 + span if i == len(metrics) - 1 else 1),
                                 numeric=True))
            rows.append(row)
    return rows


def table3(spec: StandardReport, q: Quirks) -> LTable:
    """表三 with the official merged header and merged group labels (3 label columns)."""
    rows: LTable = [
        [LCell("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
               rowspan=3, colspan=3, header=True),
         LCell("申请人情况", colspan=7, header=True)],
        [LCell("自然人", rowspan=2, header=True),
         LCell("法人或其他组织", colspan=5, header=True),
         LCell("总计", rowspan=2, header=True)],
        [LCell(t, header=True) for t in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")],
    ]
    data = spec.rows()
    # how many data rows each group label covers
    cover: dict[tuple[str, ...], int] = {}
    for r in data:
        for depth in range(1, len(r.labels)):
            cover[r.labels[:depth]] = cover.get(r.labels[:depth], 0) + 1
    seen: set[tuple[str, ...]] = set()
    for r in data:
        row: list[LCell] = []
        for depth in range(1, len(r.labels) + 1):
            path = r.labels[:depth]
            if depth < len(r.labels):
                if path not in seen:
                    seen.add(path)
                    row.append(LCell(_label(path[-1], q), rowspan=cover[path]))
            else:
                row.append(LCell(_label(path[-1], q), colspan=4 - depth))
        for col in APPLICANT_COLS:
            row.append(LCell(_fmt_num(spec.t3.get((r.metric, col)), spec.blank_text),
                             numeric=True))
        rows.append(row)
    return rows


def table4(spec: StandardReport, q: Quirks) -> LTable:
    """表四: two header levels over 15 numbers, one data row."""
    rows: LTable = [
        [LCell("行政复议", colspan=5, header=True), LCell("行政诉讼", colspan=10, header=True)],
        [*[LCell(t, rowspan=2, header=True) for t in T4_PART_LABELS],
         LCell("未经复议直接起诉", colspan=5, header=True),
         LCell("复议后起诉", colspan=5, header=True)],
        [LCell(t, header=True) for t in T4_PART_LABELS * 2],
        [LCell(_fmt_num(v, spec.blank_text), numeric=True) for v in spec.t4],
    ]
    return rows


def span_origins(table: LTable) -> list[tuple[int, int, int, int, str, bool]]:
    """(row, col, rowspan, colspan, text, header) for each origin cell, HTML semantics: a
    cell takes the first column of its row that no span from above covers."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(table):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            out.append((r, c, cell.rowspan, cell.colspan, cell.text, cell.header))
            c += cell.colspan
    return out


def expand(table: LTable, repeat: bool = False) -> list[list[str | None]]:
    """The full grid: origin text at each cell's top-left, None (or the text, when
    ``repeat``) in the positions a span covers."""
    grid: dict[tuple[int, int], str | None] = {}
    width = 0
    for r, c, rs, cs, text, _ in span_origins(table):
        for dr in range(rs):
            for dc in range(cs):
                grid[(r + dr, c + dc)] = text if (dr == dc == 0 or repeat) else None
        width = max(width, c + cs)
    return [[grid.get((r, c)) for c in range(width)] for r in range(len(table))]


# ----------------------------------------------------------------------------------------
# Narrative text of the standard report
# ----------------------------------------------------------------------------------------

def _n(v: float, q: Quirks) -> str:
    s = _fmt_num(v, "0")
    return s.translate(FULLWIDTH) if q.fullwidth_digits else s


def standard_paragraphs(spec: StandardReport, q: Quirks) -> dict[str, list[str]]:
    """Section heading → paragraphs of free text, phrasings chosen from the seed."""
    rng = random.Random(spec.seed * 13 + 3)
    nv = spec.narrative
    we = rng.choice(["本机关", "我局", "我单位"]) if not spec.agency.endswith(("政府", "办公室")) \
        else "本机关"
    items = nv["disclosure.items"]
    approx = "余" if "disclosure.items" in spec.narrative_approx else ""
    p1 = rng.choice([
        f"{spec.year}年，{we}共主动公开政府信息{_n(items, q)}{approx}条。",
        f"全年通过政府门户网站主动公开各类政府信息{_n(items, q)}{approx}条。",
        f"{spec.year}年度，{we}累计主动公开政府信息{_n(items, q)}{approx}条。",
    ])
    p1 += rng.choice([
        f"发布政策解读{_n(nv['disclosure.interpretations'], q)}篇，",
        f"围绕重点工作开展政策解读{_n(nv['disclosure.interpretations'], q)}个，",
        f"政策解读{_n(nv['disclosure.interpretations'], q)}条，",
    ])
    p1 += rng.choice([
        f"召开新闻发布会{_n(nv['disclosure.press_conferences'], q)}场。",
        f"组织新闻发布会{_n(nv['disclosure.press_conferences'], q)}场次。",
        f"举办新闻发布会{_n(nv['disclosure.press_conferences'], q)}场。",
    ])
    p1 += rng.choice([
        f"目前共有政务新媒体{_n(nv['operations.new_media_accounts'], q)}个，",
        f"开设政务新媒体账号{_n(nv['operations.new_media_accounts'], q)}个，",
    ]) + "持续加强政务新媒体日常监管。"
    q_open = "“" if not q.straight_quotes else '"'
    q_close = "”" if not q.straight_quotes else '"'
    p2 = (f"{we}坚持以{q_open}公开为常态、不公开为例外{q_close}为原则，"
          "进一步健全政府信息公开工作机制，规范依申请公开办理流程。")
    t4 = spec.t4
    if rng.random() < 0.35 and t4[4] and t4[0] is not None:  # repeats 表四: must agree
        p2 += (f"全年共发生政府信息公开行政复议{_n(t4[4], q)}件，其中维持{_n(t4[0], q)}件，"
               "均依法妥善处理。")
    if "requests.received" in nv:
        p2 += rng.choice([
            f"全年共收到政府信息公开申请{_n(nv['requests.received'], q)}件，均在法定期限内答复。",
            f"本年度新收政府信息公开申请{_n(nv['requests.received'], q)}件。",
        ])
    fee = nv["operations.request_fees_cny"]
    p6 = rng.choice([
        f"本年度共收取信息处理费{_n(fee, q)}元。",
        f"{spec.year}年{we}收取政府信息公开信息处理费{_n(fee, q)}元。",
    ]) + "无其他需要报告的事项。"
    p5 = ("主要问题：政策解读的形式还不够丰富，基层政务公开标准化规范化工作有待深化。"
          "改进措施：加强业务培训，完善公开目录，提升公开质量。")
    fill = [rng.choice(_FILLER) for _ in range(q.filler)]
    intro = "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）"
    if spec.form == "2021" or q.wrong_notice:
        intro += f"和《中华人民共和国政府信息公开工作年度报告格式》（{NOTICE_2021}）要求编制。"
    else:
        intro += "和上级有关要求编制。"
    intro += "报告中所列数据的统计期限自当年1月1日起至12月31日止。"
    return {
        "": [intro],
        SECTION_HEADINGS[0]: [p1, p2],
        SECTION_HEADINGS[1]: [],
        SECTION_HEADINGS[2]: [],
        SECTION_HEADINGS[3]: [],
        SECTION_HEADINGS[4]: [p5, *fill],
        SECTION_HEADINGS[5]: [p6],
    }


_FILLER = (
    "坚持以人民为中心的发展思想，围绕中心工作，持续深化政务公开，推进决策、执行、管理、服务、"
    "结果公开，不断提升政务公开的质量和实效，切实保障人民群众的知情权、参与权、表达权和监督权。"
    "进一步完善政府信息公开工作机制，明确责任分工，强化审核把关，确保公开内容准确、规范、及时。",
    "加强政府网站和政务新媒体建设管理，优化栏目设置，丰富公开内容，提升用户体验；"
    "健全政策解读机制，做到政策文件与解读材料同步组织、同步审签、同步部署。"
    "加强政务公开业务培训，提高工作人员的业务能力和服务水平，营造良好的政务公开氛围。",
    "严格执行保密审查制度，坚持先审查、后公开，一事一审、全面审查，防止失泄密事件发生；"
    "规范依申请公开办理流程，严格按照法定时限答复，做到依法依规、规范有序。",
)


def _date_zh(iso: str | None) -> str:
    if not iso:
        return ""
    y, m, d = (int(x) for x in iso.split("-"))
    return f"{y}年{m}月{d}日"


def _tables_of(spec: StandardReport, q: Quirks) -> dict[str, tuple[str, LTable]]:
    return {
        SECTION_HEADINGS[1]: ("表二", table2(spec, q)),
        SECTION_HEADINGS[2]: ("表三", table3(spec, q)),
        SECTION_HEADINGS[3]: ("表四", table4(spec, q)),
    }


# ----------------------------------------------------------------------------------------
# Text renderers (txt, md)
# ----------------------------------------------------------------------------------------

def _txt_table(name: str, table: LTable, q: Quirks, page_no: int) -> list[str]:
    """Lines of one table as a text dump in the style the quirks ask for."""
    grid = expand(table, repeat=q.repeat_merged)
    n_header = sum(1 for row in table if row and all(c.header for c in row))
    lines: list[str] = []
    def wrap(c: LCell) -> list[str]:
        width = 12  # characters per line of a narrow PDF cell
        if not q.wrapped_labels or c.numeric or len(c.text) <= width:
            return [c.text]
        return [c.text[i:i + width] for i in range(0, len(c.text), width)]

    if q.flattened and name in ("表三", "表四"):
        # headers, then the row labels, then every number one per line
        for row in table[:n_header]:
            lines += [t for c in row for t in wrap(c)]
        numbers: list[str] = []
        for row in table[n_header:]:
            for c in row:
                if c.numeric:
                    numbers.append(c.text)
                else:
                    lines += wrap(c)
        if q.page_numbers and name == "表三":  # the page break falls inside the number run
            numbers[len(numbers) // 2:len(numbers) // 2] = [f"- {page_no} -"]
        return lines + numbers
    mid = n_header + (len(table) - n_header) // 2
    for r, row in enumerate(table):
        if q.page_numbers and name == "表三" and r == mid:
            lines += ["", f"- {page_no} -", ""]
        if q.cell_per_line:
            lines += [t for c in row for t in wrap(c)]
            continue
        cells: list[str] = []
        for c in row:
            if q.vertical_labels and c.rowspan > 2 and not c.header:
                lines += list(c.text)  # merged group label printed one character per line
                continue
            cells.append(c.text)
        if q.repeat_merged:
            cells = [t if t is not None else "" for t in grid[r]]
        if q.space_separated:  # as plain PDF text extraction gives it: blanks vanish
            lines.append(" ".join(c for c in cells if c))
        else:
            lines.append("\t".join(cells))
    return lines


def render_txt(spec: StandardReport, quirks: Quirks | None = None) -> str:
    """Plain text as a copy out of a PDF/Word file would give: tab-separated rows, or the
    cell-per-line / flattened dumps, with the layout quirks asked for."""
    q = quirks or spec.quirks
    paras = standard_paragraphs(spec, q)
    tables = _tables_of(spec, q)
    out = [spec.title, ""]
    out += paras[""]
    for h in SECTION_HEADINGS:
        out.append(h)
        out += paras[h]
        if h in tables:
            name, t = tables[h]
            if q.captions:
                out.append(name)
            out += _txt_table(name, t, q, page_no=4)
    out += ["", spec.agency, _date_zh(spec.published), ""]
    return "\n".join(out)


def _md_table(table: LTable, q: Quirks) -> list[str]:
    grid = expand(table, repeat=q.repeat_merged)
    width = len(grid[0])
    lines = []
    for r, row in enumerate(grid):
        cells = [("" if t is None else t).replace("|", "｜") for t in row]
        lines.append("| " + " | ".join(cells) + " |")
        if r == 0:
            lines.append("|" + "---|" * width)
    return lines


def render_md(spec: StandardReport, quirks: Quirks | None = None) -> str:
    """Markdown with pipe tables (merged cells left empty, or repeated with repeat_merged)."""
    q = quirks or spec.quirks
    paras = standard_paragraphs(spec, q)
    tables = _tables_of(spec, q)
    out = [f"# {spec.title}", ""]
    for p in paras[""]:
        out += [p, ""]
    for h in SECTION_HEADINGS:
        out += [f"## {h}", ""]
        for p in paras[h]:
            out += [p, ""]
        if h in tables:
            name, t = tables[h]
            if q.captions:
                out += [f"**{name}**", ""]
            out += _md_table(t, q) + [""]
    out += [spec.agency, "", _date_zh(spec.published), ""]
    return "\n".join(out)


# ----------------------------------------------------------------------------------------
# HTML
# ----------------------------------------------------------------------------------------

def _html_table(table: LTable, blank_nbsp: bool = True) -> str:
    parts = ['<table border="1" cellspacing="0" cellpadding="0" class="MsoTableGrid">']
    for row in table:
        parts.append("<tr>")
        for c in row:
            attrs = ""
            if c.rowspan > 1:
                attrs += f' rowspan="{c.rowspan}"'
            if c.colspan > 1:
                attrs += f' colspan="{c.colspan}"'
            text = _html.escape(c.text, quote=False)
            if not text and blank_nbsp:
                text = "&nbsp;"
            tag = "td"
            parts.append(f'<{tag}{attrs}><p style="text-align:center"><span>{text}</span></p></{tag}>')
        parts.append("</tr>")
    parts.append("</table>")
    return "\n".join(parts)


def render_html(spec: StandardReport, quirks: Quirks | None = None,
                encoding: str = "utf-8") -> bytes:
    """A government-site style page: <table> with rowspan/colspan, &nbsp; blanks, a charset
    meta tag matching ``encoding`` (utf-8, gbk, gb2312), optionally a layout table around."""
    q = quirks or spec.quirks
    paras = standard_paragraphs(spec, q)
    tables = _tables_of(spec, q)
    charset = {"gbk": "gb2312"}.get(encoding.lower(), encoding)
    body: list[str] = [f"<h1 class=\"title\">{_html.escape(spec.title)}</h1>",
                       f"<div class=\"info\">来源：{_html.escape(spec.agency)}&nbsp;&nbsp;"
                       f"发布日期：{spec.published or ''}</div>"]
    for p in paras[""]:
        body.append(f"<p>{_html.escape(p, quote=False)}</p>")
    for h in SECTION_HEADINGS:
        body.append(f"<p><strong>{h}</strong></p>")
        for p in paras[h]:
            body.append(f"<p>&nbsp;&nbsp;{_html.escape(p, quote=False)}</p>")
        if h in tables:
            name, t = tables[h]
            if q.captions:
                body.append(f"<p>{name}</p>")
            body.append(_html_table(t))
    body.append(f"<p style=\"text-align:right\">{_html.escape(spec.agency)}</p>")
    body.append(f"<p style=\"text-align:right\">{_date_zh(spec.published)}</p>")
    article = "\n".join(body)
    if q.layout_table:
        article = ('<table width="100%" class="layout"><tr><td width="15%">&nbsp;</td><td>'
                   f'<div class="TRS_Editor">{article}</div></td><td>&nbsp;</td></tr></table>')
    page = (f'<!DOCTYPE html>\n<html><head><meta http-equiv="Content-Type" '
            f'content="text/html; charset={charset}">\n<title>{_html.escape(spec.title)}</title>'
            f'</head>\n<body>\n<div class="nav">首页 &gt; 政府信息公开 &gt; 年度报告</div>\n'
            f'{article}\n<div class="footer">主办单位：青川市人民政府办公室</div>\n</body></html>\n')
    if q.traditional:
        page = page.translate(S2T)
    return page.encode(encoding)


# ----------------------------------------------------------------------------------------
# Narrative-era reports (before 2019) and work summaries
# ----------------------------------------------------------------------------------------

CATEGORIES = ["机构职能", "政策法规", "规划计划", "工作动态", "人事信息", "财务预决算",
              "行政执法", "招标采购", "统计信息", "应急管理"]


@dataclass
class NarrativeReport:
    """A free-text annual report of the 2008–2018 era with the numbers it states."""

    agency: str
    year: int
    seed: int
    facts: dict[Key, float]
    approx: set[Key] = field(default_factory=set)
    printed_agency: str | None = None  # printed in the title; the signature uses agency
    signature_agency: str | None = None
    published: str | None = None
    quirks: Quirks = Quirks()

    def expected_facts(self) -> dict[Key, Value]:
        return dict(self.facts)

    @property
    def title(self) -> str:
        return _title(self.printed_agency or self.agency, self.year, self.seed)

    @property
    def form(self) -> str:
        return "narrative"


def make_narrative_report(
    seed: int, agency: str = "青川市教育局", year: int = 2012, *,
    profile: Profile | None = None, printed_agency: str | None = None,
    quirks: Quirks = Quirks(),
) -> NarrativeReport:
    """Numbers of a narrative-era report: items by category, requests and their outcomes,
    appeals, staff, spending, consultations."""
    rng = random.Random(seed)
    prof = profile or Profile(size=rng.uniform(0.5, 3.0))
    f: dict[Key, float] = {}
    items = items_for(prof, year, rng)
    f[("disclosure.items", "")] = items
    if rng.random() < 0.7:
        cats = rng.sample(CATEGORIES, rng.randint(2, 5))
        parts = _split(rng, items, [rng.uniform(1, 10) for _ in cats])
        for c, v in zip(cats, parts):
            f[("disclosure.items", c)] = v
    f[("disclosure.electronic_pct", "")] = rng.choice([100, 100, 100, 95, 98])
    if prof.requests_base:  # few requests before 2019, growing towards the 2019 level
        level = prof.requests_base * (0.15 + 0.04 * (year - 2008))
        received = max(0, int(level * rng.uniform(0.7, 1.3)))
    else:
        received = rng.choice([0, 0, rng.randint(1, 30)]) if prof.size < 1.5 else rng.randint(0, 60)
    f[("requests.received", "")] = received
    if received:
        online = rng.randint(0, received)
        f[("requests.channel_online", "")] = online
        other = rng.choice(["requests.channel_paper", "requests.channel_paper",
                            "requests.channel_in_person"])
        f[(other, "")] = received - online
        granted = rng.randint(0, received)
        already = rng.randint(0, received - granted)
        f[("requests.granted", "")] = granted
        f[("requests.already_public", "")] = already
        f[("requests.not_gov_info", "")] = received - granted - already
    review = rng.choice([0, 0, 0, 0, 1, 2])
    suit = rng.choice([0, 0, 0, 0, 1]) if review else 0
    f[("appeals.review_total", "")] = review
    f[("appeals.suit_total", "")] = suit
    if rng.random() < 0.5:
        f[("operations.staff_full_time", "")] = rng.randint(1, 3)
    f[("operations.staff_part_time", "")] = rng.randint(1, 6)
    f[("operations.spending_cny", "")] = rng.choice([0, 0, rng.randint(1, 30) * 1000])
    if rng.random() < 0.6:
        f[("operations.consultations", "")] = int(rng.randint(5, 200) * prof.size)
    f[("operations.request_fees_cny", "")] = 0  # "未收取任何费用"
    return NarrativeReport(
        agency=agency, year=year, seed=seed, facts=f, printed_agency=printed_agency,
        published=f"{year + 1}-0{rng.randint(1, 3)}-{rng.randint(10, 28)}", quirks=quirks,
    )


def narrative_paragraphs(spec: NarrativeReport) -> list[tuple[str, str]]:
    """(heading, paragraph) pairs of a narrative-era report in its era's phrasings."""
    rng = random.Random(spec.seed * 17 + 11)
    q = spec.quirks
    f = spec.facts
    y = spec.year
    we = rng.choice(["我局", "本机关", "我委", "我单位"])
    out: list[tuple[str, str]] = []
    out.append(("一、概述", f"根据《中华人民共和国政府信息公开条例》要求，{we}编制了{y}年度政府信息公开"
                          "工作年度报告。全文包括概述、主动公开政府信息情况、依申请公开政府信息情况、"
                          "政府信息公开的收费及减免情况、因政府信息公开申请提起行政复议和行政诉讼的情况、"
                          "存在的主要问题及改进措施。"))
    items = f[("disclosure.items", "")]
    cats = [(k[1], v) for k, v in f.items() if k[0] == "disclosure.items" and k[1]]
    style = rng.randrange(4)
    if style == 3 and cats:  # the web-compilation style with shares of the total
        s = f"{y}年，{we}在政府信息公开网共发布信息{_n(items, q)}条，其中，" + "；".join(
            f"“{c}”栏目发布信息{_n(v, q)}条，占总数的{v / items * 100:.2f}%" for c, v in cats) + "。"
    elif style in (0, 3):
        s = f"{y}年，{we}共主动公开政府信息{_n(items, q)}条"
        if cats:
            s += "，其中" + "，".join(f"{c}类信息{_n(v, q)}条" for c, v in cats)
        s += "。"
    elif style == 1:
        s = f"{y}年度{we}累计主动公开各类政府信息{_n(items, q)}条"
        if cats:
            s += "，其中" + "、".join(f"“{c}”栏目发布信息{_n(v, q)}条" for c, v in cats)
        s += "。"
    else:
        s = f"全年主动公开政府信息{_n(items, q)}条"
        if cats:
            s += "。其中，" + "；".join(f"{c}类{_n(v, q)}条" for c, v in cats)
        s += "。"
    pct = f[("disclosure.electronic_pct", "")]
    s += rng.choice([f"全文电子化率达{_n(pct, q)}%。", f"政府信息全文电子化率为{_n(pct, q)}%。"])
    out.append(("二、主动公开政府信息情况", s))
    rec = f[("requests.received", "")]
    if rec == 0:
        s = rng.choice([f"{y}年，{we}未收到政府信息公开申请。",
                        f"{we}{y}年度受理政府信息公开申请0件。",
                        f"{we}{y}年度受理信息公开申请无。"])
    else:
        on = f[("requests.channel_online", "")]
        if ("requests.channel_in_person", "") in f:
            pa, word = f[("requests.channel_in_person", "")], "当面申请"
        else:
            pa, word = f[("requests.channel_paper", "")], rng.choice(["书面申请", "信函申请"])
        s = rng.choice([
            f"全年共受理政府信息公开申请{_n(rec, q)}件，其中网上申请{_n(on, q)}件，{word}{_n(pa, q)}件。",
            f"{y}年，{we}共收到政府信息公开申请{_n(rec, q)}件（其中网上申请{_n(on, q)}件，"
            f"{word}{_n(pa, q)}件）。",
        ])
        g, a, ng = (f[("requests.granted", "")], f[("requests.already_public", "")],
                    f[("requests.not_gov_info", "")])
        s += rng.choice([
            f"在已答复的申请中，予以公开{_n(g, q)}件，属于已主动公开信息{_n(a, q)}件，"
            f"不属于政府信息公开范畴{_n(ng, q)}件。",
            f"从办理结果看，同意公开{_n(g, q)}件，属于已主动公开范围的{_n(a, q)}件，"
            f"不属于政府信息公开范畴的{_n(ng, q)}件。",
            f"其中，{_n(g, q)}件予以公开，{_n(a, q)}件属于已主动公开的信息，"
            f"{_n(ng, q)}件不属于政府信息公开的范畴。",
        ])
    out.append(("三、依申请公开政府信息情况", s))
    if ("operations.consultations", "") in f:
        out.append(("四、咨询情况", rng.choice([
            f"全年共接受公众咨询{_n(f[('operations.consultations', '')], q)}人次。",
            f"{we}通过电话、网站等渠道受理各类咨询{_n(f[('operations.consultations', '')], q)}人次。",
            f"全年接待群众来电来访咨询{_n(f[('operations.consultations', '')], q)}人次。",
        ])))
    out.append(("五、政府信息公开的收费及减免情况", f"{we}在政府信息公开工作中未收取任何费用。"))
    # (the fee fact, 0, is recorded in make_narrative_report)
    rv, st = f[("appeals.review_total", "")], f[("appeals.suit_total", "")]
    if rv == 0 and st == 0:
        s = rng.choice([f"{y}年度{we}未发生针对政府信息公开事务的行政复议和行政诉讼。",
                        "全年未发生行政复议和行政诉讼案件。",
                        f"{y}年，{we}没有发生因政府信息公开申请提起行政复议、行政诉讼的情况。"])
    else:
        s = f"{y}年，因政府信息公开申请引发行政复议{_n(rv, q)}件、行政诉讼{_n(st, q)}件。"
    out.append(("六、因政府信息公开申请提起行政复议和行政诉讼的情况", s))
    staff = []
    if ("operations.staff_full_time", "") in f:
        staff.append(f"专职工作人员{_n(f[('operations.staff_full_time', '')], q)}名")
    staff.append(f"兼职工作人员{_n(f[('operations.staff_part_time', '')], q)}名")
    if rng.random() < 0.5:
        s = f"{we}政府信息公开工作机构配备" + "，".join(staff) + "。"
    else:
        s = f"{we}由办公室负责政府信息公开日常工作，" + "，".join(
            x.replace("工作人员", "人员") for x in staff) + "。"
    sp = f[("operations.spending_cny", "")]
    if sp:
        s += rng.choice([f"政府信息公开事务支出{_n(sp / 10000, q)}万元。",
                         f"全年用于政府信息公开工作的经费{_n(sp / 10000, q)}万元。"])
    else:
        s += "政府信息公开事务的财政与实际支出情况：无。"
    out.append(("七、工作人员和支出情况", s))
    out.append(("八、存在的主要问题和改进措施",
                "主要问题是公开的内容还不够全面，更新还不够及时。下一步将进一步完善制度，"
                "加强培训，提高政府信息公开工作水平。"))
    return out


def render_narrative_txt(spec: NarrativeReport) -> str:
    """A narrative-era report as plain text (title, numbered sections, signature, date)."""
    out = [spec.title, ""]
    for h, p in narrative_paragraphs(spec):
        out += [h, p]
    out += ["", spec.signature_agency or spec.agency, _date_zh_numerals(spec.published, spec.seed)]
    return "\n".join(out) + "\n"


def render_narrative_html(spec: NarrativeReport, encoding: str = "utf-8") -> bytes:
    """A narrative-era report as a saved web page."""
    charset = {"gbk": "gb2312"}.get(encoding.lower(), encoding)
    body = [f"<h2>{_html.escape(spec.title)}</h2>"]
    for h, p in narrative_paragraphs(spec):
        body.append(f"<p><b>{_html.escape(h)}</b></p><p>&nbsp;&nbsp;{_html.escape(p, quote=False)}</p>")
    body.append(f"<p align=\"right\">{_html.escape(spec.signature_agency or spec.agency)}<br>"
                f"{_date_zh_numerals(spec.published, spec.seed)}</p>")
    page = (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
            f"<title>{_html.escape(spec.title)}</title></head><body>\n" + "\n".join(body)
            + "\n</body></html>\n")
    return page.encode(encoding)


def anonymised(spec: NarrativeReport, mask: str = "xx单位") -> NarrativeReport:
    """The same report as a site published it with the agency masked (xx单位, ××局): the
    numbers are still there, the agency is unknown."""
    return replace(spec, printed_agency=mask, signature_agency=mask)


def render_template_txt(seed: int = 0) -> str:
    """An unfilled template (XXX局, XX条, X年) as compilations carry them: no facts."""
    rng = random.Random(seed)
    unit = rng.choice(["XXX局", "XX局", "XXX委员会"])
    return "\n".join([
        "政府信息公开工作报告",
        f"XXX年，{unit}在上级部门的正确领导下，认真贯彻落实《中华人民共和国政府信息公开条例》，"
        "细化工作措施，推进政府信息公开工作的有效落实。现将我局X年政府信息公开工作总结如下：",
        "一、主动公开情况",
        "一年来，我局主动公开了X年各类政府信息XX条，其中工作动态类信息XX条，新闻报道类信息XX条。",
        "二、依申请公开政府信息情况",
        f"XX年，我局{rng.choice(['未接到依申请公开事项', '共受理依申请公开XX件'])}。",
        "三、收费及减免情况",
        "XX年，我局政府信息公开均为免费提供，没有收取费用。",
        "四、存在问题及改进措施",
        f"XX年，{unit}政府信息公开工作取得了一定的成效，但与上级要求和群众的期待尚存一定差距。",
        "",
    ])


_ZH_DIGITS = "〇一二三四五六七八九"


def _date_zh_numerals(iso: str | None, seed: int) -> str:
    """Signature dates of the era: 二〇〇九年一月十九日 / 二00九年… / 2009年1月19日."""
    if not iso:
        return ""
    y, m, d = (int(x) for x in iso.split("-"))
    style = random.Random(seed * 3 + 2).randrange(3)
    if style == 2:
        return f"{y}年{m}月{d}日"
    zero = "〇" if style == 0 else "0"
    ys = "".join(zero if ch == "0" else _ZH_DIGITS[int(ch)] for ch in str(y))

    def small(n: int) -> str:
        if n < 10:
            return _ZH_DIGITS[n]
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _ZH_DIGITS[tens]) + "十" + (_ZH_DIGITS[ones] if ones else "")

    return f"{ys}年{small(m)}月{small(d)}日"


@dataclass
class WorkSummary:
    """A commerce agency's annual work summary with investment indicators."""

    agency: str
    year: int
    seed: int
    facts: dict[Key, float]
    printed: dict[str, str]  # metric → number as printed (万美元 / 万元 / %)

    def expected_facts(self) -> dict[Key, Value]:
        return dict(self.facts)

    @property
    def title(self) -> str:
        return f"{self.agency}{self.year}年工作总结"


def make_work_summary(seed: int, agency: str = "滨江区对外贸易经济合作局",
                      year: int = 2010, size: float = 1.0) -> WorkSummary:
    """Investment indicators of one year (万美元 → usd, 万元 → cny, percentages)."""
    rng = random.Random(seed)
    growth = 1 + (year - 2008) * 0.08
    f: dict[Key, float] = {}
    printed: dict[str, str] = {}

    def put(metric: str, value: float, text: str) -> None:
        f[(metric, "")] = value
        printed[metric] = text

    n = max(1, int(rng.randint(8, 40) * size))
    put("investment.fdi_new_enterprises", n, str(n))
    for name, base in (("fdi_contract", 7400), ("fdi_actual", 4100), ("exports", 35000)):
        wan = int(base * size * growth * rng.uniform(0.6, 1.4))
        put(f"investment.{name}_usd", wan * 10000, str(wan))
        yoy = round(rng.uniform(-12, 30), 2)
        put(f"investment.{name}_yoy_pct", yoy, f"{abs(yoy):.2f}")
        plan = round(rng.uniform(85, 125), 2)
        put(f"investment.{name}_plan_pct", plan, f"{plan:.2f}")
    funds = round(rng.uniform(10, 200), 2)
    put("investment.funds_secured_cny", round(funds * 10000, 2), f"{funds:.2f}")
    return WorkSummary(agency=agency, year=year, seed=seed, facts=f, printed=printed)


def render_work_summary_txt(spec: WorkSummary) -> str:
    """The indicators paragraph as such summaries write it, inside a plausible summary."""
    rng = random.Random(spec.seed * 5 + 1)
    p, f = spec.printed, spec.facts

    def change(name: str) -> str:
        v = f[(f"investment.{name}_yoy_pct", "")]
        word = rng.choice(["比增", "同比增长", "增长"]) if v >= 0 else rng.choice(["同比下降", "下降", "比降"])
        return f"{word}{p[f'investment.{name}_yoy_pct']}%"

    def plan(name: str) -> str:
        return rng.choice(["完成计划", "完成年计划的"]) + f"{p[f'investment.{name}_plan_pct']}%"

    if rng.random() < 0.4:
        ind = (f"全年新批外商投资企业{p['investment.fdi_new_enterprises']}家，"
               f"合同利用外资{p['investment.fdi_contract_usd']}万美元，{change('fdi_contract')}，"
               f"{plan('fdi_contract')}；实际利用外资{p['investment.fdi_actual_usd']}万美元，"
               f"{change('fdi_actual')}，{plan('fdi_actual')}；完成外贸出口"
               f"{p['investment.exports_usd']}万美元，{change('exports')}，{plan('exports')}。")
    else:
        ind = (f"{spec.year}年新办外商投资企业{p['investment.fdi_new_enterprises']}家，"
               f"新批合同外资额{p['investment.fdi_contract_usd']}万美元，{change('fdi_contract')}，"
               f"{plan('fdi_contract')}；实际到资{p['investment.fdi_actual_usd']}万美元，"
               f"{change('fdi_actual')}，{plan('fdi_actual')}；外贸出口"
               f"{p['investment.exports_usd']}万美元，{change('exports')}，{plan('exports')}。")
    funds = rng.choice([
        f"认真落实扶持中小企业开拓国际市场等各项优惠政策，共累计争取资金{p['investment.funds_secured_cny']}万元。",
        f"全年争取上级扶持资金{p['investment.funds_secured_cny']}万元。",
    ])
    lines = [
        spec.title,
        f"{spec.year}年，我局在区委、区政府的正确领导下，围绕全年目标任务，较好地完成了各项工作。现将一年来的工作总结如下：",
        "一、外经工作指标完成情况",
        ind,
        "二、优化服务，提升效能",
        "将全部审批项目进驻行政服务中心窗口，推行承诺服务、上门服务、全程服务。",
        "三、争取资金",
        funds,
        "",
        spec.agency,
        f"{spec.year}年12月",
    ]
    return "\n".join(lines) + "\n"


_ORDINALS = "一二三四五六七八九十"


def render_compilation_txt(docs: list[tuple[str, str]]) -> str:
    """Several documents in one text file, as web compilations (大全, 汇编) print them:
    ``第一篇：<title>`` before each document's own text. ``docs`` = [(title, text)]."""
    out = []
    for i, (title, text) in enumerate(docs):
        out.append(f"第{_ORDINALS[i]}篇：{title}")
        out.append(text.rstrip("\n"))
    return "\n".join(out) + "\n"


def spec_text(spec: object) -> str:
    """The plain-text rendering of any spec (standard, narrative or work summary)."""
    if isinstance(spec, StandardReport):
        return render_txt(spec)
    if isinstance(spec, NarrativeReport):
        return render_narrative_txt(spec)
    if isinstance(spec, WorkSummary):
        return render_work_summary_txt(spec)
    raise TypeError(type(spec).__name__)
