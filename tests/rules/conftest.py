"""A small, complete and fully consistent filing: the passing case of every rule.

The filing is in 元 (exact). Every amount is a multiple of 100 元, i.e. of 0.01 万元,
so the tables rounded to 0.01 万元 as printed equal the exact ones and not even an
info finding is expected. Test modules mutate a deep copy of ``GOOD`` (via the
``good_data`` fixture) to break exactly one rule.

The figures (元):

一般公共预算财政拨款 (general_budget)
    income   2010601 1,200,000  2010602 300,000  2080505 150,000  2101101 60,000
             2210201 90,000                                          = 1,800,000
    spent    2010601 basic 1,000,000 + project 150,000; 2010602 project 400,000;
             2080505 basic 150,000; 2101101 basic 60,000; 2210201 basic 90,000
                                                    = 1,850,000 (basic 1,300,000)
    carry    opening 100,000, closing 50,000: 100,000 + 1,800,000 = 1,850,000 + 50,000
    经济分类 301 = 1,000,000 (30108 = 150,000 = 2080505, 30110 = 60,000 = 2101101,
             30113 = 90,000 = 2210201), 302 = 220,000, 303 = 50,000, 310 = 30,000
             → 人员经费 1,050,000, 公用经费 250,000, together the basic 1,300,000
政府性基金预算财政拨款 (government_fund), 项 2120201
    opening 10,000 + income 200,000 = project 180,000 + closing 30,000
非财政拨款 (non_fiscal)
    income other 50,000 + business 30,000 + superior_subsidy 20,000 = 100,000
    opening 30,000 + income 100,000 + 使用非财政拨款结余 10,000
        = spent 90,000 + 结余分配 10,000 + closing 40,000
国有资本经营: none, so 表9 is empty and carries its “本表无数据” note.

(2120201 城乡社区规划与管理 stands in for a 政府性基金 项: the bundled code list has
no 212 08 项, and an unknown code would add an F.code-unknown warning.)
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from juesuan.filing.model import Filing
from juesuan.money import round_half_up
from juesuan.tables.build import build_tables
from juesuan.tables.table import TableSet

GOOD: dict[str, Any] = {
    "schema_version": 1,
    "year": 2024,
    "unit": "元",
    "layout": "shanghai-2024",
    "department": {"name": "测试市测试局", "region": "测试市", "level": "市级"},
    "income": [
        {"code": "2010601", "name": "行政运行", "general_budget": "1200000.00", "other": "50000.00"},
        {"code": "2010602", "general_budget": "300000.00", "business": "30000.00",
         "superior_subsidy": "20000.00"},
        {"code": "2080505", "general_budget": "150000.00"},
        {"code": "2101101", "general_budget": "60000.00"},
        {"code": "2210201", "general_budget": "90000.00"},
        {"code": "2120201", "government_fund": "200000.00"},
    ],
    "expenditure": [
        {"code": "2010601", "name": "行政运行", "basic": "1000000.00", "project": "150000.00"},
        {"code": "2010602", "name": " 一般行政 管理事务 ", "project": "400000.00"},
        {"code": "2080505", "basic": "150000.00"},
        {"code": "2101101", "basic": "60000.00"},
        {"code": "2210201", "basic": "90000.00"},
        {"code": "2120201", "fund": "government_fund", "project": "180000.00"},
        {"code": "2010601", "fund": "non_fiscal", "basic": "40000.00"},
        {"code": "2010602", "fund": "non_fiscal", "project": "50000.00"},
    ],
    "basic_economic": [
        {"code": "30101", "amount": "400000.00"},
        {"code": "30102", "amount": "300000.00"},
        {"code": "30108", "amount": "150000.00"},
        {"code": "30110", "amount": "60000.00"},
        {"code": "30113", "amount": "90000.00"},
        {"code": "30201", "name": "办公费", "amount": "120000.00"},
        {"code": "30212", "name": "因公出国(境)费用", "amount": "10000.00"},
        {"code": "30217", "amount": "8000.00"},
        {"code": "30231", "amount": "30000.00"},
        {"code": "30299", "amount": "52000.00"},
        {"code": "30301", "amount": "50000.00"},
        {"code": "31002", "amount": "30000.00"},
    ],
    "carry_over": [
        {"fund": "general_budget", "opening": "100000.00", "closing": "50000.00"},
        {"fund": "government_fund", "code": "2120201", "opening": "10000.00",
         "closing": "30000.00"},
        {"fund": "non_fiscal", "opening": "30000.00", "closing": "40000.00"},
    ],
    "non_fiscal_balance_used": "10000.00",
    "surplus_distribution": "10000.00",
    "three_public": {
        "outbound": {"budget": "20000.00", "final": "15000.00", "groups": 1, "persons": 3},
        "vehicle_purchase": {"budget": "250000.00", "final": "240000.00", "vehicles": 1},
        "vehicle_operation": {"budget": "40000.00", "final": "35000.00", "fleet": 3},
        "reception": {"budget": "10000.00", "final": "8000.00", "batches": 4, "persons": 40},
    },
    "operating_costs": {"final": "200000.00", "budget": "210000.00"},
    "procurement": {
        "total": "500000.00", "goods": "200000.00", "works": "100000.00",
        "services": "200000.00", "sme_reserved": "300000.00",
        "sme_awarded_reserved": "250000.00",
    },
    "budget": {
        "general_budget_initial": "1700000.00",
        "items": [
            {"code": "2010601", "initial": "1100000.00", "adjusted": "1150000.00"},
            {"code": "2010602", "initial": "300000.00", "adjusted": "400000.00"},
            {"code": "2080505", "initial": "150000.00"},
            {"code": "2101101", "initial": "60000.00"},
            {"code": "2210201", "initial": "90000.00"},
            {"code": "2120201", "fund": "government_fund", "initial": "200000.00"},
        ],
    },
}

_AMOUNT = re.compile(r"^-?[0-9]+\.[0-9]+$")


def in_wan(data: dict[str, Any]) -> dict[str, Any]:
    """The same filing in 万元, every amount rounded half-up to 2 decimals as a 万元 filing is."""

    def convert(node: Any, key: str | None = None) -> Any:
        if isinstance(node, dict):
            return {k: convert(v, k) for k, v in node.items()}
        if isinstance(node, list):
            return [convert(v, key) for v in node]
        if isinstance(node, str) and key != "code" and _AMOUNT.match(node):
            return f"{round_half_up(Decimal(node) / 10000, 2):.2f}"
        return node

    result: dict[str, Any] = convert(data)
    result["unit"] = "万元"
    return result


def make(data: dict[str, Any]) -> Filing:
    return Filing.model_validate(data)


@pytest.fixture
def good_data() -> dict[str, Any]:
    """A fresh deep copy of the good filing, to mutate."""
    return copy.deepcopy(GOOD)


@pytest.fixture(scope="session")
def good() -> Filing:
    return make(GOOD)


@pytest.fixture(scope="session")
def good_tables(good: Filing) -> TableSet:
    return build_tables(good)


@pytest.fixture(scope="session")
def good_wan() -> Filing:
    """The good filing in 万元 (exact too: every amount is a whole 0.01 万元)."""
    return make(in_wan(GOOD))


@pytest.fixture(scope="session")
def to_wan() -> Callable[[dict[str, Any]], dict[str, Any]]:
    """:func:`in_wan`, for tests that cannot import this conftest."""
    return in_wan
