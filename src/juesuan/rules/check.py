"""Run every registered rule on a filing and on its tables."""

from __future__ import annotations

from juesuan.filing.model import Filing
from juesuan.money import in_core_context
from juesuan.performance.scheme import Scheme
from juesuan.performance.scoring import PerformanceResult, score_performance
from juesuan.rules import audit as _audit_rules  # noqa: F401  (registers the rules)
from juesuan.rules import claims as _claims_rules  # noqa: F401  (registers the rules)
from juesuan.rules import filing as _filing_rules  # noqa: F401  (registers the rules)
from juesuan.rules import narrative as _narrative_rules  # noqa: F401  (registers the rules)
from juesuan.rules import performance as _performance_rules
from juesuan.rules import tables as _table_rules  # noqa: F401  (registers the rules)
from juesuan.rules.finding import Finding, sort_findings
from juesuan.rules.registry import run
from juesuan.tables.build import build_tables
from juesuan.tables.table import TableSet


@in_core_context
def check_tables(tables: TableSet) -> list[Finding]:
    """勾稽关系 of a set of tables (built from a filing or read from a report)."""
    return run("tables", tables)


@in_core_context
def check_filing(filing: Filing, tables: TableSet | None = None) -> list[Finding]:
    """Every finding on a filing: its own rules, then the rules on its nine tables."""
    tables = tables if tables is not None else build_tables(filing)
    findings = run("filing", filing, unit=filing.unit.value)
    findings += check_tables(tables)
    return sort_findings(findings)


@in_core_context
def check_performance(filing: Filing, scheme: Scheme) -> tuple[PerformanceResult | None, list[Finding]]:
    """Score the filing's self-evaluations under ``scheme`` and check them."""
    if filing.performance is None:
        return None, []
    result = score_performance(filing.performance, filing.department.name, scheme)
    findings = run("performance", _performance_rules.Scored(filing, result))
    return result, sort_findings(findings)
