"""Findings: what a check reports. One type for checks of filings and audits of reports."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from typing import Any

from juesuan.limits import MAX_QUOTE_CHARS


class Severity(StrEnum):
    ERROR = "error"  # the figures are wrong
    WARNING = "warning"  # probably wrong, or incomplete; a person should look
    INFO = "info"  # worth knowing, e.g. a difference rounding explains

    @property
    def label(self) -> str:
        return {"error": "错误", "warning": "警告", "info": "提示"}[self.value]

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True)
class Location:
    """Where a finding is: a table cell, or a field of a file."""

    table: int | None = None  # 1–9 for the public tables
    row: str | None = None  # row code, or row key such as income_total
    # The row as printed (公用经费合计): for people, not part of the location's identity.
    row_name: str | None = field(default=None, compare=False)
    column: str | None = None  # column key, or the leaf label
    file: str | None = None
    path: str | None = None  # field path in the filing, e.g. expenditure[3].basic
    line: int | None = None
    page: int | None = None  # page of a published report (PDF), 1-based
    section: str | None = None  # heading(s) of the report text the finding stands under
    # The sentence as printed: for people, not part of the location's identity. At most
    # MAX_QUOTE_CHARS (cut at the end when whoever quotes did not centre it on the figure).
    quote: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.quote is not None and len(self.quote) > MAX_QUOTE_CHARS:
            object.__setattr__(self, "quote", excerpt(self.quote))

    def describe(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file + (f":{self.line}" if self.line else ""))
        elif self.line:
            parts.append(f"第{self.line}行")
        if self.page is not None:
            parts.append(f"第{self.page}页")
        if self.section:
            parts.append(f"“{self.section}”")
        if self.path:
            parts.append(self.path)
        if self.table is not None:
            parts.append(f"表{self.table}")
        if self.row_name and self.row_name != self.row:
            parts.append(f"“{self.row_name}”" + (f"（{self.row}）" if self.row and self.row.isdigit() else ""))
        elif self.row:
            parts.append(f"行 {self.row}")
        if self.column:
            parts.append(f"列 {self.column}")
        return " ".join(parts)


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    location: Location
    expected: str | None = None
    found: str | None = None
    # How far ``found`` may lie from ``expected`` by rounding alone (a decimal string in their
    # unit), when the rule compared them within a tolerance; the message says it too.
    tolerance: str | None = None

    def to_data(self) -> dict[str, Any]:
        """The JSON of a finding — the one shape of ``juesuan check``, ``score``, ``audit``,
        the document's JSON and the web API (docs/findings.md): every key of
        :data:`FINDING_KEYS` and, in ``location``, of :data:`LOCATION_KEYS`, ``null`` where
        it does not apply."""
        loc = self.location
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "location": {key: getattr(loc, key) for key in LOCATION_KEYS},
            "expected": self.expected,
            "found": self.found,
            "tolerance": self.tolerance,
        }

    def at_file(self, file: str, line: int | None) -> Finding:
        return replace(self, location=replace(self.location, file=file, line=line))


# The keys of a finding's JSON (Finding.to_data, docs/findings.md), always all present.
FINDING_KEYS = ("rule", "severity", "message", "location", "expected", "found", "tolerance")
LOCATION_KEYS = tuple(f.name for f in fields(Location))


def excerpt(text: str, start: int = 0, end: int | None = None, *,
            focus: tuple[int, int] | None = None, limit: int = MAX_QUOTE_CHARS) -> str:
    """``text[start:end]``, stripped, or when longer than ``limit`` a window of it around
    ``focus`` (positions in ``text``; the start when None) with "…" where it is cut.

    Only the window is copied, so quoting a figure of a long line costs the window, not the
    line: the quotes of every figure of a sentence together stay linear in its length."""
    end = len(text) if end is None else min(end, len(text))
    start = max(0, min(start, end))
    if end - start <= limit:
        return text[start:end].strip()
    lo, hi = focus if focus is not None else (start, start)
    lo, hi = max(start, min(lo, end)), max(start, min(max(hi, lo), end))
    room = limit - 2  # for the two "…"
    if hi - lo >= room:  # the figure alone fills the window
        hi = lo + room
    else:
        lo = max(start, lo - (room - (hi - lo)) // 2)
        hi = min(end, lo + room)
        lo = max(start, hi - room)
    if lo == start:  # cut at one end only: one "…", one more character
        hi += 1
    elif hi == end:
        lo -= 1
    return ("…" if lo > start else "") + text[lo:hi].strip() + ("…" if hi < end else "")


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first, then by rule id, stable otherwise."""
    return sorted(findings, key=lambda f: (f.severity.rank, f.rule))


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)
