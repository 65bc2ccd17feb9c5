"""XLSX rendering: the workbook read back with openpyxl."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import datetime

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from juesuan.render.xlsx import tables_to_xlsx, xlsx_sheet_name
from juesuan.tables.table import TableSet


@pytest.fixture(scope="module")
def workbook(small: TableSet) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(tables_to_xlsx(small)))


@pytest.fixture(scope="module")
def workbook_central(small_central: TableSet) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(tables_to_xlsx(small_central)))


def merged(ws: Worksheet) -> set[str]:
    return {str(r) for r in ws.merged_cells.ranges}


def row_with(ws: Worksheet, column: int, text: str) -> int:
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, column).value == text:
            return r
    raise AssertionError(f"{text} not in column {column} of {ws.title}")


def test_sheets_and_titles(workbook: openpyxl.Workbook, small: TableSet) -> None:
    assert workbook.sheetnames == [
        "表1 收入支出决算总表",
        "表2 收入决算表",
        "表3 支出决算表",
        "表4 财政拨款收入支出决算总表",
        "表5 一般公共预算财政拨款支出决算表",
        "表6 一般公共预算财政拨款基本支出决算表",
        "表7 财政拨款“三公”经费支出决算表",
        "表8 政府性基金预算财政拨款收入支出决算表",
        "表9 国有资本经营预算财政拨款收入支出决算表",
    ]
    for ws, table in zip(workbook.worksheets, small.tables, strict=True):
        assert ws["A1"].value == f"表{table.number} {table.title}"
        assert ws.cell(2, ws.max_column).value == "单位：万元"
        assert "测试局" in str(ws["A2"].value)


def test_known_number(workbook: openpyxl.Workbook) -> None:
    ws = workbook["表2 收入决算表"]
    r = row_with(ws, 1, "2010601")
    c = next(c for c in range(1, ws.max_column + 1) if ws.cell(3, c).value == "其他收入")
    cell = ws.cell(r, c)
    assert cell.value == 1.23  # 1.225 万元, half-up
    assert cell.number_format == "#,##0.00"
    assert ws.cell(r, 2).value == "行政运行"
    assert ws.cell(r, 2).alignment.indent == 2
    blank = ws.cell(r, c - 1)  # 附属单位上缴收入: nothing
    assert blank.value is None


def test_side_by_side(workbook: openpyxl.Workbook) -> None:
    ws = workbook["表1 收入支出决算总表"]
    assert {"A1:D1", "A3:B3", "C3:D3"} <= merged(ws)
    assert (ws["A3"].value, ws["C3"].value) == ("收入", "支出")
    assert (ws["A4"].value, ws["B4"].value, ws["C4"].value) == ("项目", "决算数", "项目")
    r = row_with(ws, 1, "本年收入合计")
    assert ws.cell(r, 3).value == "本年支出合计"
    assert ws.cell(r, 2).value == 1673.87
    assert ws.cell(r, 4).value == 1672.64
    assert ws.cell(r, 1).font.b and ws.cell(r, 2).font.b
    grand = row_with(ws, 1, "总计")
    assert ws.cell(grand, 3).value == "总计"
    assert ws.cell(grand, 3).border.left.style == "double"
    assert ws.freeze_panes == "A5"

    ws4 = workbook["表4 财政拨款收入支出决算总表"]
    assert row_with(ws4, 1, "总计") == row_with(ws4, 3, "总计")
    assert {"A3:B3", "C3:G3"} <= merged(ws4)

    ws6 = workbook["表6 一般公共预算财政拨款基本支出决算表"]
    assert [ws6.cell(4, c).value for c in range(1, 7)] == [
        "科目编码", "科目名称", "决算数", "科目编码", "科目名称", "决算数",
    ]
    assert row_with(ws6, 2, "人员经费合计") == row_with(ws6, 5, "公用经费合计")


def test_header_merges(workbook: openpyxl.Workbook, workbook_central: openpyxl.Workbook) -> None:
    ws8 = workbook["表8 政府性基金预算财政拨款收入支出决算表"]
    assert {"A3:A4", "B3:B4", "C3:C4", "E3:G3", "H3:H4"} <= merged(ws8)
    assert ws8["E3"].value == "本年支出"
    assert ws8.freeze_panes == "C5"
    ws7 = workbook_central["表7 一般公共预算财政拨款“三公”经费支出决算表"]
    assert {"A3:A5", "B3:G3", "H3:M3", "D4:F4", "B4:B5"} <= merged(ws7)
    assert ws7["D4"].value == "公务用车购置及运行费"
    assert ws7["D5"].value == "小计"
    assert ws7["B6"].value == 0.95
    assert ws7["H6"].value == 0.76


def test_notes_and_print_setup(workbook: openpyxl.Workbook, small: TableSet) -> None:
    for ws, table in zip(workbook.worksheets, small.tables, strict=True):
        for note in table.notes:
            row_with(ws, 1, note)
        assert ws.page_setup.paperSize == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth in (None, 1)  # 1 is the default, left out of the file
        assert ws.page_setup.fitToHeight == 0
    assert workbook["表2 收入决算表"].page_setup.orientation == "landscape"


def test_code_cells_are_text(workbook: openpyxl.Workbook) -> None:
    ws = workbook["表3 支出决算表"]
    assert ws.cell(row_with(ws, 1, "201"), 1).data_type == "s"


def test_reproducible(small: TableSet) -> None:
    when = datetime(2025, 1, 1)
    assert tables_to_xlsx(small, created=when) == tables_to_xlsx(small, created=when)


def test_sheet_name_rules(small: TableSet) -> None:
    table = replace(small[1], title="收入/支出[决算]:总表*?\\" + "很长" * 20)
    name = xlsx_sheet_name(table)
    assert len(name) == 31
    assert not set("[]:*?/\\") & set(name)
    assert name.startswith("表1 收入_支出_决算__总表")
