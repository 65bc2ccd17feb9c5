"""Tables printed from a filing and read back by the audit are the tables built from it:
the same tables, row keys, column keys, sections and values, in every layout and unit.

This is the contract that lets the table rules judge a published report: a TableSet
read from a report has exactly the keys juesuan.tables.build gives.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from audit_text import report_text

from juesuan.audit.check import audit
from juesuan.audit.source import from_text
from juesuan.filing.model import Filing
from juesuan.tables.build import build_tables
from juesuan.tables.table import TableSet

Shape = dict[tuple[int, str], tuple[str | None, int, str, str | None, tuple[str, ...]]]


def cells(ts: TableSet) -> dict[tuple[int, str, str], Decimal | None]:
    return {
        (t.number, row.key, column.key): value  # type: ignore[misc]
        for t in ts.tables
        for row in t.rows
        for column, value in zip(t.columns, row.values, strict=True)
    }


def shape(ts: TableSet) -> Shape:
    """Per row: code, level, kind, section, and the table's column keys."""
    return {
        (t.number, row.key): (row.code, row.level, row.kind.value, row.section, t.column_keys)
        for t in ts.tables
        for row in t.rows
    }


def layout(name: str, year: int) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def change(data: dict[str, Any]) -> dict[str, Any]:
        data = copy.deepcopy(data)
        data["layout"], data["year"] = name, year
        return data
    return change


@pytest.mark.parametrize(("name", "year"), [
    ("shanghai-2024", 2024), ("shanghai-2024-24", 2024), ("central-2020", 2020), ("hubei-2020", 2020),
])
@pytest.mark.parametrize("unit", ["万元", "元"])
def test_tables_read_back_are_the_tables_built(
    good_data: dict[str, Any], make_filing: Callable[[dict[str, Any]], Filing], name: str, year: int,
    unit: str,
) -> None:
    built = build_tables(make_filing(layout(name, year)(good_data))).rounded(2)
    factor = Decimal(10000) if unit == "元" else Decimal(1)
    text = report_text(built, units=dict.fromkeys(range(1, 10), unit),
                       factors=dict.fromkeys(range(1, 10), factor))
    result = audit(from_text(text, "report.txt"))
    assert result.findings == ()
    read = result.tables
    assert [t.number for t in read.tables] == list(range(1, 10))
    assert [t.key for t in read.tables] == [t.key for t in built.tables]
    assert [t.sections for t in read.tables] == [t.sections for t in built.tables]
    assert shape(read) == shape(built)
    assert cells(read) == cells(built)
    assert (read.department, read.year) == (built.department, built.year)
    assert result.reading.units == dict.fromkeys(range(1, 10), unit)


def test_values_carry_the_error_of_their_printed_places(good_tables: TableSet) -> None:
    printed = good_tables.rounded(2)
    text = report_text(printed, units={2: "元"}, factors={2: Decimal(10000)})
    read = audit(from_text(text, "report.txt")).tables
    row = read[1].row("income.general_budget")
    assert row.values[0] == Decimal("180.00") and row.error(0) == Decimal("0.005")
    # printed in 元 to 0.01: ±0.005 元 = ±0.0000005 万元
    total = read[2].row("total")
    assert total.values[0] == printed[2].cell("total", "total")
    assert total.error(0) == Decimal("0.0000005")


@pytest.fixture
def make_filing() -> Callable[[dict[str, Any]], Filing]:
    return Filing.model_validate
