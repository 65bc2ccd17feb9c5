"""The folder queue's jobs whose worker died, queued again from the Job table.

kombu's ``filesystem://`` transport deletes a message's file when a worker takes it: the task
a worker's main process held when it was killed (or its machine restarted) is gone from the
queue. (A pool process killed alone is another matter: the main process puts its task back.)
The Job table knows better: a worker on the folder queue, when it starts and every
:data:`SWEEP_SECONDS`, queues again

- running jobs whose worker (main and pool process, :mod:`.processes`) on this machine no
  longer exists;
- queued jobs older than :data:`QUEUED_GRACE` seconds whose message is neither in the queue
  folder nor held by this worker, twice in a row (another worker on the folder may just have
  taken it: by the next round it has marked it running).

A job is started over (handlers are idempotent); one lost :data:`~.tasks.MAX_ATTEMPTS` times
is failed with a Chinese message instead.
"""

from __future__ import annotations

import base64
import datetime
import json
import logging
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from celery import bootsteps  # type: ignore[import-untyped]
from celery.signals import worker_ready  # type: ignore[import-untyped]
from django.db import close_old_connections
from django.db.models import F
from django.utils import timezone

from juesuan.web.jobs import processes
from juesuan.web.jobs.celery import app, folder_queue
from juesuan.web.jobs.models import Job
from juesuan.web.jobs.tasks import HANDLERS, LOST, MAX_ATTEMPTS, remove_uploads, run_job

logger = logging.getLogger(__name__)

SWEEP_SECONDS = 15.0
# A job is queued when its request's transaction commits, a moment after its row appears.
QUEUED_GRACE = 30
REQUEUED = "执行任务的进程意外退出，已重新排队"
TASK = "juesuan.jobs.run"


def send(job: Job) -> None:
    handler = HANDLERS.get(job.kind)
    limits = {"soft_time_limit": handler.soft, "time_limit": handler.hard} if handler else {}
    run_job.apply_async((str(job.pk),), **limits)


def job_of(message: dict[str, Any]) -> str | None:
    """The job id a queued message runs (None: another task, or unreadable)."""
    headers = message.get("headers") or {}
    if headers.get("task") != TASK:
        return None
    body = message.get("body")
    try:
        if (message.get("properties") or {}).get("body_encoding") == "base64":
            body = base64.b64decode(str(body))
        args = json.loads(body)[0]  # type: ignore[arg-type]
        return str(args[0])
    except (TypeError, ValueError, IndexError, KeyError):
        return None


def queued_in(folder: Path) -> set[str]:
    """The jobs whose messages are in the queue folder."""
    found: set[str] = set()
    try:
        names = [p for p in folder.iterdir() if p.name.endswith(".msg")]
    except OSError:
        return found
    for path in names:
        try:
            job = job_of(json.loads(path.read_bytes()))
        except (OSError, ValueError):  # taken meanwhile, or being written
            continue
        if job is not None:
            found.add(job)
    return found


class Sweeper:
    """One worker's rounds; remembers which queued jobs had no message in the last one."""

    def __init__(self, folder: Path, held: Callable[[], Iterable[str]], resend: Callable[[Job], None] = send):
        self.folder, self.held, self.resend = Path(folder), held, resend
        self.missing: set[str] = set()
        self.lock = threading.Lock()

    def sweep(self, now: datetime.datetime | None = None) -> dict[str, int]:
        """One round: returns how many jobs were queued again and how many failed."""
        with self.lock:
            now = now or timezone.now()
            counts = {"requeued": 0, "failed": 0, "skipped": 0}
            sent: set[str] = set()  # just queued again: its message is on its way
            for job in Job.objects.filter(state=Job.RUNNING).order_by("created"):
                if processes.orphaned(job.process):
                    counts[self._again(job, job.attempts >= MAX_ATTEMPTS, job.attempts)] += 1
                    sent.add(str(job.pk))
            waiting = {str(pk) for pk in Job.objects.filter(
                state=Job.QUEUED, created__lt=now - datetime.timedelta(seconds=QUEUED_GRACE)).values_list("pk", flat=True)}
            waiting -= sent
            if waiting:  # the folder read after the table, what the worker holds after the folder
                waiting -= queued_in(self.folder)
                waiting -= {str(pk) for pk in self.held()}
            lost, self.missing = waiting & self.missing, waiting
            for job in Job.objects.filter(pk__in=lost, state=Job.QUEUED).order_by("created"):
                counts[self._again(job, job.resent >= MAX_ATTEMPTS, job.resent)] += 1
                self.missing.discard(str(job.pk))
            if counts["requeued"] or counts["failed"]:
                logger.warning("已退出工作进程的后台任务：重新排队 %s 个，记为失败 %s 个", counts["requeued"], counts["failed"])
            return counts

    def _again(self, job: Job, exhausted: bool, times: int) -> str:
        # Only as read (state, attempts, resent): of two workers' rounds, one acts.
        same = Job.objects.filter(pk=job.pk, state=job.state, attempts=job.attempts, resent=job.resent)
        if exhausted:
            if not same.update(state=Job.FAILED, finished=timezone.now(), error=LOST.format(times=times)):
                return "skipped"
            remove_uploads(job)
            return "failed"
        if not same.update(state=Job.QUEUED, resent=F("resent") + 1, process={}, progress=0, message=REQUEUED):
            return "skipped"
        logger.warning("job %s (%s) lost its worker: queued again", job.pk, job.kind)
        try:
            self.resend(job)
        except Exception:  # the queue folder unwritable: the next round finds it missing again
            logger.exception("job %s could not be queued again", job.pk)
        return "requeued"


_sweeper: Sweeper | None = None
_sweeper_lock = threading.Lock()


def sweeper(folder: Path, held: Callable[[], Iterable[str]]) -> Sweeper:
    """This worker process's sweeper (its memory of the last round is kept)."""
    global _sweeper
    with _sweeper_lock:
        if _sweeper is None:
            _sweeper = Sweeper(folder, held)
        return _sweeper


def held_by_this_worker() -> set[str]:
    """Jobs this worker has taken from the queue (prefetched or running)."""
    from celery.worker import state  # type: ignore[import-untyped]

    held: set[str] = set()
    for request in [*list(state.reserved_requests), *list(state.active_requests)]:
        args = getattr(request, "args", None) or ()
        if getattr(request, "name", None) == TASK and args:
            held.add(str(args[0]))
    return held


def sweep_safely(folder: Path) -> None:
    """A round in a worker; never stops it (a database hiccup: the next round tries again)."""
    close_old_connections()
    try:
        sweeper(folder, held_by_this_worker).sweep()
    except Exception:
        logger.warning("未能检查已退出工作进程的后台任务", exc_info=True)
    finally:
        close_old_connections()


class RecoverLost(bootsteps.StartStopStep):  # type: ignore[misc]
    """The folder queue: a round every :data:`SWEEP_SECONDS` in the worker's timer thread."""

    requires = {"celery.worker.consumer.tasks:Tasks"}

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        self.timer: Any = None

    def start(self, consumer: Any) -> None:
        folder = folder_queue()
        if folder is not None:
            self.timer = consumer.timer.call_repeatedly(SWEEP_SECONDS, sweep_safely, (folder,))

    def stop(self, consumer: Any) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None


app.steps["consumer"].add(RecoverLost)


@worker_ready.connect  # type: ignore[untyped-decorator]
def _worker_ready(**_: Any) -> None:
    folder = folder_queue()
    if folder is not None:  # the jobs a worker that died left: queued again at once
        sweep_safely(folder)
