"""juesuan's audit of PDF reports beside GovBudgetChecker's rule pipeline, in one run.

GovBudgetChecker (github.com/zxj6827111-blip/GovBudgetChecker) is the nearest open-source
peer: an auditor of published Chinese budget and final-accounts disclosures. Its code stays
outside this repository: point ``--peer`` at a checkout of it and ``--peer-python`` at a
Python that has its engine's dependencies (pdfplumber, numpy, rapidfuzz), e.g.

    python3 -m venv PEER_VENV && PEER_VENV/bin/pip install pdfplumber numpy rapidfuzz
    .venv/bin/python benchmarks/bench_peer.py --peer PATH/TO/GovBudgetChecker --peer-python PEER_VENV/bin/python

What is timed, per PDF, best of ``--repeat`` runs, both on the same single CPU, one after
the other for each file:

- juesuan: ``read_report`` (text, character boxes, ruling lines, table recovery) and
  ``audit`` (structure, the nine tables, 勾稽关系, the audit rules, the claims of the text);
- the peer: what its engine does when it parses a PDF itself
  (``src/services/engine_rule_runner.py``, ``_prepare_document``): pdfplumber's
  ``extract_text`` and ``extract_tables`` (line strategy, then the default) on every page,
  ``build_document`` and ``run_rules`` (``src/engine/pipeline.py``: its V33 final-accounts
  rules and common rules, without AI assistance).

The peer runs in its own interpreter (a subprocess of ``--peer-python``) that imports its
engine from the checkout and times itself in-process, so interpreter start-up is not
counted for either side. Printed: pages, ms per page of each, and how many times faster
juesuan is; the target of issue 12 is at least 4 times.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from juesuan.audit.check import audit
from juesuan.audit.readers import read_report
from juesuan.performance.scheme import bundled_schemes

ROOT = Path(__file__).resolve().parents[1]
RESEARCH = ROOT.parent / "shared" / "research" / "pdfs"
FIXTURES = ROOT / "tests" / "fixtures" / "pdfs"
TARGET = 4.0

# Runs in the peer's interpreter: argv = checkout, pdf, repeat. Prints one JSON line.
PEER_DRIVER = r"""
import json, os, sys, time
sys.path.insert(0, sys.argv[1])
os.environ.setdefault("TESTING", "true")
import pdfplumber
from src.engine.pipeline import build_document, run_rules

def once(path):
    texts, tables = [], []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            texts.append(page.extract_text() or "")
            found = []
            try:
                found = page.extract_tables(table_settings={"vertical_strategy": "lines",
                                                            "horizontal_strategy": "lines",
                                                            "intersection_tolerance": 3}) or []
            except Exception:
                pass
            if not found:
                found = page.extract_tables() or []
            tables.append(found)
    doc = build_document(path=path, page_texts=texts, page_tables=tables, filesize=os.path.getsize(path))
    return len(texts), run_rules(doc, use_ai_assist=False, report_kind="final")

best, pages, issues = None, 0, 0
for _ in range(int(sys.argv[3])):
    start = time.perf_counter()
    pages, found = once(sys.argv[2])
    elapsed = time.perf_counter() - start
    best = elapsed if best is None else min(best, elapsed)
    issues = len(found)
print(json.dumps({"seconds": best, "pages": pages, "issues": issues}))
"""


def pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity") and hasattr(os, "sched_getaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})  # the peer's subprocess inherits it
        return f"CPU {cpu}"
    return "未绑定 CPU"


def juesuan_seconds(path: Path, repeat: int) -> tuple[float, int, int]:
    schemes = bundled_schemes()
    best = None
    pages = findings = 0
    for _ in range(repeat):
        start = time.perf_counter()
        source = read_report(path)
        result = audit(source, schemes=schemes)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
        pages = max((line.page or 0 for line in source.lines()), default=0)
        findings = len(result.findings)
    assert best is not None
    return best, pages, findings


def peer_seconds(peer: Path, python: str, path: Path, repeat: int) -> dict[str, float]:
    out = subprocess.run([python, "-c", PEER_DRIVER, str(peer), str(path), str(repeat)],
                         capture_output=True, text=True, check=False, timeout=1800)
    if out.returncode != 0:
        raise SystemExit(f"GovBudgetChecker 运行失败（{path.name}）：\n{out.stderr[-2000:]}")
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="juesuan 与 GovBudgetChecker 的 PDF 审查用时对比")
    parser.add_argument("--peer", type=Path, required=True, help="GovBudgetChecker 的检出目录（含 src/engine）")
    parser.add_argument("--peer-python", default=sys.executable, help="装有其依赖（pdfplumber、numpy、rapidfuzz）的 Python")
    parser.add_argument("--repeat", type=int, default=3, help="每个文件各运行几次取最快（默认 3）")
    parser.add_argument("pdfs", nargs="*", type=Path,
                        help="PDF 报告（默认：../shared/research/pdfs 下的全部，没有则用 tests/fixtures/pdfs）")
    args = parser.parse_args(argv)
    if not (args.peer / "src" / "engine" / "pipeline.py").is_file():
        parser.error(f"--peer {args.peer}：找不到 src/engine/pipeline.py")
    pdfs = args.pdfs or sorted(RESEARCH.glob("*.pdf")) or sorted(FIXTURES.glob("*.pdf"))
    where = pin_to_one_core()
    print(f"juesuan 与 GovBudgetChecker：PDF 报告审查用时（每个文件各 {args.repeat} 次取最快，{where}）")
    print("| 报告 | 页数 | juesuan 毫秒/页 | GovBudgetChecker 毫秒/页 | 倍数 | juesuan 发现 | GBC 发现 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    ours_total = theirs_total = 0.0
    pages_total = 0
    for path in pdfs:
        ours, pages, findings = juesuan_seconds(path, args.repeat)
        theirs = peer_seconds(args.peer, args.peer_python, path, args.repeat)
        pages = int(theirs["pages"]) or pages
        ours_total += ours
        theirs_total += theirs["seconds"]
        pages_total += pages
        print(f"| {path.name[:40]} | {pages} | {ours / pages * 1000:.1f} | {theirs['seconds'] / pages * 1000:.1f} "
              f"| {theirs['seconds'] / ours:.2f} | {findings} | {int(theirs['issues'])} |")
    ratio = theirs_total / ours_total
    print(f"| 合计 | {pages_total} | {ours_total / pages_total * 1000:.1f} | {theirs_total / pages_total * 1000:.1f} "
          f"| {ratio:.2f} | | |")
    print(f"juesuan 快 {ratio:.2f} 倍（目标至少 {TARGET:.0f} 倍）：{'达到' if ratio >= TARGET else '未达到'}")
    return 0 if ratio >= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
