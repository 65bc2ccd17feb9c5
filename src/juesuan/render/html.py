"""HTML rendering of the whole disclosure document: one self-contained, offline page.

:func:`document_to_html` fills the Jinja2 template ``templates/document.html.j2``
(autoescaped) with a view of the :class:`~juesuan.content.Document`:

* the title and a 目录 linking to every part and section (each has a stable id
  derived from its key: ``part-tables``, ``sec-tables-1``);
* each part on a new printed page (A4, ``@page`` with 第 X 页 共 Y 页 in the footer);
* every table as a real ``<table>``: a ``<thead>`` of ``<th>`` cells with the row
  and column spans of :func:`~juesuan.render.layout.grid`, a ``<tbody>`` with
  figures right-aligned and thousands-separated, blanks empty, totals bold, names
  indented by level, side-by-side sections parted by a double rule, and the
  title, unit and notes around it; wide tables print on landscape pages;
* every chart as an ECharts chart (``interactive=True``; ECharts is inlined once,
  only if the document has charts) or as a static SVG drawn by matplotlib
  (``interactive=False``, for print and PDF), always with its figures in a small
  table beside it, so they are readable without JavaScript and on paper;
* placeholders such as 【待填写：增减原因】 marked ``<mark class="placeholder">``;
* the findings of the checks at the end under 检查结果.

Nothing is fetched: styles and scripts are inline, the page names no http(s) URL.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from juesuan.content import PLACEHOLDER_CLOSE, PLACEHOLDER_OPEN, Chart, Document, Section
from juesuan.money import format_wan
from juesuan.render.charts import (
    HEIGHT_IN,
    chart_height,
    chart_svg,
    echarts_option,
    pie_slices,
    share_percent,
)
from juesuan.render.layout import Grid, display_width, grid, indent
from juesuan.rules.finding import Finding
from juesuan.tables.table import RowKind, Table

FINDINGS_ID = "findings"
FINDINGS_HEADING = "检查结果"
TOC_ID = "toc"

LANDSCAPE_ABOVE = 110  # total column width (display columns) beyond which a table prints landscape
SMALL_ABOVE = 170  # … and beyond which it also prints in a smaller font
MAX_NAME_WIDTH = 40
MAX_TEXT_WIDTH = 30
MAX_LABEL_WIDTH = 10

_PLACEHOLDER = re.compile(re.escape(PLACEHOLDER_OPEN) + ".*?" + re.escape(PLACEHOLDER_CLOSE), re.S)


def document_to_html(doc: Document, *, interactive: bool = True, findings: bool = True) -> str:
    """The document as one HTML page that works offline.

    ``interactive`` draws charts with the inlined ECharts library; otherwise they are
    static SVG (what the PDF uses). ``findings`` adds the 检查结果 section at the end.
    """
    ids = _Ids()
    parts = [
        PartView(
            ids.make(f"part-{part.key}"),
            part.heading,
            part.key,
            [_section_view(s, 2, ids, doc, interactive) for s in part.sections],
        )
        for part in doc.parts
    ]
    charts = bool(doc.charts())
    template = _environment().get_template("document.html.j2")
    return template.render(
        doc=doc,
        parts=parts,
        toc_id=TOC_ID,
        findings=[_finding_view(n, f) for n, f in enumerate(doc.findings, 1)] if findings else None,
        findings_id=FINDINGS_ID,
        findings_heading=FINDINGS_HEADING,
        interactive=interactive,
        echarts=Markup(_echarts_source()) if interactive and charts else None,
        css=Markup(_static_text("document.css")),
        metadata=sorted(doc.metadata.items()),
    )


# ---------------------------------------------------------------------------- views


@dataclass(frozen=True)
class HeadCell:
    text: str
    rowspan: int
    colspan: int
    classes: str
    scope: str


@dataclass(frozen=True)
class BodyCell:
    text: Markup | str
    classes: str


@dataclass(frozen=True)
class BodyRow:
    classes: str
    cells: list[BodyCell]


@dataclass(frozen=True)
class TableView:
    id: str
    heading: str
    department: str
    unit: str
    notes: list[Markup]
    widths: list[str]  # CSS widths of the printed columns
    head: list[list[HeadCell]]
    body: list[BodyRow]
    classes: str
    wide: bool


@dataclass(frozen=True)
class ChartView:
    id: str
    title: str
    kind: str
    unit: str
    height: str  # CSS height of the interactive chart
    svg: Markup | None
    option: dict[str, Any] | None
    data_head: list[str]
    data_rows: list[list[str]]


@dataclass
class SectionView:
    id: str
    heading: str
    level: int  # h2 … h6
    paragraphs: list[Markup]
    tables: list[TableView]
    charts: list[ChartView]
    subsections: list[SectionView] = field(default_factory=list)

    @property
    def wide(self) -> bool:
        return any(t.wide for t in self.tables)


@dataclass(frozen=True)
class PartView:
    id: str
    heading: str
    key: str
    sections: list[SectionView]


@dataclass(frozen=True)
class FindingView:
    number: int
    severity: str
    severity_label: str
    rule: str
    location: str
    message: Markup
    expected: str | None
    found: str | None


class _Ids:
    """Unique HTML ids from keys: ``tables.1`` → ``sec-tables-1`` (``-2`` … on repeats)."""

    def __init__(self) -> None:
        self._used: set[str] = {TOC_ID, FINDINGS_ID}

    def make(self, key: str) -> str:
        base = re.sub(r"[^A-Za-z0-9_-]+", "-", key).strip("-") or "id"
        candidate, n = base, 1
        while candidate in self._used:
            n += 1
            candidate = f"{base}-{n}"
        self._used.add(candidate)
        return candidate


def rich_text(text: str) -> Markup:
    """Escaped text with every 【待填写：…】 placeholder marked."""
    out: list[str] = []
    last = 0
    for match in _PLACEHOLDER.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(Markup('<mark class="placeholder">{}</mark>').format(match.group(0)))
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def _section_view(section: Section, level: int, ids: _Ids, doc: Document,
                  interactive: bool) -> SectionView:
    sid = ids.make(f"sec-{section.key}")
    return SectionView(
        sid,
        section.heading,
        min(level, 6),
        [rich_text(p) for p in section.paragraphs],
        [table_view(t, ids.make(f"tbl-{section.key}-{n}"), doc.department)
         for n, t in enumerate(section.tables, 1)],
        [_chart_view(c, ids.make(f"chart-{c.key}"), interactive) for c in section.charts],
        [_section_view(s, level + 1, ids, doc, interactive) for s in section.subsections],
    )


def _finding_view(number: int, finding: Finding) -> FindingView:
    return FindingView(
        number,
        finding.severity.value,
        finding.severity.label,
        finding.rule,
        finding.location.describe() or "—",
        rich_text(finding.message),
        finding.expected,
        finding.found,
    )


# ---------------------------------------------------------------------------- tables


def column_weights(g: Grid) -> list[int]:
    """Relative widths of the printed columns, in monospace display columns."""
    weights: list[int] = []
    for col, column in enumerate(g.columns):
        rows = [row for line in g.lines if (row := g.row_at(line, col)) is not None]
        leaf = min(
            (display_width(c.text) for c in g.header if c.col == col and c.colspan == 1),
            default=0,
        )
        if column.kind == "code":
            width = max(max((len(r.code or "") for r in rows), default=0), min(leaf, 8), 4)
        elif column.kind == "name":
            names = max((display_width(r.name) + 2 * indent(r) for r in rows), default=0)
            width = min(max(names, min(leaf, 8), 6), MAX_NAME_WIDTH)
        else:
            texts = [g.text_at(line, col, thousands=True) for line in g.lines]
            widest = max((display_width(t) for t in texts), default=0)
            is_text = any(isinstance(g.value_at(line, col), str) for line in g.lines)
            if is_text:
                width = min(max(widest, min(leaf, MAX_LABEL_WIDTH), 8), MAX_TEXT_WIDTH)
            else:
                width = max(widest, min(leaf, MAX_LABEL_WIDTH), 8)
        weights.append(width + 2)
    return weights


def table_view(table: Table, table_id: str, department: str) -> TableView:
    """A table laid out for the template: header rows of spanning cells, body rows."""
    g = grid(table)
    weights = column_weights(g)
    total = sum(weights) or 1
    widths = [f"{w * 1000 // total / 10:.1f}%" for w in weights]

    head: list[list[HeadCell]] = [[] for _ in range(g.depth)]
    for cell in g.header:
        head_classes: list[str] = [cell.kind]
        if g.starts_part(cell.col):
            head_classes.append("part-start")
        scope = "colgroup" if cell.kind in ("group", "banner") else "col"
        head[cell.row].append(HeadCell(cell.text, cell.rowspan, cell.colspan,
                                       " ".join(head_classes), scope))

    body: list[BodyRow] = []
    for line in g.lines:
        cells: list[BodyCell] = []
        for col, column in enumerate(g.columns):
            row = g.row_at(line, col)
            classes: list[str] = ["num" if column.kind == "value" else column.kind]
            if g.starts_part(col):
                classes.append("part-start")
            if row is not None and row.kind is RowKind.TOTAL:
                classes.append("total")
            text: Markup | str = ""
            if row is None:
                pass
            elif column.kind == "code":
                text = row.code or ""
            elif column.kind == "name":
                step = indent(row)
                if step:
                    classes.append(f"indent-{min(step, 4)}")
                text = rich_text(row.name)
            else:
                value = g.value_at(line, col)
                if isinstance(value, Decimal):
                    text = g.text_at(line, col, thousands=True)
                elif isinstance(value, str):
                    classes[0] = "text"
                    text = rich_text(value)
            cells.append(BodyCell(text, " ".join(classes)))
        kinds = [r.kind for r in line if r is not None]
        row_classes = "total" if kinds and all(k is RowKind.TOTAL for k in kinds) else ""
        body.append(BodyRow(row_classes, cells))

    table_classes = ["data"]
    if g.side_by_side:
        table_classes.append("side-by-side")
    wide = total > LANDSCAPE_ABOVE
    if total > SMALL_ABOVE:
        table_classes.append("small")
    return TableView(
        table_id,
        table.heading,
        department,
        table.unit,
        [rich_text(n) for n in table.notes],
        widths,
        head,
        body,
        " ".join(table_classes),
        wide,
    )


# ---------------------------------------------------------------------------- charts


def chart_data(chart: Chart) -> tuple[list[str], list[list[str]]]:
    """The figures of a chart as a small table: header and rows of printed text.

    One row per category, one column per series; a pie adds each category's share
    of the total (占比, half-up to 0.01%).
    """
    if chart.kind == "pie":
        name = chart.series[0].name if chart.series else "数值"
        head = ["项目", name, "占比（%）"]
        slices = dict(pie_slices(chart))
        total = sum(slices.values(), Decimal(0))
        rows = []
        values = chart.series[0].values if chart.series else ()
        for i, category in enumerate(chart.categories):
            value = values[i] if i < len(values) else None
            share = f"{share_percent(slices[category], total):.2f}" if category in slices else ""
            rows.append([category, format_wan(value, 2, thousands=True), share])
        return head, rows
    head = ["项目", *(s.name for s in chart.series)]
    rows = [
        [category, *(format_wan(s.values[i] if i < len(s.values) else None, 2, thousands=True)
                     for s in chart.series)]
        for i, category in enumerate(chart.categories)
    ]
    return head, rows


def _chart_view(chart: Chart, chart_id: str, interactive: bool) -> ChartView:
    head, rows = chart_data(chart)
    return ChartView(
        chart_id,
        chart.title,
        chart.kind,
        chart.unit,
        f"{chart_height(chart) / HEIGHT_IN * 22:.0f}em",
        None if interactive else Markup(chart_svg(chart, id_prefix=chart_id, inline=True)),
        echarts_option(chart) if interactive else None,
        head,
        rows,
    )


# ---------------------------------------------------------------------------- resources


def _static_text(name: str) -> str:
    return resources.files("juesuan.render").joinpath("static", name).read_text(encoding="utf-8")


@cache
def _echarts_source() -> str:
    """The vendored ``echarts.min.js``, made safe to inline in a ``<script>`` element."""
    source = _static_text("echarts.min.js")
    return source.replace("</script", "<\\/script").replace("<!--", "<\\!--")


def _tojson(value: Any) -> Markup:
    """JSON for a ``<script type="application/json">``: ``<``, ``>``, ``&`` escaped."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("juesuan.render", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["json_script"] = _tojson
    return env
