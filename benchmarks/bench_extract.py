"""Extraction speed (issue 3): a 6-page text-layer PDF, and 1,000 HTML / 1,000 text reports.

Not a test: prints medians and ratios against baselines measured in the same run, on one core
(this process; no pool). Targets: the PDF extracted end to end in ≤ 0.3 s; 1,000 HTML or text
reports in ≤ 20 s.

Baselines for the PDF, same file, same run: pypdfium2 reading only the text of every page (the
floor any extraction pays), and pdfplumber extracting text and tables of every page (the naive
way to get the tables).

    .venv/bin/python benchmarks/bench_extract.py [--repeat 7] [--reports 1000]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def median_time(fn, repeat: int) -> float:
    fn()  # warm-up (imports, caches)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--reports", type=int, default=1000)
    args = ap.parse_args()

    import pdfplumber
    import pypdfium2

    from etl.demo import fixtures as fx
    from etl.demo.render import render
    from etl.extract.pipeline import extract_file

    work = Path(tempfile.mkdtemp(prefix="gongkai-bench-extract-"))
    spec = fx.make_standard_report(7, agency="青川市教育局", year=2022, form="2021",
                                   quirks=fx.SIX_PAGE_PDF)
    pdf = work / "six_pages.pdf"
    pdf.write_bytes(render(spec, "pdf", fx.SIX_PAGE_PDF))
    pages = len(pypdfium2.PdfDocument(str(pdf)))
    facts = len(extract_file(pdf)[0].facts)

    def pdfium_text() -> None:
        doc = pypdfium2.PdfDocument(str(pdf))
        for page in doc:
            page.get_textpage().get_text_range()
        doc.close()

    def plumber_all() -> None:
        with pdfplumber.open(str(pdf)) as doc:
            for page in doc.pages:
                page.extract_text()
                page.extract_tables()

    t_ours = median_time(lambda: extract_file(pdf), args.repeat)
    t_pdfium = median_time(pdfium_text, args.repeat)
    t_plumber = median_time(plumber_all, max(3, args.repeat // 2))
    print(f"6-page PDF ({pages} pages, {facts} facts extracted), median of {args.repeat}:")
    print(f"  gongkai extract (text, tables, facts, checks): {t_ours:.3f} s  (target ≤ 0.3 s)")
    print(f"  baseline pypdfium2 text only:                 {t_pdfium:.3f} s  "
          f"(ours / baseline = {t_ours / t_pdfium:.1f}×)")
    print(f"  baseline pdfplumber text + tables:            {t_plumber:.3f} s  "
          f"(pdfplumber / ours = {t_plumber / t_ours:.1f}×)")

    ok = t_ours <= 0.3
    for fmt, suffix in (("html", ".html"), ("txt", ".txt")):
        folder = work / fmt
        folder.mkdir()
        paths = []
        for i in range(args.reports):
            s = fx.make_standard_report(1000 + i, agency=f"青川市测试局{i % 50}",
                                        year=2019 + i % 6)
            p = folder / f"r{i:04d}{suffix}"
            p.write_bytes(render(s, fmt))
            paths.append(p)
        t0 = time.perf_counter()
        n_facts = sum(len(r.facts) for p in paths for r in extract_file(p))
        dt = time.perf_counter() - t0
        ok &= dt <= 20
        print(f"{args.reports} {fmt} reports: {dt:.1f} s ({dt / args.reports * 1000:.1f} ms each, "
              f"{n_facts:,} facts; target ≤ 20 s)")
    print("all targets met" if ok else "some targets missed")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
