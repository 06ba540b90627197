"""Report metadata: agency, reporting year, kind and publication date.

Rules (each documented where it is applied):
- Reporting year comes from the title (Arabic ``2008``/``2008年`` or Chinese ``二〇〇九年``),
  then from the first year in the opening text, then from the signature date: a report signed
  in January–June covers the previous year, one signed later covers the same year. The signature
  date is the publication date, never the reporting year.
- Kind: upper-case X placeholders where numbers belong (``XX条``, ``X年``, ``XX余人次``) make an
  unfilled ``template`` (an X in a name alone, ``XX局``, may be anonymisation); ``总结`` in the title of a text that is not about information disclosure makes a
  ``work_summary``; everything else is a ``disclosure_report``.
- Agency: the printed name from the title, a name line in the title block, the subject of the
  opening sentence, or the signature line, canonicalised by :mod:`etl.extract.agencies`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice

from etl.extract.agencies import (
    AGENCY_SUFFIX,
    canonical_agency,
    is_anonymised,
    is_placeholder,
    is_self_reference,
    looks_like_agency,
    normalise_name,
)
from etl.read.recache import compile as _rx
from etl.model import Document, Finding, Segment
from etl.extract.split import clean_title, is_breadcrumb
from etl.extract.numerals import DATE_RE, YEAR_CHARS, YEAR_RE, find_dates, parse_year, small_number


@dataclass
class Meta:
    """What :func:`detect_metadata` found about one report."""

    agency: str | None
    printed_agency: str | None
    year: int | None
    kind: str
    form: str = "narrative"
    published: str | None = None
    findings: list[Finding] = field(default_factory=list)
    printed_names: list[str] = field(default_factory=list)  # every printed name seen (aliases)


_HEADER_PREFIX = _rx(r"^\s*第\s*[一二三四五六七八九十百零〇两0-9０-９]+\s*篇\s*[:：、.．]?\s*")
_ARABIC_YEAR = _rx(r"(?<![0-9０-９])((?:19|20)[0-9]{2})(?![0-9０-９])\s*(?:年度|年)?")
_LETTER = _rx(r"(?:的|复|公)函$|^关于.{2,40}的函")
_REPORT_WORDS = _rx(
    r"(?:政府信息公开|信息公开|政务公开|政府信息|工作总结|年度工作报告|工作报告|年度报告|总结|报告)"
)
# an upper-case X where a number belongs (XX条, X年, XX余人次); names (XX局) may be anonymised
_PLACEHOLDER_SLOT = _rx(r"[XＸ]+(?=[年月日条件个块份名次余号篇项]|人次)")
_YEAR_OPENING = _rx(
    r"(?:^|[\n。])\s*(?:(?:19|20)[0-9]{2}|[一二][" + YEAR_CHARS + r"]{3}|[XＸxｘ]{1,4})\s*年度?\s*(?:以来)?\s*[，,]\s*"
)
_PAGE_DATE = _rx(
    r"(?:发布|成文|印发|公开)?(?:日期|时间)\s*[：:]\s*((?:19|20)[0-9]{2})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})"
)
_NAME_CHARS = r"[\u4e00-\u9fffA-Za-zＡ-Ｚａ-ｚ×＊*○()（）]"
_SUBJECT = _rx(r"(?P<a>" + _NAME_CHARS + r"{1,20}?" + AGENCY_SUFFIX + r")")
_AGENCY_SUFFIX_AT = _rx(AGENCY_SUFFIX)


_FIELD_LABEL = _rx(r"^\s*(?:发布机构|发文机关|发文单位|信息来源|来源|公开主体|索引号|发布日期|成文日期)\s*[：:]")
_PAGE_AGENCY = _rx(r"(?:发布机构|发文机关|发文单位|信息来源|来源|公开主体)\s*[：:]\s*([\u4e00-\u9fff()（）]{2,30})")
_PERIOD = _rx(r"(?:统计期限|统计时限|统计期间|统计时间)(?:为|是)?自?\s*((?:19|20)[0-9]{2})\s*年")
_YEAR_LEAD = _rx(r"(?:^|[\n。])\s*(?:[（(][一二三四五六七八九十]+[)）][^。\n]{0,12}?。)?\s*((?:19|20)[0-9]{2})\s*年度?\s*(?:以来)?\s*[，,]")
_CITED = _rx(r"（[^）\n]{0,40}）|\([^)\n]{0,40}\)|《[^》\n]{0,60}》|〔[^〕\n]{0,10}〕|\[[^\]\n]{0,10}\]")


def _lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.split("\n") if ln.strip()]


def _page_title(seg: Segment, doc: Document) -> str | None:
    """The article title a web page states apart from its text (meta ``ArticleTitle``, else the
    ``<title>`` before its site suffix), for the segment that is most of the page; None if it
    names no report."""
    if not doc.meta or len(seg.text) * 2 < len(doc.text):
        return None
    title = doc.meta.get("ArticleTitle") or _rx(r"[_|｜]| - ").split(doc.meta.get("title", ""))[0]
    title = clean_title(title or "")
    return title if title and _REPORT_WORDS.search(title) else None


_TITLE_LIKE = _rx(r"(?:19|20)[0-9]{2}\s*年.{0,40}?(?:年度报告|工作总结|工作报告|总结|的报告|报告|的函)")


_ARTICLE_FIELDS = _rx(r"\s+(?:来源|信息来源|时间|发布时间|发布日期|发布机构|作者|浏览次数|点击数|字号)\s*[：:]")


_TITLE_FIELD = _rx(r"^[-*•\s]*标\s*题\s*[：:]\s*(.+)$")


def _title_further_down(body: str, lines: int = 80) -> str | None:
    """The first short line among the first ``lines`` that reads like a report's title (a year
    and a report word, no sentence punctuation): the title under a page's navigation."""
    nonblank = (m.group(0).strip() for m in _rx(r"[^\n]+").finditer(body))
    for line in islice((ln for ln in nonblank if ln), lines):  # lazily: a page may be long
        # a converter may print the article's 来源/时间 fields on the title's own line
        line = _ARTICLE_FIELDS.split(clean_title(line), 1)[0].strip()
        field = _TITLE_FIELD.match(line)  # a CMS info box: 标    题： 关于…的报告
        if field:
            line = field.group(1).strip()
        if len(line) <= 60 and not _rx(r"[。，,；;：:]").search(line) and _TITLE_LIKE.search(line):
            return _rx(r"(?<=[\u4e00-\u9fff0-9])\s+(?=[\u4e00-\u9fff0-9])").sub("", line)
    return None


def title_block(seg: Segment) -> list[str]:
    """The title and the short lines printed above the body (agency, title, document number)."""
    block = [clean_title(_HEADER_PREFIX.sub("", seg.title))] if seg.title else []
    for i, line in enumerate(_lines(seg.text)):
        line = clean_title(line)
        if i == 0:
            line = _HEADER_PREFIX.sub("", line)
        if is_breadcrumb(line):
            continue
        if len(line) > 60 or "。" in line or "，" in line or "," in line:
            break
        if i >= 6:
            break
        block.append(line)
    return [b for b in block if b]


def _year_in(text: str) -> int | None:
    for m in YEAR_RE.finditer(text):
        year = parse_year(m.group(1))
        if year:
            return year
    m = _ARABIC_YEAR.search(text)
    if m:
        return int(m.group(1))
    return None


def _extend_name(text: str, end: int) -> int:
    """Extend a lazily matched name over further suffixes (人民政府 + 办公厅)."""
    while True:
        m = _AGENCY_SUFFIX_AT.match(text, end)
        if not m or m.end() == end:
            return end
        end = m.end()


# A title or subject naming only a place (杭州市西湖区, 江口镇, 玉林街道) means that place's
# government: the report of a 区/县/镇 is its people's government's report.
_REGION_ONLY = _rx(
    r"^[\u4e00-\u9fff]{1,16}?(?:省|自治区|市|自治州|州|盟|地区|区|县|自治县|旗|镇|乡|街道)$"
)
_NOT_A_NAME = _rx(r"公开|发布|认真|贯彻|落实|围绕|按照|根据|主动|坚持|进一步|全面|在")
_REGION_SUBJECT = _rx(r"([\u4e00-\u9fff]{1,12}?(?:省|市|区|县|旗|镇|乡|街道))(?=认真|紧紧|主动|共|全年|坚持|按照|根据|围绕|深入|持续|进一步|全面|在)")


def region_government(region: str) -> str | None:
    """``江口镇`` → ``江口镇人民政府``; ``玉林街道`` → ``玉林街道办事处``; else None."""
    r = region.strip()
    if not _REGION_ONLY.match(r) or r.startswith(("全", "我", "本", "该", "各")) or len(r) < 3:
        return None
    if _NOT_A_NAME.search(r):
        return None
    return r + ("办事处" if r.endswith("街道") else "人民政府")


def agency_in_title(title: str) -> str | None:
    """The printed agency of a title like ``芗城区外经局2008年政府信息公开工作年度报告``."""
    t = _HEADER_PREFIX.sub("", title).strip()
    m = _REPORT_WORDS.search(t)
    head = t[: m.start()] if m else t
    head = _FIELD_LABEL.sub("", head)  # 发布机构：… / 来源：… of a saved web page
    head = YEAR_RE.sub("", head)
    head = _ARABIC_YEAR.sub("", head)
    head = _rx(r"^关于|关于$|的$|度$").sub("", head.strip())
    head = _rx(r"[\s:：、，,]").sub("", head)
    if head and looks_like_agency(head):
        return head
    if head:
        return region_government(head)
    return None


def agency_in_opening(text: str) -> str | None:
    """The subject of an opening sentence ``2017年，省法制办紧紧围绕…`` (not 我局/本单位)."""
    for m in _YEAR_OPENING.finditer(text[:1500]):
        s = _SUBJECT.match(text, m.end())
        if not s:
            r = _REGION_SUBJECT.match(text, m.end())
            gov = region_government(r.group(1)) if r else None
            if gov:
                return gov
            continue
        end = _extend_name(text, s.end())
        name = text[s.start():end]
        if _NOT_A_NAME.search(name):
            # 2020年，西湖区主动公开政府信息 — the subject is the place, not "…主动公开政府"
            r = _REGION_SUBJECT.match(text, m.end())
            gov = region_government(r.group(1)) if r else None
            if gov:
                return gov
            continue
        if is_self_reference(name) or name.startswith(("我", "本")) or len(name) < 3:
            continue
        return name
    return None


def _line_spans(text: str) -> list[tuple[int, str]]:
    out = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, line.strip()))
        pos += len(line) + 1
    return out


def _date_line(raw: str) -> tuple[str | None, int | None, int | None] | None:
    """(ISO date, year, month) when ``raw`` is a signature's short date line on its own
    (``二00九年一月十九日``), else None."""
    line = raw.replace(" ", "").replace("\u3000", "")
    dm = DATE_RE.fullmatch(line) if len(line) <= 24 else None
    if not dm:
        return None
    found = find_dates(line)
    if not found:
        return None
    _, date, year = found[0]
    try:
        month: int | None = small_number(dm.group(2))
    except ValueError:
        month = None
    return date, year, month


_HEAD_RE = _rx(r"[\u4e00-\u9fff]{1,2}")


def _wrapped_head(lines: list[tuple[int, str]], k: int) -> tuple[str, int]:
    """The signature's agency line, with the one or two characters a right-aligned name
    wrapped onto the line above ("平" / "潭综合实验区投资促进局" in PDF text)."""
    pos, name = lines[k]
    if k > 0 and _HEAD_RE.fullmatch(lines[k - 1][1]):
        return lines[k - 1][1] + name, lines[k - 1][0]
    return name, pos


def signature(text: str) -> tuple[str | None, str | None, int | None, int | None, int]:
    """(printed agency, ISO date or None, year, month, start offset) of the signature block.

    The signature is a short date line (``二00九年一月十九日``) among the last lines, usually
    preceded by the agency's name on its own line. Without one, the offset is ``len(text)``.
    """
    every = _line_spans(text)
    lines = every[-6:]
    for idx in range(len(lines) - 1, -1, -1):
        pos, raw = lines[idx]
        dated = _date_line(raw)
        if dated is None:
            continue
        date, year, month = dated
        if idx > 0 and looks_like_agency(lines[idx - 1][1]):
            name, start = _wrapped_head(every, len(every) - len(lines) + idx - 1)
            return name, date, year, month, start
        return None, date, year, month, pos
    # an appended table (附件：统计表) after the signature: an agency line then a date line
    more = every[-80:-6]
    for idx in range(len(more) - 1, 0, -1):
        if not looks_like_agency(more[idx - 1][1]):
            continue
        dated = _date_line(more[idx][1])
        if dated is None:
            continue
        date, year, month = dated
        name, start = _wrapped_head(more, idx - 1)
        return name, date, year, month, start
    return None, None, None, None, len(text)


def detect_metadata(seg: Segment, doc: Document) -> Meta:
    """Agency, reporting year, kind and publication date of one report (see module doc)."""
    findings: list[Finding] = []
    block = title_block(seg)
    body = seg.text
    page_title = _page_title(seg, doc)
    if not any(_REPORT_WORDS.search(b) for b in block[:3]):
        # a web page (or its PDF or text copy) prints its navigation above the article: the
        # page's own title leads, else the first title-like line further down
        lead = page_title or _title_further_down(body)
        if lead:
            block = [lead, *block]

    # --- kind ---------------------------------------------------------------------------
    # a template has X where numbers belong; an X in a name alone may be anonymisation
    slots = _PLACEHOLDER_SLOT.findall(body)
    if len(slots) >= 2:
        kind = "template"
        findings.append(
            Finding(
                rule="template_unfilled",
                severity="warning",
                message=(
                    f"unfilled template: {len(slots)} placeholders such as "
                    f"{', '.join(sorted(set(slots))[:3]) or 'XXX'}; its numbers are not stored"
                ),
            )
        )
    elif any(_LETTER.search(b) for b in block[:2]) and not any(_rx(r"报告|总结").search(b) for b in block[:2]):
        # 关于2014年政府信息公开工作要点落实情况的函: a letter about the year's work, not a report;
        # its figures are not the year's reported figures
        kind = "letter"
        findings.append(Finding(
            rule="not_a_report", severity="info",
            message="a letter (函), not a report: its numbers are not stored as the year's figures",
        ))
    elif any(_rx(r"总结|工作报告|执行情况[^，。]{0,30}报告").search(b) for b in block[:3]) and not any(
        _rx(r"信息公开|政务公开").search(b) for b in block[:3]
    ):
        kind = "work_summary"
    else:
        kind = "disclosure_report"

    # --- dates and year -------------------------------------------------------------------
    sig_agency, published, sig_year, sig_month, sig_start = signature(body)
    if published is None:
        # a saved web page states its date in the header: 发布日期：2020-02-13
        pm = _PAGE_DATE.search(body[:1500])
        if pm:
            y, mo, d = (int(g) for g in pm.groups())
            if 1 <= mo <= 12 and 1 <= d <= 31:
                published = f"{y:04d}-{mo:02d}-{d:02d}"
                if sig_year is None:
                    sig_year, sig_month = y, mo
    if published is None and page_title:
        pm = _rx(r"\s*((?:19|20)[0-9]{2})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})").match(doc.meta.get("PubDate", ""))
        if pm:
            y, mo, d = (int(g) for g in pm.groups())
            if 1 <= mo <= 12 and 1 <= d <= 31:
                published = f"{y:04d}-{mo:02d}-{d:02d}"
                if sig_year is None:
                    sig_year, sig_month = y, mo
    year = None
    for b in block:
        year = _year_in(_PAGE_DATE.sub("", b))
        if year:
            break
    if year is None and kind != "template":
        # the opening text, never the signature block (its date is the publication date)
        opening = _PAGE_DATE.sub("", body[: min(400, sig_start)])
        # years inside brackets and book titles are about laws and notices
        # (《条例》（2019年修订）, 国办公开办函〔2021〕30号), not the reporting year
        opening = _CITED.sub("", opening)
        # the reporting period when the text states it (统计期限自2020年1月1日起 / "2020年，…"),
        # else the first year named
        m = _PERIOD.search(opening) or _YEAR_LEAD.search(opening) or _rx(
            r"(?<![0-9])((?:19|20)[0-9]{2})\s*年").search(opening)
        if m:
            year = int(m.group(1))
        else:
            for ym in YEAR_RE.finditer(opening):
                year = parse_year(ym.group(1))
                if year:
                    break
    if year is None and sig_year is not None and kind != "template":
        early = sig_month is None or sig_month <= 6
        year = sig_year - 1 if early and kind == "disclosure_report" else sig_year

    # --- agency -------------------------------------------------------------------------
    names: list[str] = []
    for b in block:
        name = agency_in_title(b)
        if name:
            names.append(name)
    for b in block[1:]:
        if looks_like_agency(b) and not _REPORT_WORDS.search(b):
            names.append(normalise_name(b))
    source = normalise_name(doc.meta.get("ContentSource", "")) if page_title else ""
    if source and looks_like_agency(source) and not source.endswith(("社", "网", "报", "台")):
        names.append(source)
    if sig_agency and not names:
        # the document's own signature outranks the page's 来源 field, which often names the
        # account that posted it (a letter signed 平潭综合实验区管委会办公室, 来源：平潭县人民政府)
        names.append(normalise_name(sig_agency))
    for pm in _PAGE_AGENCY.finditer(body[:4000]):  # (a page of link-laden navigation first)
        # a saved web page's header: 发布机构：厦门市思明区人民政府办公室
        cand = normalise_name(pm.group(1))
        if looks_like_agency(cand) and not cand.endswith(("社", "网", "报", "台")):  # 来源：新华社
            names.append(cand)
    opening_name = agency_in_opening(body)
    if opening_name:
        names.append(normalise_name(opening_name))
    if sig_agency:
        names.append(normalise_name(sig_agency))
    names = [n for n in dict.fromkeys(names) if n and not is_self_reference(n)]

    printed = names[0] if names else None
    agency: str | None = None
    if printed is None:
        if kind != "template":
            findings.append(
                Finding(
                    rule="agency_unknown",
                    severity="warning",
                    message="no agency name found in the title, the opening sentence or the signature",
                )
            )
    elif is_placeholder(printed) and kind == "template":
        agency = None  # the template finding says it all
    elif is_anonymised(printed) or is_placeholder(printed):
        findings.append(
            Finding(
                rule="agency_anonymised",
                severity="warning",
                message=f"the agency name is anonymised as printed ({printed}); stored without an agency",
            )
        )
    else:
        agency = canonical_agency(printed) or None

    if year is None and kind != "template":
        findings.append(
            Finding(rule="year_unknown", severity="warning", message="no reporting year found in the title or text")
        )

    return Meta(
        agency=agency,
        printed_agency=printed,
        year=year,
        kind=kind,
        form="narrative",
        published=published,
        findings=findings,
        printed_names=names,
    )
