"""Plain-text rendering of the nine tables for terminals.

Each table is drawn as a bordered monospace grid under its number and title
("表1 收入支出决算总表") and the unit line, with the merged header of the official
layout, names indented by level, amounts rounded half-up to two decimals (blank
cells stay blank) and the notes underneath. Side-by-side tables print their two
sections next to each other, separated by ``||``. Widths are measured with
:func:`~juesuan.render.layout.display_width`, so CJK text lines up.
"""

from __future__ import annotations

from juesuan.render.layout import Grid, display_width, grid, indent
from juesuan.tables.table import Table, TableSet

INDENT = "  "  # one step of name indentation: the width of one CJK character


def tables_to_text(ts: TableSet, *, thousands: bool = True) -> str:
    """All tables of ``ts`` as text, one block per table separated by a blank line."""
    blocks = [ts.heading]
    blocks.extend(table_to_text(table, thousands=thousands) for table in ts.tables)
    return "\n\n".join(blocks) + "\n"


def table_to_text(table: Table, *, thousands: bool = True) -> str:
    """One table as text (no trailing newline)."""
    g = grid(table)
    n = len(g.columns)
    body = [_body_cells(g, line_no, thousands) for line_no in range(len(g.lines))]

    widths = [1] * n
    for cells in body:
        for col, (text, _) in enumerate(cells):
            widths[col] = max(widths[col], display_width(text))
    for cell in sorted(g.header, key=lambda c: c.colspan):
        have = _span_width(widths, cell.col, cell.colspan)
        need = display_width(cell.text)
        if need > have:
            extra, rest = divmod(need - have, cell.colspan)
            for k in range(cell.colspan):
                widths[cell.col + k] += extra + (1 if k >= cell.colspan - rest else 0)

    def edge(col: int, char: str) -> str:
        return char * 2 if g.starts_part(col) else char

    def header_edges(row: int) -> list[bool]:
        return [col in (0, n) or g.header_at(row, col).col == col for col in range(n + 1)]

    def rule(up: list[bool], down: list[bool], continues: list[bool], fill: str) -> str:
        out: list[str] = []
        for col in range(n + 1):
            horizontal = (col > 0 and not continues[col - 1]) or (col < n and not continues[col])
            if up[col] or down[col]:
                char = "+" if horizontal else "|"
            else:
                char = fill if horizontal else " "
            out.append(edge(col, char) if col < n else char)
            if col < n:
                out.append((" " if continues[col] else fill) * (widths[col] + 2))
        return "".join(out)

    none = [False] * (n + 1)
    every = [True] * (n + 1)
    apart = [False] * n
    lines: list[str] = []
    lines.append(rule(none, header_edges(0), apart, "-"))
    for row in range(g.depth):
        out: list[str] = []
        col = 0
        while col < n:
            cell = g.header_at(row, col)
            text = cell.text if row == cell.last_row else ""
            out.append(edge(col, "|"))
            out.append(" " + _align(text, _span_width(widths, col, cell.colspan), "^") + " ")
            col += cell.colspan
        out.append("|")
        lines.append("".join(out))
        if row + 1 < g.depth:
            continues = [
                g.header_at(row, c) is g.header_at(row + 1, c) for c in range(n)
            ]
            lines.append(rule(header_edges(row), header_edges(row + 1), continues, "-"))
    lines.append(rule(header_edges(g.depth - 1), every, apart, "="))
    for cells in body:
        out = []
        for col, (text, align) in enumerate(cells):
            out.append(edge(col, "|") + " " + _align(text, widths[col], align) + " ")
        out.append("|")
        lines.append("".join(out))
    lines.append(rule(every, none, apart, "-"))

    total_width = display_width(lines[0])
    title = table.heading
    unit = f"单位：{table.unit}"
    head = [title, " " * max(0, total_width - display_width(unit)) + unit]
    return "\n".join([*head, *lines, *table.notes])


def _span_width(widths: list[int], col: int, colspan: int) -> int:
    """Content width of a cell spanning ``colspan`` columns (their inner borders included)."""
    return sum(widths[col : col + colspan]) + 3 * (colspan - 1)


def _align(text: str, width: int, align: str) -> str:
    gap = max(0, width - display_width(text))
    if align == ">":
        return " " * gap + text
    if align == "^":
        left = gap // 2
        return " " * left + text + " " * (gap - left)
    return text + " " * gap


def _body_cells(g: Grid, line_no: int, thousands: bool) -> list[tuple[str, str]]:
    line = g.lines[line_no]
    cells: list[tuple[str, str]] = []
    for col, column in enumerate(g.columns):
        row = g.row_at(line, col)
        if row is None:
            cells.append(("", "<"))
        elif column.kind == "code":
            cells.append((row.code or "", "<"))
        elif column.kind == "name":
            cells.append((INDENT * indent(row) + row.name, "<"))
        else:
            text = g.text_at(line, col, thousands=thousands)
            cells.append((text, "<" if isinstance(g.value_at(line, col), str) else ">"))
    return cells
