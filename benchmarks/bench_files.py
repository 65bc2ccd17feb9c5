"""The public page of a disclosure four ways, at rest and while two workers render documents:
rendered by Django, sent from its published file by ``juesuan serve``, sent by a bare nginx from the
same folder, and the deployment of docs/deploy.md (nginx in front of ``juesuan serve``).

    .venv/bin/python benchmarks/bench_files.py                      # 8 and 64 connections, 10 s each
    .venv/bin/python benchmarks/bench_files.py --clients 64 --seconds 20

Needs ``wrk`` (``bash scripts/system-packages.sh --bench``): a load generator in C, so that the
client is not what is measured (a Python client tops out near 7,000 requests/s on this machine,
below a bare nginx). Every request opens a new connection (``Connection: close``), as
bench_web; ``wrk -t 2``.

Starts ``juesuan serve --demo`` (bench_web.Server, with its local worker at nice 10) on 127.0.0.1;
publishing the examples writes their files (juesuan.web.portal.files).

- (a) Django: ``/310107/02024/czj/czj/``, the same page through the view (the year's converter
  reads 02024 as 2024; the file middleware only takes four-digit years);
- (b) files: ``/310107/2024/czj/czj/`` from ``juesuan serve`` (its file middleware);
- (c) nginx: a bare nginx (one worker process) sending the same folder: the reference;
- (d) deployment: nginx (one worker process) configured with docs/deploy.md's locations
  (benchmarks/deploy_nginx.py reads them from the document) in front of ``juesuan serve``.

Each is measured at rest, then while two background workers render: the server's local worker and
a second ``juesuan worker --concurrency 1`` (lowered as ``juesuan serve`` lowers its own: nice 10,
and its session's scheduling group too),
kept busy by a helper process (this file with ``--render``) that submits ``publish`` jobs (every
public file of a disclosure, PDF included: the work of a publication) for the two published
examples, one waiting behind each running one, so both workers render throughout (the render
cache is cleared before each, or a publication would reuse the last one's documents). The measured
page is among those republished: its folder is switched while it is requested. Checks first that
the four answers have the same bytes. No timing is asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

sys.path.insert(0, str(Path(__file__).resolve().parent))

import deploy_nginx
from bench_web import Server, free_port, request

PAGE = "/310107/2024/czj/czj/"
VIEW = "/310107/02024/czj/czj/"

# The reference: nginx sending the page from the folder, nothing else.
BARE = """    location ~ "^/[^/.][^/]*/[0-9]{{4}}/[^/.][^/]*/[^/.][^/]*/$" {{
      root {root}; charset utf-8; gzip_static on;
      add_header Cache-Control no-cache always;
      try_files ${{uri}}index.html =404;
    }}"""


@dataclass
class Measured:
    name: str
    phase: str
    connections: int
    requests: int
    per_second: float
    p50: float  # ms
    p90: float
    p99: float
    bad: int  # non-2xx answers and socket errors


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip()).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(port: int, path: str, name: str, phase: str, *, connections: int, seconds: float) -> Measured:
    exe = shutil.which("wrk")
    assert exe is not None
    out = subprocess.run([exe, "-t", "2", "-c", str(connections), "-d", f"{seconds:g}s", "--latency",
                          "--timeout", "30s", "-H", "Connection: close", f"http://127.0.0.1:{port}{path}"],
                         capture_output=True, text=True, check=True).stdout
    found = {q: _ms(v) for q, v in re.findall(r"^\s+(50|90|99)%\s+(\S+)$", out, flags=re.M)}
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    bad = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    bad += sum(int(n) for n in errors.groups()) if errors else 0
    return Measured(name, phase, connections, total, rate, found["50"], found["90"], found["99"], bad)


def start_bare(folder: Path, root: Path) -> deploy_nginx.Nginx:
    port = free_port()
    work = folder / "nginx-bare"
    work.mkdir()
    text = deploy_nginx.server(BARE.format(root=root), port=port, work=work)
    nginx = deploy_nginx.Nginx(work, text, port)
    nginx.wait_ready(lambda: request(port, "GET", PAGE)[0] == 200)
    return nginx


def start_deployment(folder: Path, root: Path, upstream: int) -> deploy_nginx.Nginx:
    port = free_port()
    work = folder / "nginx-deploy"
    work.mkdir()
    nginx = deploy_nginx.Nginx(work, deploy_nginx.config(published=root, upstream_port=upstream, port=port,
                                                         work=work), port)
    nginx.wait_ready(lambda: request(port, "GET", PAGE)[0] == 200)
    return nginx


# --- the renderers ----------------------------------------------------------------------------


def render(data: Path, seconds: float, workers: int) -> int:
    """Keep ``workers`` publish jobs running (and one more waiting each) for ``seconds``."""
    from juesuan.web import serve

    serve.setup(data)
    from django.core.cache import cache

    from juesuan.web.filings.models import FilingRecord
    from juesuan.web.jobs import api
    from juesuan.web.jobs.models import Job

    records = list(FilingRecord.objects.filter(published__isnull=False).values_list("pk", flat=True))
    deadline, n = time.monotonic() + seconds, 0
    while time.monotonic() < deadline:
        active = Job.objects.filter(kind="publish", state__in=Job.ACTIVE).count()
        for _ in range(max(0, 2 * workers - active)):
            n += 1
            pk = records[n % len(records)]
            cache.clear()  # documents are cached by content: without this the next publication renders nothing
            api.submit("publish", f"bench-files:{pk}:{n}", {"record": pk})
        running = Job.objects.filter(kind="publish", state=Job.RUNNING).count()
        done = Job.objects.filter(kind="publish", state=Job.DONE, key__startswith="bench-files:").count()
        print(f"running {running} done {done}", flush=True)
        time.sleep(0.5)
    Job.objects.filter(kind="publish", state=Job.QUEUED).update(state=Job.FAILED, error="基准结束")
    return 0


class Renderers:
    """A second worker and the submitting helper, each in its own session."""

    def __init__(self, folder: Path, seconds: float) -> None:
        env = {**os.environ, "JUESUAN_DEBUG": ""}
        exe = Path(sys.executable).with_name("juesuan")
        self.logs: list[IO[bytes]] = [(folder / "worker2.log").open("wb"), (folder / "render.log").open("wb")]
        from juesuan.web.serve import lower_priority

        self.worker = subprocess.Popen(
            [str(exe), "worker", "--data", str(folder / "data"), "--concurrency", "1",
             "--hostname", "bench-files@%h"], stdout=self.logs[0], stderr=subprocess.STDOUT, env=env,
            start_new_session=True, preexec_fn=lower_priority)
        self.began = 0
        self.helper = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--render", str(folder / "data"), str(seconds)],
            stdout=subprocess.PIPE, stderr=self.logs[1], env=env, text=True, start_new_session=True)

    def wait_busy(self, workers: int, timeout: float = 120) -> None:
        """Until both workers are rendering."""
        assert self.helper.stdout is not None
        deadline = time.monotonic() + timeout
        for line in self.helper.stdout:
            if line.startswith(f"running {workers} "):
                self.began = int(line.split()[-1])
                return
            if time.monotonic() > deadline:
                break
        raise SystemExit("两个工作进程没有开始生成文档（见临时目录中的 worker2.log、render.log）")

    def published(self) -> int:
        """Publications the workers finished since both were busy (the helper stopped first)."""
        assert self.helper.stdout is not None
        os.killpg(self.helper.pid, signal.SIGTERM)
        last = [line for line in self.helper.stdout.read().splitlines() if line.startswith("running ")]
        self.helper.wait(timeout=30)
        return int(last[-1].split()[-1]) - self.began if last else 0

    def stop(self) -> None:
        for process in (self.helper, self.worker):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
        for log in self.logs:
            log.close()


# --- the report -------------------------------------------------------------------------------


def table(results: list[Measured], reference: dict[tuple[str, int], float]) -> str:
    lines = ["| 方式 | 阶段 | 连接 | 请求数 | 请求/秒 | nginx 静息的 | P50 ms | P90 ms | P99 ms | 出错 |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        ref = reference.get(("静息", r.connections))
        share = f"{100 * r.per_second / ref:.0f}%" if ref else "—"
        lines.append(f"| {r.name} | {r.phase} | {r.connections} | {r.requests:,} | {r.per_second:,.0f} | {share} "
                     f"| {r.p50:.1f} | {r.p90:.1f} | {r.p99:.1f} | {r.bad} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="公开页面四种发送方式的负载基准，静息时与两个工作进程生成文档时（仅 127.0.0.1）")
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 64], help="并发连接数（默认 8 64）")
    parser.add_argument("--seconds", type=float, default=10.0, help="每项测量时长（秒，默认 10）")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn 工作进程数（默认 2）")
    parser.add_argument("--keep", action="store_true", help="保留临时目录（日志）")
    parser.add_argument("--render", nargs=2, metavar=("DATA", "SECONDS"), help=argparse.SUPPRESS)  # internal
    args = parser.parse_args(argv)
    if args.render:
        return render(Path(args.render[0]), float(args.render[1]), 2)
    if shutil.which("wrk") is None or deploy_nginx.executable() is None:
        raise SystemExit("需要 wrk 和 nginx：bash scripts/system-packages.sh --bench")

    folder = Path(tempfile.mkdtemp(prefix="juesuan-bench-files-"))
    port = free_port()
    server = Server(folder, port, args.workers)
    started: list[deploy_nginx.Nginx] = []
    renderers: Renderers | None = None
    try:
        server.wait_ready(timeout=180)
        root = folder / "data" / "published"
        for _ in range(240):  # the files are written once the examples' publication is done
            if (root / PAGE.strip("/") / "headers.json").exists():
                break
            time.sleep(0.5)
        bare = start_bare(folder, root)
        started.append(bare)
        deployed = start_deployment(folder, root, port)
        started.append(deployed)
        targets = [("Django 生成", port, VIEW), ("公开文件（juesuan serve）", port, PAGE),
                   ("nginx", bare.port, PAGE), ("部署（nginx + juesuan serve）", deployed.port, PAGE)]
        bodies = {name: request(p, "GET", path)[2] for name, p, path in targets}
        if len(set(bodies.values())) != 1:
            raise SystemExit("四种方式返回的页面内容不同：" + "、".join(f"{n} {len(b)} 字节" for n, b in bodies.items()))
        print(f"公开页面 {len(next(iter(bodies.values())))} 字节，四种方式内容相同；gunicorn {args.workers} 个"
              f"工作进程，{os.cpu_count()} 个 CPU；wrk -t 2，每个请求新建连接", flush=True)
        results: list[Measured] = []
        rounds = [("静息", False), ("两个工作进程生成文档时", True)]
        for phase, busy in rounds:
            if busy:
                total = (len(targets) * len(args.clients) * (args.seconds + 3)) + 120
                renderers = Renderers(folder, total)
                renderers.wait_busy(2)
            for clients in args.clients:
                for name, p, path in targets:
                    for _ in range(20):
                        request(p, "GET", path)
                    result = wrk(p, path, name, phase, connections=clients, seconds=args.seconds)
                    results.append(result)
                    print(f"{phase} {clients} 连接 {name}：{result.per_second:,.0f}/s，P99 {result.p99:.1f} ms，"
                          f"出错 {result.bad}", flush=True)
        if renderers is not None:
            print(f"生成文档时，两个工作进程完成了 {renderers.published()} 次公开（每次生成公开页面和全部下载，含 PDF）")
        reference = {(r.phase, r.connections): r.per_second for r in results if r.name == "nginx"}
        print()
        print(table(results, reference))
        return 0
    finally:
        if renderers is not None:
            renderers.stop()
        for nginx in started:
            with contextlib.suppress(Exception):
                nginx.stop()
        server.stop()
        if args.keep:
            print(f"临时目录：{folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
