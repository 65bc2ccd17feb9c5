"""The shared layout: side-by-side pairing, header tiling, indentation, display width."""

from __future__ import annotations

from juesuan.render.layout import (
    display_width,
    grid,
    indent,
    paired_rows,
)
from juesuan.tables.table import Row, RowKind, Table, TableSet


def keys(line: tuple[Row | None, Row | None]) -> tuple[str | None, str | None]:
    left, right = line
    return (left.key if left else None, right.key if right else None)


def line_of(table: Table, key: str) -> tuple[str | None, str | None]:
    for line in paired_rows(table):
        if key in keys(line):
            return keys(line)
    raise AssertionError(f"{key} not printed")


def test_table1_pairs_totals(small: TableSet) -> None:
    t1 = small[1]
    assert line_of(t1, "income_total") == ("income_total", "expenditure_total")
    assert line_of(t1, "income_grand_total") == ("income_grand_total", "expenditure_grand_total")
    assert line_of(t1, "opening") == ("opening", "closing")
    assert keys(paired_rows(t1)[-1]) == ("income_grand_total", "expenditure_grand_total")
    # 8 income items against 26 printed 类: the income side is padded with blank lines.
    lines = paired_rows(t1)
    assert keys(lines[7]) == ("income.other", "208")
    assert keys(lines[8]) == (None, "210")


def test_table4_pads_before_the_grand_total(small: TableSet) -> None:
    t4 = small[4]
    lines = [keys(line) for line in paired_rows(t4)]
    assert line_of(t4, "income_total") == ("income_total", "expenditure_total")
    assert line_of(t4, "opening") == ("opening", "closing")
    assert lines[-4:] == [
        ("opening.general_budget", None),
        ("opening.government_fund", None),
        ("opening.state_capital", None),
        ("income_grand_total", "expenditure_grand_total"),
    ]


def test_every_row_printed_once(small: TableSet) -> None:
    for table in small.tables:
        printed = [row.key for line in paired_rows(table) for row in line if row is not None]
        assert sorted(printed) == sorted(row.key for row in table.rows)


def test_table6_pairs_section_totals(small: TableSet) -> None:
    t6 = small[6]
    assert keys(paired_rows(t6)[-1]) == ("personnel_total", "public_total")
    assert keys(paired_rows(t6)[0]) == ("301", "302")


def test_plain_table_has_one_side(small: TableSet) -> None:
    lines = paired_rows(small[2])
    assert [keys(line) for line in lines][:2] == [("total", None), ("201", None)]
    assert all(right is None for _, right in lines)


def test_header_tiles_exactly(small: TableSet, small_central: TableSet) -> None:
    for ts in (small, small_central):
        for table in ts.tables:
            g = grid(table)
            covered: dict[tuple[int, int], int] = {}
            for cell in g.header:
                for r in range(cell.row, cell.last_row + 1):
                    for c in range(cell.col, cell.last_col + 1):
                        covered[(r, c)] = covered.get((r, c), 0) + 1
            expected = {(r, c) for r in range(g.depth) for c in range(len(g.columns))}
            assert set(covered) == expected, table.number
            assert set(covered.values()) == {1}, table.number


def test_side_by_side_header(small: TableSet) -> None:
    g = grid(small[4])
    assert [c.kind for c in g.columns] == ["name", "value", "name", "value", "value", "value",
                                           "value"]
    assert g.depth == 2
    banners = [(c.text, c.col, c.colspan) for c in g.header if c.kind == "banner"]
    assert banners == [("收入", 0, 2), ("支出", 2, 5)]
    assert g.starts_part(2) and not g.starts_part(1)
    g6 = grid(small[6])
    assert [c.kind for c in g6.columns] == ["code", "name", "value"] * 2


def test_three_level_header(small_central: TableSet) -> None:
    g = grid(small_central[7])
    assert g.depth == 3
    cells = {(c.text, c.row, c.col, c.rowspan, c.colspan) for c in g.header}
    assert ("项目", 0, 0, 3, 1) in cells
    assert ("预算数", 0, 1, 1, 6) in cells
    assert ("公务用车购置及运行费", 1, 3, 1, 3) in cells
    assert ("合计", 1, 1, 2, 1) in cells  # a leaf under one group spans down
    assert ("小计", 2, 3, 1, 1) in cells


def test_group_cells_of_fund_table(small: TableSet) -> None:
    g = grid(small[8])
    cells = {(c.text, c.row, c.col, c.rowspan, c.colspan) for c in g.header}
    assert ("本年支出", 0, 4, 1, 3) in cells
    assert ("科目编码", 0, 0, 2, 1) in cells
    assert ("年初结转和结余", 0, 2, 2, 1) in cells


def test_indent() -> None:
    def r(level: int, code: str | None) -> Row:
        return Row("k", "n", (), code=code, level=level)

    assert [indent(r(level, "2010601"[: 1 + 2 * level])) for level in (1, 2, 3)] == [0, 1, 2]
    assert indent(r(0, None)) == 0
    assert indent(r(1, None)) == 1
    assert indent(Row("t", "合计", (), kind=RowKind.TOTAL)) == 0


def test_display_width() -> None:
    assert display_width("abc") == 3
    assert display_width("科目名称") == 8
    assert display_width("（境）") == 6  # fullwidth parentheses
    assert display_width("“三公”") == 6  # ambiguous quotes count 1
    assert display_width("e\u0301") == 1  # combining accent
