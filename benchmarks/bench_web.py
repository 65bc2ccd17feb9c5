"""Load benchmark of the web app as deployed: ``juesuan serve`` (gunicorn) on loopback.

    .venv/bin/python benchmarks/bench_web.py                        # SQLite, 2 workers, 8 clients, 10 s a page
    .venv/bin/python benchmarks/bench_web.py --clients 16 --seconds 20
    bash scripts/postgres.sh .venv/bin/python benchmarks/bench_web.py   # the same on PostgreSQL

Starts ``juesuan serve --workers W --demo`` on 127.0.0.1 with a temporary data folder (the
bundled examples are loaded as published disclosures; DATABASE_URL, if set, points it at
PostgreSQL instead of SQLite), waits until it answers, logs a demo unit editor in, warms each
page up, then for each page runs ``--clients`` concurrent clients (threads, one new HTTP
connection a request, as gunicorn's sync workers close each one) for ``--seconds`` seconds or
``--requests`` requests, whichever comes first. Prints requests per second and the 50th, 90th
and 99th percentile latency per page, and the count of failed requests (any status but 200).
Stops the server at the end. Traffic goes to 127.0.0.1 only. No timing is asserted.

Pages: the public page of a published disclosure and its API call (what most visitors ask
for), the API's list, a static file (whitenoise), and the logged-in workspace and overview.
"""

from __future__ import annotations

import argparse
import http.client
import http.cookies
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

DEMO_USER = "putuo-czj"
DEMO_PASSWORD = "juesuan-demo"  # juesuan.cli.DEMO_PASSWORD


@dataclass
class Result:
    name: str
    path: str
    latencies: list[float] = field(default_factory=list)
    failures: int = 0
    seconds: float = 0.0
    first_failure: str = ""


class Server:
    """``juesuan serve`` in its own process group, output to a log file."""

    def __init__(self, data: Path, port: int, workers: int) -> None:
        self.data, self.port, self.workers = data, port, workers
        self.log = data / "server.log"
        exe = Path(sys.executable).with_name("juesuan")
        command = [str(exe)] if exe.exists() else [sys.executable, "-m", "juesuan.cli"]
        command += ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
                    "--data", str(data / "data"), "--demo"]
        env = {**os.environ, "JUESUAN_DEBUG": ""}
        self.handle = self.log.open("wb")
        self.process = subprocess.Popen(command, stdout=self.handle, stderr=subprocess.STDOUT, env=env,
                                        cwd=data, start_new_session=True)

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"服务未能启动（退出码 {self.process.returncode}），日志：\n{self.tail()}")
            try:
                status, _, _ = request(self.port, "GET", "/")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.25)
        raise SystemExit(f"服务 {timeout:.0f} 秒内没有响应，日志：\n{self.tail()}")

    def tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.handle.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def request(port: int, method: str, path: str, *, body: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data
    finally:
        connection.close()


def log_in(port: int, username: str, password: str) -> str:
    """The Cookie header of a session logged in through the login form."""
    status, headers, body = request(port, "GET", "/accounts/login/")
    cookies = http.cookies.SimpleCookie(headers.get("set-cookie", ""))
    csrf = cookies["csrftoken"].value
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or token is None:
        raise SystemExit(f"登录页异常：{status}")
    form = urllib.parse.urlencode({"username": username, "password": password,
                                   "csrfmiddlewaretoken": token.group(1).decode()}).encode()
    status, headers, _ = request(port, "POST", "/accounts/login/", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf}",
        "Referer": f"http://127.0.0.1:{port}/accounts/login/"})
    cookies = http.cookies.SimpleCookie(headers.get("set-cookie", ""))
    if status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"演示账号 {username} 未能登录（{status}）")
    return f"csrftoken={csrf}; sessionid={cookies['sessionid'].value}"


def measure(port: int, name: str, path: str, headers: dict[str, str], *, clients: int, seconds: float,
            limit: int) -> Result:
    result = Result(name, path)
    lock = threading.Lock()
    count = [0]
    deadline = time.monotonic() + seconds

    def client() -> None:
        while time.monotonic() < deadline:
            with lock:
                if count[0] >= limit:
                    return
                count[0] += 1
            start = time.perf_counter()
            try:
                status, _, _ = request(port, "GET", path, headers=headers)
                problem = "" if status == 200 else f"HTTP {status}"
            except OSError as exc:
                problem = f"{type(exc).__name__}: {exc}"
            elapsed = time.perf_counter() - start
            with lock:
                result.latencies.append(elapsed)
                if problem:
                    result.failures += 1
                    result.first_failure = result.first_failure or problem

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.seconds = time.perf_counter() - began
    return result


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))
    return ordered[index]


def table(results: list[Result]) -> str:
    rows = [("页面", "地址", "请求数", "失败", "请求/秒", "P50 ms", "P90 ms", "P99 ms")]
    for r in results:
        ms = [x * 1000 for x in r.latencies]
        rows.append((r.name, r.path, str(len(ms)), str(r.failures), f"{len(ms) / r.seconds:.1f}",
                     f"{statistics.median(ms):.1f}", f"{percentile(ms, 90):.1f}", f"{percentile(ms, 99):.1f}"))

    def width(text: str) -> int:  # CJK characters take two columns
        return sum(2 if ord(c) > 0x2E80 else 1 for c in text)

    widths = [max(width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [cell + " " * (w - width(cell)) if i < 2 else " " * (w - width(cell)) + cell
                 for i, (cell, w) in enumerate(zip(row, widths, strict=True))]
        lines.append("  ".join(cells))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="juesuan serve 负载基准（仅访问 127.0.0.1）")
    parser.add_argument("--clients", type=int, default=8, help="并发客户端数（默认 8）")
    parser.add_argument("--seconds", type=float, default=10.0, help="每个页面的测量时长（秒，默认 10）")
    parser.add_argument("--requests", type=int, default=20000, help="每个页面最多请求数（默认 20000）")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn 工作进程数（默认 2）")
    parser.add_argument("--warmup", type=int, default=20, help="每个页面预热请求数（默认 20）")
    parser.add_argument("--keep", action="store_true", help="保留临时数据目录（含服务日志）")
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="juesuan-bench-web-"))
    port = free_port()
    database = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    print(f"juesuan serve：127.0.0.1:{port}，{args.workers} 个工作进程，{database}，数据目录 {folder}")
    print(f"Python {platform.python_version()}，{os.cpu_count()} 个 CPU；{args.clients} 个并发客户端，"
          f"每个页面 {args.seconds:g} 秒或 {args.requests} 次请求")
    started = time.perf_counter()
    server = Server(folder, port, args.workers)
    try:
        server.wait_ready(timeout=180)
        print(f"服务就绪用时 {time.perf_counter() - started:.1f} 秒（迁移数据库、载入示例、启动 gunicorn）")
        session = {"Cookie": log_in(port, DEMO_USER, DEMO_PASSWORD)}
        status, _, body = request(port, "GET", "/desk/", headers=session)
        overview = re.search(rb'href="(/desk/f/\d+/)"', body)
        if status != 200 or overview is None:
            raise SystemExit(f"工作台异常：{status}")
        pages: list[tuple[str, str, dict[str, str]]] = [
            ("公开页面", "/310107/2024/czj/czj/", {}),
            ("接口：公开件", "/api/disclosures/310107/2024/czj/czj", {}),
            ("接口：列表", "/api/disclosures?year=2024", {}),
            ("静态文件", "/static/juesuan/site.css", {}),
            ("工作台（登录）", "/desk/", session),
            ("概览（登录）", overview.group(1).decode(), session),
        ]
        results = []
        for name, path, headers in pages:
            for _ in range(args.warmup):
                status, _, _ = request(port, "GET", path, headers=headers)
                if status != 200:
                    raise SystemExit(f"{name} {path} 返回 {status}")
            results.append(measure(port, name, path, headers, clients=args.clients, seconds=args.seconds,
                                   limit=args.requests))
        print()
        print(table(results))
        failed = [r for r in results if r.failures]
        for r in failed:
            print(f"{r.name}：{r.failures} 次失败，例如 {r.first_failure}")
        return 1 if failed else 0
    finally:
        server.stop()
        if args.keep:
            print(f"数据目录与服务日志保留在 {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
