"""Time the audit of published reports: one text report, PDFs per page, a folder of 100.

Three measurements, each of reading the file (``read_report``) and auditing it
(``audit``: structure, tables, audit rules, text claims):

1. a text report (fixture 01) on one core, ``--repeat`` times after a warm-up: mean,
   median, P95 and fastest per report, against the target of under 50 ms (mean);
   the other text fixtures (02–05, seed) once each for comparison;
2. PDFs (fixtures 01 and 04, or the files and folders given with ``--pdf``) on one core,
   ``--pdf-repeat`` times each, taking the fastest: reading alone per page by pdfplumber
   (pdfminer interprets every page, the reader before pdfium) and by pdfium (the reader now),
   run in turn, and read + audit per page with pdfium, against the target of under 15 ms;
3. a folder of ``--reports`` reports (copies of the text fixtures 01–04 in turn; with
   ``--mixed`` every tenth is a copy of PDF 01 or 04 instead) audited on ``--workers``
   processes through :func:`juesuan.audit.batch.audit_many`, as ``juesuan audit FOLDER``
   does: reports per second, pool start-up included; then the same folder through the
   command line (``juesuan audit FOLDER -f json -j N``, interpreter start-up included)
   unless ``--no-cli``.

``--profile`` then runs the text report under cProfile and prints the top entries;
``--pdf-only`` runs the second measurement alone.

    .venv/bin/python benchmarks/bench_audit.py
    .venv/bin/python benchmarks/bench_audit.py --repeat 200 --profile
    .venv/bin/python benchmarks/bench_audit.py --mixed --workers 2
    .venv/bin/python benchmarks/bench_audit.py --pdf-only --pdf FOLDER_OF_PDFS --pdf-repeat 5
"""

from __future__ import annotations

import argparse
import cProfile
import os
import platform
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from juesuan.audit.batch import audit_many
from juesuan.audit.check import audit
from juesuan.audit.readers import read_report
from juesuan.audit.reading import pdf as pdf_reader
from juesuan.performance.scheme import bundled_schemes

ROOT = Path(__file__).resolve().parents[1]
SCHEMES = bundled_schemes()  # resolved at the edge, as `juesuan audit` does
REPORTS = ROOT / "tests" / "fixtures" / "reports"
PDFS = ROOT / "tests" / "fixtures" / "pdfs"
TEXT_01 = REPORTS / "01_shanghai-putuo-czj-2024.txt"
BATCH_TEXTS = sorted(REPORTS.glob("0[1-4]_*.txt"))
BATCH_PDFS = [PDFS / "01_shanghai-putuo-czj-2024.pdf",
              PDFS / "04_shanghai-putuo-czj-2024-seeded-defects.pdf"]
TARGET_MS = 50.0
PDF_TARGET_MS = 15.0  # read + audit, per page


def pin_to_one_core() -> tuple[str, set[int] | None]:
    """Run on a single CPU when the platform allows it; say which, and the CPUs before."""
    if hasattr(os, "sched_setaffinity") and hasattr(os, "sched_getaffinity"):
        before = set(os.sched_getaffinity(0))
        cpu = min(before)
        os.sched_setaffinity(0, {cpu})
        return f"CPU {cpu}", before
    return "不可绑定（单线程运行）", None


def unpin(before: set[int] | None) -> None:
    if before is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, before)


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    rank = max(1, round(fraction * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def work(path: Path) -> int:
    """What is timed: read the report and audit it; the number of findings."""
    return len(audit(read_report(path), schemes=SCHEMES).findings)


def time_text(path: Path, repeat: int) -> list[float]:
    work(path)  # warm-up: imports, code lists, compiled patterns
    timings = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        work(path)
        timings.append((time.perf_counter() - t0) * 1000)
    return sorted(timings)


def time_pdf(path: Path, repeat: int, clock: Callable[[], float]) -> tuple[int, float, float, float]:
    """(pages, best read by pdfplumber, best read by pdfium, best read by pdfium + audit), in
    ms over ``repeat`` runs; the two readers in turn, so that a machine's load weighs on both."""
    pages = 0
    old, new, total = [], [], []
    for _ in range(repeat):
        for use_pdfium in (False, True):
            pdf_reader.USE_PDFIUM = use_pdfium
            try:
                t0 = clock()
                source = read_report(path)
                t1 = clock()
            finally:
                pdf_reader.USE_PDFIUM = True
            (new if use_pdfium else old).append((t1 - t0) * 1000)
            if use_pdfium:
                audit(source, schemes=SCHEMES)
                total.append((clock() - t0) * 1000)
                pages = source.pages or 0
    return pages, min(old), min(new), min(total)


def pdf_files(given: Sequence[Path]) -> list[Path]:
    """The PDFs given (a folder: the PDFs in it), or fixtures 01 and 04."""
    if not given:
        return list(BATCH_PDFS)
    found: list[Path] = []
    for path in given:
        found.extend(sorted(path.glob("*.pdf")) if path.is_dir() else [path])
    return found


def report_pdfs(paths: Sequence[Path], repeat: int, cpu_time: bool = False) -> bool:
    """Time each PDF (see time_pdf) and print ms per page; whether read + audit met the target.
    ``cpu_time``: the process's CPU time rather than the time on the clock (on a loaded
    machine, the time the work itself took)."""
    clock = time.process_time if cpu_time else time.perf_counter
    what = "CPU 时间" if cpu_time else "用时"
    print(f"\n2. PDF 每页{what}（每个 {repeat} 次，取最快；读取：pdfplumber 即旧读取器，pdfium 即现读取器）")
    print(f"  {'文件':<52} {'页数':>4} {'pdfplumber':>11} {'pdfium':>8} {'倍数':>5} {'读取+审查':>9}")
    pages = old = new = total = 0.0
    for path in paths:
        count, read_old, read_new, read_audit = time_pdf(path, repeat, clock)
        if not count:
            print(f"  {path.name:<52} 未读出页")
            continue
        pages += count
        old, new, total = old + read_old, new + read_new, total + read_audit
        print(f"  {path.name:<52} {count:>4} {read_old / count:>8.1f} ms {read_new / count:>5.1f} ms"
              f" {read_old / read_new:>5.1f} {read_audit / count:>6.1f} ms")
    if not pages:
        return False
    met = total / pages < PDF_TARGET_MS
    print(f"  {'合计（按页数加权）':<46} {int(pages):>4} {old / pages:>8.1f} ms {new / pages:>5.1f} ms"
          f" {old / new:>5.1f} {total / pages:>6.1f} ms")
    print(f"  目标：读取 + 审查 < {PDF_TARGET_MS:.0f} ms/页：{'达到' if met else '未达到'}")
    return met


def make_folder(folder: Path, count: int, mixed: bool) -> dict[str, int]:
    """``count`` copies of the fixtures in ``folder``; how many of each kind."""
    kinds = {"text": 0, "pdf": 0}
    for i in range(count):
        if mixed and i % 10 == 9:
            source = BATCH_PDFS[(i // 10) % len(BATCH_PDFS)]
            kinds["pdf"] += 1
        else:
            source = BATCH_TEXTS[i % len(BATCH_TEXTS)]
            kinds["text"] += 1
        shutil.copyfile(source, folder / f"{i:03d}_{source.name}")
    return kinds


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="公开报告审查（读取 + 审查）的性能基准")
    parser.add_argument("--repeat", type=int, default=100, help="文本报告 01 的计时次数（默认 100）")
    parser.add_argument("--pdf-repeat", type=int, default=3, help="每个 PDF 的计时次数（默认 3，取最快）")
    parser.add_argument("--pdf", type=Path, action="append", default=[],
                        help="计时的 PDF 或 PDF 所在的文件夹（可重复；默认样例 01 和 04）")
    parser.add_argument("--pdf-only", action="store_true", help="只做第 2 项（PDF 每页用时）")
    parser.add_argument("--cpu-time", action="store_true",
                        help="第 2 项计进程的 CPU 时间而非墙钟时间（机器另有负载时）")
    parser.add_argument("--reports", type=int, default=100, help="文件夹中的报告份数（默认 100）")
    parser.add_argument("--workers", type=int, default=2, help="文件夹审查的进程数（默认 2）")
    parser.add_argument("--mixed", action="store_true", help="文件夹中每十份有一份是 PDF")
    parser.add_argument("--no-cli", action="store_true", help="不再用命令行审查文件夹")
    parser.add_argument("--profile", action="store_true", help="再用 cProfile 运行文本报告并列出热点")
    parser.add_argument("--top", type=int, default=25, help="cProfile 列出的条目数（默认 25）")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.pdf_repeat < 1 or args.reports < 1 or args.workers < 1:
        parser.error("--repeat、--pdf-repeat、--reports、--workers 至少为 1")

    cpu, cpus = pin_to_one_core()
    print("juesuan 基准：公开报告审查（read_report + audit）")
    print(f"  Python {platform.python_version()}，{platform.machine()}，"
          f"{os.cpu_count()} 个 CPU；1、2 项绑定 {cpu}")
    if args.pdf_only:
        met = report_pdfs(pdf_files(args.pdf), args.pdf_repeat, args.cpu_time)
        unpin(cpus)
        return 0 if met else 1

    # 1. one text report
    ms = time_text(TEXT_01, args.repeat)
    mean, median, p95 = statistics.mean(ms), statistics.median(ms), percentile(ms, 0.95)
    met = mean < TARGET_MS
    print(f"\n1. 文本报告 {TEXT_01.name}（{args.repeat} 次）")
    print(f"  平均          {mean:.1f} ms/份")
    print(f"  中位数        {median:.1f} ms/份")
    print(f"  P95           {p95:.1f} ms/份")
    print(f"  最快          {ms[0]:.1f} ms/份")
    print(f"  目标 < {TARGET_MS:.0f} ms/份（平均）：{'达到' if met else '未达到'}")
    print("  其他文本报告（各 5 次，中位数）：")
    for path in sorted(REPORTS.glob("*.txt")):
        if path != TEXT_01:
            print(f"    {path.name:<58} {statistics.median(time_text(path, 5)):6.1f} ms")

    # 2. PDFs per page
    report_pdfs(pdf_files(args.pdf), args.pdf_repeat, args.cpu_time)

    # 3. a folder of reports on several processes
    unpin(cpus)
    workers = args.workers
    with tempfile.TemporaryDirectory(prefix="juesuan-bench-") as tmp:
        folder = Path(tmp)
        kinds = make_folder(folder, args.reports, args.mixed)
        what = f"{kinds['text']} 份文本" + (f"、{kinds['pdf']} 份 PDF" if kinds["pdf"] else "")
        print(f"\n3. 文件夹 {args.reports} 份报告（{what}，副本取自 01–04），{workers} 个进程")
        t0 = time.perf_counter()
        outcomes = audit_many([folder], workers=workers, schemes=SCHEMES)
        elapsed = time.perf_counter() - t0
        unread = sum(1 for o in outcomes if o.error)
        print(f"  audit_many    {elapsed:.2f} s，{len(outcomes) / elapsed:.1f} 份/秒"
              f"（含进程池启动；无法读取 {unread} 份）")
        if not args.no_cli:
            juesuan = Path(sys.executable).with_name("juesuan")
            command = [str(juesuan)] if juesuan.exists() else [sys.executable, "-m", "juesuan.cli"]
            t0 = time.perf_counter()
            done = subprocess.run([*command, "audit", str(folder), "-f", "json", "-o",
                                   str(folder / "audit.json"), "-j", str(workers)],
                                  capture_output=True, check=False)
            elapsed = time.perf_counter() - t0
            print(f"  juesuan audit {elapsed:.2f} s，{args.reports / elapsed:.1f} 份/秒"
                  f"（含解释器启动；退出码 {done.returncode}）")

    if args.profile:
        pin_to_one_core()
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.repeat):
            work(TEXT_01)
        profiler.disable()
        print(f"\ncProfile（文本报告 01，{args.repeat} 次，按自身用时排序，前 {args.top} 项）")
        stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs()
        stats.sort_stats("tottime").print_stats(args.top)
        print(f"cProfile（按累计用时排序，前 {args.top} 项）")
        stats.sort_stats("cumulative").print_stats(args.top)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
