"""Heavy requests never hold a web worker: other users' pages while imports and documents run.

    .venv/bin/python benchmarks/bench_offload.py                          # 8 clients, 10 s at rest
    .venv/bin/python benchmarks/bench_offload.py --clients 16 --seconds 20

Starts ``juesuan serve --demo --workers W`` (with its local background worker, queue folder in
the data folder) on 127.0.0.1 with a temporary data folder, as ``bench_web.py`` does, and a
helper process on the same database (this file with ``--helper``) that stands in for the
reviewers: it opens a revision of each bundled example and saves two new versions of each
(their documents are not rendered yet), takes the 普陀区财政局 revision up to 已审核, and
publishes it when asked. It waits until no background job is active, then:

1. at rest, measures the "other users" pages for ``--seconds``, all three at the same time,
   ``--clients`` concurrent clients shared out among them (threads, a new connection a
   request, with ``bench_web.measure``): the public page of the published 随州 example (a
   file), the portal home (a view) and a department reviewer's overview of a filing;
2. fires the heavy requests at the same instant: the 随州 editor uploads for import (a) a
   crafted PDF of 60 pages of ruled 40×30 grids with an amount in each cell (written by hand,
   ~18 KB), (b) a 19.6 MB text report (a bundled real report repeated) and (b') the same
   report repeated to just under MAX_REPORT_CHARS (the most text an import reads: the 19.6 MB
   one is refused by that bound), and asks for the PDF of two new versions;
   the 普陀 editor asks for the PDF of a new version; the helper publishes the 普陀 revision and
   an anonymous visitor asks for its ``document.pdf`` (by the view's address, ``02024``: the
   files middleware still has the earlier publication's file until the publication's job has
   written the new one);
3. measures the same pages the same way again, in rounds of 5 s until every background job
   has ended (at least ``--seconds``, at most ``--max-heavy``), while each heavy request's job
   is polled (``/jobs/<id>.json`` as its user; the portal address until it answers 200).

Prints both tables (requests per second, P50/P90/P99), for each heavy request the time of the
HTTP request itself, its answer, and what its job ended as (with the Chinese message when it
failed), every background job of the heavy phase with its queue wait and run time, how much
of the heavy-phase measurement the worker was busy, and "p99 of other pages while heavy work
runs". No timing is asserted. Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import functools
import http.cookies
import json
import os
import platform
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "audit"))  # minimal_pdf

from bench_web import (
    DEMO_PASSWORD,
    Result,
    Server,
    free_port,
    log_in,
    measure,
    percentile,
    request,
    table,
)
from minimal_pdf import of_objects

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "tests" / "fixtures" / "reports" / "seed-suizhou-2020.txt"
REPORT_BYTES = int(19.6 * 1024 * 1024)  # "19.6 MB" as the upload form counts (MiB)
CZJ = ("310107", "czj", "czj", 2024)  # region, department, unit, year of the bundled examples
ZWFW = ("421300", "zwfw", "zwfw", 2020)
EDITORS = {"czj": "putuo-czj", "zwfw": "suizhou-zwfw"}
REVIEWER = "putuo-czj-review"  # the "other user" of the logged-in page
MARK = "@@"  # the helper's answer lines start with this (anything else it prints is ignored)


# --- the heavy inputs -------------------------------------------------------------------------


def grid_pdf(pages: int = 60, columns: int = 40, rows: int = 30) -> bytes:
    """A PDF of ``pages`` landscape A4 pages, each a ruled ``columns`` × ``rows`` grid with an
    amount in every cell. The grid is one Flate content stream that every page shares (the
    file stays small; a reader still interprets it once per page), plus a page number."""
    left, bottom, width, height = 30.0, 30.0, 782.0, 520.0
    cw, ch = width / columns, height / rows
    ops = ["0.4 w"]
    for i in range(columns + 1):
        x = left + i * cw
        ops.append(f"{x:.2f} {bottom:.2f} m {x:.2f} {bottom + height:.2f} l S")
    for j in range(rows + 1):
        y = bottom + j * ch
        ops.append(f"{left:.2f} {y:.2f} m {left + width:.2f} {y:.2f} l S")
    ops.append("BT /F1 5 Tf")
    for r in range(rows):  # a row's cells one column apart (Td), so the stream compresses well
        ops.append(f"1 0 0 1 {left + 1.5:.2f} {bottom + (rows - 1 - r) * ch + 6:.2f} Tm")
        ops += [("" if c == 0 else f"{cw:.2f} 0 Td ") + f"({(r * columns + c) * 7919 % 10000 / 100:.2f}) Tj"
                for c in range(columns)]
    ops.append("ET")
    grid = zlib.compress("\n".join(ops).encode("ascii"), 9)

    objects: list[bytes] = [b"", b"", b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
                            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(grid) + grid + b"\nendstream"]
    kids = []
    for n in range(pages):
        text = f"BT /F1 9 Tf 30 560 Td (Table {n + 1}) Tj ET".encode("ascii")
        objects.append(b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream")
        objects.append(b"<< /Type /Page /Parent 2 0 R /Contents [4 0 R %d 0 R] >>" % len(objects))
        kids.append(len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = (b"<< /Type /Pages /MediaBox [0 0 842 595] /Resources << /Font << /F1 3 0 R >> >> /Count %d /Kids [%s] >>"
                  % (pages, b" ".join(b"%d 0 R" % k for k in kids)))  # the pages inherit size and font
    return of_objects(objects)


def big_report(size: int = REPORT_BYTES) -> bytes:
    """A bundled real report (随州 2020, the year of the 随州 filing) repeated to ``size`` bytes,
    padded with spaces."""
    one = REPORT.read_bytes().rstrip() + b"\n\n"
    data = one * (size // len(one))
    return data + b" " * (size - len(data) - 1) + b"\n"


def largest_report() -> bytes:
    """The same report repeated to just under MAX_REPORT_CHARS, the most text an import reads
    (the 19.6 MB one is refused by that bound)."""
    from juesuan.limits import MAX_REPORT_CHARS

    one = REPORT.read_text(encoding="utf-8").rstrip() + "\n\n"
    return (one * (MAX_REPORT_CHARS // len(one))).encode("utf-8")


def multipart(fields: dict[str, str], filename: str, data: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body with ``fields`` and the file as ``file``, and its type."""
    boundary = "juesuan-bench-" + secrets.token_hex(12)
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                 "Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def import_form(port: int, cookie: str, path: str) -> tuple[str, str, str]:
    """(Cookie header, CSRF token, _base) of the import form as ``cookie``'s user sees it."""
    status, headers, body = request(port, "GET", path, headers={"Cookie": cookie})
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    base = re.search(rb'name="_base" value="(\d+)"', body)
    if status != 200 or token is None or base is None:
        raise SystemExit(f"导入页面异常：{path} 返回 {status}")
    fresh = http.cookies.SimpleCookie(headers.get("set-cookie", ""))
    if "csrftoken" in fresh:  # a rotated token: the form's is made from the new one
        cookie = re.sub(r"csrftoken=[^;]*", f"csrftoken={fresh['csrftoken'].value}", cookie)
    return cookie, token.group(1).decode(), base.group(1).decode()


# --- the helper: the reviewers' side, in the server's database --------------------------------


def helper(data: Path) -> int:
    """Answer one JSON line (after :data:`MARK`) to each command line read: ``prepare``,
    ``publish``, ``active``, ``jobs <ISO time>``, ``quit``."""
    from juesuan.web import serve

    serve.setup(data)
    from django.contrib.auth import get_user_model

    from juesuan.web.filings import services
    from juesuan.web.filings.models import FilingRecord
    from juesuan.web.jobs.models import Job
    from juesuan.web.workflow import Action

    users = get_user_model().objects

    def record_of(key: tuple[str, str, str, int]) -> FilingRecord:
        region, department, unit, year = key
        return FilingRecord.objects.select_related("current").get(
            unit__department__region__code=region, unit__department__code=department, unit__code=unit, year=year)

    def revise(key: tuple[str, str, str, int], editor: str, count: int) -> dict[str, Any]:
        """A revision with ``count`` new versions, each with its own cover notice (so its own
        content, whose documents are not rendered yet)."""
        record, user = record_of(key), users.get(username=editor)
        services.transition(record, Action.REVISE, user, checks=False, comment="负载基准")
        numbers = []
        for n in range(count):
            record.refresh_from_db()
            current = record.current
            if current is None:
                raise RuntimeError("示例没有版本")
            filing = services.filing_of(current)
            notices = (*filing.notices[:2], f"负载基准测试修改 {n + 1}（{secrets.token_hex(4)}）")
            version, created = services.save_version(record, filing.model_copy(update={"notices": notices}), user,
                                                     base=current.number, note="负载基准")
            if not created:
                raise RuntimeError("新版本未保存")
            numbers.append(version.number)
        return {"pk": record.pk, "versions": numbers}

    def prepare() -> dict[str, Any]:
        czj = revise(CZJ, EDITORS["czj"], 2)
        record = record_of(CZJ)
        for action, who in ((Action.SUBMIT, EDITORS["czj"]), (Action.DEPARTMENT_APPROVE, REVIEWER),
                            (Action.FINANCE_APPROVE, "putuo-finance")):
            services.transition(record, action, users.get(username=who), checks=False, comment="负载基准")
        return {"czj": czj, "zwfw": revise(ZWFW, EDITORS["zwfw"], 2)}

    def publish() -> dict[str, Any]:
        record = record_of(CZJ)
        services.transition(record, Action.PUBLISH, users.get(username="putuo-finance"), checks=False,
                            comment="负载基准")
        return {"version": record.current.number if record.current else None}

    def jobs(since: str) -> list[dict[str, Any]]:
        found = Job.objects.filter(created__gte=datetime.datetime.fromisoformat(since)).order_by("created")
        return [{"id": str(j.pk), "kind": j.kind, "state": j.state, "error": j.error, "owner": j.owner_id,
                 "created": j.created.isoformat(), "started": j.started.isoformat() if j.started else None,
                 "finished": j.finished.isoformat() if j.finished else None} for j in found]

    for line in sys.stdin:
        command, _, rest = line.strip().partition(" ")
        try:
            if command == "quit":
                break
            commands: dict[str, Callable[[], Any]] = {
                "prepare": prepare, "publish": publish,
                "active": lambda: [j.kind for j in Job.objects.filter(state__in=Job.ACTIVE)],
                "jobs": functools.partial(jobs, rest),
            }
            answer = commands[command]()
            reply = {"ok": answer}
        except Exception:
            reply = {"error": traceback.format_exc()}
        print(MARK + json.dumps(reply, ensure_ascii=False), flush=True)
    return 0


class Helper:
    def __init__(self, data: Path, log: Path) -> None:
        self.log: IO[bytes] = log.open("wb")
        env = {**os.environ, "JUESUAN_DEBUG": ""}
        self.process = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--helper", str(data)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, env=env,
                                        text=True, encoding="utf-8", start_new_session=True)

    def call(self, command: str) -> Any:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        for line in self.process.stdout:
            if line.startswith(MARK):
                reply = json.loads(line[len(MARK):])
                if "error" in reply:
                    raise SystemExit(f"辅助进程执行 {command} 出错：\n{reply['error']}")
                return reply["ok"]
        raise SystemExit(f"辅助进程已退出（{command}），日志：{self.log.name}")

    def wait_idle(self, timeout: float, what: str) -> float:
        began = time.monotonic()
        while self.call("active"):
            if time.monotonic() - began > timeout:
                raise SystemExit(f"{what}：后台任务 {timeout:.0f} 秒内没有做完")
            time.sleep(1)
        return time.monotonic() - began

    def close(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(OSError, SystemExit):
                self.call("quit")
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


# --- the heavy requests -----------------------------------------------------------------------


@dataclass
class Heavy:
    name: str
    method: str
    path: str
    cookie: str  # "" for an anonymous visitor
    body: bytes | None = None
    content_type: str = ""
    before: Any = None  # called just before the request (the publication)
    status: int = 0
    location: str = ""
    seconds: float = float("nan")
    job: dict[str, Any] = field(default_factory=dict)  # the last /jobs/<id>.json
    ended: float | None = None  # seconds after the start when its job (or the portal file) was done
    note: str = ""

    @property
    def job_path(self) -> str | None:
        found = re.fullmatch(r"(?:http://[^/]+)?/jobs/([0-9a-f-]{36})/", self.location)
        return f"/jobs/{found.group(1)}.json" if found else None


def fire(port: int, item: Heavy, started: float) -> None:
    headers = {"Cookie": item.cookie} if item.cookie else {}
    if item.content_type:
        headers["Content-Type"] = item.content_type
    try:
        if item.before is not None:
            item.before()
        begin = time.perf_counter()
        item.status, response, _ = request(port, item.method, item.path, body=item.body, headers=headers)
        item.seconds = time.perf_counter() - begin
        item.location = response.get("location", "")
        if item.status == 503:
            item.note = f"Retry-After: {response.get('retry-after', '无')}"
    except (OSError, SystemExit) as exc:
        item.note = f"{type(exc).__name__}: {exc}"
        item.ended = time.monotonic() - started
        return
    poll(port, item, started, headers)


def poll(port: int, item: Heavy, started: float, headers: dict[str, str], deadline: float = 900) -> None:
    """Until its job has ended: /jobs/<id>.json as its user, or the same address until 200."""
    headers = {k: v for k, v in headers.items() if k == "Cookie"}
    while time.monotonic() - started < deadline:
        time.sleep(1 if item.job_path else 2)
        try:
            if item.job_path:
                status, _, body = request(port, "GET", item.job_path, headers=headers)
                if status == 200:
                    item.job = json.loads(body)
                    if item.job.get("state") in ("done", "failed"):
                        break
            elif item.status == 503:
                status, _, _ = request(port, "GET", item.path, headers=headers)
                if status != 503:
                    item.job = {"state": "done" if status == 200 else "failed", "error": f"HTTP {status}"}
                    break
            else:
                break
        except OSError:
            continue
    item.ended = time.monotonic() - started


ROUND = 5.0  # seconds of one round of the heavy phase


def at_once(port: int, pages: list[tuple[str, str, dict[str, str]]], clients: int, seconds: float,
            limit: int) -> list[Result]:
    """Every page measured at the same time, ``clients`` shared out among them."""
    results: list[Result | None] = [None] * len(pages)

    def one(i: int) -> None:
        name, path, headers = pages[i]
        share = clients // len(pages) + (1 if i < clients % len(pages) else 0)
        results[i] = measure(port, name, path, headers, clients=max(1, share), seconds=seconds, limit=limit)

    threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in range(len(pages))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [r for r in results if r is not None]


def merge(into: Result, more: Result) -> None:
    into.latencies += more.latencies
    into.failures += more.failures
    into.seconds += more.seconds
    into.first_failure = into.first_failure or more.first_failure


def busy_share(windows: list[tuple[float, float]], jobs: list[dict[str, Any]]) -> float:
    """The share of the measurement windows (epoch seconds) during which some job ran."""
    spans = sorted((datetime.datetime.fromisoformat(j["started"]).timestamp(),
                    datetime.datetime.fromisoformat(j["finished"]).timestamp() if j["finished"] else time.time())
                   for j in jobs if j["started"])
    busy = total = 0.0
    for a, b in windows:
        total += b - a
        covered, edge = 0.0, a
        for s, e in spans:
            s, e = max(s, edge), min(e, b)
            if e > s:
                covered += e - s
                edge = e
        busy += covered
    return busy / total if total else 0.0


def one_line(text: str, limit: int = 160) -> str:
    """A job's error on one line: its first line, and how many more there are."""
    lines = text.strip().splitlines() or [""]
    first = lines[0][:limit] + ("…" if len(lines[0]) > limit else "")
    return first + (f"（另 {len(lines) - 1} 行）" if len(lines) > 1 else "")


def seconds_between(a: str | None, b: str | None) -> str:
    if not a or not b:
        return "—"
    return f"{(datetime.datetime.fromisoformat(b) - datetime.datetime.fromisoformat(a)).total_seconds():.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="重负载请求不占网站工作进程：导入、生成 PDF 时其他用户页面的负载基准（仅 127.0.0.1）")
    parser.add_argument("--clients", type=int, default=8, help="并发客户端数（默认 8）")
    parser.add_argument("--seconds", type=float, default=10.0, help="静息时的测量时长，也是重负载阶段的最短时长（秒，默认 10）")
    parser.add_argument("--requests", type=int, default=50000, help="每个页面每轮最多请求数（默认 50000）")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn 工作进程数（默认 2）")
    parser.add_argument("--warmup", type=int, default=20, help="每个页面预热请求数（默认 20）")
    parser.add_argument("--max-heavy", type=float, default=600.0, help="重负载阶段最长测量时间（秒，默认 600）")
    parser.add_argument("--keep", action="store_true", help="保留临时数据目录（含服务与任务日志）")
    parser.add_argument("--helper", type=Path, help=argparse.SUPPRESS)  # the helper process (internal)
    args = parser.parse_args(argv)
    if args.helper is not None:
        return helper(args.helper)

    folder = Path(tempfile.mkdtemp(prefix="juesuan-bench-offload-"))
    port = free_port()
    database = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    print(f"juesuan serve：127.0.0.1:{port}，{args.workers} 个工作进程 + 本机后台任务进程，{database}，数据目录 {folder}")
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    print(f"Python {platform.python_version()}，{os.cpu_count()} 个 CPU，开始时负载 {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}；"
          f"{args.clients} 个并发客户端，三个页面同时测量")
    pdf, report, largest = grid_pdf(), big_report(), largest_report()
    print(f"重负载输入：自制 PDF {len(pdf):,} 字节（60 页 40×30 表格线）；文本报告 {len(report):,} 字节"
          f"（{len(report) / 1048576:.1f} MB）和 {len(largest):,} 字节（{len(largest.decode()):,} 字，"
          f"导入可读的最大文字量），均由 {REPORT.name} 重复而成")
    started = time.perf_counter()
    server = Server(folder, port, args.workers)
    aide: Helper | None = None
    try:
        server.wait_ready(timeout=180)
        print(f"服务就绪用时 {time.perf_counter() - started:.1f} 秒")
        aide = Helper(folder / "data", folder / "helper.log")
        waited = aide.wait_idle(900, "载入示例")
        print(f"示例的公开文件由后台任务生成，等待 {waited:.0f} 秒")
        made = aide.call("prepare")
        waited = aide.wait_idle(900, "准备新版本")
        czj, zwfw = made["czj"], made["zwfw"]
        print(f"新版本：普陀区财政局第 {czj['versions']} 版（已审核，待公开），随州第 {zwfw['versions']} 版（修订中）；"
              f"其后台任务等待 {waited:.0f} 秒")

        cookies = {who: log_in(port, who, DEMO_PASSWORD) for who in (*EDITORS.values(), REVIEWER)}
        pages: list[tuple[str, str, dict[str, str]]] = [
            ("公开页面", "/421300/2020/zwfw/zwfw/", {}),
            ("门户首页", "/", {}),
            ("概览（审核员登录）", f"/desk/f/{czj['pk']}/", {"Cookie": cookies[REVIEWER]}),
        ]
        for name, path, headers in pages:
            for _ in range(args.warmup):
                status, _, _ = request(port, "GET", path, headers=headers)
                if status != 200:
                    raise SystemExit(f"{name} {path} 返回 {status}")
        baseline = at_once(port, pages, args.clients, args.seconds, args.requests)

        editor = EDITORS["zwfw"]
        form = f"/desk/f/{zwfw['pk']}/import/"
        cookie, token, base = import_form(port, cookies[editor], form)
        fields = {"csrfmiddlewaretoken": token, "_base": base, "_note": "负载基准"}
        pdf_body, pdf_type = multipart(fields, "grid-60-pages.pdf", pdf)
        txt_body, txt_type = multipart(fields, "report-19.6MB.txt", report)
        max_body, max_type = multipart(fields, "report-2M-chars.txt", largest)
        heavy = [
            Heavy(f"导入：自制 PDF（{len(pdf) / 1024:.0f} KB）", "POST", form, cookie, pdf_body, pdf_type),
            Heavy(f"导入：文本报告（{len(report) / 1048576:.1f} MB）", "POST", form, cookie, txt_body, txt_type),
            Heavy(f"导入：文本报告（{len(largest) / 1048576:.1f} MB，上限内最大）", "POST", form, cookie, max_body,
                  max_type),
            *(Heavy(f"工作台 PDF：随州第 {n} 版", "GET", f"/desk/f/{zwfw['pk']}/v{n}.pdf", cookies[editor])
              for n in zwfw["versions"]),
            Heavy(f"工作台 PDF：普陀第 {czj['versions'][0]} 版", "GET", f"/desk/f/{czj['pk']}/v{czj['versions'][0]}.pdf",
                  cookies[EDITORS["czj"]]),
        ]
        # The helper is used by this thread only: the publication is done before the threads start.
        since = datetime.datetime.now(datetime.UTC).isoformat()
        began = time.perf_counter()
        published = aide.call("publish")
        publish_seconds = time.perf_counter() - began
        heavy.append(Heavy(f"门户 document.pdf：普陀刚公开的第 {published['version']} 版", "GET",
                           "/310107/02024/czj/czj/document.pdf", ""))
        t0 = time.monotonic()
        threads = [threading.Thread(target=fire, args=(port, item, t0), daemon=True) for item in heavy]
        for t in threads:
            t.start()
        # Short rounds until every job has ended (at least --seconds): the heavy phase's numbers
        # cover the heavy work, and little else.
        during = [Result(name, path) for name, path, _ in pages]
        windows: list[tuple[float, float]] = []
        while True:
            a = time.time()
            for result, more in zip(during, at_once(port, pages, args.clients, ROUND, args.requests), strict=True):
                merge(result, more)
            windows.append((a, time.time()))
            elapsed = time.monotonic() - t0
            if elapsed > args.max_heavy or (elapsed >= args.seconds and all(not t.is_alive() for t in threads)
                                            and not aide.call("active")):
                break
        for t in threads:
            t.join(timeout=1)
        jobs = aide.call("jobs " + since)

        print(f"\n静息（基线），{args.seconds:g} 秒，{args.clients} 个并发客户端由三个页面同时分用：")
        print(table(baseline))
        print(f"\n重负载进行中（{len(windows)} 轮各 {ROUND:g} 秒，共 {time.monotonic() - t0:.0f} 秒，"
              "到全部后台任务结束为止）：")
        print(table(during))
        print("\n重负载请求（同时发出；公开由辅助进程代财政审核员执行，"
              f"用时 {publish_seconds * 1000:.0f} ms，随即发出门户请求）：")
        for item in heavy:
            job = item.job
            state = {"done": "完成", "failed": "失败"}.get(job.get("state", ""), job.get("state", "未结束"))
            ran = seconds_between(job.get("started"), job.get("finished"))
            wait = seconds_between(job.get("created"), job.get("started"))
            where = item.location.replace(f"http://127.0.0.1:{port}", "") or item.note
            print(f"  {item.name}：HTTP {item.status}，{item.seconds * 1000:.0f} ms → {where}；任务{state}"
                  + (f"（排队 {wait} 秒，运行 {ran} 秒）" if job.get("started") else "")
                  + (f"，{item.ended:.0f} 秒后结束" if item.ended is not None else "")
                  + (f"：{one_line(job['error'])}" if job.get("state") == "failed" and job.get("error") else ""))
        print("\n重负载阶段的全部后台任务（按提交先后）：")
        for j in jobs:
            print(f"  {j['kind']:<16} {j['state']:<7} 排队 {seconds_between(j['created'], j['started']):>6} 秒  "
                  f"运行 {seconds_between(j['started'], j['finished']):>6} 秒  {one_line(j['error'])}")
        share = busy_share(windows, jobs)
        print(f"\n后台任务进程在重负载阶段测量时间的 {share:.0%} 里在工作。")
        load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
        print(f"结束时负载 {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
        def p99s(results: list[Result]) -> str:
            return "、".join(f"{r.name} {percentile(r.latencies, 99) * 1000:.1f} ms" for r in results)

        print(f"p99 of other pages while heavy work runs: {p99s(during)} (target < 50 ms)")
        print(f"（静息时：{p99s(baseline)}）")
        slow = [item.name for item in heavy if not item.seconds < 1]
        if slow:
            print("HTTP 请求本身超过 1 秒：" + "、".join(slow))
        return 0
    finally:
        if aide is not None:
            aide.close()
        server.stop()
        if args.keep:
            print(f"数据目录与服务、任务日志保留在 {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
