"""The registry of background handlers, and the one Celery task that runs any of them.

A handler is ``fn(job, progress) -> dict``: it reads ``job.params``, calls ``progress(pct,
message)`` as it goes, may set ``job.next_url``, and returns the result (plain JSON data).
Handlers are idempotent: a job whose worker died is started over from its params by another
worker. A failure the user can act on is a :class:`JobError` with Chinese messages; any other
exception is logged with its traceback and shown as a short Chinese message.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded  # type: ignore[import-untyped]
from celery.worker.request import Request  # type: ignore[import-untyped]
from django.conf import settings
from django.db import close_old_connections
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from juesuan.limits import (
    TASK_AUDIT_HARD_SECONDS,
    TASK_AUDIT_SOFT_SECONDS,
    TASK_CONSOLIDATE_HARD_SECONDS,
    TASK_CONSOLIDATE_SOFT_SECONDS,
    TASK_IMPORT_HARD_SECONDS,
    TASK_IMPORT_SOFT_SECONDS,
    TASK_RENDER_HARD_SECONDS,
    TASK_RENDER_SOFT_SECONDS,
)
from juesuan.web.jobs import processes
from juesuan.web.jobs.celery import app
from juesuan.web.jobs.config import memory_mb
from juesuan.web.jobs.models import Job

logger = logging.getLogger(__name__)

Progress = Callable[[int, str], None]
HandlerFn = Callable[[Job, Progress], dict[str, Any]]


class JobError(Exception):
    """A failure to show the user as it is (Chinese messages), e.g. a file that cannot be read;
    ``detail`` is kept in the job's result (e.g. the HTTP status the form would have given)."""

    def __init__(self, messages: list[str], **detail: Any) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages
        self.detail = detail


@dataclass(frozen=True)
class Handler:
    fn: str | HandlerFn  # a dotted path (imported when run: no import cycle with the views)
    label: str  # Chinese, shown on the job page
    soft: int  # seconds: SoftTimeLimitExceeded in the handler, a Chinese message
    hard: int  # seconds: the worker kills the process

    def function(self) -> HandlerFn:
        fn = import_string(self.fn) if isinstance(self.fn, str) else self.fn
        return fn


# Every kind of background job, in one place.
HANDLERS: dict[str, Handler] = {
    "import": Handler("juesuan.web.filings.editor.import_job", "读取导入文件",
                      TASK_IMPORT_SOFT_SECONDS, TASK_IMPORT_HARD_SECONDS),
    # 由文件导入 a new filing: the file read and the filing created.
    "import_new": Handler("juesuan.web.filings.editor.new_job", "由文件新建填报",
                          TASK_IMPORT_SOFT_SECONDS, TASK_IMPORT_HARD_SECONDS),
    # A saved version's document in one format, kept in the render cache (downloads).
    "render_version": Handler("juesuan.web.filings.services.render_job", "生成文档",
                              TASK_RENDER_SOFT_SECONDS, TASK_RENDER_HARD_SECONDS),
    # Every public file of a publication, written into the published storage.
    "publish": Handler("juesuan.web.portal.files.publish_job", "生成公开文件",
                       TASK_RENDER_SOFT_SECONDS, TASK_RENDER_HARD_SECONDS),
    # A version's finding counts and key figures for the region overview.
    "summarise": Handler("juesuan.web.filings.review.summary_job", "检查并汇总主要数据",
                         TASK_RENDER_SOFT_SECONDS, TASK_RENDER_HARD_SECONDS),
    "consolidate": Handler("juesuan.web.filings.consolidated.consolidate_job", "计算汇总",
                           TASK_CONSOLIDATE_SOFT_SECONDS, TASK_CONSOLIDATE_HARD_SECONDS),
    # 审查公开报告: uploaded reports, or a region's published PDFs, audited as `juesuan audit` does.
    "audit_reports": Handler("juesuan.web.filings.audits.audit_job", "审查公开报告",
                             TASK_AUDIT_SOFT_SECONDS, TASK_AUDIT_HARD_SECONDS),
}

# A job whose worker process died this many times (a task that kills its worker, e.g. by
# memory, every time) is failed instead of being started again.
MAX_ATTEMPTS = 3
LOST = ("处理中断：执行任务的进程已 {times} 次意外退出（可能内存不足或被系统终止），任务已停止。"
        "文件可能过大或结构异常，请检查文件后重试；如仍失败，请联系系统管理员。")
INTERNAL = "处理时发生内部错误，未能完成。请稍后重试；如仍失败，请联系系统管理员（错误已记入服务日志）。"


def timeout_message(seconds: int) -> str:
    return (f"处理超时：超过 {seconds} 秒仍未完成，已停止。文件可能过大或结构异常，"
            "请检查文件后重试，或改用较小的文件。")


def memory_message() -> str:
    cap = memory_mb()
    limit = f"（上限 {cap} MB）" if cap else ""
    return f"内存超限：处理所需内存超过任务进程的上限{limit}，已停止。文件可能过大或结构异常，请检查文件后重试。"


def label_of(kind: str) -> str:
    handler = HANDLERS.get(kind)
    return handler.label if handler is not None else kind


def progress_of(job: Job) -> Progress:
    def progress(pct: int, message: str) -> None:
        Job.objects.filter(pk=job.pk).update(progress=max(0, min(100, int(pct))), message=message[:200])

    return progress


def _finish(job: Job, state: str, *, result: dict[str, Any] | None = None, error: str = "") -> None:
    fields: dict[str, Any] = {"state": state, "finished": timezone.now(), "error": error,
                              "next_url": job.next_url}
    if result is not None:
        fields["result"] = result
    if state == Job.DONE:
        fields["progress"] = 100
        fields["message"] = "已完成"
    Job.objects.filter(pk=job.pk).update(**fields)
    remove_uploads(job)


def remove_uploads(job: Job) -> None:
    """The uploaded files a job read (``params["uploads"]``: names under DATA_DIR/uploads) are
    deleted once it has ended, done or failed."""
    folder = Path(settings.DATA_DIR) / "uploads"
    for name in job.params.get("uploads", []) if isinstance(job.params, dict) else []:
        if isinstance(name, str) and name and "/" not in name and "\\" not in name and not name.startswith("."):
            (folder / name).unlink(missing_ok=True)


class JobRequest(Request):  # type: ignore[misc]
    """A task as the worker's main process sees it. At the hard time limit the main process kills
    the pool process running it and acknowledges the task: nothing in that process can say so,
    so the job is ended here (else it stayed "running" until :func:`.api.expire_if_stale`, the
    limit and another minute later)."""

    def on_timeout(self, soft: bool, timeout: float) -> None:
        super().on_timeout(soft, timeout)
        if not soft:
            killed_at_limit(self.args, timeout)


def killed_at_limit(args: Any, timeout: float) -> None:
    job_id = str(args[0]) if isinstance(args, list | tuple) and args else None
    if job_id is None:
        return
    close_old_connections()  # the main process's connection may be long idle
    try:
        job = Job.objects.filter(pk=job_id, state=Job.RUNNING).first()
        if job is not None:
            logger.warning("job %s (%s) killed at its hard time limit of %s s", job.pk, job.kind, timeout)
            _finish(job, Job.FAILED, error=timeout_message(int(timeout)))
    except Exception:  # never let the worker's main process fail on it: the view ends it later
        logger.warning("未能记录超时结束的后台任务 %s", job_id, exc_info=True)


@app.task(name="juesuan.jobs.run", bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True,
          Request=JobRequest)  # type: ignore[untyped-decorator]
def run_job(self: Any, job_id: str) -> None:
    """Run one job: skipped when it has already ended or another process of this machine is
    running it (a second message for it); started over when its worker died (a redelivered
    message), at most :data:`MAX_ATTEMPTS` times in all."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None or not job.active:
        return
    handler = HANDLERS.get(job.kind)
    if handler is None:
        _finish(job, Job.FAILED, error=f"无法处理：未知的任务类型“{job.kind[:40]}”。")
        return
    if job.state == Job.RUNNING and processes.running(job.process):
        logger.warning("job %s is already running in process %s: message skipped", job.pk, job.process.get("pid"))
        return
    if job.state == Job.RUNNING and job.attempts >= MAX_ATTEMPTS:
        logger.warning("job %s (%s) lost its worker %s times: failed", job.pk, job.kind, job.attempts)
        _finish(job, Job.FAILED, error=LOST.format(times=job.attempts))
        return
    hostname = getattr(self.request, "hostname", None) or socket.gethostname()
    # Taken only as it was read: of two workers given the same job, one runs it.
    taken = Job.objects.filter(pk=job.pk, state=job.state, attempts=job.attempts).update(
        state=Job.RUNNING, worker=hostname[:200], process=processes.current(), attempts=F("attempts") + 1,
        started=timezone.now(), progress=0, message="开始处理", error="")
    if not taken:
        return
    job.refresh_from_db()
    try:
        result = handler.function()(job, progress_of(job))
    except SoftTimeLimitExceeded:
        logger.warning("job %s (%s) stopped at its soft time limit of %s s", job.pk, job.kind, handler.soft)
        _finish(job, Job.FAILED, error=timeout_message(handler.soft))
    except MemoryError:
        logger.warning("job %s (%s) ran out of memory", job.pk, job.kind)
        _finish(job, Job.FAILED, error=memory_message())
    except JobError as exc:
        _finish(job, Job.FAILED, result={"problems": exc.messages, **exc.detail}, error=str(exc))
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        _finish(job, Job.FAILED, error=INTERNAL)
    else:
        _finish(job, Job.DONE, result=result or {})
