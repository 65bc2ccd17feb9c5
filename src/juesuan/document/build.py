"""Assemble the disclosure document from a filing. Pure: no file is read or written.

The template (:mod:`juesuan.template`) says the order of the parts and their headings,
the headings of 第一部分, the style of the 情况说明 and the 名词解释. ``order`` is the
older switch between the two known orders: the national template's (概况, 决算表,
情况说明, 名词解释, with the 绩效自评表 attached) and the seed's (概况, 情况说明, 决算表,
名词解释), with the matching style of the 情况说明.
"""

from __future__ import annotations

import re
from typing import Literal

from juesuan.assess import Style, assess
from juesuan.content import Document, Part, PartKey, Section
from juesuan.document.review import review_tables
from juesuan.document.typeset import typeset_document
from juesuan.filing.model import Filing
from juesuan.money import in_core_context
from juesuan.performance.forms import performance_tables
from juesuan.performance.scheme import Scheme
from juesuan.performance.scoring import PerformanceResult
from juesuan.rules.finding import sort_findings
from juesuan.tables.build import build_tables
from juesuan.tables.layout import chinese_number, layout_for
from juesuan.tables.table import Column, Row, Table, TableSet
from juesuan.template.model import Template

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


_ORDINAL = re.compile(r"^\s*(?:[（(]?[一二三四五六七八九十\d]+[)）、.．]|[①-⑳]|第[一二三四五六七八九十百\d]+条)")


def numbered(items: tuple[str, ...]) -> tuple[str, ...]:
    """Duties as the published reports list them: "1、…", unless they carry their own numbers
    (or there is only one, a paragraph)."""
    if len(items) < 2 or any(_ORDINAL.match(item) for item in items):
        return items
    return tuple(f"{n}、{item}" for n, item in enumerate(items, 1))


def overview_sections(filing: Filing, template: Template) -> tuple[Section, ...]:
    org = filing.organisation
    name = filing.department.name
    headings = template.overview_headings
    duties, units_heading = headings["duties"], headings["units"]
    structure = headings["structure"]
    sections = [Section("overview.duties", f"一、{duties}",
                        numbered(org.duties) or (f"【待填写：{duties}】",))]
    units = filing.department.units
    if len(units) > 1:
        text = (f"从预算单位构成看，{name}部门决算包括：{name}本级决算、下属行政事业单位决算。"
                f"纳入{name}{filing.year}年度部门决算编制范围的单位包括：")
        sections.append(Section("overview.units", f"二、{units_heading}", (text,),
                                tables=(units_table(filing),)))
    else:
        paragraphs = tuple(p for p in (org.structure, org.staffing) if p) or (f"【待填写：{structure}】",)
        sections.append(Section("overview.structure", f"二、{structure}", paragraphs))
        return tuple(sections)
    extra = tuple(p for p in (org.structure, org.staffing) if p)
    if extra:
        sections.append(Section("overview.structure", f"三、{structure}", extra))
    return tuple(sections)


def table_sections(tables: TableSet) -> tuple[Section, ...]:
    return tuple(
        Section(f"tables.{t.number}", f"{chinese_number(t.number)}、{t.title}", tables=(t,))
        for t in tables.tables
    )


def glossary_sections(template: Template) -> tuple[Section, ...]:
    def number(n: int) -> str:
        return chinese_number(n) if template.glossary_numbering == "chinese" else str(n)

    paragraphs = tuple(f"{number(n)}、{t.term}：{t.text}" for n, t in enumerate(template.glossary, 1))
    part = template.part("glossary")
    return (Section("glossary.terms", part.heading if part else "名词解释", paragraphs),)


def attachment_sections(filing: Filing, result: PerformanceResult | None) -> tuple[Section, ...]:
    if filing.performance is None or result is None:
        return ()
    forms = performance_tables(filing.performance, result, filing.department.name, filing.year,
                               public=True)
    return (Section("attachments.performance", "绩效自评表", tables=forms.tables),)


_DEFAULT_HEADINGS: dict[PartKey, str] = {
    "overview": "{name}概况",
    "tables": "{name}{year}年度部门决算表",
    "explanation": "{name}{year}年度部门决算情况说明",
    "glossary": "名词解释",
    "attachments": "附件",
}


def part_heading(key: PartKey, number: int, filing: Filing, template: Template | None = None) -> str:
    template = template or layout_for(filing.layout, filing.year)
    spec = template.part(key)
    pattern = spec.heading if spec is not None else _DEFAULT_HEADINGS[key]
    title = pattern.replace("{name}", filing.department.name).replace("{year}", str(filing.year))
    return title if key == "attachments" else f"第{chinese_number(number)}部分 {title}"


def default_order(filing: Filing) -> Order:
    """The order of the filing's template, as the older switch names it."""
    template = layout_for(filing.layout, filing.year)
    return "seed" if template.order() == ORDERS["seed"] else "template"


@in_core_context
def build_document(filing: Filing, *, template: Template | None = None, order: Order | None = None,
                   scheme: Scheme | None = None) -> Document:
    """The whole disclosure in ``template`` (by default the one the filing names, else the
    one of its year): its parts in the template's order (or ``order``), findings of every
    check (:func:`juesuan.rules.check.assess`, the same as ``juesuan check``) at the end.
    ``scheme`` scores the self-evaluations; the caller resolves it
    (:func:`juesuan.performance.scheme.scheme_for`): without it the document has no 自评表
    and no ``P.*`` findings."""
    template = template or layout_for(filing.layout, filing.year)
    keys = ORDERS[order] if order is not None else template.order()
    style: Style = template.explanation_style
    if order is not None:
        style = "seed-2020" if order == "seed" else "shanghai-2024"
    tables = build_tables(filing, template)
    assessment = assess(filing, tables, scheme, style, template)
    findings, result, explanation = assessment.findings, assessment.performance, assessment.explanation
    contents: dict[PartKey, tuple[Section, ...]] = {
        "overview": overview_sections(filing, template),
        "tables": table_sections(tables),
        "explanation": explanation,
        "glossary": glossary_sections(template),
        "attachments": attachment_sections(filing, result),
    }
    parts: list[Part] = []
    number = 0
    for key in keys:
        sections = contents[key]
        if not sections:
            continue
        if key != "attachments":
            number += 1
        parts.append(Part(key, part_heading(key, number, filing, template), sections))
    title = f"{filing.department.name}{filing.year}年度部门决算"
    chosen_order = order or ("seed" if keys == ORDERS["seed"] else "template")
    metadata: dict[str, str] = {"layout": template.name, "order": chosen_order}
    if result is not None:
        metadata["scheme"] = result.scheme.name
    review = review_tables(filing.performance, result, filing.department.name, filing.year)
    return typeset_document(Document(title, filing.department.name, filing.year, tuple(parts),
                                     tuple(sort_findings(findings)), metadata=metadata,
                                     notices=filing.notices, review_tables=review))
