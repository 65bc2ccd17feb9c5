"""Which process runs a job, and whether it still exists (no Django here).

A job's ``process`` records the machine (host name and, on Linux, its boot id), the Celery
worker's main process and the pool process running the task, each as ``[pid, start]`` (the
start time from /proc, so a pid used again by another process is not taken for the worker).
The folder queue's recovery (:mod:`.recovery`) and :func:`juesuan.web.jobs.tasks.run_job` use
it to tell a worker that died from one that is still at work.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

# Set in a pool process when it starts (jobs.celery): the worker's main process. Unset in a
# process that runs its tasks itself (solo pool, tests).
MAIN_PID: int | None = None


def boot_id() -> str:
    """This boot of the machine (Linux); "" where unknown."""
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def _stat(pid: int) -> tuple[str, str] | None:
    """(state, start time) of a process from /proc, or None where there is no /proc."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return ("X", "") if Path("/proc/self/stat").exists() else None
    except OSError:
        return None
    fields = text[text.rfind(")") + 2:].split()  # the name in parentheses may hold spaces
    return (fields[0], fields[19]) if len(fields) > 19 else None


def entry(pid: int) -> list[Any]:
    stat = _stat(pid)
    return [pid, stat[1] if stat else ""]


def current() -> dict[str, Any]:
    """This process (running a task) and its worker's main process."""
    pid = os.getpid()
    main = MAIN_PID or pid
    return {"host": socket.gethostname(), "boot": boot_id(), "main": entry(main), "pid": entry(pid)}


def exists(item: Any) -> bool:
    """Whether the process ``[pid, start]`` is still there (a zombie is not)."""
    try:
        pid, start = int(item[0]), str(item[1])
    except (TypeError, ValueError, IndexError):
        return False
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        pass
    stat = _stat(pid)
    if stat is None:  # no /proc: the signal said it exists
        return True
    state, started = stat
    return state not in ("Z", "X") and (not start or not started or start == started)


def on_this_machine(process: Any) -> bool:
    return isinstance(process, dict) and process.get("host") == socket.gethostname()


def rebooted(process: dict[str, Any]) -> bool:
    now, then = boot_id(), str(process.get("boot") or "")
    return bool(now and then and now != then)


def running(process: Any) -> bool:
    """Whether another process of this machine is running the job now (a second message for
    it is a duplicate). Unknown (another machine, nothing recorded): False."""
    if not on_this_machine(process) or rebooted(process):
        return False
    item = process.get("pid")
    if not isinstance(item, list) or not item or item[0] == os.getpid():
        return False
    return exists(item)


def orphaned(process: Any) -> bool:
    """Whether the job's worker on this machine is gone, main process and pool process both
    (while the main process lives, it gives a task whose pool process died back to the queue
    itself). Another machine's job, or one with nothing recorded: False."""
    if not on_this_machine(process):
        return False
    if rebooted(process):
        return True
    main, pid = process.get("main"), process.get("pid")
    if not isinstance(main, list) or not isinstance(pid, list):
        return False
    return not exists(main) and not exists(pid)
