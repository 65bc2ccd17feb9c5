"""The Celery app, configured from Django's settings (``CELERY_*``; see settings.py and
:mod:`.config`). Workers: ``juesuan worker`` or ``python -m celery -A juesuan.web.jobs.celery
worker``; ``juesuan serve`` starts one itself."""

from __future__ import annotations

import logging
import os
import resource
from pathlib import Path
from typing import Any

from celery import Celery, bootsteps  # type: ignore[import-untyped]
from celery.signals import after_setup_logger, worker_process_init, worker_ready  # type: ignore[import-untyped]

from juesuan.web.jobs.config import EMBEDDED_POLL_SECONDS, memory_mb, visibility_timeout

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "juesuan.web.settings")

# recovery: the folder queue's rounds (a bootstep and a worker_ready hook), loaded by workers.
app = Celery("juesuan", include=["juesuan.web.jobs.recovery"])
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


# Libraries that log every font and page at INFO: the worker's log keeps their warnings only.
QUIET_LOGGERS = ("weasyprint", "fontTools")


@after_setup_logger.connect  # type: ignore[untyped-decorator]
def _quiet_libraries(**_: Any) -> None:
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def folder_queue() -> Path | None:
    """The queue folder when the broker is the embedded folder queue, else None."""
    if not str(app.conf.broker_url or "").startswith("filesystem:"):
        return None
    folder = (app.conf.broker_transport_options or {}).get("data_folder_in")
    return Path(folder) if folder else None


@worker_process_init.connect  # type: ignore[untyped-decorator]
def _worker_process_init(**_: Any) -> None:
    from juesuan.web.jobs import processes

    processes.MAIN_PID = os.getppid()  # a pool process: its parent is the worker's main process
    try:
        cap_memory(memory_mb())
    except (ValueError, OSError):  # a platform without RLIMIT_AS: run uncapped, say so
        logger.warning("无法设置任务进程的内存上限（RLIMIT_AS）", exc_info=True)


class RestoreUnacked(bootsteps.StartStopStep):  # type: ignore[misc]
    """Redis: give the tasks of a worker that died back to the queue as soon as their visibility
    timeout has passed. kombu looks for them when a worker starts and then only every 100 s
    (every tenth of its 10-second rounds); a task would wait that long for the workers still
    running."""

    requires = {"celery.worker.consumer.tasks:Tasks"}

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        self.timer: Any = None

    def start(self, consumer: Any) -> None:
        channel = getattr(consumer.task_consumer, "channel", None)
        qos = getattr(channel, "qos", None)
        if qos is None or not hasattr(qos, "restore_visible"):  # not Redis: nothing to restore
            return
        every = max(1.0, min(30.0, visibility_timeout() / 4))
        limit = getattr(channel, "unacked_restore_limit", None)

        def restore() -> None:
            try:  # interval=1: look every time, not every tenth call
                qos.restore_visible(num=limit, interval=1)
            except Exception:  # a broker hiccup: the next round tries again
                logger.warning("未能取回已退出工作进程的任务", exc_info=True)

        self.timer = consumer.timer.call_repeatedly(every, restore)

    def stop(self, consumer: Any) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None


class PromptAcks(bootsteps.StartStopStep):  # type: ignore[misc]
    """The folder queue: the next task starts as soon as the last one ends, not 2 s later.

    A transport without an event loop (the folder queue) is read by Celery's ``synloop``, which
    acknowledges a finished task only between two ``drain_events(timeout=2.0)`` calls; with one
    task at a time (prefetch 1, acks late) no message can be taken while the finished one is
    unacknowledged, so every drain ran its full 2 s. Each drain here lasts one polling interval."""

    requires = {"celery.worker.consumer.tasks:Tasks"}

    def start(self, consumer: Any) -> None:
        transport = getattr(consumer.connection, "transport", None)
        if transport is None or transport.implements.asynchronous:  # Redis: its event loop acks at once
            return
        drain = type(transport).drain_events.__get__(transport)
        cap = float(transport.polling_interval or EMBEDDED_POLL_SECONDS)

        def prompt(connection: Any, timeout: float | None = None, **kwargs: Any) -> Any:
            return drain(connection, timeout=None if timeout is None else min(timeout, cap), **kwargs)

        transport.drain_events = prompt


app.steps["consumer"].add(RestoreUnacked)
app.steps["consumer"].add(PromptAcks)


@worker_ready.connect  # type: ignore[untyped-decorator]
def _worker_ready(**_: Any) -> None:
    # Old jobs and their files go when a worker starts (and by `juesuan manage forget_jobs`).
    from juesuan.web.jobs.housekeeping import at_worker_start

    at_worker_start()
