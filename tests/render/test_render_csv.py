"""CSV rendering: parsed back with the csv module."""

from __future__ import annotations

import csv
import io

from juesuan.render.csv import CSV_COLUMNS, tables_to_csv
from juesuan.tables.table import TableSet


def records(ts: TableSet) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(tables_to_csv(ts), newline=""))
    assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
    return list(reader)


def find(rows: list[dict[str, str]], table: int, row: str, column: str) -> dict[str, str]:
    hits = [
        r for r in rows if r["表号"] == str(table) and r["行键"] == row and r["列键"] == column
    ]
    assert len(hits) == 1, (table, row, column, len(hits))
    return hits[0]


def test_known_cells(small: TableSet) -> None:
    rows = records(small)
    cell = find(rows, 2, "2010601", "other")
    assert cell["金额"] == "1.23"  # 1.225 rounded half-up
    assert cell["科目编码"] == "2010601"
    assert cell["科目名称"] == "行政运行"
    assert cell["层级"] == "3"
    assert cell["列名"] == "其他收入"
    assert cell["表名"] == "收入决算表"
    assert cell["部门"] == "测试局" and cell["年度"] == "2024" and cell["单位"] == "万元"
    total = find(rows, 1, "income_total", "income")
    assert total["金额"] == "1673.87"
    assert total["部分"] == "收入" and total["行类型"] == "total" and total["列名"] == "收入/决算数"
    assert find(rows, 8, "total", "basic")["列名"] == "本年支出/基本支出"


def test_blank_cells_are_empty_strings(small: TableSet) -> None:
    rows = records(small)
    assert find(rows, 3, "2080505", "project")["金额"] == ""


def test_side_by_side_rows_only_in_their_section(small: TableSet) -> None:
    rows = records(small)
    t1 = [r for r in rows if r["表号"] == "1"]
    assert not [r for r in t1 if r["行键"] == "income_total" and r["列键"] == "expenditure"]
    assert all(r["部分"] == ("收入" if r["列键"] == "income" else "支出") for r in t1)


def test_every_cell_once(small: TableSet) -> None:
    rows = records(small)
    expected = sum(
        sum(1 for c in t.columns if r.section is None or c.section == r.section)
        for t in small.tables
        for r in t.rows
    )
    assert len(rows) == expected
    assert len({(r["表号"], r["行号"], r["列号"]) for r in rows}) == expected


def test_amounts_are_plain_decimals(small: TableSet) -> None:
    for r in records(small):
        amount = r["金额"]
        if amount:
            whole, _, cents = amount.lstrip("-").partition(".")
            assert whole.isdigit() and len(cents) == 2, amount


def test_text_a_spreadsheet_would_run_as_a_formula_is_defused(small: TableSet) -> None:
    from dataclasses import replace

    hostile = replace(small, department="=HYPERLINK(\"http://x\",\"点此\")")
    rows = records(hostile)
    assert rows[0]["部门"] == "'=HYPERLINK(\"http://x\",\"点此\")"
    # negative amounts are numbers, not text: left as they are
    assert all(not r["金额"].startswith("'") for r in rows)
    assert records(small)[0]["部门"] == "测试局"
