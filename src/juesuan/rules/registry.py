"""Rules: every check has a stable id, a severity, the subject it checks and a Chinese
description.

:func:`rule` turns a function into a :class:`Rule`. Each module that defines rules lists
them in its ``RULES`` tuple, and whoever runs rules passes that tuple to :func:`run`:
nothing is registered by importing a module. A rule receives its subject and a
:class:`Report` to which it adds findings; the report decides whether a difference is an
error or only rounding (info). :mod:`juesuan.catalogue` gathers every module's list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from juesuan.money import round_half_up
from juesuan.rules.finding import Finding, Location, Severity
from juesuan.tables.amounts import Amt

Scope = Literal["tables", "filing", "performance", "narrative", "claims", "audit",
                "consolidation"]


@dataclass(frozen=True)
class Rule:
    id: str
    title: str  # short Chinese name
    severity: Severity  # severity of a violation that rounding does not explain
    scope: Scope  # the subject checked: tables, filing, performance, narrative, claims, audit,
    # consolidation (a parent and its children in a 汇总)
    description: str  # Chinese: what is checked and why
    reference: str  # where the rule comes from (domain reference id, template, law)
    check: Callable[[Any, Report], None]

    def __call__(self, subject: Any, report: Report) -> None:
        self.check(subject, report)


def rule(
    id: str, title: str, *, severity: Severity, scope: Scope, description: str, reference: str
) -> Callable[[Callable[[Any, Report], None]], Rule]:
    def make(func: Callable[[Any, Report], None]) -> Rule:
        return Rule(id, title, severity, scope, description, reference, func)

    return make


def show(value: Decimal) -> str:
    """A figure for messages: two decimals, or more when two would hide a difference."""
    rounded = round_half_up(value, 2)
    if rounded == value:
        return f"{rounded:.2f}"
    return format(value.normalize(), "f")


@dataclass
class Report:
    """Collects the findings of one rule."""

    rule: Rule
    findings: list[Finding] = field(default_factory=list)
    unit: str = "万元"

    def fail(
        self,
        message: str,
        location: Location,
        *,
        expected: str | None = None,
        found: str | None = None,
        severity: Severity | None = None,
        tolerance: Decimal | None = None,
    ) -> None:
        """Add a finding; ``tolerance`` is how far ``found`` may lie from ``expected`` by
        rounding alone, when the rule compared them within one."""
        self.findings.append(
            Finding(self.rule.id, severity or self.rule.severity, message, location, expected,
                    found, None if tolerance is None else show(tolerance))
        )

    def equal(self, expected: Amt, found: Amt, location: Location, what: str) -> bool:
        """Report unless ``found`` equals ``expected`` within their rounding errors.

        ``what`` says what should be equal, e.g. "本年收入合计应等于各项收入之和".
        Returns True when the figures agree exactly.
        """
        diff = found.value - expected.value
        if diff == 0:
            return True
        unit = self.unit
        detail = f"应为 {show(expected.value)}{unit}，实为 {show(found.value)}{unit}，差额 {show(diff)}{unit}"
        allowed = expected.error + found.error
        if abs(diff) <= allowed:
            self.fail(
                f"{what}：{detail}，在四舍五入误差范围内（允许 ±{show(allowed)}）",
                location,
                expected=show(expected.value),
                found=show(found.value),
                severity=Severity.INFO,
                tolerance=allowed,
            )
        else:
            self.fail(f"{what}：{detail}", location, expected=show(expected.value),
                      found=show(found.value), tolerance=allowed)
        return False

    def at_most(self, limit: Amt, found: Amt, location: Location, what: str) -> None:
        """Report when ``found`` exceeds ``limit`` beyond their rounding errors."""
        excess = found.value - limit.value
        if excess <= 0:
            return
        unit = self.unit
        detail = f"上限 {show(limit.value)}{unit}，实为 {show(found.value)}{unit}"
        allowed = limit.error + found.error
        if excess <= allowed:
            self.fail(f"{what}：{detail}，超出部分在四舍五入误差范围内", location,
                      expected=f"≤ {show(limit.value)}", found=show(found.value),
                      severity=Severity.INFO, tolerance=allowed)
        else:
            self.fail(f"{what}：{detail}", location, expected=f"≤ {show(limit.value)}",
                      found=show(found.value), tolerance=allowed)


class NotEvaluated(Exception):
    """Raised by a rule that cannot be judged: a row or column it needs is not there. The
    rule is then "not evaluated", never passed on a missing figure read as zero."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Outcome:
    """What one rule concluded: passed, failed, or not evaluated (and why)."""

    rule: str
    result: Literal["passed", "failed", "not_evaluated"]
    reason: str | None = None


def run_outcomes(rules: Iterable[Rule], subject: object, *,
                 unit: str = "万元") -> tuple[list[Finding], list[Outcome]]:
    """The findings of ``rules`` on ``subject``, and each rule's outcome. A rule that raised
    :class:`NotEvaluated` keeps the findings it made before (about what it could read)."""
    findings: list[Finding] = []
    outcomes: list[Outcome] = []
    for checked in rules:
        report = Report(checked, unit=unit)
        try:
            checked.check(subject, report)
        except NotEvaluated as missing:
            outcomes.append(Outcome(checked.id, "not_evaluated", missing.reason))
        else:
            failed = any(f.severity is not Severity.INFO for f in report.findings)
            outcomes.append(Outcome(checked.id, "failed" if failed else "passed"))
        findings.extend(report.findings)
    return findings, outcomes


def run(rules: Iterable[Rule], subject: object, *, unit: str = "万元") -> list[Finding]:
    """The findings of ``rules`` (one module's ``RULES``) on ``subject``."""
    return run_outcomes(rules, subject, unit=unit)[0]
