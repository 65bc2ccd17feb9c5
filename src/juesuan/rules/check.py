"""Check a filing and its tables: the rules of :mod:`juesuan.rules.filing` and
:mod:`juesuan.rules.tables`. Every check of a filing (performance and narrative included)
is :func:`juesuan.assess.check_all`."""

from __future__ import annotations

from juesuan.filing.model import Filing
from juesuan.money import in_core_context
from juesuan.rules import filing as filing_rules
from juesuan.rules import tables as table_rules
from juesuan.rules.finding import Finding, sort_findings
from juesuan.rules.registry import Outcome, run, run_outcomes
from juesuan.tables.build import build_tables
from juesuan.tables.table import TableSet


@in_core_context
def evaluate_tables(tables: TableSet) -> tuple[list[Finding], list[Outcome]]:
    """勾稽关系 of a set of tables, and each rule's outcome (passed, failed, or not evaluated
    because a row or column it needs is not there)."""
    return run_outcomes(table_rules.RULES, tables)


def check_tables(tables: TableSet) -> list[Finding]:
    """勾稽关系 of a set of tables (built from a filing or read from a report)."""
    return evaluate_tables(tables)[0]


@in_core_context
def check_filing(filing: Filing, tables: TableSet | None = None) -> list[Finding]:
    """Every finding on a filing: its own rules, then the rules on its tables."""
    tables = tables if tables is not None else build_tables(filing)
    findings = run(filing_rules.RULES, filing, unit=filing.unit.value)
    findings += check_tables(tables)
    return sort_findings(findings)
