"""Assemble the disclosure document from a filing. Pure: no file is read or written.

Two part orders are known: the national template's (概况, 决算表, 情况说明, 名词解释,
with the 绩效自评表 attached) and the seed's (概况, 情况说明, 决算表, 名词解释, where the
自评表 stand in the 情况说明's section on 预算绩效).
"""

from __future__ import annotations

from typing import Literal

from juesuan.document.glossary import TERMS
from juesuan.document.model import Document, Part, PartKey, Section
from juesuan.filing.model import Filing
from juesuan.money import in_core_context
from juesuan.narrative.explanation import explanation_sections
from juesuan.performance.forms import performance_tables
from juesuan.performance.scheme import Scheme, SchemeError, load_scheme
from juesuan.performance.scoring import PerformanceResult
from juesuan.rules.check import check_filing, check_performance
from juesuan.rules.finding import Finding, sort_findings
from juesuan.tables.build import build_tables
from juesuan.tables.layout import chinese_number, layout_for
from juesuan.tables.table import Column, Row, Table, TableSet

Order = Literal["template", "seed"]

ORDERS: dict[Order, tuple[PartKey, ...]] = {
    "template": ("overview", "tables", "explanation", "glossary", "attachments"),
    "seed": ("overview", "explanation", "tables", "glossary", "attachments"),
}


def units_table(filing: Filing) -> Table:
    """部门决算单位构成 as a table: 序号, 单位名称, 备注."""
    columns = (Column("name", "单位名称"), Column("note", "备注"))
    rows = tuple(
        Row(str(n), str(n), (unit.name, unit.note or None))
        for n, unit in enumerate(filing.department.units, 1)
    )
    return Table(0, "units", "部门决算单位构成", columns, rows, unit="", stub="序号")


def overview_sections(filing: Filing) -> tuple[Section, ...]:
    org = filing.organisation
    name = filing.department.name
    sections = [Section("overview.duties", "一、主要职能", org.duties or ("【待填写：主要职能】",))]
    units = filing.department.units
    if len(units) > 1:
        text = (f"从预算单位构成看，{name}部门决算包括：{name}本级决算、下属行政事业单位决算。"
                f"纳入{name}{filing.year}年度部门决算编制范围的单位包括：")
        sections.append(Section("overview.units", "二、部门决算单位构成", (text,),
                                tables=(units_table(filing),)))
    else:
        paragraphs = tuple(p for p in (org.structure, org.staffing) if p) or ("【待填写：机构设置】",)
        sections.append(Section("overview.structure", "二、机构设置", paragraphs))
        return tuple(sections)
    extra = tuple(p for p in (org.structure, org.staffing) if p)
    if extra:
        sections.append(Section("overview.structure", "三、机构设置", extra))
    return tuple(sections)


def table_sections(tables: TableSet) -> tuple[Section, ...]:
    return tuple(
        Section(f"tables.{t.number}", f"{chinese_number(t.number)}、{t.title}", tables=(t,))
        for t in tables.tables
    )


def glossary_sections() -> tuple[Section, ...]:
    paragraphs = tuple(f"{chinese_number(n)}、{term}：{text}" for n, (term, text) in enumerate(TERMS, 1))
    return (Section("glossary.terms", "名词解释", paragraphs),)


def attachment_sections(filing: Filing, result: PerformanceResult | None) -> tuple[Section, ...]:
    if filing.performance is None or result is None:
        return ()
    forms = performance_tables(filing.performance, result, filing.department.name, filing.year)
    return (Section("attachments.performance", "绩效自评表", tables=forms.tables),)


def part_heading(key: PartKey, number: int, filing: Filing) -> str:
    name, year = filing.department.name, filing.year
    titles = {
        "overview": f"{name}概况",
        "tables": f"{name}{year}年度部门决算表",
        "explanation": f"{name}{year}年度部门决算情况说明",
        "glossary": "名词解释",
        "attachments": "附件",
    }
    return titles[key] if key == "attachments" else f"第{chinese_number(number)}部分 {titles[key]}"


def resolve_scheme(filing: Filing, scheme: Scheme | str | None) -> Scheme | None:
    if isinstance(scheme, Scheme):
        return scheme
    name = scheme or (filing.performance.scheme if filing.performance else None)
    if filing.performance is None or name is None:
        return None
    try:
        return load_scheme(name)
    except SchemeError:
        return None


def default_order(filing: Filing) -> Order:
    """The seed's order and wording for the 2020 central layout, the template's otherwise."""
    return "seed" if layout_for(filing.layout, filing.year).name == "central-2020" else "template"


@in_core_context
def build_document(filing: Filing, *, order: Order | None = None,
                   scheme: Scheme | str | None = None) -> Document:
    """The whole disclosure: parts in ``order`` (by default the one of the filing's
    layout), findings of every check at the end."""
    order = order or default_order(filing)
    tables = build_tables(filing)
    printed = tables.rounded(2)
    findings: list[Finding] = check_filing(filing, tables)
    chosen = resolve_scheme(filing, scheme)
    result: PerformanceResult | None = None
    if chosen is not None:
        result, performance_findings = check_performance(filing, chosen)
        findings += performance_findings
    style = "seed-2020" if order == "seed" else "shanghai-2024"
    explanation, narrative_findings = explanation_sections(filing, printed, result, style)
    findings += narrative_findings
    contents: dict[PartKey, tuple[Section, ...]] = {
        "overview": overview_sections(filing),
        "tables": table_sections(tables),
        "explanation": explanation,
        "glossary": glossary_sections(),
        "attachments": attachment_sections(filing, result),
    }
    parts: list[Part] = []
    number = 0
    for key in ORDERS[order]:
        sections = contents[key]
        if not sections:
            continue
        if key != "attachments":
            number += 1
        parts.append(Part(key, part_heading(key, number, filing), sections))
    title = f"{filing.department.name}{filing.year}年度部门决算"
    metadata: dict[str, str] = {"layout": layout_for(filing.layout, filing.year).name, "order": order}
    if chosen is not None:
        metadata["scheme"] = chosen.name
    return Document(title, filing.department.name, filing.year, tuple(parts),
                    tuple(sort_findings(findings)), metadata=metadata)
