"""English labels of the categories of proactively disclosed information, for the English view.

Categories are what each report prints (the 2008–2018 narrative reports name their own: 规划计划,
政策、规范性文件, 民政扶贫救灾社会保障就业 …), so there is no closed list to translate. A name is
read as a sequence of the usual terms of the 条例 and of such reports (longest term first,
separators 、，/ and the connectors 及 和 与 或 between them, a trailing 信息 or 类 dropped) and the
English label is the terms' English names joined; a name with any part that is not a known
term keeps its Chinese name, as an agency name does (``agency_names.py``) — a half-translated
label would be a guess.
"""
from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    import pandas as pd

#: the usual terms of category names → English (general vocabulary of the 条例 and the reports)
TERMS: dict[str, str] = {
    "机构职能": "organisation and functions", "主要职能": "main functions", "职能": "functions",
    "机构": "organisation", "机构设置": "organisational set-up", "办事程序": "procedures", "办事指南": "service guides",
    "政策法规": "policies and regulations", "政策": "policies", "法规": "regulations",
    "法律法规": "laws and regulations", "规章": "rules", "规范性文件": "normative documents",
    "文件": "documents", "政策解读": "policy interpretation",
    "规划计划": "plans and programmes", "发展规划": "development plans", "规划": "plans",
    "计划": "programmes", "总结": "summaries", "工作动态": "work updates", "动态": "updates",
    "人事信息": "personnel", "人事任免": "appointments and removals", "人事": "personnel",
    "财政预决算": "budgets and final accounts", "财务预决算": "budgets and final accounts",
    "预决算": "budgets and final accounts", "财政资金": "public funds", "财政": "public finance",
    "行政许可": "administrative licensing", "行政审批": "administrative approval",
    "行政处罚": "administrative penalties", "行政执法": "law enforcement",
    "行政事业性收费": "administrative fees", "收费": "fees",
    "政府集中采购项目": "centralised government procurement", "政府采购": "government procurement",
    "招标采购": "tenders and procurement", "招投标": "tenders", "采购": "procurement",
    "统计信息": "statistics", "统计数据": "statistics", "统计": "statistics",
    "应急管理": "emergency management", "突发公共事件": "public emergencies",
    "安全生产": "work safety", "科教文体卫生": "science, education, culture, sports and health",
    "科技": "science and technology", "教育": "education", "文化": "culture", "体育": "sports",
    "卫生": "health", "医疗": "medical care", "公共卫生": "public health",
    "食品药品": "food and drugs", "产品质量": "product quality",
    "国土资源": "land and resources", "城乡建设": "urban and rural construction",
    "城乡建设和管理的重大事项": "major matters of urban and rural construction and management",
    "环境保护": "environmental protection", "环保": "environmental protection", "能源": "energy",
    "重大建设项目": "major construction projects", "为民办实事": "practical projects for the public",
    "民政": "civil affairs", "扶贫": "poverty relief", "救灾": "disaster relief",
    "社会保障": "social security", "社保": "social security", "社会救助": "social assistance",
    "就业": "employment", "促进就业": "employment promotion",
    "社会公益事业建设": "public-welfare undertakings", "公益事业": "public-welfare undertakings",
    "征收或征用土地": "land expropriation", "征地拆迁": "land expropriation and demolition",
    "重大事项": "major matters", "交通运输": "transport", "农业": "agriculture", "水利": "water resources",
    "住房": "housing", "价格": "prices", "税收": "taxation", "审计": "audit", "业务": "business", "公告公示": "announcements",
    "通知公告": "notices", "其他应主动公开的政府信息": "other information to be disclosed",
    "其他应主动公开政府信息": "other information to be disclosed",
    "其他应主动公开的信息": "other information to be disclosed",
    "其他信息": "other information", "其他": "other",
}
_TERMS_BY_LENGTH = sorted(TERMS, key=len, reverse=True)
_SEPARATORS = re.compile(r"[、，,/／;；\s]+")
_CONNECTORS = ("及", "和", "与", "或", "以及")
_SUFFIXES = ("信息", "类", "方面", "工作")


def _terms(part: str) -> list[str] | None:
    """``part`` as known terms (and connectors) in order, longest first; None if any of it is
    not a known term."""
    out: list[str] = []
    i = 0
    while i < len(part):
        for term in _TERMS_BY_LENGTH:
            if part.startswith(term, i):
                out.append(TERMS[term])
                i += len(term)
                break
        else:
            conn = next((c for c in sorted(_CONNECTORS, key=len, reverse=True) if part.startswith(c, i)), None)
            rest = part[i:]
            if conn and out:
                i += len(conn)
                continue
            if rest in _SUFFIXES and out:
                break
            return None
    return out or None


@functools.lru_cache(maxsize=4096)
def english_category(name: str | None) -> str | None:
    """The English label of a category name where every part of it is a known term, else None."""
    if not isinstance(name, str) or not name.strip():
        return None
    words: list[str] = []
    for part in _SEPARATORS.split(name.strip()):
        if not part:
            continue
        terms = _terms(part)
        if terms is None:
            stripped = next((part[: -len(s)] for s in _SUFFIXES if part.endswith(s) and len(part) > len(s)), None)
            terms = _terms(stripped) if stripped else None
        if terms is None:
            return None
        words.extend(terms)
    if not words:
        return None
    words = list(dict.fromkeys(words))  # 财政预决算及预决算 → once
    text = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return text[:1].upper() + text[1:]


def category_label(name: str | None, lang: str | None) -> str:
    """What a reader sees for a category: the Chinese name, or in English its label where known."""
    if lang == "en":
        return english_category(name) or (name or "")
    return name or ""


def labels(names: Iterable[object], lang: str | None) -> dict[str, str]:
    """name → shown label for each distinct category name that has one (empty in Chinese)."""
    if lang != "en":
        return {}
    out = {}
    for n in dict.fromkeys(names):
        if isinstance(n, str) and (label := english_category(n)):
            out[n] = label
    return out


#: the column a table shows the Chinese category name in, next to its English label
CHINESE_COLUMN = "category (Chinese)"


def relabel_frame(df: "pd.DataFrame", lang: str | None, column: str = "category") -> "pd.DataFrame":
    """A table for the English view: its category column by English labels where known, the
    Chinese name kept beside it (what the report printed). Unchanged in Chinese."""
    if lang != "en" or df is None or df.empty or column not in df.columns:
        return df
    mapping = labels(df[column].tolist(), lang)
    if not mapping:
        return df
    out = df.copy()
    out.insert(list(out.columns).index(column) + 1, CHINESE_COLUMN, out[column])
    out[column] = out[column].map(lambda v: mapping.get(v, v) if isinstance(v, str) else v)
    return out
