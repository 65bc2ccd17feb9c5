"""Forgetting ended background jobs: their rows and the audit pages they wrote
(DATA_DIR/audits/<job id>), once older than
:data:`juesuan.limits.JOBS_KEPT_DAYS`; and upload files a killed worker left behind. Run when a
worker starts and by ``juesuan manage forget_jobs`` (e.g. daily from cron)."""

from __future__ import annotations

import datetime
import logging
import shutil
import time
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from juesuan.limits import JOBS_KEPT_DAYS, UPLOADS_KEPT_HOURS
from juesuan.web.jobs.models import Job

logger = logging.getLogger(__name__)

# The folders holding a job's files, one folder a job, named by its id. (Documents go to the
# render cache, by content; "renders" held those of an earlier job kind.)
JOB_FOLDERS = ("audits", "renders")


def forget_jobs(days: int = JOBS_KEPT_DAYS, *, now: datetime.datetime | None = None) -> dict[str, int]:
    """Delete the jobs that ended more than ``days`` ago and their folders, and stray uploads;
    a queued or running job is never touched. Returns what was removed."""
    now = now or timezone.now()
    old = Job.objects.filter(state__in=[Job.DONE, Job.FAILED], finished__lt=now - datetime.timedelta(days=days))
    ids = [str(pk) for pk in old.values_list("pk", flat=True)]
    data = Path(settings.DATA_DIR)
    folders = 0
    for name in JOB_FOLDERS:
        for pk in ids:
            folder = data / name / pk
            if folder.is_dir():
                shutil.rmtree(folder, ignore_errors=True)
                folders += 1
    rows, _ = Job.objects.filter(pk__in=ids).delete()
    uploads = _stray_uploads(data / "uploads", now.timestamp() - UPLOADS_KEPT_HOURS * 3600)
    if rows or folders or uploads:
        logger.info("已删除 %s 个过期后台任务、%s 个文件夹、%s 个遗留上传文件", rows, folders, uploads)
    return {"jobs": rows, "folders": folders, "uploads": uploads}


def _stray_uploads(folder: Path, before: float) -> int:
    """Upload files (and a reader's temporary folders) not touched since ``before``: their job
    ended without removing them (its worker was killed)."""
    if not folder.is_dir():
        return 0
    removed = 0
    active = {name for params in Job.objects.filter(state__in=Job.ACTIVE).values_list("params", flat=True)
              if isinstance(params, dict) for name in params.get("uploads", []) if isinstance(name, str)}
    for path in folder.iterdir():
        try:
            if path.name in active or path.stat().st_mtime >= before:
                continue
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed += 1
        except OSError:  # removed meanwhile
            continue
    return removed


def at_worker_start() -> None:
    """Forget old jobs when a worker starts; never stops the worker."""
    try:
        started = time.monotonic()
        done = forget_jobs()
        logger.info("后台任务清理：%s（%.1f 秒）", done, time.monotonic() - started)
    except Exception:
        logger.warning("后台任务清理未能完成", exc_info=True)
