"""The physical layout of a table, shared by every renderer.

A :class:`~juesuan.tables.table.Table` is one logical grid. On paper it is printed
with stub columns (项目, or 科目编码 and 科目名称 for tables with functional or
economic codes) in front of the value columns, a header of merged cells, and, for
the side-by-side tables 1, 4 and 6, its two sections printed next to each other:
``[项目 | 决算数] ‖ [项目 | …]``. :func:`grid` works that layout out once, so the
text, spreadsheet (and later HTML and DOCX) renderers only draw it:

* :func:`paired_rows` pairs the rows of the two sections into printed lines;
* :class:`HeaderCell` tiles the header exactly, with row and column spans;
* :func:`indent` says how far a row's name is indented;
* :func:`display_width` measures text in monospace columns (CJK counts two).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

from juesuan.money import decimal_places, format_wan
from juesuan.tables.table import Cell, Column, Row, RowKind, Table

STUB_ITEM = "项目"
STUB_CODE = "科目编码"
STUB_NAME = "科目名称"

ColumnKind = Literal["code", "name", "value"]
HeaderKind = Literal["banner", "group", "leaf", "stub"]

Line = tuple[Row | None, Row | None]
"""One printed line: the row of the left side (or the only side) and of the right side."""


@dataclass(frozen=True)
class GridColumn:
    """A printed column: a stub (code or name) or one of the table's value columns."""

    kind: ColumnKind
    part: int  # side of the printed line: 0, or 1 for the right-hand section
    index: int | None = None  # position in ``Table.columns``, for value columns


@dataclass(frozen=True)
class HeaderCell:
    """One cell of the header; ``row`` and ``col`` count from the header's top left."""

    text: str
    row: int
    col: int
    rowspan: int
    colspan: int
    kind: HeaderKind

    @property
    def last_row(self) -> int:
        return self.row + self.rowspan - 1

    @property
    def last_col(self) -> int:
        return self.col + self.colspan - 1


@dataclass(frozen=True)
class Grid:
    """A table laid out for printing."""

    table: Table
    columns: tuple[GridColumn, ...]
    header: tuple[HeaderCell, ...]  # tiles ``depth`` × ``len(columns)`` exactly
    depth: int  # header rows
    lines: tuple[Line, ...]

    @property
    def side_by_side(self) -> bool:
        return len(self.table.sections) == 2

    def starts_part(self, col: int) -> bool:
        """True for the first column of the right-hand section (where ‖ is drawn)."""
        return col > 0 and self.columns[col].part != self.columns[col - 1].part

    def row_at(self, line: Line, col: int) -> Row | None:
        return line[self.columns[col].part]

    def value_at(self, line: Line, col: int) -> Cell:
        column = self.columns[col]
        row = line[column.part]
        if row is None or column.index is None:
            return None
        return row.values[column.index]

    def text_at(self, line: Line, col: int, *, thousands: bool = False) -> str:
        """A value cell as printed, with its column's number of decimals."""
        index = self.columns[col].index
        places = self.table.columns[index].places if index is not None else 2
        return cell_text(self.value_at(line, col), places, thousands=thousands)

    def header_at(self, row: int, col: int) -> HeaderCell:
        """The header cell covering position (row, col)."""
        for cell in self.header:
            if cell.row <= row <= cell.last_row and cell.col <= col <= cell.last_col:
                return cell
        raise KeyError((row, col))


def cell_text(value: Cell, places: int | None = 2, *, thousands: bool = False) -> str:
    """A cell as printed: text as it is, numbers rounded half-up to ``places`` (``None``:
    with the figure's own decimals, as filed)."""
    if isinstance(value, str):
        return value
    if places is None and value is not None:
        places = decimal_places(value)
    return format_wan(value, places or 0, thousands=thousands)


def display_width(text: str) -> int:
    """Columns ``text`` takes in a monospace terminal: East Asian wide/fullwidth count 2.

    Ambiguous-width characters (such as “ ”) count 1, as in a non-CJK locale.
    """
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def indent(row: Row) -> int:
    """Indentation steps of a row's name.

    ``Row.level`` counts from 1 (类) for coded rows and from 0 (a label) for the
    others, so a 类 row and a plain label both stand flush left, a 款 one step in,
    a 项 two; an uncoded level-1 row (the funds under 年初结转和结余 in 表4) one step.
    """
    return max(0, row.level - 1) if row.code is not None else max(0, row.level)


def column_path(column: Column) -> tuple[str, ...]:
    """A column's header path: its groups, outermost first, then its leaf label."""
    return (*column.groups, column.label)


def footer_start(rows: list[Row]) -> int:
    """Index of the first TOTAL row: the footer (合计, 结转, 总计 …) runs from there."""
    for i, row in enumerate(rows):
        if row.kind is RowKind.TOTAL:
            return i
    return len(rows)


def _pad_footer(footer: list[Row], length: int, other: list[Row]) -> list[Row | None]:
    missing = length - len(footer)
    if missing <= 0:
        return list(footer)
    if footer and other and footer[-1].kind is RowKind.TOTAL and other[-1].kind is RowKind.TOTAL:
        # Blank lines go before the final 总计 so it stands level with the other side's.
        return [*footer[:-1], *([None] * missing), footer[-1]]
    return [*footer, *([None] * missing)]


def paired_rows(table: Table) -> list[Line]:
    """The printed lines of a table: each the left row and the right row, or None.

    A table with two sections prints them side by side: the item rows of both first,
    the shorter side padded with blank lines, then the footers (each section's rows
    from its first TOTAL row on) aligned so that 本年收入合计 stands by 本年支出合计
    and 总计 by 总计. Other tables give one line per row, with None on the right.
    """
    if len(table.sections) != 2:
        return [(row, None) for row in table.rows]
    left_name, right_name = table.sections
    stray = [row.key for row in table.rows if row.section not in table.sections]
    if stray:
        raise ValueError(f"table {table.number}: rows outside its sections: {stray}")
    left, right = list(table.rows_in(left_name)), list(table.rows_in(right_name))
    left_split, right_split = footer_start(left), footer_start(right)
    left_items, left_footer = left[:left_split], left[left_split:]
    right_items, right_footer = right[:right_split], right[right_split:]

    n_items = max(len(left_items), len(right_items))
    n_footer = max(len(left_footer), len(right_footer))
    lefts: list[Row | None] = [
        *left_items,
        *([None] * (n_items - len(left_items))),
        *_pad_footer(left_footer, n_footer, right_footer),
    ]
    rights: list[Row | None] = [
        *right_items,
        *([None] * (n_items - len(right_items))),
        *_pad_footer(right_footer, n_footer, left_footer),
    ]
    return list(zip(lefts, rights, strict=True))


def _value_columns(table: Table, section: str | None) -> list[int]:
    return [
        i for i, column in enumerate(table.columns) if section is None or column.section == section
    ]


def grid(table: Table) -> Grid:
    """Lay a table out: stub and value columns per side, the header cells, the lines.

    Header depth is one more than the deepest column's groups. Group cells span the
    consecutive columns sharing the same group path; a leaf label spans down from
    below its groups to the header's last row; stub headers span the full depth.
    On a side-by-side table whose columns all sit under a group named after their
    section (收入, 支出, 人员经费 …), that group is a banner over the whole side,
    stubs included, as in the official tables.
    """
    sides: tuple[str | None, ...] = table.sections if len(table.sections) == 2 else (None,)
    parts = [(part, section, _value_columns(table, section)) for part, section in enumerate(sides)]
    depth = 1 + max((len(c.groups) for c in table.columns), default=0)
    stubs: list[tuple[ColumnKind, str]] = (
        [("code", STUB_CODE), ("name", STUB_NAME)] if table.hierarchical else [("name", table.stub)]
    )
    columns: list[GridColumn] = []
    header: list[HeaderCell] = []
    for part, section, indices in parts:
        start = len(columns)
        banner = int(
            section is not None
            and bool(indices)
            and all(table.columns[i].groups[:1] == (section,) for i in indices)
        )
        if banner:
            header.append(
                HeaderCell(str(section), 0, start, 1, len(stubs) + len(indices), "banner")
            )
        for kind, label in stubs:
            header.append(HeaderCell(label, banner, len(columns), depth - banner, 1, "stub"))
            columns.append(GridColumn(kind, part))
        first_value = len(columns)
        columns.extend(GridColumn("value", part, i) for i in indices)
        for level in range(banner, depth - 1):
            run_start = 0
            while run_start < len(indices):
                path = table.columns[indices[run_start]].groups[: level + 1]
                run_end = run_start + 1
                if len(path) == level + 1:
                    while (
                        run_end < len(indices)
                        and table.columns[indices[run_end]].groups[: level + 1] == path
                    ):
                        run_end += 1
                    header.append(
                        HeaderCell(
                            path[-1], level, first_value + run_start, 1, run_end - run_start,
                            "group",
                        )
                    )
                run_start = run_end
        for offset, i in enumerate(indices):
            column = table.columns[i]
            below = len(column.groups)
            header.append(
                HeaderCell(column.label, below, first_value + offset, depth - below, 1, "leaf")
            )
    header.sort(key=lambda cell: (cell.row, cell.col))
    return Grid(table, tuple(columns), tuple(header), depth, tuple(paired_rows(table)))
