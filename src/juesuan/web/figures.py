"""Key figures of a filing, read as its document prints them, and their changes. Pure: no
Django. The portal shows and compares them; the working area shows them on a filing's review
page and sums them over a region.

Every figure is read from the printed tables (``build_tables(filing).rounded(2)``) or the
narrative facts (:func:`juesuan.narrative.facts.gather_facts`), so it is exactly what the
published document states: 万元, rounded half-up to two decimals. Nothing is re-derived.

A figure the filing does not give is ``None`` (shown as 无数据, never as 0): the “三公”
items whose 决算数 the filing leaves empty, and 机关运行经费 when the filing has none.

Changes: the difference of the two printed figures (exact, so already two decimals) and
the rate difference / |base| × 100, rounded half-up to two decimals (None when the base
is 0).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from juesuan.filing.model import Filing
from juesuan.narrative.facts import Facts, Gap, gather_facts, percent
from juesuan.tables.figures import stated as stated_figure
from juesuan.tables.table import TableSet

UNIT = "万元"
MISSING = "无数据"


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    group: str


MEASURES: tuple[Measure, ...] = (
    Measure("grand_total", "收入支出总计", "收支总体"),
    Measure("income_total", "本年收入合计", "收支总体"),
    Measure("expenditure_total", "本年支出合计", "收支总体"),
    Measure("basic", "基本支出", "收支总体"),
    Measure("project", "项目支出", "收支总体"),
    Measure("fiscal_total", "财政拨款收入支出总计", "财政拨款"),
    Measure("fiscal_income", "财政拨款本年收入", "财政拨款"),
    Measure("fiscal_expenditure", "财政拨款本年支出", "财政拨款"),
    Measure("general_budget", "一般公共预算财政拨款支出", "一般公共预算财政拨款"),
    Measure("general_budget_basic", "一般公共预算财政拨款基本支出", "一般公共预算财政拨款"),
    Measure("general_budget_project", "一般公共预算财政拨款项目支出", "一般公共预算财政拨款"),
    Measure("three_public", "“三公”经费合计", "“三公”经费（决算数）"),
    Measure("three_public.outbound", "因公出国（境）费", "“三公”经费（决算数）"),
    Measure("three_public.vehicle", "公务用车购置及运行维护费", "“三公”经费（决算数）"),
    Measure("three_public.vehicle_purchase", "公务用车购置费", "“三公”经费（决算数）"),
    Measure("three_public.vehicle_operation", "公务用车运行维护费", "“三公”经费（决算数）"),
    Measure("three_public.reception", "公务接待费", "“三公”经费（决算数）"),
    Measure("operating_costs", "机关运行经费", "机关运行经费"),
)
MEASURE_KEYS = tuple(m.key for m in MEASURES)

Figures = Mapping[str, Decimal | None]


def _printed(value: object) -> Decimal:
    """A printed table cell as an amount (published tables leave zero cells blank)."""
    return value if isinstance(value, Decimal) else Decimal("0.00")


def key_figures(filing: Filing, printed: TableSet,
                facts: Facts | None = None) -> dict[str, Decimal | None]:
    """The key figures of a filing from its printed tables (rounded to 0.01 万元) and the facts
    of its 情况说明 (gathered from them unless given)."""
    facts = gather_facts(filing, printed) if facts is None else facts
    gb = facts.general_budget
    tp = facts.three_public
    stated = {key: getattr(filing.three_public, key).final is not None
              for key in ("outbound", "vehicle_purchase", "vehicle_operation", "reception")}
    stated["vehicle"] = stated["vehicle_purchase"] and stated["vehicle_operation"]
    stated["total"] = all(stated.values())

    def three(key: str) -> Decimal | None:
        return getattr(tp, key).final if stated[key] else None

    operating = facts.operating_costs
    return {
        "grand_total": facts.grand_total.value,
        "income_total": facts.income_total,
        "expenditure_total": facts.expenditure_total,
        "basic": stated_figure(printed, "expenditure.basic"),
        "project": stated_figure(printed, "expenditure.project"),
        "fiscal_total": facts.fiscal_total.value,
        "fiscal_income": facts.fiscal_income,
        "fiscal_expenditure": facts.fiscal_expenditure,
        "general_budget": gb.total,
        "general_budget_basic": gb.basic,
        "general_budget_project": gb.project,
        "three_public": three("total"),
        "three_public.outbound": three("outbound"),
        "three_public.vehicle": three("vehicle"),
        "three_public.vehicle_purchase": three("vehicle_purchase"),
        "three_public.vehicle_operation": three("vehicle_operation"),
        "three_public.reception": three("reception"),
        "operating_costs": None if isinstance(operating, Gap) else operating.value,
    }



@dataclass(frozen=True)
class Change:
    amount: Decimal  # value − base, 万元
    rate: Decimal | None  # amount / |base| × 100, half-up to 0.01; None when the base is 0

    @property
    def direction(self) -> Literal["up", "down", "flat"]:
        return "up" if self.amount > 0 else "down" if self.amount < 0 else "flat"


def change(value: Decimal | None, base: Decimal | None) -> Change | None:
    """The change from ``base`` to ``value``; None unless both are known."""
    if value is None or base is None:
        return None
    amount = value - base
    return Change(amount, percent(amount, abs(base)))


def amount_text(value: Decimal | None) -> str | None:
    """An amount as a decimal string with two places (None stays None)."""
    if value is None:
        return None
    return f"{abs(value) if value == 0 else value:.2f}"


def signed_text(value: Decimal | None) -> str | None:
    if value is None:
        return None
    return f"+{value:.2f}" if value > 0 else amount_text(value)
