"""The embedded folder queue (kombu's filesystem transport), with real workers: a job survives
its worker's main process being killed (the next worker queues it again from the Job table:
juesuan.web.jobs.recovery) or its pool process being killed (the main process puts it back);
tasks follow each other without the 2 s pause of Celery's loop for such transports. And,
in this process: the recovery's rounds, run_job's guards, and `juesuan serve` starting its
worker again when it exits."""

from __future__ import annotations

import datetime
import itertools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from tests.web.test_jobs_redis import assert_one_whole_pdf
from tests.web.worker_processes import Workers, slow_version, wait_for, workers

from juesuan.web import serve
from juesuan.web.jobs import api, processes, recovery, tasks
from juesuan.web.jobs.config import EMBEDDED, queue_folder, transport_options
from juesuan.web.jobs.models import Job

A, B = "worker-a@folder-test", "worker-b@folder-test"


def folder_sender(data: Path, monkeypatch: Any) -> Any:
    """run_job sent to the workers' queue folder (the test settings run jobs at once)."""
    from celery import Celery

    sender = Celery("juesuan-test", broker=EMBEDDED)
    sender.conf.broker_transport_options = transport_options(EMBEDDED, data)

    class Queue:
        @staticmethod
        def apply_async(args: tuple[str], **options: Any) -> None:
            sender.send_task("juesuan.jobs.run", args=args, **options)

    monkeypatch.setattr(api, "eager", lambda: False)
    monkeypatch.setattr(api, "run_job", Queue)
    return Queue


def messages(data: Path) -> list[str]:
    return sorted(p.name for p in (queue_folder(data) / "queue").iterdir())


def gone(pid: int) -> bool:
    return not processes.exists(processes.entry(pid))


def started(group: Workers, job: Job) -> Job:
    def state() -> Job:
        return Job.objects.get(pk=job.pk)

    wait_for(lambda: state().state == Job.RUNNING, 60, "the job to start", group.logs)
    return state()


@pytest.mark.django_db(transaction=True)
def test_a_job_survives_its_workers_main_process_being_killed(world: Any, tmp_path: Path, monkeypatch: Any) -> None:
    from django.db import transaction

    from juesuan.web.filings import services

    version = slow_version(world)
    data = tmp_path / "data"
    folder_sender(data, monkeypatch)
    with workers(tmp_path, data) as group:
        first_worker = group.start(A)
        with transaction.atomic():  # queued when this commits, as from a view
            job = services.render_later(version, "pdf")
        first = started(group, job)
        assert first.worker == A and first.attempts == 1
        main, child = first.process["main"][0], first.process["pid"][0]
        assert main == first_worker.pid and child != main and processes.running(first.process)
        os.kill(main, signal.SIGKILL)  # the main process only: Celery's pool process dies with it
        first_worker.wait(10)
        wait_for(lambda: gone(child), 10, "the pool process to end with its main process", group.logs)
        assert Job.objects.get(pk=job.pk).state == Job.RUNNING and messages(data) == []  # the task is lost
        assert processes.orphaned(first.process)
        group.start(B)  # finds the job of the dead worker when it starts
        wait_for(lambda: Job.objects.get(pk=job.pk).state in (Job.DONE, Job.FAILED), 60, "B to finish", group.logs)
        done = Job.objects.get(pk=job.pk)
        assert done.state == Job.DONE, done.error
        assert done.worker == B and done.attempts == 2 and done.resent == 1 and done.result == {"formats": ["pdf"]}
        assert done.process["main"][0] == group.processes[B].pid
        assert "重新排队 1 个" in group.logs[B].read_text(errors="replace")
        assert messages(data) == []
    assert_one_whole_pdf(data, version)
    # The worker's log keeps the renderer's warnings only, not its INFO lines (a line a font).
    log = group.logs[B].read_text(errors="replace")
    assert "succeeded in" in log and "fontTools" not in log and "weasyprint" not in log.lower()


@pytest.mark.django_db(transaction=True)
def test_a_killed_pool_process_task_is_put_back_and_tasks_follow_each_other(world: Any, tmp_path: Path,
                                                                             monkeypatch: Any) -> None:
    from django.db import transaction

    from juesuan.web.filings import services

    data = tmp_path / "data"
    folder_sender(data, monkeypatch)
    with workers(tmp_path, data) as group:
        worker = group.start(A)
        # Quick jobs (a version that does not exist: failed at once) one after another: each
        # starts well within a second of the last one's end, not 2 s later.
        with transaction.atomic():
            quick = [api.submit("render_version", f"quick-{n}", {"version": 10**9, "formats": ["pdf"]})
                     for n in range(6)]
        wait_for(lambda: not Job.objects.filter(pk__in=[j.pk for j in quick], state__in=Job.ACTIVE).exists(),
                 30, "the quick jobs", group.logs)
        ended = sorted(Job.objects.filter(pk__in=[j.pk for j in quick]), key=lambda j: j.started)
        assert {j.error for j in ended} == {"要生成文档的填报版本或汇总已不存在。"}
        gaps = [(b.started - a.finished).total_seconds() for a, b in itertools.pairwise(ended)]
        assert max(gaps) < 1.0, gaps

        version = slow_version(world)
        with transaction.atomic():
            job = services.render_later(version, "pdf")
        first = started(group, job)
        child = first.process["pid"][0]
        os.kill(child, signal.SIGKILL)  # the pool process only: the main process puts the task back
        wait_for(lambda: Job.objects.get(pk=job.pk).state in (Job.DONE, Job.FAILED), 60, "the job", group.logs)
        done = Job.objects.get(pk=job.pk)
        assert done.state == Job.DONE, done.error
        assert done.worker == A and done.attempts == 2 and done.resent == 0  # redelivered, not recovered
        assert done.process["main"][0] == worker.pid and done.process["pid"][0] != child
        assert worker.poll() is None and messages(data) == []


@pytest.mark.django_db(transaction=True)
def test_a_job_killed_at_its_hard_limit_is_ended_at_once(world: Any, tmp_path: Path, monkeypatch: Any) -> None:
    import dataclasses

    from django.db import transaction

    from juesuan.web.filings import services

    data = tmp_path / "data"
    folder_sender(data, monkeypatch)
    # A hard limit of 1 s for this render (the soft one later, so the kill is the hard one's).
    monkeypatch.setitem(tasks.HANDLERS, "render_version",
                        dataclasses.replace(tasks.HANDLERS["render_version"], soft=60, hard=1))
    version = slow_version(world)
    with workers(tmp_path, data) as group:
        worker = group.start(A)
        with transaction.atomic():
            job = services.render_later(version, "pdf")
        first = started(group, job)
        wait_for(lambda: Job.objects.get(pk=job.pk).state == Job.FAILED, 15, "the job to be ended", group.logs)
        ended = Job.objects.get(pk=job.pk)
        assert ended.error == tasks.timeout_message(1) and ended.attempts == 1
        assert ended.finished is not None and first.started is not None
        assert (ended.finished - first.started).total_seconds() < 10  # not the limit plus a minute
        assert "Hard time limit (1" in group.logs[A].read_text(errors="replace")
        assert worker.poll() is None and messages(data) == []  # the worker goes on; nothing queued again


# --- in this process -----------------------------------------------------------------------------


@pytest.fixture
def dead() -> list[Any]:
    """A process that has ended: its [pid, start]."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return processes.entry(process.pid)


def on(main: list[Any], pid: list[Any], **changes: Any) -> dict[str, Any]:
    return {**processes.current(), "main": main, "pid": pid, **changes}


def old_job(key: str, state: str, **fields: Any) -> Job:
    job = Job.objects.create(kind="render_version", key=key, state=state, **{"params": {"version": 1}, **fields})
    Job.objects.filter(pk=job.pk).update(created=timezone.now() - datetime.timedelta(minutes=5))
    return job


def test_processes_tell_the_living_from_the_dead(dead: list[Any]) -> None:
    me = processes.current()
    assert processes.exists(me["pid"]) and not processes.exists(dead)
    assert not processes.exists([os.getpid(), "1"])  # the same pid, another start: another process
    assert not processes.running(me)  # this process itself
    assert processes.running(on(dead, processes.entry(os.getppid())))
    assert processes.orphaned(on(dead, dead)) and not processes.orphaned(on(me["main"], dead))
    assert not processes.orphaned(on(dead, dead, host="another-machine"))
    assert processes.orphaned(on(me["main"], me["pid"], boot="an-earlier-boot")) == bool(processes.boot_id())
    assert not processes.orphaned({}) and not processes.running({})


@pytest.mark.django_db
def test_a_round_queues_again_the_jobs_of_dead_workers(dead: list[Any], tmp_path: Path, monkeypatch: Any) -> None:
    sent: list[str] = []
    me = processes.current()
    running_dead = old_job("a", Job.RUNNING, attempts=1, process=on(dead, dead))
    worn_out = old_job("b", Job.RUNNING, attempts=tasks.MAX_ATTEMPTS, process=on(dead, dead))
    alive = old_job("c", Job.RUNNING, attempts=1, process=on(me["main"], me["pid"]))
    elsewhere = old_job("d", Job.RUNNING, attempts=1, process=on(dead, dead, host="another-machine"))
    lost = old_job("e", Job.QUEUED)
    held = old_job("f", Job.QUEUED)
    in_folder = old_job("g", Job.QUEUED)
    fresh = Job.objects.create(kind="render_version", key="h", params={})  # its message is on its way
    folder_sender(tmp_path, monkeypatch).apply_async((str(in_folder.pk),))  # a message as a worker reads it
    queue = queue_folder(tmp_path) / "queue"
    assert recovery.queued_in(queue) == {str(in_folder.pk)} and len(messages(tmp_path)) == 1
    sweeper = recovery.Sweeper(queue, lambda: {str(held.pk)}, lambda job: sent.append(job.key))

    assert sweeper.sweep() == {"requeued": 1, "failed": 1, "skipped": 0}
    assert sent == ["a"]  # the queued one only after a second round without its message
    again = Job.objects.get(pk=running_dead.pk)
    assert again.state == Job.QUEUED and again.resent == 1 and again.attempts == 1 and again.process == {}
    failed = Job.objects.get(pk=worn_out.pk)
    assert failed.state == Job.FAILED and failed.error == tasks.LOST.format(times=3) and failed.finished
    assert "3 次意外退出" in failed.error
    for untouched in (alive, elsewhere):
        assert Job.objects.get(pk=untouched.pk).state == Job.RUNNING

    assert sweeper.sweep() == {"requeued": 1, "failed": 0, "skipped": 0}
    assert sent == ["a", "e"] and Job.objects.get(pk=lost.pk).resent == 1
    for waiting in (held, in_folder, fresh):
        assert Job.objects.get(pk=waiting.pk).resent == 0
    # A job whose message vanishes every time is failed, not queued forever.
    Job.objects.filter(pk=lost.pk).update(resent=tasks.MAX_ATTEMPTS)
    sweeper.sweep()
    assert sweeper.sweep()["failed"] == 1 and Job.objects.get(pk=lost.pk).state == Job.FAILED


@pytest.mark.django_db
def test_run_job_skips_a_duplicate_and_fails_a_job_lost_too_often(dead: list[Any]) -> None:
    me = processes.current()
    other = processes.entry(os.getppid())  # alive: "another process of this machine runs it"
    busy = old_job("a", Job.RUNNING, attempts=1, process=on(me["main"], other))
    tasks.run_job(str(busy.pk))
    assert Job.objects.get(pk=busy.pk).state == Job.RUNNING and Job.objects.get(pk=busy.pk).attempts == 1
    worn = old_job("b", Job.RUNNING, attempts=tasks.MAX_ATTEMPTS, process=on(dead, dead))
    tasks.run_job(str(worn.pk))
    failed = Job.objects.get(pk=worn.pk)
    assert failed.state == Job.FAILED and "3 次意外退出" in failed.error
    again = old_job("c", Job.RUNNING, attempts=1, process=on(dead, dead), params={"version": 10**9})
    tasks.run_job(str(again.pk))  # redelivered after its worker died: run again (here it fails at once)
    ran = Job.objects.get(pk=again.pk)
    assert ran.attempts == 2 and ran.state == Job.FAILED and ran.process["pid"] == me["pid"]


class Exiting:
    """A worker process that exits at once (e.g. cannot reach its database)."""

    started: list[Exiting] = []

    def __init__(self, *args: Any, **options: Any) -> None:
        self.pid = 4_000_000 + len(Exiting.started)
        Exiting.started.append(self)

    def poll(self) -> int | None:
        return 1 if self is not Exiting.started[-1] or len(Exiting.started) < 3 else None

    def terminate(self) -> None:
        pass

    def wait(self, timeout: float | None = None) -> int:
        return 0


def test_serve_starts_its_worker_again_with_a_back_off(tmp_path: Path, monkeypatch: Any, capsys: Any) -> None:
    Exiting.started = []
    monkeypatch.setattr(serve.subprocess, "Popen", Exiting)
    monkeypatch.setattr(serve, "WORKER_POLL", 0.05)
    began = time.monotonic()
    worker = serve.LocalWorker(tmp_path)
    deadline = time.monotonic() + 10
    while len(Exiting.started) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    took = time.monotonic() - began
    worker.stop()
    # Exited twice at once: started again after 1 s, then after 2 s; the third keeps running.
    assert len(Exiting.started) == 3 and worker.restarts == 2 and 3.0 <= took < 5.0
    log = (tmp_path / serve.WORKER_LOG).read_text(encoding="utf-8")
    assert log.count("后台任务工作进程意外退出（退出码 1") == 2 and "1 秒后重新启动" in log and "2 秒后重新启动" in log
    assert "后台任务工作进程已重新启动" in capsys.readouterr().err
