"""CSV rendering: every cell of the nine tables as one long ("tidy") CSV.

One line per cell: a row of a table against one of the value columns of the row's
own section (a side-by-side table's rows have no cells on the other side). Blank
cells are included with an empty 金额, so the file holds the whole grid and a
pivot on (表号, 行号) × 列号 gives the tables back. Amounts are decimal strings in
万元, rounded half-up to two places, without thousands separators. The columns are
documented in ``docs/formats.md``.
"""

from __future__ import annotations

import csv
import io

from juesuan.render.layout import cell_text, column_path
from juesuan.tables.table import TableSet

CSV_COLUMNS = (
    "部门",
    "年度",
    "表号",
    "表名",
    "部分",
    "行号",
    "行键",
    "科目编码",
    "科目名称",
    "层级",
    "行类型",
    "列号",
    "列键",
    "列名",
    "单位",
    "金额",
)
"""The header line, in order."""

COLUMN_PATH_SEPARATOR = "/"

# Spreadsheets run a cell starting with one of these as a formula; names come from the
# filing (typed by users), so such text is prefixed with an apostrophe (OWASP's advice).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def tables_to_csv(ts: TableSet) -> str:
    """All tables of ``ts`` as CSV text (RFC 4180: comma, double quotes, CRLF line ends).

    Write it with ``encoding="utf-8-sig"`` if it is to be opened in Excel, which
    otherwise guesses a legacy encoding for CSV files.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for table in ts.tables:
        for row_no, row in enumerate(table.rows, 1):
            for col_no, column in enumerate(table.columns, 1):
                if row.section is not None and column.section != row.section:
                    continue
                writer.writerow(
                    (
                        safe_text(ts.department),
                        ts.year,
                        table.number,
                        table.title,
                        row.section or "",
                        row_no,
                        row.key,
                        row.code or "",
                        safe_text(row.name),
                        row.level,
                        row.kind.value,
                        col_no,
                        column.key,
                        COLUMN_PATH_SEPARATOR.join(column_path(column)),
                        table.unit,
                        cell_text(row.values[col_no - 1], column.places),
                    )
                )
    return out.getvalue()
