"""A tiny filing, built into the nine tables, shared by the renderer tests.

Amounts are in 元 so that some land on a half 分 in 万元 and show the rounding:
其他收入 12 250 元 = 1.225 万元 prints 1.23 (half-up; half-even or a float would
give 1.22), and 本年收入合计 1 673.865 万元 prints 1 673.87.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from juesuan.filing.model import Filing
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
