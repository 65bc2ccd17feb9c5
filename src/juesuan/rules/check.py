"""Check a filing and its tables: the rules of :mod:`juesuan.rules.filing` and
:mod:`juesuan.rules.tables`. Every check of a filing (performance and narrative included)
is :func:`juesuan.assess.check_all`."""

from __future__ import annotations

from juesuan.filing.model import Filing
from juesuan.money import in_core_context
from juesuan.rules import filing as filing_rules
from juesuan.rules.finding import Finding, sort_findings
from juesuan.rules.registry import run
from juesuan.rules.tables import check_tables, evaluate_tables
from juesuan.tables.build import build_tables
from juesuan.tables.table import TableSet

__all__ = ["check_filing", "check_tables", "evaluate_tables"]


@in_core_context
def check_filing(filing: Filing, tables: TableSet | None = None) -> list[Finding]:
    """Every finding on a filing: its own rules, then the rules on its tables."""
    tables = tables if tables is not None else build_tables(filing)
    findings = run(filing_rules.RULES, filing, unit=filing.unit.value)
    findings += check_tables(tables)
    return sort_findings(findings)
