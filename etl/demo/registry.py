"""The agencies of 青川市, the fictional city of the demo corpus.

Why a registry: the demo must look like a real city (municipal bureaus, district bureaus, a few
towns and sub-districts, bureaus renamed in the 2018–2019 reorganisation), and the dashboard's
region/level filters need attributes no report prints. Each agency has its canonical name (the
printed full name, which is what :func:`etl.extract.agencies.canonical_agency` returns for it), the short
names some of its reports print (chosen among abbreviations the agency-name rules resolve), its
district, level (市级 / 区级 / 乡镇), whether it is a commerce agency (work summaries with
investment indicators), a size that scales its volumes, and the years it existed.
"""
from __future__ import annotations

from dataclasses import dataclass

CITY = "青川市"
DISTRICTS: tuple[str, ...] = ("东城区", "西城区", "滨江区", "北塘区")
LEVELS: tuple[str, ...] = ("市级", "区级", "乡镇")
FIRST_YEAR, LAST_YEAR = 2008, 2024


@dataclass(frozen=True)
class Agency:
    """One agency of the demo city."""

    name: str  # canonical (printed full) name
    region: str  # 青川市 for municipal agencies, else the district
    level: str  # 市级 / 区级 / 乡镇
    aliases: tuple[str, ...] = ()
    is_commerce: bool = False
    size: float = 1.0
    first_year: int = FIRST_YEAR
    last_year: int = LAST_YEAR
    makes_regulations: bool = False

    def active(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year


def _m(name: str, size: float, aliases: tuple[str, ...] = (), **kw) -> Agency:
    return Agency(name=CITY + name, region=CITY, level="市级", size=size,
                  aliases=tuple(CITY + a for a in aliases), **kw)


def _d(district: str, name: str, size: float, aliases: tuple[str, ...] = (), **kw) -> Agency:
    return Agency(name=district + name, region=district, level="区级", size=size,
                  aliases=tuple(district + a for a in aliases), **kw)


def _t(district: str, name: str, size: float, aliases: tuple[str, ...] = ()) -> Agency:
    return Agency(name=district + name, region=district, level="乡镇", size=size,
                  aliases=tuple(district + a for a in aliases))


AGENCIES: tuple[Agency, ...] = (
    # municipal (市级)
    _m("人民政府办公室", 3.0, ("政府办",), makes_regulations=True),
    _m("发展和改革委员会", 2.0, ("发改委",)),
    _m("教育局", 2.5),
    _m("科学技术局", 0.8, ("科技局",)),
    _m("公安局", 3.0),
    _m("民政局", 1.5),
    _m("司法局", 1.0),
    _m("财政局", 1.5),
    _m("人力资源和社会保障局", 2.5, ("人社局",)),
    _m("国土资源局", 2.0, ("国土局",), last_year=2018),
    _m("自然资源和规划局", 2.8, first_year=2019),
    _m("环境保护局", 1.5, ("环保局",), last_year=2018),
    _m("生态环境局", 1.8, first_year=2019),
    _m("住房和城乡建设局", 2.2, ("住建局",)),
    _m("交通运输局", 1.5, ("交通局",)),
    _m("农业农村局", 1.2),
    _m("商务局", 1.5, is_commerce=True),
    _m("卫生和计划生育委员会", 1.8, ("卫计委",), first_year=2014, last_year=2018),
    _m("卫生健康委员会", 2.2, ("卫健委",), first_year=2019),
    _m("市场监督管理局", 2.5, ("市场监管局",), first_year=2019),
    _m("审计局", 0.6),
    _m("统计局", 0.6),
    _m("医疗保障局", 1.2, first_year=2019),
    _m("应急管理局", 1.0, first_year=2019),
    _m("城市管理局", 1.2, ("城管局",)),
    # districts (区级)
    *(a for d in DISTRICTS for a in (
        _d(d, "人民政府", 2.0, ("政府",)),
        _d(d, "教育局", 1.2),
    )),
    _d("东城区", "对外贸易经济合作局", 0.8, ("外经贸局", "外经局"), is_commerce=True),
    _d("滨江区", "对外贸易经济合作局", 1.0, ("外经贸局", "外经局"), is_commerce=True),
    _d("西城区", "人力资源和社会保障局", 1.0, ("人社局",)),
    _d("北塘区", "住房和城乡建设局", 0.8, ("住建局",)),
    # towns and sub-districts (乡镇)
    _t("东城区", "朝阳街道办事处", 0.3),
    _t("西城区", "和平街道办事处", 0.3),
    _t("滨江区", "临江镇人民政府", 0.4, ("临江镇政府",)),
    _t("北塘区", "青石镇人民政府", 0.3, ("青石镇政府",)),
)


def by_name() -> dict[str, Agency]:
    """Canonical name → agency."""
    return {a.name: a for a in AGENCIES}


def alias_map() -> dict[str, str]:
    """Every printed name (canonical and short) → canonical name."""
    out: dict[str, str] = {}
    for a in AGENCIES:
        out[a.name] = a.name
        for al in a.aliases:
            out[al] = a.name
    return out
