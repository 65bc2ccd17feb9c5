"""Celery settings read from the environment (no Django here: settings.py imports it).

- ``JUESUAN_BROKER_URL``: the broker, e.g. ``redis://host:6379/0``; unset means the embedded
  default, kombu's ``filesystem://`` transport with its queue in ``<data folder>/tasks`` (one
  machine, no server). A task on it starts one polling interval (0.2 s) after the last one
  ends (jobs.celery.PromptAcks), and the jobs of a worker that died are queued again from the
  Job table (jobs.recovery).
- ``JUESUAN_TASK_VISIBILITY``: seconds a task taken by a worker stays invisible to the others
  (Redis); a worker that died is replaced after this long, so it exceeds every hard limit.
- ``JUESUAN_TASK_MEMORY_MB``: the address space of one worker process (``RLIMIT_AS``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from juesuan.limits import TASK_MEMORY_MB, TASK_VISIBILITY_SECONDS

EMBEDDED = "filesystem://"
EMBEDDED_POLL_SECONDS = 0.2


def _number(name: str, default: int, minimum: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if raw.isascii() and raw.isdecimal() and int(raw) >= minimum:
        return int(raw)
    # A misspelt setting must not stop the site: said where the service logs.
    print(f"设置有误：{name} 应为不小于 {minimum} 的整数，实际为“{raw[:20]}”；改用 {default}。", file=sys.stderr)
    return default


def broker_url() -> str:
    return os.environ.get("JUESUAN_BROKER_URL", "").strip() or EMBEDDED


def visibility_timeout() -> int:
    return _number("JUESUAN_TASK_VISIBILITY", TASK_VISIBILITY_SECONDS, 1)


def memory_mb() -> int:
    """0 means no cap."""
    return _number("JUESUAN_TASK_MEMORY_MB", TASK_MEMORY_MB, 0)


def queue_folder(data_dir: Path) -> Path:
    return Path(data_dir) / "tasks"


def transport_options(url: str, data_dir: Path) -> dict[str, Any]:
    """The broker's options: the embedded queue's folders (created here), or Redis's
    visibility timeout."""
    if url == EMBEDDED or url.startswith("filesystem:"):
        queue, control = queue_folder(data_dir) / "queue", queue_folder(data_dir) / "control"
        queue.mkdir(parents=True, exist_ok=True)
        control.mkdir(parents=True, exist_ok=True)
        # Every folder in the data folder: kombu's default control folder is relative to the
        # working directory (a "control" folder would appear wherever juesuan was started).
        # polling_interval: the worker looks in the folder five times a second (kombu's default,
        # once a second, left a second or two between one task and the next).
        return {"data_folder_in": str(queue), "data_folder_out": str(queue), "control_folder": str(control),
                "store_processed": False, "polling_interval": EMBEDDED_POLL_SECONDS}
    return {"visibility_timeout": visibility_timeout()}
