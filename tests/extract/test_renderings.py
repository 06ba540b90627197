"""Every published corpus page in the renderings people receive it in (see
``tests/helpers/renderings.py``), scored against the same gold as the page itself.

Fails on any wrong value in any rendering, and on a gold fact missing that
``corpus/known_missing_renderings.json`` does not list for that rendering; a fact read right is
to be removed from that list (the test says which), so it only shrinks.
``tests/extract/corpus/update_known_missing.py --renderings`` rewrites it, refusing while a value
is wrong. On CI every tool must be there: a missing one fails instead of skipping.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.helpers.renderings import Unavailable, render, renderings_for

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
KNOWN = Path(__file__).with_name("corpus") / "known_missing_renderings.json"

if not (CORPUS / "gold").is_dir():  # pragma: no cover - CI has it
    pytest.skip("../shared/corpus is not beside the project", allow_module_level=True)

from tests.extract.test_corpus import gap_problems, score  # noqa: E402  (the same scoring as score.py)

from tests.extract.test_corpus import GOLD  # noqa: E402

def _source(g: Path) -> str:
    return json.loads(g.read_text(encoding="utf-8")).get("source", "")


PAGES = [g for g in GOLD if _source(g).endswith(".html")]
#: narrative reports the corpus has only as text: rendered to PDF as an office would
TEXTS = [g for g in GOLD if _source(g).endswith(".txt")]
CASES = [(g, name) for g in PAGES + TEXTS for name in renderings_for(Path(_source(g))) if name != "pdf-libreoffice"] + \
        [(g, "pdf-libreoffice") for g in PAGES + TEXTS]
#: (gold file, rendering) → (correct, gold facts, wrong) — printed by tests/conftest.py
SCORES: dict[tuple[str, str], tuple[int, int, int]] = {}


def rendered(gold_file: Path, name: str) -> Path:
    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    try:
        return render(CORPUS / gold["source"], name)
    except Unavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"{name}: {exc}")
        pytest.skip(f"{name}: {exc}")


@pytest.mark.parametrize("gold_file, rendering", CASES, ids=[f"{g.stem}:{n}" for g, n in CASES])
def test_rendering(gold_file: Path, rendering: str) -> None:
    from etl.extract.pipeline import extract_file

    path = rendered(gold_file, rendering)
    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    preds = [r.to_dict() for r in extract_file(path)]
    r = score.score_report(gold, score.match_reports([gold], preds)[0])
    label = rendering if gold["source"].endswith(".html") else f"{rendering} (text reports)"
    SCORES[(gold_file.stem, label)] = (r["correct"], r["gold"], len(r["wrong"]))
    known = json.loads(KNOWN.read_text(encoding="utf-8")).get(f"{gold_file.stem}:{rendering}", {})
    problems = gap_problems(r, known, KNOWN.name)
    assert not problems, "\n".join(problems)
