"""The fuzz harness (benchmarks/fuzz.py): a short real run, and the harness itself.

``test_short_fuzz_run`` is the CI budget: a fixed seed, every input kind and command,
run as ``benchmarks/fuzz.py`` in a subprocess; any traceback, hang, memory failure or
crash fails it, with the grouped failures and the reproducers' folder in the message.

The other tests check the harness on a fake command line: an exception, the top-level
guard's exit code 3, a sleeping command, an allocating one, a crashing one and a clean
one must each be classified as such, grouped by cause, and saved as reproducers; and an
input must be the same every time it is made.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import typer

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

from fuzzing.kinds import Job, make_job  # noqa: E402
from fuzzing.runner import MB, Limits, Outcome, run  # noqa: E402
from fuzzing.summary import Summary, save_reproducer  # noqa: E402
from fuzzing.values import draw  # noqa: E402

# The CI budget: inputs of every kind through every command, on two workers.
CI_COUNT = 300
CI_SEED = 20240601
CI_TIMEOUT = 900  # seconds for the whole run: a guard, the run takes about a minute


def test_short_fuzz_run(tmp_path: Path) -> None:
    out = tmp_path / "fuzz"
    command = [sys.executable, str(BENCHMARKS / "fuzz.py"), "--count", str(CI_COUNT), "--seed", str(CI_SEED),
               "-j", "2", "--out", str(out), "--quiet"]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=CI_TIMEOUT, cwd=ROOT)
    elapsed = time.perf_counter() - started
    report = f"{done.stdout}\n{done.stderr[-5000:]}\n({elapsed:.0f} s)"
    assert done.returncode == 0, report
    assert f"{CI_COUNT} inputs in" in done.stdout, report
    assert "no failures" in done.stdout, report


# --- the harness on a fake command line ---------------------------------------------------------

fake = typer.Typer(add_completion=False)


@fake.command()
def ok(path: Path) -> None:
    path.read_bytes()


@fake.command()
def boom(path: Path) -> None:
    raise ZeroDivisionError(f"{path} divided")


@fake.command()
def guarded(path: Path) -> None:
    """What juesuan's top-level guard does: an exception becomes one line and exit code 3."""
    try:
        raise KeyError("inner")
    except KeyError:
        print("juesuan 内部错误：KeyError")
        raise typer.Exit(3) from None


@fake.command()
def nap(path: Path) -> None:
    time.sleep(60)


@fake.command()
def hog(path: Path) -> None:
    data = b"x" * (120 * MB)  # written, so resident
    assert len(data) > 0


@fake.command()
def runaway(path: Path) -> None:
    data = b"x" * (4096 * MB)  # over the address-space cap: a MemoryError at once
    assert data


@fake.command()
def segfault(path: Path) -> None:
    os.kill(os.getpid(), signal.SIGSEGV)


@fake.command()
def unreadable(path: Path) -> None:
    print(f"无法读取 {path}")
    raise typer.Exit(2)


LIMITS = Limits(time_limit=5.0, hang_grace=1.0, memory_factor=50, memory_base=40 * MB,
                address_space=1024 * MB, generation_limit=20.0)


def run_fake(commands: list[str], tmp_path: Path) -> dict[int, Outcome]:
    def make(index: int) -> Job:
        command = commands[index]
        return Job(index, "fake", command, [command, "input.txt"], {"input.txt": b"x" * 100}, note=command)

    summary = Summary()
    out = tmp_path / "out"

    def keep(outcome: Outcome, folder: Path) -> None:
        if outcome.failed:
            outcome.saved = str(save_reproducer(outcome, folder, out, seed=0))

    outcomes = {}
    for outcome in run(make, range(len(commands)), app=fake, workdir=tmp_path / "work", jobs=2,
                       limits=LIMITS, on_outcome=keep, prefix=str(Path(__file__).parent) + os.sep):
        summary.add(outcome)
        outcomes[outcome.index] = outcome
    outcomes[-1] = summary  # type: ignore[assignment]
    return outcomes


def test_each_failure_class_is_recognised(tmp_path: Path) -> None:
    commands = ["ok", "boom", "guarded", "nap", "hog", "runaway", "segfault", "unreadable", "boom", "boom"]
    outcomes = run_fake(commands, tmp_path)
    status = {i: outcomes[i].status for i in range(len(commands))}
    assert status == {0: "ok", 1: "traceback", 2: "traceback", 3: "hang", 4: "memory", 5: "memory",
                      6: "crash", 7: "ok", 8: "traceback", 9: "traceback"}, {
        i: (o.status, o.exc_type, o.message) for i, o in outcomes.items() if isinstance(o, Outcome)}

    boom_ = outcomes[1]
    assert boom_.exc_type == "ZeroDivisionError" and "divided" in boom_.message
    assert boom_.frame.endswith("in boom") and "test_fuzz_harness.py" in boom_.frame
    assert "Traceback" in boom_.traceback
    assert outcomes[2].exc_type == "exit code 3" and "内部错误" in outcomes[2].message
    assert outcomes[3].exc_type == "time limit" and outcomes[3].frame.endswith("in nap")
    assert 5.0 <= outcomes[3].seconds < 20
    assert outcomes[4].exc_type == "peak RSS" and outcomes[4].memory > 100 * MB
    assert outcomes[5].exc_type == "MemoryError"
    assert outcomes[6].exc_type == "SIGSEGV" and outcomes[6].frame.endswith("in segfault")
    assert outcomes[7].exit_code == 2
    assert outcomes[0].memory < 40 * MB and outcomes[0].seconds < 5

    summary: Summary = outcomes[-1]  # type: ignore[assignment]
    assert summary.total == len(commands) and summary.failed == 8
    [group] = [g for g in summary.groups.values() if g.exc_type == "ZeroDivisionError"]
    assert group.count == 3  # three inputs, one cause
    assert len(summary.groups) == 6
    assert "ZeroDivisionError" in summary.distinct() and "total" in summary.table(1.0)

    saved = Path(boom_.saved)
    assert (saved / "input.txt").read_bytes() == b"x" * 100
    assert "boom input.txt" in (saved / "repro.sh").read_text(encoding="utf-8")
    assert "ZeroDivisionError" in (saved / "error.txt").read_text(encoding="utf-8")
    assert not any((tmp_path / "work").iterdir())  # every input's folder removed


def test_exception_behind_the_real_guard_is_grouped_by_its_frame(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """juesuan's guard turns the exception into exit code 3; the harness still sees it."""
    from juesuan import assess, cli

    def broken(*args: object, **kwargs: object) -> None:
        raise OverflowError("planted")

    monkeypatch.setattr(assess, "check_all", broken)  # what juesuan check calls
    example = (ROOT / "examples" / "suizhou-zwfw-2020.yaml").read_bytes()

    def make(index: int) -> Job:
        return Job(index, "yaml", "check", ["check", "filing.yaml"], {"filing.yaml": example})

    [outcome] = run(make, [0], app=cli.app, workdir=tmp_path / "work", limits=Limits(time_limit=60))
    assert outcome.status == "traceback", outcome
    assert outcome.exit_code not in (0, 1, 2)
    assert outcome.exc_type == "OverflowError" and outcome.message == "planted"
    assert outcome.frame.startswith("juesuan/cli.py:"), outcome.frame


def test_draw_is_deterministic() -> None:
    from hypothesis import strategies as st

    strategy = st.lists(st.tuples(st.integers(), st.text(max_size=5)), max_size=10)
    first = [draw(strategy, random.Random(f"7:{i}")) for i in range(20)]
    again = [draw(strategy, random.Random(f"7:{i}")) for i in range(20)]
    assert first == again
    assert len({repr(x) for x in first}) > 10


def test_inputs_are_the_same_every_time() -> None:
    from fuzzing import corpus
    from fuzzing.kinds import prepare

    kinds = ["yaml", "json", "scheme", "text"]
    made = corpus.build(set(kinds), warm=False)
    prepare(made, set(kinds))
    commands = ["check", "tables", "score", "report", "audit", "import"]
    first = [make_job(i, 3, made, kinds, commands) for i in range(40)]
    again = [make_job(i, 3, made, kinds, commands) for i in range(40)]
    assert [(j.kind, j.args, j.files) for j in first] == [(j.kind, j.args, j.files) for j in again]
    assert {j.kind for j in first} == set(kinds)
    assert len({next(iter(j.files.values())) for j in first}) == 40


def test_a_zip_input_counts_its_unzipped_size() -> None:
    """A DOCX or XLSX is bounded by its size unzipped, and so is the memory it may take."""
    import io
    import zipfile

    from fuzzing.kinds import unzipped_size

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:p/>" * 200_000)
    data = buffer.getvalue()
    assert len(data) < 50_000
    assert unzipped_size(data) == 1_200_000
    assert unzipped_size(b"PK\x03\x04 broken") == len(b"PK\x03\x04 broken")
    assert unzipped_size(b"plain text") == 10
