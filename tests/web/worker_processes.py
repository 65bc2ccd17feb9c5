"""Real Celery workers for the worker-kill tests (test_jobs_redis, test_jobs_folder): started on
the test's database, each in its own session with its log in the test's folder, all killed at
the end; and a version with a document that takes a few seconds to render."""

from __future__ import annotations

import contextlib
import importlib.util
import os
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

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def load_benchmark(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"juesuan_bench_{name}_jobs", BENCHMARKS / f"{name}.py")
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


def slow_version(world: Any) -> Any:
    """A saved version whose PDF takes a few seconds (150 expenditure rows)."""
    from juesuan.web.filings import services

    filing = load_benchmark("generate").generate_filing(7, rows=150)
    record = services.create_record(world.units["a"], 2024, filing, world.users["unit_a"])
    return record.versions.get()


class Workers:
    """Worker processes on one broker and data folder; ``start`` waits until one is ready."""

    def __init__(self, folder: Path, data: Path, broker: str = "") -> None:
        self.folder, self.data = folder, data
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "juesuan.web.settings", "JUESUAN_BROKER_URL": broker,
                    "DATABASE_URL": database_url(), "JUESUAN_DATA_DIR": str(data),
                    "JUESUAN_SECRET_KEY": settings.SECRET_KEY}
        self.logs: dict[str, Path] = {}
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.others: list[subprocess.Popen[bytes]] = []  # e.g. redis-server
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self, name: str, *, log: str | None = None) -> subprocess.Popen[bytes]:
        self.logs[log or name] = path = self.folder / f"{log or name}.log"
        ready = path.stat().st_size if path.exists() else 0  # a second start appends
        with open(path, "ab") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "juesuan.web.jobs.celery", "worker", "--pool", "prefork",
                 "--concurrency", "1", "--loglevel", "INFO", "-n", name, "--without-gossip", "--without-mingle"],
                stdout=out, stderr=subprocess.STDOUT, env=self.env, cwd=self.folder, start_new_session=True)
        self.processes[log or name] = process
        self.started.append(process)
        wait_for(lambda: b" ready." in path.read_bytes()[ready:], 60, f"{name} ready", self.logs)
        return process

    def close(self) -> None:
        for process in [*self.started, *reversed(self.others)]:
            stop(process)


@contextlib.contextmanager
def workers(folder: Path, data: Path, broker: str = "") -> Iterator[Workers]:
    group = Workers(folder, data, broker)
    try:
        yield group
    finally:
        group.close()
