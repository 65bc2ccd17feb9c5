"""Reading printed tables into the TableSet: amounts, layouts, units, what cannot be read."""

from __future__ import annotations

from decimal import Decimal

import pytest

from juesuan.audit.check import audit
from juesuan.audit.figures import parse_printed_figure
from juesuan.audit.source import from_text
from juesuan.audit.structure import recognise
from juesuan.audit.tables import TableReading, read_tables
from juesuan.rules.finding import Severity

D = Decimal


@pytest.mark.parametrize(("text", "value", "error"), [
    ("2,940.05", "2940.05", "0.005"),
    ("2940.05", "2940.05", "0.005"),
    ("1,234,567.8", "1234567.8", "0.05"),
    ("6.2", "6.2", "0.05"),
    ("10", "10", "0.5"),
    ("0.00", "0.00", "0.005"),
    ("-12.30", "-12.30", "0.005"),
    ("(12.30)", "-12.30", "0.005"),
    ("1，234.50", "1234.50", "0.005"),  # a full-width comma
    (" 2 940.05 ", "2940.05", "0.005"),  # PDF spacing inside a figure
    ("2.5000", "2.5000", "0.00005"),
])
def test_amounts(text: str, value: str, error: str) -> None:
    a = parse_printed_figure(text)
    assert isinstance(a.value, Decimal) and not a.malformed
    assert a.value == D(value) and str(a.value) == value.replace(",", "")
    assert a.error == D(error)


@pytest.mark.parametrize("text", ["", " ", "-", "—", "/", "…", "XX", "XXX", "。。。", "无", "项目"])
def test_blanks(text: str) -> None:
    a = parse_printed_figure(text)
    assert (a.value, a.malformed) == (None, False)


@pytest.mark.parametrize("text", ["1,2.34", "12.3.4", "12a.5", "5%", "1,23", "12,3456.00", "1.2.3.4",
                                  "二12", "12..5", "0.5万"])
def test_malformed(text: str) -> None:
    a = parse_printed_figure(text)
    assert (a.value, a.malformed) == (None, True)


def read(text: str) -> TableReading:
    return read_tables(recognise(from_text(text, "t.txt")))


COVER = "某某市某某局\n2024年度部门决算\n"


def test_codes_in_one_column_or_three_give_the_same_rows() -> None:
    split = COVER + """收入决算表
单位：万元
项目 |  |  |  | 本年收入合计 | 财政拨款收入 | 上级补助收入 | 事业收入 | 经营收入 | 附属单位上缴收入 | 其他收入
支出功能分类 |  |  | 科目名称 |  |  |  |  |  |  |
科目编码 |  |  |  |  |  |  |  |  |  |
类 | 款 | 项 | 合计 | 12.00 | 10.00 |  |  |  |  | 2.00
201 |  |  | 一般公共服务支出 | 12.00 | 10.00 |  |  |  |  | 2.00
201 | 06 |  | 财政事务 | 12.00 | 10.00 |  |  |  |  | 2.00
201 | 06 | 01 | 行政运行 | 12.00 | 10.00 |  |  |  |  | 2.00
"""
    joined = COVER + """收入决算表
单位：万元
项目 |  | 本年收入合计 | 财政拨款收入 | 上级补助收入 | 事业收入 | 经营收入 | 附属单位上缴收入 | 其他收入
功能分类科目编码 | 科目名称 |  |  |  |  |  |  |
合计 |  | 12.00 | 10.00 |  |  |  |  | 2.00
201 | 一般公共服务支出 | 12.00 | 10.00 |  |  |  |  | 2.00
20106 | 财政事务 | 12.00 | 10.00 |  |  |  |  | 2.00
2010601 行政运行 |  | 12.00 | 10.00 |  |  |  |  | 2.00
"""
    a, b = read(split).tables[2], read(joined).tables[2]
    assert [(r.key, r.code, r.level, r.values) for r in a.rows] == [
        (r.key, r.code, r.level, r.values) for r in b.rows]
    assert [r.key for r in a.rows] == ["total", "201", "20106", "2010601"]
    assert a.row("2010601").values == (D("12.00"), D("10.00"), None, None, None, None, D("2.00"))
    assert [r.name for r in b.rows] == ["合计", "一般公共服务支出", "财政事务", "行政运行"]


def test_summary_table_with_row_numbers_and_fund_columns() -> None:
    # central-style 表4: 行次 columns, which are not figures
    text = COVER + """财政拨款收入支出决算总表
单位：万元
收入 |  |  | 支出 |  |  |  |  |
项目 | 行次 | 金额 | 项目 | 行次 | 合计 | 一般公共预算财政拨款 | 政府性基金预算财政拨款 | 国有资本经营预算财政拨款
栏次 |  | 1 | 栏次 |  | 2 | 3 | 4 | 5
一、一般公共预算财政拨款 | 1 | 8.00 | 一、一般公共服务支出 | 30 | 9.00 | 9.00 |  |
二、政府性基金预算财政拨款 | 2 |  | 二、外交支出 | 31 |  |  |  |
本年收入合计 | 3 | 8.00 | 本年支出合计 | 32 | 9.00 | 9.00 |  |
年初财政拨款结转和结余 | 4 | 2.00 | 年末财政拨款结转和结余 | 33 | 1.00 | 1.00 |  |
一、一般公共预算财政拨款 | 5 | 2.00 |  | 34 |  |  |  |
总计 | 6 | 10.00 | 总计 | 35 | 10.00 | 10.00 |  |
"""
    reading = read(text)
    t4 = reading.tables[4]
    assert t4.column_keys == ("income", "total", "general_budget", "government_fund", "state_capital")
    assert t4.cell("income.general_budget", "income") == D("8.00")
    assert t4.cell("opening.general_budget", "income") == D("2.00")
    assert t4.cell("opening", "income") == D("2.00")
    assert t4.cell("201", "general_budget") == D("9.00")
    assert t4.cell("closing", "total") == D("1.00")
    assert t4.row("201").section == "支出" and t4.row("201").code == "201"
    assert reading.problems == []


def test_basic_table_in_three_groups() -> None:
    # the central 2020 form: 人员经费 | 公用经费 | 公用经费
    text = COVER + """一般公共预算财政拨款基本支出决算表
单位：万元
人员经费 |  |  | 公用经费 |  |  |  |  |
科目编码 | 科目名称 | 决算数 | 科目编码 | 科目名称 | 决算数 | 科目编码 | 科目名称 | 决算数
301 | 工资福利支出 | 5.00 | 302 | 商品和服务支出 | 1.00 | 310 | 资本性支出 | 0.50
30101 | 基本工资 | 5.00 | 30201 | 办公费 | 1.00 | 31002 | 办公设备购置 | 0.50
人员经费合计 |  | 5.00 | 公用经费合计 |  | 1.50 |  |  |
"""
    t6 = read(text).tables[6]
    assert {r.key: (r.section, r.values) for r in t6.rows} == {
        "301": ("人员经费", (D("5.00"), None)),
        "30101": ("人员经费", (D("5.00"), None)),
        "302": ("公用经费", (None, D("1.00"))),
        "30201": ("公用经费", (None, D("1.00"))),
        "310": ("公用经费", (None, D("0.50"))),
        "31002": ("公用经费", (None, D("0.50"))),
        "personnel_total": ("人员经费", (D("5.00"), None)),
        "public_total": ("公用经费", (None, D("1.50"))),
    }


def test_three_public_grouped_by_stage() -> None:
    text = COVER + """一般公共预算财政拨款“三公”经费支出决算表
单位：万元
预算数 |  |  |  |  |  | 决算数 |  |  |  |  |
合计 | 因公出国（境）费 | 公务用车购置及运行费 |  |  | 公务接待费 | 合计 | 因公出国（境）费 | 公务用车购置及运行费 |  |  | 公务接待费
 |  | 小计 | 公务用车购置费 | 公务用车运行费 |  |  |  | 小计 | 公务用车购置费 | 公务用车运行费 |
1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12
10.00 | 1.00 | 8.00 | 5.00 | 3.00 | 1.00 | 9.00 | 0.50 | 8.00 | 5.00 | 3.00 | 0.50
"""
    t7 = read(text).tables[7]
    assert t7.column_keys[:6] == ("total.budget", "outbound.budget", "vehicle.budget",
                                  "vehicle_purchase.budget", "vehicle_operation.budget",
                                  "reception.budget")
    assert t7.cell("three_public", "vehicle_operation.final") == D("3.00")
    assert t7.cell("three_public", "reception.final") == D("0.50")
    assert t7.cell("three_public", "total.budget") == D("10.00")


def test_spending_only_state_capital_table() -> None:
    text = COVER + """国有资本经营预算财政拨款支出决算表
单位：万元
项目 |  | 本年支出 |  |
科目编码 | 科目名称 | 合计 | 基本支出 | 项目支出
合计 |  |  |  |
说明：某某市某某局本年度没有国有资本经营预算财政拨款收入和支出，故本表无数据。
"""
    t9 = read(text).tables[9]
    assert t9.column_keys == ("expenditure", "basic", "project")
    assert t9.empty and t9.notes == ("说明：某某市某某局本年度没有国有资本经营预算财政拨款收入和支出，故本表无数据。",)


def test_a_table_in_yuan_is_read_in_wan_yuan() -> None:
    text = COVER + """支出决算表
单位：元
项目 |  | 本年支出合计 | 基本支出 | 项目支出 | 上缴上级支出 | 经营支出 | 对附属单位补助支出
科目编码 | 科目名称 |  |  |  |  |  |
合计 |  | 123,456.78 | 123,456.78 |  |  |  |
"""
    reading = read(text)
    row = reading.tables[3].row("total")
    assert row.values[0] == D("12.345678")
    assert row.error(0) == D("0.0000005")
    assert reading.units == {3: "元"}


def test_malformed_figures_and_unreadable_rows_are_recorded_not_raised() -> None:
    text = COVER + """支出决算表
单位：万元
项目 |  | 本年支出合计 | 基本支出 | 项目支出 | 上缴上级支出 | 经营支出 | 对附属单位补助支出
科目编码 | 科目名称 |  |  |  |  |  |
合计 |  | 1,2.34 | 12.3.4 | 5.00 |  |  |
201 | 一般公共服务支出 | 12a.5 |  | 5.00 |  |  |
201 | 一般公共服务支出 | 5.00 |  | 5.00 |  |  |
20106011 | 太长的编码 | 5.00 |  | 5.00 |  |  |
 | 一般公共服务支出 | 5.00 |  | 5.00 |  |  |
"""
    reading = read(text)
    t3 = reading.tables[3]
    assert t3.cell("total", "total") is None and t3.cell("total", "project") == D("5.00")
    malformed = [(p.row, p.column, p.found) for p in reading.problems if p.kind == "malformed-number"]
    assert malformed == [("total", "total", "1,2.34"), ("total", "basic", "12.3.4"), ("201", "total", "12a.5")]
    structure = [p.message for p in reading.problems if p.kind == "structure"]
    assert len(structure) == 3  # the second 201, the eight-digit code, the row without a code
    assert any("出现两次" in m for m in structure) and any("位数不对" in m for m in structure)


def test_a_report_without_tables_is_audited_without_crash() -> None:
    result = audit(from_text("某某市某某局2024年度部门决算\n目录\n第一部分 部门概况\n", "x.txt"))
    assert result.tables.tables == ()
    rules = {f.rule for f in result.findings if f.severity is Severity.ERROR}
    assert rules == {"A.toc-mismatch"}  # 第一部分 only in the 目录
    # no table at all (published apart, a part of the report): one warning, not nine errors
    [x13] = [f for f in result.findings if f.rule == "X13"]
    assert x13.severity is Severity.WARNING and "没有公开表" in x13.message
    assert (result.department, result.year) == ("某某市某某局", 2024)


def test_a_table_one_cell_a_line_is_not_read_and_says_so_as_info() -> None:
    """tests/fixtures/real/anhui-2020-huaiyuan-shuangqiaoji prints 表7 one cell a line (a web
    page's table copied as text): not read, and not a defect of the report."""
    from pathlib import Path

    path = Path(__file__).parents[1] / "fixtures" / "real" / "anhui-2020-huaiyuan-shuangqiaoji" / "report.txt"
    result = audit(from_text(path.read_text(encoding="utf-8"), "report.txt"))
    [found] = [f for f in result.findings if f.rule == "A.table-structure" and f.location.table == 7]
    assert found.severity is Severity.INFO and "每行只有一格" in found.message
