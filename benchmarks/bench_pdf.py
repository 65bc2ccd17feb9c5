"""PDF speed on one core, beside Chromium and LibreOffice, in one run.

    .venv/bin/python benchmarks/bench_pdf.py                 # both examples and a 150-row filing
    .venv/bin/python benchmarks/bench_pdf.py --runs 5 --cpu-time

For each bundled example (examples/*.yaml) and one synthetic filing (generate.py,
``--rows`` rows, seed ``--seed``), written as YAML like the examples, it measures:

* juesuan, cold: a fresh ``python -c`` process that imports juesuan, reads the filing,
  builds the document and writes its PDF: what ``juesuan report -f pdf`` makes a user
  wait for, interpreter start and imports included;
* juesuan, warm: ``render(doc, "pdf")`` in this process after one warm-up rendering of
  the same document (fonts and templates loaded; the charts drawn afresh), the garbage of every
  rendering collected untimed (WeasyPrint leaves so much that collecting it takes a
  second, which would land on a random later run);
* Chromium printing the same HTML WeasyPrint lays out (``document_to_html(doc,
  interactive=False)``: print stylesheet, charts as inline SVG), a fresh process per run;
* LibreOffice converting our DOCX to PDF, a fresh process per run.

Everything runs on CPU 0: this process is bound with ``os.sched_setaffinity`` and the
others are started under ``taskset -c 0`` (their helper processes inherit it). Chromium
and LibreOffice get throwaway profiles and one untimed warm-up run each, so the profile
is created before timing. Each measure is the median of ``--runs`` runs, the four taken in
turn so that a busy machine weighs on all of them; ``--cpu-time`` reports the CPU time of
the process and its children instead of the wall time (closer to the work itself when
other tasks share the CPU). Targets: 2 s per example, 5 s for the 150-row filing. The exit
status is 0 when juesuan's warm time meets every target, else 1.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate_filing

from juesuan.content import Document
from juesuan.document.build import build_document
from juesuan.filing.io import filing_to_data, load_filing
from juesuan.performance.scheme import scheme_for
from juesuan.publish import render
from juesuan.render import charts
from juesuan.render.html import document_to_html

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
EXAMPLE_TARGET = 2.0  # seconds per example
FILING_TARGET = 5.0  # seconds for the synthetic filing

# What a user of `juesuan report -f pdf` waits for, in a fresh interpreter; it prints the
# seconds of its steps (imports; reading the filing and building the document; the PDF).
COLD = """
import sys, time
clock = time.process_time if sys.argv[3] == "cpu" else time.perf_counter
start = clock()
from pathlib import Path
from juesuan.document.build import build_document
from juesuan.filing.io import load_filing
from juesuan.performance.scheme import scheme_for
from juesuan.publish import render
imported = clock()
filing = load_filing(Path(sys.argv[1])).filing
doc = build_document(filing, scheme=scheme_for(filing))
built = clock()
Path(sys.argv[2]).write_bytes(render(doc, "pdf"))
print(imported - start, built - imported, clock() - built)
import gc
gc.freeze()  # as juesuan.cli.main does at its end: the process's objects go with it
"""
STEPS = ("导入", "读取并生成文档", "PDF")
MEASURES = ("cold", "warm", "chromium", "libreoffice")


@dataclass
class Case:
    label: str
    path: Path  # the filing, as YAML
    target: float
    doc: Document
    pages: int = 0
    times: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in MEASURES})
    pages_of: dict[str, int] = field(default_factory=dict)  # pages of Chromium's, LibreOffice's PDF
    steps: list[list[float]] = field(default_factory=list)  # the cold process's own steps, per run


def page_count(pdf: bytes) -> int:
    document = pdfium.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def session_cpu(session: int) -> dict[int, float]:
    """CPU seconds so far of every live process of a session (Linux /proc)."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:  # gone meanwhile
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # from the state on
        if int(fields[3]) == session:
            found[int(entry)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return found


def run_timed(command: list[str], cpu_time: bool) -> tuple[float, str]:
    """Seconds of a process run to its end (wall, or CPU of it and its helpers), and what
    it printed. A program's CPU time is what the kernel reports for the children we wait
    for, or, when more, the sum sampled every 20 ms over the processes of its session:
    Chromium does not wait for all its helper processes, so they are not in the former."""
    cpu, start = children_cpu(), time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)
    sampled: dict[int, float] = {}
    if cpu_time and os.path.isdir("/proc"):
        while process.poll() is None:
            sampled.update(session_cpu(process.pid))
            time.sleep(0.02)
    out, err = process.communicate(timeout=600)
    wall, used = time.perf_counter() - start, children_cpu() - cpu
    if process.returncode != 0:
        raise RuntimeError(f"{command[0]} 退出码 {process.returncode}：{err.decode(errors='replace')[-500:]}")
    return (max(used, sum(sampled.values())) if cpu_time else wall), out.decode()


def one_core(command: list[str]) -> list[str]:
    taskset = shutil.which("taskset")
    return [taskset, "-c", "0", *command] if taskset else command


class Runner:
    """The four measures of one case, each writing into its own folder of ``work``."""

    def __init__(self, work: Path, chromium: str, soffice: str, cpu_time: bool) -> None:
        self.work, self.chromium, self.soffice, self.cpu_time = work, chromium, soffice, cpu_time

    def prepare(self, case: Case) -> None:
        """The inputs of the other programs, and one untimed run of each (warm-up)."""
        folder = self.work / case.path.stem
        folder.mkdir()
        (folder / "document.html").write_text(document_to_html(case.doc, interactive=False), encoding="utf-8")
        (folder / "document.docx").write_bytes(render(case.doc, "docx"))
        case.pages = page_count(render(case.doc, "pdf"))  # juesuan's warm-up
        gc.collect()
        for measure in ("chromium", "libreoffice"):
            self.measure(case, measure)
            case.times[measure].clear()

    def measure(self, case: Case, measure: str) -> None:
        folder = self.work / case.path.stem
        if measure == "warm":
            gc.collect()
            # The charts are drawn afresh, as for a new filing (their pictures are cached by chart).
            charts.chart_picture.cache_clear()
            charts.chart_scene_cache_clear()
            cpu, start = time.process_time(), time.perf_counter()
            render(case.doc, "pdf")
            seconds = time.process_time() - cpu if self.cpu_time else time.perf_counter() - start
            gc.collect()  # untimed (see the module's docstring)
        elif measure == "cold":
            out = folder / "cold.pdf"
            clock = "cpu" if self.cpu_time else "wall"
            seconds, printed = run_timed(
                one_core([sys.executable, "-c", COLD, str(case.path), str(out), clock]), self.cpu_time)
            case.steps.append([float(v) for v in printed.split()])
        elif measure == "chromium":
            out = folder / "chromium.pdf"
            out.unlink(missing_ok=True)
            seconds, _ = run_timed(one_core([
                self.chromium, "--headless", "--no-sandbox", "--disable-gpu",
                f"--user-data-dir={folder / 'chromium-profile'}", "--no-pdf-header-footer",
                f"--print-to-pdf={out}", (folder / "document.html").as_uri()]), self.cpu_time)
        else:
            out = folder / "document.pdf"
            out.unlink(missing_ok=True)
            seconds, _ = run_timed(one_core([
                self.soffice, f"-env:UserInstallation={(folder / 'lo-profile').as_uri()}", "--headless",
                "--convert-to", "pdf", "--outdir", str(folder), str(folder / "document.docx")]),
                self.cpu_time)
        if measure != "warm":
            if not out.exists():
                raise RuntimeError(f"{measure} 没有写出 {out.name}")
            case.pages_of[measure] = page_count(out.read_bytes())
        case.times[measure].append(seconds)


def cases(work: Path, rows: int, seed: int) -> list[Case]:
    found = []
    for path in sorted(EXAMPLES.glob("*.yaml")):
        found.append(Case(path.stem, path, EXAMPLE_TARGET, document_of(path)))
    synthetic = work / f"synthetic-{rows}-rows-seed{seed}.yaml"
    data = filing_to_data(generate_filing(seed, rows=rows))
    synthetic.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    found.append(Case(f"合成填报（{rows} 行，种子 {seed}）", synthetic, FILING_TARGET, document_of(synthetic)))
    return found


def document_of(path: Path) -> Document:
    filing = load_filing(path).filing
    return build_document(filing, scheme=scheme_for(filing))


def seconds(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s"


def table(found: list[Case]) -> bool:
    """Print the results as a Markdown table; whether the warm times meet every target."""
    print("| 填报 | 页数 | juesuan 冷启动 | juesuan 进程内 | Chromium | LibreOffice | 目标 | 进程内 | 冷启动 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |")
    met_all = True
    for case in found:
        t = case.times
        warm, cold = statistics.median(t["warm"]), statistics.median(t["cold"])
        met_all = met_all and warm < case.target
        print(f"| {case.label} | {case.pages} | {seconds(t['cold'])} | {seconds(t['warm'])} "
              f"| {seconds(t['chromium'])}（{case.pages_of['chromium']} 页） "
              f"| {seconds(t['libreoffice'])}（{case.pages_of['libreoffice']} 页） | {case.target:.0f} s "
              f"| {'达到' if warm < case.target else '未达到'} | {'达到' if cold < case.target else '未达到'} |")
    return met_all


def versions(chromium: str, soffice: str) -> str:
    def first_line(command: list[str]) -> str:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        return (done.stdout.strip().splitlines() or ["?"])[0]

    import weasyprint

    return (f"Python {sys.version.split()[0]}，WeasyPrint {weasyprint.__version__}，"
            f"{first_line([chromium, '--version'])}，{first_line([soffice, '--version'])}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each measure (median)")
    parser.add_argument("--rows", type=int, default=150, help="expenditure rows of the synthetic filing")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic filing")
    parser.add_argument("--cpu-time", action="store_true", help="CPU time instead of wall time")
    parser.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser"))
    parser.add_argument("--soffice", default=shutil.which("soffice"))
    args = parser.parse_args()
    if not args.chromium or not args.soffice:
        print("需要 Chromium 和 LibreOffice（soffice）：用 --chromium、--soffice 指定。", file=sys.stderr)
        return 2
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    print(versions(args.chromium, args.soffice))
    print(f"单核（CPU 0），{'CPU 时间' if args.cpu_time else '墙钟时间'}，各 {args.runs} 次取中位数")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        runner = Runner(work, args.chromium, args.soffice, args.cpu_time)
        found = cases(work, args.rows, args.seed)
        for case in found:
            runner.prepare(case)
            for _ in range(args.runs):
                for measure in MEASURES:
                    runner.measure(case, measure)
            t = case.times
            print(f"  {case.label}：" + "，".join(f"{m} {seconds(t[m])}" for m in MEASURES), flush=True)
            steps = [statistics.median(run[i] for run in case.steps) for i in range(len(STEPS))]
            print("    冷启动中：" + "，".join(f"{n} {v:.2f} s" for n, v in zip(STEPS, steps, strict=True))
                  + f"，其余（解释器启动与退出、写文件）{statistics.median(t['cold']) - sum(steps):.2f} s", flush=True)
        met = table(found)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
