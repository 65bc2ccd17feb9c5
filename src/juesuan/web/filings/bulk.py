"""批量编辑: a whole list of a section as tab-separated text, what Excel copies. Pure: no Django.

A table (支出, 收入, 基本支出经济分类 …) is written as one line a row, its cells separated by
tabs, under a header line of the column labels (:func:`to_tsv`). Text pasted from a
spreadsheet is read back (:func:`read_tsv`): the header line is optional, cells are read as
the form reads them (amounts with separators or full-width digits, 资金来源 by its value or its
Chinese label), blank lines are skipped, quoted cells may hold tabs and line breaks. The rows
then replace the list, or are added after its last row (:func:`apply`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from juesuan.web.filings.forms_schema import (
    Group,
    Pairs,
    Rows,
    Scalar,
    from_form,
    join,
    scalar_text,
)
from juesuan.web.filings.paging import ListRef, dig, items_of

MAX_LINES = 100_000  # lines of pasted text read (a filing's longest table has a few thousand rows)
MODES = (("replace", "替换这张表的全部行"), ("append", "追加到这张表的末尾"))


def columns_of(ref: ListRef) -> list[Scalar]:
    """The columns of a list that can be edited as a table (empty: cards, which cannot)."""
    node = ref.node
    if isinstance(node, Pairs):
        return [node.key, node.value]
    item = node.item
    if isinstance(item, Scalar):
        return [item]
    if isinstance(item, Group) and item.flat:
        return [f for f in item.fields if isinstance(f, Scalar)]
    return []


def label_of(ref: ListRef, column: Scalar) -> str:
    return column.label or ref.label


def _cell(column: Scalar, value: Any) -> str:
    text = scalar_text(column, column.default if value is None else value)
    if column.kind == "choice":  # the Chinese label reads better in a spreadsheet; both are read back
        return next((label for choice, label in column.choices if choice == text), text)
    if column.kind == "flag":
        return "是" if value else ""
    return text.replace("\t", " ")


def to_tsv(ref: ListRef, value: Any) -> str:
    """The list as tab-separated text under a header line (cells with line breaks quoted)."""
    columns = columns_of(ref)
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([label_of(ref, c) for c in columns])
    for item in items_of(ref, value):
        if isinstance(ref.node, Pairs):
            cells = [_cell(columns[0], item[0]), _cell(columns[1], item[1])]
        elif isinstance(ref.node.item, Scalar):
            cells = [_cell(columns[0], item)]
        else:
            cells = [_cell(c, item.get(c.name) if isinstance(item, Mapping) else None) for c in columns]
        writer.writerow(cells)
    return out.getvalue()


@dataclass
class Reading:
    """Rows read from pasted text: the list's plain data and the text line of each row."""

    value: Any  # a list (Rows) or a dict (Pairs)
    lines: list[int] = field(default_factory=list)  # row → line number of the text (1-based)
    problems: list[str] = field(default_factory=list)


def _choice(column: Scalar, text: str) -> str:
    text = text.strip()
    for choice, label in column.choices:
        if text in (choice, label):
            return choice
    return text


def _short(label: str) -> str:
    """A label without its parenthesised note: "科目名称（可省略，默认取科目表）" → "科目名称"."""
    for mark in ("（", "("):
        label = label.split(mark, 1)[0]
    return label.strip()


def _header(ref: ListRef, columns: list[Scalar], cells: list[str]) -> list[Scalar | None] | None:
    """The columns a header line names, in its order (None for a blank header cell), or None
    when the line is not a header (its first cell names no column)."""
    names: dict[str, Scalar] = {}
    for column in columns:
        for name in (label_of(ref, column), _short(label_of(ref, column)), column.name):
            if name:
                names.setdefault(name, column)
    found = [names.get(c.strip()) if c.strip() else None for c in cells]
    first = next((c for c in cells if c.strip()), "")
    if names.get(first.strip()) is None:
        return None
    return found


def read_tsv(ref: ListRef, text: str) -> Reading:
    """The rows of pasted tab-separated text. Never raises: what cannot be read is a problem.

    A first line naming the columns (by their labels, as :func:`to_tsv` writes them, or the
    labels without their notes) says which column each cell is, in any order and any subset;
    without one the cells are the columns in order."""
    columns = columns_of(ref)
    labels = [label_of(ref, c) for c in columns]
    reading = Reading([] if isinstance(ref.node, Rows) else {})
    rows: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text.replace("\r\n", "\n").replace("\r", "\n")), delimiter="\t")
    line = 1
    try:
        for cells in reader:
            if reader.line_num > MAX_LINES:
                reading.problems.append(f"粘贴的内容超过 {MAX_LINES:,} 行，未读取。请分几次粘贴。")
                return reading
            if any(c.strip() for c in cells):
                rows.append((line, cells))
            line = reader.line_num + 1  # a quoted cell may span lines: the next row starts here
    except csv.Error as exc:
        reading.problems.append(f"第 {line} 行无法读取（{exc}），请检查引号是否成对。")
        return reading
    order: list[Scalar | None] = list(columns)
    if rows:
        header = _header(ref, columns, rows[0][1])
        if header is not None:
            unknown = [c.strip() for c, col in zip(rows[0][1], header, strict=True) if c.strip() and col is None]
            named = [col.name for col in header if col is not None]
            if unknown:
                reading.problems.append(f"第 {rows[0][0]} 行（表头）的“{'”“'.join(unknown)}”不是本表的栏目；"
                                        f"本表的栏目为：{'、'.join(labels)}")
            elif len(set(named)) < len(named):
                reading.problems.append(f"第 {rows[0][0]} 行（表头）有重复的栏目")
            order = header
            rows = rows[1:]
    if reading.problems:
        return reading
    while order and order[-1] is None:
        order.pop()
    values: dict[str, str] = {}
    base = ref.path
    for index, (line, cells) in enumerate(rows):
        while len(cells) > len(order) and not cells[-1].strip():
            cells = cells[:-1]  # trailing empty cells a spreadsheet adds
        if len(cells) > len(order):
            reading.problems.append(f"第 {line} 行有 {len(cells)} 栏，应为不超过 {len(order)} 栏（"
                                    + "、".join(label_of(ref, c) for c in order if c is not None) + "）")
            continue
        row = join(base, index)
        values[join(row, "_row")] = "1"
        for column, cell in zip(order, cells, strict=False):
            if column is None:
                continue
            if column.kind == "choice":
                cell = _choice(column, cell)
            elif column.kind == "flag":
                cell = "on" if cell.strip() in ("是", "on", "1", "true", "yes", "√") else ""
            values[row if isinstance(ref.node, Rows) and isinstance(ref.node.item, Scalar)
                   else join(row, column.name)] = cell
        reading.lines.append(line)
    if reading.problems:
        return reading
    prefix = ".".join(ref.loc[:-1])
    parsed = from_form([ref.node], values, prefix)
    for path, messages in parsed.errors.items():
        index = int(path[len(base) + 1:].split(".", 1)[0])
        for message in messages:
            reading.problems.append(f"第 {reading.lines[index]} 行：{message}")
    value = parsed.data.get(ref.node.name)
    if isinstance(ref.node, Pairs):
        # The form reader dropped repeated keys and rows without one (both reported above).
        reading.value = value if isinstance(value, dict) else {}
        reading.lines = [reading.lines[i] for i in parsed.keys.get((ref.node.name,), {}).values()]
    else:
        reading.value = value if isinstance(value, list) else []
        kept = parsed.rows.get((ref.node.name,), [])
        reading.lines = [reading.lines[i] for i in kept]
    return reading


def apply(current: Mapping[str, Any], ref: ListRef, reading: Reading, mode: str) -> tuple[dict[str, Any], list[str]]:
    """The filing's data with the list replaced by (or extended with) the rows read."""
    saved = dig(current, ref.loc)
    value: Any = reading.value
    problems: list[str] = []
    if mode == "append":
        if isinstance(ref.node, Pairs):
            before = dict(saved) if isinstance(saved, Mapping) else {}
            for (key, item), line in zip(value.items(), reading.lines, strict=True):
                if key in before:
                    problems.append(f"第 {line} 行：{ref.node.key.label}“{key}”表中已有，同一{ref.node.key.label}只能填一行")
                before[key] = item
            value = before
        else:
            value = [*items_of(ref, saved), *value]
    data = dict(current)
    parent = data
    for part in ref.loc[:-1]:
        child = parent.get(part)
        child = dict(child) if isinstance(child, Mapping) else {}
        parent[part] = child
        parent = child
    parent[ref.loc[-1]] = value
    return data, problems


def line_of(ref: ListRef, reading: Reading, mode: str, saved_count: int, index: int) -> str:
    """Where a row of the merged list came from, for a problem the model reports at ``index``."""
    offset = saved_count if mode == "append" else 0
    if index < offset:
        return f"表中原有的第 {index + 1} 行"
    position = index - offset
    if 0 <= position < len(reading.lines):
        return f"粘贴的第 {reading.lines[position]} 行"
    return f"第 {index + 1} 行"
