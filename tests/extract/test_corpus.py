"""The real corpus (``../shared/corpus``): every hand-read gold fact, scored as ``score.py`` does.

The gold is the corpus's own (``../shared/corpus/gold``) plus the project's labels of the
documents that had none (``corpus/gold/``). Fails on any wrong value, on a report-level miss (year, kind, agency) and on any gold fact
missing that is not yet listed in ``corpus/known_missing.json`` — the list of what extraction
still leaves out, which may only shrink: a fact read right is removed from it (the test says
which), so recall never goes back. The score is printed at the end of the run.
"""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
SCORE_PY = ROOT.parent / "shared" / "tools" / "score.py"
KNOWN = Path(__file__).with_name("corpus") / "known_missing.json"

if not (CORPUS / "gold").is_dir() or not SCORE_PY.is_file():  # pragma: no cover - CI has it
    pytest.skip("../shared/corpus is not beside the project", allow_module_level=True)

_spec = importlib.util.spec_from_file_location("corpus_score", SCORE_PY)
score = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(score)  # type: ignore[union-attr]

#: the corpus's own gold, and the project's labels of the corpus documents that had none
#: (tests/extract/corpus/gold/, read by hand and checked against the forms' identities)
PROJECT_GOLD = Path(__file__).with_name("corpus") / "gold"
GOLD = sorted([*(CORPUS / "gold").glob("*.json"), *PROJECT_GOLD.glob("*.json")], key=lambda g: g.stem)
#: per gold file: (correct, gold facts, wrong, missing) — printed by tests/conftest.py
SCORES: dict[str, tuple[int, int, int, int]] = {}


def _known() -> dict:
    return json.loads(KNOWN.read_text(encoding="utf-8"))


def _extract(path: Path) -> list[dict]:
    from etl.extract.pipeline import extract_file

    return [r.to_dict() for r in extract_file(path)]


def gap_problems(r: dict, known: dict, listing: str) -> list[str]:
    """What fails in one scored report (``score.score_report``): a wrong value, a report-level
    miss, a missing fact not listed as a known gap — and a listed gap or miss that is gone, so
    that ``listing`` only ever shrinks."""
    problems = [f"wrong {w}" for w in r["wrong"]]
    meta_known = set(known.get("meta", []))
    problems += [m for m in r["meta"] if m not in meta_known]
    allowed = {tuple(x) for x in known.get("missing", [])}
    missing = {tuple(m) for m in r["missing"]}
    problems += [f"missing {m} (not a known gap)" for m in sorted(missing - allowed)]
    problems += [f"now read right, remove from {listing}: {m}" for m in sorted(allowed - missing)]
    problems += [f"meta now right, remove from {listing}: {m}" for m in sorted(meta_known - set(r["meta"]))]
    return problems


@pytest.mark.parametrize("gold_file", GOLD, ids=[g.stem for g in GOLD])
def test_corpus_document(gold_file: Path) -> None:
    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    reports = gold.get("reports") or [gold]
    preds = _extract(CORPUS / (gold.get("file") or gold["source"]))
    known = _known().get(gold_file.stem, {})
    correct = total = wrong_n = missing_n = 0
    problems: list[str] = []
    for i, (g, p) in enumerate(zip(reports, score.match_reports(reports, preds))):
        r = score.score_report(g, p)
        correct += r["correct"]
        total += r["gold"]
        wrong_n += len(r["wrong"])
        missing_n += len(r["missing"])
        problems += [f"[{i}] {x}" for x in gap_problems(r, known, KNOWN.name)]
        if r["spurious"]:
            problems.append(f"[{i}] {r['spurious']} fact(s) from a document that has none")
    SCORES[gold_file.stem] = (correct, total, wrong_n, missing_n)
    assert not problems, "\n".join(problems)


def test_known_gaps_name_only_gold_documents() -> None:
    assert set(_known()) <= {g.stem for g in GOLD}


def test_project_labels_do_not_shadow_the_corpus_gold() -> None:
    assert not {g.stem for g in PROJECT_GOLD.glob("*.json")} & {g.stem for g in (CORPUS / "gold").glob("*.json")}
