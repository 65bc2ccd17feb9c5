"""``juesuan serve``: migrate, load the examples on first start, and run gunicorn.

The same WSGI application and static files (whitenoise) as a production deployment;
see docs/deploy.md for PostgreSQL, backups and a reverse proxy.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any


def setup(data_dir: Path | None = None) -> None:
    """Point Django at our settings (and data folder) and initialise it."""
    if data_dir is not None:
        os.environ["JUESUAN_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "juesuan.web.settings")
    import django

    django.setup()


def prepare(*, examples: bool, demo_password: str | None) -> dict[str, Any]:
    """Migrate the database; on first start load the examples; create demo accounts if asked."""
    from django.core.management import call_command

    from juesuan.web import seed
    from juesuan.web.filings.models import FilingRecord

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    loaded = []
    if examples and not FilingRecord.objects.exists():
        loaded = seed.load_examples()
    demo = seed.ensure_demo_users(demo_password) if demo_password else []
    return {"examples": loaded, "demo": demo}


# A Unix socket's path has at most 107 bytes on Linux and 103 on macOS.
MAX_SOCKET_PATH = 100


def gunicorn_options(host: str, port: int, workers: int, data_dir: Path) -> dict[str, Any]:
    """gunicorn's settings for one server. Its control socket (gunicorn 25.1 and later, for
    ``gunicornc``) would sit at one fixed path in the home folder, where a second server on the
    machine replaces the first's and removes it when it stops; it lives in the server's data
    folder instead, or is disabled when that path is too long for a socket."""
    options: dict[str, Any] = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "timeout": 120,  # a PDF of a large filing takes seconds
        "accesslog": "-",
    }
    socket = Path(data_dir).resolve() / "gunicorn.ctl"
    if len(os.fsencode(socket)) <= MAX_SOCKET_PATH:
        options["control_socket"] = str(socket)
    else:
        options["control_socket_disable"] = True
    return options


def server(host: str, port: int, workers: int, data_dir: Path | None = None) -> Any:
    """The gunicorn application serving the site (not started); ``data_dir`` defaults to the
    configured data folder."""
    from django.conf import settings
    from gunicorn.app.base import BaseApplication

    from juesuan.web.wsgi import application

    options = gunicorn_options(host, port, workers, Path(data_dir or settings.DATA_DIR))

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for name, value in options.items():
                if name in self.cfg.settings:  # an older gunicorn has no control socket at all
                    self.cfg.set(name, value)

        def load(self) -> Any:
            return application

    return Server()


# The background-task worker `juesuan serve` starts beside the site (docs/deploy.md): one task
# at a time, in a child process the worker replaces when it dies (the memory cap and the time
# limits apply to that child). Its output goes to this file in the data folder.
WORKER_LOG = "worker.log"


def data_dir() -> Path:
    from django.conf import settings

    return Path(settings.DATA_DIR)


def worker_command(hostname: str = "juesuan-local@%h") -> list[str]:
    """The command line of the local worker (this Python, so the same installation)."""
    return [sys.executable, "-m", "celery", "-A", "juesuan.web.jobs.celery", "worker",
            "--pool", "prefork", "--concurrency", "1", "--loglevel", "INFO", "-n", hostname]


def start_worker(data_dir: Path) -> subprocess.Popen[bytes]:
    """Start the local worker, in a session of its own (Ctrl+C reaches it through
    :func:`stop_worker`, after the server has stopped taking requests)."""
    log: IO[bytes] = open(Path(data_dir) / WORKER_LOG, "ab")  # noqa: SIM115 - the child keeps it
    try:
        return subprocess.Popen(worker_command(), stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=lower_priority)
    finally:
        log.close()  # the child has its own descriptor


WORKER_NICENESS = 10


def lower_priority() -> None:
    """In the worker, before it starts: on one machine with the site, pages come first; a
    document renders a little later rather than visitors waiting (nice 10). The worker has a
    session of its own, and with Linux's autogroup scheduling (the default on desktops and many
    servers) a session is a scheduling group whose processes' nice values rank them only among
    themselves: against the site the group counts as a whole, so the group's own nice value is
    lowered too (/proc/self/autogroup). Measured in benchmarks/README.md (bench_files.py)."""
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)
    with contextlib.suppress(OSError), open("/proc/self/autogroup", "w", encoding="ascii") as group:
        group.write(str(WORKER_NICENESS))


# Restarting a worker that exited unexpectedly: at once the first time, then waiting twice as
# long each time it exits again within WORKER_STABLE seconds (one that cannot start does not
# spin), at most WORKER_BACKOFF_MAX seconds.
WORKER_POLL = 1.0
WORKER_STABLE = 60.0
WORKER_BACKOFF_MAX = 60.0


class LocalWorker:
    """The local worker, started again when its main process exits unexpectedly (killed, out of
    memory); says so in worker.log and on stderr. Its jobs are queued again by the next worker
    (juesuan.web.jobs.recovery)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.restarts = 0
        self.process = start_worker(self.data_dir)
        self.since = time.monotonic()
        self.watcher = threading.Thread(target=self._watch, name="juesuan-worker-watch", daemon=True)
        self.watcher.start()

    def _say(self, text: str) -> None:
        line = f"{time.strftime('%Y-%m-%d %H:%M:%S')} juesuan serve：{text}"
        print(line, file=sys.stderr, flush=True)
        with contextlib.suppress(OSError), open(self.data_dir / WORKER_LOG, "a", encoding="utf-8") as log:
            log.write(line + "\n")

    def _watch(self) -> None:
        delay = 0.0
        while not self.stopping.wait(WORKER_POLL):
            code = self.process.poll()
            if code is None:
                continue
            ran = time.monotonic() - self.since
            delay = 0.0 if ran >= WORKER_STABLE else min(WORKER_BACKOFF_MAX, max(1.0, delay * 2))
            # gunicorn's arbiter reaps every child of this process (waitpid(-1)), so a worker it
            # reaped first reads as code 0 here, whatever ended it: no code is said then.
            said = f"退出码 {code}，" if code else ""
            self._say(f"后台任务工作进程意外退出（{said}运行 {ran:.0f} 秒），"
                      + (f"{delay:.0f} 秒后重新启动。" if delay else "立即重新启动。"))
            if self.stopping.wait(delay):
                return
            with self.lock:
                if self.stopping.is_set():
                    return
                try:
                    self.process = start_worker(self.data_dir)
                except OSError as exc:  # e.g. out of processes: tried again after the delay
                    self._say(f"后台任务工作进程未能启动：{exc}")
                    continue
                self.since = time.monotonic()
                self.restarts += 1
            self._say(f"后台任务工作进程已重新启动（进程号 {self.process.pid}）。")

    def stop(self, wait: float = 20) -> None:
        self.stopping.set()
        with self.lock:
            stop_worker(self.process, wait)
        self.watcher.join(WORKER_POLL + 1)


def stop_worker(process: subprocess.Popen[bytes], wait: float = 20) -> None:
    """Warm shutdown (the task running is finished or, past ``wait`` seconds, left for the next
    start: it is acknowledged only when done)."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(wait)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run(host: str, port: int, workers: int, *, worker: bool = True) -> None:
    """Serve with gunicorn in the foreground until interrupted; with ``worker``, a local
    background-task worker runs beside it and stops with it."""
    app = server(host, port, workers)
    # prepare() left a database connection open in this process; gunicorn's workers are forked
    # from it and would share its socket (PostgreSQL: "lost synchronization with server").
    from django.db import connections

    connections.close_all()
    child = LocalWorker(data_dir()) if worker else None
    arbiter = os.getpid()
    try:
        app.run()
    finally:
        if child is not None and os.getpid() == arbiter:  # not in a forked gunicorn worker
            child.stop()
