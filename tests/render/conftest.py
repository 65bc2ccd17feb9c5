"""A tiny filing, built into the nine tables, shared by the renderer tests.

Amounts are in 元 so that some land on a half 分 in 万元 and show the rounding:
其他收入 12 250 元 = 1.225 万元 prints 1.23 (half-up; half-even or a float would
give 1.22), and 本年收入合计 1 673.865 万元 prints 1 673.87.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from juesuan.content import Chart, Document, Part, Section, Series, placeholder
from juesuan.filing.model import Filing
from juesuan.rules.finding import Finding, Location, Severity
from juesuan.tables.build import build_tables
from juesuan.tables.table import TableSet

SMALL: dict[str, Any] = {
    "year": 2024,
    "unit": "元",
    "department": {"name": "测试局", "region": "上海市普陀区", "level": "县级"},
    "income": [
        {"code": "2010601", "general_budget": Decimal("15118900"), "other": "12250"},
        {"code": "2080505", "general_budget": "1607500"},
    ],
    "expenditure": [
        {"code": "2010601", "basic": Decimal("15035200"), "project": "83700"},
        {"code": "2080505", "basic": "1607500"},
    ],
    "basic_economic": [
        {"code": "30101", "amount": "16000000"},
        {"code": "30201", "amount": "642700"},
    ],
    "carry_over": [
        {"fund": "general_budget", "opening": "10000", "closing": "10000"},
        {"fund": "non_fiscal", "closing": "12250"},
    ],
    "three_public": {"reception": {"budget": "9500", "final": "7600"}},
}


def small_filing(**changes: Any) -> Filing:
    return Filing.model_validate({**SMALL, **changes})


@pytest.fixture(scope="session")
def small() -> TableSet:
    """The small filing in the Shanghai 2024 layout."""
    return build_tables(small_filing())


@pytest.fixture(scope="session")
def small_central() -> TableSet:
    """The same figures in the central 2020 layout (three-level 三公 header)."""
    return build_tables(small_filing(year=2020, layout="central-2020"))


def sample_document(tables: TableSet) -> Document:
    """A small document with every kind of content a renderer must draw.

    Paragraphs (one with a placeholder, one with markup characters), a subsection,
    a chart of each kind (one value blank), the tables of ``tables`` and a finding
    of each severity.
    """
    wan = Decimal
    charts = (
        Chart("income_structure", "收入结构", "pie",
              ("财政拨款收入", "事业收入", "其他收入"),
              (Series("决算数", (wan("1672.64"), None, wan("1.23"))),)),
        Chart("expenditure_structure", "支出结构", "bar",
              ("一般公共服务支出", "社会保障和就业支出"),
              (Series("决算数", (wan("1511.89"), wan("160.75"))),)),
        Chart("budget_vs_final", "预决算对比", "grouped_bar",
              ("基本支出", "项目支出"),
              (Series("预算数", (wan("1700.00"), wan("10.00"))),
               Series("决算数", (wan("1664.27"), wan("8.37"))))),
    )
    explanation = (
        Section("explanation.overview", "一、收入支出决算总体情况说明",
                ("2024年度收入总计1,683.87万元，支出总计1,683.87万元。",
                 f"增加的主要原因是{placeholder('增减原因')}。"),
                charts=charts[:1]),
        Section("explanation.expenditure", "二、支出决算情况说明",
                ("支出结构见下图。", "比较 a < b & c > d 的“说明”。"),
                charts=charts[1:],
                subsections=(Section("explanation.expenditure.detail", "（一）基本支出",
                                     ("基本支出1,664.27万元。",)),)),
    )
    parts = (
        Part("overview", "第一部分 测试局概况",
             (Section("overview.duties", "一、主要职能", ("负责全区财政工作。",)),
              Section("overview.structure", "二、机构设置", (placeholder("机构设置"),)))),
        Part("tables", "第二部分 测试局2024年度部门决算表",
             tuple(Section(f"tables.{t.number}", t.title, tables=(t,)) for t in tables.tables)),
        Part("explanation", "第三部分 测试局2024年度部门决算情况说明", explanation),
    )
    findings = (
        Finding("X1", Severity.ERROR, "表1 总计与表2不符 <b>", Location(table=1, row="total",
                                                                  column="amount"),
                expected="1,683.87", found="1,683.86"),
        Finding("F.budget-total", Severity.WARNING, "预算合计缺失", Location(path="budget.total")),
        Finding("X7", Severity.INFO, "差额在四舍五入误差范围内", Location()),
    )
    return Document("测试局2024年度部门决算", "测试局", 2024, parts, findings,
                    metadata={"layout": "shanghai-2024"})


@pytest.fixture(scope="session")
def document(small: TableSet) -> Document:
    """:func:`sample_document` of the small filing's tables."""
    return sample_document(small)

