"""Time building the nine tables and checking them, per filing, on one core.

Generates ``--count`` synthetic filings in memory (not timed; see generate.py), then
for each one times ``build_tables`` + ``check_filing`` with ``time.perf_counter`` and
reports the total, mean, median and 95th percentile per filing against the target of
under 10 ms per filing (mean). ``--profile`` then runs the same work under cProfile and
prints the top entries.

    .venv/bin/python benchmarks/bench_tables_checks.py
    .venv/bin/python benchmarks/bench_tables_checks.py --count 200 --profile
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import platform
import pstats
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate_filing

from juesuan.filing.model import Filing
from juesuan.rules.check import check_filing
from juesuan.rules.finding import Severity
from juesuan.tables.build import build_tables

TARGET_MS = 10.0


def pin_to_one_core() -> str:
    """Run on a single CPU when the platform allows it; say which."""
    if hasattr(os, "sched_setaffinity") and hasattr(os, "sched_getaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"CPU {cpu}"
    return "不可绑定（单线程运行）"


def work(filing: Filing) -> int:
    """What is timed: the nine tables, then every rule on the filing and the tables."""
    tables = build_tables(filing)
    findings = check_filing(filing, tables)
    return sum(1 for f in findings if f.severity is Severity.ERROR)


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    rank = max(1, round(fraction * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="九张表生成与勾稽检查的性能基准")
    parser.add_argument("--count", type=int, default=1000, help="填报份数（默认 1000）")
    parser.add_argument("--rows", type=int, default=150, help="每份支出行数（默认 150）")
    parser.add_argument("--seed", type=int, default=0, help="第一份的随机种子（默认 0）")
    parser.add_argument("--profile", action="store_true", help="再用 cProfile 运行一遍并列出热点")
    parser.add_argument("--top", type=int, default=25, help="cProfile 列出的条目数（默认 25）")
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count 至少为 1")

    cpu = pin_to_one_core()
    started = time.perf_counter()
    filings = [generate_filing(args.seed + i, rows=args.rows) for i in range(args.count)]
    generated = time.perf_counter() - started
    rows = statistics.mean(len(f.expenditure) for f in filings)

    work(filings[0])  # warm-up: loads the code lists (cached), not timed
    # Keep the 1000 filings out of the collector's way: a full collection would scan them
    # all, which a single `juesuan check` never has to.
    gc.collect()
    gc.freeze()
    timings: list[float] = []
    errors = 0
    for filing in filings:
        t0 = time.perf_counter()
        errors += work(filing)
        timings.append(time.perf_counter() - t0)
    total = sum(timings)
    ms = sorted(t * 1000 for t in timings)
    mean, median, p95 = statistics.mean(ms), statistics.median(ms), percentile(ms, 0.95)

    print("juesuan 基准：build_tables + check_filing（每份填报）")
    print(f"  Python {platform.python_version()}，{platform.machine()}，{cpu}")
    print(
        f"  填报份数      {args.count}（平均 {rows:.0f} 行支出；生成用时 {generated:.1f} s，不计时）"
    )
    print(f"  总用时        {total:.3f} s")
    print(f"  平均          {mean:.2f} ms/份")
    print(f"  中位数        {median:.2f} ms/份")
    print(f"  P95           {p95:.2f} ms/份")
    print(f"  最慢          {ms[-1]:.2f} ms/份")
    print(f"  错误级发现    {errors}（合成填报应为 0）")
    met = mean < TARGET_MS
    print(
        f"  目标 < {TARGET_MS:.0f} ms/份（平均）：{'达到' if met else '未达到'}"
        f"（P95 {'也' if p95 < TARGET_MS else '未'}低于目标）"
    )

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for filing in filings:
            work(filing)
        profiler.disable()
        print(f"\ncProfile（{args.count} 份，按自身用时排序，前 {args.top} 项）")
        stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs()
        stats.sort_stats("tottime").print_stats(args.top)
        print(f"cProfile（按累计用时排序，前 {args.top} 项）")
        stats.sort_stats("cumulative").print_stats(args.top)
    return 0 if met and errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
