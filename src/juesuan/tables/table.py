"""The one table structure every public table (and later every 自评表) is built into.

A :class:`Table` is a grid: leaf columns with their header groups, and rows with a
code, a name, a level in the 类/款/项 hierarchy and one value per column. Tables
printed side by side (收入 ‖ 支出, 人员经费 ‖ 公用经费) keep one grid: each row and
each column belongs to a *section*, and a row has values only in its section's
columns; renderers pair the sections back up.

Each value carries an error bound (half-width of the interval the true amount lies
in). Figures read from a page printed to 0.01 have 0.005; exact figures have 0. The
reconciliation rules compare intervals, so a difference that rounding explains is
never reported as an error.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import cached_property

from juesuan.money import ZERO, half_unit

Cell = Decimal | str | None
"""A table cell: an amount or number, a text (自评表 targets, actual values), or blank."""


class RowKind(StrEnum):
    ITEM = "item"  # an ordinary row: a code or a labelled line
    TOTAL = "total"  # 合计 / 本年收入合计 / 总计 and the like


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # leaf header as printed
    groups: tuple[str, ...] = ()  # enclosing header cells, outermost first
    section: str | None = None
    # Decimals shown for numbers in this column (amounts: 2; rates: 4); None: each figure with
    # its own, as filed (a 自评表's stated scores: 20 and 96.742 in one column).
    places: int | None = 2


@dataclass(frozen=True)
class Row:
    key: str  # stable within its table: a code, or a name such as "income_total"
    name: str
    values: tuple[Cell, ...]
    errors: tuple[Decimal, ...] = ()
    code: str | None = None
    level: int = 0  # 0 label/total, 1 类, 2 款, 3 项
    kind: RowKind = RowKind.ITEM
    section: str | None = None

    def error(self, index: int) -> Decimal:
        return self.errors[index] if self.errors else ZERO


@dataclass(frozen=True)
class Table:
    number: int
    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    unit: str = "万元"
    notes: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()  # two names when printed side by side
    hierarchical: bool = False  # rows carry functional or economic codes with levels
    stub: str = "项目"  # header of the row-name column of a table without codes
    # keys of rows whose amounts the filing has not filled yet: blank, yet not known to be 0
    unfilled: tuple[str, ...] = ()

    @property
    def heading(self) -> str:
        """The printed heading: 表N and the title for the nine public tables, else the title."""
        return f"表{self.number} {self.title}" if 1 <= self.number <= 9 else self.title

    @cached_property
    def _index(self) -> dict[str, int]:
        return {row.key: i for i, row in enumerate(self.rows)}

    @cached_property
    def hierarchy_links(self) -> tuple[tuple[int, tuple[int, ...]], ...]:
        """(parent row, child rows) by code — 类 → 款 → 项 (经济分类: 类 → 款) — and
        the 合计 row → the 类 rows, as row indexes."""
        economic = self.key == "general_budget_basic"
        child_length = {3: 5} if economic else {3: 5, 5: 7}
        index = {r.code: n for n, r in enumerate(self.rows) if r.code is not None}
        children: dict[int, list[int]] = {}
        for code, n in index.items():
            parent = code[: len(code) - 2] if len(code) in (5, 7) else None
            if parent is not None and parent in index and child_length.get(len(parent)) == len(code):
                children.setdefault(index[parent], []).append(n)
        links = [(parent, tuple(kids)) for parent, kids in sorted(children.items())]
        total = self._index.get("total")
        classes = tuple(n for code, n in index.items() if len(code) == 3)
        if total is not None and classes:
            links.append((total, classes))
        return tuple(links)

    @cached_property
    def grid(self) -> tuple[tuple[list[Decimal], ...], tuple[list[Decimal], ...]]:
        """Values (blanks as zero) and errors by column: ``values[column][row]``.

        The checks read every cell several times; plain lists keep that cheap.
        """
        width = len(self.columns)
        values: tuple[list[Decimal], ...] = tuple([] for _ in range(width))
        errors: tuple[list[Decimal], ...] = tuple([] for _ in range(width))
        for row in self.rows:
            row_errors = row.errors or (ZERO,) * width
            for i in range(width):
                v = row.values[i]
                values[i].append(v if isinstance(v, Decimal) else ZERO)
                errors[i].append(row_errors[i])
        return values, errors

    @property
    def column_keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)

    def column_index(self, key: str) -> int:
        for i, column in enumerate(self.columns):
            if column.key == key:
                return i
        raise KeyError(f"table {self.number} has no column {key!r}")

    def find(self, key: str) -> Row | None:
        index = self._index.get(key)
        return self.rows[index] if index is not None else None

    def row(self, key: str) -> Row:
        found = self.find(key)
        if found is None:
            raise KeyError(f"table {self.number} has no row {key!r}")
        return found

    def cell(self, row_key: str, column_key: str) -> Cell:
        row = self.find(row_key)
        return None if row is None else row.values[self.column_index(column_key)]

    def rows_in(self, section: str | None) -> Iterator[Row]:
        return (row for row in self.rows if row.section == section)

    def coded_rows(self) -> Iterator[Row]:
        return (row for row in self.rows if row.code is not None)

    @property
    def empty(self) -> bool:
        return all(not isinstance(v, Decimal) or v == 0 for row in self.rows for v in row.values)

    def rounded(self, places: int = 2) -> Table:
        """The table as printed: every value rounded half-up, each carrying its rounding error."""
        err = half_unit(places)
        exponent = Decimal(1).scaleb(-places)
        rows = []
        for row in self.rows:
            values = tuple(v.quantize(exponent, ROUND_HALF_UP) if isinstance(v, Decimal) else v
                           for v in row.values)
            errors = tuple(err if isinstance(v, Decimal) else ZERO for v in values)
            rows.append(Row(row.key, row.name, values, errors, row.code, row.level, row.kind,
                            row.section))
        return replace(self, rows=tuple(rows))


@dataclass(frozen=True)
class TableSet:
    """The nine public tables of one department-year."""

    tables: tuple[Table, ...]
    department: str
    year: int
    kind: str = "部门决算公开表"  # what the set is, for headings: or 绩效自评表
    expected: tuple[int, ...] = tuple(range(1, 10))  # the tables its template prints

    @property
    def heading(self) -> str:
        return f"{self.department} {self.year}年度{self.kind}"

    def __getitem__(self, number: int) -> Table:
        for table in self.tables:
            if table.number == number:
                return table
        raise KeyError(number)

    def get(self, number: int) -> Table | None:
        for table in self.tables:
            if table.number == number:
                return table
        return None

    def rounded(self, places: int = 2) -> TableSet:
        return replace(self, tables=tuple(t.rounded(places) for t in self.tables))


def blank(value: Decimal) -> Decimal | None:
    """Published tables leave zero cells blank."""
    return None if value == 0 else value


def values_of(amounts: Sequence[tuple[Decimal, Decimal]]) -> tuple[
    tuple[Decimal | None, ...], tuple[Decimal, ...]
]:
    """Split (value, error) pairs into a row's values and errors."""
    return tuple(blank(v) for v, _ in amounts), tuple(e for _, e in amounts)
