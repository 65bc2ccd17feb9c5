"""Amounts in 万元 with an error bound, and the filing's figures gathered for the builders."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple

from juesuan.filing.model import (
    EXPENDITURE_KINDS,
    INCOME_SOURCES,
    Filing,
    Fund,
)
from juesuan.money import ZERO, AmountUnit, decimal_places, half_unit, to_wan


class Amt(NamedTuple):
    """An amount in 万元 and the half-width of the interval it is known to."""

    value: Decimal = ZERO
    error: Decimal = ZERO

    def __add__(self, other: object) -> Amt:
        if not isinstance(other, Amt):
            return NotImplemented
        # tuple.__new__ directly: the hottest call of building and checking tables
        return _new(Amt, (self[0] + other[0], self[1] + other[1]))

    def __neg__(self) -> Amt:
        return Amt(-self.value, self.error)

    def __sub__(self, other: object) -> Amt:
        if not isinstance(other, Amt):
            return NotImplemented
        return Amt(self.value - other.value, self.error + other.error)


NIL = Amt()
_new = tuple.__new__


def amt_sum(items: Iterable[Amt]) -> Amt:
    # Same additions in the same order as NIL + a + b + …, without the intermediate Amts.
    value = error = ZERO
    for item_value, item_error in items:
        value += item_value
        error += item_error
    return _new(Amt, (value, error))


def amt(value: Decimal | None, unit: AmountUnit) -> Amt:
    """Convert a filing amount to 万元.

    A filing in 万元 written to 0.01 was itself rounded from 元 figures, so each
    value carries the rounding error of the places it was written with (at least
    two). A filing in 元 is exact to the 分.
    """
    if value is None:
        return NIL
    if unit is AmountUnit.YUAN:
        return Amt(to_wan(value, unit), ZERO)
    places = max(2, decimal_places(value))
    return Amt(value, ZERO if places >= 6 else half_unit(places))


FUNDS = (Fund.GENERAL_BUDGET, Fund.GOVERNMENT_FUND, Fund.STATE_CAPITAL)


@dataclass
class Figures:
    """The filing's amounts in 万元, indexed the ways the builders need them."""

    # income[code][source]
    income: dict[str, dict[str, Amt]] = field(default_factory=lambda: defaultdict(dict))
    # expenditure[code][fund][kind]
    expenditure: dict[str, dict[Fund, dict[str, Amt]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(dict))
    )
    economic: dict[str, Amt] = field(default_factory=dict)
    # 经济分类 款 with a row whose 决算数 is not filled yet (not zero): 表6 leaves it blank
    # and the checks that need it are not evaluated
    economic_unfilled: list[str] = field(default_factory=list)
    # carry[fund][code or ""] = (opening, closing)
    opening: dict[Fund, dict[str, Amt]] = field(default_factory=lambda: defaultdict(dict))
    closing: dict[Fund, dict[str, Amt]] = field(default_factory=lambda: defaultdict(dict))
    names: dict[str, str] = field(default_factory=dict)
    non_fiscal_balance_used: Amt = NIL
    surplus_distribution: Amt = NIL

    def income_by_source(self, source: str) -> Amt:
        return amt_sum(by_source.get(source, NIL) for by_source in self.income.values())

    @cached_property
    def spent_by_fund(self) -> dict[str, dict[Fund, Amt]]:
        """Expenditure of each 项 by fund, all kinds together."""
        return {
            code: {fund: amt_sum(kinds.values()) for fund, kinds in by_fund.items()}
            for code, by_fund in self.expenditure.items()
        }

    @cached_property
    def spent_by_class(self) -> dict[str, dict[Fund, Amt]]:
        """Expenditure of each 类 by fund, all kinds together."""
        result: dict[str, dict[Fund, Amt]] = {}
        for code, by_fund in self.spent_by_fund.items():
            slot = result.setdefault(code[:3], {})
            for fund, a in by_fund.items():
                slot[fund] = slot.get(fund, NIL) + a
        return result

    @cached_property
    def spent_by_kind(self) -> dict[str, dict[str, Amt]]:
        """Expenditure of each 项 by kind, all funds together."""
        result: dict[str, dict[str, Amt]] = {}
        for code, by_fund in self.expenditure.items():
            slot: dict[str, Amt] = {}
            for kinds in by_fund.values():
                for kind, a in kinds.items():
                    slot[kind] = slot.get(kind, NIL) + a
            result[code] = slot
        return result

    def spent(self, code: str, funds: Iterable[Fund] | None = None) -> Amt:
        """Expenditure of a 项, all kinds, from ``funds`` (all when None)."""
        by_fund = self.spent_by_fund.get(code, {})
        if funds is None:
            return amt_sum(by_fund.values())
        return amt_sum(by_fund[f] for f in funds if f in by_fund)

    def expenditure_of(
        self, code: str, funds: Iterable[Fund] | None = None, kinds: Iterable[str] | None = None
    ) -> Amt:
        by_fund = self.expenditure.get(code, {})
        kinds = tuple(kinds) if kinds is not None else EXPENDITURE_KINDS
        return amt_sum(
            by_kind.get(kind, NIL)
            for fund, by_kind in by_fund.items()
            if funds is None or fund in funds
            for kind in kinds
        )

    def opening_of(self, funds: Iterable[Fund]) -> Amt:
        return amt_sum(a for f in funds for a in self.opening.get(f, {}).values())

    def closing_of(self, funds: Iterable[Fund]) -> Amt:
        return amt_sum(a for f in funds for a in self.closing.get(f, {}).values())


def gather(filing: Filing) -> Figures:
    """Index the filing's rows. Repeated rows add up (a rule reports them)."""
    unit = filing.unit
    fig = Figures()
    for irow in filing.income:
        slot = fig.income[irow.code]
        for source in INCOME_SOURCES:
            value = getattr(irow, source)
            if value is not None:
                slot[source] = slot.get(source, NIL) + amt(value, unit)
        if irow.name:
            fig.names.setdefault(irow.code, irow.name)
    for erow in filing.expenditure:
        kinds = fig.expenditure[erow.code][erow.fund]
        for kind in EXPENDITURE_KINDS:
            value = getattr(erow, kind)
            if value is not None:
                kinds[kind] = kinds.get(kind, NIL) + amt(value, unit)
        if erow.name:
            fig.names.setdefault(erow.code, erow.name)
    for econ in filing.basic_economic:
        if econ.amount is None:
            fig.economic_unfilled.append(econ.code)
        else:
            fig.economic[econ.code] = fig.economic.get(econ.code, NIL) + amt(econ.amount, unit)
        if econ.name:
            fig.names.setdefault(econ.code, econ.name)
    for carry in filing.carry_over:
        key = carry.code or ""
        if carry.opening is not None:
            fig.opening[carry.fund][key] = fig.opening[carry.fund].get(key, NIL) + amt(
                carry.opening, unit
            )
        if carry.closing is not None:
            fig.closing[carry.fund][key] = fig.closing[carry.fund].get(key, NIL) + amt(
                carry.closing, unit
            )
    fig.non_fiscal_balance_used = amt(filing.non_fiscal_balance_used, unit)
    fig.surplus_distribution = amt(filing.surplus_distribution, unit)
    return fig
