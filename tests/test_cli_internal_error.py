"""A bug in juesuan never shows the user a traceback: one Chinese line and exit code 3.

The guard lives in the command classes, so it works the same in-process (CliRunner,
the fuzz harness) as from the shell; ``--debug`` shows the traceback; Ctrl+C exits
130 quietly; a bug while processing one filing or report of a batch becomes that
file's outcome and the others are still processed.
"""

from __future__ import annotations

import multiprocessing
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

import juesuan.assess
import juesuan.audit.batch
import juesuan.publish
from juesuan.cli import EXIT_INTERNAL, GuardedCommand, app
from juesuan.document.build import build_document

ROOT = Path(__file__).resolve().parent.parent
SHANGHAI = ROOT / "examples" / "shanghai-putuo-czj-2024.yaml"
SUIZHOU = ROOT / "examples" / "suizhou-zwfw-2020.yaml"
runner = CliRunner()


def boom(*_: Any, **__: Any) -> Any:
    raise ValueError("secret detail of the bug")


def interrupt(*_: Any, **__: Any) -> Any:
    raise KeyboardInterrupt


def test_every_command_is_guarded() -> None:
    group = typer.main.get_command(app)
    commands = group.commands  # type: ignore[attr-defined]
    assert commands and all(isinstance(c, GuardedCommand) for c in commands.values())


def test_an_unexpected_exception_is_one_chinese_line_and_exit_3(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(juesuan.assess, "check_filing", boom)
    result = runner.invoke(app, ["check", str(SHANGHAI)])
    assert result.exit_code == EXIT_INTERNAL == 3
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output and "secret detail" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith(f"juesuan 内部错误（check {SHANGHAI}）：ValueError。")
    assert "报告给 juesuan 开发者" in line and "--debug" in line


def test_debug_shows_the_traceback_and_still_exits_3(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(juesuan.assess, "check_filing", boom)
    result = runner.invoke(app, ["--debug", "check", str(SHANGHAI)])
    assert result.exit_code == EXIT_INTERNAL
    assert "Traceback" in result.stderr and "secret detail of the bug" in result.stderr
    assert "juesuan 内部错误" in result.stderr


def test_a_command_without_files_names_only_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    import juesuan.filing.schema

    monkeypatch.setattr(juesuan.filing.schema, "filing_schema", boom)
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == EXIT_INTERNAL
    assert "juesuan 内部错误（schema）：ValueError。" in result.stderr
    assert "Traceback" not in result.output


def test_ctrl_c_exits_130_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(juesuan.assess, "check_filing", interrupt)
    result = runner.invoke(app, ["check", str(SHANGHAI)])
    assert result.exit_code == 130
    assert "Traceback" not in result.output and "内部错误" not in result.output


def test_ordinary_exit_codes_pass_through() -> None:
    assert runner.invoke(app, ["check", str(SHANGHAI)]).exit_code == 0
    assert runner.invoke(app, ["check", str(ROOT / "nope.yaml")]).exit_code == 2
    assert runner.invoke(app, ["check", "--format", "xml", str(SHANGHAI)]).exit_code == 2  # usage


def test_exit_code_3_is_documented() -> None:
    import juesuan.cli

    assert juesuan.cli.__doc__ is not None and "3" in juesuan.cli.__doc__
    for name in ("check", "score", "report", "audit"):
        result = runner.invoke(app, [name, "--help"])
        assert "3 内部错误" in result.output, name
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "3 内部错误" in readme


def test_as_a_process_no_traceback(tmp_path: Path) -> None:
    # No input is known to crash juesuan, so the bug is planted by a wrapper script that
    # patches the core before it runs the real entry point.
    script = tmp_path / "run.py"
    script.write_text(
        "import sys\n"
        "import juesuan.rules.check as c\n"
        "def boom(*a, **k):\n    raise RuntimeError('x')\n"
        "c.check_filing = boom\n"
        "from juesuan.cli import main\n"
        "sys.argv = ['juesuan', 'check', sys.argv[1]]\n"
        "main()\n",
        encoding="utf-8",
    )
    done = subprocess.run([sys.executable, str(script), str(SHANGHAI)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == EXIT_INTERNAL
    assert "Traceback" not in done.stderr
    assert "juesuan 内部错误（check" in done.stderr and "RuntimeError" in done.stderr


# ---------------------------------------------------------------- batches


def failing_for(name: str) -> Any:
    def build(filing: Any, *args: Any, **kwargs: Any) -> Any:
        if name in filing.department.name:
            raise ValueError("bug")
        return build_document(filing, *args, **kwargs)

    return build


def folder_of_two(tmp_path: Path) -> Path:
    folder = tmp_path / "filings"
    folder.mkdir()
    shutil.copy(SHANGHAI, folder / "a.yaml")
    shutil.copy(SUIZHOU, folder / "b.yaml")
    return folder


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_report_a_bug_in_one_filing_is_its_outcome(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    if jobs != "1" and multiprocessing.get_start_method() != "fork":
        pytest.skip("the patched function reaches the workers only when they are forked")
    monkeypatch.setattr(juesuan.publish, "build_document", failing_for("普陀"))
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", str(folder_of_two(tmp_path)), "-o", str(out), "-f", "json",
                                 "-j", jobs])
    assert result.exit_code == EXIT_INTERNAL, result.output
    assert "Traceback" not in result.output
    assert sorted(p.name for p in out.iterdir()) == ["b.json"]  # the other filing is still written
    assert "内部错误" in result.output and "a.yaml" in result.output


def test_report_internal_error_wins_over_unreadable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = folder_of_two(tmp_path)
    (folder / "c.yaml").write_text("year: [\n", encoding="utf-8")
    monkeypatch.setattr(juesuan.publish, "build_document", failing_for("普陀"))
    result = runner.invoke(app, ["report", str(folder), "-o", str(tmp_path / "out"), "-f", "json", "-j", "1"])
    assert result.exit_code == EXIT_INTERNAL, result.output


def test_report_debug_shows_the_workers_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(juesuan.publish, "build_document", failing_for("普陀"))
    result = runner.invoke(app, ["--debug", "report", str(SHANGHAI), "-o", str(tmp_path / "out"), "-f", "json"])
    assert result.exit_code == EXIT_INTERNAL
    assert "Traceback" in result.output and "ValueError: bug" in result.output


def test_publish_many_never_raises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(juesuan.publish, "build_document", failing_for("普陀"))
    outcomes = juesuan.publish.publish_many([SHANGHAI, SUIZHOU], tmp_path, ("json",), None, None, False,
                                            workers=1)
    assert [bool(o.internal) for o in outcomes] == [True, False]
    assert outcomes[0].internal is not None and "内部错误" in outcomes[0].internal
    assert outcomes[1].written


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_audit_a_bug_in_one_report_is_its_outcome(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    if jobs != "1" and multiprocessing.get_start_method() != "fork":
        pytest.skip("the patched function reaches the workers only when they are forked")
    original = juesuan.audit.batch.audit

    def audit(source: Any, *args: Any, **kwargs: Any) -> Any:
        if source.path.endswith("a.txt"):
            raise ValueError("bug")
        return original(source, *args, **kwargs)

    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.txt").write_text("某某局2024年度部门决算\n", encoding="utf-8")
    (folder / "b.txt").write_text("某某局2024年度部门决算\n", encoding="utf-8")
    monkeypatch.setattr(juesuan.audit.batch, "audit", audit)
    result = runner.invoke(app, ["audit", str(folder), "-j", jobs])
    assert result.exit_code == EXIT_INTERNAL, result.output
    assert "Traceback" not in result.output
    assert "内部错误" in result.output and "b.txt" in result.output
    outcomes = juesuan.audit.batch.audit_many([folder], workers=1)
    assert [o.internal for o in outcomes] == [True, False]
