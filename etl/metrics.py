"""The metric dictionary: the contract shared by extractor, database, spreadsheets and dashboard.

The CSV beside this module is the project's copy of ``shared/spec/metrics.csv``; ids are never
renamed. Loaded once per process because every stage consults it.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

METRICS_CSV = Path(__file__).with_name("metrics.csv")

APPLICANT_KEYS: tuple[str, ...] = (
    "natural_person",
    "commercial",
    "research",
    "public_welfare",
    "legal_services",
    "other_org",
)

APPLICANT_LABELS_ZH: dict[str, str] = {
    "": "总计",
    "natural_person": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "public_welfare": "社会公益组织",
    "legal_services": "法律服务机构",
    "other_org": "其他",
}

UNIT_LABELS_ZH: dict[str, str] = {"count": "件", "cny": "元", "usd": "美元", "pct": "%"}


@dataclass(frozen=True)
class Metric:
    metric_id: str
    domain: str
    label_zh: str
    label_en: str
    unit: str
    breakdown: str
    source: str

    def label(self, lang: str = "zh") -> str:
        return self.label_en if lang == "en" else self.label_zh


@lru_cache(maxsize=1)
def load_metrics() -> dict[str, Metric]:
    """All metrics by id, in dictionary order."""
    with METRICS_CSV.open(encoding="utf-8", newline="") as fh:
        return {row["metric_id"]: Metric(**row) for row in csv.DictReader(fh)}


def metric(metric_id: str) -> Metric:
    """One metric; KeyError names the unknown id."""
    try:
        return load_metrics()[metric_id]
    except KeyError:
        raise KeyError(f"unknown metric id: {metric_id}") from None


def unit_of(metric_id: str) -> str:
    return metric(metric_id).unit
