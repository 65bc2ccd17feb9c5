"""Audit report files: one at a time or a folder of them in parallel processes.

Reading goes through :func:`juesuan.audit.readers.read_report` (every supported
format); where that module is not installed only plain text can be read. A file that
cannot be read becomes an outcome with an error message, never an exception.
"""

from __future__ import annotations

import importlib
import traceback
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from juesuan.audit.check import audit
from juesuan.audit.source import SourceDocument, from_text
from juesuan.parallel import run_each
from juesuan.rules.finding import Finding, Severity

if TYPE_CHECKING:
    from juesuan.performance.scheme import Scheme

REPORT_SUFFIXES = (".txt", ".html", ".htm", ".pdf", ".docx", ".doc")


class UnreadableReport(Exception):
    """A report that cannot be read; the message is Chinese and names the file."""


def read_source(path: Path) -> SourceDocument:
    """The report as a SourceDocument, by the readers module when there is one."""
    try:
        readers = importlib.import_module("juesuan.audit.readers")
    except ImportError:
        readers = None
    read_report = getattr(readers, "read_report", None)
    if read_report is not None:
        try:
            source: SourceDocument = read_report(path)
        except Exception as exc:  # the readers' own error, or a library's on a damaged file
            raise UnreadableReport(str(exc)) from exc
        return source
    if path.suffix.lower() != ".txt":
        raise UnreadableReport(f"{path}：暂不能读取 {path.suffix} 文件（读取模块不可用），只能读取 .txt")
    try:
        return from_text(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise UnreadableReport(f"{path}：无法读取（{exc}）") from exc


@dataclass
class AuditOutcome:
    """One report's audit, in a form that crosses process boundaries."""

    file: str
    department: str | None = None
    year: int | None = None
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None  # why the file could not be read, or the internal error's message
    internal: bool = False  # ``error`` is a bug in juesuan met on this file, not the file's fault
    traceback: str | None = None  # the bug's traceback, shown with --debug

    @property
    def summary(self) -> dict[str, int]:
        return {s.value: sum(1 for f in self.findings if f.severity is s) for s in Severity}

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "file": self.file,
            "department": self.department,
            "year": self.year,
            "summary": self.summary,
            "findings": [f.to_data() for f in self.findings],
        }
        if self.error is not None:
            data["error"] = self.error
        if self.internal:
            data["internal"] = True
        return data


INTERNAL_ERROR = ("内部错误：{name}。这不是您的文件的问题：请将此文件报告给 juesuan 开发者"
                  "（加 --debug 可查看详细信息）")


def internal_outcome(path: str, exc: BaseException) -> AuditOutcome:
    return AuditOutcome(path, error=INTERNAL_ERROR.format(name=type(exc).__name__), internal=True,
                        traceback="".join(traceback.format_exception(exc)))


def audit_file(path: str, schemes: Mapping[str, Scheme] | None = None) -> AuditOutcome:
    """Read and audit one report (its 自评表 scored under ``schemes``, see
    :func:`~juesuan.audit.check.audit`). Never raises: a bug becomes the outcome's error
    (marked ``internal``), so that the other reports of a folder are still audited."""
    try:
        source = read_source(Path(path))
    except UnreadableReport as exc:
        return AuditOutcome(path, error=str(exc))
    except Exception as exc:
        return internal_outcome(path, exc)
    try:
        result = audit(source, schemes=schemes)
    except Exception as exc:
        return internal_outcome(path, exc)
    return AuditOutcome(path, result.department, result.year, list(result.findings))


def reports_in(paths: list[Path]) -> Iterator[Path]:
    """The files named, and every report file (*.txt *.html *.htm *.pdf *.docx *.doc) in folders."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*")
                              if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES)
        else:
            yield path


def audit_many(paths: list[Path], *, workers: int,
               progress: Callable[[AuditOutcome], None] | None = None,
               schemes: Mapping[str, Scheme] | None = None) -> list[AuditOutcome]:
    """Every report in parallel processes (in this process for one report or one worker),
    its 自评表 scored under ``schemes``."""
    jobs = [str(p) for p in reports_in(paths)]
    return run_each(jobs, audit_file, (schemes,), workers=workers, crashed=internal_outcome,
                    progress=progress)


