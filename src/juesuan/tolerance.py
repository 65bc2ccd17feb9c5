"""One tolerance model for amounts printed to a precision. Pure.

Every amount carries the largest error its rounding can cause (:class:`~juesuan.tables.amounts.Amt`:
±0.005 for a figure printed to 0.01 万元, the sum of its inputs' errors for a computed one). An
identity ``expected = found`` holds within ``expected.error + found.error``: a difference inside
it is rounding (``info``), outside it the figures are wrong.

A **total of a table** is the sum of the rows under it. A report may print either the rounded
true total or the sum of its rounded rows — both are right, and they differ by up to the rows'
summed rounding — so a printed total is known only to the larger of its own rounding and the
summed rounding of the rows it adds up (:func:`summed`, :func:`table_total`). This is the
error a total already carries when juesuan builds it from a filing in 万元 (the sum of its
rows' errors); reading it back from a printed report gives it the same, so an identity
between totals (X7: 表5 基本支出 = 表6 人员经费合计 + 公用经费合计) has the same severity
whether juesuan built the figures or read them. The claims of the text that state such a
total (“基本支出2336.92万元，其中：人员经费2152.27万元…”) take the total's error from the
same function (C.total).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Literal

from juesuan.money import ZERO
from juesuan.tables.amounts import Amt
from juesuan.tables.table import Table

Grade = Literal["ok", "rounding", "wrong"]


def allowed(expected: Amt, found: Amt) -> Decimal:
    """How far ``found`` may lie from ``expected`` by rounding alone."""
    return expected.error + found.error


def grade(expected: Amt, found: Amt) -> Grade:
    """ok: equal; rounding: the difference is within :func:`allowed`; wrong: beyond it."""
    diff = found.value - expected.value
    if diff == 0:
        return "ok"
    return "rounding" if abs(diff) <= allowed(expected, found) else "wrong"


def summed(total: Amt, parts: Iterable[Amt]) -> Amt:
    """A total printed beside the rounded parts it adds up: known to the larger of its own
    rounding and the parts' summed rounding."""
    return Amt(total.value, max(total.error, sum((p.error for p in parts), ZERO)))


def leaf_rows(table: Table, section: str | None = None) -> list[int]:
    """The rows a table's total adds up: the coded rows no printed row breaks down further
    (the 项 of 表5, the 款 of 表6 — or a 类 printed without its 款), in ``section``."""
    parents = {parent for parent, _ in table.hierarchy_links}
    return [n for n, row in enumerate(table.rows)
            if row.code is not None and n not in parents
            and (section is None or row.section == section)]


def table_total(table: Table, row_key: str, column_key: str, section: str | None = None) -> Amt | None:
    """The total cell ``row_key``/``column_key`` with the error of a total (see :func:`summed`):
    its own rounding, or the summed rounding of the rows it adds up when that is larger."""
    row = table.find(row_key)
    if row is None or column_key not in table.column_keys:
        return None
    i = table.column_index(column_key)
    value = row.values[i]
    cell = Amt(value if isinstance(value, Decimal) else ZERO, row.error(i))
    rows = table.rows
    return summed(cell, (Amt(ZERO, rows[n].error(i)) for n in leaf_rows(table, section)))


def stating(printed: Amt, cell: Amt) -> Amt:
    """A figure of the text that states a table's cell (a total): known to the larger of its
    own rounding and the cell's — the text may print the total either way the table may."""
    return Amt(printed.value, max(printed.error, cell.error))


# A total of a table the report does not let us read adds up an unknown number of rows. Its
# error is then estimated for at most this many rows, each printed to the total's precision
# (a department's 表5 or 表6 prints far fewer); a difference within that estimate is unsure, not
# an error.
UNREAD_TOTAL_ROWS = 100


def unread_total(printed: Amt) -> Amt:
    """A figure stating a total of a table that was not read, with the estimated error."""
    return Amt(printed.value, max(printed.error, UNREAD_TOTAL_ROWS * printed.error))
