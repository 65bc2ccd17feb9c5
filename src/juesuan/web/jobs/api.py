"""Submitting background jobs: :func:`submit`."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from juesuan.web.jobs.celery import app, folder_queue
from juesuan.web.jobs.config import visibility_timeout
from juesuan.web.jobs.models import Job
from juesuan.web.jobs.tasks import HANDLERS, remove_uploads, run_job

logger = logging.getLogger(__name__)

# A job still "running" this long after it surely lost its worker (a machine gone; a worker
# that died on this machine is found sooner by jobs.recovery, a hard limit by tasks.JobRequest)
# is ended, so the same request can be made again.
STALE_MARGIN = 60
QUEUE_DOWN = "任务队列暂时无法连接，未能开始处理。请稍后重试；如仍失败，请联系系统管理员。"
INTERRUPTED = "处理中断：执行任务的进程超过 {seconds} 秒未完成或已退出，任务已停止。请重试。"


def stale_after(hard: int) -> int:
    """Seconds after its start a running job has lost its worker: its hard limit and a margin;
    on Redis not before the broker gives a dead worker's task to another worker (the visibility
    timeout), or a job about to be finished by another worker would be ended first."""
    wait = hard + STALE_MARGIN
    return wait if folder_queue() is not None else max(wait, visibility_timeout() + STALE_MARGIN)


def expire_if_stale(job: Job) -> Job:
    """End a running job whose worker is gone (hard time limit, a machine lost); queued jobs
    wait for a worker however long."""
    handler = HANDLERS.get(job.kind)
    if job.state != Job.RUNNING or handler is None or job.started is None:
        return job
    if timezone.now() - job.started < datetime.timedelta(seconds=stale_after(handler.hard)):
        return job
    ended = Job.objects.filter(pk=job.pk, state=Job.RUNNING, started=job.started).update(
        state=Job.FAILED, finished=timezone.now(), error=INTERRUPTED.format(seconds=handler.hard))
    if ended:
        remove_uploads(job)
    job.refresh_from_db()
    return job


def eager() -> bool:
    """Whether jobs run at once, in the request (the test settings)."""
    return bool(app.conf.task_always_eager)


def _active(key: str) -> Job | None:
    job = Job.objects.filter(key=key, state__in=Job.ACTIVE).first()
    if job is not None and not expire_if_stale(job).active:
        return None
    return job


def submit(kind: str, key: str, params: dict[str, Any], *, owner: Any = None, record: Any = None,
           next_url: str = "") -> Job:
    """The job for this request: a new one, queued when the current transaction commits, or
    the queued or running one with the same ``key`` (identical requests share one task)."""
    handler = HANDLERS[kind]  # an unknown kind is a programming error
    key = key[:200]
    existing = _active(key)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            job = Job.objects.create(kind=kind, key=key, params=params, owner=owner, record=record,
                                     next_url=next_url, message="排队等待处理")
    except IntegrityError:  # the same request at the same instant: theirs is ours
        existing = Job.objects.filter(key=key, state__in=Job.ACTIVE).first()
        if existing is None:
            raise
        return existing

    def enqueue() -> None:
        try:
            run_job.apply_async((str(job.pk),), soft_time_limit=handler.soft, time_limit=handler.hard)
        except Exception:  # broker down: the job says so instead of waiting forever
            logger.exception("job %s could not be queued", job.pk)
            Job.objects.filter(pk=job.pk, state=Job.QUEUED).update(
                state=Job.FAILED, finished=timezone.now(), error=QUEUE_DOWN)
            remove_uploads(job)

    if eager():
        # Tests: run now, inside the test's transaction (whose commit never comes).
        enqueue()
        job.refresh_from_db()
    else:
        transaction.on_commit(enqueue)
    return job
