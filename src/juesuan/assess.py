"""The one check of a filing: every rule that applies to it.

:func:`check_all` is what ``juesuan check`` prints, what ``juesuan report`` lists at the end
of the document (through :func:`juesuan.document.build.build_document`) and what the web app
shows, so the three always agree. Pure: the scoring scheme and the template are passed in as
objects, resolved by the caller (the command line or the web app) from a name or a file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from juesuan.content import Section
from juesuan.filing.model import Filing
from juesuan.money import in_core_context
from juesuan.narrative.explanation import explanation_sections
from juesuan.performance.rules import check_performance
from juesuan.performance.scheme import Scheme
from juesuan.performance.scoring import PerformanceResult
from juesuan.rules.check import check_filing
from juesuan.rules.finding import Finding, sort_findings
from juesuan.tables.build import build_tables
from juesuan.tables.layout import layout_for
from juesuan.tables.table import TableSet
from juesuan.template.model import Template

Style = Literal["shanghai-2024", "seed-2020"]


def default_style(filing: Filing) -> Style:
    """The wording of the 情况说明 by default: the one the filing's template names."""
    return layout_for(filing.layout, filing.year).explanation_style


@dataclass(frozen=True)
class Assessment:
    """Everything the checks of a filing produce: the findings of every rule (filing, tables,
    performance, narrative), the performance scores, and the 情况说明 whose placeholders the
    narrative findings are about."""

    findings: list[Finding]
    performance: PerformanceResult | None
    explanation: tuple[Section, ...]


@in_core_context
def assess(filing: Filing, tables: TableSet | None = None, scheme: Scheme | None = None,
           style: Style | None = None, template: Template | None = None) -> Assessment:
    """Run every rule that applies to ``filing``: its own rules and its tables'
    (:func:`check_filing`), the performance rules ``P.*`` under ``scheme`` when the filing
    has a performance part and a scheme is given, and the narrative rules ``N.*`` on the
    情况说明 in ``style`` (by default :func:`default_style`), in the words of ``template``
    (by default the one the filing names, else the one of its year)."""
    tables = tables if tables is not None else build_tables(filing)
    findings = check_filing(filing, tables)
    result: PerformanceResult | None = None
    if scheme is not None:
        result, performance_findings = check_performance(filing, scheme)
        findings += performance_findings
    explanation, narrative_findings = explanation_sections(
        filing, tables.rounded(2), result, style or default_style(filing), template)
    findings += narrative_findings
    return Assessment(sort_findings(findings), result, explanation)


def check_all(filing: Filing, tables: TableSet | None = None, scheme: Scheme | None = None,
              style: Style | None = None) -> list[Finding]:
    """Every finding on a filing (see :func:`assess`)."""
    return assess(filing, tables, scheme, style).findings
