"""Agency names: one canonical name for the many ways reports print it.

A report's title says 芗城区外经局, its signature 芗城区外经贸局 and its text
芗城区对外贸易经济合作局 — one agency. The rule: keep the region prefix as printed (芗城区, 省,
杭州市), and replace a known short form of the agency body by its full form, matching the longest
known suffix. The table below lists full forms with their common abbreviations; it is general
knowledge about Chinese agency names, not a list of seed agencies.

Two kinds of non-names are told apart:
- placeholders of an unfilled template (``XXX局``, upper-case X) — :func:`is_placeholder`;
- anonymised names of a published report (``xx单位``, ``××厅``, ``某某局``) — :func:`is_anonymised`.
"""
from __future__ import annotations

from etl.extract.formlabels import TRAD_TABLE
from etl.read.recache import compile as _rx

# full form → printed short forms (and variant word orders)
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "对外贸易经济合作局": ("对外经济贸易合作局", "外经贸局", "外经局"),
    "对外贸易经济合作厅": ("对外经济贸易合作厅", "外经贸厅"),
    "发展和改革委员会": ("发展与改革委员会", "发展改革委员会", "发展改革委", "发改委"),
    "发展和改革局": ("发展改革局", "发改局"),
    "人力资源和社会保障局": ("人力资源社会保障局", "人力社保局", "人社局"),
    "人力资源和社会保障厅": ("人力资源社会保障厅", "人社厅"),
    "人民政府法制办公室": ("政府法制办公室", "法制办公室", "政府法制办", "法制办"),
    "人民政府办公室": ("人民政府办", "政府办公室", "政府办"),
    "市场监督管理局": ("市场监管局",),
    "住房和城乡建设局": ("住房城乡建设局", "住建局"),
    "住房和城乡建设厅": ("住房城乡建设厅", "住建厅"),
    "国土资源局": ("国土局",),
    "环境保护局": ("环保局",),
    "卫生和计划生育委员会": ("卫生计生委", "卫计委"),
    "卫生健康委员会": ("卫生健康委", "卫健委"),
    "交通运输局": ("交通局",),
    "科学技术局": ("科技局",),
    "科学技术厅": ("科技厅",),
    "经济和信息化委员会": ("经济信息化委员会", "经信委"),
    "经济和信息化局": ("经济信息化局", "经信局"),
    "安全生产监督管理局": ("安全监管局", "安监局"),
    "食品药品监督管理局": ("食品药品监管局", "食药监局"),
    "质量技术监督局": ("质监局",),
    "工商行政管理局": ("工商局",),
    "地方税务局": ("地税局",),
    "国家税务局": ("国税局",),
    "城市管理局": ("城管局",),
    "文化广电和旅游局": ("文化广电旅游局", "文广旅局"),
    "外事侨务办公室": ("外侨办",),
    "机构编制委员会办公室": ("编委办", "编办"),
    "住房公积金管理中心": ("公积金中心",),
    "教育和体育局": ("教体局",),
    "卫生健康局": ("卫健局",),
    "应急管理局": ("应急局",),
    "医疗保障局": ("医保局",),
    "退役军人事务局": ("退役军人局", "退役军人事务管理局"),
    "工业和信息化局": ("工业信息化局", "工信局"),
    "人民防空办公室": ("人防办",),
    "自然资源和规划局": ("自然资源规划局", "资规局"),
    "文化和旅游局": ("文化旅游局", "文旅局"),
    "行政服务中心管理委员会": ("行政服务中心管委会",),
}

# longest printed form first, so 外经贸局 wins over 外经局 … and full forms match themselves
_SUFFIXES: list[tuple[str, str]] = sorted(
    [(full, full) for full in ABBREVIATIONS]
    + [(alias, full) for full, aliases in ABBREVIATIONS.items() for alias in aliases],
    key=lambda p: -len(p[0]),
)

SELF_REFERENCES = ("我局", "本局", "我办", "本办", "我委", "本委", "我厅", "本厅", "我单位", "本单位",
                   "我部", "本部", "我院", "本院", "我中心", "本中心", "本机关", "我机关", "我区", "我市",
                   "我县", "我镇", "我府", "本府", "我署", "我会")

# endings that make a printed string look like an agency name
AGENCY_SUFFIX = (
    r"(?:人民政府办公室|人民政府办公厅|人民政府|委员会|办公室|办公厅|管理局|管理处|管理所|中心|政府|单位|集团|公司|"
    r"[局委办厅院部署会处所站室馆队庭府社])"
)

_PLACEHOLDER = _rx(r"[XＸ]{1,}")
_ANONYMISED = _rx(r"[xｘ×＊*]{1,}|某某|^某|某(?:[省市区县乡镇局委办厅]|单位|部门)|[○◯]{2,}|[？?]{2,}")


def normalise_name(printed: str) -> str:
    """Whitespace, quotes and brackets removed; traditional script folded (names only).

    A traditional-script mirror of a report names the same agency, so it must resolve to the
    same canonical (simplified) name.
    """
    s = _rx(r"[\s\u3000“”\"'‘’《》]").sub("", printed or "").translate(TRAD_TABLE)
    s = s.replace("（", "(").replace("）", ")")
    return s


def is_placeholder(name: str | None) -> bool:
    """An unfilled template's slot: upper-case X runs (``XXX局``, ``XX条``, ``X年``)."""
    return bool(name) and bool(_PLACEHOLDER.search(name or ""))


def is_anonymised(name: str | None) -> bool:
    """A published name masked on purpose: ``xx单位``, ``××厅``, ``某某局``."""
    return bool(name) and not is_placeholder(name) and bool(_ANONYMISED.search(name or ""))


def is_self_reference(name: str) -> bool:
    """我局 / 本单位 … name nobody: the agency must come from elsewhere in the text."""
    return normalise_name(name) in SELF_REFERENCES


def canonical_agency(printed: str) -> str:
    """The canonical name: region prefix as printed + the full form of the agency body.

    ``芗城区外经局`` and ``芗城区外经贸局`` → ``芗城区对外贸易经济合作局``;
    ``省法制办`` and ``省政府法制办`` → ``省人民政府法制办公室``. Self references (我局, 本局)
    give ``""`` because they name no agency. Unknown names are returned normalised.
    """
    s = normalise_name(printed)
    for prefix in ("我局", "本局"):
        if s == prefix:
            return ""
    if is_self_reference(s):
        return ""
    for printed_suffix, full in _SUFFIXES:
        if s.endswith(printed_suffix):
            region = s[: len(s) - len(printed_suffix)]
            if full.startswith("人民政府"):
                for gov in ("人民政府", "政府"):
                    if region.endswith(gov):
                        region = region[: -len(gov)]
                        break
            return region + full
    if s.endswith("政府") and not s.endswith("人民政府") and len(s) > 2:
        return s[:-2] + "人民政府"
    return s


def looks_like_agency(name: str) -> bool:
    """A short string ending like an agency name (局, 委员会, 办公室 …), not a sentence."""
    s = normalise_name(name)
    return 2 <= len(s) <= 30 and _rx(r"[\u4e00-\u9fffA-Za-z×＊*○()]+" + AGENCY_SUFFIX).fullmatch(s) is not None
