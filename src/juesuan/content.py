"""The disclosure document: one model every renderer (HTML, DOCX, PDF, XLSX, JSON) reads.

A :class:`Document` is a tree of parts and sections. A section holds paragraphs of
finished Chinese text (every figure already computed and formatted), tables of the
one table structure, and charts with their data. Renderers only lay it out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from juesuan.rules.finding import Finding
from juesuan.tables.table import Table

PLACEHOLDER_OPEN = "【待填写："
PLACEHOLDER_CLOSE = "】"


def placeholder(what: str) -> str:
    """A visible gap where the filing lacks a required text, e.g. 【待填写：增减原因】."""
    return f"{PLACEHOLDER_OPEN}{what}{PLACEHOLDER_CLOSE}"


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[Decimal | None, ...]


ChartKind = Literal["pie", "bar", "grouped_bar"]


@dataclass(frozen=True)
class Chart:
    """A chart and the data it shows (the data is always printed beside it)."""

    key: str  # stable id, e.g. "income_structure"
    title: str
    kind: ChartKind
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = "万元"


@dataclass(frozen=True)
class Section:
    key: str  # stable id, e.g. "explanation.income"
    heading: str  # as printed, e.g. "二、收入决算情况说明"
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    charts: tuple[Chart, ...] = ()
    subsections: tuple[Section, ...] = ()

    @property
    def has_content(self) -> bool:
        """Whether the section, or one of its subsections, holds text, a table or a chart."""
        return bool(self.paragraphs or self.tables or self.charts) or any(
            s.has_content for s in self.subsections)


PartKey = Literal["overview", "tables", "explanation", "glossary", "attachments"]


@dataclass(frozen=True)
class Part:
    key: PartKey
    heading: str  # e.g. "第一部分 上海市普陀区财政局概况"
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class Document:
    title: str  # e.g. "上海市普陀区财政局2024年度部门决算"
    department: str
    year: int
    parts: tuple[Part, ...]
    findings: tuple[Finding, ...] = ()  # the review's: never printed in the public document
    unit: str = "万元"
    metadata: dict[str, str] = field(default_factory=dict)
    # Lines the cover prints under the title, e.g. that an example's detail is reconstructed.
    notices: tuple[str, ...] = ()
    # The review's tables (审核意见): juesuan's scores beside the stated ones and the recomputed
    # 自评表 with the basis of each score. Never printed in the public document.
    review_tables: tuple[Table, ...] = ()

    def printed_parts(self) -> list[Part]:
        """The parts every format prints: one with nothing in it (an empty 附件) is left out."""
        return [part for part in self.parts if any(s.has_content for s in part.sections)]

    def sections(self) -> list[Section]:
        """Every section, depth first, in document order."""
        result: list[Section] = []

        def walk(sections: tuple[Section, ...]) -> None:
            for section in sections:
                result.append(section)
                walk(section.subsections)

        for part in self.parts:
            walk(part.sections)
        return result

    def tables(self) -> list[Table]:
        return [t for s in self.sections() for t in s.tables]

    def charts(self) -> list[Chart]:
        return [c for s in self.sections() for c in s.charts]

    def placeholders(self) -> list[tuple[str, str]]:
        """(section key, paragraph) for every paragraph that still has a gap to fill."""
        return [(s.key, p) for s in self.sections() for p in s.paragraphs if PLACEHOLDER_OPEN in p]
