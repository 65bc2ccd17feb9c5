"""The columns of the nine public tables, defined once.

Each column: its key, the leaf header the table prints, the header groups above it, the
side of the table it stands on (收入 ‖ 支出, 人员经费 ‖ 公用经费) and the header words real
reports print for it. The table builders (:mod:`juesuan.tables.build`) print these columns;
the report reader (:mod:`juesuan.audit.tables`) recognises them by their words and gives
back tables with the same columns, so the round trip compares like with like. What differs
between templates (表7 grouped by stage or by item, the 公务用车 labels, 表9 with or without
its income columns) is read from the :class:`~juesuan.template.model.Template`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from juesuan.filing.model import Fund
from juesuan.tables.table import Column

TABLE_KEYS = {
    1: "income_expenditure_summary", 2: "income", 3: "expenditure", 4: "fiscal_summary",
    5: "general_budget_expenditure", 6: "general_budget_basic", 7: "three_public",
    8: "government_fund", 9: "state_capital",
}

# The sides of the side-by-side tables.
INCOME = "收入"
EXPENDITURE = "支出"
PERSONNEL = "人员经费"
PUBLIC = "公用经费"
# 经济分类 类 of 人员经费 in 表6 (工资福利支出, 对个人和家庭的补助); the rest is 公用经费
PERSONNEL_CLASSES = ("301", "303")

STAGE_NAMES = {"budget": "预算数", "final": "决算数"}

FUND_LABELS = {
    Fund.GENERAL_BUDGET: "一般公共预算财政拨款",
    Fund.GOVERNMENT_FUND: "政府性基金预算财政拨款",
    Fund.STATE_CAPITAL: "国有资本经营预算财政拨款",
}

# Income by source: the income rows of 表1 in order; from 上级补助收入 on, columns of 表2.
INCOME_LABELS = (
    ("general_budget", "一般公共预算财政拨款收入"),
    ("government_fund", "政府性基金预算财政拨款收入"),
    ("state_capital", "国有资本经营预算财政拨款收入"),
    ("superior_subsidy", "上级补助收入"),
    ("business", "事业收入"),
    ("operating", "经营收入"),
    ("affiliated_remittance", "附属单位上缴收入"),
    ("other", "其他收入"),
)

# Expenditure by kind: the columns of 表3 after its total.
EXPENDITURE_LABELS = (
    ("basic", "基本支出"),
    ("project", "项目支出"),
    ("remit_superior", "上缴上级支出"),
    ("operating", "经营支出"),
    ("subsidy_affiliated", "对附属单位补助支出"),
)


@dataclass(frozen=True)
class ColumnSpec:
    """A column of a public table, and how a printed report names it."""

    key: str
    label: str
    groups: tuple[str, ...] = ()
    section: str | None = None
    # words of the stacked header cells that name this column in a printed report
    words: tuple[str, ...] = ()
    # a total: its words ("合计", "本年支出") also stand above the other columns, so it is
    # recognised only when no other column's words are in the header
    total: bool = False

    @property
    def column(self) -> Column:
        return Column(self.key, self.label, self.groups, self.section)


_INCOME_WORDS = {"superior_subsidy": "上级补助", "business": "事业收入", "operating": "经营收入",
                 "affiliated_remittance": "附属单位", "other": "其他收入"}
_EXPENDITURE_WORDS = {"basic": "基本支出", "project": "项目支出", "remit_superior": "上缴上级",
                      "operating": "经营支出", "subsidy_affiliated": "附属单位"}

_SPENT = (
    ColumnSpec("expenditure", "合计", ("本年支出",), words=("本年支出", "合计", "小计"), total=True),
    ColumnSpec("basic", "基本支出", ("本年支出",), words=("基本支出",)),
    ColumnSpec("project", "项目支出", ("本年支出",), words=("项目支出",)),
)
_FUND_INCOME = (
    ColumnSpec("opening", "年初结转和结余", words=("年初",)),
    ColumnSpec("income", "本年收入", words=("本年收入",)),
)
_FUND_CLOSING = ColumnSpec("closing", "年末结转和结余", words=("年末",))

# 表2, 表3, 表5, 表8 and 表9 (a row per 功能分类 code), left to right.
HIERARCHICAL: dict[int, tuple[ColumnSpec, ...]] = {
    2: (
        ColumnSpec("total", "本年收入合计", words=("合计", "小计", "本年收入", "总计"), total=True),
        ColumnSpec("fiscal", "财政拨款收入", words=("财政拨款",)),
        *(ColumnSpec(src, label, words=(_INCOME_WORDS[src],)) for src, label in INCOME_LABELS[3:]),
    ),
    3: (
        ColumnSpec("total", "本年支出合计", words=("合计", "小计", "本年支出", "总计"), total=True),
        *(ColumnSpec(kind, label, words=(_EXPENDITURE_WORDS[kind],)) for kind, label in EXPENDITURE_LABELS),
    ),
    5: (
        ColumnSpec("total", "合计", words=("合计", "小计", "本年支出", "决算数"), total=True),
        ColumnSpec("basic", "基本支出", words=("基本支出",)),
        ColumnSpec("project", "项目支出", words=("项目支出",)),
    ),
    8: (*_FUND_INCOME, *_SPENT, _FUND_CLOSING),
    9: (*_FUND_INCOME, *_SPENT, _FUND_CLOSING),
}


def hierarchical_columns(number: int, *, with_income: bool = True) -> tuple[ColumnSpec, ...]:
    """The columns of 表2/3/5/8/9; 表9 without its income columns (``with_income`` false:
    the templates that print only 本年支出) has only the spending ones."""
    if number == 9 and not with_income:
        return _SPENT
    return HIERARCHICAL[number]


def recognition_order(specs: Sequence[ColumnSpec]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(key, words) to try on a printed header: the totals last (see ColumnSpec.total)."""
    ordered = [s for s in specs if not s.total] + [s for s in specs if s.total]
    return tuple((s.key, s.words) for s in ordered)


# 表1: one amount column on each side.
SUMMARY_1 = (
    ColumnSpec("income", "决算数", (INCOME,), INCOME),
    ColumnSpec("expenditure", "决算数", (EXPENDITURE,), EXPENDITURE),
)
# 表4: the income amount; the spending total and one column per fund.
SUMMARY_4 = (
    ColumnSpec("income", "决算数", (INCOME,), INCOME),
    ColumnSpec("total", "合计", (EXPENDITURE,), EXPENDITURE, words=("合计", "小计"), total=True),
    ColumnSpec(Fund.GENERAL_BUDGET.value, FUND_LABELS[Fund.GENERAL_BUDGET], (EXPENDITURE,), EXPENDITURE,
               words=("一般公共预算",)),
    ColumnSpec(Fund.GOVERNMENT_FUND.value, FUND_LABELS[Fund.GOVERNMENT_FUND], (EXPENDITURE,), EXPENDITURE,
               words=("政府性基金",)),
    ColumnSpec(Fund.STATE_CAPITAL.value, FUND_LABELS[Fund.STATE_CAPITAL], (EXPENDITURE,), EXPENDITURE,
               words=("国有资本经营",)),
)
# 表6: the amount of each side.
BASIC_6 = (
    ColumnSpec("personnel", "决算数", (PERSONNEL,), PERSONNEL),
    ColumnSpec("public", "决算数", (PUBLIC,), PUBLIC),
)

# 表7: the items, each with a budget and a final amount.
THREE_PUBLIC_ITEMS = ("total", "outbound", "vehicle", "vehicle_purchase", "vehicle_operation",
                      "reception")
# the 公务用车 labels of the templates before one is known (the audit reads any report)
VEHICLE_GROUP = "公务用车购置及运行维护费"
VEHICLE_OPERATION = "公务用车运行维护费"


def three_public_labels(vehicle_group: str = VEHICLE_GROUP,
                        vehicle_operation: str = VEHICLE_OPERATION) -> dict[str, tuple[str, ...]]:
    """Header path (groups + leaf) of each item of 表7, without the stage."""
    return {
        "total": ("合计",),
        "outbound": ("因公出国（境）费",),
        "vehicle": (vehicle_group, "小计"),
        "vehicle_purchase": (vehicle_group, "公务用车购置费"),
        "vehicle_operation": (vehicle_group, vehicle_operation),
        "reception": ("公务接待费",),
    }


def three_public_keys(*, by_stage: bool) -> list[str]:
    """The columns of 表7 ("item.stage") in the order printed: every item's 预算数 then every
    item's 决算数 (by stage), or each item's 预算数 and 决算数 together."""
    stages = tuple(STAGE_NAMES)
    if by_stage:
        return [f"{item}.{stage}" for stage in stages for item in THREE_PUBLIC_ITEMS]
    return [f"{item}.{stage}" for item in THREE_PUBLIC_ITEMS for stage in stages]


def three_public_columns(order: Sequence[str], *, by_stage: bool,
                         labels: dict[str, tuple[str, ...]] | None = None) -> tuple[Column, ...]:
    """The columns of 表7 for ``order`` (keys "item.stage"): grouped by stage (预算数 over
    the items) or by item (the item over 预算数 | 决算数)."""
    labels = labels or three_public_labels()
    columns: list[Column] = []
    for key in order:
        item, stage = key.split(".")
        if by_stage:
            columns.append(Column(key, labels[item][-1], (STAGE_NAMES[stage], *labels[item][:-1])))
        else:
            columns.append(Column(key, STAGE_NAMES[stage], labels[item]))
    return tuple(columns)
