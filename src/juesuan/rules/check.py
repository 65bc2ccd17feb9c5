"""Run every registered rule on a filing and on its tables."""

from __future__ import annotations

from juesuan.filing.model import Filing
from juesuan.money import AmountUnit
from juesuan.rules import filing as _filing_rules  # noqa: F401  (registers the rules)
from juesuan.rules import tables as _table_rules  # noqa: F401  (registers the rules)
from juesuan.rules.finding import Finding, Severity, sort_findings
from juesuan.rules.registry import run
from juesuan.tables.build import build_tables
from juesuan.tables.table import TableSet


def check_tables(tables: TableSet) -> list[Finding]:
    """勾稽关系 of a set of tables (built from a filing or read from a report)."""
    return run("tables", tables)


def check_filing(filing: Filing, tables: TableSet | None = None) -> list[Finding]:
    """Every finding on a filing: its own rules, then the rules on its nine tables.

    The tables are checked as computed (exact) and as printed (rounded to 0.01 万元):
    the printed pass adds, as info, the 尾差 a reader of the published tables will see.
    """
    tables = tables if tables is not None else build_tables(filing)
    findings = run("filing", filing, unit=filing.unit.value)
    exact = check_tables(tables)
    findings += exact
    if filing.unit is AmountUnit.YUAN:
        seen = {(f.rule, f.location) for f in exact}
        findings += [
            f for f in check_tables(tables.rounded(2))
            if f.severity is Severity.INFO and (f.rule, f.location) not in seen
        ]
    return sort_findings(findings)
