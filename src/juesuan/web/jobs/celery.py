"""The Celery app, configured from Django's settings (``CELERY_*``; see settings.py and
:mod:`.config`). Workers: ``juesuan worker`` or ``python -m celery -A juesuan.web.jobs.celery
worker``; ``juesuan serve`` starts one itself."""

from __future__ import annotations

import logging
import os
import resource
from typing import Any

from celery import Celery  # type: ignore[import-untyped]
from celery.signals import worker_process_init  # type: ignore[import-untyped]

from juesuan.web.jobs.config import memory_mb

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "juesuan.web.settings")

app = Celery("juesuan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["juesuan.web.jobs"])

logger = logging.getLogger(__name__)


def cap_memory(megabytes: int) -> None:
    """Limit this process's address space: a task that needs more gets MemoryError (a Chinese
    message on its job) instead of pushing the machine into swap or the OOM killer."""
    if megabytes <= 0:
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = megabytes * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


@worker_process_init.connect  # type: ignore[untyped-decorator]
def _worker_process_init(**_: Any) -> None:
    try:
        cap_memory(memory_mb())
    except (ValueError, OSError):  # a platform without RLIMIT_AS: run uncapped, say so
        logger.warning("无法设置任务进程的内存上限（RLIMIT_AS）", exc_info=True)
