"""Time reading one filing (``load_filing``) against building its tables and checking them.

Writes a synthetic 150-row filing (generate.py, ``--seed``) as YAML to a temporary file,
then times ``--runs`` times, each alone: ``load_filing`` (read, parse with libyaml, bounds,
validation into the model) and ``build_tables`` + ``check_filing`` on the filing read. Reports
the median, the fastest and P95 in milliseconds, as CPU time of the process
(``time.process_time``, what the work costs even when other jobs share the CPU) and as
elapsed time (``time.perf_counter``), against the targets: load_filing under 8 ms, tables +
checks under 10 ms (median CPU time). ``--pure`` also times load_filing with the
pure-Python YAML reader (the reader before libyaml; the same model and messages).

    .venv/bin/python benchmarks/bench_load.py
    .venv/bin/python benchmarks/bench_load.py --runs 500 --pure
    .venv/bin/python benchmarks/bench_load.py --profile
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import platform
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_tables_checks import percentile, pin_to_one_core, work
from generate import generate_filing

from juesuan.filing import io
from juesuan.filing.io import filing_to_data, load_filing

LOAD_TARGET_MS = 8.0
WORK_TARGET_MS = 10.0


def measure(action: Callable[[], object], runs: int) -> tuple[list[float], list[float]]:
    """CPU and elapsed milliseconds of each of ``runs`` calls, sorted."""
    action()  # warm-up, not timed
    cpu: list[float] = []
    wall: list[float] = []
    for _ in range(runs):
        c0, w0 = time.process_time(), time.perf_counter()
        action()
        w1, c1 = time.perf_counter(), time.process_time()
        cpu.append((c1 - c0) * 1000)
        wall.append((w1 - w0) * 1000)
    return sorted(cpu), sorted(wall)


def line(label: str, cpu: list[float], wall: list[float]) -> str:
    return (f"  {label:<22}CPU 中位数 {statistics.median(cpu):6.2f} ms（最快 {cpu[0]:.2f}，"
            f"P95 {percentile(cpu, 0.95):.2f}）；实耗 中位数 {statistics.median(wall):6.2f} ms")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="读取填报与生成九张表、检查的用时")
    parser.add_argument("--runs", type=int, default=200, help="各计时次数（默认 200）")
    parser.add_argument("--rows", type=int, default=150, help="支出行数（默认 150）")
    parser.add_argument("--seed", type=int, default=0, help="合成填报的随机种子（默认 0）")
    parser.add_argument("--pure", action="store_true", help="另计时纯 Python 的 YAML 读取（对照）")
    parser.add_argument("--profile", action="store_true", help="再用 cProfile 运行 load_filing 并列出热点")
    parser.add_argument("--top", type=int, default=25, help="cProfile 列出的条目数（默认 25）")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs 至少为 1")

    cpu_name = pin_to_one_core()
    filing = generate_filing(args.seed, rows=args.rows)
    text = yaml.safe_dump(filing_to_data(filing), allow_unicode=True, sort_keys=False)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "synthetic.yaml"
        path.write_text(text, encoding="utf-8")
        loaded = load_filing(path)
        assert loaded.filing == filing  # the file holds the generated filing
        gc.collect()
        gc.freeze()
        load_cpu, load_wall = measure(lambda: load_filing(path), args.runs)
        work_cpu, work_wall = measure(lambda: work(loaded.filing), args.runs)
        errors = work(loaded.filing)
        pure: tuple[list[float], list[float]] | None = None
        if args.pure:
            saved, io._WITH_LIBYAML = io._WITH_LIBYAML, False
            try:
                pure = measure(lambda: load_filing(path), max(args.runs // 4, 1))
            finally:
                io._WITH_LIBYAML = saved

        print("juesuan 基准：读取填报（load_filing）与九张表 + 检查（build_tables + check_filing）")
        print(f"  Python {platform.python_version()}，{platform.machine()}，{cpu_name}，"
              f"PyYAML {yaml.__version__}（libyaml {'可用' if io._WITH_LIBYAML else '不可用'}）")
        print(f"  填报          种子 {args.seed}，{len(filing.expenditure)} 行支出，YAML "
              f"{len(text.splitlines())} 行 {len(text.encode()) / 1024:.0f} KB；各计时 {args.runs} 次")
        print(line("load_filing", load_cpu, load_wall))
        if pure is not None:
            print(line("load_filing（纯 Python）", *pure))
        print(line("九张表 + 检查", work_cpu, work_wall))
        print(f"  错误级发现    {errors}（合成填报应为 0）")
        load_ms, work_ms = statistics.median(load_cpu), statistics.median(work_cpu)
        load_met, work_met = load_ms < LOAD_TARGET_MS, work_ms < WORK_TARGET_MS
        print(f"  目标 load_filing < {LOAD_TARGET_MS:.0f} ms：{'达到' if load_met else '未达到'}；"
              f"九张表 + 检查 < {WORK_TARGET_MS:.0f} ms：{'达到' if work_met else '未达到'}"
              "（CPU 时间中位数）")

        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.runs):
                load_filing(path)
            profiler.disable()
            print(f"\ncProfile（load_filing {args.runs} 次，按自身用时排序，前 {args.top} 项）")
            stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs()
            stats.sort_stats("tottime").print_stats(args.top)
    return 0 if load_met and work_met and errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
