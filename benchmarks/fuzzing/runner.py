"""Run each input in a forked child with a time and memory watchdog.

The parent has imported juesuan and the heavy libraries and warmed them up, so a fork
costs milliseconds and each child starts with everything loaded. A child:

1. puts itself in a process group of its own, sends its stdout/stderr (file descriptors
   1 and 2: what C libraries print) to ``stdio.log``, and arms ``faulthandler`` (a fatal
   signal, or SIGUSR1 from the parent, dumps the Python stack into that log);
2. makes its input (``make(index)``, deterministic), writes the files and ``meta.json``
   into its folder and tells the parent the command has started;
3. caps its address space (``RLIMIT_AS``: what it has now plus ``address_space``) so a
   runaway allocation becomes a MemoryError instead of taking the machine down;
4. resets its peak RSS (``5`` into ``/proc/self/clear_refs``), runs
   ``CliRunner().invoke(app, args, catch_exceptions=True)`` in its folder, and reads the
   peak (``VmHWM``) back from ``/proc/self/status``, less the growth of ``RssFile`` (pages
   of files the parent mapped, such as fonts, which a fork does not copy and which are
   page cache, not memory the command allocated);
5. reports the outcome to the parent through a pipe and ``os._exit``\\ s.

The parent runs ``jobs`` children at a time and kills (SIGUSR1 for the stack, then
SIGKILL to the group) a child whose command runs past ``time_limit``. On a loaded machine
(other processes taking the CPUs) wall-clock time overstates the work, so past the limit
a command is killed once it has used ``time_limit`` of CPU time, or at
``hang_grace`` × ``time_limit`` of wall-clock time whatever its CPU time (a command that
sleeps or waits forever); on an idle machine the two are the same.

Failure classes: ``traceback`` (an exception other than SystemExit, an exit code other
than 0/1/2 — the top-level guard's 3 included — or a Python traceback in the output),
``hang`` (killed at the time limit), ``memory`` (peak RSS increase over
``memory_factor`` × input size + ``memory_base``, or a MemoryError), ``crash`` (the child
died of a signal or exited without reporting), ``harness`` (making the input failed: a
bug of the harness, not of juesuan).
"""

from __future__ import annotations

import contextlib
import faulthandler
import functools
import gc
import json
import os
import re
import resource
import select
import shutil
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from fuzzing.kinds import Job

MB = 1024 * 1024
FAILURES = ("traceback", "hang", "memory", "crash", "harness")
OUTPUT_KEPT = 20_000


@dataclass
class Limits:
    time_limit: float = 10.0  # seconds of wall-clock time for one command
    # On a loaded machine a command gets up to hang_grace × time_limit of wall-clock time as
    # long as it has used less than time_limit of CPU time (a sleeping hang is killed then);
    # 1 makes the limit plain wall-clock time.
    hang_grace: float = 5.0
    memory_factor: float = 50.0  # peak RSS increase allowed: factor × input size + base
    memory_base: int = 200 * MB
    address_space: int = 4096 * MB  # RLIMIT_AS headroom over what the child has at the start
    generation_limit: float = 120.0  # seconds to make one input (a harness problem beyond)

    def memory_allowed(self, size: int) -> int:
        return int(self.memory_factor * size + self.memory_base)


@dataclass
class Outcome:
    index: int
    kind: str = ""
    command: str = ""
    args: list[str] = field(default_factory=list)
    note: str = ""
    size: int = 0
    status: str = "ok"  # ok or one of FAILURES
    exit_code: int | None = None
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    memory: int = 0  # peak RSS increase over the start of the command, bytes
    memory_allowed: int = 0
    exc_type: str = ""
    message: str = ""
    frame: str = ""  # innermost juesuan frame, "juesuan/x/y.py:123 in f"
    traceback: str = ""
    output: str = ""
    saved: str = ""  # folder of the reproducer

    @property
    def failed(self) -> bool:
        return self.status != "ok"


# --- in the child ----------------------------------------------------------------------------


def _status_kb(field_name: str) -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def reset_peak() -> bool:
    """Reset the peak RSS (VmHWM) to the current RSS; False where the kernel cannot."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def _frames(tb: TracebackType | None) -> list[tuple[str, int, str]]:
    return [(f.filename, f.lineno or 0, f.name) for f in traceback.extract_tb(tb)]


def innermost(frames: list[tuple[str, int, str]], prefix: str) -> str:
    """The innermost frame under ``prefix`` (juesuan's package), else the innermost one."""
    if not frames:
        return ""
    ours = [f for f in frames if prefix and f[0].startswith(prefix)]
    filename, line, name = (ours or frames)[-1]
    if ours:
        short = os.path.relpath(filename, os.path.dirname(prefix.rstrip(os.sep)))
    else:
        short = "…/" + "/".join(Path(filename).parts[-2:])
    return f"{short}:{line} in {name}"


_FAULT_FRAME = re.compile(r'^\s*File "([^"]+)", line (\d+) in (\S+)', re.M)


def frame_from_dump(text: str, prefix: str) -> str:
    """The innermost frame of the current thread in a faulthandler dump."""
    blocks = re.split(r"\n(?=(?:Current thread|Thread) 0x)", text)
    current = next((b for b in blocks if "Current thread" in b or "most recent call first" in b), "")
    frames = [(m.group(1), int(m.group(2)), m.group(3)) for m in _FAULT_FRAME.finditer(current)]
    return innermost(list(reversed(frames)), prefix)  # a dump lists the most recent first


def _capture_exceptions(app: Any, box: list[BaseException]) -> None:
    """Wrap the app's command callbacks so that an exception a top-level guard turns into an
    exit code is still seen (its type and frames group the failures)."""
    for info in getattr(app, "registered_commands", []):
        callback = info.callback
        if callback is None or getattr(callback, "_fuzz_wrapped", False):
            continue

        @functools.wraps(callback)
        def wrapper(*args: Any, _callback: Callable[..., Any] = callback, **kwargs: Any) -> Any:
            try:
                return _callback(*args, **kwargs)
            except SystemExit:
                raise
            except BaseException as exc:
                if not _is_exit(exc):
                    box.append(exc)
                raise

        wrapper._fuzz_wrapped = True  # type: ignore[attr-defined]
        info.callback = wrapper


def _is_exit(exc: BaseException) -> bool:
    """typer.Exit, click's Abort and usage errors: ways out, not crashes."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    return bool(names & {"Exit", "Abort", "ClickException", "UsageError"})


def _send(fd: int, tag: str, data: dict[str, Any]) -> None:
    payload = (tag + " " + json.dumps(data, ensure_ascii=False, default=str) + "\n").encode("utf-8", "replace")
    view = memoryview(payload)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _classify(result: Any, captured: list[BaseException], outcome: dict[str, Any], prefix: str) -> None:
    exc = result.exception
    output = result.output
    code = result.exit_code
    outcome["exit_code"] = code
    bad: BaseException | None = None
    if exc is not None and not isinstance(exc, SystemExit):
        bad = exc
    elif code not in (0, 1, 2):
        bad = captured[-1] if captured else None
        if bad is None:
            outcome.update(status="traceback", exc_type=f"exit code {code}",
                           message=(output.strip().splitlines() or [""])[-1][:300])
    elif "Traceback (most recent call last)" in output:
        last = [line for line in output.strip().splitlines() if re.match(r"^\w[\w.]*(Error|Exception)\b", line)]
        outcome.update(status="traceback", exc_type="traceback in output",
                       message=(last[-1] if last else "")[:300])
        frames = re.findall(r'File "([^"]+)", line (\d+), in (\S+)', output)
        outcome["frame"] = innermost([(f, int(n), name) for f, n, name in frames], prefix)
    if bad is not None:
        tb = bad.__traceback__
        if result.exc_info is not None and bad is result.exception:
            tb = result.exc_info[2]
        outcome.update(status="memory" if isinstance(bad, MemoryError) else "traceback",
                       exc_type=type(bad).__qualname__,
                       message=(str(bad).strip().splitlines() or [""])[0][:300],
                       frame=innermost(_frames(tb), prefix),
                       traceback="".join(traceback.format_exception(type(bad), bad, tb))[-OUTPUT_KEPT:])
    if outcome.get("status", "ok") != "ok":
        outcome["output"] = output[-OUTPUT_KEPT:]


def _child(index: int, make: Callable[[int], Job], app: Any, limits: Limits, folder: Path, fd: int,
           prefix: str) -> None:
    os.setpgid(0, 0)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
        signal.signal(sig, signal.SIG_DFL)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    folder.mkdir(parents=True, exist_ok=True)
    log = open(folder / "stdio.log", "wb", buffering=0)  # noqa: SIM115 - until os._exit
    os.dup2(log.fileno(), 1)
    os.dup2(log.fileno(), 2)
    faulthandler.enable(file=log, all_threads=True)
    faulthandler.register(signal.SIGUSR1, file=log, all_threads=True)
    try:
        job = make(index)
        for name, data in job.files.items():
            (folder / name).write_bytes(data)
        meta = {"index": index, "kind": job.kind, "command": job.command, "args": job.args,
                "note": job.note, "size": job.size, "files": sorted(job.files)}
        (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
        (folder / "out").mkdir(exist_ok=True)
    except BaseException as exc:
        _send(fd, "HARNESS", {"exc_type": type(exc).__qualname__, "message": str(exc)[:300],
                              "traceback": traceback.format_exc()[-OUTPUT_KEPT:]})
        os._exit(70)
    _send(fd, "START", {**meta, "cpu0": time.process_time()})
    size = job.size
    del job
    gc.collect()

    from typer.testing import CliRunner

    captured: list[BaseException] = []
    _capture_exceptions(app, captured)
    runner = CliRunner()
    outcome: dict[str, Any] = {"status": "ok"}
    try:
        vm = _status_kb("VmSize")
        if vm and limits.address_space:
            cap = vm + limits.address_space
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        os.chdir(folder)
        exact = reset_peak()
        start_rss = _status_kb("VmRSS")
        start_file = _status_kb("RssFile")
        start, cpu = time.perf_counter(), time.process_time()
        try:
            result = runner.invoke(app, job_args(meta), catch_exceptions=True)
        finally:
            outcome["seconds"] = time.perf_counter() - start
            outcome["cpu_seconds"] = time.process_time() - cpu
            peak = _status_kb("VmHWM") if exact else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
            # Pages of mapped files (the CJK fonts, ~250 MB, mapped in the parent) are not copied
            # into a forked child: touching them counts in its RSS although they are page cache
            # shared with the parent, which the kernel can drop. Only the rest is the command's.
            mapped = max(0, _status_kb("RssFile") - start_file)
            outcome["memory"] = max(0, peak - start_rss - mapped)
        _classify(result, captured, outcome, prefix)
    except BaseException as exc:
        outcome.update(status="memory" if isinstance(exc, MemoryError) else "traceback",
                       exc_type=type(exc).__qualname__, message=str(exc)[:300],
                       frame=innermost(_frames(exc.__traceback__), prefix),
                       traceback=traceback.format_exc()[-OUTPUT_KEPT:])
    allowed = limits.memory_allowed(size)
    outcome["memory_allowed"] = allowed
    if outcome["status"] == "ok" and outcome.get("memory", 0) > allowed:
        outcome.update(status="memory", exc_type="peak RSS",
                       message=f"peak RSS +{outcome['memory'] / MB:.0f} MB > {allowed / MB:.0f} MB allowed")
    try:
        _send(fd, "DONE", outcome)
    except BaseException:
        os._exit(71)
    os._exit(0)


def job_args(meta: dict[str, Any]) -> list[str]:
    return list(meta["args"])


# --- in the parent ---------------------------------------------------------------------------


@dataclass
class _Running:
    index: int
    pid: int
    fd: int
    folder: Path
    forked: float
    started: float | None = None
    buffer: bytes = b""
    meta: dict[str, Any] | None = None
    done: dict[str, Any] | None = None
    harness: dict[str, Any] | None = None
    killed: str | None = None
    extended: float | None = None  # a later deadline while the machine is loaded

    def feed(self, data: bytes) -> None:
        self.buffer += data
        while b"\n" in self.buffer:
            line, self.buffer = self.buffer.split(b"\n", 1)
            tag, _, payload = line.decode("utf-8", "replace").partition(" ")
            try:
                data_ = json.loads(payload)
            except ValueError:
                continue
            if tag == "START":
                self.meta = data_
                self.started = time.monotonic()
            elif tag == "DONE":
                self.done = data_
            elif tag == "HARNESS":
                self.harness = data_

    def deadline(self, limits: Limits) -> float:
        if self.started is None:
            return self.forked + limits.generation_limit
        return self.extended or self.started + limits.time_limit

    def command_cpu(self) -> float:
        """CPU seconds the command has used so far (from /proc)."""
        try:
            with open(f"/proc/{self.pid}/stat", encoding="ascii") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            total = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return float("inf")
        return total - float((self.meta or {}).get("cpu0", 0.0))

    def overdue(self, limits: Limits, now: float) -> bool:
        """Past the time limit; on a loaded machine only once the command has had its CPU
        time (or hang_grace × the limit of wall-clock time)."""
        if now <= self.deadline(limits):
            return False
        if self.started is None or limits.hang_grace <= 1:
            return True
        last = self.started + limits.time_limit * limits.hang_grace
        if now >= last or self.command_cpu() >= limits.time_limit:
            return True
        self.extended = min(now + 0.5, last)
        return False


def _kill(child: _Running, reason: str) -> None:
    child.killed = reason
    try:
        os.kill(child.pid, signal.SIGUSR1)  # faulthandler: the stack into stdio.log
        time.sleep(0.3)
    except ProcessLookupError:
        pass
    try:
        os.killpg(child.pid, signal.SIGKILL)  # the child and anything it started
    except (ProcessLookupError, PermissionError):
        with contextlib.suppress(ProcessLookupError):
            os.kill(child.pid, signal.SIGKILL)


def _finish(child: _Running, status: int, rusage: Any, limits: Limits, prefix: str) -> Outcome:
    meta = child.meta or {}
    outcome = Outcome(index=child.index, kind=meta.get("kind", ""), command=meta.get("command", ""),
                      args=meta.get("args", []), note=meta.get("note", ""), size=meta.get("size", 0))
    outcome.memory_allowed = limits.memory_allowed(outcome.size)
    log = child.folder / "stdio.log"
    dump = log.read_text(encoding="utf-8", errors="replace")[-OUTPUT_KEPT:] if log.exists() else ""
    elapsed = time.monotonic() - (child.started or child.forked)
    if child.killed == "hang":
        outcome.status = "hang"
        outcome.seconds = elapsed
        outcome.exc_type = "time limit"
        if rusage is not None:
            outcome.cpu_seconds = rusage.ru_utime + rusage.ru_stime - float(meta.get("cpu0", 0.0))
        outcome.message = f"killed after {elapsed:.1f} s ({outcome.cpu_seconds:.1f} s CPU)"
        outcome.frame = frame_from_dump(dump, prefix)
        outcome.traceback = dump
    elif child.harness is not None or child.killed == "generation":
        outcome.status = "harness"
        data = child.harness or {"exc_type": "generation timeout", "message": "making the input took too long"}
        outcome.exc_type = data.get("exc_type", "")
        outcome.message = data.get("message", "")
        outcome.traceback = data.get("traceback", dump)
    elif child.done is not None:
        for key, value in child.done.items():
            if hasattr(outcome, key):
                setattr(outcome, key, value)
    else:
        outcome.status = "crash"
        outcome.seconds = elapsed
        if os.WIFSIGNALED(status):
            number = os.WTERMSIG(status)
            outcome.exc_type = signal.Signals(number).name if number in signal.Signals._value2member_map_ else f"signal {number}"
        else:
            outcome.exc_type = f"exit {os.WEXITSTATUS(status)} without a result"
        outcome.message = (dump.strip().splitlines() or [""])[0][:300]
        outcome.frame = frame_from_dump(dump, prefix)
        outcome.traceback = dump
        outcome.memory = rusage.ru_maxrss * 1024 if rusage else 0  # absolute peak, not an increase
    if outcome.failed and dump and outcome.status not in ("hang", "crash"):
        outcome.output = (outcome.output + "\n--- stdio.log ---\n" + dump)[-OUTPUT_KEPT:] if dump.strip() else outcome.output
    return outcome


def _juesuan_prefix() -> str:
    try:
        import juesuan
    except ImportError:
        return ""
    return os.path.dirname(os.path.abspath(juesuan.__file__)) + os.sep


def run(make: Callable[[int], Job], indices: Iterable[int], *, app: Any, workdir: Path, jobs: int = 2,
        limits: Limits | None = None, on_outcome: Callable[[Outcome, Path], None] | None = None,
        prefix: str | None = None) -> Iterator[Outcome]:
    """Each input in a child; yields the outcomes as the children finish (``on_outcome`` is
    called first, with the input's folder, before the folder is removed)."""
    limits = limits or Limits()
    prefix = _juesuan_prefix() if prefix is None else prefix
    workdir.mkdir(parents=True, exist_ok=True)
    pending = iter(indices)
    running: dict[int, _Running] = {}
    exhausted = False
    gc.collect()
    gc.freeze()  # the children do not touch the parent's objects' pages through the GC
    try:
        while running or not exhausted:
            while not exhausted and len(running) < max(1, jobs):
                try:
                    index = next(pending)
                except StopIteration:
                    exhausted = True
                    break
                read_fd, write_fd = os.pipe()
                folder = workdir / f"{index:07d}"
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:  # pragma: no cover - the child
                    try:
                        os.close(read_fd)
                        for other in running.values():
                            os.close(other.fd)
                        _child(index, make, app, limits, folder, write_fd, prefix)
                    finally:
                        os._exit(72)
                os.close(write_fd)
                running[read_fd] = _Running(index, pid, read_fd, folder, time.monotonic())
            if not running:
                break
            now = time.monotonic()
            timeout = max(0.0, min(c.deadline(limits) for c in running.values()) - now)
            ready, _, _ = select.select(list(running), [], [], min(timeout, 1.0))
            for fd in ready:
                child = running[fd]
                data = os.read(fd, 1 << 16)
                if data:
                    child.feed(data)
                    continue
                os.close(fd)
                del running[fd]
                _, status, rusage = os.wait4(child.pid, 0)
                outcome = _finish(child, status, rusage, limits, prefix)
                if on_outcome is not None:
                    on_outcome(outcome, child.folder)
                shutil.rmtree(child.folder, ignore_errors=True)
                yield outcome
            now = time.monotonic()
            for child in list(running.values()):
                if child.killed is None and child.overdue(limits, now):
                    _kill(child, "hang" if child.started is not None else "generation")
    finally:
        for child in running.values():  # interrupted: no orphans
            _kill(child, "interrupted")
            with contextlib.suppress(ChildProcessError):
                os.waitpid(child.pid, 0)
            os.close(child.fd)
            shutil.rmtree(child.folder, ignore_errors=True)
        gc.unfreeze()
