"""Rewrite known_missing.json from what extraction now leaves out of the corpus gold, and with
``--renderings`` known_missing_renderings.json for every rendering of the published pages.

    .venv/bin/python tests/extract/corpus/update_known_missing.py [--renderings]

Refuses to write while any value is wrong: a wrong value is fixed, never recorded as known.
"""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "corpus"


def main() -> int:
    from etl.extract.pipeline import extract_file

    spec = importlib.util.spec_from_file_location("corpus_score", ROOT.parent / "shared" / "tools" / "score.py")
    score = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(score)  # type: ignore[union-attr]
    out: dict = {}
    wrong = 0
    golds = sorted([*(CORPUS / "gold").glob("*.json"), *Path(__file__).with_name("gold").glob("*.json")],
                   key=lambda g: g.stem)
    for gf in golds:
        gold = json.loads(gf.read_text(encoding="utf-8"))
        reports = gold.get("reports") or [gold]
        preds = [r.to_dict() for r in extract_file(CORPUS / (gold.get("file") or gold["source"]))]
        missing, meta = [], []
        for g, p in zip(reports, score.match_reports(reports, preds)):
            r = score.score_report(g, p)
            for w in r["wrong"]:
                print(f"{gf.stem}: wrong {w}")
            wrong += len(r["wrong"])
            missing += [list(m) for m in r["missing"]]
            meta += r["meta"]
        entry = {k: v for k, v in (("missing", missing), ("meta", meta)) if v}
        if entry:
            out[gf.stem] = entry
    if "--renderings" in sys.argv:
        from tests.helpers.renderings import render, renderings_for

        out = {}
        for gf in golds:
            gold = json.loads(gf.read_text(encoding="utf-8"))
            if not gold.get("source", "").endswith((".html", ".txt")):
                continue
            for name in renderings_for(Path(gold["source"])):
                preds = [r.to_dict() for r in extract_file(render(CORPUS / gold["source"], name))]
                r = score.score_report(gold, score.match_reports([gold], preds)[0])
                for w in r["wrong"]:
                    print(f"{gf.stem}:{name}: wrong {w}")
                wrong += len(r["wrong"])
                entry = {k: v for k, v in (("missing", [list(m) for m in r["missing"]]), ("meta", r["meta"])) if v}
                if entry:
                    out[f"{gf.stem}:{name}"] = entry
        target = "known_missing_renderings.json"
    else:
        target = "known_missing.json"
    if wrong:
        print(f"{wrong} wrong value(s): not written")
        return 1
    path = Path(__file__).with_name(target)
    path.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{path}: {sum(len(v.get('missing', [])) for v in out.values())} known missing facts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
