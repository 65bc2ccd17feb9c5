"""A province on one database: import, check, publish with two workers, 汇总, portal under load.

    bash scripts/postgres.sh .venv/bin/python benchmarks/bench_province.py                  # quick try (400 filings)
    bash scripts/postgres.sh .venv/bin/python benchmarks/bench_province.py --filings 20000 --publish 200 --json out.json

In a temporary data folder (DATABASE_URL, if set, points at PostgreSQL; else SQLite in the folder):

1. **Build**: a region tree (a province, ``--prefectures`` 市, ``--counties`` 县 under each),
   ``--departments`` departments spread over its regions, units under them so that there are
   ``--filings`` filings of one year. Each unit files a member of a pool of ``--pool``
   synthetic filings (``generate.generate_data``, varied seeds and row counts) under its own
   identity (department name and code = the unit's, region = its region's name). Written as
   ``services.create_record`` writes them (record, version 1, the record's current version, the
   "create" audit event), in bulk; then published in bulk as ``services.transition`` writes a
   publication (state, published version and time, the step, the audit event). The same
   ``create_record`` itself is timed on a sample in a transaction that is rolled back.
2. **Check**: every version's summary (``review.summaries``: findings by severity and key
   figures, kept in VersionSummary) in jobs of ``--chunk`` versions on ``--workers`` Celery
   workers with a Redis broker.
3. **Publish**: ``portal.files.write_published`` for ``--publish`` records, one job each, on
   the same workers; documents per second per worker and the peak RSS of the worker processes.
4. **汇总**: ``consolidate_region`` over every filing of the province, in a child process
   (its peak RSS is the 汇总's: reading the filings from the database and summing them).
5. **Portal**: ``juesuan serve`` (2 gunicorn workers) on the same database and folder, behind
   nginx configured as docs/deploy.md says (benchmarks/deploy_nginx.py; ``--no-nginx``, or no
   nginx installed: ``juesuan serve`` alone); while the workers publish, ``--clients``
   concurrent clients for ``--seconds`` seconds, each in turn on the region-year listing, a
   search, a comparison of 4 disclosures and a published page. The first request of each page
   alone is timed (nothing kept yet), then the median of two more (kept for visitors,
   juesuan.web.portal.kept).

The workers run at the lower priority ``juesuan serve`` gives its local worker (on one machine
with the site; they take all the CPU nobody else wants). They are ``juesuan worker``
(``app.worker_main`` after ``web.setup``) with one more job
kind registered by this script: summaries of a chunk of versions (juesuan's own ``summarise``
does one version a job); publishing is juesuan's ``publish`` job. Prints one table; ``--json OUT``
writes it as JSON. redis-server must be on PATH. Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import multiprocessing
import os
import platform
import random
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import deploy_nginx  # noqa: E402
from bench_web import free_port, percentile, request  # noqa: E402
from generate import generate_data  # noqa: E402
from redis_server import REDIS, redis_command, redis_up  # noqa: E402

PROVINCE = "990000"
SUMMARY_KIND = "bench_summaries"
PUBLISH_KIND = "publish"  # the job a publication queues (juesuan.web.portal.files.publish_job)
ROW_CHOICES = (40, 80, 120, 150)  # expenditure rows of the pool's filings


# --- the pool and the province ------------------------------------------------------------


@dataclass
class Member:
    """A pool filing as stored (``services.canonical``), parsed back as plain JSON (amounts
    stay strings), so each unit's content is the same dump with its own identity."""

    data: dict[str, Any]
    rows: int


def make_pool(size: int, seed: int, year: int) -> list[Member]:
    from juesuan.filing.model import Filing
    from juesuan.web.filings import services

    rng = random.Random(seed)
    pool = []
    for n in range(size):
        rows = rng.choice(ROW_CHOICES)
        data = generate_data(seed + n, rows=rows, year=year)
        data["department"]["code"] = "000"  # a code in its place; each unit writes its own
        pool.append(Member(json.loads(services.canonical(Filing.model_validate(data))), rows))
    return pool


def content_of(member: Member, *, name: str, code: str, region: str) -> str:
    """The stored content of a pool member filed by one unit: ``canonical`` of the filing with
    this identity (key order kept, so the dump is what ``canonical`` writes)."""
    department = {k: ({"name": name, "code": code, "region": region}.get(k, v)) for k, v in
                  member.data["department"].items()}
    return json.dumps({**member.data, "department": department}, ensure_ascii=False, separators=(",", ":"))


@dataclass
class Province:
    year: int
    regions: int = 0
    departments: int = 0
    units: int = 0
    record_ids: list[int] = field(default_factory=list)
    counties: list[str] = field(default_factory=list)  # region codes
    timings: dict[str, float] = field(default_factory=dict)


def region_tree(prefectures: int, counties: int) -> list[tuple[str, str, str | None]]:
    """(code, name, parent code), parents first: the province, its 市, their 县."""
    tree: list[tuple[str, str, str | None]] = [(PROVINCE, "基准省", None)]
    for p in range(1, prefectures + 1):
        code = f"99{p:02d}00"
        tree.append((code, f"基准省第{p}市", PROVINCE))
        tree += [(f"99{p:02d}{c:02d}", f"基准省第{p}市第{c}县", code) for c in range(1, counties + 1)]
    return tree


def build_province(pool: list[Member], *, filings: int, departments: int, year: int, prefectures: int = 10,
                   counties: int = 3, batch: int = 500) -> Province:
    """Regions, departments and units, and a published filing for each unit (see the module)."""
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone

    from juesuan.web.filings.models import AuditEvent, FilingRecord, FilingVersion, WorkflowStep
    from juesuan.web.orgs.models import Department, Region, Unit
    from juesuan.web.workflow import Action, State

    if departments < 1 or filings < departments:
        raise SystemExit("部门数应至少为 1，填报份数不少于部门数")
    out = Province(year)
    started = time.perf_counter()
    with transaction.atomic():
        regions: dict[str, Region] = {}
        for code, name, parent in region_tree(prefectures, counties):
            regions[code] = Region.objects.create(code=code, name=name, parent=regions.get(parent) if parent else None)
        places = list(regions.values())
        depts = Department.objects.bulk_create([
            Department(region=places[n % len(places)], code=f"d{n + 1:03d}",
                       name=f"{places[n % len(places)].name}第{n + 1}部门") for n in range(departments)])
        units: list[Unit] = []
        for n, dept in enumerate(depts):
            count = filings // departments + (1 if n < filings % departments else 0)
            units += [Unit(department=dept, code=f"{dept.code}{k + 1:03d}",
                           name=f"{dept.name}{'机关' if k == 0 else f'第{k}单位'}") for k in range(count)]
        units = Unit.objects.bulk_create(units, batch_size=2000)
    out.regions, out.departments, out.units = len(regions), len(depts), len(units)
    out.counties = [code for code, _, parent in region_tree(prefectures, counties) if parent and parent != PROVINCE]
    out.timings["orgs"] = time.perf_counter() - started
    region_of = {d.pk: d.region for d in depts}
    dept_of = {d.pk: d for d in depts}
    import_seconds = publish_seconds = 0.0
    for first in range(0, len(units), batch):
        chunk = units[first:first + batch]
        contents = [content_of(pool[(first + i) % len(pool)], name=u.name, code=u.code,
                               region=region_of[dept_of[u.department_id].pk].name) for i, u in enumerate(chunk)]
        began = time.perf_counter()
        with transaction.atomic():
            now = timezone.now()
            records = FilingRecord.objects.bulk_create([FilingRecord(unit=u, year=year) for u in chunk])
            versions = FilingVersion.objects.bulk_create([
                FilingVersion(record=r, number=1, content=c, digest=hashlib.sha256(c.encode()).hexdigest(),
                              author=None, source="json", note="新建") for r, c in zip(records, contents, strict=True)])
            for r, v in zip(records, versions, strict=True):
                r.current, r.updated_at = v, now
            FilingRecord.objects.bulk_update(records, ["current", "updated_at"])
            AuditEvent.objects.bulk_create([AuditEvent(action="create", record=r, detail={"year": year, "source": "json"})
                                            for r in records])
        import_seconds += time.perf_counter() - began
        began = time.perf_counter()
        with transaction.atomic():  # 公开, as transition(PUBLISH) writes it (its files come in the publish step)
            ids = [r.pk for r in records]
            FilingRecord.objects.filter(pk__in=ids).update(state=State.PUBLISHED.value, published=F("current"),
                                                           published_at=timezone.now(), updated_at=timezone.now())
            WorkflowStep.objects.bulk_create([
                WorkflowStep(record=r, version=v, action=Action.PUBLISH.value, from_state=State.APPROVED.value,
                             to_state=State.PUBLISHED.value) for r, v in zip(records, versions, strict=True)])
            AuditEvent.objects.bulk_create([AuditEvent(action=Action.PUBLISH.value, record=r,
                                                       detail={"version": 1, "comment": ""}) for r in records])
        publish_seconds += time.perf_counter() - began
        out.record_ids += ids
    out.timings["import"] = import_seconds
    out.timings["mark_published"] = publish_seconds
    return out


def time_create_record(pool: list[Member], province: Province, sample: int) -> float:
    """Seconds per ``services.create_record`` (the import's write) on ``sample`` units of the
    province, in a transaction rolled back at the end."""
    from django.db import transaction

    from juesuan.filing.io import filing_from_data, parse_json
    from juesuan.web.filings import services
    from juesuan.web.orgs.models import Unit

    units = list(Unit.objects.select_related("department__region").order_by("pk")[:sample])
    filings = [filing_from_data(parse_json(content_of(pool[i % len(pool)], name=u.name, code=u.code,
                                                      region=u.department.region.name)), "基准")
               for i, u in enumerate(units)]
    with transaction.atomic():
        began = time.perf_counter()
        for unit, filing in zip(units, filings, strict=True):
            services.create_record(unit, province.year + 1, filing, None, source="json")
        seconds = time.perf_counter() - began
        transaction.set_rollback(True)
    return seconds / max(len(units), 1)


# --- the jobs the workers run ---------------------------------------------------------------


def summaries_job(job: Any, progress: Any) -> dict[str, Any]:
    """Work out and keep the summaries of the versions ``params["versions"]``."""
    from juesuan.web.filings import review
    from juesuan.web.filings.models import FilingVersion

    versions = list(FilingVersion.objects.filter(pk__in=job.params["versions"]))
    kept = review.summaries(versions)
    errors = sum(1 for counts, _ in kept.values() if counts.get("error"))
    return {"versions": len(kept), "with_errors": errors}


def register_jobs() -> None:
    from juesuan.web.jobs.tasks import HANDLERS, Handler

    HANDLERS.setdefault(SUMMARY_KIND, Handler(summaries_job, "基准：检查摘要", 1800, 2400))


def run_worker(name: str, data: Path) -> None:
    """``juesuan worker --concurrency 1`` with the benchmark's job kinds."""
    from juesuan.web import serve as web

    web.setup(data)
    register_jobs()
    from juesuan.web.jobs.celery import app

    app.worker_main(["worker", "--pool", "prefork", "--concurrency", "1", "--loglevel", "INFO", "-n", name,
                     "--without-gossip", "--without-mingle"])


# --- processes ------------------------------------------------------------------------------


class Processes:
    """redis-server, the workers and the server, each in its own session, killed at the end."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.started: list[tuple[str, subprocess.Popen[bytes]]] = []

    def start(self, name: str, command: list[str], env: dict[str, str], *,
              lowered: bool = False) -> subprocess.Popen[bytes]:
        from juesuan.web.serve import lower_priority

        with open(self.folder / f"{name}.log", "wb") as log:
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       env=env, cwd=self.folder, start_new_session=True,
                                       preexec_fn=lower_priority if lowered else None)
        self.started.append((name, process))
        return process

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def wait_for(self, what: str, ready: Any, seconds: float, name: str) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if ready():
                return
            time.sleep(0.1)
        raise SystemExit(f"{seconds:.0f} 秒内未能就绪：{what}\n{self.log(name)[-3000:]}")

    def stop(self) -> None:
        for _, process in reversed(self.started):
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for _, process in reversed(self.started):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def peak_rss_mb(pid: int) -> float:
    """VmHWM (peak resident set) of a process, MB."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak(pid: int) -> None:
    with contextlib.suppress(OSError), open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")


# --- phases ---------------------------------------------------------------------------------


def run_jobs(kind: str, params: list[dict[str, Any]], tag: str, *, timeout: float) -> dict[str, Any]:
    """Submit one job per ``params`` and wait for all: seconds, jobs by worker, failures."""
    from juesuan.web.jobs import api
    from juesuan.web.jobs.models import Job

    began = time.perf_counter()
    ids = [api.submit(kind, f"{tag}:{n}", p).pk for n, p in enumerate(params)]
    deadline = time.monotonic() + timeout
    while True:
        states = Counter(Job.objects.filter(pk__in=ids).values_list("state", flat=True))
        if not states.get(Job.QUEUED) and not states.get(Job.RUNNING):
            break
        if time.monotonic() > deadline:
            raise SystemExit(f"任务 {timeout:.0f} 秒内未完成：{dict(states)}")
        time.sleep(0.2)
    seconds = time.perf_counter() - began
    jobs = list(Job.objects.filter(pk__in=ids))
    failed = [j for j in jobs if j.state != Job.DONE]
    return {"seconds": seconds, "jobs": jobs, "failed": failed,
            "by_worker": Counter(j.worker.split("@")[0] for j in jobs if j.state == Job.DONE)}


def consolidate_province(year: int) -> dict[str, Any]:
    """Read every published filing of the year from the database and sum them (the province's
    汇总 of all its filings): the counts and the seconds of each part."""
    from collections.abc import Iterator

    from django.db.models import F

    from juesuan.consolidate import consolidate_region
    from juesuan.filing.io import filing_from_data, parse_json
    from juesuan.filing.model import Filing
    from juesuan.web.filings.models import FilingVersion

    began = time.perf_counter()
    contents = (FilingVersion.objects.filter(record__year=year, record__published=F("pk"))
                .values_list("content", flat=True).iterator(chunk_size=500))
    count, reading = 0, 0.0

    def filings() -> Iterator[Filing]:
        # streamed: each filing fetched (in chunks), parsed, summed and dropped, so the peak
        # RSS does not grow with the number of filings; the time outside is the summing
        nonlocal count, reading
        rows = iter(contents)
        while True:
            start = time.perf_counter()
            content = next(rows, None)
            if content is None:
                return
            filing = filing_from_data(parse_json(content), "数据库")
            reading += time.perf_counter() - start
            count += 1
            yield filing

    total = consolidate_region(filings(), name="基准省部门决算汇总", region="基准省")
    done = time.perf_counter()
    return {"filings": count, "read_seconds": reading, "sum_seconds": done - began - reading,
            "expenditure_rows": len(total.expenditure)}


def consolidate_child(year: int, conn: Any) -> None:
    """In a forked child, so that its peak RSS is the 汇总's."""
    from django.db import connections

    connections.close_all()  # the parent's connection is not ours
    result = consolidate_province(year)
    conn.send({**result, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})
    conn.close()


def consolidate_in_child(year: int) -> dict[str, Any]:
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=consolidate_child, args=(year, child))
    process.start()
    child.close()
    try:
        result: dict[str, Any] = parent.recv()
    except EOFError:
        raise SystemExit(f"汇总的子进程异常退出（退出码 {process.join() or process.exitcode}）") from None
    process.join()
    return result


@dataclass
class Page:
    name: str
    path: str
    latencies: list[float] = field(default_factory=list)
    failures: int = 0
    first_failure: str = ""
    alone: list[float] = field(default_factory=list)


def load(port: int, pages: list[Page], *, clients: int, seconds: float) -> float:
    """``clients`` threads, each going round the pages (a new connection a request) until the
    time is up; returns the seconds taken."""
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(offset: int) -> None:
        n = offset
        while time.monotonic() < deadline:
            page = pages[n % len(pages)]
            n += 1
            began = time.perf_counter()
            try:
                status, _, _ = request(port, "GET", page.path)
                problem = "" if status == 200 else f"HTTP {status}"
            except OSError as exc:
                problem = f"{type(exc).__name__}: {exc}"
            elapsed = time.perf_counter() - began
            with lock:
                page.latencies.append(elapsed)
                if problem:
                    page.failures += 1
                    page.first_failure = page.first_failure or problem

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - began


def portal_pages(province: Province) -> list[Page]:
    from juesuan.web.filings.models import FilingRecord
    from juesuan.web.portal.published import Address

    records = list(FilingRecord.objects.filter(pk__in=province.record_ids[:4])
                   .select_related("unit__department__region").order_by("pk"))
    first = Address.of(records[0])
    county = (FilingRecord.objects.filter(unit__department__region__code__in=province.counties, year=province.year)
              .values_list("unit__department__region__code", flat=True).first())
    listing = county or first.region
    keys = "&".join(f"d={Address.of(r).key}" for r in records)
    word = records[0].unit.department.name
    return [Page("地区年度列表", f"/{listing}/{province.year}/"),
            Page("搜索", f"/?q={quote(word)}&year={province.year}"),
            Page("比较 4 个公开件", f"/compare/?{keys}"),
            Page("公开页面（文件）", f"/{first.region}/{first.year}/{first.department}/{first.unit}/")]


def quote(text: str) -> str:
    from urllib.parse import quote as q

    return q(text)


# --- the run ---------------------------------------------------------------------------------


def juesuan_command() -> list[str]:
    exe = Path(sys.executable).with_name("juesuan")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "juesuan.cli"]


def page_row(page: Page, seconds: float) -> dict[str, Any]:
    ms = [x * 1000 for x in page.latencies]
    return {"page": page.name, "path": page.path, "requests": len(ms), "failures": page.failures,
            "per_second": len(ms) / seconds if seconds else 0.0,
            "p50_ms": statistics.median(ms) if ms else None, "p90_ms": percentile(ms, 90) if ms else None,
            "p99_ms": percentile(ms, 99) if ms else None, "first_failure": page.first_failure,
            "first_ms": 1000 * page.alone[0] if page.alone else None,
            "alone_ms": 1000 * statistics.median(page.alone[1:] or page.alone) if page.alone else None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="省级规模基准：导入、检查、两个工作进程公开、汇总、负载下的公开查询（仅访问 127.0.0.1）")
    parser.add_argument("--filings", type=int, default=400, help="填报份数（默认 400；全省规模 20000）")
    parser.add_argument("--departments", type=int, default=100, help="主管部门数（默认 100）")
    parser.add_argument("--prefectures", type=int, default=10, help="市的个数（默认 10）")
    parser.add_argument("--counties", type=int, default=3, help="每个市的县数（默认 3）")
    parser.add_argument("--pool", type=int, default=200, help="合成填报池的份数（默认 200）")
    parser.add_argument("--year", type=int, default=2024, help="决算年度（默认 2024）")
    parser.add_argument("--seed", type=int, default=0, help="合成填报的第一个种子（默认 0）")
    parser.add_argument("--workers", type=int, default=2, help="Celery 工作进程数（默认 2）")
    parser.add_argument("--chunk", type=int, default=100, help="检查任务每个的版本数（默认 100）")
    parser.add_argument("--publish", type=int, default=20, help="生成公开文件的填报数（默认 20）")
    parser.add_argument("--seconds", type=float, default=10.0, help="负载时长（秒，默认 10）")
    parser.add_argument("--no-nginx", action="store_true", help="不在 juesuan serve 前放 nginx（缺省有 nginx 时按 docs/deploy.md 放）")
    parser.add_argument("--clients", type=int, default=64, help="并发客户端数（默认 64）")
    parser.add_argument("--sample", type=int, default=50, help="逐份计时 create_record 的份数（默认 50）")
    parser.add_argument("--json", type=Path, help="把结果写成 JSON 文件")
    parser.add_argument("--keep", action="store_true", help="保留临时数据目录（含日志）")
    parser.add_argument("--as-worker", nargs=2, metavar=("NAME", "DATA"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.as_worker:
        run_worker(args.as_worker[0], Path(args.as_worker[1]))
        return 0
    if REDIS is None:
        raise SystemExit("找不到 redis-server（工作进程的消息队列）")
    folder = Path(tempfile.mkdtemp(prefix="juesuan-bench-province-"))
    data = folder / "data"
    database = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    redis_port = free_port()
    broker = f"redis://127.0.0.1:{redis_port}/0"
    os.environ.update(JUESUAN_DATA_DIR=str(data), JUESUAN_BROKER_URL=broker, DJANGO_SETTINGS_MODULE="juesuan.web.settings")
    env = {**os.environ, "JUESUAN_DEBUG": ""}
    print(f"{database}，数据目录 {folder}；Python {platform.python_version()}，{os.cpu_count()} 个 CPU，"
          f"负载 {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    processes = Processes(folder)
    stops: list[Any] = []  # nginx, stopped before the processes
    report: dict[str, Any] = {"database": database, "python": platform.python_version(), "cpus": os.cpu_count(),
                              "args": {k: v for k, v in vars(args).items() if k not in ("json", "as_worker")}}
    try:
        from juesuan.web import serve as web

        web.setup(data)
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        register_jobs()

        began = time.perf_counter()
        pool = make_pool(min(args.pool, args.filings), args.seed, args.year)
        report["pool"] = {"filings": len(pool), "seconds": time.perf_counter() - began,
                          "rows": dict(sorted(Counter(m.rows for m in pool).items()))}
        province = build_province(pool, filings=args.filings, departments=args.departments, year=args.year,
                                  prefectures=args.prefectures, counties=args.counties)
        n = len(province.record_ids)
        report["build"] = {"regions": province.regions, "departments": province.departments, "filings": n,
                           **{f"{k}_seconds": v for k, v in province.timings.items()},
                           "import_per_second": n / province.timings["import"],
                           "create_record_ms": 1000 * time_create_record(pool, province, args.sample)}
        print(f"建省：{province.regions} 个区划、{province.departments} 个部门、{n} 份填报；导入 "
              f"{province.timings['import']:.1f} 秒（{n / province.timings['import']:.0f} 份/秒），"
              f"create_record 逐份 {report['build']['create_record_ms']:.1f} 毫秒")

        processes.start("redis", redis_command(redis_port, folder), env)
        processes.wait_for("redis-server", lambda: redis_up(redis_port), 20, "redis")
        workers = []
        for w in range(args.workers):
            name = f"bench{w + 1}"
            workers.append(processes.start(name, [sys.executable, str(Path(__file__).resolve()), "--as-worker",
                                                  f"{name}@province", str(data)], env, lowered=True))
            processes.wait_for(name, lambda name=name: b" ready." in (folder / f"{name}.log").read_bytes(), 120, name)

        from juesuan.web.filings.models import FilingRecord

        versions = list(FilingRecord.objects.filter(pk__in=province.record_ids).order_by("pk")
                        .values_list("current_id", flat=True))
        chunks = [{"versions": versions[i:i + args.chunk]} for i in range(0, len(versions), args.chunk)]
        print(f"检查：{len(versions)} 个版本，{len(chunks)} 个任务，{args.workers} 个工作进程 …", flush=True)
        checked = run_jobs(SUMMARY_KIND, chunks, "bench-check", timeout=7200)
        if checked["failed"]:
            raise SystemExit(f"检查任务失败：{checked['failed'][0].error}\n{processes.log('bench1')[-3000:]}")
        with_errors = sum(j.result.get("with_errors", 0) for j in checked["jobs"])
        worker_pids = {f"bench{w + 1}": children(p.pid) for w, p in enumerate(workers)}
        report["check"] = {"versions": len(versions), "seconds": checked["seconds"],
                           "per_second": len(versions) / checked["seconds"],
                           "per_worker_per_second": len(versions) / checked["seconds"] / args.workers,
                           "versions_with_errors": with_errors, "by_worker": dict(checked["by_worker"]),
                           "worker_peak_rss_mb": {k: max((peak_rss_mb(p) for p in v), default=None)
                                                  for k, v in worker_pids.items()},
                           "runner": "Celery（Redis）"}
        print(f"检查：{checked['seconds']:.1f} 秒，{report['check']['per_second']:.1f} 个/秒", flush=True)

        print("汇总 …", flush=True)
        report["consolidate"] = consolidate_in_child(args.year)
        print(f"汇总：读取 {report['consolidate']['read_seconds']:.1f} 秒，求和 "
              f"{report['consolidate']['sum_seconds']:.1f} 秒，峰值 {report['consolidate']['peak_rss_mb']:.0f} MB",
              flush=True)

        port = free_port()
        processes.start("server", [*juesuan_command(), "serve", "--host", "127.0.0.1", "--port", str(port),
                                   "--workers", "2", "--data", str(data), "--no-worker", "--no-examples"], env)

        def answers() -> bool:
            with contextlib.suppress(OSError):
                return request(port, "GET", "/static/juesuan/site.css")[0] == 200
            return False
        processes.wait_for("juesuan serve", answers, 180, "server")
        target, via = port, "juesuan serve"
        if not args.no_nginx and deploy_nginx.executable() is not None:
            (folder / "nginx").mkdir()
            nginx_port = free_port()
            nginx = deploy_nginx.Nginx(folder / "nginx", deploy_nginx.config(
                published=data / "published", upstream_port=port, port=nginx_port, work=folder / "nginx"), nginx_port)
            stops.append(nginx.stop)
            nginx.wait_ready(lambda: request(nginx_port, "GET", "/static/juesuan/site.css")[0] == 200)
            target, via = nginx_port, "nginx（docs/deploy.md）+ juesuan serve"
        pages = portal_pages(province)
        for page in pages:  # warm up, and the time of one request alone (before the workers start)
            for _ in range(3):
                began = time.perf_counter()
                status, _, _ = request(target, "GET", page.path)
                page.alone.append(time.perf_counter() - began)
                if status != 200:
                    raise SystemExit(f"{page.name} {page.path} 返回 {status}\n{processes.log('server')[-3000:]}")

        for pids in worker_pids.values():
            for pid in pids:
                reset_peak(pid)
        # The page under load first (its files are then what is served), the rest spread evenly.
        step = max(1, len(province.record_ids) // max(args.publish, 1))
        sample = [province.record_ids[0], *province.record_ids[step::step]][:args.publish]
        first = run_jobs(PUBLISH_KIND, [{"record": sample[0]}], "bench-publish-first", timeout=900)
        rest: dict[str, Any] = {}
        thread = threading.Thread(target=lambda: rest.update(run_jobs(
            PUBLISH_KIND, [{"record": pk} for pk in sample[1:]], "bench-publish", timeout=7200)))
        from django.db import connections

        connections.close_all()  # the thread opens its own
        thread.start()
        seconds = load(target, pages, clients=args.clients, seconds=args.seconds)
        publishing_during_load = thread.is_alive()
        thread.join()
        failed = first["failed"] + rest.get("failed", [])
        if failed:
            raise SystemExit(f"公开任务失败：{failed[0].error}")
        published = len(sample)
        publish_seconds = first["seconds"] + rest["seconds"]
        report["publish"] = {"documents": published, "seconds": publish_seconds,
                             "per_second": published / publish_seconds,
                             "per_worker_per_second": published / publish_seconds / args.workers,
                             "by_worker": dict(first["by_worker"] + rest["by_worker"]),
                             "worker_peak_rss_mb": {k: max((peak_rss_mb(p) for p in v), default=None)
                                                    for k, v in worker_pids.items()}}
        report["portal"] = {"clients": args.clients, "seconds": seconds, "via": via,
                            "workers_publishing_throughout": publishing_during_load,
                            "pages": [page_row(p, seconds) for p in pages]}
    finally:
        for stop in stops:
            with contextlib.suppress(Exception):
                stop()
        processes.stop()
        if args.keep:
            print(f"数据目录与日志保留在 {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    print()
    print(table(report))
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    return 1 if any(p["failures"] for p in report["portal"]["pages"]) else 0


def table(r: dict[str, Any]) -> str:
    b, c, p, s = r["build"], r["check"], r["publish"], r["consolidate"]
    rss = "、".join(f"{v:.0f}" for v in p["worker_peak_rss_mb"].values() if v is not None)
    lines = [
        "| 项目 | 结果 |", "| --- | --- |",
        f"| 省 | {b['regions']} 个区划、{b['departments']} 个部门、{b['filings']} 份填报（{r['pool']['filings']} 份合成填报轮用） |",
        f"| 导入（批量写入） | {b['import_seconds']:.1f} 秒，{b['import_per_second']:.0f} 份/秒；create_record 逐份 {b['create_record_ms']:.1f} ms |",
        f"| 检查（{r['args']['workers']} 个工作进程） | {c['seconds']:.1f} 秒，{c['per_second']:.1f} 份/秒，每个工作进程 {c['per_worker_per_second']:.1f} 份/秒 |",
        f"| 公开文件（{r['args']['workers']} 个工作进程） | {p['documents']} 份 {p['seconds']:.1f} 秒，每个工作进程 {p['per_worker_per_second']:.2f} 份/秒；峰值内存 {rss} MB |",
        f"| 全省汇总 | 读取 {s['read_seconds']:.1f} 秒 + 求和 {s['sum_seconds']:.1f} 秒，峰值内存 {s['peak_rss_mb']:.0f} MB |",
    ]
    lines += ["", f"公开查询（{r['portal'].get('via', 'juesuan serve')}）：{r['portal']['clients']} 个并发客户端，{r['portal']['seconds']:.1f} 秒"
              + ("，其间工作进程一直在生成公开文件" if r["portal"]["workers_publishing_throughout"] else "，公开文件在负载结束前已生成完"),
              "", "| 页面 | 首次 ms | 单独一次 ms | 请求数 | 失败 | 请求/秒 | P50 ms | P90 ms | P99 ms |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for row in r["portal"]["pages"]:
        if not row["requests"]:
            lines.append(f"| {row['page']} | {row['first_ms']:.0f} | {row['alone_ms']:.0f} | 0 | 0 | — | — | — | — |")
            continue
        lines.append(f"| {row['page']} | {row['first_ms']:.0f} | {row['alone_ms']:.0f} | {row['requests']} | {row['failures']} | {row['per_second']:.1f} | "
                     f"{row['p50_ms']:.0f} | {row['p90_ms']:.0f} | {row['p99_ms']:.0f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
