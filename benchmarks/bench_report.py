"""Benchmark of the disclosure document: per filing, and a batch on all cores.

    .venv/bin/python benchmarks/bench_report.py                  # per-filing timings (20 filings)
    .venv/bin/python benchmarks/bench_report.py --no-pdf         # the same without the PDF (seconds, not minutes)
    .venv/bin/python benchmarks/bench_report.py --batch 1000     # plus a 1,000-filing batch, HTML+DOCX+XLSX
    .venv/bin/python benchmarks/bench_report.py --batch 100 --batch-formats html,docx,xlsx,pdf

Per filing it times building the document and rendering HTML, DOCX and XLSX (target:
under 200 ms together) and, separately, the PDF: for the synthetic filings, then for
each bundled example (examples/*.yaml, ``--example-runs`` times each). Before timing,
one document is rendered in every format, so that what a process does once (fonts,
templates, imports) is not counted, and the garbage of that and of every PDF is
collected untimed (a PDF leaves so much that collecting it takes over a second, which
would otherwise land on a random later step). The batch writes every document to a temporary
folder through ``juesuan.publish.publish_many`` with one process per core and reports
filings per second.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate_filing

from juesuan.document.build import build_document
from juesuan.filing.io import filing_to_data, load_filing
from juesuan.filing.model import Filing
from juesuan.publish import publish_many, render

TARGET_MS = 200.0
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


FORMATS = ("html", "docx", "xlsx")


def timed(filings: list[Filing], pdf: bool) -> dict[str, list[float]]:
    """Seconds per filing of each step: building the document, then each format."""
    formats = (*FORMATS, "pdf") if pdf else FORMATS
    timings: dict[str, list[float]] = {k: [] for k in ("document", *formats)}
    for filing in filings:
        start = time.perf_counter()
        doc = build_document(filing)
        timings["document"].append(time.perf_counter() - start)
        for fmt in formats:
            start = time.perf_counter()
            render(doc, fmt)
            timings[fmt].append(time.perf_counter() - start)
        if pdf:
            # WeasyPrint leaves some 800,000 objects in reference cycles: collected here, so
            # that the pause (a second or more) is not billed to the next filing's steps.
            gc.collect()
    return timings


def report(timings: dict[str, list[float]]) -> float:
    """Print the timings; the mean of document + HTML + DOCX + XLSX, in ms."""
    for key, values in timings.items():
        print(f"  {key:<10}中位数 {ms(statistics.median(values))}  平均 {ms(statistics.mean(values))}")
    count = len(timings["document"])
    together = [sum(timings[k][i] for k in ("document", *FORMATS)) for i in range(count)]
    mean = statistics.mean(together) * 1000
    print(f"  文档 + HTML + DOCX + XLSX：平均 {mean:.1f} ms/份（目标 < {TARGET_MS:.0f} ms）："
          + ("达到" if mean < TARGET_MS else "未达到"))
    return mean


def per_filing(count: int, rows: int, pdf: bool = True, example_runs: int = 5) -> bool:
    filings = [generate_filing(seed, rows=rows) for seed in range(count)]
    warm = build_document(filings[0])
    for fmt in ("pdf", *FORMATS):  # warm up: fonts, templates, caches
        render(warm, fmt)
    gc.collect()  # and the warm-up's garbage (see timed)
    print(f"juesuan 文档基准：{count} 份合成填报（每份约 {rows} 行支出），单进程")
    met = report(timed(filings, pdf)) < TARGET_MS
    for path in sorted(EXAMPLES.glob("*.yaml")):
        example = load_filing(path).filing
        print(f"示例 {path.name}（{example_runs} 次）")
        met = report(timed([example] * example_runs, pdf)) < TARGET_MS and met
    return met


def batch(count: int, rows: int, formats: tuple[str, ...]) -> None:
    workers = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "filings"
        folder.mkdir()
        for seed in range(count):
            data = filing_to_data(generate_filing(seed, rows=rows))
            (folder / f"f{seed:04d}.yaml").write_text(
                yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        start = time.perf_counter()
        outcomes = publish_many([folder], Path(tmp) / "out", formats, None, None, False,
                                workers=workers)
        elapsed = time.perf_counter() - start
    written = sum(len(o.written) for o in outcomes)
    print(f"批量：{count} 份填报，格式 {','.join(formats)}，{workers} 个进程："
          f"{elapsed:.1f} s，{count / elapsed:.1f} 份/秒，写入 {written} 个文件")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=20, help="per-filing timings over N filings")
    parser.add_argument("--rows", type=int, default=150, help="expenditure rows per filing")
    parser.add_argument("--no-pdf", action="store_true", help="leave the PDF out of the per-filing timings")
    parser.add_argument("--example-runs", type=int, default=5, help="timed runs of each bundled example")
    parser.add_argument("--batch", type=int, default=0, help="also run a batch of N filings")
    parser.add_argument("--batch-formats", default="html,docx,xlsx", help="formats of the batch")
    args = parser.parse_args()
    met = per_filing(args.count, args.rows, pdf=not args.no_pdf, example_runs=args.example_runs)
    if args.batch:
        batch(args.batch, args.rows, tuple(f for f in args.batch_formats.split(",") if f))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
