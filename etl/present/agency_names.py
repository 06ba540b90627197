"""English labels for agency names, for the English view (no Streamlit).

Why: a supervisor reading the English view met only Chinese names. Agencies keep their Chinese
name everywhere it is a key (URLs, filters, colours, the database); only what a reader sees
changes. The label comes from, in order:

1. ``config/agency_names.csv`` (``name,english``): official English names an analyst knows;
2. composition: an agency's canonical name is a chain of places (each ending in a level word:
   省, 市, 区, 县, 镇, 街道, 综合实验区 …) followed by a body (商务局, 人民政府, 街道办事处 …), so the
   label is the places in pinyin with their level in English, then the body's usual English
   name — 青川市商务局 → "Qingchuan City Commerce Bureau";
3. nothing: a name whose body is not in :data:`BODIES`, or whose prefix is not a chain of
   places, has no label, and the view shows the Chinese name (never a guessed translation).
"""
from __future__ import annotations

import csv
import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    import pandas as pd

KNOWN_PATH = Path(__file__).resolve().parents[2] / "config" / "agency_names.csv"

#: agency bodies → their usual English names (general knowledge about Chinese government
#: agencies, as :data:`etl.extract.agencies.ABBREVIATIONS` is); the longest matching suffix wins
BODIES: dict[str, str] = {
    "人民政府": "People's Government",
    "人民政府办公室": "People's Government General Office",
    "人民政府办公厅": "People's Government General Office",
    "政府办公室": "Government General Office",
    "管理委员会": "Administrative Committee",
    "管委会": "Administrative Committee",
    "管理委员会办公室": "Administrative Committee Office",
    "街道办事处": "Sub-district Office",
    "镇人民政府": "Town People's Government",
    "乡人民政府": "Township People's Government",
    "发展和改革委员会": "Development and Reform Commission",
    "发展和改革局": "Development and Reform Bureau",
    "经济发展局": "Economic Development Bureau",
    "经济和信息化局": "Economy and Information Technology Bureau",
    "工业和信息化局": "Industry and Information Technology Bureau",
    "教育局": "Education Bureau",
    "教育厅": "Department of Education",
    "科学技术局": "Science and Technology Bureau",
    "公安局": "Public Security Bureau",
    "民政局": "Civil Affairs Bureau",
    "司法局": "Justice Bureau",
    "财政局": "Finance Bureau",
    "财政厅": "Department of Finance",
    "人力资源和社会保障局": "Human Resources and Social Security Bureau",
    "自然资源局": "Natural Resources Bureau",
    "自然资源和规划局": "Natural Resources and Planning Bureau",
    "国土资源局": "Land and Resources Bureau",
    "规划局": "Planning Bureau",
    "环境保护局": "Environmental Protection Bureau",
    "生态环境局": "Ecology and Environment Bureau",
    "住房和城乡建设局": "Housing and Urban-Rural Development Bureau",
    "交通运输局": "Transport Bureau",
    "水利局": "Water Resources Bureau",
    "农业农村局": "Agriculture and Rural Affairs Bureau",
    "农业局": "Agriculture Bureau",
    "林业局": "Forestry Bureau",
    "海洋与渔业局": "Ocean and Fisheries Bureau",
    "商务局": "Commerce Bureau",
    "商务厅": "Department of Commerce",
    "对外贸易经济合作局": "Foreign Trade and Economic Cooperation Bureau",
    "投资促进局": "Investment Promotion Bureau",
    "文化和旅游局": "Culture and Tourism Bureau",
    "文化广电和旅游局": "Culture, Radio, Television and Tourism Bureau",
    "旅游局": "Tourism Bureau",
    "体育局": "Sports Bureau",
    "卫生和计划生育委员会": "Health and Family Planning Commission",
    "卫生健康委员会": "Health Commission",
    "卫生健康局": "Health Bureau",
    "退役军人事务局": "Veterans Affairs Bureau",
    "应急管理局": "Emergency Management Bureau",
    "安全生产监督管理局": "Work Safety Administration",
    "审计局": "Audit Bureau",
    "市场监督管理局": "Market Regulation Administration",
    "工商行政管理局": "Administration for Industry and Commerce",
    "质量技术监督局": "Quality and Technical Supervision Bureau",
    "食品药品监督管理局": "Food and Drug Administration",
    "统计局": "Statistics Bureau",
    "医疗保障局": "Healthcare Security Administration",
    "城市管理局": "Urban Management Bureau",
    "城市管理综合执法局": "Urban Management and Law Enforcement Bureau",
    "行政审批局": "Administrative Approval Bureau",
    "行政服务中心": "Administrative Service Centre",
    "税务局": "Taxation Bureau",
    "地方税务局": "Local Taxation Bureau",
    "国家税务局": "State Taxation Bureau",
    "档案局": "Archives Bureau",
    "民族宗教事务局": "Ethnic and Religious Affairs Bureau",
    "外事办公室": "Foreign Affairs Office",
    "信访局": "Letters and Calls Bureau",
    "粮食和物资储备局": "Grain and Material Reserves Bureau",
    "物价局": "Price Bureau",
    "人民防空办公室": "Civil Air Defence Office",
    "机关事务管理局": "Government Offices Administration",
    "大数据管理局": "Big Data Bureau",
    "数据资源管理局": "Data Resources Bureau",
}

#: level words that end a place name, longest first within each ending, with their English
PLACE_LEVELS: dict[str, str] = {
    "综合实验区": "Comprehensive Pilot Zone",
    "经济技术开发区": "Economic and Technological Development Zone",
    "高新技术产业开发区": "High-tech Industrial Development Zone",
    "开发区": "Development Zone",
    "自治区": "Autonomous Region",
    "自治州": "Autonomous Prefecture",
    "自治县": "Autonomous County",
    "新区": "New Area",
    "地区": "Prefecture",
    "街道": "Sub-district",
    "省": "Province",
    "市": "City",
    "区": "District",
    "县": "County",
    "旗": "Banner",
    "镇": "Town",
    "乡": "Township",
}
_PLACE = re.compile(r"([\u4e00-\u9fff]{1,6}?)(" + "|".join(
    sorted(PLACE_LEVELS, key=len, reverse=True)) + ")")
#: bodies whose first word is the level of the place just before it (朝阳 + 街道办事处)
_LEVEL_IN_BODY = ("街道", "镇", "乡")


def _pinyin(chinese: str) -> str:
    from pypinyin import lazy_pinyin  # loaded only by an English view

    return "".join(lazy_pinyin(chinese)).capitalize()


def _places(prefix: str, bare_last: bool) -> list[str] | None:
    """English of a chain of places (青川市东城区 → Qingchuan City, Dongcheng District); the last
    name may come without its level word when the body carries it. None if it is not a chain."""
    out: list[str] = []
    at = 0
    while at < len(prefix):
        m = _PLACE.match(prefix, at)
        if m is None:
            break
        out.append(f"{_pinyin(m.group(1))} {PLACE_LEVELS[m.group(2)]}")
        at = m.end()
    rest = prefix[at:]
    if rest:
        if not bare_last or not re.fullmatch(r"[\u4e00-\u9fff]{1,6}", rest):
            return None
        out.append(_pinyin(rest))
    return out


@functools.lru_cache(maxsize=1)
def _known(path: str) -> dict[str, str]:
    p = Path(path)
    if not p.is_file():
        return {}
    with p.open(encoding="utf-8-sig", newline="") as fh:
        return {(r.get("name") or "").strip(): (r.get("english") or "").strip()
                for r in csv.DictReader(fh) if (r.get("name") or "").strip() and (r.get("english") or "").strip()}


@functools.lru_cache(maxsize=65536)
def english_name(name: str | None) -> str | None:
    """The agency's English label, or None where none is known (see the module docstring)."""
    if not isinstance(name, str) or not name.strip():
        return None
    name = name.strip()
    known = _known(str(KNOWN_PATH))
    if name in known:
        return known[name]
    for body in sorted((b for b in BODIES if name.endswith(b)), key=len, reverse=True):
        prefix = name[: -len(body)]
        if not prefix:
            continue
        places = _places(prefix, body.startswith(_LEVEL_IN_BODY))
        if places:
            return " ".join([*places, BODIES[body]])
    return None


def region_label(region: str | None, lang: str | None) -> str:
    """A region (青川市, 东城区) as the reader sees it: in English its places in pinyin with their
    level (Qingchuan City) when it is a chain of places, else as printed."""
    if lang != "en" or not isinstance(region, str) or not region:
        return region or ""
    places = _places(region, False)
    return " ".join(places) if places else region


def agency_label(name: str | None, lang: str | None) -> str:
    """What a reader sees for an agency: the Chinese name, or in English its label where known."""
    if lang == "en":
        return english_name(name) or (name or "")
    return name or ""


def agency_option(name: str | None, lang: str | None) -> str:
    """An agency in a picker: in English its label with the Chinese name after it, so either
    can be typed to find it."""
    label = agency_label(name, lang)
    return f"{label} · {name}" if name and label != name else (name or "")


def labels(names: Iterable[str | None], lang: str | None) -> dict[str, str]:
    """name → shown label for each distinct name (empty in Chinese: nothing to change)."""
    if lang != "en":
        return {}
    return {n: agency_label(n, lang) for n in dict.fromkeys(names) if isinstance(n, str)}


#: the column a table shows the Chinese name in, next to an English label
CHINESE_COLUMN = "Chinese name"


def relabel_frame(df: "pd.DataFrame", lang: str | None,
                  columns: Iterable[str] = ("agency", "Agency")) -> "pd.DataFrame":
    """A table for the English view: agency columns show the English label where one is known,
    with the Chinese name kept in a column beside it (the name a report prints, and what a
    supervisor searches for). Unchanged in Chinese, or when no label is known."""
    if lang != "en" or df is None or df.empty:
        return df
    out = df
    for col in [c for c in columns if c in df.columns]:
        mapping = labels(df[col].tolist(), lang)
        if not any(k != v for k, v in mapping.items()):
            continue
        out = out.copy() if out is df else out
        at = list(out.columns).index(col)
        zh = CHINESE_COLUMN if CHINESE_COLUMN not in out.columns else f"{col} ({CHINESE_COLUMN})"
        out.insert(at + 1, zh, out[col])
        out[col] = out[col].map(lambda v: mapping.get(v, v) if isinstance(v, str) else v)
    return out
