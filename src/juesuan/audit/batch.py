"""Audit report files: one at a time or a folder of them in parallel processes.

Reading goes through :func:`juesuan.audit.readers.read_report` (every supported
format); where that module is not installed only plain text can be read. A file that
cannot be read becomes an outcome with an error message, never an exception.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from juesuan.audit.check import audit, finding_data
from juesuan.audit.source import SourceDocument, from_text
from juesuan.rules.finding import Finding, Severity

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
    error: str | None = None  # why the file could not be read

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
            "findings": [finding_data(f) for f in self.findings],
        }
        if self.error is not None:
            data["error"] = self.error
        return data


def audit_file(path: str) -> AuditOutcome:
    """Read and audit one report. Never raises for bad input."""
    try:
        source = read_source(Path(path))
    except UnreadableReport as exc:
        return AuditOutcome(path, error=str(exc))
    result = audit(source)
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
               progress: Callable[[AuditOutcome], None] | None = None) -> list[AuditOutcome]:
    """Every report in parallel processes (in this process for one report or one worker)."""
    jobs = [str(p) for p in reports_in(paths)]
    if len(jobs) <= 1 or workers <= 1:
        results = []
        for job in jobs:
            outcome = audit_file(job)
            results.append(outcome)
            if progress:
                progress(outcome)
        return results
    outcomes: dict[str, AuditOutcome] = {}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(audit_file, job): job for job in jobs}
        for future in as_completed(futures):
            outcome = future.result()
            outcomes[futures[future]] = outcome
            if progress:
                progress(outcome)
    return [outcomes[job] for job in jobs]
