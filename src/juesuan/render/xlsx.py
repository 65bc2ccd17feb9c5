"""Excel rendering: the nine tables as an .xlsx workbook, one sheet per table.

Each sheet is laid out like the official table: the title merged across the
table, a line with the department and 单位：万元, the header with its group cells
merged across their leaf columns and the stub cells (项目, or 科目编码 and 科目名称)
merged down the header's depth, side-by-side tables printed as
``[项目 | 决算数] ‖ [项目 | …]`` (a double rule between the sections), then the rows
with names indented by level and totals in bold, and the notes underneath.
Amounts are real numbers formatted ``#,##0.00``; blank cells stay empty. Headers
are frozen and repeat on every printed page; wide tables print landscape, fitted
to the page width. Built in memory with XlsxWriter; nothing touches the disk.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from datetime import datetime
from decimal import Decimal
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]
from xlsxwriter.utility import xl_range  # type: ignore[import-untyped]

from juesuan.content import Document
from juesuan.money import decimal_places, round_half_up
from juesuan.render import DOCUMENT_TIME
from juesuan.render.layout import Grid, display_width, grid, indent
from juesuan.tables.table import RowKind, Table, TableSet

NUMBER_FORMAT = "#,##0.00"
FONT = "宋体"
SHEET_NAME_MAX = 31
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

TITLE_ROW = 0
INFO_ROW = 1
HEADER_ROW = 2  # first header row

LINE_HEIGHT = 15.0  # points per line of 11-point text
MAX_NAME_WIDTH = 60
MAX_TEXT_WIDTH = 30  # text value columns (targets, explanations) wrap beyond this
MAX_LABEL_WIDTH = 16  # value-column header labels wider than this wrap
LANDSCAPE_ABOVE = 100  # total column width (in characters) beyond which a sheet prints landscape

_THIN = 1
_DOUBLE = 6


def _utf16_len(text: str) -> int:
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


def _cut(text: str, units: int) -> str:
    """The longest beginning of ``text`` of at most ``units`` UTF-16 code units (Excel counts
    a character beyond the BMP as two)."""
    length = 0
    for i, ch in enumerate(text):
        length += 2 if ord(ch) > 0xFFFF else 1
        if length > units:
            return text[:i]
    return text


def _trim(name: str) -> str:
    """Without leading and trailing spaces and apostrophes (Excel refuses a name that starts
    or ends with one)."""
    while name != (trimmed := name.strip().strip("'")):
        name = trimmed
    return name


def xlsx_sheet_name(table: Table) -> str:
    """Sheet name such as ``表1 收入支出决算总表``, cut to 31 characters, ``[]:*?/\\`` and
    control characters → ``_``; a name Excel would refuse (empty, History) becomes ``表N``."""
    name = "".join("_" if _SHEET_NAME_FORBIDDEN.match(ch) or unicodedata.category(ch)[0] == "C"
                   else ch for ch in table.heading)
    name = _trim(_cut(_trim(name), SHEET_NAME_MAX))
    if not name or name.casefold() == "history":  # History is reserved by Excel
        name = f"表{table.number}"
    return name


def tables_to_xlsx(ts: TableSet, *, created: datetime | None = None) -> bytes:
    """The workbook as bytes, one sheet per table.

    Sheet names are :func:`xlsx_sheet_name`; a name that repeats an earlier one
    (case-insensitively, as Excel compares them) gets ``（2）``, ``（3）`` … at its end.

    ``created`` is the document's creation time (default :data:`DOCUMENT_TIME`: the same
    tables give the same bytes).
    """
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    properties: dict[str, Any] = {"title": ts.heading, "created": created or DOCUMENT_TIME}
    workbook.set_properties(properties)
    formats = _Formats(workbook)
    used: set[str] = set()
    for table in ts.tables:
        name = _unique_sheet_name(xlsx_sheet_name(table), used)
        used.update(_sheet_keys(name))
        _write_table(workbook.add_worksheet(name), grid(table), ts, formats)
    workbook.close()
    return buffer.getvalue()


def document_to_xlsx(doc: Document, *, created: datetime | None = None) -> bytes:
    """Every table of a disclosure document, one sheet each, in document order.

    The nine public tables, 部门决算单位构成 and the 绩效自评表 forms are laid out
    as by :func:`tables_to_xlsx`.
    """
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    properties: dict[str, Any] = {"title": doc.title, "created": created or DOCUMENT_TIME}
    workbook.set_properties(properties)
    formats = _Formats(workbook)
    tables = doc.tables()
    ts = TableSet(tuple(tables), doc.department, doc.year, kind="部门决算")
    used: set[str] = set()
    for table in tables:
        name = _unique_sheet_name(xlsx_sheet_name(table), used)
        used.update(_sheet_keys(name))
        _write_table(workbook.add_worksheet(name), grid(table), ts, formats)
    workbook.close()
    return buffer.getvalue()


def _sheet_keys(name: str) -> set[str]:
    # Excel compares sheet names case-insensitively, XlsxWriter by lower(): a name is taken
    # when any of its case foldings is.
    return {name.casefold(), name.lower(), name.upper()}


def _unique_sheet_name(name: str, used: set[str]) -> str:
    """``name``, or, when a sheet already has it, ``name（2）``, ``name（3）`` … cut to fit."""
    candidate, n = name, 1
    while _sheet_keys(candidate) & used:
        n += 1
        suffix = f"（{n}）"
        candidate = _cut(name, SHEET_NAME_MAX - len(suffix)) + suffix
    return candidate


class _Formats:
    """XlsxWriter formats, created once per distinct set of properties."""

    def __init__(self, workbook: Any) -> None:
        self._workbook = workbook
        self._cache: dict[tuple[tuple[str, Any], ...], Any] = {}

    def get(self, **props: Any) -> Any:
        full = {"font_name": FONT, "font_size": 11, "valign": "vcenter", **props}
        key = tuple(sorted(full.items()))
        if key not in self._cache:
            self._cache[key] = self._workbook.add_format(full)
        return self._cache[key]


def _column_widths(g: Grid) -> list[float]:
    widths: list[float] = []
    for col, column in enumerate(g.columns):
        cells = [g.row_at(line, col) for line in g.lines]
        rows = [row for row in cells if row is not None]
        if column.kind == "code":
            texts = [row.code or "" for row in rows]
        elif column.kind == "name":
            texts = [" " * (2 * indent(row)) + row.name for row in rows]
        else:
            texts = [g.text_at(line, col, thousands=True) for line in g.lines]
        width = max((display_width(t) for t in texts), default=0)
        leaf = min(
            (display_width(c.text) for c in g.header if c.col == col and c.colspan == 1),
            default=0,
        )
        if column.kind == "value":
            width = max(width, min(leaf, MAX_LABEL_WIDTH), 10)
            if any(isinstance(g.value_at(line, col), str) for line in g.lines):
                width = min(width, MAX_TEXT_WIDTH)  # text cells (自评表) wrap instead
        else:
            width = min(max(width, leaf), MAX_NAME_WIDTH)
        widths.append(width + 2.0)
    return widths


def _header_heights(g: Grid, widths: list[float]) -> list[float]:
    heights = [LINE_HEIGHT * 1.2] * g.depth
    for cell in sorted(g.header, key=lambda c: c.rowspan):
        span = sum(widths[cell.col : cell.col + cell.colspan]) - 1
        lines = max(1, math.ceil(display_width(cell.text) / max(span, 1.0)))
        need = lines * LINE_HEIGHT + 4
        have = sum(heights[cell.row : cell.row + cell.rowspan])
        if need > have:
            heights[cell.last_row] += need - have
    return heights


def _merge(sheet: Any, first_row: int, first_col: int, last_row: int, last_col: int, text: str,
           fmt: Any) -> None:
    """Merged cells holding ``text`` as text: merge_range alone would write a text that
    starts with "=" as a formula and one that looks like an address as a link."""
    sheet.merge_range(first_row, first_col, last_row, last_col, "", fmt)
    sheet.write_string(first_row, first_col, text, fmt)


def _write_table(sheet: Any, g: Grid, ts: TableSet, formats: _Formats) -> None:
    table = g.table
    n = len(g.columns)
    last = n - 1
    widths = _column_widths(g)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)

    def edge(col: int) -> dict[str, Any]:
        """A double rule on the left of the right-hand section: the ‖ of the printed table."""
        return {"left": _DOUBLE} if g.starts_part(col) else {}

    # Title and the line under it.
    title = formats.get(bold=True, font_size=16, align="center")
    sheet.set_row(TITLE_ROW, 30)
    heading = table.heading
    if last:
        _merge(sheet, TITLE_ROW, 0, TITLE_ROW, last, heading, title)
    else:
        sheet.write_string(TITLE_ROW, 0, heading, title)
    department = f"编制部门：{ts.department}（{ts.year}年度）"
    left, right = formats.get(align="left"), formats.get(align="right")
    if last >= 2:
        _merge(sheet, INFO_ROW, 0, INFO_ROW, last - 1, department, left)
    else:
        sheet.write_string(INFO_ROW, 0, department, left)
    if table.unit:  # 部门决算单位构成 has none
        sheet.write_string(INFO_ROW, last, f"单位：{table.unit}", right)

    # Header.
    for r, height in enumerate(_header_heights(g, widths)):
        sheet.set_row(HEADER_ROW + r, height)
    for cell in g.header:
        fmt = formats.get(
            bold=True, border=_THIN, align="center", text_wrap=True, **edge(cell.col)
        )
        top, left_col = HEADER_ROW + cell.row, cell.col
        bottom, right_col = HEADER_ROW + cell.last_row, cell.last_col
        if (top, left_col) == (bottom, right_col):
            sheet.write_string(top, left_col, cell.text, fmt)
        else:
            _merge(sheet, top, left_col, bottom, right_col, cell.text, fmt)

    # Body.
    first_body = HEADER_ROW + g.depth
    for i, line in enumerate(g.lines):
        r = first_body + i
        lines_needed = max(
            (math.ceil(display_width(text) / max(widths[col] - 2, 1.0))
             for col in range(len(g.columns))
             if isinstance(text := g.value_at(line, col), str)),
            default=1,
        )
        if lines_needed > 1:  # wrapped text cells (自评表): make the row tall enough
            sheet.set_row(r, lines_needed * LINE_HEIGHT)
        for col, column in enumerate(g.columns):
            row = g.row_at(line, col)
            bold = row is not None and row.kind is RowKind.TOTAL
            base: dict[str, Any] = {"border": _THIN, **edge(col)}
            if bold:
                base["bold"] = True
            if row is None:
                sheet.write_blank(r, col, None, formats.get(**base))
            elif column.kind == "code":
                sheet.write_string(r, col, row.code or "", formats.get(align="left", **base))
            elif column.kind == "name":
                step = indent(row)
                props = {"align": "left", **base, **({"indent": step} if step else {})}
                sheet.write_string(r, col, row.name, formats.get(**props))
            else:
                value = g.value_at(line, col)
                index = column.index
                places = table.columns[index].places if index is not None else 2
                if places is None:  # as filed: each figure with its own decimals
                    places = decimal_places(value) if isinstance(value, Decimal) else 0
                fmt = formats.get(num_format=number_format(places), **base)
                if value is None:
                    sheet.write_blank(r, col, None, fmt)
                elif isinstance(value, str):
                    sheet.write_string(r, col, value,
                                       formats.get(align="left", text_wrap=True, **base))
                else:
                    sheet.write_number(r, col, _excel_number(value, places), fmt)
    end = first_body + len(g.lines)  # first row after the body

    # Notes.
    note = formats.get(align="left")
    for i, text in enumerate(table.notes):
        sheet.write_string(end + i, 0, text, note)

    code_cols = [col for col, column in enumerate(g.columns) if column.kind == "code"]
    if code_cols and g.lines:  # codes are text on purpose: keep Excel from flagging them
        ranges = " ".join(xl_range(first_body, col, end - 1, col) for col in code_cols)
        sheet.ignore_errors({"number_stored_as_text": ranges})

    # View and print setup.
    stub_cols = 0 if g.side_by_side else sum(1 for c in g.columns if c.kind != "value")
    sheet.freeze_panes(first_body, stub_cols)
    sheet.set_paper(9)  # A4
    if sum(widths) > LANDSCAPE_ABOVE:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    sheet.fit_to_pages(1, 0)  # one page wide, as many tall as needed
    sheet.repeat_rows(HEADER_ROW, first_body - 1)
    sheet.center_horizontally()
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    sheet.set_footer("&C第 &P 页，共 &N 页")


def number_format(places: int) -> str:
    """Excel display format with ``places`` decimals (two for amounts)."""
    return NUMBER_FORMAT if places == 2 else "#,##0" + ("." + "0" * places if places else "")


def _excel_number(value: Decimal, places: int = 2) -> float:
    """The amount as Excel stores it.

    Excel keeps numbers as binary doubles, so a float is unavoidable here, and only
    here. Rounding comes first, in Decimal and half-up, so that 1.225 becomes 1.23;
    the float is then the double nearest to a two-place decimal, which Excel shows
    (and sums) as that decimal. Rounding the float instead would round 1.225 (stored
    as 1.22499…) down.
    """
    rounded = round_half_up(value, places)
    return float(rounded) if rounded else 0.0  # never a negative zero

