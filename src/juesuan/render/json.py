"""JSON rendering of the nine tables: one object per table set, documented in docs/formats.md.

Amounts are decimal *strings* in 万元 rounded half-up to two places ("1511.89"),
never JSON numbers, so no reader turns them into binary floats; blank cells are
``null``. :func:`tables_to_data` gives the plain data (for embedding in other
documents), :func:`tables_to_json` the text.
"""

from __future__ import annotations

import json
from typing import Any

from juesuan.render.layout import cell_text
from juesuan.tables.table import Row, Table, TableSet

FORMAT_VERSION = 1
"""Bumped when a key changes meaning or disappears; adding keys does not bump it."""


def tables_to_data(ts: TableSet) -> dict[str, Any]:
    """The table set as JSON-ready data (dicts, lists, strings, ints, None)."""
    units = {table.unit for table in ts.tables}
    return {
        "format_version": FORMAT_VERSION,
        "department": ts.department,
        "year": ts.year,
        "unit": units.pop() if len(units) == 1 else None,
        "tables": [table_to_data(table) for table in ts.tables],
    }


def tables_to_json(ts: TableSet) -> str:
    """The table set as JSON text: UTF-8 characters unescaped, indented by 2, newline at end."""
    return json.dumps(tables_to_data(ts), ensure_ascii=False, indent=2) + "\n"


def table_to_data(table: Table) -> dict[str, Any]:
    return {
        "number": table.number,
        "key": table.key,
        "title": table.title,
        "unit": table.unit,
        "hierarchical": table.hierarchical,
        "sections": list(table.sections),
        "columns": [column.label for column in table.columns],
        "column_keys": [column.key for column in table.columns],
        "header_groups": [list(column.groups) for column in table.columns],
        "column_sections": [column.section for column in table.columns],
        "rows": [_row_data(row, table) for row in table.rows],
        "notes": list(table.notes),
    }


def _row_data(row: Row, table: Table) -> dict[str, Any]:
    return {
        "key": row.key,
        "code": row.code,
        "name": row.name,
        "level": row.level,
        "kind": row.kind.value,
        "section": row.section,
        "values": [
            None if v is None else cell_text(v, column.places)
            for v, column in zip(row.values, table.columns, strict=True)
        ],
    }
