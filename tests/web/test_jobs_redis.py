"""The worker-kill test: a real redis-server and two worker processes on one database; the
worker running a job is killed (SIGKILL, its whole process group) in the middle of it, and the
other finishes it, with nothing lost: the job is done once, on its second attempt, and its PDF
is whole."""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from juesuan.web.jobs import api
from juesuan.web.jobs.models import Job

GENERATE = Path(__file__).resolve().parents[2] / "benchmarks" / "generate.py"
WORKERS = ("worker-a@jobs-test", "worker-b@jobs-test")
REDIS = shutil.which("redis-server")

pytestmark = pytest.mark.skipif(REDIS is None, reason="redis-server is not installed")


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("juesuan_bench_generate_jobs", GENERATE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def database_url() -> str:
    """The database this test uses (its test database), for the workers."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return "sqlite:///" + str(Path(db["NAME"]).resolve())
    assert connection.vendor == "postgresql", connection.vendor
    user = quote(db["USER"] or "", safe="")
    password = quote(db["PASSWORD"] or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgresql://{auth}{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(predicate: Any, seconds: float, what: str, logs: dict[str, Path]) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    tails = "\n".join(f"--- {name}\n{path.read_text(errors='replace')[-3000:]}" for name, path in logs.items()
                      if path.exists())
    pytest.fail(f"timed out after {seconds} s waiting for {what}\n{tails}")


def stop(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):  # the group: a prefork child outlives nothing
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(30)


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """redis-server and two workers; everything is killed at the end, whatever happened."""
    port = free_port()
    processes: list[subprocess.Popen[bytes]] = []
    logs = {"redis": tmp_path / "redis.log"}
    try:
        with open(logs["redis"], "wb") as log:
            processes.append(subprocess.Popen(
                [str(REDIS), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                 "--dir", str(tmp_path)], stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
        url = f"redis://127.0.0.1:{port}/0"

        def redis_up() -> bool:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    return s.recv(16).startswith(b"+PONG")
            except OSError:
                return False
        wait_for(redis_up, 20, "redis-server", logs)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "juesuan.web.settings", "JUESUAN_BROKER_URL": url,
               "JUESUAN_TASK_VISIBILITY": "5", "DATABASE_URL": database_url(),
               "JUESUAN_DATA_DIR": str(settings.DATA_DIR), "JUESUAN_SECRET_KEY": settings.SECRET_KEY}
        workers: dict[str, subprocess.Popen[bytes]] = {}

        def start(name: str) -> None:
            logs[name] = tmp_path / f"{name}.log"
            with open(logs[name], "wb") as log:
                process = subprocess.Popen(
                    [sys.executable, "-m", "celery", "-A", "juesuan.web.jobs.celery", "worker", "--pool", "prefork",
                     "--concurrency", "1", "--loglevel", "INFO", "-n", name, "--without-gossip", "--without-mingle"],
                    stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tmp_path, start_new_session=True)
            processes.append(process)
            workers[name] = process
            wait_for(lambda: b" ready." in logs[name].read_bytes(), 60, f"{name} ready", logs)

        yield {"url": url, "workers": workers, "logs": logs, "start": start}
    finally:
        for process in reversed(processes):
            stop(process)


@pytest.mark.django_db(transaction=True)
def test_a_job_survives_its_worker_being_killed(cluster: dict[str, Any], monkeypatch: Any) -> None:
    from celery import Celery
    from django.db import transaction

    from juesuan.web.filings import services

    sender = Celery("juesuan-test", broker=cluster["url"])

    class Queue:
        """run_job sent to the test's Redis (the test settings run jobs at once)."""

        @staticmethod
        def apply_async(args: tuple[str], **options: Any) -> None:
            sender.send_task("juesuan.jobs.run", args=args, **options)

    a, b = WORKERS
    cluster["start"](a)  # alone at first, so that A takes the job
    monkeypatch.setattr(api, "eager", lambda: False)
    monkeypatch.setattr(api, "run_job", Queue)
    filing = load_generator().generate_filing(7, rows=150)
    with transaction.atomic():  # queued when this commits, as from a view
        job = api.submit("render", "render-kill-test", {"content": services.canonical(filing), "formats": ["pdf"]})
    logs = cluster["logs"]

    def state() -> Job:
        return Job.objects.get(pk=job.pk)

    wait_for(lambda: state().state == Job.RUNNING, 60, "the job to start", logs)
    first = state()
    assert first.worker == a and first.attempts == 1
    cluster["start"](b)  # both workers up: B waits for work while A renders
    assert state().state == Job.RUNNING, "the rendering ended before the kill: make it longer"
    os.killpg(cluster["workers"][a].pid, signal.SIGKILL)
    cluster["workers"][a].wait(10)
    # The task stays with Redis, unacknowledged, until its visibility timeout (5 s) has passed
    # since worker A took it; B, running all along, then takes it over (it looks every 1.25 s:
    # jobs.celery.RestoreUnacked).
    assert first.started is not None
    wait_for(lambda: state().state in (Job.DONE, Job.FAILED), 90, f"{b} to finish the job", logs)
    done = state()
    assert done.state == Job.DONE, done.error
    assert done.worker == b and done.attempts == 2 and done.progress == 100
    pdf = done.result["files"]["pdf"]
    data = Path(pdf["path"]).read_bytes()
    assert Path(pdf["path"]).parent == Path(settings.DATA_DIR) / "renders" / str(job.pk)
    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF") and len(data) > 10_000
    assert hashlib.sha256(data).hexdigest() == pdf["sha256"]
    # Nothing else left behind by the killed worker: the one file, no temporary ones.
    assert [p.name for p in Path(pdf["path"]).parent.iterdir()] == ["document.pdf"]
