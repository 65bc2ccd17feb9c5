"""第三部分 决算情况说明: the sections of finished text, their charts, and the findings
on what the text could not say. Pure: the only files read are the templates (package data).

Two styles:

``shanghai-2024``
    the Shanghai district template of 2024, sections 一–十一 (one per public table, then
    预算绩效管理情况 and 其他重要事项), in the template's wording;
``seed-2020``
    the seed document's 第二部分 (随州 2020), sections 一–七: 收支情况 and 预决算对比,
    “三公”经费, 机关运行经费, 政府采购, 国有资产, 政府性基金, 预算绩效.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from juesuan.content import Chart, Section
from juesuan.filing.model import Filing
from juesuan.narrative import charts as c
from juesuan.narrative import rules as narrative_rules
from juesuan.narrative.facts import Facts, Gap, gather_facts
from juesuan.narrative.render import render_section
from juesuan.narrative.rules import Narrative
from juesuan.performance.scoring import PerformanceResult
from juesuan.rules.finding import Finding, sort_findings
from juesuan.rules.registry import run
from juesuan.tables.table import TableSet
from juesuan.template.catalogue import template_for
from juesuan.template.model import Template, Wording


@dataclass(frozen=True)
class SectionSpec:
    name: str  # template file name and section key
    charts: tuple[str, ...] = ()
    table: int | None = None  # left out when the template prints no such table


STYLES: dict[str, tuple[SectionSpec, ...]] = {
    "shanghai-2024": (
        SectionSpec("overall", (c.YEAR_OVER_YEAR,)),
        SectionSpec("income", (c.INCOME_STRUCTURE,)),
        SectionSpec("expenditure", (c.EXPENDITURE_STRUCTURE,)),
        SectionSpec("fiscal"),
        SectionSpec("general_budget", (c.GENERAL_BUDGET_VS_INITIAL,)),
        SectionSpec("basic"),
        SectionSpec("three_public", (c.THREE_PUBLIC,)),
        SectionSpec("government_fund"),
        SectionSpec("state_capital", table=9),
        SectionSpec("performance"),
        SectionSpec("other"),
    ),
    "seed-2020": (
        SectionSpec("receipts", (c.INCOME_STRUCTURE, c.EXPENDITURE_STRUCTURE, c.YEAR_OVER_YEAR)),
        SectionSpec("three_public", (c.THREE_PUBLIC,)),
        SectionSpec("operating_costs"),
        SectionSpec("procurement"),
        SectionSpec("assets"),
        SectionSpec("government_fund"),
        SectionSpec("performance"),
    ),
}


def _dedupe(gaps: list[Gap]) -> tuple[Gap, ...]:
    """One finding per missing thing, however often the text shows its placeholder."""
    seen: set[tuple[str, str, str]] = set()
    result: list[Gap] = []
    for gap in gaps:
        key = (gap.kind, gap.path, gap.message)
        if key not in seen:
            seen.add(key)
            result.append(gap)
    return tuple(result)


def render_explanation(facts: Facts, style: str, tables: tuple[int, ...] = tuple(range(1, 10)),
                       wording: Wording | None = None) -> tuple[tuple[Section, ...], tuple[Gap, ...]]:
    """The sections of one style from the facts, in the template's ``wording`` (by default
    that of the template in force for the year), and the gaps they print; a section about
    a table the template does not print (``tables``) is left out."""
    specs = STYLES.get(style)
    if specs is None:
        raise ValueError(f"未知的情况说明样式 {style!r}，可用：{', '.join(STYLES)}")
    specs = tuple(spec for spec in specs if spec.table is None or spec.table in tables)
    wording = wording or template_for(None, facts.year).wording
    charts = c.build_charts(facts)
    sections: list[Section] = []
    gaps: list[Gap] = []
    for number, spec in enumerate(specs, 1):
        attached: tuple[Chart, ...] = c.charts_for(charts, spec.charts)
        section, printed = render_section(style, spec.name, f"explanation.{spec.name}",
                                          {"f": facts, "number": number, "w": wording}, attached)
        sections.append(section)
        gaps += [replace(g, section=section.heading) for g in printed]
    return tuple(sections), _dedupe(gaps)


def explanation_sections(
    filing: Filing, printed: TableSet, performance: PerformanceResult | None, style: str,
    template: Template | None = None,
) -> tuple[tuple[Section, ...], list[Finding]]:
    """The 情况说明 of a filing in ``style`` and the words of ``template`` (by default the
    one the filing names), from its printed tables (rounded to 0.01 万元),
    and the narrative rules' findings on what it could not state."""
    facts = gather_facts(filing, printed, performance)
    wording = (template or template_for(filing.layout, filing.year)).wording
    sections, gaps = render_explanation(facts, style, printed.expected, wording)
    findings = run(narrative_rules.RULES, Narrative(filing, style, gaps))
    return sections, sort_findings(findings)


def sections_text(sections: tuple[Section, ...]) -> str:
    """Plain text of sections: headings and paragraphs, one per line, depth first."""
    lines: list[str] = []

    def walk(items: tuple[Section, ...]) -> None:
        for section in items:
            lines.append(section.heading)
            lines.extend(section.paragraphs)
            walk(section.subsections)

    walk(sections)
    return "\n".join(lines) + "\n"
