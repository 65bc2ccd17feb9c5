"""`juesuan serve` starts the local background worker documented in docs/deploy.md (and stops it
with the server); `--no-worker` leaves it out; `juesuan worker` runs one in the foreground."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from juesuan.cli import app
from juesuan.web import serve

DEPLOY = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"


def test_the_worker_command_is_the_documented_one() -> None:
    command = serve.worker_command()
    assert command == [sys.executable, "-m", "celery", "-A", "juesuan.web.jobs.celery", "worker",
                       "--pool", "prefork", "--concurrency", "1", "--loglevel", "INFO", "-n", "juesuan-local@%h"]
    assert f"`python {' '.join(command[1:])}`" in DEPLOY.read_text(encoding="utf-8")


class FakeProcess:
    def __init__(self, args: list[str], **options: Any) -> None:
        self.args, self.options = args, options
        self.calls: list[str] = []
        STARTED.append(self)

    def poll(self) -> int | None:
        return None

    def terminate(self) -> None:
        self.calls.append("terminate")

    def wait(self, timeout: float | None = None) -> int:
        self.calls.append("wait")
        return 0


STARTED: list[FakeProcess] = []


def test_run_starts_the_worker_and_stops_it_with_the_server(tmp_path: Path, monkeypatch: Any,
                                                            settings: Any) -> None:
    settings.DATA_DIR = tmp_path
    STARTED.clear()

    beside: list[list[str]] = []  # what the worker had been asked while the site ran

    class Server:
        def run(self) -> None:
            beside.extend(list(p.calls) for p in STARTED)
            raise KeyboardInterrupt

    monkeypatch.setattr(serve, "server", lambda *args: Server())
    monkeypatch.setattr(serve.subprocess, "Popen", FakeProcess)
    with contextlib.suppress(KeyboardInterrupt):
        serve.run("127.0.0.1", 8000, 1)
    [worker] = STARTED
    assert beside == [[]]  # started before the site, stopped after it
    assert worker.args == serve.worker_command() and worker.options["start_new_session"] is True
    assert worker.options["preexec_fn"] is serve.lower_priority  # pages before renders
    assert worker.calls == ["terminate", "wait"]
    assert (tmp_path / serve.WORKER_LOG).exists()  # its output goes there
    STARTED.clear()
    with contextlib.suppress(KeyboardInterrupt):
        serve.run("127.0.0.1", 8000, 1, worker=False)
    assert STARTED == []


def test_serve_passes_no_worker_on(monkeypatch: Any, tmp_path: Path) -> None:
    calls: list[bool] = []
    monkeypatch.setattr(serve, "setup", lambda data: None)
    monkeypatch.setattr(serve, "prepare", lambda **kw: {"examples": [], "demo": []})
    monkeypatch.setattr(serve, "data_dir", lambda: tmp_path)
    monkeypatch.setattr(serve, "run", lambda host, port, workers, *, worker: calls.append(worker))
    runner = CliRunner()
    assert runner.invoke(app, ["serve"]).exit_code == 0
    result = runner.invoke(app, ["serve", "--no-worker"])
    assert result.exit_code == 0 and calls == [True, False]
    assert "worker.log" not in result.output


def test_juesuan_worker_runs_a_worker_in_the_foreground(monkeypatch: Any) -> None:
    from juesuan.web.jobs.celery import app as celery_app

    argv: list[list[str]] = []
    monkeypatch.setattr(serve, "setup", lambda data: None)
    monkeypatch.setattr(celery_app, "worker_main", lambda args: argv.append(args))
    result = CliRunner().invoke(app, ["worker", "-c", "3", "-n", "w1@host"])
    assert result.exit_code == 0, result.output
    assert argv == [["worker", "--pool", "prefork", "--concurrency", "3", "--loglevel", "INFO", "-n", "w1@host"]]


def test_the_local_worker_runs_at_a_lower_priority() -> None:
    import os
    import subprocess
    from pathlib import Path

    code = "import os, pathlib; g = pathlib.Path('/proc/self/autogroup'); print(os.nice(0), g.read_text() if g.exists() else '')"
    niceness, group = subprocess.run([sys.executable, "-c", code], preexec_fn=serve.lower_priority,
                                     start_new_session=True, capture_output=True, text=True,
                                     check=True).stdout.split(" ", 1)
    assert int(niceness) == min(os.nice(0) + serve.WORKER_NICENESS, 19)
    if Path("/proc/self/autogroup").exists():  # Linux with autogroup: the session's group is lowered too
        assert group.split()[-1] == str(serve.WORKER_NICENESS), group
