"""The worker-kill test on Redis: a real redis-server and two worker processes on one database;
the worker rendering a version's PDF (the render_version job) is killed (SIGKILL, its whole
process group) in the middle of it, and the other finishes it, with nothing lost: the job is
done once, on its second attempt, and the PDF in the render cache is whole."""

from __future__ import annotations

import hashlib
import os
import signal
from pathlib import Path
from typing import Any

import pytest
from django.core.cache.backends.filebased import FileBasedCache
from tests.web.worker_processes import free_port, load_benchmark, slow_version, wait_for, workers

from juesuan.web.jobs import api
from juesuan.web.jobs.models import Job

redis_server = load_benchmark("redis_server")
WORKERS = ("worker-a@jobs-test", "worker-b@jobs-test")

pytestmark = pytest.mark.skipif(redis_server.REDIS is None, reason="redis-server is not installed")


@pytest.mark.django_db(transaction=True)
def test_a_job_survives_its_worker_being_killed(world: Any, tmp_path: Path, monkeypatch: Any) -> None:
    from celery import Celery
    from django.db import transaction

    from juesuan.web.filings import services

    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    sender = Celery("juesuan-test", broker=url)

    class Queue:
        """run_job sent to the test's Redis (the test settings run jobs at once)."""

        @staticmethod
        def apply_async(args: tuple[str], **options: Any) -> None:
            sender.send_task("juesuan.jobs.run", args=args, **options)

    version = slow_version(world)
    data = tmp_path / "data"
    with workers(tmp_path, data, url) as group:
        group.env["JUESUAN_TASK_VISIBILITY"] = "5"
        group.logs["redis"] = tmp_path / "redis.log"
        group.others.append(redis_server.start_redis(port, tmp_path, group.logs["redis"]))
        wait_for(lambda: redis_server.redis_up(port), 20, "redis-server", group.logs)
        a, b = WORKERS
        group.start(a)  # alone at first, so that A takes the job
        monkeypatch.setattr(api, "eager", lambda: False)
        monkeypatch.setattr(api, "run_job", Queue)
        with transaction.atomic():  # queued when this commits, as from a view
            job = services.render_later(version, "pdf")

        def state() -> Job:
            return Job.objects.get(pk=job.pk)

        wait_for(lambda: state().state == Job.RUNNING, 60, "the job to start", group.logs)
        first = state()
        assert first.kind == "render_version" and first.worker == a and first.attempts == 1
        group.start(b)  # both workers up: B waits for work while A renders
        assert state().state == Job.RUNNING, "the rendering ended before the kill: make it longer"
        os.killpg(group.processes[a].pid, signal.SIGKILL)
        group.processes[a].wait(10)
        # The task stays with Redis, unacknowledged, until its visibility timeout (5 s) has
        # passed since worker A took it; B, running all along, then takes it over (it looks
        # every 1.25 s: jobs.celery.RestoreUnacked).
        wait_for(lambda: state().state in (Job.DONE, Job.FAILED), 90, f"{b} to finish the job", group.logs)
    done = state()
    assert done.state == Job.DONE, done.error
    assert done.worker == b and done.attempts == 2 and done.progress == 100 and done.result == {"formats": ["pdf"]}
    assert_one_whole_pdf(data, version)


def assert_one_whole_pdf(data: Path, version: Any) -> None:
    """The workers' render cache holds the version's PDF, whole (the same bytes as rendered
    here), and nothing else: no temporary file a killed worker left."""
    from juesuan.web.filings import services

    folder = data / "cache"
    pdf = FileBasedCache(str(folder), {}).get(services._render_key(version, "pdf"))
    assert isinstance(pdf, bytes) and pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
    assert len(pdf) > 100_000
    assert hashlib.sha256(pdf).hexdigest() == hashlib.sha256(services.rendered(version, "pdf")).hexdigest()
    assert [p.suffix for p in folder.iterdir()] == [".djcache"]
