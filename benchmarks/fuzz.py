"""Fuzz the juesuan command line: mutated and generated inputs of every kind, each run in a
forked child with a time and memory watchdog.

    .venv/bin/python benchmarks/fuzz.py --count 2000
    .venv/bin/python benchmarks/fuzz.py --count 300 --seed 7 --kinds yaml,json --commands check,report
    .venv/bin/python benchmarks/fuzz.py --seed 7 --replay 123      # remake and rerun input 123

Inputs (``fuzzing.kinds``): filings as YAML and JSON (→ check, tables, score, report),
scoring schemes (→ score --scheme), published reports as text, HTML, DOCX, XLSX and PDF
(→ audit, import); each made by mutating the real inputs (examples, bundled schemes,
report fixtures, juesuan's own documents of the examples, fixture PDFs) or by structured
generation with hypothesis strategies. Input *i* of ``--seed S`` is always the same.

A failure is a traceback (an exception, exit code 3 from the top-level guard or any code
other than 0/1/2, or a traceback in the output), a hang (the command ran past
``--time-limit``), a memory failure (peak RSS grew by more than ``--memory-factor`` × the
input's size + ``--memory-base`` MB, or a MemoryError under the address-space cap) or a
crash (the child died of a signal). Each failing input is saved under ``--out`` with its
command line (``repro.sh``) and error (``error.txt``); the failures are grouped by
(class, exception type, innermost juesuan frame). Exit code 1 if anything failed.

Details: benchmarks/README.md, section “Fuzzing”.
"""

from __future__ import annotations

import argparse
import functools
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fuzzing import corpus as corpus_module
from fuzzing.kinds import COMMANDS, COMMANDS_OF, KINDS, make_job, prepare
from fuzzing.runner import MB, Limits, Outcome, run
from fuzzing.summary import Summary, save_reproducer


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Fuzz juesuan's commands in-process, one forked child per input.")
    parser.add_argument("--count", type=int, default=1000, help="inputs to run (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="seed; input i of a seed is always the same (default 0)")
    parser.add_argument("--start", type=int, default=0, help="index of the first input (default 0)")
    parser.add_argument("--kinds", default=",".join(KINDS), help=f"input kinds, comma-separated (default all: {','.join(KINDS)})")
    parser.add_argument("--commands", default=",".join(COMMANDS), help=f"commands, comma-separated (default all: {','.join(COMMANDS)})")
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds per input before it is a hang (default 10)")
    parser.add_argument("--hang-grace", type=float, default=5.0,
                        help="past the time limit, a command that has used less CPU time than the limit "
                             "(a loaded machine) gets up to this many times the limit of wall-clock time (default 5; 1 = plain wall-clock)")
    parser.add_argument("--memory-factor", type=float, default=50.0, help="allowed peak RSS increase: factor × input size … (default 50)")
    parser.add_argument("--memory-base", type=float, default=200.0, help="… + this many MB (default 200)")
    parser.add_argument("--address-space", type=float, default=4096.0,
                        help="RLIMIT_AS of a child: MB over its size at the start (default 4096; 0 = no cap)")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="children at a time (default 2)")
    parser.add_argument("--out", type=Path, default=None,
                        help="folder for the reproducers and the summary (default: juesuan-fuzz-seed<S> in the temp folder)")
    parser.add_argument("--cache", type=Path, default=None, help="cache of PDFs rendered by WeasyPrint (default: juesuan-fuzz-cache in the temp folder)")
    parser.add_argument("--pdf-every", type=int, default=50,
                        help="1 in N report commands on a filing meant to stay readable also writes PDF (default 50; 0 = never)")
    parser.add_argument("--replay", type=int, nargs="+", default=None, metavar="INDEX",
                        help="remake and run these inputs only; their files are kept under --out whatever happens")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)
    for name, known in (("kinds", KINDS), ("commands", COMMANDS)):
        chosen = [x.strip() for x in getattr(args, name).split(",") if x.strip()]
        unknown = [x for x in chosen if x not in known]
        if unknown or not chosen:
            parser.error(f"--{name}: unknown {', '.join(unknown) or '(none given)'}; known: {', '.join(known)}")
        setattr(args, name, chosen)
    if not any(c in args.commands for k in args.kinds for c in COMMANDS_OF[k]):
        parser.error("no command of --commands applies to any kind of --kinds")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    out: Path = args.out or Path(tempfile.gettempdir()) / f"juesuan-fuzz-seed{args.seed}"
    out.mkdir(parents=True, exist_ok=True)

    def log(message: str) -> None:
        if not args.quiet:
            print(message, file=sys.stderr, flush=True)

    began = time.perf_counter()
    from juesuan.cli import app

    corpus = corpus_module.build(set(args.kinds), args.cache, log)
    prepare(corpus, set(args.kinds))
    log(f"corpus ready in {time.perf_counter() - began:.1f} s; fuzzing with {args.jobs} children, "
        f"reproducers in {out}")
    make = functools.partial(make_job, seed=args.seed, corpus=corpus, kinds=args.kinds,
                             commands=args.commands, pdf_every=args.pdf_every)
    limits = Limits(time_limit=args.time_limit, hang_grace=args.hang_grace, memory_factor=args.memory_factor,
                    memory_base=int(args.memory_base * MB), address_space=int(args.address_space * MB))
    indices = args.replay if args.replay is not None else range(args.start, args.start + args.count)
    summary = Summary()
    results = (out / "results.jsonl").open("a" if args.replay else "w", encoding="utf-8")

    def keep(outcome: Outcome, folder: Path) -> None:
        if outcome.failed or args.replay is not None:
            outcome.saved = str(save_reproducer(outcome, folder, out, args.seed))

    start = time.perf_counter()
    last = start
    workdir = Path(tempfile.mkdtemp(prefix="juesuan-fuzz-work-"))
    interrupted = False
    try:
        for outcome in run(make, indices, app=app, workdir=workdir, jobs=args.jobs, limits=limits, on_outcome=keep):
            summary.add(outcome)
            record = {k: v for k, v in vars(outcome).items() if k not in ("traceback", "output")}
            results.write(json.dumps(record, ensure_ascii=False) + "\n")
            if outcome.failed:
                log(f"  #{outcome.index} {outcome.status}: {outcome.kind}/{outcome.command} "
                    f"{outcome.exc_type}: {outcome.message[:100]} at {outcome.frame} → {outcome.saved}")
            now = time.perf_counter()
            if now - last > 10:
                last = now
                log(f"[{summary.total}/{len(indices)}] {summary.total / (now - start):.1f} inputs/s, "
                    f"{summary.failed} failed")
    except KeyboardInterrupt:
        interrupted = True
        log("interrupted: the summary covers the inputs run so far")
    finally:
        results.close()
        shutil.rmtree(workdir, ignore_errors=True)
    wall = time.perf_counter() - start
    text = "\n".join([summary.table(wall), "", summary.distinct(), "",
                      f"reproducers and results.jsonl in {out}"])
    print(text)
    (out / "summary.txt").write_text(text + "\n", encoding="utf-8")
    (out / "summary.json").write_text(json.dumps({**summary.data(), "seed": args.seed, "wall": wall,
                                                  "interrupted": interrupted}, ensure_ascii=False, indent=2),
                                      encoding="utf-8")
    if args.replay is not None:
        for index in args.replay:
            for error in sorted(out.glob(f"*-{index:07d}/error.txt")):
                print(f"\n=== {error.parent} ===\n{error.read_text(encoding='utf-8')[:4000]}")
    if interrupted:
        return 130
    return 1 if summary.failed else 0


if __name__ == "__main__":
    sys.exit(main())
