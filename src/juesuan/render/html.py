"""HTML rendering of the public disclosure document: one self-contained, offline page.

:func:`document_to_html` fills the Jinja2 template ``templates/document.html.j2``
(autoescaped) with a view of the :class:`~juesuan.content.Document`:

* a cover (the title in 小标宋 style, broken after the department's name, its size
  chosen by its length, then the document's notices) and a 目录 linking to every part
  and section (each has a stable id derived from its key: ``part-tables``,
  ``sec-tables-1``); on paper the cover and the 目录 each take their own page;
* each part on a new printed page; each table of the 决算表 part on a page of its own;
  a section holding a wide table on landscape pages from its heading to its end;
* every table as a real ``<table>``: a ``<thead>`` of ``<th>`` cells with the row
  and column spans of :func:`~juesuan.render.layout.grid`, a ``<tbody>`` with
  figures right-aligned and thousands-separated, blanks empty, totals bold, names
  indented by level, side-by-side sections parted by a double rule, and the
  title, unit and notes around it. On a screen the table scrolls sideways inside its
  block with its stub columns (编码 and 名称) held in place; on paper its first and
  last rows never stand alone on a page;
* every chart as an ECharts chart (``interactive=True``; ECharts is inlined once,
  only if the document has charts) or as a static SVG (``interactive=False``, for
  print and PDF), always with its figures in a small table beside it, so they are
  readable without JavaScript and on paper;
* placeholders such as 【待填写：增减原因】 marked ``<mark class="placeholder">``.

What is printed is the document's text (its punctuation already set full width by the
builder, :func:`juesuan.document.typeset.typeset_document`, for every format alike) with
one touch: the last characters of every heading are kept together, so that a title never
ends with one character alone on its last line.

The findings of the checks are never printed here: they belong to the review
(:mod:`juesuan.render.review`). Nothing is fetched: styles and scripts are inline,
the page names no http(s) URL.
"""

from __future__ import annotations

import base64
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
from juesuan.document.typeset import full_width
from juesuan.money import format_wan
from juesuan.narrative.render import bytecode_cache
from juesuan.render.charts import (
    HEIGHT_IN,
    PICTURE_TYPES,
    chart_height,
    chart_picture,
    chart_svg,
    echarts_option,
    pie_slices,
    share_percent,
    text_em,
)
from juesuan.render.layout import Grid, display_width, grid, indent
from juesuan.tables.table import RowKind, Table

TOC_ID = "toc"
PICTURE_DPI = 150  # a chart picture of the PDF: sharp in print at the width of the page

# Widths in display columns (a CJK character is two). A4 portrait holds about 100 columns
# of 9 pt table text, landscape about 166, and 200 at 7.5 pt: wider tables print smaller.
LANDSCAPE_ABOVE = 100
SMALL_ABOVE = 166
TINY_ABOVE = 200
MAX_NAME_WIDTH = 40
MAX_TEXT_WIDTH = 30
MAX_LABEL_WIDTH = 10
# On a phone a table scrolls under its stub: names and texts wrap in narrower columns, so
# that the stub leaves room for the figures.
NARROW_NAME_WIDTH = 18
NARROW_TEXT_WIDTH = 18
KEEP_ROWS = 3  # a table's first and last rows go over a page break in groups this large
COMPACT_ROWS = 12  # a table this short is never split over two pages
TAIL = 3  # characters at the end of a heading that always share its last line
# A heading longer than this (in ems) prints as two halves that each keep to one line, so
# that it breaks in its middle; beyond twice as long it breaks where it must. Paper's
# narrowest heading line holds some 28 ems (16 pt on A4 portrait).
HALVES_ABOVE = 24
HALVES_UP_TO = 48

# The cover title's size by its longest line, in display columns: what fits 16 cm.
TITLE_SIZES = ((34, "title-large", 26), (40, "title-medium", 22))
TITLE_SMALLEST = ("title-small", 18)

_PLACEHOLDER = re.compile(re.escape(PLACEHOLDER_OPEN) + ".*?" + re.escape(PLACEHOLDER_CLOSE), re.S)


def document_to_html(doc: Document, *, interactive: bool = True, pictures: bool = False) -> str:
    """The public document as one HTML page that works offline.

    ``interactive`` draws charts with the inlined ECharts library; otherwise they are
    static SVG, or with ``pictures`` JPEG pictures of the same drawing (what the PDF uses:
    as in published reports, a chart is a picture, so the PDF's text layer holds the
    document's text and the chart's figures once, in its data table, not its axis labels
    run together). The document's findings are never printed.
    """
    ids = _Ids()
    parts = [_part_view(part.key, part.heading, part.sections, ids, doc, interactive, pictures)
             for part in doc.printed_parts()]
    charts = bool(doc.charts())
    template = _environment().get_template("document.html.j2")
    return template.render(
        doc=doc,
        cover=cover_view(doc),
        parts=parts,
        toc_id=TOC_ID,
        interactive=interactive,
        echarts=Markup(_echarts_source()) if interactive and charts else None,
        css=Markup(_static_text("document.css")),
        metadata=sorted(doc.metadata.items()),
    )


# ---------------------------------------------------------------------------- text


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


def heading_text(text: str) -> Markup:
    """A heading as printed, never with one or two characters alone on its last line.

    Its last :data:`TAIL` characters are one unbreakable span; a long heading is two
    halves that each keep to one line on paper (WeasyPrint does not balance lines as a
    browser does), parted where the two are most nearly equal, after a space or a mark
    if one is near the middle."""
    cut = _balanced_cut(text)
    if cut is not None:  # (on a screen the halves flow on: the second keeps its tail)
        return Markup('<span class="half">{}</span><span class="half">{}</span>').format(
            text[:cut], _with_tail(text[cut:]))
    return _with_tail(text)


def _with_tail(text: str) -> Markup:
    """``text`` escaped, its last :data:`TAIL` characters in one unbreakable span."""
    if len(text) <= TAIL + 1 or " " in text[-TAIL:]:
        return escape(text)
    return Markup('{}<span class="tail">{}</span>').format(text[:-TAIL], text[-TAIL:])


_AFTER = frozenset(" 、，：；）”》")  # a heading reads well parted after these …
_BEFORE = frozenset("（“《")  # … and before these
_OPEN, _CLOSE = "（(", "）)"
_PREFERRED = 10.0  # ems of imbalance a natural place is worth
_HALF_MOST = 27.0  # ems a half may take: it must fit the narrowest heading line


def _balanced_cut(text: str) -> int | None:
    """Where to part a long heading into two halves, or ``None`` (short, or too long).

    Never inside a number, a Latin word or brackets; after a space or a mark, before an
    opening bracket or quote, or between a name and a year where one is not far from the
    middle; else in the middle."""
    total = text_em(text)
    if not HALVES_ABOVE < total <= HALVES_UP_TO:
        return None
    best: tuple[float, int] | None = None
    left, depth = 0.0, 0
    for i in range(1, len(text) - TAIL):
        before, after = text[i - 1], text[i]
        left += text_em(before)
        depth += (before in _OPEN) - (before in _CLOSE)
        if depth > 0 or (before.isascii() and after.isascii() and before.isalnum()
                         and after.isalnum()) or max(left, total - left) > _HALF_MOST:
            continue
        natural = (before in _AFTER or after in _BEFORE
                   or (after.isdigit() and not before.isascii()))
        cost = abs(total - 2 * left) - (_PREFERRED if natural else 0.0)
        if best is None or cost < best[0]:
            best = (cost, i)
    return best[1] if best is not None else None


# ---------------------------------------------------------------------------- views


@dataclass(frozen=True)
class CoverView:
    lines: list[Markup]  # the title, broken after the department's name
    size: str  # CSS class of the title's size
    style: str  # for the screen: its size in points and its longest line in ems
    notices: list[Markup]


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
class ColumnWidth:
    share: str  # of the table's width, on paper and wide screens: "12.5%"
    narrow: str  # on a phone: "6em"


@dataclass(frozen=True)
class TableView:
    id: str
    heading: Markup
    department: str
    unit: str
    notes: list[Markup]
    widths: list[ColumnWidth]
    head: list[list[HeadCell]]
    body: list[BodyRow]
    classes: str  # of the <table>
    block_classes: str  # of the block holding title, table and notes
    style: str  # custom properties for the screen: the table's least width, the stub's offset
    wide: bool


@dataclass(frozen=True)
class ChartView:
    id: str
    title: Markup
    classes: str
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
    title: Markup  # the heading as printed (and the 目录 entry's text)
    level: int  # h2 … h6
    paragraphs: list[Markup]
    tables: list[TableView]
    charts: list[ChartView]
    subsections: list[SectionView] = field(default_factory=list)
    new_page: bool = False  # printed from the top of a new page

    @property
    def wide(self) -> bool:
        return any(t.wide for t in self.tables)

    @property
    def classes(self) -> str:
        out = ["section", f"level-{self.level}", "wide" if self.wide else "narrow"]
        if self.new_page:
            out.append("new-page")
        return " ".join(out)


@dataclass(frozen=True)
class PartView:
    id: str
    title: Markup  # the heading as printed
    key: str
    sections: list[SectionView]

    @property
    def wide_start(self) -> bool:
        """Whether the part's first page is landscape (its heading shares it)."""
        return bool(self.sections) and self.sections[0].wide


class _Ids:
    """Unique HTML ids from keys: ``tables.1`` → ``sec-tables-1`` (``-2`` … on repeats)."""

    def __init__(self) -> None:
        self._used: set[str] = {TOC_ID}

    def make(self, key: str) -> str:
        base = re.sub(r"[^A-Za-z0-9_-]+", "-", key).strip("-") or "id"
        candidate, n = base, 1
        while candidate in self._used:
            n += 1
            candidate = f"{base}-{n}"
        self._used.add(candidate)
        return candidate


def cover_view(doc: Document) -> CoverView:
    """The cover: the title on two lines (the department, then the rest, as the published
    reports print it) in the largest size whose longest line fits the page."""
    title = doc.title
    lines = [title]
    if doc.department and title.startswith(doc.department) and len(title) > len(doc.department):
        lines = [doc.department, title[len(doc.department):]]
    longest = max(display_width(line) for line in lines)
    size, points = next(((name, pt) for limit, name, pt in TITLE_SIZES if longest <= limit),
                        TITLE_SMALLEST)
    style = f"--title-pt: {points}pt; --title-em: {max(longest, 2) / 2:g}"
    return CoverView([heading_text(line) for line in lines], size, style,
                     [rich_text(n) for n in doc.notices])


def _part_view(key: str, heading: str, sections: tuple[Section, ...], ids: _Ids,
               doc: Document, interactive: bool, pictures: bool = False) -> PartView:
    views = [_section_view(s, 2, ids, doc, interactive, pictures) for s in sections]
    if key == "tables":
        # One table a page, as published; the first shares its page with the part's heading.
        for view in views[1:]:
            view.new_page = True
    return PartView(ids.make(f"part-{key}"), heading_text(heading), key, views)


def _section_view(section: Section, level: int, ids: _Ids, doc: Document,
                  interactive: bool, pictures: bool = False) -> SectionView:
    sid = ids.make(f"sec-{section.key}")
    return SectionView(
        sid,
        heading_text(section.heading),
        min(level, 6),
        [rich_text(p) for p in section.paragraphs],
        [table_view(t, ids.make(f"tbl-{section.key}-{n}"), doc.department)
         for n, t in enumerate(section.tables, 1)],
        [_chart_view(c, ids.make(f"chart-{c.key}"), interactive, pictures) for c in section.charts],
        [_section_view(s, level + 1, ids, doc, interactive, pictures) for s in section.subsections],
    )


# ---------------------------------------------------------------------------- tables


def column_weights(g: Grid, *, narrow: bool = False) -> list[int]:
    """Relative widths of the printed columns, in monospace display columns (each with
    two more for the cell's padding); ``narrow``: on a phone, names and texts wrap sooner."""
    max_name = NARROW_NAME_WIDTH if narrow else MAX_NAME_WIDTH
    max_text = NARROW_TEXT_WIDTH if narrow else MAX_TEXT_WIDTH
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
            width = min(max(names, min(leaf, 8), 6), max_name)
        else:
            texts = [g.text_at(line, col, thousands=True) for line in g.lines]
            widest = max((display_width(t) for t in texts), default=0)
            is_text = any(isinstance(g.value_at(line, col), str) for line in g.lines)
            if is_text:
                width = min(max(widest, min(leaf, MAX_LABEL_WIDTH), 8), max_text)
            else:
                width = max(widest, min(leaf, MAX_LABEL_WIDTH), 8)
        weights.append(width + 2)
    return weights


def stub_columns(g: Grid) -> int:
    """How many leading columns are the stub (编码 and 名称, or 项目) held on screen."""
    count = 0
    for column in g.columns:
        if column.part != 0 or column.kind == "value":
            break
        count += 1
    return count


def _row_classes(index: int, count: int, total: bool) -> str:
    """Keep the first and the last :data:`KEEP_ROWS` rows together over a page break."""
    classes = ["total"] if total else []
    if index < KEEP_ROWS - 1:
        classes.append("keep-next")
    if index > count - KEEP_ROWS:
        classes.append("keep-prev")
    return " ".join(classes)


def table_view(table: Table, table_id: str, department: str) -> TableView:
    """A table laid out for the template: header rows of spanning cells, body rows."""
    g = grid(table)
    weights = column_weights(g)
    narrow = column_weights(g, narrow=True)
    total = sum(weights) or 1
    # A display column is half an em.
    widths = [ColumnWidth(f"{w * 1000 // total / 10:.1f}%", f"{n / 2:g}em")
              for w, n in zip(weights, narrow, strict=True)]
    stubs = stub_columns(g)

    def edge_classes(first: int, last: int) -> list[str]:
        out: list[str] = []
        if g.starts_part(first):
            out.append("part-start")
        if last + 1 < len(g.columns) and g.starts_part(last + 1):
            out.append("part-end")
        if last < stubs:
            out.append(f"stub stub-{first}")
        return out

    head: list[list[HeadCell]] = [[] for _ in range(g.depth)]
    for cell in g.header:
        head_classes = [cell.kind, *edge_classes(cell.col, cell.last_col)]
        scope = "colgroup" if cell.kind in ("group", "banner") else "col"
        head[cell.row].append(HeadCell(cell.text, cell.rowspan, cell.colspan,
                                       " ".join(head_classes), scope))

    body: list[BodyRow] = []
    for number, line in enumerate(g.lines):
        cells: list[BodyCell] = []
        for col, column in enumerate(g.columns):
            row = g.row_at(line, col)
            classes: list[str] = ["num" if column.kind == "value" else column.kind,
                                  *edge_classes(col, col)]
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
        all_total = bool(kinds) and all(k is RowKind.TOTAL for k in kinds)
        body.append(BodyRow(_row_classes(number, len(g.lines), all_total), cells))

    table_classes = ["data"]
    if g.side_by_side:
        table_classes.append("side-by-side")
    if total > TINY_ABOVE:
        table_classes.append("tiny")
    elif total > SMALL_ABOVE:
        table_classes.append("small")
    block_classes = ["table-block"]
    if len(g.lines) <= COMPACT_ROWS:
        block_classes.append("compact")
    # On a screen: never narrower than its text, on a phone in its narrow columns, and the
    # second stub column held where the first one ends (a code column is never narrowed).
    style = (f"--table-em: {total / 2:g}em; --narrow-em: {sum(narrow) / 2:g}em; "
             f"--stub-1: {weights[0] / 2:g}em")
    return TableView(
        table_id,
        heading_text(table.heading),
        full_width(department),
        table.unit,
        [rich_text(n) for n in table.notes],
        widths,
        head,
        body,
        " ".join(table_classes),
        " ".join(block_classes),
        style,
        total > LANDSCAPE_ABOVE,
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


def _chart_view(chart: Chart, chart_id: str, interactive: bool, pictures: bool = False) -> ChartView:
    head, rows = chart_data(chart)
    # A short data table stays on the chart's page.
    classes = f"chart chart-{chart.kind}" + (" compact" if len(rows) <= COMPACT_ROWS else "")
    return ChartView(
        chart_id,
        heading_text(chart.title),
        classes,
        chart.kind,
        chart.unit,
        f"{chart_height(chart) / HEIGHT_IN * 22:.0f}em",
        None if interactive else _static_chart(chart, chart_id, pictures),
        echarts_option(chart) if interactive else None,
        head,
        rows,
    )


def _static_chart(chart: Chart, chart_id: str, pictures: bool) -> Markup:
    if not pictures:
        return Markup(chart_svg(chart, id_prefix=chart_id, inline=True))
    picture = chart_picture(chart, dpi=PICTURE_DPI, kind="jpeg")
    data = base64.b64encode(picture).decode("ascii")
    return Markup('<img class="chart-picture" alt="{}" src="data:{};base64,{}">').format(
        chart.title, PICTURE_TYPES["jpeg"], data)


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
        bytecode_cache=bytecode_cache(),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["json_script"] = _tojson
    return env
